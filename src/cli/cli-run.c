/* cli-run.c: the devices, models and run commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include <glib-unix.h>

#include "cli-common.h"

static char *
format_bytes (gint64 bytes)
{
  if (bytes < 0)
    return g_strdup ("-");
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

static char *
format_double (double value,
               const char *format)
{
  if (isnan (value))
    return g_strdup ("-");
  return g_strdup_printf (format, value);
}

/* Figures `characterize` measured and stored as device properties. */
static const char *measured_properties[] = { "h2d_gbs", "d2h_gbs", "dispatch_latency_us" };

/* Ceilings measured earlier live in the store; show them with the device. */
static void
merge_stored_ceilings (GPtrArray  *devices,
                       const char *db_path)
{
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(GPtrArray) stored = NULL;

  store = bench_cli_open_store (db_path, NULL);
  if (store == NULL)
    return;
  stored = bench_store_list_devices (store, NULL);
  if (stored == NULL)
    return;

  for (guint i = 0; i < devices->len; i++)
    {
      BenchDevice *device = g_ptr_array_index (devices, i);

      for (guint j = 0; j < stored->len; j++)
        {
          BenchDevice *known = g_ptr_array_index (stored, j);

          if (g_strcmp0 (bench_device_get_fingerprint (device), bench_device_get_fingerprint (known)) != 0)
            continue;
          if (isnan (bench_device_get_peak_gflops (device)))
            bench_device_set_peak_gflops (device, bench_device_get_peak_gflops (known));
          if (isnan (bench_device_get_bandwidth_gbs (device)))
            bench_device_set_bandwidth_gbs (device, bench_device_get_bandwidth_gbs (known));
          for (guint k = 0; k < G_N_ELEMENTS (measured_properties); k++)
            {
              const char *value = bench_device_get_property_value (known, measured_properties[k]);

              if (value != NULL && bench_device_get_property_value (device, measured_properties[k]) == NULL)
                bench_device_set_property_value (device, measured_properties[k], value);
            }
        }
    }
}

int
bench_cli_devices (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BenchRegistry) registry = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GPtrArray) backends = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The history database", "PATH" },
    { NULL }
  };

  context = g_option_context_new ("- list the compute devices");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!bench_cli_parse (context, &argc, &argv))
    return BENCH_CLI_EXIT_USAGE;
  if (argc > 1)
    {
      bench_cli_error ("devices takes no arguments (got “%s”)", argv[1]);
      return BENCH_CLI_EXIT_USAGE;
    }

  registry = bench_registry_new ();
  if (!bench_registry_discover_sync (registry, NULL, &error))
    {
      bench_cli_error ("%s", error->message);
      return BENCH_CLI_EXIT_FAILURE;
    }
  devices = bench_registry_get_devices (registry);
  backends = bench_registry_get_backends (registry);
  merge_stored_ceilings (devices, db_path);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "devices");
      json_builder_begin_array (builder);
      for (guint i = 0; i < devices->len; i++)
        json_builder_add_value (builder, bench_json_serialize_device (g_ptr_array_index (devices, i)));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "backends");
      json_builder_begin_array (builder);
      for (guint i = 0; i < backends->len; i++)
        {
          BenchBackend *backend = g_ptr_array_index (backends, i);
          guint n = 0;

          for (guint j = 0; j < devices->len; j++)
            n += bench_device_get_backend (g_ptr_array_index (devices, j)) == (gpointer) backend;

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, bench_backend_get_name (backend));
          json_builder_set_member_name (builder, "devices");
          json_builder_add_int_value (builder, n);
          json_builder_set_member_name (builder, "status");
          if (bench_backend_get_status_message (backend) != NULL)
            json_builder_add_string_value (builder, bench_backend_get_status_message (backend));
          else
            json_builder_add_null_value (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      bench_cli_print_json (root);
      return BENCH_CLI_EXIT_OK;
    }

  printf ("%-10s %-15s %-40s %6s %8s %10s %12s %10s\n",
          "ID", "TYPE", "NAME", "UNITS", "THREADS", "MEMORY", "PEAK GFLOP/s", "BW GB/s");
  for (guint i = 0; i < devices->len; i++)
    {
      BenchDevice *device = g_ptr_array_index (devices, i);
      g_autofree char *memory = format_bytes (bench_device_get_memory_bytes (device));
      g_autofree char *peak = format_double (bench_device_get_peak_gflops (device), "%.1f");
      g_autofree char *bw = format_double (bench_device_get_bandwidth_gbs (device), "%.1f");
      g_autofree char *units = bench_device_get_compute_units (device) >= 0
        ? g_strdup_printf ("%" G_GINT64_FORMAT, bench_device_get_compute_units (device)) : g_strdup ("-");
      g_autofree char *threads = bench_device_get_threads (device) >= 0
        ? g_strdup_printf ("%" G_GINT64_FORMAT, bench_device_get_threads (device)) : g_strdup ("-");

      printf ("%-10s %-15s %-40.40s %6s %8s %10s %12s %10s\n",
              bench_device_get_id (device),
              bench_device_type_to_string (bench_device_get_device_type (device)),
              bench_device_get_name (device), units, threads, memory, peak, bw);

      for (const char * const *keys = bench_device_get_property_keys (device); *keys; keys++)
        printf ("%10s %s: %s\n", "", *keys, bench_device_get_property_value (device, *keys));
    }

  for (guint i = 0; i < backends->len; i++)
    {
      BenchBackend *backend = g_ptr_array_index (backends, i);

      if (bench_backend_get_status_message (backend) != NULL)
        printf ("%s: %s\n", bench_backend_get_name (backend), bench_backend_get_status_message (backend));
    }

  return BENCH_CLI_EXIT_OK;
}

int
bench_cli_models (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GPtrArray) catalog = NULL;
  g_autofree char *db_path = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The history database (unused)", "PATH" },
    { NULL }
  };

  context = g_option_context_new ("- list the workloads");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!bench_cli_parse (context, &argc, &argv))
    return BENCH_CLI_EXIT_USAGE;
  if (argc > 1)
    {
      bench_cli_error ("models takes no arguments (got “%s”)", argv[1]);
      return BENCH_CLI_EXIT_USAGE;
    }

  catalog = bench_workload_catalog ();

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "models");
      json_builder_begin_array (builder);
      for (guint i = 0; i < catalog->len; i++)
        {
          BenchWorkload *workload = g_ptr_array_index (catalog, i);
          BenchWorkloadFlags flags = bench_workload_get_flags (workload);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, bench_workload_get_name (workload));
          json_builder_set_member_name (builder, "family");
          json_builder_add_string_value (builder, bench_workload_get_family (workload));
          json_builder_set_member_name (builder, "category");
          json_builder_add_string_value (builder, bench_workload_get_category (workload));
          json_builder_set_member_name (builder, "parameters");
          if (bench_workload_get_parameters (workload) >= 0)
            json_builder_add_int_value (builder, bench_workload_get_parameters (workload));
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "size");
          if (bench_workload_get_size_label (workload) != NULL)
            json_builder_add_string_value (builder, bench_workload_get_size_label (workload));
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "uses_batch");
          json_builder_add_boolean_value (builder, (flags & BENCH_WORKLOAD_USES_BATCH) != 0);
          json_builder_set_member_name (builder, "uses_seq_len");
          json_builder_add_boolean_value (builder, (flags & BENCH_WORKLOAD_USES_SEQ_LEN) != 0);
          json_builder_set_member_name (builder, "generates");
          json_builder_add_boolean_value (builder, (flags & BENCH_WORKLOAD_GENERATES) != 0);
          json_builder_set_member_name (builder, "description");
          json_builder_add_string_value (builder, bench_workload_get_description (workload));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      bench_cli_print_json (root);
      return BENCH_CLI_EXIT_OK;
    }

  printf ("%-26s %-11s %-10s %14s %6s  %s\n", "NAME", "CATEGORY", "FAMILY", "PARAMETERS", "SIZE", "DESCRIPTION");
  for (guint i = 0; i < catalog->len; i++)
    {
      BenchWorkload *workload = g_ptr_array_index (catalog, i);
      g_autofree char *params = bench_workload_get_parameters (workload) >= 0
        ? g_strdup_printf ("%" G_GINT64_FORMAT, bench_workload_get_parameters (workload)) : g_strdup ("-");

      printf ("%-26s %-11s %-10s %14s %6s  %s\n",
              bench_workload_get_name (workload),
              bench_workload_get_category (workload),
              bench_workload_get_family (workload),
              params,
              bench_workload_get_size_label (workload) ? bench_workload_get_size_label (workload) : "-",
              bench_workload_get_description (workload));
    }

  return BENCH_CLI_EXIT_OK;
}

/* run */

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  BenchRun     *run;
  GError       *error;
  gboolean      show_progress;
  guint         n_interrupts;
  guint         progress_width;
} RunContext;

static gboolean
on_interrupt (gpointer data)
{
  RunContext *ctx = data;

  ctx->n_interrupts++;
  if (ctx->n_interrupts == 1)
    {
      if (ctx->show_progress)
        fprintf (stderr, "\r\033[K");
      fprintf (stderr, "Interrupted: finishing the current iteration and saving what was measured…\n");
      g_cancellable_cancel (ctx->cancellable);
      return G_SOURCE_CONTINUE;
    }

  /* A second interrupt means now: every finished configuration is
   * already committed to the store. */
  fprintf (stderr, "Interrupted again: exiting.\n");
  _exit (BENCH_CLI_EXIT_FAILURE);
}

static void
on_progress (BenchRunner   *runner,
             BenchProgress *progress,
             RunContext    *ctx)
{
  const guint width = 24;
  guint filled;
  g_autofree char *eta = NULL;
  GString *bar;

  if (!ctx->show_progress)
    return;

  filled = (guint) (progress->fraction * width + 0.5);
  bar = g_string_new (NULL);
  for (guint i = 0; i < width; i++)
    g_string_append (bar, i < filled ? "█" : "░");

  if (isnan (progress->eta_seconds))
    eta = g_strdup ("ETA --:--");
  else
    eta = g_strdup_printf ("ETA %02d:%02d", (int) progress->eta_seconds / 60, (int) progress->eta_seconds % 60);

  fprintf (stderr, "\r\033[K%s %3.0f%% %s  [%u/%u] %s: %s",
           bar->str, progress->fraction * 100, eta,
           progress->config_index + 1, progress->n_configs,
           progress->config_label, progress->phase);
  if (progress->iteration > 0)
    fprintf (stderr, " %u", progress->iteration);
  fflush (stderr);
  g_string_free (bar, TRUE);
}

static void
on_result (BenchRunner *runner,
           BenchResult *result,
           RunContext  *ctx)
{
  if (ctx->show_progress)
    fprintf (stderr, "\r\033[K");
  if (result->status != BENCH_RESULT_STATUS_OK)
    {
      g_autofree char *label = bench_result_dup_label (result);

      fprintf (stderr, "%s: %s: %s\n", label,
               bench_result_status_to_string (result->status),
               result->error ? result->error : "");
    }
}

static void
on_run_done (GObject      *object,
             GAsyncResult *res,
             gpointer      data)
{
  RunContext *ctx = data;

  ctx->run = bench_runner_run_finish (BENCH_RUNNER (object), res, &ctx->error);
  g_main_loop_quit (ctx->loop);
}

static gboolean
parse_ints (char       **values,
            const char  *option,
            GArray      *out)
{
  g_auto(GStrv) items = bench_cli_split_list (values);

  for (guint i = 0; items[i] != NULL; i++)
    {
      gint64 value;

      if (!g_ascii_string_to_signed (items[i], 10, 1, G_MAXINT, &value, NULL))
        {
          bench_cli_error ("%s: “%s” is not a positive integer", option, items[i]);
          return FALSE;
        }
      g_array_append_vals (out, &(gint) { value }, 1);
    }

  return TRUE;
}

static void
print_results_table (BenchRun *run)
{
  printf ("%-14s %-10s %5s %5s %-5s %10s %10s %10s %6s %12s %10s %10s %-6s\n",
          "MODEL", "DEVICE", "BATCH", "SEQ", "PREC", "MEDIAN", "P95", "MIN", "CV%",
          "ITEMS/S", "GFLOP/S", "GB/S", "STATUS");
  for (guint i = 0; i < run->results->len; i++)
    {
      BenchResult *r = g_ptr_array_index (run->results, i);
      g_autofree char *median = bench_cli_format_ns (r->latency.median);
      g_autofree char *p95 = bench_cli_format_ns (r->latency.p95);
      g_autofree char *min = bench_cli_format_ns (r->latency.min);
      g_autofree char *cv = format_double (r->latency.cv * 100, "%.1f");
      g_autofree char *ips = format_double (r->items_per_second, "%.4g");
      g_autofree char *gflops = format_double (r->gflops, "%.1f");
      g_autofree char *gbs = format_double (r->gbytes_per_second, "%.1f");
      g_autofree char *batch = r->batch_size >= 0 ? g_strdup_printf ("%d", r->batch_size) : g_strdup ("-");
      g_autofree char *seq = r->seq_len >= 0 ? g_strdup_printf ("%d", r->seq_len) : g_strdup ("-");

      printf ("%-14s %-10s %5s %5s %-5s %10s %10s %10s %6s %12s %10s %10s %-6s%s\n",
              r->workload, r->device_id, batch, seq, r->precision, median, p95, min, cv,
              ips, gflops, gbs, bench_result_status_to_string (r->status),
              bench_stats_is_noisy (&r->latency) ? " (noisy)" : "");
    }
}

int
bench_cli_run (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BenchRegistry) registry = NULL;
  g_autoptr(BenchRunner) runner = NULL;
  g_autoptr(BenchPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) batch_sizes = g_array_new (FALSE, FALSE, sizeof (gint));
  g_autoptr(GArray) seq_lens = g_array_new (FALSE, FALSE, sizeof (gint));
  g_auto(GStrv) models_opt = NULL;
  g_auto(GStrv) devices_opt = NULL;
  g_auto(GStrv) batch_opt = NULL;
  g_auto(GStrv) seq_opt = NULL;
  g_auto(GStrv) precision_opt = NULL;
  g_auto(GStrv) models = NULL;
  g_auto(GStrv) devices = NULL;
  g_auto(GStrv) precisions = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *output = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *store_path = NULL;
  RunContext ctx = { 0 };
  gboolean json = FALSE;
  gboolean no_save = FALSE;
  int iterations = BENCH_PLAN_DEFAULT_ITERATIONS;
  int warmup = BENCH_PLAN_DEFAULT_WARMUP;
  double min_time = BENCH_PLAN_DEFAULT_MIN_TIME;
  double max_time = 0;
  gint64 gemm_size = BENCH_PLAN_DEFAULT_GEMM_SIZE;
  gint64 bytes = BENCH_PLAN_DEFAULT_BYTES;
  int gen_tokens = BENCH_PLAN_DEFAULT_GEN_TOKENS;
  g_autofree char *model_config = NULL;
  g_autofree char *weights = NULL;
  int n_layers = 0;
  guint sigint_id, sigterm_id;
  int status = BENCH_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &models_opt, "Models to run (comma-separated; see “models”)", "NAME[,NAME...]" },
    { "device", 'd', 0, G_OPTION_ARG_STRING_ARRAY, &devices_opt, "Devices (cpu, opencl:0, vulkan:0, or all; default cpu)", "ID[,ID...]" },
    { "batch-sizes", 'b', 0, G_OPTION_ARG_STRING_ARRAY, &batch_opt, "Batch sizes (default 1)", "N[,N...]" },
    { "seq-lens", 's', 0, G_OPTION_ARG_STRING_ARRAY, &seq_opt, "Sequence lengths (default 128)", "N[,N...]" },
    { "precision", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &precision_opt, "Precisions: fp32, fp16, bf16, int8 (default fp32)", "P[,P...]" },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode, "Mode (default inference)", "MODE" },
    { "iterations", 'n', 0, G_OPTION_ARG_INT, &iterations, "Minimum measured iterations (default 10)", "N" },
    { "warmup", 'w', 0, G_OPTION_ARG_INT, &warmup, "Warm-up iterations (default 3)", "N" },
    { "min-time", 't', 0, G_OPTION_ARG_DOUBLE, &min_time, "Minimum measured seconds per configuration (default 1)", "SECONDS" },
    { "max-time", 0, 0, G_OPTION_ARG_DOUBLE, &max_time, "Stop measuring a configuration after this many seconds", "SECONDS" },
    { "gemm-size", 0, 0, G_OPTION_ARG_INT64, &gemm_size, "GEMM M = N = K (default 1024)", "N" },
    { "bytes", 0, 0, G_OPTION_ARG_INT64, &bytes, "Bytes per STREAM array (default 268435456)", "BYTES" },
    { "gen-tokens", 0, 0, G_OPTION_ARG_INT, &gen_tokens, "Decode steps for generating models (default 32)", "N" },
    { "model-config", 0, 0, G_OPTION_ARG_FILENAME, &model_config, "Also run the model a Hugging Face config.json describes", "PATH" },
    { "weights", 0, 0, G_OPTION_ARG_FILENAME, &weights, "Real weights for the one model (default: random)", "FILE.safetensors" },
    { "layers", 0, 0, G_OPTION_ARG_INT, &n_layers, "Run only the first N layers of each model (default all)", "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Also write the run to FILE.json", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the run in the native JSON format", NULL },
    { "no-save", 0, 0, G_OPTION_ARG_NONE, &no_save, "Do not record the run in the database", NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The history database", "PATH" },
    { NULL }
  };

  context = g_option_context_new ("- benchmark models on devices");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Each configuration runs once cold, then the warm-up iterations, then\n"
    "until both --iterations and --min-time are reached. Ctrl+C stops after\n"
    "the current iteration and keeps what was measured.\n");
  if (!bench_cli_parse (context, &argc, &argv))
    return BENCH_CLI_EXIT_USAGE;
  if (argc > 1)
    {
      bench_cli_error ("unexpected argument “%s”", argv[1]);
      return BENCH_CLI_EXIT_USAGE;
    }

  models = bench_cli_split_list (models_opt);
  devices = bench_cli_split_list (devices_opt);
  precisions = bench_cli_split_list (precision_opt);
  if (!parse_ints (batch_opt, "--batch-sizes", batch_sizes) ||
      !parse_ints (seq_opt, "--seq-lens", seq_lens))
    return BENCH_CLI_EXIT_USAGE;

  if (models[0] == NULL && model_config == NULL)
    {
      g_autoptr(GPtrArray) catalog = bench_workload_catalog ();
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < catalog->len; i++)
        g_string_append_printf (names, "%s%s", i ? ", " : "", bench_workload_get_name (g_ptr_array_index (catalog, i)));
      bench_cli_error ("no model given; use --model NAME with one of: %s", names->str);
      return BENCH_CLI_EXIT_USAGE;
    }

  registry = bench_registry_new ();
  if (!bench_registry_discover_sync (registry, NULL, &error))
    {
      bench_cli_error ("%s", error->message);
      return BENCH_CLI_EXIT_FAILURE;
    }

  plan = bench_plan_new ();
  for (guint i = 0; models[i]; i++)
    bench_plan_add_workload (plan, models[i]);
  if (devices[0] == NULL)
    bench_plan_add_device (plan, "cpu");
  for (guint i = 0; devices[i]; i++)
    {
      if (g_str_equal (devices[i], "all"))
        {
          g_autoptr(GPtrArray) all = bench_registry_get_devices (registry);

          for (guint j = 0; j < all->len; j++)
            bench_plan_add_device (plan, bench_device_get_id (g_ptr_array_index (all, j)));
        }
      else
        {
          g_autoptr(BenchDevice) device = bench_registry_lookup_device (registry, devices[i], &error);

          if (device == NULL)
            {
              bench_cli_error ("%s", error->message);
              return BENCH_CLI_EXIT_FAILURE;
            }
          bench_plan_add_device (plan, devices[i]);
        }
    }
  if (batch_sizes->len > 0)
    bench_plan_set_batch_sizes (plan, (const gint *)(gpointer)batch_sizes->data, batch_sizes->len);
  if (seq_lens->len > 0)
    bench_plan_set_seq_lens (plan, (const gint *)(gpointer)seq_lens->data, seq_lens->len);
  if (precisions[0] != NULL)
    bench_plan_set_precisions (plan, (const char * const *) precisions);
  if (mode != NULL)
    bench_plan_set_mode (plan, mode);
  bench_plan_set_iterations (plan, iterations);
  bench_plan_set_warmup (plan, warmup);
  bench_plan_set_min_time (plan, min_time);
  bench_plan_set_max_time (plan, max_time);
  bench_plan_set_gemm_size (plan, gemm_size);
  bench_plan_set_stream_bytes (plan, bytes);
  bench_plan_set_gen_tokens (plan, gen_tokens);
  bench_plan_set_model_config (plan, model_config);
  bench_plan_set_weights (plan, weights);
  bench_plan_set_n_layers (plan, n_layers);

  if (!bench_plan_validate (plan, &error))
    {
      bench_cli_error ("%s", error->message);
      return g_error_matches (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT)
        ? BENCH_CLI_EXIT_USAGE : BENCH_CLI_EXIT_FAILURE;
    }

  runner = bench_runner_new (registry);
  if (!no_save)
    {
      /* Open once here so that a bad --db fails before any measurement. */
      g_autoptr(BenchStore) store = bench_cli_open_store (db_path, &error);

      if (store == NULL)
        {
          bench_cli_error ("%s", error->message);
          return BENCH_CLI_EXIT_FAILURE;
        }
      store_path = g_strdup (bench_store_get_path (store));
      bench_runner_set_store_path (runner, store_path);
    }

  ctx.loop = g_main_loop_new (NULL, FALSE);
  ctx.cancellable = g_cancellable_new ();
  ctx.show_progress = isatty (STDERR_FILENO);

  g_signal_connect (runner, "progress", G_CALLBACK (on_progress), &ctx);
  g_signal_connect (runner, "result", G_CALLBACK (on_result), &ctx);
  sigint_id = g_unix_signal_add (SIGINT, on_interrupt, &ctx);
  sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt, &ctx);

  bench_runner_run_async (runner, plan, ctx.cancellable, on_run_done, &ctx);
  g_main_loop_run (ctx.loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  if (ctx.show_progress)
    fprintf (stderr, "\r\033[K");

  if (ctx.run == NULL)
    {
      bench_cli_error ("%s", ctx.error->message);
      status = BENCH_CLI_EXIT_FAILURE;
      goto out;
    }

  if (output != NULL)
    {
      g_autoptr(GPtrArray) runs = g_ptr_array_new ();

      g_ptr_array_add (runs, ctx.run);
      if (!bench_json_write_file (runs, output, &error))
        {
          bench_cli_error ("%s", error->message);
          status = BENCH_CLI_EXIT_FAILURE;
        }
    }

  if (json)
    {
      g_autoptr(GPtrArray) runs = g_ptr_array_new ();
      g_autoptr(JsonNode) node = NULL;

      g_ptr_array_add (runs, ctx.run);
      node = bench_json_serialize_runs (runs);
      bench_cli_print_json (node);
    }
  else
    {
      print_results_table (ctx.run);
      printf ("Run %s: %s", ctx.run->uuid, bench_run_status_to_string (ctx.run->status));
      if (store_path != NULL && ctx.run->status != BENCH_RUN_STATUS_FAILED)
        printf (", saved in %s", store_path);
      printf ("\n");
    }

  if (ctx.run->error != NULL)
    bench_cli_error ("%s", ctx.run->error);

  if (ctx.run->status != BENCH_RUN_STATUS_COMPLETED || ctx.run->n_failed > 0)
    status = BENCH_CLI_EXIT_FAILURE;

out:
  g_clear_object (&ctx.run);
  g_clear_error (&ctx.error);
  g_clear_object (&ctx.cancellable);
  g_clear_pointer (&ctx.loop, g_main_loop_unref);

  return status;
}

/* characterize */

static BenchRun *
run_plan_blocking (BenchRegistry *registry,
                   BenchPlan     *plan,
                   const char    *store_path,
                   gboolean       show_progress,
                   GError       **error)
{
  g_autoptr(BenchRunner) runner = bench_runner_new (registry);
  RunContext ctx = { 0 };
  guint sigint_id;

  bench_runner_set_store_path (runner, store_path);
  ctx.loop = g_main_loop_new (NULL, FALSE);
  ctx.cancellable = g_cancellable_new ();
  ctx.show_progress = show_progress;
  g_signal_connect (runner, "progress", G_CALLBACK (on_progress), &ctx);
  g_signal_connect (runner, "result", G_CALLBACK (on_result), &ctx);
  sigint_id = g_unix_signal_add (SIGINT, on_interrupt, &ctx);

  bench_runner_run_async (runner, plan, ctx.cancellable, on_run_done, &ctx);
  g_main_loop_run (ctx.loop);

  g_source_remove (sigint_id);
  if (show_progress)
    fprintf (stderr, "\r\033[K");
  g_clear_object (&ctx.cancellable);
  g_clear_pointer (&ctx.loop, g_main_loop_unref);

  if (ctx.run == NULL)
    g_propagate_error (error, ctx.error);

  return ctx.run;
}

int
bench_cli_characterize (int    argc,
                        char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BenchRegistry) registry = NULL;
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) run_uuids = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) devices_opt = NULL;
  g_auto(GStrv) devices = NULL;
  g_autofree char *db_path = NULL;
  gboolean json = FALSE;
  double min_time = 1.0;
  gint64 bytes = BENCH_PLAN_DEFAULT_BYTES;
  int status = BENCH_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "device", 'd', 0, G_OPTION_ARG_STRING_ARRAY, &devices_opt, "Devices (default all)", "ID[,ID...]" },
    { "min-time", 't', 0, G_OPTION_ARG_DOUBLE, &min_time, "Seconds per measurement (default 1)", "SECONDS" },
    { "bytes", 0, 0, G_OPTION_ARG_INT64, &bytes, "Bytes per bandwidth array (default 268435456)", "BYTES" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the devices as JSON", NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The history database", "PATH" },
    { NULL }
  };

  context = g_option_context_new ("- measure each device's peak FP32 throughput and memory bandwidth");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "The ceilings are stored with the device and used for “percent of peak”\n"
    "and the roofline. The measuring run is kept in the history too.\n");
  if (!bench_cli_parse (context, &argc, &argv))
    return BENCH_CLI_EXIT_USAGE;
  if (argc > 1)
    {
      bench_cli_error ("unexpected argument “%s”", argv[1]);
      return BENCH_CLI_EXIT_USAGE;
    }

  registry = bench_registry_new ();
  if (!bench_registry_discover_sync (registry, NULL, &error) ||
      !(store = bench_cli_open_store (db_path, &error)))
    {
      bench_cli_error ("%s", error->message);
      return BENCH_CLI_EXIT_FAILURE;
    }

  devices = bench_cli_split_list (devices_opt);
  if (devices[0] == NULL || g_strv_contains ((const char * const *) devices, "all"))
    {
      g_autoptr(GPtrArray) all = bench_registry_get_devices (registry);

      for (guint i = 0; i < all->len; i++)
        g_ptr_array_add (targets, g_object_ref (g_ptr_array_index (all, i)));
    }
  else
    {
      for (guint i = 0; devices[i]; i++)
        {
          BenchDevice *device = bench_registry_lookup_device (registry, devices[i], &error);

          if (device == NULL)
            {
              bench_cli_error ("%s", error->message);
              return BENCH_CLI_EXIT_FAILURE;
            }
          g_ptr_array_add (targets, device);
        }
    }

  /* One run per device: accelerators also get transfer figures, which a
   * CPU (the host itself) has none of. */
  for (guint j = 0; j < targets->len; j++)
    {
      BenchDevice *device = g_ptr_array_index (targets, j);
      g_autoptr(BenchPlan) plan = bench_plan_new ();
      g_autoptr(BenchRun) run = NULL;

      bench_plan_add_workload (plan, "peak-flops");
      bench_plan_add_workload (plan, "stream-triad");
      bench_plan_add_workload (plan, "dispatch-latency");
      if (bench_device_get_device_type (device) != BENCH_DEVICE_TYPE_CPU ||
          !g_str_equal (bench_device_get_backend_name (device), "cpu"))
        {
          bench_plan_add_workload (plan, "transfer-h2d");
          bench_plan_add_workload (plan, "transfer-d2h");
        }
      bench_plan_add_device (plan, bench_device_get_id (device));
      bench_plan_set_min_time (plan, min_time);
      bench_plan_set_stream_bytes (plan, bytes);
      bench_plan_set_warmup (plan, 2);

      run = run_plan_blocking (registry, plan, bench_store_get_path (store), isatty (STDERR_FILENO), &error);
      if (run == NULL)
        {
          bench_cli_error ("%s", error->message);
          return BENCH_CLI_EXIT_FAILURE;
        }
      if (run->status != BENCH_RUN_STATUS_COMPLETED)
        status = BENCH_CLI_EXIT_FAILURE;
      g_ptr_array_add (run_uuids, g_strdup (run->uuid));

      /* Ceilings come from the median iteration, like every rate. */
      for (guint i = 0; i < run->results->len; i++)
        {
          BenchResult *r = g_ptr_array_index (run->results, i);
          g_autofree char *value = NULL;

          if (r->status != BENCH_RESULT_STATUS_OK)
            {
              status = BENCH_CLI_EXIT_FAILURE;
              continue;
            }
          if (g_str_equal (r->workload, "peak-flops"))
            bench_device_set_peak_gflops (device, r->gflops);
          else if (g_str_equal (r->workload, "stream-triad"))
            bench_device_set_bandwidth_gbs (device, r->gbytes_per_second);
          else if (g_str_equal (r->workload, "dispatch-latency"))
            value = g_strdup_printf ("%.2f", r->latency.median / 1e3);
          else if (g_str_equal (r->workload, "transfer-h2d") || g_str_equal (r->workload, "transfer-d2h"))
            value = g_strdup_printf ("%.2f", r->gbytes_per_second);

          if (value != NULL)
            {
              const char *key = g_str_equal (r->workload, "dispatch-latency") ? "dispatch_latency_us"
                              : g_str_equal (r->workload, "transfer-h2d") ? "h2d_gbs" : "d2h_gbs";
              bench_device_set_property_value (device, key, value);
            }
        }
    }

  for (guint j = 0; j < targets->len; j++)
    if (!bench_store_update_device (store, g_ptr_array_index (targets, j), &error))
      {
        bench_cli_error ("%s", error->message);
        return BENCH_CLI_EXIT_FAILURE;
      }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "devices");
      json_builder_begin_array (builder);
      for (guint i = 0; i < targets->len; i++)
        json_builder_add_value (builder, bench_json_serialize_device (g_ptr_array_index (targets, i)));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "runs");
      json_builder_begin_array (builder);
      for (guint i = 0; i < run_uuids->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (run_uuids, i));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      bench_cli_print_json (root);
    }
  else
    {
      printf ("%-10s %-40s %14s %10s %10s %10s %12s\n", "ID", "NAME", "PEAK GFLOP/s", "BW GB/s",
              "H2D GB/s", "D2H GB/s", "DISPATCH µs");
      for (guint i = 0; i < targets->len; i++)
        {
          BenchDevice *device = g_ptr_array_index (targets, i);
          g_autofree char *peak = format_double (bench_device_get_peak_gflops (device), "%.1f");
          g_autofree char *bw = format_double (bench_device_get_bandwidth_gbs (device), "%.1f");

          const char *h2d = bench_device_get_property_value (device, "h2d_gbs");
          const char *d2h = bench_device_get_property_value (device, "d2h_gbs");
          const char *dispatch = bench_device_get_property_value (device, "dispatch_latency_us");

          printf ("%-10s %-40.40s %14s %10s %10s %10s %12s\n", bench_device_get_id (device),
                  bench_device_get_name (device), peak, bw,
                  h2d ? h2d : "-", d2h ? d2h : "-", dispatch ? dispatch : "-");
        }
    }

  return status;
}
