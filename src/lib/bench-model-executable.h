/* bench-model-executable.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A model (catalog or Hugging Face config.json) prepared for a backend that
 * exposes a host-side op table: graphs, weights, inputs and buffers built
 * once; run() walks the graph (or, for generating models, the prefill and
 * every decode step with a shared KV cache); validate() compares with the
 * reference executor. See docs/models.md.
 */
#pragma once

#include "bench-backend-private.h"
#include "bench-graph-exec.h"

G_BEGIN_DECLS

#define BENCH_TYPE_MODEL_EXECUTABLE (bench_model_executable_get_type ())

G_DECLARE_FINAL_TYPE (BenchModelExecutable, bench_model_executable, BENCH, MODEL_EXECUTABLE, BenchExecutable)

/* Called once per buffers at prepare, so that the backend creates what its
 * kernels need (primitives) outside the timed loop. */
typedef gboolean (*BenchModelPrepareFunc) (gpointer            user_data,
                                           BenchGraphBuffers  *buffers,
                                           GError            **error);

/* Relative tolerance of validation: max |ours - reference| over an output
 * divided by max |reference| of that output. */
#define BENCH_MODEL_TOLERANCE 1e-3

/* TRUE when @config names a model: a catalog model or a config.json. */
gboolean         bench_model_config_is_model      (const BenchConfig      *config);

/* @table's kernels run with table->user_data; @prepare (may be NULL) gets
 * the same user_data. @owner (may be NULL) is kept alive with the
 * executable and released with @owner_free (the op table's owner). */
BenchExecutable *bench_model_executable_new       (const BenchConfig      *config,
                                                   const char             *device_name,
                                                   const BenchOpTable     *table,
                                                   BenchModelPrepareFunc   prepare,
                                                   gpointer                owner,
                                                   GDestroyNotify          owner_free,
                                                   GCancellable           *cancellable,
                                                   GError                **error);
/* The layers validate() checks, e.g. "all 12 layers" or "2 of 12 layers". */
const char      *bench_model_executable_get_validation_scope (BenchModelExecutable *self);
/* The graph run (the prefill graph for generating models). */
BenchGraph      *bench_model_executable_get_graph (BenchModelExecutable   *self);
/* Generating models: the decode graphs, one per step after the prefill. */
guint            bench_model_executable_get_n_decode_steps (BenchModelExecutable *self);
BenchGraph      *bench_model_executable_get_decode_graph (BenchModelExecutable *self,
                                                   guint                   step);

/* The device time of the graph the op table ran last (ns), or -1. */
typedef gint64 (*BenchModelDeviceTimeFunc) (gpointer user_data);

void             bench_model_executable_set_device_time_func (BenchModelExecutable     *self,
                                                              BenchModelDeviceTimeFunc  func);

G_END_DECLS
