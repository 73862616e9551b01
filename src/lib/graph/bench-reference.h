/* bench-reference.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The reference executor: plain C, every sum accumulated in double, so that
 * every backend is validated against the same numbers. Correctness first;
 * loops are threaded with OpenMP only where each output is computed
 * independently, so results do not depend on the number of threads.
 */
#pragma once

#include "bench-graph-exec.h"

G_BEGIN_DECLS

/* The op kernel table of the reference executor (static, never freed).
 * A backend may copy it and replace the kernels it implements. */
const BenchOpTable *bench_reference_op_table (void);

/* Convenience: buffers for @graph with @weights, inputs from @seed, run
 * once with the reference table. */
BenchGraphBuffers  *bench_reference_run      (BenchGraph    *graph,
                                              BenchWeights  *weights,
                                              guint64        seed,
                                              GError       **error);

G_END_DECLS
