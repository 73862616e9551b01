/* bench-vulkan-context.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "bench-error.h"
#include "bench-util-private.h"
#include "bench-vulkan-context.h"

#define RESOURCE_PREFIX "/io/github/benchtop/Benchtop/vulkan/"

/* From the generated bench-vulkan-resources.c (manual registration). */
GResource *bench_vulkan_get_resource (void);
void       bench_vulkan_register_resource (void);

/* Everything below is created once and kept for the process: drivers are
 * slow to bring up (lavapipe compiles its own helpers), and the registry,
 * the runner and the tests all ask for the same devices. */
static GMutex       vulkan_mutex;
static gboolean     instance_tried;
static VkInstance   instance;
static VkResult     instance_result;
static GPtrArray   *contexts;   /* BenchVulkanContext, by index, never freed */
static gsize        resource_registered;

const char *
bench_vulkan_result_to_string (VkResult result)
{
  switch (result)
    {
#define CASE(x) case x: return #x
    CASE (VK_SUCCESS);
    CASE (VK_NOT_READY);
    CASE (VK_TIMEOUT);
    CASE (VK_EVENT_SET);
    CASE (VK_EVENT_RESET);
    CASE (VK_INCOMPLETE);
    CASE (VK_ERROR_OUT_OF_HOST_MEMORY);
    CASE (VK_ERROR_OUT_OF_DEVICE_MEMORY);
    CASE (VK_ERROR_INITIALIZATION_FAILED);
    CASE (VK_ERROR_DEVICE_LOST);
    CASE (VK_ERROR_MEMORY_MAP_FAILED);
    CASE (VK_ERROR_LAYER_NOT_PRESENT);
    CASE (VK_ERROR_EXTENSION_NOT_PRESENT);
    CASE (VK_ERROR_FEATURE_NOT_PRESENT);
    CASE (VK_ERROR_INCOMPATIBLE_DRIVER);
    CASE (VK_ERROR_TOO_MANY_OBJECTS);
    CASE (VK_ERROR_FORMAT_NOT_SUPPORTED);
    CASE (VK_ERROR_FRAGMENTED_POOL);
    CASE (VK_ERROR_UNKNOWN);
    CASE (VK_ERROR_OUT_OF_POOL_MEMORY);
    CASE (VK_ERROR_INVALID_EXTERNAL_HANDLE);
    CASE (VK_ERROR_FRAGMENTATION);
    CASE (VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS);
    CASE (VK_ERROR_INVALID_SHADER_NV);
#undef CASE
    default:
      return "VK_ERROR_(unknown)";
    }
}

void
bench_vulkan_set_error (GError     **error,
                        VkResult     result,
                        const char  *format,
                        ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE, "%s failed: %s",
               what, bench_vulkan_result_to_string (result));
}

static VkInstance
ensure_instance_locked (VkResult *result)
{
  if (!instance_tried)
    {
      VkApplicationInfo app = {
        .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
        .pApplicationName = "benchtop",
        .applicationVersion = 1,
        .pEngineName = "benchtop",
        .apiVersion = VK_API_VERSION_1_1,
      };
      VkInstanceCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
        .pApplicationInfo = &app,
      };

      instance_tried = TRUE;
      instance_result = vkCreateInstance (&info, NULL, &instance);
      if (instance_result != VK_SUCCESS)
        instance = VK_NULL_HANDLE;
    }

  *result = instance_result;
  return instance;
}

VkInstance
bench_vulkan_get_instance (void)
{
  VkResult result;
  VkInstance ret;

  g_mutex_lock (&vulkan_mutex);
  ret = ensure_instance_locked (&result);
  g_mutex_unlock (&vulkan_mutex);

  return ret;
}

gint
bench_vulkan_find_compute_queue (VkPhysicalDevice physical)
{
  g_autofree VkQueueFamilyProperties *families = NULL;
  guint32 count = 0;
  gint best = -1;

  vkGetPhysicalDeviceQueueFamilyProperties (physical, &count, NULL);
  families = g_new0 (VkQueueFamilyProperties, MAX (count, 1));
  vkGetPhysicalDeviceQueueFamilyProperties (physical, &count, families);

  for (guint32 i = 0; i < count; i++)
    {
      if (!(families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) || families[i].queueCount == 0)
        continue;
      /* Prefer a family that can also time itself. */
      if (best < 0 || (families[best].timestampValidBits == 0 && families[i].timestampValidBits > 0))
        best = i;
    }

  return best;
}

gboolean
bench_vulkan_has_device_extension (VkPhysicalDevice  physical,
                                   const char       *name)
{
  g_autofree VkExtensionProperties *exts = NULL;
  guint32 count = 0;

  if (vkEnumerateDeviceExtensionProperties (physical, NULL, &count, NULL) != VK_SUCCESS)
    return FALSE;
  exts = g_new0 (VkExtensionProperties, MAX (count, 1));
  if (vkEnumerateDeviceExtensionProperties (physical, NULL, &count, exts) < 0)
    return FALSE;
  for (guint32 i = 0; i < count; i++)
    if (g_str_equal (exts[i].extensionName, name))
      return TRUE;

  return FALSE;
}

gboolean
bench_vulkan_enumerate (GArray   **devices,
                        VkResult  *result,
                        GError   **error)
{
  g_autoptr(GArray) ret = g_array_new (FALSE, FALSE, sizeof (VkPhysicalDevice));
  g_autofree VkPhysicalDevice *all = NULL;
  VkInstance inst;
  guint32 count = 0;
  VkResult r;

  g_mutex_lock (&vulkan_mutex);
  inst = ensure_instance_locked (&r);
  g_mutex_unlock (&vulkan_mutex);

  *result = r;
  if (inst == VK_NULL_HANDLE)
    {
      bench_vulkan_set_error (error, r, "vkCreateInstance");
      return FALSE;
    }

  if ((r = vkEnumeratePhysicalDevices (inst, &count, NULL)) != VK_SUCCESS)
    {
      *result = r;
      bench_vulkan_set_error (error, r, "vkEnumeratePhysicalDevices");
      return FALSE;
    }
  all = g_new0 (VkPhysicalDevice, MAX (count, 1));
  if ((r = vkEnumeratePhysicalDevices (inst, &count, all)) < 0)
    {
      *result = r;
      bench_vulkan_set_error (error, r, "vkEnumeratePhysicalDevices");
      return FALSE;
    }

  for (guint32 i = 0; i < count; i++)
    if (bench_vulkan_find_compute_queue (all[i]) >= 0)
      g_array_append_val (ret, all[i]);

  *devices = g_steal_pointer (&ret);
  return TRUE;
}

static BenchVulkanContext *
context_new (guint              index,
             VkPhysicalDevice   physical,
             GError           **error)
{
  g_autofree BenchVulkanContext *ctx = g_new0 (BenchVulkanContext, 1);
  g_autofree VkQueueFamilyProperties *families = NULL;
  const char *extensions[1];
  guint n_extensions = 0;
  float priority = 1.0f;
  guint32 count = 0;
  VkResult r;

  ctx->index = index;
  ctx->physical = physical;
  vkGetPhysicalDeviceProperties (physical, &ctx->props);
  vkGetPhysicalDeviceMemoryProperties (physical, &ctx->mem_props);
  ctx->queue_family = bench_vulkan_find_compute_queue (physical);

  vkGetPhysicalDeviceQueueFamilyProperties (physical, &count, NULL);
  families = g_new0 (VkQueueFamilyProperties, MAX (count, 1));
  vkGetPhysicalDeviceQueueFamilyProperties (physical, &count, families);
  ctx->timestamp_valid_bits = families[ctx->queue_family].timestampValidBits;
  if (ctx->props.limits.timestampPeriod <= 0.0f)
    ctx->timestamp_valid_bits = 0;

  /* Unified memory: CPU implementations and integrated GPUs, where a
   * device-local host-visible type is plain system memory. A discrete GPU
   * with resizable BAR has such a type too, but host reads of it cross
   * the bus uncached (a 1 GiB validation took 6 minutes on an H100). */
  if (ctx->props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU ||
      ctx->props.deviceType == VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU)
    for (guint32 i = 0; i < ctx->mem_props.memoryTypeCount; i++)
      {
        VkMemoryPropertyFlags want = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT |
                                     VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                     VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;

        if ((ctx->mem_props.memoryTypes[i].propertyFlags & want) == want)
          ctx->uma = TRUE;
      }

  if (bench_vulkan_has_device_extension (physical, VK_EXT_MEMORY_BUDGET_EXTENSION_NAME))
    {
      extensions[n_extensions++] = VK_EXT_MEMORY_BUDGET_EXTENSION_NAME;
      ctx->has_memory_budget = TRUE;
    }

  {
    VkDeviceQueueCreateInfo queue_info = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
      .queueFamilyIndex = ctx->queue_family,
      .queueCount = 1,
      .pQueuePriorities = &priority,
    };
    VkDeviceCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
      .queueCreateInfoCount = 1,
      .pQueueCreateInfos = &queue_info,
      .enabledExtensionCount = n_extensions,
      .ppEnabledExtensionNames = extensions,
    };

    if ((r = vkCreateDevice (physical, &info, NULL, &ctx->device)) != VK_SUCCESS)
      {
        bench_vulkan_set_error (error, r, "vkCreateDevice on vulkan:%u (%s)",
                                index, ctx->props.deviceName);
        return NULL;
      }
  }

  vkGetDeviceQueue (ctx->device, ctx->queue_family, 0, &ctx->queue);
  g_mutex_init (&ctx->queue_mutex);

  return g_steal_pointer (&ctx);
}

BenchVulkanContext *
bench_vulkan_context_get (guint    index,
                          GError **error)
{
  g_autoptr(GArray) devices = NULL;
  BenchVulkanContext *ctx = NULL;
  VkResult r;

  if (!bench_vulkan_enumerate (&devices, &r, error))
    return NULL;

  if (index >= devices->len)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_UNKNOWN_DEVICE,
                   "No Vulkan device vulkan:%u; this machine has %u; "
                   "see “benchtop-cli devices”", index, devices->len);
      return NULL;
    }

  g_mutex_lock (&vulkan_mutex);
  if (contexts == NULL)
    contexts = g_ptr_array_new ();
  if (index < contexts->len)
    ctx = g_ptr_array_index (contexts, index);
  if (ctx == NULL)
    {
      ctx = context_new (index, g_array_index (devices, VkPhysicalDevice, index), error);
      if (ctx != NULL)
        {
          if (contexts->len <= index)
            g_ptr_array_set_size (contexts, index + 1);
          g_ptr_array_index (contexts, index) = ctx;
        }
    }
  g_mutex_unlock (&vulkan_mutex);

  return ctx;
}

gint64
bench_vulkan_context_get_usage (BenchVulkanContext *ctx)
{
  VkPhysicalDeviceMemoryBudgetPropertiesEXT budget = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT,
  };
  VkPhysicalDeviceMemoryProperties2 props = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2,
    .pNext = &budget,
  };
  gint64 used = 0;

  if (!ctx->has_memory_budget)
    return -1;

  vkGetPhysicalDeviceMemoryProperties2 (ctx->physical, &props);
  for (guint32 i = 0; i < props.memoryProperties.memoryHeapCount; i++)
    if (props.memoryProperties.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)
      used += budget.heapUsage[i];

  return used;
}

/* The first memory type with all of @flags, preferring one that also has
 * @prefer and none of @avoid. */
static gint
find_memory_type (BenchVulkanContext    *ctx,
                  guint32                type_bits,
                  VkMemoryPropertyFlags  flags,
                  VkMemoryPropertyFlags  prefer,
                  VkMemoryPropertyFlags  avoid)
{
  const struct { VkMemoryPropertyFlags want, avoid; } passes[] = {
    { flags | prefer, avoid },
    { flags, avoid },
    { flags, 0 },
  };

  for (guint p = 0; p < G_N_ELEMENTS (passes); p++)
    for (guint32 i = 0; i < ctx->mem_props.memoryTypeCount; i++)
      {
        VkMemoryPropertyFlags have = ctx->mem_props.memoryTypes[i].propertyFlags;

        if ((type_bits & (1u << i)) &&
            (have & passes[p].want) == passes[p].want &&
            (have & passes[p].avoid) == 0)
          return i;
      }

  return -1;
}

static BenchVulkanBuffer *
buffer_new_full (BenchVulkanContext  *ctx,
                 VkDeviceSize         size,
                 gboolean             host,
                 GError             **error)
{
  g_autoptr(BenchVulkanBuffer) buffer = g_new0 (BenchVulkanBuffer, 1);
  g_autofree char *size_str = g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);
  VkBufferCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
    .size = MAX (size, 4),
    /* Texel-buffer use: the gemm kernel for CPU implementations reads
     * its inputs through uniform texel buffers. */
    .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
             VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT |
             VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
             VK_BUFFER_USAGE_TRANSFER_DST_BIT,
    .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
  };
  VkMemoryRequirements req;
  VkMemoryPropertyFlags flags, prefer = 0, avoid = 0;
  gint type = -1;
  VkResult r;

  buffer->ctx = ctx;
  buffer->size = size;

  if ((r = vkCreateBuffer (ctx->device, &info, NULL, &buffer->buffer)) != VK_SUCCESS)
    {
      bench_vulkan_set_error (error, r, "vkCreateBuffer of %s on vulkan:%u", size_str, ctx->index);
      return NULL;
    }
  vkGetBufferMemoryRequirements (ctx->device, buffer->buffer, &req);

  /* On unified memory (lavapipe, integrated GPUs) one coherent mapping is
   * both device-local and host-visible: no staging copies needed.
   * Staging memory is read back by the CPU: cached memory makes that a
   * plain memory read. A discrete GPU's device buffers avoid host-visible
   * (BAR) types, which a host pointer would read across the bus one
   * uncached load at a time (minutes for a 1 GiB validation). */
  if (host)
    {
      flags = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
      prefer = VK_MEMORY_PROPERTY_HOST_CACHED_BIT;
    }
  else if (ctx->uma)
    flags = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
            VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  else
    {
      flags = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
      avoid = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
    }
  type = find_memory_type (ctx, req.memoryTypeBits, flags, prefer, avoid);
  if (type < 0 && !host)
    type = find_memory_type (ctx, req.memoryTypeBits, 0, 0, 0);
  if (type < 0)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "vulkan:%u (%s) has no suitable memory type for a %s buffer",
                   ctx->index, ctx->props.deviceName, size_str);
      return NULL;
    }

  {
    VkMemoryAllocateInfo alloc = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = req.size,
      .memoryTypeIndex = type,
    };

    if ((r = vkAllocateMemory (ctx->device, &alloc, NULL, &buffer->memory)) != VK_SUCCESS)
      {
        bench_vulkan_set_error (error, r, "vkAllocateMemory of %s on vulkan:%u", size_str, ctx->index);
        return NULL;
      }
  }

  if ((r = vkBindBufferMemory (ctx->device, buffer->buffer, buffer->memory, 0)) != VK_SUCCESS)
    {
      bench_vulkan_set_error (error, r, "vkBindBufferMemory of %s on vulkan:%u", size_str, ctx->index);
      return NULL;
    }

  if (ctx->mem_props.memoryTypes[type].propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT &&
      ctx->mem_props.memoryTypes[type].propertyFlags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT)
    {
      if ((r = vkMapMemory (ctx->device, buffer->memory, 0, VK_WHOLE_SIZE, 0, &buffer->mapped)) != VK_SUCCESS)
        {
          bench_vulkan_set_error (error, r, "vkMapMemory of %s on vulkan:%u", size_str, ctx->index);
          return NULL;
        }
    }

  return g_steal_pointer (&buffer);
}

BenchVulkanBuffer *
bench_vulkan_buffer_new (BenchVulkanContext  *ctx,
                         VkDeviceSize         size,
                         GError             **error)
{
  return buffer_new_full (ctx, size, FALSE, error);
}

BenchVulkanBuffer *
bench_vulkan_buffer_new_host (BenchVulkanContext  *ctx,
                              VkDeviceSize         size,
                              GError             **error)
{
  return buffer_new_full (ctx, size, TRUE, error);
}

void
bench_vulkan_buffer_free (BenchVulkanBuffer *buffer)
{
  if (buffer == NULL)
    return;

  if (buffer->mapped != NULL)
    vkUnmapMemory (buffer->ctx->device, buffer->memory);
  if (buffer->buffer != VK_NULL_HANDLE)
    vkDestroyBuffer (buffer->ctx->device, buffer->buffer, NULL);
  if (buffer->memory != VK_NULL_HANDLE)
    vkFreeMemory (buffer->ctx->device, buffer->memory, NULL);
  g_free (buffer);
}

/* One-shot copy through a host-visible staging buffer. */
static gboolean
staged_copy (BenchVulkanBuffer  *buffer,
             gboolean            upload,
             void               *data,
             gsize               size,
             GError            **error)
{
  BenchVulkanContext *ctx = buffer->ctx;
  g_autoptr(BenchVulkanBuffer) staging = NULL;
  g_autoptr(BenchVulkanCommands) commands = NULL;
  VkCommandBufferBeginInfo begin = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
    .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
  };
  VkBufferCopy region = { .size = size };
  VkResult r;

  if ((staging = buffer_new_full (ctx, size, TRUE, error)) == NULL)
    return FALSE;
  if ((commands = bench_vulkan_commands_new (ctx, error)) == NULL)
    return FALSE;

  if (upload)
    memcpy (staging->mapped, data, size);

  if ((r = vkBeginCommandBuffer (commands->cmd, &begin)) != VK_SUCCESS)
    {
      bench_vulkan_set_error (error, r, "vkBeginCommandBuffer on vulkan:%u", ctx->index);
      return FALSE;
    }
  if (upload)
    vkCmdCopyBuffer (commands->cmd, staging->buffer, buffer->buffer, 1, &region);
  else
    vkCmdCopyBuffer (commands->cmd, buffer->buffer, staging->buffer, 1, &region);
  if ((r = vkEndCommandBuffer (commands->cmd)) != VK_SUCCESS)
    {
      bench_vulkan_set_error (error, r, "vkEndCommandBuffer on vulkan:%u", ctx->index);
      return FALSE;
    }
  if (!bench_vulkan_commands_run_sync (commands, NULL, error))
    return FALSE;

  if (!upload)
    memcpy (data, staging->mapped, size);

  return TRUE;
}

gboolean
bench_vulkan_buffer_upload (BenchVulkanBuffer  *buffer,
                            const void         *data,
                            gsize               size,
                            GError            **error)
{
  g_return_val_if_fail (size <= buffer->size, FALSE);

  if (buffer->mapped != NULL)
    {
      memcpy (buffer->mapped, data, size);
      return TRUE;
    }

  return staged_copy (buffer, TRUE, (void *) data, size, error);
}

gboolean
bench_vulkan_buffer_download (BenchVulkanBuffer  *buffer,
                              void               *data,
                              gsize               size,
                              GError            **error)
{
  g_return_val_if_fail (size <= buffer->size, FALSE);

  if (buffer->mapped != NULL)
    {
      memcpy (data, buffer->mapped, size);
      return TRUE;
    }

  return staged_copy (buffer, FALSE, data, size, error);
}

GBytes *
bench_vulkan_lookup_spirv (const char  *shader,
                           GError     **error)
{
  g_autofree char *path = g_strconcat (RESOURCE_PREFIX, shader, ".spv", NULL);
  g_autoptr(GError) local_error = NULL;
  GBytes *code;

  /* For shader work: DIR/SHADER.spv replaces the embedded SPIR-V. */
  {
    g_autofree char *file = g_strconcat (shader, ".spv", NULL);

    if ((code = bench_dev_override_load ("BENCHTOP_VULKAN_SPIRV_DIR", file)) != NULL)
      return code;
  }

  /* Registering also initialises the static resource; once per process. */
  if (g_once_init_enter (&resource_registered))
    {
      bench_vulkan_register_resource ();
      g_once_init_leave (&resource_registered, 1);
    }
  code = g_resource_lookup_data (bench_vulkan_get_resource (), path,
                                 G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
  if (code == NULL)
    g_set_error (error, BENCH_ERROR, BENCH_ERROR_FAILED,
                 "The SPIR-V of shader “%s” is missing from this build: %s",
                 shader, local_error->message);
  return code;
}

/**
 * bench_vulkan_create_layouts:
 * @types: (nullable): the descriptor type of each binding; NULL: storage buffers
 * @what: names the shader or shaders in errors
 *
 * A descriptor set layout of @n_bindings compute bindings and a pipeline
 * layout of that one set and @push_size bytes of push constants. On
 * failure what was made stays in @set_layout and @layout, for the
 * caller's own free function to destroy with the rest.
 */
gboolean
bench_vulkan_create_layouts (BenchVulkanContext      *ctx,
                             const VkDescriptorType  *types,
                             guint                    n_bindings,
                             guint                    push_size,
                             const char              *what,
                             VkDescriptorSetLayout   *set_layout,
                             VkPipelineLayout        *layout,
                             GError                 **error)
{
  g_autofree VkDescriptorSetLayoutBinding *bindings =
    g_new0 (VkDescriptorSetLayoutBinding, MAX (n_bindings, 1));
  VkResult r;

  for (guint i = 0; i < n_bindings; i++)
    bindings[i] = (VkDescriptorSetLayoutBinding) {
      .binding = i,
      .descriptorType = types != NULL ? types[i] : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
      .descriptorCount = 1,
      .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
    };

  {
    VkDescriptorSetLayoutCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
      .bindingCount = n_bindings,
      .pBindings = bindings,
    };

    if ((r = vkCreateDescriptorSetLayout (ctx->device, &info, NULL, set_layout)) != VK_SUCCESS)
      {
        *set_layout = VK_NULL_HANDLE;
        bench_vulkan_set_error (error, r, "vkCreateDescriptorSetLayout for %s", what);
        return FALSE;
      }
  }

  {
    VkPushConstantRange range = {
      .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
      .size = push_size,
    };
    VkPipelineLayoutCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
      .setLayoutCount = 1,
      .pSetLayouts = set_layout,
      .pushConstantRangeCount = push_size > 0 ? 1 : 0,
      .pPushConstantRanges = &range,
    };

    if ((r = vkCreatePipelineLayout (ctx->device, &info, NULL, layout)) != VK_SUCCESS)
      {
        *layout = VK_NULL_HANDLE;
        bench_vulkan_set_error (error, r, "vkCreatePipelineLayout for %s", what);
        return FALSE;
      }
  }

  return TRUE;
}

/**
 * bench_vulkan_create_compute_pipeline:
 * @spec: (nullable): @n_spec 32-bit specialisation constants, ids 0 to @n_spec - 1
 *
 * The compute pipeline of shaders/@shader.comp (its embedded SPIR-V) in
 * @layout. @pipeline is left alone on failure.
 */
gboolean
bench_vulkan_create_compute_pipeline (BenchVulkanContext  *ctx,
                                      const char          *shader,
                                      VkPipelineLayout     layout,
                                      const guint32       *spec,
                                      guint                n_spec,
                                      VkPipeline          *pipeline,
                                      GError             **error)
{
  g_autofree VkSpecializationMapEntry *entries = g_new0 (VkSpecializationMapEntry, MAX (n_spec, 1));
  g_autoptr(GBytes) code = NULL;
  VkShaderModule module = VK_NULL_HANDLE;
  VkPipeline made = VK_NULL_HANDLE;
  VkResult r;

  if ((code = bench_vulkan_lookup_spirv (shader, error)) == NULL)
    return FALSE;

  {
    gsize code_size;
    const void *code_data = g_bytes_get_data (code, &code_size);
    VkShaderModuleCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
      .codeSize = code_size,
      .pCode = code_data,
    };

    if ((r = vkCreateShaderModule (ctx->device, &info, NULL, &module)) != VK_SUCCESS)
      {
        bench_vulkan_set_error (error, r, "vkCreateShaderModule for %s", shader);
        return FALSE;
      }
  }

  for (guint i = 0; i < n_spec; i++)
    entries[i] = (VkSpecializationMapEntry) {
      .constantID = i,
      .offset = i * sizeof (guint32),
      .size = sizeof (guint32),
    };

  {
    VkSpecializationInfo spec_info = {
      .mapEntryCount = n_spec,
      .pMapEntries = entries,
      .dataSize = n_spec * sizeof (guint32),
      .pData = spec,
    };
    VkComputePipelineCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
      .stage = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
        .stage = VK_SHADER_STAGE_COMPUTE_BIT,
        .module = module,
        .pName = "main",
        .pSpecializationInfo = n_spec > 0 ? &spec_info : NULL,
      },
      .layout = layout,
    };

    r = vkCreateComputePipelines (ctx->device, VK_NULL_HANDLE, 1, &info, NULL, &made);
    vkDestroyShaderModule (ctx->device, module, NULL);
    if (r != VK_SUCCESS)
      {
        bench_vulkan_set_error (error, r, "vkCreateComputePipelines for %s on vulkan:%u",
                                shader, ctx->index);
        return FALSE;
      }
  }

  *pipeline = made;
  return TRUE;
}

BenchVulkanPipeline *
bench_vulkan_pipeline_new (BenchVulkanContext  *ctx,
                           const char          *shader,
                           guint                n_bindings,
                           const guint32       *spec,
                           guint                n_spec,
                           guint                push_size,
                           guint                n_sets,
                           GError             **error)
{
  g_autoptr(BenchVulkanPipeline) pipeline = g_new0 (BenchVulkanPipeline, 1);

  g_return_val_if_fail (n_sets > 0, NULL);

  pipeline->ctx = ctx;
  pipeline->n_bindings = n_bindings;
  pipeline->n_sets = n_sets;
  pipeline->sets = g_new0 (VkDescriptorSet, n_sets);

  if (!bench_vulkan_create_layouts (ctx, NULL, n_bindings, push_size, shader,
                                    &pipeline->set_layout, &pipeline->layout, error) ||
      !bench_vulkan_create_compute_pipeline (ctx, shader, pipeline->layout, spec, n_spec,
                                             &pipeline->pipeline, error) ||
      !bench_vulkan_alloc_descriptor_sets (ctx->device, pipeline->set_layout, n_sets, n_bindings,
                                           &pipeline->pool, pipeline->sets, shader, error))
    return NULL;

  return g_steal_pointer (&pipeline);
}

void
bench_vulkan_pipeline_bind (BenchVulkanPipeline  *pipeline,
                            guint                 set,
                            BenchVulkanBuffer   **buffers,
                            const VkDeviceSize   *offsets,
                            const VkDeviceSize   *ranges)
{
  g_autofree VkDescriptorBufferInfo *infos = g_new0 (VkDescriptorBufferInfo, pipeline->n_bindings);
  g_autofree VkWriteDescriptorSet *writes = g_new0 (VkWriteDescriptorSet, pipeline->n_bindings);

  for (guint i = 0; i < pipeline->n_bindings; i++)
    {
      infos[i].buffer = buffers[i]->buffer;
      infos[i].offset = offsets != NULL ? offsets[i] : 0;
      infos[i].range = ranges != NULL ? ranges[i] : VK_WHOLE_SIZE;
      writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
      writes[i].dstSet = pipeline->sets[set];
      writes[i].dstBinding = i;
      writes[i].descriptorCount = 1;
      writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      writes[i].pBufferInfo = &infos[i];
    }

  vkUpdateDescriptorSets (pipeline->ctx->device, pipeline->n_bindings, writes, 0, NULL);
}

void
bench_vulkan_pipeline_free (BenchVulkanPipeline *pipeline)
{
  VkDevice device;

  if (pipeline == NULL)
    return;

  device = pipeline->ctx->device;
  if (pipeline->pool != VK_NULL_HANDLE)
    vkDestroyDescriptorPool (device, pipeline->pool, NULL);
  if (pipeline->pipeline != VK_NULL_HANDLE)
    vkDestroyPipeline (device, pipeline->pipeline, NULL);
  if (pipeline->layout != VK_NULL_HANDLE)
    vkDestroyPipelineLayout (device, pipeline->layout, NULL);
  if (pipeline->set_layout != VK_NULL_HANDLE)
    vkDestroyDescriptorSetLayout (device, pipeline->set_layout, NULL);
  g_free (pipeline->sets);
  g_free (pipeline);
}

BenchVulkanCommands *
bench_vulkan_commands_new (BenchVulkanContext  *ctx,
                           GError             **error)
{
  g_autoptr(BenchVulkanCommands) commands = g_new0 (BenchVulkanCommands, 1);
  VkCommandPoolCreateInfo pool_info = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
    .queueFamilyIndex = ctx->queue_family,
  };
  VkCommandBufferAllocateInfo alloc = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
    .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
    .commandBufferCount = 1,
  };
  VkFenceCreateInfo fence_info = {
    .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO,
  };
  VkResult r;

  commands->ctx = ctx;

  if ((r = vkCreateCommandPool (ctx->device, &pool_info, NULL, &commands->pool)) != VK_SUCCESS)
    {
      bench_vulkan_set_error (error, r, "vkCreateCommandPool on vulkan:%u", ctx->index);
      return NULL;
    }
  alloc.commandPool = commands->pool;
  if ((r = vkAllocateCommandBuffers (ctx->device, &alloc, &commands->cmd)) != VK_SUCCESS)
    {
      bench_vulkan_set_error (error, r, "vkAllocateCommandBuffers on vulkan:%u", ctx->index);
      return NULL;
    }
  if ((r = vkCreateFence (ctx->device, &fence_info, NULL, &commands->fence)) != VK_SUCCESS)
    {
      bench_vulkan_set_error (error, r, "vkCreateFence on vulkan:%u", ctx->index);
      return NULL;
    }

  if (ctx->timestamp_valid_bits > 0)
    {
      VkQueryPoolCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
        .queryType = VK_QUERY_TYPE_TIMESTAMP,
        .queryCount = 2,
      };

      if ((r = vkCreateQueryPool (ctx->device, &info, NULL, &commands->queries)) != VK_SUCCESS)
        {
          bench_vulkan_set_error (error, r, "vkCreateQueryPool on vulkan:%u", ctx->index);
          return NULL;
        }
    }

  return g_steal_pointer (&commands);
}

gboolean
bench_vulkan_commands_record (BenchVulkanCommands        *commands,
                              BenchVulkanPipeline        *pipeline,
                              guint                       push_size,
                              const BenchVulkanDispatch  *dispatches,
                              guint                       n_dispatches,
                              GError                    **error)
{
  VkCommandBufferBeginInfo begin = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
  };
  VkCommandBuffer cmd = commands->cmd;
  VkResult r;

  if ((r = vkBeginCommandBuffer (cmd, &begin)) != VK_SUCCESS)
    {
      bench_vulkan_set_error (error, r, "vkBeginCommandBuffer on vulkan:%u", commands->ctx->index);
      return FALSE;
    }

  if (commands->queries != VK_NULL_HANDLE)
    {
      vkCmdResetQueryPool (cmd, commands->queries, 0, 2);
      vkCmdWriteTimestamp (cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, commands->queries, 0);
    }
  vkCmdBindPipeline (cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline->pipeline);
  for (guint i = 0; i < n_dispatches; i++)
    {
      const BenchVulkanDispatch *d = &dispatches[i];

      g_assert (d->set < pipeline->n_sets);
      if (i > 0)
        {
          VkMemoryBarrier barrier = {
            .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
            .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
            .dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT,
          };

          vkCmdPipelineBarrier (cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                                VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0,
                                1, &barrier, 0, NULL, 0, NULL);
        }
      vkCmdBindDescriptorSets (cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline->layout,
                               0, 1, &pipeline->sets[d->set], 0, NULL);
      if (push_size > 0)
        vkCmdPushConstants (cmd, pipeline->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, push_size, d->push);
      vkCmdDispatch (cmd, d->groups_x, d->groups_y, 1);
    }
  if (commands->queries != VK_NULL_HANDLE)
    vkCmdWriteTimestamp (cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, commands->queries, 1);

  if ((r = vkEndCommandBuffer (cmd)) != VK_SUCCESS)
    {
      bench_vulkan_set_error (error, r, "vkEndCommandBuffer on vulkan:%u", commands->ctx->index);
      return FALSE;
    }

  return TRUE;
}

gboolean
bench_vulkan_commands_run_sync (BenchVulkanCommands  *commands,
                                gint64               *device_ns,
                                GError              **error)
{
  BenchVulkanContext *ctx = commands->ctx;
  VkSubmitInfo submit = {
    .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
    .commandBufferCount = 1,
    .pCommandBuffers = &commands->cmd,
  };
  VkResult r;

  if (device_ns != NULL)
    *device_ns = -1;

  if ((r = vkResetFences (ctx->device, 1, &commands->fence)) != VK_SUCCESS)
    {
      bench_vulkan_set_error (error, r, "vkResetFences on vulkan:%u", ctx->index);
      return FALSE;
    }

  /* Queues are externally synchronised; executables share the context. */
  g_mutex_lock (&ctx->queue_mutex);
  r = vkQueueSubmit (ctx->queue, 1, &submit, commands->fence);
  g_mutex_unlock (&ctx->queue_mutex);
  if (r != VK_SUCCESS)
    {
      bench_vulkan_set_error (error, r, "vkQueueSubmit on vulkan:%u", ctx->index);
      return FALSE;
    }

  if ((r = vkWaitForFences (ctx->device, 1, &commands->fence, VK_TRUE, G_MAXUINT64)) != VK_SUCCESS)
    {
      bench_vulkan_set_error (error, r, "vkWaitForFences on vulkan:%u", ctx->index);
      return FALSE;
    }

  if (device_ns != NULL && commands->queries != VK_NULL_HANDLE)
    {
      guint64 stamps[2];
      guint64 mask = ctx->timestamp_valid_bits >= 64 ? G_MAXUINT64
                     : ((G_GUINT64_CONSTANT (1) << ctx->timestamp_valid_bits) - 1);

      r = vkGetQueryPoolResults (ctx->device, commands->queries, 0, 2, sizeof stamps, stamps,
                                 sizeof stamps[0], VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
      if (r != VK_SUCCESS)
        {
          bench_vulkan_set_error (error, r, "vkGetQueryPoolResults on vulkan:%u", ctx->index);
          return FALSE;
        }
      *device_ns = (gint64) (((stamps[1] - stamps[0]) & mask) * (double) ctx->props.limits.timestampPeriod);
    }

  return TRUE;
}

void
bench_vulkan_commands_free (BenchVulkanCommands *commands)
{
  VkDevice device;

  if (commands == NULL)
    return;

  device = commands->ctx->device;
  if (commands->queries != VK_NULL_HANDLE)
    vkDestroyQueryPool (device, commands->queries, NULL);
  if (commands->fence != VK_NULL_HANDLE)
    vkDestroyFence (device, commands->fence, NULL);
  if (commands->pool != VK_NULL_HANDLE)
    vkDestroyCommandPool (device, commands->pool, NULL);
  g_free (commands);
}

/**
 * bench_vulkan_alloc_descriptor_sets:
 * @what: names the pipeline or graph in errors
 *
 * A pool of @n_sets storage-buffer descriptor sets of @layout, each with
 * @n_bindings bindings, and the sets allocated from it into @sets.
 */
gboolean
bench_vulkan_alloc_descriptor_sets (VkDevice                device,
                                    VkDescriptorSetLayout   layout,
                                    guint                   n_sets,
                                    guint                   n_bindings,
                                    VkDescriptorPool       *pool,
                                    VkDescriptorSet        *sets,
                                    const char             *what,
                                    GError                **error)
{
  g_autofree VkDescriptorSetLayout *layouts = g_new (VkDescriptorSetLayout, MAX (n_sets, 1));
  VkDescriptorPoolSize size = {
    .type = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
    .descriptorCount = n_bindings * n_sets,
  };
  VkDescriptorPoolCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
    .maxSets = n_sets,
    .poolSizeCount = 1,
    .pPoolSizes = &size,
  };
  VkDescriptorSetAllocateInfo alloc = {
    .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
    .descriptorSetCount = n_sets,
    .pSetLayouts = layouts,
  };
  VkResult r;

  for (guint i = 0; i < n_sets; i++)
    layouts[i] = layout;

  if ((r = vkCreateDescriptorPool (device, &info, NULL, pool)) != VK_SUCCESS)
    {
      bench_vulkan_set_error (error, r, "vkCreateDescriptorPool for %s", what);
      return FALSE;
    }
  alloc.descriptorPool = *pool;
  if ((r = vkAllocateDescriptorSets (device, &alloc, sets)) != VK_SUCCESS)
    {
      bench_vulkan_set_error (error, r, "vkAllocateDescriptorSets for %s", what);
      return FALSE;
    }

  return TRUE;
}
