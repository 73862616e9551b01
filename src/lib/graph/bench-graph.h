/* bench-graph.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * BenchGraph: a model written once as tensors and a topologically ordered
 * list of ops. Backends implement ops (see bench-graph-exec.h), never models.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define BENCH_GRAPH_MAX_DIMS   4
#define BENCH_OP_MAX_INPUTS    4
/* Every activation in the arena starts on this boundary (cache line / AVX-512). */
#define BENCH_GRAPH_ALIGNMENT  64

typedef enum
{
  BENCH_DTYPE_F32,
  BENCH_DTYPE_I32,   /* token ids, positions, bucket indices */
} BenchDType;

typedef enum
{
  BENCH_TENSOR_INPUT,       /* fed per run: token ids, pixels, audio, KV cache */
  BENCH_TENSOR_WEIGHT,      /* a parameter: counted, initialised or loaded by name */
  BENCH_TENSOR_CONSTANT,    /* graph-owned data derived from the config (positions) */
  BENCH_TENSOR_ACTIVATION,  /* intermediate, lives in the planned arena */
  BENCH_TENSOR_OUTPUT,      /* like an activation, but alive until the end */
} BenchTensorRole;

typedef enum
{
  BENCH_INIT_NONE,
  BENCH_INIT_NORMAL,      /* normal(0, scale) */
  BENCH_INIT_ONES,
  BENCH_INIT_ZEROS,
  BENCH_INIT_UNIFORM,     /* uniform [-scale, scale) */
  BENCH_INIT_TOKEN_IDS,   /* i32 uniform in [0, scale) */
} BenchInitKind;

typedef enum
{
  BENCH_OP_CATEGORY_ATTENTION,      /* scores, masks, softmax, context, KV cache */
  BENCH_OP_CATEGORY_LINEAR,         /* linear layers: projections, MLP, heads */
  BENCH_OP_CATEGORY_CONVOLUTION,    /* conv1d/conv2d and pooling */
  BENCH_OP_CATEGORY_NORMALISATION,  /* layer/RMS/group norm */
  BENCH_OP_CATEGORY_OTHER,          /* activations, adds, embeddings, data movement */
  BENCH_OP_N_CATEGORIES,
} BenchOpCategory;

typedef enum
{
  BENCH_OP_LINEAR,           /* y[M,N] = x[M,K] W^T (+ b); W is [N,K], or [K,N] if transpose_w */
  BENCH_OP_MATMUL,           /* batched: C[..,M,N] = alpha A[..,M,K] B[..,K,N] (B[..,N,K] if transpose_b) */
  BENCH_OP_ADD,              /* a + b, b repeated over a's leading dims */
  BENCH_OP_MUL,              /* a * b, b repeated over a's leading dims */
  BENCH_OP_LAYER_NORM,       /* over the last dim, gamma (and beta) */
  BENCH_OP_RMS_NORM,         /* T5: x / rms(x) * gamma, over the last dim */
  BENCH_OP_GROUP_NORM,       /* [B,C,L]: groups over channels, per-channel affine */
  BENCH_OP_SOFTMAX,          /* last dim, after scale and mask */
  BENCH_OP_GELU,
  BENCH_OP_RELU,
  BENCH_OP_SILU,
  BENCH_OP_TANH,
  BENCH_OP_EMBEDDING,        /* table[V,H] gathered by i32 ids */
  BENCH_OP_CONV1D,           /* x[B,C,L], w[O,C/g,K] (+ b) */
  BENCH_OP_CONV2D,           /* x[B,C,H,W], w[O,C/g,KH,KW] (+ b): batch norm folded in */
  BENCH_OP_MAX_POOL2D,
  BENCH_OP_AVG_POOL2D,
  BENCH_OP_GLOBAL_AVG_POOL,  /* [B,C,H,W] -> [B,C] */
  BENCH_OP_RESHAPE,          /* a view: same storage, new shape */
  BENCH_OP_PERMUTE,          /* copy with permuted axes */
  BENCH_OP_SLICE,            /* copy of [start, start+length) along one axis */
  BENCH_OP_CONCAT,           /* two tensors along one axis */
  BENCH_OP_KV_APPEND,        /* writes new[B,h,T,d] into cache[B,h,L,d] at position; output views the cache */
  BENCH_OP_N_KINDS,
} BenchOpKind;

typedef enum
{
  BENCH_MASK_NONE,
  BENCH_MASK_CAUSAL,    /* query i sees keys j <= i + (Lk - Lq) */
  BENCH_MASK_PADDING,   /* input 1 is an f32 [B,Lk] keep-mask: 1 keep, 0 masked */
} BenchMaskKind;

typedef enum
{
  BENCH_GELU_ERF,     /* exact: 0.5 x (1 + erf(x / sqrt 2)) */
  BENCH_GELU_TANH,    /* GPT-2 "gelu_new" */
  BENCH_GELU_QUICK,   /* CLIP: x sigmoid(1.702 x) */
} BenchGeluKind;

typedef struct
{
  guint           id;
  char           *name;
  BenchDType      dtype;
  BenchTensorRole role;
  guint           n_dims;
  gint64          shape[BENCH_GRAPH_MAX_DIMS];
  gint64          numel;
  BenchInitKind   init;
  double          init_scale;
  gint            alias_of;     /* root tensor whose storage this one views, or -1 */
  gint            producer;     /* index of the op writing it, or -1 */
  gint            last_use;     /* index of the last op reading it (or its views) */
  gint64          offset;       /* byte offset in the activation arena, or -1 */
  gpointer        data;         /* CONSTANT tensors only: graph-owned values */
} BenchTensor;

typedef struct
{
  BenchOpKind     kind;
  BenchOpCategory category;
  char           *name;
  guint           n_inputs;
  guint           inputs[BENCH_OP_MAX_INPUTS];
  guint           output;
  union {
    struct { gboolean transpose_w; } linear;
    struct { gboolean transpose_b; float alpha; } matmul;
    struct { float eps; guint groups; } norm;
    struct { float scale; BenchMaskKind mask; } softmax;
    struct { BenchGeluKind kind; } gelu;
    struct { guint stride[2]; guint padding[2]; guint groups; } conv;
    struct { guint kernel; guint stride; guint padding; } pool;
    struct { guint perm[BENCH_GRAPH_MAX_DIMS]; } permute;
    struct { guint axis; gint64 start; gint64 length; } slice;
    struct { guint axis; } concat;
    struct { gint64 position; } kv;
  } p;
  /* accounting, filled by bench_graph_seal() */
  gint64          macs;   /* multiply-accumulates of the matmul/conv core */
  double          flops;  /* exact, 2 per multiply-add, see docs/models.md */
  double          bytes;  /* minimum traffic: inputs read once, output written once */
} BenchOp;

typedef struct
{
  double flops;
  double bytes;
  double matmul_flops;  /* 2 * macs over all ops */
  double category_flops[BENCH_OP_N_CATEGORIES];
  double category_bytes[BENCH_OP_N_CATEGORIES];
} BenchGraphTotals;

typedef struct _BenchGraph BenchGraph;

#define BENCH_TYPE_GRAPH (bench_graph_get_type ())

GType              bench_graph_get_type            (void) G_GNUC_CONST;

const char        *bench_op_kind_to_string         (BenchOpKind      kind);
const char        *bench_op_category_to_string     (BenchOpCategory  category);
const char        *bench_tensor_role_to_string     (BenchTensorRole  role);
gsize              bench_dtype_size                (BenchDType       dtype);

BenchGraph        *bench_graph_new                 (const char      *name);
BenchGraph        *bench_graph_ref                 (BenchGraph      *self);
void               bench_graph_unref               (BenchGraph      *self);

const char        *bench_graph_get_name            (BenchGraph      *self);
guint              bench_graph_get_n_tensors       (BenchGraph      *self);
const BenchTensor *bench_graph_get_tensor          (BenchGraph      *self,
                                                    guint            id);
const BenchTensor *bench_graph_find_tensor         (BenchGraph      *self,
                                                    const char      *name);
guint              bench_graph_get_n_ops           (BenchGraph      *self);
const BenchOp     *bench_graph_get_op              (BenchGraph      *self,
                                                    guint            index);
/* Tensor ids of the graph's inputs / outputs, in creation order. */
const guint       *bench_graph_get_inputs          (BenchGraph      *self,
                                                    guint           *n);
const guint       *bench_graph_get_outputs         (BenchGraph      *self,
                                                    guint           *n);

/* --- building --- */
guint              bench_graph_add_tensor          (BenchGraph      *self,
                                                    const char      *name,
                                                    BenchDType       dtype,
                                                    BenchTensorRole  role,
                                                    guint            n_dims,
                                                    const gint64    *shape);
guint              bench_graph_add_input           (BenchGraph      *self,
                                                    const char      *name,
                                                    BenchDType       dtype,
                                                    BenchInitKind    init,
                                                    double           init_scale,
                                                    guint            n_dims,
                                                    const gint64    *shape);
/* Returns the existing tensor when a weight of that name was added before
 * (tied embeddings are one tensor, counted once); shapes must then agree. */
guint              bench_graph_add_weight          (BenchGraph      *self,
                                                    const char      *name,
                                                    BenchInitKind    init,
                                                    double           init_scale,
                                                    guint            n_dims,
                                                    const gint64    *shape);
guint              bench_graph_add_constant        (BenchGraph      *self,
                                                    const char      *name,
                                                    BenchDType       dtype,
                                                    guint            n_dims,
                                                    const gint64    *shape,
                                                    gpointer         data);
void               bench_graph_mark_output         (BenchGraph      *self,
                                                    guint            tensor);

/* Ops: each returns the id of the new output tensor, named @name. */
guint bench_graph_linear        (BenchGraph *self, const char *name, guint x, guint w, gint bias, gboolean transpose_w);
guint bench_graph_matmul        (BenchGraph *self, const char *name, guint a, guint b, gboolean transpose_b, float alpha);
guint bench_graph_add           (BenchGraph *self, const char *name, guint a, guint b);
guint bench_graph_mul           (BenchGraph *self, const char *name, guint a, guint b);
guint bench_graph_layer_norm    (BenchGraph *self, const char *name, guint x, guint gamma, gint beta, float eps);
guint bench_graph_rms_norm      (BenchGraph *self, const char *name, guint x, guint gamma, float eps);
guint bench_graph_group_norm    (BenchGraph *self, const char *name, guint x, guint gamma, guint beta, guint groups, float eps);
guint bench_graph_softmax       (BenchGraph *self, const char *name, guint x, float scale, BenchMaskKind mask, gint mask_tensor);
guint bench_graph_gelu          (BenchGraph *self, const char *name, guint x, BenchGeluKind kind);
guint bench_graph_relu          (BenchGraph *self, const char *name, guint x);
guint bench_graph_silu          (BenchGraph *self, const char *name, guint x);
guint bench_graph_tanh          (BenchGraph *self, const char *name, guint x);
guint bench_graph_embedding     (BenchGraph *self, const char *name, guint ids, guint table);
guint bench_graph_conv1d        (BenchGraph *self, const char *name, guint x, guint w, gint bias, guint stride, guint padding, guint groups);
guint bench_graph_conv2d        (BenchGraph *self, const char *name, guint x, guint w, gint bias, guint stride, guint padding, guint groups);
guint bench_graph_max_pool2d    (BenchGraph *self, const char *name, guint x, guint kernel, guint stride, guint padding);
guint bench_graph_avg_pool2d    (BenchGraph *self, const char *name, guint x, guint kernel, guint stride, guint padding);
guint bench_graph_global_avg_pool (BenchGraph *self, const char *name, guint x);
guint bench_graph_reshape       (BenchGraph *self, const char *name, guint x, guint n_dims, const gint64 *shape);
guint bench_graph_permute       (BenchGraph *self, const char *name, guint x, const guint *perm);
guint bench_graph_slice         (BenchGraph *self, const char *name, guint x, guint axis, gint64 start, gint64 length);
guint bench_graph_concat        (BenchGraph *self, const char *name, guint a, guint b, guint axis);
guint bench_graph_kv_append     (BenchGraph *self, const char *name, guint cache, guint x, gint64 position);

/* Overrides the default category of the op that produced @tensor. */
void               bench_graph_set_category        (BenchGraph      *self,
                                                    guint            tensor,
                                                    BenchOpCategory  category);

/* Computes lifetimes, per-op FLOPs and bytes, totals and the arena plan.
 * Afterwards the graph is immutable. Idempotent. */
void               bench_graph_seal                (BenchGraph      *self);
gboolean           bench_graph_is_sealed           (BenchGraph      *self);

/* --- accounting (sealed graphs) --- */
const BenchGraphTotals *bench_graph_get_totals     (BenchGraph      *self);
gint64             bench_graph_get_n_parameters    (BenchGraph      *self);
gint64             bench_graph_get_weights_bytes   (BenchGraph      *self);
gint64             bench_graph_get_inputs_bytes    (BenchGraph      *self);
/* Size of the activation arena with buffer reuse (what an executor allocates). */
gint64             bench_graph_get_arena_bytes     (BenchGraph      *self);
/* Sum of every activation's size, as if nothing were reused. */
gint64             bench_graph_get_activation_bytes (BenchGraph     *self);
/* {"attention": flops, "linear": ..., ...} */
char              *bench_graph_dup_flops_breakdown_json (BenchGraph *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchGraph, bench_graph_unref)

G_END_DECLS
