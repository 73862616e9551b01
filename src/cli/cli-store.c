/* cli-store.c: list, show, export, import and delete stored runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli-common.h"

/* ------------------------------------------------------------------ */
/* A plain text table: columns padded to their widest cell.            */

typedef struct
{
  guint       n_columns;
  gboolean   *right;      /* right-aligned columns (numbers) */
  GPtrArray  *rows;       /* GStrv, the first is the header */
} Table;

static Table *
table_new (const char * const *headers,
           const char         *alignment)  /* "lrr...": one letter a column */
{
  Table *table = g_new0 (Table, 1);

  table->n_columns = g_strv_length ((char **)headers);
  table->right = g_new0 (gboolean, table->n_columns);
  for (guint i = 0; i < table->n_columns && alignment[i] != '\0'; i++)
    table->right[i] = alignment[i] == 'r';
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  g_ptr_array_add (table->rows, g_strdupv ((char **)headers));

  return table;
}

static void
table_free (Table *table)
{
  g_ptr_array_unref (table->rows);
  g_free (table->right);
  g_free (table);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Table, table_free)

/* Takes the cells, a NULL-terminated list of newly allocated strings. */
static void
table_add_row (Table *table,
               ...)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  va_list args;
  char *cell;

  va_start (args, table);
  while ((cell = va_arg (args, char *)) != NULL)
    {
      /* one line a row: a multi-line error would break the columns */
      g_strdelimit (cell, "\n\t", ' ');
      g_strv_builder_add (builder, cell);
      g_free (cell);
    }
  va_end (args);

  g_ptr_array_add (table->rows, g_strv_builder_end (builder));
  g_strv_builder_unref (builder);
}

static void
table_print (Table      *table,
             const char *indent)
{
  g_autofree gsize *widths = g_new0 (gsize, table->n_columns);

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = g_ptr_array_index (table->rows, r);

      for (guint c = 0; c < table->n_columns && row[c] != NULL; c++)
        widths[c] = MAX (widths[c], (gsize)g_utf8_strlen (row[c], -1));
    }

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = g_ptr_array_index (table->rows, r);
      g_autoptr(GString) line = g_string_new (indent);

      for (guint c = 0; c < table->n_columns && row[c] != NULL; c++)
        {
          gsize len = g_utf8_strlen (row[c], -1);
          gsize pad = widths[c] - len;
          gboolean last = c + 1 == table->n_columns || row[c + 1] == NULL;

          if (c > 0)
            g_string_append (line, "  ");
          if (table->right[c])
            {
              for (gsize i = 0; i < pad; i++)
                g_string_append_c (line, ' ');
              g_string_append (line, row[c]);
            }
          else
            {
              g_string_append (line, row[c]);
              if (!last)
                for (gsize i = 0; i < pad; i++)
                  g_string_append_c (line, ' ');
            }
        }

      puts (line->str);
    }
}

/* ------------------------------------------------------------------ */
/* Formatting                                                          */

static char *
dup_or_dash (const char *value)
{
  return g_strdup (value != NULL && value[0] != '\0' ? value : "-");
}

static char *
format_local_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("-");
  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

static char *
format_number (double value)
{
  if (!isfinite (value))
    return g_strdup ("-");
  if (fabs (value) >= 1e6)
    return g_strdup_printf ("%.3g", value);
  if (fabs (value) >= 1000)
    return g_strdup_printf ("%.0f", value);
  if (fabs (value) >= 1)
    return g_strdup_printf ("%.4g", value);
  return g_strdup_printf ("%.3g", value);
}

static char *
format_int (gint64 value)
{
  if (value < 0)
    return g_strdup ("-");
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

static char *
format_bytes (gint64 bytes)
{
  if (bytes < 0)
    return g_strdup ("-");
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

static char *
format_ci (const BenchStats *stats)
{
  g_autofree char *low = NULL;
  g_autofree char *high = NULL;

  if (isnan (stats->ci_low) || isnan (stats->ci_high))
    return g_strdup ("-");

  low = bench_cli_format_ns (stats->ci_low);
  high = bench_cli_format_ns (stats->ci_high);
  return g_strdup_printf ("%s – %s", low, high);
}

static char *
format_cv (const BenchStats *stats)
{
  if (isnan (stats->cv))
    return g_strdup ("-");
  if (bench_stats_is_noisy (stats))
    return g_strdup_printf ("%.1f%% noisy", stats->cv * 100);
  return g_strdup_printf ("%.1f%%", stats->cv * 100);
}

static char *
format_status (BenchResult *result)
{
  const char *status = bench_result_status_to_string (result->status);

  if (result->error != NULL)
    return g_strdup_printf ("%s: %s", status, result->error);
  return g_strdup (status);
}

static char *
format_source (BenchRun *run)
{
  if (run->source_format == NULL)
    return dup_or_dash (run->source);
  return g_strdup_printf ("%s (%s)", run->source, run->source_format);
}

static JsonNode *
run_summary_node (BenchRun *run)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) started = run->started_at ? g_date_time_to_utc (run->started_at) : NULL;
  g_autoptr(GDateTime) finished = run->finished_at ? g_date_time_to_utc (run->finished_at) : NULL;
  g_autofree char *started_text = started ? g_date_time_format (started, "%Y-%m-%dT%H:%M:%S.%fZ") : NULL;
  g_autofree char *finished_text = finished ? g_date_time_format (finished, "%Y-%m-%dT%H:%M:%S.%fZ") : NULL;
  struct { const char *key; const char *value; } strings[] = {
    { "uuid", run->uuid },
    { "started_at", started_text },
    { "finished_at", finished_text },
    { "host", run->host },
    { "app_version", run->app_version },
    { "source", run->source },
    { "source_format", run->source_format },
    { "source_file", run->source_file },
    { "status", bench_run_status_to_string (run->status) },
    { "error", run->error },
    { "notes", run->notes },
  };

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      json_builder_set_member_name (builder, strings[i].key);
      if (strings[i].value != NULL)
        json_builder_add_string_value (builder, strings[i].value);
      else
        json_builder_add_null_value (builder);
    }
  json_builder_set_member_name (builder, "n_results");
  json_builder_add_int_value (builder, run->n_results);
  json_builder_set_member_name (builder, "n_failed");
  json_builder_add_int_value (builder, run->n_failed);
  json_builder_set_member_name (builder, "workloads");
  json_builder_add_string_value (builder, run->summary_workloads ? run->summary_workloads : "");
  json_builder_set_member_name (builder, "devices");
  json_builder_add_string_value (builder, run->summary_devices ? run->summary_devices : "");
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Parses the common options; on a usage error prints it. */
static gboolean
parse_options (GOptionContext  *context,
               int             *argc,
               char          ***argv)
{
  return bench_cli_parse (context, argc, argv);
}

/* ------------------------------------------------------------------ */
/* list                                                                */

int
bench_cli_list (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autofree char *db_path = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the runs as a JSON array", NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The history database", "PATH" },
    { NULL }
  };

  context = g_option_context_new ("- list the stored runs, newest first");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv))
    return BENCH_CLI_EXIT_USAGE;
  if (argc > 1)
    {
      bench_cli_error ("unexpected argument “%s”", argv[1]);
      return BENCH_CLI_EXIT_USAGE;
    }

  store = bench_cli_open_store (db_path, &error);
  if (store == NULL)
    {
      bench_cli_error ("%s", error->message);
      return BENCH_CLI_EXIT_FAILURE;
    }

  runs = bench_store_list_runs (store, &error);
  if (runs == NULL)
    {
      bench_cli_error ("%s", error->message);
      return BENCH_CLI_EXIT_FAILURE;
    }

  if (json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < runs->len; i++)
        json_array_add_element (array, run_summary_node (g_ptr_array_index (runs, i)));
      json_node_take_array (root, array);
      bench_cli_print_json (root);
      return BENCH_CLI_EXIT_OK;
    }

  if (runs->len == 0)
    {
      printf ("No runs stored in %s.\n", bench_store_get_path (store));
      return BENCH_CLI_EXIT_OK;
    }

  {
    const char *headers[] = { "RUN", "STARTED", "HOST", "SOURCE", "STATUS", "DEVICES", "WORKLOADS", "OK/FAILED", NULL };
    g_autoptr(Table) table = table_new (headers, "lllllllr");

    for (guint i = 0; i < runs->len; i++)
      {
        BenchRun *run = g_ptr_array_index (runs, i);

        table_add_row (table,
                       g_strndup (run->uuid, 8),
                       format_local_time (run->started_at),
                       dup_or_dash (run->host),
                       format_source (run),
                       g_strdup (bench_run_status_to_string (run->status)),
                       dup_or_dash (run->summary_devices),
                       dup_or_dash (run->summary_workloads),
                       g_strdup_printf ("%u/%u", run->n_results - run->n_failed, run->n_failed),
                       NULL);
      }
    table_print (table, "");
  }

  return BENCH_CLI_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* show                                                                */

static void
print_samples (const char *label,
               GArray     *samples)
{
  g_autoptr(GString) line = g_string_new (NULL);

  if (samples->len == 0)
    return;

  g_string_append_printf (line, "  %s (%u, ns):", label, samples->len);
  for (guint i = 0; i < samples->len; i++)
    g_string_append_printf (line, " %" G_GINT64_FORMAT, g_array_index (samples, gint64, i));
  puts (line->str);
}

static void
print_run (BenchRun *run,
           gboolean  with_samples)
{
  g_autofree char *started = format_local_time (run->started_at);
  g_autofree char *finished = format_local_time (run->finished_at);
  g_autofree char *source = format_source (run);

  printf ("Run       %s\n", run->uuid);
  printf ("Started   %s\n", started);
  if (run->finished_at != NULL && run->started_at != NULL)
    {
      double seconds = g_date_time_difference (run->finished_at, run->started_at) / 1e6;
      printf ("Finished  %s (%.1f s)\n", finished, seconds);
    }
  printf ("Host      %s\n", run->host ? run->host : "-");
  printf ("Program   %s\n", run->app_version ? run->app_version : "-");
  if (run->source_file != NULL)
    printf ("Source    %s from %s\n", source, run->source_file);
  else
    printf ("Source    %s\n", source);
  printf ("Status    %s\n", bench_run_status_to_string (run->status));
  if (run->error != NULL)
    printf ("Error     %s\n", run->error);
  if (run->notes != NULL)
    printf ("Notes     %s\n", run->notes);

  printf ("\nDevices\n");
  if (run->devices->len == 0)
    printf ("  none recorded\n");
  else
    {
      const char *headers[] = { "ID", "NAME", "TYPE", "VENDOR", "UNITS", "MEMORY", "PEAK GFLOP/S", "GB/S", "FINGERPRINT", NULL };
      g_autoptr(Table) table = table_new (headers, "llllrrrrl");

      for (guint i = 0; i < run->devices->len; i++)
        {
          BenchDevice *device = g_ptr_array_index (run->devices, i);

          table_add_row (table,
                         g_strdup (bench_device_get_id (device)),
                         dup_or_dash (bench_device_get_name (device)),
                         g_strdup (bench_device_type_to_string (bench_device_get_device_type (device))),
                         dup_or_dash (bench_device_get_vendor (device)),
                         format_int (bench_device_get_compute_units (device)),
                         format_bytes (bench_device_get_memory_bytes (device)),
                         format_number (bench_device_get_peak_gflops (device)),
                         format_number (bench_device_get_bandwidth_gbs (device)),
                         g_strdup (bench_device_get_fingerprint (device)),
                         NULL);
        }
      table_print (table, "  ");
    }

  printf ("\nResults (latencies per iteration, host clock)\n");
  if (run->results->len == 0)
    printf ("  none\n");
  else
    {
      const char *headers[] = { "WORKLOAD", "DEVICE", "BATCH", "SEQ", "PRECISION", "MEDIAN", "P95",
                                "95% CI OF MEDIAN", "CV", "ITEMS/S", "GFLOP/S", "GB/S", "VALID", "STATUS", NULL };
      g_autoptr(Table) table = table_new (headers, "llrrlrrrrrrrll");
      gboolean noisy = FALSE;

      for (guint i = 0; i < run->results->len; i++)
        {
          BenchResult *result = g_ptr_array_index (run->results, i);

          noisy |= bench_stats_is_noisy (&result->latency);
          table_add_row (table,
                         dup_or_dash (result->workload),
                         dup_or_dash (result->device_id ? result->device_id : result->device_name),
                         format_int (result->batch_size),
                         format_int (result->seq_len),
                         dup_or_dash (result->precision),
                         bench_cli_format_ns (result->latency.median),
                         bench_cli_format_ns (result->latency.p95),
                         format_ci (&result->latency),
                         format_cv (&result->latency),
                         format_number (result->items_per_second),
                         format_number (result->gflops),
                         format_number (result->gbytes_per_second),
                         g_strdup (result->validation == BENCH_VALIDATION_NONE
                                     ? "-" : bench_validation_to_string (result->validation)),
                         format_status (result),
                         NULL);
        }
      table_print (table, "  ");
      if (noisy)
        printf ("\n  noisy: coefficient of variation above %.0f%%; close other programs and run again for firmer figures\n",
                BENCH_STATS_NOISY_CV * 100);
    }

  if (with_samples)
    {
      printf ("\nSamples\n");
      for (guint i = 0; i < run->results->len; i++)
        {
          BenchResult *result = g_ptr_array_index (run->results, i);
          g_autofree char *label = bench_result_dup_label (result);

          printf ("  %s\n", label);
          if (result->samples->len == 0 && result->device_samples->len == 0)
            printf ("    none\n");
          print_samples ("  host", result->samples);
          print_samples ("  device", result->device_samples);
        }
    }
}

int
bench_cli_show (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(BenchRun) run = NULL;
  g_autofree char *db_path = NULL;
  gboolean json = FALSE;
  gboolean samples = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the run in the native JSON format", NULL },
    { "samples", 0, 0, G_OPTION_ARG_NONE, &samples, "Include the raw samples", NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The history database", "PATH" },
    { NULL }
  };

  context = g_option_context_new ("RUN - show a run: its devices and results");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "RUN is a run's uuid or the start of it (see “list”). With --json the\n"
    "samples are included only with --samples; “export” always includes them.\n");
  if (!parse_options (context, &argc, &argv))
    return BENCH_CLI_EXIT_USAGE;
  if (argc != 2)
    {
      bench_cli_error (argc < 2 ? "no run given; name one by its uuid or its start (see “list”)"
                                : "give one run only");
      return BENCH_CLI_EXIT_USAGE;
    }

  store = bench_cli_open_store (db_path, &error);
  if (store == NULL)
    {
      bench_cli_error ("%s", error->message);
      return BENCH_CLI_EXIT_FAILURE;
    }

  run = bench_store_load_run (store, argv[1], samples, &error);
  if (run == NULL)
    {
      bench_cli_error ("%s", error->message);
      return BENCH_CLI_EXIT_FAILURE;
    }

  if (json)
    {
      g_autoptr(GPtrArray) runs = g_ptr_array_new ();
      g_autoptr(JsonNode) root = NULL;

      g_ptr_array_add (runs, run);
      root = bench_json_serialize_runs (runs);
      bench_cli_print_json (root);
    }
  else
    print_run (run, samples);

  return BENCH_CLI_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* export                                                              */

int
bench_cli_export (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *db_path = NULL;
  g_autofree char *output = NULL;
  guint n_results = 0;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE instead of standard output", "FILE" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The history database", "PATH" },
    { NULL }
  };

  context = g_option_context_new ("[RUN...] - export runs to the native JSON format");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Exports the given runs (uuids or their starts), or every run, with their\n"
    "devices, results and raw samples. The format is described in\n"
    "docs/result-format.md; “import” reads it back.\n");
  if (!parse_options (context, &argc, &argv))
    return BENCH_CLI_EXIT_USAGE;

  store = bench_cli_open_store (db_path, &error);
  if (store == NULL)
    {
      bench_cli_error ("%s", error->message);
      return BENCH_CLI_EXIT_FAILURE;
    }

  if (argc > 1)
    {
      for (int i = 1; i < argc; i++)
        g_ptr_array_add (uuids, g_strdup (argv[i]));
    }
  else
    {
      g_autoptr(GPtrArray) listed = bench_store_list_runs (store, &error);

      if (listed == NULL)
        {
          bench_cli_error ("%s", error->message);
          return BENCH_CLI_EXIT_FAILURE;
        }
      /* oldest first, as they happened */
      for (guint i = listed->len; i > 0; i--)
        g_ptr_array_add (uuids, g_strdup (((BenchRun *)g_ptr_array_index (listed, i - 1))->uuid));
    }

  for (guint i = 0; i < uuids->len; i++)
    {
      BenchRun *run = bench_store_load_run (store, g_ptr_array_index (uuids, i), TRUE, &error);

      if (run == NULL)
        {
          bench_cli_error ("%s", error->message);
          return BENCH_CLI_EXIT_FAILURE;
        }
      n_results += run->results->len;
      g_ptr_array_add (runs, run);
    }

  if (output == NULL || g_str_equal (output, "-"))
    {
      g_autofree char *text = bench_json_runs_to_string (runs, TRUE);

      fputs (text, stdout);
      if (fflush (stdout) != 0 || ferror (stdout))
        {
          bench_cli_error ("cannot write to standard output");
          return BENCH_CLI_EXIT_FAILURE;
        }
      return BENCH_CLI_EXIT_OK;
    }

  if (!bench_json_write_file (runs, output, &error))
    {
      bench_cli_error ("%s", error->message);
      return BENCH_CLI_EXIT_FAILURE;
    }

  printf ("exported %u run%s (%u results) to %s\n",
          runs->len, runs->len == 1 ? "" : "s", n_results, output);
  return BENCH_CLI_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* import                                                              */

int
bench_cli_import (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);
  g_autofree char *db_path = NULL;
  gboolean bad = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The history database", "PATH" },
    { NULL }
  };

  context = g_option_context_new ("FILE... - import result files in the native JSON format");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Every file is read and checked in full before anything is written; if any\n"
    "file is malformed nothing is imported. Each file is then imported in one\n"
    "transaction. Runs already stored (same uuid) are skipped.\n");
  if (!parse_options (context, &argc, &argv))
    return BENCH_CLI_EXIT_USAGE;
  if (argc < 2)
    {
      bench_cli_error ("no file given");
      return BENCH_CLI_EXIT_USAGE;
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) file_error = NULL;
      GPtrArray *runs = bench_json_read_file (argv[i], &file_error);

      if (runs == NULL)
        {
          bench_cli_error ("%s", file_error->message);
          bad = TRUE;
          continue;
        }
      g_ptr_array_add (parsed, runs);
    }

  if (bad)
    {
      /* one line a bad file; with several files, say what became of the good ones */
      if (argc > 2)
        fprintf (stderr, "benchtop-cli: nothing was imported, from any file\n");
      return BENCH_CLI_EXIT_FAILURE;
    }

  store = bench_cli_open_store (db_path, &error);
  if (store == NULL)
    {
      bench_cli_error ("%s", error->message);
      return BENCH_CLI_EXIT_FAILURE;
    }

  for (guint i = 0; i < parsed->len; i++)
    {
      GPtrArray *runs = g_ptr_array_index (parsed, i);
      const char *file = argv[i + 1];
      guint n_imported = 0;
      guint n_skipped = 0;
      guint n_results = 0;

      if (!bench_store_import_runs (store, runs, &n_imported, &n_skipped, &error))
        {
          bench_cli_error ("%s: not imported: %s", file, error->message);
          return BENCH_CLI_EXIT_FAILURE;
        }

      for (guint j = 0; j < runs->len; j++)
        {
          BenchRun *run = g_ptr_array_index (runs, j);

          if (run->id >= 0)
            n_results += run->results->len;
        }

      printf ("imported %u run%s (%u results) from %s, skipped %u already present\n",
              n_imported, n_imported == 1 ? "" : "s", n_results, file, n_skipped);
    }

  return BENCH_CLI_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* delete                                                              */

int
bench_cli_delete (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(BenchRun) run = NULL;
  g_autofree char *db_path = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The history database", "PATH" },
    { NULL }
  };

  context = g_option_context_new ("RUN - delete a run with its results and samples");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv))
    return BENCH_CLI_EXIT_USAGE;
  if (argc != 2)
    {
      bench_cli_error (argc < 2 ? "no run given; name one by its uuid or its start (see “list”)"
                                : "give one run only");
      return BENCH_CLI_EXIT_USAGE;
    }

  store = bench_cli_open_store (db_path, &error);
  if (store == NULL)
    {
      bench_cli_error ("%s", error->message);
      return BENCH_CLI_EXIT_FAILURE;
    }

  /* Resolve first, so the message names the full uuid that went. */
  run = bench_store_load_run (store, argv[1], FALSE, &error);
  if (run == NULL || !bench_store_delete_run (store, run->uuid, &error))
    {
      bench_cli_error ("%s", error->message);
      return BENCH_CLI_EXIT_FAILURE;
    }

  printf ("deleted run %s (%u results)\n", run->uuid, run->results->len);
  return BENCH_CLI_EXIT_OK;
}
