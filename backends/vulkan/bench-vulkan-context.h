/* bench-vulkan-context.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Vulkan helper layer: one instance and one logical device per
 * physical device, created on first use and kept for the process; buffers,
 * compute pipelines from the embedded SPIR-V, and command buffers recorded
 * once and submitted many times. Failures become BENCH_ERROR_DEVICE errors
 * naming the operation and the VkResult.
 */
#pragma once

#include <glib.h>
#include <vulkan/vulkan.h>

G_BEGIN_DECLS

typedef struct _BenchVulkanContext BenchVulkanContext;

struct _BenchVulkanContext
{
  guint                             index;
  VkPhysicalDevice                  physical;
  VkDevice                          device;
  VkQueue                           queue;
  guint32                           queue_family;
  GMutex                            queue_mutex;
  VkPhysicalDeviceProperties        props;
  VkPhysicalDeviceMemoryProperties  mem_props;
  guint32                           timestamp_valid_bits;
  gboolean                          has_memory_budget;
  gboolean                          uma;   /* unified memory: device-local types are host memory */
};

typedef struct
{
  BenchVulkanContext *ctx;
  VkBuffer            buffer;
  VkDeviceMemory      memory;
  VkDeviceSize        size;
  void               *mapped;   /* NULL when device-local only */
} BenchVulkanBuffer;

typedef struct
{
  BenchVulkanContext    *ctx;
  VkDescriptorSetLayout  set_layout;
  VkPipelineLayout       layout;
  VkPipeline             pipeline;
  VkDescriptorPool       pool;
  VkDescriptorSet       *sets;
  guint                  n_sets;
  guint                  n_bindings;
} BenchVulkanPipeline;

/* One dispatch of a recorded command buffer: which descriptor set, which
 * push constants (the pipeline's push size), how many workgroups. */
typedef struct
{
  guint        set;
  const void  *push;
  guint32      groups_x;
  guint32      groups_y;
} BenchVulkanDispatch;

typedef struct
{
  BenchVulkanContext *ctx;
  VkCommandPool       pool;
  VkCommandBuffer     cmd;
  VkFence             fence;
  VkQueryPool         queries;   /* VK_NULL_HANDLE without timestamps */
} BenchVulkanCommands;

const char          *bench_vulkan_result_to_string  (VkResult              result);
gboolean             bench_vulkan_alloc_descriptor_sets (VkDevice                device,
                                                         VkDescriptorSetLayout   layout,
                                                         guint                   n_sets,
                                                         guint                   n_bindings,
                                                         VkDescriptorPool       *pool,
                                                         VkDescriptorSet        *sets,
                                                         const char             *what,
                                                         GError                **error);
void                 bench_vulkan_set_error         (GError              **error,
                                                     VkResult              result,
                                                     const char           *format,
                                                     ...) G_GNUC_PRINTF (3, 4);

/* The compute-capable physical devices, in loader order: device "vulkan:N"
 * is element N. Returns FALSE with the failing VkResult in @result. */
gboolean             bench_vulkan_enumerate         (GArray              **devices,
                                                     VkResult             *result,
                                                     GError              **error);
VkInstance           bench_vulkan_get_instance      (void);
gint                 bench_vulkan_find_compute_queue (VkPhysicalDevice     physical);
gboolean             bench_vulkan_has_device_extension (VkPhysicalDevice   physical,
                                                     const char           *name);

BenchVulkanContext  *bench_vulkan_context_get       (guint                 index,
                                                     GError              **error);
/* Bytes in use on device-local heaps (VK_EXT_memory_budget), or -1. */
gint64               bench_vulkan_context_get_usage (BenchVulkanContext   *ctx);

BenchVulkanBuffer   *bench_vulkan_buffer_new        (BenchVulkanContext   *ctx,
                                                     VkDeviceSize          size,
                                                     GError              **error);
/* Host-visible, coherent and mapped: staging for copies. */
BenchVulkanBuffer   *bench_vulkan_buffer_new_host   (BenchVulkanContext   *ctx,
                                                     VkDeviceSize          size,
                                                     GError              **error);
void                 bench_vulkan_buffer_free       (BenchVulkanBuffer    *buffer);
gboolean             bench_vulkan_buffer_upload     (BenchVulkanBuffer    *buffer,
                                                     const void           *data,
                                                     gsize                 size,
                                                     GError              **error);
gboolean             bench_vulkan_buffer_download   (BenchVulkanBuffer    *buffer,
                                                     void                 *data,
                                                     gsize                 size,
                                                     GError              **error);

/* The embedded SPIR-V of shaders/@shader.comp. */
GBytes              *bench_vulkan_lookup_spirv      (const char           *shader,
                                                     GError              **error);
/* The parts of a compute pipeline, for pipelines that
 * bench_vulkan_pipeline_new does not make (other descriptor types, one
 * layout shared by many shaders). */
gboolean             bench_vulkan_create_layouts    (BenchVulkanContext   *ctx,
                                                     const VkDescriptorType *types,
                                                     guint                 n_bindings,
                                                     guint                 push_size,
                                                     const char           *what,
                                                     VkDescriptorSetLayout *set_layout,
                                                     VkPipelineLayout     *layout,
                                                     GError              **error);
gboolean             bench_vulkan_create_compute_pipeline (BenchVulkanContext *ctx,
                                                     const char           *shader,
                                                     VkPipelineLayout      layout,
                                                     const guint32        *spec,
                                                     guint                 n_spec,
                                                     VkPipeline           *pipeline,
                                                     GError              **error);
BenchVulkanPipeline *bench_vulkan_pipeline_new      (BenchVulkanContext   *ctx,
                                                     const char           *shader,
                                                     guint                 n_bindings,
                                                     const guint32        *spec,
                                                     guint                 n_spec,
                                                     guint                 push_size,
                                                     guint                 n_sets,
                                                     GError              **error);
/* Points descriptor set @set at @buffers, whole or from @offsets (bytes)
 * for @ranges (bytes); both may be NULL. */
void                 bench_vulkan_pipeline_bind     (BenchVulkanPipeline  *pipeline,
                                                     guint                 set,
                                                     BenchVulkanBuffer   **buffers,
                                                     const VkDeviceSize   *offsets,
                                                     const VkDeviceSize   *ranges);
void                 bench_vulkan_pipeline_free     (BenchVulkanPipeline  *pipeline);

BenchVulkanCommands *bench_vulkan_commands_new      (BenchVulkanContext   *ctx,
                                                     GError              **error);
/* Records the dispatches between two timestamps, with a compute barrier
 * between consecutive ones; the buffer is then submitted by run_sync(). */
gboolean             bench_vulkan_commands_record   (BenchVulkanCommands  *commands,
                                                     BenchVulkanPipeline  *pipeline,
                                                     guint                 push_size,
                                                     const BenchVulkanDispatch *dispatches,
                                                     guint                 n_dispatches,
                                                     GError              **error);
gboolean             bench_vulkan_commands_run_sync (BenchVulkanCommands  *commands,
                                                     gint64               *device_ns,
                                                     GError              **error);
void                 bench_vulkan_commands_free     (BenchVulkanCommands  *commands);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchVulkanBuffer, bench_vulkan_buffer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchVulkanPipeline, bench_vulkan_pipeline_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchVulkanCommands, bench_vulkan_commands_free)

G_END_DECLS
