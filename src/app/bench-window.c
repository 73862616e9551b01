/* bench-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window: Run, Charts and History pages in a view stack, toasts,
 * importing of dropped result files, and the window's state in GSettings.
 * Closing during a run asks first, then cancels the run and closes once it
 * has stopped.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-import.h"
#include "bench-store.h"
#include "bench-window.h"

struct _BenchWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  GCancellable         *cancellable;
  GPtrArray            *messages;      /* char *, import toasts */
  GtkFileChooserNative *import_chooser;
  guint                 importing;     /* imports in flight */
  guint                 close_after_run : 1;
  guint                 asking : 1;

  /* Template children */
  AdwViewStack         *stack;
  AdwToastOverlay      *toast_overlay;
  BenchRunView         *run_view;
  BenchChartView       *chart_view;
  BenchHistoryView     *history_view;
};

G_DEFINE_FINAL_TYPE (BenchWindow, bench_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * bench_window_new:
 * @application: (nullable): the application
 *
 * Returns: (transfer full): a new window
 */
BenchWindow *
bench_window_new (BenchApplication *application)
{
  g_return_val_if_fail (application == NULL || BENCH_IS_APPLICATION (application), NULL);

  return g_object_new (BENCH_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

gboolean
bench_window_get_busy (BenchWindow *self)
{
  g_return_val_if_fail (BENCH_IS_WINDOW (self), FALSE);

  if (self->run_view == NULL)
    return self->importing > 0;

  return self->importing > 0 ||
         bench_run_view_get_discovering (self->run_view) ||
         bench_history_view_get_busy (self->history_view) ||
         bench_chart_view_get_busy (self->chart_view);
}

const char *
bench_window_get_visible_view (BenchWindow *self)
{
  g_return_val_if_fail (BENCH_IS_WINDOW (self), NULL);

  return adw_view_stack_get_visible_child_name (self->stack);
}

BenchRunView *
bench_window_get_run_view (BenchWindow *self)
{
  g_return_val_if_fail (BENCH_IS_WINDOW (self), NULL);

  return self->run_view;
}

BenchChartView *
bench_window_get_chart_view (BenchWindow *self)
{
  g_return_val_if_fail (BENCH_IS_WINDOW (self), NULL);

  return self->chart_view;
}

BenchHistoryView *
bench_window_get_history_view (BenchWindow *self)
{
  g_return_val_if_fail (BENCH_IS_WINDOW (self), NULL);

  return self->history_view;
}

const GPtrArray *
bench_window_get_messages (BenchWindow *self)
{
  g_return_val_if_fail (BENCH_IS_WINDOW (self), NULL);

  return self->messages;
}

static void
busy_changed_cb (BenchWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* A toast is one line: its Details button shows a long problem whole. */
static void
details_clicked_cb (AdwToast    *toast,
                    BenchWindow *self)
{
  const char *text = g_object_get_data (G_OBJECT (toast), "text");
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Import Problem"), text);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_message (BenchWindow *self,
             const char  *text,
             gboolean     is_error)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  AdwToast *toast = adw_toast_new (escaped);

  g_ptr_array_add (self->messages, g_strdup (text));
  /* Problems stay longer, and their Details show them whole. */
  adw_toast_set_timeout (toast, is_error ? 10 : 5);
  if (is_error)
    {
      /* Not ADW_TOAST_PRIORITY_HIGH: libadwaita 1.2 aborts when a high
       * priority toast pushes back one that is still animating. */
      adw_toast_set_button_label (toast, _("_Details"));
      g_object_set_data_full (G_OBJECT (toast), "text", g_strdup (text), g_free);
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (details_clicked_cb), self, 0);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* The pages read the store when they are shown (the CLI or a run may
 * have added results since), not while hidden. */
static void
bench_window_visible_child_cb (BenchWindow  *self,
                               GParamSpec   *pspec,
                               AdwViewStack *stack)
{
  const char *name = adw_view_stack_get_visible_child_name (stack);

  if (g_strcmp0 (name, "history") == 0)
    bench_history_view_refresh (self->history_view);
  else if (g_strcmp0 (name, "charts") == 0)
    bench_chart_view_reload (self->chart_view);
}

/* Import */

static void
import_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(BenchWindow) self = user_data;
  g_autoptr(GPtrArray) outcomes = NULL;
  g_autoptr(GError) error = NULL;
  gboolean any = FALSE;

  self->importing--;
  outcomes = bench_import_files_finish (result, &error);

  if (self->toast_overlay != NULL)
    {
      if (outcomes == NULL)
        add_message (self, error->message, TRUE);
      for (guint i = 0; outcomes != NULL && i < outcomes->len; i++)
        {
          BenchImportOutcome *outcome = g_ptr_array_index (outcomes, i);
          g_autofree char *text = bench_import_outcome_describe (outcome);

          add_message (self, text, outcome->error != NULL);
          any |= outcome->error == NULL && outcome->n_runs > 0;
        }

      if (any)
        bench_window_visible_child_cb (self, NULL, self->stack);
    }

  if (self->importing == 0)
    busy_changed_cb (self);
}

void
bench_window_import_files (BenchWindow  *self,
                           GFile       **files,
                           guint         n_files)
{
  g_autofree char *db_path = NULL;

  g_return_if_fail (BENCH_IS_WINDOW (self));

  if (n_files == 0)
    return;

  db_path = bench_store_dup_default_path ();
  self->importing++;
  if (self->importing == 1)
    busy_changed_cb (self);
  bench_import_files_async (files, n_files, db_path, self->cancellable,
                            import_cb, g_object_ref (self));
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         BenchWindow   *self)
{
  GSList *list;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  list = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);
  g_slist_free (list);

  bench_window_import_files (self, (GFile **) files->pdata, files->len);
  return files->len > 0;
}

static void
import_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    BenchWindow     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
      bench_window_import_files (self, (GFile **) array->pdata, array->len);
    }

  g_clear_object (&self->import_chooser);
}

static void
bench_window_import_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  BenchWindow *self = BENCH_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  g_clear_object (&self->import_chooser);
  self->import_chooser = gtk_file_chooser_native_new (_("Import Results"), GTK_WINDOW (self),
                                                      GTK_FILE_CHOOSER_ACTION_OPEN,
                                                      _("_Import"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->import_chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Benchtop results (JSON)"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->import_chooser), filter);
  g_signal_connect (self->import_chooser, "response", G_CALLBACK (import_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->import_chooser));
}

/* Actions */

static void
bench_window_run_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  BenchWindow *self = BENCH_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->stack, "run");
  bench_run_view_start (self->run_view);
}

static void
bench_window_cancel_run_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  bench_run_view_cancel (BENCH_WINDOW (widget)->run_view);
}

static void
bench_window_export_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  BenchWindow *self = BENCH_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->stack, "charts");
  bench_chart_view_export (self->chart_view);
}

static void
bench_window_refresh_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  BenchWindow *self = BENCH_WINDOW (widget);

  bench_run_view_refresh_devices (self->run_view);
  bench_window_visible_child_cb (self, NULL, self->stack);
}

static void
bench_window_show_view_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  BenchWindow *self = BENCH_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  if (adw_view_stack_get_child_by_name (self->stack, name) != NULL)
    adw_view_stack_set_visible_child_name (self->stack, name);
}


static void
running_changed_cb (BenchWindow  *self,
                    GParamSpec   *pspec,
                    BenchRunView *run_view)
{
  gboolean running = bench_run_view_get_running (run_view);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.run", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-run", running);

  /* Closing waited for the run to stop. */
  if (!running && self->close_after_run)
    gtk_window_close (GTK_WINDOW (self));
}

static void
run_finished_cb (BenchWindow  *self,
                 BenchRun     *run,
                 BenchRunView *run_view)
{
  if (self->close_after_run)
    return;
  bench_window_visible_child_cb (self, NULL, self->stack);
}

static void
compare_cb (BenchWindow       *self,
            char             **uuids,
            BenchHistoryView  *history_view)
{
  bench_chart_view_set_runs (self->chart_view, (const char * const *) uuids);
  adw_view_stack_set_visible_child_name (self->stack, "charts");
}

/* Closing */

static void
close_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   BenchWindow      *self)
{
  self->asking = FALSE;
  if (g_strcmp0 (response, "stop") != 0)
    return;

  /* Close once the runner has stopped and recorded the run as cancelled. */
  self->close_after_run = TRUE;
  bench_run_view_cancel (self->run_view);
  if (!bench_run_view_get_running (self->run_view))
    gtk_window_close (GTK_WINDOW (self));
}

static gboolean
bench_window_close_request (GtkWindow *window)
{
  BenchWindow *self = BENCH_WINDOW (window);
  int width, height;

  if (bench_run_view_get_running (self->run_view))
    {
      AdwMessageDialog *dialog;

      if (self->asking || self->close_after_run)
        return TRUE;

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _("Stop the Benchmark?"),
                                                           _("A benchmark is running. Closing the window "
                                                             "stops it; the configurations finished so far "
                                                             "stay in the history.")));
      adw_message_dialog_add_responses (dialog,
                                        "continue", _("_Keep Running"),
                                        "stop", _("_Stop and Close"),
                                        NULL);
      adw_message_dialog_set_response_appearance (dialog, "stop", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (dialog, "continue");
      adw_message_dialog_set_close_response (dialog, "continue");
      g_signal_connect (dialog, "response", G_CALLBACK (close_response_cb), self);
      self->asking = TRUE;
      gtk_window_present (GTK_WINDOW (dialog));
      return TRUE;
    }

  g_cancellable_cancel (self->cancellable);

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  /* The size while maximized is the screen's; keep the one to restore to. */
  if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }

  return GTK_WINDOW_CLASS (bench_window_parent_class)->close_request (window);
}

/* GObject */

static void
bench_window_dispose (GObject *object)
{
  BenchWindow *self = (BenchWindow *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->import_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->import_chooser));
  g_clear_object (&self->import_chooser);

  /* Tearing the stack down changes its visible page: that must neither be
   * saved as the last view nor start a listing. */
  if (self->stack != NULL)
    {
      g_settings_unbind (self->stack, "visible-child-name");
      g_signal_handlers_disconnect_by_func (self->stack, bench_window_visible_child_cb, self);
    }
  if (self->run_view != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->run_view, self);
      g_signal_handlers_disconnect_by_data (self->chart_view, self);
      g_signal_handlers_disconnect_by_data (self->history_view, self);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), BENCH_TYPE_WINDOW);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->messages, g_ptr_array_unref);

  G_OBJECT_CLASS (bench_window_parent_class)->dispose (object);
}

static void
bench_window_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  BenchWindow *self = BENCH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, bench_window_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bench_window_class_init (BenchWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = bench_window_dispose;
  object_class->get_property = bench_window_get_property;

  window_class->close_request = bench_window_close_request;

  /**
   * BenchWindow:busy:
   *
   * Whether discovery, a listing, a chart or an import is under way.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (BENCH_TYPE_RUN_VIEW);
  g_type_ensure (BENCH_TYPE_CHART_VIEW);
  g_type_ensure (BENCH_TYPE_HISTORY_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/benchtop/Benchtop/bench-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, run_view);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, chart_view);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, history_view);

  gtk_widget_class_install_action (widget_class, "win.run", NULL, bench_window_run_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-run", NULL, bench_window_cancel_run_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, bench_window_import_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, bench_window_export_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, bench_window_refresh_action);
  gtk_widget_class_install_action (widget_class, "win.show-view", "s", bench_window_show_view_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel-run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "win.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.show-view", "s", "run");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.show-view", "s", "charts");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.show-view", "s", "history");
}

static void
bench_window_init (BenchWindow *self)
{
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->messages = g_ptr_array_new_with_free_func (g_free);

  /* Result files dropped anywhere on the window are imported. */
  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  g_signal_connect_swapped (self->run_view, "notify::discovering", G_CALLBACK (busy_changed_cb), self);
  g_signal_connect_swapped (self->history_view, "notify::busy", G_CALLBACK (busy_changed_cb), self);
  g_signal_connect_swapped (self->chart_view, "notify::busy", G_CALLBACK (busy_changed_cb), self);
  g_signal_connect_swapped (self->run_view, "notify::running", G_CALLBACK (running_changed_cb), self);
  g_signal_connect_swapped (self->run_view, "run-finished", G_CALLBACK (run_finished_cb), self);
  g_signal_connect_swapped (self->history_view, "compare", G_CALLBACK (compare_cb), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-run", FALSE);

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_settings_bind (self->settings, "last-view", self->stack, "visible-child-name",
                   G_SETTINGS_BIND_DEFAULT);

  g_signal_connect_object (self->stack, "notify::visible-child",
                           G_CALLBACK (bench_window_visible_child_cb), self,
                           G_CONNECT_SWAPPED);

  bench_window_visible_child_cb (self, NULL, self->stack);
}
