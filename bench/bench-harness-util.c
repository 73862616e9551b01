/* bench-harness-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bench-harness-util.h"

gboolean
bench_harness_parse_options (const char          *summary,
                             const GOptionEntry  *entries,
                             int                 *argc,
                             char              ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (summary);
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
bench_harness_median (GArray *values)
{
  guint n = values->len;

  if (n == 0)
    return NAN;
  g_array_sort (values, compare_doubles);
  if (n % 2 == 1)
    return g_array_index (values, double, n / 2);
  return 0.5 * (g_array_index (values, double, n / 2 - 1) +
                g_array_index (values, double, n / 2));
}

gboolean
bench_harness_time_run (BenchExecutable  *executable,
                        double           *seconds,
                        double           *device_seconds,
                        GError          **error)
{
  gint64 start = g_get_monotonic_time ();
  BenchIteration iteration = { 0 };

  if (!bench_executable_run (executable, &iteration, error))
    return FALSE;
  *seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  *device_seconds = iteration.device_ns > 0 ? iteration.device_ns / 1e9 : NAN;
  return TRUE;
}

gboolean
bench_harness_validate (BenchExecutable *executable,
                        const char      *label,
                        gboolean        *passed)
{
  g_autoptr(GError) error = NULL;
  BenchValidationReport report;

  if (!bench_executable_validate (executable, &report, &error))
    {
      /* The label may be indented for stdout; stderr stands alone. */
      g_printerr ("%s failed to run: %s\n", label + strspn (label, " "), error->message);
      return FALSE;
    }
  g_print ("%s: %s (max normalised error %.3g, tolerance %.3g)\n", label,
           report.validation == BENCH_VALIDATION_PASS ? "pass" : "FAIL",
           report.max_rel_error, report.tolerance);
  *passed = report.validation == BENCH_VALIDATION_PASS;
  return TRUE;
}
