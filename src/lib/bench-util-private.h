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

/* For kernel and shader work: the file @name in the directory that the
 * environment variable @env names, when both exist, so that a variant can
 * be timed without a rebuild. NULL otherwise, and the caller uses what
 * the build embedded. Says on stderr which file replaced what. */
static inline GBytes *
bench_dev_override_load (const char *env,
                         const char *name)
{
  const char *dir = g_getenv (env);
  g_autofree char *file = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (dir == NULL || *dir == '\0')
    return NULL;
  file = g_build_filename (dir, name, NULL);
  if (!g_file_get_contents (file, &contents, &length, NULL))
    return NULL;
  g_message ("%s from %s (%s)", name, file, env);
  return g_bytes_new_take (contents, length);
}

G_END_DECLS
