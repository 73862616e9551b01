/* bench-cpu-executable.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <omp.h>

#include "bench-error.h"
#include "bench-workload.h"
#include "bench-cpu-executable.h"
#include "bench-cpu-info.h"
#include "bench-cpu-kernels.h"

#define GEMM_DEFAULT_SIZE   1024
#define TRIAD_DEFAULT_BYTES (G_GINT64_CONSTANT (256) * 1024 * 1024)
/* Largest GEMM side: 3 * 65536^2 * 4 bytes is already 48 GiB. */
#define GEMM_MAX_SIZE       65536
/* C is compared in full up to this many entries (N = 512), sampled above. */
#define GEMM_FULL_CHECK     (512 * 512)
/* How long one peak-flops run() should take. */
#define PEAK_TARGET_SECONDS 0.03

typedef enum
{
  KIND_GEMM,
  KIND_TRIAD,
  KIND_PEAK,
  KIND_DISPATCH,
} Kind;

struct _BenchCpuExecutable
{
  BenchExecutable  parent_instance;

  Kind             kind;
  char            *impl;
  gboolean         has_run;

  /* gemm: n x n matrices; triad: n floats per array */
  gint64           n;
  float           *a;
  float           *b;
  float           *c;
  BenchCpuMatmul  *matmul;

  /* peak-flops */
  BenchCpuIsa      isa;
  int              threads;
  guint64          inner;
  guint64          passes;
  float           *acc;
};

G_DEFINE_FINAL_TYPE (BenchCpuExecutable, bench_cpu_executable, BENCH_TYPE_EXECUTABLE)

static void
bench_cpu_executable_finalize (GObject *object)
{
  BenchCpuExecutable *self = (BenchCpuExecutable *)object;

  /* The primitive refers to the buffers: release it first. */
  g_clear_pointer (&self->matmul, bench_cpu_matmul_free);
  g_clear_pointer (&self->a, bench_cpu_free);
  g_clear_pointer (&self->b, bench_cpu_free);
  g_clear_pointer (&self->c, bench_cpu_free);
  g_clear_pointer (&self->acc, bench_cpu_free);
  g_clear_pointer (&self->impl, g_free);

  G_OBJECT_CLASS (bench_cpu_executable_parent_class)->finalize (object);
}

static gboolean
bench_cpu_executable_run (BenchExecutable  *executable,
                          BenchIteration   *iteration,
                          GError          **error)
{
  BenchCpuExecutable *self = BENCH_CPU_EXECUTABLE (executable);

  switch (self->kind)
    {
    case KIND_GEMM:
      if (!bench_cpu_matmul_execute (self->matmul, error))
        return FALSE;
      break;

    case KIND_TRIAD:
      bench_cpu_triad (self->a, self->b, self->c, BENCH_CPU_TRIAD_SCALAR, self->n);
      break;

    case KIND_PEAK:
      {
        int ran = bench_cpu_peak_flops_run (self->isa, self->inner, self->passes,
                                            self->threads, self->acc);

        /* The FLOP count assumes every thread ran. */
        if (ran != self->threads)
          {
            g_set_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE,
                         "peak-flops on cpu ran on %d threads instead of %d; "
                         "check OMP_THREAD_LIMIT and OMP_DYNAMIC",
                         ran, self->threads);
            return FALSE;
          }
      }
      break;

    case KIND_DISPATCH:
      /* A CPU's "dispatch" is waking the worker threads for an empty
       * parallel region and joining them again. */
#pragma omp parallel num_threads (self->threads)
      {
        __asm__ __volatile__ ("" ::: "memory");
      }
      break;

    default:
      g_assert_not_reached ();
    }

  self->has_run = TRUE;
  return TRUE;
}

static gboolean
bench_cpu_executable_validate (BenchExecutable        *executable,
                               BenchValidationReport  *report,
                               GError                **error)
{
  BenchCpuExecutable *self = BENCH_CPU_EXECUTABLE (executable);
  BenchCpuCheck check = { 0 };

  /* Nothing to compare before the first run, and an empty parallel region
   * computes nothing: leave those "not validated". */
  if (!self->has_run || self->kind == KIND_DISPATCH)
    return TRUE;

  switch (self->kind)
    {
    case KIND_GEMM:
      bench_cpu_sgemm_check (self->n, self->n, self->n, self->a, self->b, self->c,
                             GEMM_FULL_CHECK, &check);
      break;

    case KIND_TRIAD:
      bench_cpu_triad_check (self->a, self->n, BENCH_CPU_TRIAD_SCALAR, &check);
      break;

    case KIND_PEAK:
      bench_cpu_peak_flops_check (self->isa, self->inner, self->threads,
                                  self->acc, &check);
      break;

    default:
      g_assert_not_reached ();
    }

  report->validation = check.passed ? BENCH_VALIDATION_PASS : BENCH_VALIDATION_FAIL;
  report->max_abs_error = check.max_abs_error;
  report->max_rel_error = check.max_rel_error;
  report->tolerance = check.tolerance;
  return TRUE;
}

static void
bench_cpu_executable_class_init (BenchCpuExecutableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BenchExecutableClass *executable_class = BENCH_EXECUTABLE_CLASS (klass);

  object_class->finalize = bench_cpu_executable_finalize;
  executable_class->run = bench_cpu_executable_run;
  executable_class->validate = bench_cpu_executable_validate;
}

static void
bench_cpu_executable_init (BenchCpuExecutable *self)
{
}

/* Allocates @count buffers of @bytes each, or fails naming the total. */
static gboolean
alloc_buffers (const char  *workload,
               gsize        bytes,
               float      **buffers[],
               guint        count,
               GError     **error)
{
  guint64 total = (guint64) bytes * count;
  gint64 available = bench_cpu_info_available_memory ();
  g_autofree char *total_str = bench_cpu_format_size (total);

  /* Linux overcommits: without this check an oversized request would
   * "succeed" and the OOM killer would end the process during the fill. */
  if (available > 0 && total > (guint64) available)
    {
      g_autofree char *available_str = bench_cpu_format_size (available);

      g_set_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE,
                   "cannot allocate %s for %s on cpu: only %s of memory is available; "
                   "choose a smaller size",
                   total_str, workload, available_str);
      return FALSE;
    }

  for (guint i = 0; i < count; i++)
    {
      if ((*buffers[i] = bench_cpu_alloc (bytes)) == NULL)
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE,
                       "cannot allocate %s for %s on cpu; choose a smaller size",
                       total_str, workload);
          return FALSE;
        }
    }

  return TRUE;
}

static void
set_work (BenchCpuExecutable *self,
          double              flops,
          double              bytes,
          gint64              allocated)
{
  BenchWork *work = bench_executable_get_work (BENCH_EXECUTABLE (self));

  work->flops = flops;
  work->bytes = bytes;
  work->items = 1;
  work->workspace_bytes = allocated;
  /* CPU "device memory" is host memory: what this workload allocated. */
  work->device_memory_bytes = allocated;
}

static gboolean
prepare_gemm (BenchCpuExecutable  *self,
              const BenchConfig   *config,
              GCancellable        *cancellable,
              GError             **error)
{
  gint64 n = config->size > 0 ? config->size : GEMM_DEFAULT_SIZE;
  gsize bytes;
  const char *impl;

  if (n > GEMM_MAX_SIZE)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "gemm size %" G_GINT64_FORMAT " is too large for cpu; "
                   "the largest is %d", n, GEMM_MAX_SIZE);
      return FALSE;
    }

  self->kind = KIND_GEMM;
  self->n = n;
  bytes = (gsize) n * n * sizeof (float);
  if (!alloc_buffers ("gemm", bytes, (float **[]) { &self->a, &self->b, &self->c }, 3, error))
    return FALSE;

  bench_cpu_fill_uniform (self->a, (gsize) n * n, 1);
  bench_cpu_fill_uniform (self->b, (gsize) n * n, 2);
  /* First touch of C too, so the first run does not pay page faults. */
  memset (self->c, 0, bytes);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* The matmul primitive and dnnl_sgemm run the same oneDNN kernel on this
   * build (see bench/gemm-vs-onednn.c); the primitive is created once here,
   * where dnnl_sgemm would re-validate its arguments on every call. */
  self->matmul = bench_cpu_matmul_new (n, n, n, self->a, self->b, self->c, error);
  if (self->matmul == NULL)
    return FALSE;
  impl = bench_cpu_matmul_get_impl (self->matmul);
  self->impl = g_strdup_printf ("oneDNN matmul (%s)", impl ? impl : "unknown implementation");

  /* FLOPs are exact (2 per multiply-add); bytes are the minimum traffic:
   * read A and B once, write C once. */
  set_work (self, 2.0 * n * n * n, 3.0 * bytes, 3 * (gint64) bytes);
  return TRUE;
}

static gboolean
prepare_triad (BenchCpuExecutable  *self,
               const BenchConfig   *config,
               GCancellable        *cancellable,
               GError             **error)
{
  gint64 bytes = config->size > 0 ? config->size : TRIAD_DEFAULT_BYTES;
  gsize n = bytes / sizeof (float);

  if (n == 0)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "stream-triad needs at least %zu bytes per array, not %" G_GINT64_FORMAT,
                   sizeof (float), bytes);
      return FALSE;
    }

  self->kind = KIND_TRIAD;
  self->n = n;
  bytes = n * sizeof (float);
  if (!alloc_buffers ("stream-triad", bytes, (float **[]) { &self->a, &self->b, &self->c }, 3, error))
    return FALSE;

  bench_cpu_triad_init (self->a, self->b, self->c, n);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  self->impl = g_strdup ("OpenMP triad with non-temporal stores where AVX2 is available");

  /* STREAM convention: 2 reads + 1 write per element; no write-allocate
   * traffic is counted (and with streaming stores there is none). */
  set_work (self, 2.0 * n, 3.0 * bytes, 3 * bytes);
  return TRUE;
}

static double
time_peak_run (BenchCpuExecutable *self)
{
  gint64 start = g_get_monotonic_time ();

  bench_cpu_peak_flops_run (self->isa, self->inner, self->passes, self->threads, self->acc);
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static gboolean
prepare_peak (BenchCpuExecutable  *self,
              const BenchConfig   *config,
              GCancellable        *cancellable,
              GError             **error)
{
  gsize bytes;
  double seconds = INFINITY;

  self->kind = KIND_PEAK;
  self->isa = bench_cpu_isa_detect ();
  self->threads = omp_get_max_threads ();
  bytes = (gsize) self->threads * BENCH_CPU_PEAK_CHAINS *
          bench_cpu_isa_lanes (self->isa) * sizeof (float);
  if (!alloc_buffers ("peak-flops", bytes, (float **[]) { &self->acc }, 1, error))
    return FALSE;

  /* Calibrate: the fastest of a few runs at the largest exact inner count
   * (the first also starts the thread team), then scale to the target. */
  self->inner = BENCH_CPU_PEAK_MAX_INNER;
  self->passes = 1;
  for (guint i = 0; i < 4; i++)
    {
      double t = time_peak_run (self);

      if (i > 0)
        seconds = MIN (seconds, t);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  seconds = MAX (seconds, 1e-6);
  if (seconds > PEAK_TARGET_SECONDS)
    self->inner = CLAMP ((guint64) (self->inner * PEAK_TARGET_SECONDS / seconds),
                         1024, BENCH_CPU_PEAK_MAX_INNER);
  else
    self->passes = MAX (1, (guint64) round (PEAK_TARGET_SECONDS / seconds));

  self->impl = g_strdup_printf ("%s, %u lanes x %d chains x %d threads, %" G_GUINT64_FORMAT
                                " x %" G_GUINT64_FORMAT " steps",
                                bench_cpu_isa_to_string (self->isa),
                                bench_cpu_isa_lanes (self->isa), BENCH_CPU_PEAK_CHAINS,
                                self->threads, self->passes, self->inner);

  /* Register-only work: no memory traffic to speak of, so bytes is unknown
   * rather than a misleading 0 GB/s. */
  set_work (self, bench_cpu_peak_flops_count (self->isa, self->inner, self->passes,
                                              self->threads),
            NAN, bytes);
  return TRUE;
}

static gboolean
prepare_dispatch (BenchCpuExecutable  *self,
                  GError             **error)
{
  self->kind = KIND_DISPATCH;
  self->threads = omp_get_max_threads ();
  self->impl = g_strdup_printf ("OpenMP fork/join of %d threads", self->threads);
  set_work (self, NAN, NAN, -1);
  return TRUE;
}

BenchExecutable *
bench_cpu_executable_new (const BenchConfig  *config,
                          GCancellable       *cancellable,
                          GError            **error)
{
  g_autoptr(BenchCpuExecutable) self = NULL;
  const char *precision;
  gboolean ok;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->workload != NULL, NULL);

  if (!g_str_equal (config->workload, "gemm") &&
      !g_str_equal (config->workload, "stream-triad") &&
      !g_str_equal (config->workload, "peak-flops") &&
      !g_str_equal (config->workload, "dispatch-latency"))
    {
      g_autoptr(BenchWorkload) known = bench_workload_lookup (config->workload, NULL);

      if (known != NULL)
        g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                     "The cpu backend cannot run workload “%s”; "
                     "it runs gemm, stream-triad, peak-flops, dispatch-latency and the models",
                     config->workload);
      else
        g_set_error (error, BENCH_ERROR, BENCH_ERROR_UNKNOWN_WORKLOAD,
                     "Unknown workload “%s” for the cpu backend; "
                     "it runs gemm, stream-triad, peak-flops, dispatch-latency and the models",
                     config->workload);
      return NULL;
    }

  precision = config->precision != NULL ? config->precision : "fp32";
  if (!g_str_equal (precision, "fp32"))
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "%s in %s is not supported on cpu; use fp32",
                   config->workload, precision);
      return NULL;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  self = g_object_new (BENCH_TYPE_CPU_EXECUTABLE, NULL);
  if (g_str_equal (config->workload, "gemm"))
    ok = prepare_gemm (self, config, cancellable, error);
  else if (g_str_equal (config->workload, "stream-triad"))
    ok = prepare_triad (self, config, cancellable, error);
  else if (g_str_equal (config->workload, "dispatch-latency"))
    ok = prepare_dispatch (self, error);
  else
    ok = prepare_peak (self, config, cancellable, error);

  if (!ok)
    return NULL;

  return BENCH_EXECUTABLE (g_steal_pointer (&self));
}

const char *
bench_cpu_executable_get_impl (BenchCpuExecutable *self)
{
  g_return_val_if_fail (BENCH_IS_CPU_EXECUTABLE (self), NULL);

  return self->impl;
}
