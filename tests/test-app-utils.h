/* test-app-utils.h: what the UI tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test program includes this once. The tests need a display: without
 * one a program runs itself again under "xvfb-run -a"; without xvfb-run it
 * skips (exit status 77). Screenshots go to the build folder (app-*.png).
 */
#pragma once

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

/* Not every test program uses every helper. */
#pragma GCC diagnostic ignored "-Wunused-function"

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

/* Waits until @done returns TRUE, failing after @seconds. */
static void
wait_for (gboolean  (*done) (gpointer data),
          gpointer    data,
          guint       seconds,
          const char *what)
{
  guint timeout_id = g_timeout_add_seconds (seconds, timeout_cb, (gpointer) what);

  while (!done (data))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout_id);
}

static void
test_app_init (int    *argc,
               char ***argv)
{
  ensure_display (*argc, *argv);

  gtk_test_init (argc, argv, NULL);
  adw_init ();

  /* What GtkApplication does for the app: find our icons in the resources. */
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/io/github/benchtop/Benchtop/icons");
}
