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

#include "bench-clblast-util.h"

#include "bench-backend-private.h"
#include "bench-harness-util.h"
#include "bench-opencl-executable.h"

#define TARGET_RATIO 1.5

/* CLBlast's C against ours, as a check that both computed the same product. */
static double
max_difference (BenchExecutable *ours,
                BenchClblast    *peer)
{
  g_autoptr(GError) error = NULL;
  g_autofree float *c_ours = NULL;
  g_autofree float *c_peer = g_new (float, peer->n * peer->n);
  gsize n_floats = 0;
  double worst = 0.0;

  c_ours = bench_opencl_executable_read_output (BENCH_OPENCL_EXECUTABLE (ours), &n_floats, &error);
  if (c_ours == NULL || n_floats != (gsize) (peer->n * peer->n) ||
      !bench_clblast_read_c (peer, c_peer))
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
  g_autoptr(BenchExecutable) ours = NULL;
  g_auto(BenchClblast) peer = { 0 };
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
  gboolean ok = TRUE, passed = FALSE;
  GOptionEntry entries[] = {
    { "device", 'd', 0, G_OPTION_ARG_INT, &device_index, "OpenCL device number (opencl:N)", "N" },
    { "size", 's', 0, G_OPTION_ARG_INT64, &size, "M = N = K", "N" },
    { "iterations", 'i', 0, G_OPTION_ARG_INT, &iterations, "Timed calls of each", "N" },
    { "shape", 0, 0, G_OPTION_ARG_STRING, &shape_str, "Our kernel and tile", "tiled:TM,TN,TK,RM,VW|packed:TM,TN,TK,RM,NV" },
    { "no-naive", 0, 0, G_OPTION_ARG_NONE, &no_naive, "Skip the naive kernel", NULL },
    { "no-clblast", 0, 0, G_OPTION_ARG_NONE, &no_clblast, "Skip CLBlast (tuning runs)", NULL },
    { NULL }
  };

  if (!bench_harness_parse_options ("- Benchtop's OpenCL SGEMM vs CLBlast", entries, &argc, &argv))
    return 2;
  if (!bench_clblast_pick_device (device_index, &device, &name))
    return 77;
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
  if (!no_clblast && !bench_clblast_setup (&peer, device, size, &error))
    {
      g_printerr ("clblast: %s\n", error->message);
      return 1;
    }

  /* Warm-up: builds CLBlast's kernels, pages in the buffers. */
  if (!bench_clblast_alternate (ours, no_clblast ? NULL : &peer, 2, NULL, NULL, NULL, &error) ||
      !bench_clblast_alternate (ours, no_clblast ? NULL : &peer, iterations,
                                t_ours, t_ours_device, t_peer, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  g_ours = flops / bench_harness_median (t_ours) / 1e9;
  g_ours_device = flops / bench_harness_median (t_ours_device) / 1e9;
  g_print ("benchtop %s\n", bench_opencl_executable_get_impl (BENCH_OPENCL_EXECUTABLE (ours)));
  g_print ("  %.2f GFLOP/s (wall), %.2f GFLOP/s (profiled device time)\n", g_ours, g_ours_device);
  ok &= bench_harness_validate (ours, "  validation", &passed) && passed;

  if (!no_clblast)
    {
      g_peer = flops / bench_harness_median (t_peer) / 1e9;
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
      double g_naive;

      naive = bench_opencl_executable_new_gemm (device, label, size, &naive_shape, NULL, &error);
      if (naive == NULL)
        {
          g_printerr ("naive: %s\n", error->message);
          return 1;
        }
      /* Slow by design: one warm-up and a few calls. */
      for (int i = 0; i < 1 + MIN (iterations, 3); i++)
        {
          if (!bench_harness_time_run (naive, &seconds, &device_seconds, &error))
            {
              g_printerr ("naive: %s\n", error->message);
              return 1;
            }
          if (i > 0)
            g_array_append_val (t_naive, seconds);
        }
      g_naive = flops / bench_harness_median (t_naive) / 1e9;
      g_print ("benchtop naive kernel\n  %.2f GFLOP/s (wall); benchtop / naive: %.2f\n",
               g_naive, g_ours / g_naive);
      ok &= bench_harness_validate (naive, "  validation", &passed) && passed;
    }

  return ok ? 0 : 1;
}
