/* test-app-run.c: running a benchmark from the Run page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drives the real window: fills the page's fields, runs a tiny GEMM with
 * Ctrl+R's action, waits for its row in the results table, and closes the
 * window during a second run (asks, then cancels cleanly).
 */
#include "test-app-utils.h"

#include "bench-chart-widget.h"

static GtkWidget *
find_named (GtkWidget  *root,
            GType       type,
            const char *name)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect_widgets (root, type, found);
  for (guint i = 0; i < found->len; i++)
    if (g_strcmp0 (gtk_widget_get_name (g_ptr_array_index (found, i)), name) == 0)
      return g_ptr_array_index (found, i);

  g_error ("No %s named %s", g_type_name (type), name);
  return NULL;
}

/* Types into a spin button as a user would, then leaves it. */
static void
set_spin (GtkWidget  *root,
          const char *name,
          const char *text)
{
  GtkSpinButton *spin = GTK_SPIN_BUTTON (find_named (root, GTK_TYPE_SPIN_BUTTON, name));

  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  gtk_spin_button_update (spin);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, g_ascii_strtod (text, NULL));
}

/* Ticks exactly the workloads named. */
static void
pick_workloads (GtkWidget          *root,
                const char * const *names)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  guint n_checked = 0;

  collect_widgets (root, ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      GtkWidget *check = adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row));

      if (!GTK_IS_CHECK_BUTTON (check) || g_object_get_data (G_OBJECT (row), "workload") == NULL)
        continue;
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   g_strv_contains (names, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row))));
      n_checked += gtk_check_button_get_active (GTK_CHECK_BUTTON (check));
    }
  g_assert_cmpuint (n_checked, ==, g_strv_length ((char **) names));
}

static gboolean
has_result (gpointer data)
{
  BenchRunView *view = data;

  return g_list_model_get_n_items (bench_run_view_get_results (view)) > 0;
}

static gboolean
not_running (gpointer data)
{
  return !bench_run_view_get_running (data);
}

static gboolean
live_chart_has_points (gpointer data)
{
  BenchChart *chart = bench_chart_widget_get_chart (data);

  return chart != NULL && bench_chart_get_n_series (chart) > 0 &&
         bench_chart_series_get_n_points (bench_chart_get_series (chart, 0)) > 0;
}

/* The live status line under the progress bar. */
static const char *
status_text (BenchRunView *view)
{
  return gtk_label_get_text (GTK_LABEL (find_named (GTK_WIDGET (view), GTK_TYPE_LABEL, "progress-label")));
}

static GtkColumnView *
results_table (BenchWindow *window)
{
  g_autoptr(GPtrArray) views = g_ptr_array_new ();

  collect_widgets (GTK_WIDGET (bench_window_get_run_view (window)), GTK_TYPE_COLUMN_VIEW, views);
  g_assert_cmpuint (views->len, ==, 1);
  return g_ptr_array_index (views, 0);
}

/* The Run page's live chart. */
static GtkWidget *
live_chart (BenchRunView *view)
{
  g_autoptr(GPtrArray) charts = g_ptr_array_new ();

  collect_widgets (GTK_WIDGET (view), BENCH_TYPE_CHART_WIDGET, charts);
  g_assert_cmpuint (charts->len, ==, 1);
  return g_ptr_array_index (charts, 0);
}

/* A window on the history at @path, on its Run page, shown and idle;
 * close_window() undoes it. */
static BenchWindow *
open_window (const char    *path,
             BenchRunView **view)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  BenchWindow *window;

  g_setenv ("BENCHTOP_DB", path, TRUE);
  g_settings_set_string (settings, "last-view", "run");
  window = g_object_ref (bench_window_new (NULL));
  gtk_window_present (GTK_WINDOW (window));
  wait_until_idle (window);
  *view = bench_window_get_run_view (window);
  return window;
}

static void
close_window (BenchWindow *window,
              const char  *dir)
{
  close_and_check_finalized (window);
  g_unsetenv ("BENCHTOP_DB");
  remove_tmp_dir (dir);
}

/* @workloads, each with a 64^3 GEMM, one warm-up and at least three
 * iterations and @min_time seconds: a run of @min_time at most. */
static void
set_small_run (BenchRunView       *view,
               const char * const *workloads,
               const char         *min_time)
{
  pick_workloads (GTK_WIDGET (view), workloads);
  set_spin (GTK_WIDGET (view), "gemm-size", "64");
  set_spin (GTK_WIDGET (view), "iterations", "3");
  set_spin (GTK_WIDGET (view), "warmup", "1");
  set_spin (GTK_WIDGET (view), "min-time", min_time);
}

static void
test_run_tiny_gemm (void)
{
  static const char *gemm[] = { "gemm", NULL };
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(BenchRun) stored = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchResult) row = NULL;
  BenchWindow *window;
  BenchRunView *view;
  GtkColumnView *table;

  window = open_window (path, &view);

  set_small_run (view, gemm, "0.01");

  /* Ctrl+R's action. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  g_assert_true (bench_run_view_get_running (view));

  wait_for (has_result, view, 120, "the first result row");
  table = results_table (window);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (table))), ==, 1);
  row = g_list_model_get_item (G_LIST_MODEL (gtk_column_view_get_model (table)), 0);
  g_assert_cmpstr (row->workload, ==, "gemm");
  g_assert_cmpint (row->status, ==, BENCH_RESULT_STATUS_OK);
  g_assert_cmpint (row->iterations, >=, 3);
  g_assert_true (row->latency.median > 0);
  wait_for (not_running, view, 120, "the run to finish");
  /* The last phase ("measuring, 3 iterations") gives way to the outcome. */
  g_assert_cmpstr (status_text (view), ==, "Run finished: 1 configuration passed, 0 failed");
  save_screenshot (GTK_WIDGET (window), "app-run-finished.png");

  /* The runner wrote the run to the history the app uses. */
  store = bench_store_open (path, &error);
  g_assert_no_error (error);
  runs = bench_store_list_runs (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  stored = bench_store_load_run (store, ((BenchRun *) g_ptr_array_index (runs, 0))->uuid, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stored->status, ==, BENCH_RUN_STATUS_COMPLETED);
  g_assert_cmpuint (stored->results->len, ==, 1);

  /* The history page lists it. */
  switch_view (window, "history");
  g_assert_cmpuint (g_list_model_get_n_items (bench_history_view_get_runs (bench_window_get_history_view (window))), ==, 1);

  close_window (window, dir);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return ADW_MESSAGE_DIALOG (toplevel);
    }
  return NULL;
}

static void
test_run_close_cancels (void)
{
  static const char *gemm[] = { "gemm", NULL };
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  BenchWindow *window;
  BenchRunView *view;

  window = open_window (path, &view);

  /* Long enough to be closed in the middle: 60 s minimum time. */
  set_small_run (view, gemm, "60");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));

  /* The live chart draws the iterations as they come. */
  wait_for (live_chart_has_points, live_chart (view), 120, "the live chart's first points");
  save_screenshot (GTK_WIDGET (window), "app-run-live.png");

  /* Closing asks first; keeping it running keeps the window. */
  gtk_window_close (GTK_WINDOW (window));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  save_screenshot (GTK_WIDGET (dialog), "app-run-close-dialog.png");
  adw_message_dialog_response (dialog, "continue");
  g_assert_true (bench_run_view_get_running (view));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  /* Stopping cancels the run, which ends as cancelled, then closes. */
  gtk_window_close (GTK_WINDOW (window));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "stop");
  wait_for (not_running, view, 60, "the run to stop");
  g_assert_finalize_object (window);

  store = bench_store_open (path, &error);
  g_assert_no_error (error);
  runs = bench_store_list_runs (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  g_assert_cmpint (((BenchRun *) g_ptr_array_index (runs, 0))->status, ==, BENCH_RUN_STATUS_CANCELLED);

  g_unsetenv ("BENCHTOP_DB");
  remove_tmp_dir (dir);
}

/* Cancelled from the page: the status says so at once, and once the run
 * has stopped, that it was cancelled. */
static void
test_run_cancel (void)
{
  static const char *gemm[] = { "gemm", NULL };
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  BenchWindow *window;
  BenchRunView *view;

  window = open_window (path, &view);

  set_small_run (view, gemm, "60");
  g_assert_true (bench_run_view_start (view));
  wait_for (live_chart_has_points, live_chart (view), 120, "the live chart's first points");

  bench_run_view_cancel (view);
  g_assert_cmpstr (status_text (view), ==, "Cancelling…");
  wait_for (not_running, view, 60, "the run to stop");
  g_assert_true (g_str_has_prefix (status_text (view), "Run cancelled: "));
  g_test_message ("after cancel: %s", status_text (view));
  save_screenshot (GTK_WIDGET (window), "app-run-cancelled.png");

  close_window (window, dir);
}

static gboolean
two_results_and_done (gpointer data)
{
  BenchRunView *view = data;

  return !bench_run_view_get_running (view) &&
         g_list_model_get_n_items (bench_run_view_get_results (view)) == 2;
}

/* GEMM has no int8 kernel on the CPU: that configuration fails with its
 * reason in the table, and the run goes on to the next one. */
static void
test_run_failed_configuration (void)
{
  static const char *workloads[] = { "gemm", "stream-triad", NULL };
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(BenchResult) first = NULL;
  g_autoptr(BenchResult) second = NULL;
  BenchWindow *window;
  BenchRunView *view;
  GListModel *results;
  AdwComboRow *precision;

  window = open_window (path, &view);

  set_small_run (view, workloads, "0.01");
  set_spin (GTK_WIDGET (view), "stream-mib", "1");
  precision = ADW_COMBO_ROW (find_named (GTK_WIDGET (view), ADW_TYPE_COMBO_ROW, "precision"));
  adw_combo_row_set_selected (precision, 3);
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (precision)), ==, "int8");

  g_assert_true (bench_run_view_start (view));
  wait_for (two_results_and_done, view, 120, "both configurations");

  results = bench_run_view_get_results (view);
  first = g_list_model_get_item (results, 0);
  second = g_list_model_get_item (results, 1);
  g_assert_cmpstr (first->workload, ==, "gemm");
  g_assert_cmpint (first->status, ==, BENCH_RESULT_STATUS_FAILED);
  g_assert_nonnull (strstr (first->error, "int8"));
  g_assert_cmpstr (second->workload, ==, "stream-triad");
  g_test_message ("stream-triad in int8: %s%s%s", bench_result_status_to_string (second->status),
                  second->error ? ": " : "", second->error ? second->error : "");
  {
    guint n_passed = second->status == BENCH_RESULT_STATUS_OK;
    g_autofree char *expected = g_strdup_printf ("Run finished: %u configuration%s passed, %u failed",
                                                 n_passed, n_passed == 1 ? "" : "s", 2 - n_passed);

    g_assert_cmpstr (status_text (view), ==, expected);
  }
  save_screenshot (GTK_WIDGET (window), "app-run-failed-config.png");

  close_window (window, dir);
}

static void
test_run_bad_parameters (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  BenchWindow *window;
  BenchRunView *view;
  GtkWidget *entry;

  window = open_window (path, &view);

  /* A batch size that is not a number starts nothing. */
  entry = find_named (GTK_WIDGET (view), ADW_TYPE_ENTRY_ROW, "batch-sizes");
  gtk_editable_set_text (GTK_EDITABLE (entry), "1, many");
  g_assert_false (bench_run_view_start (view));
  g_assert_false (bench_run_view_get_running (view));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  close_window (window, dir);
}

int
main (int   argc,
      char *argv[])
{
  test_app_init (&argc, &argv);

  g_test_add_func ("/app/run/tiny-gemm", test_run_tiny_gemm);
  g_test_add_func ("/app/run/close-cancels", test_run_close_cancels);
  g_test_add_func ("/app/run/cancel", test_run_cancel);
  g_test_add_func ("/app/run/failed-configuration", test_run_failed_configuration);
  g_test_add_func ("/app/run/bad-parameters", test_run_bad_parameters);

  return g_test_run ();
}
