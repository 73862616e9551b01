/* bench-opencl-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Device layout: the graph's planned activation arena is one buffer (each
 * activation at its planned byte offset), every weight one buffer uploaded
 * at prepare (shared by the graphs of a model, by name; the [N, K] weight
 * of a linear layer is stored transposed, [K, N], so that the GEMM reads
 * rows of B), inputs and constants one buffer each, uploaded at prepare.
 * Each op becomes one or two launches (convolutions: im2col into a
 * workspace, then the GEMM) with their arguments set at prepare: an
 * iteration only enqueues, and waits once at the end.
 *
 * BENCHTOP_PROFILE_OPS=1 prints the device time per op kind when the
 * executable is released (each launch then waits: for tuning only).
 *
 * Generation mirrors bench-model-executable.c: the prefill, its K/V copied
 * into a device KV cache with room for seq_len + gen_tokens - 1 positions,
 * the argmax of the logits on the host (first-token time), then one decode
 * graph per further token reading and appending to that cache.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "bench-error.h"
#include "bench-hf-config.h"
#include "bench-model-executable.h"
#include "bench-model-zoo.h"
#include "bench-opencl-executable.h"
#include "bench-opencl-model.h"
#include "bench-reference.h"
#include "bench-safetensors.h"
#include "bench-sysinfo.h"
#include "bench-weights.h"

/* The CPU model executable's seeds and validation budget
 * (bench-model-executable.c), so that both validate the same graphs. */
#define WEIGHTS_SEED 1
#define INPUT_SEED   7
#define VALIDATION_FLOP_BUDGET 12e9
#define ELEMENTWISE_GROUP 64
/* Work-items per row of norms and softmax on GPUs; ROW_GROUP_MAX is the
 * __local array of ops.cl. */
#define ROW_GROUP     128
#define ROW_GROUP_MAX 256
/* GEMMs with at most this many rows (decode steps, small batches) use a
 * packed tile of SMALL_M_TILE rows: the default 96-row tile would compute
 * 96 rows for one token. */
#define SMALL_M_MAX  24
#define SMALL_M_TILE 6
/* At most this many rows run gemm_small (ops.cl), which reads the weight
 * once per row. */
#define GEMV_M_MAX   2
/* How a graph reads a weight (graph_run_new()). */
#define USE_ORIGINAL   1
#define USE_TRANSPOSED 2
#define USE_EITHER     4
/* Profile buckets past the op kinds. */
#define PROFILE_KV_COPY  BENCH_OP_N_KINDS
#define PROFILE_IM2COL   (BENCH_OP_N_KINDS + 1)
#define PROFILE_UNSET    (-1)

/* What every graph of one executable shares. */
typedef struct
{
  cl_device_id          device;
  char                 *label;
  cl_context            context;   /* owned by the process-wide cache */
  cl_command_queue      queue;
  cl_program            program;   /* owned by the process-wide cache */
  BenchOpenclGemmShape  shape;
  cl_program            program_small;  /* packed shapes: the small-M tile, else NULL */
  BenchOpenclGemmShape  shape_small;
  size_t                group;
  size_t                row_group; /* work-items per row of norms and softmax */
  GHashTable           *weights;   /* name -> cl_mem */
  gint64                allocated; /* bytes of every buffer created */
  /* BENCHTOP_PROFILE_OPS=1: device time per op kind, printed at the end
   * (each launch then waits for its own event: slower, for tuning only). */
  gboolean              profile;
  gint64                profile_ns[BENCH_OP_N_KINDS + 2];
  guint64               profile_runs;
} Device;

typedef struct
{
  cl_kernel kernel;
  gint      kind;       /* BenchOpKind; PROFILE_KV_COPY, PROFILE_IM2COL */
  guint     dim;
  size_t    global[3];
  size_t    local[3];
} Launch;

typedef struct
{
  BenchGraph        *graph;
  BenchGraphBuffers *host;     /* inputs (filled from INPUT_SEED) and downloaded outputs */
  cl_mem             arena;    /* the session's (not owned) */
  GPtrArray         *owned;    /* cl_mem: inputs and constants */
  cl_mem            *mem;      /* per tensor (views: their root's) */
  cl_mem            *mem_t;    /* weights of [N, K] linear layers: a [K, N] copy, else NULL */
  gint64            *off;      /* elements */
  gint64            *mat_stride;
  GArray            *launches; /* Launch */
} GraphRun;

typedef struct
{
  gint       n_layers;
  GraphRun  *main;           /* forward, or prefill */
  GPtrArray *decode;         /* GraphRun */
  cl_mem     arena;          /* every graph's activations: they run one after the other */
  cl_mem     workspace;      /* im2col */
  cl_mem     cache;          /* [2 L][B, h, capacity, d] */
  float     *host_cache;     /* what the host buffers of the decode graphs bind (never read) */
  gint64     cache_bytes;
  gint64     capacity;
  guint      n_cache_layers;
  gint64     heads;
  gint64     head_dim;
  GArray    *cache_copies;   /* Launch: the prefill's K/V into the cache */
  gint32    *tokens;         /* [B, gen_tokens] */
} Session;

struct _BenchOpenclModel
{
  BenchExecutable    parent_instance;

  Device             dev;
  BenchConfig       *config;
  BenchModelConfig   model;
  BenchModelOptions  opts;
  BenchWeights      *weights;
  gboolean           generates;
  gint               batch;
  gint               seq_len;
  gint               gen_tokens;
  gint               full_depth;
  gint               validation_depth;  /* 0: as run */
  char              *validation_scope;
  Session           *session;
  gboolean           has_run;
};

G_DEFINE_FINAL_TYPE (BenchOpenclModel, bench_opencl_model, BENCH_TYPE_EXECUTABLE)

/* --- device --- */

static void
release_mem (gpointer mem)
{
  clReleaseMemObject (mem);
}

static void
launch_clear (gpointer data)
{
  Launch *l = data;

  g_clear_pointer (&l->kernel, clReleaseKernel);
}

static void
graph_run_free (GraphRun *run)
{
  if (run == NULL)
    return;
  g_clear_pointer (&run->launches, g_array_unref);
  g_clear_pointer (&run->owned, g_ptr_array_unref);
  g_clear_pointer (&run->host, bench_graph_buffers_free);
  g_clear_pointer (&run->graph, bench_graph_unref);
  g_free (run->mem);
  g_free (run->mem_t);
  g_free (run->off);
  g_free (run->mat_stride);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraphRun, graph_run_free)

static void
session_free (Session *s)
{
  if (s == NULL)
    return;
  g_clear_pointer (&s->cache_copies, g_array_unref);
  g_clear_pointer (&s->decode, g_ptr_array_unref);
  g_clear_pointer (&s->main, graph_run_free);
  g_clear_pointer (&s->workspace, clReleaseMemObject);
  g_clear_pointer (&s->arena, clReleaseMemObject);
  g_clear_pointer (&s->cache, clReleaseMemObject);
  g_clear_pointer (&s->host_cache, g_aligned_free);
  g_clear_pointer (&s->tokens, g_free);
  g_free (s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Session, session_free)

static void
print_profile (Device *dev)
{
  gint64 total = 0;

  for (guint k = 0; k < G_N_ELEMENTS (dev->profile_ns); k++)
    total += dev->profile_ns[k];
  if (dev->profile_runs == 0 || total == 0)
    return;
  g_printerr ("benchtop: op profile on %s, %" G_GUINT64_FORMAT " runs (device ms per run)\n",
              dev->label, dev->profile_runs);
  for (guint k = 0; k < G_N_ELEMENTS (dev->profile_ns); k++)
    if (dev->profile_ns[k] > 0)
      g_printerr ("  %-16s %9.3f ms %5.1f %%\n",
                  k < BENCH_OP_N_KINDS ? bench_op_kind_to_string (k)
                  : k == PROFILE_KV_COPY ? "kv cache copy" : "conv im2col",
                  dev->profile_ns[k] / 1e6 / dev->profile_runs, 100.0 * dev->profile_ns[k] / total);
}

static void
device_clear (Device *dev)
{
  if (dev->profile)
    print_profile (dev);
  if (dev->queue != NULL)
    clFinish (dev->queue);
  g_clear_pointer (&dev->weights, g_hash_table_unref);
  g_clear_pointer (&dev->queue, clReleaseCommandQueue);
  g_clear_pointer (&dev->label, g_free);
}

static char *
gemm_options (const BenchOpenclGemmShape *shape)
{
  if (shape->kernel == BENCH_OPENCL_GEMM_PACKED)
    return g_strdup_printf ("-cl-mad-enable -DGEMM_PACKED -DTM=%d -DTN=%d -DTK=%d -DRM=%d -DNV=%d",
                            shape->tm, shape->tn, shape->tk, shape->rm, shape->nv);
  return g_strdup_printf ("-cl-mad-enable -DTM=%d -DTN=%d -DTK=%d -DRM=%d -DVW=%d",
                          shape->tm, shape->tn, shape->tk, shape->rm, shape->vw);
}

/* @shape: the GEMM tile, NULL for the device's default (tests force the
 * other kernel with it). */
static gboolean
device_init (Device                      *dev,
             cl_device_id                 device,
             const char                  *label,
             const BenchOpenclGemmShape  *shape,
             guint                        row_group,
             GError                     **error)
{
  cl_device_type type = 0;
  g_autofree char *source = NULL;
  g_autofree char *options = NULL;
  size_t max_group = 0;
  cl_int err = CL_SUCCESS;

  dev->device = device;
  dev->label = g_strdup (label);
  dev->profile = g_strcmp0 (g_getenv ("BENCHTOP_PROFILE_OPS"), "1") == 0;
  dev->weights = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, release_mem);
  dev->context = bench_opencl_get_context (device, error);
  if (dev->context == NULL)
    return FALSE;
  dev->queue = clCreateCommandQueue (dev->context, device, CL_QUEUE_PROFILING_ENABLE, &err);
  if (dev->queue == NULL || err != CL_SUCCESS)
    {
      dev->queue = NULL;
      bench_opencl_set_error (error, err, label, "creating a profiling command queue");
      return FALSE;
    }

  clGetDeviceInfo (device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof max_group, &max_group, NULL);
  dev->group = CLAMP (max_group, 1, ELEMENTWISE_GROUP);

  /* Rows of norms and softmax: CPUs (PoCL) run a row per work-item, where
   * barriers cost; GPUs a work-group per row, a power of two. */
  clGetDeviceInfo (device, CL_DEVICE_TYPE, sizeof type, &type, NULL);
  if (row_group == 0)
    row_group = (type & CL_DEVICE_TYPE_CPU) ? 1 : ROW_GROUP;
  dev->row_group = 1;
  while (dev->row_group * 2 <= MIN (row_group, MIN (max_group, ROW_GROUP_MAX)))
    dev->row_group *= 2;

  /* The GEMM of every linear, matmul and convolution: the backend's tuned
   * tile for this device, with strided operands. */
  if (shape != NULL)
    dev->shape = *shape;
  else
    bench_opencl_gemm_default_shape (device, &dev->shape);
  g_return_val_if_fail (dev->shape.kernel != BENCH_OPENCL_GEMM_NAIVE, FALSE);
  source = bench_opencl_load_kernel ("ops.cl", error);
  if (source == NULL)
    return FALSE;
  options = gemm_options (&dev->shape);
  dev->program = bench_opencl_get_program (device, source, options, error);
  if (dev->program == NULL)
    return FALSE;

  if (dev->shape.kernel == BENCH_OPENCL_GEMM_PACKED && dev->shape.tm > SMALL_M_TILE)
    {
      g_autofree char *small_options = NULL;

      dev->shape_small = dev->shape;
      dev->shape_small.tm = SMALL_M_TILE;
      dev->shape_small.rm = SMALL_M_TILE;
      small_options = gemm_options (&dev->shape_small);
      dev->program_small = bench_opencl_get_program (device, source, small_options, error);
      if (dev->program_small == NULL)
        return FALSE;
    }
  return TRUE;
}

static cl_mem
device_buffer (Device       *dev,
               gsize         bytes,
               const void   *data,
               const char   *what,
               GError      **error)
{
  cl_int err = CL_SUCCESS;
  cl_mem mem;

  /* OpenCL has no empty buffers. */
  mem = clCreateBuffer (dev->context, CL_MEM_READ_WRITE, MAX (bytes, 4), NULL, &err);
  if (mem != NULL && err == CL_SUCCESS && data != NULL && bytes > 0)
    err = clEnqueueWriteBuffer (dev->queue, mem, CL_TRUE, 0, bytes, data, 0, NULL, NULL);
  if (mem != NULL && err == CL_SUCCESS)
    dev->allocated += MAX (bytes, 4);
  if (mem == NULL || err != CL_SUCCESS)
    {
      g_autofree char *msg = g_strdup_printf ("allocating %" G_GSIZE_FORMAT " bytes for %s", bytes, what);

      g_clear_pointer (&mem, clReleaseMemObject);
      bench_opencl_set_error (error, err, dev->label, msg);
      return NULL;
    }
  return mem;
}

/* --- launches --- */

typedef struct
{
  Launch  l;
  cl_uint i;
  cl_int  err;
} Builder;

static gboolean
builder_start_from (Builder      *b,
                    Device       *dev,
                    cl_program    program,
                    const char   *kernel,
                    GError      **error)
{
  cl_int err = CL_SUCCESS;

  memset (b, 0, sizeof *b);
  b->l.kind = PROFILE_UNSET;
  b->l.kernel = clCreateKernel (program, kernel, &err);
  if (b->l.kernel == NULL || err != CL_SUCCESS)
    {
      g_autofree char *what = g_strdup_printf ("creating the kernel %s", kernel);

      b->l.kernel = NULL;
      bench_opencl_set_error (error, err, dev->label, what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
builder_start (Builder      *b,
               Device       *dev,
               const char   *kernel,
               GError      **error)
{
  return builder_start_from (b, dev, dev->program, kernel, error);
}

static void
arg (Builder    *b,
     size_t      size,
     const void *value)
{
  if (b->err == CL_SUCCESS)
    b->err = clSetKernelArg (b->l.kernel, b->i, size, value);
  b->i++;
}

static void arg_mem (Builder *b, cl_mem m) { arg (b, sizeof m, &m); }
static void arg_long (Builder *b, gint64 v) { cl_long x = v; arg (b, sizeof x, &x); }
static void arg_int (Builder *b, gint64 v) { cl_int x = (cl_int) v; arg (b, sizeof x, &x); }
static void arg_float (Builder *b, double v) { cl_float x = (cl_float) v; arg (b, sizeof x, &x); }

/* Appends the launch to @launches; 1-D over @n items unless the builder
 * set its own range. */
static gboolean
builder_finish (Builder      *b,
                Device       *dev,
                gint64        n,
                GArray       *launches,
                const char   *op_name,
                GError      **error)
{
  if (b->err != CL_SUCCESS)
    {
      g_autofree char *what = g_strdup_printf ("setting argument %u of the kernel for op “%s”",
                                               b->i, op_name);

      bench_opencl_set_error (error, b->err, dev->label, what);
      clReleaseKernel (b->l.kernel);
      return FALSE;
    }
  if (b->l.dim == 0)
    {
      b->l.dim = 1;
      b->l.local[0] = dev->group;
      b->l.global[0] = (MAX (n, 1) + dev->group - 1) / dev->group * dev->group;
    }
  g_array_append_val (launches, b->l);
  return TRUE;
}

typedef struct
{
  gint64 M, N, K, batch;
  cl_mem a; gint64 a_off, a_bs, a_mod, a_rs, a_cs;
  cl_mem b; gint64 b_off, b_bs, b_rs, b_cs;
  cl_mem c; gint64 c_off, c_bs, ldc;
  cl_mem bias; gint64 bias_off; int bias_mode;
  float alpha;
} Gemm;

static gboolean
add_gemm (Device       *dev,
          const Gemm   *g,
          GArray       *launches,
          const char   *op_name,
          GError      **error)
{
  Builder b;
  gboolean gemv = g->M <= GEMV_M_MAX;
  gboolean small = !gemv && dev->program_small != NULL && g->M <= SMALL_M_MAX;
  const BenchOpenclGemmShape *s = small ? &dev->shape_small : &dev->shape;

  if (!builder_start_from (&b, dev, small ? dev->program_small : dev->program,
                           gemv ? "gemm_small" : "gemm_ex", error))
    return FALSE;
  arg_int (&b, g->M); arg_int (&b, g->N); arg_int (&b, g->K);
  arg_mem (&b, g->a); arg_long (&b, g->a_off); arg_long (&b, g->a_bs);
  arg_int (&b, MAX (g->a_mod, 1)); arg_long (&b, g->a_rs); arg_long (&b, g->a_cs);
  arg_mem (&b, g->b); arg_long (&b, g->b_off); arg_long (&b, g->b_bs);
  arg_long (&b, g->b_rs); arg_long (&b, g->b_cs);
  arg_mem (&b, g->c); arg_long (&b, g->c_off); arg_long (&b, g->c_bs); arg_long (&b, g->ldc);
  arg_mem (&b, g->bias != NULL ? g->bias : g->c); arg_long (&b, g->bias_off);
  arg_int (&b, g->bias_mode); arg_float (&b, g->alpha);

  b.l.dim = 3;
  if (gemv)
    {
      b.l.local[0] = dev->group;
      b.l.local[1] = b.l.local[2] = 1;
      b.l.global[0] = (g->N + dev->group - 1) / dev->group * dev->group;
      b.l.global[1] = g->M;
    }
  else if (s->kernel == BENCH_OPENCL_GEMM_PACKED)
    {
      b.l.local[0] = b.l.local[1] = b.l.local[2] = 1;
      b.l.global[0] = (g->N + s->tn - 1) / s->tn;
      b.l.global[1] = (g->M + s->tm - 1) / s->tm;
    }
  else
    {
      b.l.local[0] = s->tn / s->vw;
      b.l.local[1] = s->tm / s->rm;
      b.l.local[2] = 1;
      b.l.global[0] = (g->N + s->tn - 1) / s->tn * b.l.local[0];
      b.l.global[1] = (g->M + s->tm - 1) / s->tm * b.l.local[1];
    }
  b.l.global[2] = g->batch;
  return builder_finish (&b, dev, 0, launches, op_name, error);
}

/* A work-group per row when the device wants it. */
static void
row_range (Device  *dev,
           Builder *b,
           gint64   rows)
{
  if (dev->row_group <= 1)
    return;
  b->l.dim = 1;
  b->l.local[0] = dev->row_group;
  b->l.global[0] = rows * dev->row_group;
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

/* Elements of the im2col workspace a convolution needs (0: none, it reads
 * its input directly). */
static gint64
conv_workspace (const BenchGraph *graph_const,
                const BenchOp    *op)
{
  BenchGraph *graph = (BenchGraph *) graph_const;
  const BenchTensor *x = bench_graph_get_tensor (graph, op->inputs[0]);
  const BenchTensor *w = bench_graph_get_tensor (graph, op->inputs[1]);
  const BenchTensor *y = bench_graph_get_tensor (graph, op->output);
  gboolean is2d = op->kind == BENCH_OP_CONV2D;
  gint64 KH = is2d ? w->shape[2] : 1, KW = is2d ? w->shape[3] : w->shape[2];
  gint64 P = is2d ? y->shape[2] * y->shape[3] : y->shape[2];

  if (KH == 1 && KW == 1 && op->p.conv.stride[0] == 1 && op->p.conv.padding[0] == 0)
    return 0;
  return x->shape[0] * op->p.conv.groups * w->shape[1] * KH * KW * P;
}

#define MEM(i) run->mem[op->inputs[i]]
#define OFF(i) run->off[op->inputs[i]]
#define OMEM   run->mem[op->output]
#define OOFF   run->off[op->output]

static gboolean
add_op (Device     *dev,
        GraphRun   *run,
        cl_mem      workspace,
        guint       index,
        GError    **error)
{
  BenchGraph *graph = run->graph;
  const BenchOp *op = bench_graph_get_op (graph, index);
  const BenchTensor *in[BENCH_OP_MAX_INPUTS] = { NULL };
  const BenchTensor *out = bench_graph_get_tensor (graph, op->output);
  GArray *ls = run->launches;
  Builder b;

  for (guint i = 0; i < op->n_inputs; i++)
    in[i] = bench_graph_get_tensor (graph, op->inputs[i]);

  switch (op->kind)
    {
    case BENCH_OP_LINEAR:
      {
        gboolean tw = op->p.linear.transpose_w;
        gint64 K = tw ? in[1]->shape[0] : in[1]->shape[1];
        gint64 N = tw ? in[1]->shape[1] : in[1]->shape[0];
        /* A [N, K] weight stored as [K, N] (see graph_run_new()): rows of
         * B are then contiguous for the tiles. */
        gboolean pre_t = !tw && run->mem_t[op->inputs[1]] != NULL;
        Gemm g = {
          .M = in[0]->numel / K, .N = N, .K = K, .batch = 1,
          .a = MEM (0), .a_off = OFF (0), .a_mod = 1, .a_rs = K, .a_cs = 1,
          .b = pre_t ? run->mem_t[op->inputs[1]] : MEM (1), .b_off = pre_t ? 0 : OFF (1),
          .b_rs = tw || pre_t ? N : 1, .b_cs = tw || pre_t ? 1 : K,
          .c = OMEM, .c_off = OOFF, .ldc = N,
          .bias = op->n_inputs > 2 ? MEM (2) : NULL, .bias_off = op->n_inputs > 2 ? OFF (2) : 0,
          .bias_mode = op->n_inputs > 2 ? 1 : 0, .alpha = 1.0f,
        };
        return add_gemm (dev, &g, ls, op->name, error);
      }

    case BENCH_OP_MATMUL:
      {
        guint nd = in[0]->n_dims;
        gint64 M = in[0]->shape[nd - 2], K = in[0]->shape[nd - 1], N = out->shape[nd - 1];
        gint64 batch = out->numel / (M * N);
        gboolean tb = op->p.matmul.transpose_b;
        gint64 bs = run->mat_stride[op->inputs[1]];
        Gemm g = {
          .M = M, .N = N, .K = K, .batch = batch,
          .a = MEM (0), .a_off = OFF (0), .a_bs = M * K, .a_mod = batch, .a_rs = K, .a_cs = 1,
          .b = MEM (1), .b_off = OFF (1), .b_bs = bs > 0 ? bs : K * N,
          .b_rs = tb ? 1 : N, .b_cs = tb ? K : 1,
          .c = OMEM, .c_off = OOFF, .c_bs = M * N, .ldc = N,
          .alpha = op->p.matmul.alpha,
        };
        return add_gemm (dev, &g, ls, op->name, error);
      }

    case BENCH_OP_ADD:
    case BENCH_OP_MUL:
      if (!builder_start (&b, dev, "binary", error))
        return FALSE;
      arg_long (&b, out->numel);
      arg_mem (&b, MEM (0)); arg_long (&b, OFF (0));
      arg_mem (&b, MEM (1)); arg_long (&b, OFF (1)); arg_long (&b, in[1]->numel);
      arg_mem (&b, OMEM); arg_long (&b, OOFF);
      arg_int (&b, op->kind == BENCH_OP_ADD ? 0 : 1);
      return builder_finish (&b, dev, out->numel, ls, op->name, error);

    case BENCH_OP_LAYER_NORM:
    case BENCH_OP_RMS_NORM:
      {
        gint64 N = out->shape[out->n_dims - 1], rows = out->numel / N;
        gboolean has_b = op->kind == BENCH_OP_LAYER_NORM && op->n_inputs > 2;

        if (!builder_start (&b, dev, dev->row_group > 1 ? "norm_rows_wg" : "norm_rows", error))
          return FALSE;
        row_range (dev, &b, rows);
        arg_long (&b, rows); arg_int (&b, N);
        arg_mem (&b, MEM (0)); arg_long (&b, OFF (0));
        arg_mem (&b, MEM (1)); arg_long (&b, OFF (1));
        arg_mem (&b, has_b ? MEM (2) : MEM (1)); arg_long (&b, has_b ? OFF (2) : 0);
        arg_int (&b, has_b);
        arg_float (&b, op->p.norm.eps); arg_int (&b, op->kind == BENCH_OP_RMS_NORM);
        arg_mem (&b, OMEM); arg_long (&b, OOFF);
        return builder_finish (&b, dev, rows, ls, op->name, error);
      }

    case BENCH_OP_GROUP_NORM:
      {
        gint64 n = out->shape[0] * op->p.norm.groups;

        if (!builder_start (&b, dev, "group_norm", error))
          return FALSE;
        arg_long (&b, n); arg_int (&b, out->shape[1]); arg_long (&b, out->shape[2]);
        arg_int (&b, op->p.norm.groups);
        arg_mem (&b, MEM (0)); arg_long (&b, OFF (0));
        arg_mem (&b, MEM (1)); arg_long (&b, OFF (1));
        arg_mem (&b, MEM (2)); arg_long (&b, OFF (2));
        arg_float (&b, op->p.norm.eps);
        arg_mem (&b, OMEM); arg_long (&b, OOFF);
        return builder_finish (&b, dev, n, ls, op->name, error);
      }

    case BENCH_OP_SOFTMAX:
      {
        guint nd = out->n_dims;
        gint64 Lk = out->shape[nd - 1], Lq = nd >= 2 ? out->shape[nd - 2] : 1;
        gint64 rows = out->numel / Lk;
        gint64 per_batch = nd == 4 ? out->shape[1] * Lq : rows;
        BenchMaskKind mask = op->p.softmax.mask;
        gboolean pad = mask == BENCH_MASK_PADDING;

        if (!builder_start (&b, dev, dev->row_group > 1 ? "softmax_rows_wg" : "softmax_rows", error))
          return FALSE;
        row_range (dev, &b, rows);
        arg_long (&b, rows); arg_int (&b, Lk); arg_int (&b, Lq); arg_long (&b, per_batch);
        arg_mem (&b, MEM (0)); arg_long (&b, OFF (0));
        arg_mem (&b, pad ? MEM (1) : MEM (0)); arg_long (&b, pad ? OFF (1) : 0);
        arg_int (&b, mask == BENCH_MASK_CAUSAL ? 1 : pad ? 2 : 0);
        arg_float (&b, op->p.softmax.scale);
        arg_mem (&b, OMEM); arg_long (&b, OOFF);
        return builder_finish (&b, dev, rows, ls, op->name, error);
      }

    case BENCH_OP_GELU:
    case BENCH_OP_RELU:
    case BENCH_OP_SILU:
    case BENCH_OP_TANH:
      {
        const char *kernel;

        switch (op->kind)
          {
          case BENCH_OP_GELU:
            kernel = op->p.gelu.kind == BENCH_GELU_TANH ? "gelu_tanh"
                   : op->p.gelu.kind == BENCH_GELU_QUICK ? "gelu_quick" : "gelu_erf";
            break;
          case BENCH_OP_RELU: kernel = "relu"; break;
          case BENCH_OP_SILU: kernel = "silu"; break;
          default: kernel = "tanh_op"; break;
          }
        if (!builder_start (&b, dev, kernel, error))
          return FALSE;
        arg_long (&b, out->numel);
        arg_mem (&b, MEM (0)); arg_long (&b, OFF (0));
        arg_mem (&b, OMEM); arg_long (&b, OOFF);
        return builder_finish (&b, dev, out->numel, ls, op->name, error);
      }

    case BENCH_OP_EMBEDDING:
      if (!builder_start (&b, dev, "embedding", error))
        return FALSE;
      arg_long (&b, out->numel); arg_int (&b, in[1]->shape[1]); arg_int (&b, in[1]->shape[0]);
      arg_mem (&b, MEM (0)); arg_long (&b, OFF (0));
      arg_mem (&b, MEM (1)); arg_long (&b, OFF (1));
      arg_mem (&b, OMEM); arg_long (&b, OOFF);
      return builder_finish (&b, dev, out->numel, ls, op->name, error);

    case BENCH_OP_CONV1D:
    case BENCH_OP_CONV2D:
      {
        gboolean is2d = op->kind == BENCH_OP_CONV2D;
        gint64 B = in[0]->shape[0], C = in[0]->shape[1];
        gint64 H = is2d ? in[0]->shape[2] : 1, W = is2d ? in[0]->shape[3] : in[0]->shape[2];
        gint64 O = in[1]->shape[0], Cg = in[1]->shape[1];
        gint64 KH = is2d ? in[1]->shape[2] : 1, KW = is2d ? in[1]->shape[3] : in[1]->shape[2];
        gint64 Ho = is2d ? out->shape[2] : 1, Wo = is2d ? out->shape[3] : out->shape[2];
        gint64 G = op->p.conv.groups, Og = O / G, P = Ho * Wo, CK = Cg * KH * KW;
        gint64 s = op->p.conv.stride[0], p = op->p.conv.padding[0];
        gint64 ws = conv_workspace (graph, op);
        Gemm g = {
          .M = Og, .N = P, .K = CK, .batch = B * G,
          .a = MEM (1), .a_off = OFF (1), .a_bs = Og * CK, .a_mod = G, .a_rs = CK, .a_cs = 1,
          .b = MEM (0), .b_off = OFF (0), .b_bs = Cg * P, .b_rs = P, .b_cs = 1,
          .c = OMEM, .c_off = OOFF, .c_bs = Og * P, .ldc = P,
          .bias = op->n_inputs > 2 ? MEM (2) : NULL, .bias_off = op->n_inputs > 2 ? OFF (2) : 0,
          .bias_mode = op->n_inputs > 2 ? 2 : 0, .alpha = 1.0f,
        };

        if (ws > 0)
          {
            if (!builder_start (&b, dev, "im2col", error))
              return FALSE;
            arg_mem (&b, MEM (0)); arg_long (&b, OFF (0));
            arg_int (&b, C); arg_int (&b, H); arg_int (&b, W); arg_int (&b, G);
            arg_int (&b, KH); arg_int (&b, KW); arg_int (&b, Ho); arg_int (&b, Wo);
            arg_int (&b, is2d ? s : 1); arg_int (&b, s);
            arg_int (&b, is2d ? p : 0); arg_int (&b, p);
            arg_mem (&b, workspace);
            b.l.kind = PROFILE_IM2COL;
            b.l.dim = 3;
            b.l.local[0] = MIN (dev->group, 16);
            b.l.local[1] = b.l.local[2] = 1;
            b.l.global[0] = (Wo + b.l.local[0] - 1) / b.l.local[0] * b.l.local[0];
            b.l.global[1] = Ho;
            b.l.global[2] = B * G * CK;
            if (!builder_finish (&b, dev, ws, ls, op->name, error))
              return FALSE;
            g.b = workspace;
            g.b_off = 0;
            g.b_bs = CK * P;
          }
        return add_gemm (dev, &g, ls, op->name, error);
      }

    case BENCH_OP_MAX_POOL2D:
    case BENCH_OP_AVG_POOL2D:
      if (!builder_start (&b, dev, "pool2d", error))
        return FALSE;
      arg_long (&b, out->numel);
      arg_mem (&b, MEM (0)); arg_long (&b, OFF (0));
      arg_int (&b, in[0]->shape[2]); arg_int (&b, in[0]->shape[3]);
      arg_int (&b, out->shape[2]); arg_int (&b, out->shape[3]);
      arg_int (&b, op->p.pool.kernel); arg_int (&b, op->p.pool.stride); arg_int (&b, op->p.pool.padding);
      arg_int (&b, op->kind == BENCH_OP_MAX_POOL2D);
      arg_mem (&b, OMEM); arg_long (&b, OOFF);
      return builder_finish (&b, dev, out->numel, ls, op->name, error);

    case BENCH_OP_GLOBAL_AVG_POOL:
      {
        gint64 n = in[0]->shape[0] * in[0]->shape[1];

        if (!builder_start (&b, dev, "global_avg_pool", error))
          return FALSE;
        arg_long (&b, n); arg_long (&b, in[0]->shape[2] * in[0]->shape[3]);
        arg_mem (&b, MEM (0)); arg_long (&b, OFF (0));
        arg_mem (&b, OMEM); arg_long (&b, OOFF);
        return builder_finish (&b, dev, n, ls, op->name, error);
      }

    case BENCH_OP_RESHAPE:
      /* A view: nothing to run. */
      return TRUE;

    case BENCH_OP_PERMUTE:
      {
        gint64 in_stride[BENCH_GRAPH_MAX_DIMS], ostr[BENCH_GRAPH_MAX_DIMS], dims[BENCH_GRAPH_MAX_DIMS];
        guint nd = in[0]->n_dims, pad = BENCH_GRAPH_MAX_DIMS - nd;

        in_stride[nd - 1] = 1;
        for (gint i = nd - 2; i >= 0; i--)
          in_stride[i] = in_stride[i + 1] * in[0]->shape[i + 1];
        for (guint i = 0; i < BENCH_GRAPH_MAX_DIMS; i++)
          {
            dims[i] = i < pad ? 1 : out->shape[i - pad];
            ostr[i] = i < pad ? 0 : in_stride[op->p.permute.perm[i - pad]];
          }
        if (!builder_start (&b, dev, "permute", error))
          return FALSE;
        arg_long (&b, out->numel);
        arg_mem (&b, MEM (0)); arg_long (&b, OFF (0));
        arg_long (&b, dims[1]); arg_long (&b, dims[2]); arg_long (&b, dims[3]);
        for (guint i = 0; i < BENCH_GRAPH_MAX_DIMS; i++)
          arg_long (&b, ostr[i]);
        arg_mem (&b, OMEM); arg_long (&b, OOFF);
        return builder_finish (&b, dev, out->numel, ls, op->name, error);
      }

    case BENCH_OP_SLICE:
      {
        gint64 outer, inner;

        outer_inner (in[0], op->p.slice.axis, &outer, &inner);
        if (!builder_start (&b, dev, "slice", error))
          return FALSE;
        arg_long (&b, out->numel);
        arg_mem (&b, MEM (0)); arg_long (&b, OFF (0));
        arg_long (&b, in[0]->shape[op->p.slice.axis]); arg_long (&b, op->p.slice.start);
        arg_long (&b, op->p.slice.length); arg_long (&b, inner);
        arg_mem (&b, OMEM); arg_long (&b, OOFF);
        return builder_finish (&b, dev, out->numel, ls, op->name, error);
      }

    case BENCH_OP_CONCAT:
      {
        guint axis = op->p.concat.axis;
        gint64 outer, inner, outer_a, outer_b;

        outer_inner (out, axis, &outer, &inner);
        outer_inner (in[0], axis, &outer_a, &inner);
        outer_inner (in[1], axis, &outer_b, &inner);
        if (!builder_start (&b, dev, "concat", error))
          return FALSE;
        arg_long (&b, out->numel);
        arg_mem (&b, MEM (0)); arg_long (&b, OFF (0));
        arg_mem (&b, MEM (1)); arg_long (&b, OFF (1));
        arg_long (&b, in[0]->shape[axis]); arg_long (&b, in[1]->shape[axis]); arg_long (&b, inner);
        arg_long (&b, outer_a); arg_long (&b, outer_b);
        arg_mem (&b, OMEM); arg_long (&b, OOFF);
        return builder_finish (&b, dev, out->numel, ls, op->name, error);
      }

    case BENCH_OP_KV_APPEND:
      {
        gint64 L = in[0]->shape[2], D = in[0]->shape[3], T = in[1]->shape[2];
        gint64 n = in[1]->numel;
        gint64 stride = run->mat_stride[op->output] > 0 ? run->mat_stride[op->output] : L * D;

        if (!builder_start (&b, dev, "kv_append", error))
          return FALSE;
        arg_long (&b, n);
        arg_mem (&b, MEM (1)); arg_long (&b, OFF (1));
        arg_int (&b, T); arg_int (&b, D);
        arg_mem (&b, OMEM); arg_long (&b, OOFF); arg_long (&b, stride);
        arg_long (&b, op->p.kv.position);
        return builder_finish (&b, dev, n, ls, op->name, error);
      }

    default:
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "The opencl backend has no kernel for op “%s” (%s)",
                   op->name, bench_op_kind_to_string (op->kind));
      return FALSE;
    }
}

#undef MEM
#undef OFF
#undef OMEM
#undef OOFF

/* The im2col workspace (elements) the graph's convolutions need. */
static gint64
graph_workspace (BenchGraph *graph)
{
  gint64 ws = 0;

  for (guint i = 0; i < bench_graph_get_n_ops (graph); i++)
    {
      const BenchOp *op = bench_graph_get_op (graph, i);

      if (op->kind == BENCH_OP_CONV1D || op->kind == BENCH_OP_CONV2D)
        ws = MAX (ws, conv_workspace (graph, op));
    }
  return ws;
}

/* [rows, cols] -> [cols, rows] */
static float *
transpose (const float *src,
           gint64       rows,
           gint64       cols)
{
  float *dst = g_new (float, rows * cols);

  for (gint64 r = 0; r < rows; r++)
    for (gint64 c = 0; c < cols; c++)
      dst[c * rows + r] = src[r * cols + c];
  return dst;
}

/* An external input of a decode graph: a layer's K or V in the shared cache. */
typedef struct
{
  const char *name;
  cl_mem      mem;
  gint64      off;
  gint64      mat_stride;
} ExternalBinding;

/* @host (bench_graph_buffers_new*() of @graph) gives the weights, inputs
 * and constants to upload; the caller sets run->host to keep it. */
static GraphRun *
graph_run_new (Device                 *dev,
               BenchGraph             *graph,
               BenchGraphBuffers      *host,
               cl_mem                  arena,
               gint64                  arena_bytes,
               cl_mem                  workspace,
               const ExternalBinding  *ext,
               guint                   n_ext,
               GError                **error)
{
  g_autoptr(GraphRun) run = g_new0 (GraphRun, 1);
  g_autofree guint8 *usage = NULL;
  guint n = bench_graph_get_n_tensors (graph);

  run->graph = bench_graph_ref (graph);
  run->owned = g_ptr_array_new_with_free_func (release_mem);
  run->launches = g_array_new (FALSE, TRUE, sizeof (Launch));
  g_array_set_clear_func (run->launches, launch_clear);
  run->mem = g_new0 (cl_mem, n);
  run->mem_t = g_new0 (cl_mem, n);
  run->off = g_new0 (gint64, n);
  run->mat_stride = g_new0 (gint64, n);

  /* How each weight is read: as the [N, K] weight of a linear layer with
   * more rows than the decode path takes (wants the [K, N] copy), of one
   * with fewer (either layout), or otherwise (embedding tables, biases,
   * [K, N] weights: the original). A weight is stored in the layouts its
   * uses need, so that most are on the device once. */
  usage = g_new0 (guint8, n);
  for (guint i = 0; i < bench_graph_get_n_ops (graph); i++)
    {
      const BenchOp *op = bench_graph_get_op (graph, i);

      for (guint j = 0; j < op->n_inputs; j++)
        {
          const BenchTensor *w = bench_graph_get_tensor (graph, op->inputs[j]);
          guint root = w->alias_of >= 0 ? (guint) w->alias_of : w->id;

          if (bench_graph_get_tensor (graph, root)->role != BENCH_TENSOR_WEIGHT)
            continue;
          if (op->kind != BENCH_OP_LINEAR || op->p.linear.transpose_w || j != 1 || w->alias_of >= 0)
            usage[root] |= USE_ORIGINAL;
          else if (bench_graph_get_tensor (graph, op->inputs[0])->numel / w->shape[1] > GEMV_M_MAX)
            usage[root] |= USE_TRANSPOSED;
          else
            usage[root] |= USE_EITHER;
        }
    }

  g_return_val_if_fail (arena_bytes >= bench_graph_get_arena_bytes (graph), NULL);
  run->arena = arena;

  /* Roots first (a view's root has a smaller id), then views copy theirs. */
  for (guint id = 0; id < n; id++)
    {
      const BenchTensor *t = bench_graph_get_tensor (graph, id);
      gsize bytes = t->numel * bench_dtype_size (t->dtype);

      if (t->alias_of >= 0)
        {
          run->mem[id] = run->mem[t->alias_of];
          run->mem_t[id] = run->mem_t[t->alias_of];
          run->off[id] = run->off[t->alias_of];
          run->mat_stride[id] = run->mat_stride[t->alias_of];
          continue;
        }

      switch (t->role)
        {
        case BENCH_TENSOR_ACTIVATION:
        case BENCH_TENSOR_OUTPUT:
          run->mem[id] = run->arena;
          run->off[id] = t->offset / (gint64) sizeof (float);
          break;

        case BENCH_TENSOR_WEIGHT:
          {
            g_autofree char *key_t = g_strconcat (t->name, "\nT", NULL);
            gboolean want_t, want_original;

            run->mem[id] = g_hash_table_lookup (dev->weights, t->name);
            run->mem_t[id] = g_hash_table_lookup (dev->weights, key_t);
            want_t = (usage[id] & USE_TRANSPOSED) != 0;
            want_original = (usage[id] & USE_ORIGINAL) != 0 ||
                            ((usage[id] & USE_EITHER) != 0 && !want_t && run->mem_t[id] == NULL);

            if (want_t && run->mem_t[id] == NULL)
              {
                g_autofree float *tr = transpose (bench_graph_buffers_get_data (host, id),
                                                  t->shape[0], t->shape[1]);

                run->mem_t[id] = device_buffer (dev, bytes, tr, t->name, error);
                if (run->mem_t[id] == NULL)
                  return NULL;
                g_hash_table_insert (dev->weights, g_steal_pointer (&key_t), run->mem_t[id]);
              }
            if (want_original && run->mem[id] == NULL)
              {
                run->mem[id] = device_buffer (dev, bytes, bench_graph_buffers_get_data (host, id),
                                              t->name, error);
                if (run->mem[id] == NULL)
                  return NULL;
                g_hash_table_insert (dev->weights, g_strdup (t->name), run->mem[id]);
              }
          }
          break;

        case BENCH_TENSOR_INPUT:
        case BENCH_TENSOR_CONSTANT:
        default:
          {
            const ExternalBinding *e = NULL;
            cl_mem mem;

            for (guint i = 0; i < n_ext; i++)
              if (g_str_equal (ext[i].name, t->name))
                e = &ext[i];
            if (e != NULL)
              {
                run->mem[id] = e->mem;
                run->off[id] = e->off;
                run->mat_stride[id] = e->mat_stride;
                break;
              }
            mem = device_buffer (dev, bytes, bench_graph_buffers_get_data (host, id), t->name, error);
            if (mem == NULL)
              return NULL;
            g_ptr_array_add (run->owned, mem);
            run->mem[id] = mem;
          }
          break;
        }
    }

  for (guint i = 0; i < bench_graph_get_n_ops (graph); i++)
    {
      guint first = run->launches->len;

      if (!add_op (dev, run, workspace, i, error))
        {
          g_prefix_error (error, "Op “%s” of %s on %s: ", bench_graph_get_op (graph, i)->name,
                          bench_graph_get_name (graph), dev->label);
          return NULL;
        }
      for (guint j = first; j < run->launches->len; j++)
        if (g_array_index (run->launches, Launch, j).kind == PROFILE_UNSET)
          g_array_index (run->launches, Launch, j).kind = bench_graph_get_op (graph, i)->kind;
    }

  return g_steal_pointer (&run);
}

static gboolean
enqueue (Device        *dev,
         GArray        *launches,
         cl_event      *first,
         cl_event      *last,
         GError       **error)
{
  for (guint i = 0; i < launches->len; i++)
    {
      Launch *l = &g_array_index (launches, Launch, i);
      cl_event *event = NULL;
      cl_event own = NULL;
      cl_int err;

      if (first != NULL && *first == NULL)
        event = first;
      else if (last != NULL && i == launches->len - 1)
        {
          g_clear_pointer (last, clReleaseEvent);
          event = last;
        }
      if (dev->profile && event == NULL)
        event = &own;
      err = clEnqueueNDRangeKernel (dev->queue, l->kernel, l->dim, NULL, l->global, l->local,
                                    0, NULL, event);
      if (err != CL_SUCCESS)
        {
          bench_opencl_set_error (error, err, dev->label, "enqueueing a kernel of the model");
          return FALSE;
        }
      if (dev->profile)
        {
          cl_ulong start = 0, end = 0;

          clWaitForEvents (1, event);
          if (clGetEventProfilingInfo (*event, CL_PROFILING_COMMAND_START, sizeof start, &start, NULL) == CL_SUCCESS &&
              clGetEventProfilingInfo (*event, CL_PROFILING_COMMAND_END, sizeof end, &end, NULL) == CL_SUCCESS &&
              end > start)
            dev->profile_ns[l->kind] += end - start;
          g_clear_pointer (&own, clReleaseEvent);
        }
    }
  return TRUE;
}

static gboolean
download (Device      *dev,
          GraphRun    *run,
          guint        tensor,
          GError     **error)
{
  const BenchTensor *t = bench_graph_get_tensor (run->graph, tensor);
  cl_int err;

  err = clEnqueueReadBuffer (dev->queue, run->mem[tensor], CL_TRUE,
                             run->off[tensor] * sizeof (float), t->numel * sizeof (float),
                             bench_graph_buffers_get_data (run->host, tensor), 0, NULL, NULL);
  if (err != CL_SUCCESS)
    {
      g_autofree char *what = g_strdup_printf ("reading back output “%s”", t->name);

      bench_opencl_set_error (error, err, dev->label, what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
download_outputs (Device      *dev,
                  GraphRun    *run,
                  GError     **error)
{
  guint n;
  const guint *outputs = bench_graph_get_outputs (run->graph, &n);

  for (guint i = 0; i < n; i++)
    if (!download (dev, run, outputs[i], error))
      return FALSE;
  return TRUE;
}

gboolean
bench_opencl_run_graph (cl_device_id                 device,
                        const char                  *device_label,
                        const BenchOpenclGemmShape  *shape,
                        guint                        row_group,
                        BenchGraphBuffers           *buffers,
                        GError                     **error)
{
  Device dev = { 0 };
  BenchGraph *graph = bench_graph_buffers_get_graph (buffers);
  g_autoptr(GraphRun) run = NULL;
  cl_mem workspace = NULL;
  cl_mem arena = NULL;
  gboolean ok = FALSE;
  cl_int err;

  if (!device_init (&dev, device, device_label, shape, row_group, error))
    goto out;
  workspace = device_buffer (&dev, graph_workspace (graph) * sizeof (float), NULL, "the im2col workspace", error);
  if (workspace == NULL)
    goto out;
  arena = device_buffer (&dev, bench_graph_get_arena_bytes (graph), NULL, "the activation arena", error);
  if (arena == NULL)
    goto out;
  run = graph_run_new (&dev, graph, buffers, arena, bench_graph_get_arena_bytes (graph),
                       workspace, NULL, 0, error);
  if (run == NULL)
    goto out;
  run->host = buffers;
  if (!enqueue (&dev, run->launches, NULL, NULL, error))
    goto out;
  if ((err = clFinish (dev.queue)) != CL_SUCCESS)
    {
      bench_opencl_set_error (error, err, dev.label, "running the graph");
      goto out;
    }
  ok = download_outputs (&dev, run, error);

out:
  /* The caller owns the buffers. */
  if (run != NULL)
    run->host = NULL;
  g_clear_pointer (&run, graph_run_free);
  g_clear_pointer (&workspace, clReleaseMemObject);
  g_clear_pointer (&arena, clReleaseMemObject);
  device_clear (&dev);
  return ok;
}

/* --- the executable --- */

static void
bench_opencl_model_finalize (GObject *object)
{
  BenchOpenclModel *self = (BenchOpenclModel *)object;

  if (self->dev.queue != NULL)
    clFinish (self->dev.queue);
  g_clear_pointer (&self->session, session_free);
  device_clear (&self->dev);
  g_clear_pointer (&self->weights, bench_weights_unref);
  g_clear_pointer (&self->config, bench_config_free);
  g_clear_pointer (&self->validation_scope, g_free);

  G_OBJECT_CLASS (bench_opencl_model_parent_class)->finalize (object);
}

static guint
last_output (BenchGraph *graph)
{
  guint n;
  const guint *outputs = bench_graph_get_outputs (graph, &n);

  return outputs[n - 1];
}

/* Greedy decoding, as the CPU: the argmax of each batch row of [B, 1, V]. */
static void
argmax_rows (const float *logits,
             gint64       batch,
             gint64       vocab,
             gint32      *tokens,
             gint64       token_stride)
{
  for (gint64 b = 0; b < batch; b++)
    {
      const float *row = logits + b * vocab;
      gint64 best = 0;

      for (gint64 v = 1; v < vocab; v++)
        if (row[v] > row[best])
          best = v;
      tokens[b * token_stride] = (gint32) best;
    }
}

static gboolean
run_session (BenchOpenclModel  *self,
             Session           *s,
             gint64            *first_token_ns,
             gint64            *device_ns,
             GError           **error)
{
  Device *dev = &self->dev;
  gint64 t0 = bench_sysinfo_now_ns ();
  gint64 B = self->batch, G = self->gen_tokens;
  cl_event first = NULL, last = NULL;
  const BenchTensor *logits;
  gboolean ok = FALSE;
  cl_ulong start = 0, end = 0;
  cl_int err;

  if (!enqueue (dev, s->main->launches, &first, &last, error))
    goto out;

  if (self->generates)
    {
      if (!enqueue (dev, s->cache_copies, &first, NULL, error))
        goto out;
      logits = bench_graph_get_tensor (s->main->graph, last_output (s->main->graph));
      if (!download (dev, s->main, logits->id, error))
        goto out;
      argmax_rows (bench_graph_buffers_get_data (s->main->host, logits->id), B,
                   logits->shape[logits->n_dims - 1], s->tokens, G);
      if (first_token_ns != NULL)
        *first_token_ns = bench_sysinfo_now_ns () - t0;

      for (guint t = 0; t < s->decode->len; t++)
        {
          GraphRun *run = g_ptr_array_index (s->decode, t);
          guint ids = bench_graph_find_tensor (run->graph, "input_ids")->id;
          gint32 *host_ids = bench_graph_buffers_get_data (run->host, ids);

          for (gint64 b = 0; b < B; b++)
            host_ids[b] = s->tokens[b * G + t];
          err = clEnqueueWriteBuffer (dev->queue, run->mem[ids], CL_TRUE,
                                      run->off[ids] * sizeof (gint32), B * sizeof (gint32),
                                      host_ids, 0, NULL, NULL);
          if (err != CL_SUCCESS)
            {
              bench_opencl_set_error (error, err, dev->label, "uploading the next token");
              goto out;
            }
          if (!enqueue (dev, run->launches, &first, &last, error))
            goto out;
          logits = bench_graph_get_tensor (run->graph, last_output (run->graph));
          if (!download (dev, run, logits->id, error))
            goto out;
          argmax_rows (bench_graph_buffers_get_data (run->host, logits->id), B,
                       logits->shape[logits->n_dims - 1], s->tokens + t + 1, G);
        }
    }

  if ((err = clFinish (dev->queue)) != CL_SUCCESS)
    {
      bench_opencl_set_error (error, err, dev->label, "running the model");
      goto out;
    }

  /* Device time from the start of the first kernel to the end of the last. */
  if (device_ns != NULL)
    {
      *device_ns = -1;
      if (first != NULL && last != NULL &&
          clGetEventProfilingInfo (first, CL_PROFILING_COMMAND_START, sizeof start, &start, NULL) == CL_SUCCESS &&
          clGetEventProfilingInfo (last, CL_PROFILING_COMMAND_END, sizeof end, &end, NULL) == CL_SUCCESS &&
          end > start)
        *device_ns = (gint64) (end - start);
    }
  ok = TRUE;

out:
  g_clear_pointer (&first, clReleaseEvent);
  g_clear_pointer (&last, clReleaseEvent);
  return ok;
}

static gboolean
bench_opencl_model_run (BenchExecutable  *executable,
                        BenchIteration   *iteration,
                        GError          **error)
{
  BenchOpenclModel *self = BENCH_OPENCL_MODEL (executable);
  gint64 first = -1;

  if (!run_session (self, self->session, self->generates ? &first : NULL,
                    &iteration->device_ns, error))
    return FALSE;
  iteration->first_token_ns = first;
  self->has_run = TRUE;
  self->dev.profile_runs++;
  return TRUE;
}

/* --- building --- */

static BenchGraph *
build_graph (BenchOpenclModel  *self,
             gint               n_layers,
             BenchModelMode     mode,
             gint               seq_len,
             gint               past_len,
             GError           **error)
{
  BenchModelOptions opts = self->opts;
  BenchGraph *graph;

  opts.n_layers = n_layers;
  opts.mode = mode;
  opts.seq_len = seq_len;
  opts.past_len = past_len;
  graph = bench_model_config_build (&self->model, &opts, error);
  if (graph != NULL)
    bench_graph_seal (graph);
  return graph;
}

static BenchGraphBuffers *
new_host_buffers (BenchOpenclModel          *self,
                  BenchGraph                *graph,
                  const BenchExternalInput  *external,
                  guint                      n_external,
                  GError                   **error)
{
  if (self->config->weights == NULL)
    bench_weights_add_random (self->weights, graph, WEIGHTS_SEED);
  return bench_graph_buffers_new_external (graph, self->weights, INPUT_SEED,
                                           external, n_external, error);
}

static Session *
session_new (BenchOpenclModel  *self,
             gint               n_layers,
             GCancellable      *cancellable,
             GError           **error)
{
  Device *dev = &self->dev;
  g_autoptr(Session) s = g_new0 (Session, 1);
  g_autoptr(BenchGraph) graph = NULL;
  g_autoptr(GPtrArray) decode_graphs = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_graph_unref);
  BenchGraphBuffers *host;
  gint64 B = self->batch, G = self->gen_tokens, S = 0, ws, arena_bytes;
  guint n_out;
  const guint *outputs;

  s->n_layers = n_layers;
  graph = build_graph (self, n_layers,
                       self->generates ? BENCH_MODEL_MODE_PREFILL : BENCH_MODEL_MODE_FORWARD,
                       self->opts.seq_len, 0, error);
  if (graph == NULL)
    return NULL;

  if (self->generates)
    {
      outputs = bench_graph_get_outputs (graph, &n_out);
      g_assert (n_out >= 3 && n_out % 2 == 1);
      s->n_cache_layers = n_out - 1;
      s->heads = bench_graph_get_tensor (graph, outputs[0])->shape[1];
      S = bench_graph_get_tensor (graph, outputs[0])->shape[2];
      s->head_dim = bench_graph_get_tensor (graph, outputs[0])->shape[3];
      s->capacity = S + G - 1;
      s->cache_bytes = (gint64) s->n_cache_layers * B * s->heads * s->capacity * s->head_dim * sizeof (float);
      s->tokens = g_new0 (gint32, B * G);
      for (gint64 t = 0; t < G - 1; t++)
        {
          BenchGraph *dg;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return NULL;
          dg = build_graph (self, n_layers, BENCH_MODEL_MODE_DECODE, self->opts.seq_len, S + t, error);
          if (dg == NULL)
            return NULL;
          g_ptr_array_add (decode_graphs, dg);
        }
    }

  /* One arena and one workspace for every graph: they run one after the
   * other on one in-order queue, and what outlives a graph (the prompt's
   * K/V, the logits) is copied out before the next starts. */
  ws = graph_workspace (graph);
  arena_bytes = bench_graph_get_arena_bytes (graph);
  for (guint t = 0; t < decode_graphs->len; t++)
    {
      ws = MAX (ws, graph_workspace (g_ptr_array_index (decode_graphs, t)));
      arena_bytes = MAX (arena_bytes, bench_graph_get_arena_bytes (g_ptr_array_index (decode_graphs, t)));
    }
  s->workspace = device_buffer (dev, ws * sizeof (float), NULL, "the im2col workspace", error);
  if (s->workspace == NULL)
    return NULL;
  s->arena = device_buffer (dev, arena_bytes, NULL, "the activation arena", error);
  if (s->arena == NULL)
    return NULL;

  if ((host = new_host_buffers (self, graph, NULL, 0, error)) == NULL)
    return NULL;
  s->main = graph_run_new (dev, graph, host, s->arena, arena_bytes, s->workspace, NULL, 0, error);
  if (s->main == NULL)
    {
      bench_graph_buffers_free (host);
      return NULL;
    }
  s->main->host = host;
  if (!self->generates)
    return g_steal_pointer (&s);

  s->cache = device_buffer (dev, s->cache_bytes, NULL, "the KV cache", error);
  if (s->cache == NULL)
    return NULL;
  s->host_cache = g_aligned_alloc0 (s->cache_bytes, 1, 64);

  /* The prompt's K/V of each layer into the cache at position 0. */
  s->cache_copies = g_array_new (FALSE, TRUE, sizeof (Launch));
  g_array_set_clear_func (s->cache_copies, launch_clear);
  outputs = bench_graph_get_outputs (graph, &n_out);
  for (guint l = 0; l < s->n_cache_layers; l++)
    {
      const BenchTensor *t = bench_graph_get_tensor (graph, outputs[l]);
      Builder b;

      if (!builder_start (&b, dev, "kv_append", error))
        return NULL;
      arg_long (&b, t->numel);
      arg_mem (&b, s->main->mem[t->id]); arg_long (&b, s->main->off[t->id]);
      arg_int (&b, S); arg_int (&b, s->head_dim);
      arg_mem (&b, s->cache); arg_long (&b, (gint64) l * B * s->heads * s->capacity * s->head_dim);
      arg_long (&b, s->capacity * s->head_dim); arg_long (&b, 0);
      if (!builder_finish (&b, dev, t->numel, s->cache_copies, t->name, error))
        return NULL;
      g_array_index (s->cache_copies, Launch, s->cache_copies->len - 1).kind = PROFILE_KV_COPY;
    }

  s->decode = g_ptr_array_new_with_free_func ((GDestroyNotify) graph_run_free);
  for (guint t = 0; t < decode_graphs->len; t++)
    {
      BenchGraph *dg = g_ptr_array_index (decode_graphs, t);
      g_autofree BenchExternalInput *hext = g_new0 (BenchExternalInput, s->n_cache_layers);
      g_autofree ExternalBinding *dext = g_new0 (ExternalBinding, s->n_cache_layers);
      g_auto(GStrv) names = g_new0 (char *, s->n_cache_layers + 1);
      GraphRun *run;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      for (guint l = 0; l < s->n_cache_layers; l++)
        {
          gint64 off = (gint64) l * B * s->heads * s->capacity * s->head_dim;

          names[l] = g_strdup_printf ("past_key_values.%u.%s", l / 2, l % 2 == 0 ? "key" : "value");
          hext[l] = (BenchExternalInput) { names[l], s->host_cache + off, s->capacity };
          dext[l] = (ExternalBinding) { names[l], s->cache, off, s->capacity * s->head_dim };
        }
      if ((host = new_host_buffers (self, dg, hext, s->n_cache_layers, error)) == NULL)
        return NULL;
      run = graph_run_new (dev, dg, host, s->arena, arena_bytes, s->workspace,
                           dext, s->n_cache_layers, error);
      if (run == NULL)
        {
          bench_graph_buffers_free (host);
          return NULL;
        }
      run->host = host;
      g_ptr_array_add (s->decode, run);
    }
  return g_steal_pointer (&s);
}

/* --- validation (the CPU model executable's policy) --- */

static BenchGraph *
check_graph (BenchOpenclModel  *self,
             gint               n_layers,
             GError           **error)
{
  if (!self->generates)
    return build_graph (self, n_layers, BENCH_MODEL_MODE_FORWARD, self->opts.seq_len, 0, error);
  return build_graph (self, n_layers, BENCH_MODEL_MODE_FORWARD,
                      self->seq_len + self->gen_tokens - 1, 0, error);
}

static void
compare_rows (const float *ours,
              const float *ref,
              gint64       n,
              double      *max_abs,
              double      *max_ref)
{
  for (gint64 i = 0; i < n; i++)
    {
      double d = isfinite (ours[i]) ? fabs ((double) ours[i] - ref[i]) : INFINITY;

      *max_abs = MAX (*max_abs, d);
      *max_ref = MAX (*max_ref, fabs ((double) ref[i]));
    }
}

static gboolean
validate_generation (BenchOpenclModel       *self,
                     Session                *s,
                     BenchValidationReport  *report,
                     GError                **error)
{
  g_autoptr(BenchGraph) fwd = NULL;
  g_autoptr(BenchGraphBuffers) ref = NULL;
  gint64 B = self->batch, S = self->seq_len, G = self->gen_tokens, T = S + G - 1;
  const BenchTensor *prompt, *ids_t, *ref_logits, *logits;
  const gint32 *prompt_ids;
  gint32 *ids;
  gint64 V;
  double worst = 0;

  if ((fwd = check_graph (self, s->n_layers, error)) == NULL)
    return FALSE;
  if (self->config->weights == NULL)
    bench_weights_add_random (self->weights, fwd, WEIGHTS_SEED);
  if ((ref = bench_graph_buffers_new (fwd, self->weights, INPUT_SEED, error)) == NULL)
    return FALSE;

  /* The prompt, then our generated tokens (teacher forcing). */
  prompt = bench_graph_find_tensor (s->main->graph, "input_ids");
  prompt_ids = bench_graph_buffers_get_data (s->main->host, prompt->id);
  ids_t = bench_graph_find_tensor (fwd, "input_ids");
  ids = bench_graph_buffers_get_data (ref, ids_t->id);
  for (gint64 b = 0; b < B; b++)
    {
      memcpy (ids + b * T, prompt_ids + b * S, S * sizeof (gint32));
      for (gint64 t = 0; t < G - 1; t++)
        ids[b * T + S + t] = s->tokens[b * G + t];
    }
  if (!bench_graph_execute (fwd, bench_reference_op_table (), ref, error))
    return FALSE;

  ref_logits = bench_graph_get_tensor (fwd, last_output (fwd));
  V = ref_logits->shape[ref_logits->n_dims - 1];
  report->max_abs_error = 0;

  /* Prefill logits against position S - 1, the last decode step's against T - 1. */
  for (guint step = 0; step < (G > 1 ? 2u : 1u); step++)
    {
      GraphRun *run = step == 0 ? s->main : g_ptr_array_index (s->decode, s->decode->len - 1);
      gint64 pos = step == 0 ? S - 1 : T - 1;
      double max_abs = 0, max_ref = 0;
      const float *ours, *theirs;

      logits = bench_graph_get_tensor (run->graph, last_output (run->graph));
      ours = bench_graph_buffers_get_data (run->host, logits->id);
      theirs = bench_graph_buffers_get_data (ref, ref_logits->id);
      for (gint64 b = 0; b < B; b++)
        compare_rows (ours + b * V, theirs + (b * T + pos) * V, V, &max_abs, &max_ref);
      report->max_abs_error = MAX (report->max_abs_error, max_abs);
      worst = MAX (worst, max_abs == 0 ? 0 : max_abs / MAX (max_ref, 1e-30));
    }
  report->max_rel_error = worst;
  report->tolerance = BENCH_MODEL_TOLERANCE;
  report->validation = worst <= BENCH_MODEL_TOLERANCE ? BENCH_VALIDATION_PASS : BENCH_VALIDATION_FAIL;
  return TRUE;
}

static gboolean
bench_opencl_model_validate (BenchExecutable        *executable,
                             BenchValidationReport  *report,
                             GError                **error)
{
  BenchOpenclModel *self = BENCH_OPENCL_MODEL (executable);
  g_autoptr(Session) reduced = NULL;
  Session *s = self->session;

  if (!self->has_run)
    return TRUE;

  if (self->validation_depth > 0)
    {
      gboolean profile = self->dev.profile;
      gboolean ok;

      /* The profile covers the benchmark's runs only. */
      self->dev.profile = FALSE;
      reduced = session_new (self, self->validation_depth, NULL, error);
      ok = reduced != NULL && run_session (self, reduced, NULL, NULL, error);
      self->dev.profile = profile;
      if (!ok)
        return FALSE;
      s = reduced;
    }

  if (self->generates)
    return validate_generation (self, s, report, error);

  {
    g_autoptr(BenchGraphBuffers) ref = NULL;
    BenchGraphComparison cmp;

    if (!download_outputs (&self->dev, s->main, error))
      return FALSE;
    ref = bench_reference_run (s->main->graph, self->weights, INPUT_SEED, error);
    if (ref == NULL)
      return FALSE;
    bench_graph_buffers_compare (s->main->host, ref, BENCH_MODEL_TOLERANCE, &cmp);
    report->validation = cmp.pass ? BENCH_VALIDATION_PASS : BENCH_VALIDATION_FAIL;
    report->max_abs_error = cmp.max_abs_error;
    report->max_rel_error = cmp.max_rel_error;
    report->tolerance = cmp.tolerance;
    bench_graph_comparison_clear (&cmp);
  }
  return TRUE;
}

static void
bench_opencl_model_class_init (BenchOpenclModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BenchExecutableClass *executable_class = BENCH_EXECUTABLE_CLASS (klass);

  object_class->finalize = bench_opencl_model_finalize;
  executable_class->run = bench_opencl_model_run;
  executable_class->validate = bench_opencl_model_validate;
}

static void
bench_opencl_model_init (BenchOpenclModel *self)
{
}

/* --- preparing --- */

static gint
deepest_stack (const BenchModelConfig *m)
{
  gint depth = MAX (m->n_layers, MAX (m->n_decoder_layers, m->v_n_layers));

  if (m->arch == BENCH_MODEL_ARCH_RESNET)
    for (guint i = 0; i < G_N_ELEMENTS (m->stages); i++)
      depth = MAX (depth, m->stages[i]);
  return MAX (depth, 1);
}

static gboolean
choose_validation_depth (BenchOpenclModel  *self,
                         GError           **error)
{
  const char *unit;
  gint depth;

  for (depth = self->full_depth; depth > 1; depth--)
    {
      g_autoptr(BenchGraph) g = check_graph (self, depth, error);

      if (g == NULL)
        return FALSE;
      if (bench_graph_get_totals (g)->flops <= VALIDATION_FLOP_BUDGET)
        break;
    }
  /* ResNet's depth option caps the blocks of each stage. */
  unit = self->model.arch == BENCH_MODEL_ARCH_RESNET ? "blocks per stage"
       : self->full_depth == 1 ? "layer" : "layers";
  self->validation_depth = depth == self->full_depth ? 0 : depth;
  if (depth == self->full_depth)
    self->validation_scope = g_strdup_printf ("all %d %s", self->full_depth, unit);
  else
    self->validation_scope = g_strdup_printf ("%d of %d %s", depth, self->full_depth, unit);
  return TRUE;
}

static char *
dup_params_json (BenchOpenclModel *self)
{
  g_autofree char *base = bench_config_dup_params_json (self->config);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  JsonObject *object;

  if (!json_parser_load_from_data (parser, base, -1, NULL))
    return g_steal_pointer (&base);
  object = json_node_get_object (json_parser_get_root (parser));
  json_object_set_string_member (object, "validation_scope", self->validation_scope);
  json_object_set_string_member (object, "model", self->model.name);
  json_object_set_string_member (object, "weights_source",
                                 self->config->weights != NULL ? "safetensors" : "random");
  if (self->generates)
    json_object_set_int_member (object, "decode_steps", self->gen_tokens - 1);
  json_generator_set_root (gen, json_parser_get_root (parser));
  return json_generator_to_data (gen, NULL);
}

/* The CPU's accounting: graph totals, prefill plus every decode step. */
static void
fill_work (BenchOpenclModel *self)
{
  BenchWork *work = bench_executable_get_work (BENCH_EXECUTABLE (self));
  Session *s = self->session;
  BenchGraph *graph = s->main->graph;
  BenchGraphTotals sum = *bench_graph_get_totals (graph);
  gint64 workspace = bench_graph_get_arena_bytes (graph) + bench_graph_get_inputs_bytes (graph);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  for (guint t = 0; s->decode != NULL && t < s->decode->len; t++)
    {
      GraphRun *run = g_ptr_array_index (s->decode, t);
      const BenchGraphTotals *dt = bench_graph_get_totals (run->graph);
      const BenchTensor *ids = bench_graph_find_tensor (run->graph, "input_ids");

      sum.flops += dt->flops;
      sum.bytes += dt->bytes;
      for (guint c = 0; c < BENCH_OP_N_CATEGORIES; c++)
        sum.category_flops[c] += dt->category_flops[c];
      workspace += bench_graph_get_arena_bytes (run->graph) + ids->numel * (gint64) sizeof (gint32);
    }
  if (s->cache != NULL)
    workspace += s->cache_bytes;

  work->flops = sum.flops;
  work->bytes = sum.bytes;
  work->items = self->batch;
  if (self->generates)
    work->tokens = (double) self->batch * self->gen_tokens;
  else if (self->config->seq_len > 0)
    work->tokens = (double) self->batch * self->config->seq_len;
  else
    work->tokens = NAN;
  work->weights_bytes = bench_graph_get_weights_bytes (graph);
  work->workspace_bytes = workspace;
  /* What was really allocated on the device: weights (linear ones in
   * their [K, N] layout, tied ones possibly in both), inputs, the KV
   * cache, one arena shared by the graphs and the im2col workspace. */
  work->device_memory_bytes = self->dev.allocated;

  json_builder_begin_object (builder);
  for (guint c = 0; c < BENCH_OP_N_CATEGORIES; c++)
    {
      json_builder_set_member_name (builder, bench_op_category_to_string (c));
      json_builder_add_double_value (builder, sum.category_flops[c]);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  g_free (work->flops_breakdown_json);
  work->flops_breakdown_json = json_to_string (root, FALSE);
  g_free (work->params_json);
  work->params_json = dup_params_json (self);
}

static gboolean
load_model (BenchOpenclModel  *self,
            GError           **error)
{
  const BenchConfig *config = self->config;
  const BenchModelConfig *preset;

  if (config->model_config != NULL)
    return bench_hf_config_load (config->model_config, &self->model, error);

  preset = bench_model_zoo_get_config (config->workload);
  if (preset == NULL)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_UNKNOWN_WORKLOAD,
                   "Unknown model “%s” for %s", config->workload, self->dev.label);
      return FALSE;
    }
  self->model = *preset;
  return TRUE;
}

BenchExecutable *
bench_opencl_model_new (cl_device_id        device,
                        const char         *device_label,
                        const BenchConfig  *config,
                        GCancellable       *cancellable,
                        GError            **error)
{
  g_autoptr(BenchOpenclModel) self = NULL;
  g_autoptr(BenchGraph) probe = NULL;
  const char *precision;

  g_return_val_if_fail (config != NULL, NULL);

  precision = config->precision != NULL ? config->precision : "fp32";
  if (!g_str_equal (precision, "fp32"))
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "%s in %s is not supported by the opencl backend; its model kernels "
                   "are fp32 only, use fp32",
                   config->workload != NULL ? config->workload : config->model_config, precision);
      return NULL;
    }

  self = g_object_new (BENCH_TYPE_OPENCL_MODEL, NULL);
  self->config = bench_config_copy (config);
  if (!device_init (&self->dev, device, device_label, NULL, 0, error))
    return NULL;
  if (!load_model (self, error))
    return NULL;

  self->generates = self->model.arch == BENCH_MODEL_ARCH_GPT2 || self->model.arch == BENCH_MODEL_ARCH_OPT;
  self->batch = config->batch_size > 0 ? config->batch_size : 1;
  self->seq_len = config->seq_len > 0 ? config->seq_len : self->model.default_seq_len;
  self->gen_tokens = config->gen_tokens > 0 ? config->gen_tokens : 1;
  self->opts.batch = self->batch;
  self->opts.seq_len = config->seq_len > 0 ? config->seq_len : 0;
  self->opts.n_layers = config->n_layers;
  self->opts.input_size = config->input_size;
  self->full_depth = deepest_stack (&self->model);
  if (config->n_layers > 0)
    self->full_depth = MIN (self->full_depth, config->n_layers);

  if (self->generates && self->gen_tokens > 1 &&
      self->model.max_positions > 0 && self->seq_len + self->gen_tokens - 1 > self->model.max_positions)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "%s: a prompt of %d tokens and %d generated tokens exceed its %d positions; "
                   "use a shorter --seq-lens or fewer --gen-tokens",
                   config->workload, self->seq_len, self->gen_tokens, self->model.max_positions);
      return NULL;
    }

  /* The full model's weights, so that a reduced-depth validation uses the
   * same values for the layers it keeps. */
  probe = build_graph (self, config->n_layers,
                       self->generates ? BENCH_MODEL_MODE_PREFILL : BENCH_MODEL_MODE_FORWARD,
                       self->opts.seq_len, 0, error);
  if (probe == NULL)
    return NULL;
  if (config->weights != NULL)
    self->weights = bench_safetensors_load (config->weights, probe, error);
  else
    self->weights = bench_weights_new_random (probe, WEIGHTS_SEED);
  if (self->weights == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (!choose_validation_depth (self, error))
    return NULL;

  self->session = session_new (self, config->n_layers, cancellable, error);
  if (self->session == NULL)
    return NULL;

  fill_work (self);
  return BENCH_EXECUTABLE (g_steal_pointer (&self));
}

const char *
bench_opencl_model_get_validation_scope (BenchOpenclModel *self)
{
  g_return_val_if_fail (BENCH_IS_OPENCL_MODEL (self), NULL);
  return self->validation_scope;
}
