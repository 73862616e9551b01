/* bench-vulkan-executable.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * gemm, stream-triad, peak-flops, the transfer and dispatch micro-benchmarks
 * as Vulkan commands. The command buffer is recorded once in prepare(); each
 * run() submits it and waits on a fence, and reads the device time from the
 * timestamps written around the work. Catalog models go through
 * BenchModelExecutable with the op table of bench-vulkan-graph.c.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-error.h"
#include "bench-model-executable.h"
#include "bench-workload.h"
#include "bench-vulkan-context.h"
#include "bench-vulkan-executable.h"
#include "bench-vulkan-graph.h"

#define GEMM_DEFAULT_SIZE   1024
#define TRIAD_DEFAULT_BYTES (G_GINT64_CONSTANT (256) * 1024 * 1024)
/* C is checked in full up to this many entries, sampled above. */
#define GEMM_FULL_CHECK     (512 * 512)
#define GEMM_SAMPLES        4096
#define TRIAD_SCALAR        3.0f
#define PEAK_ACC            8      /* vec4 chains per invocation (shader spec constant 0) */
#define PEAK_LOCAL_SIZE     64     /* peak.comp local_size_x */
/* Workgroups: enough to fill a CPU's SIMD lanes (lavapipe), and enough
 * warps to hide FMA latency on every multiprocessor of a large GPU. */
#define PEAK_GROUPS_CPU     256
#define PEAK_GROUPS_GPU     8192
#define PEAK_X              0.5f
#define PEAK_Y              1.0f
#define PEAK_MAX_ITERS      (1u << 22)
/* How long one peak-flops run() should take. */
#define PEAK_TARGET_SECONDS 0.03
#define TRANSFER_DEFAULT_BYTES (G_GINT64_CONSTANT (64) * 1024 * 1024)

typedef struct
{
  guint32 n;
  float   s;
} TriadPush;

typedef enum
{
  KIND_GEMM,
  KIND_TRIAD,
  KIND_PEAK,
  KIND_H2D,
  KIND_D2H,
  KIND_DISPATCH,
} Kind;

struct _BenchVulkanExecutable
{
  BenchExecutable      parent_instance;

  Kind                 kind;
  char                *impl;
  gboolean             has_run;
  BenchVulkanContext  *ctx;   /* owned by the process-wide cache */

  gint64               n;     /* gemm: side; triad: floats per array */
  BenchVulkanBuffer   *a;
  BenchVulkanBuffer   *b;
  BenchVulkanBuffer   *c;
  BenchVulkanBuffer   *staging;   /* transfers: the host side, pinned */
  VkBufferView         views[2];  /* gemm-texel: A and B as texel buffers */
  float               *host_a; /* gemm inputs kept for the reference */
  float               *host_b;

  TriadPush           *triad_push;   /* one per dispatch, referenced while recording */
  guint32              peak_iters;
  guint32              peak_groups;
  guint32              peak_invocations;

  BenchVulkanPipeline *pipeline;
  BenchVulkanCommands *commands;
};

G_DEFINE_FINAL_TYPE (BenchVulkanExecutable, bench_vulkan_executable, BENCH_TYPE_EXECUTABLE)

static void
bench_vulkan_executable_finalize (GObject *object)
{
  BenchVulkanExecutable *self = (BenchVulkanExecutable *)object;

  /* Nothing may still be executing: every run() waited on its fence. */
  g_clear_pointer (&self->commands, bench_vulkan_commands_free);
  g_clear_pointer (&self->pipeline, bench_vulkan_pipeline_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->views); i++)
    if (self->views[i] != VK_NULL_HANDLE)
      vkDestroyBufferView (self->ctx->device, self->views[i], NULL);
  g_clear_pointer (&self->a, bench_vulkan_buffer_free);
  g_clear_pointer (&self->b, bench_vulkan_buffer_free);
  g_clear_pointer (&self->c, bench_vulkan_buffer_free);
  g_clear_pointer (&self->staging, bench_vulkan_buffer_free);
  g_clear_pointer (&self->host_a, g_free);
  g_clear_pointer (&self->host_b, g_free);
  g_clear_pointer (&self->impl, g_free);
  g_clear_pointer (&self->triad_push, g_free);

  G_OBJECT_CLASS (bench_vulkan_executable_parent_class)->finalize (object);
}

static gboolean
bench_vulkan_executable_run (BenchExecutable  *executable,
                             BenchIteration   *iteration,
                             GError          **error)
{
  BenchVulkanExecutable *self = BENCH_VULKAN_EXECUTABLE (executable);
  gint64 device_ns = -1;

  if (!bench_vulkan_commands_run_sync (self->commands, &device_ns, error))
    return FALSE;

  iteration->device_ns = device_ns > 0 ? device_ns : -1;
  self->has_run = TRUE;
  return TRUE;
}

/* Reads a device buffer: straight from the mapping, or through staging. */
static float *
read_buffer (BenchVulkanBuffer  *buffer,
             gsize               bytes,
             float             **owned,
             GError            **error)
{
  if (buffer->mapped != NULL)
    return buffer->mapped;

  *owned = g_try_malloc (bytes);
  if (*owned == NULL)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_FAILED,
                   "cannot allocate %zu bytes on the host to validate the result", bytes);
      return NULL;
    }
  if (!bench_vulkan_buffer_download (buffer, *owned, bytes, error))
    return NULL;

  return *owned;
}

static void
check_gemm_entry (BenchVulkanExecutable *self,
                  const float           *c,
                  gint64                 i,
                  gint64                 j,
                  double                *max_abs,
                  double                *max_rel)
{
  gint64 n = self->n;
  double ref = 0.0, mag = 0.0, err;

  for (gint64 k = 0; k < n; k++)
    {
      double p = (double) self->host_a[i * n + k] * self->host_b[k * n + j];

      ref += p;
      mag += fabs (p);
    }

  err = fabs ((double) c[i * n + j] - ref);
  *max_abs = MAX (*max_abs, err);
  /* Relative to the sum of magnitudes: the scale rounding errors of a
   * dot product grow with, even where the sum itself cancels to ~0. */
  *max_rel = MAX (*max_rel, err / MAX (mag, DBL_MIN));
}

static gboolean
bench_vulkan_executable_validate (BenchExecutable        *executable,
                                  BenchValidationReport  *report,
                                  GError                **error)
{
  BenchVulkanExecutable *self = BENCH_VULKAN_EXECUTABLE (executable);
  g_autofree float *owned = NULL;
  double max_abs = 0.0, max_rel = 0.0, tolerance;
  const float *out;

  if (!self->has_run)
    return TRUE;

  switch (self->kind)
    {
    case KIND_GEMM:
      {
        gint64 n = self->n;

        if ((out = read_buffer (self->c, n * n * sizeof (float), &owned, error)) == NULL)
          return FALSE;
        if (n * n <= GEMM_FULL_CHECK)
          {
            for (gint64 i = 0; i < n; i++)
              for (gint64 j = 0; j < n; j++)
                check_gemm_entry (self, out, i, j, &max_abs, &max_rel);
          }
        else
          {
            /* Fixed seed: the same entries every time, corners included. */
            g_autoptr(GRand) rand = g_rand_new_with_seed (7);

            check_gemm_entry (self, out, 0, 0, &max_abs, &max_rel);
            check_gemm_entry (self, out, n - 1, n - 1, &max_abs, &max_rel);
            for (guint s = 0; s < GEMM_SAMPLES; s++)
              check_gemm_entry (self, out, g_rand_int_range (rand, 0, n),
                                g_rand_int_range (rand, 0, n), &max_abs, &max_rel);
          }
        /* A loose form of the classic gamma_n bound for fp32 dot products. */
        tolerance = MAX (n, 16) * (double) FLT_EPSILON;
      }
      break;

    case KIND_TRIAD:
      if ((out = read_buffer (self->a, self->n * sizeof (float), &owned, error)) == NULL)
        return FALSE;
      for (gint64 i = 0; i < self->n; i++)
        {
          /* Inputs are small multiples of 1/4: the result is exact. */
          double b = 1.0 + (i % 7) * 0.5;
          double c = 2.0 + (i % 5) * 0.25;
          double ref = b + (double) TRIAD_SCALAR * c;
          double err = fabs (out[i] - ref);

          max_abs = MAX (max_abs, err);
          max_rel = MAX (max_rel, err / fabs (ref));
        }
      tolerance = FLT_EPSILON;
      break;

    case KIND_PEAK:
      {
        guint count = self->peak_invocations * PEAK_ACC * 4;
        float ref[PEAK_ACC * 4];

        /* Every invocation runs the same chains: compute each once on the
         * host, rounded the same way. */
        for (guint e = 0; e < PEAK_ACC * 4; e++)
          {
            float acc = (float) (e / 4) + 0.25f * (e % 4);

            for (guint32 it = 0; it < self->peak_iters; it++)
              {
                acc = fmaf (acc, PEAK_X, PEAK_Y);
                if (acc == 2.0f * PEAK_Y)
                  break;   /* the fixed point: further steps change nothing */
              }
            ref[e] = acc;
          }

        if ((out = read_buffer (self->a, count * sizeof (float), &owned, error)) == NULL)
          return FALSE;
        for (guint e = 0; e < count; e++)
          {
            float acc = ref[e % (PEAK_ACC * 4)];
            double err = fabs ((double) out[e] - acc);

            max_abs = MAX (max_abs, err);
            max_rel = MAX (max_rel, err / fabs (acc));
          }
        tolerance = 4 * (double) FLT_EPSILON;
      }
      break;

    case KIND_H2D:
    case KIND_D2H:
      {
        /* The copied bytes, once: every word is its own index. */
        gint64 n = self->n / sizeof (guint32);
        g_autofree guint32 *owned_words = NULL;
        const guint32 *words;
        gint64 bad = 0;

        if (self->kind == KIND_D2H)
          words = self->staging->mapped;
        else
          {
            owned_words = g_try_malloc (self->n);
            if (owned_words == NULL)
              {
                g_set_error (error, BENCH_ERROR, BENCH_ERROR_FAILED,
                             "cannot allocate %" G_GINT64_FORMAT " bytes on the host to check the copy", self->n);
                return FALSE;
              }
            if (!bench_vulkan_buffer_download (self->a, owned_words, self->n, error))
              return FALSE;
            words = owned_words;
          }
        for (gint64 i = 0; i < n; i++)
          if (words[i] != (guint32) i)
            bad++;
        max_abs = bad;
        max_rel = n > 0 ? (double) bad / n : 0.0;
        tolerance = 0.0;
      }
      break;

    case KIND_DISPATCH:
      /* Nothing is computed: not applicable. */
      return TRUE;

    default:
      g_assert_not_reached ();
    }

  report->validation = max_rel <= tolerance ? BENCH_VALIDATION_PASS : BENCH_VALIDATION_FAIL;
  report->max_abs_error = max_abs;
  report->max_rel_error = max_rel;
  report->tolerance = tolerance;
  return TRUE;
}

static void
bench_vulkan_executable_class_init (BenchVulkanExecutableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BenchExecutableClass *executable_class = BENCH_EXECUTABLE_CLASS (klass);

  object_class->finalize = bench_vulkan_executable_finalize;
  executable_class->run = bench_vulkan_executable_run;
  executable_class->validate = bench_vulkan_executable_validate;
}

static void
bench_vulkan_executable_init (BenchVulkanExecutable *self)
{
}

static void
fill_uniform (float   *x,
              gsize    n,
              guint32  seed)
{
  guint64 state = 0x9E3779B97F4A7C15ull ^ seed;

  /* splitmix64: reproducible values in [-1, 1) */
  for (gsize i = 0; i < n; i++)
    {
      guint64 z = (state += 0x9E3779B97F4A7C15ull);

      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      z ^= z >> 31;
      x[i] = (float) ((z >> 40) * (2.0 / (1 << 24)) - 1.0);
    }
}

static void
set_work (BenchVulkanExecutable *self,
          double                 flops,
          double                 bytes,
          gint64                 allocated)
{
  BenchWork *work = bench_executable_get_work (BENCH_EXECUTABLE (self));
  gint64 usage = bench_vulkan_context_get_usage (self->ctx);

  work->flops = flops;
  work->bytes = bytes;
  work->items = 1;
  work->workspace_bytes = allocated;
  /* What the driver reports in use when it can (VK_EXT_memory_budget),
   * otherwise what this workload allocated. */
  work->device_memory_bytes = usage > 0 ? usage : allocated;
}

static gboolean
check_buffer_size (BenchVulkanExecutable  *self,
                   const char             *workload,
                   guint64                 bytes,
                   GError                **error)
{
  guint64 limit = self->ctx->props.limits.maxStorageBufferRange;

  if (bytes > limit)
    {
      g_autofree char *want = g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *max = g_format_size_full (limit, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "%s needs %s storage buffers but vulkan:%u (%s) allows at most %s; "
                   "choose a smaller size", workload, want, self->ctx->index,
                   self->ctx->props.deviceName, max);
      return FALSE;
    }

  return TRUE;
}

typedef enum
{
  GEMM_NAIVE,
  GEMM_TILED,
  GEMM_TEXEL,
} GemmKernel;

typedef struct
{
  GemmKernel kernel;
  /* tiled: workgroup wx x wy, rm x rn per invocation, k step tk */
  guint32    wx, wy, rm, rn, tk;
  /* texel: tm rows x 4 * lanes * cb columns per subgroup */
  guint32    tm, cb;
} GemmShape;

/* The lanes of the texel-buffer kernel: the subgroup size on a CPU
 * implementation that shuffles within subgroups in compute shaders,
 * otherwise 0. Only CPU implementations: the kernel takes a workgroup of
 * subgroupSize invocations to be one full subgroup, which holds where a
 * subgroup is one SIMD register (lavapipe) but is not promised on GPUs
 * that compile to several widths, and GPUs want the tiled kernel anyway. */
static guint32
gemm_texel_lanes (BenchVulkanContext *ctx)
{
  VkPhysicalDeviceSubgroupProperties subgroup = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES,
  };
  VkPhysicalDeviceProperties2 props = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
    .pNext = &subgroup,
  };

  if (ctx->props.deviceType != VK_PHYSICAL_DEVICE_TYPE_CPU)
    return 0;
  vkGetPhysicalDeviceProperties2 (ctx->physical, &props);
  if (!(subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) ||
      !(subgroup.supportedOperations & VK_SUBGROUP_FEATURE_SHUFFLE_BIT) ||
      subgroup.subgroupSize == 0 ||
      subgroup.subgroupSize > ctx->props.limits.maxComputeWorkGroupSize[0] ||
      subgroup.subgroupSize > ctx->props.limits.maxComputeWorkGroupInvocations)
    return 0;
  return subgroup.subgroupSize;
}

/* The tiles of gemm.comp built with compile-time constants (meson.build):
 * NVIDIA's driver compiles the specialized shader about ten times slower
 * (H100, 4096: 1.9 TFLOP/s specialized, 21.6 and 27.9 fixed). A tiled
 * shape that matches one of these runs its fixed build. */
static const struct
{
  const char *shader;
  guint32     wx, wy, rm, rn, tk;
} gemm_fixed_tiles[] = {
  { "gemm-64x64", 16, 16, 4, 4, 16 },
  { "gemm-128x128", 16, 16, 8, 8, 16 },
};

static const char *
gemm_tiled_shader (const GemmShape *shape)
{
  for (guint i = 0; i < G_N_ELEMENTS (gemm_fixed_tiles); i++)
    if (shape->wx == gemm_fixed_tiles[i].wx && shape->wy == gemm_fixed_tiles[i].wy &&
        shape->rm == gemm_fixed_tiles[i].rm && shape->rn == gemm_fixed_tiles[i].rn &&
        shape->tk == gemm_fixed_tiles[i].tk)
      return gemm_fixed_tiles[i].shader;
  return "gemm";
}

/* BENCHTOP_VULKAN_GEMM overrides the shader for tuning: "naive",
 * "WX,WY,RM,RN,TK" (tiled) or "texel:TM,CB" (texel buffers). */
static gboolean
gemm_shape_from_env (GemmShape  *shape,
                     GError    **error)
{
  const char *env = g_getenv ("BENCHTOP_VULKAN_GEMM");
  guint v[5];

  if (env == NULL || *env == '\0')
    return TRUE;
  if (g_str_equal (env, "naive"))
    {
      shape->kernel = GEMM_NAIVE;
      return TRUE;
    }
  if (g_str_has_prefix (env, "texel:"))
    {
      int end = 0;

      if (sscanf (env, "texel:%u,%u%n", &v[0], &v[1], &end) != 2 || env[end] != '\0' ||
          v[0] == 0 || v[1] == 0 || v[0] > 256 || v[1] > 8)
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                       "BENCHTOP_VULKAN_GEMM=“%s” is not “texel:TM,CB” "
                       "(TM rows up to 256, CB vec4 columns per lane up to 8)", env);
          return FALSE;
        }
      shape->kernel = GEMM_TEXEL;
      shape->tm = v[0];
      shape->cb = v[1];
      return TRUE;
    }
  if (sscanf (env, "%u,%u,%u,%u,%u", &v[0], &v[1], &v[2], &v[3], &v[4]) != 5 ||
      v[0] == 0 || v[1] == 0 || v[2] == 0 || v[2] % 4 != 0 || v[3] == 0 || v[3] % 4 != 0 ||
      v[4] == 0)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "BENCHTOP_VULKAN_GEMM=“%s” is not “naive”, “WX,WY,RM,RN,TK” "
                   "(RM and RN multiples of 4) or “texel:TM,CB”", env);
      return FALSE;
    }
  *shape = (GemmShape) { GEMM_TILED, v[0], v[1], v[2], v[3], v[4], 0, 0 };
  return TRUE;
}

/* The texel-buffer kernel's pipeline: A and B as uniform texel buffers
 * (bindings 0 and 1, through self->views), C as a storage buffer. Built
 * here from its parts rather than by bench_vulkan_pipeline_new, which
 * knows storage buffers only; freed by bench_vulkan_pipeline_free. */
static BenchVulkanPipeline *
texel_pipeline_new (BenchVulkanExecutable  *self,
                    const guint32          *spec,
                    guint                   n_spec,
                    guint                   push_size,
                    GError                **error)
{
  BenchVulkanContext *ctx = self->ctx;
  g_autoptr(BenchVulkanPipeline) pipeline = g_new0 (BenchVulkanPipeline, 1);
  VkDescriptorType types[3] = {
    VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER,
    VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER,
    VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
  };
  VkResult r;

  pipeline->ctx = ctx;
  pipeline->n_bindings = 3;
  pipeline->n_sets = 1;
  pipeline->sets = g_new0 (VkDescriptorSet, 1);

  if (!bench_vulkan_create_layouts (ctx, types, 3, push_size, "gemm-texel",
                                    &pipeline->set_layout, &pipeline->layout, error) ||
      !bench_vulkan_create_compute_pipeline (ctx, "gemm-texel", pipeline->layout, spec, n_spec,
                                             &pipeline->pipeline, error))
    return NULL;

  {
    VkDescriptorPoolSize sizes[2] = {
      { VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 2 },
      { VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1 },
    };
    VkDescriptorPoolCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
      .maxSets = 1,
      .poolSizeCount = G_N_ELEMENTS (sizes),
      .pPoolSizes = sizes,
    };
    VkDescriptorSetAllocateInfo alloc = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
      .descriptorSetCount = 1,
      .pSetLayouts = &pipeline->set_layout,
    };

    if ((r = vkCreateDescriptorPool (ctx->device, &info, NULL, &pipeline->pool)) != VK_SUCCESS)
      {
        bench_vulkan_set_error (error, r, "vkCreateDescriptorPool for gemm-texel");
        return NULL;
      }
    alloc.descriptorPool = pipeline->pool;
    if ((r = vkAllocateDescriptorSets (ctx->device, &alloc, pipeline->sets)) != VK_SUCCESS)
      {
        bench_vulkan_set_error (error, r, "vkAllocateDescriptorSets for gemm-texel");
        return NULL;
      }
  }

  /* A and B as texels: RGBA32F when every row starts on a vec4, R32F
   * otherwise (the shader's ALIGNED, spec constant 3). */
  for (guint i = 0; i < 2; i++)
    {
      VkBufferViewCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO,
        .buffer = (i == 0 ? self->a : self->b)->buffer,
        .format = spec[3] ? VK_FORMAT_R32G32B32A32_SFLOAT : VK_FORMAT_R32_SFLOAT,
        .range = VK_WHOLE_SIZE,
      };

      if ((r = vkCreateBufferView (ctx->device, &info, NULL, &self->views[i])) != VK_SUCCESS)
        {
          bench_vulkan_set_error (error, r, "vkCreateBufferView for gemm-texel on vulkan:%u",
                                  ctx->index);
          return NULL;
        }
    }
  {
    VkDescriptorBufferInfo c_info = { self->c->buffer, 0, VK_WHOLE_SIZE };
    VkWriteDescriptorSet writes[3];

    for (guint i = 0; i < 3; i++)
      writes[i] = (VkWriteDescriptorSet) {
        .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
        .dstSet = pipeline->sets[0],
        .dstBinding = i,
        .descriptorCount = 1,
        .descriptorType = types[i],
        .pTexelBufferView = i < 2 ? &self->views[i] : NULL,
        .pBufferInfo = i == 2 ? &c_info : NULL,
      };
    vkUpdateDescriptorSets (ctx->device, 3, writes, 0, NULL);
  }

  return g_steal_pointer (&pipeline);
}

/* Whether the texel-buffer kernel can run @shape at side @n here. */
static gboolean
gemm_texel_supported (BenchVulkanContext  *ctx,
                      const GemmShape     *shape,
                      guint32              lanes,
                      gint64               n,
                      GError             **error)
{
  VkFormat format = n % 4 == 0 ? VK_FORMAT_R32G32B32A32_SFLOAT : VK_FORMAT_R32_SFLOAT;
  guint64 texels = (guint64) n * n / (n % 4 == 0 ? 4 : 1);
  VkFormatProperties format_props;

  vkGetPhysicalDeviceFormatProperties (ctx->physical, format, &format_props);
  if (lanes == 0 || !(format_props.bufferFeatures & VK_FORMAT_FEATURE_UNIFORM_TEXEL_BUFFER_BIT))
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "the texel-buffer gemm kernel is for CPU implementations with subgroup "
                   "shuffles in compute shaders and uniform texel buffers of 32-bit floats; "
                   "vulkan:%u (%s) is not one: use the tiled kernel",
                   ctx->index, ctx->props.deviceName);
      return FALSE;
    }
  if (shape->tm % lanes != 0)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "the texel-buffer gemm kernel needs its rows (%u) to be a multiple of "
                   "the subgroup size of vulkan:%u (%s), %u",
                   shape->tm, ctx->index, ctx->props.deviceName, lanes);
      return FALSE;
    }
  if (texels > ctx->props.limits.maxTexelBufferElements || texels > G_MAXINT32)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "gemm %" G_GINT64_FORMAT " needs texel buffers of %" G_GUINT64_FORMAT
                   " elements but vulkan:%u (%s) allows %u; choose a smaller size",
                   n, texels, ctx->index, ctx->props.deviceName,
                   ctx->props.limits.maxTexelBufferElements);
      return FALSE;
    }
  return TRUE;
}

static gboolean
prepare_gemm (BenchVulkanExecutable  *self,
              const BenchConfig      *config,
              GCancellable           *cancellable,
              GError                **error)
{
  gint64 n = config->size > 0 ? config->size : GEMM_DEFAULT_SIZE;
  const VkPhysicalDeviceLimits *limits = &self->ctx->props.limits;
  GemmShape shape = { GEMM_TILED, 16, 16, 4, 4, 16, 0, 0 };
  guint32 lanes = gemm_texel_lanes (self->ctx);
  GemmShape texel;
  guint32 push[3];
  guint64 bytes;
  guint32 groups_x, groups_y;

  if (n > 65535)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "gemm size %" G_GINT64_FORMAT " is too large for vulkan; the largest is 65535", n);
      return FALSE;
    }
  /* CPU implementations (lavapipe) run a subgroup as the lanes of a SIMD
   * register: storage-buffer and shared-memory loads go lane by lane and
   * barriers switch coroutines, while texel fetches load whole registers.
   * There the texel-buffer kernel without shared memory is about 20 times
   * the tiled one (lavapipe, 1024: 13.6 against 0.6 GFLOP/s; see
   * shaders/gemm-texel.comp). GPUs keep the shared-memory tiled kernel,
   * which is what their memory hierarchy wants. 16 rows of one vec4 per
   * lane (16 x 32 per subgroup of 8): 8 rows measured about 10% slower,
   * 16 to 32 rows and 2 vec4s the same within the noise. */
  texel = (GemmShape) { GEMM_TEXEL, 0, 0, 0, 0, 0, lanes * MAX (1, 16 / MAX (lanes, 1)), 1 };
  if (lanes > 0 && gemm_texel_supported (self->ctx, &texel, lanes, n, NULL))
    shape = texel;
  else if (self->ctx->props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU)
    shape = (GemmShape) { GEMM_TILED, 4, 8, 16, 16, 8, 0, 0 };
  /* GPUs: 128x128 tiles of 8x8 once there are enough of them to fill the
   * device (H100, 4096: 27.9 TFLOP/s against 21.6 for 64x64 tiles of
   * 4x4); below that the smaller tile keeps more workgroups in flight
   * (1024: 17.4 against 10.4). */
  else if (n >= 2048)
    shape = (GemmShape) { GEMM_TILED, 16, 16, 8, 8, 16, 0, 0 };
  if (!gemm_shape_from_env (&shape, error))
    return FALSE;
  if (shape.kernel == GEMM_TEXEL && !gemm_texel_supported (self->ctx, &shape, lanes, n, error))
    return FALSE;
  /* 128 invocations is the smallest limit Vulkan allows: same tile. */
  if (shape.kernel == GEMM_TILED && shape.wx * shape.wy > limits->maxComputeWorkGroupInvocations)
    shape = (GemmShape) { GEMM_TILED, 16, 8, 8, 4, 16, 0, 0 };
  if (shape.kernel == GEMM_TILED &&
      (shape.wx * shape.wy > limits->maxComputeWorkGroupInvocations ||
       shape.wx > limits->maxComputeWorkGroupSize[0] || shape.wy > limits->maxComputeWorkGroupSize[1] ||
       (guint64) shape.tk * (shape.wy * shape.rm + shape.wx * shape.rn) * 4 > limits->maxComputeSharedMemorySize))
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "the gemm tile %ux%u x %ux%u (k %u) exceeds the limits of vulkan:%u (%s)",
                   shape.wx, shape.wy, shape.rm, shape.rn, shape.tk, self->ctx->index,
                   self->ctx->props.deviceName);
      return FALSE;
    }

  self->kind = KIND_GEMM;
  self->n = n;
  bytes = (guint64) n * n * sizeof (float);
  if (!check_buffer_size (self, "gemm", bytes, error))
    return FALSE;

  self->host_a = g_try_malloc (bytes);
  self->host_b = g_try_malloc (bytes);
  if (self->host_a == NULL || self->host_b == NULL)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_FAILED,
                   "cannot allocate the host copies of gemm %" G_GINT64_FORMAT "; choose a smaller size", n);
      return FALSE;
    }
  fill_uniform (self->host_a, n * n, 1);
  fill_uniform (self->host_b, n * n, 2);

  if ((self->a = bench_vulkan_buffer_new (self->ctx, bytes, error)) == NULL ||
      (self->b = bench_vulkan_buffer_new (self->ctx, bytes, error)) == NULL ||
      (self->c = bench_vulkan_buffer_new (self->ctx, bytes, error)) == NULL)
    return FALSE;
  if (!bench_vulkan_buffer_upload (self->a, self->host_a, bytes, error) ||
      !bench_vulkan_buffer_upload (self->b, self->host_b, bytes, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  push[0] = push[1] = push[2] = n;
  switch (shape.kernel)
    {
    case GEMM_NAIVE:
      self->pipeline = bench_vulkan_pipeline_new (self->ctx, "gemm-naive", 3, NULL, 0,
                                                  sizeof push, 1, error);
      if (self->pipeline == NULL)
        return FALSE;
      bench_vulkan_pipeline_bind (self->pipeline, 0, (BenchVulkanBuffer *[]) { self->a, self->b, self->c },
                                  NULL, NULL);
      groups_x = groups_y = (n + 15) / 16;
      self->impl = g_strdup ("naive GLSL SGEMM, one invocation per element, 16x16 workgroups");
      break;

    case GEMM_TILED:
      {
        guint32 spec[5] = { shape.wx, shape.wy, shape.rm, shape.rn, shape.tk };

        const char *shader = gemm_tiled_shader (&shape);

        self->pipeline = bench_vulkan_pipeline_new (self->ctx, shader, 4, spec, G_N_ELEMENTS (spec),
                                                    sizeof push, 1, error);
        if (self->pipeline == NULL)
          return FALSE;
        bench_vulkan_pipeline_bind (self->pipeline, 0,
                                    (BenchVulkanBuffer *[]) { self->a, self->b, self->c, self->b },
                                    NULL, NULL);
        groups_x = (n + shape.wx * shape.rn - 1) / (shape.wx * shape.rn);
        groups_y = (n + shape.wy * shape.rm - 1) / (shape.wy * shape.rm);
        self->impl = g_strdup_printf ("tiled GLSL SGEMM, %ux%u tile, %ux%u invocations of %ux%u, k step %u%s",
                                      shape.wy * shape.rm, shape.wx * shape.rn, shape.wx, shape.wy,
                                      shape.rm, shape.rn, shape.tk,
                                      g_str_equal (shader, "gemm") ? ", specialized" : ", fixed build");
      }
      break;

    case GEMM_TEXEL:
      {
        gboolean aligned = n % 4 == 0;
        guint32 spec[4] = { lanes, shape.tm, shape.cb, aligned };
        guint32 tn = 4 * lanes * shape.cb;

        self->pipeline = texel_pipeline_new (self, spec, G_N_ELEMENTS (spec), sizeof push, error);
        if (self->pipeline == NULL)
          return FALSE;
        groups_x = (n + tn - 1) / tn;
        groups_y = (n + shape.tm - 1) / shape.tm;
        self->impl = g_strdup_printf ("texel-buffer GLSL SGEMM, %ux%u tile per subgroup of %u, "
                                      "subgroup shuffles, no shared memory, %s texels",
                                      shape.tm, tn, lanes, aligned ? "RGBA32F" : "R32F");
      }
      break;

    default:
      g_assert_not_reached ();
    }

  if ((self->commands = bench_vulkan_commands_new (self->ctx, error)) == NULL)
    return FALSE;
  if (!bench_vulkan_commands_record (self->commands, self->pipeline, sizeof push,
                                     &(BenchVulkanDispatch) { 0, push, groups_x, groups_y }, 1,
                                     error))
    return FALSE;

  /* FLOPs are exact (2 per multiply-add); bytes are the minimum traffic. */
  set_work (self, 2.0 * n * n * n, 3.0 * bytes, 3 * (gint64) bytes);
  return TRUE;
}

static gboolean
prepare_triad (BenchVulkanExecutable  *self,
               const BenchConfig      *config,
               GCancellable           *cancellable,
               GError                **error)
{
  gint64 bytes = config->size > 0 ? config->size : TRIAD_DEFAULT_BYTES;
  gint64 n = bytes / sizeof (float);
  const VkPhysicalDeviceLimits *limits = &self->ctx->props.limits;
  g_autofree BenchVulkanDispatch *dispatches = NULL;
  g_autofree float *host = NULL;
  guint64 align, chunk, total_groups = 0;
  guint n_chunks;

  if (n == 0 || n > G_MAXUINT32)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "stream-triad on vulkan needs between 4 bytes and 16 GiB per array, not %"
                   G_GINT64_FORMAT, bytes);
      return FALSE;
    }

  self->kind = KIND_TRIAD;
  self->n = n;
  bytes = n * sizeof (float);

  if ((self->a = bench_vulkan_buffer_new (self->ctx, bytes, error)) == NULL ||
      (self->b = bench_vulkan_buffer_new (self->ctx, bytes, error)) == NULL ||
      (self->c = bench_vulkan_buffer_new (self->ctx, bytes, error)) == NULL)
    return FALSE;

  if ((host = g_try_malloc (bytes)) == NULL)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_FAILED,
                   "cannot allocate a host copy of %" G_GINT64_FORMAT " bytes for stream-triad", bytes);
      return FALSE;
    }
  for (gint64 i = 0; i < n; i++)
    host[i] = 1.0f + (i % 7) * 0.5f;
  if (!bench_vulkan_buffer_upload (self->b, host, bytes, error))
    return FALSE;
  for (gint64 i = 0; i < n; i++)
    host[i] = 2.0f + (i % 5) * 0.25f;
  if (!bench_vulkan_buffer_upload (self->c, host, bytes, error))
    return FALSE;
  memset (host, 0, bytes);
  if (!bench_vulkan_buffer_upload (self->a, host, bytes, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* Storage buffer bindings are limited (128 MiB on lavapipe): larger
   * arrays are bound in chunks, one dispatch each, all in one submission.
   * Chunks are whole vec4s and keep offsets aligned for the device. */
  align = MAX (limits->minStorageBufferOffsetAlignment, 16);
  chunk = (MIN ((guint64) bytes, limits->maxStorageBufferRange) / align) * align / sizeof (float);
  if (chunk == 0)
    chunk = n;
  n_chunks = (n + chunk - 1) / chunk;

  self->pipeline = bench_vulkan_pipeline_new (self->ctx, "triad", 6, NULL, 0, sizeof (TriadPush),
                                              n_chunks, error);
  if (self->pipeline == NULL)
    return FALSE;

  self->triad_push = g_new0 (TriadPush, n_chunks);
  dispatches = g_new0 (BenchVulkanDispatch, n_chunks);
  for (guint i = 0; i < n_chunks; i++)
    {
      guint64 first = (guint64) i * chunk;
      guint64 count = MIN (chunk, (guint64) n - first);
      VkDeviceSize offset = first * sizeof (float);
      VkDeviceSize range = count * sizeof (float);
      guint64 groups = MAX (1, (count / 4 + 255) / 256);

      groups = MIN (groups, limits->maxComputeWorkGroupCount[0]);
      bench_vulkan_pipeline_bind (self->pipeline, i,
                                  (BenchVulkanBuffer *[]) { self->a, self->b, self->c,
                                                            self->a, self->b, self->c },
                                  (VkDeviceSize[]) { offset, offset, offset, offset, offset, offset },
                                  (VkDeviceSize[]) { range, range, range, range, range, range });
      self->triad_push[i].n = count;
      self->triad_push[i].s = TRIAD_SCALAR;
      dispatches[i] = (BenchVulkanDispatch) { i, &self->triad_push[i], groups, 1 };
      total_groups += groups;
    }

  if ((self->commands = bench_vulkan_commands_new (self->ctx, error)) == NULL)
    return FALSE;
  if (!bench_vulkan_commands_record (self->commands, self->pipeline, sizeof (TriadPush),
                                     dispatches, n_chunks, error))
    return FALSE;

  self->impl = g_strdup_printf ("GLSL vec4 triad, %u dispatch%s, %" G_GUINT64_FORMAT
                                " workgroups of 256", n_chunks, n_chunks > 1 ? "es" : "",
                                total_groups);

  /* STREAM convention: 2 reads + 1 write per element. */
  set_work (self, 2.0 * n, 3.0 * bytes, 3 * bytes);
  return TRUE;
}

static gboolean
record_peak (BenchVulkanExecutable  *self,
             GError                **error)
{
  struct { guint32 iters; float x; float y; } push = { self->peak_iters, PEAK_X, PEAK_Y };

  g_clear_pointer (&self->commands, bench_vulkan_commands_free);
  if ((self->commands = bench_vulkan_commands_new (self->ctx, error)) == NULL)
    return FALSE;

  return bench_vulkan_commands_record (self->commands, self->pipeline, sizeof push,
                                       &(BenchVulkanDispatch) { 0, &push, self->peak_groups, 1 }, 1,
                                       error);
}

static gboolean
prepare_peak (BenchVulkanExecutable  *self,
              const BenchConfig      *config,
              GCancellable           *cancellable,
              GError                **error)
{
  guint32 spec[1] = { PEAK_ACC };
  double seconds = INFINITY;
  BenchIteration iteration;
  gsize bytes;

  self->kind = KIND_PEAK;
  self->peak_groups = self->ctx->props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU
                      ? PEAK_GROUPS_CPU : PEAK_GROUPS_GPU;
  self->peak_invocations = self->peak_groups * PEAK_LOCAL_SIZE;
  bytes = (gsize) self->peak_invocations * PEAK_ACC * 4 * sizeof (float);
  if ((self->a = bench_vulkan_buffer_new (self->ctx, bytes, error)) == NULL)
    return FALSE;

  self->pipeline = bench_vulkan_pipeline_new (self->ctx, "peak", 1, spec, 1, 3 * sizeof (guint32), 1, error);
  if (self->pipeline == NULL)
    return FALSE;
  bench_vulkan_pipeline_bind (self->pipeline, 0, (BenchVulkanBuffer *[]) { self->a }, NULL, NULL);

  /* Calibrate: the fastest of a few runs (the first also warms the
   * driver), then scale the chain length to the target duration. */
  self->peak_iters = 1024;
  if (!record_peak (self, error))
    return FALSE;
  for (guint i = 0; i < 3; i++)
    {
      gint64 start = g_get_monotonic_time ();

      if (!bench_vulkan_executable_run (BENCH_EXECUTABLE (self), &iteration, error))
        return FALSE;
      if (i > 0)
        seconds = MIN (seconds, (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  self->has_run = FALSE;
  seconds = MAX (seconds, 1e-6);
  self->peak_iters = CLAMP ((guint64) (self->peak_iters * PEAK_TARGET_SECONDS / seconds),
                            1024, PEAK_MAX_ITERS);
  if (!record_peak (self, error))
    return FALSE;

  self->impl = g_strdup_printf ("GLSL vec4 FMA, %d chains x %u invocations x %u steps",
                                PEAK_ACC, self->peak_invocations, self->peak_iters);

  /* Exact: each step is one vec4 FMA (8 FLOPs) on each chain. No memory
   * traffic to speak of, so bytes stays unknown. */
  set_work (self, 8.0 * PEAK_ACC * (double) self->peak_invocations * self->peak_iters,
            NAN, bytes);
  return TRUE;
}

static gboolean
record_copy (BenchVulkanExecutable  *self,
             gboolean                to_device,
             GError                **error)
{
  VkCommandBufferBeginInfo begin = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO };
  VkBufferCopy region = { 0, 0, self->n };
  BenchVulkanCommands *commands = self->commands;
  VkResult r;

  if ((r = vkBeginCommandBuffer (commands->cmd, &begin)) != VK_SUCCESS)
    {
      bench_vulkan_set_error (error, r, "vkBeginCommandBuffer on vulkan:%u", self->ctx->index);
      return FALSE;
    }
  if (commands->queries != VK_NULL_HANDLE)
    {
      vkCmdResetQueryPool (commands->cmd, commands->queries, 0, 2);
      vkCmdWriteTimestamp (commands->cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, commands->queries, 0);
    }
  if (to_device)
    vkCmdCopyBuffer (commands->cmd, self->staging->buffer, self->a->buffer, 1, &region);
  else
    vkCmdCopyBuffer (commands->cmd, self->a->buffer, self->staging->buffer, 1, &region);
  if (commands->queries != VK_NULL_HANDLE)
    vkCmdWriteTimestamp (commands->cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, commands->queries, 1);
  if ((r = vkEndCommandBuffer (commands->cmd)) != VK_SUCCESS)
    {
      bench_vulkan_set_error (error, r, "vkEndCommandBuffer on vulkan:%u", self->ctx->index);
      return FALSE;
    }
  return TRUE;
}

/* One iteration is one blocking copy of --bytes between pinned host memory
 * (a host-visible staging buffer) and a device buffer. */
static gboolean
prepare_transfer (BenchVulkanExecutable  *self,
                  const BenchConfig      *config,
                  gboolean                to_device,
                  GCancellable           *cancellable,
                  GError                **error)
{
  gint64 bytes = config->size > 0 ? config->size : TRANSFER_DEFAULT_BYTES;
  g_autofree guint32 *pattern = NULL;
  BenchWork *work;

  bytes = bytes / sizeof (guint32) * sizeof (guint32);
  if (bytes == 0)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "%s needs at least 4 bytes, not %" G_GINT64_FORMAT,
                   config->workload, config->size);
      return FALSE;
    }
  self->kind = to_device ? KIND_H2D : KIND_D2H;
  self->n = bytes;

  if ((pattern = g_try_malloc (bytes)) == NULL)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_FAILED,
                   "cannot allocate %" G_GINT64_FORMAT " bytes on the host for %s; choose fewer --bytes",
                   bytes, config->workload);
      return FALSE;
    }
  for (gint64 i = 0; i < bytes / (gint64) sizeof (guint32); i++)
    pattern[i] = (guint32) i;

  if ((self->a = bench_vulkan_buffer_new (self->ctx, bytes, error)) == NULL ||
      (self->staging = bench_vulkan_buffer_new_host (self->ctx, bytes, error)) == NULL)
    return FALSE;
  if (to_device)
    memcpy (self->staging->mapped, pattern, bytes);
  else
    {
      memset (self->staging->mapped, 0, bytes);
      if (!bench_vulkan_buffer_upload (self->a, pattern, bytes, error))
        return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if ((self->commands = bench_vulkan_commands_new (self->ctx, error)) == NULL ||
      !record_copy (self, to_device, error))
    return FALSE;

  self->impl = g_strdup_printf ("vkCmdCopyBuffer %s, host-visible staging buffer",
                                to_device ? "host to device" : "device to host");
  set_work (self, NAN, bytes, 2 * bytes);
  work = bench_executable_get_work (BENCH_EXECUTABLE (self));
  work->items = 1;
  return TRUE;
}

/* One iteration: an empty dispatch of one invocation, submitted and waited
 * for. */
static gboolean
prepare_dispatch (BenchVulkanExecutable  *self,
                  GCancellable           *cancellable,
                  GError                **error)
{
  self->kind = KIND_DISPATCH;
  if ((self->a = bench_vulkan_buffer_new (self->ctx, 4, error)) == NULL)
    return FALSE;
  self->pipeline = bench_vulkan_pipeline_new (self->ctx, "empty", 1, NULL, 0, 0, 1, error);
  if (self->pipeline == NULL)
    return FALSE;
  bench_vulkan_pipeline_bind (self->pipeline, 0, (BenchVulkanBuffer *[]) { self->a }, NULL, NULL);
  if ((self->commands = bench_vulkan_commands_new (self->ctx, error)) == NULL)
    return FALSE;
  if (!bench_vulkan_commands_record (self->commands, self->pipeline, 0,
                                     &(BenchVulkanDispatch) { 0, NULL, 1, 1 }, 1, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  self->impl = g_strdup ("empty GLSL compute shader, 1 workgroup of 1 invocation");
  set_work (self, NAN, NAN, 4);
  return TRUE;
}

static BenchExecutable *
prepare_model (guint               device_index,
               const BenchConfig  *config,
               GCancellable       *cancellable,
               GError            **error)
{
  g_autoptr(BenchVulkanOps) ops = NULL;
  g_autofree char *name = NULL;
  const BenchOpTable *table;
  BenchVulkanContext *ctx;
  BenchExecutable *executable;

  if ((ctx = bench_vulkan_context_get (device_index, error)) == NULL)
    return NULL;
  if ((ops = bench_vulkan_ops_new (ctx, error)) == NULL)
    return NULL;
  name = g_strdup_printf ("vulkan:%u (%s)", device_index, ctx->props.deviceName);
  table = bench_vulkan_ops_get_table (ops);
  /* The executable owns the ops from here on, failure included. */
  executable = bench_model_executable_new (config, name, table,
                                           bench_vulkan_ops_prepare, g_steal_pointer (&ops),
                                           (GDestroyNotify) bench_vulkan_ops_free,
                                           cancellable, error);
  if (executable != NULL)
    bench_model_executable_set_device_time_func (BENCH_MODEL_EXECUTABLE (executable),
                                                 (BenchModelDeviceTimeFunc) bench_vulkan_ops_get_last_device_ns);
  return executable;
}

BenchExecutable *
bench_vulkan_executable_new (guint               device_index,
                             const BenchConfig  *config,
                             GCancellable       *cancellable,
                             GError            **error)
{
  g_autoptr(BenchVulkanExecutable) self = NULL;
  const char *precision;
  gboolean ok, is_model;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->workload != NULL, NULL);

  is_model = bench_model_config_is_model (config);
  if (!is_model &&
      !g_str_equal (config->workload, "gemm") &&
      !g_str_equal (config->workload, "stream-triad") &&
      !g_str_equal (config->workload, "peak-flops") &&
      !g_str_equal (config->workload, "transfer-h2d") &&
      !g_str_equal (config->workload, "transfer-d2h") &&
      !g_str_equal (config->workload, "dispatch-latency"))
    {
      g_autoptr(BenchWorkload) known = bench_workload_lookup (config->workload, NULL);

      g_set_error (error, BENCH_ERROR,
                   known != NULL ? BENCH_ERROR_NOT_SUPPORTED : BENCH_ERROR_UNKNOWN_WORKLOAD,
                   "%s workload “%s” for the vulkan backend; it runs the catalog models, gemm, "
                   "stream-triad, peak-flops, transfer-h2d, transfer-d2h and dispatch-latency",
                   known != NULL ? "Cannot run" : "Unknown", config->workload);
      return NULL;
    }

  precision = config->precision != NULL ? config->precision : "fp32";
  if (!g_str_equal (precision, "fp32"))
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "%s in %s is not supported on vulkan:%u; use fp32",
                   config->workload, precision, device_index);
      return NULL;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (is_model)
    return prepare_model (device_index, config, cancellable, error);

  self = g_object_new (BENCH_TYPE_VULKAN_EXECUTABLE, NULL);
  if ((self->ctx = bench_vulkan_context_get (device_index, error)) == NULL)
    return NULL;

  if (g_str_equal (config->workload, "gemm"))
    ok = prepare_gemm (self, config, cancellable, error);
  else if (g_str_equal (config->workload, "stream-triad"))
    ok = prepare_triad (self, config, cancellable, error);
  else if (g_str_equal (config->workload, "transfer-h2d"))
    ok = prepare_transfer (self, config, TRUE, cancellable, error);
  else if (g_str_equal (config->workload, "transfer-d2h"))
    ok = prepare_transfer (self, config, FALSE, cancellable, error);
  else if (g_str_equal (config->workload, "dispatch-latency"))
    ok = prepare_dispatch (self, cancellable, error);
  else
    ok = prepare_peak (self, config, cancellable, error);

  if (!ok)
    return NULL;

  return BENCH_EXECUTABLE (g_steal_pointer (&self));
}

const char *
bench_vulkan_executable_get_impl (BenchVulkanExecutable *self)
{
  g_return_val_if_fail (BENCH_IS_VULKAN_EXECUTABLE (self), NULL);

  return self->impl;
}
