/* opencl-gemm-vs-clblast.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Benchtop's OpenCL SGEMM (the executable the runner uses, through
 * bench_opencl_executable_new_gemm) against CLBlast's CLBlastSgemm and our
 * naive kernel, on the same OpenCL device and context, in one process.
 * Ours and CLBlast are timed call by call, alternating, so that load from
 * other processes hits both alike; medians are compared. Times are host
 * wall-clock around enqueue + clFinish (CLBlast may launch helper kernels
 * whose events it does not return); our profiled device time is printed
 * beside.
 *
 *   opencl-gemm-vs-clblast [--device N] [--size N] [--iterations N]
 *                          [--shape tiled:TM,TN,TK,RM,VW|packed:TM,TN,TK,RM,NV]
 *                          [--no-naive] [--no-clblast]
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* First: it sets CL_TARGET_OPENCL_VERSION for CLBlast's CL headers too. */
#include "bench-opencl-private.h"

#include <clblast_c.h>

#include "bench-backend-private.h"
#include "bench-cpu-kernels.h"
#include "bench-opencl-executable.h"

#define TARGET_RATIO 1.5

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  guint n = values->len;

  if (n == 0)
    return NAN;
  g_array_sort (values, compare_doubles);
  if (n % 2 == 1)
    return g_array_index (values, double, n / 2);
  return 0.5 * (g_array_index (values, double, n / 2 - 1) +
                g_array_index (values, double, n / 2));
}

typedef struct
{
  gint64            n;
  cl_command_queue  queue;
  cl_mem            a;
  cl_mem            b;
  cl_mem            c;
} Clblast;

static void
clblast_clear (Clblast *peer)
{
  g_clear_pointer (&peer->a, clReleaseMemObject);
  g_clear_pointer (&peer->b, clReleaseMemObject);
  g_clear_pointer (&peer->c, clReleaseMemObject);
  g_clear_pointer (&peer->queue, clReleaseCommandQueue);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Clblast, clblast_clear)

static gboolean
clblast_setup (Clblast      *peer,
               cl_device_id  device,
               gint64        n,
               GError      **error)
{
  gsize bytes = (gsize) n * n * sizeof (float);
  g_autofree float *host = g_new (float, n * n);
  cl_context context = bench_opencl_get_context (device, error);
  cl_int err = CL_SUCCESS;

  if (context == NULL)
    return FALSE;

  peer->n = n;
  peer->queue = clCreateCommandQueue (context, device, 0, &err);
  if (err == CL_SUCCESS)
    peer->a = clCreateBuffer (context, CL_MEM_READ_ONLY, bytes, NULL, &err);
  if (err == CL_SUCCESS)
    peer->b = clCreateBuffer (context, CL_MEM_READ_ONLY, bytes, NULL, &err);
  if (err == CL_SUCCESS)
    peer->c = clCreateBuffer (context, CL_MEM_READ_WRITE, bytes, NULL, &err);
  /* The same inputs as Benchtop's executable (seeds 1 and 2). */
  if (err == CL_SUCCESS)
    {
      bench_cpu_fill_uniform (host, n * n, 1);
      err = clEnqueueWriteBuffer (peer->queue, peer->a, CL_TRUE, 0, bytes, host, 0, NULL, NULL);
    }
  if (err == CL_SUCCESS)
    {
      bench_cpu_fill_uniform (host, n * n, 2);
      err = clEnqueueWriteBuffer (peer->queue, peer->b, CL_TRUE, 0, bytes, host, 0, NULL, NULL);
    }
  if (err != CL_SUCCESS)
    {
      bench_opencl_set_error (error, err, "the device", "setting up CLBlast's buffers");
      return FALSE;
    }

  return TRUE;
}

static gboolean
clblast_run (Clblast  *peer,
             double   *seconds,
             GError  **error)
{
  gint64 start = g_get_monotonic_time ();
  CLBlastStatusCode status;
  cl_int err;

  status = CLBlastSgemm (CLBlastLayoutRowMajor, CLBlastTransposeNo, CLBlastTransposeNo,
                         peer->n, peer->n, peer->n, 1.0f,
                         peer->a, 0, peer->n, peer->b, 0, peer->n, 0.0f,
                         peer->c, 0, peer->n, &peer->queue, NULL);
  if (status != CLBlastSuccess)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "CLBlastSgemm failed: status %d", status);
      return FALSE;
    }
  err = clFinish (peer->queue);
  if (err != CL_SUCCESS)
    {
      bench_opencl_set_error (error, err, "the device", "finishing CLBlastSgemm");
      return FALSE;
    }

  *seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  return TRUE;
}

static gboolean
ours_run (BenchExecutable  *executable,
          double           *seconds,
          double           *device_seconds,
          GError          **error)
{
  gint64 start = g_get_monotonic_time ();
  BenchIteration iteration;

  if (!bench_executable_run (executable, &iteration, error))
    return FALSE;
  *seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  *device_seconds = iteration.device_ns / 1e9;
  return TRUE;
}

static gboolean
validate (BenchExecutable *executable)
{
  g_autoptr(GError) error = NULL;
  BenchValidationReport report;

  if (!bench_executable_validate (executable, &report, &error))
    {
      g_printerr ("validation failed to run: %s\n", error->message);
      return FALSE;
    }
  g_print ("  validation: %s (max normalised error %.3g, tolerance %.3g)\n",
           report.validation == BENCH_VALIDATION_PASS ? "pass" : "FAIL",
           report.max_rel_error, report.tolerance);
  return report.validation == BENCH_VALIDATION_PASS;
}

/* CLBlast's C against ours, as a check that both computed the same product. */
static double
max_difference (BenchExecutable *ours,
                Clblast         *peer)
{
  g_autoptr(GError) error = NULL;
  g_autofree float *c_ours = NULL;
  g_autofree float *c_peer = g_new (float, peer->n * peer->n);
  gsize n_floats = 0;
  double worst = 0.0;

  c_ours = bench_opencl_executable_read_output (BENCH_OPENCL_EXECUTABLE (ours), &n_floats, &error);
  if (c_ours == NULL ||
      clEnqueueReadBuffer (peer->queue, peer->c, CL_TRUE, 0, n_floats * sizeof (float),
                           c_peer, 0, NULL, NULL) != CL_SUCCESS)
    return NAN;
  for (gsize i = 0; i < n_floats; i++)
    worst = MAX (worst, fabs ((double) c_ours[i] - c_peer[i]));
  return worst;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(BenchExecutable) ours = NULL;
  g_auto(Clblast) peer = { 0 };
  g_autoptr(GArray) t_ours = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) t_ours_device = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) t_peer = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *shape_str = NULL;
  g_autofree char *name = NULL;
  g_autofree char *label = NULL;
  BenchOpenclGemmShape shape;
  cl_device_id device;
  gint device_index = 0;
  gint64 size = 1024;
  gint iterations = 10;
  gboolean no_naive = FALSE;
  gboolean no_clblast = FALSE;
  double flops, g_ours, g_ours_device, g_peer, seconds, device_seconds;
  gboolean ok = TRUE;
  GOptionEntry entries[] = {
    { "device", 'd', 0, G_OPTION_ARG_INT, &device_index, "OpenCL device number (opencl:N)", "N" },
    { "size", 's', 0, G_OPTION_ARG_INT64, &size, "M = N = K", "N" },
    { "iterations", 'i', 0, G_OPTION_ARG_INT, &iterations, "Timed calls of each", "N" },
    { "shape", 0, 0, G_OPTION_ARG_STRING, &shape_str, "Our kernel and tile", "tiled:TM,TN,TK,RM,VW|packed:TM,TN,TK,RM,NV" },
    { "no-naive", 0, 0, G_OPTION_ARG_NONE, &no_naive, "Skip the naive kernel", NULL },
    { "no-clblast", 0, 0, G_OPTION_ARG_NONE, &no_clblast, "Skip CLBlast (tuning runs)", NULL },
    { NULL }
  };

  context = g_option_context_new ("- Benchtop's OpenCL SGEMM vs CLBlast");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  ids = bench_opencl_list_devices (&error);
  if (ids == NULL || ids->len == 0 || device_index < 0 || (guint) device_index >= ids->len)
    {
      g_printerr ("no OpenCL device %d%s%s\n", device_index,
                  error ? ": " : "", error ? error->message : "");
      return 77;
    }
  device = g_array_index (ids, cl_device_id, device_index);
  name = bench_opencl_device_string (device, CL_DEVICE_NAME);
  label = g_strdup_printf ("opencl:%d (%s)", device_index, name);

  bench_opencl_gemm_default_shape (device, &shape);
  if (shape_str != NULL)
    {
      int fields[5];
      gboolean packed = g_str_has_prefix (shape_str, "packed:");

      if ((!packed && !g_str_has_prefix (shape_str, "tiled:")) ||
          sscanf (strchr (shape_str, ':') + 1, "%d,%d,%d,%d,%d",
                  &fields[0], &fields[1], &fields[2], &fields[3], &fields[4]) != 5)
        {
          g_printerr ("--shape wants tiled:TM,TN,TK,RM,VW or packed:TM,TN,TK,RM,NV\n");
          return 2;
        }
      shape = (BenchOpenclGemmShape) {
        packed ? BENCH_OPENCL_GEMM_PACKED : BENCH_OPENCL_GEMM_TILED,
        fields[0], fields[1], fields[2], fields[3],
        packed ? 0 : fields[4], packed ? fields[4] : 0,
      };
    }

  flops = 2.0 * size * size * size;
  g_print ("SGEMM %" G_GINT64_FORMAT "^3 on %s, %d iterations, medians\n", size, label, iterations);

  ours = bench_opencl_executable_new_gemm (device, label, size, &shape, NULL, &error);
  if (ours == NULL)
    {
      g_printerr ("benchtop: %s\n", error->message);
      return 1;
    }
  if (!no_clblast && !clblast_setup (&peer, device, size, &error))
    {
      g_printerr ("clblast: %s\n", error->message);
      return 1;
    }

  /* Warm-up: builds CLBlast's kernels, pages in the buffers. */
  for (int i = 0; i < 2; i++)
    {
      if (!ours_run (ours, &seconds, &device_seconds, &error) ||
          (!no_clblast && !clblast_run (&peer, &seconds, &error)))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }

  for (int i = 0; i < iterations; i++)
    {
      if (!ours_run (ours, &seconds, &device_seconds, &error))
        {
          g_printerr ("benchtop: %s\n", error->message);
          return 1;
        }
      g_array_append_val (t_ours, seconds);
      g_array_append_val (t_ours_device, device_seconds);
      if (!no_clblast)
        {
          if (!clblast_run (&peer, &seconds, &error))
            {
              g_printerr ("clblast: %s\n", error->message);
              return 1;
            }
          g_array_append_val (t_peer, seconds);
        }
    }

  g_ours = flops / median (t_ours) / 1e9;
  g_ours_device = flops / median (t_ours_device) / 1e9;
  g_print ("benchtop %s\n", bench_opencl_executable_get_impl (BENCH_OPENCL_EXECUTABLE (ours)));
  g_print ("  %.2f GFLOP/s (wall), %.2f GFLOP/s (profiled device time)\n", g_ours, g_ours_device);
  ok &= validate (ours);

  if (!no_clblast)
    {
      g_peer = flops / median (t_peer) / 1e9;
      g_print ("clblast CLBlastSgemm\n  %.2f GFLOP/s (wall)\n", g_peer);
      g_print ("  max |C_benchtop - C_clblast| = %.3g\n", max_difference (ours, &peer));
      g_print ("ratio benchtop / clblast: %.2f (target >= %.1f): %s\n", g_ours / g_peer,
               TARGET_RATIO, g_ours / g_peer >= TARGET_RATIO ? "met" : "NOT met");
    }

  if (!no_naive)
    {
      BenchOpenclGemmShape naive_shape = { BENCH_OPENCL_GEMM_NAIVE, 0, 0, 0, 0, 0, 0 };
      g_autoptr(BenchExecutable) naive = NULL;
      g_autoptr(GArray) t_naive = g_array_new (FALSE, FALSE, sizeof (double));

      naive = bench_opencl_executable_new_gemm (device, label, size, &naive_shape, NULL, &error);
      if (naive == NULL)
        {
          g_printerr ("naive: %s\n", error->message);
          return 1;
        }
      /* Slow by design: one warm-up and a few calls. */
      for (int i = 0; i < 1 + MIN (iterations, 3); i++)
        {
          if (!ours_run (naive, &seconds, &device_seconds, &error))
            {
              g_printerr ("naive: %s\n", error->message);
              return 1;
            }
          if (i > 0)
            g_array_append_val (t_naive, seconds);
        }
      g_print ("benchtop naive kernel\n  %.2f GFLOP/s (wall); benchtop / naive: %.2f\n",
               flops / median (t_naive) / 1e9, g_ours / (flops / median (t_naive) / 1e9));
      ok &= validate (naive);
    }

  return ok ? 0 : 1;
}
