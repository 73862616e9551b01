/* bench-cpu-ops.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Linear layers run on our packed GEMM (bench-cpu-kernels.h) where the CPU
 * has AVX2 + FMA: weights packed once at prepare, bias, GELU and residual
 * add applied on the tile in registers; batched matmuls (attention) on
 * the same kernel over activations. Convolutions (and linear layers and
 * matmuls without AVX2) go through oneDNN primitives, created once per op
 * and cached (re-creating a primitive costs more than a small matmul). Every other op is a plain loop over rows: the row kernels are
 * compiled twice (AVX2 + FMA, and the baseline) and picked at run time,
 * and the loops over rows are shared between threads once the op is large
 * enough to pay for it: the ops of transformers on bench_cpu_parallel_for()
 * (no barrier that waits for a thread the OS has not scheduled), the
 * others with OpenMP.
 *
 * exp, erf and tanh use polynomial approximations (Cephes exp, Abramowitz
 * and Stegun 7.1.26 erf): relative error below 1e-6, far inside the 1e-3
 * tolerance against the double-precision reference (tests/test-cpu-ops.c).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include "bench-error.h"
#include "bench-cpu-kernels.h"
#include "bench-cpu-ops.h"

/* Lets the clamps and selects of the vector math be if-converted, hence
 * vectorised; nothing here relies on floating-point exceptions. */
#pragma GCC optimize ("no-trapping-math")

/* Below this many elements an op runs on one thread. */
#define PAR_MIN 32768
/* The same for pure copies (permute, slice, concat, KV append, gathers):
 * a fork and barrier cost more than copying a few hundred KiB. */
#define PAR_MIN_COPY 262144

/* Row kernels are compiled twice, for AVX2 + FMA and for the baseline, and
 * picked at run time from __builtin_cpu_supports(). Not with target_clones:
 * on the development machine (Zen 3, GCC 12) its ifunc resolver picked the
 * baseline clone, for "arch=haswell" (a CPU model, never an AMD one) and
 * for "avx2" alike, so every row kernel ran without AVX. */
#define ROW_KERNEL static inline __attribute__ ((always_inline))
#define AVX2 __attribute__ ((target ("avx2,fma")))

static gboolean cpu_avx2;

/* NAME_avx2 and NAME_base, NAME_impl compiled for each, and NAME, which
 * calls the one this CPU runs. PARAMS: the parameter list; ARGS: its
 * names as arguments. */
#define ROW_KERNEL_DISPATCH(name, params, args)                             \
  AVX2 static void name##_avx2 params { name##_impl args; }                 \
  static void name##_base params { name##_impl args; }                      \
  static void name params { (cpu_avx2 ? name##_avx2 : name##_base) args; }

#define IN(a, i)  ((const float *) (a)->in_data[i])
#define OUT(a)    ((float *) (a)->out_data)

typedef struct
{
  dnnl_primitive_desc_t pd;
  dnnl_primitive_t      primitive;
  dnnl_memory_t         mem[4];
  dnnl_exec_arg_t       args[4];
  guint                 n_args;
  gint64                sig[20];    /* what it was built for (see signature()) */
} Prim;

/* A linear layer's weight packed for bench_cpu_packed_gemm(). */
typedef struct
{
  BenchCpuPackedB *packed;
  gboolean         nk;      /* packed from an [N, K] weight */
  /* Holds the weight's storage: while this lives, the address it is keyed
   * by names the same, unchanged values (weights are read-only). */
  BenchWeights    *owner;
} Packed;

/* A linear layer whose only reader is the next op, a GELU or a residual
 * add: the linear writes that op's output directly (the activation or the
 * residual applied on the tile in registers), and the op itself is then
 * skipped. Or one read only through a [B, L, heads, d] view by a permute
 * to [B, heads, L, d] (attention's query, key or value split into heads):
 * the linear writes the permute's output in that layout, and the permute
 * is skipped. Planned at prepare for one BenchGraphBuffers; the pointers
 * are checked again on every call, so any other buffers run both ops. */
typedef struct
{
  const BenchOpArgs *linear;    /* args of the prepared buffers */
  const BenchOpArgs *next;
  const void        *data[4];   /* the linear's inputs (x, w, bias) and output */
  const void        *next_in[2];
  void              *next_out;
  BenchCpuAct        act;
  gint               residual;  /* input of the add that is not the linear's output, or -1 */
  gint64             heads_seq; /* > 0: next is the heads permute; L and d of its input */
  gint64             heads_dim;
  gboolean           done;      /* the linear wrote next's output in this pass */
  gboolean           rows4;     /* next's output is written in row panels, for the linear reading it */
  gboolean           wrote_rows4; /* it was, the last time the linear ran */
} Fusion;

/* Where a linear layer reads its input in row panels (BenchCpuGemmFlags:
 * the order the GEMM's tiles read A in, 2-3% faster on bert-base's
 * shapes) instead of by rows: the copy that the layer norm producing its
 * input makes in BenchCpuOps.rows4 beside its own output, or the output of
 * the linear layer before it, fused with the activation between them and
 * written in row panels. Planned at prepare, after every op; checked on
 * every call. */
typedef struct
{
  const BenchOpArgs *norm;
  Fusion            *fusion;
} Rows4Source;

/* Attention in one pass per matrix: a scores matmul (Q K^T) read only by
 * the next op, a softmax, read only by the next op, a matmul by V. The
 * first op computes each batch matrix's scores into a block of its
 * thread's own, applies the softmax there and multiplies by V, writing
 * the third op's output: the scores and probabilities never go through
 * memory, and the two other ops are skipped. When the context is read
 * only by a permute merging the heads back ([B, heads, L, d] to [B, L,
 * heads, d]), each matrix is written where that permute would put it,
 * and the permute is skipped too. Planned at prepare like Fusion, with
 * the pointers checked on every call. */
typedef struct
{
  const BenchOpArgs *scores;
  const BenchOpArgs *softmax;
  const BenchOpArgs *context;
  const BenchOpArgs *merge;     /* the permute of the context back to [B, L, heads, d], or NULL */
  const void        *data[6];   /* Q, K, the softmax's mask (or NULL), V, the context, the merge's output */
  gboolean           done;      /* the scores op wrote the context (or the merge's output) in this pass */
} Attention;

struct _BenchCpuOps
{
  BenchOpTable  table;
  dnnl_engine_t engine;
  dnnl_stream_t stream;
  GHashTable   *prims;     /* const BenchOp * -> Prim */
  GHashTable   *packed;    /* const float * (weight data) -> Packed */
  GHashTable   *fusions;   /* const BenchOpArgs * (the linear's) -> Fusion */
  GHashTable   *fused;     /* const BenchOpArgs * (the next op's) -> Fusion (not owned) */
  GHashTable   *attention; /* const BenchOpArgs * (each of the three ops') -> Attention */
  GHashTable   *rows4_norms;   /* const BenchOpArgs * of layer norms copying their output into rows4 */
  GHashTable   *rows4_readers; /* const BenchOpArgs * (a linear's) -> Rows4Source */
  float        *rows4;         /* a layer norm's output in row panels */
  gint64        rows4_floats;
  const BenchOpArgs *rows4_owner; /* the layer norm that wrote rows4 last */
  float        *small_partial; /* see small_linear_split() */
  gint64        small_partial_floats;
};

static void
packed_free (Packed *p)
{
  g_clear_pointer (&p->packed, bench_cpu_packed_b_free);
  g_clear_pointer (&p->owner, bench_weights_unref);
  g_free (p);
}

static void
prim_free (Prim *p)
{
  for (guint i = 0; i < G_N_ELEMENTS (p->mem); i++)
    g_clear_pointer (&p->mem[i], dnnl_memory_destroy);
  g_clear_pointer (&p->primitive, dnnl_primitive_destroy);
  g_clear_pointer (&p->pd, dnnl_primitive_desc_destroy);
  g_free (p);
}

static gboolean
check (dnnl_status_t  status,
       const char    *what,
       const BenchOp *op,
       GError       **error)
{
  if (status == dnnl_success)
    return TRUE;
  g_set_error (error, BENCH_ERROR,
               status == dnnl_out_of_memory ? BENCH_ERROR_DEVICE : BENCH_ERROR_FAILED,
               "oneDNN %s failed for op “%s” (%s) on cpu: status %d",
               what, op->name, bench_op_kind_to_string (op->kind), (int) status);
  return FALSE;
}

/* Creates the primitive and one memory object per argument, without data:
 * the handles are set on every call (the buffers of a graph may change). */
static Prim *
prim_new (BenchCpuOps              *self,
          const BenchOp            *op,
          const_dnnl_op_desc_t      desc,
          const_dnnl_primitive_attr_t attr,
          const int                *arg_ids,
          const dnnl_memory_desc_t *const *mds,
          guint                     n_args,
          GError                  **error)
{
  Prim *p = g_new0 (Prim, 1);

  if (!check (dnnl_primitive_desc_create (&p->pd, desc, attr, self->engine, NULL),
              "primitive descriptor", op, error) ||
      !check (dnnl_primitive_create (&p->primitive, p->pd), "primitive creation", op, error))
    {
      prim_free (p);
      return NULL;
    }
  for (guint i = 0; i < n_args; i++)
    {
      if (!check (dnnl_memory_create (&p->mem[i], mds[i], self->engine, DNNL_MEMORY_NONE),
                  "memory creation", op, error))
        {
          prim_free (p);
          return NULL;
        }
      p->args[i] = (dnnl_exec_arg_t) { arg_ids[i], p->mem[i] };
    }
  p->n_args = n_args;
  return p;
}

static gboolean
prim_run (BenchCpuOps   *self,
          Prim          *p,
          const BenchOp *op,
          const void    *const *data,
          GError       **error)
{
  for (guint i = 0; i < p->n_args; i++)
    if (!check (dnnl_memory_set_data_handle (p->mem[i], (void *) data[i]), "set data", op, error))
      return FALSE;
  /* oneDNN runs on OpenMP's threads: the pool's helpers leave it the cores. */
  bench_cpu_parallel_rest ();
  return check (dnnl_primitive_execute (p->primitive, self->stream, p->n_args, p->args),
                "execution", op, error) &&
         check (dnnl_stream_wait (self->stream), "stream wait", op, error);
}

/* --- work sharing --- */

/* Rows [r0, r1) of an op. */
typedef void (*RowsFunc) (const BenchOpArgs *a,
                          gint64             r0,
                          gint64             r1);

typedef struct
{
  const BenchOpArgs *a;
  RowsFunc           func;
  gint64             rows;
  gint64             n_chunks;
} RowsJob;

static void
rows_chunk (gint64   i,
            gpointer data)
{
  const RowsJob *j = data;

  j->func (j->a, j->rows * i / j->n_chunks, j->rows * (i + 1) / j->n_chunks);
}

/* @func over all @rows: on bench_cpu_parallel_for() (which never waits for
 * a helper thread that has not started) when @parallel, in a few chunks
 * per thread so that a helper joining late still takes a share. */
static void
for_chunks (const BenchOpArgs *a,
            gint64             rows,
            gint64             n_chunks,
            gboolean           parallel,
            RowsFunc           func)
{
  RowsJob job = { a, func, rows, n_chunks };

  if (!parallel || n_chunks <= 1)
    func (a, 0, rows);
  else
    bench_cpu_parallel_for (n_chunks, rows_chunk, &job);
}

static void
for_rows (const BenchOpArgs *a,
          gint64             rows,
          gboolean           parallel,
          RowsFunc           func)
{
  for_chunks (a, rows, MIN (rows, 4 * (gint64) omp_get_max_threads ()), parallel, func);
}

/* for_rows() for a few coarse items (column blocks, matrices) that
 * stream their data from memory (decode steps): one contiguous share per
 * thread. Smaller chunks interleave the threads' blocks, and the
 * hardware prefetchers then fetch each other's lines: GPT-2's decode
 * linear layers took 20-30% longer in chunks of one block of 256
 * columns than in halves, on 2 threads. */
static void
for_items (const BenchOpArgs *a,
           gint64             items,
           gboolean           parallel,
           RowsFunc           func)
{
  for_chunks (a, items, MIN (items, (gint64) omp_get_max_threads ()), parallel, func);
}

/* --- linear and matmul --- */

static Prim *
linear_prim (BenchCpuOps        *self,
             const BenchOpArgs  *a,
             GError            **error)
{
  const BenchTensor *w = a->in[1];
  gboolean tw = a->op->p.linear.transpose_w;
  gint64 K = tw ? w->shape[0] : w->shape[1];
  gint64 N = tw ? w->shape[1] : w->shape[0];
  gint64 M = a->in[0]->numel / K;
  gboolean bias = a->op->n_inputs > 2;
  dnnl_memory_desc_t src, wei, b, dst;
  dnnl_matmul_desc_t desc;
  dnnl_dims_t src_dims = { M, K }, wei_dims = { K, N }, dst_dims = { M, N }, b_dims = { 1, N };
  /* [N,K] row-major is W^T [K,N] with strides (1, K). */
  dnnl_dims_t wei_strides = { tw ? N : 1, tw ? 1 : K };
  const int ids[] = { DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST };
  const int ids_nb[] = { DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST };

  dnnl_memory_desc_init_by_tag (&src, 2, src_dims, dnnl_f32, dnnl_ab);
  dnnl_memory_desc_init_by_strides (&wei, 2, wei_dims, dnnl_f32, wei_strides);
  dnnl_memory_desc_init_by_tag (&b, 2, b_dims, dnnl_f32, dnnl_ab);
  dnnl_memory_desc_init_by_tag (&dst, 2, dst_dims, dnnl_f32, dnnl_ab);
  if (!check (dnnl_matmul_desc_init (&desc, &src, &wei, bias ? &b : NULL, &dst),
              "matmul descriptor", a->op, error))
    return NULL;
  if (bias)
    return prim_new (self, a->op, &desc, NULL, ids,
                     (const dnnl_memory_desc_t *[]) { &src, &wei, &b, &dst }, 4, error);
  return prim_new (self, a->op, &desc, NULL, ids_nb,
                   (const dnnl_memory_desc_t *[]) { &src, &wei, &dst }, 3, error);
}

static Prim *
matmul_prim (BenchCpuOps        *self,
             const BenchOpArgs  *a,
             GError            **error)
{
  const BenchTensor *ta = a->in[0], *out = a->out;
  guint nd = ta->n_dims;
  gint64 M = ta->shape[nd - 2], K = ta->shape[nd - 1], N = out->shape[nd - 1];
  gint64 batch = out->numel / (M * N);
  gboolean tb = a->op->p.matmul.transpose_b;
  gint64 sb = a->in_mat_stride[1] > 0 ? a->in_mat_stride[1] : K * N;
  float alpha = a->op->p.matmul.alpha;
  dnnl_memory_desc_t src, wei, dst;
  dnnl_matmul_desc_t desc;
  dnnl_primitive_attr_t attr = NULL;
  dnnl_dims_t src_dims = { batch, M, K }, wei_dims = { batch, K, N }, dst_dims = { batch, M, N };
  dnnl_dims_t wei_strides = { sb, tb ? 1 : N, tb ? K : 1 };
  const int ids[] = { DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST };
  Prim *p;

  dnnl_memory_desc_init_by_tag (&src, 3, src_dims, dnnl_f32, dnnl_abc);
  dnnl_memory_desc_init_by_strides (&wei, 3, wei_dims, dnnl_f32, wei_strides);
  dnnl_memory_desc_init_by_tag (&dst, 3, dst_dims, dnnl_f32, dnnl_abc);
  if (!check (dnnl_matmul_desc_init (&desc, &src, &wei, NULL, &dst), "matmul descriptor", a->op, error))
    return NULL;
  if (alpha != 1.0f)
    {
      if (!check (dnnl_primitive_attr_create (&attr), "attributes", a->op, error))
        return NULL;
      dnnl_primitive_attr_set_output_scales (attr, 1, 0, &alpha);
    }
  p = prim_new (self, a->op, &desc, attr, ids,
                (const dnnl_memory_desc_t *[]) { &src, &wei, &dst }, 3, error);
  g_clear_pointer (&attr, dnnl_primitive_attr_destroy);
  return p;
}

static Prim *
conv_prim (BenchCpuOps        *self,
           const BenchOpArgs  *a,
           GError            **error)
{
  const BenchTensor *x = a->in[0], *w = a->in[1], *y = a->out;
  gboolean two_d = a->op->kind == BENCH_OP_CONV2D;
  gint64 G = a->op->p.conv.groups;
  gboolean bias = a->op->n_inputs > 2;
  dnnl_memory_desc_t src, wei, b, dst;
  dnnl_convolution_desc_t desc;
  dnnl_dims_t src_dims, wei_dims, dst_dims, b_dims = { w->shape[0] };
  dnnl_dims_t strides, pad;
  int nsp = two_d ? 2 : 1;
  const int ids[] = { DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST };
  const int ids_nb[] = { DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST };
  int wnd = 0;

  for (guint i = 0; i < x->n_dims; i++)
    {
      src_dims[i] = x->shape[i];
      dst_dims[i] = y->shape[i];
    }
  if (G > 1)
    wei_dims[wnd++] = G;
  wei_dims[wnd++] = w->shape[0] / G;
  for (guint i = 1; i < w->n_dims; i++)
    wei_dims[wnd++] = w->shape[i];
  for (int i = 0; i < nsp; i++)
    {
      strides[i] = a->op->p.conv.stride[two_d ? i : 0];
      pad[i] = a->op->p.conv.padding[two_d ? i : 0];
    }

  dnnl_memory_desc_init_by_tag (&src, x->n_dims, src_dims, dnnl_f32, two_d ? dnnl_abcd : dnnl_abc);
  dnnl_memory_desc_init_by_tag (&dst, y->n_dims, dst_dims, dnnl_f32, two_d ? dnnl_abcd : dnnl_abc);
  dnnl_memory_desc_init_by_tag (&wei, wnd, wei_dims, dnnl_f32,
                                wnd == 3 ? dnnl_abc : wnd == 4 ? dnnl_abcd : dnnl_abcde);
  dnnl_memory_desc_init_by_tag (&b, 1, b_dims, dnnl_f32, dnnl_a);
  if (!check (dnnl_convolution_forward_desc_init (&desc, dnnl_forward_inference, dnnl_convolution_direct,
                                                  &src, &wei, bias ? &b : NULL, &dst,
                                                  strides, pad, pad),
              "convolution descriptor", a->op, error))
    return NULL;
  if (bias)
    return prim_new (self, a->op, &desc, NULL, ids,
                     (const dnnl_memory_desc_t *[]) { &src, &wei, &b, &dst }, 4, error);
  return prim_new (self, a->op, &desc, NULL, ids_nb,
                   (const dnnl_memory_desc_t *[]) { &src, &wei, &dst }, 3, error);
}

/* Everything a primitive depends on: kind, parameters, shapes, strides. */
static void
signature (const BenchOpArgs *a,
           gint64             sig[20])
{
  guint n = 0;

  memset (sig, 0, 20 * sizeof (gint64));
  sig[n++] = a->op->kind;
  sig[n++] = a->op->n_inputs;
  memcpy (&sig[n++], &a->op->p, MIN (sizeof a->op->p, sizeof (gint64) * 3));
  n += 2;
  for (guint i = 0; i < 2; i++)
    for (guint d = 0; d < BENCH_GRAPH_MAX_DIMS; d++)
      sig[n++] = d < a->in[i]->n_dims ? a->in[i]->shape[d] : -1;
  for (guint d = 0; d < BENCH_GRAPH_MAX_DIMS; d++)
    sig[n++] = d < a->out->n_dims ? a->out->shape[d] : -1;
  sig[n++] = a->in_mat_stride[1];
  g_assert (n <= 20);
}

static Prim *
get_prim (BenchCpuOps        *self,
          const BenchOpArgs  *a,
          GError            **error)
{
  Prim *p = g_hash_table_lookup (self->prims, a->op);
  gint64 sig[20];

  signature (a, sig);
  /* Keyed by op: an op of a graph freed since, or storage of another
   * stride, gives another signature, and a new primitive. */
  if (p != NULL && memcmp (p->sig, sig, sizeof sig) != 0)
    {
      g_hash_table_remove (self->prims, a->op);
      p = NULL;
    }
  if (p != NULL)
    return p;

  switch (a->op->kind)
    {
    case BENCH_OP_LINEAR:
      p = linear_prim (self, a, error);
      break;
    case BENCH_OP_MATMUL:
      p = matmul_prim (self, a, error);
      break;
    case BENCH_OP_CONV1D:
    case BENCH_OP_CONV2D:
      p = conv_prim (self, a, error);
      break;
    default:
      g_assert_not_reached ();
    }
  if (p != NULL)
    {
      memcpy (p->sig, sig, sizeof sig);
      g_hash_table_insert (self->prims, (gpointer) a->op, p);
    }
  return p;
}

/* --- few rows: decode steps --- */

/* With a handful of rows (a decode step's tokens) a GEMM is a matrix-vector
 * product bound by reading the weights; oneDNN's GEMM would pack those
 * weights on every call, so these loops read them exactly once instead. */
#define SMALL_M 8

typedef float v8sf __attribute__ ((vector_size (32)));

/* An unaligned load (a macro: returning a vector from a function would
 * depend on the ABI of the clone). */
#define LOAD8(p) ({ v8sf v_; memcpy (&v_, (p), sizeof v_); v_; })

/* y[m, n] = alpha x[m, :] . w[n, :] (+ bias[n]) for n in [n0, n1): w rows of K. */
ROW_KERNEL void
small_nk_impl (const float *x,
               gint64       M,
               gint64       K,
               const float *w,
               gint64       n0,
               gint64       n1,
               const float *bias,
               float        alpha,
               float       *y,
               gint64       ldy)
{
  if (M == 1)
    {
      /* One row: four chains of multiply-adds, not one, so that the
       * loop is bound by reading the weights rather than by the latency
       * of the adds (GPT-2's logits, 154 MB a token: 9.9 to 5.0 ms on
       * 2 threads). */
      for (gint64 n = n0; n < n1; n++)
        {
          const float *wr = w + n * K;
          v8sf a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 };
          gint64 k = 0;
          float sum;

          for (; k + 32 <= K; k += 32)
            {
              a0 += LOAD8 (x + k) * LOAD8 (wr + k);
              a1 += LOAD8 (x + k + 8) * LOAD8 (wr + k + 8);
              a2 += LOAD8 (x + k + 16) * LOAD8 (wr + k + 16);
              a3 += LOAD8 (x + k + 24) * LOAD8 (wr + k + 24);
            }
          for (; k + 8 <= K; k += 8)
            a0 += LOAD8 (x + k) * LOAD8 (wr + k);
          a0 += a1 + a2 + a3;
          sum = a0[0] + a0[1] + a0[2] + a0[3] + a0[4] + a0[5] + a0[6] + a0[7];
          for (; k < K; k++)
            sum += x[k] * wr[k];
          y[n] = alpha * sum + (bias != NULL ? bias[n] : 0.0f);
        }
      return;
    }
  for (gint64 n = n0; n < n1; n++)
    {
      const float *wr = w + n * K;
      v8sf acc[SMALL_M];
      gint64 k = 0;

      for (gint64 m = 0; m < M; m++)
        acc[m] = (v8sf) { 0 };
      for (; k + 8 <= K; k += 8)
        {
          v8sf wv = LOAD8 (wr + k);

          for (gint64 m = 0; m < M; m++)
            acc[m] += LOAD8 (x + m * K + k) * wv;
        }
      for (gint64 m = 0; m < M; m++)
        {
          float sum = acc[m][0] + acc[m][1] + acc[m][2] + acc[m][3] +
                      acc[m][4] + acc[m][5] + acc[m][6] + acc[m][7];

          for (gint64 kk = k; kk < K; kk++)
            sum += x[m * K + kk] * wr[kk];
          y[m * ldy + n] = alpha * sum + (bias != NULL ? bias[n] : 0.0f);
        }
    }
}

ROW_KERNEL_DISPATCH (small_nk,
                     (const float *x, gint64 M, gint64 K, const float *w, gint64 n0,
                      gint64 n1, const float *bias, float alpha, float *y, gint64 ldy),
                     (x, M, K, w, n0, n1, bias, alpha, y, ldy))

#define KN_BLOCK 256

/* y[m, n] = alpha sum_k x[m, k] w[k, n] (+ bias[n]) for n in [n0, n1),
 * n1 - n0 <= KN_BLOCK: w rows of ldw. */
ROW_KERNEL void
small_kn_impl (const float *x,
               gint64       M,
               gint64       K,
               const float *w,
               gint64       ldw,
               gint64       n0,
               gint64       n1,
               const float *bias,
               float        alpha,
               float       *y,
               gint64       ldy)
{
  float acc[SMALL_M][KN_BLOCK];
  gint64 nn = n1 - n0;

  for (gint64 m = 0; m < M; m++)
    memset (acc[m], 0, nn * sizeof (float));
  for (gint64 k = 0; k < K; k++)
    {
      const float *wr = w + k * ldw + n0;

      for (gint64 m = 0; m < M; m++)
        {
          float xv = x[m * K + k];
          float *am = acc[m];

#pragma omp simd
          for (gint64 j = 0; j < nn; j++)
            am[j] += xv * wr[j];
        }
    }
  for (gint64 m = 0; m < M; m++)
    for (gint64 j = 0; j < nn; j++)
      y[m * ldy + n0 + j] = alpha * acc[m][j] + (bias != NULL ? bias[n0 + j] : 0.0f);
}

ROW_KERNEL_DISPATCH (small_kn,
                     (const float *x, gint64 M, gint64 K, const float *w, gint64 ldw,
                      gint64 n0, gint64 n1, const float *bias, float alpha, float *y,
                      gint64 ldy),
                     (x, M, K, w, ldw, n0, n1, bias, alpha, y, ldy))

/* out[m, :] = x[m, k0:k1] w[k0:k1, :] (x rows of @ldx, w and out rows of
 * @n): the rows of w read whole and in order, the sums kept in @out. */
ROW_KERNEL void
small_kn_rows_impl (const float *x,
                    gint64       ldx,
                    gint64       M,
                    gint64       k0,
                    gint64       k1,
                    const float *w,
                    gint64       n,
                    float       *out)
{
  gint64 k = k0;

  memset (out, 0, M * n * sizeof (float));
  /* With several rows, four rows of w at a time: a pass over the sums
   * (in L2 at 8 rows) per four rows of w, not one (GPT-2 at batch 8: its
   * linear layers 2.3-2.8 s a run against 3.0 in column halves). */
  for (; M > 1 && k + 4 <= k1; k += 4)
    {
      const float *w0 = w + k * n, *w1 = w0 + n, *w2 = w1 + n, *w3 = w2 + n;

      for (gint64 m = 0; m < M; m++)
        {
          const float *xm = x + m * ldx + k;
          float x0 = xm[0], x1 = xm[1], x2 = xm[2], x3 = xm[3];
          float *o = out + m * n;

#pragma omp simd
          for (gint64 j = 0; j < n; j++)
            o[j] += x0 * w0[j] + x1 * w1[j] + x2 * w2[j] + x3 * w3[j];
        }
    }
  for (; k < k1; k++)
    {
      const float *wr = w + k * n;

      for (gint64 m = 0; m < M; m++)
        {
          float xv = x[m * ldx + k];
          float *o = out + m * n;

#pragma omp simd
          for (gint64 j = 0; j < n; j++)
            o[j] += xv * wr[j];
        }
    }
}

ROW_KERNEL_DISPATCH (small_kn_rows,
                     (const float *x, gint64 ldx, gint64 M, gint64 k0, gint64 k1,
                      const float *w, gint64 n, float *out),
                     (x, ldx, M, k0, k1, w, n, out))

/* A few-row linear layer with [k, n] weights (GPT-2's) is split between
 * the threads by k rather than by columns where its sums fit in L2: each
 * thread then reads one contiguous share of the weights, which the
 * hardware prefetchers follow, where column blocks read a segment of
 * every row (on 2 threads, GPT-2's 3072 x 768 projection at one row took
 * 215-235 us against 710-730 in column blocks). The first thread's sums
 * go to the output, the others' to small_partial, added at the end. */
#define SMALL_SPLIT_MAX_FLOATS 32768
#define SMALL_SPLIT_MIN_K 64

/* How many shares of k for @a on @threads threads; 1: not split. */
static gint64
small_linear_split (const BenchOpArgs *a,
                    gint64             threads)
{
  const BenchTensor *w = a->in[1];
  gint64 K, N, M;

  if (!a->op->p.linear.transpose_w || w->numel < PAR_MIN)
    return 1;
  K = w->shape[0];
  N = w->shape[1];
  M = a->in[0]->numel / K;
  if (M * N > SMALL_SPLIT_MAX_FLOATS)
    return 1;
  return CLAMP (K / SMALL_SPLIT_MIN_K, 1, threads);
}

typedef struct
{
  const BenchOpArgs *a;
  float             *partial;
  gint64             shares;
} SmallSplitJob;

static void
small_split_share (gint64   c,
                   gpointer data)
{
  const SmallSplitJob *j = data;
  const BenchOpArgs *a = j->a;
  gint64 K = a->in[1]->shape[0], N = a->in[1]->shape[1], M = a->in[0]->numel / K;

  small_kn_rows (IN (a, 0), K, M, K * c / j->shares, K * (c + 1) / j->shares, IN (a, 1), N,
                 c == 0 ? OUT (a) : j->partial + (c - 1) * M * N);
}

static gboolean
small_linear_split_run (BenchCpuOps       *self,
                        const BenchOpArgs *a)
{
  gint64 K = a->in[1]->shape[0], N = a->in[1]->shape[1], MN = a->in[0]->numel / K * N;
  SmallSplitJob job = { a, self->small_partial, small_linear_split (a, omp_get_max_threads ()) };
  const float *bias = a->op->n_inputs > 2 ? IN (a, 2) : NULL;
  float *y = OUT (a);

  if (job.shares <= 1 || (job.shares - 1) * MN > self->small_partial_floats)
    return FALSE;
  bench_cpu_parallel_for (job.shares, small_split_share, &job);
  for (gint64 c = 1; c < job.shares; c++)
    {
      const float *p = job.partial + (c - 1) * MN;

#pragma omp simd
      for (gint64 i = 0; i < MN; i++)
        y[i] += p[i];
    }
  if (bias != NULL)
    for (gint64 i = 0; i < MN; i += N)
      {
#pragma omp simd
        for (gint64 j = 0; j < N; j++)
          y[i + j] += bias[j];
      }
  return TRUE;
}

/* Columns per block of a few-row linear layer: KN_BLOCK for [k, n]
 * weights, 64 for [n, k]. */
static gint64
small_linear_block (const BenchOpArgs *a)
{
  return a->op->p.linear.transpose_w ? KN_BLOCK : 64;
}

/* Column blocks [b0, b1) of a few-row linear layer. */
static void
small_linear_range (const BenchOpArgs *a,
                    gint64             b0,
                    gint64             b1)
{
  const BenchTensor *w = a->in[1];
  gboolean tw = a->op->p.linear.transpose_w;
  gint64 K = tw ? w->shape[0] : w->shape[1];
  gint64 N = tw ? w->shape[1] : w->shape[0];
  gint64 M = a->in[0]->numel / K;
  const float *bias = a->op->n_inputs > 2 ? IN (a, 2) : NULL;
  gint64 block = small_linear_block (a);

  for (gint64 i = b0; i < b1; i++)
    {
      gint64 n0 = i * block, n1 = MIN (N, n0 + block);

      if (tw)
        small_kn (IN (a, 0), M, K, IN (a, 1), N, n0, n1, bias, 1.0f, OUT (a), N);
      else
        small_nk (IN (a, 0), M, K, IN (a, 1), n0, n1, bias, 1.0f, OUT (a), N);
    }
}

static void
small_linear (BenchCpuOps       *self,
              const BenchOpArgs *a)
{
  gint64 N = a->out->shape[a->out->n_dims - 1], block = small_linear_block (a);

  if (small_linear_split_run (self, a))
    return;
  for_items (a, (N + block - 1) / block, a->in[1]->numel >= PAR_MIN, small_linear_range);
}

/* Matrices [z0, z1) of a batched few-row matmul. */
static void
small_matmul_range (const BenchOpArgs *a,
                    gint64             z0,
                    gint64             z1)
{
  const BenchTensor *ta = a->in[0];
  guint nd = ta->n_dims;
  gint64 M = ta->shape[nd - 2], K = ta->shape[nd - 1], N = a->out->shape[nd - 1];
  gboolean tb = a->op->p.matmul.transpose_b;
  gint64 sb = a->in_mat_stride[1] > 0 ? a->in_mat_stride[1] : K * N;
  float alpha = a->op->p.matmul.alpha;
  const float *A = IN (a, 0), *B = IN (a, 1);
  float *C = OUT (a);

  for (gint64 z = z0; z < z1; z++)
    {
      if (tb)
        small_nk (A + z * M * K, M, K, B + z * sb, 0, N, NULL, alpha, C + z * M * N, N);
      else
        for (gint64 n0 = 0; n0 < N; n0 += KN_BLOCK)
          small_kn (A + z * M * K, M, K, B + z * sb, N, n0, MIN (N, n0 + KN_BLOCK), NULL, alpha,
                    C + z * M * N, N);
    }
}

static void
small_matmul (const BenchOpArgs *a)
{
  const BenchTensor *ta = a->in[0];
  guint nd = ta->n_dims;
  gint64 M = ta->shape[nd - 2], K = ta->shape[nd - 1], N = a->out->shape[nd - 1];
  gint64 batch = a->out->numel / (M * N);

  for_items (a, batch, batch * N * K >= PAR_MIN, small_matmul_range);
}

static gboolean
is_small (const BenchOpArgs *a)
{
  const BenchTensor *x = a->in[0];

  if (a->op->kind == BENCH_OP_LINEAR)
    {
      const BenchTensor *w = a->in[1];
      gint64 K = a->op->p.linear.transpose_w ? w->shape[0] : w->shape[1];

      return x->numel / K <= SMALL_M;
    }
  if (a->op->kind == BENCH_OP_MATMUL)
    return x->shape[x->n_dims - 2] <= SMALL_M;
  return FALSE;
}

/* --- packed linear layers and fusions --- */

static void
linear_dims (const BenchOpArgs *a,
             gint64            *M,
             gint64            *N,
             gint64            *K)
{
  const BenchTensor *w = a->in[1];
  gboolean tw = a->op->p.linear.transpose_w;

  *K = tw ? w->shape[0] : w->shape[1];
  *N = tw ? w->shape[1] : w->shape[0];
  *M = a->in[0]->numel / *K;
}

static Packed *
lookup_packed (BenchCpuOps       *self,
               const BenchOpArgs *a)
{
  Packed *p = g_hash_table_lookup (self->packed, a->in_data[1]);
  gint64 M, N, K;

  if (p == NULL)
    return NULL;
  linear_dims (a, &M, &N, &K);
  if (p->nk != !a->op->p.linear.transpose_w ||
      bench_cpu_packed_b_get_k (p->packed) != K || bench_cpu_packed_b_get_n (p->packed) != N)
    return NULL;
  return p;
}

static gboolean
fusion_matches (const Fusion      *f,
                const BenchOpArgs *a)
{
  const BenchOpArgs *b = f->next;

  if (a != f->linear || a->out_data != f->data[3])
    return FALSE;
  for (guint i = 0; i < a->op->n_inputs; i++)
    if (a->in_data[i] != f->data[i])
      return FALSE;
  /* The next op's args are in the same buffers as @a: still those planned. */
  return b->out_data == f->next_out && b->in_data[0] == f->next_in[0] &&
         (b->op->n_inputs < 2 || b->in_data[1] == f->next_in[1]);
}

/* The linear layer through bench_cpu_packed_gemm() when its weight was
 * packed at prepare; FALSE to fall back on oneDNN. */
static gboolean
packed_linear (BenchCpuOps       *self,
               const BenchOpArgs *a)
{
  Packed *p;
  Fusion *f;
  Rows4Source *src;
  gint64 M, N, K;
  const float *bias = a->op->n_inputs > 2 ? IN (a, 2) : NULL;
  const float *x = IN (a, 0);
  BenchCpuGemmFlags flags = BENCH_CPU_GEMM_ROWS;

  if ((p = lookup_packed (self, a)) == NULL)
    return FALSE;
  linear_dims (a, &M, &N, &K);

  /* The input in row panels, where its producer wrote them in this pass. */
  if ((src = g_hash_table_lookup (self->rows4_readers, a)) != NULL)
    {
      if (src->norm != NULL && self->rows4_owner == src->norm && src->norm->out_data == x)
        {
          x = self->rows4;
          flags |= BENCH_CPU_GEMM_A_ROWS4;
        }
      else if (src->fusion != NULL && src->fusion->wrote_rows4 && src->fusion->next->out_data == x)
        {
          flags |= BENCH_CPU_GEMM_A_ROWS4;
        }
    }

  f = g_hash_table_lookup (self->fusions, a);
  if (f != NULL && f->heads_seq > 0 && fusion_matches (f, a))
    {
      bench_cpu_packed_gemm_heads (M, x, K, p->packed, bias, f->heads_seq, f->heads_dim,
                                   f->next->out_data, flags);
      f->done = TRUE;
      return TRUE;
    }
  if (f != NULL && fusion_matches (f, a))
    {
      const float *residual = f->residual >= 0 ? f->next->in_data[f->residual] : NULL;

      bench_cpu_packed_gemm (M, x, K, p->packed, bias, f->act, residual, N,
                             f->next->out_data, N, flags | (f->rows4 ? BENCH_CPU_GEMM_C_ROWS4 : 0));
      f->done = TRUE;
      f->wrote_rows4 = f->rows4;
      return TRUE;
    }
  if (f != NULL)
    f->done = f->wrote_rows4 = FALSE;
  bench_cpu_packed_gemm (M, x, K, p->packed, bias, BENCH_CPU_ACT_NONE, NULL, 0, OUT (a), N, flags);
  return TRUE;
}

/* TRUE when the linear before @a already wrote @a's output. */
static gboolean
already_fused (BenchCpuOps       *self,
               const BenchOpArgs *a)
{
  Fusion *f = g_hash_table_lookup (self->fused, a);

  if (f == NULL || !f->done || f->next != a || a->out_data != f->next_out)
    return FALSE;
  f->done = FALSE;
  return TRUE;
}

static gboolean
overlaps (const void *a,
          gint64      a_bytes,
          const void *b,
          gint64      b_bytes)
{
  const guint8 *pa = a, *pb = b;

  return pa < pb + b_bytes && pb < pa + a_bytes;
}

/* A plain intermediate read by op @reader alone: no view of it, no other
 * reader, not an output. */
static gboolean
private_to (BenchGraph        *graph,
            const BenchTensor *t,
            guint              reader)
{
  if (t->role != BENCH_TENSOR_ACTIVATION || t->alias_of >= 0 || t->last_use != (gint) reader)
    return FALSE;
  for (guint v = 0; v < bench_graph_get_n_tensors (graph); v++)
    if (bench_graph_get_tensor (graph, v)->alias_of == (gint) t->id)
      return FALSE;
  return TRUE;
}

/* Records that linear @a writes the output of op @next (see Fusion),
 * with the pointers of both as they are now. */
static Fusion *
fusion_add (BenchCpuOps       *self,
            const BenchOpArgs *a,
            const BenchOpArgs *next,
            BenchCpuAct        act,
            gint               residual)
{
  Fusion *f = g_new0 (Fusion, 1);

  f->linear = a;
  f->next = next;
  for (guint k = 0; k < a->op->n_inputs; k++)
    f->data[k] = a->in_data[k];
  f->data[3] = a->out_data;
  f->next_in[0] = next->in_data[0];
  f->next_in[1] = next->op->n_inputs > 1 ? next->in_data[1] : NULL;
  f->next_out = next->out_data;
  f->act = act;
  f->residual = residual;
  g_hash_table_insert (self->fusions, (gpointer) a, f);
  g_hash_table_insert (self->fused, (gpointer) next, f);
  return f;
}

/* @a is a permute of a 4-d tensor swapping axes 1 and 2. */
static gboolean
is_heads_permute (const BenchOpArgs *a)
{
  const guint *perm = a->op->p.permute.perm;

  return a->op->kind == BENCH_OP_PERMUTE && a->out->n_dims == 4 && a->in[0]->n_dims == 4 &&
         perm[0] == 0 && perm[1] == 2 && perm[2] == 1 && perm[3] == 3 &&
         a->out->dtype == BENCH_DTYPE_F32;
}

/* Plans linear op @i writing the heads permute that reads its output
 * (see Fusion): the output read only through one [B, L, heads, d] view,
 * made by a later op, and that view only by the permute. The permute runs
 * after ops that do not read them (a layer's three projections come before
 * their three splits); its output is written earlier than the memory plan
 * assumed, so no tensor alive in between may share its memory. */
static gboolean
plan_heads_fusion (BenchCpuOps       *self,
                   BenchGraphBuffers *buffers,
                   guint              i)
{
  BenchGraph *graph = bench_graph_buffers_get_graph (buffers);
  const BenchOpArgs *a = bench_graph_buffers_get_op_args (buffers, i), *pa = NULL;
  const BenchTensor *t = a->out, *view = NULL;
  guint n_ops = bench_graph_get_n_ops (graph), p;
  gint64 M, N, K, L, d, bytes;
  Fusion *f;

  if (t->role != BENCH_TENSOR_ACTIVATION || t->alias_of >= 0 || t->dtype != BENCH_DTYPE_F32 ||
      t->last_use <= (gint) i + 1 || t->last_use >= (gint) n_ops)
    return FALSE;
  p = t->last_use;
  pa = bench_graph_buffers_get_op_args (buffers, p);
  if (!is_heads_permute (pa))
    return FALSE;
  view = pa->in[0];
  if (view->alias_of != (gint) t->id || view->n_dims != 4 || view->producer <= (gint) i ||
      view->producer >= (gint) p ||
      bench_graph_buffers_get_op_args (buffers, view->producer)->op->kind != BENCH_OP_RESHAPE)
    return FALSE;
  /* No other view of the output, no other reader of it or of the view. */
  for (guint u = 0; u < bench_graph_get_n_tensors (graph); u++)
    {
      const BenchTensor *w = bench_graph_get_tensor (graph, u);

      if (w->alias_of == (gint) t->id && w != view)
        return FALSE;
    }
  for (guint j = i + 1; j < p; j++)
    {
      const BenchOpArgs *b = bench_graph_buffers_get_op_args (buffers, j);

      for (guint k = 0; k < b->op->n_inputs; k++)
        if (b->in[k] == view || (b->in[k] == t && (gint) j != view->producer))
          return FALSE;
    }
  linear_dims (a, &M, &N, &K);
  L = view->shape[1];
  d = view->shape[3];
  if (L <= 0 || L % 4 != 0 || M % L != 0 || d <= 0 || d % 8 != 0 || N != view->shape[2] * d)
    return FALSE;

  /* The permute's output is written at op @i: it must share no memory
   * with the linear's inputs, nor with any tensor alive between op @i
   * and the permute. */
  bytes = pa->out->numel * sizeof (float);
  for (guint k = 0; k < a->op->n_inputs; k++)
    if (overlaps (pa->out_data, bytes, a->in_data[k], a->in[k]->numel * sizeof (float)))
      return FALSE;
  for (guint u = 0; u < bench_graph_get_n_tensors (graph); u++)
    {
      const BenchTensor *w = bench_graph_get_tensor (graph, u);

      if (w == t || w == pa->out || w->alias_of >= 0 ||
          (w->role != BENCH_TENSOR_ACTIVATION && w->role != BENCH_TENSOR_OUTPUT) ||
          w->producer >= (gint) p || MAX (w->last_use, w->producer) < (gint) i)
        continue;
      if (overlaps (pa->out_data, bytes, bench_graph_buffers_get_data (buffers, u),
                    w->numel * bench_dtype_size (w->dtype)))
        return FALSE;
    }

  f = fusion_add (self, a, pa, BENCH_CPU_ACT_NONE, -1);
  f->heads_seq = L;
  f->heads_dim = d;
  return TRUE;
}

/* Plans the fusion of linear op @i with op @i + 1 (see Fusion). */
static void
plan_fusion (BenchCpuOps       *self,
             BenchGraphBuffers *buffers,
             guint              i)
{
  BenchGraph *graph = bench_graph_buffers_get_graph (buffers);
  const BenchOpArgs *a = bench_graph_buffers_get_op_args (buffers, i), *b;
  const BenchTensor *t = a->out;
  BenchCpuAct act = BENCH_CPU_ACT_NONE;
  gint residual = -1;
  gint64 bytes = t->numel * sizeof (float);
  Fusion *f;

  /* Forget an earlier plan for these args (and where it was looked up). */
  if ((f = g_hash_table_lookup (self->fusions, a)) != NULL)
    {
      if (g_hash_table_lookup (self->fused, f->next) == f)
        g_hash_table_remove (self->fused, f->next);
      g_hash_table_remove (self->fusions, a);
    }
  if (i + 1 >= bench_graph_get_n_ops (graph))
    return;
  b = bench_graph_buffers_get_op_args (buffers, i + 1);

  if (plan_heads_fusion (self, buffers, i))
    return;

  /* The linear's output must be a plain intermediate read by @b alone. */
  if (!private_to (graph, t, i + 1) || b->out->numel != t->numel)
    return;

  if (b->op->kind == BENCH_OP_GELU && b->in[0] == t)
    act = b->op->p.gelu.kind == BENCH_GELU_TANH ? BENCH_CPU_ACT_GELU_TANH
        : b->op->p.gelu.kind == BENCH_GELU_QUICK ? BENCH_CPU_ACT_GELU_QUICK
        : BENCH_CPU_ACT_GELU_ERF;
  else if (b->op->kind == BENCH_OP_ADD && (b->in[0] == t) != (b->in[1] == t) &&
           b->in[0]->numel == b->in[1]->numel && b->in[0]->dtype == BENCH_DTYPE_F32 &&
           b->in[1]->dtype == BENCH_DTYPE_F32)
    residual = b->in[0] == t ? 1 : 0;
  else
    return;

  /* The output is written while the linear's inputs (and the residual)
   * are read: it must share no memory with them. */
  for (guint k = 0; k < a->op->n_inputs; k++)
    if (overlaps (b->out_data, bytes, a->in_data[k], a->in[k]->numel * sizeof (float)))
      return;
  if (residual >= 0 && overlaps (b->out_data, bytes, b->in_data[residual], bytes))
    return;

  fusion_add (self, a, b, act, residual);
}

/* Plans the linear layers of @buffers reading their input in row panels
 * (see Rows4Source), once every op is prepared: a linear whose weight is
 * packed, with a multiple of 4 rows, whose input is either the output of
 * a layer norm, with no other norm in between (they share rows4), or the
 * output of a fused activation read by this linear alone. */
static void
plan_rows4 (BenchCpuOps       *self,
            BenchGraphBuffers *buffers)
{
  BenchGraph *graph = bench_graph_buffers_get_graph (buffers);
  guint n_ops = bench_graph_get_n_ops (graph);
  gint64 floats = 0;

  for (guint i = 0; i < n_ops; i++)
    {
      const BenchOpArgs *a = bench_graph_buffers_get_op_args (buffers, i);

      g_hash_table_remove (self->rows4_norms, a);
      g_hash_table_remove (self->rows4_readers, a);
    }
  if (!bench_cpu_packed_gemm_supported ())
    return;

  for (guint i = 0; i < n_ops; i++)
    {
      const BenchOpArgs *a = bench_graph_buffers_get_op_args (buffers, i), *pa;
      const BenchTensor *x = a->in[0];
      Rows4Source src = { NULL, NULL };
      Fusion *f;
      gint64 M, N, K;

      if (a->op->kind != BENCH_OP_LINEAR || is_small (a) || lookup_packed (self, a) == NULL ||
          x->alias_of >= 0 || x->producer < 0 || x->dtype != BENCH_DTYPE_F32)
        continue;
      linear_dims (a, &M, &N, &K);
      if (M % 4 != 0)
        continue;
      pa = bench_graph_buffers_get_op_args (buffers, x->producer);

      if (pa->op->kind == BENCH_OP_LAYER_NORM || pa->op->kind == BENCH_OP_RMS_NORM)
        {
          gboolean other = FALSE;

          for (guint j = x->producer + 1; j < i; j++)
            {
              BenchOpKind kind = bench_graph_buffers_get_op_args (buffers, j)->op->kind;

              other |= kind == BENCH_OP_LAYER_NORM || kind == BENCH_OP_RMS_NORM;
            }
          if (other || pa->out->shape[pa->out->n_dims - 1] != K)
            continue;
          src.norm = pa;
          floats = MAX (floats, M * K);
        }
      else if ((f = g_hash_table_lookup (self->fused, pa)) != NULL && f->next == pa &&
               f->act != BENCH_CPU_ACT_NONE && f->heads_seq == 0 && private_to (graph, x, i))
        {
          src.fusion = f;
        }
      else
        {
          continue;
        }
      g_hash_table_insert (self->rows4_readers, (gpointer) a, g_memdup2 (&src, sizeof src));
    }

  /* The shared copy: where it cannot be had, no layer norm makes one. */
  if (floats > self->rows4_floats)
    {
      float *larger = bench_cpu_alloc (floats * sizeof (float));

      if (larger != NULL)
        {
          g_clear_pointer (&self->rows4, bench_cpu_free);
          self->rows4 = larger;
          self->rows4_floats = floats;
        }
    }
  self->rows4_owner = NULL;

  for (guint i = 0; i < n_ops; i++)
    {
      const BenchOpArgs *a = bench_graph_buffers_get_op_args (buffers, i);
      Rows4Source *src = g_hash_table_lookup (self->rows4_readers, a);

      if (src == NULL)
        continue;
      if (src->fusion != NULL)
        src->fusion->rows4 = TRUE;
      else if (self->rows4_floats >= src->norm->out->numel)
        g_hash_table_add (self->rows4_norms, (gpointer) src->norm);
      else
        g_hash_table_remove (self->rows4_readers, a);
    }
}

/* Packs the weight of linear op @a (once per weight) and plans its fusion. */
static gboolean
prepare_packed (BenchCpuOps       *self,
                BenchGraphBuffers *buffers,
                guint              i,
                GError           **error)
{
  const BenchOpArgs *a = bench_graph_buffers_get_op_args (buffers, i);
  BenchWeights *weights = bench_graph_buffers_get_weights (buffers);
  gint64 M, N, K;
  Packed *p;

  if (!bench_cpu_packed_gemm_supported () || weights == NULL ||
      a->in[1]->role != BENCH_TENSOR_WEIGHT || a->in[0]->dtype != BENCH_DTYPE_F32)
    return TRUE;
  linear_dims (a, &M, &N, &K);
  if (K <= 0 || N <= 0)
    return TRUE;

  if (lookup_packed (self, a) == NULL)
    {
      p = g_new0 (Packed, 1);
      p->nk = !a->op->p.linear.transpose_w;
      p->packed = bench_cpu_packed_b_new (K, N, IN (a, 1), p->nk);
      if (p->packed == NULL)
        {
          g_free (p);
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE,
                       "Out of memory packing the %" G_GINT64_FORMAT " x %" G_GINT64_FORMAT
                       " weight “%s” of op “%s” on cpu: use a smaller model",
                       N, K, a->in[1]->name, a->op->name);
          return FALSE;
        }
      p->owner = bench_weights_ref (weights);
      g_hash_table_replace (self->packed, (gpointer) a->in_data[1], p);
    }
  plan_fusion (self, buffers, i);
  return TRUE;
}

/* Batched matmul on our GEMM: one batch matrix per chunk of work. */
static void
plain_matmul_one (gint64   z,
                  gpointer data)
{
  const BenchOpArgs *a = data;
  const BenchTensor *ta = a->in[0], *out = a->out;
  guint nd = ta->n_dims;
  gint64 M = ta->shape[nd - 2], K = ta->shape[nd - 1], N = out->shape[nd - 1];
  gboolean tb = a->op->p.matmul.transpose_b;
  gint64 sb = a->in_mat_stride[1] > 0 ? a->in_mat_stride[1] : K * N;

  bench_cpu_gemm_plain (M, N, K, a->op->p.matmul.alpha, IN (a, 0) + z * M * K, K,
                        IN (a, 1) + z * sb, tb ? K : N, tb, OUT (a) + z * M * N, N);
}

static void
plain_matmul (const BenchOpArgs *a)
{
  const BenchTensor *ta = a->in[0], *out = a->out;
  guint nd = ta->n_dims;
  gint64 M = ta->shape[nd - 2], K = ta->shape[nd - 1], N = out->shape[nd - 1];
  gint64 batch = out->numel / (M * N);

  if (out->numel * K >= PAR_MIN)
    bench_cpu_parallel_for (batch, plain_matmul_one, (gpointer) a);
  else
    for (gint64 z = 0; z < batch; z++)
      plain_matmul_one (z, (gpointer) a);
}

static gboolean attention_run  (BenchCpuOps       *self,
                                const BenchOpArgs *a);
static gboolean attention_done (BenchCpuOps       *self,
                                const BenchOpArgs *a);

static gboolean
cpu_prim_op (const BenchOpArgs  *a,
             gpointer            user_data,
             GError            **error)
{
  BenchCpuOps *self = user_data;
  const void *data[4];
  guint n = 0;
  Prim *p;

  if (a->op->kind == BENCH_OP_MATMUL && (attention_done (self, a) || attention_run (self, a)))
    return TRUE;
  if (is_small (a))
    {
      if (a->op->kind == BENCH_OP_LINEAR)
        small_linear (self, a);
      else
        small_matmul (a);
      return TRUE;
    }
  if (a->op->kind == BENCH_OP_LINEAR && packed_linear (self, a))
    return TRUE;
  if (a->op->kind == BENCH_OP_MATMUL && cpu_avx2)
    {
      if (a->out->numel > 0 && a->in[0]->shape[a->in[0]->n_dims - 1] > 0)
        plain_matmul (a);
      else
        memset (a->out_data, 0, a->out->numel * sizeof (float));
      return TRUE;
    }

  if ((p = get_prim (self, a, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < a->op->n_inputs; i++)
    data[n++] = a->in_data[i];
  data[n++] = a->out_data;
  g_assert (n == p->n_args);
  return prim_run (self, p, a->op, data, error);
}

/* --- vector math --- */

/* Cephes expf: range reduction by rounding with the 1.5 * 2^23 trick (no
 * floor, so it vectorises on any SSE level), degree-6 polynomial. */
static inline __attribute__ ((always_inline)) float
fast_expf (float x)
{
  float n, r, p, s;
  gint32 e;

  x = x < -87.0f ? -87.0f : x > 88.0f ? 88.0f : x;
  n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  r = x - n * 0.693359375f + n * 2.12194440e-4f;
  p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  e = ((gint32) n + 127) << 23;
  memcpy (&s, &e, sizeof s);
  return p * s;
}

/* Abramowitz and Stegun 7.1.26: absolute error below 1.5e-7. */
static inline __attribute__ ((always_inline)) float
fast_erff (float x)
{
  float ax = fabsf (x);
  float t = 1.0f / (1.0f + 0.3275911f * ax);
  float p = ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t;

  return copysignf (1.0f - p * fast_expf (-ax * ax), x);
}

typedef enum
{
  UNARY_GELU_ERF,
  UNARY_GELU_TANH,
  UNARY_GELU_QUICK,
  UNARY_SILU,
  UNARY_TANH,
  UNARY_RELU,
} Unary;

ROW_KERNEL void
unary_run_impl (Unary        kind,
                const float *x,
                float       *y,
                gint64       n)
{
  switch (kind)
    {
    case UNARY_GELU_ERF:
#pragma omp simd
      for (gint64 i = 0; i < n; i++)
        y[i] = 0.5f * x[i] * (1.0f + fast_erff (x[i] * 0.70710678118654752f));
      break;
    case UNARY_GELU_TANH:
      /* 0.5 x (1 + tanh u) = x sigmoid(2u): no cancellation. */
#pragma omp simd
      for (gint64 i = 0; i < n; i++)
        {
          float v = x[i];
          float u = 0.7978845608028654f * (v + 0.044715f * v * v * v);
          y[i] = v / (1.0f + fast_expf (-2.0f * u));
        }
      break;
    case UNARY_GELU_QUICK:
#pragma omp simd
      for (gint64 i = 0; i < n; i++)
        y[i] = x[i] / (1.0f + fast_expf (-1.702f * x[i]));
      break;
    case UNARY_SILU:
#pragma omp simd
      for (gint64 i = 0; i < n; i++)
        y[i] = x[i] / (1.0f + fast_expf (-x[i]));
      break;
    case UNARY_TANH:
#pragma omp simd
      for (gint64 i = 0; i < n; i++)
        {
          float e = fast_expf (-2.0f * fabsf (x[i]));
          y[i] = copysignf ((1.0f - e) / (1.0f + e), x[i]);
        }
      break;
    case UNARY_RELU:
    default:
#pragma omp simd
      for (gint64 i = 0; i < n; i++)
        y[i] = x[i] > 0.0f ? x[i] : 0.0f;
      break;
    }
}

ROW_KERNEL_DISPATCH (unary_run,
                     (Unary kind, const float *x, float *y, gint64 n),
                     (kind, x, y, n))

#define UNARY_CHUNK 4096

static Unary
unary_kind (const BenchOpArgs *a)
{
  switch ((int) a->op->kind)
    {
    case BENCH_OP_GELU:
      return a->op->p.gelu.kind == BENCH_GELU_TANH ? UNARY_GELU_TANH
           : a->op->p.gelu.kind == BENCH_GELU_QUICK ? UNARY_GELU_QUICK
           : UNARY_GELU_ERF;
    case BENCH_OP_SILU:
      return UNARY_SILU;
    case BENCH_OP_TANH:
      return UNARY_TANH;
    default:
      return UNARY_RELU;
    }
}

/* Chunks [c0, c1) of UNARY_CHUNK elements. */
static void
unary_range (const BenchOpArgs *a,
             gint64             c0,
             gint64             c1)
{
  Unary kind = unary_kind (a);
  gint64 n = a->out->numel;
  const float *x = IN (a, 0);
  float *y = OUT (a);

  for (gint64 c = c0; c < c1; c++)
    unary_run (kind, x + c * UNARY_CHUNK, y + c * UNARY_CHUNK, MIN (UNARY_CHUNK, n - c * UNARY_CHUNK));
}

static void
unary (const BenchOpArgs *a)
{
  gint64 n = a->out->numel;

  for_rows (a, (n + UNARY_CHUNK - 1) / UNARY_CHUNK, n >= PAR_MIN, unary_range);
}

static gboolean
cpu_gelu (const BenchOpArgs  *a,
          gpointer            user_data,
          GError            **error)
{
  if (already_fused (user_data, a))
    return TRUE;
  unary (a);
  return TRUE;
}

static gboolean
cpu_relu (const BenchOpArgs  *a,
          gpointer            user_data,
          GError            **error)
{
  unary (a);
  return TRUE;
}

static gboolean
cpu_silu (const BenchOpArgs  *a,
          gpointer            user_data,
          GError            **error)
{
  unary (a);
  return TRUE;
}

static gboolean
cpu_tanh (const BenchOpArgs  *a,
          gpointer            user_data,
          GError            **error)
{
  unary (a);
  return TRUE;
}

/* --- element-wise binary --- */

ROW_KERNEL void
binary_run_impl (gboolean     mul,
                 const float *x,
                 const float *b,
                 float       *y,
                 gint64       n)
{
  if (mul)
    {
#pragma omp simd
      for (gint64 i = 0; i < n; i++)
        y[i] = x[i] * b[i];
    }
  else
    {
#pragma omp simd
      for (gint64 i = 0; i < n; i++)
        y[i] = x[i] + b[i];
    }
}

ROW_KERNEL_DISPATCH (binary_run,
                     (gboolean mul, const float *x, const float *b, float *y, gint64 n),
                     (mul, x, b, y, n))

#define BINARY_CHUNK 8192

/* Pieces of BINARY_CHUNK elements, or (b repeated) rows of b's size. */
static void
binary_rows (const BenchOpArgs *a,
             gint64             r0,
             gint64             r1)
{
  const float *x = IN (a, 0), *b = IN (a, 1);
  float *y = OUT (a);
  gint64 n = a->out->numel, nb = a->in[1]->numel;
  gboolean mul = a->op->kind == BENCH_OP_MUL;

  for (gint64 r = r0; r < r1; r++)
    if (nb == n)
      binary_run (mul, x + r * BINARY_CHUNK, b + r * BINARY_CHUNK, y + r * BINARY_CHUNK,
                  MIN (BINARY_CHUNK, n - r * BINARY_CHUNK));
    else
      binary_run (mul, x + r * nb, b, y + r * nb, nb);
}

static gboolean
binary (const BenchOpArgs *a)
{
  gint64 n = a->out->numel, nb = a->in[1]->numel;

  for_rows (a, nb == n ? (n + BINARY_CHUNK - 1) / BINARY_CHUNK : n / nb, n >= PAR_MIN, binary_rows);
  return TRUE;
}

static gboolean
cpu_add (const BenchOpArgs  *a,
         gpointer            user_data,
         GError            **error)
{
  if (already_fused (user_data, a))
    return TRUE;
  return binary (a);
}

static gboolean
cpu_mul (const BenchOpArgs  *a,
         gpointer            user_data,
         GError            **error)
{
  return binary (a);
}

/* --- normalisation --- */

ROW_KERNEL void
layer_norm_row_impl (const float *x,
                     const float *g,
                     const float *b,
                     float       *y,
                     gint64       n,
                     float        eps,
                     gboolean     rms)
{
  float mean = 0.0f, var = 0.0f, rstd;

  if (!rms)
    {
#pragma omp simd reduction(+:mean)
      for (gint64 i = 0; i < n; i++)
        mean += x[i];
      mean /= n;
    }
#pragma omp simd reduction(+:var)
  for (gint64 i = 0; i < n; i++)
    var += (x[i] - mean) * (x[i] - mean);
  rstd = 1.0f / sqrtf (var / n + eps);
  if (b != NULL)
    {
#pragma omp simd
      for (gint64 i = 0; i < n; i++)
        y[i] = (x[i] - mean) * rstd * g[i] + b[i];
    }
  else
    {
#pragma omp simd
      for (gint64 i = 0; i < n; i++)
        y[i] = (x[i] - mean) * rstd * g[i];
    }
}

/* With AVX2 the kernels' explicit-vector row (bench_cpu_layer_norm_row());
 * the plain-C one above for the baseline only. */
static void
layer_norm_row (const float *x,
                const float *g,
                const float *b,
                float       *y,
                gint64       n,
                float        eps,
                gboolean     rms)
{
  if (cpu_avx2)
    bench_cpu_layer_norm_row (x, g, b, y, n, eps, rms);
  else
    layer_norm_row_impl (x, g, b, y, n, eps, rms);
}

static void
norm_range (const BenchOpArgs *a,
            gint64             r0,
            gint64             r1)
{
  gboolean rms = a->op->kind == BENCH_OP_RMS_NORM;
  gint64 n = a->out->shape[a->out->n_dims - 1];
  const float *x = IN (a, 0), *g = IN (a, 1);
  const float *b = !rms && a->op->n_inputs > 2 ? IN (a, 2) : NULL;
  float eps = a->op->p.norm.eps;
  float *y = OUT (a);

  for (gint64 r = r0; r < r1; r++)
    layer_norm_row (x + r * n, g, b, y + r * n, n, eps, rms);
}

static gboolean
norm_rows (const BenchOpArgs *a)
{
  gint64 n = a->out->shape[a->out->n_dims - 1];

  for_rows (a, a->out->numel / n, a->out->numel >= PAR_MIN, norm_range);
  return TRUE;
}

/* Groups of 4 rows per chunk of norm_rows4(). */
#define NORM_ROWS4_GROUPS 4

typedef struct
{
  const BenchOpArgs *a;
  float             *dst;
  gint64             groups;
} NormRows4Job;

static void
norm_rows4_chunk (gint64   c,
                  gpointer data)
{
  const NormRows4Job *j = data;
  gint64 n = j->a->out->shape[j->a->out->n_dims - 1];
  gint64 g0 = c * NORM_ROWS4_GROUPS, g1 = MIN (j->groups, g0 + NORM_ROWS4_GROUPS);

  /* 4 rows at a time: copied from L1. */
  for (gint64 g = g0; g < g1; g++)
    {
      norm_range (j->a, 4 * g, 4 * g + 4);
      bench_cpu_rows4_pack (4, n, OUT (j->a) + 4 * g * n, n, j->dst + 4 * g * n, n);
    }
}

/* The norm, and its output copied into @self's rows4 (see Rows4Source). */
static void
norm_rows4 (BenchCpuOps       *self,
            const BenchOpArgs *a)
{
  gint64 n = a->out->shape[a->out->n_dims - 1];
  NormRows4Job job = { a, self->rows4, a->out->numel / n / 4 };
  gint64 chunks = (job.groups + NORM_ROWS4_GROUPS - 1) / NORM_ROWS4_GROUPS;

  if (a->out->numel >= PAR_MIN)
    bench_cpu_parallel_for (chunks, norm_rows4_chunk, &job);
  else
    for (gint64 c = 0; c < chunks; c++)
      norm_rows4_chunk (c, &job);
  self->rows4_owner = a;
}

/* Layer and RMS norms (norm_range() tells them apart). */
static gboolean
cpu_norm (const BenchOpArgs  *a,
          gpointer            user_data,
          GError            **error)
{
  BenchCpuOps *self = user_data;

  if (g_hash_table_contains (self->rows4_norms, a) && a->out->numel <= self->rows4_floats)
    norm_rows4 (self, a);
  else
    norm_rows (a);
  return TRUE;
}

ROW_KERNEL void
group_norm_group_impl (const float *x,
                       const float *g,
                       const float *b,
                       float       *y,
                       gint64       channels,
                       gint64       len,
                       float        eps)
{
  gint64 n = channels * len;
  float mean = 0.0f, var = 0.0f, rstd;

#pragma omp simd reduction(+:mean)
  for (gint64 i = 0; i < n; i++)
    mean += x[i];
  mean /= n;
#pragma omp simd reduction(+:var)
  for (gint64 i = 0; i < n; i++)
    var += (x[i] - mean) * (x[i] - mean);
  rstd = 1.0f / sqrtf (var / n + eps);
  for (gint64 c = 0; c < channels; c++)
    {
      float scale = rstd * g[c], shift = b[c] - mean * rstd * g[c];
      const float *xc = x + c * len;
      float *yc = y + c * len;

#pragma omp simd
      for (gint64 l = 0; l < len; l++)
        yc[l] = xc[l] * scale + shift;
    }
}

ROW_KERNEL_DISPATCH (group_norm_group,
                     (const float *x, const float *g, const float *b, float *y,
                      gint64 channels, gint64 len, float eps),
                     (x, g, b, y, channels, len, eps))

/* Groups [i0, i1) over batch and groups (i = batch * groups + group). */
static void
group_norm_range (const BenchOpArgs *a,
                  gint64             i0,
                  gint64             i1)
{
  gint64 C = a->out->shape[1], L = a->out->shape[2];
  gint64 G = a->op->p.norm.groups, Cg = C / G;
  const float *x = IN (a, 0), *g = IN (a, 1), *b = IN (a, 2);
  float *y = OUT (a);

  for (gint64 i = i0; i < i1; i++)
    {
      gint64 gi = i % G, off = i * Cg * L;

      group_norm_group (x + off, g + gi * Cg, b + gi * Cg, y + off, Cg, L, a->op->p.norm.eps);
    }
}

static gboolean
cpu_group_norm (const BenchOpArgs  *a,
                gpointer            user_data,
                GError            **error)
{
  for_rows (a, a->out->shape[0] * a->op->p.norm.groups, a->out->numel >= PAR_MIN, group_norm_range);
  return TRUE;
}

/* --- softmax --- */

/* Positions [0, limit] are candidates; @keep (or NULL) masks some out.
 * Masked positions get 0; a row with nothing kept comes out as zeros. */
ROW_KERNEL void
softmax_row_masked_impl (const float *x,
                         float       *y,
                         gint64       n,
                         gint64       limit,
                         const float *keep,
                         float        scale)
{
  float mx = -INFINITY, sum = 0.0f, inv;
  gint64 m = MIN (limit + 1, n);

  if (keep == NULL)
    {
#pragma omp simd reduction(max:mx)
      for (gint64 j = 0; j < m; j++)
        mx = MAX (mx, scale * x[j]);
#pragma omp simd reduction(+:sum)
      for (gint64 j = 0; j < m; j++)
        {
          float e = fast_expf (scale * x[j] - mx);
          y[j] = e;
          sum += e;
        }
    }
  else
    {
#pragma omp simd reduction(max:mx)
      for (gint64 j = 0; j < m; j++)
        mx = keep[j] != 0.0f ? MAX (mx, scale * x[j]) : mx;
      if (mx == -INFINITY)
        {
          memset (y, 0, n * sizeof (float));
          return;
        }
#pragma omp simd reduction(+:sum)
      for (gint64 j = 0; j < m; j++)
        {
          float e = keep[j] != 0.0f ? fast_expf (scale * x[j] - mx) : 0.0f;
          y[j] = e;
          sum += e;
        }
    }
  inv = sum > 0.0f ? 1.0f / sum : 0.0f;
#pragma omp simd
  for (gint64 j = 0; j < m; j++)
    y[j] *= inv;
  for (gint64 j = m; j < n; j++)
    y[j] = 0.0f;
}

ROW_KERNEL_DISPATCH (softmax_row_masked,
                     (const float *x, float *y, gint64 n, gint64 limit,
                      const float *keep, float scale),
                     (x, y, n, limit, keep, scale))

/* Unmasked rows (causal ones included) through the kernels' explicit
 * vectors when the CPU has AVX2. */
static void
softmax_row (const float *x,
             float       *y,
             gint64       n,
             gint64       limit,
             const float *keep,
             float        scale)
{
  if (keep == NULL && cpu_avx2)
    bench_cpu_softmax_row (x, y, n, MIN (limit + 1, n), scale);
  else
    softmax_row_masked (x, y, n, limit, keep, scale);
}

/* Row @r of softmax @a: the last position it may see and its batch's row
 * of the padding mask (or NULL). */
static void
softmax_row_params (const BenchOpArgs  *a,
                    gint64              r,
                    gint64             *limit,
                    const float       **keep)
{
  const BenchTensor *t = a->out;
  guint nd = t->n_dims;
  gint64 Lk = t->shape[nd - 1];
  gint64 Lq = nd >= 2 ? t->shape[nd - 2] : 1;
  gint64 per_batch = nd == 4 ? t->shape[1] * Lq : t->numel / Lk;
  BenchMaskKind mask = a->op->p.softmax.mask;

  *limit = mask == BENCH_MASK_CAUSAL ? r % Lq + (Lk - Lq) : Lk - 1;
  *keep = mask == BENCH_MASK_PADDING ? IN (a, 1) + (r / per_batch) * Lk : NULL;
}

static void
softmax_range (const BenchOpArgs *a,
               gint64             r0,
               gint64             r1)
{
  gint64 Lk = a->out->shape[a->out->n_dims - 1];
  float scale = a->op->p.softmax.scale;
  const float *x = IN (a, 0);
  float *y = OUT (a);

  for (gint64 r = r0; r < r1; r++)
    {
      gint64 limit;
      const float *keep;

      softmax_row_params (a, r, &limit, &keep);
      softmax_row (x + r * Lk, y + r * Lk, Lk, limit, keep, scale);
    }
}

static gboolean
cpu_softmax (const BenchOpArgs  *a,
             gpointer            user_data,
             GError            **error)
{
  gint64 Lk = a->out->shape[a->out->n_dims - 1];

  if (attention_done (user_data, a))
    return TRUE;
  for_rows (a, a->out->numel / Lk, a->out->numel >= PAR_MIN, softmax_range);
  return TRUE;
}

/* --- attention in one pass (see Attention) --- */

/* The block of scores of the calling thread: grown once to the largest
 * asked for, so that the timed iterations after the first allocate
 * nothing. */
static float *
attention_block (gint64 floats)
{
  static __thread float *block;
  static __thread gint64 size;

  if (floats > size)
    {
      bench_cpu_free (block);
      block = bench_cpu_alloc (floats * sizeof (float));
      size = block != NULL ? floats : 0;
    }
  return block;
}

/* How many of @n keys a padding mask's row keeps. */
static gint64
count_kept (const float *keep,
            gint64       n)
{
  gint64 kept = 0;

  for (gint64 j = 0; j < n; j++)
    kept += keep[j] != 0.0f;
  return kept;
}

static void
attention_one (gint64   z,
               gpointer data)
{
  const Attention *at = data;
  const BenchOpArgs *sa = at->scores, *ca = at->context;
  guint nd = sa->out->n_dims;
  gint64 Lq = sa->out->shape[nd - 2], Lk = sa->out->shape[nd - 1];
  gint64 D = sa->in[0]->shape[nd - 1], Dv = ca->out->shape[nd - 1];
  gint64 sk = sa->in_mat_stride[1] > 0 ? sa->in_mat_stride[1] : Lk * D;
  gint64 sv = ca->in_mat_stride[1] > 0 ? ca->in_mat_stride[1] : Lk * Dv;
  float scale = at->softmax->op->p.softmax.scale;
  gint64 heads = ca->out->shape[1], ldo = at->merge != NULL ? heads * Dv : Dv;
  /* Matrix z = (b, h) of [B, heads, Lq, Dv] goes to [b, :, h, :] of
   * [B, Lq, heads, Dv] when merged: rows heads * Dv apart. */
  float *out = at->merge != NULL ? OUT (at->merge) + (z / heads) * Lq * heads * Dv + (z % heads) * Dv
                                 : OUT (ca) + z * Lq * Dv;
  float *S;
  gint64 first_limit;
  const float *first_keep;
  gboolean keep_all;

  /* The row of a padding mask is the same for all the matrix's rows, and
   * one that keeps every key (a batch of full-length sequences) is no
   * mask: the rows then skip a compare and a select per score. */
  softmax_row_params (at->softmax, z * Lq, &first_limit, &first_keep);
  keep_all = first_keep != NULL && count_kept (first_keep, Lk) == Lk;

  /* Without a mask, causal, or with a padding mask that keeps every key:
   * 4 rows at a time through the scores, the softmax and V while they
   * are in L1 (bench_cpu_attention()). */
  if (first_keep == NULL || keep_all)
    {
      float *ws = attention_block (bench_cpu_attention_workspace (Lk, D, Dv) / sizeof (float));

      g_assert (ws != NULL);
      if (bench_cpu_attention (Lq, Lk, D, Dv, IN (sa, 0) + z * Lq * D, D, IN (sa, 1) + z * sk, D,
                               IN (ca, 1) + z * sv, Dv, scale * sa->op->p.matmul.alpha,
                               at->softmax->op->p.softmax.mask == BENCH_MASK_CAUSAL,
                               ca->op->p.matmul.alpha, out, ldo, ws))
        return;
    }

  S = attention_block (Lq * Lk);
  g_assert (S != NULL);
  bench_cpu_gemm_plain (Lq, Lk, D, sa->op->p.matmul.alpha, IN (sa, 0) + z * Lq * D, D,
                        IN (sa, 1) + z * sk, D, TRUE, S, Lk);
  for (gint64 q = 0; q < Lq; q++)
    {
      gint64 limit;
      const float *keep;

      softmax_row_params (at->softmax, z * Lq + q, &limit, &keep);
      softmax_row (S + q * Lk, S + q * Lk, Lk, limit, keep_all ? NULL : keep, scale);
    }
  bench_cpu_gemm_plain (Lq, Dv, Lk, ca->op->p.matmul.alpha, S, Lk, IN (ca, 1) + z * sv, Dv,
                        FALSE, out, ldo);
}

static gboolean
attention_matches (const Attention *at)
{
  const BenchOpArgs *sa = at->scores, *so = at->softmax, *ca = at->context;

  return sa->in_data[0] == at->data[0] && sa->in_data[1] == at->data[1] &&
         (so->op->n_inputs < 2 || so->in_data[1] == at->data[2]) &&
         ca->in_data[1] == at->data[3] && ca->out_data == at->data[4] &&
         so->in_data[0] == sa->out_data && ca->in_data[0] == so->out_data &&
         (at->merge == NULL ||
          (at->merge->in_data[0] == ca->out_data && at->merge->out_data == at->data[5]));
}

/* Runs the attention planned at scores op @a; FALSE when none is (or its
 * buffers are not those planned): then @a runs alone. */
static gboolean
attention_run (BenchCpuOps       *self,
               const BenchOpArgs *a)
{
  Attention *at = g_hash_table_lookup (self->attention, a);
  gint64 batch;

  if (at == NULL || at->scores != a)
    return FALSE;
  at->done = FALSE;
  if (!attention_matches (at))
    return FALSE;
  batch = a->out->numel / (a->out->shape[a->out->n_dims - 2] * a->out->shape[a->out->n_dims - 1]);
  if (a->out->numel * a->in[0]->shape[a->in[0]->n_dims - 1] >= PAR_MIN)
    bench_cpu_parallel_for (batch, attention_one, at);
  else
    for (gint64 z = 0; z < batch; z++)
      attention_one (z, at);
  at->done = TRUE;
  return TRUE;
}

/* TRUE when @a is the softmax or the context matmul of an attention whose
 * scores op already did its work in this pass. */
static gboolean
attention_done (BenchCpuOps       *self,
                const BenchOpArgs *a)
{
  Attention *at = g_hash_table_lookup (self->attention, a);

  if (at == NULL || at->scores == a || !at->done || !attention_matches (at))
    return FALSE;
  /* The last op skipped ends the pass. */
  if (a == (at->merge != NULL ? at->merge : at->context))
    at->done = FALSE;
  return TRUE;
}

/* Frees every plan and the table (each plan is under three keys). */
static void
attention_clear (BenchCpuOps *self)
{
  GHashTableIter iter;
  gpointer key, value;

  if (self->attention == NULL)
    return;
  g_hash_table_iter_init (&iter, self->attention);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (((Attention *) value)->scores == key)
      g_free (value);
  g_clear_pointer (&self->attention, g_hash_table_unref);
}

/* Plans the attention starting at matmul op @i (see Attention). */
static void
plan_attention (BenchCpuOps       *self,
                BenchGraphBuffers *buffers,
                guint              i)
{
  BenchGraph *graph = bench_graph_buffers_get_graph (buffers);
  const BenchOpArgs *sa = bench_graph_buffers_get_op_args (buffers, i), *so, *ca;
  Attention *at;
  guint nd;

  /* Forget an earlier plan for these args. */
  if ((at = g_hash_table_lookup (self->attention, sa)) != NULL && at->scores == sa)
    {
      g_hash_table_remove (self->attention, at->softmax);
      g_hash_table_remove (self->attention, at->context);
      if (at->merge != NULL)
        g_hash_table_remove (self->attention, at->merge);
      g_hash_table_remove (self->attention, sa);
      g_free (at);
    }
  if (!cpu_avx2 || i + 2 >= bench_graph_get_n_ops (graph) || !sa->op->p.matmul.transpose_b ||
      is_small (sa))
    return;
  so = bench_graph_buffers_get_op_args (buffers, i + 1);
  ca = bench_graph_buffers_get_op_args (buffers, i + 2);
  nd = sa->out->n_dims;
  if (so->op->kind != BENCH_OP_SOFTMAX || so->in[0] != sa->out ||
      ca->op->kind != BENCH_OP_MATMUL || ca->in[0] != so->out || ca->op->p.matmul.transpose_b ||
      nd < 2 || ca->out->n_dims != nd || sa->in[0]->dtype != BENCH_DTYPE_F32 ||
      sa->in[1]->dtype != BENCH_DTYPE_F32 || ca->in[1]->dtype != BENCH_DTYPE_F32 ||
      sa->out->numel == 0 || sa->in[0]->shape[nd - 1] == 0 ||
      sa->out->dtype != BENCH_DTYPE_F32 || so->out->dtype != BENCH_DTYPE_F32 ||
      !private_to (graph, sa->out, i + 1) || !private_to (graph, so->out, i + 2))
    return;
  /* The context is written while Q, K, V and the mask are read. */
  for (guint k = 0; k < 2; k++)
    if (overlaps (ca->out_data, ca->out->numel * sizeof (float), sa->in_data[k],
                  sa->in[k]->numel * sizeof (float)))
      return;
  if (overlaps (ca->out_data, ca->out->numel * sizeof (float), ca->in_data[1],
                ca->in[1]->numel * sizeof (float)) ||
      (so->op->n_inputs > 1 &&
       overlaps (ca->out_data, ca->out->numel * sizeof (float), so->in_data[1],
                 so->in[1]->numel * sizeof (float))))
    return;

  at = g_new0 (Attention, 1);
  at->scores = sa;
  at->softmax = so;
  at->context = ca;
  at->data[0] = sa->in_data[0];
  at->data[1] = sa->in_data[1];
  at->data[2] = so->op->n_inputs > 1 ? so->in_data[1] : NULL;
  at->data[3] = ca->in_data[1];
  at->data[4] = ca->out_data;

  /* The merge of the heads, when it alone reads the context (and its
   * output overlaps nothing read meanwhile). */
  if (i + 3 < bench_graph_get_n_ops (graph) && nd == 4)
    {
      const BenchOpArgs *ma = bench_graph_buffers_get_op_args (buffers, i + 3);
      gint64 bytes = ma->out->numel * sizeof (float);

      if (is_heads_permute (ma) && ma->in[0] == ca->out && private_to (graph, ca->out, i + 3) &&
          !overlaps (ma->out_data, bytes, sa->in_data[0], sa->in[0]->numel * sizeof (float)) &&
          !overlaps (ma->out_data, bytes, sa->in_data[1], sa->in[1]->numel * sizeof (float)) &&
          !overlaps (ma->out_data, bytes, ca->in_data[1], ca->in[1]->numel * sizeof (float)) &&
          (so->op->n_inputs < 2 ||
           !overlaps (ma->out_data, bytes, so->in_data[1], so->in[1]->numel * sizeof (float))))
        {
          at->merge = ma;
          at->data[5] = ma->out_data;
          g_hash_table_insert (self->attention, (gpointer) ma, at);
        }
    }
  g_hash_table_insert (self->attention, (gpointer) sa, at);
  g_hash_table_insert (self->attention, (gpointer) so, at);
  g_hash_table_insert (self->attention, (gpointer) ca, at);
}

/* --- embedding and data movement --- */

/* Rows [i0, i1) of the output: ids checked by cpu_embedding(). */
static void
embedding_range (const BenchOpArgs *a,
                 gint64             i0,
                 gint64             i1)
{
  const gint32 *ids = a->in_data[0];
  const float *table = IN (a, 1);
  gint64 H = a->in[1]->shape[1];
  float *y = OUT (a);

  for (gint64 i = i0; i < i1; i++)
    memcpy (y + i * H, table + (gint64) ids[i] * H, H * sizeof (float));
}

static gboolean
cpu_embedding (const BenchOpArgs  *a,
               gpointer            user_data,
               GError            **error)
{
  const gint32 *ids = a->in_data[0];
  gint64 V = a->in[1]->shape[0], H = a->in[1]->shape[1], n = a->in[0]->numel;

  for (gint64 i = 0; i < n; i++)
    if (ids[i] < 0 || ids[i] >= V)
      {
        g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                     "Index %d at position %" G_GINT64_FORMAT " of “%s” is outside table “%s” of %" G_GINT64_FORMAT " rows",
                     ids[i], i, a->in[0]->name, a->in[1]->name, V);
        return FALSE;
      }

  for_rows (a, n, n * H >= PAR_MIN_COPY, embedding_range);
  return TRUE;
}

static gboolean
cpu_reshape (const BenchOpArgs  *a,
             gpointer            user_data,
             GError            **error)
{
  /* A view: nothing to do. */
  g_assert (a->out_data == a->in_data[0]);
  return TRUE;
}

/* Rows are output rows (the last axis) over the first three axes. */
static void
permute_range (const BenchOpArgs *a,
               gint64             r0,
               gint64             r1)
{
  const BenchTensor *x = a->in[0], *o = a->out;
  const guint *perm = a->op->p.permute.perm;
  gint64 in_stride[BENCH_GRAPH_MAX_DIMS], ostr[BENCH_GRAPH_MAX_DIMS], dims[BENCH_GRAPH_MAX_DIMS];
  guint nd = x->n_dims, pad = BENCH_GRAPH_MAX_DIMS - nd;
  const guint32 *xd = a->in_data[0];
  guint32 *y = a->out_data;

  in_stride[nd - 1] = 1;
  for (gint i = nd - 2; i >= 0; i--)
    in_stride[i] = in_stride[i + 1] * x->shape[i + 1];
  for (guint i = 0; i < BENCH_GRAPH_MAX_DIMS; i++)
    {
      dims[i] = i < pad ? 1 : o->shape[i - pad];
      ostr[i] = i < pad ? 0 : in_stride[perm[i - pad]];
    }

  for (gint64 r = r0; r < r1; r++)
    {
      gint64 i2 = r % dims[2], i1 = r / dims[2] % dims[1], i0 = r / (dims[2] * dims[1]);
      const guint32 *src = xd + i0 * ostr[0] + i1 * ostr[1] + i2 * ostr[2];
      guint32 *dst = y + r * dims[3];

      /* The last axis kept in place (heads split/merge): one copy. */
      if (ostr[3] == 1)
        memcpy (dst, src, dims[3] * sizeof (guint32));
      else
        for (gint64 i3 = 0; i3 < dims[3]; i3++)
          dst[i3] = src[i3 * ostr[3]];
    }
}

static gboolean
cpu_permute (const BenchOpArgs  *a,
             gpointer            user_data,
             GError            **error)
{
  const BenchTensor *o = a->out;

  if (already_fused (user_data, a) || attention_done (user_data, a))
    return TRUE;
  for_rows (a, o->numel / o->shape[o->n_dims - 1], o->numel >= PAR_MIN_COPY, permute_range);
  return TRUE;
}

static void
outer_inner (const BenchTensor *t,
             guint              axis,
             gint64            *outer,
             gint64            *inner)
{
  *outer = 1;
  *inner = 1;
  for (guint i = 0; i < axis; i++)
    *outer *= t->shape[i];
  for (guint i = axis + 1; i < t->n_dims; i++)
    *inner *= t->shape[i];
}

/* Outer indices [o0, o1) (the axes before the sliced one). */
static void
slice_range (const BenchOpArgs *a,
             gint64             o0,
             gint64             o1)
{
  guint axis = a->op->p.slice.axis;
  gint64 outer, inner, len = a->op->p.slice.length, full = a->in[0]->shape[axis];
  gint64 start = a->op->p.slice.start;
  const guint32 *x = a->in_data[0];
  guint32 *y = a->out_data;

  outer_inner (a->in[0], axis, &outer, &inner);
  for (gint64 o = o0; o < o1; o++)
    memcpy (y + o * len * inner, x + (o * full + start) * inner, len * inner * 4);
}

/* @func over the outer indices of @t (the axes before @axis), shared
 * between the threads once the op's output is large enough to copy. */
static void
for_outer (const BenchOpArgs *a,
           const BenchTensor *t,
           guint              axis,
           RowsFunc           func)
{
  gint64 outer, inner;

  outer_inner (t, axis, &outer, &inner);
  for_rows (a, outer, a->out->numel >= PAR_MIN_COPY, func);
}

static gboolean
cpu_slice (const BenchOpArgs  *a,
           gpointer            user_data,
           GError            **error)
{
  for_outer (a, a->in[0], a->op->p.slice.axis, slice_range);
  return TRUE;
}

/* Outer indices [o0, o1) of the output (the axes before the joined one). */
static void
concat_range (const BenchOpArgs *a,
              gint64             o0,
              gint64             o1)
{
  guint axis = a->op->p.concat.axis;
  gint64 outer, inner, outer_a, outer_b;
  gint64 la = a->in[0]->shape[axis], lb = a->in[1]->shape[axis];
  const guint32 *x = a->in_data[0], *z = a->in_data[1];
  guint32 *y = a->out_data;

  outer_inner (a->out, axis, &outer, &inner);
  /* A side with batch 1 is repeated over the batch. */
  outer_inner (a->in[0], axis, &outer_a, &inner);
  outer_inner (a->in[1], axis, &outer_b, &inner);
  for (gint64 o = o0; o < o1; o++)
    {
      memcpy (y + o * (la + lb) * inner, x + (o % outer_a) * la * inner, la * inner * 4);
      memcpy (y + (o * (la + lb) + la) * inner, z + (o % outer_b) * lb * inner, lb * inner * 4);
    }
}

static gboolean
cpu_concat (const BenchOpArgs  *a,
            gpointer            user_data,
            GError            **error)
{
  for_outer (a, a->out, a->op->p.concat.axis, concat_range);
  return TRUE;
}

/* Matrices [i0, i1) of the cache (batch x heads). */
static void
kv_append_range (const BenchOpArgs *a,
                 gint64             i0,
                 gint64             i1)
{
  const BenchTensor *c = a->in[0], *x = a->in[1];
  gint64 L = c->shape[2], D = c->shape[3], T = x->shape[2];
  gint64 stride = a->out_mat_stride > 0 ? a->out_mat_stride : L * D;
  gint64 pos = a->op->p.kv.position;
  const float *xd = IN (a, 1);
  float *cache = OUT (a);

  for (gint64 i = i0; i < i1; i++)
    memcpy (cache + i * stride + pos * D, xd + i * T * D, T * D * sizeof (float));
}

static gboolean
cpu_kv_append (const BenchOpArgs  *a,
               gpointer            user_data,
               GError            **error)
{
  gint64 BH = a->in[0]->shape[0] * a->in[0]->shape[1];

  g_assert (a->out_data == a->in_data[0]);
  for_rows (a, BH, a->in[1]->numel >= PAR_MIN_COPY, kv_append_range);
  return TRUE;
}

/* --- pooling --- */

/* Max pooling ignores padding; average pooling divides by the whole window
 * (PyTorch's count_include_pad=True), as the reference does. */
/* Planes [c0, c1) (batch x channels). */
static void
pool2d_range (const BenchOpArgs *a,
              gint64             c0,
              gint64             c1)
{
  const BenchTensor *x = a->in[0];
  gint64 H = x->shape[2], W = x->shape[3];
  gint64 Ho = a->out->shape[2], Wo = a->out->shape[3];
  gint64 k = a->op->p.pool.kernel, s = a->op->p.pool.stride, p = a->op->p.pool.padding;
  gboolean is_max = a->op->kind == BENCH_OP_MAX_POOL2D;
  float inv = 1.0f / (float) (k * k);
  const float *xd = IN (a, 0);
  float *y = OUT (a);

  for (gint64 c = c0; c < c1; c++)
    {
      const float *xc = xd + c * H * W;

      for (gint64 oh = 0; oh < Ho; oh++)
        {
          gint64 h0 = MAX (oh * s - p, 0), h1 = MIN (oh * s - p + k, H);

          for (gint64 ow = 0; ow < Wo; ow++)
            {
              gint64 w0 = MAX (ow * s - p, 0), w1 = MIN (ow * s - p + k, W);
              float acc = is_max ? -INFINITY : 0.0f;

              for (gint64 ih = h0; ih < h1; ih++)
                for (gint64 iw = w0; iw < w1; iw++)
                  acc = is_max ? MAX (acc, xc[ih * W + iw]) : acc + xc[ih * W + iw];
              y[(c * Ho + oh) * Wo + ow] = is_max ? acc : acc * inv;
            }
        }
    }
}

static gboolean
cpu_pool2d (const BenchOpArgs  *a,
            gpointer            user_data,
            GError            **error)
{
  gint64 k = a->op->p.pool.kernel;

  for_rows (a, a->in[0]->shape[0] * a->in[0]->shape[1], a->out->numel * k * k >= PAR_MIN, pool2d_range);
  return TRUE;
}

ROW_KERNEL float
sum_row_impl (const float *x,
              gint64       n)
{
  float sum = 0.0f;

#pragma omp simd reduction(+:sum)
  for (gint64 i = 0; i < n; i++)
    sum += x[i];
  return sum;
}

AVX2 static float
sum_row_avx2 (const float *x,
              gint64       n)
{
  return sum_row_impl (x, n);
}

static float
sum_row_base (const float *x,
              gint64       n)
{
  return sum_row_impl (x, n);
}

static float
sum_row (const float *x,
         gint64       n)
{
  return (cpu_avx2 ? sum_row_avx2 : sum_row_base) (x, n);
}

/* Planes [c0, c1) (batch x channels). */
static void
global_avg_pool_range (const BenchOpArgs *a,
                       gint64             c0,
                       gint64             c1)
{
  const BenchTensor *x = a->in[0];
  gint64 HW = x->shape[2] * x->shape[3];
  const float *xd = IN (a, 0);
  float *y = OUT (a);

  for (gint64 c = c0; c < c1; c++)
    y[c] = sum_row (xd + c * HW, HW) / (float) HW;
}

static gboolean
cpu_global_avg_pool (const BenchOpArgs  *a,
                     gpointer            user_data,
                     GError            **error)
{
  const BenchTensor *x = a->in[0];

  for_rows (a, x->shape[0] * x->shape[1], x->numel >= PAR_MIN, global_avg_pool_range);
  return TRUE;
}

/* --- the table --- */

BenchCpuOps *
bench_cpu_ops_new (GError **error)
{
  g_autoptr(BenchCpuOps) self = g_new0 (BenchCpuOps, 1);
  dnnl_status_t status;

  self->prims = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) prim_free);
  self->packed = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) packed_free);
  self->fusions = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->fused = g_hash_table_new (NULL, NULL);
  self->attention = g_hash_table_new (NULL, NULL);
  self->rows4_norms = g_hash_table_new (NULL, NULL);
  self->rows4_readers = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  if ((status = dnnl_engine_create (&self->engine, dnnl_cpu, 0)) != dnnl_success ||
      (status = dnnl_stream_create (&self->stream, self->engine, dnnl_stream_default_flags)) != dnnl_success)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE,
                   "oneDNN cpu engine creation failed: status %d", (int) status);
      return NULL;
    }

  cpu_avx2 = bench_cpu_packed_gemm_supported ();
  self->table.name = "cpu";
  self->table.user_data = self;
  self->table.kernels[BENCH_OP_LINEAR] = cpu_prim_op;
  self->table.kernels[BENCH_OP_MATMUL] = cpu_prim_op;
  self->table.kernels[BENCH_OP_ADD] = cpu_add;
  self->table.kernels[BENCH_OP_MUL] = cpu_mul;
  self->table.kernels[BENCH_OP_LAYER_NORM] = cpu_norm;
  self->table.kernels[BENCH_OP_RMS_NORM] = cpu_norm;
  self->table.kernels[BENCH_OP_GROUP_NORM] = cpu_group_norm;
  self->table.kernels[BENCH_OP_SOFTMAX] = cpu_softmax;
  self->table.kernels[BENCH_OP_GELU] = cpu_gelu;
  self->table.kernels[BENCH_OP_RELU] = cpu_relu;
  self->table.kernels[BENCH_OP_SILU] = cpu_silu;
  self->table.kernels[BENCH_OP_TANH] = cpu_tanh;
  self->table.kernels[BENCH_OP_EMBEDDING] = cpu_embedding;
  self->table.kernels[BENCH_OP_CONV1D] = cpu_prim_op;
  self->table.kernels[BENCH_OP_CONV2D] = cpu_prim_op;
  self->table.kernels[BENCH_OP_MAX_POOL2D] = cpu_pool2d;
  self->table.kernels[BENCH_OP_AVG_POOL2D] = cpu_pool2d;
  self->table.kernels[BENCH_OP_GLOBAL_AVG_POOL] = cpu_global_avg_pool;
  self->table.kernels[BENCH_OP_RESHAPE] = cpu_reshape;
  self->table.kernels[BENCH_OP_PERMUTE] = cpu_permute;
  self->table.kernels[BENCH_OP_SLICE] = cpu_slice;
  self->table.kernels[BENCH_OP_CONCAT] = cpu_concat;
  self->table.kernels[BENCH_OP_KV_APPEND] = cpu_kv_append;

  return g_steal_pointer (&self);
}

void
bench_cpu_ops_free (BenchCpuOps *self)
{
  if (self == NULL)
    return;
  /* Primitives before the engine they were created on. */
  g_clear_pointer (&self->prims, g_hash_table_unref);
  g_clear_pointer (&self->fused, g_hash_table_unref);
  g_clear_pointer (&self->fusions, g_hash_table_unref);
  attention_clear (self);
  g_clear_pointer (&self->rows4_norms, g_hash_table_unref);
  g_clear_pointer (&self->rows4_readers, g_hash_table_unref);
  g_clear_pointer (&self->rows4, bench_cpu_free);
  g_clear_pointer (&self->small_partial, bench_cpu_free);
  g_clear_pointer (&self->packed, g_hash_table_unref);
  g_clear_pointer (&self->stream, dnnl_stream_destroy);
  g_clear_pointer (&self->engine, dnnl_engine_destroy);
  g_free (self);
}

const BenchOpTable *
bench_cpu_ops_get_table (BenchCpuOps *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->table;
}

/* Room for @a's partial sums in small_partial (see small_linear_split()). */
static gboolean
prepare_small (BenchCpuOps        *self,
               const BenchOpArgs  *a,
               GError            **error)
{
  gint64 need = (small_linear_split (a, omp_get_max_threads ()) - 1) * a->out->numel;

  if (need <= self->small_partial_floats)
    return TRUE;
  g_clear_pointer (&self->small_partial, bench_cpu_free);
  self->small_partial_floats = 0;
  self->small_partial = bench_cpu_alloc (need * sizeof (float));
  if (self->small_partial == NULL)
    {
      g_autofree char *size = bench_cpu_format_size (need * sizeof (float));

      g_set_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE,
                   "Out of memory for the partial sums of op “%s” (%s)", a->op->name, size);
      return FALSE;
    }
  self->small_partial_floats = need;
  return TRUE;
}

gboolean
bench_cpu_ops_prepare (BenchCpuOps        *self,
                       BenchGraphBuffers  *buffers,
                       GError            **error)
{
  BenchGraph *graph = bench_graph_buffers_get_graph (buffers);
  guint n_ops = bench_graph_get_n_ops (graph);

  BenchWeights *weights = bench_graph_buffers_get_weights (buffers);
  GHashTableIter iter;
  Packed *p;

  g_return_val_if_fail (self != NULL, FALSE);

  /* Weights of earlier buffers are packed no more (their memory is freed
   * with the last of them): the weights of these ones are. */
  g_hash_table_iter_init (&iter, self->packed);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &p))
    if (p->owner != weights)
      g_hash_table_iter_remove (&iter);

  for (guint i = 0; i < n_ops; i++)
    {
      const BenchOpArgs *a = bench_graph_buffers_get_op_args (buffers, i);

      switch (a->op->kind)
        {
        case BENCH_OP_LINEAR:
          if (is_small (a) && !prepare_small (self, a, error))
            return FALSE;
          if (!is_small (a) && !prepare_packed (self, buffers, i, error))
            return FALSE;
          if (!is_small (a) && lookup_packed (self, a) == NULL && get_prim (self, a, error) == NULL)
            return FALSE;
          break;
        case BENCH_OP_MATMUL:
          if (!is_small (a) && !cpu_avx2 && get_prim (self, a, error) == NULL)
            return FALSE;
          plan_attention (self, buffers, i);
          break;
        case BENCH_OP_CONV1D:
        case BENCH_OP_CONV2D:
          if (!is_small (a) && get_prim (self, a, error) == NULL)
            return FALSE;
          break;
        default:
          break;
        }
    }
  plan_rows4 (self, buffers);
  /* With the op profile, what the profile's op times will not show. */
  if (g_strcmp0 (g_getenv ("BENCHTOP_PROFILE_OPS"), "1") == 0)
    fprintf (stderr, "benchtop: cpu plan of %s: %u ops folded into the linear layer before them, "
             "%u attentions in one pass (%u writing the merged heads), "
             "%u linear layers reading row panels\n",
             bench_graph_get_name (graph), bench_cpu_ops_count_fused (self, buffers),
             bench_cpu_ops_count_attention (self, buffers),
             bench_cpu_ops_count_heads_merged (self, buffers),
             bench_cpu_ops_count_rows4 (self, buffers));
  return TRUE;
}

gboolean
bench_cpu_ops_prepare_func (gpointer             self,
                            BenchGraphBuffers   *buffers,
                            GError             **error)
{
  return bench_cpu_ops_prepare (self, buffers, error);
}

/* How many ops of @buffers' graph @planned says yes to. */
static guint
count_planned (BenchCpuOps       *self,
               BenchGraphBuffers *buffers,
               gboolean         (*planned) (BenchCpuOps *self, const BenchOpArgs *a))
{
  guint n_ops = bench_graph_get_n_ops (bench_graph_buffers_get_graph (buffers));
  guint count = 0;

  for (guint i = 0; i < n_ops; i++)
    if (planned (self, bench_graph_buffers_get_op_args (buffers, i)))
      count++;
  return count;
}

/* @a is folded into the linear before it. */
static gboolean
is_fused_next (BenchCpuOps       *self,
               const BenchOpArgs *a)
{
  Fusion *f = g_hash_table_lookup (self->fused, a);

  return f != NULL && f->next == a && fusion_matches (f, f->linear);
}

/* @a is the scores op of an attention run in one pass. */
static gboolean
is_attention_start (BenchCpuOps       *self,
                    const BenchOpArgs *a)
{
  Attention *at = g_hash_table_lookup (self->attention, a);

  return at != NULL && at->scores == a && attention_matches (at);
}

guint
bench_cpu_ops_count_fused (BenchCpuOps       *self,
                           BenchGraphBuffers *buffers)
{
  g_return_val_if_fail (self != NULL, 0);
  return count_planned (self, buffers, is_fused_next);
}

guint
bench_cpu_ops_count_attention (BenchCpuOps       *self,
                               BenchGraphBuffers *buffers)
{
  g_return_val_if_fail (self != NULL, 0);
  return count_planned (self, buffers, is_attention_start);
}

/* @a is the scores op of an attention run in one pass that writes the
 * merge of its heads. */
static gboolean
is_attention_merging (BenchCpuOps       *self,
                      const BenchOpArgs *a)
{
  return is_attention_start (self, a) &&
         ((Attention *) g_hash_table_lookup (self->attention, a))->merge != NULL;
}

guint
bench_cpu_ops_count_heads_merged (BenchCpuOps       *self,
                                  BenchGraphBuffers *buffers)
{
  g_return_val_if_fail (self != NULL, 0);
  return count_planned (self, buffers, is_attention_merging);
}

/* @a reads its input in row panels. */
static gboolean
is_rows4_reader (BenchCpuOps       *self,
                 const BenchOpArgs *a)
{
  return g_hash_table_contains (self->rows4_readers, a);
}

guint
bench_cpu_ops_count_rows4 (BenchCpuOps       *self,
                           BenchGraphBuffers *buffers)
{
  g_return_val_if_fail (self != NULL, 0);
  return count_planned (self, buffers, is_rows4_reader);
}
