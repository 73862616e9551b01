/* bench-chart-data.c: BenchChart from benchmark results or a CSV file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The adapter between the store's BenchResult records and the chart
 * engine. It picks the values (a metric, in display units), splits them
 * into categories and series by configuration fields, and writes titles
 * that name the configuration. A configuration measured in several runs
 * is charted from its latest run (results arrive oldest run first), except
 * on charts whose x is the run or its date.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "bench-chart-data.h"
#include "bench-device.h"
#include "bench-error.h"
#include "bench-result.h"

/* ------------------------------------------------------------------ */
/* metrics                                                            */

typedef struct
{
  const char       *name;
  const char       *title;
  const char       *unit;
  BenchChartBetter  better;
  double          (*get) (BenchResult *r);
  /* The metric as a function of a latency (ns), for metrics derived from
   * the median: turns the median's confidence interval into theirs. */
  double          (*from_latency) (BenchResult *r, double ns);
} Metric;

static double ns_to_ms (double ns) { return ns / 1e6; }

static double get_latency_mean (BenchResult *r) { return ns_to_ms (r->latency.mean); }
static double get_latency_median (BenchResult *r) { return ns_to_ms (r->latency.median); }
static double get_latency_min (BenchResult *r) { return ns_to_ms (r->latency.min); }
static double get_latency_p90 (BenchResult *r) { return ns_to_ms (r->latency.p90); }
static double get_latency_p95 (BenchResult *r) { return ns_to_ms (r->latency.p95); }
static double get_latency_p99 (BenchResult *r) { return ns_to_ms (r->latency.p99); }
static double get_device_latency (BenchResult *r) { return r->device_latency.n > 0 ? ns_to_ms (r->device_latency.median) : NAN; }
static double get_items (BenchResult *r) { return r->items_per_second; }
static double get_tokens (BenchResult *r) { return r->tokens_per_second; }
static double get_gflops (BenchResult *r) { return r->gflops; }
static double get_gbs (BenchResult *r) { return r->gbytes_per_second; }
static double get_peak (BenchResult *r) { return r->percent_of_peak; }
static double get_first_token (BenchResult *r) { return ns_to_ms (r->first_token_ns); }
static double get_setup (BenchResult *r) { return ns_to_ms (r->setup_ns); }
static double get_cold (BenchResult *r) { return ns_to_ms (r->cold_ns); }
static double bytes_to_mb (gint64 b) { return b >= 0 ? b / 1e6 : NAN; }
static double get_rss (BenchResult *r) { return bytes_to_mb (r->peak_rss_bytes); }
static double get_devmem (BenchResult *r) { return bytes_to_mb (r->device_memory_bytes); }
static double get_weights (BenchResult *r) { return bytes_to_mb (r->weights_bytes); }
static double get_workspace (BenchResult *r) { return bytes_to_mb (r->workspace_bytes); }
static double get_flops (BenchResult *r) { return r->flops / 1e9; }
static double get_intensity (BenchResult *r) { return r->flops > 0 && r->bytes > 0 ? r->flops / r->bytes : NAN; }
static double get_cv (BenchResult *r) { return r->latency.cv * 100; }

static double lat_ms (BenchResult *r, double ns) { return ns_to_ms (ns); }
static double lat_items (BenchResult *r, double ns) { return r->items_per_iteration / (ns / 1e9); }
static double lat_tokens (BenchResult *r, double ns) { return r->tokens_per_iteration / (ns / 1e9); }
static double lat_gflops (BenchResult *r, double ns) { return r->flops / ns; }
static double lat_gbs (BenchResult *r, double ns) { return r->bytes / ns; }
static double lat_peak (BenchResult *r, double ns) { return r->percent_of_peak * r->latency.median / ns; }

static const Metric metrics[] = {
  { "latency_median", "Median latency", "ms", BENCH_CHART_BETTER_LOWER, get_latency_median, lat_ms },
  { "latency_mean", "Mean latency", "ms", BENCH_CHART_BETTER_LOWER, get_latency_mean, NULL },
  { "latency_min", "Minimum latency", "ms", BENCH_CHART_BETTER_LOWER, get_latency_min, NULL },
  { "latency_p90", "p90 latency", "ms", BENCH_CHART_BETTER_LOWER, get_latency_p90, NULL },
  { "latency_p95", "p95 latency", "ms", BENCH_CHART_BETTER_LOWER, get_latency_p95, NULL },
  { "latency_p99", "p99 latency", "ms", BENCH_CHART_BETTER_LOWER, get_latency_p99, NULL },
  { "device_latency", "Device-timed median latency", "ms", BENCH_CHART_BETTER_LOWER, get_device_latency, NULL },
  { "items_per_second", "Throughput", "items/s", BENCH_CHART_BETTER_HIGHER, get_items, lat_items },
  { "tokens_per_second", "Token throughput", "tokens/s", BENCH_CHART_BETTER_HIGHER, get_tokens, lat_tokens },
  { "gflops", "Compute rate", "GFLOP/s", BENCH_CHART_BETTER_HIGHER, get_gflops, lat_gflops },
  { "gbytes_per_second", "Memory traffic rate", "GB/s", BENCH_CHART_BETTER_HIGHER, get_gbs, lat_gbs },
  { "percent_of_peak", "Share of measured peak", "%", BENCH_CHART_BETTER_HIGHER, get_peak, lat_peak },
  { "first_token", "First-token latency", "ms", BENCH_CHART_BETTER_LOWER, get_first_token, NULL },
  { "setup_time", "Setup (load) time", "ms", BENCH_CHART_BETTER_LOWER, get_setup, NULL },
  { "cold_time", "Cold first iteration", "ms", BENCH_CHART_BETTER_LOWER, get_cold, NULL },
  { "peak_rss", "Peak host memory (RSS)", "MB", BENCH_CHART_BETTER_LOWER, get_rss, NULL },
  { "device_memory", "Device memory", "MB", BENCH_CHART_BETTER_LOWER, get_devmem, NULL },
  { "weights_memory", "Weights memory", "MB", BENCH_CHART_BETTER_LOWER, get_weights, NULL },
  { "workspace_memory", "Workspace memory", "MB", BENCH_CHART_BETTER_LOWER, get_workspace, NULL },
  { "flops", "Work per iteration", "GFLOP", BENCH_CHART_BETTER_NONE, get_flops, NULL },
  { "arithmetic_intensity", "Arithmetic intensity", "FLOP/byte", BENCH_CHART_BETTER_NONE, get_intensity, NULL },
  { "latency_cv", "Latency coefficient of variation", "%", BENCH_CHART_BETTER_LOWER, get_cv, NULL },
};

/* Stacked charts break one quantity down instead of charting a metric. */
static const char *breakdowns[] = { "memory", "flops" };

static const char *field_names[] = {
  "device", "model", "precision", "batch", "seq_len", "run", "date", NULL,
};

/* The configuration fields: results differing in none of them measure the
 * same thing. */
static const char *config_fields[] = { "device", "model", "precision", "batch", "seq_len" };

const char * const *
bench_chart_list_metrics (void)
{
  static const char *names[G_N_ELEMENTS (metrics) + 1];

  if (names[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (metrics); i++)
      names[i] = metrics[i].name;
  return names;
}

const char * const *
bench_chart_list_fields (void)
{
  return field_names;
}

static const Metric *
find_metric (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (metrics); i++)
    if (g_strcmp0 (metrics[i].name, name) == 0)
      return &metrics[i];
  return NULL;
}

static gboolean
is_field (const char *name)
{
  return g_strv_contains (field_names, name);
}

static void
set_unknown_metric (GError     **error,
                    const char  *name)
{
  g_autofree char *list = g_strjoinv (", ", (char **) bench_chart_list_metrics ());

  g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
               "Unknown metric “%s”; the metrics are: %s", name, list);
}

static void
set_unknown_field (GError     **error,
                   const char  *option,
                   const char  *name)
{
  g_autofree char *list = g_strjoinv (", ", (char **) field_names);

  g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
               "Unknown field “%s” for %s; the fields are: %s", name, option, list);
}

static const char *
default_metric (BenchChartKind kind)
{
  switch (kind)
    {
    case BENCH_CHART_KIND_SCATTER: return "items_per_second";
    case BENCH_CHART_KIND_RADAR: return "items_per_second,gflops,gbytes_per_second,latency_median,peak_rss";
    case BENCH_CHART_KIND_STACKED: return "memory";
    case BENCH_CHART_KIND_ROOFLINE: return "gflops";
    case BENCH_CHART_KIND_BAR:
    case BENCH_CHART_KIND_LINE:
    case BENCH_CHART_KIND_HEATMAP:
    case BENCH_CHART_KIND_BOX:
    case BENCH_CHART_KIND_PERCENTILES:
    default: return "latency_median";
    }
}

static const char *
default_x (BenchChartKind kind)
{
  switch (kind)
    {
    case BENCH_CHART_KIND_LINE: return "batch";
    case BENCH_CHART_KIND_SCATTER: return "peak_rss";
    case BENCH_CHART_KIND_HEATMAP: return "device";
    case BENCH_CHART_KIND_BAR:
    case BENCH_CHART_KIND_BOX:
    case BENCH_CHART_KIND_STACKED:
    case BENCH_CHART_KIND_PERCENTILES:
    case BENCH_CHART_KIND_RADAR:
    case BENCH_CHART_KIND_ROOFLINE:
    default: return "model";
    }
}

static const char *
default_group (BenchChartKind kind)
{
  switch (kind)
    {
    case BENCH_CHART_KIND_SCATTER:
    case BENCH_CHART_KIND_HEATMAP: return "model";
    case BENCH_CHART_KIND_STACKED: return "device";
    default: return "device";
    }
}

/**
 * bench_chart_spec_validate:
 *
 * Checks the metric and field names of @spec for its kind. The errors
 * list the valid names.
 */
gboolean
bench_chart_spec_validate (const BenchChartSpec  *spec,
                           GError               **error)
{
  const char *metric = spec->metric ? spec->metric : default_metric (spec->kind);
  const char *x = spec->x ? spec->x : default_x (spec->kind);
  const char *group = spec->group_by ? spec->group_by : default_group (spec->kind);

  g_return_val_if_fail (spec != NULL, FALSE);

  if (spec->kind == BENCH_CHART_KIND_STACKED)
    {
      if (!g_strv_contains (breakdowns, metric))
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                       "Stacked charts break down “memory” or “flops”, not “%s”", metric);
          return FALSE;
        }
    }
  else if (spec->kind == BENCH_CHART_KIND_RADAR)
    {
      g_auto(GStrv) names = g_strsplit (metric, ",", -1);

      for (guint i = 0; names[i] != NULL; i++)
        if (find_metric (g_strstrip (names[i])) == NULL)
          {
            set_unknown_metric (error, names[i]);
            return FALSE;
          }
    }
  else if (spec->kind == BENCH_CHART_KIND_PERCENTILES || spec->kind == BENCH_CHART_KIND_BOX)
    {
      /* Both chart the latency distribution whatever the metric says. */
      if (spec->metric != NULL && !g_str_has_prefix (spec->metric, "latency"))
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                       "%s charts show latency; leave --metric out or use a latency_* metric, not “%s”",
                       spec->kind == BENCH_CHART_KIND_BOX ? "Box" : "Percentile", spec->metric);
          return FALSE;
        }
    }
  else if (find_metric (metric) == NULL)
    {
      set_unknown_metric (error, metric);
      return FALSE;
    }

  if (spec->kind == BENCH_CHART_KIND_SCATTER)
    {
      if (find_metric (x) == NULL)
        {
          g_autofree char *list = g_strjoinv (", ", (char **) bench_chart_list_metrics ());

          g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                       "Scatter charts take a metric for --x, not “%s”; the metrics are: %s", x, list);
          return FALSE;
        }
    }
  else if (!is_field (x))
    {
      set_unknown_field (error, "--x", x);
      return FALSE;
    }
  else if (spec->kind == BENCH_CHART_KIND_LINE &&
           !g_str_equal (x, "batch") && !g_str_equal (x, "seq_len") &&
           !g_str_equal (x, "date") && !g_str_equal (x, "run"))
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "Line charts need a numeric --x: batch, seq_len, date or run, not “%s”", x);
      return FALSE;
    }

  if (!is_field (group))
    {
      set_unknown_field (error, "--group-by", group);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* fields                                                             */

/* The device labels of the chart being built (see device_labels_new()):
 * one table per thread, set for the duration of
 * bench_chart_new_from_results(). */
static GPrivate device_labels = G_PRIVATE_INIT ((GDestroyNotify) g_hash_table_unref);

static const char *
device_key (BenchResult *r)
{
  return r->device_fingerprint ? r->device_fingerprint : r->device_id ? r->device_id : "?";
}

static const char *
device_name (BenchResult *r)
{
  return r->device_name ? r->device_name : r->device_id ? r->device_id : "?";
}

/* A label per device (by fingerprint): its name, unless another device
 * of these results has the same name (one GPU through OpenCL and Vulkan,
 * two identical cards, one CPU model on two hosts); then the name and
 * the device id, and the fingerprint's start where the ids agree too.
 * Grouping by label then keeps different devices apart. */
static GHashTable *
device_labels_new (GPtrArray *results)
{
  g_autoptr(GHashTable) keys_by_name = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                              (GDestroyNotify) g_hash_table_unref);
  g_autoptr(GHashTable) ids_by_name = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                             (GDestroyNotify) g_hash_table_unref);
  GHashTable *labels = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  for (guint i = 0; i < results->len; i++)
    {
      BenchResult *r = g_ptr_array_index (results, i);
      const char *name = device_name (r);
      GHashTable *keys = g_hash_table_lookup (keys_by_name, name);
      GHashTable *ids = g_hash_table_lookup (ids_by_name, name);

      if (keys == NULL)
        {
          keys = g_hash_table_new (g_str_hash, g_str_equal);
          ids = g_hash_table_new (g_str_hash, g_str_equal);
          g_hash_table_insert (keys_by_name, (gpointer) name, keys);
          g_hash_table_insert (ids_by_name, (gpointer) name, ids);
        }
      g_hash_table_add (keys, (gpointer) device_key (r));
      g_hash_table_add (ids, r->device_id ? r->device_id : (char *) "?");
    }

  for (guint i = 0; i < results->len; i++)
    {
      BenchResult *r = g_ptr_array_index (results, i);
      const char *name = device_name (r);
      const char *key = device_key (r);
      guint n_keys = g_hash_table_size (g_hash_table_lookup (keys_by_name, name));
      guint n_ids = g_hash_table_size (g_hash_table_lookup (ids_by_name, name));
      char *label;

      if (g_hash_table_contains (labels, key))
        continue;
      if (n_keys <= 1)
        label = g_strdup (name);
      else if (n_ids == n_keys && r->device_id != NULL)
        label = g_strdup_printf ("%s (%s)", name, r->device_id);
      else
        label = g_strdup_printf ("%s (%s, %.6s)", name, r->device_id ? r->device_id : "?", key);
      g_hash_table_insert (labels, (gpointer) key, label);
    }
  return labels;
}

static char *
field_string (const char  *field,
              BenchResult *r)
{
  if (g_str_equal (field, "device"))
    {
      GHashTable *labels = g_private_get (&device_labels);
      const char *label = labels ? g_hash_table_lookup (labels, device_key (r)) : NULL;

      return g_strdup (label ? label : device_name (r));
    }
  if (g_str_equal (field, "model"))
    return g_strdup (r->workload ? r->workload : "?");
  if (g_str_equal (field, "precision"))
    return g_strdup (r->precision ? r->precision : "?");
  if (g_str_equal (field, "batch"))
    return r->batch_size >= 0 ? g_strdup_printf ("batch %d", r->batch_size) : g_strdup ("batch n/a");
  if (g_str_equal (field, "seq_len"))
    return r->seq_len >= 0 ? g_strdup_printf ("seq %d", r->seq_len) : g_strdup ("seq n/a");
  if (g_str_equal (field, "run"))
    return g_strndup (r->run_uuid ? r->run_uuid : "?", 8);
  if (g_str_equal (field, "date"))
    return r->started_at ? g_date_time_format (r->started_at, "%Y-%m-%d %H:%M") : g_strdup ("?");
  return g_strdup ("?");
}

/* What keeps a colour across charts: the device's fingerprint. */
static char *
field_color_key (const char  *field,
                 BenchResult *r)
{
  if (g_str_equal (field, "device") && r->device_fingerprint != NULL)
    return g_strdup (r->device_fingerprint);
  return field_string (field, r);
}

static double
field_number (const char  *field,
              BenchResult *r)
{
  if (g_str_equal (field, "batch"))
    return r->batch_size >= 0 ? r->batch_size : NAN;
  if (g_str_equal (field, "seq_len"))
    return r->seq_len >= 0 ? r->seq_len : NAN;
  if (g_str_equal (field, "date") || g_str_equal (field, "run"))
    return r->started_at ? (double) g_date_time_to_unix (r->started_at) : NAN;
  return NAN;
}

/* "batch size" in running text, "Batch size" on an axis. */
static char *
field_phrase (const char *field);

static const char *
field_title (const char *field)
{
  if (g_str_equal (field, "device")) return "Device";
  if (g_str_equal (field, "model")) return "Model";
  if (g_str_equal (field, "precision")) return "Precision";
  if (g_str_equal (field, "batch")) return "Batch size";
  if (g_str_equal (field, "seq_len")) return "Sequence length";
  if (g_str_equal (field, "run")) return "Run";
  if (g_str_equal (field, "date")) return "Run date";
  return field;
}

static char *
field_phrase (const char *field)
{
  return g_utf8_strdown (field_title (field), -1);
}

/* Which configuration fields take more than one value in @results. */
static guint
varying_fields (GPtrArray *results,
                gboolean  *varies)
{
  guint n = 0;

  for (guint f = 0; f < G_N_ELEMENTS (config_fields); f++)
    {
      g_autofree char *first = NULL;

      varies[f] = FALSE;
      for (guint i = 0; i < results->len && !varies[f]; i++)
        {
          g_autofree char *v = field_string (config_fields[f], g_ptr_array_index (results, i));

          if (first == NULL)
            first = g_steal_pointer (&v);
          else if (!g_str_equal (first, v))
            varies[f] = TRUE;
        }
      n += varies[f];
    }
  return n;
}

/* "bert-base · fp32 · batch 1 · 3 runs": what every charted result shares. */
static char *
describe_fixed (GPtrArray      *results,
                const gboolean *varies,
                const char     *selection)
{
  GString *str = g_string_new (NULL);
  g_autoptr(GHashTable) runs = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint f = 0; f < G_N_ELEMENTS (config_fields); f++)
    if (!varies[f] && results->len > 0)
      {
        g_autofree char *v = field_string (config_fields[f], g_ptr_array_index (results, 0));

        if (strstr (v, "n/a") != NULL)
          continue;
        g_string_append_printf (str, "%s%s", str->len ? " · " : "", v);
      }
  for (guint i = 0; i < results->len; i++)
    {
      BenchResult *r = g_ptr_array_index (results, i);

      if (r->run_uuid != NULL)
        g_hash_table_add (runs, r->run_uuid);
    }
  g_string_append_printf (str, "%s%u result%s from %u run%s", str->len ? " · " : "",
                          results->len, results->len == 1 ? "" : "s",
                          g_hash_table_size (runs), g_hash_table_size (runs) == 1 ? "" : "s");
  if (selection != NULL && *selection)
    g_string_append_printf (str, " · %s", selection);
  return g_string_free (str, FALSE);
}

/* Series name: the group's value plus every other varying configuration
 * field that is neither x nor the group, so that no series mixes
 * configurations. */
static char *
series_name (BenchResult    *r,
             const char     *x,
             const char     *group,
             const gboolean *varies)
{
  GString *str = g_string_new (NULL);
  g_autofree char *g = field_string (group, r);

  g_string_append (str, g);
  for (guint f = 0; f < G_N_ELEMENTS (config_fields); f++)
    if (varies[f] && !g_str_equal (config_fields[f], x) && !g_str_equal (config_fields[f], group))
      {
        g_autofree char *v = field_string (config_fields[f], r);

        g_string_append_printf (str, " · %s", v);
      }
  return g_string_free (str, FALSE);
}

/* ------------------------------------------------------------------ */
/* building                                                           */

typedef struct
{
  GPtrArray  *names;     /* char * in first-seen (or sorted) order */
  GHashTable *index;     /* name -> index + 1 */
} Keys;

static void
keys_init (Keys *k)
{
  k->names = g_ptr_array_new_with_free_func (g_free);
  k->index = g_hash_table_new (g_str_hash, g_str_equal);
}

static void
keys_clear (Keys *k)
{
  g_clear_pointer (&k->index, g_hash_table_unref);
  g_clear_pointer (&k->names, g_ptr_array_unref);
}

static guint
keys_add (Keys       *k,
          const char *name)
{
  gpointer v = g_hash_table_lookup (k->index, name);

  if (v != NULL)
    return GPOINTER_TO_UINT (v) - 1;
  g_ptr_array_add (k->names, g_strdup (name));
  g_hash_table_insert (k->index, g_ptr_array_index (k->names, k->names->len - 1),
                       GUINT_TO_POINTER (k->names->len));
  return k->names->len - 1;
}

/* Per cell (category x series) the latest result. */
typedef struct
{
  Keys        cats;
  Keys        series;
  GPtrArray  *series_keys;  /* colour key per series */
  GHashTable *cells;        /* "c\x1fs" -> BenchResult */
  guint       replaced;     /* results hidden by a later run */
} Grid;

static void
grid_init (Grid *g)
{
  keys_init (&g->cats);
  keys_init (&g->series);
  g->series_keys = g_ptr_array_new_with_free_func (g_free);
  g->cells = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g->replaced = 0;
}

static void
grid_clear (Grid *g)
{
  keys_clear (&g->cats);
  keys_clear (&g->series);
  g_clear_pointer (&g->series_keys, g_ptr_array_unref);
  g_clear_pointer (&g->cells, g_hash_table_unref);
}

static BenchResult *
grid_get (Grid  *g,
          guint  c,
          guint  s)
{
  g_autofree char *key = g_strdup_printf ("%u\037%u", c, s);

  return g_hash_table_lookup (g->cells, key);
}

static void
grid_put (Grid        *g,
          const char  *cat,
          const char  *series,
          const char  *color_key,
          BenchResult *r)
{
  guint c = keys_add (&g->cats, cat);
  guint n = g->series.names->len;
  guint s = keys_add (&g->series, series);
  char *key = g_strdup_printf ("%u\037%u", c, s);

  if (s == n)
    g_ptr_array_add (g->series_keys, g_strdup (color_key));
  if (g_hash_table_contains (g->cells, key))
    g->replaced++;
  g_hash_table_insert (g->cells, key, r);
}

static int
compare_numeric_names (gconstpointer a,
                       gconstpointer b)
{
  const char *sa = *(const char * const *) a, *sb = *(const char * const *) b;
  const char *da = sa + strcspn (sa, "0123456789"), *db = sb + strcspn (sb, "0123456789");

  if (*da && *db && (da - sa) == (db - sb) && strncmp (sa, sb, da - sa) == 0)
    return (int) (g_ascii_strtoll (da, NULL, 10) - g_ascii_strtoll (db, NULL, 10));
  return g_strcmp0 (sa, sb);
}

static void
fill_grid (Grid           *g,
           GPtrArray      *results,
           const char     *x,
           const char     *group,
           const gboolean *varies,
           gboolean        x_joins_others)
{
  for (guint i = 0; i < results->len; i++)
    {
      BenchResult *r = g_ptr_array_index (results, i);
      g_autofree char *cat = NULL;
      g_autofree char *ser = series_name (r, x, group, varies);
      g_autofree char *ck = field_color_key (group, r);

      if (x_joins_others)
        {
          /* Categories are whole configurations (percentiles, stacked). */
          cat = series_name (r, "", x, varies);
          g_clear_pointer (&ser, g_free);
          ser = g_strdup ("");
        }
      else
        cat = field_string (x, r);
      grid_put (g, cat, ser, ck, r);
    }
}

/* Numeric categories ("batch 8") sort by number; others keep the order in
 * which they first appear (oldest run first). */
static guint *
category_order (Grid       *g,
                const char *x)
{
  guint n = g->cats.names->len;
  guint *order = g_new (guint, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    order[i] = i;
  if (g_str_equal (x, "batch") || g_str_equal (x, "seq_len"))
    {
      g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (sorted, g_ptr_array_index (g->cats.names, i));
      g_ptr_array_sort (sorted, compare_numeric_names);
      for (guint i = 0; i < n; i++)
        order[i] = GPOINTER_TO_UINT (g_hash_table_lookup (g->cats.index, g_ptr_array_index (sorted, i))) - 1;
    }
  return order;
}

static void
error_interval (const Metric        *m,
                BenchResult         *r,
                BenchChartErrorBars  bars,
                double              *lo,
                double              *hi)
{
  *lo = *hi = NAN;
  if (bars == BENCH_CHART_ERROR_BARS_CI && m->from_latency != NULL &&
      isfinite (r->latency.ci_low) && isfinite (r->latency.ci_high))
    {
      double a = m->from_latency (r, r->latency.ci_low);
      double b = m->from_latency (r, r->latency.ci_high);

      *lo = MIN (a, b);
      *hi = MAX (a, b);
    }
  else if (bars == BENCH_CHART_ERROR_BARS_STDDEV && g_str_equal (m->name, "latency_mean") &&
           isfinite (r->latency.stddev))
    {
      *lo = ns_to_ms (r->latency.mean - r->latency.stddev);
      *hi = ns_to_ms (r->latency.mean + r->latency.stddev);
    }
}

static void
note_replaced (BenchChart *chart,
               Grid       *g)
{
  if (g->replaced > 0)
    {
      g_autofree char *note = g_strdup_printf ("Configurations measured in several runs show their latest run (%u older result%s not shown).",
                                               g->replaced, g->replaced == 1 ? "" : "s");
      bench_chart_add_note (chart, note);
    }
}

static void
build_category_chart (BenchChart           *chart,
                      const BenchChartSpec *spec,
                      GPtrArray            *results,
                      const Metric         *m,
                      const char           *x,
                      const char           *group,
                      const gboolean       *varies)
{
  Grid g;
  g_autofree guint *order = NULL;
  gboolean any_err = FALSE;

  grid_init (&g);
  fill_grid (&g, results, x, group, varies, FALSE);
  order = category_order (&g, x);
  for (guint i = 0; i < g.cats.names->len; i++)
    bench_chart_add_category (chart, g_ptr_array_index (g.cats.names, order[i]));

  for (guint s = 0; s < g.series.names->len; s++)
    {
      g_autoptr(BenchChartSeries) series =
        bench_chart_series_new (g_ptr_array_index (g.series.names, s), g_ptr_array_index (g.series_keys, s));

      for (guint i = 0; i < g.cats.names->len; i++)
        {
          BenchResult *r = grid_get (&g, order[i], s);
          g_autofree char *label = NULL;
          double lo = NAN, hi = NAN, v;

          if (r == NULL)
            continue;
          label = bench_result_dup_label (r);
          if (spec->kind == BENCH_CHART_KIND_BOX)
            {
              g_autofree double *ms = g_new (double, MAX (r->samples ? r->samples->len : 0, 1));
              guint n = r->samples ? r->samples->len : 0;
              guint j;

              for (guint k = 0; k < n; k++)
                ms[k] = g_array_index (r->samples, gint64, k) / 1e6;
              j = bench_chart_series_add_full (series, i, get_latency_median (r), NAN, NAN, label);
              if (n > 0)
                bench_chart_series_set_samples (series, j, ms, n);
              continue;
            }
          v = m->get (r);
          error_interval (m, r, spec->error_bars, &lo, &hi);
          any_err |= isfinite (lo);
          bench_chart_series_add_full (series, i, v, lo, hi, label);
        }
      bench_chart_add_series (chart, series);
    }

  if (any_err)
    bench_chart_add_note (chart, spec->error_bars == BENCH_CHART_ERROR_BARS_CI
                                 ? "Error bars: 95% confidence interval of the median (order statistics)."
                                 : "Error bars: mean ± one sample standard deviation.");
  if (spec->kind == BENCH_CHART_KIND_BOX)
    bench_chart_add_note (chart, "Boxes: quartiles and median of the raw samples; whiskers: 1.5 IQR (Tukey); circles: outliers.");
  note_replaced (chart, &g);
  grid_clear (&g);
}

static void
build_heatmap (BenchChart     *chart,
               GPtrArray      *results,
               const Metric   *m,
               const char     *x,
               const char     *group,
               const gboolean *varies)
{
  Grid g;
  g_autofree guint *order = NULL;
  double lo = INFINITY, hi = -INFINITY;

  grid_init (&g);
  fill_grid (&g, results, x, group, varies, FALSE);
  order = category_order (&g, x);
  for (guint i = 0; i < g.cats.names->len; i++)
    bench_chart_add_category (chart, g_ptr_array_index (g.cats.names, order[i]));
  for (guint s = 0; s < g.series.names->len; s++)
    {
      g_autoptr(BenchChartSeries) series =
        bench_chart_series_new (g_ptr_array_index (g.series.names, s), g_ptr_array_index (g.series_keys, s));

      for (guint i = 0; i < g.cats.names->len; i++)
        {
          BenchResult *r = grid_get (&g, order[i], s);
          double v = r ? m->get (r) : NAN;

          if (isfinite (v))
            lo = MIN (lo, v), hi = MAX (hi, v);
          bench_chart_series_add (series, i, v);
        }
      bench_chart_add_series (chart, series);
    }
  /* Values over more than two decades read better on a log colour scale. */
  if (lo > 0 && hi / lo > 100)
    bench_chart_set_log_y (chart, TRUE);
  note_replaced (chart, &g);
  grid_clear (&g);
}

static void
build_percentiles (BenchChart     *chart,
                   GPtrArray      *results,
                   const char     *x,
                   const gboolean *varies)
{
  static const struct { const char *name; double (*get) (BenchResult *); } stats[] = {
    { "p50", get_latency_median }, { "p90", get_latency_p90 }, { "p95", get_latency_p95 },
    { "p99", get_latency_p99 }, { "mean", get_latency_mean },
  };
  Grid g;

  grid_init (&g);
  fill_grid (&g, results, x, x, varies, TRUE);
  for (guint i = 0; i < g.cats.names->len; i++)
    bench_chart_add_category (chart, g_ptr_array_index (g.cats.names, i));
  for (guint k = 0; k < G_N_ELEMENTS (stats); k++)
    {
      g_autoptr(BenchChartSeries) series = bench_chart_series_new (stats[k].name, stats[k].name);

      if (k < 4)
        {
          BenchChartRgb c = bench_chart_ramp_color (k, 4);
          bench_chart_series_set_rgb (series, c.r, c.g, c.b);
        }
      else
        bench_chart_series_set_rgb (series, 0.6, 0.6, 0.6);  /* the mean is no percentile */
      for (guint i = 0; i < g.cats.names->len; i++)
        {
          BenchResult *r = grid_get (&g, i, 0);

          if (r != NULL)
            {
              g_autofree char *label = bench_result_dup_label (r);
              bench_chart_series_add_full (series, i, stats[k].get (r), NAN, NAN, label);
            }
        }
      bench_chart_add_series (chart, series);
    }
  note_replaced (chart, &g);
  grid_clear (&g);
}

static void
build_stacked (BenchChart     *chart,
               GPtrArray      *results,
               const char     *what,
               const char     *x,
               const gboolean *varies)
{
  Grid g;
  Keys parts;
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);  /* double[n_parts] per cat */
  gboolean flops = g_str_equal (what, "flops");
  guint n_cats;

  grid_init (&g);
  keys_init (&parts);
  fill_grid (&g, results, x, x, varies, TRUE);
  n_cats = g.cats.names->len;

  if (!flops)
    {
      keys_add (&parts, "Weights");
      keys_add (&parts, "Workspace");
      keys_add (&parts, "Other");
    }
  for (guint i = 0; i < n_cats; i++)
    {
      BenchResult *r = grid_get (&g, i, 0);
      double *v = g_new (double, 64);

      for (guint k = 0; k < 64; k++)
        v[k] = NAN;
      if (r != NULL && !flops)
        {
          double total = r->device_memory_bytes >= 0 ? r->device_memory_bytes : r->peak_rss_bytes;
          double w = r->weights_bytes >= 0 ? r->weights_bytes : NAN;
          double ws = r->workspace_bytes >= 0 ? r->workspace_bytes : NAN;

          v[0] = w / 1e6;
          v[1] = ws / 1e6;
          if (total >= 0 && isfinite (w) && isfinite (ws) && total > w + ws)
            v[2] = (total - w - ws) / 1e6;
        }
      else if (r != NULL && r->flops_breakdown_json != NULL)
        {
          g_autoptr(JsonParser) parser = json_parser_new ();

          if (json_parser_load_from_data (parser, r->flops_breakdown_json, -1, NULL) &&
              JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
            {
              JsonObject *o = json_node_get_object (json_parser_get_root (parser));
              g_autoptr(GList) members = json_object_get_members (o);

              for (GList *l = members; l != NULL; l = l->next)
                {
                  guint k = keys_add (&parts, l->data);

                  if (k < 64)
                    v[k] = json_object_get_double_member_with_default (o, l->data, NAN) / 1e9;
                }
            }
        }
      g_ptr_array_add (values, v);
    }

  for (guint i = 0; i < n_cats; i++)
    bench_chart_add_category (chart, g_ptr_array_index (g.cats.names, i));
  for (guint k = 0; k < parts.names->len && k < 64; k++)
    {
      const char *name = g_ptr_array_index (parts.names, k);
      g_autoptr(BenchChartSeries) series = bench_chart_series_new (name, name);
      BenchChartRgb c = bench_chart_ramp_color (k, parts.names->len);

      bench_chart_series_set_rgb (series, c.r, c.g, c.b);
      for (guint i = 0; i < n_cats; i++)
        bench_chart_series_add (series, i, ((double *) g_ptr_array_index (values, i))[k]);
      bench_chart_add_series (chart, series);
    }

  if (!flops)
    bench_chart_add_note (chart, "Other: device memory (or peak RSS on the CPU) beyond weights and workspace.");
  note_replaced (chart, &g);
  keys_clear (&parts);
  grid_clear (&g);
}

static void
build_points (BenchChart           *chart,
              const BenchChartSpec *spec,
              GPtrArray            *results,
              const Metric         *mx,
              const Metric         *my,
              const char           *x_field,
              const char           *group,
              const gboolean       *varies)
{
  Keys series_keys;
  g_autoptr(GPtrArray) series = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_chart_series_unref);
  g_autoptr(GHashTable) latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean by_config = spec->kind != BENCH_CHART_KIND_LINE ||
                       !(g_str_equal (x_field, "date") || g_str_equal (x_field, "run"));
  guint replaced = 0;

  keys_init (&series_keys);

  /* The latest result per configuration, unless x is the run itself. */
  for (guint i = 0; i < results->len; i++)
    {
      BenchResult *r = g_ptr_array_index (results, i);
      g_autofree char *key = by_config ? series_name (r, "", "model", (gboolean[]) { TRUE, TRUE, TRUE, TRUE, TRUE })
                                       : g_strdup_printf ("%u", i);

      if (g_hash_table_replace (latest, g_steal_pointer (&key), r) == FALSE)
        replaced++;
    }

  for (guint i = 0; i < results->len; i++)
    {
      BenchResult *r = g_ptr_array_index (results, i);
      g_autofree char *key = by_config ? series_name (r, "", "model", (gboolean[]) { TRUE, TRUE, TRUE, TRUE, TRUE })
                                       : g_strdup_printf ("%u", i);
      g_autofree char *name = NULL;
      g_autofree char *ck = NULL;
      g_autofree char *label = NULL;
      double xv, yv;
      guint s;

      if (g_hash_table_lookup (latest, key) != r)
        continue;
      name = series_name (r, mx ? "" : x_field, group, varies);
      if (mx != NULL)
        {
          /* Scatter/roofline: every varying field is in the point label,
           * the series is the group alone. */
          g_clear_pointer (&name, g_free);
          name = field_string (group, r);
        }
      ck = field_color_key (group, r);
      s = keys_add (&series_keys, name);
      if (s == series->len)
        g_ptr_array_add (series, bench_chart_series_new (name, ck));
      xv = mx ? mx->get (r) : field_number (x_field, r);
      yv = my->get (r);
      label = bench_result_dup_label (r);
      bench_chart_series_add_full (g_ptr_array_index (series, s), xv, yv, NAN, NAN, label);
    }

  for (guint s = 0; s < series->len; s++)
    {
      BenchChartSeries *ser = g_ptr_array_index (series, s);

      if (spec->kind == BENCH_CHART_KIND_LINE)
        {
          /* Lines run left to right. */
          guint n = bench_chart_series_get_n_points (ser);
          g_autofree guint *idx = g_new (guint, MAX (n, 1));
          g_autoptr(BenchChartSeries) sorted = bench_chart_series_new (bench_chart_series_get_name (ser),
                                                                       bench_chart_series_get_color_key (ser));

          for (guint j = 0; j < n; j++)
            idx[j] = j;
          for (guint a = 1; a < n; a++)
            for (guint b = a; b > 0 && bench_chart_series_get_x (ser, idx[b - 1]) > bench_chart_series_get_x (ser, idx[b]); b--)
              {
                guint t = idx[b];
                idx[b] = idx[b - 1];
                idx[b - 1] = t;
              }
          for (guint j = 0; j < n; j++)
            bench_chart_series_add_full (sorted, bench_chart_series_get_x (ser, idx[j]),
                                         bench_chart_series_get_y (ser, idx[j]), NAN, NAN,
                                         bench_chart_series_get_label (ser, idx[j]));
          bench_chart_add_series (chart, sorted);
        }
      else
        bench_chart_add_series (chart, ser);
    }

  if (replaced > 0)
    {
      g_autofree char *note = g_strdup_printf ("Configurations measured in several runs show their latest run (%u older result%s not shown).",
                                               replaced, replaced == 1 ? "" : "s");
      bench_chart_add_note (chart, note);
    }
  keys_clear (&series_keys);
}

static double
geometric_mean (GArray *values)
{
  double sum = 0;
  guint n = 0;

  for (guint i = 0; i < values->len; i++)
    {
      double v = g_array_index (values, double, i);

      if (isfinite (v) && v > 0)
        sum += log (v), n++;
    }
  return n > 0 ? exp (sum / n) : NAN;
}

static void
build_radar (BenchChart *chart,
             GPtrArray  *results,
             const char *metric_list,
             const char *group)
{
  g_auto(GStrv) names = g_strsplit (metric_list, ",", -1);
  guint n_metrics = g_strv_length (names);
  Keys groups;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autofree double *best = g_new (double, MAX (n_metrics, 1));
  guint max_configs = 0;

  keys_init (&groups);
  for (guint i = 0; i < results->len; i++)
    {
      BenchResult *r = g_ptr_array_index (results, i);
      g_autofree char *gname = field_string (group, r);
      guint gi = keys_add (&groups, gname);

      if (gi == keys->len)
        {
          g_ptr_array_add (keys, field_color_key (group, r));
          for (guint k = 0; k < n_metrics; k++)
            g_ptr_array_add (cells, g_array_new (FALSE, FALSE, sizeof (double)));
        }
      for (guint k = 0; k < n_metrics; k++)
        {
          const Metric *m = find_metric (g_strstrip (names[k]));
          double v = m->get (r);

          g_array_append_val (g_ptr_array_index (cells, gi * n_metrics + k), v);
        }
    }

  for (guint k = 0; k < n_metrics; k++)
    {
      const Metric *m = find_metric (names[k]);
      g_autofree char *axis = g_strdup_printf ("%s%s", m->title,
                                               m->better == BENCH_CHART_BETTER_LOWER ? " (lower is better)" : "");

      bench_chart_add_category (chart, axis);
      best[k] = NAN;
      for (guint gi = 0; gi < groups.names->len; gi++)
        {
          GArray *vals = g_ptr_array_index (cells, gi * n_metrics + k);
          double v = geometric_mean (vals);

          max_configs = MAX (max_configs, vals->len);
          if (isfinite (v) && (isnan (best[k]) ||
                               (m->better == BENCH_CHART_BETTER_LOWER ? v < best[k] : v > best[k])))
            best[k] = v;
        }
    }

  for (guint gi = 0; gi < groups.names->len; gi++)
    {
      g_autoptr(BenchChartSeries) series = bench_chart_series_new (g_ptr_array_index (groups.names, gi),
                                                                   g_ptr_array_index (keys, gi));

      for (guint k = 0; k < n_metrics; k++)
        {
          const Metric *m = find_metric (names[k]);
          double v = geometric_mean (g_ptr_array_index (cells, gi * n_metrics + k));
          double norm = m->better == BENCH_CHART_BETTER_LOWER ? best[k] / v : v / best[k];
          g_autofree char *raw = bench_chart_format_value (v);
          g_autofree char *label = g_strdup_printf ("%s: %s %s", m->title, raw, m->unit);

          bench_chart_series_add_full (series, k, isfinite (norm) ? norm : NAN, NAN, NAN, label);
        }
      bench_chart_add_series (chart, series);
    }

  {
    g_autofree char *note = g_strdup_printf ("Each spoke: value relative to the best %s (1 = best)%s.",
                                             field_title (group),
                                             max_configs > 1 ? "; geometric mean over each one's configurations" : "");
    bench_chart_add_note (chart, note);
  }
  keys_clear (&groups);
}

static void
build_roofline (BenchChart *chart,
                GPtrArray  *results,
                GPtrArray  *devices,
                const char *group,
                const gboolean *varies)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  BenchChartSpec spec = { .kind = BENCH_CHART_KIND_ROOFLINE };

  build_points (chart, &spec, results, find_metric ("arithmetic_intensity"), find_metric ("gflops"),
                "", "device", varies);

  /* A ceiling per device in the chart, measured or not (the chart says
   * which are missing). */
  for (guint i = 0; i < results->len; i++)
    {
      BenchResult *r = g_ptr_array_index (results, i);
      const char *fp = r->device_fingerprint;
      g_autofree char *name = field_string ("device", r);
      g_autofree char *key = field_color_key ("device", r);
      double peak = NAN, bw = NAN;

      if (g_hash_table_contains (seen, key))
        continue;
      g_hash_table_add (seen, g_strdup (key));
      for (guint d = 0; devices != NULL && d < devices->len; d++)
        {
          BenchDevice *dev = g_ptr_array_index (devices, d);

          if (fp != NULL && g_strcmp0 (bench_device_get_fingerprint (dev), fp) == 0)
            {
              peak = bench_device_get_peak_gflops (dev);
              bw = bench_device_get_bandwidth_gbs (dev);
            }
        }
      bench_chart_add_ceiling (chart, name, key, peak, bw);
    }
}

static BenchChart *
new_from_results (const BenchChartSpec  *spec,
                  GPtrArray             *results,
                  GPtrArray             *devices,
                  GError               **error)
{
  g_autoptr(BenchChart) chart = NULL;
  const char *metric, *x, *group;
  const Metric *m;
  gboolean varies[G_N_ELEMENTS (config_fields)];
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (results != NULL, NULL);

  if (!bench_chart_spec_validate (spec, error))
    return NULL;

  metric = spec->metric ? spec->metric : default_metric (spec->kind);
  x = spec->x ? spec->x : default_x (spec->kind);
  group = spec->group_by ? spec->group_by : default_group (spec->kind);
  m = find_metric (metric);

  chart = bench_chart_new (spec->kind);
  varying_fields (results, varies);
  subtitle = describe_fixed (results, varies, spec->selection);
  bench_chart_set_subtitle (chart, subtitle);
  if (results->len == 0)
    {
      g_autofree char *msg = g_strdup_printf ("No stored results match the selection%s%s.",
                                              spec->selection ? ": " : "",
                                              spec->selection ? spec->selection : "");
      bench_chart_set_empty_message (chart, msg);
    }

  switch (spec->kind)
    {
    case BENCH_CHART_KIND_BAR:
      { g_autofree char *p = field_phrase (x); title = g_strdup_printf ("%s by %s", m->title, p); }
      bench_chart_set_x_axis (chart, field_title (x), NULL);
      bench_chart_set_y_axis (chart, m->title, m->unit);
      build_category_chart (chart, spec, results, m, x, group, varies);
      break;

    case BENCH_CHART_KIND_BOX:
      { g_autofree char *p = field_phrase (x); title = g_strdup_printf ("Latency distribution by %s", p); }
      bench_chart_set_x_axis (chart, field_title (x), NULL);
      bench_chart_set_y_axis (chart, "Latency", "ms");
      build_category_chart (chart, spec, results, find_metric ("latency_median"), x, group, varies);
      break;

    case BENCH_CHART_KIND_HEATMAP:
      title = g_strdup_printf ("%s: %s × %s", m->title, field_title (group), field_title (x));
      bench_chart_set_x_axis (chart, field_title (x), NULL);
      bench_chart_set_y_axis (chart, m->title, m->unit);
      build_heatmap (chart, results, m, x, group, varies);
      break;

    case BENCH_CHART_KIND_PERCENTILES:
      title = g_strdup ("Latency percentiles");
      bench_chart_set_y_axis (chart, "Latency", "ms");
      build_percentiles (chart, results, x, varies);
      break;

    case BENCH_CHART_KIND_STACKED:
      title = g_strdup (g_str_equal (metric, "flops") ? "FLOP breakdown" : "Memory breakdown");
      bench_chart_set_y_axis (chart, g_str_equal (metric, "flops") ? "Work per iteration" : "Memory",
                              g_str_equal (metric, "flops") ? "GFLOP" : "MB");
      build_stacked (chart, results, metric, x, varies);
      break;

    case BENCH_CHART_KIND_LINE:
      {
        gboolean time = g_str_equal (x, "date") || g_str_equal (x, "run");
        g_autofree char *x_phrase = field_phrase (x);
        double lo = INFINITY, hi = -INFINITY;

        title = time ? g_strdup_printf ("%s over time", m->title)
                     : g_strdup_printf ("%s by %s", m->title, x_phrase);
        bench_chart_set_x_axis (chart, time ? "Run date" : field_title (x), NULL);
        bench_chart_set_y_axis (chart, m->title, m->unit);
        bench_chart_set_x_time (chart, time);
        build_points (chart, spec, results, NULL, m, x, group, varies);
        for (guint i = 0; i < results->len; i++)
          {
            double v = field_number (x, g_ptr_array_index (results, i));

            if (isfinite (v))
              lo = MIN (lo, v), hi = MAX (hi, v);
          }
        /* Batch sizes and lengths grow by doubling: log scale by default. */
        if (!time && lo > 0 && hi / lo >= 8)
          bench_chart_set_log_x (chart, TRUE);
      }
      break;

    case BENCH_CHART_KIND_SCATTER:
      {
        const Metric *mx = find_metric (x);

        title = g_strdup_printf ("%s against %s", m->title, mx->title);
        bench_chart_set_x_axis (chart, mx->title, mx->unit);
        bench_chart_set_y_axis (chart, m->title, m->unit);
        build_points (chart, spec, results, mx, m, x, group, varies);
        if (spec->pareto)
          bench_chart_set_pareto (chart, TRUE, mx->better, m->better);
      }
      break;

    case BENCH_CHART_KIND_RADAR:
      title = g_strdup_printf ("%s comparison", field_title (group));
      build_radar (chart, results, metric, group);
      break;

    case BENCH_CHART_KIND_ROOFLINE:
      title = g_strdup ("Roofline");
      bench_chart_set_x_axis (chart, "Arithmetic intensity", "FLOP/byte");
      bench_chart_set_y_axis (chart, "Achieved", "GFLOP/s");
      build_roofline (chart, results, devices, group, varies);
      break;

    default:
      g_assert_not_reached ();
    }

  bench_chart_set_title (chart, title);
  return g_steal_pointer (&chart);
}

/**
 * bench_chart_new_from_results:
 * @spec: what to chart
 * @results: (element-type BenchResult): the selected results, oldest run
 *   first, as bench_store_query_results() returns them (with samples for
 *   box plots)
 * @devices: (nullable) (element-type BenchDevice): the stored devices, for
 *   roofline ceilings
 *
 * Returns: (transfer full): the chart (in its "no data" state when
 *   @results is empty), or %NULL with @error set for an unknown metric or
 *   field
 */
BenchChart *
bench_chart_new_from_results (const BenchChartSpec  *spec,
                              GPtrArray             *results,
                              GPtrArray             *devices,
                              GError               **error)
{
  BenchChart *chart;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (results != NULL, NULL);

  /* The results' objects must outlive the table: its keys are theirs. */
  g_private_replace (&device_labels, device_labels_new (results));
  chart = new_from_results (spec, results, devices, error);
  g_private_replace (&device_labels, NULL);
  return chart;
}

/* ------------------------------------------------------------------ */
/* CSV                                                                */

static char *
csv_cell (const char *start,
          const char *end)
{
  while (start < end && (*start == ' ' || *start == '\t'))
    start++;
  while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
    end--;
  if (end - start >= 2 && *start == '"' && end[-1] == '"')
    start++, end--;
  return g_strndup (start, end - start);
}

/* Finds the byte ranges of the cells of one line (no quoted commas). */
static guint
csv_split (const char  *line,
           const char  *end,
           const char **cells,
           guint        max)
{
  guint n = 0;

  cells[n++] = line;
  for (const char *p = line; p < end && n < max; p++)
    if (*p == ',')
      cells[n++] = p + 1;
  return n;
}

/**
 * bench_chart_new_from_csv:
 * @kind: %BENCH_CHART_KIND_SCATTER or %BENCH_CHART_KIND_LINE
 * @path: a CSV file with a header row
 * @x_column: the numeric column along x
 * @y_column: the numeric column along y
 * @group_column: (nullable): a column whose values make series
 *
 * Charts two columns of a CSV file (for example benchmark results written
 * by another tool). Rows whose x or y is not a number are skipped and
 * counted in a note.
 *
 * Returns: (transfer full): the chart, or %NULL with @error set
 */
BenchChart *
bench_chart_new_from_csv (BenchChartKind   kind,
                          const char      *path,
                          const char      *x_column,
                          const char      *y_column,
                          const char      *group_column,
                          GError         **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(BenchChart) chart = NULL;
  g_autoptr(GPtrArray) header = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) series = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_chart_series_unref);
  BenchChartSeries *only = NULL;
  const char *data, *end, *p, *eol;
  const char *cells[256];
  int xi = -1, yi = -1, gi = -1;
  guint n, skipped = 0, rows = 0;
  g_autofree char *basename = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (x_column != NULL && y_column != NULL, NULL);

  if (kind != BENCH_CHART_KIND_SCATTER && kind != BENCH_CHART_KIND_LINE)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "CSV files chart as scatter or line, not %s", bench_chart_kind_to_string (kind));
      return NULL;
    }

  file = g_mapped_file_new (path, FALSE, error);
  if (file == NULL)
    return NULL;
  data = g_mapped_file_get_contents (file);
  end = data + g_mapped_file_get_length (file);
  if (data == NULL || data == end)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_PARSE, "The CSV file “%s” is empty", path);
      return NULL;
    }

  eol = memchr (data, '\n', end - data);
  if (eol == NULL)
    eol = end;
  n = csv_split (data, eol, cells, G_N_ELEMENTS (cells));
  for (guint i = 0; i < n; i++)
    {
      const char *ce = i + 1 < n ? cells[i + 1] - 1 : eol;
      char *name = csv_cell (cells[i], ce);

      if (g_str_equal (name, x_column)) xi = i;
      if (g_str_equal (name, y_column)) yi = i;
      if (group_column && g_str_equal (name, group_column)) gi = i;
      g_ptr_array_add (header, name);
    }
  g_ptr_array_add (header, NULL);
  if (xi < 0 || yi < 0 || (group_column != NULL && gi < 0))
    {
      g_autofree char *list = g_strjoinv (", ", (char **) header->pdata);

      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "The CSV file “%s” has no column “%s”; its columns are: %s", path,
                   xi < 0 ? x_column : yi < 0 ? y_column : group_column, list);
      return NULL;
    }

  chart = bench_chart_new (kind);
  if (gi < 0)
    {
      only = bench_chart_series_new (y_column, y_column);
      g_ptr_array_add (series, only);
    }

  for (p = eol < end ? eol + 1 : end; p < end; p = eol + 1)
    {
      double xv, yv;
      char *stop;
      BenchChartSeries *s = only;

      eol = memchr (p, '\n', end - p);
      if (eol == NULL)
        eol = end;
      if (eol == p || (eol == p + 1 && *p == '\r'))
        continue;
      rows++;
      n = csv_split (p, eol, cells, G_N_ELEMENTS (cells));
      if ((guint) MAX (MAX (xi, yi), gi) >= n)
        {
          skipped++;
          continue;
        }
      xv = g_ascii_strtod (cells[xi], &stop);
      if (stop == cells[xi])
        xv = NAN;
      yv = g_ascii_strtod (cells[yi], &stop);
      if (stop == cells[yi])
        yv = NAN;
      if (!isfinite (xv) || !isfinite (yv))
        {
          skipped++;
          continue;
        }
      if (gi >= 0)
        {
          g_autofree char *g = csv_cell (cells[gi], (guint) gi + 1 < n ? cells[gi + 1] - 1 : eol);

          s = g_hash_table_lookup (groups, g);
          if (s == NULL)
            {
              s = bench_chart_series_new (g, g);
              g_ptr_array_add (series, s);
              g_hash_table_insert (groups, g_steal_pointer (&g), s);
            }
        }
      bench_chart_series_add (s, xv, yv);
    }

  for (guint i = 0; i < series->len; i++)
    bench_chart_add_series (chart, g_ptr_array_index (series, i));

  basename = g_path_get_basename (path);
  {
    g_autofree char *title = g_strdup_printf ("%s against %s", y_column, x_column);
    g_autofree char *subtitle = g_strdup_printf ("%s · %u rows", basename, rows - skipped);

    bench_chart_set_title (chart, title);
    bench_chart_set_subtitle (chart, subtitle);
  }
  bench_chart_set_x_axis (chart, x_column, NULL);
  bench_chart_set_y_axis (chart, y_column, NULL);
  if (skipped > 0)
    {
      g_autofree char *note = g_strdup_printf ("%u row%s without numbers in %s and %s left out.",
                                               skipped, skipped == 1 ? "" : "s", x_column, y_column);
      bench_chart_add_note (chart, note);
    }
  bench_chart_set_empty_message (chart, "The CSV file has no rows with numbers in both columns.");

  return g_steal_pointer (&chart);
}
