/* bench-opencl-executable.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bench-error.h"
#include "bench-workload.h"
#include "bench-cpu-kernels.h"
#include "bench-opencl-executable.h"

#define GEMM_DEFAULT_SIZE   1024
#define GEMM_MAX_SIZE       46340   /* n * n must fit in the kernels' int indices */
#define TRIAD_DEFAULT_BYTES (G_GINT64_CONSTANT (256) * 1024 * 1024)
/* C is compared in full up to this many entries (N = 512), sampled above. */
#define GEMM_FULL_CHECK     (512 * 512)
#define TRIAD_SCALAR        3.0f
#define TRIAD_GROUP         256
#define TRIAD_CHUNKS_PER_UNIT 8
#define PEAK_CHAINS         12
#define PEAK_LANES          8
#define PEAK_MAX_INNER      (1 << 20)   /* acc0 + inner stays exact in fp32 */
#define PEAK_TARGET_NS      (G_GINT64_CONSTANT (50) * 1000 * 1000)

typedef enum
{
  KIND_GEMM,
  KIND_TRIAD,
  KIND_PEAK,
} Kind;

struct _BenchOpenclExecutable
{
  BenchExecutable   parent_instance;

  Kind              kind;
  char             *impl;
  char             *label;
  gboolean          has_run;

  cl_device_id      device;
  cl_context        context;   /* owned by the process-wide cache */
  cl_command_queue  queue;
  cl_kernel         kernel;
  guint             work_dim;
  size_t            global[2];
  size_t            local[2];

  /* gemm: n x n; triad: n floats per array; peak: global work-items */
  gint64            n;
  cl_mem            a;
  cl_mem            b;
  cl_mem            c;
  /* gemm: the inputs kept on the host for validation */
  float            *host_a;
  float            *host_b;

  int               inner;
};

G_DEFINE_FINAL_TYPE (BenchOpenclExecutable, bench_opencl_executable, BENCH_TYPE_EXECUTABLE)

static void
bench_opencl_executable_finalize (GObject *object)
{
  BenchOpenclExecutable *self = (BenchOpenclExecutable *)object;

  if (self->queue != NULL)
    clFinish (self->queue);
  g_clear_pointer (&self->a, clReleaseMemObject);
  g_clear_pointer (&self->b, clReleaseMemObject);
  g_clear_pointer (&self->c, clReleaseMemObject);
  g_clear_pointer (&self->kernel, clReleaseKernel);
  g_clear_pointer (&self->queue, clReleaseCommandQueue);
  g_clear_pointer (&self->host_a, bench_cpu_free);
  g_clear_pointer (&self->host_b, bench_cpu_free);
  g_clear_pointer (&self->impl, g_free);
  g_clear_pointer (&self->label, g_free);

  G_OBJECT_CLASS (bench_opencl_executable_parent_class)->finalize (object);
}

/* Enqueues the kernel once, waits, and returns its profiled duration. */
static gboolean
launch (BenchOpenclExecutable  *self,
        gint64                 *device_ns,
        GError                **error)
{
  cl_event event = NULL;
  cl_ulong start = 0, end = 0;
  cl_int err;

  err = clEnqueueNDRangeKernel (self->queue, self->kernel, self->work_dim, NULL,
                                self->global, self->local, 0, NULL, &event);
  if (err != CL_SUCCESS)
    {
      bench_opencl_set_error (error, err, self->label, "enqueueing the kernel");
      return FALSE;
    }

  err = clFinish (self->queue);
  if (err == CL_SUCCESS)
    err = clGetEventProfilingInfo (event, CL_PROFILING_COMMAND_START, sizeof start, &start, NULL);
  if (err == CL_SUCCESS)
    err = clGetEventProfilingInfo (event, CL_PROFILING_COMMAND_END, sizeof end, &end, NULL);
  clReleaseEvent (event);
  if (err != CL_SUCCESS)
    {
      bench_opencl_set_error (error, err, self->label, "running the kernel");
      return FALSE;
    }

  *device_ns = end > start ? (gint64) (end - start) : -1;
  return TRUE;
}

static gboolean
bench_opencl_executable_run (BenchExecutable  *executable,
                             BenchIteration   *iteration,
                             GError          **error)
{
  BenchOpenclExecutable *self = BENCH_OPENCL_EXECUTABLE (executable);

  if (!launch (self, &iteration->device_ns, error))
    return FALSE;

  self->has_run = TRUE;
  return TRUE;
}

static float *
read_back (BenchOpenclExecutable  *self,
           cl_mem                  buffer,
           gsize                   bytes,
           GError                **error)
{
  float *host = bench_cpu_alloc (bytes);
  cl_int err;

  if (host == NULL)
    {
      g_autofree char *size = bench_cpu_format_size (bytes);

      g_set_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE,
                   "cannot allocate %s of host memory to check the results of %s",
                   size, self->label);
      return NULL;
    }

  err = clEnqueueReadBuffer (self->queue, buffer, CL_TRUE, 0, bytes, host, 0, NULL, NULL);
  if (err != CL_SUCCESS)
    {
      bench_opencl_set_error (error, err, self->label, "reading back the results");
      bench_cpu_free (host);
      return NULL;
    }

  return host;
}

static void
check_peak (const float   *out,
            gint64         items,
            int            inner,
            BenchCpuCheck *check)
{
  check->tolerance = 0.0;
  check->max_abs_error = 0.0;
  check->max_rel_error = 0.0;
  check->checked = 0;

  for (gint64 i = 0; i < items; i++)
    for (int c = 0; c < PEAK_CHAINS; c++)
      for (int l = 0; l < PEAK_LANES; l++)
        {
          double expected = (double) (c + l) + (double) inner;
          double got = out[(i * PEAK_CHAINS + c) * PEAK_LANES + l];
          double abs_error = fabs (got - expected);

          check->max_abs_error = MAX (check->max_abs_error, abs_error);
          check->max_rel_error = MAX (check->max_rel_error, abs_error / expected);
          check->checked++;
        }

  /* Every value is an integer below 2^24: the result must be exact. */
  check->passed = check->max_abs_error == 0.0;
}

static gboolean
bench_opencl_executable_validate (BenchExecutable        *executable,
                                  BenchValidationReport  *report,
                                  GError                **error)
{
  BenchOpenclExecutable *self = BENCH_OPENCL_EXECUTABLE (executable);
  BenchCpuCheck check = { 0 };
  float *out;

  /* Nothing to compare before the first run: leave it "not validated". */
  if (!self->has_run)
    return TRUE;

  switch (self->kind)
    {
    case KIND_GEMM:
      out = read_back (self, self->c, (gsize) self->n * self->n * sizeof (float), error);
      if (out == NULL)
        return FALSE;
      bench_cpu_sgemm_check (self->n, self->n, self->n, self->host_a, self->host_b, out,
                             GEMM_FULL_CHECK, &check);
      break;

    case KIND_TRIAD:
      out = read_back (self, self->a, (gsize) self->n * sizeof (float), error);
      if (out == NULL)
        return FALSE;
      bench_cpu_triad_check (out, self->n, TRIAD_SCALAR, &check);
      break;

    case KIND_PEAK:
      out = read_back (self, self->a,
                       (gsize) self->n * PEAK_CHAINS * PEAK_LANES * sizeof (float), error);
      if (out == NULL)
        return FALSE;
      check_peak (out, self->n, self->inner, &check);
      break;

    default:
      g_assert_not_reached ();
    }

  bench_cpu_free (out);
  report->validation = check.passed ? BENCH_VALIDATION_PASS : BENCH_VALIDATION_FAIL;
  report->max_abs_error = check.max_abs_error;
  report->max_rel_error = check.max_rel_error;
  report->tolerance = check.tolerance;
  return TRUE;
}

static void
bench_opencl_executable_class_init (BenchOpenclExecutableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BenchExecutableClass *executable_class = BENCH_EXECUTABLE_CLASS (klass);

  object_class->finalize = bench_opencl_executable_finalize;
  executable_class->run = bench_opencl_executable_run;
  executable_class->validate = bench_opencl_executable_validate;
}

static void
bench_opencl_executable_init (BenchOpenclExecutable *self)
{
}

static cl_ulong
device_ulong (cl_device_id   device,
              cl_device_info param)
{
  cl_ulong value = 0;

  if (clGetDeviceInfo (device, param, sizeof value, &value, NULL) != CL_SUCCESS)
    return 0;
  return value;
}

static size_t
device_size (cl_device_id   device,
             cl_device_info param)
{
  size_t value = 0;

  if (clGetDeviceInfo (device, param, sizeof value, &value, NULL) != CL_SUCCESS)
    return 0;
  return value;
}

static gboolean
is_cpu_device (cl_device_id device)
{
  cl_device_type type = 0;

  clGetDeviceInfo (device, CL_DEVICE_TYPE, sizeof type, &type, NULL);
  return (type & CL_DEVICE_TYPE_CPU) != 0;
}

/* Opens the queue and builds (or finds) @kernel_name from @file. */
static gboolean
setup (BenchOpenclExecutable  *self,
       cl_device_id            device,
       const char             *device_label,
       const char             *file,
       const char             *options,
       const char             *kernel_name,
       GError                **error)
{
  g_autofree char *source = NULL;
  cl_program program;
  cl_int err = CL_SUCCESS;

  self->device = device;
  self->label = g_strdup (device_label);

  self->context = bench_opencl_get_context (device, error);
  if (self->context == NULL)
    return FALSE;

  self->queue = clCreateCommandQueue (self->context, device, CL_QUEUE_PROFILING_ENABLE, &err);
  if (self->queue == NULL || err != CL_SUCCESS)
    {
      self->queue = NULL;
      bench_opencl_set_error (error, err, self->label, "creating a profiling command queue");
      return FALSE;
    }

  source = bench_opencl_load_kernel (file, error);
  if (source == NULL)
    return FALSE;

  program = bench_opencl_get_program (device, source, options, error);
  if (program == NULL)
    return FALSE;

  self->kernel = clCreateKernel (program, kernel_name, &err);
  if (self->kernel == NULL || err != CL_SUCCESS)
    {
      self->kernel = NULL;
      bench_opencl_set_error (error, err, self->label, "creating the kernel");
      return FALSE;
    }

  return TRUE;
}

/* Checks @count buffers of @bytes each against the device's limits. */
static gboolean
check_memory (BenchOpenclExecutable  *self,
              const char             *workload,
              guint64                 bytes,
              guint                   count,
              GError                **error)
{
  guint64 max_alloc = device_ulong (self->device, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
  guint64 global = device_ulong (self->device, CL_DEVICE_GLOBAL_MEM_SIZE);

  if (max_alloc > 0 && bytes > max_alloc)
    {
      g_autofree char *size = bench_cpu_format_size (bytes);
      g_autofree char *limit = bench_cpu_format_size (max_alloc);

      g_set_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE,
                   "%s needs buffers of %s on %s, larger than its largest allocation "
                   "(%s); choose a smaller size",
                   workload, size, self->label, limit);
      return FALSE;
    }
  if (global > 0 && bytes * count > global)
    {
      g_autofree char *size = bench_cpu_format_size (bytes * count);
      g_autofree char *limit = bench_cpu_format_size (global);

      g_set_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE,
                   "%s needs %s of memory on %s, which has %s; choose a smaller size",
                   workload, size, self->label, limit);
      return FALSE;
    }

  return TRUE;
}

static cl_mem
create_buffer (BenchOpenclExecutable  *self,
               const char             *workload,
               cl_mem_flags            flags,
               gsize                   bytes,
               const void             *data,
               GError                **error)
{
  cl_int err = CL_SUCCESS;
  cl_mem buffer;

  buffer = clCreateBuffer (self->context, flags, bytes, NULL, &err);
  /* Some drivers allocate lazily: the first write is where memory runs out. */
  if (buffer != NULL && err == CL_SUCCESS && data != NULL)
    err = clEnqueueWriteBuffer (self->queue, buffer, CL_TRUE, 0, bytes, data, 0, NULL, NULL);

  if (buffer == NULL || err != CL_SUCCESS)
    {
      g_autofree char *size = bench_cpu_format_size (bytes);
      g_autofree char *what = g_strdup_printf ("allocating a %s buffer for %s", size, workload);

      g_clear_pointer (&buffer, clReleaseMemObject);
      bench_opencl_set_error (error, err, self->label, what);
      return NULL;
    }

  return buffer;
}

static void
set_work (BenchOpenclExecutable *self,
          double                 flops,
          double                 bytes,
          gint64                 allocated)
{
  BenchWork *work = bench_executable_get_work (BENCH_EXECUTABLE (self));

  work->flops = flops;
  work->bytes = bytes;
  work->items = 1;
  work->device_memory_bytes = allocated;
}

static gboolean
set_args (BenchOpenclExecutable  *self,
          guint                   n_args,
          const size_t           *sizes,
          const void * const     *values,
          GError                **error)
{
  for (guint i = 0; i < n_args; i++)
    {
      cl_int err = clSetKernelArg (self->kernel, i, sizes[i], values[i]);

      if (err != CL_SUCCESS)
        {
          g_autofree char *what = g_strdup_printf ("setting kernel argument %u", i);

          bench_opencl_set_error (error, err, self->label, what);
          return FALSE;
        }
    }

  return TRUE;
}

static gsize
packed_local_bytes (const BenchOpenclGemmShape *shape)
{
  return ((gsize) shape->tk * shape->tm + (gsize) shape->tk * shape->tn +
          (gsize) shape->tm * shape->tn) * sizeof (float);
}

void
bench_opencl_gemm_default_shape (cl_device_id          device,
                                 BenchOpenclGemmShape *shape)
{
  size_t max_group = device_size (device, CL_DEVICE_MAX_WORK_GROUP_SIZE);
  cl_ulong local_mem = device_ulong (device, CL_DEVICE_LOCAL_MEM_SIZE);

  if (is_cpu_device (device))
    {
      /* PoCL runs a work-group as a loop over its work-items and keeps what
       * lives across a barrier in memory: on CPUs one work-item per group,
       * packing panels into local memory like a CPU BLAS, runs 2-3x faster
       * than any shared-tile shape (bench/opencl-gemm-vs-clblast --shape). */
      *shape = (BenchOpenclGemmShape) { BENCH_OPENCL_GEMM_PACKED, 96, 128, 256, 6, 0, 2 };
      if (packed_local_bytes (shape) <= local_mem)
        return;
      *shape = (BenchOpenclGemmShape) { BENCH_OPENCL_GEMM_PACKED, 48, 64, 64, 6, 0, 2 };
      if (packed_local_bytes (shape) <= local_mem)
        return;
    }

  /* GPUs: 256 work-items of 4 x 4 each; 64 of 8 x 8 where that is too many. */
  *shape = (BenchOpenclGemmShape) { BENCH_OPENCL_GEMM_TILED, 64, 64, 16, 4, 4, 0 };
  if (max_group > 0 && max_group < 256)
    *shape = (BenchOpenclGemmShape) { BENCH_OPENCL_GEMM_TILED, 64, 64, 16, 8, 8, 0 };
}

static gboolean
valid_shape (const BenchOpenclGemmShape *shape)
{
  switch (shape->kernel)
    {
    case BENCH_OPENCL_GEMM_NAIVE:
      return TRUE;
    case BENCH_OPENCL_GEMM_TILED:
      return (shape->vw == 4 || shape->vw == 8) &&
             shape->tm > 0 && shape->tn > 0 && shape->tk > 0 && shape->rm > 0 &&
             shape->tm % shape->rm == 0 && shape->tn % shape->vw == 0;
    case BENCH_OPENCL_GEMM_PACKED:
      return shape->nv > 0 && shape->tm > 0 && shape->tn > 0 && shape->tk > 0 &&
             shape->rm > 0 && shape->tm % shape->rm == 0 &&
             shape->tn % (8 * shape->nv) == 0;
    default:
      return FALSE;
    }
}

BenchExecutable *
bench_opencl_executable_new_gemm (cl_device_id                 device,
                                  const char                  *device_label,
                                  gint64                       n,
                                  const BenchOpenclGemmShape  *shape,
                                  GCancellable                *cancellable,
                                  GError                     **error)
{
  g_autoptr(BenchOpenclExecutable) self = g_object_new (BENCH_TYPE_OPENCL_EXECUTABLE, NULL);
  BenchOpenclGemmShape chosen;
  g_autofree char *options = NULL;
  gsize bytes;
  cl_int m_arg;

  if (n <= 0 || n > GEMM_MAX_SIZE)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "gemm size %" G_GINT64_FORMAT " is out of range for %s; "
                   "choose 1 to %d", n, device_label, GEMM_MAX_SIZE);
      return NULL;
    }

  if (shape != NULL)
    chosen = *shape;
  else
    {
      bench_opencl_gemm_default_shape (device, &chosen);
      /* Large matrices on GPUs: 8 x 8 per work-item in groups of 64 reuses
       * each staged value twice as often. Measured on an H100 at 4096:
       * 19.1 TFLOP/s against 14.7 for 4 x 4 in groups of 256; at 1024 the
       * smaller blocks win (10.3 against 7.9: too few groups per SM). */
      if (chosen.kernel == BENCH_OPENCL_GEMM_TILED && n >= 2048)
        chosen = (BenchOpenclGemmShape) { BENCH_OPENCL_GEMM_TILED, 64, 64, 16, 8, 8, 0 };
    }
  if (!valid_shape (&chosen))
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "invalid sgemm tile %dx%dx%d with %dx%d per work-item",
                   chosen.tm, chosen.tn, chosen.tk, chosen.rm, chosen.vw);
      return NULL;
    }

  self->kind = KIND_GEMM;
  self->n = n;
  if (chosen.kernel == BENCH_OPENCL_GEMM_NAIVE)
    {
      options = g_strdup ("-cl-mad-enable");
      if (!setup (self, device, device_label, "gemm.cl", options, "sgemm_naive", error))
        return NULL;
      self->work_dim = 2;
      self->local[0] = 16;
      self->local[1] = MIN (16, device_size (device, CL_DEVICE_MAX_WORK_GROUP_SIZE) / 16);
      self->local[1] = MAX (self->local[1], 1);
      self->global[0] = (n + self->local[0] - 1) / self->local[0] * self->local[0];
      self->global[1] = (n + self->local[1] - 1) / self->local[1] * self->local[1];
      self->impl = g_strdup ("naive sgemm, one work-item per element");
    }
  else if (chosen.kernel == BENCH_OPENCL_GEMM_TILED)
    {
      size_t wg_x = chosen.tn / chosen.vw;
      size_t wg_y = chosen.tm / chosen.rm;

      options = g_strdup_printf ("-cl-mad-enable -DTM=%d -DTN=%d -DTK=%d -DRM=%d -DVW=%d",
                                 chosen.tm, chosen.tn, chosen.tk, chosen.rm, chosen.vw);
      if (!setup (self, device, device_label, "gemm.cl", options, "sgemm_tiled", error))
        return NULL;
      self->work_dim = 2;
      self->local[0] = wg_x;
      self->local[1] = wg_y;
      self->global[0] = (n + chosen.tn - 1) / chosen.tn * wg_x;
      self->global[1] = (n + chosen.tm - 1) / chosen.tm * wg_y;
      self->impl = g_strdup_printf ("tiled sgemm %dx%d, k-step %d in local memory, "
                                    "%dx%d per work-item",
                                    chosen.tm, chosen.tn, chosen.tk, chosen.rm, chosen.vw);
    }
  else
    {
      gsize local_bytes = packed_local_bytes (&chosen);
      cl_ulong local_mem = device_ulong (device, CL_DEVICE_LOCAL_MEM_SIZE);

      if (local_bytes > local_mem)
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                       "the packed sgemm tile %dx%dx%d needs %" G_GSIZE_FORMAT " bytes of "
                       "local memory; %s has %" G_GUINT64_FORMAT,
                       chosen.tm, chosen.tn, chosen.tk, local_bytes, device_label,
                       (guint64) local_mem);
          return NULL;
        }
      options = g_strdup_printf ("-cl-mad-enable -DGEMM_PACKED -DTM=%d -DTN=%d -DTK=%d "
                                 "-DRM=%d -DNV=%d",
                                 chosen.tm, chosen.tn, chosen.tk, chosen.rm, chosen.nv);
      if (!setup (self, device, device_label, "gemm.cl", options, "sgemm_packed", error))
        return NULL;
      self->work_dim = 2;
      self->local[0] = 1;
      self->local[1] = 1;
      self->global[0] = (n + chosen.tn - 1) / chosen.tn;
      self->global[1] = (n + chosen.tm - 1) / chosen.tm;
      self->impl = g_strdup_printf ("packed sgemm %dx%d, k-panel %d in local memory, "
                                    "%dx%d register block",
                                    chosen.tm, chosen.tn, chosen.tk, chosen.rm, 8 * chosen.nv);
    }

  bytes = (gsize) n * n * sizeof (float);
  if (!check_memory (self, "gemm", bytes, 3, error))
    return NULL;

  self->host_a = bench_cpu_alloc (bytes);
  self->host_b = bench_cpu_alloc (bytes);
  if (self->host_a == NULL || self->host_b == NULL)
    {
      g_autofree char *size = bench_cpu_format_size (2 * bytes);

      g_set_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE,
                   "cannot allocate %s of host memory for the gemm inputs of %s; "
                   "choose a smaller size", size, device_label);
      return NULL;
    }
  bench_cpu_fill_uniform (self->host_a, (gsize) n * n, 1);
  bench_cpu_fill_uniform (self->host_b, (gsize) n * n, 2);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if ((self->a = create_buffer (self, "gemm", CL_MEM_READ_ONLY, bytes, self->host_a, error)) == NULL ||
      (self->b = create_buffer (self, "gemm", CL_MEM_READ_ONLY, bytes, self->host_b, error)) == NULL ||
      (self->c = create_buffer (self, "gemm", CL_MEM_WRITE_ONLY, bytes, NULL, error)) == NULL)
    return NULL;

  m_arg = (cl_int) n;
  if (!set_args (self, 6,
                 (size_t[]) { sizeof m_arg, sizeof m_arg, sizeof m_arg,
                              sizeof (cl_mem), sizeof (cl_mem), sizeof (cl_mem) },
                 (const void *[]) { &m_arg, &m_arg, &m_arg, &self->a, &self->b, &self->c },
                 error))
    return NULL;

  /* FLOPs are exact (2 per multiply-add); bytes are the minimum traffic:
   * read A and B once, write C once. */
  set_work (self, 2.0 * n * n * n, 3.0 * bytes, 3 * (gint64) bytes);
  return BENCH_EXECUTABLE (g_steal_pointer (&self));
}

static BenchExecutable *
new_triad (cl_device_id        device,
           const char         *device_label,
           const BenchConfig  *config,
           GCancellable       *cancellable,
           GError            **error)
{
  g_autoptr(BenchOpenclExecutable) self = g_object_new (BENCH_TYPE_OPENCL_EXECUTABLE, NULL);
  gint64 bytes = config->size > 0 ? config->size : TRIAD_DEFAULT_BYTES;
  gint64 n = bytes / (gint64) sizeof (float);
  g_autofree float *host_a = NULL;
  g_autofree float *host_b = NULL;
  g_autofree float *host_c = NULL;
  float scalar = TRIAD_SCALAR;
  cl_ulong n_arg;
  size_t group;
  cl_uint units = 0;
  gboolean cpu;

  if (n <= 0)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "stream-triad needs at least %zu bytes per array, not %" G_GINT64_FORMAT,
                   sizeof (float), bytes);
      return NULL;
    }

  self->kind = KIND_TRIAD;
  self->n = n;
  bytes = n * (gint64) sizeof (float);

  cpu = is_cpu_device (device);
  if (!setup (self, device, device_label, "triad.cl", "",
              cpu ? "stream_triad_chunked" : "stream_triad", error))
    return NULL;
  if (!check_memory (self, "stream-triad", bytes, 3, error))
    return NULL;

  /* The CPU backend's pattern: b + s * c is exact in fp32, so every
   * element can be checked for equality. */
  host_a = g_try_malloc (bytes);
  host_b = g_try_malloc (bytes);
  host_c = g_try_malloc (bytes);
  if (host_a == NULL || host_b == NULL || host_c == NULL)
    {
      g_autofree char *size = bench_cpu_format_size (3 * bytes);

      g_set_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE,
                   "cannot allocate %s of host memory to fill the stream-triad arrays "
                   "of %s; choose a smaller size", size, device_label);
      return NULL;
    }
  bench_cpu_triad_init (host_a, host_b, host_c, n);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if ((self->a = create_buffer (self, "stream-triad", CL_MEM_WRITE_ONLY, bytes, host_a, error)) == NULL ||
      (self->b = create_buffer (self, "stream-triad", CL_MEM_READ_ONLY, bytes, host_b, error)) == NULL ||
      (self->c = create_buffer (self, "stream-triad", CL_MEM_READ_ONLY, bytes, host_c, error)) == NULL)
    return NULL;

  n_arg = n;
  if (!set_args (self, 5,
                 (size_t[]) { sizeof (cl_mem), sizeof (cl_mem), sizeof (cl_mem),
                              sizeof scalar, sizeof n_arg },
                 (const void *[]) { &self->a, &self->b, &self->c, &scalar, &n_arg },
                 error))
    return NULL;

  self->work_dim = 1;
  if (cpu)
    {
      /* A few contiguous chunks per core, so that a straggler costs little. */
      clGetDeviceInfo (device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof units, &units, NULL);
      self->local[0] = 1;
      self->global[0] = (size_t) MAX (units, 1) * TRIAD_CHUNKS_PER_UNIT;
      self->impl = g_strdup_printf ("chunked float16 triad, %zu work-items", self->global[0]);
    }
  else
    {
      group = MIN (TRIAD_GROUP, device_size (device, CL_DEVICE_MAX_WORK_GROUP_SIZE));
      group = MAX (group, 1);
      self->local[0] = group;
      self->global[0] = (MAX (n / 4, 1) + group - 1) / group * group;
      self->impl = g_strdup_printf ("float4 triad, %zu work-items per group", group);
    }

  /* STREAM convention: 2 reads + 1 write per element. */
  set_work (self, 2.0 * n, 3.0 * bytes, 3 * bytes);
  return BENCH_EXECUTABLE (g_steal_pointer (&self));
}

static BenchExecutable *
new_peak (cl_device_id        device,
          const char         *device_label,
          const BenchConfig  *config,
          GCancellable       *cancellable,
          GError            **error)
{
  g_autoptr(BenchOpenclExecutable) self = g_object_new (BENCH_TYPE_OPENCL_EXECUTABLE, NULL);
  g_autofree char *options = g_strdup_printf ("-DCHAINS=%d", PEAK_CHAINS);
  cl_uint units = 0;
  size_t group;
  gsize bytes;
  float m = 1.0f, h = 1.0f;
  cl_int inner;
  gint64 best = G_MAXINT64;

  self->kind = KIND_PEAK;
  if (!setup (self, device, device_label, "peak.cl", options, "peak_flops", error))
    return NULL;

  clGetDeviceInfo (device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof units, &units, NULL);
  units = MAX (units, 1);
  group = MIN (64, device_size (device, CL_DEVICE_MAX_WORK_GROUP_SIZE));
  group = MAX (group, 1);
  /* Enough work-items to fill every compute unit: CPUs run a group per
   * core, GPUs need many groups per unit to hide latency. */
  self->n = (gint64) units * group * (is_cpu_device (device) ? 4 : 32);
  self->work_dim = 1;
  self->local[0] = group;
  self->global[0] = self->n;

  bytes = (gsize) self->n * PEAK_CHAINS * PEAK_LANES * sizeof (float);
  if ((self->a = create_buffer (self, "peak-flops", CL_MEM_WRITE_ONLY, bytes, NULL, error)) == NULL)
    return NULL;

  /* Calibrate the chain length: the fastest of a few runs at a short
   * length, scaled so that one run lasts about PEAK_TARGET_NS. */
  self->inner = 1024;
  for (guint i = 0; i < 3; i++)
    {
      gint64 ns = -1;

      inner = self->inner;
      if (!set_args (self, 4,
                     (size_t[]) { sizeof (cl_mem), sizeof m, sizeof h, sizeof inner },
                     (const void *[]) { &self->a, &m, &h, &inner },
                     error))
        return NULL;
      if (!launch (self, &ns, error))
        return NULL;
      if (ns > 0)
        best = MIN (best, ns);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
    }
  if (best != G_MAXINT64)
    self->inner = CLAMP ((gint64) ((double) self->inner * PEAK_TARGET_NS / best),
                         64, PEAK_MAX_INNER);
  inner = self->inner;
  if (!set_args (self, 4,
                 (size_t[]) { sizeof (cl_mem), sizeof m, sizeof h, sizeof inner },
                 (const void *[]) { &self->a, &m, &h, &inner },
                 error))
    return NULL;

  self->impl = g_strdup_printf ("float8 fma, %d chains x %" G_GINT64_FORMAT
                                " work-items x %d steps",
                                PEAK_CHAINS, self->n, self->inner);

  /* Register-only work: bytes is unknown rather than a misleading 0 GB/s. */
  set_work (self, 2.0 * PEAK_LANES * PEAK_CHAINS * (double) self->n * self->inner,
            NAN, bytes);
  return BENCH_EXECUTABLE (g_steal_pointer (&self));
}

BenchExecutable *
bench_opencl_executable_new (cl_device_id        device,
                             const char         *device_label,
                             const BenchConfig  *config,
                             GCancellable       *cancellable,
                             GError            **error)
{
  const char *precision;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->workload != NULL, NULL);

  if (!g_str_equal (config->workload, "gemm") &&
      !g_str_equal (config->workload, "stream-triad") &&
      !g_str_equal (config->workload, "peak-flops"))
    {
      g_autoptr(BenchWorkload) known = bench_workload_lookup (config->workload, NULL);

      g_set_error (error, BENCH_ERROR,
                   known != NULL ? BENCH_ERROR_NOT_SUPPORTED : BENCH_ERROR_UNKNOWN_WORKLOAD,
                   "%s workload “%s” for the opencl backend; "
                   "it runs gemm, stream-triad, peak-flops, transfer-h2d, transfer-d2h, "
                   "dispatch-latency and the catalog models",
                   known != NULL ? "Cannot run" : "Unknown", config->workload);
      return NULL;
    }

  precision = config->precision != NULL ? config->precision : "fp32";
  if (!g_str_equal (precision, "fp32"))
    {
      g_autofree char *extensions = bench_opencl_device_string (device, CL_DEVICE_EXTENSIONS);
      gboolean has_fp16 = extensions != NULL && strstr (extensions, "cl_khr_fp16") != NULL;

      if (g_str_equal (precision, "fp16") && !has_fp16)
        g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                     "%s in fp16 is not supported on %s: the device lacks cl_khr_fp16; "
                     "use fp32", config->workload, device_label);
      else
        g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                     "%s in %s is not supported by the opencl backend yet; use fp32",
                     config->workload, precision);
      return NULL;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (g_str_equal (config->workload, "gemm"))
    return bench_opencl_executable_new_gemm (device, device_label,
                                             config->size > 0 ? config->size : GEMM_DEFAULT_SIZE,
                                             NULL, cancellable, error);
  else if (g_str_equal (config->workload, "stream-triad"))
    return new_triad (device, device_label, config, cancellable, error);
  else
    return new_peak (device, device_label, config, cancellable, error);
}

const char *
bench_opencl_executable_get_impl (BenchOpenclExecutable *self)
{
  g_return_val_if_fail (BENCH_IS_OPENCL_EXECUTABLE (self), NULL);

  return self->impl;
}

float *
bench_opencl_executable_read_output (BenchOpenclExecutable  *self,
                                     gsize                  *n_floats,
                                     GError                **error)
{
  gsize n;
  float *aligned;
  float *out;

  g_return_val_if_fail (BENCH_IS_OPENCL_EXECUTABLE (self), NULL);
  g_return_val_if_fail (n_floats != NULL, NULL);

  switch (self->kind)
    {
    case KIND_GEMM:
      n = (gsize) self->n * self->n;
      aligned = read_back (self, self->c, n * sizeof (float), error);
      break;
    case KIND_TRIAD:
      n = self->n;
      aligned = read_back (self, self->a, n * sizeof (float), error);
      break;
    case KIND_PEAK:
      n = (gsize) self->n * PEAK_CHAINS * PEAK_LANES;
      aligned = read_back (self, self->a, n * sizeof (float), error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (aligned == NULL)
    return NULL;
  out = g_memdup2 (aligned, n * sizeof (float));
  bench_cpu_free (aligned);
  *n_floats = n;
  return out;
}

void
bench_opencl_executable_get_peak_shape (BenchOpenclExecutable *self,
                                        gint64                *items,
                                        int                   *steps,
                                        int                   *chains)
{
  g_return_if_fail (BENCH_IS_OPENCL_EXECUTABLE (self));
  g_return_if_fail (self->kind == KIND_PEAK);

  *items = self->n;
  *steps = self->inner;
  *chains = PEAK_CHAINS;
}
