/* test-store.c: the SQLite history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every test works on real SQLite files in a fresh temporary folder. The
 * runs stored here are test inputs built in code: their statistics are
 * computed from the given samples by bench_result_compute_derived().
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "bench.h"

typedef struct
{
  char *dir;
  char *path;
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

  g_chmod (path, 0700);
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

  fixture->dir = g_dir_make_tmp ("benchtop-test-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "history", "benchtop.db", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

/* ------------------------------------------------------------------ */
/* Raw SQLite access, to check what is really in the file              */

static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = raw_open (path);
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static char *
raw_text (const char *path,
          const char *sql)
{
  sqlite3 *db = raw_open (path);
  sqlite3_stmt *stmt = NULL;
  char *value;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* The details of a query plan, joined. */
static char *
raw_plan (const char *path,
          const char *sql)
{
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  g_autoptr(GString) plan = g_string_new (NULL);
  sqlite3 *db = raw_open (path);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, explain, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", (const char *)sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&plan), FALSE);
}

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = raw_open (path);
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

/* ------------------------------------------------------------------ */
/* Test runs                                                           */

static BenchDevice *
make_cpu (void)
{
  BenchDevice *device = bench_device_new ("cpu", 0, "Test CPU model");

  bench_device_set_vendor (device, "TestVendor");
  bench_device_set_driver (device, NULL);
  bench_device_set_device_type (device, BENCH_DEVICE_TYPE_CPU);
  bench_device_set_compute_units (device, 2);
  bench_device_set_threads (device, 4);
  bench_device_set_memory_bytes (device, G_GINT64_CONSTANT (8) << 30);
  bench_device_set_peak_gflops (device, 123.5);
  bench_device_set_property_value (device, "isa", "avx2 fma");
  bench_device_set_property_value (device, "l2", "512 KiB");
  return device;
}

static BenchDevice *
make_gpu (void)
{
  BenchDevice *device = bench_device_new ("opencl", 1, "Test GPU");

  bench_device_set_vendor (device, "TestVendor");
  bench_device_set_driver (device, "3.0 test");
  bench_device_set_device_type (device, BENCH_DEVICE_TYPE_INTEGRATED_GPU);
  /* compute units, memory and peaks unknown: -1 / NAN */
  return device;
}

static BenchResult *
make_result (const char  *workload,
             BenchDevice *device,
             gint         batch,
             const char  *precision,
             guint        n_samples,
             gboolean     device_timer)
{
  BenchResult *result = bench_result_new ();

  result->workload = g_strdup (workload);
  result->workload_family = g_strdup (workload);
  result->workload_category = g_strdup ("micro");
  result->device_id = g_strdup (bench_device_get_id (device));
  result->device_fingerprint = g_strdup (bench_device_get_fingerprint (device));
  result->device_name = g_strdup (bench_device_get_name (device));
  result->batch_size = batch;
  result->precision = g_strdup (precision);
  result->mode = g_strdup ("inference");
  result->params_json = g_strdup ("{ \"size\": 256,  \"note\": \"x\" }");
  result->started_at = g_date_time_new_utc (2024, 5, 1, 12, 30, 15.123456);
  result->warmup_iterations = 3;
  result->iterations = n_samples;
  result->setup_ns = 1.5e6;
  result->flops = 2.0 * 256 * 256 * 256;
  result->bytes = 3.0 * 256 * 256 * 4;
  result->flops_breakdown_json = g_strdup ("{\"matmul\": 33554432}");
  result->peak_rss_bytes = 123456789;

  for (guint i = 0; i < n_samples; i++)
    {
      gint64 host = 1000000 + 997 * (gint64)((i * 7919) % 31);
      gint64 dev = host - 20000;

      g_array_append_val (result->samples, host);
      if (device_timer)
        g_array_append_val (result->device_samples, dev);
    }

  if (n_samples > 0)
    {
      result->cold_ns = 5e6;
      bench_result_compute_derived (result);
    }

  return result;
}

static BenchRun *
make_run (void)
{
  BenchRun *run = bench_run_new_local ();
  g_autoptr(BenchDevice) cpu = make_cpu ();
  g_autoptr(BenchDevice) gpu = make_gpu ();
  g_autoptr(BenchResult) r1 = NULL;
  g_autoptr(BenchResult) r2 = NULL;
  g_autoptr(BenchResult) r3 = NULL;

  run->plan_json = g_strdup ("{\"workloads\": [\"gemm\"], \"iterations\": 10}");
  run->notes = g_strdup ("a test run");
  bench_run_add_device (run, cpu);
  bench_run_add_device (run, gpu);

  /* more than one batch of samples, and a tail */
  r1 = make_result ("gemm", cpu, -1, "fp32", 150, FALSE);
  r2 = make_result ("gemm", gpu, 8, "fp16", 25, TRUE);
  r3 = make_result ("stream-triad", gpu, -1, "fp32", 0, FALSE);
  r3->status = BENCH_RESULT_STATUS_FAILED;
  r3->error = g_strdup ("out of device memory");
  g_clear_pointer (&r3->params_json, g_free);
  g_clear_pointer (&r3->flops_breakdown_json, g_free);
  r3->flops = NAN;
  r3->bytes = NAN;
  r3->setup_ns = NAN;
  r3->warmup_iterations = -1;
  r3->iterations = -1;
  r3->peak_rss_bytes = -1;
  r1->validation = BENCH_VALIDATION_PASS;
  r1->max_abs_error = 1.5e-6;
  r1->max_rel_error = 2.5e-7;
  r1->tolerance = 1e-4;

  bench_run_add_result (run, r1);
  bench_run_add_result (run, r2);
  bench_run_add_result (run, r3);

  return run;
}

static BenchStore *
store_and_record (const char *path,
                  BenchRun   *run)
{
  g_autoptr(GError) error = NULL;
  BenchStore *store = bench_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (bench_store_begin_run (store, run, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < run->results->len; i++)
    {
      g_assert_true (bench_store_add_result (store, run, g_ptr_array_index (run->results, i), &error));
      g_assert_no_error (error);
    }
  run->status = BENCH_RUN_STATUS_COMPLETED;
  run->finished_at = g_date_time_add_seconds (run->started_at, 2.5);
  g_assert_true (bench_store_finish_run (store, run, &error));
  g_assert_no_error (error);

  return store;
}

/* ------------------------------------------------------------------ */
/* Comparisons                                                         */

static void
assert_same_double (double a,
                    double b)
{
  if (isnan (a) || isnan (b))
    g_assert_true (isnan (a) && isnan (b));
  else
    g_assert_cmpfloat (a, ==, b);
}

static void
assert_same_time (GDateTime *a,
                  GDateTime *b)
{
  if (a == NULL || b == NULL)
    g_assert_true (a == NULL && b == NULL);
  else
    g_assert_true (g_date_time_equal (a, b));
}

static void
assert_same_json (const char *a,
                  const char *b)
{
  g_autoptr(JsonNode) na = NULL;
  g_autoptr(JsonNode) nb = NULL;

  if (a == NULL || b == NULL)
    {
      g_assert_null (a);
      g_assert_null (b);
      return;
    }
  na = json_from_string (a, NULL);
  nb = json_from_string (b, NULL);
  g_assert_nonnull (na);
  g_assert_nonnull (nb);
  g_assert_true (json_node_equal (na, nb));
}

static void
assert_same_stats (const BenchStats *a,
                   const BenchStats *b)
{
  g_assert_cmpuint (a->n, ==, b->n);
  assert_same_double (a->mean, b->mean);
  assert_same_double (a->median, b->median);
  assert_same_double (a->min, b->min);
  assert_same_double (a->max, b->max);
  assert_same_double (a->stddev, b->stddev);
  assert_same_double (a->p90, b->p90);
  assert_same_double (a->p95, b->p95);
  assert_same_double (a->p99, b->p99);
  assert_same_double (a->cv, b->cv);
  assert_same_double (a->ci_level, b->ci_level);
  assert_same_double (a->ci_low, b->ci_low);
  assert_same_double (a->ci_high, b->ci_high);
  assert_same_double (a->q1, b->q1);
  assert_same_double (a->q3, b->q3);
  assert_same_double (a->mad, b->mad);
  g_assert_cmpuint (a->outliers_low, ==, b->outliers_low);
  g_assert_cmpuint (a->outliers_high, ==, b->outliers_high);
}

static void
assert_same_samples (GArray *a,
                     GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpint (g_array_index (a, gint64, i), ==, g_array_index (b, gint64, i));
}

static void
assert_same_result (BenchResult *a,
                    BenchResult *b,
                    gboolean     with_samples)
{
  g_assert_cmpstr (a->workload, ==, b->workload);
  g_assert_cmpstr (a->workload_family, ==, b->workload_family);
  g_assert_cmpstr (a->workload_category, ==, b->workload_category);
  g_assert_cmpstr (a->device_id, ==, b->device_id);
  g_assert_cmpstr (a->device_fingerprint, ==, b->device_fingerprint);
  g_assert_cmpstr (a->device_name, ==, b->device_name);
  g_assert_cmpint (a->batch_size, ==, b->batch_size);
  g_assert_cmpint (a->seq_len, ==, b->seq_len);
  g_assert_cmpstr (a->precision, ==, b->precision);
  g_assert_cmpstr (a->mode, ==, b->mode);
  assert_same_json (a->params_json, b->params_json);
  g_assert_cmpint (a->status, ==, b->status);
  g_assert_cmpstr (a->error, ==, b->error);
  assert_same_time (a->started_at, b->started_at);
  g_assert_cmpint (a->warmup_iterations, ==, b->warmup_iterations);
  g_assert_cmpint (a->iterations, ==, b->iterations);
  assert_same_double (a->setup_ns, b->setup_ns);
  assert_same_double (a->cold_ns, b->cold_ns);
  assert_same_double (a->first_token_ns, b->first_token_ns);
  assert_same_stats (&a->latency, &b->latency);
  assert_same_stats (&a->device_latency, &b->device_latency);
  assert_same_double (a->items_per_iteration, b->items_per_iteration);
  assert_same_double (a->tokens_per_iteration, b->tokens_per_iteration);
  assert_same_double (a->flops, b->flops);
  assert_same_double (a->bytes, b->bytes);
  assert_same_double (a->items_per_second, b->items_per_second);
  assert_same_double (a->tokens_per_second, b->tokens_per_second);
  assert_same_double (a->gflops, b->gflops);
  assert_same_double (a->gbytes_per_second, b->gbytes_per_second);
  assert_same_double (a->percent_of_peak, b->percent_of_peak);
  assert_same_json (a->flops_breakdown_json, b->flops_breakdown_json);
  g_assert_cmpint (a->peak_rss_bytes, ==, b->peak_rss_bytes);
  g_assert_cmpint (a->device_memory_bytes, ==, b->device_memory_bytes);
  g_assert_cmpint (a->weights_bytes, ==, b->weights_bytes);
  g_assert_cmpint (a->workspace_bytes, ==, b->workspace_bytes);
  g_assert_cmpint (a->validation, ==, b->validation);
  assert_same_double (a->max_abs_error, b->max_abs_error);
  assert_same_double (a->max_rel_error, b->max_rel_error);
  assert_same_double (a->tolerance, b->tolerance);
  if (with_samples)
    {
      assert_same_samples (a->samples, b->samples);
      assert_same_samples (a->device_samples, b->device_samples);
    }
}

static void
assert_same_device (BenchDevice *a,
                    BenchDevice *b)
{
  const char * const *ka = bench_device_get_property_keys (a);
  const char * const *kb = bench_device_get_property_keys (b);

  g_assert_cmpstr (bench_device_get_id (a), ==, bench_device_get_id (b));
  g_assert_cmpstr (bench_device_get_backend_name (a), ==, bench_device_get_backend_name (b));
  g_assert_cmpuint (bench_device_get_index (a), ==, bench_device_get_index (b));
  g_assert_cmpstr (bench_device_get_name (a), ==, bench_device_get_name (b));
  g_assert_cmpstr (bench_device_get_vendor (a), ==, bench_device_get_vendor (b));
  g_assert_cmpstr (bench_device_get_driver (a), ==, bench_device_get_driver (b));
  g_assert_cmpint (bench_device_get_device_type (a), ==, bench_device_get_device_type (b));
  g_assert_cmpint (bench_device_get_compute_units (a), ==, bench_device_get_compute_units (b));
  g_assert_cmpint (bench_device_get_threads (a), ==, bench_device_get_threads (b));
  g_assert_cmpint (bench_device_get_memory_bytes (a), ==, bench_device_get_memory_bytes (b));
  assert_same_double (bench_device_get_peak_gflops (a), bench_device_get_peak_gflops (b));
  assert_same_double (bench_device_get_bandwidth_gbs (a), bench_device_get_bandwidth_gbs (b));
  g_assert_cmpstr (bench_device_get_fingerprint (a), ==, bench_device_get_fingerprint (b));
  g_assert_cmpstrv (ka, kb);
  for (guint i = 0; ka[i] != NULL; i++)
    g_assert_cmpstr (bench_device_get_property_value (a, ka[i]), ==,
                     bench_device_get_property_value (b, kb[i]));
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

static void
test_default_path (void)
{
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "benchtop", "benchtop.db", NULL);
  g_autofree char *saved = g_strdup (g_getenv ("BENCHTOP_DB"));
  char *path;

  g_setenv ("BENCHTOP_DB", "/some/where/else.db", TRUE);
  path = bench_store_dup_default_path ();
  g_assert_cmpstr (path, ==, "/some/where/else.db");
  g_free (path);

  g_setenv ("BENCHTOP_DB", "", TRUE);
  path = bench_store_dup_default_path ();
  g_assert_cmpstr (path, ==, expected);
  g_free (path);

  g_unsetenv ("BENCHTOP_DB");
  path = bench_store_dup_default_path ();
  g_assert_cmpstr (path, ==, expected);
  g_free (path);

  if (saved != NULL)
    g_setenv ("BENCHTOP_DB", saved, TRUE);
}

static void
test_schema (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchStore) store = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autofree char *mode = NULL;
  GStatBuf st;
  const char *tables[] = { "runs", "devices", "run_devices", "workloads", "results", "samples" };
  const char *indices[] = { "results_by_run", "results_by_workload", "results_by_device", "runs_by_started_at" };

  store = bench_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_cmpstr (bench_store_get_path (store), ==, fixture->path);
  g_assert_cmpint (bench_store_get_schema_version (store), ==, BENCH_STORE_SCHEMA_VERSION);

  /* the folder was created, private */
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  g_assert_cmpint (raw_int (fixture->path, "PRAGMA user_version"), ==, 1);
  mode = raw_text (fixture->path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'", tables[i]);
      g_assert_cmpint (raw_int (fixture->path, sql), ==, 1);
    }
  for (guint i = 0; i < G_N_ELEMENTS (indices); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '%s'", indices[i]);
      g_assert_cmpint (raw_int (fixture->path, sql), ==, 1);
    }

  /* samples: WITHOUT ROWID, keyed by (result_id, idx) */
  {
    g_autofree char *sql = raw_text (fixture->path, "SELECT sql FROM sqlite_master WHERE name = 'samples'");
    g_assert_nonnull (strstr (sql, "WITHOUT ROWID"));
    g_assert_nonnull (strstr (sql, "PRIMARY KEY (result_id, idx)"));
  }

  /* the views' queries use the indices */
  {
    g_autofree char *plan = raw_plan (fixture->path, "SELECT * FROM results WHERE run_id = 1");
    g_autofree char *plan2 = raw_plan (fixture->path, "SELECT * FROM results WHERE workload_id = 1");
    g_autofree char *plan3 = raw_plan (fixture->path, "SELECT * FROM results WHERE device_id = 1");
    g_autofree char *plan4 = raw_plan (fixture->path, "SELECT * FROM runs ORDER BY started_at DESC");

    g_test_message ("plans: %s%s%s%s", plan, plan2, plan3, plan4);
    g_assert_nonnull (strstr (plan, "results_by_run"));
    g_assert_nonnull (strstr (plan2, "results_by_workload"));
    g_assert_nonnull (strstr (plan3, "results_by_device"));
    g_assert_nonnull (strstr (plan4, "runs_by_started_at"));
  }

  /* reopening keeps everything */
  g_clear_object (&store);
  store = bench_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bench_store_get_schema_version (store), ==, 1);
}

static void
test_migrate_from_v0 (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(BenchStore) store2 = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autofree char *empty_file = g_build_filename (fixture->dir, "zero-bytes.db", NULL);

  /* an SQLite file at version 0 that already holds an unrelated table */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  raw_exec (fixture->path, "CREATE TABLE unrelated (x); PRAGMA user_version = 0;");
  g_assert_cmpint (raw_int (fixture->path, "PRAGMA user_version"), ==, 0);

  store = bench_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bench_store_get_schema_version (store), ==, 1);
  g_assert_cmpint (raw_int (fixture->path, "PRAGMA user_version"), ==, 1);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM sqlite_master WHERE name = 'results'"), ==, 1);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM sqlite_master WHERE name = 'unrelated'"), ==, 1);

  /* an empty file (0 bytes) is a version 0 database too */
  g_assert_true (g_file_set_contents (empty_file, "", 0, NULL));
  store2 = bench_store_open (empty_file, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bench_store_get_schema_version (store2), ==, 1);
  g_assert_cmpint (raw_int (empty_file, "SELECT count(*) FROM sqlite_master WHERE name = 'samples'"), ==, 1);
}

static void
test_newer_version (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchStore) store = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  raw_exec (fixture->path, "CREATE TABLE future (x); PRAGMA user_version = 7;");

  store = bench_store_open (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_VERSION);
  g_assert_nonnull (strstr (error->message, fixture->path));
  g_assert_nonnull (strstr (error->message, "version 7"));
  g_test_message ("error: %s", error->message);

  /* untouched: no schema of ours was added */
  g_assert_cmpint (raw_int (fixture->path, "PRAGMA user_version"), ==, 7);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM sqlite_master"), ==, 1);
}

static void
test_not_a_database (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchStore) store = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autofree char *contents = NULL;
  const char *text = "this is a text file, certainly not SQLite, padded to be long enough........................................................";

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (fixture->path, text, -1, NULL));

  store = bench_store_open (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, fixture->path));
  g_test_message ("error: %s", error->message);

  g_assert_true (g_file_get_contents (fixture->path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, text);
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchRun) run = make_run ();
  g_autoptr(BenchStore) store = store_and_record (fixture->path, run);
  g_autoptr(BenchRun) loaded = NULL;
  g_autoptr(BenchRun) loaded_no_samples = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  BenchResult *failed;

  g_assert_cmpint (run->id, >, 0);

  /* reopen: the data must be in the file, not in a connection */
  g_clear_object (&store);
  store = bench_store_open (fixture->path, &error);
  g_assert_no_error (error);

  loaded = bench_store_load_run (store, run->uuid, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);

  g_assert_cmpstr (loaded->uuid, ==, run->uuid);
  assert_same_time (loaded->started_at, run->started_at);
  assert_same_time (loaded->finished_at, run->finished_at);
  g_assert_cmpstr (loaded->host, ==, run->host);
  g_assert_cmpstr (loaded->app_version, ==, run->app_version);
  g_assert_cmpstr (loaded->source, ==, "local");
  g_assert_null (loaded->source_format);
  g_assert_null (loaded->source_file);
  g_assert_cmpint (loaded->status, ==, BENCH_RUN_STATUS_COMPLETED);
  g_assert_null (loaded->error);
  g_assert_cmpstr (loaded->notes, ==, "a test run");
  assert_same_json (loaded->plan_json, run->plan_json);
  g_assert_cmpint (loaded->pid, ==, getpid ());

  g_assert_cmpuint (loaded->devices->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    assert_same_device (g_ptr_array_index (loaded->devices, i), g_ptr_array_index (run->devices, i));
  /* unknowns stayed unknown */
  g_assert_cmpint (bench_device_get_compute_units (g_ptr_array_index (loaded->devices, 1)), ==, -1);
  g_assert_true (isnan (bench_device_get_peak_gflops (g_ptr_array_index (loaded->devices, 1))));
  g_assert_null (bench_device_get_driver (g_ptr_array_index (loaded->devices, 0)));

  g_assert_cmpuint (loaded->results->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      BenchResult *result = g_ptr_array_index (loaded->results, i);

      assert_same_result (result, g_ptr_array_index (run->results, i), TRUE);
      g_assert_cmpstr (result->run_uuid, ==, run->uuid);
      g_assert_cmpint (result->id, ==, ((BenchResult *)g_ptr_array_index (run->results, i))->id);
    }

  /* NAN / -1 / NULL came back as such, and are NULL in the file */
  failed = g_ptr_array_index (loaded->results, 2);
  g_assert_true (isnan (failed->flops));
  g_assert_true (isnan (failed->latency.median));
  g_assert_cmpint (failed->iterations, ==, -1);
  g_assert_cmpint (failed->batch_size, ==, -1);
  g_assert_cmpint (failed->peak_rss_bytes, ==, -1);
  g_assert_null (failed->params_json);
  g_assert_cmpuint (failed->samples->len, ==, 0);
  g_assert_cmpint (raw_int (fixture->path,
                            "SELECT count(*) FROM results WHERE status = 'failed' AND flops IS NULL"
                            " AND iterations IS NULL AND batch_size IS NULL AND lat_median IS NULL"
                            " AND params_json IS NULL AND peak_rss_bytes IS NULL"), ==, 1);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM results WHERE flops = 0"), ==, 0);

  /* samples are in order, host and device side by side */
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM samples"), ==, 150 + 25);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM samples WHERE device_ns IS NOT NULL"), ==, 25);
  {
    BenchResult *r1 = g_ptr_array_index (run->results, 0);
    const guint indices[] = { 0, 17, 63, 64, 130, 149 };

    for (guint i = 0; i < G_N_ELEMENTS (indices); i++)
      {
        g_autofree char *sql = g_strdup_printf ("SELECT latency_ns FROM samples WHERE result_id = %" G_GINT64_FORMAT
                                                " AND idx = %u", r1->id, indices[i]);
        g_assert_cmpint (raw_int (fixture->path, sql), ==, g_array_index (r1->samples, gint64, indices[i]));
      }
  }

  /* timestamps are ISO 8601 UTC with microseconds */
  {
    g_autofree char *text = raw_text (fixture->path, "SELECT started_at FROM results ORDER BY id LIMIT 1");
    g_assert_cmpstr (text, ==, "2024-05-01T12:30:15.123456Z");
  }

  /* without samples */
  loaded_no_samples = bench_store_load_run (store, run->uuid, FALSE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      BenchResult *result = g_ptr_array_index (loaded_no_samples->results, i);
      assert_same_result (result, g_ptr_array_index (run->results, i), FALSE);
      g_assert_cmpuint (result->samples->len, ==, 0);
    }

  /* the listing */
  runs = bench_store_list_runs (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  {
    BenchRun *listed = g_ptr_array_index (runs, 0);

    g_assert_cmpstr (listed->uuid, ==, run->uuid);
    g_assert_cmpuint (listed->n_results, ==, 3);
    g_assert_cmpuint (listed->n_failed, ==, 1);
    g_assert_cmpstr (listed->summary_workloads, ==, "gemm, stream-triad");
    g_assert_cmpstr (listed->summary_devices, ==, "cpu, opencl:1");
    g_assert_cmpuint (listed->results->len, ==, 0);
  }
}

static void
test_list_order (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchStore) store = bench_store_open (fixture->path, &error);
  g_autoptr(GPtrArray) runs = NULL;
  const int days[] = { 3, 1, 2 };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    {
      g_autoptr(BenchRun) run = bench_run_new_local ();

      g_clear_pointer (&run->started_at, g_date_time_unref);
      run->started_at = g_date_time_new_utc (2024, 1, days[i], 0, 0, 0);
      g_assert_true (bench_store_begin_run (store, run, &error));
      g_assert_no_error (error);
    }

  runs = bench_store_list_runs (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      BenchRun *run = g_ptr_array_index (runs, i);
      g_assert_cmpint (g_date_time_get_day_of_month (run->started_at), ==, 3 - i);
      g_assert_cmpuint (run->n_results, ==, 0);
      g_assert_cmpstr (run->summary_workloads, ==, "");
      g_assert_cmpint (run->status, ==, BENCH_RUN_STATUS_RUNNING);
    }
}

static void
test_rollback (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchStore) store = bench_store_open (fixture->path, &error);
  g_autoptr(BenchRun) run = make_run ();
  g_autoptr(BenchResult) extra = NULL;
  BenchResult *r1 = g_ptr_array_index (run->results, 0);

  g_assert_no_error (error);
  g_assert_true (bench_store_begin_run (store, run, &error));
  g_assert_no_error (error);

  /* fail the fourth sample insert: the result, its first samples and its
   * new workload row were already written inside the transaction */
  raw_exec (fixture->path,
            "CREATE TRIGGER fail_sample BEFORE INSERT ON samples WHEN NEW.idx = 3"
            " BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");

  g_assert_false (bench_store_add_result (store, run, r1, &error));
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "injected failure"));
  g_assert_nonnull (strstr (error->message, fixture->path));
  g_clear_error (&error);

  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM results"), ==, 0);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM samples"), ==, 0);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM workloads"), ==, 0);
  /* the run itself (an earlier transaction) is there */
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM runs"), ==, 1);

  /* the same for a failure in the tail, after two full batches */
  raw_exec (fixture->path,
            "DROP TRIGGER fail_sample;"
            "CREATE TRIGGER fail_sample BEFORE INSERT ON samples WHEN NEW.idx = 140"
            " BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
  g_assert_false (bench_store_add_result (store, run, r1, &error));
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_STORE);
  g_clear_error (&error);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM results"), ==, 0);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM samples"), ==, 0);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM workloads"), ==, 0);

  /* a result without samples still goes through; then, without the
   * trigger, the one that failed */
  g_assert_true (bench_store_add_result (store, run, g_ptr_array_index (run->results, 2), &error));
  g_assert_no_error (error);
  raw_exec (fixture->path, "DROP TRIGGER fail_sample");
  g_assert_true (bench_store_add_result (store, run, r1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM results"), ==, 2);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM samples"), ==, 150);

  /* a result naming a device that is not in the run: nothing written */
  extra = make_result ("peak-flops", g_ptr_array_index (run->devices, 0), -1, "fp32", 10, FALSE);
  g_free (extra->device_fingerprint);
  extra->device_fingerprint = g_strdup ("0000deadbeef0000");
  g_assert_false (bench_store_add_result (store, run, extra, &error));
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_UNKNOWN_DEVICE);
  g_clear_error (&error);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM results"), ==, 2);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM workloads WHERE name = 'peak-flops'"), ==, 0);

  /* a result for a run never begun */
  {
    g_autoptr(BenchRun) other = bench_run_new_local ();

    g_assert_false (bench_store_add_result (store, other, r1, &error));
    g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
}

static gint64
dead_pid (void)
{
  pid_t pid = fork ();
  int status;

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    _exit (0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  /* reaped: kill(pid, 0) now fails with ESRCH (unless the pid is reused at
   * once, which would make this test pass vacuously, not fail) */
  return pid;
}

static void
test_interrupted (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchStore) store = bench_store_open (fixture->path, &error);
  g_autoptr(BenchRun) dead = bench_run_new_local ();
  g_autoptr(BenchRun) alive = bench_run_new_local ();
  g_autoptr(BenchRun) elsewhere = bench_run_new_local ();
  g_autoptr(BenchRun) loaded = NULL;

  g_assert_no_error (error);

  dead->pid = dead_pid ();
  if (kill ((pid_t)dead->pid, 0) == 0 || errno != ESRCH)
    {
      g_test_skip ("the pid of the reaped child was reused");
      return;
    }
  g_free (elsewhere->host);
  elsewhere->host = g_strdup ("some-other-host.invalid");
  elsewhere->pid = dead->pid;

  g_assert_true (bench_store_begin_run (store, dead, &error));
  g_assert_true (bench_store_begin_run (store, alive, &error));
  g_assert_true (bench_store_begin_run (store, elsewhere, &error));
  g_assert_no_error (error);

  g_clear_object (&store);
  store = bench_store_open (fixture->path, &error);
  g_assert_no_error (error);

  loaded = bench_store_load_run (store, dead->uuid, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (loaded->status, ==, BENCH_RUN_STATUS_INTERRUPTED);
  g_assert_nonnull (loaded->error);
  g_clear_object (&loaded);

  loaded = bench_store_load_run (store, alive->uuid, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (loaded->status, ==, BENCH_RUN_STATUS_RUNNING);
  g_clear_object (&loaded);

  loaded = bench_store_load_run (store, elsewhere->uuid, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (loaded->status, ==, BENCH_RUN_STATUS_RUNNING);
}

static BenchRun *
copy_as_import (const char *uuid)
{
  /* a fresh run with the same content under another uuid */
  g_autoptr(BenchRun) copy = make_run ();

  g_free (copy->uuid);
  copy->uuid = g_strdup (uuid);
  g_free (copy->source);
  copy->source = g_strdup ("import");
  copy->source_format = g_strdup ("benchtop-json");
  copy->source_file = g_strdup ("test.json");
  copy->status = BENCH_RUN_STATUS_COMPLETED;
  return g_steal_pointer (&copy);
}

static void
test_import_dedup (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchStore) store = bench_store_open (fixture->path, &error);
  g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) second = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) third = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(BenchRun) loaded = NULL;
  guint imported, skipped;

  g_assert_no_error (error);

  g_ptr_array_add (first, copy_as_import ("11111111-0000-4000-8000-000000000001"));
  g_ptr_array_add (first, copy_as_import ("22222222-0000-4000-8000-000000000002"));
  g_assert_true (bench_store_import_runs (store, first, &imported, &skipped, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (imported, ==, 2);
  g_assert_cmpuint (skipped, ==, 0);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM runs"), ==, 2);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM results"), ==, 6);
  /* the same two devices in both runs: stored once */
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM devices"), ==, 2);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM run_devices"), ==, 4);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM runs WHERE source = 'import'"
                                           " AND source_format = 'benchtop-json' AND source_file = 'test.json'"), ==, 2);

  g_ptr_array_add (second, copy_as_import ("22222222-0000-4000-8000-000000000002"));
  g_ptr_array_add (second, copy_as_import ("33333333-0000-4000-8000-000000000003"));
  g_assert_true (bench_store_import_runs (store, second, &imported, &skipped, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (imported, ==, 1);
  g_assert_cmpuint (skipped, ==, 1);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM runs"), ==, 3);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM results"), ==, 9);

  /* a failure in the second run of an import rolls back the first too */
  g_ptr_array_add (third, copy_as_import ("44444444-0000-4000-8000-000000000004"));
  g_ptr_array_add (third, copy_as_import ("55555555-0000-4000-8000-000000000005"));
  raw_exec (fixture->path,
            "CREATE TRIGGER fail_result BEFORE INSERT ON results"
            " WHEN (SELECT uuid FROM runs WHERE id = NEW.run_id) LIKE '5555%'"
            " BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
  g_assert_false (bench_store_import_runs (store, third, &imported, &skipped, &error));
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_STORE);
  g_clear_error (&error);
  g_assert_cmpuint (imported, ==, 0);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM runs"), ==, 3);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM results"), ==, 9);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM runs WHERE uuid LIKE '4444%'"), ==, 0);
  raw_exec (fixture->path, "DROP TRIGGER fail_result");

  loaded = bench_store_load_run (store, "3333", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->source, ==, "import");
  g_assert_cmpuint (loaded->results->len, ==, 3);
}

static void
test_delete_cascade (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchRun) run = make_run ();
  g_autoptr(BenchRun) other = make_run ();
  g_autoptr(BenchStore) store = store_and_record (fixture->path, run);
  g_autoptr(BenchRun) loaded = NULL;

  g_assert_true (bench_store_begin_run (store, other, &error));
  g_assert_true (bench_store_add_result (store, other, g_ptr_array_index (other->results, 1), &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM samples"), ==, 150 + 25 + 25);

  g_assert_true (bench_store_delete_run (store, run->uuid, &error));
  g_assert_no_error (error);

  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM runs"), ==, 1);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM results"), ==, 1);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM samples"), ==, 25);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM run_devices"), ==, 2);
  /* devices and workloads are shared history and stay */
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM devices"), ==, 2);

  loaded = bench_store_load_run (store, run->uuid, FALSE, &error);
  g_assert_null (loaded);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (bench_store_delete_run (store, run->uuid, &error));
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_FOUND);
}

static void
test_prefix (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchStore) store = bench_store_open (fixture->path, &error);
  const char *uuids[] = {
    "abcd1111-0000-4000-8000-000000000001",
    "abcd2222-0000-4000-8000-000000000002",
    "ffff0000-0000-4000-8000-000000000003",
  };
  BenchRun *loaded;

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (uuids); i++)
    {
      g_autoptr(BenchRun) run = bench_run_new_local ();

      g_free (run->uuid);
      run->uuid = g_strdup (uuids[i]);
      g_assert_true (bench_store_begin_run (store, run, &error));
      g_assert_no_error (error);
    }

  loaded = bench_store_load_run (store, "abcd", FALSE, &error);
  g_assert_null (loaded);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, uuids[0]));
  g_assert_nonnull (strstr (error->message, uuids[1]));
  g_assert_null (strstr (error->message, uuids[2]));
  g_test_message ("error: %s", error->message);
  g_clear_error (&error);

  loaded = bench_store_load_run (store, "abcd2", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->uuid, ==, uuids[1]);
  g_object_unref (loaded);

  loaded = bench_store_load_run (store, "FFFF", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->uuid, ==, uuids[2]);
  g_object_unref (loaded);

  loaded = bench_store_load_run (store, uuids[0], FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->uuid, ==, uuids[0]);
  g_object_unref (loaded);

  loaded = bench_store_load_run (store, "0123", FALSE, &error);
  g_assert_null (loaded);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "0123"));
  g_clear_error (&error);

  loaded = bench_store_load_run (store, "", FALSE, &error);
  g_assert_null (loaded);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* "_" and "%" are not wildcards */
  loaded = bench_store_load_run (store, "abcd_", FALSE, &error);
  g_assert_null (loaded);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_FOUND);
}

static void
test_query (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchRun) old_run = make_run ();
  g_autoptr(BenchRun) new_run = make_run ();
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) some = NULL;
  BenchDevice *gpu;

  g_clear_pointer (&old_run->started_at, g_date_time_unref);
  old_run->started_at = g_date_time_new_utc (2023, 1, 1, 0, 0, 0);
  store = store_and_record (fixture->path, new_run);
  g_assert_true (bench_store_begin_run (store, old_run, &error));
  for (guint i = 0; i < old_run->results->len; i++)
    g_assert_true (bench_store_add_result (store, old_run, g_ptr_array_index (old_run->results, i), &error));
  g_assert_no_error (error);
  gpu = g_ptr_array_index (new_run->devices, 1);

  all = bench_store_query_results (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 6);
  /* oldest run first */
  for (guint i = 0; i < 6; i++)
    g_assert_cmpstr (((BenchResult *)g_ptr_array_index (all, i))->run_uuid, ==,
                     i < 3 ? old_run->uuid : new_run->uuid);
  g_assert_cmpuint (((BenchResult *)g_ptr_array_index (all, 0))->samples->len, ==, 0);

  {
    const char *workloads[] = { "stream-triad", NULL };
    BenchResultFilter filter = { .workloads = workloads };

    some = bench_store_query_results (store, &filter, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (some->len, ==, 2);
    g_clear_pointer (&some, g_ptr_array_unref);

    filter.only_ok = TRUE;
    some = bench_store_query_results (store, &filter, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (some->len, ==, 0);
    g_clear_pointer (&some, g_ptr_array_unref);
  }

  {
    /* by id, by name and by fingerprint */
    const char *by_id[] = { "opencl:1", NULL };
    const char *by_name[] = { "Test GPU", NULL };
    const char *by_fingerprint[] = { bench_device_get_fingerprint (gpu), NULL };
    const char * const *choices[] = { by_id, by_name, by_fingerprint };

    for (guint c = 0; c < G_N_ELEMENTS (choices); c++)
      {
        BenchResultFilter filter = { .devices = choices[c] };

        some = bench_store_query_results (store, &filter, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (some->len, ==, 4);
        g_clear_pointer (&some, g_ptr_array_unref);
      }
  }

  {
    const char *precisions[] = { "fp16", NULL };
    const char *runs[] = { new_run->uuid, NULL };
    const gint batches[] = { 8, 16 };
    BenchResultFilter filter = {
      .precisions = precisions,
      .runs = runs,
      .batch_sizes = batches,
      .n_batch_sizes = G_N_ELEMENTS (batches),
      .only_ok = TRUE,
      .with_samples = TRUE,
    };
    BenchResult *result;

    some = bench_store_query_results (store, &filter, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (some->len, ==, 1);
    result = g_ptr_array_index (some, 0);
    g_assert_cmpstr (result->run_uuid, ==, new_run->uuid);
    assert_same_result (result, g_ptr_array_index (new_run->results, 1), TRUE);
    g_clear_pointer (&some, g_ptr_array_unref);
  }

  {
    const char *runs[] = { "not-a-run", NULL };
    BenchResultFilter filter = { .runs = runs };

    some = bench_store_query_results (store, &filter, &error);
    g_assert_null (some);
    g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_FOUND);
  }
}

static void
test_devices (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchRun) run = make_run ();
  g_autoptr(BenchStore) store = store_and_record (fixture->path, run);
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(BenchDevice) gpu = make_gpu ();
  BenchDevice *listed_gpu = NULL;

  /* a later characterisation fills the GPU's peaks */
  bench_device_set_peak_gflops (gpu, 400.25);
  bench_device_set_bandwidth_gbs (gpu, 51.5);
  g_assert_true (bench_store_update_device (store, gpu, &error));
  g_assert_no_error (error);

  /* an update that knows less does not erase it */
  g_clear_object (&gpu);
  gpu = make_gpu ();
  g_assert_true (bench_store_update_device (store, gpu, &error));
  g_assert_no_error (error);

  devices = bench_store_list_devices (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (devices->len, ==, 2);
  for (guint i = 0; i < devices->len; i++)
    if (g_str_equal (bench_device_get_backend_name (g_ptr_array_index (devices, i)), "opencl"))
      listed_gpu = g_ptr_array_index (devices, i);
  g_assert_nonnull (listed_gpu);
  g_assert_cmpstr (bench_device_get_id (listed_gpu), ==, "opencl:1");
  g_assert_cmpfloat (bench_device_get_peak_gflops (listed_gpu), ==, 400.25);
  g_assert_cmpfloat (bench_device_get_bandwidth_gbs (listed_gpu), ==, 51.5);
  g_assert_cmpint (bench_device_get_compute_units (listed_gpu), ==, -1);
}

static void
test_unwritable (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchStore) store = NULL;
  g_autofree char *file = g_build_filename (fixture->dir, "a-file", NULL);
  g_autofree char *under_file = g_build_filename (file, "sub", "benchtop.db", NULL);
  g_autofree char *ro_dir = g_build_filename (fixture->dir, "read-only", NULL);
  g_autofree char *under_ro = g_build_filename (ro_dir, "sub", "benchtop.db", NULL);

  /* a folder that cannot be created: its parent is a file */
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  store = bench_store_open (under_file, &error);
  g_assert_null (store);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, under_file));
  g_test_message ("error: %s", error->message);
  g_clear_error (&error);

  /* a read-only folder (root ignores permissions, so only as a user) */
  g_assert_cmpint (g_mkdir (ro_dir, 0500), ==, 0);
  if (geteuid () == 0)
    {
      g_test_message ("running as root: the read-only folder case is not checkable");
      return;
    }
  store = bench_store_open (under_ro, &error);
  g_assert_null (store);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, under_ro));
  g_test_message ("error: %s", error->message);
  g_clear_error (&error);

  /* the folder exists, but the file cannot be created in it */
  {
    g_autofree char *in_ro = g_build_filename (ro_dir, "benchtop.db", NULL);

    store = bench_store_open (in_ro, &error);
    g_assert_null (store);
    g_assert_error (error, BENCH_ERROR, BENCH_ERROR_STORE);
    g_assert_nonnull (strstr (error->message, in_ro));
    g_test_message ("error: %s", error->message);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) \
  g_test_add ("/store/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/store/default-path", test_default_path);
  ADD ("schema", test_schema);
  ADD ("migrate-from-v0", test_migrate_from_v0);
  ADD ("newer-version", test_newer_version);
  ADD ("not-a-database", test_not_a_database);
  ADD ("round-trip", test_round_trip);
  ADD ("list-order", test_list_order);
  ADD ("rollback", test_rollback);
  ADD ("interrupted", test_interrupted);
  ADD ("import-dedup", test_import_dedup);
  ADD ("delete-cascade", test_delete_cascade);
  ADD ("prefix", test_prefix);
  ADD ("query", test_query);
  ADD ("devices", test_devices);
  ADD ("unwritable", test_unwritable);

#undef ADD

  return g_test_run ();
}
