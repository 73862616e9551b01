/* bench-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The native result format ("benchtop-result"), documented in
 * docs/result-format.md. Writing maps NAN, -1 and NULL to null; reading
 * maps null back, so a file read and written again is byte-for-byte the
 * same. Reading is strict about what it knows (types, enums, references)
 * and ignores members it does not know, for files from newer writers.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "bench-error.h"
#include "bench-json.h"

#define SOURCE_FORMAT "benchtop-json"

typedef enum
{
  FIELD_STR,     /* char *, NULL <-> null */
  FIELD_INT,     /* gint, -1 <-> null, else >= 0 */
  FIELD_INT64,   /* gint64, -1 <-> null, else >= 0 */
  FIELD_DOUBLE,  /* double, NAN <-> null */
  FIELD_UINT,    /* guint, never null */
} FieldKind;

typedef struct
{
  const char *key;
  FieldKind   kind;
  gsize       offset;
} Field;

/* The plain members of a result, in the order they are written. The
 * structured ones (times, enums, embedded JSON, statistics, samples) are
 * written by hand between them; see write_result(). */
#define RF(key, kind, member) { key, kind, G_STRUCT_OFFSET (BenchResult, member) }
static const Field result_config_fields[] = {
  RF ("workload", FIELD_STR, workload),
  RF ("workload_family", FIELD_STR, workload_family),
  RF ("workload_category", FIELD_STR, workload_category),
  RF ("device_id", FIELD_STR, device_id),
  RF ("device_fingerprint", FIELD_STR, device_fingerprint),
  RF ("device_name", FIELD_STR, device_name),
  RF ("batch_size", FIELD_INT, batch_size),
  RF ("seq_len", FIELD_INT, seq_len),
  RF ("precision", FIELD_STR, precision),
  RF ("mode", FIELD_STR, mode),
};

static const Field result_outcome_fields[] = {
  RF ("error", FIELD_STR, error),
  /* started_at */
  RF ("warmup_iterations", FIELD_INT, warmup_iterations),
  RF ("iterations", FIELD_INT, iterations),
  RF ("setup_ns", FIELD_DOUBLE, setup_ns),
  RF ("cold_ns", FIELD_DOUBLE, cold_ns),
  RF ("first_token_ns", FIELD_DOUBLE, first_token_ns),
};

static const Field result_work_fields[] = {
  RF ("items_per_iteration", FIELD_DOUBLE, items_per_iteration),
  RF ("tokens_per_iteration", FIELD_DOUBLE, tokens_per_iteration),
  RF ("flops", FIELD_DOUBLE, flops),
  RF ("bytes", FIELD_DOUBLE, bytes),
  RF ("items_per_second", FIELD_DOUBLE, items_per_second),
  RF ("tokens_per_second", FIELD_DOUBLE, tokens_per_second),
  RF ("gflops", FIELD_DOUBLE, gflops),
  RF ("gbytes_per_second", FIELD_DOUBLE, gbytes_per_second),
  RF ("percent_of_peak", FIELD_DOUBLE, percent_of_peak),
};

static const Field result_memory_fields[] = {
  RF ("peak_rss_bytes", FIELD_INT64, peak_rss_bytes),
  RF ("device_memory_bytes", FIELD_INT64, device_memory_bytes),
  RF ("weights_bytes", FIELD_INT64, weights_bytes),
  RF ("workspace_bytes", FIELD_INT64, workspace_bytes),
};

static const Field result_validation_fields[] = {
  RF ("max_abs_error", FIELD_DOUBLE, max_abs_error),
  RF ("max_rel_error", FIELD_DOUBLE, max_rel_error),
  RF ("tolerance", FIELD_DOUBLE, tolerance),
};
#undef RF

#define SF(key, kind, member) { key, kind, G_STRUCT_OFFSET (BenchStats, member) }
static const Field stats_fields[] = {
  SF ("n", FIELD_UINT, n),
  SF ("mean", FIELD_DOUBLE, mean),
  SF ("median", FIELD_DOUBLE, median),
  SF ("min", FIELD_DOUBLE, min),
  SF ("max", FIELD_DOUBLE, max),
  SF ("stddev", FIELD_DOUBLE, stddev),
  SF ("p90", FIELD_DOUBLE, p90),
  SF ("p95", FIELD_DOUBLE, p95),
  SF ("p99", FIELD_DOUBLE, p99),
  SF ("cv", FIELD_DOUBLE, cv),
  SF ("ci_level", FIELD_DOUBLE, ci_level),
  SF ("ci_low", FIELD_DOUBLE, ci_low),
  SF ("ci_high", FIELD_DOUBLE, ci_high),
  SF ("q1", FIELD_DOUBLE, q1),
  SF ("q3", FIELD_DOUBLE, q3),
  SF ("mad", FIELD_DOUBLE, mad),
  SF ("outliers_low", FIELD_UINT, outliers_low),
  SF ("outliers_high", FIELD_UINT, outliers_high),
};
#undef SF

/* ------------------------------------------------------------------ */
/* Writing                                                             */

static JsonNode *
null_node (void)
{
  return json_node_new (JSON_NODE_NULL);
}

static JsonNode *
double_node (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    return null_node ();

  /* json-glib 1.6 appends ".0" to a double printed without a '.', which
   * turns "1e+21" into "1e+21.0", not JSON. An integral value in int64
   * range is exact as an integer; beyond that, the neighbouring double
   * toward zero (1 ulp away) prints with a fraction. */
  g_ascii_dtostr (buf, sizeof buf, value);
  if (strchr (buf, '.') == NULL && strpbrk (buf, "eE") != NULL)
    {
      if (value == trunc (value) && fabs (value) < 9.2e18)
        return json_node_init_int (json_node_alloc (), (gint64)value);

      while (strchr (buf, '.') == NULL)
        {
          value = nextafter (value, 0.0);
          g_ascii_dtostr (buf, sizeof buf, value);
        }
    }

  return json_node_init_double (json_node_alloc (), value);
}

static JsonNode *
string_node (const char *value)
{
  if (value == NULL)
    return null_node ();
  return json_node_init_string (json_node_alloc (), value);
}

static JsonNode *
int_node (gint64 value)
{
  if (value == -1)
    return null_node ();
  return json_node_init_int (json_node_alloc (), value);
}

static JsonNode *
time_node (GDateTime *time)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *text = NULL;

  if (time == NULL)
    return null_node ();

  utc = g_date_time_to_utc (time);
  text = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.%fZ");
  return string_node (text);
}

/* Embeds JSON text as a value; text that does not parse is kept as a
 * string, which a reader rejects, rather than silently dropped. */
static JsonNode *
embedded_json_node (const char *text)
{
  g_autoptr(JsonParser) parser = NULL;

  if (text == NULL)
    return null_node ();

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, -1, NULL) || json_parser_get_root (parser) == NULL)
    return string_node (text);

  return json_node_copy (json_parser_get_root (parser));
}

static void
write_fields (JsonObject  *object,
              const Field *fields,
              guint        n_fields,
              gconstpointer base)
{
  for (guint i = 0; i < n_fields; i++)
    {
      gconstpointer member = G_STRUCT_MEMBER_P (base, fields[i].offset);
      JsonNode *node;

      switch (fields[i].kind)
        {
        case FIELD_STR:
          node = string_node (*(char * const *)member);
          break;
        case FIELD_INT:
          node = int_node (*(const gint *)member);
          break;
        case FIELD_INT64:
          node = int_node (*(const gint64 *)member);
          break;
        case FIELD_DOUBLE:
          node = double_node (*(const double *)member);
          break;
        case FIELD_UINT:
          node = json_node_init_int (json_node_alloc (), *(const guint *)member);
          break;
        default:
          g_assert_not_reached ();
        }

      json_object_set_member (object, fields[i].key, node);
    }
}

static JsonNode *
stats_node (const BenchStats *stats)
{
  JsonObject *object = json_object_new ();
  JsonNode *node;

  write_fields (object, stats_fields, G_N_ELEMENTS (stats_fields), stats);
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

static JsonNode *
samples_node (GArray *samples)
{
  JsonArray *array = json_array_sized_new (samples ? samples->len : 0);
  JsonNode *node;

  for (guint i = 0; samples != NULL && i < samples->len; i++)
    json_array_add_int_element (array, g_array_index (samples, gint64, i));

  node = json_node_init_array (json_node_alloc (), array);
  json_array_unref (array);
  return node;
}

/**
 * bench_json_serialize_device:
 *
 * Returns: (transfer full): @device as a JSON object of the native format
 */
JsonNode *
bench_json_serialize_device (BenchDevice *device)
{
  JsonObject *object;
  JsonObject *properties;
  const char * const *keys;
  JsonNode *node;

  g_return_val_if_fail (BENCH_IS_DEVICE (device), NULL);

  object = json_object_new ();
  json_object_set_member (object, "id", string_node (bench_device_get_id (device)));
  json_object_set_member (object, "backend", string_node (bench_device_get_backend_name (device)));
  json_object_set_int_member (object, "index", bench_device_get_index (device));
  json_object_set_member (object, "name", string_node (bench_device_get_name (device)));
  json_object_set_member (object, "vendor", string_node (bench_device_get_vendor (device)));
  json_object_set_member (object, "driver", string_node (bench_device_get_driver (device)));
  json_object_set_member (object, "type",
                          string_node (bench_device_type_to_string (bench_device_get_device_type (device))));
  json_object_set_member (object, "compute_units", int_node (bench_device_get_compute_units (device)));
  json_object_set_member (object, "threads", int_node (bench_device_get_threads (device)));
  json_object_set_member (object, "memory_bytes", int_node (bench_device_get_memory_bytes (device)));
  json_object_set_member (object, "peak_gflops", double_node (bench_device_get_peak_gflops (device)));
  json_object_set_member (object, "bandwidth_gbs", double_node (bench_device_get_bandwidth_gbs (device)));
  json_object_set_member (object, "fingerprint", string_node (bench_device_get_fingerprint (device)));

  properties = json_object_new ();
  keys = bench_device_get_property_keys (device);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    json_object_set_string_member (properties, keys[i], bench_device_get_property_value (device, keys[i]));
  json_object_set_object_member (object, "properties", properties);

  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

static JsonNode *
result_node (BenchResult *result)
{
  JsonObject *object = json_object_new ();
  JsonNode *node;

  write_fields (object, result_config_fields, G_N_ELEMENTS (result_config_fields), result);
  json_object_set_member (object, "params", embedded_json_node (result->params_json));
  json_object_set_member (object, "status", string_node (bench_result_status_to_string (result->status)));
  json_object_set_member (object, "started_at", time_node (result->started_at));
  write_fields (object, result_outcome_fields, G_N_ELEMENTS (result_outcome_fields), result);
  json_object_set_member (object, "latency", stats_node (&result->latency));
  json_object_set_member (object, "device_latency",
                          result->device_latency.n > 0 ? stats_node (&result->device_latency) : null_node ());
  write_fields (object, result_work_fields, G_N_ELEMENTS (result_work_fields), result);
  json_object_set_member (object, "flops_breakdown", embedded_json_node (result->flops_breakdown_json));
  write_fields (object, result_memory_fields, G_N_ELEMENTS (result_memory_fields), result);
  json_object_set_member (object, "validation", string_node (bench_validation_to_string (result->validation)));
  write_fields (object, result_validation_fields, G_N_ELEMENTS (result_validation_fields), result);
  json_object_set_member (object, "samples", samples_node (result->samples));
  json_object_set_member (object, "device_samples", samples_node (result->device_samples));

  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

static JsonNode *
run_node (BenchRun *run)
{
  JsonObject *object = json_object_new ();
  JsonArray *devices = json_array_new ();
  JsonArray *results = json_array_new ();
  JsonNode *node;

  json_object_set_member (object, "uuid", string_node (run->uuid));
  json_object_set_member (object, "started_at", time_node (run->started_at));
  json_object_set_member (object, "finished_at", time_node (run->finished_at));
  json_object_set_member (object, "status", string_node (bench_run_status_to_string (run->status)));
  json_object_set_member (object, "host", string_node (run->host));
  json_object_set_member (object, "app_version", string_node (run->app_version));
  json_object_set_member (object, "pid", int_node (run->pid));
  json_object_set_member (object, "error", string_node (run->error));
  json_object_set_member (object, "notes", string_node (run->notes));
  json_object_set_member (object, "plan", embedded_json_node (run->plan_json));

  for (guint i = 0; i < run->devices->len; i++)
    json_array_add_element (devices, bench_json_serialize_device (g_ptr_array_index (run->devices, i)));
  json_object_set_array_member (object, "devices", devices);

  for (guint i = 0; i < run->results->len; i++)
    json_array_add_element (results, result_node (g_ptr_array_index (run->results, i)));
  json_object_set_array_member (object, "results", results);

  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

/**
 * bench_json_serialize_runs:
 * @runs: (element-type BenchRun): runs with their devices and results
 *
 * Returns: (transfer full): the whole document
 */
JsonNode *
bench_json_serialize_runs (GPtrArray *runs)
{
  JsonObject *object;
  JsonArray *array;
  JsonNode *node;

  g_return_val_if_fail (runs != NULL, NULL);

  object = json_object_new ();
  json_object_set_string_member (object, "format", BENCH_JSON_FORMAT_NAME);
  json_object_set_int_member (object, "version", BENCH_JSON_FORMAT_VERSION);
  json_object_set_string_member (object, "generator", "benchtop " PACKAGE_VERSION);

  array = json_array_sized_new (runs->len);
  for (guint i = 0; i < runs->len; i++)
    json_array_add_element (array, run_node (g_ptr_array_index (runs, i)));
  json_object_set_array_member (object, "runs", array);

  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

/**
 * bench_json_runs_to_string:
 *
 * Returns: (transfer full): the document as text, ending in a newline
 */
char *
bench_json_runs_to_string (GPtrArray *runs,
                           gboolean   pretty)
{
  g_autoptr(JsonNode) root = bench_json_serialize_runs (runs);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, pretty);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);

  return g_strconcat (text, "\n", NULL);
}

/**
 * bench_json_write_file:
 *
 * Writes @runs to @path atomically (a temporary file renamed over it).
 */
gboolean
bench_json_write_file (GPtrArray   *runs,
                       const char  *path,
                       GError     **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (runs != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  text = bench_json_runs_to_string (runs, TRUE);
  if (!g_file_set_contents (path, text, -1, &local_error))
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_FAILED,
                   "%s: cannot write the results: %s", path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */

typedef struct
{
  const char *origin;
  GString    *path;   /* "runs[0].results[3]" */
} Reader;

static const char *
node_type_name (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_INT64:
      return "an integer";
    case G_TYPE_DOUBLE:
      return "a number with a fraction";
    case G_TYPE_BOOLEAN:
      return "a boolean";
    default:
      return "a value";
    }
}

/* "ORIGIN: PATH.KEY: MESSAGE" */
static gboolean G_GNUC_PRINTF (5, 6)
reader_fail (Reader      *reader,
             GError     **error,
             int          code,
             const char  *key,
             const char  *format,
             ...)
{
  g_autofree char *message = NULL;
  g_autoptr(GString) where = g_string_new (reader->path->str);
  va_list args;

  if (key != NULL)
    {
      if (where->len > 0 && key[0] != '[')
        g_string_append_c (where, '.');
      g_string_append (where, key);
    }

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (where->len > 0)
    g_set_error (error, BENCH_ERROR, code, "%s: %s: %s", reader->origin, where->str, message);
  else
    g_set_error (error, BENCH_ERROR, code, "%s: %s", reader->origin, message);
  return FALSE;
}

static gsize
reader_push (Reader     *reader,
             const char *key,
             int         index)
{
  gsize saved = reader->path->len;

  if (key != NULL)
    {
      if (reader->path->len > 0)
        g_string_append_c (reader->path, '.');
      g_string_append (reader->path, key);
    }
  if (index >= 0)
    g_string_append_printf (reader->path, "[%d]", index);

  return saved;
}

static void
reader_pop (Reader *reader,
            gsize   saved)
{
  g_string_truncate (reader->path, saved);
}

/* The member @key, or NULL when absent or null. Fails if @required and
 * absent or null. */
static gboolean
get_member (Reader      *reader,
            JsonObject  *object,
            const char  *key,
            gboolean     required,
            JsonNode   **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return reader_fail (reader, error, BENCH_ERROR_PARSE, key,
                            node == NULL ? "missing required field" : "required field is null");
      return TRUE;
    }

  *out = node;
  return TRUE;
}

static gboolean
get_string (Reader      *reader,
            JsonObject  *object,
            const char  *key,
            gboolean     required,
            char       **out,
            GError     **error)
{
  JsonNode *node;

  if (!get_member (reader, object, key, required, &node, error))
    return FALSE;

  g_clear_pointer (out, g_free);
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return reader_fail (reader, error, BENCH_ERROR_PARSE, key,
                        "expected a string, got %s", node_type_name (node));

  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

/* A non-negative integer in [0, @max], or -1 for null. */
static gboolean
get_count (Reader      *reader,
           JsonObject  *object,
           const char  *key,
           gboolean     required,
           gint64       max,
           gint64      *out,
           GError     **error)
{
  JsonNode *node;
  gint64 value;

  if (!get_member (reader, object, key, required, &node, error))
    return FALSE;

  *out = -1;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return reader_fail (reader, error, BENCH_ERROR_PARSE, key,
                        "expected an integer, got %s", node_type_name (node));

  value = json_node_get_int (node);
  if (value < 0 || value > max)
    return reader_fail (reader, error, BENCH_ERROR_PARSE, key,
                        "%" G_GINT64_FORMAT " is out of range (0 to %" G_GINT64_FORMAT ")",
                        value, max);

  *out = value;
  return TRUE;
}

static gboolean
get_double (Reader      *reader,
            JsonObject  *object,
            const char  *key,
            double      *out,
            GError     **error)
{
  JsonNode *node;

  if (!get_member (reader, object, key, FALSE, &node, error))
    return FALSE;

  *out = NAN;
  if (node == NULL)
    return TRUE;

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_DOUBLE)
        {
          *out = json_node_get_double (node);
          return TRUE;
        }
      if (type == G_TYPE_INT64)
        {
          *out = (double)json_node_get_int (node);
          return TRUE;
        }
    }

  return reader_fail (reader, error, BENCH_ERROR_PARSE, key,
                      "expected a number, got %s", node_type_name (node));
}

static gboolean
get_time (Reader      *reader,
          JsonObject  *object,
          const char  *key,
          gboolean     required,
          GDateTime  **out,
          GError     **error)
{
  g_autofree char *text = NULL;

  if (!get_string (reader, object, key, required, &text, error))
    return FALSE;

  g_clear_pointer (out, g_date_time_unref);
  if (text == NULL)
    return TRUE;

  *out = g_date_time_new_from_iso8601 (text, NULL);
  if (*out == NULL)
    return reader_fail (reader, error, BENCH_ERROR_PARSE, key,
                        "expected an ISO 8601 date and time with a time zone "
                        "(\"2024-05-01T12:00:00.000000Z\"), got “%s”", text);
  return TRUE;
}

/* An embedded JSON object (or null), kept as compact text. */
static gboolean
get_json_object (Reader      *reader,
                 JsonObject  *object,
                 const char  *key,
                 char       **out,
                 GError     **error)
{
  JsonNode *node;

  if (!get_member (reader, object, key, FALSE, &node, error))
    return FALSE;

  g_clear_pointer (out, g_free);
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return reader_fail (reader, error, BENCH_ERROR_PARSE, key,
                        "expected an object, got %s", node_type_name (node));

  *out = json_to_string (node, FALSE);
  return TRUE;
}

static gboolean
get_object (Reader       *reader,
            JsonObject   *object,
            const char   *key,
            gboolean      required,
            JsonObject  **out,
            GError      **error)
{
  JsonNode *node;

  if (!get_member (reader, object, key, required, &node, error))
    return FALSE;

  *out = NULL;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return reader_fail (reader, error, BENCH_ERROR_PARSE, key,
                        "expected an object, got %s", node_type_name (node));

  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
get_array (Reader      *reader,
           JsonObject  *object,
           const char  *key,
           gboolean     required,
           JsonArray  **out,
           GError     **error)
{
  JsonNode *node;

  if (!get_member (reader, object, key, required, &node, error))
    return FALSE;

  *out = NULL;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return reader_fail (reader, error, BENCH_ERROR_PARSE, key,
                        "expected an array, got %s", node_type_name (node));

  *out = json_node_get_array (node);
  return TRUE;
}

static gboolean
read_fields (Reader       *reader,
             JsonObject   *object,
             const Field  *fields,
             guint         n_fields,
             gpointer      base,
             GError      **error)
{
  for (guint i = 0; i < n_fields; i++)
    {
      gpointer member = G_STRUCT_MEMBER_P (base, fields[i].offset);
      const char *key = fields[i].key;
      gint64 count;

      switch (fields[i].kind)
        {
        case FIELD_STR:
          if (!get_string (reader, object, key, FALSE, (char **)member, error))
            return FALSE;
          break;
        case FIELD_INT:
          if (!get_count (reader, object, key, FALSE, G_MAXINT, &count, error))
            return FALSE;
          *(gint *)member = (gint)count;
          break;
        case FIELD_INT64:
          if (!get_count (reader, object, key, FALSE, G_MAXINT64, &count, error))
            return FALSE;
          *(gint64 *)member = count;
          break;
        case FIELD_DOUBLE:
          if (!get_double (reader, object, key, (double *)member, error))
            return FALSE;
          break;
        case FIELD_UINT:
          if (!get_count (reader, object, key, FALSE, G_MAXUINT, &count, error))
            return FALSE;
          *(guint *)member = count < 0 ? 0 : (guint)count;
          break;
        default:
          g_assert_not_reached ();
        }
    }

  return TRUE;
}

static gboolean
read_stats (Reader      *reader,
            JsonObject  *parent,
            const char  *key,
            BenchStats  *stats,
            GError     **error)
{
  JsonObject *object;
  gsize saved;
  gint64 n;
  gboolean ok;

  bench_stats_init_empty (stats);

  if (!get_object (reader, parent, key, FALSE, &object, error))
    return FALSE;
  if (object == NULL)
    return TRUE;

  saved = reader_push (reader, key, -1);
  ok = get_count (reader, object, "n", TRUE, G_MAXUINT, &n, error) &&
       read_fields (reader, object, stats_fields, G_N_ELEMENTS (stats_fields), stats, error);
  reader_pop (reader, saved);

  return ok;
}

static gboolean
read_samples (Reader      *reader,
              JsonObject  *parent,
              const char  *key,
              GArray      *samples,
              GError     **error)
{
  JsonArray *array;
  guint n;
  gsize saved;

  g_array_set_size (samples, 0);

  if (!get_array (reader, parent, key, FALSE, &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;

  n = json_array_get_length (array);
  g_array_set_size (samples, n);
  saved = reader_push (reader, key, -1);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree char *index = g_strdup_printf ("[%u]", i);
      gint64 value;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        {
          reader_fail (reader, error, BENCH_ERROR_PARSE, index,
                       "expected an integer number of nanoseconds, got %s", node_type_name (node));
          reader_pop (reader, saved);
          return FALSE;
        }

      value = json_node_get_int (node);
      if (value < 0)
        {
          reader_fail (reader, error, BENCH_ERROR_PARSE, index,
                       "a latency cannot be negative, got %" G_GINT64_FORMAT, value);
          reader_pop (reader, saved);
          return FALSE;
        }

      g_array_index (samples, gint64, i) = value;
    }

  reader_pop (reader, saved);
  return TRUE;
}

static char *
list_names (const char *(*to_string) (int),
            int         n)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (int i = 0; i < n; i++)
    g_string_append_printf (names, "%s%s", i ? ", " : "", to_string (i));

  return g_string_free (g_steal_pointer (&names), FALSE);
}

static const char *
run_status_name (int i)
{
  return bench_run_status_to_string (i);
}

static const char *
result_status_name (int i)
{
  return bench_result_status_to_string (i);
}

static const char *
validation_name (int i)
{
  return bench_validation_to_string (i);
}

static const char *
device_type_name (int i)
{
  return bench_device_type_to_string (i);
}

static BenchDevice *
read_device (Reader      *reader,
             JsonObject  *object,
             GError     **error)
{
  g_autoptr(BenchDevice) device = NULL;
  g_autofree char *id = NULL;
  g_autofree char *backend = NULL;
  g_autofree char *name = NULL;
  g_autofree char *vendor = NULL;
  g_autofree char *driver = NULL;
  g_autofree char *type = NULL;
  g_autofree char *fingerprint = NULL;
  JsonObject *properties;
  gint64 index, compute_units, threads, memory_bytes;
  double peak_gflops, bandwidth_gbs;

  if (!get_string (reader, object, "id", FALSE, &id, error) ||
      !get_string (reader, object, "backend", TRUE, &backend, error) ||
      !get_count (reader, object, "index", FALSE, G_MAXUINT, &index, error) ||
      !get_string (reader, object, "name", TRUE, &name, error) ||
      !get_string (reader, object, "vendor", FALSE, &vendor, error) ||
      !get_string (reader, object, "driver", FALSE, &driver, error) ||
      !get_string (reader, object, "type", FALSE, &type, error) ||
      !get_count (reader, object, "compute_units", FALSE, G_MAXINT64, &compute_units, error) ||
      !get_count (reader, object, "threads", FALSE, G_MAXINT64, &threads, error) ||
      !get_count (reader, object, "memory_bytes", FALSE, G_MAXINT64, &memory_bytes, error) ||
      !get_double (reader, object, "peak_gflops", &peak_gflops, error) ||
      !get_double (reader, object, "bandwidth_gbs", &bandwidth_gbs, error) ||
      !get_string (reader, object, "fingerprint", TRUE, &fingerprint, error) ||
      !get_object (reader, object, "properties", FALSE, &properties, error))
    return NULL;

  device = bench_device_new (backend, index < 0 ? 0 : (guint)index, name);

  if (id != NULL && g_strcmp0 (id, bench_device_get_id (device)) != 0)
    {
      reader_fail (reader, error, BENCH_ERROR_PARSE, "id",
                   "“%s” does not match backend “%s” and index %u (expected “%s”)",
                   id, backend, bench_device_get_index (device), bench_device_get_id (device));
      return NULL;
    }

  if (type != NULL)
    {
      BenchDeviceType value = bench_device_type_from_string (type);

      if (g_strcmp0 (bench_device_type_to_string (value), type) != 0)
        {
          g_autofree char *names = list_names (device_type_name, BENCH_DEVICE_TYPE_ACCELERATOR + 1);

          reader_fail (reader, error, BENCH_ERROR_PARSE, "type",
                       "unknown device type “%s”; expected one of %s", type, names);
          return NULL;
        }
      bench_device_set_device_type (device, value);
    }

  bench_device_set_vendor (device, vendor);
  bench_device_set_driver (device, driver);
  bench_device_set_compute_units (device, compute_units);
  bench_device_set_threads (device, threads);
  bench_device_set_memory_bytes (device, memory_bytes);
  bench_device_set_peak_gflops (device, peak_gflops);
  bench_device_set_bandwidth_gbs (device, bandwidth_gbs);

  if (properties != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (properties);
      gsize saved = reader_push (reader, "properties", -1);

      for (const GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *value = NULL;

          if (!get_string (reader, properties, l->data, TRUE, &value, error))
            {
              reader_pop (reader, saved);
              return NULL;
            }
          bench_device_set_property_value (device, l->data, value);
        }
      reader_pop (reader, saved);
    }

  bench_device_set_fingerprint (device, fingerprint);

  return g_steal_pointer (&device);
}

static BenchResult *
read_result (Reader      *reader,
             JsonObject  *object,
             BenchRun    *run,
             gsize        run_path_len,
             GError     **error)
{
  g_autoptr(BenchResult) result = bench_result_new ();
  g_autofree char *status = NULL;
  g_autofree char *validation = NULL;

  if (!read_fields (reader, object, result_config_fields, G_N_ELEMENTS (result_config_fields), result, error) ||
      !get_string (reader, object, "workload", TRUE, &result->workload, error) ||
      !get_json_object (reader, object, "params", &result->params_json, error) ||
      !get_string (reader, object, "status", TRUE, &status, error) ||
      !get_time (reader, object, "started_at", FALSE, &result->started_at, error) ||
      !read_fields (reader, object, result_outcome_fields, G_N_ELEMENTS (result_outcome_fields), result, error) ||
      !read_stats (reader, object, "latency", &result->latency, error) ||
      !read_stats (reader, object, "device_latency", &result->device_latency, error) ||
      !read_fields (reader, object, result_work_fields, G_N_ELEMENTS (result_work_fields), result, error) ||
      !get_json_object (reader, object, "flops_breakdown", &result->flops_breakdown_json, error) ||
      !read_fields (reader, object, result_memory_fields, G_N_ELEMENTS (result_memory_fields), result, error) ||
      !get_string (reader, object, "validation", FALSE, &validation, error) ||
      !read_fields (reader, object, result_validation_fields, G_N_ELEMENTS (result_validation_fields), result, error) ||
      !read_samples (reader, object, "samples", result->samples, error) ||
      !read_samples (reader, object, "device_samples", result->device_samples, error))
    return NULL;

  if (!bench_result_status_from_string (status, &result->status))
    {
      g_autofree char *names = list_names (result_status_name, BENCH_RESULT_STATUS_CANCELLED + 1);

      reader_fail (reader, error, BENCH_ERROR_PARSE, "status",
                   "unknown status “%s”; expected one of %s", status, names);
      return NULL;
    }

  if (validation != NULL && !bench_validation_from_string (validation, &result->validation))
    {
      g_autofree char *names = list_names (validation_name, BENCH_VALIDATION_FAIL + 1);

      reader_fail (reader, error, BENCH_ERROR_PARSE, "validation",
                   "unknown validation “%s”; expected one of %s", validation, names);
      return NULL;
    }

  if (result->device_fingerprint != NULL &&
      bench_run_find_device (run, result->device_fingerprint) == NULL)
    {
      g_autofree char *devices = g_strndup (reader->path->str, run_path_len);

      reader_fail (reader, error, BENCH_ERROR_PARSE, "device_fingerprint",
                   "device “%s” is not among %s.devices", result->device_fingerprint, devices);
      return NULL;
    }

  result->run_uuid = g_strdup (run->uuid);

  return g_steal_pointer (&result);
}

static BenchRun *
read_run (Reader      *reader,
          JsonObject  *object,
          GError     **error)
{
  g_autoptr(BenchRun) run = bench_run_new ();
  g_autofree char *status = NULL;
  JsonArray *devices;
  JsonArray *results;
  gsize run_path_len = reader->path->len;

  if (!get_string (reader, object, "uuid", TRUE, &run->uuid, error) ||
      !get_time (reader, object, "started_at", FALSE, &run->started_at, error) ||
      !get_time (reader, object, "finished_at", FALSE, &run->finished_at, error) ||
      !get_string (reader, object, "status", TRUE, &status, error) ||
      !get_string (reader, object, "host", FALSE, &run->host, error) ||
      !get_string (reader, object, "app_version", FALSE, &run->app_version, error) ||
      !get_count (reader, object, "pid", FALSE, G_MAXINT64, &run->pid, error) ||
      !get_string (reader, object, "error", FALSE, &run->error, error) ||
      !get_string (reader, object, "notes", FALSE, &run->notes, error) ||
      !get_json_object (reader, object, "plan", &run->plan_json, error) ||
      !get_array (reader, object, "devices", TRUE, &devices, error) ||
      !get_array (reader, object, "results", TRUE, &results, error))
    return NULL;

  if (run->uuid[0] == '\0')
    {
      reader_fail (reader, error, BENCH_ERROR_PARSE, "uuid", "the uuid is empty");
      return NULL;
    }

  if (!bench_run_status_from_string (status, &run->status))
    {
      g_autofree char *names = list_names (run_status_name, BENCH_RUN_STATUS_INTERRUPTED + 1);

      reader_fail (reader, error, BENCH_ERROR_PARSE, "status",
                   "unknown status “%s”; expected one of %s", status, names);
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonNode *node = json_array_get_element (devices, i);
      g_autoptr(BenchDevice) device = NULL;
      gsize saved = reader_push (reader, "devices", i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          reader_fail (reader, error, BENCH_ERROR_PARSE, NULL, "expected an object, got %s", node_type_name (node));
          return NULL;
        }

      device = read_device (reader, json_node_get_object (node), error);
      if (device == NULL)
        return NULL;

      if (bench_run_find_device (run, bench_device_get_fingerprint (device)) != NULL)
        {
          reader_fail (reader, error, BENCH_ERROR_PARSE, "fingerprint",
                       "device “%s” is listed twice", bench_device_get_fingerprint (device));
          return NULL;
        }

      bench_run_add_device (run, device);
      reader_pop (reader, saved);
    }

  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *node = json_array_get_element (results, i);
      g_autoptr(BenchResult) result = NULL;
      gsize saved = reader_push (reader, "results", i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          reader_fail (reader, error, BENCH_ERROR_PARSE, NULL, "expected an object, got %s", node_type_name (node));
          return NULL;
        }

      result = read_result (reader, json_node_get_object (node), run, run_path_len, error);
      if (result == NULL)
        return NULL;

      bench_run_add_result (run, result);
      reader_pop (reader, saved);
    }

  return g_steal_pointer (&run);
}

/* json-glib reports "<data>:LINE:COL: message"; name the file instead. */
static void
set_syntax_error (const char  *origin,
                  GError      *parse_error,
                  GError     **error)
{
  const char *message = parse_error->message;

  if (g_str_has_prefix (message, "<data>:"))
    message += strlen ("<data>");
  else if (g_str_has_prefix (message, "<data>"))
    message += strlen ("<data>");

  g_set_error (error, BENCH_ERROR, BENCH_ERROR_PARSE,
               "%s%s%s (not valid JSON)", origin, message[0] == ':' ? "" : ": ", message);
}

/**
 * bench_json_parse_runs:
 * @data: the document
 * @length: its length, or -1 if nul-terminated
 * @origin: the file name for error messages and source_file
 *
 * Returns: (transfer container) (element-type BenchRun): the runs, or
 *   %NULL with an error naming @origin and the field (or line and column)
 */
GPtrArray *
bench_json_parse_runs (const char  *data,
                       gssize       length,
                       const char  *origin,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autofree char *format = NULL;
  Reader reader;
  JsonNode *root;
  JsonObject *object;
  JsonArray *array;
  gint64 version;
  gboolean ok = FALSE;

  g_return_val_if_fail (data != NULL, NULL);

  if (origin == NULL)
    origin = "<input>";

  reader.origin = origin;
  reader.path = g_string_new (NULL);

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      set_syntax_error (origin, parse_error, error);
      goto out;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_PARSE,
                   "%s: the file is empty, not a benchtop result file", origin);
      goto out;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_PARSE,
                   "%s: not a benchtop result file: the top level is %s, expected an object",
                   origin, node_type_name (root));
      goto out;
    }

  object = json_node_get_object (root);
  if (!get_string (&reader, object, "format", TRUE, &format, error))
    goto out;
  if (!g_str_equal (format, BENCH_JSON_FORMAT_NAME))
    {
      reader_fail (&reader, error, BENCH_ERROR_PARSE, "format",
                   "expected “%s”, got “%s”: not a benchtop result file",
                   BENCH_JSON_FORMAT_NAME, format);
      goto out;
    }

  if (!get_count (&reader, object, "version", TRUE, G_MAXINT, &version, error))
    goto out;
  if (version > BENCH_JSON_FORMAT_VERSION)
    {
      reader_fail (&reader, error, BENCH_ERROR_VERSION, "version",
                   "version %" G_GINT64_FORMAT " is newer than this benchtop reads (%d); use a newer benchtop",
                   version, BENCH_JSON_FORMAT_VERSION);
      goto out;
    }
  if (version < 1)
    {
      reader_fail (&reader, error, BENCH_ERROR_VERSION, "version",
                   "version %" G_GINT64_FORMAT " does not exist; the first version is 1", version);
      goto out;
    }

  if (!get_array (&reader, object, "runs", TRUE, &array, error))
    goto out;

  runs = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      BenchRun *run;
      gsize saved = reader_push (&reader, "runs", i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          reader_fail (&reader, error, BENCH_ERROR_PARSE, NULL,
                       "expected an object, got %s", node_type_name (node));
          goto out;
        }

      run = read_run (&reader, json_node_get_object (node), error);
      if (run == NULL)
        goto out;

      run->source = g_strdup ("import");
      run->source_format = g_strdup (SOURCE_FORMAT);
      run->source_file = g_strdup (origin);
      g_ptr_array_add (runs, run);
      reader_pop (&reader, saved);
    }

  ok = TRUE;

out:
  g_string_free (reader.path, TRUE);
  if (!ok)
    return NULL;
  return g_steal_pointer (&runs);
}

/**
 * bench_json_read_file:
 *
 * Returns: (transfer container) (element-type BenchRun): the runs of the
 *   file at @path, or %NULL with an error naming @path
 */
GPtrArray *
bench_json_read_file (const char  *path,
                      GError     **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      g_set_error (error, BENCH_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                     ? BENCH_ERROR_NOT_FOUND : BENCH_ERROR_FAILED,
                   "%s: cannot read the file: %s", path, local_error->message);
      return NULL;
    }

  return bench_json_parse_runs (data, length, path, error);
}
