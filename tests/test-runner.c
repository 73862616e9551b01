/* test-runner.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The runner on the real CPU backend with small sizes, recording into real
 * SQLite files in a temporary folder.
 */
#include "config.h"

#include <math.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "bench.h"

typedef struct
{
  char          *dir;
  char          *db_path;
  BenchRegistry *registry;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("benchtop-runner-XXXXXX", &error);
  g_assert_no_error (error);
  f->db_path = g_build_filename (f->dir, "history.db", NULL);
  f->registry = bench_registry_new ();
  g_assert_true (bench_registry_discover_sync (f->registry, NULL, &error));
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->registry);
  remove_tree (f->dir);
  g_free (f->db_path);
  g_free (f->dir);
}

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  BenchRun     *run;
  GError       *error;
  GThread      *expected_thread;
  guint         n_progress;
  guint         n_samples;
  guint         n_results;
  guint         cancel_after;
  gboolean      wrong_thread;
} Waiter;

static void
on_progress (BenchRunner   *runner,
             BenchProgress *progress,
             Waiter        *w)
{
  w->n_progress++;
  w->wrong_thread |= g_thread_self () != w->expected_thread;
  g_assert_cmpfloat (progress->fraction, >=, 0.0);
  g_assert_cmpfloat (progress->fraction, <=, 1.0);
  g_assert_nonnull (progress->config_label);
}

static void
on_samples (BenchRunner *runner,
            guint        config_index,
            GArray      *samples,
            Waiter      *w)
{
  w->wrong_thread |= g_thread_self () != w->expected_thread;
  w->n_samples += samples->len;
  for (guint i = 0; i < samples->len; i++)
    g_assert_cmpint (g_array_index (samples, gint64, i), >, 0);
  if (w->cancel_after > 0 && w->n_samples >= w->cancel_after)
    g_cancellable_cancel (w->cancellable);
}

static void
on_result (BenchRunner *runner,
           BenchResult *result,
           Waiter      *w)
{
  w->wrong_thread |= g_thread_self () != w->expected_thread;
  w->n_results++;
}

static void
on_done (GObject      *object,
         GAsyncResult *res,
         gpointer      data)
{
  Waiter *w = data;

  w->wrong_thread |= g_thread_self () != w->expected_thread;
  w->run = bench_runner_run_finish (BENCH_RUNNER (object), res, &w->error);
  g_main_loop_quit (w->loop);
}

/* Runs @plan on the calling thread's default main context. */
static void
run_plan (Fixture   *f,
          BenchPlan *plan,
          Waiter    *w)
{
  g_autoptr(BenchRunner) runner = bench_runner_new (f->registry);
  GMainContext *context = g_main_context_get_thread_default ();

  bench_runner_set_store_path (runner, f->db_path);
  w->loop = g_main_loop_new (context, FALSE);
  w->expected_thread = g_thread_self ();
  if (w->cancellable == NULL)
    w->cancellable = g_cancellable_new ();

  g_signal_connect (runner, "progress", G_CALLBACK (on_progress), w);
  g_signal_connect (runner, "samples", G_CALLBACK (on_samples), w);
  g_signal_connect (runner, "result", G_CALLBACK (on_result), w);
  bench_runner_run_async (runner, plan, w->cancellable, on_done, w);
  g_main_loop_run (w->loop);

  g_clear_pointer (&w->loop, g_main_loop_unref);
}

static void
waiter_clear (Waiter *w)
{
  g_clear_object (&w->run);
  g_clear_error (&w->error);
  g_clear_object (&w->cancellable);
}

static char *
sql_text (const char *db_path,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return text;
}

static void
test_runner_small_plan (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(BenchPlan) plan = bench_plan_new ();
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(BenchRun) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *integrity = NULL;
  Waiter w = { 0 };

  bench_plan_add_workload (plan, "gemm");
  bench_plan_add_workload (plan, "stream-triad");
  bench_plan_add_device (plan, "cpu");
  bench_plan_set_gemm_size (plan, 96);
  bench_plan_set_stream_bytes (plan, 1 << 20);
  bench_plan_set_iterations (plan, 7);
  bench_plan_set_warmup (plan, 2);
  bench_plan_set_min_time (plan, 0.02);

  run_plan (f, plan, &w);
  g_assert_no_error (w.error);
  g_assert_nonnull (w.run);
  g_assert_false (w.wrong_thread);
  g_assert_cmpint (w.run->status, ==, BENCH_RUN_STATUS_COMPLETED);
  g_assert_cmpuint (w.run->results->len, ==, 2);
  g_assert_cmpuint (w.n_results, ==, 2);
  g_assert_cmpuint (w.n_progress, >, 0);

  for (guint i = 0; i < w.run->results->len; i++)
    {
      BenchResult *r = g_ptr_array_index (w.run->results, i);

      g_assert_cmpint (r->status, ==, BENCH_RESULT_STATUS_OK);
      g_assert_cmpint (r->iterations, >=, 7);
      g_assert_cmpuint (r->samples->len, ==, (guint) r->iterations);
      g_assert_cmpint (r->warmup_iterations, ==, 2);
      g_assert_false (isnan (r->setup_ns));
      g_assert_false (isnan (r->cold_ns));
      g_assert_cmpfloat (r->latency.min, <=, r->latency.median);
      g_assert_cmpfloat (r->latency.median, <=, r->latency.max);
      g_assert_false (isnan (r->gflops));
      g_assert_cmpfloat (r->gflops, >, 0);
      g_assert_cmpint (r->peak_rss_bytes, >, 0);
      g_assert_cmpint (r->validation, ==, BENCH_VALIDATION_PASS);
      /* Micro-benchmarks have no first token. */
      g_assert_true (isnan (r->first_token_ns));
    }
  /* Every sample reached the caller, exactly once. */
  g_assert_cmpuint (w.n_samples, ==,
                    ((BenchResult *) g_ptr_array_index (w.run->results, 0))->samples->len +
                    ((BenchResult *) g_ptr_array_index (w.run->results, 1))->samples->len);

  store = bench_store_open (f->db_path, &error);
  g_assert_no_error (error);
  loaded = bench_store_load_run (store, w.run->uuid, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (loaded->status, ==, BENCH_RUN_STATUS_COMPLETED);
  g_assert_cmpuint (loaded->results->len, ==, 2);
  for (guint i = 0; i < loaded->results->len; i++)
    {
      BenchResult *a = g_ptr_array_index (w.run->results, i);
      BenchResult *b = g_ptr_array_index (loaded->results, i);

      g_assert_cmpstr (a->workload, ==, b->workload);
      g_assert_cmpuint (a->samples->len, ==, b->samples->len);
      g_assert_cmpmem (a->samples->data, a->samples->len * sizeof (gint64),
                       b->samples->data, b->samples->len * sizeof (gint64));
    }

  integrity = sql_text (f->db_path, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");

  waiter_clear (&w);
}

static gpointer
run_in_thread (gpointer data)
{
  Fixture *f = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(BenchPlan) plan = bench_plan_new ();
  Waiter w = { 0 };

  g_main_context_push_thread_default (context);

  bench_plan_add_workload (plan, "gemm");
  bench_plan_add_device (plan, "cpu");
  bench_plan_set_gemm_size (plan, 64);
  bench_plan_set_iterations (plan, 5);
  bench_plan_set_min_time (plan, 0.01);
  run_plan (f, plan, &w);

  g_assert_no_error (w.error);
  g_assert_false (w.wrong_thread);
  g_assert_cmpuint (w.n_progress, >, 0);
  g_assert_cmpuint (w.n_samples, >=, 5);

  g_main_context_pop_thread_default (context);
  waiter_clear (&w);

  return NULL;
}

static gboolean
fail_on_default_context (gpointer data)
{
  gboolean *ran = data;
  *ran = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_runner_delivers_on_caller_context (Fixture       *f,
                                        gconstpointer  data)
{
  GThread *thread = g_thread_new ("caller", run_in_thread, f);
  gboolean default_ran = FALSE;

  g_thread_join (thread);

  /* Nothing was queued on the global default context: the only source
   * pending there now is this probe. */
  g_idle_add (fail_on_default_context, &default_ran);
  g_assert_true (g_main_context_iteration (NULL, FALSE));
  g_assert_true (default_ran);
  g_assert_false (g_main_context_pending (NULL));
}

static void
test_runner_cancel_midway (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(BenchPlan) plan = bench_plan_new ();
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(BenchRun) loaded = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *integrity = NULL;
  g_autofree char *count = NULL;
  BenchResult *first, *second;
  Waiter w = { 0 };

  bench_plan_add_workload (plan, "gemm");
  bench_plan_add_workload (plan, "stream-triad");
  bench_plan_add_device (plan, "cpu");
  bench_plan_set_gemm_size (plan, 128);
  bench_plan_set_stream_bytes (plan, 1 << 20);
  bench_plan_set_iterations (plan, 1000000);
  bench_plan_set_min_time (plan, 60);

  w.cancel_after = 12;
  run_plan (f, plan, &w);

  g_assert_no_error (w.error);
  g_assert_nonnull (w.run);
  g_assert_cmpint (w.run->status, ==, BENCH_RUN_STATUS_CANCELLED);
  /* The interrupted configuration is kept with what it measured; the
   * next one never started. */
  g_assert_cmpuint (w.run->results->len, ==, 1);
  first = g_ptr_array_index (w.run->results, 0);
  g_assert_cmpint (first->status, ==, BENCH_RESULT_STATUS_CANCELLED);
  g_assert_cmpuint (first->samples->len, >=, 12);
  g_assert_cmpint (first->iterations, ==, (gint) first->samples->len);
  g_assert_false (isnan (first->latency.median));

  store = bench_store_open (f->db_path, &error);
  g_assert_no_error (error);
  runs = bench_store_list_runs (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  loaded = bench_store_load_run (store, w.run->uuid, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (loaded->status, ==, BENCH_RUN_STATUS_CANCELLED);
  g_assert_nonnull (loaded->finished_at);
  g_assert_cmpuint (loaded->results->len, ==, 1);
  second = g_ptr_array_index (loaded->results, 0);
  g_assert_cmpint (second->status, ==, BENCH_RESULT_STATUS_CANCELLED);
  g_assert_cmpuint (second->samples->len, ==, first->samples->len);

  integrity = sql_text (f->db_path, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
  count = sql_text (f->db_path, "PRAGMA foreign_key_check");
  g_assert_null (count);

  waiter_clear (&w);
}

static void
test_runner_failed_config_goes_on (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(BenchPlan) plan = bench_plan_new ();
  const char *precisions[] = { "fp16", "fp32", NULL };
  BenchResult *r;
  Waiter w = { 0 };

  bench_plan_add_workload (plan, "gemm");
  bench_plan_add_device (plan, "cpu");
  bench_plan_set_precisions (plan, precisions);
  bench_plan_set_gemm_size (plan, 64);
  bench_plan_set_iterations (plan, 3);
  bench_plan_set_min_time (plan, 0);

  run_plan (f, plan, &w);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.run->status, ==, BENCH_RUN_STATUS_COMPLETED);
  g_assert_cmpuint (w.run->results->len, ==, 2);

  r = g_ptr_array_index (w.run->results, 0);
  g_assert_cmpstr (r->precision, ==, "fp16");
  g_assert_cmpint (r->status, ==, BENCH_RESULT_STATUS_FAILED);
  g_assert_nonnull (r->error);
  g_assert_nonnull (strstr (r->error, "fp16"));
  /* Nothing was measured: NAN, never 0. */
  g_assert_true (isnan (r->latency.median));
  g_assert_true (isnan (r->gflops));
  g_assert_cmpuint (r->samples->len, ==, 0);

  r = g_ptr_array_index (w.run->results, 1);
  g_assert_cmpint (r->status, ==, BENCH_RESULT_STATUS_OK);
  g_assert_cmpuint (r->samples->len, >=, 3);

  waiter_clear (&w);
}

static void
test_runner_unknown_device (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(BenchPlan) plan = bench_plan_new ();
  Waiter w = { 0 };

  bench_plan_add_workload (plan, "gemm");
  bench_plan_add_device (plan, "cpu");
  bench_plan_add_device (plan, "opencl:42");

  run_plan (f, plan, &w);
  g_assert_null (w.run);
  g_assert_error (w.error, BENCH_ERROR, BENCH_ERROR_UNKNOWN_DEVICE);
  g_assert_nonnull (strstr (w.error->message, "opencl:42"));
  g_assert_nonnull (strstr (w.error->message, "cpu"));
  /* Nothing was recorded. */
  g_assert_false (g_file_test (f->db_path, G_FILE_TEST_EXISTS));

  waiter_clear (&w);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/runner/small-plan", Fixture, NULL, fixture_setup, test_runner_small_plan, fixture_teardown);
  g_test_add ("/runner/caller-context", Fixture, NULL, fixture_setup, test_runner_delivers_on_caller_context, fixture_teardown);
  g_test_add ("/runner/cancel-midway", Fixture, NULL, fixture_setup, test_runner_cancel_midway, fixture_teardown);
  g_test_add ("/runner/failed-config-goes-on", Fixture, NULL, fixture_setup, test_runner_failed_config_goes_on, fixture_teardown);
  g_test_add ("/runner/unknown-device", Fixture, NULL, fixture_setup, test_runner_unknown_device, fixture_teardown);

  return g_test_run ();
}
