/* bench-sysinfo.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench-sysinfo.h"

static gint64
read_status_kib (const char *field)
{
  g_autofree char *contents = NULL;
  const char *line;
  gsize field_len = strlen (field);

  if (!g_file_get_contents ("/proc/self/status", &contents, NULL, NULL))
    return -1;

  for (line = contents; line != NULL && *line != '\0'; )
    {
      if (strncmp (line, field, field_len) == 0 && line[field_len] == ':')
        return g_ascii_strtoll (line + field_len + 1, NULL, 10) * 1024;

      line = strchr (line, '\n');
      if (line != NULL)
        line++;
    }

  return -1;
}

gint64
bench_sysinfo_get_peak_rss (void)
{
  return read_status_kib ("VmHWM");
}

gint64
bench_sysinfo_get_rss (void)
{
  return read_status_kib ("VmRSS");
}

char *
bench_sysinfo_dup_hostname (void)
{
  return g_strdup (g_get_host_name ());
}

char *
bench_sysinfo_dup_uuid (void)
{
  return g_uuid_string_random ();
}

gint64
bench_sysinfo_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

gboolean
bench_sysinfo_reset_peak_rss (void)
{
  FILE *file = fopen ("/proc/self/clear_refs", "w");
  gboolean ok;

  if (file == NULL)
    return FALSE;
  ok = fputs ("5", file) >= 0;
  ok &= fclose (file) == 0;
  return ok;
}
