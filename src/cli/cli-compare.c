/* cli-compare.c: the compare command
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "cli-common.h"

static void
add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  if (isnan (value) || isinf (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, value);
}

static char *
format_percent (double value)
{
  if (isnan (value))
    return g_strdup ("-");
  return g_strdup_printf ("%+.1f%%", value * 100);
}

static void
print_json (BenchCompareReport *report,
            BenchRun           *baseline,
            BenchRun           *candidate)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "baseline");
  json_builder_add_string_value (builder, baseline->uuid);
  json_builder_set_member_name (builder, "candidate");
  json_builder_add_string_value (builder, candidate->uuid);
  add_double (builder, "threshold", report->threshold);
  add_double (builder, "level", report->level);
  add_double (builder, "geomean_ratio", report->geomean_ratio);
  json_builder_set_member_name (builder, "counts");
  json_builder_begin_object (builder);
  for (BenchVerdict v = BENCH_VERDICT_UNCHANGED; v <= BENCH_VERDICT_MISSING; v++)
    {
      guint counts[] = { report->n_unchanged, report->n_faster, report->n_slower,
                         report->n_inconclusive, report->n_missing };

      json_builder_set_member_name (builder, bench_verdict_to_string (v));
      json_builder_add_int_value (builder, counts[v]);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "configurations");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->rows->len; i++)
    {
      BenchCompareRow *row = g_ptr_array_index (report->rows, i);
      gboolean compared = row->verdict != BENCH_VERDICT_MISSING;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "configuration");
      json_builder_add_string_value (builder, row->key);
      json_builder_set_member_name (builder, "verdict");
      json_builder_add_string_value (builder, bench_verdict_to_string (row->verdict));
      add_double (builder, "baseline_median_ns", row->baseline ? row->baseline->latency.median : NAN);
      add_double (builder, "candidate_median_ns", row->candidate ? row->candidate->latency.median : NAN);
      add_double (builder, "ratio_of_medians", compared ? row->stats.ratio_of_medians : NAN);
      add_double (builder, "shift", row->shift);
      add_double (builder, "shift_low", row->shift_low);
      add_double (builder, "shift_high", row->shift_high);
      add_double (builder, "p_value", compared ? row->stats.p_value : NAN);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  bench_cli_print_json (root);
}

int
bench_cli_compare (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(BenchRun) baseline = NULL;
  g_autoptr(BenchRun) candidate = NULL;
  g_autoptr(BenchCompareReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  gboolean json = FALSE;
  gboolean fail_on_regression = FALSE;
  double threshold = 0.05;
  double level = 0.95;
  const GOptionEntry entries[] = {
    { "threshold", 0, 0, G_OPTION_ARG_DOUBLE, &threshold, "Relative change that matters (default 0.05 = 5%)", "FRACTION" },
    { "level", 0, 0, G_OPTION_ARG_DOUBLE, &level, "Confidence level (default 0.95)", "LEVEL" },
    { "fail-on-regression", 0, 0, G_OPTION_ARG_NONE, &fail_on_regression, "Exit 1 when a configuration got slower (for CI)", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The history database", "PATH" },
    { NULL }
  };

  context = g_option_context_new ("BASELINE CANDIDATE - compare two runs configuration by configuration");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Latencies are compared on the raw samples: the Hodges-Lehmann shift with\n"
    "its distribution-free confidence interval and the Mann-Whitney p-value.\n"
    "A configuration is slower (a regression) only when the whole interval of\n"
    "the relative shift lies above the threshold, faster when it lies below\n"
    "minus the threshold, unchanged when it lies within, and inconclusive\n"
    "otherwise. Configurations match on workload, device id, batch, sequence\n"
    "length, precision, mode and parameters.\n");
  if (!bench_cli_parse (context, &argc, &argv))
    return BENCH_CLI_EXIT_USAGE;
  if (argc != 3)
    {
      bench_cli_error ("compare takes two runs: BASELINE CANDIDATE");
      return BENCH_CLI_EXIT_USAGE;
    }
  if (!(threshold >= 0 && threshold < 10) || !(level > 0.5 && level < 1))
    {
      bench_cli_error ("--threshold must be in [0, 10) and --level in (0.5, 1)");
      return BENCH_CLI_EXIT_USAGE;
    }

  store = bench_cli_open_store (db_path, &error);
  if (store == NULL ||
      !(baseline = bench_store_load_run (store, argv[1], TRUE, &error)) ||
      !(candidate = bench_store_load_run (store, argv[2], TRUE, &error)))
    {
      bench_cli_error ("%s", error->message);
      return BENCH_CLI_EXIT_FAILURE;
    }

  report = bench_compare_runs (baseline, candidate, threshold, level);

  if (json)
    {
      print_json (report, baseline, candidate);
    }
  else
    {
      printf ("Baseline  %s  %s\n", baseline->uuid, baseline->host ? baseline->host : "");
      printf ("Candidate %s  %s\n\n", candidate->uuid, candidate->host ? candidate->host : "");
      printf ("%-44s %10s %10s %9s %20s %9s  %s\n", "CONFIGURATION", "BASELINE", "CANDIDATE",
              "CHANGE", "CI", "P", "VERDICT");
      for (guint i = 0; i < report->rows->len; i++)
        {
          BenchCompareRow *row = g_ptr_array_index (report->rows, i);
          g_autofree char *a = bench_cli_format_ns (row->baseline ? row->baseline->latency.median : NAN);
          g_autofree char *b = bench_cli_format_ns (row->candidate ? row->candidate->latency.median : NAN);
          g_autofree char *shift = format_percent (row->shift);
          g_autofree char *low = format_percent (row->shift_low);
          g_autofree char *high = format_percent (row->shift_high);
          g_autofree char *ci = isnan (row->shift_low) ? g_strdup ("-") : g_strdup_printf ("%s … %s", low, high);
          g_autofree char *p = row->verdict == BENCH_VERDICT_MISSING || isnan (row->stats.p_value)
                                 ? g_strdup ("-") : g_strdup_printf ("%.2g", row->stats.p_value);

          printf ("%-44.44s %10s %10s %9s %20s %9s  %s\n", row->key, a, b, shift, ci, p,
                  bench_verdict_to_string (row->verdict));
        }
      printf ("\n%u slower, %u faster, %u unchanged, %u inconclusive, %u missing (threshold %.1f%%, %.0f%% intervals)",
              report->n_slower, report->n_faster, report->n_unchanged, report->n_inconclusive,
              report->n_missing, threshold * 100, level * 100);
      if (!isnan (report->geomean_ratio))
        printf ("; geometric mean latency ratio %.3f", report->geomean_ratio);
      printf ("\n");
    }

  if (fail_on_regression && report->n_slower > 0)
    return BENCH_CLI_EXIT_FAILURE;

  return BENCH_CLI_EXIT_OK;
}
