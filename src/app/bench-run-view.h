/* bench-run-view.h: the Run page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "bench-run.h"

G_BEGIN_DECLS

#define BENCH_TYPE_RUN_VIEW (bench_run_view_get_type ())

G_DECLARE_FINAL_TYPE (BenchRunView, bench_run_view, BENCH, RUN_VIEW, AdwBin)

/* TRUE while a benchmark runs. */
gboolean    bench_run_view_get_running     (BenchRunView *self);
/* TRUE while devices are being discovered. */
gboolean    bench_run_view_get_discovering (BenchRunView *self);
/* Starts a run with the page's settings; problems are shown as toasts. */
gboolean    bench_run_view_start           (BenchRunView *self);
/* Asks the run to stop after the current iteration. */
void        bench_run_view_cancel          (BenchRunView *self);
void        bench_run_view_refresh_devices (BenchRunView *self);
/* The results of the current (or last) run, BenchResult, in order. */
GListModel *bench_run_view_get_results     (BenchRunView *self);

G_END_DECLS
