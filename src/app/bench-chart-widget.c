/* bench-chart-widget.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Draws a BenchChart with the same Cairo code that exports files. The chart
 * shown is a copy of the one set: hidden series keep their place with no
 * points (so colours and marker shapes do not move) and a zoomed line or
 * scatter chart keeps only the points in its window, which the engine then
 * scales to fill the plot. The copy is rebuilt only when one of those
 * changes; snapshot() just renders it, and the engine caches its layout per
 * size.
 */
#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "bench-chart-palette.h"
#include "bench-chart-widget.h"

#define MAX_ZOOM 1000.0

struct _BenchChartWidget
{
  GtkWidget         parent_instance;

  BenchChart       *chart;     /* as set */
  BenchChart       *display;   /* as drawn, NULL until needed */
  GArray           *hidden;    /* gboolean per series */

  /* Zoom window, in axis units (log10 of the value on log axes). */
  double            zoom;
  double            cx, cy;    /* centre */
  double            rx, ry;    /* width and height of the whole data */
  gboolean          log_x, log_y;

  /* Hover and drag */
  BenchChartHit     hover;
  gboolean          has_hover;
  double            pointer_x, pointer_y;
  double            drag_cx, drag_cy;
};

G_DEFINE_FINAL_TYPE (BenchChartWidget, bench_chart_widget, GTK_TYPE_WIDGET)

GtkWidget *
bench_chart_widget_new (void)
{
  return g_object_new (BENCH_TYPE_CHART_WIDGET, NULL);
}

static gboolean
is_dark (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

static double
axis_value (double   v,
            gboolean log)
{
  if (log)
    return v > 0 ? log10 (v) : NAN;
  return v;
}

static gboolean
kind_can_zoom (BenchChartKind kind)
{
  return kind == BENCH_CHART_KIND_LINE || kind == BENCH_CHART_KIND_SCATTER;
}

gboolean
bench_chart_widget_can_zoom (BenchChartWidget *self)
{
  g_return_val_if_fail (BENCH_IS_CHART_WIDGET (self), FALSE);

  return self->chart != NULL && kind_can_zoom (bench_chart_get_kind (self->chart));
}

gboolean
bench_chart_widget_get_zoomed (BenchChartWidget *self)
{
  g_return_val_if_fail (BENCH_IS_CHART_WIDGET (self), FALSE);

  return self->zoom > 1.0;
}

static gboolean
series_hidden (BenchChartWidget *self,
               guint             index)
{
  return index < self->hidden->len && g_array_index (self->hidden, gboolean, index);
}

/* The extent of the visible data, for zooming. */
static gboolean
data_extent (BenchChartWidget *self,
             double           *x0,
             double           *x1,
             double           *y0,
             double           *y1)
{
  guint n = bench_chart_get_n_series (self->chart);

  *x0 = *y0 = INFINITY;
  *x1 = *y1 = -INFINITY;
  for (guint s = 0; s < n; s++)
    {
      BenchChartSeries *series = bench_chart_get_series (self->chart, s);

      if (series_hidden (self, s))
        continue;
      for (guint i = 0; i < bench_chart_series_get_n_points (series); i++)
        {
          double x = axis_value (bench_chart_series_get_x (series, i), self->log_x);
          double y = axis_value (bench_chart_series_get_y (series, i), self->log_y);

          if (!isfinite (x) || !isfinite (y))
            continue;
          *x0 = MIN (*x0, x);
          *x1 = MAX (*x1, x);
          *y0 = MIN (*y0, y);
          *y1 = MAX (*y1, y);
        }
    }

  return isfinite (*x0) && isfinite (*y0);
}

static BenchChartSeries *
copy_series (BenchChartWidget *self,
             BenchChartSeries *series,
             gboolean          hidden)
{
  BenchChartSeries *copy = bench_chart_series_new (bench_chart_series_get_name (series),
                                                   bench_chart_series_get_color_key (series));
  double wx0 = -INFINITY, wx1 = INFINITY, wy0 = -INFINITY, wy1 = INFINITY;
  double r, g, b;

  if (bench_chart_series_get_rgb (series, &r, &g, &b))
    bench_chart_series_set_rgb (copy, r, g, b);
  bench_chart_series_set_show_in_legend (copy, bench_chart_series_get_show_in_legend (series));

  if (hidden)
    return copy;

  if (self->zoom > 1.0)
    {
      wx0 = self->cx - self->rx / self->zoom / 2;
      wx1 = self->cx + self->rx / self->zoom / 2;
      wy0 = self->cy - self->ry / self->zoom / 2;
      wy1 = self->cy + self->ry / self->zoom / 2;
    }

  bench_chart_series_reserve (copy, bench_chart_series_get_n_points (series));
  for (guint i = 0; i < bench_chart_series_get_n_points (series); i++)
    {
      double x = bench_chart_series_get_x (series, i);
      double y = bench_chart_series_get_y (series, i);
      const double *samples;
      guint n_samples, index;

      if (self->zoom > 1.0)
        {
          double ax = axis_value (x, self->log_x);
          double ay = axis_value (y, self->log_y);

          if (!(ax >= wx0 && ax <= wx1 && ay >= wy0 && ay <= wy1))
            continue;
        }

      index = bench_chart_series_add_full (copy, x, y,
                                           bench_chart_series_get_err_low (series, i),
                                           bench_chart_series_get_err_high (series, i),
                                           bench_chart_series_get_label (series, i));
      samples = bench_chart_series_get_samples (series, i, &n_samples);
      if (samples != NULL && n_samples > 0)
        bench_chart_series_set_samples (copy, index, samples, n_samples);
    }

  return copy;
}

static BenchChart *
build_display (BenchChartWidget *self,
               gboolean          dark)
{
  BenchChart *display = bench_chart_copy_without_series (self->chart);
  guint n = bench_chart_get_n_series (self->chart);

  bench_chart_set_theme (display, dark ? BENCH_CHART_THEME_DARK : BENCH_CHART_THEME_LIGHT);
  for (guint s = 0; s < n; s++)
    {
      g_autoptr(BenchChartSeries) copy = copy_series (self, bench_chart_get_series (self->chart, s),
                                                      series_hidden (self, s));
      bench_chart_add_series (display, copy);
    }

  if (self->zoom > 1.0)
    /* Translators: a note on a zoomed chart */
    bench_chart_add_note (display, _("Zoomed in: double-click to see all data"));

  return display;
}

static void
invalidate (BenchChartWidget *self)
{
  g_clear_object (&self->display);
  self->has_hover = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

BenchChart *
bench_chart_widget_get_display_chart (BenchChartWidget *self)
{
  g_return_val_if_fail (BENCH_IS_CHART_WIDGET (self), NULL);

  if (self->chart == NULL)
    return NULL;
  if (self->display == NULL)
    self->display = build_display (self, is_dark ());

  return self->display;
}

BenchChart *
bench_chart_widget_get_chart (BenchChartWidget *self)
{
  g_return_val_if_fail (BENCH_IS_CHART_WIDGET (self), NULL);

  return self->chart;
}

void
bench_chart_widget_set_chart (BenchChartWidget *self,
                              BenchChart       *chart)
{
  g_return_if_fail (BENCH_IS_CHART_WIDGET (self));
  g_return_if_fail (chart == NULL || BENCH_IS_CHART (chart));

  g_set_object (&self->chart, chart);
  g_array_set_size (self->hidden, 0);
  self->zoom = 1.0;
  if (chart != NULL)
    g_array_set_size (self->hidden, bench_chart_get_n_series (chart));
  invalidate (self);
}

void
bench_chart_widget_chart_changed (BenchChartWidget *self)
{
  g_return_if_fail (BENCH_IS_CHART_WIDGET (self));

  if (self->chart != NULL && self->hidden->len < bench_chart_get_n_series (self->chart))
    g_array_set_size (self->hidden, bench_chart_get_n_series (self->chart));
  invalidate (self);
}

void
bench_chart_widget_set_series_visible (BenchChartWidget *self,
                                       guint             index,
                                       gboolean          visible)
{
  g_return_if_fail (BENCH_IS_CHART_WIDGET (self));
  g_return_if_fail (index < self->hidden->len);

  if (g_array_index (self->hidden, gboolean, index) == !visible)
    return;
  g_array_index (self->hidden, gboolean, index) = !visible;
  invalidate (self);
}

gboolean
bench_chart_widget_get_series_visible (BenchChartWidget *self,
                                       guint             index)
{
  g_return_val_if_fail (BENCH_IS_CHART_WIDGET (self), FALSE);

  return !series_hidden (self, index);
}

void
bench_chart_widget_get_series_color (BenchChartWidget *self,
                                     guint             index,
                                     GdkRGBA          *rgba)
{
  BenchChartSeries *series;
  guint n;
  double r, g, b;

  g_return_if_fail (BENCH_IS_CHART_WIDGET (self));
  g_return_if_fail (self->chart != NULL);
  g_return_if_fail (rgba != NULL);

  n = bench_chart_get_n_series (self->chart);
  g_return_if_fail (index < n);

  series = bench_chart_get_series (self->chart, index);
  if (bench_chart_series_get_rgb (series, &r, &g, &b))
    {
      *rgba = (GdkRGBA) { r, g, b, 1 };
      return;
    }

  /* The engine's assignment: stable colours by key over the chart's keys. */
  {
    g_autofree const char **keys = g_new0 (const char *, n + 1);
    g_autofree guint *slots = g_new0 (guint, n + 1);
    BenchChartRgb c;

    for (guint i = 0; i < n; i++)
      keys[i] = bench_chart_series_get_color_key (bench_chart_get_series (self->chart, i));
    bench_chart_palette_assign (keys, n, slots);
    c = bench_chart_palette_color (slots[index]);
    *rgba = (GdkRGBA) { c.r, c.g, c.b, 1 };
  }
}

/* Zoom */

void
bench_chart_widget_reset_zoom (BenchChartWidget *self)
{
  g_return_if_fail (BENCH_IS_CHART_WIDGET (self));

  if (self->zoom == 1.0)
    return;
  self->zoom = 1.0;
  invalidate (self);
}

void
bench_chart_widget_zoom (BenchChartWidget *self,
                         double            factor,
                         double            x,
                         double            y)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double fx, fy, px, py, zoom;

  g_return_if_fail (BENCH_IS_CHART_WIDGET (self));

  if (!bench_chart_widget_can_zoom (self) || !(factor > 0) || width <= 0 || height <= 0)
    return;

  if (self->zoom <= 1.0)
    {
      double x0, x1, y0, y1;

      /* Starting to zoom: the window is the whole of the visible data. */
      self->log_x = bench_chart_get_log_x (self->chart);
      self->log_y = bench_chart_get_log_y (self->chart);
      if (!data_extent (self, &x0, &x1, &y0, &y1))
        return;
      self->rx = MAX (x1 - x0, fabs (x0) * 1e-9 + 1e-12);
      self->ry = MAX (y1 - y0, fabs (y0) * 1e-9 + 1e-12);
      self->cx = (x0 + x1) / 2;
      self->cy = (y0 + y1) / 2;
      self->zoom = 1.0;
    }

  zoom = CLAMP (self->zoom * factor, 1.0, MAX_ZOOM);
  if (zoom == self->zoom)
    return;

  /* Keep the value under the pointer where it is (near enough: the plot
   * is most of the widget). */
  fx = CLAMP (x / width, 0, 1);
  fy = CLAMP (1 - y / height, 0, 1);
  px = self->cx - self->rx / self->zoom / 2 + fx * self->rx / self->zoom;
  py = self->cy - self->ry / self->zoom / 2 + fy * self->ry / self->zoom;
  self->zoom = zoom;
  self->cx = px - fx * self->rx / zoom + self->rx / zoom / 2;
  self->cy = py - fy * self->ry / zoom + self->ry / zoom / 2;
  if (self->zoom <= 1.0)
    self->zoom = 1.0;

  invalidate (self);
}

void
bench_chart_widget_pan (BenchChartWidget *self,
                        double            dx,
                        double            dy)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));

  g_return_if_fail (BENCH_IS_CHART_WIDGET (self));

  if (self->zoom <= 1.0 || width <= 0 || height <= 0)
    return;

  self->cx -= dx / width * self->rx / self->zoom;
  self->cy += dy / height * self->ry / self->zoom;
  invalidate (self);
}

char *
bench_chart_widget_describe_at (BenchChartWidget *self,
                                double            x,
                                double            y)
{
  BenchChart *display;
  BenchChartHit hit;
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  g_return_val_if_fail (BENCH_IS_CHART_WIDGET (self), NULL);

  if ((display = bench_chart_widget_get_display_chart (self)) == NULL || width <= 0 || height <= 0)
    return NULL;
  if (!bench_chart_hit_test (display, width, height, x, y, &hit))
    return NULL;

  return bench_chart_describe_hit (display, &hit);
}

/* Events */

static void
motion_cb (BenchChartWidget         *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *motion)
{
  BenchChart *display = bench_chart_widget_get_display_chart (self);
  BenchChartHit hit;
  gboolean found = FALSE;
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  self->pointer_x = x;
  self->pointer_y = y;
  if (display != NULL && width > 0 && height > 0)
    found = bench_chart_hit_test (display, width, height, x, y, &hit);

  if (found != self->has_hover ||
      (found && (hit.series != self->hover.series || hit.index != self->hover.index)))
    {
      self->has_hover = found;
      if (found)
        self->hover = hit;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
    }
}

static void
leave_cb (BenchChartWidget         *self,
          GtkEventControllerMotion *motion)
{
  if (self->has_hover)
    {
      self->has_hover = FALSE;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static gboolean
bench_chart_widget_query_tooltip (GtkWidget  *widget,
                                  int         x,
                                  int         y,
                                  gboolean    keyboard,
                                  GtkTooltip *tooltip)
{
  BenchChartWidget *self = BENCH_CHART_WIDGET (widget);
  g_autofree char *text = NULL;

  if (keyboard)
    return FALSE;
  if ((text = bench_chart_widget_describe_at (self, x, y)) == NULL)
    {
      /* Away from the points, say how to zoom. */
      if (!bench_chart_widget_can_zoom (self))
        return FALSE;
      text = g_strdup (self->zoom > 1.0
                       ? _("Drag to pan; double-click to see all data")
                       : _("Ctrl+scroll to zoom"));
    }

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static gboolean
scroll_cb (BenchChartWidget         *self,
           double                    dx,
           double                    dy,
           GtkEventControllerScroll *scroll)
{
  double x, y;

  /* Plain scrolling scrolls the page; Ctrl+scroll zooms, as in maps. */
  if (!bench_chart_widget_can_zoom (self) ||
      !(gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll)) & GDK_CONTROL_MASK))
    return FALSE;

  /* Zoom about the pointer, which the motion controller follows. */
  x = self->pointer_x;
  y = self->pointer_y;

  bench_chart_widget_zoom (self, pow (1.25, -dy), x, y);
  return TRUE;
}

static void
drag_begin_cb (BenchChartWidget *self,
               double            x,
               double            y,
               GtkGestureDrag   *drag)
{
  if (self->zoom <= 1.0)
    {
      gtk_gesture_set_state (GTK_GESTURE (drag), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->drag_cx = self->cx;
  self->drag_cy = self->cy;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
}

static void
drag_update_cb (BenchChartWidget *self,
                double            dx,
                double            dy,
                GtkGestureDrag   *drag)
{
  self->cx = self->drag_cx;
  self->cy = self->drag_cy;
  bench_chart_widget_pan (self, dx, dy);
}

static void
drag_end_cb (BenchChartWidget *self,
             double            dx,
             double            dy,
             GtkGestureDrag   *drag)
{
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static void
pressed_cb (BenchChartWidget *self,
            int               n_press,
            double            x,
            double            y,
            GtkGestureClick  *click)
{
  if (n_press == 2)
    bench_chart_widget_reset_zoom (self);
}

static void
dark_changed_cb (BenchChartWidget *self)
{
  invalidate (self);
}

/* GtkWidget */

static void
bench_chart_widget_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  BenchChartWidget *self = BENCH_CHART_WIDGET (widget);
  BenchChart *display = bench_chart_widget_get_display_chart (self);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (display == NULL || width <= 0 || height <= 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  bench_chart_render (display, cr, width, height);

  /* A ring around the hovered point. */
  if (self->has_hover && isfinite (self->hover.anchor_x) && isfinite (self->hover.anchor_y))
    {
      double v = bench_chart_get_theme (display) == BENCH_CHART_THEME_DARK ? 1.0 : 0.0;

      cairo_set_source_rgba (cr, v, v, v, 0.8);
      cairo_set_line_width (cr, 2);
      cairo_arc (cr, self->hover.anchor_x, self->hover.anchor_y, 6, 0, 2 * G_PI);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static void
bench_chart_widget_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 160;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 600 : 360;
}

static void
bench_chart_widget_dispose (GObject *object)
{
  BenchChartWidget *self = (BenchChartWidget *) object;

  g_signal_handlers_disconnect_by_func (adw_style_manager_get_default (), dark_changed_cb, self);
  g_clear_object (&self->display);
  g_clear_object (&self->chart);
  g_clear_pointer (&self->hidden, g_array_unref);

  G_OBJECT_CLASS (bench_chart_widget_parent_class)->dispose (object);
}

static void
bench_chart_widget_class_init (BenchChartWidgetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bench_chart_widget_dispose;

  widget_class->snapshot = bench_chart_widget_snapshot;
  widget_class->measure = bench_chart_widget_measure;
  widget_class->query_tooltip = bench_chart_widget_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "benchchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bench_chart_widget_init (BenchChartWidget *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  self->hidden = g_array_new (FALSE, TRUE, sizeof (gboolean));
  self->zoom = 1.0;

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect_swapped (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_drag_new ();
  g_signal_connect_swapped (gesture, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect_swapped (gesture, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect_swapped (gesture, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  g_signal_connect_swapped (gesture, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  g_signal_connect_swapped (adw_style_manager_get_default (), "notify::dark",
                            G_CALLBACK (dark_changed_cb), self);
}
