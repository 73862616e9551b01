/* bench-vulkan-backend.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Vulkan backend: every physical device with a compute queue, through
 * the loader. Workloads are GLSL compute shaders (see shaders/).
 */
#include "config.h"

#include "bench-backend-private.h"
#include "bench-error.h"
#include "bench-vulkan-backend.h"
#include "bench-vulkan-context.h"
#include "bench-vulkan-executable.h"

struct _BenchVulkanBackend
{
  BenchBackend parent_instance;
};

G_DEFINE_FINAL_TYPE (BenchVulkanBackend, bench_vulkan_backend, BENCH_TYPE_BACKEND)

static const char *
vendor_name (guint32 vendor_id)
{
  switch (vendor_id)
    {
    case 0x10DE: return "NVIDIA";
    case 0x1002: return "AMD";
    case 0x8086: return "Intel";
    case 0x10005: return "Mesa";
    case 0x13B5: return "ARM";
    case 0x5143: return "Qualcomm";
    case 0x1010: return "Imagination";
    case 0x106B: return "Apple";
    default: return NULL;
    }
}

static BenchDeviceType
map_type (VkPhysicalDeviceType type)
{
  switch (type)
    {
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return BENCH_DEVICE_TYPE_INTEGRATED_GPU;
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return BENCH_DEVICE_TYPE_DISCRETE_GPU;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return BENCH_DEVICE_TYPE_VIRTUAL_GPU;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return BENCH_DEVICE_TYPE_CPU;
    case VK_PHYSICAL_DEVICE_TYPE_OTHER:
    default: return BENCH_DEVICE_TYPE_OTHER;
    }
}

static char *
format_version (guint32 version)
{
  return g_strdup_printf ("%u.%u.%u", VK_API_VERSION_MAJOR (version),
                          VK_API_VERSION_MINOR (version), VK_API_VERSION_PATCH (version));
}

static void
set_int_property (BenchDevice *device,
                  const char  *key,
                  gint64       value)
{
  g_autofree char *str = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  bench_device_set_property_value (device, key, str);
}

static BenchDevice *
describe_device (guint             index,
                 VkPhysicalDevice  physical)
{
  VkPhysicalDeviceDriverProperties driver = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES,
  };
  VkPhysicalDeviceSubgroupProperties subgroup = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES,
  };
  VkPhysicalDeviceProperties2 props2 = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
    .pNext = &subgroup,
  };
  VkPhysicalDeviceShaderFloat16Int8Features f16i8 = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES,
  };
  VkPhysicalDeviceFeatures2 features2 = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
  };
  VkPhysicalDeviceMemoryProperties mem;
  VkPhysicalDeviceProperties props;
  g_autoptr(GString) heaps = g_string_new (NULL);
  g_autofree char *api = NULL;
  const char *vendor;
  gboolean has_driver_props, has_f16i8;
  BenchDevice *device;
  VkDeviceSize largest = 0;

  vkGetPhysicalDeviceProperties (physical, &props);
  /* Chained structures must be known to the device: core in 1.2, or the
   * extension is advertised. */
  has_driver_props = props.apiVersion >= VK_API_VERSION_1_2 ||
    bench_vulkan_has_device_extension (physical, VK_KHR_DRIVER_PROPERTIES_EXTENSION_NAME);
  has_f16i8 = props.apiVersion >= VK_API_VERSION_1_2 ||
    bench_vulkan_has_device_extension (physical, VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME);
  if (has_driver_props)
    subgroup.pNext = &driver;
  vkGetPhysicalDeviceProperties2 (physical, &props2);
  if (has_f16i8)
    {
      features2.pNext = &f16i8;
      vkGetPhysicalDeviceFeatures2 (physical, &features2);
    }
  vkGetPhysicalDeviceMemoryProperties (physical, &mem);

  device = bench_device_new ("vulkan", index, props.deviceName);

  vendor = vendor_name (props.vendorID);
  if (vendor != NULL)
    bench_device_set_vendor (device, vendor);
  else
    {
      g_autofree char *hex = g_strdup_printf ("0x%04X", props.vendorID);

      bench_device_set_vendor (device, hex);
    }

  if (has_driver_props && driver.driverName[0] != '\0')
    {
      g_autofree char *str = driver.driverInfo[0] != '\0'
        ? g_strdup_printf ("%s %s", driver.driverName, driver.driverInfo)
        : g_strdup (driver.driverName);

      bench_device_set_driver (device, str);
    }
  else
    {
      g_autofree char *str = g_strdup_printf ("driver version 0x%08X", props.driverVersion);

      bench_device_set_driver (device, str);
    }

  bench_device_set_device_type (device, map_type (props.deviceType));

  for (guint32 i = 0; i < mem.memoryHeapCount; i++)
    {
      const VkMemoryHeap *heap = &mem.memoryHeaps[i];
      g_autofree char *size = g_format_size_full (heap->size, G_FORMAT_SIZE_IEC_UNITS);

      if ((heap->flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) && heap->size > largest)
        largest = heap->size;
      g_string_append_printf (heaps, "%s%s%s", heaps->len ? "; " : "", size,
                              (heap->flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) ? " device-local" : " host");
      if (heap->flags & VK_MEMORY_HEAP_MULTI_INSTANCE_BIT)
        g_string_append (heaps, " multi-instance");
    }
  bench_device_set_memory_bytes (device, largest > 0 ? (gint64) largest : -1);
  /* Vulkan has no portable count of compute units. */
  bench_device_set_compute_units (device, -1);

  api = format_version (props.apiVersion);
  bench_device_set_property_value (device, "api_version", api);
  if (props.vendorID == 0x10DE)
    {
      g_autofree char *str = g_strdup_printf ("%u.%u.%u.%u", (props.driverVersion >> 22) & 0x3ff,
                                              (props.driverVersion >> 14) & 0xff,
                                              (props.driverVersion >> 6) & 0xff,
                                              props.driverVersion & 0x3f);
      bench_device_set_property_value (device, "driver_version", str);
    }
  else
    {
      g_autofree char *str = format_version (props.driverVersion);

      bench_device_set_property_value (device, "driver_version", str);
    }
  set_int_property (device, "subgroup_size", subgroup.subgroupSize);
  set_int_property (device, "max_workgroup_invocations", props.limits.maxComputeWorkGroupInvocations);
  set_int_property (device, "shared_memory_bytes", props.limits.maxComputeSharedMemorySize);
  if (has_f16i8)
    {
      bench_device_set_property_value (device, "shader_float16", f16i8.shaderFloat16 ? "yes" : "no");
      bench_device_set_property_value (device, "shader_int8", f16i8.shaderInt8 ? "yes" : "no");
    }
  bench_device_set_property_value (device, "memory_heaps", heaps->str);
  if (props.limits.timestampComputeAndGraphics && props.limits.timestampPeriod > 0)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (buf, sizeof buf, "%g", props.limits.timestampPeriod);
      bench_device_set_property_value (device, "timestamp_period_ns", buf);
    }

  return device;
}

static GPtrArray *
bench_vulkan_backend_discover (BenchBackend  *backend,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) physical = NULL;
  g_autoptr(GError) local_error = NULL;
  VkResult r = VK_SUCCESS;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* No loader ICD, a failing instance or no device are "no devices", not
   * errors: the other backends still work. */
  if (!bench_vulkan_enumerate (&physical, &r, &local_error) || physical->len == 0)
    {
      g_autofree char *message =
        g_strdup_printf ("no Vulkan device found (is mesa-vulkan-drivers or a GPU driver installed?): %s",
                         physical == NULL ? local_error->message : "the loader lists no device with a compute queue");

      bench_backend_set_status_message (backend, message);
      return g_steal_pointer (&devices);
    }

  bench_backend_set_status_message (backend, NULL);
  for (guint i = 0; i < physical->len; i++)
    g_ptr_array_add (devices, describe_device (i, g_array_index (physical, VkPhysicalDevice, i)));

  return g_steal_pointer (&devices);
}

static BenchExecutable *
bench_vulkan_backend_prepare (BenchBackend       *backend,
                              BenchDevice        *device,
                              const BenchConfig  *config,
                              GCancellable       *cancellable,
                              GError            **error)
{
  return bench_vulkan_executable_new (bench_device_get_index (device), config,
                                      cancellable, error);
}

static void
bench_vulkan_backend_class_init (BenchVulkanBackendClass *klass)
{
  BenchBackendClass *backend_class = BENCH_BACKEND_CLASS (klass);

  backend_class->name = "vulkan";
  backend_class->discover = bench_vulkan_backend_discover;
  backend_class->prepare = bench_vulkan_backend_prepare;
}

static void
bench_vulkan_backend_init (BenchVulkanBackend *self)
{
}
