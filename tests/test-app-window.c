/* test-app-window.c: smoke test of the desktop window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Needs a display. Without one, the program runs itself again under
 * "xvfb-run -a"; without xvfb-run it skips (exit status 77). Each test
 * saves screenshots of the pages in the build folder (app-*.png).
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "bench-registry.h"
#include "bench-runner.h"
#include "bench-store.h"
#include "bench-window.h"

#define EXIT_SKIP 77

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("Timed out waiting for %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

static void
wait_until_idle (BenchWindow *window)
{
  guint timeout_id = g_timeout_add_seconds (120, timeout_cb, (gpointer) "the window to be idle");

  while (bench_window_get_busy (window))
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (timeout_id);
}

static void
after_paint_cb (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

/* Waits for the window to be laid out and drawn once more. */
static void
wait_for_frame (GtkWidget *window)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong handler;
  guint timeout_id;

  timeout_id = g_timeout_add_seconds (30, timeout_cb, (gpointer) "a frame");
  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);

  clock = gtk_widget_get_frame_clock (window);
  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (window);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  g_source_remove (timeout_id);
}

static void
collect_widgets (GtkWidget *widget,
                 GType      type,
                 GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        g_ptr_array_add (found, child);
      collect_widgets (child, type, found);
    }
}

static gboolean
transition_running (GtkWidget *window)
{
  g_autoptr(GPtrArray) stacks = g_ptr_array_new ();
  g_autoptr(GPtrArray) squeezers = g_ptr_array_new ();
  g_autoptr(GPtrArray) revealers = g_ptr_array_new ();

  collect_widgets (window, GTK_TYPE_STACK, stacks);
  collect_widgets (window, ADW_TYPE_SQUEEZER, squeezers);
  collect_widgets (window, GTK_TYPE_REVEALER, revealers);
  for (guint i = 0; i < stacks->len; i++)
    if (gtk_stack_get_transition_running (g_ptr_array_index (stacks, i)))
      return TRUE;
  for (guint i = 0; i < squeezers->len; i++)
    if (adw_squeezer_get_transition_running (g_ptr_array_index (squeezers, i)))
      return TRUE;
  for (guint i = 0; i < revealers->len; i++)
    {
      GtkRevealer *revealer = g_ptr_array_index (revealers, i);

      if (gtk_widget_get_mapped (GTK_WIDGET (revealer)) &&
          gtk_revealer_get_reveal_child (revealer) != gtk_revealer_get_child_revealed (revealer))
        return TRUE;
    }

  return FALSE;
}

/* Animations stay on: libadwaita 1.2's squeezer mis-allocates the view
 * switcher (a Gtk-WARNING) in narrow windows when they are off. So wait
 * for crossfades to end instead, to take steady pictures. */
static void
wait_for_transitions (GtkWidget *window)
{
  do
    wait_for_frame (window);
  while (transition_running (window));
}

/* Renders the window with its own renderer, as it is on screen. */
static void
save_screenshot (GtkWidget  *window,
                 const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  int width, height;

  wait_for_transitions (window);

  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  g_assert_nonnull (renderer);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);

  path = g_test_build_filename (G_TEST_BUILT, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s (%d×%d)", path, width, height);
}

static GtkWidget *
find_row_with_tooltip (GtkWidget  *window,
                       const char *tooltip)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_widgets (window, ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      const char *text = gtk_widget_get_tooltip_text (g_ptr_array_index (rows, i));

      if (g_strcmp0 (text, tooltip) == 0)
        return g_ptr_array_index (rows, i);
    }

  return NULL;
}

static gboolean
switcher_bar_revealed (GtkWidget *window)
{
  g_autoptr(GPtrArray) bars = g_ptr_array_new ();

  collect_widgets (window, ADW_TYPE_VIEW_SWITCHER_BAR, bars);
  g_assert_cmpuint (bars->len, ==, 1);
  return adw_view_switcher_bar_get_reveal (g_ptr_array_index (bars, 0));
}

static void
switch_view (BenchWindow *window,
             const char  *name)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", name));
  g_assert_cmpstr (bench_window_get_visible_view (window), ==, name);
  wait_until_idle (window);
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_set_object ((GAsyncResult **) user_data, result);
}

/* Measures a real, tiny run into @path with the library's runner. */
static BenchRun *
measure_run (const char *path,
             const char *workload)
{
  g_autoptr(BenchRegistry) registry = bench_registry_new ();
  g_autoptr(BenchRunner) runner = NULL;
  g_autoptr(BenchPlan) plan = bench_plan_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  BenchRun *run;

  bench_registry_discover_sync (registry, NULL, &error);
  g_assert_no_error (error);

  bench_plan_add_workload (plan, workload);
  bench_plan_add_device (plan, "cpu");
  bench_plan_set_gemm_size (plan, 64);
  bench_plan_set_stream_bytes (plan, 1024 * 1024);
  bench_plan_set_iterations (plan, 3);
  bench_plan_set_warmup (plan, 1);
  bench_plan_set_min_time (plan, 0.01);

  runner = bench_runner_new (registry);
  bench_runner_set_store_path (runner, path);
  bench_runner_run_async (runner, plan, NULL,
                          store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  run = bench_runner_run_finish (runner, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (run);
  return run;
}

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

static char *
make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("benchtop-app-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tmp_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_assert_no_errno (g_unlink (path));
    }
  g_assert_no_errno (g_rmdir (dir));
}

static void
close_and_check_finalized (BenchWindow *window)
{
  wait_until_idle (window);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_finalize_object (window);
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
  GtkWidget *row;

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
  row = find_row_with_tooltip (GTK_WIDGET (window), first->uuid);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_mapped (row));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "cpu"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "gemm"));
  row = find_row_with_tooltip (GTK_WIDGET (window), second->uuid);
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "stream-triad"));
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
  {
    g_autoptr(GPtrArray) rows = g_ptr_array_new ();
    guint n_runs = 0;

    collect_widgets (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, rows);
    for (guint i = 0; i < rows->len; i++)
      {
        const char *tip = gtk_widget_get_tooltip_text (g_ptr_array_index (rows, i));

        if (g_strcmp0 (tip, first->uuid) == 0 || g_strcmp0 (tip, second->uuid) == 0)
          n_runs++;
      }
    g_assert_cmpuint (n_runs, ==, 2);
  }

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

  g_object_ref (window);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_assert_finalize_object (window);

  g_unsetenv ("BENCHTOP_DB");
  remove_tmp_dir (dir);
}

/* Runs this program again under xvfb-run when there is no display. */
static void
ensure_display (int    argc,
                char **argv)
{
  g_autofree char *xvfb_run = NULL;
  g_autoptr(GPtrArray) args = NULL;

  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    return;

  if (g_getenv ("BENCHTOP_TEST_UNDER_XVFB") != NULL ||
      (xvfb_run = g_find_program_in_path ("xvfb-run")) == NULL)
    {
      g_printerr ("No display and no xvfb-run: skipping\n");
      exit (EXIT_SKIP);
    }

  g_setenv ("BENCHTOP_TEST_UNDER_XVFB", "1", TRUE);
  args = g_ptr_array_new ();
  g_ptr_array_add (args, xvfb_run);
  g_ptr_array_add (args, (char *) "-a");
  g_ptr_array_add (args, (char *) "-s");
  g_ptr_array_add (args, (char *) "-screen 0 1280x1024x24 -nolisten tcp");
  for (int i = 0; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);

  execv (xvfb_run, (char **) args->pdata);
  g_printerr ("Could not run %s: %s\n", xvfb_run, g_strerror (errno));
  exit (EXIT_FAILURE);
}

int
main (int   argc,
      char *argv[])
{
  ensure_display (argc, argv);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* What GtkApplication does for the app: find our icons in the resources. */
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/io/github/benchtop/Benchtop/icons");

  g_test_add_func ("/app/window/pages", test_window_pages);
  g_test_add_func ("/app/window/empty-history", test_window_empty_history);
  g_test_add_func ("/app/window/history-error", test_window_history_error);
  g_test_add_func ("/app/window/size-saved", test_window_size_saved);
  g_test_add_func ("/app/application/actions", test_application_actions);

  return g_test_run ();
}
