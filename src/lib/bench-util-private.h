/* bench-util-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Small helpers shared inside the library (GLib 2.74 lacks g_set_str).
 */
#pragma once

#include <stdlib.h>
#include <sys/mman.h>

#include <glib.h>

G_BEGIN_DECLS

#define BENCH_HUGE_PAGE_SIZE ((gsize) 2 * 1024 * 1024)

/* @bytes (at least one) aligned to @alignment, or, from 2 MiB, on whole
 * 2 MiB pages advised for transparent huge pages (Debian's default is
 * "madvise"): kernels that stream large arrays then cross far fewer page
 * boundaries, where hardware prefetchers stop, and miss the TLB less.
 * Not zeroed; free() it; NULL when out of memory. */
static inline gpointer
bench_alloc_pages (gsize bytes,
                   gsize alignment)
{
  void *mem = NULL;

  if (bytes >= BENCH_HUGE_PAGE_SIZE)
    alignment = BENCH_HUGE_PAGE_SIZE;
  bytes = (MAX (bytes, 1) + alignment - 1) / alignment * alignment;
  if (posix_memalign (&mem, alignment, bytes) != 0)
    return NULL;
#ifdef MADV_HUGEPAGE
  /* Advice only: with THP disabled it fails harmlessly. */
  if (alignment == BENCH_HUGE_PAGE_SIZE)
    (void) madvise (mem, bytes, MADV_HUGEPAGE);
#endif
  return mem;
}

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
