/* bench-vulkan-graph.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every op kind of bench-graph.h as GLSL compute dispatches (shaders/):
 * linear and matmul on the tiled matrix shader (mm.comp), convolutions as
 * implicit GEMM on the same shader (the im2col matrix is never stored),
 * element-wise, reduction and data-movement ops on small shaders. Shapes
 * travel as push constants, so one pipeline per shader serves every op.
 *
 * The KV cache of generation: decode graphs bind their past_key_values
 * inputs to one host cache shared by the steps (BenchModelExecutable). Here
 * each such host cache gets one device cache, uploaded once after a prefill
 * (which fills it on the host) and from then on written on the device only
 * by the decode steps' kv_append: per step only the token ids go up and
 * the outputs come down.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench-error.h"
#include "bench-vulkan-graph.h"

#define PUSH_WORDS 32
#define N_BINDINGS 4
#define ELEMENTWISE_LOCAL 256
#define MAX_GROUPS 65535u
/* Linear layers on at most this many rows use gemv.comp. */
#define GEMV_MAX_ROWS 4
/* gemv.comp's workgroups: 64 column quads, one K slice (CPU devices,
 * where shared memory is slow and threads are few); or 8 column quads by
 * 32 K slices (GPUs: a decode step's 768 x 2304 weight then spreads over
 * 72 workgroups of 256 invocations instead of 9 workgroups of 64). */
#define GEMV_WX       64
#define GEMV_SPLIT_WX 8
#define GEMV_SPLIT_KS 32

typedef enum
{
  SH_MM,
  SH_MM_SMALL,
  SH_GEMV,
  SH_GEMV_SPLIT,
  SH_CONV,
  SH_UNARY,
  SH_BINARY,
  SH_NORM,
  SH_SOFTMAX,
  SH_EMBEDDING,
  SH_POOL,
  SH_PERMUTE,
  SH_COPY,
  N_SHADERS,
} Shader;

typedef struct
{
  guint32 wx, wy, rm, rn, tk;
} Tile;

typedef struct
{
  BenchVulkanBuffer *buffer;
  VkDeviceSize       offset;
  VkDeviceSize       size;
} Loc;

typedef struct
{
  BenchVulkanBuffer *buffer;
  gsize              bytes;
  gboolean           stale;   /* the host holds newer rows (after a prefill) */
} DeviceCache;

/* A host tensor and its place in the staging buffer (inputs: the same
 * offset in the inputs buffer; outputs: where on the device it is read). */
typedef struct
{
  gpointer           host;
  VkDeviceSize       staging_offset;
  VkDeviceSize       device_offset;
  BenchVulkanBuffer *device;
  gsize              bytes;
} HostCopy;

typedef struct
{
  Shader      shader;
  BenchOpKind kind;   /* of the op it belongs to, for the profile */
  guint32     push[PUSH_WORDS];
  Loc     bind[N_BINDINGS];
  guint32 groups[3];
} Dispatch;

typedef struct
{
  DeviceCache *cache;
  gpointer     host;
} ExternalBinding;

typedef struct
{
  BenchVulkanOps      *ops;
  BenchGraph          *graph;
  const BenchOpArgs   *first_args;
  guint                n_ops;
  BenchVulkanBuffer   *arena;
  BenchVulkanBuffer   *inputs;
  BenchVulkanBuffer   *constants;
  BenchVulkanBuffer   *staging;
  GArray              *uploads;     /* HostCopy */
  GArray              *downloads;   /* HostCopy */
  GArray              *externals;   /* ExternalBinding */
  GArray              *dispatches;  /* Dispatch */
  VkDescriptorPool     pool;
  BenchVulkanCommands *commands;
  VkQueryPool          profile_queries;  /* a timestamp after each dispatch, or none */
  gint64               device_bytes;
} Plan;

/* Pipelines are made once per device and kept for the process, like the
 * contexts: CPU drivers (lavapipe) compile each new pipeline's machine code
 * at its first dispatch, which takes seconds for the matrix shader. */
typedef struct
{
  Tile                   tile;
  Tile                   small_tile;
  guint64                small_max_rows;   /* matrices of at most this many rows use small_tile */
  VkDescriptorSetLayout  set_layout;
  VkPipelineLayout       layout;
  VkPipeline             pipelines[N_SHADERS];
} Shaders;

static GMutex     shaders_mutex;
static GPtrArray *shaders_by_device;   /* Shaders, by context index, never freed */

struct _BenchVulkanOps
{
  BenchVulkanContext    *ctx;
  BenchOpTable           table;
  char                  *impl;
  Tile                   tile;
  Tile                   small_tile;
  guint64                small_max_rows;
  gboolean               gemv_split;   /* SH_GEMV_SPLIT for few rows */
  VkDescriptorSetLayout  set_layout;
  VkPipelineLayout       layout;
  const VkPipeline      *pipelines;
  GHashTable            *weights;    /* host pointer -> BenchVulkanBuffer */
  GHashTable            *weights_t;  /* host pointer -> BenchVulkanBuffer, [N,K] stored as [K,N] */
  GHashTable            *caches;     /* host pointer -> DeviceCache */
  GHashTable            *op_plans;   /* const BenchOpArgs * -> Plan */
  GPtrArray             *plans;      /* Plan, owned */
  gint64                 weights_bytes;
  gint64                 last_device_ns;

  /* BENCHTOP_PROFILE_OPS=1: device time per op kind, from timestamps
   * around every dispatch, printed when the ops are freed. */
  gboolean               profile;
  gdouble                profile_ns[BENCH_OP_N_KINDS];
  guint64                profile_dispatches[BENCH_OP_N_KINDS];
  guint64                profile_graphs;
};

static void
device_cache_free (DeviceCache *cache)
{
  g_clear_pointer (&cache->buffer, bench_vulkan_buffer_free);
  g_free (cache);
}

static void
plan_free (Plan *plan)
{
  if (plan == NULL)
    return;
  g_clear_pointer (&plan->commands, bench_vulkan_commands_free);
  if (plan->profile_queries != VK_NULL_HANDLE)
    vkDestroyQueryPool (plan->ops->ctx->device, plan->profile_queries, NULL);
  if (plan->pool != VK_NULL_HANDLE)
    vkDestroyDescriptorPool (plan->ops->ctx->device, plan->pool, NULL);
  g_clear_pointer (&plan->arena, bench_vulkan_buffer_free);
  g_clear_pointer (&plan->inputs, bench_vulkan_buffer_free);
  g_clear_pointer (&plan->constants, bench_vulkan_buffer_free);
  g_clear_pointer (&plan->staging, bench_vulkan_buffer_free);
  g_clear_pointer (&plan->uploads, g_array_unref);
  g_clear_pointer (&plan->downloads, g_array_unref);
  g_clear_pointer (&plan->externals, g_array_unref);
  g_clear_pointer (&plan->dispatches, g_array_unref);
  g_clear_pointer (&plan->graph, bench_graph_unref);
  g_free (plan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Plan, plan_free)

static void
print_profile (BenchVulkanOps *self)
{
  double total = 0;

  for (guint k = 0; k < BENCH_OP_N_KINDS; k++)
    total += self->profile_ns[k];
  if (self->profile_graphs == 0 || total <= 0)
    return;
  fprintf (stderr, "benchtop: vulkan:%u device time per op kind over %" G_GUINT64_FORMAT " graph runs (ms)\n",
           self->ctx->index, self->profile_graphs);
  for (guint k = 0; k < BENCH_OP_N_KINDS; k++)
    if (self->profile_dispatches[k] > 0)
      fprintf (stderr, "  %-16s %10.3f ms %5.1f %%  %8" G_GUINT64_FORMAT " dispatches\n",
               bench_op_kind_to_string (k), self->profile_ns[k] / 1e6,
               100.0 * self->profile_ns[k] / total, self->profile_dispatches[k]);
  fprintf (stderr, "  %-16s %10.3f ms\n", "total", total / 1e6);
}

void
bench_vulkan_ops_free (BenchVulkanOps *self)
{
  if (self == NULL)
    return;

  if (self->profile)
    print_profile (self);

  g_clear_pointer (&self->op_plans, g_hash_table_unref);
  g_clear_pointer (&self->plans, g_ptr_array_unref);
  g_clear_pointer (&self->weights, g_hash_table_unref);
  g_clear_pointer (&self->weights_t, g_hash_table_unref);
  g_clear_pointer (&self->caches, g_hash_table_unref);
  g_free (self->impl);
  g_free (self);
}

/* --- pipelines --- */

/* Every model shader's pipeline shares the one layout of @self. */
static gboolean
create_pipeline (BenchVulkanContext *ctx,
                 Shaders            *self,
                 Shader              which,
                 const char         *shader,
                 const guint32      *spec,
                 guint               n_spec,
                 GError            **error)
{
  return bench_vulkan_create_compute_pipeline (ctx, shader, self->layout, spec, n_spec,
                                               &self->pipelines[which], error);
}

static gboolean
tile_fits (const VkPhysicalDeviceLimits *limits,
           const Tile                   *t)
{
  return t->wx * t->wy <= limits->maxComputeWorkGroupInvocations &&
         t->wx <= limits->maxComputeWorkGroupSize[0] &&
         t->wy <= limits->maxComputeWorkGroupSize[1] &&
         (guint64) t->tk * (t->wy * t->rm + t->wx * t->rn) * 4 <= limits->maxComputeSharedMemorySize;
}

static gboolean
vk_kernel (const BenchOpArgs  *args,
           gpointer            user_data,
           GError            **error);

static void
shaders_free (Shaders            *self,
              BenchVulkanContext *ctx)
{
  for (guint i = 0; i < N_SHADERS; i++)
    if (self->pipelines[i] != VK_NULL_HANDLE)
      vkDestroyPipeline (ctx->device, self->pipelines[i], NULL);
  if (self->layout != VK_NULL_HANDLE)
    vkDestroyPipelineLayout (ctx->device, self->layout, NULL);
  if (self->set_layout != VK_NULL_HANDLE)
    vkDestroyDescriptorSetLayout (ctx->device, self->set_layout, NULL);
  g_free (self);
}

static Shaders *
shaders_new (BenchVulkanContext  *ctx,
             gboolean             gpu_tiles,
             GError             **error)
{
  Shaders *self = g_new0 (Shaders, 1);
  const VkPhysicalDeviceLimits *limits = &ctx->props.limits;

  /* The tiles of the gemm workload (see bench-vulkan-executable.c): large
   * register blocks on CPU devices; a skinny tile for few rows (decode
   * steps, classifier heads) where a 128-row tile would be mostly idle. */
  self->tile = !gpu_tiles ? (Tile) { 4, 8, 16, 16, 8 } : (Tile) { 16, 16, 4, 4, 16 };
  if (!tile_fits (limits, &self->tile))
    self->tile = (Tile) { 16, 8, 8, 4, 16 };
  /* Measured on lavapipe: tall register blocks matter most, and one row
   * of 8 invocations of 8x16 each (an 8x128 tile) is as fast as the 128x64
   * tile on large matrices, so it serves every matrix of fewer than 128
   * rows (prefill logits, decode steps) without padding them to 128. */
  if (!gpu_tiles)
    {
      self->small_tile = (Tile) { 8, 1, 8, 16, 8 };
      self->small_max_rows = 127;
    }
  else
    {
      self->small_tile = (Tile) { 16, 8, 1, 4, 16 };
      self->small_max_rows = 8;
    }
  if (!tile_fits (limits, &self->tile) || !tile_fits (limits, &self->small_tile))
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "vulkan:%u (%s) is too small for the model shaders' workgroups",
                   ctx->index, ctx->props.deviceName);
      shaders_free (self, ctx);
      return NULL;
    }

  if (!bench_vulkan_create_layouts (ctx, NULL, N_BINDINGS, PUSH_WORDS * sizeof (guint32),
                                    "the model shaders", &self->set_layout, &self->layout, error))
    {
      shaders_free (self, ctx);
      return NULL;
    }

  {
    guint32 mm[6] = { self->tile.wx, self->tile.wy, self->tile.rm, self->tile.rn, self->tile.tk, 0 };
    guint32 small[6] = { self->small_tile.wx, self->small_tile.wy, self->small_tile.rm,
                         self->small_tile.rn, self->small_tile.tk, 0 };
    guint32 conv[6] = { self->tile.wx, self->tile.wy, self->tile.rm, self->tile.rn, self->tile.tk, 1 };
    guint32 gemv[2] = { GEMV_WX, 1 };
    guint32 gemv_split[2] = { GEMV_SPLIT_WX, GEMV_SPLIT_KS };

    if (!create_pipeline (ctx, self, SH_MM, "mm", mm, 6, error) ||
        !create_pipeline (ctx, self, SH_MM_SMALL, "mm", small, 6, error) ||
        !create_pipeline (ctx, self, SH_CONV, "mm", conv, 6, error) ||
        !create_pipeline (ctx, self, SH_GEMV, "gemv", gemv, 2, error) ||
        !create_pipeline (ctx, self, SH_GEMV_SPLIT, "gemv", gemv_split, 2, error) ||
        !create_pipeline (ctx, self, SH_UNARY, "unary", NULL, 0, error) ||
        !create_pipeline (ctx, self, SH_BINARY, "binary", NULL, 0, error) ||
        !create_pipeline (ctx, self, SH_NORM, "norm", NULL, 0, error) ||
        !create_pipeline (ctx, self, SH_SOFTMAX, "softmax", NULL, 0, error) ||
        !create_pipeline (ctx, self, SH_EMBEDDING, "embedding", NULL, 0, error) ||
        !create_pipeline (ctx, self, SH_POOL, "pool", NULL, 0, error) ||
        !create_pipeline (ctx, self, SH_PERMUTE, "permute", NULL, 0, error) ||
        !create_pipeline (ctx, self, SH_COPY, "copy", NULL, 0, error))
      {
        shaders_free (self, ctx);
        return NULL;
      }
  }

  return self;
}

/* The shaders of a device, made once per process: GPU tiles on GPUs, CPU
 * tiles on CPU implementations; BENCHTOP_VULKAN_TILES=gpu|cpu overrides
 * (the tests run the GPU tiles on lavapipe with it). */
static const Shaders *
shaders_get (BenchVulkanContext  *ctx,
             GError             **error)
{
  const char *env = g_getenv ("BENCHTOP_VULKAN_TILES");
  gboolean gpu_tiles = g_strcmp0 (env, "gpu") == 0 ? TRUE
                     : g_strcmp0 (env, "cpu") == 0 ? FALSE
                     : ctx->props.deviceType != VK_PHYSICAL_DEVICE_TYPE_CPU;
  guint slot = ctx->index * 2 + (gpu_tiles ? 1 : 0);
  Shaders *shaders = NULL;

  g_mutex_lock (&shaders_mutex);
  if (shaders_by_device == NULL)
    shaders_by_device = g_ptr_array_new ();
  if (slot < shaders_by_device->len)
    shaders = g_ptr_array_index (shaders_by_device, slot);
  if (shaders == NULL)
    {
      g_autoptr(GError) local_error = NULL;

      shaders = shaders_new (ctx, gpu_tiles, &local_error);
      if (shaders == NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        {
          if (shaders_by_device->len <= slot)
            g_ptr_array_set_size (shaders_by_device, slot + 1);
          g_ptr_array_index (shaders_by_device, slot) = shaders;
        }
    }
  g_mutex_unlock (&shaders_mutex);
  return shaders;
}

BenchVulkanOps *
bench_vulkan_ops_new (BenchVulkanContext  *ctx,
                      GError             **error)
{
  g_autoptr(BenchVulkanOps) self = g_new0 (BenchVulkanOps, 1);
  const Shaders *shaders;

  if ((shaders = shaders_get (ctx, error)) == NULL)
    return NULL;

  self->ctx = ctx;
  self->tile = shaders->tile;
  self->small_tile = shaders->small_tile;
  self->small_max_rows = shaders->small_max_rows;
  /* BENCHTOP_VULKAN_GEMV=split|simple overrides the choice (tests run the
   * GPU variant on lavapipe with it). */
  if (g_strcmp0 (g_getenv ("BENCHTOP_VULKAN_GEMV"), "split") == 0)
    self->gemv_split = TRUE;
  else if (g_strcmp0 (g_getenv ("BENCHTOP_VULKAN_GEMV"), "simple") == 0)
    self->gemv_split = FALSE;
  else
    self->gemv_split = ctx->props.deviceType != VK_PHYSICAL_DEVICE_TYPE_CPU;
  self->set_layout = shaders->set_layout;
  self->layout = shaders->layout;
  self->pipelines = shaders->pipelines;
  self->last_device_ns = -1;
  self->profile = g_strcmp0 (g_getenv ("BENCHTOP_PROFILE_OPS"), "1") == 0 &&
                  ctx->timestamp_valid_bits > 0;
  self->table.name = "vulkan";
  self->table.user_data = self;
  for (guint k = 0; k < BENCH_OP_N_KINDS; k++)
    self->table.kernels[k] = vk_kernel;
  self->weights = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) bench_vulkan_buffer_free);
  self->weights_t = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) bench_vulkan_buffer_free);
  self->caches = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) device_cache_free);
  self->op_plans = g_hash_table_new (NULL, NULL);
  self->plans = g_ptr_array_new_with_free_func ((GDestroyNotify) plan_free);
  self->impl = g_strdup_printf ("GLSL compute graph: tiled SGEMM %ux%u (%ux%u invocations) "
                                "for linear/matmul, implicit-GEMM convolution, one command "
                                "buffer per graph",
                                self->tile.wy * self->tile.rm, self->tile.wx * self->tile.rn,
                                self->tile.wx, self->tile.wy);
  return g_steal_pointer (&self);
}

const BenchOpTable *
bench_vulkan_ops_get_table (BenchVulkanOps *self)
{
  return &self->table;
}

gint64
bench_vulkan_ops_get_last_device_ns (BenchVulkanOps *self)
{
  return self->last_device_ns;
}

gint64
bench_vulkan_ops_get_device_bytes (BenchVulkanOps *self)
{
  gint64 total = self->weights_bytes;
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; i < self->plans->len; i++)
    total += ((Plan *) g_ptr_array_index (self->plans, i))->device_bytes;
  g_hash_table_iter_init (&iter, self->caches);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    total += ((DeviceCache *) value)->bytes;
  return total;
}

const char *
bench_vulkan_ops_get_impl (BenchVulkanOps *self)
{
  return self->impl;
}

/* --- building a plan --- */

static gsize
round_up (gsize n,
          gsize to)
{
  return (n + to - 1) / to * to;
}

static gsize
tensor_bytes (const BenchTensor *t)
{
  return (gsize) t->numel * bench_dtype_size (t->dtype);
}

static gint
root_of (BenchGraph *graph,
         guint       id)
{
  const BenchTensor *t = bench_graph_get_tensor (graph, id);

  return t->alias_of >= 0 ? t->alias_of : (gint) id;
}

typedef struct
{
  Plan              *plan;
  BenchGraph        *graph;
  BenchGraphBuffers *buffers;
  Loc               *locs;       /* per root tensor id */
  gint64            *ext_stride; /* per tensor id: external matrix stride, 0 otherwise */
  VkDeviceSize       max_range;
  VkDeviceSize       align;
  BenchOpKind        kind;       /* of the op being built */
} Builder;

static gboolean
check_loc (Builder            *b,
           const BenchOp      *op,
           const Loc          *loc,
           const BenchTensor  *t,
           GError            **error)
{
  if (loc->size > b->max_range || loc->offset % b->align != 0)
    {
      g_autofree char *size = g_format_size_full (loc->size, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *max = g_format_size_full (b->max_range, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "Op “%s” (%s) of %s: tensor “%s” (%s) does not fit one storage binding of "
                   "vulkan:%u (%s): at most %s, offsets aligned to %" G_GUINT64_FORMAT " bytes; "
                   "use a smaller batch, sequence or model",
                   op->name, bench_op_kind_to_string (op->kind), bench_graph_get_name (b->graph),
                   t->name, size, b->plan->ops->ctx->index, b->plan->ops->ctx->props.deviceName,
                   max, (guint64) b->align);
      return FALSE;
    }
  return TRUE;
}

static BenchVulkanBuffer *weight_buffer (BenchVulkanOps     *self,
                                         const BenchTensor  *t,
                                         const void         *host,
                                         GError            **error);

/* The binding of a tensor: its root's storage. */
static gboolean
loc_of (Builder        *b,
        const BenchOp  *op,
        guint           id,
        gboolean        check,
        Loc            *loc,
        GError        **error)
{
  gint root = root_of (b->graph, id);
  const BenchTensor *rt = bench_graph_get_tensor (b->graph, root);

  if (b->locs[root].buffer == NULL && rt->role == BENCH_TENSOR_WEIGHT)
    {
      b->locs[root].buffer = weight_buffer (b->plan->ops, rt,
                                            bench_graph_buffers_get_data (b->buffers, root), error);
      if (b->locs[root].buffer == NULL)
        return FALSE;
    }
  *loc = b->locs[root];
  g_assert (loc->buffer != NULL);
  if (check && !check_loc (b, op, loc, bench_graph_get_tensor (b->graph, id), error))
    return FALSE;
  return TRUE;
}

static Dispatch *
add_dispatch (Builder *b,
              Shader   shader,
              const Loc *out)
{
  Dispatch d = { .shader = shader, .kind = b->kind };

  for (guint i = 0; i < N_BINDINGS; i++)
    d.bind[i] = *out;   /* unused bindings point somewhere valid */
  d.groups[0] = d.groups[1] = d.groups[2] = 1;
  g_array_append_val (b->plan->dispatches, d);
  return &g_array_index (b->plan->dispatches, Dispatch, b->plan->dispatches->len - 1);
}

/* Workgroups for @n items (invocations or rows), folded into 2-D. */
static void
set_groups (Dispatch *d,
            guint64   n,
            guint     per_group)
{
  guint64 total = MAX ((n + per_group - 1) / per_group, 1);

  d->groups[0] = MIN (total, MAX_GROUPS);
  d->groups[1] = (total + d->groups[0] - 1) / d->groups[0];
}

static guint32
fbits (float f)
{
  guint32 u;

  memcpy (&u, &f, sizeof u);
  return u;
}

static gboolean
too_large (Builder        *b,
           const BenchOp  *op,
           guint64         n,
           guint64         limit,
           const char     *what,
           GError        **error)
{
  if (n <= limit)
    return FALSE;
  g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
               "Op “%s” (%s) of %s: %s of %" G_GUINT64_FORMAT " exceeds the %" G_GUINT64_FORMAT
               " the vulkan shaders handle; use a smaller batch or sequence",
               op->name, bench_op_kind_to_string (op->kind), bench_graph_get_name (b->graph),
               what, n, limit);
  return TRUE;
}

static void
mm_groups (Builder  *b,
           Dispatch *d,
           guint64   M,
           guint64   N,
           guint64   batch)
{
  const Tile *t = d->shader == SH_MM_SMALL ? &b->plan->ops->small_tile : &b->plan->ops->tile;

  d->groups[0] = (N + t->wx * t->rn - 1) / (t->wx * t->rn);
  d->groups[1] = (M + t->wy * t->rm - 1) / (t->wy * t->rm);
  d->groups[2] = batch;
}

/* A linear weight W [N, K] stored transposed, as slices of @rows_per rows
 * each written as a [K, rows] block: the matrix shader then reads B along
 * N, which is several times faster than along K on CPU devices. Made once
 * per weight, at prepare. */
static BenchVulkanBuffer *
weight_buffer_t (BenchVulkanOps  *self,
                 gint64          *device_bytes,
                 const float     *host,
                 guint64          N,
                 guint64          K,
                 guint64          rows_per,
                 GError         **error)
{
  BenchVulkanBuffer *buffer = g_hash_table_lookup (self->weights_t, host);
  g_autofree float *t = NULL;
  gsize bytes = N * K * sizeof (float);

  if (buffer != NULL && buffer->size >= bytes)
    return buffer;
  if ((t = g_try_malloc (bytes)) == NULL)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_FAILED,
                   "cannot allocate %" G_GSIZE_FORMAT " bytes on the host to transpose a weight", bytes);
      return NULL;
    }
  for (guint64 n0 = 0; n0 < N; n0 += rows_per)
    {
      guint64 nc = MIN (rows_per, N - n0);
      float *block = t + n0 * K;

      for (guint64 n = 0; n < nc; n++)
        for (guint64 k = 0; k < K; k++)
          block[k * nc + n] = host[(n0 + n) * K + k];
    }
  if ((buffer = bench_vulkan_buffer_new (self->ctx, bytes, error)) == NULL)
    return NULL;
  if (!bench_vulkan_buffer_upload (buffer, t, bytes, error))
    {
      bench_vulkan_buffer_free (buffer);
      return NULL;
    }
  *device_bytes += bytes;
  g_hash_table_replace (self->weights_t, (gpointer) host, buffer);
  return buffer;
}

static gboolean
build_linear (Builder            *b,
              const BenchOpArgs  *a,
              GError            **error)
{
  const BenchOp *op = a->op;
  const BenchTensor *w = a->in[1];
  gboolean tw = op->p.linear.transpose_w;
  guint64 K = tw ? w->shape[0] : w->shape[1];
  guint64 N = tw ? w->shape[1] : w->shape[0];
  guint64 M = a->in[0]->numel / K;
  gboolean has_bias = op->n_inputs > 2;
  Loc x, wl = { 0 }, bias, out;
  guint64 rows_per = N, step;

  if (!loc_of (b, op, op->inputs[0], TRUE, &x, error) ||
      !loc_of (b, op, op->output, TRUE, &out, error))
    return FALSE;
  if (tw && !loc_of (b, op, op->inputs[1], FALSE, &wl, error))
    return FALSE;
  wl.size = tensor_bytes (w);
  if (has_bias && !loc_of (b, op, op->inputs[2], TRUE, &bias, error))
    return FALSE;
  if (too_large (b, op, M, (guint64) MAX_GROUPS * 4, "rows", error))
    return FALSE;

  /* A weight larger than one binding (a tied 50k-token embedding used as
   * the LM head) is multiplied in slices of whole output columns. */
  if (wl.size > b->max_range)
    {
      if (tw)
        return check_loc (b, op, &wl, w, error);
      /* Slice offsets stay aligned for the device, and slices a whole
       * number of vec4s wide (the shader's fast path). */
      step = b->align / MAX (1, (guint64) 1 << __builtin_ctzll (K * 4 | b->align));
      step = MAX (step, 4);
      rows_per = b->max_range / (K * 4);
      rows_per -= rows_per % step;
      if (rows_per == 0)
        return check_loc (b, op, &wl, w, error);
    }
  if (!tw)
    {
      wl.buffer = weight_buffer_t (b->plan->ops, &b->plan->ops->weights_bytes,
                                   bench_graph_buffers_get_data (b->buffers, op->inputs[1]),
                                   N, K, rows_per, error);
      if (wl.buffer == NULL)
        return FALSE;
      wl.offset = 0;
    }

  for (guint64 n0 = 0; n0 < N; n0 += rows_per)
    {
      guint64 nc = MIN (rows_per, N - n0);
      /* A few rows (a decode step): read the weight once, as a GEMV. */
      Shader shader = M <= GEMV_MAX_ROWS ? (b->plan->ops->gemv_split ? SH_GEMV_SPLIT : SH_GEMV)
                      : M <= b->plan->ops->small_max_rows ? SH_MM_SMALL : SH_MM;
      Dispatch *d = add_dispatch (b, shader, &out);
      Loc ws = wl;

      if (rows_per < N)
        {
          ws.offset += n0 * K * 4;
          ws.size = nc * K * 4;
        }
      d->bind[0] = x;
      d->bind[1] = ws;
      if (has_bias)
        d->bind[2] = bias;
      d->push[0] = M;
      d->push[1] = nc;
      d->push[2] = K;
      d->push[3] = 1;
      d->push[4] = 0;   /* B is [K, N] now, either way */
      d->push[5] = fbits (1.0f);
      d->push[6] = has_bias ? 1 : 0;
      d->push[7] = N;
      d->push[8] = n0;
      d->push[26] = nc % 4 == 0;
      if (shader == SH_GEMV)
        set_groups (d, (nc + 3) / 4, GEMV_WX);
      else if (shader == SH_GEMV_SPLIT)
        set_groups (d, (nc + 3) / 4, GEMV_SPLIT_WX);
      else
        mm_groups (b, d, M, nc, 1);
    }
  return TRUE;
}

static gboolean
build_matmul (Builder            *b,
              const BenchOpArgs  *a,
              GError            **error)
{
  const BenchOp *op = a->op;
  const BenchTensor *ta = a->in[0], *out_t = a->out;
  guint nd = ta->n_dims;
  guint64 M = ta->shape[nd - 2], K = ta->shape[nd - 1], N = out_t->shape[nd - 1];
  guint64 batch = out_t->numel / (M * N);
  Loc A, B, out;
  Dispatch *d;

  if (!loc_of (b, op, op->inputs[0], TRUE, &A, error) ||
      !loc_of (b, op, op->inputs[1], TRUE, &B, error) ||
      !loc_of (b, op, op->output, TRUE, &out, error))
    return FALSE;
  if (too_large (b, op, batch, b->plan->ops->ctx->props.limits.maxComputeWorkGroupCount[2],
                 "batch of matrices", error))
    return FALSE;

  d = add_dispatch (b, M <= b->plan->ops->small_max_rows ? SH_MM_SMALL : SH_MM, &out);
  d->bind[0] = A;
  d->bind[1] = B;
  d->push[0] = M;
  d->push[1] = N;
  d->push[2] = K;
  d->push[3] = 1;
  d->push[4] = op->p.matmul.transpose_b;
  d->push[5] = fbits (op->p.matmul.alpha);
  d->push[6] = 0;
  d->push[7] = N;
  d->push[8] = 0;
  d->push[9] = M * K;
  d->push[11] = a->in_mat_stride[1] > 0 ? (guint64) a->in_mat_stride[1] : K * N;
  d->push[13] = M * N;
  d->push[26] = !op->p.matmul.transpose_b && N % 4 == 0 && d->push[11] % 4 == 0;
  mm_groups (b, d, M, N, batch);
  return TRUE;
}

static gboolean
build_conv (Builder            *b,
            const BenchOpArgs  *a,
            GError            **error)
{
  const BenchOp *op = a->op;
  const BenchTensor *x = a->in[0], *w = a->in[1], *o = a->out;
  gboolean is_2d = op->kind == BENCH_OP_CONV2D;
  guint64 Bn = x->shape[0], C = x->shape[1];
  guint64 H = is_2d ? x->shape[2] : 1, W = is_2d ? x->shape[3] : x->shape[2];
  guint64 O = w->shape[0], Cg = w->shape[1];
  guint64 KH = is_2d ? w->shape[2] : 1, KW = is_2d ? w->shape[3] : w->shape[2];
  guint64 Ho = is_2d ? o->shape[2] : 1, Wo = is_2d ? o->shape[3] : o->shape[2];
  guint64 G = op->p.conv.groups, Og = O / G;
  guint64 M = Og, N = Ho * Wo, K = Cg * KH * KW;
  gboolean has_bias = op->n_inputs > 2;
  Loc xl, wl, bias, out;
  Dispatch *d;

  if (!loc_of (b, op, op->inputs[0], TRUE, &xl, error) ||
      !loc_of (b, op, op->inputs[1], TRUE, &wl, error) ||
      !loc_of (b, op, op->output, TRUE, &out, error))
    return FALSE;
  if (has_bias && !loc_of (b, op, op->inputs[2], TRUE, &bias, error))
    return FALSE;
  if (too_large (b, op, Bn * G, b->plan->ops->ctx->props.limits.maxComputeWorkGroupCount[2],
                 "batch times groups", error))
    return FALSE;

  d = add_dispatch (b, SH_CONV, &out);
  d->bind[0] = wl;
  d->bind[1] = xl;
  if (has_bias)
    d->bind[2] = bias;
  d->push[0] = M;
  d->push[1] = N;
  d->push[2] = K;
  d->push[3] = G;
  d->push[4] = 0;
  d->push[5] = fbits (1.0f);
  d->push[6] = has_bias ? 2 : 0;
  d->push[7] = N;
  d->push[8] = 0;
  d->push[9] = 0;
  d->push[10] = Og * K;
  d->push[11] = C * H * W;
  d->push[12] = Cg * H * W;
  d->push[13] = O * N;
  d->push[14] = Og * N;
  d->push[15] = 0;
  d->push[16] = Og;
  d->push[17] = H;
  d->push[18] = W;
  d->push[19] = KH;
  d->push[20] = KW;
  d->push[21] = is_2d ? op->p.conv.stride[0] : 1;
  d->push[22] = op->p.conv.stride[0];
  d->push[23] = is_2d ? op->p.conv.padding[0] : 0;
  d->push[24] = op->p.conv.padding[0];
  d->push[25] = Wo;
  mm_groups (b, d, M, N, Bn * G);
  return TRUE;
}

static gboolean
build_simple (Builder            *b,
              const BenchOpArgs  *a,
              Shader              shader,
              guint               n_bind,
              Dispatch          **out_d,
              GError            **error)
{
  const BenchOp *op = a->op;
  Loc out;
  Dispatch *d;

  if (!loc_of (b, op, op->output, TRUE, &out, error))
    return FALSE;
  d = add_dispatch (b, shader, &out);
  for (guint i = 0; i < n_bind && i < op->n_inputs; i++)
    if (!loc_of (b, op, op->inputs[i], TRUE, &d->bind[i], error))
      return FALSE;
  *out_d = d;
  return TRUE;
}

static gboolean
build_copy (Builder            *b,
            const BenchOp      *op,
            guint               src,
            guint64             outer,
            guint64             len,
            guint64             src_off,
            guint64             src_stride,
            guint64             src_mod,
            guint64             dst_off,
            guint64             dst_stride,
            GError            **error)
{
  Loc in, out;
  Dispatch *d;

  if (!loc_of (b, op, src, TRUE, &in, error) ||
      !loc_of (b, op, op->output, TRUE, &out, error))
    return FALSE;
  d = add_dispatch (b, SH_COPY, &out);
  d->bind[0] = in;
  d->push[0] = outer;
  d->push[1] = len;
  d->push[2] = src_off;
  d->push[3] = src_stride;
  d->push[4] = MAX (src_mod, 1);
  d->push[5] = dst_off;
  d->push[6] = dst_stride;
  set_groups (d, outer * len, ELEMENTWISE_LOCAL);
  return TRUE;
}

static void
outer_inner (const BenchTensor *t,
             guint              axis,
             guint64           *outer,
             guint64           *inner)
{
  *outer = 1;
  *inner = 1;
  for (guint i = 0; i < axis; i++)
    *outer *= t->shape[i];
  for (guint i = axis + 1; i < t->n_dims; i++)
    *inner *= t->shape[i];
}

static gboolean
build_op (Builder            *b,
          const BenchOpArgs  *a,
          GError            **error)
{
  const BenchOp *op = a->op;
  const BenchTensor *out_t = a->out;
  Dispatch *d = NULL;

  b->kind = op->kind;
  switch (op->kind)
    {
    case BENCH_OP_LINEAR:
      return build_linear (b, a, error);

    case BENCH_OP_MATMUL:
      return build_matmul (b, a, error);

    case BENCH_OP_CONV1D:
    case BENCH_OP_CONV2D:
      return build_conv (b, a, error);

    case BENCH_OP_ADD:
    case BENCH_OP_MUL:
      if (!build_simple (b, a, SH_BINARY, 2, &d, error))
        return FALSE;
      d->push[0] = out_t->numel;
      d->push[1] = a->in[1]->numel;
      d->push[2] = op->kind == BENCH_OP_MUL;
      set_groups (d, out_t->numel, ELEMENTWISE_LOCAL);
      return TRUE;

    case BENCH_OP_GELU:
    case BENCH_OP_RELU:
    case BENCH_OP_SILU:
    case BENCH_OP_TANH:
      if (!build_simple (b, a, SH_UNARY, 1, &d, error))
        return FALSE;
      d->push[0] = out_t->numel;
      switch (op->kind)
        {
        case BENCH_OP_GELU:
          d->push[1] = op->p.gelu.kind == BENCH_GELU_TANH ? 1 : op->p.gelu.kind == BENCH_GELU_QUICK ? 2 : 0;
          break;
        case BENCH_OP_RELU: d->push[1] = 3; break;
        case BENCH_OP_SILU: d->push[1] = 4; break;
        default: d->push[1] = 5; break;
        }
      set_groups (d, out_t->numel, ELEMENTWISE_LOCAL);
      return TRUE;

    case BENCH_OP_LAYER_NORM:
    case BENCH_OP_RMS_NORM:
    case BENCH_OP_GROUP_NORM:
      {
        guint64 n, rows;

        if (!build_simple (b, a, SH_NORM, 3, &d, error))
          return FALSE;
        if (op->kind == BENCH_OP_GROUP_NORM)
          {
            guint64 C = out_t->shape[1], L = out_t->shape[2], G = op->p.norm.groups;

            rows = out_t->shape[0] * G;
            n = C / G * L;
            d->push[2] = G;
            d->push[3] = C / G;
            d->push[4] = L;
          }
        else
          {
            n = out_t->shape[out_t->n_dims - 1];
            rows = out_t->numel / n;
            d->push[2] = 1;
            d->push[3] = 0;
            d->push[4] = 1;
          }
        d->push[0] = rows;
        d->push[1] = n;
        d->push[5] = fbits (op->p.norm.eps);
        d->push[6] = op->kind == BENCH_OP_RMS_NORM;
        d->push[7] = op->kind == BENCH_OP_GROUP_NORM || (op->kind == BENCH_OP_LAYER_NORM && op->n_inputs > 2);
        set_groups (d, rows, 1);
        return TRUE;
      }

    case BENCH_OP_SOFTMAX:
      {
        guint nd = out_t->n_dims;
        guint64 Lk = out_t->shape[nd - 1];
        guint64 Lq = nd >= 2 ? out_t->shape[nd - 2] : 1;
        guint64 rows = out_t->numel / Lk;

        if (!build_simple (b, a, SH_SOFTMAX, op->p.softmax.mask == BENCH_MASK_PADDING ? 2 : 1, &d, error))
          return FALSE;
        d->push[0] = rows;
        d->push[1] = Lk;
        d->push[2] = Lq;
        d->push[3] = nd == 4 ? out_t->shape[1] * Lq : rows;
        d->push[4] = op->p.softmax.mask == BENCH_MASK_CAUSAL ? 1 : op->p.softmax.mask == BENCH_MASK_PADDING ? 2 : 0;
        d->push[5] = fbits (op->p.softmax.scale);
        set_groups (d, rows, 1);
        return TRUE;
      }

    case BENCH_OP_EMBEDDING:
      {
        const BenchTensor *table = a->in[1];
        guint64 V = table->shape[0], H = table->shape[1];
        guint64 rows_per = V, step;
        Loc ids, tl, out;

        if (!loc_of (b, op, op->inputs[0], TRUE, &ids, error) ||
            !loc_of (b, op, op->inputs[1], FALSE, &tl, error) ||
            !loc_of (b, op, op->output, TRUE, &out, error))
          return FALSE;
        /* Tables larger than one binding are gathered slice by slice. */
        if (tl.size > b->max_range)
          {
            step = b->align / MAX (1, (guint64) 1 << __builtin_ctzll (H * 4 | b->align));
            rows_per = b->max_range / (H * 4);
            rows_per -= rows_per % MAX (step, 1);
            if (rows_per == 0)
              return check_loc (b, op, &tl, table, error);
          }
        for (guint64 r0 = 0; r0 < V; r0 += rows_per)
          {
            guint64 rc = MIN (rows_per, V - r0);
            Loc ts = tl;

            ts.offset += r0 * H * 4;
            ts.size = rc * H * 4;
            d = add_dispatch (b, SH_EMBEDDING, &out);
            d->bind[0] = ids;
            d->bind[1] = ts;
            d->push[0] = out_t->numel;
            d->push[1] = H;
            d->push[2] = r0;
            d->push[3] = r0 + rc;
            d->push[4] = V;
            d->push[5] = r0 == 0;
            set_groups (d, out_t->numel, ELEMENTWISE_LOCAL);
          }
        return TRUE;
      }

    case BENCH_OP_MAX_POOL2D:
    case BENCH_OP_AVG_POOL2D:
    case BENCH_OP_GLOBAL_AVG_POOL:
      {
        const BenchTensor *x = a->in[0];

        if (!build_simple (b, a, SH_POOL, 1, &d, error))
          return FALSE;
        d->push[0] = out_t->numel;
        d->push[1] = x->shape[2];
        d->push[2] = x->shape[3];
        if (op->kind == BENCH_OP_GLOBAL_AVG_POOL)
          d->push[8] = 2;
        else
          {
            d->push[3] = out_t->shape[2];
            d->push[4] = out_t->shape[3];
            d->push[5] = op->p.pool.kernel;
            d->push[6] = op->p.pool.stride;
            d->push[7] = op->p.pool.padding;
            d->push[8] = op->kind == BENCH_OP_AVG_POOL2D;
          }
        set_groups (d, out_t->numel, ELEMENTWISE_LOCAL);
        return TRUE;
      }

    case BENCH_OP_RESHAPE:
      /* A view of its input's storage: nothing to do. */
      return TRUE;

    case BENCH_OP_PERMUTE:
      {
        const BenchTensor *x = a->in[0];
        guint nd = x->n_dims, pad = BENCH_GRAPH_MAX_DIMS - nd;
        guint64 in_stride[BENCH_GRAPH_MAX_DIMS];

        if (!build_simple (b, a, SH_PERMUTE, 1, &d, error))
          return FALSE;
        in_stride[nd - 1] = 1;
        for (gint i = nd - 2; i >= 0; i--)
          in_stride[i] = in_stride[i + 1] * x->shape[i + 1];
        d->push[0] = out_t->numel;
        for (guint i = 0; i < BENCH_GRAPH_MAX_DIMS; i++)
          {
            d->push[1 + i] = i < pad ? 1 : out_t->shape[i - pad];
            d->push[5 + i] = i < pad ? 0 : in_stride[op->p.permute.perm[i - pad]];
          }
        set_groups (d, out_t->numel, ELEMENTWISE_LOCAL);
        return TRUE;
      }

    case BENCH_OP_SLICE:
      {
        guint axis = op->p.slice.axis;
        guint64 outer, inner, len = op->p.slice.length, full = a->in[0]->shape[axis];

        outer_inner (a->in[0], axis, &outer, &inner);
        return build_copy (b, op, op->inputs[0], outer, len * inner, op->p.slice.start * inner,
                           full * inner, outer, 0, len * inner, error);
      }

    case BENCH_OP_CONCAT:
      {
        guint axis = op->p.concat.axis;
        guint64 outer, inner, outer_a, outer_b;
        guint64 la = a->in[0]->shape[axis], lb = a->in[1]->shape[axis];

        outer_inner (out_t, axis, &outer, &inner);
        outer_inner (a->in[0], axis, &outer_a, &inner);
        outer_inner (a->in[1], axis, &outer_b, &inner);
        return build_copy (b, op, op->inputs[0], outer, la * inner, 0, la * inner, outer_a,
                           0, (la + lb) * inner, error) &&
               build_copy (b, op, op->inputs[1], outer, lb * inner, 0, lb * inner, outer_b,
                           la * inner, (la + lb) * inner, error);
      }

    case BENCH_OP_KV_APPEND:
      {
        const BenchTensor *c = a->in[0], *x = a->in[1];
        guint64 BH = c->shape[0] * c->shape[1], L = c->shape[2], D = c->shape[3], Tn = x->shape[2];
        guint64 stride = a->out_mat_stride > 0 ? (guint64) a->out_mat_stride : L * D;

        return build_copy (b, op, op->inputs[1], BH, Tn * D, 0, Tn * D, BH,
                           op->p.kv.position * D, stride, error);
      }

    case BENCH_OP_N_KINDS:
    default:
      break;
    }

  g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
               "The vulkan executor has no kernel for op kind “%s” (op “%s” of %s)",
               bench_op_kind_to_string (op->kind), op->name, bench_graph_get_name (b->graph));
  return FALSE;
}

static BenchVulkanBuffer *
new_device_buffer (Plan        *plan,
                   gsize        bytes,
                   GError     **error)
{
  plan->device_bytes += bytes;
  return bench_vulkan_buffer_new (plan->ops->ctx, MAX (bytes, 4), error);
}

/* Host memory for a weight: the same pointer in every graph of a model
 * (BenchWeights), so each is uploaded once. */
static BenchVulkanBuffer *
weight_buffer (BenchVulkanOps     *self,
               const BenchTensor  *t,
               const void         *host,
               GError            **error)
{
  BenchVulkanBuffer *buffer = g_hash_table_lookup (self->weights, host);
  gsize bytes = tensor_bytes (t);

  if (buffer != NULL && buffer->size >= bytes)
    return buffer;
  if ((buffer = bench_vulkan_buffer_new (self->ctx, MAX (bytes, 4), error)) == NULL)
    return NULL;
  if (!bench_vulkan_buffer_upload (buffer, host, bytes, error))
    {
      bench_vulkan_buffer_free (buffer);
      return NULL;
    }
  self->weights_bytes += bytes;
  g_hash_table_replace (self->weights, (gpointer) host, buffer);
  return buffer;
}

static gboolean
record (Plan    *plan,
        gsize    inputs_bytes,
        GError **error)
{
  BenchVulkanOps *ops = plan->ops;
  VkDevice device = ops->ctx->device;
  guint n = plan->dispatches->len;
  g_autofree VkDescriptorSet *sets = g_new0 (VkDescriptorSet, MAX (n, 1));
  VkCommandBufferBeginInfo begin = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO };
  VkCommandBuffer cmd;
  VkPipeline bound = VK_NULL_HANDLE;
  VkResult r;

  if (n > 0)
    {
      g_autofree char *what = g_strdup_printf ("%u dispatches of %s", n, bench_graph_get_name (plan->graph));

      if (!bench_vulkan_alloc_descriptor_sets (device, ops->set_layout, n, N_BINDINGS,
                                               &plan->pool, sets, what, error))
        return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      const Dispatch *d = &g_array_index (plan->dispatches, Dispatch, i);
      VkDescriptorBufferInfo infos[N_BINDINGS];
      VkWriteDescriptorSet writes[N_BINDINGS];

      for (guint j = 0; j < N_BINDINGS; j++)
        {
          infos[j] = (VkDescriptorBufferInfo) { d->bind[j].buffer->buffer, d->bind[j].offset,
                                                MAX (d->bind[j].size, 4) };
          writes[j] = (VkWriteDescriptorSet) {
            .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
            .dstSet = sets[i],
            .dstBinding = j,
            .descriptorCount = 1,
            .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
            .pBufferInfo = &infos[j],
          };
        }
      vkUpdateDescriptorSets (device, N_BINDINGS, writes, 0, NULL);
    }

  if ((plan->commands = bench_vulkan_commands_new (ops->ctx, error)) == NULL)
    return FALSE;
  cmd = plan->commands->cmd;
  if (ops->profile && n > 0)
    {
      VkQueryPoolCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
        .queryType = VK_QUERY_TYPE_TIMESTAMP,
        .queryCount = n + 1,
      };

      if ((r = vkCreateQueryPool (device, &info, NULL, &plan->profile_queries)) != VK_SUCCESS)
        {
          bench_vulkan_set_error (error, r, "vkCreateQueryPool on vulkan:%u", ops->ctx->index);
          return FALSE;
        }
    }
  if ((r = vkBeginCommandBuffer (cmd, &begin)) != VK_SUCCESS)
    {
      bench_vulkan_set_error (error, r, "vkBeginCommandBuffer on vulkan:%u", ops->ctx->index);
      return FALSE;
    }
  if (plan->commands->queries != VK_NULL_HANDLE)
    {
      vkCmdResetQueryPool (cmd, plan->commands->queries, 0, 2);
      vkCmdWriteTimestamp (cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, plan->commands->queries, 0);
    }
  if (plan->profile_queries != VK_NULL_HANDLE)
    vkCmdResetQueryPool (cmd, plan->profile_queries, 0, n + 1);

  if (inputs_bytes > 0)
    {
      VkBufferCopy region = { 0, 0, inputs_bytes };
      VkMemoryBarrier barrier = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
        .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
        .dstAccessMask = VK_ACCESS_SHADER_READ_BIT,
      };

      vkCmdCopyBuffer (cmd, plan->staging->buffer, plan->inputs->buffer, 1, &region);
      vkCmdPipelineBarrier (cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                            0, 1, &barrier, 0, NULL, 0, NULL);
    }

  for (guint i = 0; i < n; i++)
    {
      const Dispatch *d = &g_array_index (plan->dispatches, Dispatch, i);
      VkPipeline pipeline = ops->pipelines[d->shader];

      if (i > 0)
        {
          VkMemoryBarrier barrier = {
            .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
            .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
            .dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT,
          };

          vkCmdPipelineBarrier (cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                                VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &barrier, 0, NULL, 0, NULL);
        }
      if (pipeline != bound)
        {
          vkCmdBindPipeline (cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
          bound = pipeline;
        }
      if (i == 0 && plan->profile_queries != VK_NULL_HANDLE)
        vkCmdWriteTimestamp (cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, plan->profile_queries, 0);
      vkCmdBindDescriptorSets (cmd, VK_PIPELINE_BIND_POINT_COMPUTE, ops->layout, 0, 1, &sets[i], 0, NULL);
      vkCmdPushConstants (cmd, ops->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof d->push, d->push);
      vkCmdDispatch (cmd, d->groups[0], d->groups[1], d->groups[2]);
      if (plan->profile_queries != VK_NULL_HANDLE)
        vkCmdWriteTimestamp (cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, plan->profile_queries, i + 1);
    }

  {
    VkMemoryBarrier barrier = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT,
    };

    vkCmdPipelineBarrier (cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                          0, 1, &barrier, 0, NULL, 0, NULL);
  }
  for (guint i = 0; i < plan->downloads->len; i++)
    {
      const HostCopy *c = &g_array_index (plan->downloads, HostCopy, i);
      VkBufferCopy region = { c->device_offset, c->staging_offset, c->bytes };

      vkCmdCopyBuffer (cmd, c->device->buffer, plan->staging->buffer, 1, &region);
    }
  if (plan->commands->queries != VK_NULL_HANDLE)
    vkCmdWriteTimestamp (cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, plan->commands->queries, 1);
  if ((r = vkEndCommandBuffer (cmd)) != VK_SUCCESS)
    {
      bench_vulkan_set_error (error, r, "vkEndCommandBuffer on vulkan:%u", ops->ctx->index);
      return FALSE;
    }
  return TRUE;
}

static void
forget_plan (BenchVulkanOps *self,
             Plan           *plan)
{
  for (guint i = 0; i < plan->n_ops; i++)
    g_hash_table_remove (self->op_plans, plan->first_args + i);
  g_ptr_array_remove (self->plans, plan);
}

gboolean
bench_vulkan_ops_prepare (gpointer            user_data,
                          BenchGraphBuffers  *buffers,
                          GError            **error)
{
  BenchVulkanOps *self = user_data;
  BenchVulkanContext *ctx = self->ctx;
  BenchGraph *graph = bench_graph_buffers_get_graph (buffers);
  guint n_tensors = bench_graph_get_n_tensors (graph);
  guint n_ops = bench_graph_get_n_ops (graph), n_outputs;
  const guint *outputs = bench_graph_get_outputs (graph, &n_outputs);
  g_autoptr(Plan) plan = g_new0 (Plan, 1);
  g_autofree Loc *locs = g_new0 (Loc, n_tensors);
  g_autofree gint64 *ext_stride = g_new0 (gint64, n_tensors);
  gsize inputs_bytes = 0, constants_bytes = 0, staging_bytes;
  Builder b = { plan, graph, buffers, locs, ext_stride,
                ctx->props.limits.maxStorageBufferRange,
                MAX (ctx->props.limits.minStorageBufferOffsetAlignment, 4) };

  g_return_val_if_fail (n_ops > 0, FALSE);

  plan->ops = self;
  plan->graph = bench_graph_ref (graph);
  plan->n_ops = n_ops;
  plan->first_args = bench_graph_buffers_get_op_args (buffers, 0);
  plan->uploads = g_array_new (FALSE, FALSE, sizeof (HostCopy));
  plan->downloads = g_array_new (FALSE, FALSE, sizeof (HostCopy));
  plan->externals = g_array_new (FALSE, FALSE, sizeof (ExternalBinding));
  plan->dispatches = g_array_new (FALSE, FALSE, sizeof (Dispatch));

  /* Buffers freed since their plan was made may hand their addresses to
   * new ones: such a plan is dead. */
  for (guint i = 0; i < n_ops; i++)
    {
      Plan *old = g_hash_table_lookup (self->op_plans, plan->first_args + i);

      if (old != NULL)
        forget_plan (self, old);
    }

  /* External storage (a shared KV cache) shows as a matrix stride on the
   * kv_append that writes it. */
  for (guint i = 0; i < n_ops; i++)
    {
      const BenchOpArgs *a = bench_graph_buffers_get_op_args (buffers, i);

      if (a->op->kind == BENCH_OP_KV_APPEND && a->in_mat_stride[0] > 0)
        ext_stride[root_of (graph, a->op->inputs[0])] = a->in_mat_stride[0];
    }

  /* Layout: inputs packed in one buffer (mirrored at the start of the
   * staging buffer), constants in another, activations at their planned
   * offsets in the arena. */
  for (guint i = 0; i < n_tensors; i++)
    {
      const BenchTensor *t = bench_graph_get_tensor (graph, i);

      if (t->alias_of >= 0)
        continue;
      if (t->role == BENCH_TENSOR_INPUT && ext_stride[i] == 0)
        {
          HostCopy c = { bench_graph_buffers_get_data (buffers, i), inputs_bytes, inputs_bytes,
                         NULL, tensor_bytes (t) };

          locs[i].offset = inputs_bytes;
          locs[i].size = tensor_bytes (t);
          g_array_append_val (plan->uploads, c);
          inputs_bytes += round_up (tensor_bytes (t), BENCH_GRAPH_ALIGNMENT);
        }
      else if (t->role == BENCH_TENSOR_CONSTANT)
        {
          locs[i].offset = constants_bytes;
          locs[i].size = tensor_bytes (t);
          constants_bytes += round_up (tensor_bytes (t), BENCH_GRAPH_ALIGNMENT);
        }
    }

  if ((plan->arena = new_device_buffer (plan, bench_graph_get_arena_bytes (graph), error)) == NULL ||
      (plan->inputs = new_device_buffer (plan, inputs_bytes, error)) == NULL ||
      (plan->constants = new_device_buffer (plan, constants_bytes, error)) == NULL)
    return FALSE;

  for (guint i = 0; i < n_tensors; i++)
    {
      const BenchTensor *t = bench_graph_get_tensor (graph, i);
      gpointer host = bench_graph_buffers_get_data (buffers, i);

      if (t->alias_of >= 0)
        continue;
      switch (t->role)
        {
        case BENCH_TENSOR_INPUT:
          if (ext_stride[i] > 0)
            {
              /* [B, h, capacity, d] */
              gsize bytes = (gsize) t->shape[0] * t->shape[1] * ext_stride[i] * sizeof (float);
              DeviceCache *cache = g_hash_table_lookup (self->caches, host);
              ExternalBinding e;

              if (cache == NULL || cache->bytes != bytes)
                {
                  cache = g_new0 (DeviceCache, 1);
                  cache->bytes = bytes;
                  cache->stale = TRUE;
                  if ((cache->buffer = bench_vulkan_buffer_new (ctx, bytes, error)) == NULL)
                    {
                      device_cache_free (cache);
                      return FALSE;
                    }
                  g_hash_table_replace (self->caches, host, cache);
                }
              locs[i] = (Loc) { cache->buffer, 0, bytes };
              e = (ExternalBinding) { cache, host };
              g_array_append_val (plan->externals, e);
            }
          else
            locs[i].buffer = plan->inputs;
          break;

        case BENCH_TENSOR_WEIGHT:
          /* Uploaded when an op binds it (loc_of()): a linear weight is
           * only needed transposed. */
          locs[i].offset = 0;
          locs[i].size = tensor_bytes (t);
          break;

        case BENCH_TENSOR_CONSTANT:
          locs[i].buffer = plan->constants;
          break;

        case BENCH_TENSOR_ACTIVATION:
        case BENCH_TENSOR_OUTPUT:
        default:
          locs[i] = (Loc) { plan->arena, t->offset, tensor_bytes (t) };
          break;
        }
    }

  /* Constants are graph data: uploaded once, through a temporary block. */
  if (constants_bytes > 0)
    {
      g_autofree guint8 *block = g_malloc0 (constants_bytes);

      for (guint i = 0; i < n_tensors; i++)
        {
          const BenchTensor *t = bench_graph_get_tensor (graph, i);

          if (t->alias_of < 0 && t->role == BENCH_TENSOR_CONSTANT)
            memcpy (block + locs[i].offset, bench_graph_buffers_get_data (buffers, i), tensor_bytes (t));
        }
      if (!bench_vulkan_buffer_upload (plan->constants, block, constants_bytes, error))
        return FALSE;
    }

  for (guint i = 0; i < n_ops; i++)
    if (!build_op (&b, bench_graph_buffers_get_op_args (buffers, i), error))
      return FALSE;

  /* Outputs come back through the staging buffer, after the inputs. */
  staging_bytes = inputs_bytes;
  for (guint i = 0; i < n_outputs; i++)
    {
      const BenchTensor *t = bench_graph_get_tensor (graph, outputs[i]);
      Loc loc = locs[root_of (graph, outputs[i])];
      HostCopy c = { bench_graph_buffers_get_data (buffers, outputs[i]), staging_bytes,
                     loc.offset, loc.buffer, tensor_bytes (t) };

      g_array_append_val (plan->downloads, c);
      staging_bytes += round_up (tensor_bytes (t), BENCH_GRAPH_ALIGNMENT);
    }
  if ((plan->staging = bench_vulkan_buffer_new_host (ctx, MAX (staging_bytes, 4), error)) == NULL)
    return FALSE;
  plan->device_bytes += staging_bytes;

  if (!record (plan, inputs_bytes, error))
    return FALSE;

  for (guint i = 0; i < n_ops; i++)
    g_hash_table_insert (self->op_plans, (gpointer) (plan->first_args + i), plan);
  g_ptr_array_add (self->plans, g_steal_pointer (&plan));
  return TRUE;
}

/* --- running --- */

static gboolean
plan_run (Plan    *plan,
          GError **error)
{
  BenchVulkanOps *self = plan->ops;
  guint8 *staging = plan->staging->mapped;
  gint64 device_ns = -1;

  if (plan->externals->len == 0)
    {
      /* A graph without a cache (a prefill) starts a new sequence: the
       * host caches will be refilled from its outputs. */
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->caches);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        ((DeviceCache *) value)->stale = TRUE;
    }
  for (guint i = 0; i < plan->externals->len; i++)
    {
      ExternalBinding *e = &g_array_index (plan->externals, ExternalBinding, i);

      if (e->cache->stale)
        {
          if (!bench_vulkan_buffer_upload (e->cache->buffer, e->host, e->cache->bytes, error))
            return FALSE;
          e->cache->stale = FALSE;
        }
    }

  for (guint i = 0; i < plan->uploads->len; i++)
    {
      const HostCopy *c = &g_array_index (plan->uploads, HostCopy, i);

      memcpy (staging + c->staging_offset, c->host, c->bytes);
    }
  if (!bench_vulkan_commands_run_sync (plan->commands, &device_ns, error))
    return FALSE;
  for (guint i = 0; i < plan->downloads->len; i++)
    {
      const HostCopy *c = &g_array_index (plan->downloads, HostCopy, i);

      memcpy (c->host, staging + c->staging_offset, c->bytes);
    }
  self->last_device_ns = device_ns > 0 ? device_ns : -1;

  if (plan->profile_queries != VK_NULL_HANDLE)
    {
      guint n = plan->dispatches->len;
      g_autofree guint64 *stamps = g_new0 (guint64, n + 1);
      double period = self->ctx->props.limits.timestampPeriod;

      if (vkGetQueryPoolResults (self->ctx->device, plan->profile_queries, 0, n + 1,
                                 (n + 1) * sizeof (guint64), stamps, sizeof (guint64),
                                 VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT) == VK_SUCCESS)
        {
          for (guint i = 0; i < n; i++)
            {
              const Dispatch *d = &g_array_index (plan->dispatches, Dispatch, i);

              self->profile_ns[d->kind] += (stamps[i + 1] - stamps[i]) * period;
              self->profile_dispatches[d->kind]++;
            }
          self->profile_graphs++;
        }
    }
  return TRUE;
}

/* Every op kind: nothing until the graph's last op, which runs the whole
 * recorded graph (one submission, one wait). */
static gboolean
vk_kernel (const BenchOpArgs  *args,
           gpointer            user_data,
           GError            **error)
{
  BenchVulkanOps *self = user_data;
  Plan *plan = g_hash_table_lookup (self->op_plans, args);

  if (plan == NULL)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_FAILED,
                   "The graph was not prepared for vulkan:%u; call bench_vulkan_ops_prepare() first",
                   self->ctx->index);
      return FALSE;
    }
  if (args != plan->first_args + plan->n_ops - 1)
    return TRUE;
  return plan_run (plan, error);
}
