/* bench-opencl-micro.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The host side of a transfer is pinned memory (a CL_MEM_ALLOC_HOST_PTR
 * buffer mapped once at prepare), as drivers need for full-speed DMA; the
 * bytes follow a pattern so that one check after the runs proves they
 * arrived.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bench-error.h"
#include "bench-opencl-micro.h"
#include "bench-plan.h"

typedef enum
{
  MICRO_H2D,
  MICRO_D2H,
  MICRO_DISPATCH,
} MicroKind;

struct _BenchOpenclMicro
{
  BenchExecutable   parent_instance;

  MicroKind         kind;
  char             *label;
  gboolean          has_run;
  cl_command_queue  queue;
  cl_kernel         kernel;     /* dispatch: "empty" of ops.cl */
  cl_mem            device;     /* the transfer's device buffer */
  cl_mem            pinned;     /* the buffer behind @host */
  guint8           *host;       /* mapped pinned memory */
  gsize             bytes;
};

G_DEFINE_FINAL_TYPE (BenchOpenclMicro, bench_opencl_micro, BENCH_TYPE_EXECUTABLE)

static guint8
pattern (gsize i)
{
  return (guint8) ((i * 131 + (i >> 12) * 7 + 5) & 0xff);
}

static void
bench_opencl_micro_finalize (GObject *object)
{
  BenchOpenclMicro *self = (BenchOpenclMicro *)object;

  if (self->queue != NULL)
    {
      if (self->host != NULL)
        clEnqueueUnmapMemObject (self->queue, self->pinned, self->host, 0, NULL, NULL);
      clFinish (self->queue);
    }
  g_clear_pointer (&self->pinned, clReleaseMemObject);
  g_clear_pointer (&self->device, clReleaseMemObject);
  g_clear_pointer (&self->kernel, clReleaseKernel);
  g_clear_pointer (&self->queue, clReleaseCommandQueue);
  g_clear_pointer (&self->label, g_free);

  G_OBJECT_CLASS (bench_opencl_micro_parent_class)->finalize (object);
}

static gboolean
bench_opencl_micro_run (BenchExecutable  *executable,
                        BenchIteration   *iteration,
                        GError          **error)
{
  BenchOpenclMicro *self = BENCH_OPENCL_MICRO (executable);
  cl_event event = NULL;
  cl_ulong start = 0, end = 0;
  const char *what;
  cl_int err;

  switch (self->kind)
    {
    case MICRO_H2D:
      what = "copying to the device";
      err = clEnqueueWriteBuffer (self->queue, self->device, CL_TRUE, 0, self->bytes,
                                  self->host, 0, NULL, &event);
      break;
    case MICRO_D2H:
      what = "copying from the device";
      err = clEnqueueReadBuffer (self->queue, self->device, CL_TRUE, 0, self->bytes,
                                 self->host, 0, NULL, &event);
      break;
    case MICRO_DISPATCH:
    default:
      {
        size_t one = 1;

        what = "dispatching the empty kernel";
        err = clEnqueueNDRangeKernel (self->queue, self->kernel, 1, NULL, &one, &one,
                                      0, NULL, &event);
        if (err == CL_SUCCESS)
          err = clFinish (self->queue);
      }
      break;
    }

  iteration->device_ns = -1;
  if (err == CL_SUCCESS &&
      clGetEventProfilingInfo (event, CL_PROFILING_COMMAND_START, sizeof start, &start, NULL) == CL_SUCCESS &&
      clGetEventProfilingInfo (event, CL_PROFILING_COMMAND_END, sizeof end, &end, NULL) == CL_SUCCESS &&
      end > start)
    iteration->device_ns = (gint64) (end - start);
  g_clear_pointer (&event, clReleaseEvent);
  if (err != CL_SUCCESS)
    {
      bench_opencl_set_error (error, err, self->label, what);
      return FALSE;
    }

  self->has_run = TRUE;
  return TRUE;
}

/* Transfers: the copied bytes, checked once; dispatch: nothing to check. */
static gboolean
bench_opencl_micro_validate (BenchExecutable        *executable,
                             BenchValidationReport  *report,
                             GError                **error)
{
  BenchOpenclMicro *self = BENCH_OPENCL_MICRO (executable);
  g_autofree guint8 *copy = NULL;
  const guint8 *check;
  gsize wrong = 0;

  if (!self->has_run || self->kind == MICRO_DISPATCH)
    return TRUE;

  if (self->kind == MICRO_H2D)
    {
      cl_int err;

      copy = g_try_malloc (self->bytes);
      if (copy == NULL)
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE,
                       "cannot allocate %" G_GSIZE_FORMAT " bytes of host memory to check "
                       "the copy to %s", self->bytes, self->label);
          return FALSE;
        }
      err = clEnqueueReadBuffer (self->queue, self->device, CL_TRUE, 0, self->bytes, copy,
                                 0, NULL, NULL);
      if (err != CL_SUCCESS)
        {
          bench_opencl_set_error (error, err, self->label, "reading back the copied bytes");
          return FALSE;
        }
      check = copy;
    }
  else
    check = self->host;

  for (gsize i = 0; i < self->bytes; i++)
    wrong += check[i] != pattern (i);

  /* Bytes are copied exactly: any difference is a failure. */
  report->validation = wrong == 0 ? BENCH_VALIDATION_PASS : BENCH_VALIDATION_FAIL;
  report->max_abs_error = wrong == 0 ? 0.0 : 1.0;
  report->max_rel_error = (double) wrong / self->bytes;
  report->tolerance = 0.0;
  return TRUE;
}

static void
bench_opencl_micro_class_init (BenchOpenclMicroClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BenchExecutableClass *executable_class = BENCH_EXECUTABLE_CLASS (klass);

  object_class->finalize = bench_opencl_micro_finalize;
  executable_class->run = bench_opencl_micro_run;
  executable_class->validate = bench_opencl_micro_validate;
}

static void
bench_opencl_micro_init (BenchOpenclMicro *self)
{
}

gboolean
bench_opencl_micro_handles (const char *workload)
{
  return g_strcmp0 (workload, "transfer-h2d") == 0 ||
         g_strcmp0 (workload, "transfer-d2h") == 0 ||
         g_strcmp0 (workload, "dispatch-latency") == 0;
}

static gboolean
setup_transfer (BenchOpenclMicro   *self,
                cl_context          context,
                const BenchConfig  *config,
                GError            **error)
{
  gint64 size = config->size > 0 ? config->size : BENCH_PLAN_DEFAULT_BYTES;
  cl_int err = CL_SUCCESS;

  self->bytes = size;
  self->device = clCreateBuffer (context, CL_MEM_READ_WRITE, self->bytes, NULL, &err);
  if (self->device != NULL && err == CL_SUCCESS)
    self->pinned = clCreateBuffer (context, CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR,
                                   self->bytes, NULL, &err);
  if (self->pinned != NULL && err == CL_SUCCESS)
    self->host = clEnqueueMapBuffer (self->queue, self->pinned, CL_TRUE,
                                     CL_MAP_READ | CL_MAP_WRITE, 0, self->bytes,
                                     0, NULL, NULL, &err);
  if (self->host == NULL || err != CL_SUCCESS)
    {
      g_autofree char *what = g_strdup_printf ("allocating %" G_GSIZE_FORMAT " bytes of device "
                                               "and pinned host memory for %s",
                                               self->bytes, config->workload);

      self->host = NULL;
      bench_opencl_set_error (error, err, self->label, what);
      return FALSE;
    }

  /* h2d: the source holds the pattern; d2h: the device does, the host
   * starts zeroed so that a copy that did not happen is seen. */
  for (gsize i = 0; i < self->bytes; i++)
    self->host[i] = pattern (i);
  if (self->kind == MICRO_D2H)
    {
      err = clEnqueueWriteBuffer (self->queue, self->device, CL_TRUE, 0, self->bytes,
                                  self->host, 0, NULL, NULL);
      if (err != CL_SUCCESS)
        {
          bench_opencl_set_error (error, err, self->label, "filling the device buffer");
          return FALSE;
        }
      memset (self->host, 0, self->bytes);
    }
  return TRUE;
}

BenchExecutable *
bench_opencl_micro_new (cl_device_id        device,
                        const char         *device_label,
                        const BenchConfig  *config,
                        GCancellable       *cancellable,
                        GError            **error)
{
  g_autoptr(BenchOpenclMicro) self = NULL;
  BenchWork *work;
  const char *precision;
  cl_context context;
  cl_int err = CL_SUCCESS;

  g_return_val_if_fail (bench_opencl_micro_handles (config->workload), NULL);

  precision = config->precision != NULL ? config->precision : "fp32";
  if (!g_str_equal (precision, "fp32"))
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "%s has no precision; run it as fp32, not %s", config->workload, precision);
      return NULL;
    }

  self = g_object_new (BENCH_TYPE_OPENCL_MICRO, NULL);
  self->label = g_strdup (device_label);
  self->kind = g_str_equal (config->workload, "transfer-h2d") ? MICRO_H2D
             : g_str_equal (config->workload, "transfer-d2h") ? MICRO_D2H : MICRO_DISPATCH;

  context = bench_opencl_get_context (device, error);
  if (context == NULL)
    return NULL;
  self->queue = clCreateCommandQueue (context, device, CL_QUEUE_PROFILING_ENABLE, &err);
  if (self->queue == NULL || err != CL_SUCCESS)
    {
      self->queue = NULL;
      bench_opencl_set_error (error, err, device_label, "creating a profiling command queue");
      return NULL;
    }

  work = bench_executable_get_work (BENCH_EXECUTABLE (self));
  work->items = 1;
  work->flops = NAN;

  if (self->kind == MICRO_DISPATCH)
    {
      g_autofree char *source = bench_opencl_load_kernel ("ops.cl", error);
      cl_program program;

      if (source == NULL)
        return NULL;
      /* The smallest GEMM tile, so that the file builds on any device
       * (its work-group of 4 x 4 fits every limit). */
      program = bench_opencl_get_program (device, source,
                                          "-DTM=16 -DTN=16 -DTK=16 -DRM=4 -DVW=4", error);
      if (program == NULL)
        return NULL;
      self->kernel = clCreateKernel (program, "empty", &err);
      if (self->kernel == NULL || err != CL_SUCCESS)
        {
          self->kernel = NULL;
          bench_opencl_set_error (error, err, device_label, "creating the empty kernel");
          return NULL;
        }
      work->bytes = NAN;
      work->device_memory_bytes = 0;
    }
  else
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (!setup_transfer (self, context, config, error))
        return NULL;
      work->bytes = self->bytes;
      work->device_memory_bytes = self->bytes;
      work->workspace_bytes = self->bytes;
    }

  return BENCH_EXECUTABLE (g_steal_pointer (&self));
}
