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

#include <math.h>

#include "bench-clblast-util.h"

#include "bench-backend-private.h"
#include "bench-error.h"
#include "bench-harness-util.h"
#include "bench-vulkan-executable.h"

#define TARGET_RATIO 1.0

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchExecutable) ours = NULL;
  g_auto(BenchClblast) peer = { 0 };
  g_autoptr(GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *cl_name = NULL;
  g_autofree char *vk_id = NULL;
  cl_device_id cl_device;
  gint vk_index = 0;
  gint cl_index = 0;
  gint64 size = 1024;
  gint iterations = 5;
  gint rounds = 3;
  double flops, clblast_rel = NAN;
  double lo, mid, hi;
  gboolean ours_ok = FALSE, clblast_ok;
  GOptionEntry entries[] = {
    { "vulkan", 0, 0, G_OPTION_ARG_INT, &vk_index, "Vulkan device number (vulkan:N)", "N" },
    { "opencl", 0, 0, G_OPTION_ARG_INT, &cl_index, "OpenCL device number for CLBlast (opencl:N)", "N" },
    { "size", 's', 0, G_OPTION_ARG_INT64, &size, "M = N = K", "N" },
    { "iterations", 'i', 0, G_OPTION_ARG_INT, &iterations, "Timed calls of each per round", "N" },
    { "rounds", 'r', 0, G_OPTION_ARG_INT, &rounds, "Rounds, each compared on its own", "N" },
    { NULL }
  };

  if (!bench_harness_parse_options ("- Benchtop's Vulkan SGEMM vs CLBlast on OpenCL",
                                    entries, &argc, &argv))
    return 2;
  if (size <= 0 || iterations <= 0 || rounds <= 0 || vk_index < 0)
    {
      g_printerr ("--size, --iterations and --rounds must be positive\n");
      return 2;
    }

  if (!bench_clblast_pick_device (cl_index, &cl_device, &cl_name))
    return 77;

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
  if (!bench_clblast_setup (&peer, cl_device, size, &error))
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
  if (!bench_clblast_alternate (ours, &peer, 2, NULL, NULL, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  for (int r = 0; r < rounds; r++)
    {
      g_autoptr(GArray) t_ours = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) t_device = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) t_peer = g_array_new (FALSE, FALSE, sizeof (double));
      double g_ours, g_device, g_peer, ratio;

      if (!bench_clblast_alternate (ours, &peer, iterations, t_ours, t_device, t_peer, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_ours = flops / bench_harness_median (t_ours) / 1e9;
      g_device = flops / bench_harness_median (t_device) / 1e9;
      g_peer = flops / bench_harness_median (t_peer) / 1e9;
      ratio = g_ours / g_peer;
      g_array_append_val (ratios, ratio);
      g_print ("round %d: benchtop vulkan %.2f GFLOP/s (wall; %.2f by device timestamps), "
               "clblast %.2f GFLOP/s (wall), ratio %.2f\n",
               r + 1, g_ours, g_device, g_peer, ratio);
    }

  if (!bench_harness_validate (ours, "benchtop validation", &ours_ok))
    return 1;
  clblast_ok = bench_clblast_check (&peer, &clblast_rel);
  g_print ("clblast check: %s (max normalised error %.3g on 256 sampled entries)\n",
           clblast_ok ? "pass" : "FAIL", clblast_rel);

  mid = bench_harness_median (ratios);   /* sorts them */
  lo = g_array_index (ratios, double, 0);
  hi = g_array_index (ratios, double, ratios->len - 1);
  g_print ("ratio benchtop vulkan / clblast: median %.2f (min %.2f, max %.2f over %d rounds), "
           "target >= %.1f: %s\n", mid, lo, hi, rounds, TARGET_RATIO,
           mid >= TARGET_RATIO ? "met" : "NOT met");

  return ours_ok && clblast_ok ? 0 : 1;
}
