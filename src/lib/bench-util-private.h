/* bench-util-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Small helpers shared inside the library (GLib 2.74 lacks g_set_str).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

static inline gboolean
bench_set_str (char       **ptr,
               const char  *value)
{
  char *copy;

  if (*ptr == value || g_strcmp0 (*ptr, value) == 0)
    return FALSE;

  copy = g_strdup (value);
  g_free (*ptr);
  *ptr = copy;
  return TRUE;
}

G_END_DECLS
