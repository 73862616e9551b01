/* bench-opencl-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "bench-error.h"
#include "bench-util-private.h"
#include "bench-opencl-private.h"
#include "bench-opencl-resources.h"

/* From cl_ext.h (cl_khr_icd), which not every header package ships. */
#define BENCH_CL_PLATFORM_NOT_FOUND_KHR (-1001)
/* How much of a failed build's log goes into the error message. */
#define BUILD_LOG_MAX_LINES 12

const char *
bench_opencl_error_to_string (cl_int err)
{
  switch (err)
    {
#define CASE(x) case x: return #x
      CASE (CL_SUCCESS);
      CASE (CL_DEVICE_NOT_FOUND);
      CASE (CL_DEVICE_NOT_AVAILABLE);
      CASE (CL_COMPILER_NOT_AVAILABLE);
      CASE (CL_MEM_OBJECT_ALLOCATION_FAILURE);
      CASE (CL_OUT_OF_RESOURCES);
      CASE (CL_OUT_OF_HOST_MEMORY);
      CASE (CL_PROFILING_INFO_NOT_AVAILABLE);
      CASE (CL_MEM_COPY_OVERLAP);
      CASE (CL_IMAGE_FORMAT_MISMATCH);
      CASE (CL_IMAGE_FORMAT_NOT_SUPPORTED);
      CASE (CL_BUILD_PROGRAM_FAILURE);
      CASE (CL_MAP_FAILURE);
      CASE (CL_MISALIGNED_SUB_BUFFER_OFFSET);
      CASE (CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
      CASE (CL_COMPILE_PROGRAM_FAILURE);
      CASE (CL_LINKER_NOT_AVAILABLE);
      CASE (CL_LINK_PROGRAM_FAILURE);
      CASE (CL_DEVICE_PARTITION_FAILED);
      CASE (CL_KERNEL_ARG_INFO_NOT_AVAILABLE);
      CASE (CL_INVALID_VALUE);
      CASE (CL_INVALID_DEVICE_TYPE);
      CASE (CL_INVALID_PLATFORM);
      CASE (CL_INVALID_DEVICE);
      CASE (CL_INVALID_CONTEXT);
      CASE (CL_INVALID_QUEUE_PROPERTIES);
      CASE (CL_INVALID_COMMAND_QUEUE);
      CASE (CL_INVALID_HOST_PTR);
      CASE (CL_INVALID_MEM_OBJECT);
      CASE (CL_INVALID_IMAGE_FORMAT_DESCRIPTOR);
      CASE (CL_INVALID_IMAGE_SIZE);
      CASE (CL_INVALID_SAMPLER);
      CASE (CL_INVALID_BINARY);
      CASE (CL_INVALID_BUILD_OPTIONS);
      CASE (CL_INVALID_PROGRAM);
      CASE (CL_INVALID_PROGRAM_EXECUTABLE);
      CASE (CL_INVALID_KERNEL_NAME);
      CASE (CL_INVALID_KERNEL_DEFINITION);
      CASE (CL_INVALID_KERNEL);
      CASE (CL_INVALID_ARG_INDEX);
      CASE (CL_INVALID_ARG_VALUE);
      CASE (CL_INVALID_ARG_SIZE);
      CASE (CL_INVALID_KERNEL_ARGS);
      CASE (CL_INVALID_WORK_DIMENSION);
      CASE (CL_INVALID_WORK_GROUP_SIZE);
      CASE (CL_INVALID_WORK_ITEM_SIZE);
      CASE (CL_INVALID_GLOBAL_OFFSET);
      CASE (CL_INVALID_EVENT_WAIT_LIST);
      CASE (CL_INVALID_EVENT);
      CASE (CL_INVALID_OPERATION);
      CASE (CL_INVALID_GL_OBJECT);
      CASE (CL_INVALID_BUFFER_SIZE);
      CASE (CL_INVALID_MIP_LEVEL);
      CASE (CL_INVALID_GLOBAL_WORK_SIZE);
      CASE (CL_INVALID_PROPERTY);
      CASE (CL_INVALID_IMAGE_DESCRIPTOR);
      CASE (CL_INVALID_COMPILER_OPTIONS);
      CASE (CL_INVALID_LINKER_OPTIONS);
      CASE (CL_INVALID_DEVICE_PARTITION_COUNT);
#undef CASE
    case BENCH_CL_PLATFORM_NOT_FOUND_KHR:
      return "CL_PLATFORM_NOT_FOUND_KHR";
    default:
      return "CL_UNKNOWN_ERROR";
    }
}

void
bench_opencl_set_error (GError     **error,
                        cl_int       err,
                        const char  *device_label,
                        const char  *what)
{
  if (err == CL_MEM_OBJECT_ALLOCATION_FAILURE ||
      err == CL_OUT_OF_RESOURCES ||
      err == CL_OUT_OF_HOST_MEMORY ||
      err == CL_INVALID_BUFFER_SIZE)
    g_set_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE,
                 "%s failed on %s: %s (%d); the device ran out of memory or "
                 "resources, choose a smaller size",
                 what, device_label, bench_opencl_error_to_string (err), err);
  else
    g_set_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE,
                 "%s failed on %s: %s (%d)",
                 what, device_label, bench_opencl_error_to_string (err), err);
}

GArray *
bench_opencl_list_devices (GError **error)
{
  g_autoptr(GArray) devices = g_array_new (FALSE, FALSE, sizeof (cl_device_id));
  g_autofree cl_platform_id *platforms = NULL;
  cl_uint n_platforms = 0;
  cl_int err;

  err = clGetPlatformIDs (0, NULL, &n_platforms);
  if (err == BENCH_CL_PLATFORM_NOT_FOUND_KHR || (err == CL_SUCCESS && n_platforms == 0))
    return g_steal_pointer (&devices);
  if (err != CL_SUCCESS)
    {
      bench_opencl_set_error (error, err, "the OpenCL loader", "listing platforms");
      return NULL;
    }

  platforms = g_new0 (cl_platform_id, n_platforms);
  err = clGetPlatformIDs (n_platforms, platforms, NULL);
  if (err != CL_SUCCESS)
    {
      bench_opencl_set_error (error, err, "the OpenCL loader", "listing platforms");
      return NULL;
    }

  for (cl_uint p = 0; p < n_platforms; p++)
    {
      g_autofree cl_device_id *ids = NULL;
      cl_uint n_ids = 0;

      /* A platform without devices answers CL_DEVICE_NOT_FOUND: skip it. */
      if (clGetDeviceIDs (platforms[p], CL_DEVICE_TYPE_ALL, 0, NULL, &n_ids) != CL_SUCCESS ||
          n_ids == 0)
        continue;
      ids = g_new0 (cl_device_id, n_ids);
      if (clGetDeviceIDs (platforms[p], CL_DEVICE_TYPE_ALL, n_ids, ids, NULL) != CL_SUCCESS)
        continue;
      g_array_append_vals (devices, ids, n_ids);
    }

  return g_steal_pointer (&devices);
}

char *
bench_opencl_device_string (cl_device_id   device,
                            cl_device_info param)
{
  g_autofree char *value = NULL;
  size_t size = 0;

  if (clGetDeviceInfo (device, param, 0, NULL, &size) != CL_SUCCESS || size == 0)
    return NULL;
  value = g_malloc0 (size + 1);
  if (clGetDeviceInfo (device, param, size, value, NULL) != CL_SUCCESS)
    return NULL;

  return g_strstrip (g_steal_pointer (&value));
}

/* The process-wide cache. Contexts and programs live until exit: they are
 * what makes the second run of a workload skip the (LLVM, on PoCL) build. */
typedef struct
{
  cl_context  context;
  GHashTable *programs;  /* "options\nsource" -> cl_program */
} DeviceCache;

static GMutex cache_lock;
static GHashTable *cache;  /* cl_device_id -> DeviceCache */

static DeviceCache *
lookup_device_locked (cl_device_id   device,
                      GError       **error)
{
  DeviceCache *entry;
  cl_context context;
  cl_int err = CL_SUCCESS;

  if (cache == NULL)
    cache = g_hash_table_new (NULL, NULL);

  entry = g_hash_table_lookup (cache, device);
  if (entry != NULL)
    return entry;

  context = clCreateContext (NULL, 1, &device, NULL, NULL, &err);
  if (context == NULL || err != CL_SUCCESS)
    {
      g_autofree char *name = bench_opencl_device_string (device, CL_DEVICE_NAME);

      bench_opencl_set_error (error, err, name ? name : "the OpenCL device",
                              "creating an OpenCL context");
      return NULL;
    }

  entry = g_new0 (DeviceCache, 1);
  entry->context = context;
  entry->programs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_insert (cache, device, entry);
  return entry;
}

cl_context
bench_opencl_get_context (cl_device_id   device,
                          GError       **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&cache_lock);
  DeviceCache *entry = lookup_device_locked (device, error);

  return entry != NULL ? entry->context : NULL;
}

/* The first lines of the build log, for the error message. */
static char *
build_log_head (cl_program   program,
                cl_device_id device)
{
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) head = g_string_new (NULL);
  size_t size = 0;
  guint n = 0;

  if (clGetProgramBuildInfo (program, device, CL_PROGRAM_BUILD_LOG, 0, NULL, &size) != CL_SUCCESS ||
      size == 0)
    return g_strdup ("(no build log)");
  log = g_malloc0 (size + 1);
  if (clGetProgramBuildInfo (program, device, CL_PROGRAM_BUILD_LOG, size, log, NULL) != CL_SUCCESS)
    return g_strdup ("(no build log)");

  lines = g_strsplit (g_strstrip (log), "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (n == BUILD_LOG_MAX_LINES)
        {
          g_string_append (head, "\n…");
          break;
        }
      if (*g_strstrip (lines[i]) == '\0')
        continue;
      if (n++ > 0)
        g_string_append_c (head, '\n');
      g_string_append (head, lines[i]);
    }

  return head->len > 0 ? g_string_free (g_steal_pointer (&head), FALSE)
                       : g_strdup ("(empty build log)");
}

cl_program
bench_opencl_get_program (cl_device_id   device,
                          const char    *source,
                          const char    *options,
                          GError       **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&cache_lock);
  g_autofree char *key = NULL;
  DeviceCache *entry;
  cl_program program;
  cl_int err = CL_SUCCESS;

  g_return_val_if_fail (source != NULL, NULL);

  entry = lookup_device_locked (device, error);
  if (entry == NULL)
    return NULL;

  if (options == NULL)
    options = "";
  key = g_strconcat (options, "\n", source, NULL);
  program = g_hash_table_lookup (entry->programs, key);
  if (program != NULL)
    return program;

  /* Built under the lock: two threads asking for the same program build it
   * once, and PoCL's compiler is not faster when run twice in parallel. */
  program = clCreateProgramWithSource (entry->context, 1, &source, NULL, &err);
  if (program == NULL || err != CL_SUCCESS)
    {
      g_autofree char *name = bench_opencl_device_string (device, CL_DEVICE_NAME);

      bench_opencl_set_error (error, err, name ? name : "the OpenCL device",
                              "creating an OpenCL program");
      return NULL;
    }

  err = clBuildProgram (program, 1, &device, options, NULL, NULL);
  if (err != CL_SUCCESS)
    {
      g_autofree char *name = bench_opencl_device_string (device, CL_DEVICE_NAME);
      g_autofree char *log = build_log_head (program, device);

      g_set_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE,
                   "Building an OpenCL program failed on %s: %s (%d); build log:\n%s",
                   name ? name : "the OpenCL device",
                   bench_opencl_error_to_string (err), err, log);
      clReleaseProgram (program);
      return NULL;
    }

  g_hash_table_insert (entry->programs, g_steal_pointer (&key), program);
  return program;
}

char *
bench_opencl_load_kernel (const char  *name,
                          GError     **error)
{
  g_autofree char *path = g_strconcat ("/io/github/benchtop/opencl/kernels/", name, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;

  /* For kernel work: DIR/NAME replaces the embedded source. */
  bytes = bench_dev_override_load ("BENCHTOP_OPENCL_KERNEL_DIR", name);
  if (bytes == NULL)
    bytes = g_resource_lookup_data (bench_opencl_get_resource (), path,
                                    G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_FAILED,
                   "The OpenCL kernel %s is missing from the build: %s",
                   name, local_error->message);
      return NULL;
    }

  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}
