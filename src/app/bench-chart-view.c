/* bench-chart-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A chart of the stored results: type, metric and filters pick what the
 * chart engine draws; results are read and the chart is built in a GTask
 * thread with its own store connection. The legend is a row of toggle
 * buttons (click to hide or show a series); files are exported with the
 * engine's own legend.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-chart-data.h"
#include "bench-chart-view.h"
#include "bench-store.h"

struct _BenchChartView
{
  AdwBin                parent_instance;

  GCancellable         *cancellable;   /* of the load in progress */
  GtkFileChooserNative *chooser;
  guint                 reload_id;
  guint                 loading : 1;
  guint                 reload_again : 1;

  /* Template children */
  GtkDropDown          *kind_dropdown;
  GtkDropDown          *metric_dropdown;
  GtkDropDown          *group_dropdown;
  GtkEntry             *model_entry;
  GtkEntry             *device_entry;
  GtkEntry             *run_entry;
  GtkEntry             *precision_entry;
  GtkEntry             *batch_entry;
  GtkToggleButton      *log_x_button;
  GtkToggleButton      *log_y_button;
  GtkSpinner           *spinner;
  GtkDropDown          *format_dropdown;
  GtkSpinButton        *width_spin;
  GtkSpinButton        *height_spin;
  GtkFlowBox           *legend_box;
  GtkLabel             *message_label;
  BenchChartWidget     *chart_widget;
};

G_DEFINE_FINAL_TYPE (BenchChartView, bench_chart_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_toast (GtkWidget  *widget,
            const char *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (escaped));
}

gboolean
bench_chart_view_get_busy (BenchChartView *self)
{
  g_return_val_if_fail (BENCH_IS_CHART_VIEW (self), FALSE);

  return self->loading || self->reload_id != 0;
}

BenchChartWidget *
bench_chart_view_get_chart_widget (BenchChartView *self)
{
  g_return_val_if_fail (BENCH_IS_CHART_VIEW (self), NULL);

  return self->chart_widget;
}

static void
set_loading (BenchChartView *self,
             gboolean        loading)
{
  gboolean was_busy = bench_chart_view_get_busy (self);

  self->loading = !!loading;
  if (self->spinner != NULL)
    gtk_spinner_set_spinning (self->spinner, self->loading);
  if (was_busy != bench_chart_view_get_busy (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Legend */

static void
swatch_draw (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  GdkRGBA *rgba = g_object_get_data (G_OBJECT (area), "rgba");

  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0 - 0.5, 0, 2 * G_PI);
  gdk_cairo_set_source_rgba (cr, rgba);
  cairo_fill (cr);
}

/* A click on a legend entry hides its series, a second one shows it. */
static void
legend_clicked_cb (GtkButton      *button,
                   BenchChartView *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "series"));
  gboolean visible = !bench_chart_widget_get_series_visible (self->chart_widget, index);
  GtkWidget *box = gtk_button_get_child (button);

  bench_chart_widget_set_series_visible (self->chart_widget, index, visible);
  gtk_widget_set_opacity (box, visible ? 1.0 : 0.4);
  gtk_accessible_update_state (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_STATE_PRESSED,
                               visible ? GTK_ACCESSIBLE_TRISTATE_TRUE : GTK_ACCESSIBLE_TRISTATE_FALSE, -1);
}

static void
rebuild_legend (BenchChartView *self)
{
  BenchChart *chart = bench_chart_widget_get_chart (self->chart_widget);
  GtkWidget *child;
  guint n;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->legend_box))) != NULL)
    gtk_flow_box_remove (self->legend_box, child);

  n = chart != NULL ? bench_chart_get_n_series (chart) : 0;
  for (guint i = 0; i < n; i++)
    {
      BenchChartSeries *series = bench_chart_get_series (chart, i);
      GtkWidget *button, *box, *swatch, *label;
      g_autofree char *tip = NULL;
      GdkRGBA *rgba;

      if (!bench_chart_series_get_show_in_legend (series) || bench_chart_series_get_n_points (series) == 0)
        continue;

      rgba = g_new (GdkRGBA, 1);
      bench_chart_widget_get_series_color (self->chart_widget, i, rgba);
      swatch = gtk_drawing_area_new ();
      gtk_widget_set_size_request (swatch, 12, 12);
      gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (swatch), "rgba", rgba, g_free);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), swatch_draw, NULL, NULL);

      label = gtk_label_new (bench_chart_series_get_name (series));
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 32);

      box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      gtk_box_append (GTK_BOX (box), swatch);
      gtk_box_append (GTK_BOX (box), label);

      button = gtk_button_new ();
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_set_halign (button, GTK_ALIGN_START);
      gtk_widget_add_css_class (button, "flat");
      /* Translators: %s is a series of a chart, such as a device */
      tip = g_strdup_printf (_("Show or hide %s"), bench_chart_series_get_name (series));
      gtk_widget_set_tooltip_text (button, tip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
      g_object_set_data (G_OBJECT (button), "series", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (legend_clicked_cb), self);
      gtk_flow_box_append (self->legend_box, button);
    }

  gtk_widget_set_visible (gtk_widget_get_ancestor (GTK_WIDGET (self->legend_box), GTK_TYPE_SCROLLED_WINDOW), n > 0);
}

/* Loading */

typedef struct
{
  char           *db_path;
  BenchChartKind  kind;
  char           *metric;
  char           *group_by;
  GStrv           models;
  GStrv           devices;
  GStrv           runs;
  GStrv           precisions;
  GArray         *batch_sizes;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->db_path);
  g_free (data->metric);
  g_free (data->group_by);
  g_strfreev (data->models);
  g_strfreev (data->devices);
  g_strfreev (data->runs);
  g_strfreev (data->precisions);
  g_clear_pointer (&data->batch_sizes, g_array_unref);
  g_free (data);
}

static GStrv
split_list (const char *text)
{
  g_auto(GStrv) parts = g_strsplit_set (text != NULL ? text : "", ", ", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_strv_builder_add (builder, parts[i]);
  list = g_strv_builder_end (builder);

  return list[0] != NULL ? g_steal_pointer (&list) : NULL;
}

static char *
describe_selection (LoadData *data)
{
  GString *str = g_string_new (NULL);
  struct { const char *name; GStrv list; } parts[] = {
    { "model", data->models }, { "device", data->devices }, { "run", data->runs },
    { "precision", data->precisions },
  };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (parts[i].list != NULL)
      {
        g_autofree char *joined = g_strjoinv (",", parts[i].list);

        g_string_append_printf (str, "%s%s=%s", str->len ? " " : "", parts[i].name, joined);
      }
  if (data->batch_sizes != NULL)
    for (guint i = 0; i < data->batch_sizes->len; i++)
      g_string_append_printf (str, "%sbatch=%d", str->len ? " " : "", g_array_index (data->batch_sizes, gint, i));

  return g_string_free (str, FALSE);
}

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autofree char *selection = describe_selection (data);
  BenchResultFilter filter = { 0 };
  BenchChartSpec spec = { 0 };
  BenchChart *chart;
  GError *error = NULL;

  /* No history yet: an empty chart, without creating a database. */
  if (g_file_test (data->db_path, G_FILE_TEST_EXISTS))
    {
      if (!(store = bench_store_open (data->db_path, &error)))
        {
          g_task_return_error (task, error);
          return;
        }

      filter.runs = (const char * const *) data->runs;
      filter.workloads = (const char * const *) data->models;
      filter.devices = (const char * const *) data->devices;
      filter.precisions = (const char * const *) data->precisions;
      if (data->batch_sizes != NULL)
        {
          filter.batch_sizes = (const gint *) (gpointer) data->batch_sizes->data;
          filter.n_batch_sizes = data->batch_sizes->len;
        }
      filter.only_ok = TRUE;
      filter.with_samples = data->kind == BENCH_CHART_KIND_BOX;

      if (!(results = bench_store_query_results (store, &filter, &error)) ||
          !(devices = bench_store_list_devices (store, &error)))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  else
    {
      results = g_ptr_array_new_with_free_func (g_object_unref);
      devices = g_ptr_array_new_with_free_func (g_object_unref);
    }

  spec.kind = data->kind;
  spec.metric = data->metric;
  spec.group_by = data->group_by;
  spec.error_bars = BENCH_CHART_ERROR_BARS_CI;
  spec.selection = selection[0] != '\0' ? selection : NULL;
  if (!(chart = bench_chart_new_from_results (&spec, results, devices, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  if (results->len == 0)
    bench_chart_set_empty_message (chart, store == NULL
                                   ? _("No results yet: run a benchmark or import a result file")
                                   : _("No stored result matches the filters"));

  g_task_return_pointer (task, chart, g_object_unref);
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  BenchChartView *self = BENCH_CHART_VIEW (object);
  g_autoptr(BenchChart) chart = NULL;
  g_autoptr(GError) error = NULL;

  chart = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_loading (self, FALSE);

  if (chart == NULL)
    {
      gtk_label_set_text (self->message_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->message_label), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
      /* The toggle buttons are the legend on screen. */
      bench_chart_set_show_legend (chart, FALSE);
      if (gtk_toggle_button_get_active (self->log_x_button))
        bench_chart_set_log_x (chart, TRUE);
      if (gtk_toggle_button_get_active (self->log_y_button))
        bench_chart_set_log_y (chart, TRUE);
      gtk_toggle_button_set_active (self->log_x_button, bench_chart_get_log_x (chart));
      gtk_toggle_button_set_active (self->log_y_button, bench_chart_get_log_y (chart));
      bench_chart_widget_set_chart (self->chart_widget, chart);
      rebuild_legend (self);
    }

  if (self->reload_again)
    {
      self->reload_again = FALSE;
      bench_chart_view_reload (self);
    }
}

void
bench_chart_view_reload (BenchChartView *self)
{
  g_autoptr(GTask) task = NULL;
  GtkStringObject *item;
  LoadData *data;
  g_autofree char *runs_text = NULL;

  g_return_if_fail (BENCH_IS_CHART_VIEW (self));

  g_clear_handle_id (&self->reload_id, g_source_remove);
  if (self->loading)
    {
      self->reload_again = TRUE;
      return;
    }

  data = g_new0 (LoadData, 1);
  data->db_path = bench_store_dup_default_path ();
  item = gtk_drop_down_get_selected_item (self->kind_dropdown);
  if (item == NULL || !bench_chart_kind_from_string (gtk_string_object_get_string (item), &data->kind))
    data->kind = BENCH_CHART_KIND_BAR;
  /* The first metric is the chart type's default. */
  if (gtk_drop_down_get_selected (self->metric_dropdown) > 0)
    {
      item = gtk_drop_down_get_selected_item (self->metric_dropdown);
      data->metric = g_strdup (gtk_string_object_get_string (item));
    }
  if (gtk_drop_down_get_selected (self->group_dropdown) > 0)
    {
      item = gtk_drop_down_get_selected_item (self->group_dropdown);
      data->group_by = g_strdup (gtk_string_object_get_string (item));
    }
  data->models = split_list (gtk_editable_get_text (GTK_EDITABLE (self->model_entry)));
  data->devices = split_list (gtk_editable_get_text (GTK_EDITABLE (self->device_entry)));
  data->runs = split_list (gtk_editable_get_text (GTK_EDITABLE (self->run_entry)));
  data->precisions = split_list (gtk_editable_get_text (GTK_EDITABLE (self->precision_entry)));
  {
    g_auto(GStrv) batches = split_list (gtk_editable_get_text (GTK_EDITABLE (self->batch_entry)));

    for (guint i = 0; batches != NULL && batches[i] != NULL; i++)
      {
        gint64 value;

        if (!g_ascii_string_to_signed (batches[i], 10, 1, G_MAXINT, &value, NULL))
          {
            g_autofree char *text = g_strdup_printf (_("“%s” in Batch sizes is not a whole number above zero"),
                                                     batches[i]);

            gtk_label_set_text (self->message_label, text);
            gtk_widget_set_visible (GTK_WIDGET (self->message_label), TRUE);
            load_data_free (data);
            return;
          }
        if (data->batch_sizes == NULL)
          data->batch_sizes = g_array_new (FALSE, FALSE, sizeof (gint));
        g_array_append_val (data->batch_sizes, (gint) { value });
      }
  }

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);

  task = g_task_new (self, self->cancellable, load_cb, NULL);
  g_task_set_source_tag (task, bench_chart_view_reload);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_worker);
}

static gboolean
reload_timeout_cb (gpointer user_data)
{
  BenchChartView *self = user_data;

  self->reload_id = 0;
  bench_chart_view_reload (self);
  return G_SOURCE_REMOVE;
}

/* Typing in a filter reloads once the typing pauses. */
static void
queue_reload (BenchChartView *self)
{
  gboolean was_busy = bench_chart_view_get_busy (self);

  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->reload_id = g_timeout_add (300, reload_timeout_cb, self);
  if (!was_busy)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
bench_chart_view_set_runs (BenchChartView     *self,
                           const char * const *runs)
{
  g_autofree char *text = NULL;

  g_return_if_fail (BENCH_IS_CHART_VIEW (self));

  text = runs != NULL ? g_strjoinv (", ", (char **) runs) : g_strdup ("");
  gtk_editable_set_text (GTK_EDITABLE (self->run_entry), text);

  /* Comparing runs: a bar chart with one series per run. */
  if (runs != NULL && g_strv_length ((char **) runs) > 1)
    {
      const char * const *fields = bench_chart_list_fields ();

      gtk_drop_down_set_selected (self->kind_dropdown, BENCH_CHART_KIND_BAR);
      for (guint i = 0; fields[i] != NULL; i++)
        if (g_str_equal (fields[i], "run"))
          gtk_drop_down_set_selected (self->group_dropdown, i + 1);
    }
  bench_chart_view_reload (self);
}

static void
log_toggled_cb (BenchChartView *self)
{
  BenchChart *chart = bench_chart_widget_get_chart (self->chart_widget);

  if (chart == NULL)
    return;
  bench_chart_set_log_x (chart, gtk_toggle_button_get_active (self->log_x_button));
  bench_chart_set_log_y (chart, gtk_toggle_button_get_active (self->log_y_button));
  bench_chart_widget_reset_zoom (self->chart_widget);
  bench_chart_widget_chart_changed (self->chart_widget);
}

/* Export */

gboolean
bench_chart_view_export_to (BenchChartView  *self,
                            const char      *path,
                            int              width,
                            int              height,
                            GError         **error)
{
  BenchChart *display;
  gboolean ok;

  g_return_val_if_fail (BENCH_IS_CHART_VIEW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if ((display = bench_chart_widget_get_display_chart (self->chart_widget)) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("There is no chart to export yet"));
      return FALSE;
    }

  /* Files get the engine's legend and the light theme, as the CLI's do. */
  g_object_ref (display);
  bench_chart_set_show_legend (display, TRUE);
  bench_chart_set_theme (display, BENCH_CHART_THEME_LIGHT);
  ok = bench_chart_export (display, path, BENCH_CHART_FORMAT_AUTO, width, height, 1.0, error);
  bench_chart_set_show_legend (display, FALSE);
  bench_chart_set_theme (display, adw_style_manager_get_dark (adw_style_manager_get_default ())
                                  ? BENCH_CHART_THEME_DARK : BENCH_CHART_THEME_LIGHT);
  g_object_unref (display);

  return ok;
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    BenchChartView  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      g_autofree char *base = NULL;

      if (path == NULL)
        return;
      base = g_filename_display_basename (path);
      if (bench_chart_view_export_to (self, path,
                                      gtk_spin_button_get_value_as_int (self->width_spin),
                                      gtk_spin_button_get_value_as_int (self->height_spin),
                                      &error))
        text = g_strdup_printf (_("Exported the chart to %s"), base);
      else
        text = g_strdup_printf (_("Could not export the chart to %s: %s"), base, error->message);
      show_toast (GTK_WIDGET (self), text);
    }

  g_clear_object (&self->chooser);
}

void
bench_chart_view_export (BenchChartView *self)
{
  static const char *extensions[] = { "png", "svg", "pdf" };
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;
  guint format;

  g_return_if_fail (BENCH_IS_CHART_VIEW (self));

  format = MIN (gtk_drop_down_get_selected (self->format_dropdown), G_N_ELEMENTS (extensions) - 1);

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Export Chart"),
                                               GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PNG, SVG or PDF"));
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_filter_add_suffix (filter, "svg");
  gtk_file_filter_add_suffix (filter, "pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  name = g_strdup_printf ("benchtop-chart.%s", extensions[format]);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* GObject */

static void
bench_chart_view_dispose (GObject *object)
{
  BenchChartView *self = (BenchChartView *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  /* AdwBin unparents its child itself: let go of it first, so that the
   * template does not unparent it a second time. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), BENCH_TYPE_CHART_VIEW);

  G_OBJECT_CLASS (bench_chart_view_parent_class)->dispose (object);
}

static void
bench_chart_view_finalize (GObject *object)
{
  BenchChartView *self = (BenchChartView *) object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (bench_chart_view_parent_class)->finalize (object);
}

static void
bench_chart_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BenchChartView *self = BENCH_CHART_VIEW (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, bench_chart_view_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bench_chart_view_class_init (BenchChartViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bench_chart_view_dispose;
  object_class->finalize = bench_chart_view_finalize;
  object_class->get_property = bench_chart_view_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (BENCH_TYPE_CHART_WIDGET);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/benchtop/Benchtop/bench-chart-view.ui");
  gtk_widget_class_bind_template_child (widget_class, BenchChartView, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BenchChartView, metric_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BenchChartView, group_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BenchChartView, model_entry);
  gtk_widget_class_bind_template_child (widget_class, BenchChartView, device_entry);
  gtk_widget_class_bind_template_child (widget_class, BenchChartView, run_entry);
  gtk_widget_class_bind_template_child (widget_class, BenchChartView, precision_entry);
  gtk_widget_class_bind_template_child (widget_class, BenchChartView, batch_entry);
  gtk_widget_class_bind_template_child (widget_class, BenchChartView, log_x_button);
  gtk_widget_class_bind_template_child (widget_class, BenchChartView, log_y_button);
  gtk_widget_class_bind_template_child (widget_class, BenchChartView, spinner);
  gtk_widget_class_bind_template_child (widget_class, BenchChartView, format_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BenchChartView, width_spin);
  gtk_widget_class_bind_template_child (widget_class, BenchChartView, height_spin);
  gtk_widget_class_bind_template_child (widget_class, BenchChartView, legend_box);
  gtk_widget_class_bind_template_child (widget_class, BenchChartView, message_label);
  gtk_widget_class_bind_template_child (widget_class, BenchChartView, chart_widget);
}

static void
bench_chart_view_init (BenchChartView *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) metrics = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) groups = gtk_string_list_new (NULL);
  const char * const *fields = bench_chart_list_fields ();
  const char * const *names = bench_chart_list_metrics ();
  GtkEntry *entries[5];

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint k = 0; k < BENCH_CHART_N_KINDS; k++)
    gtk_string_list_append (kinds, bench_chart_kind_to_string (k));
  gtk_drop_down_set_model (self->kind_dropdown, G_LIST_MODEL (kinds));

  /* Translators: the metric a chart type shows unless told otherwise */
  gtk_string_list_append (metrics, _("default metric"));
  for (guint i = 0; names[i] != NULL; i++)
    gtk_string_list_append (metrics, names[i]);
  gtk_drop_down_set_model (self->metric_dropdown, G_LIST_MODEL (metrics));

  /* Translators: the series a chart type draws unless told otherwise */
  gtk_string_list_append (groups, _("default series"));
  for (guint i = 0; fields[i] != NULL; i++)
    gtk_string_list_append (groups, fields[i]);
  gtk_drop_down_set_model (self->group_dropdown, G_LIST_MODEL (groups));
  g_signal_connect_object (self->group_dropdown, "notify::selected",
                           G_CALLBACK (bench_chart_view_reload), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->kind_dropdown, "notify::selected",
                           G_CALLBACK (bench_chart_view_reload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->metric_dropdown, "notify::selected",
                           G_CALLBACK (bench_chart_view_reload), self, G_CONNECT_SWAPPED);
  entries[0] = self->model_entry;
  entries[1] = self->device_entry;
  entries[2] = self->run_entry;
  entries[3] = self->precision_entry;
  entries[4] = self->batch_entry;
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      g_signal_connect_object (entries[i], "changed", G_CALLBACK (queue_reload), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (entries[i], "activate", G_CALLBACK (bench_chart_view_reload), self, G_CONNECT_SWAPPED);
    }
  g_signal_connect_object (self->log_x_button, "toggled", G_CALLBACK (log_toggled_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->log_y_button, "toggled", G_CALLBACK (log_toggled_cb), self, G_CONNECT_SWAPPED);

  gtk_widget_set_visible (gtk_widget_get_ancestor (GTK_WIDGET (self->legend_box), GTK_TYPE_SCROLLED_WINDOW), FALSE);
}
