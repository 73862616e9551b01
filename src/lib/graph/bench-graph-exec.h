/* bench-graph-exec.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Running a BenchGraph: preallocated buffers for every tensor, and an op
 * kernel table (one function per op kind) that a graph walker calls in
 * order. The reference executor (bench-reference.h) is one such table; a
 * backend supplies its own, copying the reference table and replacing the
 * kernels it implements.
 */
#pragma once

#include "bench-graph.h"
#include "bench-weights.h"

G_BEGIN_DECLS

/* What one op sees. Prepared once per (graph, buffers): no allocation per
 * iteration. A view (reshape, KV append) has the data of its root. */
typedef struct
{
  const BenchOp     *op;
  const BenchTensor *in[BENCH_OP_MAX_INPUTS];
  const void        *in_data[BENCH_OP_MAX_INPUTS];
  const BenchTensor *out;
  void              *out_data;
  /* Elements between consecutive matrices (the last two dims) of a 4-D
   * tensor bound to external storage with a larger capacity (a shared KV
   * cache, see bench_graph_buffers_new_external()); 0: contiguous. Only
   * kv_append (input 0 and output) and matmul (input 1) ever see one. */
  gint64             in_mat_stride[BENCH_OP_MAX_INPUTS];
  gint64             out_mat_stride;
} BenchOpArgs;

typedef gboolean (*BenchOpKernel) (const BenchOpArgs  *args,
                                   gpointer            user_data,
                                   GError            **error);

typedef struct
{
  const char    *name;
  BenchOpKernel  kernels[BENCH_OP_N_KINDS];
  gpointer       user_data;
} BenchOpTable;

typedef struct
{
  double   max_abs_error;
  double   max_rel_error;   /* max |a - r| over an output / max |r| of that output */
  double   tolerance;       /* applied to max_rel_error */
  gboolean pass;
  char    *worst_output;    /* name of the output with the largest relative error */
} BenchGraphComparison;

void bench_graph_comparison_clear (BenchGraphComparison *self);

typedef struct _BenchGraphBuffers BenchGraphBuffers;

/* Allocates the arena (bench_graph_get_arena_bytes()) and the inputs, binds
 * constants and @weights (which must hold every weight of @graph with its
 * shape: the error names the first that does not). Inputs are filled from
 * @seed. Seals @graph if needed. */
BenchGraphBuffers *bench_graph_buffers_new         (BenchGraph         *graph,
                                                    BenchWeights       *weights,
                                                    guint64             seed,
                                                    GError            **error);
/* Storage supplied by the caller for an f32 4-D input [B, h, L, d]: a KV
 * cache shared by the decode steps of a generation, allocated once with
 * room for @capacity rows per (B, h) matrix (0: L). The graphs' tensors
 * keep their exact length L, so ops touch only the filled rows. */
typedef struct
{
  const char *name;
  float      *data;
  gint64      capacity;
} BenchExternalInput;

/* Like bench_graph_buffers_new(), but the inputs named in @external use the
 * caller's storage (not allocated, never filled or copied). Such a tensor
 * may only be read by kv_append (as its cache) and, through kv_append's
 * view, by matmul as its second operand; anything else is an error naming
 * the op. */
BenchGraphBuffers *bench_graph_buffers_new_external (BenchGraph               *graph,
                                                     BenchWeights             *weights,
                                                     guint64                   seed,
                                                     const BenchExternalInput *external,
                                                     guint                     n_external,
                                                     GError                  **error);
void               bench_graph_buffers_free        (BenchGraphBuffers  *self);
BenchGraph        *bench_graph_buffers_get_graph   (BenchGraphBuffers  *self);
BenchWeights      *bench_graph_buffers_get_weights (BenchGraphBuffers  *self);
/* The storage of a tensor (a view's is its root's). Weights are read-only. */
gpointer           bench_graph_buffers_get_data    (BenchGraphBuffers  *self,
                                                    guint               tensor);
const BenchOpArgs *bench_graph_buffers_get_op_args (BenchGraphBuffers  *self,
                                                    guint               op_index);
void               bench_graph_buffers_fill_inputs (BenchGraphBuffers  *self,
                                                    guint64             seed);
/* Copies the inputs of @src (a buffers of a graph with the same inputs). */
void               bench_graph_buffers_copy_inputs (BenchGraphBuffers  *self,
                                                    BenchGraphBuffers  *src);
/* Sum of an output's values in double: a cheap deterministic fingerprint. */
double             bench_graph_buffers_checksum    (BenchGraphBuffers  *self,
                                                    guint               tensor);
gboolean           bench_graph_buffers_outputs_finite (BenchGraphBuffers *self,
                                                    char              **bad_output);
/* Compares every output of @self against @reference (same graph shape). */
void               bench_graph_buffers_compare     (BenchGraphBuffers  *self,
                                                    BenchGraphBuffers  *reference,
                                                    double              tolerance,
                                                    BenchGraphComparison *result);

/* Walks the ops in order, calling @table's kernel for each. A NULL kernel
 * is an error naming the op kind and the table. */
gboolean           bench_graph_execute             (BenchGraph         *graph,
                                                    const BenchOpTable *table,
                                                    BenchGraphBuffers  *buffers,
                                                    GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchGraphBuffers, bench_graph_buffers_free)

G_END_DECLS
