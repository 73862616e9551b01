/* cli-chart.c: benchtop-cli chart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "cli-common.h"
#include "bench-chart.h"
#include "bench-chart-data.h"

static char *
describe_selection (char **models,
                    char **devices,
                    char **runs,
                    char **precisions)
{
  GString *str = g_string_new (NULL);
  struct { const char *opt; char **values; } parts[] = {
    { "--model", models }, { "--device", devices }, { "--run", runs }, { "--precision", precisions },
  };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (parts[i].values != NULL && parts[i].values[0] != NULL)
      {
        g_autofree char *joined = g_strjoinv (",", parts[i].values);

        g_string_append_printf (str, "%s%s %s", str->len ? " " : "", parts[i].opt, joined);
      }
  return g_string_free (str, FALSE);
}

int
bench_cli_chart (int    argc,
                 char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *type = NULL;
  g_autofree char *metric = NULL;
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;
  g_autofree char *group_by = NULL;
  g_autofree char *output = NULL;
  g_autofree char *theme = NULL;
  g_autofree char *title = NULL;
  g_autofree char *error_bars = NULL;
  g_autofree char *csv = NULL;
  g_auto(GStrv) model_opts = NULL;
  g_auto(GStrv) device_opts = NULL;
  g_auto(GStrv) run_opts = NULL;
  g_auto(GStrv) precision_opts = NULL;
  g_auto(GStrv) models = NULL;
  g_auto(GStrv) devices = NULL;
  g_auto(GStrv) runs = NULL;
  g_auto(GStrv) precisions = NULL;
  gboolean log_x = FALSE, log_y = FALSE, pareto = FALSE, all = FALSE;
  int width = 800, height = 500;
  double scale = 1.0;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchChart) chart = NULL;
  g_autofree char *kinds = NULL;
  BenchChartKind kind;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The results database", "PATH" },
    { "type", 't', 0, G_OPTION_ARG_STRING, &type, "bar, line, scatter, heatmap, radar, box, stacked, percentiles or roofline", "TYPE" },
    { "metric", 'm', 0, G_OPTION_ARG_STRING, &metric, "The value to chart (radar: a comma-separated list; stacked: memory or flops)", "METRIC" },
    { "x", 'x', 0, G_OPTION_ARG_STRING, &x, "The field along x (scatter: a metric; --csv: a column)", "FIELD" },
    { "y", 'y', 0, G_OPTION_ARG_STRING, &y, "With --csv: the column along y", "COLUMN" },
    { "group-by", 'g', 0, G_OPTION_ARG_STRING, &group_by, "The field that makes series (with --csv: a column)", "FIELD" },
    { "model", 0, 0, G_OPTION_ARG_STRING_ARRAY, &model_opts, "Only these models (repeatable, comma-separated)", "MODEL" },
    { "device", 0, 0, G_OPTION_ARG_STRING_ARRAY, &device_opts, "Only these devices: id, name or fingerprint", "DEVICE" },
    { "run", 0, 0, G_OPTION_ARG_STRING_ARRAY, &run_opts, "Only these runs (uuid or prefix)", "RUN" },
    { "precision", 0, 0, G_OPTION_ARG_STRING_ARRAY, &precision_opts, "Only these precisions", "PRECISION" },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, "Include failed, invalid and cancelled results", NULL },
    { "log-x", 0, 0, G_OPTION_ARG_NONE, &log_x, "Logarithmic x axis", NULL },
    { "log-y", 0, 0, G_OPTION_ARG_NONE, &log_y, "Logarithmic y axis (heatmap: colour scale)", NULL },
    { "error-bars", 0, 0, G_OPTION_ARG_STRING, &error_bars, "Bar charts: ci (default), stddev or none", "KIND" },
    { "pareto", 0, 0, G_OPTION_ARG_NONE, &pareto, "Scatter charts: draw the Pareto front", NULL },
    { "width", 'W', 0, G_OPTION_ARG_INT, &width, "Width in pixels (default 800)", "W" },
    { "height", 'H', 0, G_OPTION_ARG_INT, &height, "Height in pixels (default 500)", "H" },
    { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &scale, "Pixels per unit for PNG (2 for HiDPI)", "S" },
    { "theme", 0, 0, G_OPTION_ARG_STRING, &theme, "light (default) or dark", "THEME" },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, "Replace the chart's title", "TEXT" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, "Chart two columns of a CSV file instead of the database", "FILE" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "The file to write: .png, .svg or .pdf", "FILE" },
    { NULL }
  };

  context = g_option_context_new ("- draw a chart of stored results");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Metrics: latency_median, latency_mean, latency_p90/p95/p99, items_per_second,\n"
    "tokens_per_second, gflops, gbytes_per_second, percent_of_peak, first_token,\n"
    "setup_time, cold_time, peak_rss, device_memory, ... (an unknown name lists them all)\n"
    "Fields: device, model, precision, batch, seq_len, run, date\n"
    "\n"
    "Examples:\n"
    "  benchtop-cli chart -t bar -m latency_median --x model --group-by device -o latency.png\n"
    "  benchtop-cli chart -t line -m items_per_second --x batch --model bert-base -o scaling.svg\n"
    "  benchtop-cli chart -t line -m latency_median --x date -o trend.pdf\n"
    "  benchtop-cli chart -t scatter -m items_per_second --x peak_rss --pareto -o tradeoff.png\n"
    "  benchtop-cli chart -t scatter --csv results.csv --x memory_mb --y latency_ms -o csv.png");
  if (!bench_cli_parse (context, &argc, &argv))
    return BENCH_CLI_EXIT_USAGE;

  {
    g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
    g_auto(GStrv) list = NULL;

    for (guint k = 0; k < BENCH_CHART_N_KINDS; k++)
      g_strv_builder_add (b, bench_chart_kind_to_string (k));
    list = g_strv_builder_end (b);
    kinds = g_strjoinv (", ", list);
  }

  if (argc > 1)
    {
      bench_cli_error ("unexpected argument “%s”; see “benchtop-cli chart --help”", argv[1]);
      return BENCH_CLI_EXIT_USAGE;
    }
  if (type == NULL)
    {
      bench_cli_error ("--type is required: one of %s", kinds);
      return BENCH_CLI_EXIT_USAGE;
    }
  if (!bench_chart_kind_from_string (type, &kind))
    {
      bench_cli_error ("unknown chart type “%s”; the types are: %s", type, kinds);
      return BENCH_CLI_EXIT_USAGE;
    }
  if (output == NULL)
    {
      bench_cli_error ("-o FILE is required: the chart is written to FILE.png, .svg or .pdf");
      return BENCH_CLI_EXIT_USAGE;
    }
  if (bench_chart_format_from_path (output) == BENCH_CHART_FORMAT_AUTO)
    {
      bench_cli_error ("cannot tell the format of “%s”: name it .png, .svg or .pdf", output);
      return BENCH_CLI_EXIT_USAGE;
    }
  if (theme != NULL && !g_str_equal (theme, "light") && !g_str_equal (theme, "dark"))
    {
      bench_cli_error ("unknown theme “%s”: use light or dark", theme);
      return BENCH_CLI_EXIT_USAGE;
    }
  if (error_bars != NULL && !g_str_equal (error_bars, "ci") && !g_str_equal (error_bars, "stddev") &&
      !g_str_equal (error_bars, "none"))
    {
      bench_cli_error ("unknown --error-bars “%s”: use ci, stddev or none", error_bars);
      return BENCH_CLI_EXIT_USAGE;
    }

  if (csv != NULL)
    {
      if (x == NULL || y == NULL)
        {
          bench_cli_error ("--csv needs --x COLUMN and --y COLUMN");
          return BENCH_CLI_EXIT_USAGE;
        }
      chart = bench_chart_new_from_csv (kind, csv, x, y, group_by, &error);
      if (chart == NULL)
        {
          bench_cli_error ("%s", error->message);
          return BENCH_CLI_EXIT_FAILURE;
        }
      if (bench_chart_is_empty (chart))
        {
          bench_cli_error ("the CSV file “%s” has no rows with numbers in both %s and %s", csv, x, y);
          return BENCH_CLI_EXIT_FAILURE;
        }
    }
  else
    {
      g_autoptr(BenchStore) store = NULL;
      g_autoptr(GPtrArray) results = NULL;
      g_autoptr(GPtrArray) stored_devices = NULL;
      g_autofree char *selection = NULL;
      BenchResultFilter filter = { 0 };
      BenchChartSpec spec = { 0 };

      if (y != NULL)
        {
          bench_cli_error ("--y is for --csv; with the database, --metric is the value along y");
          return BENCH_CLI_EXIT_USAGE;
        }

      models = bench_cli_split_list (model_opts);
      devices = bench_cli_split_list (device_opts);
      runs = bench_cli_split_list (run_opts);
      precisions = bench_cli_split_list (precision_opts);
      selection = describe_selection (models, devices, runs, precisions);

      spec.kind = kind;
      spec.metric = metric;
      spec.x = x;
      spec.group_by = group_by;
      spec.pareto = pareto;
      spec.selection = *selection ? selection : NULL;
      spec.error_bars = error_bars == NULL || g_str_equal (error_bars, "ci") ? BENCH_CHART_ERROR_BARS_CI
                        : g_str_equal (error_bars, "stddev") ? BENCH_CHART_ERROR_BARS_STDDEV
                        : BENCH_CHART_ERROR_BARS_NONE;

      /* Names are checked before the database is opened. */
      if (!bench_chart_spec_validate (&spec, &error))
        {
          bench_cli_error ("%s", error->message);
          return BENCH_CLI_EXIT_USAGE;
        }

      store = bench_cli_open_store (db, &error);
      if (store == NULL)
        {
          bench_cli_error ("%s", error->message);
          return BENCH_CLI_EXIT_FAILURE;
        }

      filter.workloads = (const char * const *) models;
      filter.devices = (const char * const *) devices;
      filter.runs = (const char * const *) runs;
      filter.precisions = (const char * const *) precisions;
      filter.only_ok = !all;
      filter.with_samples = kind == BENCH_CHART_KIND_BOX;
      results = bench_store_query_results (store, &filter, &error);
      if (results == NULL)
        {
          bench_cli_error ("%s", error->message);
          return BENCH_CLI_EXIT_FAILURE;
        }
      if (results->len == 0)
        {
          bench_cli_error ("no stored results match the selection%s%s in %s; "
                           "run “benchtop-cli list” to see what is stored",
                           *selection ? " " : "", selection, bench_store_get_path (store));
          return BENCH_CLI_EXIT_FAILURE;
        }

      if (kind == BENCH_CHART_KIND_ROOFLINE)
        {
          stored_devices = bench_store_list_devices (store, &error);
          if (stored_devices == NULL)
            {
              bench_cli_error ("%s", error->message);
              return BENCH_CLI_EXIT_FAILURE;
            }
        }

      chart = bench_chart_new_from_results (&spec, results, stored_devices, &error);
      if (chart == NULL)
        {
          bench_cli_error ("%s", error->message);
          return BENCH_CLI_EXIT_USAGE;
        }
      if (bench_chart_is_empty (chart))
        {
          bench_cli_error ("the %u selected result%s have no measured %s; nothing to chart",
                           results->len, results->len == 1 ? "" : "s",
                           metric ? metric : "value for this chart");
          return BENCH_CLI_EXIT_FAILURE;
        }
    }

  if (log_x)
    bench_chart_set_log_x (chart, TRUE);
  if (log_y)
    bench_chart_set_log_y (chart, TRUE);
  if (theme != NULL)
    bench_chart_set_theme (chart, g_str_equal (theme, "dark") ? BENCH_CHART_THEME_DARK : BENCH_CHART_THEME_LIGHT);
  if (title != NULL)
    bench_chart_set_title (chart, title);

  if (!bench_chart_export (chart, output, BENCH_CHART_FORMAT_AUTO, width, height, scale, &error))
    {
      bench_cli_error ("%s", error->message);
      return BENCH_CLI_EXIT_FAILURE;
    }

  return BENCH_CLI_EXIT_OK;
}
