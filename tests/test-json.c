/* test-json.c: the native result format, export and import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The runs built here are test inputs; their statistics are computed from
 * the given samples by bench_result_compute_derived(). Fixtures live in
 * tests/data: good-run.json and one bad-*.json per kind of malformed file.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "bench.h"

typedef struct
{
  char *dir;
} Fixture;

static void
remove_tree (const char *path)
{
  GDir *dir;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_remove (path);
      return;
    }

  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      remove_tree (child);
    }
  g_clear_pointer (&dir, g_dir_close);
  g_rmdir (path);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("benchtop-test-json-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static char *
data_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
}

/* ------------------------------------------------------------------ */
/* Test runs                                                           */

static BenchResult *
make_result (const char  *workload,
             BenchDevice *device,
             gint         batch,
             gint         seq,
             guint        n_samples,
             gboolean     device_timer)
{
  BenchResult *result = bench_result_new ();

  result->workload = g_strdup (workload);
  result->workload_family = g_strdup (workload);
  result->workload_category = g_strdup ("text");
  result->device_id = g_strdup (bench_device_get_id (device));
  result->device_fingerprint = g_strdup (bench_device_get_fingerprint (device));
  result->device_name = g_strdup (bench_device_get_name (device));
  result->batch_size = batch;
  result->seq_len = seq;
  result->precision = g_strdup ("fp32");
  result->mode = g_strdup ("inference");
  result->params_json = g_strdup ("{\"layers\": 2, \"hidden\": 64}");
  result->started_at = g_date_time_new_utc (2024, 6, 2, 8, 15, 0.000001);
  result->warmup_iterations = 2;
  result->iterations = n_samples;
  result->setup_ns = 2345678.0;
  result->items_per_iteration = batch > 0 ? batch : NAN;
  result->tokens_per_iteration = batch > 0 && seq > 0 ? (double)batch * seq : NAN;
  /* awkward doubles: not exact in binary, or huge */
  result->flops = 1e18;
  result->bytes = 0.1;
  result->percent_of_peak = 1.0 / 3.0;
  result->weights_bytes = G_GINT64_CONSTANT (1) << 40;

  for (guint i = 0; i < n_samples; i++)
    {
      gint64 host = 2000000 + 1009 * (gint64)((i * 104729) % 23);

      g_array_append_val (result->samples, host);
      if (device_timer)
        {
          gint64 dev = host / 2;
          g_array_append_val (result->device_samples, dev);
        }
    }
  if (n_samples > 0)
    bench_result_compute_derived (result);

  return result;
}

static BenchRun *
make_run (int day)
{
  BenchRun *run = bench_run_new_local ();
  g_autoptr(BenchDevice) cpu = bench_device_new ("cpu", 0, "JSON Test CPU");
  g_autoptr(BenchDevice) gpu = bench_device_new ("vulkan", 0, "JSON Test GPU");
  g_autoptr(BenchResult) r1 = NULL;
  g_autoptr(BenchResult) r2 = NULL;
  g_autoptr(BenchResult) r3 = NULL;

  g_clear_pointer (&run->started_at, g_date_time_unref);
  run->started_at = g_date_time_new_utc (2024, 6, day, 8, 0, 0.5);
  run->plan_json = g_strdup ("{\"batch_sizes\": [1, 4]}");

  bench_device_set_device_type (cpu, BENCH_DEVICE_TYPE_CPU);
  bench_device_set_threads (cpu, 2);
  bench_device_set_property_value (cpu, "flags", "sse4_2 avx2");
  bench_device_set_device_type (gpu, BENCH_DEVICE_TYPE_VIRTUAL_GPU);
  bench_device_set_bandwidth_gbs (gpu, 12.75);
  bench_run_add_device (run, cpu);
  bench_run_add_device (run, gpu);

  r1 = make_result ("bert-tiny", cpu, 4, 128, 30, FALSE);
  r2 = make_result ("bert-tiny", gpu, 1, 128, 12, TRUE);
  r3 = make_result ("gpt2-tiny", gpu, 1, 64, 0, FALSE);
  r3->status = BENCH_RESULT_STATUS_CANCELLED;
  r3->error = g_strdup ("cancelled by the user");
  r3->flops = NAN;
  r3->bytes = NAN;
  r3->weights_bytes = -1;
  r2->validation = BENCH_VALIDATION_FAIL;
  r2->status = BENCH_RESULT_STATUS_INVALID;
  r2->max_abs_error = 0.25;
  r2->tolerance = 1e-3;

  bench_run_add_result (run, r1);
  bench_run_add_result (run, r2);
  bench_run_add_result (run, r3);

  return run;
}

static void
record (BenchStore *store,
        BenchRun   *run)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bench_store_begin_run (store, run, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < run->results->len; i++)
    {
      g_assert_true (bench_store_add_result (store, run, g_ptr_array_index (run->results, i), &error));
      g_assert_no_error (error);
    }
  run->status = BENCH_RUN_STATUS_COMPLETED;
  run->finished_at = g_date_time_add_seconds (run->started_at, 61.25);
  g_assert_true (bench_store_finish_run (store, run, &error));
  g_assert_no_error (error);
}

/* Every run of @store, oldest first, with samples. */
static GPtrArray *
load_all (BenchStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = bench_store_list_runs (store, &error);
  GPtrArray *runs = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_no_error (error);
  for (guint i = listed->len; i > 0; i--)
    {
      BenchRun *listed_run = g_ptr_array_index (listed, i - 1);
      BenchRun *run = bench_store_load_run (store, listed_run->uuid, TRUE, &error);

      g_assert_no_error (error);
      g_ptr_array_add (runs, run);
    }

  return runs;
}

static char *
file_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, length);
}

/* Every table's rows as text, without the row ids that differ from store
 * to store (rows are joined to uuids, names and fingerprints instead) and
 * without where a run came from. */
static char *
dump_rows (const char *path)
{
  static const char *queries[] = {
    "SELECT uuid, started_at, finished_at, host, app_version, status, error, notes, plan_json, pid"
    " FROM runs ORDER BY uuid",
    "SELECT fingerprint, backend, name, vendor, driver, type, compute_units, threads, memory_bytes,"
    " peak_gflops, bandwidth_gbs, properties FROM devices ORDER BY fingerprint",
    "SELECT r.uuid, d.fingerprint, rd.local_id, rd.backend_index, rd.position FROM run_devices rd"
    " JOIN runs r ON r.id = rd.run_id JOIN devices d ON d.id = rd.device_id ORDER BY r.uuid, rd.position",
    "SELECT name, family, category, size_label, parameters FROM workloads ORDER BY name",
    NULL, /* results: built from the table's columns */
    "SELECT r.uuid, s.idx, s.latency_ns, s.device_ns FROM samples s JOIN results x ON x.id = s.result_id"
    " JOIN runs r ON r.id = x.run_id ORDER BY r.uuid, x.id, s.idx",
  };
  g_autoptr(GString) dump = g_string_new (NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autofree char *built = NULL;
      const char *sql = queries[q];
      sqlite3_stmt *stmt = NULL;

      if (sql == NULL)
        {
          g_autoptr(GString) columns = g_string_new ("SELECT ru.uuid, w.name, d.fingerprint");

          g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM pragma_table_info('results')", -1, &stmt, NULL), ==, SQLITE_OK);
          while (sqlite3_step (stmt) == SQLITE_ROW)
            {
              const char *column = (const char *)sqlite3_column_text (stmt, 0);

              if (!g_str_equal (column, "id") && !g_str_equal (column, "run_id") &&
                  !g_str_equal (column, "workload_id") && !g_str_equal (column, "device_id"))
                g_string_append_printf (columns, ", x.%s", column);
            }
          sqlite3_finalize (stmt);
          g_string_append (columns,
                           " FROM results x JOIN runs ru ON ru.id = x.run_id JOIN workloads w ON w.id = x.workload_id"
                           " LEFT JOIN devices d ON d.id = x.device_id ORDER BY ru.uuid, x.id");
          sql = built = g_string_free (g_steal_pointer (&columns), FALSE);
        }

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      g_string_append_printf (dump, "-- %s\n", sql);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            {
              int type = sqlite3_column_type (stmt, c);

              if (type == SQLITE_NULL)
                g_string_append (dump, "NULL");
              else if (type == SQLITE_FLOAT)
                g_string_append_printf (dump, "%.17g", sqlite3_column_double (stmt, c));
              else if (type == SQLITE_INTEGER)
                g_string_append_printf (dump, "%" G_GINT64_FORMAT "i", (gint64)sqlite3_column_int64 (stmt, c));
              else
                g_string_append_printf (dump, "'%s'", (const char *)sqlite3_column_text (stmt, c));
              g_string_append_c (dump, '|');
            }
          g_string_append_c (dump, '\n');
        }
      sqlite3_finalize (stmt);
    }

  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&dump), FALSE);
}

static void
assert_same_double (double a,
                    double b)
{
  if (isnan (a) || isnan (b))
    g_assert_true (isnan (a) && isnan (b));
  else
    g_assert_cmpfloat (a, ==, b);
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

static void
test_string_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) parsed = NULL;
  g_autoptr(GPtrArray) parsed_compact = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *compact = NULL;
  g_autofree char *third = NULL;
  BenchRun *run;
  BenchRun *back;

  g_ptr_array_add (runs, make_run (1));
  g_ptr_array_add (runs, make_run (2));
  run = g_ptr_array_index (runs, 0);
  /* a double json-glib 1.6 would print as "1e+21.0" */
  ((BenchResult *)g_ptr_array_index (run->results, 0))->bytes = 1e21;

  first = bench_json_runs_to_string (runs, TRUE);
  parsed = bench_json_parse_runs (first, -1, "first.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->len, ==, 2);
  second = bench_json_runs_to_string (parsed, TRUE);
  g_assert_cmpstr (first, ==, second);

  /* compact text reads the same */
  compact = bench_json_runs_to_string (runs, FALSE);
  g_assert_cmpuint (count_lines (compact), ==, 1);
  parsed_compact = bench_json_parse_runs (compact, strlen (compact), "compact.json", &error);
  g_assert_no_error (error);
  third = bench_json_runs_to_string (parsed_compact, TRUE);
  g_assert_cmpstr (first, ==, third);

  back = g_ptr_array_index (parsed, 0);
  g_assert_cmpstr (back->uuid, ==, run->uuid);
  g_assert_true (g_date_time_equal (back->started_at, run->started_at));
  g_assert_null (back->finished_at);
  g_assert_cmpstr (back->source, ==, "import");
  g_assert_cmpstr (back->source_format, ==, "benchtop-json");
  g_assert_cmpstr (back->source_file, ==, "first.json");
  g_assert_cmpint (back->pid, ==, run->pid);
  g_assert_cmpuint (back->devices->len, ==, 2);
  g_assert_cmpuint (back->results->len, ==, 3);
  g_assert_cmpstr (bench_device_get_property_value (g_ptr_array_index (back->devices, 0), "flags"), ==, "sse4_2 avx2");
  g_assert_cmpint (bench_device_get_compute_units (g_ptr_array_index (back->devices, 0)), ==, -1);
  g_assert_true (isnan (bench_device_get_peak_gflops (g_ptr_array_index (back->devices, 1))));
  g_assert_cmpfloat (bench_device_get_bandwidth_gbs (g_ptr_array_index (back->devices, 1)), ==, 12.75);

  for (guint i = 0; i < 3; i++)
    {
      BenchResult *a = g_ptr_array_index (run->results, i);
      BenchResult *b = g_ptr_array_index (back->results, i);

      g_assert_cmpstr (b->run_uuid, ==, run->uuid);
      g_assert_cmpint (a->status, ==, b->status);
      g_assert_cmpint (a->validation, ==, b->validation);
      g_assert_cmpint (a->batch_size, ==, b->batch_size);
      g_assert_cmpint (a->seq_len, ==, b->seq_len);
      g_assert_cmpint (a->weights_bytes, ==, b->weights_bytes);
      assert_same_double (a->flops, b->flops);
      assert_same_double (a->percent_of_peak, b->percent_of_peak);
      assert_same_double (a->latency.median, b->latency.median);
      assert_same_double (a->latency.ci_low, b->latency.ci_low);
      assert_same_double (a->latency.stddev, b->latency.stddev);
      assert_same_double (a->device_latency.mean, b->device_latency.mean);
      g_assert_cmpuint (a->device_latency.n, ==, b->device_latency.n);
      assert_same_double (a->tokens_per_iteration, b->tokens_per_iteration);
      g_assert_cmpuint (a->samples->len, ==, b->samples->len);
      g_assert_cmpmem (a->samples->data, a->samples->len * sizeof (gint64),
                       b->samples->data, b->samples->len * sizeof (gint64));
      g_assert_cmpmem (a->device_samples->data, a->device_samples->len * sizeof (gint64),
                       b->device_samples->data, b->device_samples->len * sizeof (gint64));
      g_assert_true (g_date_time_equal (a->started_at, b->started_at));
    }

  /* 1e21 came back within one unit in the last place, as valid JSON */
  {
    double bytes = ((BenchResult *)g_ptr_array_index (back->results, 0))->bytes;
    g_assert_cmpfloat (fabs (bytes - 1e21), <=, 1e21 * 2.3e-16);
  }
  /* 1e18 is written as the exact integer */
  g_assert_nonnull (strstr (first, "\"flops\" : 1000000000000000000,"));
  /* NAN is null, never 0 */
  g_assert_true (isnan (((BenchResult *)g_ptr_array_index (back->results, 2))->flops));
  g_assert_nonnull (strstr (first, "\"first_token_ns\" : null"));
}

static void
test_good_fixture (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = data_file ("good-run.json");
  g_autoptr(GPtrArray) runs = bench_json_read_file (path, &error);
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GDateTime) finished = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  BenchRun *run;
  BenchDevice *gpu;
  BenchResult *ok;
  BenchResult *failed;

  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  run = g_ptr_array_index (runs, 0);

  g_assert_cmpstr (run->uuid, ==, "0f6b1f9e-5a7c-4d1e-9b7a-2c4f8e1d3a5b");
  g_assert_cmpstr (run->source_file, ==, path);
  g_assert_cmpint (run->status, ==, BENCH_RUN_STATUS_COMPLETED);
  g_assert_cmpint (run->pid, ==, 4242);
  g_assert_null (run->error);
  /* "+02:00" is read as the same instant */
  finished = g_date_time_new_from_iso8601 ("2024-05-01T10:00:09.5Z", NULL);
  g_assert_true (g_date_time_equal (run->finished_at, finished));
  g_assert_nonnull (strstr (run->plan_json, "\"iterations\":5"));

  g_assert_cmpuint (run->devices->len, ==, 2);
  g_assert_cmpstr (bench_device_get_id (g_ptr_array_index (run->devices, 0)), ==, "cpu");
  g_assert_cmpint (bench_device_get_memory_bytes (g_ptr_array_index (run->devices, 0)), ==, G_GINT64_CONSTANT (17179869184));
  g_assert_cmpstrv (bench_device_get_property_keys (g_ptr_array_index (run->devices, 0)),
                    ((const char *[]) { "isa", "l3", NULL }));
  gpu = g_ptr_array_index (run->devices, 1);
  g_assert_cmpstr (bench_device_get_id (gpu), ==, "opencl:0");
  g_assert_cmpstr (bench_device_get_fingerprint (gpu), ==, "fixture-gpu-0001");
  g_assert_cmpint (bench_device_get_device_type (gpu), ==, BENCH_DEVICE_TYPE_INTEGRATED_GPU);
  g_assert_null (bench_device_get_vendor (gpu));
  g_assert_cmpint (bench_device_get_threads (gpu), ==, -1);
  g_assert_true (isnan (bench_device_get_peak_gflops (gpu)));

  ok = g_ptr_array_index (run->results, 0);
  g_assert_cmpstr (ok->workload, ==, "gemm");
  g_assert_cmpint (ok->batch_size, ==, -1);
  g_assert_cmpint (ok->iterations, ==, 5);
  g_assert_cmpfloat (ok->setup_ns, ==, 120000);
  g_assert_cmpfloat (ok->cold_ns, ==, 90000.5);
  g_assert_true (isnan (ok->first_token_ns));
  g_assert_cmpuint (ok->latency.n, ==, 5);
  g_assert_cmpfloat (ok->latency.median, ==, 50000);
  g_assert_true (isnan (ok->latency.ci_low));
  g_assert_cmpuint (ok->device_latency.n, ==, 0);
  g_assert_true (isnan (ok->device_latency.median));
  g_assert_cmpint (ok->validation, ==, BENCH_VALIDATION_PASS);
  g_assert_cmpfloat (ok->max_abs_error, ==, 1e-6);
  g_assert_cmpint (ok->device_memory_bytes, ==, -1);
  g_assert_cmpuint (ok->samples->len, ==, 5);
  g_assert_cmpint (g_array_index (ok->samples, gint64, 4), ==, 52000);
  g_assert_cmpuint (ok->device_samples->len, ==, 0);

  failed = g_ptr_array_index (run->results, 1);
  g_assert_cmpint (failed->status, ==, BENCH_RESULT_STATUS_FAILED);
  g_assert_cmpstr (failed->error, ==, "CL_OUT_OF_RESOURCES while building the kernel");
  g_assert_null (failed->precision);
  g_assert_cmpint (failed->iterations, ==, -1);
  g_assert_true (isnan (failed->gflops));
  g_assert_cmpint (failed->validation, ==, BENCH_VALIDATION_NONE);

  /* what we write from it reads back to the same text */
  text = bench_json_runs_to_string (runs, TRUE);
  again = bench_json_parse_runs (text, -1, "again.json", &error);
  g_assert_no_error (error);
  text2 = bench_json_runs_to_string (again, TRUE);
  g_assert_cmpstr (text, ==, text2);
  /* unknown members were not carried over */
  g_assert_null (strstr (text, "future"));
}

typedef struct
{
  const char *file;
  int         code;
  const char *expect;   /* substring of the message, or a regex if it starts with '^' */
} Malformed;

static const Malformed malformed[] = {
  { "bad-syntax.json", BENCH_ERROR_PARSE, "^bad-syntax\\.json:4:[0-9]+: " },
  { "bad-truncated.json", BENCH_ERROR_PARSE, "^bad-truncated\\.json:[0-9]+:[0-9]+: " },
  { "bad-empty.json", BENCH_ERROR_PARSE, "empty" },
  { "bad-not-object.json", BENCH_ERROR_PARSE, "the top level is an array, expected an object" },
  { "bad-version.json", BENCH_ERROR_VERSION, "version: version 2 is newer" },
  { "bad-format.json", BENCH_ERROR_PARSE, "format: expected “benchtop-result”, got “mlperf-result”" },
  { "bad-missing-format.json", BENCH_ERROR_PARSE, "format: missing required field" },
  { "bad-wrong-type.json", BENCH_ERROR_PARSE, "runs[0].results[0].batch_size: expected an integer, got a string" },
  { "bad-missing-uuid.json", BENCH_ERROR_PARSE, "runs[0].uuid: missing required field" },
  { "bad-negative-sample.json", BENCH_ERROR_PARSE, "runs[0].results[0].samples[3]: a latency cannot be negative" },
  { "bad-unknown-device.json", BENCH_ERROR_PARSE, "runs[0].results[1].device_fingerprint: device “no-such-device”" },
  { "bad-run-status.json", BENCH_ERROR_PARSE, "runs[0].status: unknown status “finished”" },
};

static void
assert_malformed_message (const Malformed *m,
                          const char      *path,
                          const char      *message)
{
  g_assert_nonnull (strstr (message, path));
  if (m->expect[0] == '^')
    {
      g_autofree char *pattern = g_strconcat (".*/", m->expect + 1, NULL);
      g_assert_true (g_regex_match_simple (pattern, message, 0, 0));
    }
  else
    g_assert_nonnull (strstr (message, m->expect));
}

static void
test_malformed (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *db = g_build_filename (fixture->dir, "history.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *rows_before = NULL;

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(BenchStore) store = bench_store_open (db, &error);
    g_autoptr(BenchRun) run = make_run (3);

    g_assert_no_error (error);
    record (store, run);
  }
  before = file_sha256 (db);
  rows_before = dump_rows (db);

  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      const Malformed *m = &malformed[i];
      g_autoptr(GError) error = NULL;
      g_autofree char *path = data_file (m->file);
      g_autoptr(GPtrArray) runs = NULL;
      g_autofree char *after = NULL;
      g_autofree char *contents = NULL;
      gsize length;

      runs = bench_json_read_file (path, &error);
      g_assert_null (runs);
      g_assert_error (error, BENCH_ERROR, m->code);
      g_test_message ("%s", error->message);
      assert_malformed_message (m, path, error->message);
      g_clear_error (&error);

      /* the same from memory, named by the origin given */
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      runs = bench_json_parse_runs (contents, length, m->file, &error);
      g_assert_null (runs);
      g_assert_error (error, BENCH_ERROR, m->code);
      g_assert_true (g_str_has_prefix (error->message, m->file));

      after = file_sha256 (db);
      g_assert_cmpstr (before, ==, after);
    }

  /* opening and closing the store writes nothing either */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(BenchStore) store = bench_store_open (db, &error);
    g_autofree char *after = NULL;
    g_autofree char *rows_after = NULL;

    g_assert_no_error (error);
    g_clear_object (&store);
    after = file_sha256 (db);
    rows_after = dump_rows (db);
    g_assert_cmpstr (before, ==, after);
    g_assert_cmpstr (rows_before, ==, rows_after);
  }

  /* a missing file */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *missing = g_build_filename (fixture->dir, "no-such-file.json", NULL);
    g_autoptr(GPtrArray) runs = bench_json_read_file (missing, &error);

    g_assert_null (runs);
    g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, missing));
  }
}

static void
test_export_import (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db_a = g_build_filename (fixture->dir, "a", "history.db", NULL);
  g_autofree char *db_b = g_build_filename (fixture->dir, "b", "history.db", NULL);
  g_autofree char *file1 = g_build_filename (fixture->dir, "export1.json", NULL);
  g_autofree char *file2 = g_build_filename (fixture->dir, "export2.json", NULL);
  g_autofree char *good = data_file ("good-run.json");
  g_autofree char *text1 = NULL;
  g_autofree char *text2 = NULL;
  g_autofree char *rows_a = NULL;
  g_autofree char *rows_b = NULL;
  g_autoptr(GPtrArray) exported = NULL;
  g_autoptr(GPtrArray) read = NULL;
  g_autoptr(GPtrArray) reloaded = NULL;
  guint imported, skipped;

  {
    g_autoptr(BenchStore) a = bench_store_open (db_a, &error);
    g_autoptr(BenchRun) run1 = make_run (4);
    g_autoptr(BenchRun) run2 = make_run (5);
    g_autoptr(GPtrArray) fixture_runs = bench_json_read_file (good, &error);

    g_assert_no_error (error);
    record (a, run1);
    record (a, run2);
    g_assert_true (bench_store_import_runs (a, fixture_runs, &imported, &skipped, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (imported, ==, 1);

    exported = load_all (a);
    g_assert_cmpuint (exported->len, ==, 3);
    g_assert_true (bench_json_write_file (exported, file1, &error));
    g_assert_no_error (error);
  }

  {
    g_autoptr(BenchStore) b = bench_store_open (db_b, &error);

    g_assert_no_error (error);
    read = bench_json_read_file (file1, &error);
    g_assert_no_error (error);
    g_assert_true (bench_store_import_runs (b, read, &imported, &skipped, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (imported, ==, 3);
    g_assert_cmpuint (skipped, ==, 0);
    for (guint i = 0; i < read->len; i++)
      g_assert_cmpint (((BenchRun *)g_ptr_array_index (read, i))->id, >, 0);

    /* importing the same file again adds nothing */
    g_assert_true (bench_store_import_runs (b, read, &imported, &skipped, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (imported, ==, 0);
    g_assert_cmpuint (skipped, ==, 3);

    reloaded = load_all (b);
    g_assert_true (bench_json_write_file (reloaded, file2, &error));
    g_assert_no_error (error);

    for (guint i = 0; i < reloaded->len; i++)
      {
        BenchRun *run = g_ptr_array_index (reloaded, i);

        g_assert_cmpstr (run->source, ==, "import");
        g_assert_cmpstr (run->source_format, ==, "benchtop-json");
        g_assert_cmpstr (run->source_file, ==, file1);
      }
  }

  g_assert_true (g_file_get_contents (file1, &text1, NULL, NULL));
  g_assert_true (g_file_get_contents (file2, &text2, NULL, NULL));
  g_assert_cmpstr (text1, ==, text2);

  rows_a = dump_rows (db_a);
  rows_b = dump_rows (db_b);
  g_assert_cmpstr (rows_a, ==, rows_b);
  /* and the dump did see the data */
  {
    g_auto(GStrv) lines = g_strsplit (rows_a, "\n", -1);
    guint n = g_strv_length (lines);

    /* 6 headers, 3 runs, 4 devices (the local runs share theirs), 6 run
     * devices, 4 workloads, 8 results, (30 + 12) * 2 + 5 samples, "" */
    g_assert_cmpuint (n, ==, 6 + 3 + 4 + 6 + 4 + 8 + 89 + 1);
  }
}

/* ------------------------------------------------------------------ */
/* The command line, when built                                        */

static gboolean
run_cli (const char  *cli,
         const char  *db,
         int         *exit_status,
         char       **out,
         char       **err,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int wait_status;
  va_list args;
  const char *arg;

  g_ptr_array_add (argv, (char *)cli);
  va_start (args, err);
  arg = va_arg (args, const char *);
  g_ptr_array_add (argv, (char *)arg);  /* the command */
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, (char *)db);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  *exit_status = WEXITSTATUS (wait_status);
  return TRUE;
}

static void
test_cli (Fixture       *fixture,
          gconstpointer  data)
{
  const char *cli = g_getenv ("BENCHTOP_CLI");
  g_autofree char *db = g_build_filename (fixture->dir, "cli.db", NULL);
  g_autofree char *db2 = g_build_filename (fixture->dir, "cli2.db", NULL);
  g_autofree char *exported = g_build_filename (fixture->dir, "cli-export.json", NULL);
  g_autofree char *good = data_file ("good-run.json");
  g_autofree char *before = NULL;
  g_autofree char *local_uuid = NULL;
  int status;

  if (cli == NULL || !g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("BENCHTOP_CLI does not name the built benchtop-cli");
      return;
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(BenchStore) store = bench_store_open (db, &error);
    g_autoptr(BenchRun) run = make_run (6);

    g_assert_no_error (error);
    record (store, run);
    local_uuid = g_strdup (run->uuid);
  }
  before = file_sha256 (db);

  /* every bad file: exit 1, one line naming the file, the file untouched */
  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autofree char *path = data_file (malformed[i].file);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *after = NULL;

      run_cli (cli, db, &status, &out, &err, "import", path, NULL);
      g_assert_cmpint (status, ==, 1);
      g_assert_cmpstr (out, ==, "");
      g_assert_cmpuint (count_lines (err), ==, 1);
      assert_malformed_message (&malformed[i], path, err);
      after = file_sha256 (db);
      g_assert_cmpstr (before, ==, after);
    }

  /* a good file beside a bad one: nothing imported */
  {
    g_autofree char *bad = data_file ("bad-wrong-type.json");
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *after = NULL;

    run_cli (cli, db, &status, &out, &err, "import", good, bad, NULL);
    g_assert_cmpint (status, ==, 1);
    after = file_sha256 (db);
    g_assert_cmpstr (before, ==, after);
  }

  /* the good file, twice */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *expected = g_strdup_printf ("imported 1 run (2 results) from %s, skipped 0 already present\n", good);
    g_autofree char *expected2 = g_strdup_printf ("imported 0 runs (0 results) from %s, skipped 1 already present\n", good);

    run_cli (cli, db, &status, &out, &err, "import", good, NULL);
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpstr (out, ==, expected);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);

    run_cli (cli, db, &status, &out, &err, "import", good, NULL);
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpstr (out, ==, expected2);
  }

  /* list, as a table and as JSON */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *prefix = g_strndup (local_uuid, 8);

    run_cli (cli, db, &status, &out, &err, "list", NULL);
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpuint (count_lines (out), ==, 3);
    g_assert_nonnull (strstr (out, "0f6b1f9e"));
    g_assert_nonnull (strstr (out, prefix));
    g_assert_nonnull (strstr (out, "import (benchtop-json)"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);

    run_cli (cli, db, &status, &out, &err, "list", "--json", NULL);
    g_assert_cmpint (status, ==, 0);
    node = json_from_string (out, NULL);
    g_assert_nonnull (node);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
    g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 2);
  }

  /* show: the table and the native JSON */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) runs = NULL;

    run_cli (cli, db, &status, &out, &err, "show", "0f6b", NULL);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "0f6b1f9e-5a7c-4d1e-9b7a-2c4f8e1d3a5b"));
    g_assert_nonnull (strstr (out, "CL_OUT_OF_RESOURCES"));
    g_assert_nonnull (strstr (out, "50 µs"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);

    run_cli (cli, db, &status, &out, &err, "show", local_uuid, "--json", "--samples", NULL);
    g_assert_cmpint (status, ==, 0);
    runs = bench_json_parse_runs (out, -1, "show-output", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (runs->len, ==, 1);
    g_assert_cmpuint (((BenchResult *)g_ptr_array_index (((BenchRun *)g_ptr_array_index (runs, 0))->results, 0))->samples->len, ==, 30);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);

    run_cli (cli, db, &status, &out, &err, "show", "ffffffff", NULL);
    g_assert_cmpint (status, ==, 1);
    g_assert_cmpuint (count_lines (err), ==, 1);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);

    run_cli (cli, db, &status, &out, &err, "show", NULL);
    g_assert_cmpint (status, ==, 2);
  }

  /* export -> import into an empty database -> export: the same text */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *out2 = NULL;
    g_autofree char *text = NULL;

    run_cli (cli, db, &status, &out, &err, "export", "-o", exported, NULL);
    g_assert_cmpint (status, ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);

    run_cli (cli, db2, &status, &out, &err, "import", exported, NULL);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "imported 2 runs (5 results)"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);

    run_cli (cli, db2, &status, &out2, &err, "export", NULL);
    g_assert_cmpint (status, ==, 0);
    g_assert_true (g_file_get_contents (exported, &text, NULL, NULL));
    g_assert_cmpstr (text, ==, out2);
  }

  /* delete by prefix */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    run_cli (cli, db, &status, &out, &err, "delete", "0f6b", NULL);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "0f6b1f9e-5a7c-4d1e-9b7a-2c4f8e1d3a5b"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);

    run_cli (cli, db, &status, &out, &err, "show", "0f6b", NULL);
    g_assert_cmpint (status, ==, 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/json/string-round-trip", test_string_round_trip);
  g_test_add_func ("/json/good-fixture", test_good_fixture);
  g_test_add ("/json/malformed", Fixture, NULL, fixture_setup, test_malformed, fixture_teardown);
  g_test_add ("/json/export-import", Fixture, NULL, fixture_setup, test_export_import, fixture_teardown);
  g_test_add ("/json/cli", Fixture, NULL, fixture_setup, test_cli, fixture_teardown);

  return g_test_run ();
}
