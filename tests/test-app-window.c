/* test-app-window.c: the desktop window, its pages and its settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Needs a display (see test-app-utils.h). Each test saves screenshots of
 * the pages in the build folder (app-*.png).
 */
#include "test-app-utils.h"

static void
assert_devices_listed (BenchWindow *window)
{
  g_autoptr(BenchRegistry) registry = bench_registry_new ();
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  /* An independent discovery says what the page must show. */
  bench_registry_discover_sync (registry, NULL, &error);
  g_assert_no_error (error);
  devices = bench_registry_get_devices (registry);
  g_assert_cmpuint (devices->len, >, 0);

  collect_widgets (GTK_WIDGET (window), ADW_TYPE_EXPANDER_ROW, rows);
  g_assert_cmpuint (rows->len, ==, devices->len);
  for (guint i = 0; i < devices->len; i++)
    {
      g_autofree char *name = g_markup_escape_text (bench_device_get_name (g_ptr_array_index (devices, i)), -1);

      g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), ==, name);
    }
}




/* The run is in the history's column view, with a visible row whose date
 * cell carries the run's id. */
static void
assert_history_lists (BenchWindow *window,
                      BenchRun    *run,
                      const char  *workload)
{
  BenchHistoryView *history = bench_window_get_history_view (window);
  GListModel *shown = bench_history_view_get_shown (history);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  gboolean found = FALSE, mapped = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(BenchRun) listed = g_list_model_get_item (shown, i);

      if (g_strcmp0 (listed->uuid, run->uuid) != 0)
        continue;
      found = TRUE;
      g_assert_nonnull (strstr (listed->summary_devices, "cpu"));
      g_assert_nonnull (strstr (listed->summary_workloads, workload));
      g_assert_cmpuint (listed->n_results, ==, run->results->len);
    }
  g_assert_true (found);

  wait_for_frame (GTK_WIDGET (window));
  collect_widgets (GTK_WIDGET (history), GTK_TYPE_INSCRIPTION, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (g_object_get_data (g_ptr_array_index (labels, i), "uuid"), run->uuid) == 0)
      mapped |= gtk_widget_get_mapped (g_ptr_array_index (labels, i));
  g_assert_true (mapped);
}

static gboolean
history_idle (gpointer data)
{
  return !bench_history_view_get_busy (data);
}

static void
select_run (BenchWindow *window,
            const char  *uuid)
{
  BenchHistoryView *history = bench_window_get_history_view (window);
  GListModel *shown = bench_history_view_get_shown (history);

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(BenchRun) listed = g_list_model_get_item (shown, i);

      if (g_strcmp0 (listed->uuid, uuid) == 0)
        {
          bench_history_view_select (history, &i, 1);
          wait_for (history_idle, history, 60, "the run's results");
          return;
        }
    }
  g_assert_not_reached ();
}

static void
test_window_pages (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(BenchRun) first = NULL;
  g_autoptr(BenchRun) second = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *last_view = NULL;
  BenchWindow *window;

  first = measure_run (path, "gemm");
  second = measure_run (path, "stream-triad");
  g_setenv ("BENCHTOP_DB", path, TRUE);

  g_settings_set_string (settings, "last-view", "run");
  window = g_object_ref (bench_window_new (NULL));
  gtk_window_present (GTK_WINDOW (window));
  wait_until_idle (window);

  g_assert_cmpstr (bench_window_get_visible_view (window), ==, "run");
  assert_devices_listed (window);
  save_screenshot (GTK_WIDGET (window), "app-run.png");

  /* The details of the first device: type, counts, measured ceilings. */
  {
    g_autoptr(GPtrArray) rows = g_ptr_array_new ();

    collect_widgets (GTK_WIDGET (window), ADW_TYPE_EXPANDER_ROW, rows);
    adw_expander_row_set_expanded (g_ptr_array_index (rows, 0), TRUE);
    save_screenshot (GTK_WIDGET (window), "app-run-details.png");
    adw_expander_row_set_expanded (g_ptr_array_index (rows, 0), FALSE);
  }

  switch_view (window, "charts");
  save_screenshot (GTK_WIDGET (window), "app-charts.png");

  switch_view (window, "history");
  last_view = g_settings_get_string (settings, "last-view");
  g_assert_cmpstr (last_view, ==, "history");
  g_clear_pointer (&last_view, g_free);
  assert_history_lists (window, first, "gemm");
  assert_history_lists (window, second, "stream-triad");

  /* Selecting a run loads its results into the detail pane. */
  select_run (window, first->uuid);
  g_assert_cmpuint (g_list_model_get_n_items (bench_history_view_get_detail (bench_window_get_history_view (window))),
                    ==, first->results->len);
  save_screenshot (GTK_WIDGET (window), "app-history.png");

  /* Narrow: the view switcher moves to the bottom bar. */
  g_assert_false (switcher_bar_revealed (GTK_WIDGET (window)));
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 640);
  save_screenshot (GTK_WIDGET (window), "app-history-narrow.png");
  g_assert_true (switcher_bar_revealed (GTK_WIDGET (window)));
  gtk_window_set_default_size (GTK_WINDOW (window), 860, 640);
  wait_for_transitions (GTK_WIDGET (window));
  g_assert_false (switcher_bar_revealed (GTK_WIDGET (window)));

  /* Refreshing keeps the same rows (no duplicates). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  g_assert_true (bench_window_get_busy (window));
  wait_until_idle (window);
  g_assert_cmpuint (g_list_model_get_n_items (bench_history_view_get_runs (bench_window_get_history_view (window))), ==, 2);
  assert_history_lists (window, first, "gemm");

  close_and_check_finalized (window);
  /* Closing keeps the page that was visible as the last view. */
  last_view = g_settings_get_string (settings, "last-view");
  g_assert_cmpstr (last_view, ==, "history");
  g_unsetenv ("BENCHTOP_DB");
  remove_tmp_dir (dir);
}

static void
test_window_empty_history (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "none.db", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  BenchWindow *window;

  g_setenv ("BENCHTOP_DB", path, TRUE);

  /* The last view is restored from the settings. */
  g_settings_set_string (settings, "last-view", "history");
  window = g_object_ref (bench_window_new (NULL));
  gtk_window_present (GTK_WINDOW (window));
  wait_until_idle (window);

  g_assert_cmpstr (bench_window_get_visible_view (window), ==, "history");
  save_screenshot (GTK_WIDGET (window), "app-history-empty.png");

  /* Looking at the history must not create one. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  close_and_check_finalized (window);
  g_unsetenv ("BENCHTOP_DB");
  remove_tmp_dir (dir);
}

static void
test_window_history_error (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "not-a-database.db", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GPtrArray) pages = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  AdwStatusPage *error_page = NULL;
  BenchWindow *window;

  /* A file that is not SQLite: the page must say so, not crash or warn. */
  g_file_set_contents (path, "These are not the runs you are looking for.\n", -1, &error);
  g_assert_no_error (error);
  g_setenv ("BENCHTOP_DB", path, TRUE);

  g_settings_set_string (settings, "last-view", "history");
  window = g_object_ref (bench_window_new (NULL));
  gtk_window_present (GTK_WINDOW (window));
  wait_until_idle (window);
  save_screenshot (GTK_WIDGET (window), "app-history-error.png");

  collect_widgets (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE, pages);
  for (guint i = 0; i < pages->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (pages, i)))
      error_page = g_ptr_array_index (pages, i);
  g_assert_nonnull (error_page);
  g_assert_cmpstr (adw_status_page_get_icon_name (error_page), ==, "dialog-error-symbolic");
  g_assert_nonnull (adw_status_page_get_description (error_page));

  close_and_check_finalized (window);
  g_settings_reset (settings, "last-view");
  g_unsetenv ("BENCHTOP_DB");
  remove_tmp_dir (dir);
}

static void
test_window_size_saved (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  BenchWindow *window;
  int width, height;

  g_settings_set_int (settings, "window-width", 700);
  g_settings_set_int (settings, "window-height", 500);

  window = g_object_ref (bench_window_new (NULL));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 700);
  g_assert_cmpint (height, ==, 500);

  gtk_window_present (GTK_WINDOW (window));
  wait_for_frame (GTK_WIDGET (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  wait_for_frame (GTK_WIDGET (window));
  close_and_check_finalized (window);

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 800);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 600);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static void
test_application_actions (void)
{
  g_autoptr(BenchApplication) app = bench_application_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "none.db", NULL);
  GtkWindow *window;
  GtkWindow *about = NULL;
  GListModel *toplevels;

  g_setenv ("BENCHTOP_DB", path, TRUE);

  /* No D-Bus in a test session: run as a plain, non-unique instance. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (BENCH_IS_WINDOW (window));
  wait_until_idle (BENCH_WINDOW (window));

  /* A second activation raises the same window. */
  g_application_activate (G_APPLICATION (app));
  g_assert_true (gtk_application_get_active_window (GTK_APPLICATION (app)) == window);

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_ABOUT_WINDOW (toplevel))
        about = GTK_WINDOW (toplevel);
    }
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_true (gtk_window_get_transient_for (about) == window);
  save_screenshot (GTK_WIDGET (about), "app-about.png");
  gtk_window_destroy (about);

  /* The shortcuts window, from the resources, lists Ctrl+R, I, E and Q. */
  {
    GtkShortcutsWindow *help = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
    const char *accels[] = { "<Control>r", "<Control>i", "<Control>e", NULL };
    g_autoptr(GPtrArray) shortcuts = g_ptr_array_new ();
    g_auto(GStrv) quit = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");

    g_assert_nonnull (help);
    g_assert_true (g_strv_contains ((const char * const *) quit, "<Control>q"));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (help)));
    save_screenshot (GTK_WIDGET (help), "app-shortcuts.png");
    collect_widgets (GTK_WIDGET (help), GTK_TYPE_SHORTCUTS_SHORTCUT, shortcuts);
    for (guint a = 0; accels[a] != NULL; a++)
      {
        gboolean found = FALSE;

        for (guint i = 0; i < shortcuts->len; i++)
          {
            g_autofree char *accel = NULL;

            g_object_get (g_ptr_array_index (shortcuts, i), "accelerator", &accel, NULL);
            found |= accel != NULL && strstr (accel, accels[a] + strlen ("<Control>")) != NULL &&
                     g_str_has_prefix (accel, "<ctrl>");
          }
        g_assert_true (found);
      }
    gtk_widget_set_visible (GTK_WIDGET (help), FALSE);
  }

  g_object_ref (window);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_assert_finalize_object (window);

  g_unsetenv ("BENCHTOP_DB");
  remove_tmp_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  test_app_init (&argc, &argv);

  g_test_add_func ("/app/window/pages", test_window_pages);
  g_test_add_func ("/app/window/empty-history", test_window_empty_history);
  g_test_add_func ("/app/window/history-error", test_window_history_error);
  g_test_add_func ("/app/window/size-saved", test_window_size_saved);
  g_test_add_func ("/app/application/actions", test_application_actions);

  return g_test_run ();
}
