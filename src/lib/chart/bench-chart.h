/* bench-chart.h: the chart engine (Cairo + Pango, no GTK)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <glib-object.h>

#include "bench-chart-palette.h"
#include "bench-chart-scale.h"
#include "bench-chart-series.h"

G_BEGIN_DECLS

/**
 * BenchChartKind:
 * @BENCH_CHART_KIND_BAR: grouped bars per category, with error bars
 * @BENCH_CHART_KIND_LINE: lines over a numeric or time x axis, a marker per point
 * @BENCH_CHART_KIND_SCATTER: points, optional Pareto front
 * @BENCH_CHART_KIND_HEATMAP: series are rows, categories are columns
 * @BENCH_CHART_KIND_RADAR: categories are the spokes, values normalised to [0, 1]
 * @BENCH_CHART_KIND_BOX: box plots of each point's raw samples
 * @BENCH_CHART_KIND_STACKED: stacked bars, one series per part
 * @BENCH_CHART_KIND_PERCENTILES: grouped bars, one series per statistic
 * @BENCH_CHART_KIND_ROOFLINE: GFLOP/s against FLOP/byte under device ceilings
 */
typedef enum
{
  BENCH_CHART_KIND_BAR,
  BENCH_CHART_KIND_LINE,
  BENCH_CHART_KIND_SCATTER,
  BENCH_CHART_KIND_HEATMAP,
  BENCH_CHART_KIND_RADAR,
  BENCH_CHART_KIND_BOX,
  BENCH_CHART_KIND_STACKED,
  BENCH_CHART_KIND_PERCENTILES,
  BENCH_CHART_KIND_ROOFLINE,
} BenchChartKind;

#define BENCH_CHART_N_KINDS (BENCH_CHART_KIND_ROOFLINE + 1)

typedef enum
{
  BENCH_CHART_FORMAT_AUTO,   /* from the file name's extension */
  BENCH_CHART_FORMAT_PNG,
  BENCH_CHART_FORMAT_SVG,
  BENCH_CHART_FORMAT_PDF,
} BenchChartFormat;

typedef enum
{
  BENCH_CHART_BETTER_NONE,
  BENCH_CHART_BETTER_LOWER,
  BENCH_CHART_BETTER_HIGHER,
} BenchChartBetter;

/**
 * BenchChartHit:
 * @series: index of the series, -1 when nothing was hit
 * @index: index of the point in its series
 * @category: category index for category charts, else -1
 * @x: the point's x (category index for category charts)
 * @y: its value
 * @err_low: its error interval, or NAN
 * @err_high:
 * @anchor_x: where a tooltip should point, in chart coordinates
 * @anchor_y:
 */
typedef struct
{
  int     series;
  int     index;
  int     category;
  double  x;
  double  y;
  double  err_low;
  double  err_high;
  double  anchor_x;
  double  anchor_y;
} BenchChartHit;

GType            bench_chart_kind_get_type   (void) G_GNUC_CONST;
GType            bench_chart_theme_get_type  (void) G_GNUC_CONST;
#define BENCH_TYPE_CHART_KIND  (bench_chart_kind_get_type ())
#define BENCH_TYPE_CHART_THEME (bench_chart_theme_get_type ())

const char      *bench_chart_kind_to_string   (BenchChartKind   kind);
gboolean         bench_chart_kind_from_string (const char      *str,
                                               BenchChartKind  *kind);
BenchChartFormat bench_chart_format_from_path (const char      *path);

#define BENCH_TYPE_CHART (bench_chart_get_type ())

G_DECLARE_FINAL_TYPE (BenchChart, bench_chart, BENCH, CHART, GObject)

BenchChart      *bench_chart_new              (BenchChartKind   kind);

BenchChartKind   bench_chart_get_kind         (BenchChart      *self);
void             bench_chart_set_kind         (BenchChart      *self,
                                               BenchChartKind   kind);
const char      *bench_chart_get_title        (BenchChart      *self);
void             bench_chart_set_title        (BenchChart      *self,
                                               const char      *title);
const char      *bench_chart_get_subtitle     (BenchChart      *self);
void             bench_chart_set_subtitle     (BenchChart      *self,
                                               const char      *subtitle);
BenchChartTheme  bench_chart_get_theme        (BenchChart      *self);
void             bench_chart_set_theme        (BenchChart      *self,
                                               BenchChartTheme  theme);
gboolean         bench_chart_get_log_x        (BenchChart      *self);
void             bench_chart_set_log_x        (BenchChart      *self,
                                               gboolean         log_x);
gboolean         bench_chart_get_log_y        (BenchChart      *self);
void             bench_chart_set_log_y        (BenchChart      *self,
                                               gboolean         log_y);
gboolean         bench_chart_get_show_legend  (BenchChart      *self);
void             bench_chart_set_show_legend  (BenchChart      *self,
                                               gboolean         show);

void             bench_chart_set_x_axis       (BenchChart      *self,
                                               const char      *title,
                                               const char      *unit);
void             bench_chart_set_y_axis       (BenchChart      *self,
                                               const char      *title,
                                               const char      *unit);
const char      *bench_chart_get_x_unit       (BenchChart      *self);
const char      *bench_chart_get_y_unit       (BenchChart      *self);
void             bench_chart_set_x_time       (BenchChart      *self,
                                               gboolean         x_is_time);
void             bench_chart_set_x_integer    (BenchChart      *self,
                                               gboolean         x_is_integer);

guint            bench_chart_add_category     (BenchChart      *self,
                                               const char      *name);
guint            bench_chart_get_n_categories (BenchChart      *self);
const char      *bench_chart_get_category     (BenchChart      *self,
                                               guint            index);

void             bench_chart_add_series       (BenchChart      *self,
                                               BenchChartSeries *series);
guint            bench_chart_get_n_series     (BenchChart      *self);
BenchChartSeries *bench_chart_get_series      (BenchChart      *self,
                                               guint            index);

void             bench_chart_add_ceiling      (BenchChart      *self,
                                               const char      *name,
                                               const char      *color_key,
                                               double           peak_gflops,
                                               double           bandwidth_gbs);
void             bench_chart_add_note         (BenchChart      *self,
                                               const char      *note);
void             bench_chart_set_pareto       (BenchChart      *self,
                                               gboolean         show,
                                               BenchChartBetter x_better,
                                               BenchChartBetter y_better);
void             bench_chart_set_empty_message (BenchChart     *self,
                                                const char     *message);
gboolean         bench_chart_is_empty         (BenchChart      *self);

void             bench_chart_render           (BenchChart      *self,
                                               cairo_t         *cr,
                                               double           width,
                                               double           height);
gboolean         bench_chart_export           (BenchChart      *self,
                                               const char      *path,
                                               BenchChartFormat format,
                                               double           width,
                                               double           height,
                                               double           scale,
                                               GError         **error);
gboolean         bench_chart_hit_test         (BenchChart      *self,
                                               double           width,
                                               double           height,
                                               double           x,
                                               double           y,
                                               BenchChartHit   *hit);
char            *bench_chart_describe_hit     (BenchChart      *self,
                                               const BenchChartHit *hit);
/* Everything but the series: the app adds the ones it shows. */
BenchChart      *bench_chart_copy_without_series (BenchChart   *self);

G_END_DECLS
