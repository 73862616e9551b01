/* bench-graph-exec.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench-error.h"
#include "bench-graph-exec.h"
#include "bench-util-private.h"

struct _BenchGraphBuffers
{
  BenchGraph   *graph;
  BenchWeights *weights;
  guint8       *arena;
  guint8       *inputs;
  gpointer     *data;     /* per tensor id */
  gint64       *stride;   /* per tensor id: matrix stride of external storage, or 0 */
  gboolean     *external; /* per tensor id: storage supplied by the caller */
  BenchOpArgs  *args;     /* per op */
};

/* The arena, zeroed, on huge pages when large (bench_alloc_pages()):
 * kernels stream activations row after row. NULL when out of memory. */
static guint8 *
arena_alloc (gsize bytes)
{
  guint8 *mem = bench_alloc_pages (bytes, BENCH_GRAPH_ALIGNMENT);

  if (mem != NULL)
    memset (mem, 0, MAX (bytes, 1));
  return mem;
}

void
bench_graph_comparison_clear (BenchGraphComparison *self)
{
  g_clear_pointer (&self->worst_output, g_free);
}

static gsize
round_up (gsize n)
{
  return (n + BENCH_GRAPH_ALIGNMENT - 1) / BENCH_GRAPH_ALIGNMENT * BENCH_GRAPH_ALIGNMENT;
}

BenchGraphBuffers *
bench_graph_buffers_new (BenchGraph    *graph,
                         BenchWeights  *weights,
                         guint64        seed,
                         GError       **error)
{
  return bench_graph_buffers_new_external (graph, weights, seed, NULL, 0, error);
}

static gint
root_of (BenchGraph *graph,
         guint       id)
{
  const BenchTensor *t = bench_graph_get_tensor (graph, id);

  return t->alias_of >= 0 ? t->alias_of : (gint) id;
}

/* Binds @external and checks that only kv_append and matmul's second
 * operand see strided storage. */
static gboolean
bind_external (BenchGraphBuffers        *self,
               const BenchExternalInput *external,
               guint                     n_external,
               GError                  **error)
{
  BenchGraph *graph = self->graph;
  guint n_ops = bench_graph_get_n_ops (graph), n_outputs;
  const guint *outputs = bench_graph_get_outputs (graph, &n_outputs);

  for (guint i = 0; i < n_external; i++)
    {
      const BenchTensor *t = bench_graph_find_tensor (graph, external[i].name);

      if (t == NULL || t->role != BENCH_TENSOR_INPUT || t->dtype != BENCH_DTYPE_F32 || t->n_dims != 4)
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                       "Graph %s has no f32 4-D input “%s” to bind to external storage",
                       bench_graph_get_name (graph), external[i].name);
          return FALSE;
        }
      if (external[i].data == NULL || (external[i].capacity != 0 && external[i].capacity < t->shape[2]))
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                       "External storage for “%s” of %s holds %" G_GINT64_FORMAT " rows, fewer than its %" G_GINT64_FORMAT,
                       t->name, bench_graph_get_name (graph), external[i].capacity, t->shape[2]);
          return FALSE;
        }
      self->external[t->id] = TRUE;
      self->data[t->id] = external[i].data;
      self->stride[t->id] = (external[i].capacity > 0 ? external[i].capacity : t->shape[2]) * t->shape[3];
    }

  for (guint i = 0; i < n_outputs; i++)
    if (self->external[root_of (graph, outputs[i])])
      {
        g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                     "Output “%s” of %s views external storage",
                     bench_graph_get_tensor (graph, outputs[i])->name, bench_graph_get_name (graph));
        return FALSE;
      }

  for (guint i = 0; i < n_ops; i++)
    {
      const BenchOp *op = bench_graph_get_op (graph, i);

      for (guint j = 0; j < op->n_inputs; j++)
        {
          gboolean allowed = (op->kind == BENCH_OP_KV_APPEND && j == 0) ||
                             (op->kind == BENCH_OP_MATMUL && j == 1);

          if (self->external[root_of (graph, op->inputs[j])] && !allowed)
            {
              g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                           "Op “%s” (%s) of %s cannot read external storage as input %u",
                           op->name, bench_op_kind_to_string (op->kind), bench_graph_get_name (graph), j);
              return FALSE;
            }
        }
    }
  return TRUE;
}

BenchGraphBuffers *
bench_graph_buffers_new_external (BenchGraph               *graph,
                                  BenchWeights             *weights,
                                  guint64                   seed,
                                  const BenchExternalInput *external,
                                  guint                     n_external,
                                  GError                  **error)
{
  g_autoptr(BenchGraphBuffers) self = NULL;
  guint n_tensors, n_ops;
  gsize inputs_size = 0;

  g_return_val_if_fail (graph != NULL, NULL);
  g_return_val_if_fail (weights != NULL, NULL);
  g_return_val_if_fail (external != NULL || n_external == 0, NULL);

  bench_graph_seal (graph);
  if (!bench_weights_check_graph (weights, graph, error))
    return NULL;

  n_tensors = bench_graph_get_n_tensors (graph);
  n_ops = bench_graph_get_n_ops (graph);

  self = g_new0 (BenchGraphBuffers, 1);
  self->graph = bench_graph_ref (graph);
  self->weights = bench_weights_ref (weights);
  self->data = g_new0 (gpointer, n_tensors);
  self->stride = g_new0 (gint64, n_tensors);
  self->external = g_new0 (gboolean, n_tensors);
  self->args = g_new0 (BenchOpArgs, MAX (n_ops, 1));
  self->arena = arena_alloc (bench_graph_get_arena_bytes (graph));
  if (self->arena == NULL)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE,
                   "Out of memory allocating the %" G_GINT64_FORMAT "-byte activation arena of %s: "
                   "use a smaller batch or sequence",
                   bench_graph_get_arena_bytes (graph), bench_graph_get_name (graph));
      bench_graph_buffers_free (self);
      return NULL;
    }

  if (!bind_external (self, external, n_external, error))
    return NULL;

  for (guint i = 0; i < n_tensors; i++)
    {
      const BenchTensor *t = bench_graph_get_tensor (graph, i);
      if (t->role == BENCH_TENSOR_INPUT && !self->external[i])
        inputs_size += round_up (t->numel * bench_dtype_size (t->dtype));
    }
  self->inputs = g_aligned_alloc0 (MAX (inputs_size, 1), 1, BENCH_GRAPH_ALIGNMENT);

  inputs_size = 0;
  for (guint i = 0; i < n_tensors; i++)
    {
      const BenchTensor *t = bench_graph_get_tensor (graph, i);

      if (t->alias_of >= 0)
        {
          /* Roots come first: a view is always created after its root. */
          self->data[i] = self->data[t->alias_of];
          self->stride[i] = self->stride[t->alias_of];
          continue;
        }
      if (self->external[i])
        continue;
      switch (t->role)
        {
        case BENCH_TENSOR_INPUT:
          self->data[i] = self->inputs + inputs_size;
          inputs_size += round_up (t->numel * bench_dtype_size (t->dtype));
          break;
        case BENCH_TENSOR_WEIGHT:
          self->data[i] = (gpointer)bench_weights_lookup (weights, t->name, NULL, NULL);
          break;
        case BENCH_TENSOR_CONSTANT:
          self->data[i] = t->data;
          break;
        case BENCH_TENSOR_ACTIVATION:
        case BENCH_TENSOR_OUTPUT:
        default:
          g_assert (t->offset >= 0);
          self->data[i] = self->arena + t->offset;
          break;
        }
    }

  for (guint i = 0; i < n_ops; i++)
    {
      const BenchOp *op = bench_graph_get_op (graph, i);
      BenchOpArgs *a = &self->args[i];

      a->op = op;
      for (guint j = 0; j < op->n_inputs; j++)
        {
          a->in[j] = bench_graph_get_tensor (graph, op->inputs[j]);
          a->in_data[j] = self->data[op->inputs[j]];
          a->in_mat_stride[j] = self->stride[op->inputs[j]];
        }
      a->out = bench_graph_get_tensor (graph, op->output);
      a->out_data = self->data[op->output];
      a->out_mat_stride = self->stride[op->output];
    }

  bench_graph_buffers_fill_inputs (self, seed);

  return g_steal_pointer (&self);
}

void
bench_graph_buffers_free (BenchGraphBuffers *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->graph, bench_graph_unref);
  g_clear_pointer (&self->weights, bench_weights_unref);
  g_clear_pointer (&self->arena, free);
  g_clear_pointer (&self->inputs, g_aligned_free);
  g_free (self->data);
  g_free (self->stride);
  g_free (self->external);
  g_free (self->args);
  g_free (self);
}

BenchGraph *
bench_graph_buffers_get_graph (BenchGraphBuffers *self)
{
  return self->graph;
}

BenchWeights *
bench_graph_buffers_get_weights (BenchGraphBuffers *self)
{
  return self->weights;
}

gpointer
bench_graph_buffers_get_data (BenchGraphBuffers *self,
                              guint              tensor)
{
  g_return_val_if_fail (tensor < bench_graph_get_n_tensors (self->graph), NULL);
  return self->data[tensor];
}

const BenchOpArgs *
bench_graph_buffers_get_op_args (BenchGraphBuffers *self,
                                 guint              op_index)
{
  g_return_val_if_fail (op_index < bench_graph_get_n_ops (self->graph), NULL);
  return &self->args[op_index];
}

void
bench_graph_buffers_fill_inputs (BenchGraphBuffers *self,
                                 guint64            seed)
{
  guint n;
  const guint *inputs = bench_graph_get_inputs (self->graph, &n);

  for (guint i = 0; i < n; i++)
    {
      const BenchTensor *t = bench_graph_get_tensor (self->graph, inputs[i]);

      if (self->external[t->id])
        continue;
      bench_fill_deterministic (self->data[t->id], t->dtype, t->numel, t->init,
                                t->init_scale, seed, t->name);
    }
}

void
bench_graph_buffers_copy_inputs (BenchGraphBuffers *self,
                                 BenchGraphBuffers *src)
{
  guint n, n_src;
  const guint *inputs = bench_graph_get_inputs (self->graph, &n);

  bench_graph_get_inputs (src->graph, &n_src);
  g_return_if_fail (n == n_src);

  for (guint i = 0; i < n; i++)
    {
      const BenchTensor *t = bench_graph_get_tensor (self->graph, inputs[i]);
      const BenchTensor *s = bench_graph_find_tensor (src->graph, t->name);

      if (self->external[t->id])
        continue;
      g_return_if_fail (s != NULL && s->numel == t->numel);
      memcpy (self->data[t->id], src->data[s->id], t->numel * bench_dtype_size (t->dtype));
    }
}

double
bench_graph_buffers_checksum (BenchGraphBuffers *self,
                              guint              tensor)
{
  const BenchTensor *t = bench_graph_get_tensor (self->graph, tensor);
  double sum = 0;

  if (t->dtype == BENCH_DTYPE_I32)
    {
      const gint32 *v = self->data[tensor];
      for (gint64 i = 0; i < t->numel; i++)
        sum += v[i];
    }
  else
    {
      const float *v = self->data[tensor];
      for (gint64 i = 0; i < t->numel; i++)
        sum += v[i];
    }
  return sum;
}

gboolean
bench_graph_buffers_outputs_finite (BenchGraphBuffers  *self,
                                    char              **bad_output)
{
  guint n;
  const guint *outputs = bench_graph_get_outputs (self->graph, &n);

  for (guint i = 0; i < n; i++)
    {
      const BenchTensor *t = bench_graph_get_tensor (self->graph, outputs[i]);
      const float *v = self->data[t->id];

      if (t->dtype != BENCH_DTYPE_F32)
        continue;
      for (gint64 j = 0; j < t->numel; j++)
        if (!isfinite (v[j]))
          {
            if (bad_output != NULL)
              *bad_output = g_strdup (t->name);
            return FALSE;
          }
    }
  return TRUE;
}

void
bench_graph_buffers_compare (BenchGraphBuffers    *self,
                             BenchGraphBuffers    *reference,
                             double                tolerance,
                             BenchGraphComparison *result)
{
  guint n, n_ref;
  const guint *outputs = bench_graph_get_outputs (self->graph, &n);
  const guint *ref_outputs = bench_graph_get_outputs (reference->graph, &n_ref);

  memset (result, 0, sizeof *result);
  result->tolerance = tolerance;
  result->pass = n == n_ref;

  for (guint i = 0; i < MIN (n, n_ref); i++)
    {
      const BenchTensor *t = bench_graph_get_tensor (self->graph, outputs[i]);
      const BenchTensor *r = bench_graph_get_tensor (reference->graph, ref_outputs[i]);
      const float *a = self->data[t->id];
      const float *b = reference->data[r->id];
      double max_abs = 0, max_ref = 0, rel;

      if (t->numel != r->numel || t->dtype != BENCH_DTYPE_F32)
        {
          result->pass = FALSE;
          continue;
        }
      for (gint64 j = 0; j < t->numel; j++)
        {
          double d = fabs ((double)a[j] - (double)b[j]);

          if (!isfinite (a[j]))
            d = INFINITY;
          max_abs = MAX (max_abs, d);
          max_ref = MAX (max_ref, fabs ((double)b[j]));
        }
      rel = max_abs == 0 ? 0 : max_abs / MAX (max_ref, 1e-30);
      result->max_abs_error = MAX (result->max_abs_error, max_abs);
      if (rel > result->max_rel_error || result->worst_output == NULL)
        {
          g_free (result->worst_output);
          result->worst_output = g_strdup (t->name);
          result->max_rel_error = MAX (result->max_rel_error, rel);
        }
    }
  result->pass = result->pass && result->max_rel_error <= tolerance;
}

gboolean
bench_graph_execute (BenchGraph          *graph,
                     const BenchOpTable  *table,
                     BenchGraphBuffers   *buffers,
                     GError             **error)
{
  guint n_ops;

  g_return_val_if_fail (graph != NULL, FALSE);
  g_return_val_if_fail (table != NULL, FALSE);
  g_return_val_if_fail (buffers != NULL && buffers->graph == graph, FALSE);

  n_ops = bench_graph_get_n_ops (graph);
  for (guint i = 0; i < n_ops; i++)
    {
      const BenchOpArgs *a = &buffers->args[i];
      BenchOpKernel kernel = table->kernels[a->op->kind];

      if (G_UNLIKELY (kernel == NULL))
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                       "The %s executor has no kernel for op kind “%s” (op “%s” of %s)",
                       table->name, bench_op_kind_to_string (a->op->kind),
                       a->op->name, bench_graph_get_name (graph));
          return FALSE;
        }
      if (!kernel (a, table->user_data, error))
        {
          g_prefix_error (error, "Op “%s” (%s) of %s: ", a->op->name,
                          bench_op_kind_to_string (a->op->kind), bench_graph_get_name (graph));
          return FALSE;
        }
    }
  return TRUE;
}
