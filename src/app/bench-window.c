/* bench-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "bench-registry.h"
#include "bench-store.h"
#include "bench-window.h"

struct _BenchWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  GCancellable         *cancellable;
  BenchRegistry        *registry;
  GListStore           *devices;   /* BenchDevice */
  GListStore           *backends;  /* BenchBackend that found no device */
  GListStore           *runs;      /* BenchRun, newest first */
  guint                 discovering : 1;
  guint                 listing : 1;

  /* Template children */
  AdwViewStack         *stack;
  GtkSpinner           *devices_spinner;
  GtkListBox           *devices_list;
  GtkLabel             *devices_placeholder;
  AdwPreferencesGroup  *backends_group;
  GtkListBox           *backends_list;
  GtkStack             *history_stack;
  GtkSpinner           *history_spinner;
  AdwStatusPage        *history_error_page;
  AdwPreferencesGroup  *runs_group;
  GtkListBox           *runs_list;
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

  return self->discovering || self->listing;
}

const char *
bench_window_get_visible_view (BenchWindow *self)
{
  g_return_val_if_fail (BENCH_IS_WINDOW (self), NULL);

  return adw_view_stack_get_visible_child_name (self->stack);
}

static void
bench_window_set_busy_flags (BenchWindow *self,
                             gboolean     discovering,
                             gboolean     listing)
{
  gboolean was_busy = bench_window_get_busy (self);

  self->discovering = !!discovering;
  self->listing = !!listing;

  /* A callback can still arrive after the template is gone. */
  if (self->devices_spinner != NULL)
    {
      gtk_spinner_set_spinning (self->devices_spinner, self->discovering);
      gtk_widget_set_visible (GTK_WIDGET (self->devices_spinner), self->discovering);
      gtk_spinner_set_spinning (self->history_spinner, self->listing);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh",
                                 !self->discovering && !self->listing);

  if (was_busy != bench_window_get_busy (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Formatting */

static const char *
device_type_label (BenchDeviceType type)
{
  switch (type)
    {
    case BENCH_DEVICE_TYPE_CPU:
      return _("CPU");
    case BENCH_DEVICE_TYPE_INTEGRATED_GPU:
      return _("Integrated GPU");
    case BENCH_DEVICE_TYPE_DISCRETE_GPU:
      return _("Discrete GPU");
    case BENCH_DEVICE_TYPE_VIRTUAL_GPU:
      return _("Virtual GPU");
    case BENCH_DEVICE_TYPE_ACCELERATOR:
      return _("Accelerator");
    case BENCH_DEVICE_TYPE_OTHER:
    default:
      return _("Other device");
    }
}

static const char *
device_type_icon (BenchDeviceType type)
{
  switch (type)
    {
    case BENCH_DEVICE_TYPE_CPU:
      return "computer-symbolic";
    case BENCH_DEVICE_TYPE_INTEGRATED_GPU:
    case BENCH_DEVICE_TYPE_DISCRETE_GPU:
    case BENCH_DEVICE_TYPE_VIRTUAL_GPU:
      return "video-display-symbolic";
    case BENCH_DEVICE_TYPE_ACCELERATOR:
    case BENCH_DEVICE_TYPE_OTHER:
    default:
      return "system-run-symbolic";
    }
}

/* "4 cores · 8 threads · 15.5 GiB"; unknown figures are left out here and
 * spelled out as unknown in the detail rows. */
static char *
device_summary (BenchDevice *device)
{
  GString *str = g_string_new (device_type_label (bench_device_get_device_type (device)));
  gint64 units = bench_device_get_compute_units (device);
  gint64 threads = bench_device_get_threads (device);
  gint64 memory = bench_device_get_memory_bytes (device);

  /* Counts of cores and threads fit an int; plain %d keeps the strings
   * readable for xgettext. */
  if (units >= 0)
    {
      g_string_append (str, " · ");
      if (bench_device_get_device_type (device) == BENCH_DEVICE_TYPE_CPU)
        g_string_append_printf (str, g_dngettext (GETTEXT_PACKAGE, "%d core", "%d cores", units),
                                (int) units);
      else
        g_string_append_printf (str, g_dngettext (GETTEXT_PACKAGE, "%d compute unit",
                                                  "%d compute units", units),
                                (int) units);
    }

  if (threads >= 0)
    {
      g_string_append (str, " · ");
      g_string_append_printf (str, g_dngettext (GETTEXT_PACKAGE, "%d thread", "%d threads", threads),
                              (int) threads);
    }

  if (memory >= 0)
    {
      g_autofree char *size = g_format_size_full (memory, G_FORMAT_SIZE_IEC_UNITS);

      g_string_append (str, " · ");
      /* Translators: %s is a size such as "15.5 GiB" */
      g_string_append_printf (str, _("%s memory"), size);
    }

  return g_string_free (str, FALSE);
}

/* A "name: value" row, the value on the right as in a properties list;
 * a long value (ISA flags) goes below the name, where it can wrap. */
static GtkWidget *
detail_row_new (const char *title,
                const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *escaped_title = g_markup_escape_text (title, -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped_title);

  if (g_utf8_strlen (value, -1) > 40)
    {
      g_autofree char *escaped_value = g_markup_escape_text (value, -1);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped_value);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
    }
  else
    {
      GtkWidget *label = gtk_label_new (value);

      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 1.0);
      gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (label, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }

  return row;
}

static void
add_detail_count (AdwExpanderRow *row,
                  const char     *title,
                  gint64          value)
{
  g_autofree char *text = NULL;

  if (value < 0)
    text = g_strdup (_("unknown"));
  else
    text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  adw_expander_row_add_row (row, detail_row_new (title, text));
}

static void
add_detail_measure (AdwExpanderRow *row,
                    const char     *title,
                    double          value,
                    const char     *unit)
{
  g_autofree char *text = NULL;

  /* NAN means not measured: say so instead of showing a number. */
  if (isnan (value))
    text = g_strdup (_("not measured"));
  else
    text = g_strdup_printf ("%.1f %s", value, unit);

  adw_expander_row_add_row (row, detail_row_new (title, text));
}

static GtkWidget *
create_device_row (gpointer item,
                   gpointer user_data)
{
  BenchDevice *device = item;
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *id_label;
  g_autofree char *name = g_markup_escape_text (bench_device_get_name (device), -1);
  g_autofree char *summary = device_summary (device);
  g_autofree char *escaped_summary = g_markup_escape_text (summary, -1);
  const char * const *keys;
  gint64 memory;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), escaped_summary);
  adw_expander_row_set_icon_name (ADW_EXPANDER_ROW (row),
                                  device_type_icon (bench_device_get_device_type (device)));

  /* The id is what the command line takes with --device. */
  id_label = gtk_label_new (bench_device_get_id (device));
  gtk_widget_set_valign (id_label, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (id_label, _("Device id for “benchtop-cli run --device”"));
  gtk_label_set_selectable (GTK_LABEL (id_label), TRUE);
  gtk_widget_add_css_class (id_label, "dim-label");
  gtk_widget_add_css_class (id_label, "monospace");
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), id_label);

  adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                            detail_row_new (_("Backend"), bench_device_get_backend_name (device)));
  if (bench_device_get_vendor (device) != NULL)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                              detail_row_new (_("Vendor"), bench_device_get_vendor (device)));
  if (bench_device_get_driver (device) != NULL)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                              detail_row_new (_("Driver"), bench_device_get_driver (device)));
  add_detail_count (ADW_EXPANDER_ROW (row), _("Compute units"),
                    bench_device_get_compute_units (device));
  add_detail_count (ADW_EXPANDER_ROW (row), _("Threads"),
                    bench_device_get_threads (device));

  memory = bench_device_get_memory_bytes (device);
  if (memory >= 0)
    {
      g_autofree char *size = g_format_size_full (memory, G_FORMAT_SIZE_IEC_UNITS | G_FORMAT_SIZE_LONG_FORMAT);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), detail_row_new (_("Memory"), size));
    }
  else
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), detail_row_new (_("Memory"), _("unknown")));

  add_detail_measure (ADW_EXPANDER_ROW (row), _("Peak compute"),
                      bench_device_get_peak_gflops (device), "GFLOP/s");
  add_detail_measure (ADW_EXPANDER_ROW (row), _("Memory bandwidth"),
                      bench_device_get_bandwidth_gbs (device), "GB/s");

  keys = bench_device_get_property_keys (device);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                              detail_row_new (keys[i],
                                              bench_device_get_property_value (device, keys[i])));

  if (bench_device_get_fingerprint (device) != NULL)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                              detail_row_new (_("Fingerprint"), bench_device_get_fingerprint (device)));

  return row;
}

static GtkWidget *
create_backend_row (gpointer item,
                    gpointer user_data)
{
  BenchBackend *backend = item;
  const char *message = bench_backend_get_status_message (backend);
  g_autofree char *name = g_markup_escape_text (bench_backend_get_name (backend), -1);
  g_autofree char *escaped = g_markup_escape_text (message != NULL ? message : _("No devices found"), -1);
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "dialog-information-symbolic");

  return row;
}

/* "35 ms", "2.4 s", "2 min 5 s", "1 h 3 min": how long a run took. */
static char *
format_duration (GTimeSpan span)
{
  gint64 seconds = span / G_TIME_SPAN_SECOND;

  if (span < G_TIME_SPAN_SECOND)
    /* Translators: a duration in milliseconds */
    return g_strdup_printf (_("%d ms"), (int) (span / G_TIME_SPAN_MILLISECOND));
  if (seconds < 60)
    /* Translators: a duration in seconds */
    return g_strdup_printf (_("%.1f s"), (double) span / G_TIME_SPAN_SECOND);
  if (seconds < 3600)
    /* Translators: a duration in minutes and seconds */
    return g_strdup_printf (_("%d min %d s"), (int) (seconds / 60), (int) (seconds % 60));

  /* Translators: a duration in hours and minutes */
  return g_strdup_printf (_("%d h %d min"), (int) (seconds / 3600), (int) (seconds % 3600 / 60));
}

static char *
run_source_text (BenchRun *run)
{
  if (run->source == NULL || g_str_equal (run->source, "local"))
    return g_strdup (_("measured here"));

  if (run->source_file != NULL)
    {
      g_autofree char *base = g_path_get_basename (run->source_file);

      /* Translators: "imported from results.json (benchtop-json)" */
      return g_strdup_printf (_("imported from %s (%s)"), base,
                              run->source_format != NULL ? run->source_format : run->source);
    }

  /* Translators: "imported (benchtop-json)" */
  return g_strdup_printf (_("imported (%s)"),
                          run->source_format != NULL ? run->source_format : run->source);
}

static const char *
run_status_label (BenchRunStatus status,
                  const char   **css_class)
{
  switch (status)
    {
    case BENCH_RUN_STATUS_RUNNING:
      *css_class = "accent";
      return _("Running");
    case BENCH_RUN_STATUS_COMPLETED:
      *css_class = "success";
      return _("Completed");
    case BENCH_RUN_STATUS_CANCELLED:
      *css_class = "warning";
      return _("Cancelled");
    case BENCH_RUN_STATUS_FAILED:
      *css_class = "error";
      return _("Failed");
    case BENCH_RUN_STATUS_INTERRUPTED:
    default:
      *css_class = "warning";
      return _("Interrupted");
    }
}

static GtkWidget *
create_run_row (gpointer item,
                gpointer user_data)
{
  BenchRun *run = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *box;
  GtkWidget *status;
  GtkWidget *count;
  const char *status_class = NULL;
  const char *status_text;
  g_autofree char *title = NULL;
  g_autofree char *source = run_source_text (run);
  g_autofree char *subtitle = NULL;
  g_autofree char *escaped_subtitle = NULL;
  g_autofree char *results = NULL;

  if (run->started_at != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (run->started_at);

      title = g_date_time_format (local, "%Y-%m-%d %H:%M");
    }
  else
    title = g_strdup (_("Unknown date"));

  if (run->started_at != NULL && run->finished_at != NULL)
    {
      GTimeSpan span = g_date_time_difference (run->finished_at, run->started_at);

      if (span >= 0)
        {
          g_autofree char *took = format_duration (span);
          char *with_duration = g_strdup_printf ("%s · %s", source, took);

          g_free (source);
          source = with_duration;
        }
    }

  /* Translators: host · how the run got here, then the devices and workloads */
  subtitle = g_strdup_printf (_("%s · %s\nDevices: %s\nWorkloads: %s"),
                              run->host != NULL ? run->host : _("unknown host"),
                              source,
                              run->summary_devices != NULL && run->summary_devices[0] != '\0'
                                ? run->summary_devices : _("none"),
                              run->summary_workloads != NULL && run->summary_workloads[0] != '\0'
                                ? run->summary_workloads : _("none"));
  escaped_subtitle = g_markup_escape_text (subtitle, -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped_subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (run->uuid != NULL)
    gtk_widget_set_tooltip_text (row, run->uuid);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);

  status_text = run_status_label (run->status, &status_class);
  status = gtk_label_new (status_text);
  gtk_label_set_xalign (GTK_LABEL (status), 1.0);
  gtk_widget_add_css_class (status, "caption-heading");
  gtk_widget_add_css_class (status, status_class);
  if (run->error != NULL)
    gtk_widget_set_tooltip_text (status, run->error);
  gtk_box_append (GTK_BOX (box), status);

  if (run->n_failed > 0)
    /* Translators: "12 results, 2 failed" */
    results = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u result, %u failed",
                                            "%u results, %u failed", run->n_results),
                               run->n_results, run->n_failed);
  else
    results = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u result", "%u results",
                                            run->n_results),
                               run->n_results);
  count = gtk_label_new (results);
  gtk_label_set_xalign (GTK_LABEL (count), 1.0);
  gtk_widget_add_css_class (count, "caption");
  gtk_widget_add_css_class (count, "dim-label");
  gtk_box_append (GTK_BOX (box), count);

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);

  /* A short id that "benchtop-cli show" accepts as a prefix. */
  if (run->uuid != NULL)
    {
      g_autofree char *short_id = g_strndup (run->uuid, 8);
      GtkWidget *id_label = gtk_label_new (short_id);

      gtk_widget_set_valign (id_label, GTK_ALIGN_CENTER);
      gtk_widget_set_margin_start (id_label, 6);
      gtk_label_set_selectable (GTK_LABEL (id_label), TRUE);
      gtk_widget_add_css_class (id_label, "dim-label");
      gtk_widget_add_css_class (id_label, "monospace");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), id_label);
    }

  return row;
}

/* Devices */

static void
bench_window_discover_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  BenchRegistry *registry = BENCH_REGISTRY (object);
  g_autoptr(BenchWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GPtrArray) backends = NULL;
  g_autoptr(GPtrArray) idle_backends = NULL;

  g_assert (BENCH_IS_WINDOW (self));

  bench_window_set_busy_flags (self, FALSE, self->listing);

  if (!bench_registry_discover_finish (registry, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->devices_placeholder, error->message);
      return;
    }

  devices = bench_registry_get_devices (registry);
  g_list_store_splice (self->devices, 0, g_list_model_get_n_items (G_LIST_MODEL (self->devices)),
                       devices->pdata, devices->len);
  gtk_label_set_text (self->devices_placeholder,
                      _("No compute devices were found on this machine."));

  /* A backend that found nothing says why; show that rather than hiding it. */
  backends = bench_registry_get_backends (registry);
  idle_backends = g_ptr_array_new ();
  for (guint i = 0; i < backends->len; i++)
    {
      BenchBackend *backend = g_ptr_array_index (backends, i);
      gboolean has_device = FALSE;

      for (guint j = 0; j < devices->len && !has_device; j++)
        has_device = g_strcmp0 (bench_device_get_backend_name (g_ptr_array_index (devices, j)),
                                bench_backend_get_name (backend)) == 0;
      if (!has_device)
        g_ptr_array_add (idle_backends, backend);
    }
  g_list_store_splice (self->backends, 0, g_list_model_get_n_items (G_LIST_MODEL (self->backends)),
                       idle_backends->pdata, idle_backends->len);
  gtk_widget_set_visible (GTK_WIDGET (self->backends_group), idle_backends->len > 0);
}

static void
bench_window_refresh_devices (BenchWindow *self)
{
  if (self->discovering)
    return;

  bench_window_set_busy_flags (self, TRUE, self->listing);
  gtk_label_set_text (self->devices_placeholder, _("Looking for devices…"));
  bench_registry_discover_async (self->registry,
                                 self->cancellable,
                                 bench_window_discover_cb,
                                 g_object_ref (self));
}

/* History */

static void
list_runs_worker (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(BenchStore) store = NULL;
  GPtrArray *runs;
  GError *error = NULL;

  /* Listing must not create a history: with no file there are no runs. */
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_task_return_pointer (task,
                             g_ptr_array_new_with_free_func (g_object_unref),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  if (!(store = bench_store_open (path, &error)) ||
      !(runs = bench_store_list_runs (store, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, runs, (GDestroyNotify) g_ptr_array_unref);
}

static void
bench_window_list_runs_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  BenchWindow *self = BENCH_WINDOW (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;

  bench_window_set_busy_flags (self, self->discovering, FALSE);

  if (!(runs = g_task_propagate_pointer (G_TASK (result), &error)))
    {
      g_autofree char *escaped = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* The store's messages name the file and say what to do. */
      escaped = g_markup_escape_text (error->message, -1);
      adw_status_page_set_description (self->history_error_page, escaped);
      gtk_stack_set_visible_child_name (self->history_stack, "error");
      return;
    }

  g_list_store_splice (self->runs, 0, g_list_model_get_n_items (G_LIST_MODEL (self->runs)),
                       runs->pdata, runs->len);
  gtk_stack_set_visible_child_name (self->history_stack, runs->len > 0 ? "list" : "empty");
}

static void
bench_window_refresh_history (BenchWindow *self)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *description = NULL;

  if (self->listing)
    return;

  path = bench_store_dup_default_path ();
  escaped = g_markup_escape_text (path, -1);
  /* Translators: %s is the path of the SQLite history */
  description = g_strdup_printf (_("Newest first, from %s"), escaped);
  adw_preferences_group_set_description (self->runs_group, description);

  /* Keep showing the list while it is refreshed; only a first load spins. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->runs)) == 0)
    gtk_stack_set_visible_child_name (self->history_stack, "loading");

  bench_window_set_busy_flags (self, self->discovering, TRUE);

  task = g_task_new (self, self->cancellable, bench_window_list_runs_cb, NULL);
  g_task_set_source_tag (task, bench_window_refresh_history);
  g_task_set_task_data (task, g_steal_pointer (&path), g_free);
  g_task_run_in_thread (task, list_runs_worker);
}

/* Actions */

static void
bench_window_refresh_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  BenchWindow *self = BENCH_WINDOW (widget);

  bench_window_refresh_devices (self);
  bench_window_refresh_history (self);
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
bench_window_visible_child_cb (BenchWindow  *self,
                               GParamSpec   *pspec,
                               AdwViewStack *stack)
{
  /* The CLI may have added runs since we last looked. */
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (stack), "history") == 0)
    bench_window_refresh_history (self);
}

/* GObject */

static gboolean
bench_window_close_request (GtkWindow *window)
{
  BenchWindow *self = BENCH_WINDOW (window);
  int width, height;

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

static void
bench_window_dispose (GObject *object)
{
  BenchWindow *self = (BenchWindow *)object;

  g_cancellable_cancel (self->cancellable);

  /* Tearing the stack down changes its visible page: that must neither be
   * saved as the last view nor start a history listing. */
  if (self->stack != NULL)
    {
      g_settings_unbind (self->stack, "visible-child-name");
      g_signal_handlers_disconnect_by_func (self->stack, bench_window_visible_child_cb, self);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), BENCH_TYPE_WINDOW);

  g_clear_object (&self->devices);
  g_clear_object (&self->backends);
  g_clear_object (&self->runs);
  g_clear_object (&self->registry);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

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
   * Whether device discovery or the history listing is under way.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/benchtop/Benchtop/bench-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, devices_spinner);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, devices_list);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, devices_placeholder);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, backends_group);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, backends_list);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, history_stack);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, history_spinner);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, history_error_page);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, runs_group);
  gtk_widget_class_bind_template_child (widget_class, BenchWindow, runs_list);

  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, bench_window_refresh_action);
  gtk_widget_class_install_action (widget_class, "win.show-view", "s", bench_window_show_view_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.show-view", "s", "run");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.show-view", "s", "charts");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.show-view", "s", "history");
}

static void
bench_window_init (BenchWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->registry = bench_registry_new ();
  self->devices = g_list_store_new (BENCH_TYPE_DEVICE);
  self->backends = g_list_store_new (BENCH_TYPE_BACKEND);
  self->runs = g_list_store_new (BENCH_TYPE_RUN);

  gtk_list_box_bind_model (self->devices_list, G_LIST_MODEL (self->devices),
                           create_device_row, NULL, NULL);
  gtk_list_box_bind_model (self->backends_list, G_LIST_MODEL (self->backends),
                           create_backend_row, NULL, NULL);
  gtk_list_box_bind_model (self->runs_list, G_LIST_MODEL (self->runs),
                           create_run_row, NULL, NULL);

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

  bench_window_refresh_devices (self);
  bench_window_refresh_history (self);
}
