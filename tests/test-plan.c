/* test-plan.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "bench.h"

static void
test_plan_expand_collapses_unused_dimensions (void)
{
  g_autoptr(BenchPlan) plan = bench_plan_new ();
  g_autoptr(GPtrArray) configs = NULL;
  static const gint batches[] = { 1, 4, 8 };
  static const gint seqs[] = { 64, 128 };
  const char *precisions[] = { "fp32", NULL };
  BenchConfig *config;

  bench_plan_add_workload (plan, "gemm");
  bench_plan_add_workload (plan, "stream-triad");
  bench_plan_add_device (plan, "cpu");
  bench_plan_set_batch_sizes (plan, batches, G_N_ELEMENTS (batches));
  bench_plan_set_seq_lens (plan, seqs, G_N_ELEMENTS (seqs));
  bench_plan_set_precisions (plan, precisions);
  bench_plan_set_gemm_size (plan, 256);
  bench_plan_set_stream_bytes (plan, 1 << 20);
  g_assert_true (bench_plan_validate (plan, NULL));

  configs = bench_plan_expand (plan);
  /* Micro-benchmarks use neither batch nor sequence length. */
  g_assert_cmpuint (configs->len, ==, 2);

  config = g_ptr_array_index (configs, 0);
  g_assert_cmpstr (config->workload, ==, "gemm");
  g_assert_cmpint (config->batch_size, ==, -1);
  g_assert_cmpint (config->seq_len, ==, -1);
  g_assert_cmpint (config->size, ==, 256);

  config = g_ptr_array_index (configs, 1);
  g_assert_cmpstr (config->workload, ==, "stream-triad");
  g_assert_cmpint (config->size, ==, 1 << 20);
}

static void
test_plan_expand_devices_outermost (void)
{
  g_autoptr(BenchPlan) plan = bench_plan_new ();
  g_autoptr(GPtrArray) configs = NULL;

  bench_plan_add_workload (plan, "gemm");
  bench_plan_add_workload (plan, "peak-flops");
  bench_plan_add_device (plan, "cpu");
  bench_plan_add_device (plan, "opencl:0");
  bench_plan_add_device (plan, "cpu"); /* duplicates are dropped */

  configs = bench_plan_expand (plan);
  g_assert_cmpuint (configs->len, ==, 4);
  g_assert_cmpstr (((BenchConfig *)g_ptr_array_index (configs, 0))->device_id, ==, "cpu");
  g_assert_cmpstr (((BenchConfig *)g_ptr_array_index (configs, 1))->device_id, ==, "cpu");
  g_assert_cmpstr (((BenchConfig *)g_ptr_array_index (configs, 2))->device_id, ==, "opencl:0");
  g_assert_cmpstr (((BenchConfig *)g_ptr_array_index (configs, 3))->workload, ==, "peak-flops");
}

static void
test_plan_validate_errors (void)
{
  g_autoptr(BenchPlan) plan = bench_plan_new ();
  g_autoptr(GError) error = NULL;
  const char *bad_precision[] = { "fp64", NULL };

  g_assert_false (bench_plan_validate (plan, &error));
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  bench_plan_add_workload (plan, "no-such-model");
  bench_plan_add_device (plan, "cpu");
  g_assert_false (bench_plan_validate (plan, &error));
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_UNKNOWN_WORKLOAD);
  /* The error lists the valid names. */
  g_assert_nonnull (strstr (error->message, "no-such-model"));
  g_assert_nonnull (strstr (error->message, "gemm"));
  g_assert_nonnull (strstr (error->message, "stream-triad"));
  g_clear_error (&error);

  g_clear_object (&plan);
  plan = bench_plan_new ();
  bench_plan_add_workload (plan, "gemm");
  bench_plan_add_device (plan, "cpu");
  bench_plan_set_precisions (plan, bad_precision);
  g_assert_false (bench_plan_validate (plan, &error));
  g_assert_nonnull (strstr (error->message, "fp64"));
  g_assert_nonnull (strstr (error->message, "fp32"));
  g_clear_error (&error);

  bench_plan_set_precisions (plan, (const char *[]) { "fp32", NULL });
  bench_plan_set_iterations (plan, 0);
  g_assert_false (bench_plan_validate (plan, &error));
  g_clear_error (&error);
  bench_plan_set_iterations (plan, 5);
  bench_plan_set_gemm_size (plan, 0);
  g_assert_false (bench_plan_validate (plan, &error));
  g_clear_error (&error);
  bench_plan_set_gemm_size (plan, 64);
  g_assert_true (bench_plan_validate (plan, &error));
  g_assert_no_error (error);
}

static void
test_plan_json (void)
{
  g_autoptr(BenchPlan) plan = bench_plan_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  JsonObject *object;

  bench_plan_add_workload (plan, "gemm");
  bench_plan_add_device (plan, "cpu");
  bench_plan_set_iterations (plan, 20);
  text = bench_plan_to_json (plan);
  node = json_from_string (text, NULL);
  g_assert_nonnull (node);
  object = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (object, "iterations"), ==, 20);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (object, "models"), 0), ==, "gemm");
}

static void
test_workload_catalog (void)
{
  g_autoptr(GPtrArray) catalog = bench_workload_catalog ();
  g_autoptr(BenchWorkload) gemm = bench_workload_lookup ("gemm", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchWorkload) missing = bench_workload_lookup ("gpt-17", &error);

  g_assert_cmpuint (catalog->len, >=, 3);
  g_assert_nonnull (gemm);
  g_assert_cmpstr (bench_workload_get_category (gemm), ==, "micro");
  g_assert_null (missing);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_UNKNOWN_WORKLOAD);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plan/expand/unused-dimensions", test_plan_expand_collapses_unused_dimensions);
  g_test_add_func ("/plan/expand/devices-outermost", test_plan_expand_devices_outermost);
  g_test_add_func ("/plan/validate", test_plan_validate_errors);
  g_test_add_func ("/plan/json", test_plan_json);
  g_test_add_func ("/workload/catalog", test_workload_catalog);

  return g_test_run ();
}
