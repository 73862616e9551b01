/* bench-runner.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "bench-plan.h"
#include "bench-registry.h"
#include "bench-run.h"

G_BEGIN_DECLS

/**
 * BenchProgress:
 *
 * A snapshot of a run's progress, delivered on the main context that called
 * bench_runner_run_async() (coalesced: at most one pending delivery).
 */
typedef struct
{
  guint   config_index;      /* 0-based configuration being measured */
  guint   n_configs;
  char   *config_label;      /* "gemm on cpu, n=1024, fp32" */
  char   *phase;             /* "preparing", "warm-up", "measuring", "validating" */
  guint   iteration;         /* steady-state iterations done in this config */
  double  fraction;          /* 0..1 over the whole run */
  double  elapsed_seconds;
  double  eta_seconds;       /* NAN when not yet estimable */
} BenchProgress;

#define BENCH_TYPE_PROGRESS (bench_progress_get_type ())
GType          bench_progress_get_type (void) G_GNUC_CONST;
BenchProgress *bench_progress_copy     (const BenchProgress *progress);
void           bench_progress_free     (BenchProgress       *progress);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchProgress, bench_progress_free)

#define BENCH_TYPE_RUNNER (bench_runner_get_type ())

G_DECLARE_FINAL_TYPE (BenchRunner, bench_runner, BENCH, RUNNER, GObject)

/*
 * Runs a plan on its own worker thread, one configuration at a time.
 * Signals, all emitted on the calling thread's main context:
 *   ::progress (BenchProgress *)
 *   ::samples (guint config_index, GArray *new_samples_ns)  new steady-state samples
 *   ::result (BenchResult *)                                 a configuration finished
 * When a store path is set, the run and each finished configuration are
 * written as they complete (the worker opens its own connection).
 *
 * Cancellation is checked between iterations; the run then finishes
 * normally with status BENCH_RUN_STATUS_CANCELLED and what was finished so
 * far (the interrupted configuration has status "cancelled").
 */
BenchRunner *bench_runner_new          (BenchRegistry        *registry);
void         bench_runner_set_store_path (BenchRunner        *self,
                                          const char         *path);
void         bench_runner_run_async    (BenchRunner          *self,
                                        BenchPlan            *plan,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
BenchRun    *bench_runner_run_finish   (BenchRunner          *self,
                                        GAsyncResult         *result,
                                        GError              **error);

G_END_DECLS
