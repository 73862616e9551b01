/* bench-result-columns.h: the columns of a table of BenchResults
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "bench-result.h"

G_BEGIN_DECLS

/* Adds sortable columns (workload, device, batch, sequence, precision,
 * latency, throughput, GFLOP/s, status) to @view, whose rows are
 * BenchResults. Values not measured read "n/a". */
void  bench_result_columns_add         (GtkColumnView *view);
/* A millisecond figure for a latency in ns ("1.234 ms"), "n/a" for NAN. */
char *bench_result_format_latency      (double         ns);
/* The text of the status column: "ok", or the error for a failure. */
char *bench_result_dup_status_text     (BenchResult   *result);

G_END_DECLS
