/* bench-chart-series.h: one series of chart data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define BENCH_TYPE_CHART_SERIES (bench_chart_series_get_type ())

typedef struct _BenchChartSeries BenchChartSeries;

/*
 * A named list of points (x, y), each with an optional error interval
 * [err_low, err_high] (absolute values, NAN when absent), a label and, for
 * box plots, the raw samples it summarises. For category charts x is the
 * category index. A value that was not measured is NAN and is drawn as
 * "n/a", never as zero.
 *
 * The colour comes from @color_key (a device fingerprint, a model name...)
 * through the stable palette, unless set explicitly.
 */
GType             bench_chart_series_get_type        (void) G_GNUC_CONST;
BenchChartSeries *bench_chart_series_new             (const char       *name,
                                                      const char       *color_key);
BenchChartSeries *bench_chart_series_ref             (BenchChartSeries *self);
void              bench_chart_series_unref           (BenchChartSeries *self);

const char       *bench_chart_series_get_name        (BenchChartSeries *self);
const char       *bench_chart_series_get_color_key   (BenchChartSeries *self);
gboolean          bench_chart_series_get_show_in_legend (BenchChartSeries *self);
void              bench_chart_series_set_show_in_legend (BenchChartSeries *self,
                                                         gboolean          show);
void              bench_chart_series_set_rgb         (BenchChartSeries *self,
                                                      double            r,
                                                      double            g,
                                                      double            b);
gboolean          bench_chart_series_get_rgb         (BenchChartSeries *self,
                                                      double           *r,
                                                      double           *g,
                                                      double           *b);

void              bench_chart_series_reserve         (BenchChartSeries *self,
                                                      guint             n_points);
guint             bench_chart_series_add             (BenchChartSeries *self,
                                                      double            x,
                                                      double            y);
guint             bench_chart_series_add_full        (BenchChartSeries *self,
                                                      double            x,
                                                      double            y,
                                                      double            err_low,
                                                      double            err_high,
                                                      const char       *label);
void              bench_chart_series_set_samples     (BenchChartSeries *self,
                                                      guint             index,
                                                      const double     *samples,
                                                      guint             n_samples);

guint             bench_chart_series_get_n_points    (BenchChartSeries *self);
double            bench_chart_series_get_x           (BenchChartSeries *self,
                                                      guint             index);
double            bench_chart_series_get_y           (BenchChartSeries *self,
                                                      guint             index);
double            bench_chart_series_get_err_low     (BenchChartSeries *self,
                                                      guint             index);
double            bench_chart_series_get_err_high    (BenchChartSeries *self,
                                                      guint             index);
const char       *bench_chart_series_get_label       (BenchChartSeries *self,
                                                      guint             index);
const double     *bench_chart_series_get_samples     (BenchChartSeries *self,
                                                      guint             index,
                                                      guint            *n_samples);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchChartSeries, bench_chart_series_unref)

G_END_DECLS
