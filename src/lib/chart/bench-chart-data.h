/* bench-chart-data.h: charts built from benchmark results or CSV files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "bench-chart.h"

G_BEGIN_DECLS

typedef enum
{
  BENCH_CHART_ERROR_BARS_CI,      /* confidence interval of the median */
  BENCH_CHART_ERROR_BARS_STDDEV,  /* mean ± sample standard deviation */
  BENCH_CHART_ERROR_BARS_NONE,
} BenchChartErrorBars;

/**
 * BenchChartSpec:
 * @kind: the chart kind
 * @metric: the value to chart (see bench_chart_list_metrics()); radar
 *   charts take a comma-separated list; stacked charts "memory" or
 *   "flops"; %NULL for the kind's default
 * @x: the field along x or across categories (see
 *   bench_chart_list_fields()); for scatter charts a metric; %NULL for the
 *   kind's default
 * @group_by: the field that makes series (colours); %NULL for the default
 * @error_bars: what bar charts show as error bars
 * @pareto: scatter charts: draw the Pareto front
 * @selection: (nullable): how the results were selected, for the subtitle
 *   and the "no data" message ("--model bert-base")
 */
typedef struct
{
  BenchChartKind       kind;
  const char          *metric;
  const char          *x;
  const char          *group_by;
  BenchChartErrorBars  error_bars;
  gboolean             pareto;
  const char          *selection;
} BenchChartSpec;

const char * const *bench_chart_list_metrics     (void);
const char * const *bench_chart_list_fields      (void);
gboolean            bench_chart_spec_validate    (const BenchChartSpec *spec,
                                                  GError              **error);
BenchChart         *bench_chart_new_from_results (const BenchChartSpec *spec,
                                                  GPtrArray            *results,
                                                  GPtrArray            *devices,
                                                  GError              **error);
BenchChart         *bench_chart_new_from_csv     (BenchChartKind        kind,
                                                  const char           *path,
                                                  const char           *x_column,
                                                  const char           *y_column,
                                                  const char           *group_column,
                                                  GError              **error);

G_END_DECLS
