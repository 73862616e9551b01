/* bench-chart-widget.h: a BenchChart on screen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "bench-chart.h"

G_BEGIN_DECLS

#define BENCH_TYPE_CHART_WIDGET (bench_chart_widget_get_type ())

G_DECLARE_FINAL_TYPE (BenchChartWidget, bench_chart_widget, BENCH, CHART_WIDGET, GtkWidget)

GtkWidget  *bench_chart_widget_new                (void);
/* The whole chart; setting one shows every series and resets the zoom. */
void        bench_chart_widget_set_chart          (BenchChartWidget *self,
                                                   BenchChart       *chart);
BenchChart *bench_chart_widget_get_chart          (BenchChartWidget *self);
/* What is drawn: the visible series, within the zoomed window, in the
 * style's theme. Exports use it (with its legend). */
BenchChart *bench_chart_widget_get_display_chart  (BenchChartWidget *self);
/* Tells the widget its chart's data changed (a live chart grew). */
void        bench_chart_widget_chart_changed      (BenchChartWidget *self);

void        bench_chart_widget_set_series_visible (BenchChartWidget *self,
                                                   guint             index,
                                                   gboolean          visible);
gboolean    bench_chart_widget_get_series_visible (BenchChartWidget *self,
                                                   guint             index);
/* The colour a series is drawn in, as the engine assigns it. */
void        bench_chart_widget_get_series_color   (BenchChartWidget *self,
                                                   guint             index,
                                                   GdkRGBA          *rgba);

/* Zoom and pan (line and scatter charts). @x, @y in widget coordinates. */
gboolean    bench_chart_widget_can_zoom           (BenchChartWidget *self);
void        bench_chart_widget_zoom               (BenchChartWidget *self,
                                                   double            factor,
                                                   double            x,
                                                   double            y);
void        bench_chart_widget_pan                (BenchChartWidget *self,
                                                   double            dx,
                                                   double            dy);
void        bench_chart_widget_reset_zoom         (BenchChartWidget *self);
gboolean    bench_chart_widget_get_zoomed         (BenchChartWidget *self);

/* The tooltip text at a point, or NULL: what hovering there shows. */
char       *bench_chart_widget_describe_at        (BenchChartWidget *self,
                                                   double            x,
                                                   double            y);

G_END_DECLS
