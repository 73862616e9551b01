/* test-vulkan.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Vulkan backend on whatever device the loader offers (lavapipe on CI):
 * discovery, and each workload against a host reference. Skipped, with the
 * backend's reason, where there is no Vulkan device.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench-backend-private.h"
#include "bench-error.h"
#include "bench-plan.h"

#if HAVE_VULKAN
#include "bench-vulkan-backend.h"
#include "bench-vulkan-executable.h"

static BenchBackend *backend;
static GPtrArray *devices;

static BenchDevice *
get_device (void)
{
  if (devices == NULL || devices->len == 0)
    {
      g_autofree char *reason =
        g_strdup_printf ("no Vulkan device: %s", bench_backend_get_status_message (backend));

      g_test_skip (reason);
      return NULL;
    }

  return g_ptr_array_index (devices, 0);
}

static BenchExecutable *
prepare (BenchDevice  *device,
         const char   *workload,
         const char   *precision,
         gint64        size,
         GError      **error)
{
  BenchConfig config = {
    .workload = (char *) workload,
    .device_id = (char *) bench_device_get_id (device),
    .batch_size = -1,
    .seq_len = -1,
    .precision = (char *) precision,
    .size = size,
    .gen_tokens = -1,
    .iterations = 1,
  };

  return bench_backend_prepare (backend, device, &config, NULL, error);
}

/* Runs once and validates; returns the report. */
static BenchValidationReport
run_and_validate (BenchExecutable *exe,
                  BenchIteration  *iteration)
{
  BenchValidationReport report = { BENCH_VALIDATION_NONE, NAN, NAN, NAN };
  g_autoptr(GError) error = NULL;

  iteration->device_ns = -2;
  iteration->first_token_ns = -1;
  g_assert_true (bench_executable_run (exe, iteration, &error));
  g_assert_no_error (error);
  g_assert_true (bench_executable_validate (exe, &report, &error));
  g_assert_no_error (error);

  return report;
}

static void
test_discovery (void)
{
  BenchDevice *device = get_device ();
  const char *keys[] = {
    "api_version", "driver_version", "subgroup_size", "max_workgroup_invocations",
    "shared_memory_bytes", "memory_heaps",
  };

  if (device == NULL)
    return;

  for (guint i = 0; i < devices->len; i++)
    {
      BenchDevice *d = g_ptr_array_index (devices, i);
      g_autofree char *id = g_strdup_printf ("vulkan:%u", i);

      g_assert_cmpstr (bench_device_get_id (d), ==, id);
      g_assert_cmpstr (bench_device_get_backend_name (d), ==, "vulkan");
      g_assert_true (bench_device_get_backend (d) == (gpointer) backend);
    }

  g_assert_nonnull (bench_device_get_name (device));
  g_assert_cmpstr (bench_device_get_name (device), !=, "");
  g_assert_nonnull (bench_device_get_vendor (device));
  g_assert_nonnull (bench_device_get_driver (device));
  g_assert_cmpint (bench_device_get_memory_bytes (device), >, 0);
  g_assert_cmpint (bench_device_get_compute_units (device), ==, -1);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *value = bench_device_get_property_value (device, keys[i]);

      g_assert_nonnull (value);
      g_assert_cmpstr (value, !=, "");
    }
  g_assert_cmpint (g_ascii_strtoll (bench_device_get_property_value (device, "max_workgroup_invocations"),
                                    NULL, 10), >=, 128);
  g_assert_true (g_str_has_prefix (bench_device_get_property_value (device, "api_version"), "1."));

  if (strstr (bench_device_get_name (device), "llvmpipe") != NULL)
    {
      g_assert_cmpstr (bench_device_get_vendor (device), ==, "Mesa");
      g_assert_cmpint (bench_device_get_device_type (device), ==, BENCH_DEVICE_TYPE_CPU);
      g_assert_true (g_str_has_prefix (bench_device_get_driver (device), "llvmpipe"));
    }
}

static void
check_gemm (BenchDevice *device,
            gint64       n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchExecutable) exe = prepare (device, "gemm", "fp32", n, &error);
  BenchValidationReport report;
  BenchIteration iteration;
  BenchWork *work;

  g_assert_no_error (error);
  g_assert_nonnull (exe);
  work = bench_executable_get_work (exe);
  g_assert_cmpfloat (work->flops, ==, 2.0 * n * n * n);
  g_assert_cmpfloat (work->bytes, ==, 3.0 * n * n * 4);
  g_assert_cmpfloat (work->items, ==, 1);
  g_assert_cmpint (work->device_memory_bytes, >=, 3 * n * n * 4);

  /* Validation must run only after a run, and then compare for real. */
  for (guint i = 0; i < 2; i++)
    {
      report = run_and_validate (exe, &iteration);
      g_assert_cmpint (report.validation, ==, BENCH_VALIDATION_PASS);
      g_assert_cmpfloat (report.max_rel_error, <=, report.tolerance);
      g_assert_cmpfloat (report.max_abs_error, <, 1e-3 * sqrt ((double) n));
    }
}

static void
test_gemm_sizes (void)
{
  BenchDevice *device = get_device ();
  /* 100: rows on vec4 boundaries but not a multiple of any tile. */
  const gint64 sizes[] = { 1, 17, 64, 100, 129 };

  if (device == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    check_gemm (device, sizes[i]);
}

/* Other tile shapes (specialization constants), the fixed builds of the
 * GPU tiles, the texel-buffer kernel and the naive shader compute the
 * same product, on sizes that are not multiples of the tiles, with rows
 * on vec4 boundaries (68) and not (67). */
static void
test_gemm_variants (void)
{
  BenchDevice *device = get_device ();
  const char *variants[] = { "naive", "8,8,4,4,8", "16,4,8,8,4", "16,16,4,4,16", "16,16,8,8,16" };
  guint lanes;

  if (device == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_setenv ("BENCHTOP_VULKAN_GEMM", variants[i], TRUE);
      check_gemm (device, 67);
      check_gemm (device, 68);
    }

  /* The texel kernel's rows are a multiple of the subgroup size. */
  lanes = g_ascii_strtoull (bench_device_get_property_value (device, "subgroup_size"), NULL, 10);
  g_assert_cmpuint (lanes, >, 0);
  for (guint rows = 1; rows <= 2; rows++)
    for (guint cb = 1; cb <= 2; cb++)
      {
        g_autofree char *texel = g_strdup_printf ("texel:%u,%u", rows * lanes, cb);
        g_autoptr(GError) error = NULL;
        g_autoptr(BenchExecutable) probe = NULL;

        g_setenv ("BENCHTOP_VULKAN_GEMM", texel, TRUE);
        probe = prepare (device, "gemm", "fp32", 4, &error);
        if (probe == NULL)
          {
            /* The kernel is for CPU implementations with subgroup
             * shuffles and texel buffers; lavapipe is one. */
            g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED);
            g_assert_null (strstr (bench_device_get_name (device), "llvmpipe"));
            g_test_message ("%s: %s", texel, error->message);
            continue;
          }
        check_gemm (device, 67);
        check_gemm (device, 68);
        check_gemm (device, 5);
      }
  g_unsetenv ("BENCHTOP_VULKAN_GEMM");

  {
    const char *bad[] = { "3,3,3,3,3", "8,8,2,4,8", "texel:0,1", "texel:8", "texel:8,1,2" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(BenchExecutable) exe = NULL;

        g_setenv ("BENCHTOP_VULKAN_GEMM", bad[i], TRUE);
        exe = prepare (device, "gemm", "fp32", 8, &error);
        g_unsetenv ("BENCHTOP_VULKAN_GEMM");
        g_assert_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT);
        g_assert_null (exe);
      }
  }

  /* Rows not a multiple of the subgroup: refused, saying why. */
  if (lanes > 1)
    {
      g_autofree char *texel = g_strdup_printf ("texel:%u,1", lanes / 2);
      g_autoptr(GError) error = NULL;
      g_autoptr(BenchExecutable) exe = NULL;

      g_setenv ("BENCHTOP_VULKAN_GEMM", texel, TRUE);
      exe = prepare (device, "gemm", "fp32", 8, &error);
      g_unsetenv ("BENCHTOP_VULKAN_GEMM");
      g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED);
      g_assert_null (exe);
    }
}

/* On a CPU implementation the default gemm is the texel-buffer kernel;
 * on GPUs the shared-memory tiled one. */
static void
test_gemm_default_kernel (void)
{
  BenchDevice *device = get_device ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchExecutable) exe = NULL;
  const char *impl;

  if (device == NULL)
    return;

  exe = prepare (device, "gemm", "fp32", 64, &error);
  g_assert_no_error (error);
  impl = bench_vulkan_executable_get_impl (BENCH_VULKAN_EXECUTABLE (exe));
  g_test_message ("vulkan gemm: %s", impl);
  if (strstr (bench_device_get_name (device), "llvmpipe") != NULL)
    g_assert_true (g_str_has_prefix (impl, "texel-buffer"));
  else if (bench_device_get_device_type (device) != BENCH_DEVICE_TYPE_CPU)
    g_assert_true (g_str_has_prefix (impl, "tiled"));
}

static void
test_triad (void)
{
  BenchDevice *device = get_device ();
  /* An odd element count exercises the scalar tail. */
  const gint64 n = 100003;
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchExecutable) exe = NULL;
  BenchValidationReport report;
  BenchIteration iteration;
  BenchWork *work;

  if (device == NULL)
    return;

  exe = prepare (device, "stream-triad", NULL, n * 4 + 3, &error);
  g_assert_no_error (error);
  work = bench_executable_get_work (exe);
  g_assert_cmpfloat (work->flops, ==, 2.0 * n);
  g_assert_cmpfloat (work->bytes, ==, 3.0 * n * 4);
  g_assert_cmpfloat (work->items, ==, 1);

  /* Before any run the output is zeros: nothing to validate yet. */
  report = (BenchValidationReport) { BENCH_VALIDATION_NONE, NAN, NAN, NAN };
  g_assert_true (bench_executable_validate (exe, &report, &error));
  g_assert_cmpint (report.validation, ==, BENCH_VALIDATION_NONE);

  report = run_and_validate (exe, &iteration);
  g_assert_cmpint (report.validation, ==, BENCH_VALIDATION_PASS);
  /* Inputs are multiples of 1/4: the triad is exact. */
  g_assert_cmpfloat (report.max_abs_error, ==, 0.0);
}

/* Larger than one storage-buffer binding may be on lavapipe (128 MiB):
 * the backend splits the arrays into several dispatches. */
static void
test_triad_large (void)
{
  BenchDevice *device = get_device ();
  const gint64 n = (G_GINT64_CONSTANT (129) << 20) / 4 + 3;
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchExecutable) exe = NULL;
  BenchValidationReport report;
  BenchIteration iteration;
  const char *impl;

  if (device == NULL)
    return;

  exe = prepare (device, "stream-triad", "fp32", n * 4, &error);
  g_assert_no_error (error);
  impl = bench_vulkan_executable_get_impl (BENCH_VULKAN_EXECUTABLE (exe));
  if (strstr (bench_device_get_name (device), "llvmpipe") != NULL)
    g_assert_nonnull (strstr (impl, "2 dispatches"));
  g_assert_cmpfloat (bench_executable_get_work (exe)->bytes, ==, 3.0 * n * 4);

  report = run_and_validate (exe, &iteration);
  g_assert_cmpint (report.validation, ==, BENCH_VALIDATION_PASS);
  g_assert_cmpfloat (report.max_abs_error, ==, 0.0);
}

static void
test_peak_flops (void)
{
  BenchDevice *device = get_device ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchExecutable) exe = NULL;
  BenchValidationReport report;
  BenchIteration iteration;
  BenchWork *work;
  const char *impl;
  guint chains, invocations, steps;

  if (device == NULL)
    return;

  exe = prepare (device, "peak-flops", "fp32", -1, &error);
  g_assert_no_error (error);
  work = bench_executable_get_work (exe);
  impl = bench_vulkan_executable_get_impl (BENCH_VULKAN_EXECUTABLE (exe));
  g_assert_cmpint (sscanf (impl, "GLSL vec4 FMA, %u chains x %u invocations x %u steps",
                           &chains, &invocations, &steps), ==, 3);
  g_assert_cmpuint (steps, >=, 1024);
  /* Closed form: 4 lanes x 2 FLOPs per FMA, per chain, invocation and step. */
  g_assert_cmpfloat (work->flops, ==, 8.0 * chains * invocations * steps);
  g_assert_true (isnan (work->bytes));

  report = run_and_validate (exe, &iteration);
  g_assert_cmpint (report.validation, ==, BENCH_VALIDATION_PASS);
  g_assert_cmpfloat (report.max_abs_error, ==, 0.0);
}

static void
test_device_time (void)
{
  BenchDevice *device = get_device ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchExecutable) exe = NULL;
  BenchIteration iteration = { -2, -1 };
  gint64 start, host_ns;

  if (device == NULL)
    return;

  exe = prepare (device, "gemm", "fp32", 256, &error);
  g_assert_no_error (error);
  g_assert_true (bench_executable_run (exe, &iteration, &error));
  start = g_get_monotonic_time ();
  g_assert_true (bench_executable_run (exe, &iteration, &error));
  host_ns = (g_get_monotonic_time () - start) * 1000;
  g_assert_no_error (error);

  if (bench_device_get_property_value (device, "timestamp_period_ns") == NULL)
    {
      g_assert_cmpint (iteration.device_ns, ==, -1);
      g_test_message ("no timestamps on %s", bench_device_get_name (device));
      return;
    }

  g_assert_cmpint (iteration.device_ns, >, 0);
  /* The device interval lies inside the host's synchronised interval. */
  g_assert_cmpint (iteration.device_ns, <=, host_ns);
}

static void
test_unsupported (void)
{
  BenchDevice *device = get_device ();
  const char *precisions[] = { "fp16", "bf16", "int8" };

  if (device == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (precisions); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BenchExecutable) exe = prepare (device, "gemm", precisions[i], 64, &error);

      g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED);
      g_assert_null (exe);
      g_assert_nonnull (strstr (error->message, precisions[i]));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(BenchExecutable) exe = prepare (device, "no-such-workload", "fp32", 64, &error);

    g_assert_error (error, BENCH_ERROR, BENCH_ERROR_UNKNOWN_WORKLOAD);
    g_assert_null (exe);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  backend = g_object_new (BENCH_TYPE_VULKAN_BACKEND, NULL);
  g_assert_cmpstr (bench_backend_get_name (backend), ==, "vulkan");
  devices = bench_backend_discover (backend, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (devices);
  /* Either devices, or a reason why there are none. */
  g_assert_true (devices->len > 0 || bench_backend_get_status_message (backend) != NULL);

  g_test_add_func ("/vulkan/discovery", test_discovery);
  g_test_add_func ("/vulkan/gemm/sizes", test_gemm_sizes);
  g_test_add_func ("/vulkan/gemm/variants", test_gemm_variants);
  g_test_add_func ("/vulkan/gemm/default-kernel", test_gemm_default_kernel);
  g_test_add_func ("/vulkan/stream-triad", test_triad);
  g_test_add_func ("/vulkan/stream-triad/large", test_triad_large);
  g_test_add_func ("/vulkan/peak-flops", test_peak_flops);
  g_test_add_func ("/vulkan/device-time", test_device_time);
  g_test_add_func ("/vulkan/unsupported", test_unsupported);

  ret = g_test_run ();

  g_clear_pointer (&devices, g_ptr_array_unref);
  g_clear_object (&backend);
  return ret;
}

#else /* !HAVE_VULKAN */

static void
test_not_built (void)
{
  g_test_skip ("built without the Vulkan loader (-Dvulkan=disabled or no libvulkan-dev)");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vulkan/not-built", test_not_built);
  return g_test_run ();
}

#endif
