/* bench-chart-scale.h: tick placement and number formatting for chart axes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BENCH_CHART_MAX_TICKS 64

/**
 * BenchChartTicks:
 *
 * The ticks of one axis. @min and @max are the axis domain (for a linear
 * axis widened to the outer ticks, for a log axis to whole decades or the
 * 1-2-5 steps around the data); @step is the linear step (0 for log and
 * time axes).
 */
typedef struct
{
  double  min;
  double  max;
  double  step;
  guint   n;
  double  values[BENCH_CHART_MAX_TICKS];
} BenchChartTicks;

gboolean bench_chart_ticks_linear (BenchChartTicks *ticks,
                                   double           lo,
                                   double           hi,
                                   guint            target);
gboolean bench_chart_ticks_log    (BenchChartTicks *ticks,
                                   double           lo,
                                   double           hi,
                                   guint            target);
gboolean bench_chart_ticks_time   (BenchChartTicks *ticks,
                                   double           lo_unix,
                                   double           hi_unix,
                                   guint            target);

char    *bench_chart_format_tick  (double           value,
                                   double           step);
char    *bench_chart_format_time_tick (double        unix_seconds,
                                       double        step);
char    *bench_chart_format_value (double           value);

/* The time unit ("s", "ms", "µs", "ns") that shows values of @unit over
 * [lo, hi] with 1 to 999 before the point; *factor converts the values.
 * Returns @unit itself (factor 1) when it is not a time unit. */
const char *bench_chart_time_display_unit (const char *unit,
                                           double      lo,
                                           double      hi,
                                           double     *factor);

G_END_DECLS
