/* gemm-vs-onednn.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Benchtop's CPU "gemm" workload (prepared and run through the BenchBackend
 * API, exactly as the runner does) against a direct call of oneDNN's own
 * dnnl_sgemm on separate buffers of the same shape, in one process with
 * one thread pool. The two are timed call by call, alternating, so that
 * load from other processes hits both alike; medians are compared.
 *
 *   gemm-vs-onednn [--size N] [--iterations N] [--rounds N] [--onednn-only]
 *
 * --onednn-only prints just "onednn_sgemm_gflops <median>" for scripts
 * that measure Benchtop's side through benchtop-cli.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include "bench-backend-private.h"
#include "bench-cpu-backend.h"
#include "bench-cpu-executable.h"
#include "bench-cpu-kernels.h"
#include "bench-harness-util.h"

#define TARGET_RATIO 0.95

static double
max_of (GArray *values)
{
  double best = NAN;

  for (guint i = 0; i < values->len; i++)
    if (isnan (best) || g_array_index (values, double, i) > best)
      best = g_array_index (values, double, i);
  return best;
}

typedef struct
{
  gint64       n;
  float       *a;
  float       *b;
  float       *c;
} SgemmPeer;

static gboolean
peer_run (SgemmPeer  *peer,
          GError    **error)
{
  dnnl_status_t status;

  /* Row-major C = A B: lda = K, ldb = N, ldc = N. */
  status = dnnl_sgemm ('N', 'N', peer->n, peer->n, peer->n, 1.0f,
                       peer->a, peer->n, peer->b, peer->n, 0.0f, peer->c, peer->n);
  if (status != dnnl_success)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "dnnl_sgemm failed with status %d", status);
      return FALSE;
    }
  return TRUE;
}

/* GFLOP/s of one timed call. */
static double
time_ours (BenchExecutable  *executable,
           double            flops,
           GError          **error)
{
  BenchIteration iteration;
  gint64 start = g_get_monotonic_time ();

  if (!bench_executable_run (executable, &iteration, error))
    return NAN;
  return flops / ((g_get_monotonic_time () - start) * 1e3);
}

static double
time_peer (SgemmPeer  *peer,
           double      flops,
           GError    **error)
{
  gint64 start = g_get_monotonic_time ();

  if (!peer_run (peer, error))
    return NAN;
  return flops / ((g_get_monotonic_time () - start) * 1e3);
}

int
main (int   argc,
      char *argv[])
{
  gint64 size = 1024;
  int iterations = 20;
  int rounds = 5;
  gboolean onednn_only = FALSE;
  GOptionEntry entries[] = {
    { "size", 's', 0, G_OPTION_ARG_INT64, &size, "M = N = K (default 1024)", "N" },
    { "iterations", 'n', 0, G_OPTION_ARG_INT, &iterations, "Timed calls per round and side (default 20)", "N" },
    { "rounds", 'r', 0, G_OPTION_ARG_INT, &rounds, "Rounds (default 5)", "N" },
    { "onednn-only", 0, 0, G_OPTION_ARG_NONE, &onednn_only, "Time dnnl_sgemm alone and print its median", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchBackend) backend = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(BenchExecutable) executable = NULL;
  g_autoptr(GArray) ours = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) peer_rates = g_array_new (FALSE, FALSE, sizeof (double));
  BenchValidationReport report;
  SgemmPeer peer = { 0 };
  BenchConfig config = {
    .workload = (char *) "gemm", .device_id = (char *) "cpu",
    .batch_size = -1, .seq_len = -1, .precision = (char *) "fp32",
    .mode = (char *) "inference", .gen_tokens = -1,
  };
  const dnnl_version_t *version = dnnl_version ();
  double flops, ours_median, peer_median, ratio;
  gsize elements;
  int status = EXIT_SUCCESS;

  if (!bench_harness_parse_options ("- Benchtop gemm vs oneDNN dnnl_sgemm", entries, &argc, &argv))
    return EXIT_FAILURE;
  if (size < 1 || iterations < 1 || rounds < 1)
    {
      g_printerr ("--size, --iterations and --rounds must be positive\n");
      return EXIT_FAILURE;
    }

  flops = 2.0 * size * size * size;
  elements = (gsize) size * size;
  peer.n = size;
  peer.a = bench_cpu_alloc (elements * sizeof (float));
  peer.b = bench_cpu_alloc (elements * sizeof (float));
  peer.c = bench_cpu_alloc (elements * sizeof (float));
  if (peer.a == NULL || peer.b == NULL || peer.c == NULL)
    {
      g_printerr ("Cannot allocate 3 x %zu bytes\n", elements * sizeof (float));
      return EXIT_FAILURE;
    }
  bench_cpu_fill_uniform (peer.a, elements, 11);
  bench_cpu_fill_uniform (peer.b, elements, 12);
  memset (peer.c, 0, elements * sizeof (float));

  if (!onednn_only)
    {
      backend = g_object_new (BENCH_TYPE_CPU_BACKEND, NULL);
      devices = bench_backend_discover (backend, NULL, &error);
      config.size = size;
      if (devices != NULL && devices->len == 1)
        executable = bench_backend_prepare (backend, g_ptr_array_index (devices, 0),
                                            &config, NULL, &error);
      if (executable == NULL)
        {
          g_printerr ("Cannot prepare gemm on cpu: %s\n", error ? error->message : "no device");
          return EXIT_FAILURE;
        }
    }

  /* Warm both up: thread team, page faults, oneDNN's JIT kernels. */
  for (int i = 0; i < 3; i++)
    {
      BenchIteration iteration;

      if ((executable != NULL && !bench_executable_run (executable, &iteration, &error)) ||
          !peer_run (&peer, &error))
        {
          g_printerr ("%s\n", error->message);
          return EXIT_FAILURE;
        }
    }

  /* Call by call, alternating which side goes first, so that a burst of
   * load from elsewhere lands on both sides alike. */
  for (int r = 0; r < rounds; r++)
    for (int i = 0; i < iterations; i++)
      for (int side = 0; side < 2; side++)
        {
          gboolean run_ours = ((i + side) % 2 == 0);
          double rate;

          if (run_ours && executable == NULL)
            continue;
          rate = run_ours ? time_ours (executable, flops, &error)
                          : time_peer (&peer, flops, &error);
          if (isnan (rate))
            {
              g_printerr ("%s\n", error->message);
              return EXIT_FAILURE;
            }
          g_array_append_val (run_ours ? ours : peer_rates, rate);
        }

  peer_median = bench_harness_median (peer_rates);
  if (onednn_only)
    {
      g_print ("onednn_sgemm_gflops %.3f\n", peer_median);
      goto out;
    }

  if (!bench_executable_validate (executable, &report, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  ours_median = bench_harness_median (ours);
  ratio = ours_median / peer_median;
  g_print ("SGEMM %" G_GINT64_FORMAT "^3, fp32, %d OpenMP threads, oneDNN %d.%d.%d, "
           "%d rounds x %d calls per side\n",
           size, omp_get_max_threads (), version->major, version->minor, version->patch,
           rounds, iterations);
  g_print ("  benchtop gemm [%s]: median %.1f GFLOP/s, best %.1f  (validation %s, max rel error %.2g, tolerance %.2g)\n",
           bench_cpu_executable_get_impl (BENCH_CPU_EXECUTABLE (executable)),
           ours_median, max_of (ours),
           report.validation == BENCH_VALIDATION_PASS ? "pass" : "FAIL",
           report.max_rel_error, report.tolerance);
  g_print ("  oneDNN dnnl_sgemm:  median %.1f GFLOP/s, best %.1f\n",
           peer_median, max_of (peer_rates));
  g_print ("  ratio benchtop / dnnl_sgemm: %.3f (target >= %.2f: %s)\n",
           ratio, TARGET_RATIO, ratio >= TARGET_RATIO ? "met" : "NOT met");
  if (report.validation != BENCH_VALIDATION_PASS)
    status = EXIT_FAILURE;

out:
  bench_cpu_free (peer.a);
  bench_cpu_free (peer.b);
  bench_cpu_free (peer.c);
  return status;
}
