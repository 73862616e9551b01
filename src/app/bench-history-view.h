/* bench-history-view.h: the History page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define BENCH_TYPE_HISTORY_VIEW (bench_history_view_get_type ())

G_DECLARE_FINAL_TYPE (BenchHistoryView, bench_history_view, BENCH, HISTORY_VIEW, AdwBin)

/* Lists the runs again, in a thread. */
void        bench_history_view_refresh      (BenchHistoryView *self);
/* TRUE while the runs or a run's results are being read. */
gboolean    bench_history_view_get_busy     (BenchHistoryView *self);
/* Every listed run (BenchRun without results), newest first. */
GListModel *bench_history_view_get_runs     (BenchHistoryView *self);
/* The runs as shown: searched and sorted. */
GListModel *bench_history_view_get_shown    (BenchHistoryView *self);
/* Selects the runs at these positions of the shown list. */
void        bench_history_view_select       (BenchHistoryView *self,
                                             const guint      *positions,
                                             guint             n_positions);
/* The results of the run in the detail pane (BenchResult). */
GListModel *bench_history_view_get_detail   (BenchHistoryView *self);
/* Deletes the selected runs, with an undo toast (returned, transfer none;
 * NULL when nothing is selected); the history changes when the toast goes
 * without its Undo. */
AdwToast   *bench_history_view_delete_selected (BenchHistoryView *self);
/* Writes a stored run, with its samples, to a JSON file, in a thread; a
 * toast says how it went. */
void        bench_history_view_export_run   (BenchHistoryView *self,
                                             const char       *uuid,
                                             const char       *file);

G_END_DECLS
