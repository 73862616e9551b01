/* bench-harness-util.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the speed harnesses in bench/ share: option parsing, medians, one
 * timed call of a Benchtop executable and its validation line.
 */
#pragma once

#include <glib.h>

#include "bench-backend-private.h"

G_BEGIN_DECLS

/* Parses the command line against @entries; on error prints it on stderr
 * and returns FALSE (each harness picks its own exit status). */
gboolean bench_harness_parse_options (const char          *summary,
                                      const GOptionEntry  *entries,
                                      int                 *argc,
                                      char              ***argv);

/* Sorts @values (doubles); NAN when there are none. */
double   bench_harness_median        (GArray              *values);

/* One run of @executable: host wall-clock seconds around the call, and the
 * device seconds it reports (NAN when it does not measure them). */
gboolean bench_harness_time_run      (BenchExecutable     *executable,
                                      double              *seconds,
                                      double              *device_seconds,
                                      GError             **error);

/* Validates @executable and prints "@label: pass|FAIL (max normalised
 * error E, tolerance T)". Returns FALSE, with the reason on stderr, when the
 * validation could not run; otherwise TRUE with the verdict in @passed. */
gboolean bench_harness_validate      (BenchExecutable     *executable,
                                      const char          *label,
                                      gboolean            *passed);

G_END_DECLS
