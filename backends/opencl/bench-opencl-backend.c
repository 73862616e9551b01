/* bench-opencl-backend.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every device of every OpenCL platform the ICD loader knows, numbered
 * "opencl:0", "opencl:1"... across platforms in the loader's order.
 */
#include "config.h"

#include <string.h>

#include "bench-error.h"
#include "bench-opencl-backend.h"
#include "bench-model-executable.h"
#include "bench-opencl-executable.h"
#include "bench-opencl-micro.h"
#include "bench-opencl-model.h"
#include "bench-opencl-private.h"

struct _BenchOpenclBackend
{
  BenchBackend parent_instance;
};

G_DEFINE_FINAL_TYPE (BenchOpenclBackend, bench_opencl_backend, BENCH_TYPE_BACKEND)

#define NO_PLATFORM_MESSAGE \
  "no OpenCL platform found (is an ICD such as pocl-opencl-icd installed?)"

static gboolean
has_extension (const char *extensions,
               const char *name)
{
  g_auto(GStrv) list = NULL;

  if (extensions == NULL)
    return FALSE;
  list = g_strsplit_set (extensions, " \t\n", -1);
  return g_strv_contains ((const char * const *) list, name);
}

static BenchDeviceType
map_device_type (cl_device_id device)
{
  cl_device_type type = 0;
  cl_bool unified = CL_FALSE;

  if (clGetDeviceInfo (device, CL_DEVICE_TYPE, sizeof type, &type, NULL) != CL_SUCCESS)
    return BENCH_DEVICE_TYPE_OTHER;
  if (type & CL_DEVICE_TYPE_CPU)
    return BENCH_DEVICE_TYPE_CPU;
  if (type & CL_DEVICE_TYPE_ACCELERATOR)
    return BENCH_DEVICE_TYPE_ACCELERATOR;
  if (type & CL_DEVICE_TYPE_GPU)
    {
      /* Memory shared with the host is what tells integrated GPUs apart. */
      if (clGetDeviceInfo (device, CL_DEVICE_HOST_UNIFIED_MEMORY, sizeof unified,
                           &unified, NULL) == CL_SUCCESS && unified)
        return BENCH_DEVICE_TYPE_INTEGRATED_GPU;
      return BENCH_DEVICE_TYPE_DISCRETE_GPU;
    }
  return BENCH_DEVICE_TYPE_OTHER;
}

static void
set_string_property (BenchDevice    *device,
                     const char     *key,
                     cl_device_id    id,
                     cl_device_info  param)
{
  g_autofree char *value = bench_opencl_device_string (id, param);

  if (value != NULL && *value != '\0')
    bench_device_set_property_value (device, key, value);
}

static void
set_ulong_property (BenchDevice    *device,
                    const char     *key,
                    cl_ulong        value)
{
  g_autofree char *str = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) value);

  bench_device_set_property_value (device, key, str);
}

static BenchDevice *
describe_device (cl_device_id id,
                 guint        index)
{
  g_autofree char *name = bench_opencl_device_string (id, CL_DEVICE_NAME);
  g_autofree char *vendor = bench_opencl_device_string (id, CL_DEVICE_VENDOR);
  g_autofree char *driver = bench_opencl_device_string (id, CL_DRIVER_VERSION);
  g_autofree char *extensions = bench_opencl_device_string (id, CL_DEVICE_EXTENSIONS);
  g_autofree char *platform_name = NULL;
  g_autoptr(BenchDevice) device = NULL;
  cl_platform_id platform = NULL;
  cl_uint units = 0, clock = 0;
  cl_ulong global_mem = 0, local_mem = 0, max_alloc = 0;
  size_t max_group = 0;

  device = bench_device_new ("opencl", index, name != NULL ? name : "unknown OpenCL device");
  if (vendor != NULL)
    bench_device_set_vendor (device, vendor);
  if (driver != NULL)
    bench_device_set_driver (device, driver);
  bench_device_set_device_type (device, map_device_type (id));
  if (clGetDeviceInfo (id, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof units, &units, NULL) == CL_SUCCESS &&
      units > 0)
    bench_device_set_compute_units (device, units);
  if (clGetDeviceInfo (id, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof global_mem, &global_mem, NULL) == CL_SUCCESS &&
      global_mem > 0)
    bench_device_set_memory_bytes (device, global_mem);

  if (clGetDeviceInfo (id, CL_DEVICE_PLATFORM, sizeof platform, &platform, NULL) == CL_SUCCESS)
    {
      size_t size = 0;

      if (clGetPlatformInfo (platform, CL_PLATFORM_NAME, 0, NULL, &size) == CL_SUCCESS && size > 0)
        {
          platform_name = g_malloc0 (size + 1);
          if (clGetPlatformInfo (platform, CL_PLATFORM_NAME, size, platform_name, NULL) != CL_SUCCESS)
            g_clear_pointer (&platform_name, g_free);
        }
    }
  if (platform_name != NULL)
    bench_device_set_property_value (device, "platform", g_strstrip (platform_name));
  set_string_property (device, "opencl_version", id, CL_DEVICE_VERSION);
  set_string_property (device, "opencl_c_version", id, CL_DEVICE_OPENCL_C_VERSION);
  if (clGetDeviceInfo (id, CL_DEVICE_MAX_CLOCK_FREQUENCY, sizeof clock, &clock, NULL) == CL_SUCCESS &&
      clock > 0)
    set_ulong_property (device, "clock_mhz", clock);
  if (clGetDeviceInfo (id, CL_DEVICE_LOCAL_MEM_SIZE, sizeof local_mem, &local_mem, NULL) == CL_SUCCESS)
    set_ulong_property (device, "local_mem_bytes", local_mem);
  if (clGetDeviceInfo (id, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof max_group, &max_group, NULL) == CL_SUCCESS)
    set_ulong_property (device, "max_work_group_size", max_group);
  bench_device_set_property_value (device, "fp16",
                                   has_extension (extensions, "cl_khr_fp16") ? "yes" : "no");
  bench_device_set_property_value (device, "fp64",
                                   has_extension (extensions, "cl_khr_fp64") ? "yes" : "no");
  if (clGetDeviceInfo (id, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof max_alloc, &max_alloc, NULL) == CL_SUCCESS)
    set_ulong_property (device, "max_alloc_bytes", max_alloc);

  return g_steal_pointer (&device);
}

static GPtrArray *
bench_opencl_backend_discover (BenchBackend  *backend,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) ids = NULL;

  ids = bench_opencl_list_devices (error);
  if (ids == NULL)
    return NULL;

  if (ids->len == 0)
    {
      bench_backend_set_status_message (backend, NO_PLATFORM_MESSAGE);
      return g_steal_pointer (&devices);
    }

  bench_backend_set_status_message (backend, NULL);
  for (guint i = 0; i < ids->len; i++)
    g_ptr_array_add (devices, describe_device (g_array_index (ids, cl_device_id, i), i));

  return g_steal_pointer (&devices);
}

static BenchExecutable *
bench_opencl_backend_prepare (BenchBackend       *backend,
                              BenchDevice        *device,
                              const BenchConfig  *config,
                              GCancellable       *cancellable,
                              GError            **error)
{
  g_autoptr(GArray) ids = NULL;
  g_autofree char *label = NULL;
  g_autofree char *name = NULL;
  guint index = bench_device_get_index (device);
  cl_device_id id;

  ids = bench_opencl_list_devices (error);
  if (ids == NULL)
    return NULL;

  /* The numbering is the loader's order; a device that went away (or an
   * ICD added since discovery) shows up as a different name. */
  label = g_strdup_printf ("%s (%s)", bench_device_get_id (device), bench_device_get_name (device));
  if (index >= ids->len)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_UNKNOWN_DEVICE,
                   "%s is no longer present; list the devices again", label);
      return NULL;
    }
  id = g_array_index (ids, cl_device_id, index);
  name = bench_opencl_device_string (id, CL_DEVICE_NAME);
  if (g_strcmp0 (name, bench_device_get_name (device)) != 0)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_UNKNOWN_DEVICE,
                   "%s is now “%s”: the OpenCL devices changed; list the devices again",
                   label, name ? name : "unknown");
      return NULL;
    }

  if (bench_model_config_is_model (config))
    return bench_opencl_model_new (id, label, config, cancellable, error);
  if (bench_opencl_micro_handles (config->workload))
    return bench_opencl_micro_new (id, label, config, cancellable, error);
  return bench_opencl_executable_new (id, label, config, cancellable, error);
}

static void
bench_opencl_backend_class_init (BenchOpenclBackendClass *klass)
{
  BenchBackendClass *backend_class = BENCH_BACKEND_CLASS (klass);

  backend_class->name = "opencl";
  backend_class->discover = bench_opencl_backend_discover;
  backend_class->prepare = bench_opencl_backend_prepare;
}

static void
bench_opencl_backend_init (BenchOpenclBackend *self)
{
}
