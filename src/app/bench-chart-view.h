/* bench-chart-view.h: the Charts page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "bench-chart-widget.h"

G_BEGIN_DECLS

#define BENCH_TYPE_CHART_VIEW (bench_chart_view_get_type ())

G_DECLARE_FINAL_TYPE (BenchChartView, bench_chart_view, BENCH, CHART_VIEW, AdwBin)

/* Reads the results again (in a thread) and redraws. */
void              bench_chart_view_reload       (BenchChartView  *self);
/* TRUE while results are being read. */
gboolean          bench_chart_view_get_busy     (BenchChartView  *self);
/* Charts only these runs (uuids or prefixes); NULL: all. */
void              bench_chart_view_set_runs     (BenchChartView  *self,
                                                 const char * const *runs);
BenchChartWidget *bench_chart_view_get_chart_widget (BenchChartView *self);
/* Writes the chart as shown (visible series, zoom) with its legend, in
 * the light theme; the format comes from the extension. */
gboolean          bench_chart_view_export_to    (BenchChartView  *self,
                                                 const char      *path,
                                                 int              width,
                                                 int              height,
                                                 GError         **error);
/* Asks for a file with a GtkFileChooserNative, then exports. */
void              bench_chart_view_export       (BenchChartView  *self);

G_END_DECLS
