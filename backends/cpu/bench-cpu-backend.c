/* bench-cpu-backend.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CPU backend: one device, the processor this process runs on. GEMM
 * goes through oneDNN; bandwidth and peak-FLOP kernels are our own,
 * vectorised and threaded with OpenMP (see bench-cpu-kernels.c).
 */
#include "config.h"

#include "bench-backend-private.h"
#include "bench-error.h"
#include "bench-model-executable.h"
#include "bench-cpu-backend.h"
#include "bench-cpu-ops.h"
#include "bench-cpu-executable.h"
#include "bench-cpu-info.h"

struct _BenchCpuBackend
{
  BenchBackend parent_instance;
};

G_DEFINE_FINAL_TYPE (BenchCpuBackend, bench_cpu_backend, BENCH_TYPE_BACKEND)

static GPtrArray *
bench_cpu_backend_discover (BenchBackend  *backend,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_object_unref);
  BenchDevice *device;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if ((device = bench_cpu_info_discover (error)) == NULL)
    return NULL;
  g_ptr_array_add (devices, device);

  return g_steal_pointer (&devices);
}

static BenchExecutable *
bench_cpu_backend_prepare (BenchBackend       *backend,
                           BenchDevice        *device,
                           const BenchConfig  *config,
                           GCancellable       *cancellable,
                           GError            **error)
{
  /* Models run through the generic model executable with our op table. */
  if (bench_model_config_is_model (config))
    {
      const char *precision = config->precision != NULL ? config->precision : "fp32";
      g_autoptr(BenchCpuOps) ops = NULL;
      const BenchOpTable *table;

      if (!g_str_equal (precision, "fp32"))
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                       "%s in %s is not supported on cpu; use fp32",
                       config->workload, precision);
          return NULL;
        }
      if ((ops = bench_cpu_ops_new (error)) == NULL)
        return NULL;
      table = bench_cpu_ops_get_table (ops);
      return bench_model_executable_new (config, "cpu", table, bench_cpu_ops_prepare_func,
                                         g_steal_pointer (&ops), (GDestroyNotify) bench_cpu_ops_free,
                                         cancellable, error);
    }

  return bench_cpu_executable_new (config, cancellable, error);
}

static void
bench_cpu_backend_class_init (BenchCpuBackendClass *klass)
{
  BenchBackendClass *backend_class = BENCH_BACKEND_CLASS (klass);

  backend_class->name = "cpu";
  backend_class->discover = bench_cpu_backend_discover;
  backend_class->prepare = bench_cpu_backend_prepare;
}

static void
bench_cpu_backend_init (BenchCpuBackend *self)
{
}
