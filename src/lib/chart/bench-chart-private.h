/* bench-chart-private.h: what the chart files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <pango/pangocairo.h>

#include "bench-chart.h"
#include "bench-chart-scale.h"

G_BEGIN_DECLS

struct _BenchChartSeries
{
  gatomicrefcount  ref_count;
  char            *name;
  char            *color_key;
  gboolean         show_in_legend;
  gboolean         has_rgb;
  BenchChartRgb    rgb;
  guint            generation;   /* bumped by every change */
  guint            n_points;
  GArray          *x;            /* double */
  GArray          *y;            /* double */
  GArray          *err_low;      /* double, NULL until a point has one */
  GArray          *err_high;
  GPtrArray       *labels;       /* char *, NULL until a point has one */
  GPtrArray       *samples;      /* sorted GArray of double per point */
};

typedef struct
{
  char   *name;
  char   *color_key;
  double  peak_gflops;      /* NAN: not measured */
  double  bandwidth_gbs;    /* NAN: not measured */
} BenchChartCeiling;

typedef struct _BenchChartLayout BenchChartLayout;

struct _BenchChart
{
  GObject           parent_instance;

  BenchChartKind    kind;
  BenchChartTheme   theme;
  char             *title;
  char             *subtitle;
  char             *x_title;
  char             *x_unit;
  char             *y_title;
  char             *y_unit;
  char             *empty_message;
  guint             log_x : 1;
  guint             log_y : 1;
  guint             x_time : 1;
  guint             x_integer : 1;
  guint             show_legend : 1;
  guint             show_pareto : 1;
  BenchChartBetter  pareto_x;
  BenchChartBetter  pareto_y;

  GPtrArray        *categories;  /* char * */
  GPtrArray        *series;      /* BenchChartSeries */
  GArray           *ceilings;    /* BenchChartCeiling */
  GPtrArray        *notes;       /* char * */

  guint             generation;  /* bumped by every change of the chart */
  PangoContext     *pango;
  BenchChartLayout *layout;      /* geometry of the last render */
};

static inline double
bench_chart_series_x (const BenchChartSeries *s,
                      guint                   i)
{
  return ((const double *) s->x->data)[i];
}

static inline double
bench_chart_series_y (const BenchChartSeries *s,
                      guint                   i)
{
  return ((const double *) s->y->data)[i];
}

void      bench_chart_invalidate        (BenchChart *self);
gboolean  bench_chart_get_x_ticks       (BenchChart      *self,
                                         double           width,
                                         double           height,
                                         BenchChartTicks *ticks);
void      bench_chart_layout_free       (BenchChartLayout *layout);

G_END_DECLS
