/* bench-opencl-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Models on an OpenCL device, run by the shared BenchModelExecutable
 * (bench-model-executable.c: accounting, the generation loop with its KV
 * cache, validation against the reference) through an op table, as on the
 * CPU and Vulkan backends.
 *
 * BenchOpenclOps turns each BenchGraphBuffers (a graph with its host
 * buffers) into a plan at prepare time: every op becomes one or two kernel
 * launches of kernels/ops.cl (convolutions: im2col into a workspace, then
 * the GEMM) with their arguments set once. Device layout: the graph's
 * planned activation arena is one buffer (each activation at its planned
 * byte offset), shared by every graph of the model since they run one
 * after the other on one in-order queue; every weight is one buffer
 * uploaded once and shared by the graphs (the [N, K] weight of a linear
 * layer is stored transposed, [K, N], so that the GEMM reads rows of B);
 * inputs and constants one buffer each. The op table's kernels do nothing
 * until the graph's last op, which runs the plan: the inputs go up, the
 * launches are enqueued, the outputs come down, one wait.
 *
 * The KV cache of generation: the decode graphs bind their past_key_values
 * inputs to host caches shared by the steps. Each gets one device cache,
 * uploaded once after a prefill (which fills the host cache) and from then
 * on written on the device only by the decode steps' kv_append.
 *
 * BENCHTOP_PROFILE_OPS=1 prints the device time per op kind when the ops
 * are released (each launch then waits: for tuning only).
 */
#include "config.h"

#include <string.h>

#include "bench-error.h"
#include "bench-model-executable.h"
#include "bench-opencl-executable.h"
#include "bench-opencl-model.h"

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
/* ops.cl's GEMV_GROUP_MAX: work-items per output in gemm_gemv_group. */
#define GEMV_GROUP_MAX 64
/* How a graph reads a weight (bench_opencl_ops_prepare()). */
#define USE_ORIGINAL   1
#define USE_TRANSPOSED 2
#define USE_EITHER     4
/* The profile bucket past the op kinds. */
#define PROFILE_IM2COL   BENCH_OP_N_KINDS
#define PROFILE_UNSET    (-1)

/* The device, its queue and programs: what the launches are built from. */
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
  size_t                gemv_group; /* work-items per output of a decode-step linear (1: gemm_small) */
  gint64                allocated; /* bytes of every buffer created */
  /* BENCHTOP_PROFILE_OPS=1: device time per op kind, printed at the end
   * (each launch then waits for its own event: slower, for tuning only). */
  gboolean              profile;
  gint64                profile_ns[BENCH_OP_N_KINDS + 1];
  guint64               profile_graphs;
} Device;

typedef struct
{
  cl_kernel kernel;
  gint      kind;       /* BenchOpKind; PROFILE_IM2COL */
  guint     dim;
  size_t    global[3];
  size_t    local[3];
} Launch;

/* Where each tensor of a graph lives on the device, while its launches are
 * built. */
typedef struct
{
  BenchGraph *graph;
  cl_mem     *mem;        /* per tensor (views: their root's) */
  cl_mem     *mem_t;      /* weights of [N, K] linear layers: a [K, N] copy, else NULL */
  gint64     *off;        /* elements */
  gint64     *mat_stride; /* external storage (a KV cache): elements between matrices */
  GArray     *launches;   /* Launch */
} Layout;

/* A device KV cache, for one host cache (one layer's K or V). */
typedef struct
{
  cl_mem   mem;
  gsize    bytes;
  gboolean stale;   /* the host holds newer rows (after a prefill) */
} DeviceCache;

typedef struct
{
  DeviceCache *cache;
  gpointer     host;
} ExternalBinding;

/* A host tensor and its device place. */
typedef struct
{
  gpointer host;
  cl_mem   mem;
  gsize    offset;   /* bytes */
  gsize    bytes;
} HostCopy;

typedef struct _BenchOpenclOps BenchOpenclOps;

typedef struct
{
  BenchOpenclOps    *ops;
  const BenchOpArgs *first_args;
  guint              n_ops;
  cl_mem             arena;      /* a reference on the ops' arena when built */
  cl_mem             workspace;  /* the same for the im2col workspace */
  GPtrArray         *owned;      /* cl_mem: inputs and constants */
  GArray            *uploads;    /* HostCopy: inputs, every run */
  GArray            *downloads;  /* HostCopy: outputs, every run */
  GArray            *externals;  /* ExternalBinding */
  GArray            *launches;   /* Launch */
} Plan;

struct _BenchOpenclOps
{
  Device        dev;
  BenchOpTable  table;
  GHashTable   *weights;    /* host pointer -> cl_mem */
  GHashTable   *weights_t;  /* host pointer -> cl_mem, [N, K] stored as [K, N] */
  GHashTable   *caches;     /* host pointer -> DeviceCache (not owned) */
  GPtrArray    *all_caches; /* DeviceCache, owned: a plan's stay valid when replaced */
  GHashTable   *op_plans;   /* const BenchOpArgs * -> Plan */
  GPtrArray    *plans;      /* Plan, owned */
  cl_mem        arena;      /* the largest arena so far; grows by replacement */
  gsize         arena_bytes;
  cl_mem        workspace;  /* im2col, likewise */
  gsize         workspace_bytes;
  gint64        last_device_ns;
};

static void bench_opencl_ops_free (BenchOpenclOps *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchOpenclOps, bench_opencl_ops_free)

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
print_profile (Device *dev)
{
  gint64 total = 0;

  for (guint k = 0; k < G_N_ELEMENTS (dev->profile_ns); k++)
    total += dev->profile_ns[k];
  if (dev->profile_graphs == 0 || total == 0)
    return;
  g_printerr ("benchtop: op profile on %s, %" G_GUINT64_FORMAT " graph runs (device ms in all)\n",
              dev->label, dev->profile_graphs);
  for (guint k = 0; k < G_N_ELEMENTS (dev->profile_ns); k++)
    if (dev->profile_ns[k] > 0)
      g_printerr ("  %-16s %10.3f ms %5.1f %%\n",
                  k < BENCH_OP_N_KINDS ? bench_op_kind_to_string (k) : "conv im2col",
                  dev->profile_ns[k] / 1e6, 100.0 * dev->profile_ns[k] / total);
  g_printerr ("  %-16s %10.3f ms\n", "total", total / 1e6);
}

static void
device_clear (Device *dev)
{
  if (dev->profile)
    print_profile (dev);
  if (dev->queue != NULL)
    clFinish (dev->queue);
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

  /* Decode-step linears: a work-group per output on GPUs, a work-item per
   * output on CPUs. BENCHTOP_OPENCL_GEMV=group|item overrides (tests run
   * the GPU form on PoCL with it). */
  dev->gemv_group = 1;
  if (g_strcmp0 (g_getenv ("BENCHTOP_OPENCL_GEMV"), "group") == 0 ||
      (!(type & CL_DEVICE_TYPE_CPU) && g_strcmp0 (g_getenv ("BENCHTOP_OPENCL_GEMV"), "item") != 0))
    while (dev->gemv_group * 2 <= MIN (max_group, GEMV_GROUP_MAX))
      dev->gemv_group *= 2;

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
  const char *kernel = !gemv ? "gemm_ex" : dev->gemv_group > 1 ? "gemm_gemv_group" : "gemm_small";

  if (!builder_start_from (&b, dev, small ? dev->program_small : dev->program, kernel, error))
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
  if (gemv && dev->gemv_group > 1)
    {
      b.l.local[0] = dev->gemv_group;
      b.l.local[1] = b.l.local[2] = 1;
      b.l.global[0] = g->N * dev->gemv_group;
      b.l.global[1] = g->M;
    }
  else if (gemv)
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

#define MEM(i) lay->mem[op->inputs[i]]
#define OFF(i) lay->off[op->inputs[i]]
#define OMEM   lay->mem[op->output]
#define OOFF   lay->off[op->output]

static gboolean
add_op (Device     *dev,
        Layout     *lay,
        cl_mem      workspace,
        guint       index,
        GError    **error)
{
  BenchGraph *graph = lay->graph;
  const BenchOp *op = bench_graph_get_op (graph, index);
  const BenchTensor *in[BENCH_OP_MAX_INPUTS] = { NULL };
  const BenchTensor *out = bench_graph_get_tensor (graph, op->output);
  GArray *ls = lay->launches;
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
        /* A [N, K] weight stored as [K, N] (see bench_opencl_ops_prepare()): rows of
         * B are then contiguous for the tiles. */
        gboolean pre_t = !tw && lay->mem_t[op->inputs[1]] != NULL;
        Gemm g = {
          .M = in[0]->numel / K, .N = N, .K = K, .batch = 1,
          .a = MEM (0), .a_off = OFF (0), .a_mod = 1, .a_rs = K, .a_cs = 1,
          .b = pre_t ? lay->mem_t[op->inputs[1]] : MEM (1), .b_off = pre_t ? 0 : OFF (1),
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
        gint64 bs = lay->mat_stride[op->inputs[1]];
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
        gint64 stride = lay->mat_stride[op->output] > 0 ? lay->mat_stride[op->output] : L * D;

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


/* --- the ops --- */

static void
plan_free (Plan *plan)
{
  if (plan == NULL)
    return;
  g_clear_pointer (&plan->launches, g_array_unref);
  g_clear_pointer (&plan->owned, g_ptr_array_unref);
  g_clear_pointer (&plan->arena, clReleaseMemObject);
  g_clear_pointer (&plan->workspace, clReleaseMemObject);
  g_clear_pointer (&plan->uploads, g_array_unref);
  g_clear_pointer (&plan->downloads, g_array_unref);
  g_clear_pointer (&plan->externals, g_array_unref);
  g_free (plan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Plan, plan_free)

static void
device_cache_free (DeviceCache *cache)
{
  g_clear_pointer (&cache->mem, clReleaseMemObject);
  g_free (cache);
}

static void
bench_opencl_ops_free (BenchOpenclOps *self)
{
  if (self == NULL)
    return;
  /* Nothing may still read or write what is released below. */
  if (self->dev.queue != NULL)
    clFinish (self->dev.queue);
  g_clear_pointer (&self->op_plans, g_hash_table_unref);
  g_clear_pointer (&self->plans, g_ptr_array_unref);
  g_clear_pointer (&self->caches, g_hash_table_unref);
  g_clear_pointer (&self->all_caches, g_ptr_array_unref);
  g_clear_pointer (&self->weights, g_hash_table_unref);
  g_clear_pointer (&self->weights_t, g_hash_table_unref);
  g_clear_pointer (&self->arena, clReleaseMemObject);
  g_clear_pointer (&self->workspace, clReleaseMemObject);
  device_clear (&self->dev);
  g_free (self);
}

static gboolean ocl_kernel (const BenchOpArgs  *args,
                            gpointer            user_data,
                            GError            **error);

/* @shape and @row_group: see bench_opencl_run_graph(). */
static BenchOpenclOps *
bench_opencl_ops_new (cl_device_id                 device,
                      const char                  *label,
                      const BenchOpenclGemmShape  *shape,
                      guint                        row_group,
                      GError                     **error)
{
  g_autoptr(BenchOpenclOps) self = g_new0 (BenchOpenclOps, 1);

  self->weights = g_hash_table_new_full (NULL, NULL, NULL, release_mem);
  self->weights_t = g_hash_table_new_full (NULL, NULL, NULL, release_mem);
  self->caches = g_hash_table_new (NULL, NULL);
  self->all_caches = g_ptr_array_new_with_free_func ((GDestroyNotify) device_cache_free);
  self->op_plans = g_hash_table_new (NULL, NULL);
  self->plans = g_ptr_array_new_with_free_func ((GDestroyNotify) plan_free);
  self->last_device_ns = -1;
  self->table.name = "opencl";
  self->table.user_data = self;
  for (guint k = 0; k < BENCH_OP_N_KINDS; k++)
    self->table.kernels[k] = ocl_kernel;
  if (!device_init (&self->dev, device, label, shape, row_group, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* Device time of the graph run last (ns), or -1: a BenchModelDeviceTimeFunc. */
static gint64
bench_opencl_ops_get_last_device_ns (gpointer user_data)
{
  BenchOpenclOps *self = user_data;

  return self->last_device_ns;
}

/* The shared arena and workspace grow by replacement: plans built on the
 * smaller ones keep theirs. */
static gboolean
ensure_scratch (BenchOpenclOps  *self,
                cl_mem          *mem,
                gsize           *have,
                gsize            bytes,
                const char      *what,
                GError         **error)
{
  cl_mem bigger;

  if (*mem != NULL && *have >= bytes)
    return TRUE;
  if ((bigger = device_buffer (&self->dev, bytes, NULL, what, error)) == NULL)
    return FALSE;
  g_clear_pointer (mem, clReleaseMemObject);
  *mem = bigger;
  *have = bytes;
  return TRUE;
}

static gint
root_of (BenchGraph *graph,
         guint       id)
{
  const BenchTensor *t = bench_graph_get_tensor (graph, id);

  return t->alias_of >= 0 ? t->alias_of : (gint) id;
}

/* Binds the weight @id of @lay, uploading the layouts its uses need (see
 * bench_opencl_ops_prepare()) unless an earlier graph did. */
static gboolean
bind_weight (BenchOpenclOps     *self,
             Layout             *lay,
             BenchGraphBuffers  *buffers,
             guint               id,
             guint8              usage,
             GError            **error)
{
  const BenchTensor *t = bench_graph_get_tensor (lay->graph, id);
  gpointer host = bench_graph_buffers_get_data (buffers, id);
  gsize bytes = t->numel * bench_dtype_size (t->dtype);
  gboolean want_t, want_original;

  lay->mem[id] = g_hash_table_lookup (self->weights, host);
  lay->mem_t[id] = g_hash_table_lookup (self->weights_t, host);
  want_t = (usage & USE_TRANSPOSED) != 0;
  want_original = (usage & USE_ORIGINAL) != 0 ||
                  ((usage & USE_EITHER) != 0 && !want_t && lay->mem_t[id] == NULL);

  if (want_t && lay->mem_t[id] == NULL)
    {
      g_autofree float *tr = transpose (host, t->shape[0], t->shape[1]);

      if ((lay->mem_t[id] = device_buffer (&self->dev, bytes, tr, t->name, error)) == NULL)
        return FALSE;
      g_hash_table_insert (self->weights_t, host, lay->mem_t[id]);
    }
  if (want_original && lay->mem[id] == NULL)
    {
      if ((lay->mem[id] = device_buffer (&self->dev, bytes, host, t->name, error)) == NULL)
        return FALSE;
      g_hash_table_insert (self->weights, host, lay->mem[id]);
    }
  return TRUE;
}

/* An input bound to external storage (a layer's K or V in the shared host
 * cache, [B, h, capacity, d]): the device cache of that host cache. */
static gboolean
bind_cache (BenchOpenclOps     *self,
            Plan               *plan,
            Layout             *lay,
            BenchGraphBuffers  *buffers,
            guint               id,
            gint64              stride,
            GError            **error)
{
  const BenchTensor *t = bench_graph_get_tensor (lay->graph, id);
  gpointer host = bench_graph_buffers_get_data (buffers, id);
  gsize bytes = (gsize) t->shape[0] * t->shape[1] * stride * sizeof (float);
  DeviceCache *cache = g_hash_table_lookup (self->caches, host);
  ExternalBinding e;

  if (cache == NULL || cache->bytes != bytes)
    {
      cache = g_new0 (DeviceCache, 1);
      cache->bytes = bytes;
      cache->stale = TRUE;
      g_ptr_array_add (self->all_caches, cache);
      if ((cache->mem = device_buffer (&self->dev, bytes, NULL, "the KV cache", error)) == NULL)
        return FALSE;
      g_hash_table_insert (self->caches, host, cache);
    }
  lay->mem[id] = cache->mem;
  lay->mat_stride[id] = stride;
  e = (ExternalBinding) { cache, host };
  g_array_append_val (plan->externals, e);
  return TRUE;
}

static void
forget_plan (BenchOpenclOps *self,
             Plan           *plan)
{
  for (guint i = 0; i < plan->n_ops; i++)
    g_hash_table_remove (self->op_plans, plan->first_args + i);
  g_ptr_array_remove (self->plans, plan);
}

/* A BenchModelPrepareFunc: the plan of @buffers (user_data is the ops). */
static gboolean
bench_opencl_ops_prepare (gpointer            user_data,
                          BenchGraphBuffers  *buffers,
                          GError            **error)
{
  BenchOpenclOps *self = user_data;
  Device *dev = &self->dev;
  BenchGraph *graph = bench_graph_buffers_get_graph (buffers);
  guint n = bench_graph_get_n_tensors (graph);
  guint n_ops = bench_graph_get_n_ops (graph), n_outputs;
  const guint *outputs = bench_graph_get_outputs (graph, &n_outputs);
  g_autoptr(Plan) plan = g_new0 (Plan, 1);
  g_autofree guint8 *usage = g_new0 (guint8, n);
  g_autofree gint64 *ext_stride = g_new0 (gint64, n);
  g_autofree cl_mem *mem = g_new0 (cl_mem, n);
  g_autofree cl_mem *mem_t = g_new0 (cl_mem, n);
  g_autofree gint64 *off = g_new0 (gint64, n);
  g_autofree gint64 *mat_stride = g_new0 (gint64, n);
  Layout lay = { graph, mem, mem_t, off, mat_stride, NULL };

  g_return_val_if_fail (n_ops > 0, FALSE);

  plan->ops = self;
  plan->n_ops = n_ops;
  plan->first_args = bench_graph_buffers_get_op_args (buffers, 0);
  plan->owned = g_ptr_array_new_with_free_func (release_mem);
  plan->uploads = g_array_new (FALSE, FALSE, sizeof (HostCopy));
  plan->downloads = g_array_new (FALSE, FALSE, sizeof (HostCopy));
  plan->externals = g_array_new (FALSE, FALSE, sizeof (ExternalBinding));
  plan->launches = g_array_new (FALSE, TRUE, sizeof (Launch));
  g_array_set_clear_func (plan->launches, launch_clear);
  lay.launches = plan->launches;

  /* Buffers freed since their plan was made may hand their addresses to
   * new ones: such a plan is dead. */
  for (guint i = 0; i < n_ops; i++)
    {
      Plan *old = g_hash_table_lookup (self->op_plans, plan->first_args + i);

      if (old != NULL)
        forget_plan (self, old);
    }

  /* How each weight is read: as the [N, K] weight of a linear layer with
   * more rows than the decode path takes (wants the [K, N] copy), of one
   * with fewer (either layout), or otherwise (embedding tables, biases,
   * [K, N] weights: the original). A weight is stored in the layouts its
   * uses need, so that most are on the device once. External storage (a
   * KV cache) shows as a matrix stride on the kv_append that writes it. */
  for (guint i = 0; i < n_ops; i++)
    {
      const BenchOpArgs *a = bench_graph_buffers_get_op_args (buffers, i);
      const BenchOp *op = a->op;

      if (op->kind == BENCH_OP_KV_APPEND && a->in_mat_stride[0] > 0)
        ext_stride[root_of (graph, op->inputs[0])] = a->in_mat_stride[0];
      for (guint j = 0; j < op->n_inputs; j++)
        {
          const BenchTensor *w = bench_graph_get_tensor (graph, op->inputs[j]);
          guint root = root_of (graph, w->id);

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

  if (!ensure_scratch (self, &self->arena, &self->arena_bytes, bench_graph_get_arena_bytes (graph),
                       "the activation arena", error) ||
      !ensure_scratch (self, &self->workspace, &self->workspace_bytes,
                       graph_workspace (graph) * sizeof (float), "the im2col workspace", error))
    return FALSE;
  plan->arena = self->arena;
  clRetainMemObject (plan->arena);
  plan->workspace = self->workspace;
  clRetainMemObject (plan->workspace);

  /* Roots first (a view's root has a smaller id), then views copy theirs. */
  for (guint id = 0; id < n; id++)
    {
      const BenchTensor *t = bench_graph_get_tensor (graph, id);
      gpointer host = bench_graph_buffers_get_data (buffers, id);
      gsize bytes = t->numel * bench_dtype_size (t->dtype);

      if (t->alias_of >= 0)
        {
          mem[id] = mem[t->alias_of];
          mem_t[id] = mem_t[t->alias_of];
          off[id] = off[t->alias_of];
          mat_stride[id] = mat_stride[t->alias_of];
          continue;
        }

      switch (t->role)
        {
        case BENCH_TENSOR_ACTIVATION:
        case BENCH_TENSOR_OUTPUT:
          mem[id] = plan->arena;
          off[id] = t->offset / (gint64) sizeof (float);
          break;

        case BENCH_TENSOR_WEIGHT:
          if (!bind_weight (self, &lay, buffers, id, usage[id], error))
            return FALSE;
          break;

        case BENCH_TENSOR_INPUT:
          if (ext_stride[id] > 0)
            {
              if (!bind_cache (self, plan, &lay, buffers, id, ext_stride[id], error))
                return FALSE;
            }
          else
            {
              HostCopy c = { host, NULL, 0, bytes };

              /* Uploaded by every run: the executable writes the next
               * token's id there. */
              if ((c.mem = device_buffer (dev, bytes, NULL, t->name, error)) == NULL)
                return FALSE;
              g_ptr_array_add (plan->owned, c.mem);
              g_array_append_val (plan->uploads, c);
              mem[id] = c.mem;
            }
          break;

        case BENCH_TENSOR_CONSTANT:
        default:
          if ((mem[id] = device_buffer (dev, bytes, host, t->name, error)) == NULL)
            return FALSE;
          g_ptr_array_add (plan->owned, mem[id]);
          break;
        }
    }

  for (guint i = 0; i < n_ops; i++)
    {
      guint first = plan->launches->len;

      if (!add_op (dev, &lay, plan->workspace, i, error))
        {
          g_prefix_error (error, "Op “%s” of %s on %s: ", bench_graph_get_op (graph, i)->name,
                          bench_graph_get_name (graph), dev->label);
          return FALSE;
        }
      for (guint j = first; j < plan->launches->len; j++)
        if (g_array_index (plan->launches, Launch, j).kind == PROFILE_UNSET)
          g_array_index (plan->launches, Launch, j).kind = bench_graph_get_op (graph, i)->kind;
    }

  for (guint i = 0; i < n_outputs; i++)
    {
      const BenchTensor *t = bench_graph_get_tensor (graph, outputs[i]);
      HostCopy c = { bench_graph_buffers_get_data (buffers, outputs[i]), mem[outputs[i]],
                     off[outputs[i]] * sizeof (float), t->numel * bench_dtype_size (t->dtype) };

      g_array_append_val (plan->downloads, c);
    }

  for (guint i = 0; i < n_ops; i++)
    g_hash_table_insert (self->op_plans, (gpointer) (plan->first_args + i), plan);
  g_ptr_array_add (self->plans, g_steal_pointer (&plan));
  return TRUE;
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


/* --- running --- */

static gint64
event_span (cl_event first,
            cl_event last)
{
  cl_ulong start = 0, end = 0;

  if (first != NULL && last != NULL &&
      clGetEventProfilingInfo (first, CL_PROFILING_COMMAND_START, sizeof start, &start, NULL) == CL_SUCCESS &&
      clGetEventProfilingInfo (last, CL_PROFILING_COMMAND_END, sizeof end, &end, NULL) == CL_SUCCESS &&
      end > start)
    return (gint64) (end - start);
  return -1;
}

static gboolean
enqueue_plan (Plan      *plan,
              cl_event  *first,
              cl_event  *last,
              GError   **error)
{
  BenchOpenclOps *self = plan->ops;
  Device *dev = &self->dev;
  cl_int err;

  if (plan->externals->len == 0)
    {
      /* A graph without a cache (a prefill) starts a new sequence: the
       * host caches will be refilled from its outputs. */
      for (guint i = 0; i < self->all_caches->len; i++)
        ((DeviceCache *) g_ptr_array_index (self->all_caches, i))->stale = TRUE;
    }
  for (guint i = 0; i < plan->externals->len; i++)
    {
      ExternalBinding *e = &g_array_index (plan->externals, ExternalBinding, i);

      if (!e->cache->stale)
        continue;
      err = clEnqueueWriteBuffer (dev->queue, e->cache->mem, CL_FALSE, 0, e->cache->bytes,
                                  e->host, 0, NULL, NULL);
      if (err != CL_SUCCESS)
        {
          bench_opencl_set_error (error, err, dev->label, "uploading the KV cache");
          return FALSE;
        }
      e->cache->stale = FALSE;
    }

  /* The host buffers stay untouched until the wait in plan_run(). */
  for (guint i = 0; i < plan->uploads->len; i++)
    {
      const HostCopy *c = &g_array_index (plan->uploads, HostCopy, i);

      err = clEnqueueWriteBuffer (dev->queue, c->mem, CL_FALSE, c->offset, c->bytes,
                                  c->host, 0, NULL, NULL);
      if (err != CL_SUCCESS)
        {
          bench_opencl_set_error (error, err, dev->label, "uploading the inputs of the model");
          return FALSE;
        }
    }

  if (!enqueue (dev, plan->launches, first, last, error))
    return FALSE;

  for (guint i = 0; i < plan->downloads->len; i++)
    {
      const HostCopy *c = &g_array_index (plan->downloads, HostCopy, i);

      err = clEnqueueReadBuffer (dev->queue, c->mem, CL_FALSE, c->offset, c->bytes,
                                 c->host, 0, NULL, NULL);
      if (err != CL_SUCCESS)
        {
          bench_opencl_set_error (error, err, dev->label, "reading back the outputs of the model");
          return FALSE;
        }
    }
  return TRUE;
}

/* Uploads, launches and downloads, then one wait. */
static gboolean
plan_run (Plan    *plan,
          GError **error)
{
  BenchOpenclOps *self = plan->ops;
  cl_event first = NULL, last = NULL;
  gboolean ok;
  cl_int err;

  self->last_device_ns = -1;
  ok = enqueue_plan (plan, &first, &last, error);
  /* Also after a failure: nothing may still use the host buffers. */
  err = clFinish (self->dev.queue);
  if (ok && err != CL_SUCCESS)
    {
      bench_opencl_set_error (error, err, self->dev.label, "running the model");
      ok = FALSE;
    }
  if (ok)
    {
      /* From the start of the first kernel to the end of the last (a
       * graph of one launch has only the first). */
      self->last_device_ns = event_span (first, last != NULL ? last : first);
      self->dev.profile_graphs++;
    }
  g_clear_pointer (&first, clReleaseEvent);
  g_clear_pointer (&last, clReleaseEvent);
  return ok;
}

/* Every op kind: nothing until the graph's last op, which runs the whole
 * plan. */
static gboolean
ocl_kernel (const BenchOpArgs  *args,
            gpointer            user_data,
            GError            **error)
{
  BenchOpenclOps *self = user_data;
  Plan *plan = g_hash_table_lookup (self->op_plans, args);

  if (plan == NULL)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_FAILED,
                   "The graph was not prepared for %s; prepare it first", self->dev.label);
      return FALSE;
    }
  if (args != plan->first_args + plan->n_ops - 1)
    return TRUE;
  return plan_run (plan, error);
}

/* --- public --- */

gboolean
bench_opencl_run_graph (cl_device_id                 device,
                        const char                  *device_label,
                        const BenchOpenclGemmShape  *shape,
                        guint                        row_group,
                        BenchGraphBuffers           *buffers,
                        GError                     **error)
{
  g_autoptr(BenchOpenclOps) ops = NULL;

  g_return_val_if_fail (buffers != NULL, FALSE);

  if ((ops = bench_opencl_ops_new (device, device_label, shape, row_group, error)) == NULL ||
      !bench_opencl_ops_prepare (ops, buffers, error))
    return FALSE;
  return bench_graph_execute (bench_graph_buffers_get_graph (buffers), &ops->table, buffers, error);
}

BenchExecutable *
bench_opencl_model_new (cl_device_id        device,
                        const char         *device_label,
                        const BenchConfig  *config,
                        GCancellable       *cancellable,
                        GError            **error)
{
  g_autoptr(BenchOpenclOps) ops = NULL;
  BenchExecutable *executable;
  const char *precision;
  gint64 allocated;

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

  if ((ops = bench_opencl_ops_new (device, device_label, NULL, 0, error)) == NULL)
    return NULL;
  /* The executable owns the ops from here on, failure included; the
   * allocation is only read back after success. */
  {
    BenchOpenclOps *weak = ops;

    executable = bench_model_executable_new (config, device_label, &weak->table,
                                             bench_opencl_ops_prepare, g_steal_pointer (&ops),
                                             (GDestroyNotify) bench_opencl_ops_free,
                                             cancellable, error);
    if (executable == NULL)
      return NULL;
    allocated = weak->dev.allocated;
  }
  bench_model_executable_set_device_time_func (BENCH_MODEL_EXECUTABLE (executable),
                                               bench_opencl_ops_get_last_device_ns);
  /* What was really allocated on the device: weights (linear ones in their
   * [K, N] layout, tied ones possibly in both), inputs, the KV caches, one
   * arena shared by the graphs and the im2col workspace. */
  bench_executable_get_work (executable)->device_memory_bytes = allocated;
  return executable;
}
