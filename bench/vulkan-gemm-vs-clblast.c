/* vulkan-gemm-vs-clblast.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Benchtop's Vulkan SGEMM (the executable the runner uses, through
 * bench_vulkan_executable_new) against CLBlast's CLBlastSgemm on an
 * OpenCL device, in one process: on this machine, lavapipe against
 * CLBlast on PoCL, both on the same CPU cores.
 *
 * What is timed, on both sides: C = A * B, row-major, M = N = K, with A
 * and B already in device buffers (uploaded once, outside the timing),
 * host wall-clock from the call to its completion: Vulkan, a submit of
 * the recorded dispatch and the fence wait; CLBlast, CLBlastSgemm and
 * clFinish (with whatever helper kernels CLBlast launches inside). No
 * packing or transposition happens outside the timed calls on either
 * side. Calls alternate, ours then CLBlast's, so that load from other
 * processes hits both alike; each round compares medians, and the
 * spread of the per-round ratios is printed at the end.
 *
 *   vulkan-gemm-vs-clblast [--vulkan N] [--opencl N] [--size N]
 *                          [--iterations N] [--rounds N]
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* First: it sets CL_TARGET_OPENCL_VERSION for CLBlast's CL headers too. */
#include "bench-opencl-private.h"

#include <clblast_c.h>

#include "bench-backend-private.h"
#include "bench-cpu-kernels.h"
#include "bench-error.h"
#include "bench-vulkan-executable.h"

#define TARGET_RATIO 1.0

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Sorts @values. */
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
  float            *host_a;
  float            *host_b;
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
  g_clear_pointer (&peer->host_a, g_free);
  g_clear_pointer (&peer->host_b, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Clblast, clblast_clear)

static gboolean
clblast_setup (Clblast      *peer,
               cl_device_id  device,
               gint64        n,
               GError      **error)
{
  gsize bytes = (gsize) n * n * sizeof (float);
  cl_context context = bench_opencl_get_context (device, error);
  cl_int err = CL_SUCCESS;

  if (context == NULL)
    return FALSE;

  peer->n = n;
  peer->host_a = g_new (float, n * n);
  peer->host_b = g_new (float, n * n);
  bench_cpu_fill_uniform (peer->host_a, n * n, 1);
  bench_cpu_fill_uniform (peer->host_b, n * n, 2);
  peer->queue = clCreateCommandQueue (context, device, 0, &err);
  if (err == CL_SUCCESS)
    peer->a = clCreateBuffer (context, CL_MEM_READ_ONLY, bytes, NULL, &err);
  if (err == CL_SUCCESS)
    peer->b = clCreateBuffer (context, CL_MEM_READ_ONLY, bytes, NULL, &err);
  if (err == CL_SUCCESS)
    peer->c = clCreateBuffer (context, CL_MEM_READ_WRITE, bytes, NULL, &err);
  if (err == CL_SUCCESS)
    err = clEnqueueWriteBuffer (peer->queue, peer->a, CL_TRUE, 0, bytes, peer->host_a, 0, NULL, NULL);
  if (err == CL_SUCCESS)
    err = clEnqueueWriteBuffer (peer->queue, peer->b, CL_TRUE, 0, bytes, peer->host_b, 0, NULL, NULL);
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

/* CLBlast's C at fixed sampled entries against a double-precision dot
 * product, normalised like Benchtop's validation: so a ratio is never
 * reported against a peer that computed something else. */
static gboolean
clblast_check (Clblast *peer,
               double  *max_rel)
{
  gint64 n = peer->n;
  g_autofree float *c = g_new (float, n * n);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  if (clEnqueueReadBuffer (peer->queue, peer->c, CL_TRUE, 0, n * n * sizeof (float),
                           c, 0, NULL, NULL) != CL_SUCCESS)
    return FALSE;
  *max_rel = 0.0;
  for (guint s = 0; s < 256; s++)
    {
      gint64 i = g_rand_int_range (rand, 0, n), j = g_rand_int_range (rand, 0, n);
      double ref = 0.0, mag = 0.0;

      for (gint64 k = 0; k < n; k++)
        {
          double p = (double) peer->host_a[i * n + k] * peer->host_b[k * n + j];

          ref += p;
          mag += fabs (p);
        }
      *max_rel = MAX (*max_rel, fabs (c[i * n + j] - ref) / MAX (mag, DBL_MIN));
    }
  return *max_rel <= MAX (n, 16) * (double) FLT_EPSILON;
}

static gboolean
ours_run (BenchExecutable  *executable,
          double           *seconds,
          double           *device_seconds,
          GError          **error)
{
  gint64 start = g_get_monotonic_time ();
  BenchIteration iteration = { 0 };

  if (!bench_executable_run (executable, &iteration, error))
    return FALSE;
  *seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  *device_seconds = iteration.device_ns > 0 ? iteration.device_ns / 1e9 : NAN;
  return TRUE;
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
  g_autoptr(GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *cl_name = NULL;
  g_autofree char *vk_id = NULL;
  BenchValidationReport report;
  cl_device_id cl_device;
  gint vk_index = 0;
  gint cl_index = 0;
  gint64 size = 1024;
  gint iterations = 5;
  gint rounds = 3;
  double flops, seconds, device_seconds, clblast_rel = NAN;
  double lo, mid, hi;
  gboolean clblast_ok;
  GOptionEntry entries[] = {
    { "vulkan", 0, 0, G_OPTION_ARG_INT, &vk_index, "Vulkan device number (vulkan:N)", "N" },
    { "opencl", 0, 0, G_OPTION_ARG_INT, &cl_index, "OpenCL device number for CLBlast (opencl:N)", "N" },
    { "size", 's', 0, G_OPTION_ARG_INT64, &size, "M = N = K", "N" },
    { "iterations", 'i', 0, G_OPTION_ARG_INT, &iterations, "Timed calls of each per round", "N" },
    { "rounds", 'r', 0, G_OPTION_ARG_INT, &rounds, "Rounds, each compared on its own", "N" },
    { NULL }
  };

  context = g_option_context_new ("- Benchtop's Vulkan SGEMM vs CLBlast on OpenCL");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (size <= 0 || iterations <= 0 || rounds <= 0 || vk_index < 0)
    {
      g_printerr ("--size, --iterations and --rounds must be positive\n");
      return 2;
    }

  ids = bench_opencl_list_devices (&error);
  if (ids == NULL || ids->len == 0 || cl_index < 0 || (guint) cl_index >= ids->len)
    {
      g_printerr ("no OpenCL device %d%s%s\n", cl_index,
                  error ? ": " : "", error ? error->message : "");
      return 77;
    }
  cl_device = g_array_index (ids, cl_device_id, cl_index);
  cl_name = bench_opencl_device_string (cl_device, CL_DEVICE_NAME);

  vk_id = g_strdup_printf ("vulkan:%d", vk_index);
  {
    BenchConfig config = {
      .workload = (char *) "gemm",
      .device_id = vk_id,
      .batch_size = -1,
      .seq_len = -1,
      .precision = (char *) "fp32",
      .size = size,
      .gen_tokens = -1,
      .iterations = iterations,
    };

    ours = bench_vulkan_executable_new (vk_index, &config, NULL, &error);
  }
  if (ours == NULL)
    {
      g_printerr ("benchtop %s: %s\n", vk_id, error->message);
      return g_error_matches (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED) ? 77 : 1;
    }
  if (!clblast_setup (&peer, cl_device, size, &error))
    {
      g_printerr ("clblast: %s\n", error->message);
      return 1;
    }

  flops = 2.0 * size * size * size;
  g_print ("SGEMM %" G_GINT64_FORMAT "^3, %d rounds of %d alternating calls, medians per round\n",
           size, rounds, iterations);
  g_print ("  benchtop %s: %s\n", vk_id,
           bench_vulkan_executable_get_impl (BENCH_VULKAN_EXECUTABLE (ours)));
  g_print ("  clblast  opencl:%d (%s), CLBlastSgemm\n", cl_index, cl_name);
  g_print ("  LP_NUM_THREADS=%s POCL_MAX_PTHREAD_COUNT=%s (unset: one thread per core), %u cores\n",
           g_getenv ("LP_NUM_THREADS") ? g_getenv ("LP_NUM_THREADS") : "unset",
           g_getenv ("POCL_MAX_PTHREAD_COUNT") ? g_getenv ("POCL_MAX_PTHREAD_COUNT") : "unset",
           g_get_num_processors ());

  /* Warm-up: builds CLBlast's kernels, pages in the buffers. */
  for (int i = 0; i < 2; i++)
    {
      if (!ours_run (ours, &seconds, &device_seconds, &error) ||
          !clblast_run (&peer, &seconds, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }

  for (int r = 0; r < rounds; r++)
    {
      g_autoptr(GArray) t_ours = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) t_device = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) t_peer = g_array_new (FALSE, FALSE, sizeof (double));
      double g_ours, g_device, g_peer, ratio;

      for (int i = 0; i < iterations; i++)
        {
          if (!ours_run (ours, &seconds, &device_seconds, &error))
            {
              g_printerr ("benchtop: %s\n", error->message);
              return 1;
            }
          g_array_append_val (t_ours, seconds);
          if (!isnan (device_seconds))
            g_array_append_val (t_device, device_seconds);
          if (!clblast_run (&peer, &seconds, &error))
            {
              g_printerr ("clblast: %s\n", error->message);
              return 1;
            }
          g_array_append_val (t_peer, seconds);
        }
      g_ours = flops / median (t_ours) / 1e9;
      g_device = flops / median (t_device) / 1e9;
      g_peer = flops / median (t_peer) / 1e9;
      ratio = g_ours / g_peer;
      g_array_append_val (ratios, ratio);
      g_print ("round %d: benchtop vulkan %.2f GFLOP/s (wall; %.2f by device timestamps), "
               "clblast %.2f GFLOP/s (wall), ratio %.2f\n",
               r + 1, g_ours, g_device, g_peer, ratio);
    }

  if (!bench_executable_validate (ours, &report, &error))
    {
      g_printerr ("benchtop validation failed to run: %s\n", error->message);
      return 1;
    }
  g_print ("benchtop validation: %s (max normalised error %.3g, tolerance %.3g)\n",
           report.validation == BENCH_VALIDATION_PASS ? "pass" : "FAIL",
           report.max_rel_error, report.tolerance);
  clblast_ok = clblast_check (&peer, &clblast_rel);
  g_print ("clblast check: %s (max normalised error %.3g on 256 sampled entries)\n",
           clblast_ok ? "pass" : "FAIL", clblast_rel);

  g_array_sort (ratios, compare_doubles);
  lo = g_array_index (ratios, double, 0);
  hi = g_array_index (ratios, double, ratios->len - 1);
  mid = median (ratios);
  g_print ("ratio benchtop vulkan / clblast: median %.2f (min %.2f, max %.2f over %d rounds), "
           "target >= %.1f: %s\n", mid, lo, hi, rounds, TARGET_RATIO,
           mid >= TARGET_RATIO ? "met" : "NOT met");

  return report.validation == BENCH_VALIDATION_PASS && clblast_ok ? 0 : 1;
}
