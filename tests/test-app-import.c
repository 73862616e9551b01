/* test-app-import.c: importing dropped files; charts; the history's actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drops tests/data/good-run.json and bad files on the real window through
 * its drop target's handler, checks the toasts and the database, charts
 * the imported results (legend toggles, log axis, zoom), exports the chart
 * to PNG in the build folder, compares two runs, and deletes a run with
 * its undo.
 */
#include "test-app-utils.h"

#include "bench-chart-widget.h"
#include "bench-json.h"

static GtkDropTarget *
find_drop_target (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }
  return NULL;
}

/* What a drop of these files does: the target's handler gets a file list. */
static void
drop_files (BenchWindow        *window,
            const char * const *paths)
{
  GtkDropTarget *target = find_drop_target (GTK_WIDGET (window));
  GdkFileList *list;
  g_auto(GValue) value = G_VALUE_INIT;
  GSList *files = NULL;
  gboolean accepted = FALSE;

  g_assert_nonnull (target);
  g_assert_true (gdk_content_formats_contain_gtype (gtk_drop_target_get_formats (target), GDK_TYPE_FILE_LIST));

  for (guint i = 0; paths[i] != NULL; i++)
    files = g_slist_append (files, g_file_new_for_path (paths[i]));
  list = gdk_file_list_new_from_list (files);
  g_slist_free_full (files, g_object_unref);

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, list);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_assert_true (accepted);
  g_assert_true (bench_window_get_busy (window));
  wait_until_idle (window);
}

static guint
count_runs (const char *db)
{
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_test (db, G_FILE_TEST_EXISTS))
    return 0;
  store = bench_store_open (db, &error);
  g_assert_no_error (error);
  runs = bench_store_list_runs (store, &error);
  g_assert_no_error (error);
  return runs->len;
}

static const char *
message (BenchWindow *window,
         guint        index)
{
  const GPtrArray *messages = bench_window_get_messages (window);

  g_assert_cmpuint (index, <, messages->len);
  return g_ptr_array_index (messages, index);
}

/* A second fixture run, made from the first with another id and host, so
 * that there are two runs to compare. */
static char *
write_second_run (const char *dir)
{
  g_autofree char *good = g_test_build_filename (G_TEST_DIST, "data", "good-run.json", NULL);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "second-run.json", NULL);

  runs = bench_json_read_file (good, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < runs->len; i++)
    {
      BenchRun *run = g_ptr_array_index (runs, i);

      g_free (run->uuid);
      run->uuid = g_uuid_string_random ();
      g_free (run->host);
      run->host = g_strdup ("second-fixture-host");
      for (guint j = 0; j < run->results->len; j++)
        {
          BenchResult *result = g_ptr_array_index (run->results, j);

          g_free (result->run_uuid);
          result->run_uuid = g_strdup (run->uuid);
        }
    }
  g_assert_true (bench_json_write_file (runs, path, &error));
  g_assert_no_error (error);
  return path;
}

static void
test_import_drop (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *db = g_build_filename (dir, "history.db", NULL);
  g_autofree char *good = g_test_build_filename (G_TEST_DIST, "data", "good-run.json", NULL);
  g_autofree char *bad_syntax = g_test_build_filename (G_TEST_DIST, "data", "bad-syntax.json", NULL);
  g_autofree char *bad_version = g_test_build_filename (G_TEST_DIST, "data", "bad-version.json", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-file.json", NULL);
  g_autofree char *second = write_second_run (dir);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GPtrArray) fixture = NULL;
  g_autoptr(GError) error = NULL;
  BenchHistoryView *history;
  BenchWindow *window;
  guint n_results = 0;

  fixture = bench_json_read_file (good, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < fixture->len; i++)
    n_results += ((BenchRun *) g_ptr_array_index (fixture, i))->results->len;

  g_setenv ("BENCHTOP_DB", db, TRUE);
  g_settings_set_string (settings, "last-view", "history");
  window = g_object_ref (bench_window_new (NULL));
  gtk_window_present (GTK_WINDOW (window));
  wait_until_idle (window);
  history = bench_window_get_history_view (window);
  g_assert_cmpuint (g_list_model_get_n_items (bench_history_view_get_runs (history)), ==, 0);

  /* A bad file between good ones: it says what is wrong with which file,
   * imports nothing from it, and the others still come in. */
  {
    const char *paths[] = { bad_syntax, good, missing, bad_version, NULL };
    g_autofree char *expected = NULL;

    drop_files (window, paths);
    g_assert_cmpuint (bench_window_get_messages (window)->len, ==, 4);

    g_assert_true (g_str_has_prefix (message (window, 0), "Could not import bad-syntax.json: "));
    expected = g_strdup_printf ("%u run%s, %u result%s from good-run.json",
                                fixture->len, fixture->len == 1 ? "" : "s",
                                n_results, n_results == 1 ? "" : "s");
    g_assert_cmpstr (message (window, 1), ==, expected);
    g_assert_true (g_str_has_prefix (message (window, 2), "Could not import no-such-file.json: "));
    g_assert_true (g_str_has_prefix (message (window, 3), "Could not import bad-version.json: "));
    for (guint i = 0; i < 4; i++)
      g_test_message ("toast: %s", message (window, i));
    save_screenshot (GTK_WIDGET (window), "app-import-toast.png");
  }
  g_assert_cmpuint (count_runs (db), ==, fixture->len);
  g_assert_cmpuint (g_list_model_get_n_items (bench_history_view_get_runs (history)), ==, fixture->len);

  /* The same file again: nothing new. */
  {
    const char *paths[] = { good, second, NULL };

    drop_files (window, paths);
    g_assert_nonnull (strstr (message (window, 4), "already in the history"));
    g_assert_nonnull (strstr (message (window, 5), "from second-run.json"));
  }
  g_assert_cmpuint (count_runs (db), ==, fixture->len * 2);
  g_assert_cmpuint (g_list_model_get_n_items (bench_history_view_get_runs (history)), ==, fixture->len * 2);

  /* Search filters the list. */
  {
    g_autoptr(GPtrArray) entries = g_ptr_array_new ();

    collect_widgets (GTK_WIDGET (history), GTK_TYPE_SEARCH_ENTRY, entries);
    g_assert_cmpuint (entries->len, ==, 1);
    gtk_editable_set_text (g_ptr_array_index (entries, 0), "second-fixture");
    g_assert_cmpuint (g_list_model_get_n_items (bench_history_view_get_shown (history)), ==, fixture->len);
    gtk_editable_set_text (g_ptr_array_index (entries, 0), "");
    g_assert_cmpuint (g_list_model_get_n_items (bench_history_view_get_shown (history)), ==, fixture->len * 2);
  }

  /* A click on a column header sorts by it. */
  {
    g_autoptr(GPtrArray) views = g_ptr_array_new ();
    g_autoptr(GtkColumnViewColumn) host = NULL;
    g_autoptr(BenchRun) top = NULL;
    GtkColumnView *runs_view;

    collect_widgets (GTK_WIDGET (history), GTK_TYPE_COLUMN_VIEW, views);
    g_assert_cmpuint (views->len, ==, 2);
    runs_view = g_ptr_array_index (views, 0);
    host = g_list_model_get_item (gtk_column_view_get_columns (runs_view), 1);
    g_assert_cmpstr (gtk_column_view_column_get_title (host), ==, "Host");
    gtk_column_view_sort_by_column (runs_view, host, GTK_SORT_DESCENDING);
    top = g_list_model_get_item (bench_history_view_get_shown (history), 0);
    g_assert_cmpstr (top->host, ==, "second-fixture-host");
    g_clear_object (&top);
    gtk_column_view_sort_by_column (runs_view, host, GTK_SORT_ASCENDING);
    top = g_list_model_get_item (bench_history_view_get_shown (history), 0);
    g_assert_cmpstr (top->host, ==, "fixture-host");
  }

  /* Two runs selected: compare them in the chart view. */
  {
    guint both[] = { 0, 1 };
    BenchChartView *charts = bench_window_get_chart_view (window);
    BenchChart *chart;
    g_autofree char *png = g_test_build_filename (G_TEST_BUILT, "app-chart-export.png", NULL);
    g_autofree char *svg = g_test_build_filename (G_TEST_BUILT, "app-chart-export.svg", NULL);
    guchar header[8] = { 0 };
    g_autoptr(GFile) file = NULL;
    g_autoptr(GFileInputStream) stream = NULL;

    bench_history_view_select (history, both, 2);
    wait_until_idle (window);
    save_screenshot (GTK_WIDGET (window), "app-history-selected.png");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (history), "history.compare", NULL));
    g_assert_cmpstr (bench_window_get_visible_view (window), ==, "charts");
    wait_until_idle (window);

    chart = bench_chart_widget_get_chart (bench_chart_view_get_chart_widget (charts));
    g_assert_nonnull (chart);
    g_assert_false (bench_chart_is_empty (chart));
    save_screenshot (GTK_WIDGET (window), "app-charts-compare.png");

    /* Export through the same code as the file chooser's answer. */
    g_assert_true (bench_chart_view_export_to (charts, png, 900, 600, &error));
    g_assert_no_error (error);
    g_assert_true (bench_chart_view_export_to (charts, svg, 900, 600, &error));
    g_assert_no_error (error);
    file = g_file_new_for_path (png);
    stream = g_file_read (file, NULL, &error);
    g_assert_no_error (error);
    g_input_stream_read (G_INPUT_STREAM (stream), header, sizeof header, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (header, 8, "\x89PNG\r\n\x1a\n", 8);
    g_test_message ("Exported %s and %s", png, svg);

    /* Hovering a bar tells its value and run. */
    {
      BenchChartWidget *widget = bench_chart_view_get_chart_widget (charts);
      int width = gtk_widget_get_width (GTK_WIDGET (widget));
      int height = gtk_widget_get_height (GTK_WIDGET (widget));
      g_autofree char *tip = NULL;

      for (int y = height / 2; y < height && tip == NULL; y += 10)
        for (int x = 0; x < width && tip == NULL; x += 5)
          tip = bench_chart_widget_describe_at (widget, x, y);
      g_assert_nonnull (tip);
      g_test_message ("Tooltip: %s", tip);
      g_assert_nonnull (strstr (tip, "gemm"));
    }

    /* A click on a legend entry hides its series; a second shows it. */
    {
      BenchChartWidget *widget = bench_chart_view_get_chart_widget (charts);
      g_autoptr(GPtrArray) flowboxes = g_ptr_array_new ();
      g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
      BenchChart *display;

      collect_widgets (GTK_WIDGET (charts), GTK_TYPE_FLOW_BOX, flowboxes);
      g_assert_cmpuint (flowboxes->len, ==, 1);
      collect_widgets (g_ptr_array_index (flowboxes, 0), GTK_TYPE_BUTTON, buttons);
      g_assert_cmpuint (buttons->len, ==, 2);
      g_signal_emit_by_name (g_ptr_array_index (buttons, 0), "clicked");
      g_assert_false (bench_chart_widget_get_series_visible (widget, 0));
      display = bench_chart_widget_get_display_chart (widget);
      g_assert_cmpuint (bench_chart_series_get_n_points (bench_chart_get_series (display, 0)), ==, 0);
      g_assert_cmpuint (bench_chart_series_get_n_points (bench_chart_get_series (display, 1)), >, 0);
      save_screenshot (GTK_WIDGET (window), "app-charts-legend-hidden.png");
      g_signal_emit_by_name (g_ptr_array_index (buttons, 0), "clicked");
      g_assert_true (bench_chart_widget_get_series_visible (widget, 0));
    }
  }

  /* A scatter chart of everything: log axes, and zooming in keeps fewer
   * points; a double-click's reset shows them all again. */
  {
    BenchChartView *charts = bench_window_get_chart_view (window);
    BenchChartWidget *widget = bench_chart_view_get_chart_widget (charts);
    g_autoptr(GPtrArray) dropdowns = g_ptr_array_new ();
    g_autoptr(GPtrArray) toggles = g_ptr_array_new ();
    GtkDropDown *kind = NULL;
    guint all_points = 0, zoomed_points = 0;
    BenchChart *display;

    bench_chart_view_set_runs (charts, NULL);
    collect_widgets (GTK_WIDGET (charts), GTK_TYPE_DROP_DOWN, dropdowns);
    for (guint i = 0; i < dropdowns->len; i++)
      if (g_strcmp0 (gtk_widget_get_name (g_ptr_array_index (dropdowns, i)), "chart-kind") == 0)
        kind = g_ptr_array_index (dropdowns, i);
    g_assert_nonnull (kind);
    gtk_drop_down_set_selected (kind, BENCH_CHART_KIND_SCATTER);
    wait_until_idle (window);
    g_assert_cmpint (bench_chart_get_kind (bench_chart_widget_get_chart (widget)), ==, BENCH_CHART_KIND_SCATTER);
    g_assert_true (bench_chart_widget_can_zoom (widget));

    collect_widgets (GTK_WIDGET (charts), GTK_TYPE_TOGGLE_BUTTON, toggles);
    for (guint i = 0; i < toggles->len; i++)
      if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (toggles, i)), "Log Y") == 0)
        gtk_toggle_button_set_active (g_ptr_array_index (toggles, i), TRUE);
    g_assert_true (bench_chart_get_log_y (bench_chart_widget_get_chart (widget)));
    g_assert_true (bench_chart_get_log_y (bench_chart_widget_get_display_chart (widget)));
    save_screenshot (GTK_WIDGET (window), "app-charts-scatter.png");

    display = bench_chart_widget_get_display_chart (widget);
    for (guint s = 0; s < bench_chart_get_n_series (display); s++)
      all_points += bench_chart_series_get_n_points (bench_chart_get_series (display, s));
    g_assert_cmpuint (all_points, >, 0);

    /* Zoom far into a corner: the window holds fewer points, or none. */
    bench_chart_widget_zoom (widget, 50, 0, 0);
    g_assert_true (bench_chart_widget_get_zoomed (widget));
    display = bench_chart_widget_get_display_chart (widget);
    for (guint s = 0; s < bench_chart_get_n_series (display); s++)
      zoomed_points += bench_chart_series_get_n_points (bench_chart_get_series (display, s));
    g_assert_cmpuint (zoomed_points, <=, all_points);
    bench_chart_widget_pan (widget, 20, 20);
    save_screenshot (GTK_WIDGET (window), "app-charts-zoomed.png");
    bench_chart_widget_reset_zoom (widget);
    g_assert_false (bench_chart_widget_get_zoomed (widget));

    /* The system's dark style reaches the chart. */
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
    g_assert_cmpint (bench_chart_get_theme (bench_chart_widget_get_display_chart (widget)), ==, BENCH_CHART_THEME_DARK);
    save_screenshot (GTK_WIDGET (window), "app-charts-dark.png");
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
    g_assert_cmpint (bench_chart_get_theme (bench_chart_widget_get_display_chart (widget)), ==, BENCH_CHART_THEME_LIGHT);
  }

  /* Export a run to JSON; delete with undo: the run comes back; without
   * undo it is gone. */
  {
    guint first = 0;
    g_autoptr(BenchRun) run = NULL;
    g_autofree char *json = g_build_filename (dir, "exported.json", NULL);
    g_autoptr(GPtrArray) exported = NULL;
    AdwToast *toast;

    switch_view (window, "history");
    bench_history_view_select (history, &first, 1);
    wait_until_idle (window);
    g_assert_cmpuint (g_list_model_get_n_items (bench_history_view_get_detail (history)), ==, n_results);
    save_screenshot (GTK_WIDGET (window), "app-history-detail.png");
    run = g_list_model_get_item (bench_history_view_get_shown (history), first);

    bench_history_view_export_run (history, run->uuid, json);
    g_assert_true (bench_history_view_get_busy (history));
    wait_until_idle (window);
    exported = bench_json_read_file (json, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (exported->len, ==, 1);
    g_assert_cmpstr (((BenchRun *) g_ptr_array_index (exported, 0))->uuid, ==, run->uuid);
    g_assert_cmpuint (((BenchRun *) g_ptr_array_index (exported, 0))->results->len, ==, n_results);

    toast = bench_history_view_delete_selected (history);
    g_assert_nonnull (toast);
    g_assert_cmpuint (g_list_model_get_n_items (bench_history_view_get_runs (history)), ==, fixture->len * 2 - 1);
    /* Not deleted while the undo toast shows. */
    g_assert_cmpuint (count_runs (db), ==, fixture->len * 2);
    save_screenshot (GTK_WIDGET (window), "app-history-deleted.png");
    /* The toast's signals, as its button and its timeout emit them (the
     * toast may still be queued behind others: libadwaita 1.2 asserts
     * when a queued toast is dismissed). */
    g_signal_emit_by_name (toast, "button-clicked");
    g_signal_emit_by_name (toast, "dismissed");
    wait_until_idle (window);
    g_assert_cmpuint (g_list_model_get_n_items (bench_history_view_get_runs (history)), ==, fixture->len * 2);
    g_assert_cmpuint (count_runs (db), ==, fixture->len * 2);

    /* Again, and let the toast go: now it is deleted from the database. */
    bench_history_view_select (history, &first, 1);
    wait_until_idle (window);
    toast = bench_history_view_delete_selected (history);
    g_assert_nonnull (toast);
    g_signal_emit_by_name (toast, "dismissed");
    g_assert_true (bench_history_view_get_busy (history));
    wait_until_idle (window);
    g_assert_cmpuint (count_runs (db), ==, fixture->len * 2 - 1);
    g_assert_cmpuint (g_list_model_get_n_items (bench_history_view_get_runs (history)), ==, fixture->len * 2 - 1);
  }

  close_and_check_finalized (window);
  g_settings_reset (settings, "last-view");
  g_unsetenv ("BENCHTOP_DB");
  remove_tmp_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  test_app_init (&argc, &argv);

  g_test_add_func ("/app/import/drop", test_import_drop);

  return g_test_run ();
}
