/* bench-cpu-ops.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CPU op table: every BenchOpKind in fp32. Linear layers, batched
 * matmuls and convolutions are oneDNN primitives created once per op (at
 * prepare) and cached; everything else is our own code, vectorised (AVX2
 * clones where the CPU has them) and threaded with OpenMP. Nothing is
 * allocated while a prepared graph runs.
 */
#pragma once

#include "bench-graph-exec.h"

G_BEGIN_DECLS

typedef struct _BenchCpuOps BenchCpuOps;

BenchCpuOps        *bench_cpu_ops_new        (GError             **error);
void                bench_cpu_ops_free       (BenchCpuOps         *self);
/* The table (its user_data is @self); valid while @self lives. */
const BenchOpTable *bench_cpu_ops_get_table  (BenchCpuOps         *self);
/* Creates the oneDNN primitives of every op of @buffers' graph, so that
 * running it allocates nothing. Ops not prepared are prepared on first use. */
gboolean            bench_cpu_ops_prepare    (BenchCpuOps         *self,
                                              BenchGraphBuffers   *buffers,
                                              GError             **error);
/* Same signature as BenchModelPrepareFunc (bench-model-executable.h). */
gboolean            bench_cpu_ops_prepare_func (gpointer           self,
                                              BenchGraphBuffers   *buffers,
                                              GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchCpuOps, bench_cpu_ops_free)

G_END_DECLS
