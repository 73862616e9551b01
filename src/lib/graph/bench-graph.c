/* bench-graph.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "bench-graph.h"

struct _BenchGraph
{
  gatomicrefcount   ref_count;
  char             *name;
  GPtrArray        *tensors;          /* BenchTensor*, index == id */
  GArray           *ops;              /* BenchOp */
  GHashTable       *by_name;          /* name -> id + 1 (first tensor of that name) */
  GArray           *inputs;           /* guint */
  GArray           *outputs;          /* guint */
  gboolean          sealed;

  BenchGraphTotals  totals;
  gint64            n_parameters;
  gint64            inputs_bytes;
  gint64            arena_bytes;
  gint64            activation_bytes;
};

G_DEFINE_BOXED_TYPE (BenchGraph, bench_graph, bench_graph_ref, bench_graph_unref)

static const char *op_kind_names[BENCH_OP_N_KINDS] = {
  "linear", "matmul", "add", "mul", "layer_norm", "rms_norm", "group_norm",
  "softmax", "gelu", "relu", "silu", "tanh", "embedding", "conv1d", "conv2d",
  "max_pool2d", "avg_pool2d", "global_avg_pool", "reshape", "permute",
  "slice", "concat", "kv_append",
};

static const char *category_names[BENCH_OP_N_CATEGORIES] = {
  "attention", "linear", "convolution", "normalisation", "other",
};

const char *
bench_op_kind_to_string (BenchOpKind kind)
{
  g_return_val_if_fail (kind < BENCH_OP_N_KINDS, NULL);
  return op_kind_names[kind];
}

const char *
bench_op_category_to_string (BenchOpCategory category)
{
  g_return_val_if_fail (category < BENCH_OP_N_CATEGORIES, NULL);
  return category_names[category];
}

const char *
bench_tensor_role_to_string (BenchTensorRole role)
{
  switch (role)
    {
    case BENCH_TENSOR_INPUT: return "input";
    case BENCH_TENSOR_WEIGHT: return "weight";
    case BENCH_TENSOR_CONSTANT: return "constant";
    case BENCH_TENSOR_ACTIVATION: return "activation";
    case BENCH_TENSOR_OUTPUT: return "output";
    default: g_return_val_if_reached (NULL);
    }
}

gsize
bench_dtype_size (BenchDType dtype)
{
  switch (dtype)
    {
    case BENCH_DTYPE_F32: return sizeof (float);
    case BENCH_DTYPE_I32: return sizeof (gint32);
    default: g_return_val_if_reached (0);
    }
}

static void
tensor_free (gpointer data)
{
  BenchTensor *t = data;

  g_free (t->name);
  g_free (t->data);
  g_free (t);
}

BenchGraph *
bench_graph_new (const char *name)
{
  BenchGraph *self = g_new0 (BenchGraph, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->name = g_strdup (name);
  self->tensors = g_ptr_array_new_with_free_func (tensor_free);
  self->ops = g_array_new (FALSE, TRUE, sizeof (BenchOp));
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->inputs = g_array_new (FALSE, FALSE, sizeof (guint));
  self->outputs = g_array_new (FALSE, FALSE, sizeof (guint));

  return self;
}

BenchGraph *
bench_graph_ref (BenchGraph *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
bench_graph_unref (BenchGraph *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  for (guint i = 0; i < self->ops->len; i++)
    g_free (g_array_index (self->ops, BenchOp, i).name);
  g_array_unref (self->ops);
  g_hash_table_unref (self->by_name);
  g_ptr_array_unref (self->tensors);
  g_array_unref (self->inputs);
  g_array_unref (self->outputs);
  g_free (self->name);
  g_free (self);
}

const char *
bench_graph_get_name (BenchGraph *self)
{
  return self->name;
}

guint
bench_graph_get_n_tensors (BenchGraph *self)
{
  return self->tensors->len;
}

const BenchTensor *
bench_graph_get_tensor (BenchGraph *self,
                        guint       id)
{
  g_return_val_if_fail (id < self->tensors->len, NULL);
  return g_ptr_array_index (self->tensors, id);
}

static BenchTensor *
T (BenchGraph *self,
   guint       id)
{
  g_assert (id < self->tensors->len);
  return g_ptr_array_index (self->tensors, id);
}

const BenchTensor *
bench_graph_find_tensor (BenchGraph *self,
                         const char *name)
{
  guint id = GPOINTER_TO_UINT (g_hash_table_lookup (self->by_name, name));

  return id ? T (self, id - 1) : NULL;
}

guint
bench_graph_get_n_ops (BenchGraph *self)
{
  return self->ops->len;
}

const BenchOp *
bench_graph_get_op (BenchGraph *self,
                    guint       index)
{
  g_return_val_if_fail (index < self->ops->len, NULL);
  return &g_array_index (self->ops, BenchOp, index);
}

const guint *
bench_graph_get_inputs (BenchGraph *self,
                        guint      *n)
{
  *n = self->inputs->len;
  return (const guint *)(gpointer)self->inputs->data;
}

const guint *
bench_graph_get_outputs (BenchGraph *self,
                         guint      *n)
{
  *n = self->outputs->len;
  return (const guint *)(gpointer)self->outputs->data;
}

/* --- building --- */

guint
bench_graph_add_tensor (BenchGraph      *self,
                        const char      *name,
                        BenchDType       dtype,
                        BenchTensorRole  role,
                        guint            n_dims,
                        const gint64    *shape)
{
  BenchTensor *t;

  g_return_val_if_fail (!self->sealed, 0);
  g_return_val_if_fail (n_dims >= 1 && n_dims <= BENCH_GRAPH_MAX_DIMS, 0);

  t = g_new0 (BenchTensor, 1);
  t->id = self->tensors->len;
  t->name = g_strdup (name);
  t->dtype = dtype;
  t->role = role;
  t->n_dims = n_dims;
  t->numel = 1;
  for (guint i = 0; i < n_dims; i++)
    {
      g_assert (shape[i] > 0);
      t->shape[i] = shape[i];
      t->numel *= shape[i];
    }
  t->alias_of = -1;
  t->producer = -1;
  t->last_use = -1;
  t->offset = -1;
  g_ptr_array_add (self->tensors, t);

  if (!g_hash_table_contains (self->by_name, t->name))
    g_hash_table_insert (self->by_name, t->name, GUINT_TO_POINTER (t->id + 1));

  if (role == BENCH_TENSOR_INPUT)
    g_array_append_val (self->inputs, t->id);
  else if (role == BENCH_TENSOR_OUTPUT)
    g_array_append_val (self->outputs, t->id);

  return t->id;
}

guint
bench_graph_add_input (BenchGraph    *self,
                       const char    *name,
                       BenchDType     dtype,
                       BenchInitKind  init,
                       double         init_scale,
                       guint          n_dims,
                       const gint64  *shape)
{
  guint id = bench_graph_add_tensor (self, name, dtype, BENCH_TENSOR_INPUT, n_dims, shape);

  T (self, id)->init = init;
  T (self, id)->init_scale = init_scale;
  return id;
}

guint
bench_graph_add_weight (BenchGraph    *self,
                        const char    *name,
                        BenchInitKind  init,
                        double         init_scale,
                        guint          n_dims,
                        const gint64  *shape)
{
  const BenchTensor *existing = bench_graph_find_tensor (self, name);
  guint id;

  if (existing != NULL)
    {
      g_assert (existing->role == BENCH_TENSOR_WEIGHT);
      g_assert (existing->n_dims == n_dims);
      for (guint i = 0; i < n_dims; i++)
        g_assert (existing->shape[i] == shape[i]);
      return existing->id;
    }

  id = bench_graph_add_tensor (self, name, BENCH_DTYPE_F32, BENCH_TENSOR_WEIGHT, n_dims, shape);
  T (self, id)->init = init;
  T (self, id)->init_scale = init_scale;
  return id;
}

guint
bench_graph_add_constant (BenchGraph   *self,
                          const char   *name,
                          BenchDType    dtype,
                          guint         n_dims,
                          const gint64 *shape,
                          gpointer      data)
{
  guint id = bench_graph_add_tensor (self, name, dtype, BENCH_TENSOR_CONSTANT, n_dims, shape);

  T (self, id)->data = data;
  return id;
}

void
bench_graph_mark_output (BenchGraph *self,
                         guint       tensor)
{
  BenchTensor *t = T (self, tensor);

  g_return_if_fail (!self->sealed);
  g_return_if_fail (t->role == BENCH_TENSOR_ACTIVATION);

  t->role = BENCH_TENSOR_OUTPUT;
  g_array_append_val (self->outputs, t->id);
}

static guint
root_of (BenchGraph *self,
         guint       id)
{
  while (T (self, id)->alias_of >= 0)
    id = T (self, id)->alias_of;
  return id;
}

static BenchOpCategory
default_category (BenchOpKind kind)
{
  switch (kind)
    {
    case BENCH_OP_LINEAR:
      return BENCH_OP_CATEGORY_LINEAR;
    case BENCH_OP_MATMUL:
    case BENCH_OP_SOFTMAX:
    case BENCH_OP_KV_APPEND:
      return BENCH_OP_CATEGORY_ATTENTION;
    case BENCH_OP_CONV1D:
    case BENCH_OP_CONV2D:
    case BENCH_OP_MAX_POOL2D:
    case BENCH_OP_AVG_POOL2D:
    case BENCH_OP_GLOBAL_AVG_POOL:
      return BENCH_OP_CATEGORY_CONVOLUTION;
    case BENCH_OP_LAYER_NORM:
    case BENCH_OP_RMS_NORM:
    case BENCH_OP_GROUP_NORM:
      return BENCH_OP_CATEGORY_NORMALISATION;
    default:
      return BENCH_OP_CATEGORY_OTHER;
    }
}

/* Appends an op writing a new activation of the given shape. */
static BenchOp *
push_op (BenchGraph   *self,
         BenchOpKind   kind,
         const char   *name,
         guint         n_inputs,
         const guint  *inputs,
         BenchDType    dtype,
         guint         n_dims,
         const gint64 *shape)
{
  BenchOp op = { 0, };
  guint out;

  g_assert (!self->sealed);
  g_assert (n_inputs <= BENCH_OP_MAX_INPUTS);

  out = bench_graph_add_tensor (self, name, dtype, BENCH_TENSOR_ACTIVATION, n_dims, shape);
  T (self, out)->producer = self->ops->len;

  op.kind = kind;
  op.category = default_category (kind);
  op.name = g_strdup (name);
  op.n_inputs = n_inputs;
  for (guint i = 0; i < n_inputs; i++)
    {
      g_assert (inputs[i] < out);
      op.inputs[i] = inputs[i];
    }
  op.output = out;
  g_array_append_val (self->ops, op);

  return &g_array_index (self->ops, BenchOp, self->ops->len - 1);
}

static gint64
last_dim (BenchGraph *self,
          guint       id)
{
  BenchTensor *t = T (self, id);
  return t->shape[t->n_dims - 1];
}

guint
bench_graph_linear (BenchGraph *self,
                    const char *name,
                    guint       x,
                    guint       w,
                    gint        bias,
                    gboolean    transpose_w)
{
  BenchTensor *tx = T (self, x), *tw = T (self, w);
  gint64 shape[BENCH_GRAPH_MAX_DIMS];
  gint64 k = transpose_w ? tw->shape[0] : tw->shape[1];
  gint64 n = transpose_w ? tw->shape[1] : tw->shape[0];
  guint in[3] = { x, w, bias >= 0 ? (guint)bias : 0 };
  BenchOp *op;

  g_assert (tw->n_dims == 2);
  g_assert (last_dim (self, x) == k);
  g_assert (bias < 0 || T (self, bias)->numel == n);

  memcpy (shape, tx->shape, sizeof shape);
  shape[tx->n_dims - 1] = n;
  op = push_op (self, BENCH_OP_LINEAR, name, bias >= 0 ? 3 : 2, in, BENCH_DTYPE_F32, tx->n_dims, shape);
  op->p.linear.transpose_w = transpose_w;
  return op->output;
}

guint
bench_graph_matmul (BenchGraph *self,
                    const char *name,
                    guint       a,
                    guint       b,
                    gboolean    transpose_b,
                    float       alpha)
{
  BenchTensor *ta = T (self, a), *tb = T (self, b);
  guint nd = ta->n_dims;
  gint64 shape[BENCH_GRAPH_MAX_DIMS];
  guint in[2] = { a, b };
  BenchOp *op;

  g_assert (nd >= 2 && tb->n_dims == nd);
  for (guint i = 0; i + 2 < nd; i++)
    g_assert (ta->shape[i] == tb->shape[i]);
  g_assert (ta->shape[nd - 1] == (transpose_b ? tb->shape[nd - 1] : tb->shape[nd - 2]));

  memcpy (shape, ta->shape, sizeof shape);
  shape[nd - 1] = transpose_b ? tb->shape[nd - 2] : tb->shape[nd - 1];
  op = push_op (self, BENCH_OP_MATMUL, name, 2, in, BENCH_DTYPE_F32, nd, shape);
  op->p.matmul.transpose_b = transpose_b;
  op->p.matmul.alpha = alpha;
  return op->output;
}

static void
assert_broadcastable (BenchGraph *self,
                      guint       a,
                      guint       b)
{
  BenchTensor *ta = T (self, a), *tb = T (self, b);
  gint64 trailing = 1;
  gint i = ta->n_dims - 1;

  /* b must equal a trailing block of a's dims (leading 1s of b ignored). */
  g_assert (ta->numel % tb->numel == 0);
  while (trailing < tb->numel && i >= 0)
    trailing *= ta->shape[i--];
  g_assert (trailing == tb->numel);
}

static guint
binary (BenchGraph  *self,
        BenchOpKind  kind,
        const char  *name,
        guint        a,
        guint        b)
{
  guint in[2] = { a, b };

  assert_broadcastable (self, a, b);
  return push_op (self, kind, name, 2, in, BENCH_DTYPE_F32, T (self, a)->n_dims, T (self, a)->shape)->output;
}

guint
bench_graph_add (BenchGraph *self,
                 const char *name,
                 guint       a,
                 guint       b)
{
  return binary (self, BENCH_OP_ADD, name, a, b);
}

guint
bench_graph_mul (BenchGraph *self,
                 const char *name,
                 guint       a,
                 guint       b)
{
  return binary (self, BENCH_OP_MUL, name, a, b);
}

guint
bench_graph_layer_norm (BenchGraph *self,
                        const char *name,
                        guint       x,
                        guint       gamma,
                        gint        beta,
                        float       eps)
{
  guint in[3] = { x, gamma, beta >= 0 ? (guint)beta : 0 };
  BenchOp *op;

  g_assert (T (self, gamma)->numel == last_dim (self, x));
  op = push_op (self, BENCH_OP_LAYER_NORM, name, beta >= 0 ? 3 : 2, in, BENCH_DTYPE_F32,
                T (self, x)->n_dims, T (self, x)->shape);
  op->p.norm.eps = eps;
  return op->output;
}

guint
bench_graph_rms_norm (BenchGraph *self,
                      const char *name,
                      guint       x,
                      guint       gamma,
                      float       eps)
{
  guint in[2] = { x, gamma };
  BenchOp *op;

  g_assert (T (self, gamma)->numel == last_dim (self, x));
  op = push_op (self, BENCH_OP_RMS_NORM, name, 2, in, BENCH_DTYPE_F32,
                T (self, x)->n_dims, T (self, x)->shape);
  op->p.norm.eps = eps;
  return op->output;
}

guint
bench_graph_group_norm (BenchGraph *self,
                        const char *name,
                        guint       x,
                        guint       gamma,
                        guint       beta,
                        guint       groups,
                        float       eps)
{
  BenchTensor *tx = T (self, x);
  guint in[3] = { x, gamma, beta };
  BenchOp *op;

  g_assert (tx->n_dims == 3 && tx->shape[1] % groups == 0);
  g_assert (T (self, gamma)->numel == tx->shape[1] && T (self, beta)->numel == tx->shape[1]);
  op = push_op (self, BENCH_OP_GROUP_NORM, name, 3, in, BENCH_DTYPE_F32, tx->n_dims, tx->shape);
  op->p.norm.eps = eps;
  op->p.norm.groups = groups;
  return op->output;
}

guint
bench_graph_softmax (BenchGraph    *self,
                     const char    *name,
                     guint          x,
                     float          scale,
                     BenchMaskKind  mask,
                     gint           mask_tensor)
{
  BenchTensor *tx = T (self, x);
  guint in[2] = { x, mask_tensor >= 0 ? (guint)mask_tensor : 0 };
  BenchOp *op;

  if (mask == BENCH_MASK_PADDING)
    {
      BenchTensor *tm;

      g_assert (mask_tensor >= 0 && tx->n_dims == 4);
      tm = T (self, mask_tensor);
      g_assert (tm->n_dims == 2 && tm->shape[0] == tx->shape[0] && tm->shape[1] == tx->shape[3]);
    }
  if (mask == BENCH_MASK_CAUSAL)
    g_assert (tx->n_dims >= 2 && tx->shape[tx->n_dims - 1] >= tx->shape[tx->n_dims - 2]);

  op = push_op (self, BENCH_OP_SOFTMAX, name, mask == BENCH_MASK_PADDING ? 2 : 1, in,
                BENCH_DTYPE_F32, tx->n_dims, tx->shape);
  op->p.softmax.scale = scale;
  op->p.softmax.mask = mask;
  return op->output;
}

static guint
unary (BenchGraph  *self,
       BenchOpKind  kind,
       const char  *name,
       guint        x)
{
  return push_op (self, kind, name, 1, &x, BENCH_DTYPE_F32, T (self, x)->n_dims, T (self, x)->shape)->output;
}

guint
bench_graph_gelu (BenchGraph    *self,
                  const char    *name,
                  guint          x,
                  BenchGeluKind  kind)
{
  guint out = unary (self, BENCH_OP_GELU, name, x);

  g_array_index (self->ops, BenchOp, self->ops->len - 1).p.gelu.kind = kind;
  return out;
}

guint
bench_graph_relu (BenchGraph *self,
                  const char *name,
                  guint       x)
{
  return unary (self, BENCH_OP_RELU, name, x);
}

guint
bench_graph_silu (BenchGraph *self,
                  const char *name,
                  guint       x)
{
  return unary (self, BENCH_OP_SILU, name, x);
}

guint
bench_graph_tanh (BenchGraph *self,
                  const char *name,
                  guint       x)
{
  return unary (self, BENCH_OP_TANH, name, x);
}

guint
bench_graph_embedding (BenchGraph *self,
                       const char *name,
                       guint       ids,
                       guint       table)
{
  BenchTensor *ti = T (self, ids), *tt = T (self, table);
  gint64 shape[BENCH_GRAPH_MAX_DIMS];
  guint in[2] = { ids, table };

  g_assert (ti->dtype == BENCH_DTYPE_I32 && ti->n_dims < BENCH_GRAPH_MAX_DIMS);
  g_assert (tt->n_dims == 2);
  memcpy (shape, ti->shape, sizeof shape);
  shape[ti->n_dims] = tt->shape[1];
  return push_op (self, BENCH_OP_EMBEDDING, name, 2, in, BENCH_DTYPE_F32, ti->n_dims + 1, shape)->output;
}

static gint64
conv_out (gint64 in,
          gint64 kernel,
          guint  stride,
          guint  padding)
{
  gint64 out = (in + 2 * (gint64)padding - kernel) / stride + 1;

  g_assert (in + 2 * (gint64)padding >= kernel && out > 0);
  return out;
}

guint
bench_graph_conv1d (BenchGraph *self,
                    const char *name,
                    guint       x,
                    guint       w,
                    gint        bias,
                    guint       stride,
                    guint       padding,
                    guint       groups)
{
  BenchTensor *tx = T (self, x), *tw = T (self, w);
  guint in[3] = { x, w, bias >= 0 ? (guint)bias : 0 };
  gint64 shape[3];
  BenchOp *op;

  g_assert (tx->n_dims == 3 && tw->n_dims == 3 && groups >= 1);
  g_assert (tx->shape[1] == tw->shape[1] * groups && tw->shape[0] % groups == 0);
  g_assert (bias < 0 || T (self, bias)->numel == tw->shape[0]);
  shape[0] = tx->shape[0];
  shape[1] = tw->shape[0];
  shape[2] = conv_out (tx->shape[2], tw->shape[2], stride, padding);
  op = push_op (self, BENCH_OP_CONV1D, name, bias >= 0 ? 3 : 2, in, BENCH_DTYPE_F32, 3, shape);
  op->p.conv.stride[0] = op->p.conv.stride[1] = stride;
  op->p.conv.padding[0] = op->p.conv.padding[1] = padding;
  op->p.conv.groups = groups;
  return op->output;
}

guint
bench_graph_conv2d (BenchGraph *self,
                    const char *name,
                    guint       x,
                    guint       w,
                    gint        bias,
                    guint       stride,
                    guint       padding,
                    guint       groups)
{
  BenchTensor *tx = T (self, x), *tw = T (self, w);
  guint in[3] = { x, w, bias >= 0 ? (guint)bias : 0 };
  gint64 shape[4];
  BenchOp *op;

  g_assert (tx->n_dims == 4 && tw->n_dims == 4 && groups >= 1);
  g_assert (tx->shape[1] == tw->shape[1] * groups && tw->shape[0] % groups == 0);
  g_assert (bias < 0 || T (self, bias)->numel == tw->shape[0]);
  shape[0] = tx->shape[0];
  shape[1] = tw->shape[0];
  shape[2] = conv_out (tx->shape[2], tw->shape[2], stride, padding);
  shape[3] = conv_out (tx->shape[3], tw->shape[3], stride, padding);
  op = push_op (self, BENCH_OP_CONV2D, name, bias >= 0 ? 3 : 2, in, BENCH_DTYPE_F32, 4, shape);
  op->p.conv.stride[0] = op->p.conv.stride[1] = stride;
  op->p.conv.padding[0] = op->p.conv.padding[1] = padding;
  op->p.conv.groups = groups;
  return op->output;
}

static guint
pool2d (BenchGraph  *self,
        BenchOpKind  kind,
        const char  *name,
        guint        x,
        guint        kernel,
        guint        stride,
        guint        padding)
{
  BenchTensor *tx = T (self, x);
  gint64 shape[4];
  BenchOp *op;

  g_assert (tx->n_dims == 4 && padding * 2 <= kernel);
  shape[0] = tx->shape[0];
  shape[1] = tx->shape[1];
  shape[2] = conv_out (tx->shape[2], kernel, stride, padding);
  shape[3] = conv_out (tx->shape[3], kernel, stride, padding);
  op = push_op (self, kind, name, 1, &x, BENCH_DTYPE_F32, 4, shape);
  op->p.pool.kernel = kernel;
  op->p.pool.stride = stride;
  op->p.pool.padding = padding;
  return op->output;
}

guint
bench_graph_max_pool2d (BenchGraph *self,
                        const char *name,
                        guint       x,
                        guint       kernel,
                        guint       stride,
                        guint       padding)
{
  return pool2d (self, BENCH_OP_MAX_POOL2D, name, x, kernel, stride, padding);
}

guint
bench_graph_avg_pool2d (BenchGraph *self,
                        const char *name,
                        guint       x,
                        guint       kernel,
                        guint       stride,
                        guint       padding)
{
  return pool2d (self, BENCH_OP_AVG_POOL2D, name, x, kernel, stride, padding);
}

guint
bench_graph_global_avg_pool (BenchGraph *self,
                             const char *name,
                             guint       x)
{
  BenchTensor *tx = T (self, x);
  gint64 shape[2] = { tx->shape[0], tx->shape[1] };

  g_assert (tx->n_dims == 4);
  return push_op (self, BENCH_OP_GLOBAL_AVG_POOL, name, 1, &x, BENCH_DTYPE_F32, 2, shape)->output;
}

guint
bench_graph_reshape (BenchGraph   *self,
                     const char   *name,
                     guint         x,
                     guint         n_dims,
                     const gint64 *shape)
{
  BenchOp *op = push_op (self, BENCH_OP_RESHAPE, name, 1, &x, T (self, x)->dtype, n_dims, shape);

  g_assert (T (self, op->output)->numel == T (self, x)->numel);
  T (self, op->output)->alias_of = root_of (self, x);
  return op->output;
}

guint
bench_graph_permute (BenchGraph  *self,
                     const char  *name,
                     guint        x,
                     const guint *perm)
{
  BenchTensor *tx = T (self, x);
  gint64 shape[BENCH_GRAPH_MAX_DIMS] = { 0, };
  guint seen = 0;
  BenchOp *op;

  for (guint i = 0; i < tx->n_dims; i++)
    {
      g_assert (perm[i] < tx->n_dims && !(seen & (1u << perm[i])));
      seen |= 1u << perm[i];
      shape[i] = tx->shape[perm[i]];
    }
  op = push_op (self, BENCH_OP_PERMUTE, name, 1, &x, tx->dtype, tx->n_dims, shape);
  for (guint i = 0; i < BENCH_GRAPH_MAX_DIMS; i++)
    op->p.permute.perm[i] = i < tx->n_dims ? perm[i] : i;
  return op->output;
}

guint
bench_graph_slice (BenchGraph *self,
                   const char *name,
                   guint       x,
                   guint       axis,
                   gint64      start,
                   gint64      length)
{
  BenchTensor *tx = T (self, x);
  gint64 shape[BENCH_GRAPH_MAX_DIMS];
  BenchOp *op;

  g_assert (axis < tx->n_dims && start >= 0 && length > 0 && start + length <= tx->shape[axis]);
  memcpy (shape, tx->shape, sizeof shape);
  shape[axis] = length;
  op = push_op (self, BENCH_OP_SLICE, name, 1, &x, tx->dtype, tx->n_dims, shape);
  op->p.slice.axis = axis;
  op->p.slice.start = start;
  op->p.slice.length = length;
  return op->output;
}

guint
bench_graph_concat (BenchGraph *self,
                    const char *name,
                    guint       a,
                    guint       b,
                    guint       axis)
{
  BenchTensor *ta = T (self, a), *tb = T (self, b);
  gint64 shape[BENCH_GRAPH_MAX_DIMS];
  guint in[2] = { a, b };
  BenchOp *op;

  g_assert (ta->n_dims == tb->n_dims && axis < ta->n_dims && ta->dtype == tb->dtype);
  for (guint i = 0; i < ta->n_dims; i++)
    {
      /* Either side may be repeated over the batch (a class token). */
      gboolean batch_bcast = i == 0 && axis > 0 && (ta->shape[0] == 1 || tb->shape[0] == 1);
      g_assert (i == axis || batch_bcast || ta->shape[i] == tb->shape[i]);
    }
  memcpy (shape, ta->shape, sizeof shape);
  shape[0] = MAX (ta->shape[0], tb->shape[0]);
  shape[axis] = ta->shape[axis] + tb->shape[axis];
  op = push_op (self, BENCH_OP_CONCAT, name, 2, in, ta->dtype, ta->n_dims, shape);
  op->p.concat.axis = axis;
  return op->output;
}

guint
bench_graph_kv_append (BenchGraph *self,
                       const char *name,
                       guint       cache,
                       guint       x,
                       gint64      position)
{
  BenchTensor *tc = T (self, cache), *tx = T (self, x);
  guint in[2] = { cache, x };
  BenchOp *op;

  g_assert (tc->n_dims == 4 && tx->n_dims == 4);
  g_assert (tc->shape[0] == tx->shape[0] && tc->shape[1] == tx->shape[1] && tc->shape[3] == tx->shape[3]);
  g_assert (position >= 0 && position + tx->shape[2] <= tc->shape[2]);
  op = push_op (self, BENCH_OP_KV_APPEND, name, 2, in, BENCH_DTYPE_F32, 4, tc->shape);
  op->p.kv.position = position;
  /* Written in place: the output is the cache itself. */
  T (self, op->output)->alias_of = root_of (self, cache);
  return op->output;
}

void
bench_graph_set_category (BenchGraph      *self,
                          guint            tensor,
                          BenchOpCategory  category)
{
  BenchTensor *t = T (self, tensor);

  g_return_if_fail (!self->sealed);
  g_return_if_fail (t->producer >= 0);
  g_array_index (self->ops, BenchOp, t->producer).category = category;
}

/* --- accounting --- */

static double
tbytes (BenchGraph *self,
        guint       id)
{
  BenchTensor *t = T (self, id);
  return (double)t->numel * bench_dtype_size (t->dtype);
}

/* FLOPs per element of the elementwise ops; transcendentals (exp, erf,
 * tanh) count as one. The derivation of each is in docs/models.md. */
static double
gelu_flops (BenchGeluKind kind)
{
  switch (kind)
    {
    case BENCH_GELU_ERF: return 5;   /* x/sqrt2, erf, +1, *x, *0.5 */
    case BENCH_GELU_TANH: return 9;  /* x^3 (2), *c, +x, *sqrt(2/pi), tanh, +1, *x, *0.5 */
    case BENCH_GELU_QUICK: return 6; /* *1.702, sigmoid (neg, exp, +1, div), *x */
    default: g_assert_not_reached ();
    }
}

static void
account_op (BenchGraph *self,
            BenchOp    *op)
{
  BenchTensor *out = T (self, op->output);
  double n = (double)out->numel;
  double read = 0;

  /* Default traffic: every distinct input read once, the output written once. */
  for (guint i = 0; i < op->n_inputs; i++)
    {
      gboolean dup = FALSE;
      for (guint j = 0; j < i; j++)
        dup |= op->inputs[j] == op->inputs[i];
      if (!dup)
        read += tbytes (self, op->inputs[i]);
    }
  op->bytes = read + tbytes (self, op->output);
  op->macs = 0;
  op->flops = 0;

  switch (op->kind)
    {
    case BENCH_OP_LINEAR:
      {
        BenchTensor *w = T (self, op->inputs[1]);
        gint64 k = op->p.linear.transpose_w ? w->shape[0] : w->shape[1];
        op->macs = out->numel * k;
        op->flops = 2.0 * op->macs + (op->n_inputs > 2 ? n : 0);
      }
      break;
    case BENCH_OP_MATMUL:
      {
        BenchTensor *a = T (self, op->inputs[0]);
        op->macs = out->numel * a->shape[a->n_dims - 1];
        op->flops = 2.0 * op->macs + (op->p.matmul.alpha != 1.0f ? n : 0);
      }
      break;
    case BENCH_OP_ADD:
    case BENCH_OP_MUL:
      op->flops = n;
      break;
    case BENCH_OP_LAYER_NORM:
    case BENCH_OP_GROUP_NORM:
      /* mean 1, variance 3 (sub, square, add), normalise 2, scale 1, shift 1 */
      op->flops = n * (op->n_inputs > 2 ? 8 : 7);
      break;
    case BENCH_OP_RMS_NORM:
      /* square 1, add 1, normalise 1, scale 1 */
      op->flops = n * 4;
      break;
    case BENCH_OP_SOFTMAX:
      /* max 1, sub 1, exp 1, sum 1, divide 1; + scale, + mask */
      op->flops = n * (5 + (op->p.softmax.scale != 1.0f ? 1 : 0)
                         + (op->p.softmax.mask != BENCH_MASK_NONE ? 1 : 0));
      break;
    case BENCH_OP_GELU:
      op->flops = n * gelu_flops (op->p.gelu.kind);
      break;
    case BENCH_OP_SILU:
      op->flops = n * 5;  /* sigmoid 4, *x 1 */
      break;
    case BENCH_OP_RELU:
    case BENCH_OP_TANH:
      op->flops = n;
      break;
    case BENCH_OP_EMBEDDING:
      /* only the gathered rows are read, not the whole table */
      op->bytes = tbytes (self, op->inputs[0]) + 2 * tbytes (self, op->output);
      break;
    case BENCH_OP_CONV1D:
    case BENCH_OP_CONV2D:
      {
        BenchTensor *w = T (self, op->inputs[1]);
        gint64 per_out = 1;
        for (guint i = 1; i < w->n_dims; i++)
          per_out *= w->shape[i];
        op->macs = out->numel * per_out;
        op->flops = 2.0 * op->macs + (op->n_inputs > 2 ? n : 0);
      }
      break;
    case BENCH_OP_MAX_POOL2D:
      op->flops = n * ((double)op->p.pool.kernel * op->p.pool.kernel - 1);
      break;
    case BENCH_OP_AVG_POOL2D:
      op->flops = n * ((double)op->p.pool.kernel * op->p.pool.kernel);
      break;
    case BENCH_OP_GLOBAL_AVG_POOL:
      {
        BenchTensor *x = T (self, op->inputs[0]);
        op->flops = n * (double)(x->shape[2] * x->shape[3]);
      }
      break;
    case BENCH_OP_RESHAPE:
      op->bytes = 0;
      break;
    case BENCH_OP_SLICE:
      op->bytes = 2 * tbytes (self, op->output);
      break;
    case BENCH_OP_KV_APPEND:
      op->bytes = 2 * tbytes (self, op->inputs[1]);
      break;
    case BENCH_OP_PERMUTE:
    case BENCH_OP_CONCAT:
    default:
      break;
    }
}

typedef struct
{
  guint  id;
  gint64 size;
  gint   start;
  gint   end;
} Interval;

static int
interval_cmp (gconstpointer a,
              gconstpointer b)
{
  const Interval *ia = a, *ib = b;

  if (ia->size != ib->size)
    return ia->size > ib->size ? -1 : 1;
  return ia->id < ib->id ? -1 : (ia->id > ib->id);
}

typedef struct
{
  gint64 offset;
  gint64 size;
} Block;

static int
block_cmp (gconstpointer a,
           gconstpointer b)
{
  const Block *ba = a, *bb = b;
  return ba->offset < bb->offset ? -1 : (ba->offset > bb->offset);
}

/* The op from which tensor @id must be live, @id produced by op @producer:
 * that op, except for the output of a GELU or an add reading the linear
 * layer just before it, live from that layer (a backend may apply them
 * in the GEMM's epilogue, writing their output while the layer's input
 * is read), and the permutes that split attention's heads and merge
 * them back. A split of a linear layer's output ([B, L, heads, d] to [B,
 * heads, L, d]) is live from that linear layer, and a merge of an
 * attention's context from the attention's scores matmul (matmul, softmax,
 * matmul), so that a backend may write them there: the CPU backend's GEMM
 * writes a projection in its heads' layout, and its one-pass attention the
 * merged context (backends/cpu/bench-cpu-ops.c). The cost is arena space
 * held a few ops longer. */
static gint
live_from (BenchGraph *self,
           guint       id,
           gint        producer)
{
  const BenchOp *op, *src;
  const guint *perm;
  gint from;

  if (producer < 0)
    return producer;
  op = &g_array_index (self->ops, BenchOp, producer);

  /* A GELU or an add right after the linear layer it reads. */
  if ((op->kind == BENCH_OP_GELU || op->kind == BENCH_OP_ADD) && producer > 0 &&
      g_array_index (self->ops, BenchOp, producer - 1).kind == BENCH_OP_LINEAR)
    for (guint k = 0; k < op->n_inputs; k++)
      if (T (self, op->inputs[k])->producer == producer - 1)
        return producer - 1;

  perm = op->p.permute.perm;
  if (op->kind != BENCH_OP_PERMUTE || T (self, id)->n_dims != 4 ||
      perm[0] != 0 || perm[1] != 2 || perm[2] != 1 || perm[3] != 3)
    return producer;

  from = T (self, root_of (self, op->inputs[0]))->producer;
  if (from < 0)
    return producer;
  src = &g_array_index (self->ops, BenchOp, from);
  if (src->kind == BENCH_OP_LINEAR)
    return from;
  /* context = matmul (softmax (matmul (Q, K)), V) */
  if (src->kind == BENCH_OP_MATMUL)
    {
      gint sm = T (self, src->inputs[0])->producer, scores;

      if (sm >= 0 && g_array_index (self->ops, BenchOp, sm).kind == BENCH_OP_SOFTMAX)
        {
          scores = T (self, g_array_index (self->ops, BenchOp, sm).inputs[0])->producer;
          if (scores >= 0 && g_array_index (self->ops, BenchOp, scores).kind == BENCH_OP_MATMUL)
            return scores;
        }
    }
  return producer;
}

/* Greedy-by-size first-fit over lifetimes: a tensor may take any gap left
 * by tensors whose lifetimes do not overlap its own. */
static void
plan_memory (BenchGraph *self)
{
  g_autoptr(GArray) iv = g_array_new (FALSE, FALSE, sizeof (Interval));
  g_autoptr(GArray) placed = g_array_new (FALSE, FALSE, sizeof (Interval));
  g_autoptr(GArray) busy = g_array_new (FALSE, FALSE, sizeof (Block));

  self->arena_bytes = 0;
  self->activation_bytes = 0;

  for (guint i = 0; i < self->tensors->len; i++)
    {
      BenchTensor *t = T (self, i);
      Interval v;

      if ((t->role != BENCH_TENSOR_ACTIVATION && t->role != BENCH_TENSOR_OUTPUT) || t->alias_of >= 0)
        continue;
      v.id = i;
      v.size = ((gint64)tbytes (self, i) + BENCH_GRAPH_ALIGNMENT - 1) / BENCH_GRAPH_ALIGNMENT * BENCH_GRAPH_ALIGNMENT;
      v.start = live_from (self, i, t->producer);
      v.end = MAX (t->last_use, t->producer);
      self->activation_bytes += (gint64)tbytes (self, i);
      g_array_append_val (iv, v);
    }
  g_array_sort (iv, interval_cmp);

  for (guint i = 0; i < iv->len; i++)
    {
      Interval *v = &g_array_index (iv, Interval, i);
      gint64 offset = 0;

      g_array_set_size (busy, 0);
      for (guint j = 0; j < placed->len; j++)
        {
          Interval *p = &g_array_index (placed, Interval, j);
          if (p->start <= v->end && v->start <= p->end)
            {
              Block b = { T (self, p->id)->offset, p->size };
              g_array_append_val (busy, b);
            }
        }
      g_array_sort (busy, block_cmp);
      for (guint j = 0; j < busy->len; j++)
        {
          Block *b = &g_array_index (busy, Block, j);
          if (b->offset >= offset + v->size)
            break;
          offset = MAX (offset, b->offset + b->size);
        }
      T (self, v->id)->offset = offset;
      self->arena_bytes = MAX (self->arena_bytes, offset + v->size);
      g_array_append_val (placed, *v);
    }
}

void
bench_graph_seal (BenchGraph *self)
{
  guint n_ops;

  g_return_if_fail (self != NULL);

  if (self->sealed)
    return;

  n_ops = self->ops->len;

  /* Lifetimes: a view's uses keep its root alive. */
  for (guint i = 0; i < n_ops; i++)
    {
      BenchOp *op = &g_array_index (self->ops, BenchOp, i);

      for (guint j = 0; j < op->n_inputs; j++)
        {
          T (self, op->inputs[j])->last_use = i;
          T (self, root_of (self, op->inputs[j]))->last_use = i;
        }
    }
  for (guint i = 0; i < self->outputs->len; i++)
    {
      guint id = g_array_index (self->outputs, guint, i);
      T (self, id)->last_use = n_ops;
      T (self, root_of (self, id))->last_use = n_ops;
    }

  memset (&self->totals, 0, sizeof self->totals);
  for (guint i = 0; i < n_ops; i++)
    {
      BenchOp *op = &g_array_index (self->ops, BenchOp, i);

      account_op (self, op);
      self->totals.flops += op->flops;
      self->totals.bytes += op->bytes;
      self->totals.matmul_flops += 2.0 * op->macs;
      self->totals.category_flops[op->category] += op->flops;
      self->totals.category_bytes[op->category] += op->bytes;
    }

  self->n_parameters = 0;
  self->inputs_bytes = 0;
  for (guint i = 0; i < self->tensors->len; i++)
    {
      BenchTensor *t = T (self, i);

      if (t->role == BENCH_TENSOR_WEIGHT)
        self->n_parameters += t->numel;
      else if (t->role == BENCH_TENSOR_INPUT)
        self->inputs_bytes += (gint64)tbytes (self, i);
    }

  plan_memory (self);
  self->sealed = TRUE;
}

gboolean
bench_graph_is_sealed (BenchGraph *self)
{
  return self->sealed;
}

const BenchGraphTotals *
bench_graph_get_totals (BenchGraph *self)
{
  g_return_val_if_fail (self->sealed, NULL);
  return &self->totals;
}

gint64
bench_graph_get_n_parameters (BenchGraph *self)
{
  g_return_val_if_fail (self->sealed, -1);
  return self->n_parameters;
}

gint64
bench_graph_get_weights_bytes (BenchGraph *self)
{
  g_return_val_if_fail (self->sealed, -1);
  return self->n_parameters * (gint64)sizeof (float);
}

gint64
bench_graph_get_inputs_bytes (BenchGraph *self)
{
  g_return_val_if_fail (self->sealed, -1);
  return self->inputs_bytes;
}

gint64
bench_graph_get_arena_bytes (BenchGraph *self)
{
  g_return_val_if_fail (self->sealed, -1);
  return self->arena_bytes;
}

gint64
bench_graph_get_activation_bytes (BenchGraph *self)
{
  g_return_val_if_fail (self->sealed, -1);
  return self->activation_bytes;
}

char *
bench_graph_dup_flops_breakdown_json (BenchGraph *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (self->sealed, NULL);

  json_builder_begin_object (builder);
  for (guint i = 0; i < BENCH_OP_N_CATEGORIES; i++)
    {
      json_builder_set_member_name (builder, category_names[i]);
      json_builder_add_double_value (builder, self->totals.category_flops[i]);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}
