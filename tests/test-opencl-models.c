/* test-opencl-models.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every graph op on the OpenCL backend against the reference executor, on
 * small odd shapes (masks, sizes that are not multiples of the work-group
 * or GEMM tile); every catalog model at one layer and tiny inputs through
 * the real runner, validated end to end; the transfer and dispatch
 * micro-benchmarks. Skips when there is no OpenCL device.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "bench.h"
#include "bench-backend-private.h"
#include "bench-graph-exec.h"
#include "bench-model-zoo.h"
#include "bench-opencl-backend.h"
#include "bench-opencl-executable.h"
#include "bench-opencl-model.h"
#include "bench-opencl-private.h"
#include "bench-reference.h"
#include "bench-weights.h"
#include "test-run-utils.h"

#define SHAPE(...) ((const gint64[]) { __VA_ARGS__ })
/* The models' configuration: one layer, tiny inputs. */
#define SEQ        7
#define GEN_TOKENS 3
/* fp32 sums against the reference's double ones, on short rows. */
#define OP_TOLERANCE 1e-5

static char *skip_reason;
static cl_device_id cl_device;
static char *device_label;

static gboolean
have_device (void)
{
  if (cl_device == NULL)
    {
      g_test_skip (skip_reason);
      return FALSE;
    }
  return TRUE;
}

static guint
input (BenchGraph   *g,
       const char   *name,
       guint         n_dims,
       const gint64 *shape)
{
  return bench_graph_add_input (g, name, BENCH_DTYPE_F32, BENCH_INIT_NORMAL, 1.0, n_dims, shape);
}

static guint
weight (BenchGraph   *g,
        const char   *name,
        guint         n_dims,
        const gint64 *shape)
{
  return bench_graph_add_weight (g, name, BENCH_INIT_NORMAL, 1.0, n_dims, shape);
}

typedef void (*TweakFunc) (BenchGraph *g, BenchGraphBuffers *buffers);

/* The device must really write its outputs: they start as NaN. */
static void
poison_outputs (BenchGraph        *g,
                BenchGraphBuffers *buffers)
{
  guint n_out;
  const guint *outputs = bench_graph_get_outputs (g, &n_out);

  for (guint i = 0; i < n_out; i++)
    {
      const BenchTensor *t = bench_graph_get_tensor (g, outputs[i]);
      float *data = bench_graph_buffers_get_data (buffers, outputs[i]);

      if (t->alias_of < 0)
        for (gint64 k = 0; k < t->numel; k++)
          data[k] = NAN;
    }
}

/* Runs @g (outputs marked) on the device and with the reference, same
 * weights and inputs, and checks every output. */
static void
check_graph (BenchGraph *g,
             TweakFunc   tweak)
{
  g_autoptr(BenchWeights) weights = NULL;
  g_autoptr(BenchGraphBuffers) ref = NULL;
  g_autoptr(BenchGraphBuffers) dev = NULL;
  g_autoptr(GError) error = NULL;
  /* The device's defaults, then both GEMM kernels with tiles smaller and
   * larger than the shapes, and both ways of running rows (the tiled GEMM
   * and the work-group rows are what GPUs get). */
  static const BenchOpenclGemmShape shapes[] = {
    { 0 },
    { BENCH_OPENCL_GEMM_TILED, 64, 64, 16, 4, 4, 0 },
    { BENCH_OPENCL_GEMM_TILED, 16, 16, 8, 2, 4, 0 },
    { BENCH_OPENCL_GEMM_PACKED, 48, 64, 64, 6, 0, 2 },
  };
  static const guint row_groups[] = { 0, 128, 1, 32 };
  BenchGraphComparison cmp;
  guint n_out;

  bench_graph_seal (g);
  bench_graph_get_outputs (g, &n_out);
  g_assert_cmpuint (n_out, >, 0);
  weights = bench_weights_new_random (g, 3);
  ref = bench_graph_buffers_new (g, weights, 11, &error);
  g_assert_no_error (error);
  dev = bench_graph_buffers_new (g, weights, 11, &error);
  g_assert_no_error (error);
  if (tweak != NULL)
    {
      tweak (g, ref);
      tweak (g, dev);
    }
  g_assert_true (bench_graph_execute (g, bench_reference_op_table (), ref, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      poison_outputs (g, dev);
      g_assert_true (bench_opencl_run_graph (cl_device, device_label, i == 0 ? NULL : &shapes[i],
                                             row_groups[i], dev, &error));
      g_assert_no_error (error);
      bench_graph_buffers_compare (dev, ref, OP_TOLERANCE, &cmp);
      if (!cmp.pass)
        g_test_message ("%s, GEMM shape %u: worst output %s, max rel error %g, max abs error %g",
                        bench_graph_get_name (g), i, cmp.worst_output, cmp.max_rel_error,
                        cmp.max_abs_error);
      g_assert_true (cmp.pass);
      g_assert_cmpfloat (cmp.max_rel_error, <=, OP_TOLERANCE);
      bench_graph_comparison_clear (&cmp);
    }
}

static void
out (BenchGraph *g,
     guint       t)
{
  bench_graph_mark_output (g, t);
}

static void
test_op_linear (void)
{
  if (!have_device ())
    return;

  {
    g_autoptr(BenchGraph) g = bench_graph_new ("linear");
    guint x = input (g, "x", 3, SHAPE (3, 5, 37));
    guint w = weight (g, "w", 2, SHAPE (29, 37));
    guint b = weight (g, "b", 1, SHAPE (29));

    guint x2 = input (g, "x2", 2, SHAPE (101, 37));
    guint x3 = input (g, "x3", 2, SHAPE (2, 37));

    /* Rows: the small tile, the default tile, the decode path. */
    out (g, bench_graph_linear (g, "y", x, w, b, FALSE));
    out (g, bench_graph_linear (g, "y2", x2, w, b, FALSE));
    out (g, bench_graph_linear (g, "y3", x3, w, b, FALSE));
    check_graph (g, NULL);
  }
  {
    /* GPT-2's Conv1D weight [K, N], no bias, N past one GEMM tile. */
    g_autoptr(BenchGraph) g = bench_graph_new ("linear-t");
    guint x = input (g, "x", 2, SHAPE (7, 19));
    guint x1 = input (g, "x1", 2, SHAPE (1, 19));
    guint w = weight (g, "w", 2, SHAPE (19, 141));

    out (g, bench_graph_linear (g, "y", x, w, -1, TRUE));
    out (g, bench_graph_linear (g, "y1", x1, w, -1, TRUE));
    check_graph (g, NULL);
  }
  {
    /* The GPUs' decode-step form (a work-group per output), forced here:
     * K past and not a multiple of the 64 work-items, both weight layouts. */
    g_autoptr(BenchGraph) g = bench_graph_new ("linear-gemv-group");
    guint x1 = input (g, "x1", 2, SHAPE (1, 77));
    guint x2 = input (g, "x2", 2, SHAPE (2, 77));
    guint w = weight (g, "w", 2, SHAPE (61, 77));
    guint wt = weight (g, "wt", 2, SHAPE (77, 61));
    guint b = weight (g, "b", 1, SHAPE (61));

    g_setenv ("BENCHTOP_OPENCL_GEMV", "group", TRUE);
    out (g, bench_graph_linear (g, "y1", x1, w, b, FALSE));
    out (g, bench_graph_linear (g, "y2", x2, w, b, FALSE));
    out (g, bench_graph_linear (g, "y1t", x1, wt, -1, TRUE));
    check_graph (g, NULL);
    g_unsetenv ("BENCHTOP_OPENCL_GEMV");
  }
}

static void
test_op_matmul (void)
{
  if (!have_device ())
    return;

  {
    g_autoptr(BenchGraph) g = bench_graph_new ("matmul");
    guint a = input (g, "a", 4, SHAPE (2, 3, 7, 13));
    guint b = input (g, "b", 4, SHAPE (2, 3, 13, 11));

    out (g, bench_graph_matmul (g, "c", a, b, FALSE, 0.5f));
    check_graph (g, NULL);
  }
  {
    g_autoptr(BenchGraph) g = bench_graph_new ("matmul-t");
    guint a = input (g, "a", 4, SHAPE (2, 3, 7, 13));
    guint b = input (g, "b", 4, SHAPE (2, 3, 11, 13));

    out (g, bench_graph_matmul (g, "c", a, b, TRUE, 1.0f));
    check_graph (g, NULL);
  }
}

static void
test_op_elementwise (void)
{
  static const BenchGeluKind gelus[] = { BENCH_GELU_ERF, BENCH_GELU_TANH, BENCH_GELU_QUICK };
  g_autoptr(BenchGraph) g = bench_graph_new ("elementwise");
  guint x, b, b2, y;

  if (!have_device ())
    return;

  x = input (g, "x", 3, SHAPE (3, 5, 67));
  b = input (g, "b", 1, SHAPE (67));
  b2 = input (g, "b2", 2, SHAPE (5, 67));
  out (g, bench_graph_add (g, "add", x, b));
  out (g, bench_graph_mul (g, "mul", x, b2));
  out (g, bench_graph_add (g, "add-same", x, x));
  for (guint i = 0; i < G_N_ELEMENTS (gelus); i++)
    {
      g_autofree char *name = g_strdup_printf ("gelu-%u", i);
      out (g, bench_graph_gelu (g, name, x, gelus[i]));
    }
  out (g, bench_graph_relu (g, "relu", x));
  out (g, bench_graph_silu (g, "silu", x));
  y = bench_graph_tanh (g, "tanh", x);
  out (g, y);
  check_graph (g, NULL);
}

static void
test_op_norms (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("norms");
  guint x, gamma, beta, x3, g3, b3;

  if (!have_device ())
    return;

  x = input (g, "x", 2, SHAPE (5, 77));
  gamma = input (g, "gamma", 1, SHAPE (77));
  beta = input (g, "beta", 1, SHAPE (77));
  out (g, bench_graph_layer_norm (g, "ln", x, gamma, beta, 1e-5f));
  out (g, bench_graph_layer_norm (g, "ln-nobias", x, gamma, -1, 1e-12f));
  out (g, bench_graph_rms_norm (g, "rms", x, gamma, 1e-6f));
  x3 = input (g, "x3", 3, SHAPE (2, 6, 19));
  g3 = input (g, "g3", 1, SHAPE (6));
  b3 = input (g, "b3", 1, SHAPE (6));
  out (g, bench_graph_group_norm (g, "gn", x3, g3, b3, 3, 1e-5f));
  check_graph (g, NULL);
}

/* Batch 0 keeps every other key; batch 1 masks every key (zeros). */
static void
tweak_keep_mask (BenchGraph        *g,
                 BenchGraphBuffers *buffers)
{
  const BenchTensor *keep = bench_graph_find_tensor (g, "keep");
  float *data = bench_graph_buffers_get_data (buffers, keep->id);
  gint64 Lk = keep->shape[1];

  for (gint64 j = 0; j < Lk; j++)
    {
      data[j] = j % 2 == 0 ? 1.0f : 0.0f;
      data[Lk + j] = 0.0f;
    }
}

static void
test_op_softmax (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("softmax");
  guint x, keep;

  if (!have_device ())
    return;

  x = input (g, "x", 4, SHAPE (2, 3, 5, 9));
  keep = bench_graph_add_input (g, "keep", BENCH_DTYPE_F32, BENCH_INIT_ONES, 0, 2, SHAPE (2, 9));
  out (g, bench_graph_softmax (g, "plain", x, 0.125f, BENCH_MASK_NONE, -1));
  out (g, bench_graph_softmax (g, "causal", x, 1.0f, BENCH_MASK_CAUSAL, -1));
  out (g, bench_graph_softmax (g, "padding", x, 0.5f, BENCH_MASK_PADDING, keep));
  /* Rows longer than a work-group. */
  out (g, bench_graph_softmax (g, "long-causal", input (g, "x2", 4, SHAPE (1, 2, 3, 150)),
                               1.0f, BENCH_MASK_CAUSAL, -1));
  check_graph (g, tweak_keep_mask);
}

static void
test_op_embedding (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("embedding");
  guint ids, table;

  if (!have_device ())
    return;

  ids = bench_graph_add_input (g, "ids", BENCH_DTYPE_I32, BENCH_INIT_TOKEN_IDS, 23, 2, SHAPE (2, 5));
  table = weight (g, "table", 2, SHAPE (23, 13));
  out (g, bench_graph_embedding (g, "y", ids, table));
  check_graph (g, NULL);
}

static void
test_op_conv (void)
{
  if (!have_device ())
    return;

  {
    g_autoptr(BenchGraph) g = bench_graph_new ("conv1d");
    guint x = input (g, "x", 3, SHAPE (2, 6, 29));
    guint w = weight (g, "w", 3, SHAPE (8, 3, 5));
    guint b = weight (g, "b", 1, SHAPE (8));

    out (g, bench_graph_conv1d (g, "grouped", x, w, b, 2, 2, 2));
    check_graph (g, NULL);
  }
  {
    g_autoptr(BenchGraph) g = bench_graph_new ("conv2d");
    guint x = input (g, "x", 4, SHAPE (2, 4, 13, 11));
    guint w = weight (g, "w", 4, SHAPE (6, 4, 3, 3));
    guint b = weight (g, "b", 1, SHAPE (6));
    guint w1 = weight (g, "w1", 4, SHAPE (5, 4, 1, 1));
    guint wg = weight (g, "wg", 4, SHAPE (6, 2, 3, 3));

    out (g, bench_graph_conv2d (g, "s2p1", x, w, b, 2, 1, 1));
    out (g, bench_graph_conv2d (g, "1x1", x, w1, -1, 1, 0, 1));
    out (g, bench_graph_conv2d (g, "grouped", x, wg, -1, 1, 1, 2));
    check_graph (g, NULL);
  }
}

static void
test_op_pool (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("pool");
  guint x;

  if (!have_device ())
    return;

  x = input (g, "x", 4, SHAPE (2, 3, 13, 11));
  out (g, bench_graph_max_pool2d (g, "max", x, 3, 2, 1));
  out (g, bench_graph_avg_pool2d (g, "avg", x, 2, 2, 0));
  out (g, bench_graph_global_avg_pool (g, "global", x));
  check_graph (g, NULL);
}

static void
test_op_data_movement (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("data-movement");
  guint x, r, a, b;

  if (!have_device ())
    return;

  x = input (g, "x", 4, SHAPE (2, 5, 3, 7));
  r = bench_graph_reshape (g, "r", x, 3, SHAPE (10, 3, 7));
  out (g, bench_graph_permute (g, "p4", x, (const guint[]) { 0, 2, 1, 3 }));
  out (g, bench_graph_permute (g, "p3", r, (const guint[]) { 2, 0, 1 }));
  out (g, bench_graph_slice (g, "slice", r, 1, 1, 2));
  a = input (g, "a", 3, SHAPE (1, 3, 5));
  b = input (g, "b", 3, SHAPE (2, 4, 5));
  out (g, bench_graph_concat (g, "concat", a, b, 1));
  out (g, bench_graph_concat (g, "concat-last", b, b, 2));
  check_graph (g, NULL);
}

static void
test_op_kv_append (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("kv-append");
  guint cache, x, kv, q;

  if (!have_device ())
    return;

  cache = input (g, "cache", 4, SHAPE (2, 3, 8, 5));
  x = input (g, "x", 4, SHAPE (2, 3, 2, 5));
  q = input (g, "q", 4, SHAPE (2, 3, 1, 5));
  kv = bench_graph_kv_append (g, "kv", cache, x, 3);
  out (g, bench_graph_matmul (g, "scores", q, kv, TRUE, 1.0f));
  check_graph (g, NULL);
}

/* --- models through the runner --- */

/* Runs @plan on opencl:0 with a temporary store; returns the run. */
static BenchRun *
run_plan_once (BenchPlan *plan)
{
  Fixture f = { 0 };
  BenchRun *run;

  fixture_setup (&f, NULL);
  run = run_plan (&f, plan);
  fixture_teardown (&f, NULL);
  return run;
}

static BenchPlan *
tiny_plan (const char *workload)
{
  BenchPlan *plan = bench_plan_new ();

  bench_plan_add_workload (plan, workload);
  bench_plan_add_device (plan, "opencl:0");
  bench_plan_set_iterations (plan, 1);
  bench_plan_set_warmup (plan, 0);
  bench_plan_set_min_time (plan, 0);
  return plan;
}

static void
test_model (gconstpointer data)
{
  const BenchModelInfo *info = data;
  const BenchModelConfig *config = bench_model_zoo_get_config (info->name);
  g_autoptr(BenchPlan) plan = NULL;
  g_autoptr(BenchRun) run = NULL;
  BenchResult *r;
  gint input_size = 0;

  if (!have_device ())
    return;

  plan = tiny_plan (info->name);
  bench_plan_set_n_layers (plan, 1);
  bench_plan_set_seq_lens (plan, (const gint[]) { SEQ }, 1);
  bench_plan_set_gen_tokens (plan, GEN_TOKENS);
  /* Tiny inputs: a few patches, a few frames. */
  switch (config->arch)
    {
    case BENCH_MODEL_ARCH_VIT:
    case BENCH_MODEL_ARCH_CLIP:
      input_size = 2 * config->patch_size;
      break;
    case BENCH_MODEL_ARCH_RESNET:
      input_size = 40;
      break;
    case BENCH_MODEL_ARCH_WHISPER:
      input_size = 16;
      break;
    case BENCH_MODEL_ARCH_WAV2VEC2:
      input_size = 2000;
      break;
    default:
      break;
    }
  bench_plan_set_input_size (plan, input_size);

  run = run_plan_once (plan);
  g_assert_cmpuint (run->results->len, ==, 1);
  r = g_ptr_array_index (run->results, 0);
  if (r->status != BENCH_RESULT_STATUS_OK)
    g_test_message ("%s: %s", info->name, r->error);
  g_assert_cmpint (r->status, ==, BENCH_RESULT_STATUS_OK);
  g_test_message ("%s on %s: %.3f ms, max rel error %.3g", info->name, r->device_id,
                  r->latency.median / 1e6, r->max_rel_error);
  g_assert_cmpint (r->validation, ==, BENCH_VALIDATION_PASS);
  g_assert_cmpfloat (r->max_rel_error, <=, r->tolerance);
  g_assert_cmpfloat (r->flops, ==, expected_model_flops (config, info->generates, 1, SEQ, GEN_TOKENS, input_size));
  g_assert_cmpfloat (r->gflops, >, 0);
  g_assert_cmpint (r->weights_bytes, >, 0);
  g_assert_cmpint (r->device_memory_bytes, >=, r->weights_bytes);
  g_assert_cmpstr (r->workload_family, ==, info->family);
  g_assert_cmpstr (r->workload_category, ==, info->category);
  /* Host time, and the device time of every graph of an iteration from
   * profiling events. */
  g_assert_cmpfloat (r->latency.median, >, 0);
  g_assert_cmpuint (r->device_samples->len, ==, r->samples->len);
  g_assert_cmpfloat (r->device_latency.median, >, 0);
  g_assert_cmpfloat (r->device_latency.median, <=, r->latency.median);
  if (info->generates)
    {
      g_assert_false (isnan (r->first_token_ns));
      g_assert_cmpfloat (r->first_token_ns, <, r->latency.median);
      g_assert_cmpfloat (r->tokens_per_iteration, ==, GEN_TOKENS);
    }
  else
    g_assert_true (isnan (r->first_token_ns));
}

/* Models from a Hugging Face config.json, with real weights for BERT. */
static void
test_custom_config (void)
{
  static const char *models[] = { "tiny-bert", "tiny-gpt2", "tiny-t5", "tiny-vit" };

  if (!have_device ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (models) + 1; i++)
    {
      const char *model = models[i % G_N_ELEMENTS (models)];
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "models", model, "config.json", NULL);
      g_autofree char *weights = g_test_build_filename (G_TEST_DIST, "data", "models", model, "model.safetensors", NULL);
      g_autoptr(BenchPlan) plan = bench_plan_new ();
      g_autoptr(BenchRun) run = NULL;
      gboolean real = i == G_N_ELEMENTS (models);
      BenchResult *r;

      bench_plan_add_device (plan, "opencl:0");
      bench_plan_set_model_config (plan, path);
      if (real)
        bench_plan_set_weights (plan, weights);
      bench_plan_set_seq_lens (plan, (const gint[]) { 6 }, 1);
      bench_plan_set_gen_tokens (plan, 3);
      bench_plan_set_iterations (plan, 1);
      bench_plan_set_warmup (plan, 0);
      bench_plan_set_min_time (plan, 0);
      run = run_plan_once (plan);
      g_assert_cmpuint (run->results->len, ==, 1);
      r = g_ptr_array_index (run->results, 0);
      if (r->status != BENCH_RESULT_STATUS_OK)
        g_test_message ("%s: %s", model, r->error);
      g_assert_cmpint (r->status, ==, BENCH_RESULT_STATUS_OK);
      g_assert_cmpint (r->validation, ==, BENCH_VALIDATION_PASS);
      g_assert_nonnull (strstr (r->params_json, real ? "\"weights_source\":\"safetensors\""
                                                     : "\"weights_source\":\"random\""));
      /* The family and category of its architecture, as on the CPU. */
      g_assert_nonnull (r->workload_family);
      g_assert_cmpstr (r->workload_category, ==, g_str_equal (model, "tiny-vit") ? "vision" : "text");
      g_assert_nonnull (strstr (r->params_json, "\"validation_scope\":\"all "));
      g_assert_cmpfloat (r->device_latency.median, >, 0);
    }
}

static void
test_model_fp16_unsupported (void)
{
  g_autoptr(BenchPlan) plan = NULL;
  g_autoptr(BenchRun) run = NULL;
  BenchResult *r;

  if (!have_device ())
    return;

  plan = tiny_plan ("bert-tiny");
  bench_plan_set_n_layers (plan, 1);
  bench_plan_set_seq_lens (plan, (const gint[]) { 5 }, 1);
  bench_plan_set_precisions (plan, (const char *[]) { "fp16", NULL });
  run = run_plan_once (plan);
  g_assert_cmpuint (run->results->len, ==, 1);
  r = g_ptr_array_index (run->results, 0);
  g_assert_cmpint (r->status, !=, BENCH_RESULT_STATUS_OK);
  g_assert_nonnull (strstr (r->error, "fp16"));
  g_assert_nonnull (strstr (r->error, "bert-tiny"));
}

static void
test_transfer (gconstpointer data)
{
  const char *workload = data;
  static const gint64 sizes[] = { 1000003, 1 << 20 };

  if (!have_device ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(BenchPlan) plan = tiny_plan (workload);
      g_autoptr(BenchRun) run = NULL;
      BenchResult *r;

      bench_plan_set_stream_bytes (plan, sizes[i]);
      bench_plan_set_iterations (plan, 3);
      run = run_plan_once (plan);
      g_assert_cmpuint (run->results->len, ==, 1);
      r = g_ptr_array_index (run->results, 0);
      if (r->status != BENCH_RESULT_STATUS_OK)
        g_test_message ("%s: %s", workload, r->error);
      g_assert_cmpint (r->status, ==, BENCH_RESULT_STATUS_OK);
      g_assert_cmpint (r->validation, ==, BENCH_VALIDATION_PASS);
      g_assert_cmpfloat (r->bytes, ==, (double) sizes[i]);
      g_assert_true (isnan (r->flops));
      g_assert_cmpfloat (r->items_per_iteration, ==, 1);
      g_assert_cmpfloat (r->gbytes_per_second, >, 0);
      g_test_message ("%s of %" G_GINT64_FORMAT " bytes: %.3f ms, %.2f GB/s", workload,
                      sizes[i], r->latency.median / 1e6, r->gbytes_per_second);
    }
}

static void
test_dispatch_latency (void)
{
  g_autoptr(BenchPlan) plan = NULL;
  g_autoptr(BenchRun) run = NULL;
  BenchResult *r;

  if (!have_device ())
    return;

  plan = tiny_plan ("dispatch-latency");
  bench_plan_set_iterations (plan, 20);
  run = run_plan_once (plan);
  g_assert_cmpuint (run->results->len, ==, 1);
  r = g_ptr_array_index (run->results, 0);
  g_assert_cmpint (r->status, ==, BENCH_RESULT_STATUS_OK);
  g_assert_cmpint (r->iterations, >=, 20);
  g_assert_cmpfloat (r->latency.median, >, 0);
  g_assert_true (isnan (r->flops));
  g_assert_true (isnan (r->bytes));
  g_assert_cmpfloat (r->items_per_iteration, ==, 1);
  /* Nothing to compare. */
  g_assert_cmpint (r->validation, ==, BENCH_VALIDATION_NONE);
  g_test_message ("dispatch-latency: median %.1f us", r->latency.median / 1e3);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  const BenchModelInfo *models;
  guint n_models = 0;
  int ret;

  g_test_init (&argc, &argv, NULL);

  ids = bench_opencl_list_devices (&error);
  g_assert_no_error (error);
  if (ids->len == 0)
    skip_reason = g_strdup ("no OpenCL device (is an ICD such as pocl-opencl-icd installed?)");
  else
    {
      g_autofree char *name = NULL;

      cl_device = g_array_index (ids, cl_device_id, 0);
      name = bench_opencl_device_string (cl_device, CL_DEVICE_NAME);
      device_label = g_strdup_printf ("opencl:0 (%s)", name);
    }

  g_test_add_func ("/opencl-models/op/linear", test_op_linear);
  g_test_add_func ("/opencl-models/op/matmul", test_op_matmul);
  g_test_add_func ("/opencl-models/op/elementwise", test_op_elementwise);
  g_test_add_func ("/opencl-models/op/norms", test_op_norms);
  g_test_add_func ("/opencl-models/op/softmax", test_op_softmax);
  g_test_add_func ("/opencl-models/op/embedding", test_op_embedding);
  g_test_add_func ("/opencl-models/op/conv", test_op_conv);
  g_test_add_func ("/opencl-models/op/pool", test_op_pool);
  g_test_add_func ("/opencl-models/op/data-movement", test_op_data_movement);
  g_test_add_func ("/opencl-models/op/kv-append", test_op_kv_append);

  models = bench_model_zoo_list (&n_models);
  for (guint i = 0; i < n_models; i++)
    {
      g_autofree char *path = g_strdup_printf ("/opencl-models/model/%s", models[i].name);
      g_test_add_data_func (path, &models[i], test_model);
    }
  g_test_add_func ("/opencl-models/model/custom-config", test_custom_config);
  g_test_add_func ("/opencl-models/model/fp16-unsupported", test_model_fp16_unsupported);

  g_test_add_data_func ("/opencl-models/micro/transfer-h2d", "transfer-h2d", test_transfer);
  g_test_add_data_func ("/opencl-models/micro/transfer-d2h", "transfer-d2h", test_transfer);
  g_test_add_func ("/opencl-models/micro/dispatch-latency", test_dispatch_latency);

  ret = g_test_run ();
  g_clear_pointer (&device_label, g_free);
  g_clear_pointer (&skip_reason, g_free);
  return ret;
}
