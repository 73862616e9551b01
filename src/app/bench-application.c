/* bench-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-application.h"
#include "bench-window.h"

struct _BenchApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (BenchApplication, bench_application, ADW_TYPE_APPLICATION)

/**
 * bench_application_new:
 *
 * Returns: (transfer full): the application, id io.github.benchtop.Benchtop
 */
BenchApplication *
bench_application_new (void)
{
  return g_object_new (BENCH_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/benchtop/Benchtop",
                       NULL);
}

static void
bench_application_activate (GApplication *app)
{
  GtkWindow *window;

  /* A second launch raises the window we have instead of opening another. */
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (bench_window_new (BENCH_APPLICATION (app)));

  gtk_window_present (window);
}

static void
bench_application_class_init (BenchApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = bench_application_activate;
}

static void
bench_application_about_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  static const char *developers[] = { "The Benchtop contributors", NULL };
  BenchApplication *self = user_data;
  GtkWindow *window;
  AdwAboutWindow *about;

  g_assert (BENCH_IS_APPLICATION (self));

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", window,
                        "modal", TRUE,
                        "application-name", _("Benchtop"),
                        "application-icon", APP_ID,
                        "developer-name", _("The Benchtop contributors"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Benchmark machine-learning workloads on every compute "
                                      "device of this machine and keep the history."),
                        "website", "https://github.com/benchtop/benchtop",
                        "issue-url", "https://github.com/benchtop/benchtop/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2024 The Benchtop contributors",
                        "developers", developers,
                        /* Translators: replace with your names, one a line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
bench_application_quit_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  BenchApplication *self = user_data;
  GList *windows;

  g_assert (BENCH_IS_APPLICATION (self));

  /* Closing (not destroying) lets each window save its state and cancel
   * what it started before the application goes away. */
  windows = gtk_application_get_windows (GTK_APPLICATION (self));
  for (GList *l = windows; l != NULL; )
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }

  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "quit", bench_application_quit_action },
  { "about", bench_application_about_action },
};

static void
bench_application_init (BenchApplication *self)
{
  static const char *quit_accels[] = { "<primary>q", NULL };

  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions,
                                   G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
}
