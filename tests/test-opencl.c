/* test-opencl.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The OpenCL backend on whatever ICD is installed (PoCL in CI): discovery,
 * the kernels against host references, profiling, build errors and
 * unsupported configurations. Skips when there is no OpenCL device.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "bench-backend-private.h"
#include "bench-error.h"
#include "bench-cpu-kernels.h"
#include "bench-opencl-backend.h"
#include "bench-opencl-executable.h"
#include "bench-opencl-private.h"

static BenchBackend *backend;
static GPtrArray *devices;
static char *skip_reason;

/* The first device, or NULL after marking the test skipped. */
static BenchDevice *
first_device (void)
{
  if (devices == NULL || devices->len == 0)
    {
      g_test_skip (skip_reason);
      return NULL;
    }
  return g_ptr_array_index (devices, 0);
}

static cl_device_id
first_cl_device (void)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  if (first_device () == NULL)
    return NULL;
  ids = bench_opencl_list_devices (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, devices->len);
  return g_array_index (ids, cl_device_id, 0);
}

static BenchExecutable *
prepare (const char  *workload,
         const char  *precision,
         gint64       size,
         GError     **error)
{
  BenchConfig config = {
    .workload = (char *) workload,
    .device_id = (char *) bench_device_get_id (first_device ()),
    .batch_size = -1,
    .seq_len = -1,
    .precision = (char *) precision,
    .size = size,
    .gen_tokens = -1,
  };

  return bench_backend_prepare (backend, first_device (), &config, NULL, error);
}

static void
run_once (BenchExecutable *executable)
{
  g_autoptr(GError) error = NULL;
  BenchIteration iteration;

  g_assert_true (bench_executable_run (executable, &iteration, &error));
  g_assert_no_error (error);
  /* Profiling events must give the device time. */
  g_assert_cmpint (iteration.device_ns, >, 0);
}

static void
assert_validates (BenchExecutable *executable)
{
  g_autoptr(GError) error = NULL;
  BenchValidationReport report;

  g_assert_true (bench_executable_validate (executable, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.validation, ==, BENCH_VALIDATION_PASS);
}

static void
test_error_strings (void)
{
  g_assert_cmpstr (bench_opencl_error_to_string (CL_SUCCESS), ==, "CL_SUCCESS");
  g_assert_cmpstr (bench_opencl_error_to_string (-5), ==, "CL_OUT_OF_RESOURCES");
  g_assert_cmpstr (bench_opencl_error_to_string (-4), ==, "CL_MEM_OBJECT_ALLOCATION_FAILURE");
  g_assert_cmpstr (bench_opencl_error_to_string (-11), ==, "CL_BUILD_PROGRAM_FAILURE");
  g_assert_cmpstr (bench_opencl_error_to_string (-1001), ==, "CL_PLATFORM_NOT_FOUND_KHR");
  g_assert_cmpstr (bench_opencl_error_to_string (12345), ==, "CL_UNKNOWN_ERROR");
}

static void
test_discovery (void)
{
  static const char *keys[] = {
    "platform", "opencl_version", "opencl_c_version", "clock_mhz",
    "local_mem_bytes", "max_work_group_size", "fp16", "fp64", "max_alloc_bytes",
  };

  if (first_device () == NULL)
    return;

  g_assert_cmpstr (bench_backend_get_name (backend), ==, "opencl");
  for (guint i = 0; i < devices->len; i++)
    {
      BenchDevice *device = g_ptr_array_index (devices, i);
      g_autofree char *id = g_strdup_printf ("opencl:%u", i);

      g_assert_cmpstr (bench_device_get_id (device), ==, id);
      g_assert_cmpstr (bench_device_get_backend_name (device), ==, "opencl");
      g_assert_true (bench_device_get_backend (device) == (gpointer) backend);
      g_assert_cmpstr (bench_device_get_name (device), !=, "");
      g_assert_nonnull (bench_device_get_vendor (device));
      g_assert_nonnull (bench_device_get_driver (device));
      g_assert_cmpint (bench_device_get_compute_units (device), >, 0);
      g_assert_cmpint (bench_device_get_memory_bytes (device), >, 0);
      g_assert_cmpint (bench_device_get_device_type (device), !=, BENCH_DEVICE_TYPE_OTHER);

      for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
        {
          const char *value = bench_device_get_property_value (device, keys[k]);

          g_test_message ("%s %s = %s", id, keys[k], value);
          g_assert_nonnull (value);
          g_assert_cmpstr (value, !=, "");
        }
      g_assert_true (g_str_equal (bench_device_get_property_value (device, "fp16"), "yes") ||
                     g_str_equal (bench_device_get_property_value (device, "fp16"), "no"));
      g_assert_cmpint (g_ascii_strtoll (bench_device_get_property_value (device, "max_work_group_size"),
                                        NULL, 10), >=, 1);
    }
}

/* Checks C = A * B against a double-accumulated host product, with the
 * bound of an fp32 dot product of length n: |err_ij| <= n * eps * sum |a||b|. */
static void
check_gemm (BenchExecutable *executable,
            gint64           n)
{
  g_autoptr(GError) error = NULL;
  g_autofree float *a = g_new (float, n * n);
  g_autofree float *b = g_new (float, n * n);
  g_autofree float *c = NULL;
  gsize n_floats = 0;
  double worst = 0.0;

  bench_cpu_fill_uniform (a, n * n, 1);
  bench_cpu_fill_uniform (b, n * n, 2);
  c = bench_opencl_executable_read_output (BENCH_OPENCL_EXECUTABLE (executable), &n_floats, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_floats, ==, n * n);

  for (gint64 i = 0; i < n; i++)
    for (gint64 j = 0; j < n; j++)
      {
        double sum = 0.0, scale = 0.0;

        for (gint64 k = 0; k < n; k++)
          {
            sum += (double) a[i * n + k] * b[k * n + j];
            scale += fabs ((double) a[i * n + k] * b[k * n + j]);
          }
        worst = MAX (worst, fabs (c[i * n + j] - sum) / MAX (scale, DBL_MIN));
        if (fabs (c[i * n + j] - sum) > n * FLT_EPSILON * scale + 1e-30)
          g_error ("gemm %" G_GINT64_FORMAT ": C[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                   "] = %g, expected %g", n, i, j, c[i * n + j], sum);
      }
  g_test_message ("gemm n=%" G_GINT64_FORMAT ": worst normalised error %.3g", n, worst);
}

static void
test_gemm_sizes (void)
{
  static const gint64 sizes[] = { 1, 17, 64, 129 };

  if (first_device () == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BenchExecutable) executable = prepare ("gemm", "fp32", sizes[i], &error);
      BenchWork *work;

      g_assert_no_error (error);
      g_assert_nonnull (executable);
      work = bench_executable_get_work (executable);
      g_assert_cmpfloat (work->flops, ==, 2.0 * sizes[i] * sizes[i] * sizes[i]);
      g_assert_cmpfloat (work->bytes, ==, 3.0 * sizes[i] * sizes[i] * sizeof (float));
      g_assert_cmpint (work->device_memory_bytes, ==, 3 * sizes[i] * sizes[i] * sizeof (float));

      run_once (executable);
      check_gemm (executable, sizes[i]);
      assert_validates (executable);
    }
}

/* The other kernels and shapes (the GPU default, a packed tile smaller
 * than the matrix, the naive baseline) must be right too, on a size that
 * divides none of their tiles and spans several K panels. */
static void
test_gemm_shapes (void)
{
  static const BenchOpenclGemmShape shapes[] = {
    { BENCH_OPENCL_GEMM_TILED, 64, 64, 16, 4, 4, 0 },
    { BENCH_OPENCL_GEMM_TILED, 64, 64, 16, 8, 8, 0 },   /* GPUs, large matrices */
    { BENCH_OPENCL_GEMM_TILED, 32, 32, 8, 4, 8, 0 },
    { BENCH_OPENCL_GEMM_PACKED, 24, 32, 16, 6, 0, 2 },
    { BENCH_OPENCL_GEMM_NAIVE, 0, 0, 0, 0, 0, 0 },
  };
  cl_device_id device = first_cl_device ();

  if (device == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BenchExecutable) executable = NULL;

      executable = bench_opencl_executable_new_gemm (device, "opencl:0", 70, &shapes[i],
                                                     NULL, &error);
      g_assert_no_error (error);
      g_test_message ("%s", bench_opencl_executable_get_impl (BENCH_OPENCL_EXECUTABLE (executable)));
      run_once (executable);
      check_gemm (executable, 70);
    }
}

static void
test_triad (void)
{
  /* An element count that no work-group size divides. */
  const gint64 n = 262147;
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchExecutable) executable = NULL;
  g_autofree float *a = NULL;
  g_autofree float *b = NULL;
  g_autofree float *c = NULL;
  g_autofree float *out = NULL;
  BenchWork *work;
  gsize n_floats = 0;

  if (first_device () == NULL)
    return;

  executable = prepare ("stream-triad", NULL, n * sizeof (float), &error);
  g_assert_no_error (error);
  work = bench_executable_get_work (executable);
  g_assert_cmpfloat (work->flops, ==, 2.0 * n);
  g_assert_cmpfloat (work->bytes, ==, 3.0 * n * sizeof (float));

  run_once (executable);
  assert_validates (executable);

  a = g_new (float, n);
  b = g_new (float, n);
  c = g_new (float, n);
  bench_cpu_triad_init (a, b, c, n);
  out = bench_opencl_executable_read_output (BENCH_OPENCL_EXECUTABLE (executable), &n_floats, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_floats, ==, n);
  for (gint64 i = 0; i < n; i++)
    if (out[i] != b[i] + 3.0f * c[i])
      g_error ("triad a[%" G_GINT64_FORMAT "] = %g, expected %g", i, out[i], b[i] + 3.0f * c[i]);
}

static void
test_peak_flops (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchExecutable) executable = NULL;
  g_autofree float *out = NULL;
  gint64 items = 0;
  int steps = 0, chains = 0;
  gsize n_floats = 0;
  BenchWork *work;

  if (first_device () == NULL)
    return;

  executable = prepare ("peak-flops", "fp32", -1, &error);
  g_assert_no_error (error);
  bench_opencl_executable_get_peak_shape (BENCH_OPENCL_EXECUTABLE (executable),
                                          &items, &steps, &chains);
  g_assert_cmpint (items, >, 0);
  g_assert_cmpint (steps, >=, 64);
  g_assert_cmpint (steps, <=, 1 << 20);

  /* Closed form: items x chains x 8 lanes x steps FMAs of 2 FLOPs. */
  work = bench_executable_get_work (executable);
  g_assert_cmpfloat (work->flops, ==, 2.0 * 8 * chains * (double) items * steps);
  g_assert_true (isnan (work->bytes));

  run_once (executable);
  assert_validates (executable);

  out = bench_opencl_executable_read_output (BENCH_OPENCL_EXECUTABLE (executable), &n_floats, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_floats, ==, items * chains * 8);
  for (gint64 i = 0; i < items; i++)
    for (int c = 0; c < chains; c++)
      for (int l = 0; l < 8; l++)
        g_assert_cmpfloat (out[(i * chains + c) * 8 + l], ==, (float) (c + l + steps));
}

static void
test_build_failure (void)
{
  static const char *bad =
    "__kernel void broken (__global float *x)\n"
    "{\n"
    "  x[0] = no_such_identifier_here;\n"
    "}\n";
  g_autoptr(GError) error = NULL;
  cl_device_id device = first_cl_device ();

  if (device == NULL)
    return;

  g_assert_null (bench_opencl_get_program (device, bad, "", &error));
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "CL_BUILD_PROGRAM_FAILURE"));
  g_assert_nonnull (strstr (error->message, "no_such_identifier_here"));
}

static void
test_program_cache (void)
{
  static const char *source = "__kernel void nop (__global float *x) { x[0] = 1.0f; }\n";
  g_autoptr(GError) error = NULL;
  cl_device_id device = first_cl_device ();
  cl_program first, second, other;

  if (device == NULL)
    return;

  first = bench_opencl_get_program (device, source, "", &error);
  g_assert_no_error (error);
  second = bench_opencl_get_program (device, source, "", &error);
  g_assert_no_error (error);
  other = bench_opencl_get_program (device, source, "-DUNUSED=1", &error);
  g_assert_no_error (error);
  g_assert_true (first == second);
  g_assert_true (first != other);
}

static void
test_unsupported (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchExecutable) executable = NULL;

  if (first_device () == NULL)
    return;

  executable = prepare ("gemm", "fp16", 16, &error);
  g_assert_null (executable);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  executable = prepare ("gemm", "int8", 16, &error);
  g_assert_null (executable);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  executable = prepare ("no-such-workload", "fp32", 16, &error);
  g_assert_null (executable);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_UNKNOWN_WORKLOAD);
}

static void
test_too_large (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchExecutable) executable = NULL;
  gint64 max_alloc;

  if (first_device () == NULL)
    return;

  max_alloc = g_ascii_strtoll (bench_device_get_property_value (first_device (), "max_alloc_bytes"),
                               NULL, 10);
  g_assert_cmpint (max_alloc, >, 0);
  executable = prepare ("stream-triad", "fp32", max_alloc + 1024, &error);
  g_assert_null (executable);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "choose a smaller size"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  backend = g_object_new (BENCH_TYPE_OPENCL_BACKEND, NULL);
  devices = bench_backend_discover (backend, NULL, &error);
  g_assert_no_error (error);
  if (devices->len == 0)
    {
      g_assert_nonnull (bench_backend_get_status_message (backend));
      skip_reason = g_strdup (bench_backend_get_status_message (backend));
    }
  else
    {
      g_assert_null (bench_backend_get_status_message (backend));
    }

  g_test_add_func ("/opencl/error-strings", test_error_strings);
  g_test_add_func ("/opencl/discovery", test_discovery);
  g_test_add_func ("/opencl/gemm/sizes", test_gemm_sizes);
  g_test_add_func ("/opencl/gemm/shapes", test_gemm_shapes);
  g_test_add_func ("/opencl/stream-triad", test_triad);
  g_test_add_func ("/opencl/peak-flops", test_peak_flops);
  g_test_add_func ("/opencl/build-failure", test_build_failure);
  g_test_add_func ("/opencl/program-cache", test_program_cache);
  g_test_add_func ("/opencl/unsupported", test_unsupported);
  g_test_add_func ("/opencl/too-large", test_too_large);

  ret = g_test_run ();

  g_clear_pointer (&devices, g_ptr_array_unref);
  g_clear_object (&backend);
  g_clear_pointer (&skip_reason, g_free);
  return ret;
}
