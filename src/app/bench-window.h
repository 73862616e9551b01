/* bench-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "bench-application.h"
#include "bench-chart-view.h"
#include "bench-history-view.h"
#include "bench-run-view.h"

G_BEGIN_DECLS

#define BENCH_TYPE_WINDOW (bench_window_get_type ())

G_DECLARE_FINAL_TYPE (BenchWindow, bench_window, BENCH, WINDOW, AdwApplicationWindow)

BenchWindow      *bench_window_new               (BenchApplication *application);
/* TRUE while devices are discovered, the history or a chart is read, or
 * files are imported (not while a benchmark runs: see the run view). */
gboolean          bench_window_get_busy          (BenchWindow      *self);
/* The name of the visible page: "run", "charts" or "history". */
const char       *bench_window_get_visible_view  (BenchWindow      *self);
BenchRunView     *bench_window_get_run_view      (BenchWindow      *self);
BenchChartView   *bench_window_get_chart_view    (BenchWindow      *self);
BenchHistoryView *bench_window_get_history_view  (BenchWindow      *self);
/* Imports result files in a thread, as dropping them on the window does;
 * each file's outcome is shown in a toast. */
void              bench_window_import_files      (BenchWindow      *self,
                                                  GFile           **files,
                                                  guint             n_files);
/* What the window told the user in toasts about imports, oldest first. */
const GPtrArray  *bench_window_get_messages      (BenchWindow      *self);

G_END_DECLS
