/* bench-cpu-ops.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CPU op table: every BenchOpKind in fp32. Where the CPU has AVX2 +
 * FMA, linear layers run on bench_cpu_packed_gemm() with their weights
 * packed once at prepare, and a GELU or residual add that follows one is
 * folded into its epilogue. Batched matmuls, convolutions (and linear
 * layers elsewhere) are oneDNN primitives created once per op (at prepare)
 * and cached; everything else is our own code, vectorised (an AVX2 + FMA
 * build where the CPU has it) and threaded with OpenMP. Nothing is
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
/* How many ops of @buffers' graph bench_cpu_ops_prepare() folded into the
 * linear layer before them (a GELU or a residual add written by that
 * layer's GEMM); for tests. */
guint               bench_cpu_ops_count_fused (BenchCpuOps      *self,
                                              BenchGraphBuffers *buffers);
/* How many attentions (scores matmul, softmax, matmul by V) of @buffers'
 * graph bench_cpu_ops_prepare() planned to run in one pass; for tests. */
guint               bench_cpu_ops_count_attention (BenchCpuOps  *self,
                                                   BenchGraphBuffers *buffers);
/* How many of those also write the context in [B, L, heads, d], the
 * permute merging the heads skipped; for tests. */
guint               bench_cpu_ops_count_heads_merged (BenchCpuOps *self,
                                                      BenchGraphBuffers *buffers);
/* How many linear layers read their input in row panels (written so by
 * the layer norm or the fused activation before them); for tests. */
guint               bench_cpu_ops_count_rows4 (BenchCpuOps       *self,
                                               BenchGraphBuffers *buffers);
/* Same signature as BenchModelPrepareFunc (bench-model-executable.h). */
gboolean            bench_cpu_ops_prepare_func (gpointer           self,
                                              BenchGraphBuffers   *buffers,
                                              GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchCpuOps, bench_cpu_ops_free)

G_END_DECLS
