/* test-model-run.c: every catalog model, at reduced depth and small sizes,
 * through the real runner and CPU backend (op table, model executable,
 * validation against the reference executor), recording into a real
 * SQLite file in a temporary folder; custom models from config.json and
 * safetensors fixtures, and their errors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "bench.h"
#include "test-run-utils.h"
#include "bench-hf-config.h"
#include "bench-model-zoo.h"

#define BATCH      2
#define SEQ        16
#define GEN_TOKENS 4


static BenchPlan *
small_plan (const char *workload,
            gint        input_size)
{
  BenchPlan *plan = bench_plan_new ();

  if (workload != NULL)
    bench_plan_add_workload (plan, workload);
  bench_plan_add_device (plan, "cpu");
  bench_plan_set_batch_sizes (plan, (gint[]) { BATCH }, 1);
  bench_plan_set_seq_lens (plan, (gint[]) { SEQ }, 1);
  bench_plan_set_gen_tokens (plan, GEN_TOKENS);
  bench_plan_set_n_layers (plan, 1);
  bench_plan_set_input_size (plan, input_size);
  bench_plan_set_iterations (plan, 2);
  bench_plan_set_warmup (plan, 0);
  bench_plan_set_min_time (plan, 0);
  return plan;
}

static void
check_result (BenchResult            *r,
              const BenchModelConfig *config,
              gboolean                generates,
              gint                    input_size)
{
  g_autoptr(JsonNode) params = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  if (r->status != BENCH_RESULT_STATUS_OK)
    g_test_message ("%s: %s", r->workload, r->error);
  g_assert_cmpint (r->status, ==, BENCH_RESULT_STATUS_OK);
  g_assert_cmpint (r->validation, ==, BENCH_VALIDATION_PASS);
  g_assert_cmpfloat (r->max_rel_error, <=, r->tolerance);
  g_assert_cmpint (r->iterations, >=, 2);
  g_assert_cmpfloat (r->flops, >, 0);
  g_assert_cmpfloat (r->flops, ==, expected_model_flops (config, generates, BATCH, SEQ, GEN_TOKENS, input_size));
  g_assert_cmpfloat (r->bytes, >, 0);
  g_assert_cmpint (r->weights_bytes, >, 0);
  g_assert_cmpint (r->workspace_bytes, >, 0);
  g_assert_nonnull (r->flops_breakdown_json);
  g_assert_cmpfloat (r->items_per_iteration, ==, BATCH);
  g_assert_true (isfinite (r->gflops) && r->gflops > 0);

  params = json_from_string (r->params_json, &error);
  g_assert_no_error (error);
  object = json_node_get_object (params);
  g_assert_cmpstr (json_object_get_string_member (object, "validation_scope"), ==,
                   config->arch == BENCH_MODEL_ARCH_RESNET ? "all 1 blocks per stage" : "all 1 layer");
  g_assert_cmpint (json_object_get_int_member (object, "n_layers"), ==, 1);

  if (generates)
    {
      g_assert_true (isfinite (r->first_token_ns));
      g_assert_cmpfloat (r->first_token_ns, >, 0);
      g_assert_cmpfloat (r->first_token_ns, <, r->latency.max);
      g_assert_cmpfloat (r->tokens_per_iteration, ==, BATCH * GEN_TOKENS);
      g_assert_true (isfinite (r->tokens_per_second) && r->tokens_per_second > 0);
    }
  else
    g_assert_true (isnan (r->first_token_ns));
}

/* Input sizes small enough for the reference: image side, mel frames, samples. */
static gint
small_input_size (const BenchModelConfig *config)
{
  switch (config->arch)
    {
    case BENCH_MODEL_ARCH_VIT: return 32;
    case BENCH_MODEL_ARCH_CLIP: return 64;
    case BENCH_MODEL_ARCH_RESNET: return 64;
    case BENCH_MODEL_ARCH_WHISPER: return 64;
    case BENCH_MODEL_ARCH_WAV2VEC2: return 1600;
    default: return 0;
    }
}

static void
test_catalog_model (Fixture       *f,
                    gconstpointer  data)
{
  const BenchModelInfo *info = data;
  const BenchModelConfig *config = bench_model_zoo_get_config (info->name);
  gint input_size = small_input_size (config);
  g_autoptr(BenchPlan) plan = small_plan (info->name, input_size);
  g_autoptr(BenchRun) run = run_plan (f, plan);
  BenchResult *r;

  g_assert_cmpint (run->status, ==, BENCH_RUN_STATUS_COMPLETED);
  g_assert_cmpuint (run->results->len, ==, 1);
  r = g_ptr_array_index (run->results, 0);
  g_assert_cmpstr (r->workload, ==, info->name);
  check_result (r, config, info->generates, input_size);
  if (info->default_seq_len > 0 && !info->generates)
    g_assert_cmpfloat (r->tokens_per_iteration, ==, BATCH * SEQ);
}

static void
test_custom_config (Fixture       *f,
                    gconstpointer  data)
{
  const char *model = data;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "models", model, "config.json", NULL);
  g_autoptr(BenchPlan) plan = small_plan (NULL, 0);
  g_autoptr(BenchRun) run = NULL;
  g_autoptr(GError) error = NULL;
  BenchModelConfig config;
  BenchResult *r;

  g_assert_true (bench_hf_config_load (path, &config, &error));
  g_assert_no_error (error);
  bench_plan_set_model_config (plan, path);
  run = run_plan (f, plan);
  g_assert_cmpuint (run->results->len, ==, 1);
  r = g_ptr_array_index (run->results, 0);
  /* Named after the config (its folder, as it has no _name_or_path). */
  g_assert_cmpstr (r->workload, ==, model);
  /* The family and category of its architecture, though not in the catalog. */
  g_assert_nonnull (r->workload_family);
  g_assert_nonnull (r->workload_category);
  if (config.arch == BENCH_MODEL_ARCH_VIT)
    g_assert_cmpstr (r->workload_category, ==, "vision");
  else
    g_assert_cmpstr (r->workload_category, ==, "text");
  check_result (r, &config,
                config.arch == BENCH_MODEL_ARCH_GPT2 || config.arch == BENCH_MODEL_ARCH_OPT, 0);
}

/* Real weights: the tiny BERT's safetensors, outputs validated. */
static void
test_custom_weights (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *config_path = g_test_build_filename (G_TEST_DIST, "data", "models", "tiny-bert", "config.json", NULL);
  g_autofree char *weights = g_test_build_filename (G_TEST_DIST, "data", "models", "tiny-bert", "model.safetensors", NULL);
  g_autoptr(BenchPlan) plan = small_plan (NULL, 0);
  g_autoptr(BenchPlan) random_plan = small_plan (NULL, 0);
  g_autoptr(BenchRun) run = NULL;
  g_autoptr(BenchRun) random_run = NULL;
  BenchResult *r, *rr;

  bench_plan_set_model_config (plan, config_path);
  bench_plan_set_weights (plan, weights);
  run = run_plan (f, plan);
  r = g_ptr_array_index (run->results, 0);
  if (r->status != BENCH_RESULT_STATUS_OK)
    g_test_message ("%s", r->error);
  g_assert_cmpint (r->status, ==, BENCH_RESULT_STATUS_OK);
  g_assert_cmpint (r->validation, ==, BENCH_VALIDATION_PASS);
  g_assert_nonnull (strstr (r->params_json, "\"weights_source\":\"safetensors\""));

  /* The same model with random weights computes other outputs: the
   * absolute errors differ (and both pass). */
  bench_plan_set_model_config (random_plan, config_path);
  random_run = run_plan (f, random_plan);
  rr = g_ptr_array_index (random_run->results, 0);
  g_assert_cmpint (rr->status, ==, BENCH_RESULT_STATUS_OK);
  g_assert_nonnull (strstr (rr->params_json, "\"weights_source\":\"random\""));
  g_assert_cmpfloat (r->flops, ==, rr->flops);
}

static void
test_broken_weights (Fixture       *f,
                     gconstpointer  data)
{
  /* The error names the file and, where one is at fault, the tensor. */
  static const struct { const char *file; const char *tensor; } cases[] = {
    { "missing-tensor.safetensors", "layer.1.output.dense.weight" },
    { "wrong-shape.safetensors", "pooler.dense.weight" },
    { "truncated.safetensors", NULL },
    { "not-json.safetensors", NULL },
  };
  g_autofree char *config_path = g_test_build_filename (G_TEST_DIST, "data", "models", "tiny-bert", "config.json", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *weights = g_test_build_filename (G_TEST_DIST, "data", "models", "broken", cases[i].file, NULL);
      g_autoptr(BenchPlan) plan = small_plan (NULL, 0);
      g_autoptr(BenchRun) run = NULL;
      BenchResult *r;

      bench_plan_set_model_config (plan, config_path);
      bench_plan_set_weights (plan, weights);
      /* Every layer: the missing tensor is in the second. */
      bench_plan_set_n_layers (plan, 0);
      run = run_plan (f, plan);
      r = g_ptr_array_index (run->results, 0);
      g_assert_cmpint (r->status, ==, BENCH_RESULT_STATUS_FAILED);
      g_assert_nonnull (r->error);
      g_test_message ("%s: %s", cases[i].file, r->error);
      g_assert_nonnull (strstr (r->error, cases[i].file));
      if (cases[i].tensor != NULL)
        g_assert_nonnull (strstr (r->error, cases[i].tensor));
    }
}

static void
test_plan_errors (void)
{
  g_autofree char *broken = g_test_build_filename (G_TEST_DIST, "data", "models", "broken", "no-model-type.json", NULL);
  g_autofree char *good = g_test_build_filename (G_TEST_DIST, "data", "models", "tiny-bert", "config.json", NULL);
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(BenchPlan) plan = small_plan (NULL, 0);

    bench_plan_set_model_config (plan, broken);
    g_assert_false (bench_plan_validate (plan, &error));
    g_assert_nonnull (strstr (error->message, "no-model-type.json"));
    g_assert_nonnull (strstr (error->message, "model_type"));
    g_clear_error (&error);
  }
  {
    g_autoptr(BenchPlan) plan = small_plan ("bert-tiny", 0);

    /* --weights is for one model. */
    bench_plan_set_model_config (plan, good);
    bench_plan_set_weights (plan, good);
    g_assert_false (bench_plan_validate (plan, &error));
    g_assert_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
  }
  {
    g_autoptr(BenchPlan) plan = small_plan ("bert-tiny", 0);

    bench_plan_set_weights (plan, "/nonexistent/model.safetensors");
    g_assert_false (bench_plan_validate (plan, &error));
    g_assert_nonnull (strstr (error->message, "/nonexistent/model.safetensors"));
    g_clear_error (&error);
  }
  {
    g_autoptr(BenchPlan) plan = small_plan ("bert-tiny", 0);

    bench_plan_set_n_layers (plan, -1);
    g_assert_false (bench_plan_validate (plan, &error));
    g_clear_error (&error);
  }
}

static void
test_precision_not_supported (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(BenchPlan) plan = small_plan ("bert-tiny", 0);
  g_autoptr(BenchRun) run = NULL;
  BenchResult *r;

  bench_plan_set_precisions (plan, (const char *[]) { "fp16", NULL });
  run = run_plan (f, plan);
  r = g_ptr_array_index (run->results, 0);
  g_assert_cmpint (r->status, ==, BENCH_RESULT_STATUS_FAILED);
  g_assert_nonnull (strstr (r->error, "bert-tiny"));
  g_assert_nonnull (strstr (r->error, "fp16"));
}

int
main (int   argc,
      char *argv[])
{
  const BenchModelInfo *models;
  guint n_models = 0;

  g_test_init (&argc, &argv, NULL);

  models = bench_model_zoo_list (&n_models);
  for (guint i = 0; i < n_models; i++)
    {
      g_autofree char *path = g_strdup_printf ("/model-run/catalog/%s", models[i].name);

      g_test_add (path, Fixture, &models[i], fixture_setup, test_catalog_model, fixture_teardown);
    }
  g_test_add ("/model-run/custom/tiny-bert", Fixture, "tiny-bert", fixture_setup, test_custom_config, fixture_teardown);
  g_test_add ("/model-run/custom/tiny-gpt2", Fixture, "tiny-gpt2", fixture_setup, test_custom_config, fixture_teardown);
  g_test_add ("/model-run/custom/tiny-opt", Fixture, "tiny-opt", fixture_setup, test_custom_config, fixture_teardown);
  g_test_add ("/model-run/custom/weights", Fixture, NULL, fixture_setup, test_custom_weights, fixture_teardown);
  g_test_add ("/model-run/custom/broken-weights", Fixture, NULL, fixture_setup, test_broken_weights, fixture_teardown);
  g_test_add_func ("/model-run/plan-errors", test_plan_errors);
  g_test_add ("/model-run/precision-not-supported", Fixture, NULL, fixture_setup, test_precision_not_supported, fixture_teardown);

  return g_test_run ();
}
