/* test-vulkan-models.c: the graph ops on the Vulkan backend, each against
 * the reference executor on small odd shapes (masks, sizes that are not
 * multiples of the workgroups); every catalog model at one layer and tiny
 * shapes through the real runner, validated end to end, recording into a
 * real SQLite file in a temporary folder; the transfer and dispatch
 * micro-benchmarks. Skipped, with the backend's reason, without a Vulkan
 * device. Shapes are tiny: the software device (lavapipe) is slow.
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
#include "bench-model-zoo.h"
#include "bench-reference.h"
#include "bench-weights.h"

#if HAVE_VULKAN
#include "bench-vulkan-context.h"
#include "bench-vulkan-graph.h"

#define BATCH      1
#define SEQ        8
/* Generation: a 4-token prompt and one decode step after the first token
 * (the 50k-vocabulary LM head dominates on a software device). */
#define GEN_SEQ    4
#define GEN_TOKENS 2
/* Single ops on tiny inputs: fp32 against double accumulation. */
#define OP_TOLERANCE 1e-4

static BenchVulkanContext *
get_context (void)
{
  g_autoptr(GError) error = NULL;
  BenchVulkanContext *ctx = bench_vulkan_context_get (0, &error);

  if (ctx == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("no Vulkan device: %s", error->message);

      g_test_skip (reason);
    }
  return ctx;
}

/* Runs @graph on the device and with the reference, on the same weights
 * and inputs; @edit (may be NULL) changes the inputs of both first. */
typedef void (*EditInputs) (BenchGraph *graph, BenchGraphBuffers *buffers);

static void
check_graph (BenchGraph *graph,
             EditInputs  edit)
{
  BenchVulkanContext *ctx = get_context ();
  g_autoptr(BenchVulkanOps) ops = NULL;
  g_autoptr(BenchWeights) weights = NULL;
  g_autoptr(BenchGraphBuffers) ours = NULL;
  g_autoptr(BenchGraphBuffers) ref = NULL;
  g_autoptr(GError) error = NULL;
  BenchGraphComparison cmp;

  if (ctx == NULL)
    return;

  bench_graph_seal (graph);
  weights = bench_weights_new_random (graph, 3);
  ops = bench_vulkan_ops_new (ctx, &error);
  g_assert_no_error (error);
  ours = bench_graph_buffers_new (graph, weights, 11, &error);
  g_assert_no_error (error);
  ref = bench_graph_buffers_new (graph, weights, 11, &error);
  g_assert_no_error (error);
  if (edit != NULL)
    {
      edit (graph, ours);
      edit (graph, ref);
    }

  g_assert_true (bench_vulkan_ops_prepare (ops, ours, &error));
  g_assert_no_error (error);
  /* Twice: the recorded graph must be replayable. */
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (bench_graph_execute (graph, bench_vulkan_ops_get_table (ops), ours, &error));
      g_assert_no_error (error);
    }
  g_assert_true (bench_graph_execute (graph, bench_reference_op_table (), ref, &error));
  g_assert_no_error (error);

  bench_graph_buffers_compare (ours, ref, OP_TOLERANCE, &cmp);
  if (!cmp.pass)
    g_test_message ("%s: output %s, max abs %g, max rel %g", bench_graph_get_name (graph),
                    cmp.worst_output, cmp.max_abs_error, cmp.max_rel_error);
  g_assert_true (cmp.pass);
  /* Something was computed: a comparison of zeros with zeros proves nothing. */
  {
    guint n;
    const guint *outputs = bench_graph_get_outputs (graph, &n);

    for (guint i = 0; i < n; i++)
      g_assert_cmpfloat (fabs (bench_graph_buffers_checksum (ref, outputs[i])) +
                         fabs (bench_graph_buffers_checksum (ours, outputs[i])), >, 0);
  }
  bench_graph_comparison_clear (&cmp);
}


static guint
input (BenchGraph *g,
       const char *name,
       guint       n_dims,
       const gint64 *shape)
{
  return bench_graph_add_input (g, name, BENCH_DTYPE_F32, BENCH_INIT_UNIFORM, 2.0, n_dims, shape);
}

static guint
weight (BenchGraph *g,
        const char *name,
        guint       n_dims,
        const gint64 *shape)
{
  return bench_graph_add_weight (g, name, BENCH_INIT_NORMAL, 0.5, n_dims, shape);
}

static void
test_op_linear (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("linear");
  guint x = input (g, "x", 3, (gint64[]) { 3, 5, 37 });
  guint x2 = input (g, "x2", 2, (gint64[]) { 2, 37 });
  /* Enough rows for the large tile (128 rows on CPU devices), and more. */
  guint x3 = input (g, "x3", 2, (gint64[]) { 131, 37 });
  guint w = weight (g, "w", 2, (gint64[]) { 29, 37 });
  guint wt = weight (g, "wt", 2, (gint64[]) { 37, 29 });
  guint b = weight (g, "b", 1, (gint64[]) { 29 });

  bench_graph_mark_output (g, bench_graph_linear (g, "y", x, w, b, FALSE));
  bench_graph_mark_output (g, bench_graph_linear (g, "yt", x, wt, -1, TRUE));
  /* Few rows: the skinny tile. */
  bench_graph_mark_output (g, bench_graph_linear (g, "y2", x2, w, b, FALSE));
  bench_graph_mark_output (g, bench_graph_linear (g, "y2t", x2, wt, b, TRUE));
  bench_graph_mark_output (g, bench_graph_linear (g, "y3", x3, w, b, FALSE));
  bench_graph_mark_output (g, bench_graph_linear (g, "y3t", x3, wt, -1, TRUE));
  check_graph (g, NULL);
}

/* The GPU form of the few-rows linear (K split over the workgroup, summed
 * in shared memory), forced on whatever device there is, at sizes that
 * leave partial column quads and K not a multiple of the 32 slices. */
static void
test_op_linear_split_k (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("linear-split-k");
  guint x1 = input (g, "x1", 2, (gint64[]) { 1, 77 });
  guint x4 = input (g, "x4", 2, (gint64[]) { 4, 77 });
  guint x3 = input (g, "x3", 2, (gint64[]) { 3, 77 });
  guint w = weight (g, "w", 2, (gint64[]) { 61, 77 });
  guint b = weight (g, "b", 1, (gint64[]) { 61 });

  g_setenv ("BENCHTOP_VULKAN_GEMV", "split", TRUE);
  bench_graph_mark_output (g, bench_graph_linear (g, "y1", x1, w, b, FALSE));
  bench_graph_mark_output (g, bench_graph_linear (g, "y4", x4, w, b, FALSE));
  bench_graph_mark_output (g, bench_graph_linear (g, "y3", x3, w, -1, FALSE));
  check_graph (g, NULL);
  g_unsetenv ("BENCHTOP_VULKAN_GEMV");
}

/* The GPU tiles (64x64 of 4x4 and the skinny 8-row tile), forced on
 * whatever device there is: linear, batched and transposed matmuls and a
 * convolution on edges of every kind. */
static void
test_op_gpu_tiles (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("gpu-tiles");
  guint x = input (g, "x", 2, (gint64[]) { 131, 37 });
  guint x2 = input (g, "x2", 2, (gint64[]) { 7, 37 });
  guint w = weight (g, "w", 2, (gint64[]) { 67, 37 });
  guint b = weight (g, "b", 1, (gint64[]) { 67 });
  guint a = input (g, "a", 4, (gint64[]) { 2, 3, 70, 13 });
  guint bm = input (g, "bm", 4, (gint64[]) { 2, 3, 13, 68 });
  guint bt = input (g, "bt", 4, (gint64[]) { 2, 3, 11, 13 });
  guint img = input (g, "img", 4, (gint64[]) { 1, 3, 19, 17 });
  guint cw = weight (g, "cw", 4, (gint64[]) { 70, 3, 3, 3 });

  g_setenv ("BENCHTOP_VULKAN_TILES", "gpu", TRUE);
  bench_graph_mark_output (g, bench_graph_linear (g, "y", x, w, b, FALSE));
  bench_graph_mark_output (g, bench_graph_linear (g, "y2", x2, w, b, FALSE));
  bench_graph_mark_output (g, bench_graph_matmul (g, "c", a, bm, FALSE, 0.5f));
  bench_graph_mark_output (g, bench_graph_matmul (g, "ct", a, bt, TRUE, 1.0f));
  bench_graph_mark_output (g, bench_graph_conv2d (g, "conv", img, cw, -1, 2, 1, 1));
  check_graph (g, NULL);
  g_unsetenv ("BENCHTOP_VULKAN_TILES");
}

static void
test_op_matmul (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("matmul");
  guint a = input (g, "a", 4, (gint64[]) { 2, 3, 17, 13 });
  guint b = input (g, "b", 4, (gint64[]) { 2, 3, 13, 11 });
  guint bt = input (g, "bt", 4, (gint64[]) { 2, 3, 11, 13 });
  guint a1 = input (g, "a1", 4, (gint64[]) { 2, 3, 1, 13 });
  guint a2 = input (g, "a2", 4, (gint64[]) { 1, 2, 133, 13 });
  guint b2 = input (g, "b2", 4, (gint64[]) { 1, 2, 13, 12 });

  bench_graph_mark_output (g, bench_graph_matmul (g, "c", a, b, FALSE, 0.5f));
  bench_graph_mark_output (g, bench_graph_matmul (g, "ct", a, bt, TRUE, 1.25f));
  bench_graph_mark_output (g, bench_graph_matmul (g, "c1", a1, bt, TRUE, 1.0f));
  /* Large tile; N a multiple of 4: the vec4 loads of B. */
  bench_graph_mark_output (g, bench_graph_matmul (g, "c2", a2, b2, FALSE, 1.0f));
  check_graph (g, NULL);
}

static void
test_op_elementwise (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("elementwise");
  guint a = input (g, "a", 3, (gint64[]) { 4, 7, 9 });
  guint b = input (g, "b", 1, (gint64[]) { 9 });
  guint c = input (g, "c", 2, (gint64[]) { 7, 9 });
  guint x = bench_graph_add_input (g, "x", BENCH_DTYPE_F32, BENCH_INIT_UNIFORM, 6.0, 2, (gint64[]) { 3, 333 });

  bench_graph_mark_output (g, bench_graph_add (g, "sum", a, b));
  bench_graph_mark_output (g, bench_graph_mul (g, "prod", a, c));
  bench_graph_mark_output (g, bench_graph_gelu (g, "gelu", x, BENCH_GELU_ERF));
  bench_graph_mark_output (g, bench_graph_gelu (g, "gelu_tanh", x, BENCH_GELU_TANH));
  bench_graph_mark_output (g, bench_graph_gelu (g, "gelu_quick", x, BENCH_GELU_QUICK));
  bench_graph_mark_output (g, bench_graph_relu (g, "relu", x));
  bench_graph_mark_output (g, bench_graph_silu (g, "silu", x));
  bench_graph_mark_output (g, bench_graph_tanh (g, "tanh", x));
  check_graph (g, NULL);
}

static void
test_op_norms (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("norms");
  guint x = input (g, "x", 3, (gint64[]) { 2, 5, 71 });
  guint gl = weight (g, "gamma", 1, (gint64[]) { 71 });
  guint bl = weight (g, "beta", 1, (gint64[]) { 71 });
  guint xg = input (g, "xg", 3, (gint64[]) { 2, 6, 17 });
  guint gg = weight (g, "ggamma", 1, (gint64[]) { 6 });
  guint bg = weight (g, "gbeta", 1, (gint64[]) { 6 });

  bench_graph_mark_output (g, bench_graph_layer_norm (g, "ln", x, gl, bl, 1e-5f));
  bench_graph_mark_output (g, bench_graph_layer_norm (g, "ln_nobeta", x, gl, -1, 1e-6f));
  bench_graph_mark_output (g, bench_graph_rms_norm (g, "rms", x, gl, 1e-6f));
  bench_graph_mark_output (g, bench_graph_group_norm (g, "gn", xg, gg, bg, 3, 1e-5f));
  check_graph (g, NULL);
}

/* Keep-mask: batch 0 keeps every third key masked, batch 1 masks all. */
static void
edit_mask (BenchGraph        *graph,
           BenchGraphBuffers *buffers)
{
  const BenchTensor *t = bench_graph_find_tensor (graph, "keep");
  float *keep = bench_graph_buffers_get_data (buffers, t->id);
  gint64 Lk = t->shape[1];

  for (gint64 j = 0; j < Lk; j++)
    {
      keep[j] = j % 3 == 1 ? 0.0f : 1.0f;
      keep[Lk + j] = 0.0f;
    }
}

static void
test_op_softmax (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("softmax");
  guint x = input (g, "x", 4, (gint64[]) { 2, 3, 5, 19 });
  guint xc = input (g, "xc", 4, (gint64[]) { 2, 2, 7, 11 });
  guint xp = input (g, "xp", 4, (gint64[]) { 2, 3, 5, 9 });
  guint keep = bench_graph_add_input (g, "keep", BENCH_DTYPE_F32, BENCH_INIT_ONES, 1.0, 2, (gint64[]) { 2, 9 });
  guint x2 = input (g, "x2", 2, (gint64[]) { 3, 130 });

  bench_graph_mark_output (g, bench_graph_softmax (g, "plain", x, 0.7f, BENCH_MASK_NONE, -1));
  bench_graph_mark_output (g, bench_graph_softmax (g, "causal", xc, 1.0f, BENCH_MASK_CAUSAL, -1));
  bench_graph_mark_output (g, bench_graph_softmax (g, "padding", xp, 0.5f, BENCH_MASK_PADDING, keep));
  bench_graph_mark_output (g, bench_graph_softmax (g, "rows2d", x2, 1.0f, BENCH_MASK_NONE, -1));
  check_graph (g, edit_mask);

  /* The fully masked batch gave zeros, not NaN (checked by compare). */
}

static void
test_op_embedding (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("embedding");
  guint ids = bench_graph_add_input (g, "ids", BENCH_DTYPE_I32, BENCH_INIT_TOKEN_IDS, 50, 2, (gint64[]) { 2, 7 });
  guint table = weight (g, "table", 2, (gint64[]) { 50, 13 });

  bench_graph_mark_output (g, bench_graph_embedding (g, "emb", ids, table));
  check_graph (g, NULL);
}

static void
test_op_conv (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("conv");
  guint x1 = input (g, "x1", 3, (gint64[]) { 2, 6, 23 });
  guint w1 = weight (g, "w1", 3, (gint64[]) { 8, 3, 5 });
  guint b1 = weight (g, "b1", 1, (gint64[]) { 8 });
  guint x2 = input (g, "x2", 4, (gint64[]) { 2, 4, 11, 13 });
  guint w2 = weight (g, "w2", 4, (gint64[]) { 6, 4, 3, 3 });
  guint b2 = weight (g, "b2", 1, (gint64[]) { 6 });
  guint wg = weight (g, "wg", 4, (gint64[]) { 6, 2, 3, 3 });
  guint w7 = weight (g, "w7", 4, (gint64[]) { 5, 4, 7, 7 });

  bench_graph_mark_output (g, bench_graph_conv1d (g, "c1", x1, w1, b1, 2, 2, 2));
  bench_graph_mark_output (g, bench_graph_conv1d (g, "c1s", x1, w1, -1, 1, 0, 2));
  bench_graph_mark_output (g, bench_graph_conv2d (g, "c2", x2, w2, b2, 2, 1, 1));
  bench_graph_mark_output (g, bench_graph_conv2d (g, "c2g", x2, wg, -1, 1, 1, 2));
  bench_graph_mark_output (g, bench_graph_conv2d (g, "c7", x2, w7, -1, 2, 3, 1));
  check_graph (g, NULL);
}

static void
test_op_pool (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("pool");
  guint x = input (g, "x", 4, (gint64[]) { 2, 3, 11, 9 });

  bench_graph_mark_output (g, bench_graph_max_pool2d (g, "max", x, 3, 2, 1));
  bench_graph_mark_output (g, bench_graph_avg_pool2d (g, "avg", x, 3, 2, 1));
  bench_graph_mark_output (g, bench_graph_avg_pool2d (g, "avg2", x, 2, 2, 0));
  bench_graph_mark_output (g, bench_graph_global_avg_pool (g, "gap", x));
  check_graph (g, NULL);
}

static void
test_op_data_movement (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("data-movement");
  guint x = input (g, "x", 4, (gint64[]) { 2, 5, 3, 7 });
  guint y = input (g, "y", 3, (gint64[]) { 2, 7, 5 });
  guint z = input (g, "z", 3, (gint64[]) { 1, 4, 5 });
  guint act = bench_graph_relu (g, "act", x);
  guint r = bench_graph_reshape (g, "r", act, 2, (gint64[]) { 10, 21 });

  bench_graph_mark_output (g, bench_graph_permute (g, "p4", act, (guint[]) { 0, 2, 1, 3 }));
  bench_graph_mark_output (g, bench_graph_permute (g, "p4b", x, (guint[]) { 3, 1, 0, 2 }));
  bench_graph_mark_output (g, bench_graph_permute (g, "p2", r, (guint[]) { 1, 0 }));
  bench_graph_mark_output (g, bench_graph_slice (g, "s", y, 1, 2, 3));
  bench_graph_mark_output (g, bench_graph_slice (g, "s0", y, 2, 1, 4));
  bench_graph_mark_output (g, bench_graph_concat (g, "cat", y, y, 1));
  /* A batch-1 side is repeated over the batch. */
  bench_graph_mark_output (g, bench_graph_concat (g, "catb", z, y, 1));
  check_graph (g, NULL);
}

static void
test_op_kv_append (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("kv-append");
  guint cache = input (g, "cache", 4, (gint64[]) { 1, 2, 6, 4 });
  guint x = input (g, "new", 4, (gint64[]) { 1, 2, 2, 4 });
  guint q = input (g, "q", 4, (gint64[]) { 1, 2, 3, 4 });
  guint kv = bench_graph_kv_append (g, "kv", cache, x, 3);

  bench_graph_mark_output (g, bench_graph_matmul (g, "scores", q, kv, TRUE, 0.5f));
  bench_graph_mark_output (g, bench_graph_relu (g, "kv_copy", kv));
  check_graph (g, NULL);
}

/* --- catalog models through the runner --- */


static BenchPlan *
small_plan (const char *workload,
            gint        seq,
            gint        input_size)
{
  BenchPlan *plan = bench_plan_new ();

  bench_plan_add_workload (plan, workload);
  bench_plan_add_device (plan, "vulkan:0");
  bench_plan_set_batch_sizes (plan, (gint[]) { BATCH }, 1);
  bench_plan_set_seq_lens (plan, (gint[]) { seq }, 1);
  bench_plan_set_gen_tokens (plan, GEN_TOKENS);
  bench_plan_set_n_layers (plan, 1);
  bench_plan_set_input_size (plan, input_size);
  bench_plan_set_iterations (plan, 2);
  bench_plan_set_warmup (plan, 0);
  bench_plan_set_min_time (plan, 0);
  return plan;
}

static gint
small_input_size (const BenchModelConfig *config)
{
  switch (config->arch)
    {
    case BENCH_MODEL_ARCH_VIT: return 32;
    case BENCH_MODEL_ARCH_CLIP: return 64;
    case BENCH_MODEL_ARCH_RESNET: return 32;
    case BENCH_MODEL_ARCH_WHISPER: return 32;
    case BENCH_MODEL_ARCH_WAV2VEC2: return 800;
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
  gint seq = info->generates ? GEN_SEQ : SEQ;
  g_autoptr(BenchPlan) plan = NULL;
  g_autoptr(BenchRun) run = NULL;
  g_autoptr(JsonNode) params = NULL;
  const char *scope;
  g_autoptr(GError) error = NULL;
  BenchResult *r;

  if (get_context () == NULL)
    return;

  plan = small_plan (info->name, seq, input_size);
  run = run_plan (f, plan);
  g_assert_cmpint (run->status, ==, BENCH_RUN_STATUS_COMPLETED);
  g_assert_cmpuint (run->results->len, ==, 1);
  r = g_ptr_array_index (run->results, 0);
  g_assert_cmpstr (r->workload, ==, info->name);
  g_assert_cmpstr (r->device_id, ==, "vulkan:0");
  if (r->status != BENCH_RESULT_STATUS_OK)
    g_test_message ("%s: %s", r->workload, r->error);
  g_test_message ("%s on vulkan:0: median %.2f ms, max rel error %.3g (tolerance %g)",
                  info->name, r->latency.median / 1e6, r->max_rel_error, r->tolerance);
  g_assert_cmpint (r->status, ==, BENCH_RESULT_STATUS_OK);
  g_assert_cmpint (r->validation, ==, BENCH_VALIDATION_PASS);
  g_assert_cmpfloat (r->max_rel_error, <=, r->tolerance);
  g_assert_cmpint (r->iterations, >=, 2);
  g_assert_cmpfloat (r->flops, ==, expected_model_flops (config, info->generates, BATCH, seq, GEN_TOKENS, input_size));
  g_assert_cmpfloat (r->bytes, >, 0);
  g_assert_cmpint (r->weights_bytes, >, 0);
  g_assert_cmpfloat (r->items_per_iteration, ==, BATCH);
  g_assert_true (isfinite (r->gflops) && r->gflops > 0);
  /* Timestamp queries time every graph of an iteration on the device. */
  if (get_context ()->timestamp_valid_bits > 0)
    {
      g_assert_cmpuint (r->device_samples->len, ==, r->samples->len);
      g_assert_cmpfloat (r->device_latency.median, >, 0);
      g_assert_cmpfloat (r->device_latency.median, <=, r->latency.median);
    }

  params = json_from_string (r->params_json, &error);
  g_assert_no_error (error);
  /* The whole (one-layer) model was validated, however the scope is worded. */
  scope = json_object_get_string_member (json_node_get_object (params), "validation_scope");
  g_assert_true (g_str_has_prefix (scope, "all 1 "));

  if (info->generates)
    {
      g_assert_true (isfinite (r->first_token_ns) && r->first_token_ns > 0);
      g_assert_cmpfloat (r->first_token_ns, <, r->latency.max);
      g_assert_cmpfloat (r->tokens_per_iteration, ==, BATCH * GEN_TOKENS);
    }
  else
    g_assert_true (isnan (r->first_token_ns));
}

/* --- micro-benchmarks --- */

static void
test_micro (Fixture       *f,
            gconstpointer  data)
{
  const char *workload = data;
  g_autoptr(BenchPlan) plan = NULL;
  g_autoptr(BenchRun) run = NULL;
  gboolean transfer = g_str_has_prefix (workload, "transfer-");
  BenchResult *r;

  if (get_context () == NULL)
    return;

  plan = bench_plan_new ();
  bench_plan_add_workload (plan, workload);
  bench_plan_add_device (plan, "vulkan:0");
  bench_plan_set_stream_bytes (plan, (1 << 20) + 12);
  bench_plan_set_iterations (plan, 5);
  bench_plan_set_warmup (plan, 1);
  bench_plan_set_min_time (plan, 0);
  run = run_plan (f, plan);
  g_assert_cmpuint (run->results->len, ==, 1);
  r = g_ptr_array_index (run->results, 0);
  if (r->status != BENCH_RESULT_STATUS_OK)
    g_test_message ("%s: %s", r->workload, r->error);
  g_assert_cmpint (r->status, ==, BENCH_RESULT_STATUS_OK);
  g_assert_cmpint (r->iterations, >=, 5);
  g_assert_cmpfloat (r->items_per_iteration, ==, 1);
  g_assert_true (isnan (r->flops));
  g_assert_true (r->latency.median > 0);
  if (transfer)
    {
      g_assert_cmpfloat (r->bytes, ==, (1 << 20) + 12);
      g_assert_true (isfinite (r->gbytes_per_second) && r->gbytes_per_second > 0);
      g_assert_cmpint (r->validation, ==, BENCH_VALIDATION_PASS);
      g_assert_cmpfloat (r->max_abs_error, ==, 0);
      g_test_message ("%s: %.2f GB/s", workload, r->gbytes_per_second);
    }
  else
    {
      g_assert_true (isnan (r->bytes));
      g_assert_cmpint (r->validation, ==, BENCH_VALIDATION_NONE);
      g_test_message ("%s: median %.1f us", workload, r->latency.median / 1e3);
    }
}

static void
test_precision_not_supported (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(BenchPlan) plan = NULL;
  g_autoptr(BenchRun) run = NULL;
  BenchResult *r;

  if (get_context () == NULL)
    return;

  plan = small_plan ("bert-tiny", SEQ, 0);
  bench_plan_set_precisions (plan, (const char *[]) { "fp16", NULL });
  run = run_plan (f, plan);
  g_assert_cmpuint (run->results->len, ==, 1);
  r = g_ptr_array_index (run->results, 0);
  g_assert_cmpint (r->status, !=, BENCH_RESULT_STATUS_OK);
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

  g_test_add_func ("/vulkan-models/op/linear", test_op_linear);
  g_test_add_func ("/vulkan-models/op/linear-split-k", test_op_linear_split_k);
  g_test_add_func ("/vulkan-models/op/gpu-tiles", test_op_gpu_tiles);
  g_test_add_func ("/vulkan-models/op/matmul", test_op_matmul);
  g_test_add_func ("/vulkan-models/op/elementwise", test_op_elementwise);
  g_test_add_func ("/vulkan-models/op/norms", test_op_norms);
  g_test_add_func ("/vulkan-models/op/softmax", test_op_softmax);
  g_test_add_func ("/vulkan-models/op/embedding", test_op_embedding);
  g_test_add_func ("/vulkan-models/op/conv", test_op_conv);
  g_test_add_func ("/vulkan-models/op/pool", test_op_pool);
  g_test_add_func ("/vulkan-models/op/data-movement", test_op_data_movement);
  g_test_add_func ("/vulkan-models/op/kv-append", test_op_kv_append);

  models = bench_model_zoo_list (&n_models);
  for (guint i = 0; i < n_models; i++)
    {
      g_autofree char *path = g_strdup_printf ("/vulkan-models/catalog/%s", models[i].name);

      g_test_add (path, Fixture, &models[i], fixture_setup, test_catalog_model, fixture_teardown);
    }
  g_test_add ("/vulkan-models/micro/transfer-h2d", Fixture, "transfer-h2d", fixture_setup, test_micro, fixture_teardown);
  g_test_add ("/vulkan-models/micro/transfer-d2h", Fixture, "transfer-d2h", fixture_setup, test_micro, fixture_teardown);
  g_test_add ("/vulkan-models/micro/dispatch-latency", Fixture, "dispatch-latency", fixture_setup, test_micro, fixture_teardown);
  g_test_add ("/vulkan-models/precision-not-supported", Fixture, NULL, fixture_setup,
              test_precision_not_supported, fixture_teardown);

  return g_test_run ();
}

#else /* !HAVE_VULKAN */

static void
test_no_vulkan (void)
{
  g_test_skip ("built without the Vulkan loader (-Dvulkan=disabled or no libvulkan-dev)");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vulkan-models/skipped", test_no_vulkan);
  return g_test_run ();
}

#endif
