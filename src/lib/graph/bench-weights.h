/* bench-weights.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * BenchWeights: the parameter values of a model, by tensor name, so that
 * several graphs of one model (prefill, decode steps) share one copy.
 * Either deterministic pseudo-random values (latency does not depend on
 * weight values) or real ones loaded from a safetensors file.
 */
#pragma once

#include "bench-graph.h"

G_BEGIN_DECLS

typedef struct _BenchWeights BenchWeights;

#define BENCH_TYPE_WEIGHTS (bench_weights_get_type ())

GType         bench_weights_get_type     (void) G_GNUC_CONST;

BenchWeights *bench_weights_new          (void);
BenchWeights *bench_weights_ref          (BenchWeights  *self);
void          bench_weights_unref        (BenchWeights  *self);

/* Every weight of @graph, initialised from @seed and the tensor's name
 * (so the values do not depend on the order or the graph they come from). */
BenchWeights *bench_weights_new_random   (BenchGraph    *graph,
                                          guint64        seed);
/* Adds the weights of @graph this set lacks (e.g. a decode graph's). */
void          bench_weights_add_random   (BenchWeights  *self,
                                          BenchGraph    *graph,
                                          guint64        seed);

/* Takes ownership of @data (g_malloc'd, @numel floats). */
void          bench_weights_insert       (BenchWeights  *self,
                                          const char    *name,
                                          guint          n_dims,
                                          const gint64  *shape,
                                          float         *data);
/* Keeps @data, which must stay valid while @owner (unref'd with
 * @owner_free) is alive: used for zero-copy views of a mapped file. */
void          bench_weights_insert_view  (BenchWeights  *self,
                                          const char    *name,
                                          guint          n_dims,
                                          const gint64  *shape,
                                          const float   *data,
                                          gpointer       owner,
                                          GDestroyNotify owner_ref_free);
const float  *bench_weights_lookup       (BenchWeights  *self,
                                          const char    *name,
                                          guint         *n_dims,
                                          const gint64 **shape);
guint         bench_weights_get_n_tensors (BenchWeights *self);
/* TRUE when every weight of @graph is present with its shape; otherwise
 * the error names the first missing or mis-shaped tensor. */
gboolean      bench_weights_check_graph  (BenchWeights  *self,
                                          BenchGraph    *graph,
                                          GError       **error);

/* Deterministic fill used for weights and inputs. Values depend only on
 * (@seed, @name, element index): chunks are independent, so the result does
 * not depend on the number of threads. */
void          bench_fill_deterministic   (gpointer       data,
                                          BenchDType     dtype,
                                          gint64         numel,
                                          BenchInitKind  init,
                                          double         scale,
                                          guint64        seed,
                                          const char    *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchWeights, bench_weights_unref)

G_END_DECLS
