/* bench-run-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Devices (found asynchronously), a workload picker grouped by category,
 * the plan's parameters, and a run: progress with ETA, a live chart of each
 * iteration's latency and a table that gets a row per finished
 * configuration. The runner measures on its own thread and signals here on
 * the main context; it writes the history itself.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "bench-chart-widget.h"
#include "bench-registry.h"
#include "bench-result-columns.h"
#include "bench-run-view.h"
#include "bench-runner.h"
#include "bench-store.h"
#include "bench-workload.h"

struct _BenchRunView
{
  AdwBin               parent_instance;

  BenchRegistry       *registry;
  BenchRunner         *runner;        /* while running */
  GCancellable        *cancellable;   /* of the page: discovery */
  GCancellable        *run_cancellable;
  GListStore          *devices;       /* BenchDevice */
  GListStore          *backends;      /* BenchBackend that found no device */
  GListStore          *results;       /* BenchResult of the run */
  GHashTable          *checked_devices;   /* device id set */
  GHashTable          *checked_workloads; /* workload name set */
  BenchChart          *live;          /* latency per iteration */
  GHashTable          *live_series;   /* config index → BenchChartSeries */
  char                *config_label;  /* the configuration in progress */
  guint                config_index;
  gint64               started_us;
  guint                discovering : 1;


  /* Template children */
  GtkScrolledWindow   *scroller;
  GtkSpinner          *devices_spinner;
  GtkListBox          *devices_list;
  GtkLabel            *devices_placeholder;
  AdwPreferencesGroup *backends_group;
  GtkListBox          *backends_list;
  GtkSearchEntry      *workload_search;
  GtkListBox          *workloads_list;
  AdwEntryRow         *batch_sizes_row;
  AdwEntryRow         *seq_lens_row;
  AdwComboRow         *precision_row;
  GtkSpinButton       *iterations_spin;
  GtkSpinButton       *warmup_spin;
  GtkSpinButton       *min_time_spin;
  GtkSpinButton       *gemm_size_spin;
  GtkSpinButton       *stream_mib_spin;
  GtkWidget           *run_button;
  GtkWidget           *cancel_button;
  AdwPreferencesGroup *progress_group;
  GtkProgressBar      *progress_bar;
  GtkLabel            *progress_label;
  GtkLabel            *eta_label;
  BenchChartWidget    *live_chart;
  GtkColumnView       *results_view;
};

G_DEFINE_FINAL_TYPE (BenchRunView, bench_run_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_DISCOVERING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  RUN_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_toast (GtkWidget  *widget,
            const char *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  AdwToast *toast;

  if (overlay == NULL)
    return;
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

gboolean
bench_run_view_get_running (BenchRunView *self)
{
  g_return_val_if_fail (BENCH_IS_RUN_VIEW (self), FALSE);

  return self->runner != NULL;
}

gboolean
bench_run_view_get_discovering (BenchRunView *self)
{
  g_return_val_if_fail (BENCH_IS_RUN_VIEW (self), FALSE);

  return self->discovering;
}

GListModel *
bench_run_view_get_results (BenchRunView *self)
{
  g_return_val_if_fail (BENCH_IS_RUN_VIEW (self), NULL);

  return G_LIST_MODEL (self->results);
}

static void
update_sensitivity (BenchRunView *self)
{
  gboolean running = self->runner != NULL;

  gtk_widget_set_visible (self->cancel_button, running);
  gtk_widget_set_sensitive (self->run_button, !running);
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

static void
add_device_details (GtkWidget   *row,
                    BenchDevice *device)
{
  const char * const *keys;
  gint64 memory;

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

}

static void
device_row_expanded_cb (AdwExpanderRow *row,
                        GParamSpec     *pspec,
                        gpointer        user_data)
{
  BenchDevice *device = g_object_get_data (G_OBJECT (row), "device");

  if (!adw_expander_row_get_expanded (row) || g_object_get_data (G_OBJECT (row), "filled") != NULL)
    return;
  g_object_set_data (G_OBJECT (row), "filled", GINT_TO_POINTER (TRUE));
  add_device_details (GTK_WIDGET (row), device);
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

  /* The properties are read when the row is first expanded. */
  g_object_set_data_full (G_OBJECT (row), "device", g_object_ref (device), g_object_unref);
  g_signal_connect (row, "notify::expanded", G_CALLBACK (device_row_expanded_cb), NULL);

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


/* Devices */

static void
device_check_toggled_cb (GtkCheckButton *check,
                         BenchRunView   *self)
{
  const char *id = g_object_get_data (G_OBJECT (check), "device-id");

  if (gtk_check_button_get_active (check))
    g_hash_table_add (self->checked_devices, g_strdup (id));
  else
    g_hash_table_remove (self->checked_devices, id);
}

static GtkWidget *
create_device_row_checked (gpointer item,
                           gpointer user_data)
{
  BenchRunView *self = user_data;
  BenchDevice *device = item;
  GtkWidget *row = create_device_row (item, NULL);
  GtkWidget *check = gtk_check_button_new ();
  g_autofree char *label = g_strdup_printf (_("Measure %s"), bench_device_get_name (device));

  g_object_set_data_full (G_OBJECT (check), "device-id",
                          g_strdup (bench_device_get_id (device)), g_free);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (check, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                               g_hash_table_contains (self->checked_devices,
                                                      bench_device_get_id (device)));
  g_signal_connect (check, "toggled", G_CALLBACK (device_check_toggled_cb), self);
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), check);

  return row;
}

static void
discover_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  BenchRegistry *registry = BENCH_REGISTRY (object);
  g_autoptr(BenchRunView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GPtrArray) backends = NULL;
  g_autoptr(GPtrArray) idle_backends = NULL;

  self->discovering = FALSE;
  if (self->devices_spinner != NULL)
    {
      gtk_spinner_set_spinning (self->devices_spinner, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->devices_spinner), FALSE);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERING]);

  if (!bench_registry_discover_finish (registry, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->devices_placeholder, error->message);
      return;
    }

  devices = bench_registry_get_devices (registry);

  /* The CPU is measured unless the user says otherwise. */
  if (g_hash_table_size (self->checked_devices) == 0)
    for (guint i = 0; i < devices->len; i++)
      if (bench_device_get_device_type (g_ptr_array_index (devices, i)) == BENCH_DEVICE_TYPE_CPU)
        {
          g_hash_table_add (self->checked_devices,
                            g_strdup (bench_device_get_id (g_ptr_array_index (devices, i))));
          break;
        }

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

void
bench_run_view_refresh_devices (BenchRunView *self)
{
  g_return_if_fail (BENCH_IS_RUN_VIEW (self));

  /* A registry is discovered once; a run keeps using its devices. */
  if (self->discovering || self->runner != NULL)
    return;

  g_clear_object (&self->registry);
  self->registry = bench_registry_new ();
  self->discovering = TRUE;
  gtk_spinner_set_spinning (self->devices_spinner, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->devices_spinner), TRUE);
  gtk_label_set_text (self->devices_placeholder, _("Looking for devices…"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCOVERING]);
  bench_registry_discover_async (self->registry, self->cancellable,
                                 discover_cb, g_object_ref (self));
}

/* Workloads */

static void
workload_check_toggled_cb (GtkCheckButton *check,
                           BenchRunView   *self)
{
  const char *name = g_object_get_data (G_OBJECT (check), "workload");

  if (gtk_check_button_get_active (check))
    g_hash_table_add (self->checked_workloads, g_strdup (name));
  else
    g_hash_table_remove (self->checked_workloads, name);
}

static const char *
category_title (const char *category)
{
  if (g_strcmp0 (category, "micro") == 0)
    return _("Micro-benchmarks");
  if (g_strcmp0 (category, "text") == 0)
    return _("Text models");
  if (g_strcmp0 (category, "vision") == 0)
    return _("Vision models");
  if (g_strcmp0 (category, "audio") == 0)
    return _("Audio models");
  if (g_strcmp0 (category, "multimodal") == 0)
    return _("Multimodal models");
  return category;
}

static void
workload_header_func (GtkListBoxRow *row,
                      GtkListBoxRow *before,
                      gpointer       user_data)
{
  BenchWorkload *workload = g_object_get_data (G_OBJECT (row), "workload");
  BenchWorkload *previous = before != NULL ? g_object_get_data (G_OBJECT (before), "workload") : NULL;
  const char *category = bench_workload_get_category (workload);
  GtkWidget *header;

  if (previous != NULL && g_strcmp0 (bench_workload_get_category (previous), category) == 0)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  header = gtk_label_new (category_title (category));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_top (header, 9);
  gtk_widget_set_margin_bottom (header, 3);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "dim-label");
  gtk_list_box_row_set_header (row, header);
}

static gboolean
workload_filter_func (GtkListBoxRow *row,
                      gpointer       user_data)
{
  BenchRunView *self = user_data;
  BenchWorkload *workload = g_object_get_data (G_OBJECT (row), "workload");
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->workload_search));
  g_autofree char *needle = NULL;
  g_autofree char *haystack = NULL;
  g_autofree char *joined = NULL;

  if (text == NULL || text[0] == '\0')
    return TRUE;

  needle = g_utf8_casefold (text, -1);
  joined = g_strjoin (" ", bench_workload_get_name (workload),
                      bench_workload_get_category (workload),
                      bench_workload_get_family (workload) ? bench_workload_get_family (workload) : "",
                      bench_workload_get_description (workload) ? bench_workload_get_description (workload) : "",
                      NULL);
  haystack = g_utf8_casefold (joined, -1);
  return strstr (haystack, needle) != NULL;
}

static void
workload_search_changed_cb (BenchRunView   *self,
                            GtkSearchEntry *entry)
{
  gtk_list_box_invalidate_filter (self->workloads_list);
  gtk_list_box_invalidate_headers (self->workloads_list);
}

static void
populate_workloads (BenchRunView *self)
{
  g_autoptr(GPtrArray) catalog = bench_workload_catalog ();

  g_hash_table_add (self->checked_workloads, g_strdup ("gemm"));

  for (guint i = 0; i < catalog->len; i++)
    {
      BenchWorkload *workload = g_ptr_array_index (catalog, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      const char *description = bench_workload_get_description (workload);
      g_autofree char *title = g_markup_escape_text (bench_workload_get_name (workload), -1);
      g_autofree char *subtitle = g_markup_escape_text (description != NULL ? description : "", -1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      g_object_set_data_full (G_OBJECT (row), "workload", g_object_ref (workload), g_object_unref);
      g_object_set_data_full (G_OBJECT (check), "workload",
                              g_strdup (bench_workload_get_name (workload)), g_free);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      bench_workload_get_name (workload), -1);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   g_hash_table_contains (self->checked_workloads,
                                                          bench_workload_get_name (workload)));
      g_signal_connect (check, "toggled", G_CALLBACK (workload_check_toggled_cb), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      gtk_list_box_append (self->workloads_list, row);
    }

  gtk_list_box_set_header_func (self->workloads_list, workload_header_func, NULL, NULL);
  gtk_list_box_set_filter_func (self->workloads_list, workload_filter_func, self, NULL);
}

/* Running */

static gboolean
parse_int_list (const char  *text,
                const char  *what,
                GArray      *values,
                GError     **error)
{
  g_auto(GStrv) parts = g_strsplit_set (text != NULL ? text : "", ", ", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      gint64 value;

      if (parts[i][0] == '\0')
        continue;
      if (!g_ascii_string_to_signed (parts[i], 10, 1, G_MAXINT, &value, NULL))
        {
          /* Translators: “abc” is not a whole number above zero, in Batch sizes */
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” in %s is not a whole number above zero"), parts[i], what);
          return FALSE;
        }
      g_array_append_val (values, (gint) { value });
    }

  return TRUE;
}

static BenchPlan *
build_plan (BenchRunView  *self,
            GError       **error)
{
  g_autoptr(BenchPlan) plan = bench_plan_new ();
  g_autoptr(GArray) batch_sizes = g_array_new (FALSE, FALSE, sizeof (gint));
  g_autoptr(GArray) seq_lens = g_array_new (FALSE, FALSE, sizeof (gint));
  GtkStringObject *precision;
  const char *precisions[2] = { NULL, NULL };
  guint n_workloads = 0, n_devices = 0;

  /* In catalogue order, so runs read the same each time. */
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->workloads_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      BenchWorkload *workload = g_object_get_data (G_OBJECT (row), "workload");

      if (workload != NULL &&
          g_hash_table_contains (self->checked_workloads, bench_workload_get_name (workload)))
        {
          bench_plan_add_workload (plan, bench_workload_get_name (workload));
          n_workloads++;
        }
    }
  if (n_workloads == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Pick at least one workload to run"));
      return NULL;
    }

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->devices)); i++)
    {
      g_autoptr(BenchDevice) device = g_list_model_get_item (G_LIST_MODEL (self->devices), i);

      if (g_hash_table_contains (self->checked_devices, bench_device_get_id (device)))
        {
          bench_plan_add_device (plan, bench_device_get_id (device));
          n_devices++;
        }
    }
  if (n_devices == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           self->discovering ? _("The devices are still being discovered; try again in a moment")
                                             : _("Tick at least one device to run on"));
      return NULL;
    }

  if (!parse_int_list (gtk_editable_get_text (GTK_EDITABLE (self->batch_sizes_row)),
                       _("Batch sizes"), batch_sizes, error) ||
      !parse_int_list (gtk_editable_get_text (GTK_EDITABLE (self->seq_lens_row)),
                       _("Sequence lengths"), seq_lens, error))
    return NULL;
  if (batch_sizes->len > 0)
    bench_plan_set_batch_sizes (plan, (const gint *) (gpointer) batch_sizes->data, batch_sizes->len);
  if (seq_lens->len > 0)
    bench_plan_set_seq_lens (plan, (const gint *) (gpointer) seq_lens->data, seq_lens->len);

  precision = adw_combo_row_get_selected_item (self->precision_row);
  if (precision != NULL)
    {
      precisions[0] = gtk_string_object_get_string (precision);
      bench_plan_set_precisions (plan, precisions);
    }

  bench_plan_set_iterations (plan, gtk_spin_button_get_value_as_int (self->iterations_spin));
  bench_plan_set_warmup (plan, gtk_spin_button_get_value_as_int (self->warmup_spin));
  bench_plan_set_min_time (plan, gtk_spin_button_get_value (self->min_time_spin));
  bench_plan_set_gemm_size (plan, gtk_spin_button_get_value_as_int (self->gemm_size_spin));
  bench_plan_set_stream_bytes (plan, (gint64) gtk_spin_button_get_value_as_int (self->stream_mib_spin) * 1024 * 1024);

  if (!bench_plan_validate (plan, error))
    return NULL;

  return g_steal_pointer (&plan);
}

static char *
format_eta (double seconds)
{
  if (!isfinite (seconds) || seconds < 0)
    return g_strdup (_("estimating…"));
  if (seconds < 60)
    return g_strdup_printf (_("%.0f s"), ceil (seconds));
  if (seconds < 3600)
    return g_strdup_printf (_("%d min %d s"), (int) (seconds / 60), (int) fmod (seconds, 60));
  return g_strdup_printf (_("%d h %d min"), (int) (seconds / 3600), (int) fmod (seconds / 60, 60));
}

static void
progress_cb (BenchRunView  *self,
             BenchProgress *progress,
             BenchRunner   *runner)
{
  g_autofree char *fraction = NULL;
  g_autofree char *label = NULL;
  g_autofree char *eta = NULL;
  g_autofree char *eta_text = NULL;

  g_free (self->config_label);
  self->config_label = g_strdup (progress->config_label);
  self->config_index = progress->config_index;

  /* Once cancelled, the page says so until the run ends, whatever
   * progress was still on its way. */
  if (self->run_cancellable != NULL && g_cancellable_is_cancelled (self->run_cancellable))
    return;

  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (progress->fraction, 0, 1));
  /* Translators: configuration 2 of 6 */
  fraction = g_strdup_printf (_("Configuration %u of %u"), progress->config_index + 1, progress->n_configs);
  gtk_progress_bar_set_text (self->progress_bar, fraction);

  /* Translators: "gemm on cpu, n=1024, fp32 — measuring, 12 iterations" */
  label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s — %s, %u iteration", "%s — %s, %u iterations",
                                        progress->iteration),
                           progress->config_label != NULL ? progress->config_label : "",
                           progress->phase != NULL ? progress->phase : "",
                           progress->iteration);
  gtk_label_set_text (self->progress_label, label);

  eta = format_eta (progress->eta_seconds);
  /* Translators: elapsed seconds, then the estimated time left */
  eta_text = g_strdup_printf (_("Elapsed %.1f s · time left %s"), progress->elapsed_seconds, eta);
  gtk_label_set_text (self->eta_label, eta_text);
}

static void
samples_cb (BenchRunView *self,
            guint         config_index,
            GArray       *samples,
            BenchRunner  *runner)
{
  BenchChartSeries *series;

  series = g_hash_table_lookup (self->live_series, GUINT_TO_POINTER (config_index));
  if (series == NULL)
    {
      g_autofree char *name = NULL;
      g_autofree char *key = NULL;

      if (config_index == self->config_index && self->config_label != NULL)
        name = g_strdup (self->config_label);
      else
        name = g_strdup_printf (_("Configuration %u"), config_index + 1);
      key = g_strdup_printf ("config-%u", config_index);
      series = bench_chart_series_new (name, key);
      bench_chart_add_series (self->live, series);
      g_hash_table_insert (self->live_series, GUINT_TO_POINTER (config_index), series);
      bench_chart_series_unref (series);
    }

  for (guint i = 0; i < samples->len; i++)
    {
      gint64 ns = g_array_index (samples, gint64, i);

      bench_chart_series_add (series, bench_chart_series_get_n_points (series) + 1, ns / 1e6);
    }

  bench_chart_widget_chart_changed (self->live_chart);
}

static void
result_cb (BenchRunView *self,
           BenchResult  *result,
           BenchRunner  *runner)
{
  g_list_store_append (self->results, result);

  /* A failed configuration is shown, and the run goes on. */
  if (result->status == BENCH_RESULT_STATUS_FAILED)
    {
      g_autofree char *label = bench_result_dup_label (result);
      g_autofree char *text = g_strdup_printf (_("%s failed: %s"), label,
                                               result->error != NULL ? result->error : _("no reason given"));
      show_toast (GTK_WIDGET (self), text);
    }
}

static const char *
run_outcome_label (BenchRunStatus status)
{
  switch (status)
    {
    case BENCH_RUN_STATUS_COMPLETED:
      return _("Finished");
    case BENCH_RUN_STATUS_CANCELLED:
      return _("Cancelled");
    case BENCH_RUN_STATUS_FAILED:
      return _("Failed");
    case BENCH_RUN_STATUS_RUNNING:
    case BENCH_RUN_STATUS_INTERRUPTED:
    default:
      return _("Interrupted");
    }
}

/* What replaces the live phase once the run is over: how it ended, and
 * how many configurations passed and failed (and were cut short by a
 * cancel). */
static char *
run_outcome_text (BenchRun *run,
                  guint     n_passed,
                  guint     n_cancelled)
{
  guint n_failed = run->results->len - n_passed - n_cancelled;
  g_autofree char *counts = NULL;

  if (n_cancelled > 0)
    /* Translators: "1 configuration passed, 0 failed, 1 cancelled" */
    counts = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u configuration passed, %u failed, %u cancelled",
                                           "%u configurations passed, %u failed, %u cancelled", n_passed),
                              n_passed, n_failed, n_cancelled);
  else
    /* Translators: "3 configurations passed, 1 failed" */
    counts = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u configuration passed, %u failed",
                                           "%u configurations passed, %u failed", n_passed),
                              n_passed, n_failed);

  switch (run->status)
    {
    case BENCH_RUN_STATUS_COMPLETED:
      /* Translators: "Run finished: 3 configurations passed, 1 failed" */
      return g_strdup_printf (_("Run finished: %s"), counts);
    case BENCH_RUN_STATUS_CANCELLED:
      /* Translators: "Run cancelled: 1 configuration passed, 0 failed" */
      return g_strdup_printf (_("Run cancelled: %s"), counts);
    case BENCH_RUN_STATUS_FAILED:
      /* Translators: "Run failed (out of memory): 0 configurations passed, 1 failed" */
      return g_strdup_printf (_("Run failed (%s): %s"),
                              run->error != NULL ? run->error : _("no reason given"), counts);
    case BENCH_RUN_STATUS_RUNNING:
    case BENCH_RUN_STATUS_INTERRUPTED:
    default:
      return g_strdup_printf (_("Run interrupted: %s"), counts);
    }
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  BenchRunner *runner = BENCH_RUNNER (object);
  g_autoptr(BenchRunView) self = user_data;
  g_autoptr(BenchRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  run = bench_runner_run_finish (runner, result, &error);

  g_signal_handlers_disconnect_by_data (runner, self);
  g_clear_object (&self->runner);
  g_clear_object (&self->run_cancellable);

  if (self->run_button != NULL)
    update_sensitivity (self);

  if (run == NULL)
    {
      text = g_strdup_printf (_("The run failed: %s"), error->message);
      /* The last phase shown ("measuring, 12 iterations") is over. */
      if (self->progress_label != NULL)
        gtk_label_set_text (self->progress_label, text);
      if (self->progress_bar != NULL)
        gtk_progress_bar_set_text (self->progress_bar, _("Failed"));
    }
  else
    {
      gint64 took = g_get_monotonic_time () - self->started_us;
      guint n_passed = 0;
      guint n_cancelled = 0;

      for (guint i = 0; i < run->results->len; i++)
        {
          BenchResultStatus status = ((BenchResult *) g_ptr_array_index (run->results, i))->status;

          n_passed += status == BENCH_RESULT_STATUS_OK;
          n_cancelled += status == BENCH_RESULT_STATUS_CANCELLED;
        }

      if (self->progress_bar != NULL)
        {
          if (run->status == BENCH_RUN_STATUS_COMPLETED)
            gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
          gtk_progress_bar_set_text (self->progress_bar, run_outcome_label (run->status));
        }
      if (self->progress_label != NULL)
        {
          g_autofree char *status_text = run_outcome_text (run, n_passed, n_cancelled);

          gtk_label_set_text (self->progress_label, status_text);
        }
      if (self->live != NULL && self->live_chart != NULL)
        {
          bench_chart_set_empty_message (self->live, _("No iteration was measured"));
          bench_chart_widget_chart_changed (self->live_chart);
        }
      if (self->eta_label != NULL)
        {
          g_autofree char *done = g_strdup_printf (_("Finished in %.1f s"), took / 1e6);
          gtk_label_set_text (self->eta_label, done);
        }
      switch (run->status)
        {
        case BENCH_RUN_STATUS_CANCELLED:
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "Run cancelled; %u configuration was finished",
                                               "Run cancelled; %u configurations were finished",
                                               run->results->len),
                                  run->results->len);
          break;
        case BENCH_RUN_STATUS_FAILED:
          text = g_strdup_printf (_("The run failed: %s"), run->error != NULL ? run->error : _("no reason given"));
          break;
        default:
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Run finished: %u result",
                                               "Run finished: %u results", run->results->len),
                                  run->results->len);
        }
    }

  if (self->progress_label != NULL)
    show_toast (GTK_WIDGET (self), text);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[RUN_FINISHED], 0, run);
}

gboolean
bench_run_view_start (BenchRunView *self)
{
  g_autoptr(BenchPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;

  g_return_val_if_fail (BENCH_IS_RUN_VIEW (self), FALSE);

  if (self->runner != NULL)
    return FALSE;

  if (!(plan = build_plan (self, &error)))
    {
      show_toast (GTK_WIDGET (self), error->message);
      return FALSE;
    }

  g_list_store_remove_all (self->results);
  g_hash_table_remove_all (self->live_series);
  g_clear_object (&self->live);
  self->live = bench_chart_new (BENCH_CHART_KIND_LINE);
  bench_chart_set_title (self->live, _("Latency of each iteration"));
  bench_chart_set_x_axis (self->live, _("Iteration"), NULL);
  bench_chart_set_x_integer (self->live, TRUE);
  bench_chart_set_y_axis (self->live, _("Latency"), "ms");
  bench_chart_set_empty_message (self->live, _("Waiting for the first measured iteration…"));
  bench_chart_widget_set_chart (self->live_chart, self->live);
  g_clear_pointer (&self->config_label, g_free);

  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Preparing…"));
  gtk_label_set_text (self->progress_label, "");
  gtk_label_set_text (self->eta_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->progress_group), TRUE);
  /* The progress and results are at the top of the page. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);

  self->runner = bench_runner_new (self->registry);
  db_path = bench_store_dup_default_path ();
  bench_runner_set_store_path (self->runner, db_path);
  g_signal_connect_swapped (self->runner, "progress", G_CALLBACK (progress_cb), self);
  g_signal_connect_swapped (self->runner, "samples", G_CALLBACK (samples_cb), self);
  g_signal_connect_swapped (self->runner, "result", G_CALLBACK (result_cb), self);

  self->run_cancellable = g_cancellable_new ();
  self->started_us = g_get_monotonic_time ();
  bench_runner_run_async (self->runner, plan, self->run_cancellable, run_cb, g_object_ref (self));

  update_sensitivity (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  return TRUE;
}

void
bench_run_view_cancel (BenchRunView *self)
{
  g_return_if_fail (BENCH_IS_RUN_VIEW (self));

  if (self->run_cancellable != NULL)
    {
      g_cancellable_cancel (self->run_cancellable);
      if (self->progress_bar != NULL)
        gtk_progress_bar_set_text (self->progress_bar, _("Cancelling…"));
      if (self->progress_label != NULL)
        gtk_label_set_text (self->progress_label, _("Cancelling…"));
    }
}


/* GObject */

static void
bench_run_view_dispose (GObject *object)
{
  BenchRunView *self = (BenchRunView *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);

  /* AdwBin unparents its child itself: let go of it first, so that the
   * template does not unparent it a second time. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), BENCH_TYPE_RUN_VIEW);

  G_OBJECT_CLASS (bench_run_view_parent_class)->dispose (object);
}

static void
bench_run_view_finalize (GObject *object)
{
  BenchRunView *self = (BenchRunView *) object;

  g_clear_object (&self->registry);
  g_clear_object (&self->runner);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->run_cancellable);
  g_clear_object (&self->devices);
  g_clear_object (&self->backends);
  g_clear_object (&self->results);
  g_clear_object (&self->live);
  g_clear_pointer (&self->live_series, g_hash_table_unref);
  g_clear_pointer (&self->checked_devices, g_hash_table_unref);
  g_clear_pointer (&self->checked_workloads, g_hash_table_unref);
  g_clear_pointer (&self->config_label, g_free);

  G_OBJECT_CLASS (bench_run_view_parent_class)->finalize (object);
}

static void
bench_run_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  BenchRunView *self = BENCH_RUN_VIEW (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, bench_run_view_get_running (self));
      break;

    case PROP_DISCOVERING:
      g_value_set_boolean (value, bench_run_view_get_discovering (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bench_run_view_class_init (BenchRunViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bench_run_view_dispose;
  object_class->finalize = bench_run_view_finalize;
  object_class->get_property = bench_run_view_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DISCOVERING] =
    g_param_spec_boolean ("discovering", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BenchRunView::run-finished:
   * @run: (nullable): the run as it ended, or NULL when it could not start
   */
  signals[RUN_FINISHED] =
    g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, BENCH_TYPE_RUN);

  g_type_ensure (BENCH_TYPE_CHART_WIDGET);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/benchtop/Benchtop/bench-run-view.ui");
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, scroller);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, devices_spinner);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, devices_list);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, devices_placeholder);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, backends_group);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, backends_list);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, workload_search);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, workloads_list);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, batch_sizes_row);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, seq_lens_row);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, precision_row);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, iterations_spin);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, warmup_spin);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, min_time_spin);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, gemm_size_spin);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, stream_mib_spin);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, run_button);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, progress_group);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, progress_label);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, eta_label);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, live_chart);
  gtk_widget_class_bind_template_child (widget_class, BenchRunView, results_view);

}

static void
bench_run_view_init (BenchRunView *self)
{
  g_autoptr(GtkSortListModel) sorted = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->devices = g_list_store_new (BENCH_TYPE_DEVICE);
  self->backends = g_list_store_new (BENCH_TYPE_BACKEND);
  self->results = g_list_store_new (BENCH_TYPE_RESULT);
  self->checked_devices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->checked_workloads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->live_series = g_hash_table_new (NULL, NULL);

  gtk_list_box_bind_model (self->devices_list, G_LIST_MODEL (self->devices),
                           create_device_row_checked, self, NULL);
  gtk_list_box_bind_model (self->backends_list, G_LIST_MODEL (self->backends),
                           create_backend_row, NULL, NULL);

  populate_workloads (self);
  g_signal_connect_object (self->workload_search, "search-changed",
                           G_CALLBACK (workload_search_changed_cb), self, G_CONNECT_SWAPPED);

  bench_result_columns_add (self->results_view);
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->results)),
                                    g_object_ref (gtk_column_view_get_sorter (self->results_view)));
  gtk_column_view_set_model (self->results_view,
                             GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_steal_pointer (&sorted)))));

  update_sensitivity (self);

  bench_run_view_refresh_devices (self);
}
