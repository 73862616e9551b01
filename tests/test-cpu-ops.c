/* test-cpu-ops.c: every op of the CPU op table against the reference
 * executor, on small and odd shapes (not multiples of 8 or 16), with
 * masks, broadcasts, groups, strides and padding.
 *
 * Tolerance: the largest absolute difference over an output must be at
 * most 1e-4 of that output's largest reference magnitude. The reference
 * accumulates in double; ours is fp32 (oneDNN GEMM, vectorised sums) with
 * polynomial exp/erf accurate to ~1e-6, so 1e-4 leaves a wide margin while
 * still catching any indexing or masking mistake (those give O(1) errors).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <omp.h>
#include <string.h>

#include "bench-cpu-kernels.h"
#include "bench-cpu-ops.h"
#include "bench-model-zoo.h"
#include "bench-error.h"
#include "bench-graph.h"
#include "bench-graph-exec.h"
#include "bench-reference.h"
#include "bench-weights.h"

#define SHAPE(...) (gint64[]){ __VA_ARGS__ }
#define TOLERANCE 1e-4

static BenchCpuOps *ops;

static guint
input (BenchGraph   *g,
       const char   *name,
       guint         n_dims,
       const gint64 *shape)
{
  return bench_graph_add_input (g, name, BENCH_DTYPE_F32, BENCH_INIT_NORMAL, 2.0, n_dims, shape);
}

static guint
weight (BenchGraph   *g,
        const char   *name,
        guint         n_dims,
        const gint64 *shape)
{
  return bench_graph_add_weight (g, name, BENCH_INIT_NORMAL, 1.0, n_dims, shape);
}

typedef void (*EditInputs) (BenchGraph *g, BenchGraphBuffers *b);

/* When not G_MAXUINT: how many attentions the CPU table must run in one
 * pass (with the packed GEMM; none without). */
static guint expect_attention = G_MAXUINT;

/* Runs @g (last tensor marked as output unless outputs exist) with the CPU
 * table and the reference on the same weights and inputs; compares. */
/* [@min_fused, @max_fused]: how many ops the CPU table must fold into the
 * linear layer before them when it has the packed GEMM. */
static void
check_full_fused (BenchGraph *g,
                  EditInputs  edit,
                  guint       min_fused,
                  guint       max_fused)
{
  g_autoptr(BenchWeights) w = NULL;
  g_autoptr(BenchGraphBuffers) ours = NULL;
  g_autoptr(BenchGraphBuffers) ref = NULL;
  g_autoptr(GError) error = NULL;
  BenchGraphComparison cmp;
  guint n_outputs;
  char *bad = NULL;

  bench_graph_get_outputs (g, &n_outputs);
  if (n_outputs == 0)
    bench_graph_mark_output (g, bench_graph_get_n_tensors (g) - 1);
  bench_graph_seal (g);
  w = bench_weights_new_random (g, 3);
  ours = bench_graph_buffers_new (g, w, 5, &error);
  g_assert_no_error (error);
  ref = bench_graph_buffers_new (g, w, 5, &error);
  g_assert_no_error (error);
  if (edit != NULL)
    {
      edit (g, ours);
      edit (g, ref);
    }

  g_assert_true (bench_cpu_ops_prepare (ops, ours, &error));
  g_assert_no_error (error);
  if (bench_cpu_packed_gemm_supported ())
    {
      g_assert_cmpuint (bench_cpu_ops_count_fused (ops, ours), >=, min_fused);
      g_assert_cmpuint (bench_cpu_ops_count_fused (ops, ours), <=, max_fused);
    }
  else
    {
      g_assert_cmpuint (bench_cpu_ops_count_fused (ops, ours), ==, 0);
    }
  if (expect_attention != G_MAXUINT)
    g_assert_cmpuint (bench_cpu_ops_count_attention (ops, ours), ==,
                      bench_cpu_packed_gemm_supported () ? expect_attention : 0);
  /* Twice: a second run must not depend on state left by the first. */
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (bench_graph_execute (g, bench_cpu_ops_get_table (ops), ours, &error));
      g_assert_no_error (error);
    }
  g_assert_true (bench_graph_execute (g, bench_reference_op_table (), ref, &error));
  g_assert_no_error (error);

  g_assert_true (bench_graph_buffers_outputs_finite (ours, &bad));
  bench_graph_buffers_compare (ours, ref, TOLERANCE, &cmp);
  if (!cmp.pass)
    g_test_message ("%s: output %s, max relative error %g", bench_graph_get_name (g),
                    cmp.worst_output, cmp.max_rel_error);
  g_assert_true (cmp.pass);
  g_assert_cmpfloat (cmp.max_rel_error, <=, TOLERANCE);
  bench_graph_comparison_clear (&cmp);
}

static void
check_full (BenchGraph *g,
            EditInputs  edit)
{
  check_full_fused (g, edit, 0, G_MAXUINT);
}

static void
check (BenchGraph *g)
{
  check_full (g, NULL);
}

static void
test_linear (void)
{
  /* 15 rows go to the packed GEMM (oneDNN without AVX2), 6 rows to the
   * few-rows kernels. */
  for (guint rows = 0; rows < 2; rows++)
  for (guint tw = 0; tw < 2; tw++)
    for (guint bias = 0; bias < 2; bias++)
      {
        g_autoptr(BenchGraph) g = bench_graph_new ("linear");
        guint x = input (g, "x", 3, rows ? SHAPE (2, 3, 37) : SHAPE (3, 5, 37));
        guint w = weight (g, "w", 2, tw ? SHAPE (37, 29) : SHAPE (29, 37));
        gint b = bias ? (gint) weight (g, "b", 1, SHAPE (29)) : -1;

        bench_graph_linear (g, "y", x, w, b, tw);
        check (g);
      }
  {
    /* One row (a decode step): a matrix-vector product. */
    g_autoptr(BenchGraph) g = bench_graph_new ("gemv");
    guint x = input (g, "x", 2, SHAPE (1, 131));
    guint w = weight (g, "w", 2, SHAPE (67, 131));

    bench_graph_linear (g, "y", x, w, weight (g, "b", 1, SHAPE (67)), FALSE);
    check (g);
  }
  {
    /* GPT-2's [K, N] weights, more columns than one block. */
    g_autoptr(BenchGraph) g = bench_graph_new ("gemv-kn");
    guint x = input (g, "x", 2, SHAPE (3, 45));
    guint w = weight (g, "w", 2, SHAPE (45, 601));

    bench_graph_linear (g, "y", x, w, weight (g, "b", 1, SHAPE (601)), TRUE);
    check (g);
  }
}

/* Few rows with weights large enough to share between threads, on 3
 * threads whatever the machine: [k, n] weights split by k (partial sums
 * added at the end) for 1 and 3 rows, by columns where the sums would not
 * fit; [n, k] weights for one row (four chains of sums, k not a multiple
 * of 32 or 8); and an embedding large enough to be shared. */
static void
test_few_rows_threads (void)
{
  int threads = omp_get_max_threads ();
  static const struct { gint64 m, k, n; gboolean tw; } shapes[] = {
    { 1, 515, 97, TRUE },
    { 3, 515, 97, TRUE },
    { 2, 131, 4200, TRUE },
    { 8, 70, 4200, TRUE },
    { 1, 203, 301, FALSE },
    { 5, 203, 301, FALSE },
  };

  omp_set_num_threads (3);
  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    for (guint bias = 0; bias < 2; bias++)
      {
        g_autoptr(BenchGraph) g = bench_graph_new ("few-rows-threads");
        gint64 m = shapes[i].m, k = shapes[i].k, n = shapes[i].n;
        guint x = input (g, "x", 2, SHAPE (m, k));
        guint w = weight (g, "w", 2, shapes[i].tw ? SHAPE (k, n) : SHAPE (n, k));
        gint b = bias ? (gint) weight (g, "b", 1, SHAPE (n)) : -1;

        bench_graph_linear (g, "y", x, w, b, shapes[i].tw);
        check (g);
      }
  {
    g_autoptr(BenchGraph) g = bench_graph_new ("embedding-threads");
    guint ids = bench_graph_add_input (g, "ids", BENCH_DTYPE_I32, BENCH_INIT_TOKEN_IDS, 1000, 2,
                                       SHAPE (4, 300));

    bench_graph_embedding (g, "y", ids, weight (g, "table", 2, SHAPE (1000, 250)));
    check (g);
  }
  omp_set_num_threads (threads);
}

/* A post-norm transformer block's linear layers on odd shapes: residual
 * add after the projection, GELU after the first MLP layer, residual add
 * after the second. */
static BenchGraph *
block_graph (void)
{
  BenchGraph *g = bench_graph_new ("block");
  guint x = input (g, "x", 3, SHAPE (2, 13, 40));
  guint h, y;

  h = bench_graph_linear (g, "proj", x, weight (g, "proj.w", 2, SHAPE (40, 40)),
                          weight (g, "proj.b", 1, SHAPE (40)), FALSE);
  h = bench_graph_add (g, "proj.residual", x, h);
  h = bench_graph_layer_norm (g, "ln1", h, weight (g, "ln1.g", 1, SHAPE (40)),
                              weight (g, "ln1.b", 1, SHAPE (40)), 1e-5f);
  y = bench_graph_linear (g, "fc1", h, weight (g, "fc1.w", 2, SHAPE (70, 40)),
                          weight (g, "fc1.b", 1, SHAPE (70)), FALSE);
  y = bench_graph_gelu (g, "fc1.act", y, BENCH_GELU_ERF);
  /* GPT-2's [K, N] layout for this one. */
  y = bench_graph_linear (g, "fc2", y, weight (g, "fc2.w", 2, SHAPE (70, 40)),
                          weight (g, "fc2.b", 1, SHAPE (40)), TRUE);
  y = bench_graph_add (g, "fc2.residual", y, h);
  bench_graph_layer_norm (g, "ln2", y, weight (g, "ln2.g", 1, SHAPE (40)),
                          weight (g, "ln2.b", 1, SHAPE (40)), 1e-5f);
  return g;
}

static void
test_linear_fused (void)
{
  for (guint k = 0; k < 3; k++)
    {
      g_autoptr(BenchGraph) g = bench_graph_new ("linear-gelu");
      guint x = input (g, "x", 3, SHAPE (3, 43, 37));
      guint h = bench_graph_linear (g, "fc", x, weight (g, "w", 2, SHAPE (53, 37)),
                                    weight (g, "b", 1, SHAPE (53)), FALSE);

      bench_graph_gelu (g, "act", h, k == 0 ? BENCH_GELU_ERF : k == 1 ? BENCH_GELU_TANH : BENCH_GELU_QUICK);
      check_full_fused (g, NULL, 1, 1);
    }
  for (guint side = 0; side < 2; side++)
    {
      /* The residual on either side of the add; no bias. */
      g_autoptr(BenchGraph) g = bench_graph_new ("linear-residual");
      guint x = input (g, "x", 3, SHAPE (3, 43, 37));
      guint r = input (g, "r", 3, SHAPE (3, 43, 53));
      guint h = bench_graph_linear (g, "fc", x, weight (g, "w", 2, SHAPE (53, 37)), -1, FALSE);

      if (side)
        bench_graph_add (g, "y", h, r);
      else
        bench_graph_add (g, "y", r, h);
      check_full_fused (g, NULL, 1, 1);
    }
  {
    /* The linear's output read again after the GELU: nothing to fold. */
    g_autoptr(BenchGraph) g = bench_graph_new ("linear-read-twice");
    guint x = input (g, "x", 3, SHAPE (3, 43, 37));
    guint h = bench_graph_linear (g, "fc", x, weight (g, "w", 2, SHAPE (37, 37)), -1, FALSE);

    bench_graph_add (g, "y", bench_graph_gelu (g, "act", h, BENCH_GELU_ERF), h);
    check_full_fused (g, NULL, 0, 0);
  }
  {
    /* The linear's output is an output of the graph: it must be written. */
    g_autoptr(BenchGraph) g = bench_graph_new ("linear-output");
    guint x = input (g, "x", 3, SHAPE (3, 43, 37));
    guint h = bench_graph_linear (g, "fc", x, weight (g, "w", 2, SHAPE (37, 37)), -1, FALSE);

    bench_graph_mark_output (g, h);
    bench_graph_mark_output (g, bench_graph_gelu (g, "act", h, BENCH_GELU_ERF));
    check_full_fused (g, NULL, 0, 0);
  }
  {
    /* The GELU always; a residual add unless the arena gives the add's
     * output memory that the linear still reads (then it runs alone). */
    g_autoptr(BenchGraph) g = block_graph ();

    check_full_fused (g, NULL, 1, 3);
  }
}

/* Fusions are planned for the buffers given to prepare: buffers of the
 * same graph that were not prepared must still run every op. */
static void
test_linear_fused_other_buffers (void)
{
  g_autoptr(BenchGraph) g = block_graph ();
  g_autoptr(BenchWeights) w = NULL;
  g_autoptr(BenchGraphBuffers) prepared = NULL;
  g_autoptr(BenchGraphBuffers) other = NULL;
  g_autoptr(BenchGraphBuffers) ref = NULL;
  g_autoptr(GError) error = NULL;
  BenchGraphComparison cmp;

  bench_graph_mark_output (g, bench_graph_get_n_tensors (g) - 1);
  bench_graph_seal (g);
  w = bench_weights_new_random (g, 3);
  prepared = bench_graph_buffers_new (g, w, 5, &error);
  g_assert_no_error (error);
  other = bench_graph_buffers_new (g, w, 5, &error);
  g_assert_no_error (error);
  ref = bench_graph_buffers_new (g, w, 5, &error);
  g_assert_no_error (error);
  g_assert_true (bench_graph_execute (g, bench_reference_op_table (), ref, &error));
  g_assert_no_error (error);

  g_assert_true (bench_cpu_ops_prepare (ops, prepared, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bench_cpu_ops_count_fused (ops, other), ==, 0);
  for (guint i = 0; i < 2; i++)
    {
      BenchGraphBuffers *b = i == 0 ? other : prepared;

      g_assert_true (bench_graph_execute (g, bench_cpu_ops_get_table (ops), b, &error));
      g_assert_no_error (error);
      bench_graph_buffers_compare (b, ref, TOLERANCE, &cmp);
      g_assert_true (cmp.pass);
      bench_graph_comparison_clear (&cmp);
    }
}

static void
test_matmul (void)
{
  for (guint tb = 0; tb < 2; tb++)
    {
      g_autoptr(BenchGraph) g = bench_graph_new ("matmul");
      guint a = input (g, "a", 4, SHAPE (2, 3, 7, 13));
      guint b = input (g, "b", 4, tb ? SHAPE (2, 3, 11, 13) : SHAPE (2, 3, 13, 11));

      bench_graph_matmul (g, "c", a, b, tb, tb ? 0.125f : 1.0f);
      check (g);
    }
  for (guint tb = 0; tb < 2; tb++)
    {
      /* Rows past the few-rows kernels (attention's own GEMM where the CPU
       * has AVX2, else oneDNN); the second large enough to be threaded. */
      g_autoptr(BenchGraph) g = bench_graph_new ("matmul-rows");
      g_autoptr(BenchGraph) g2 = bench_graph_new ("matmul-rows-threaded");
      guint a = input (g, "a", 4, SHAPE (2, 3, 37, 13));
      guint b = input (g, "b", 4, tb ? SHAPE (2, 3, 29, 13) : SHAPE (2, 3, 13, 29));
      guint a2 = input (g2, "a", 4, SHAPE (2, 3, 129, 64));
      /* 136 columns: 5 panels of 24 and one of 16. */
      guint b2 = input (g2, "b", 4, tb ? SHAPE (2, 3, 136, 64) : SHAPE (2, 3, 64, 136));

      bench_graph_matmul (g, "c", a, b, tb, tb ? 0.125f : 1.0f);
      check (g);
      bench_graph_matmul (g2, "c", a2, b2, tb, 0.5f);
      check (g2);
    }
  for (guint tb = 0; tb < 2; tb++)
    {
      /* Few rows (decode steps), more columns than one block. */
      g_autoptr(BenchGraph) g = bench_graph_new ("matmul-few-rows");
      guint a = input (g, "a", 4, SHAPE (2, 3, 3, 13));
      guint b = input (g, "b", 4, tb ? SHAPE (2, 3, 300, 13) : SHAPE (2, 3, 13, 300));

      bench_graph_matmul (g, "c", a, b, tb, 0.25f);
      check (g);
    }
  {
    g_autoptr(BenchGraph) g = bench_graph_new ("matmul-3d");
    guint a = input (g, "a", 3, SHAPE (5, 1, 9));
    guint b = input (g, "b", 3, SHAPE (5, 9, 17));

    bench_graph_matmul (g, "c", a, b, FALSE, 1.0f);
    check (g);
  }
}

static void
test_add_mul (void)
{
  for (guint mul = 0; mul < 2; mul++)
    for (guint bcast = 0; bcast < 2; bcast++)
      {
        g_autoptr(BenchGraph) g = bench_graph_new ("binary");
        /* Large enough to be threaded. */
        guint x = input (g, "x", 3, SHAPE (3, 129, 97));
        guint b = bcast ? input (g, "b", 1, SHAPE (97)) : input (g, "b", 3, SHAPE (3, 129, 97));

        if (mul)
          bench_graph_mul (g, "y", x, b);
        else
          bench_graph_add (g, "y", x, b);
        check (g);
      }
}

static void
test_norms (void)
{
  for (guint beta = 0; beta < 2; beta++)
    {
      g_autoptr(BenchGraph) g = bench_graph_new ("layer-norm");
      guint x = input (g, "x", 3, SHAPE (4, 7, 45));

      bench_graph_layer_norm (g, "y", x, weight (g, "g", 1, SHAPE (45)),
                              beta ? (gint) weight (g, "b", 1, SHAPE (45)) : -1, 1e-5f);
      check (g);
    }
  {
    g_autoptr(BenchGraph) g = bench_graph_new ("rms-norm");
    guint x = input (g, "x", 3, SHAPE (2, 9, 51));

    bench_graph_rms_norm (g, "y", x, weight (g, "g", 1, SHAPE (51)), 1e-6f);
    check (g);
  }
  for (guint groups = 1; groups <= 12; groups *= 12)
    {
      g_autoptr(BenchGraph) g = bench_graph_new ("group-norm");
      guint x = input (g, "x", 3, SHAPE (2, 12, 19));

      bench_graph_group_norm (g, "y", x, weight (g, "g", 1, SHAPE (12)), weight (g, "b", 1, SHAPE (12)),
                              groups, 1e-5f);
      check (g);
    }
}

static void
mask_some (BenchGraph        *g,
           BenchGraphBuffers *b)
{
  const BenchTensor *t = bench_graph_find_tensor (g, "keep");
  float *keep = bench_graph_buffers_get_data (b, t->id);
  gint64 Lk = t->shape[1];

  /* Batch 0 masks keys 2, 8 and the last; batch 1 masks every key (zeros
   * out, not NaN); batch 2 keeps all. */
  keep[2] = keep[8] = keep[Lk - 1] = 0;
  for (gint64 j = 0; j < Lk; j++)
    keep[Lk + j] = 0;
}

static void
test_softmax (void)
{
  for (BenchMaskKind mask = BENCH_MASK_NONE; mask <= BENCH_MASK_PADDING; mask++)
    {
      g_autoptr(BenchGraph) g = bench_graph_new ("softmax");
      guint x = input (g, "x", 4, SHAPE (3, 2, 5, 19));
      guint keep = bench_graph_add_input (g, "keep", BENCH_DTYPE_F32, BENCH_INIT_ONES, 0, 2, SHAPE (3, 19));

      bench_graph_softmax (g, "y", x, mask == BENCH_MASK_NONE ? 1.0f : 0.37f, mask,
                           mask == BENCH_MASK_PADDING ? (gint) keep : -1);
      check_full (g, mask == BENCH_MASK_PADDING ? mask_some : NULL);
    }
  {
    /* A large row (threaded, many vector iterations). */
    g_autoptr(BenchGraph) g = bench_graph_new ("softmax-wide");
    guint x = input (g, "x", 4, SHAPE (1, 3, 33, 1031));

    bench_graph_softmax (g, "y", x, 0.125f, BENCH_MASK_CAUSAL, -1);
    check (g);
  }
}

/* Scores, softmax and the product by V in one pass per matrix, with
 * every mask, rows and keys not multiples of the tiles, and a head size
 * of V other than Q's; not when the scores are also an output. */
/* Linear layers reading their input in row panels: from the copy a
 * layer norm makes (not once another norm has replaced it), and from the
 * linear layer before them writing its GELU so; validated against the
 * reference, twice (the second pass must not read the first's copies).
 * None with a row count that is not a multiple of 4. */
static void
test_rows4 (void)
{
  for (guint c = 0; c < 2; c++)
    {
      g_autoptr(BenchGraph) g = bench_graph_new ("rows4");
      gint64 B = 3, L = c == 0 ? 20 : 19, E = 40, F = 72;
      guint x = input (g, "x", 3, SHAPE (B, L, E));
      guint ln1, ln2, h, y;
      g_autoptr(BenchWeights) w = NULL;
      g_autoptr(BenchGraphBuffers) b = NULL;
      g_autoptr(GError) error = NULL;

      ln1 = bench_graph_layer_norm (g, "ln1", x, weight (g, "ln1.g", 1, SHAPE (E)),
                                    weight (g, "ln1.b", 1, SHAPE (E)), 1e-5f);
      h = bench_graph_linear (g, "fc1", ln1, weight (g, "fc1.w", 2, SHAPE (F, E)),
                              weight (g, "fc1.b", 1, SHAPE (F)), FALSE);
      h = bench_graph_gelu (g, "fc1.act", h, BENCH_GELU_ERF);
      h = bench_graph_linear (g, "fc2", h, weight (g, "fc2.w", 2, SHAPE (E, F)),
                              weight (g, "fc2.b", 1, SHAPE (E)), FALSE);
      h = bench_graph_add (g, "fc2.residual", h, ln1);
      ln2 = bench_graph_layer_norm (g, "ln2", h, weight (g, "ln2.g", 1, SHAPE (E)),
                                    -1, 1e-5f);
      /* ln1's output again, after ln2: by rows. */
      y = bench_graph_linear (g, "late", ln1, weight (g, "late.w", 2, SHAPE (E, E)),
                              weight (g, "late.b", 1, SHAPE (E)), FALSE);
      y = bench_graph_add (g, "sum", y, ln2);
      bench_graph_mark_output (g, bench_graph_linear (g, "head", ln2, weight (g, "head.w", 2, SHAPE (24, E)),
                                                      weight (g, "head.b", 1, SHAPE (24)), FALSE));
      bench_graph_mark_output (g, y);
      /* The GELU and the two residual adds. */
      check_full_fused (g, NULL, 3, 3);

      w = bench_weights_new_random (g, 3);
      b = bench_graph_buffers_new (g, w, 5, &error);
      g_assert_no_error (error);
      g_assert_true (bench_cpu_ops_prepare (ops, b, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (bench_cpu_ops_count_rows4 (ops, b), ==,
                        bench_cpu_packed_gemm_supported () && c == 0 ? 3 : 0);
    }
}

static void
test_attention_fused (void)
{
  for (BenchMaskKind mask = BENCH_MASK_NONE; mask <= BENCH_MASK_PADDING + 1; mask++)
    {
      g_autoptr(BenchGraph) g = bench_graph_new ("attention");
      gboolean scores_out = mask > BENCH_MASK_PADDING;
      BenchMaskKind kind = scores_out ? BENCH_MASK_PADDING : mask;
      guint q = input (g, "q", 4, SHAPE (3, 2, 23, 13));
      guint k = input (g, "k", 4, SHAPE (3, 2, 29, 13));
      guint v = input (g, "v", 4, SHAPE (3, 2, 29, 11));
      guint keep = bench_graph_add_input (g, "keep", BENCH_DTYPE_F32, BENCH_INIT_ONES, 0, 2, SHAPE (3, 29));
      guint s = bench_graph_matmul (g, "scores", q, k, TRUE, 0.8f);

      if (scores_out)
        bench_graph_mark_output (g, s);
      s = bench_graph_softmax (g, "probs", s, 0.37f, kind, kind == BENCH_MASK_PADDING ? (gint) keep : -1);
      bench_graph_mark_output (g, bench_graph_matmul (g, "context", s, v, FALSE, 0.5f));
      expect_attention = scores_out ? 0 : 1;
      check_full (g, kind == BENCH_MASK_PADDING ? mask_some : NULL);
      expect_attention = G_MAXUINT;
    }
}

/* bert-base at two layers, as the catalog builds it: each projection of
 * Q, K and V writes its heads' layout itself (the permute splitting it is
 * skipped), each attention writes the merged layout (the permute merging
 * the heads is skipped), besides the GELU and the two residual adds
 * folded in: 6 ops folded a layer. Not the splits with a sequence that is
 * not a multiple of 4 rows (3 a layer). */
static void
test_attention_heads (void)
{
  for (guint c = 0; c < 2; c++)
    {
      BenchModelOptions opts = { .batch = 2, .seq_len = c == 0 ? 12 : 10, .n_layers = 2 };
      g_autoptr(GError) error = NULL;
      g_autoptr(BenchGraph) g = bench_model_zoo_build ("bert-base", &opts, &error);
      g_autoptr(BenchWeights) w = NULL;
      g_autoptr(BenchGraphBuffers) b = NULL;

      g_assert_no_error (error);
      expect_attention = 2;
      check_full_fused (g, NULL, c == 0 ? 12 : 6, c == 0 ? 12 : 6);
      expect_attention = G_MAXUINT;

      w = bench_weights_new_random (g, 3);
      b = bench_graph_buffers_new (g, w, 5, &error);
      g_assert_no_error (error);
      g_assert_true (bench_cpu_ops_prepare (ops, b, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (bench_cpu_ops_count_heads_merged (ops, b), ==,
                        bench_cpu_packed_gemm_supported () ? 2 : 0);
      /* Q, K, V and the first MLP layer from the layer norm's copy, the
       * second MLP layer from the first's GELU, both layers (2 x 12 and
       * 2 x 10 rows: multiples of 4). */
      g_assert_cmpuint (bench_cpu_ops_count_rows4 (ops, b), ==,
                        bench_cpu_packed_gemm_supported () ? 10 : 0);
    }
  {
    /* A projection also read as an output must be written as such. */
    g_autoptr(BenchGraph) g = bench_graph_new ("attention-heads-output");
    gint64 B = 2, L = 12, H = 3, D = 16, E = H * D;
    guint x = input (g, "x", 3, SHAPE (B, L, E));
    guint heads[3], t;

    for (guint j = 0; j < 3; j++)
      {
        g_autofree char *n = g_strdup_printf ("proj%u", j);
        g_autofree char *nw = g_strdup_printf ("w%u", j);
        g_autofree char *nb = g_strdup_printf ("b%u", j);
        g_autofree char *nv = g_strdup_printf ("view%u", j);
        g_autofree char *nh = g_strdup_printf ("heads%u", j);

        t = bench_graph_linear (g, n, x, weight (g, nw, 2, SHAPE (E, E)),
                                weight (g, nb, 1, SHAPE (E)), FALSE);
        if (j == 0)
          bench_graph_mark_output (g, t);
        t = bench_graph_reshape (g, nv, t, 4, SHAPE (B, L, H, D));
        heads[j] = bench_graph_permute (g, nh, t, (guint[]){ 0, 2, 1, 3 });
      }
    t = bench_graph_matmul (g, "scores", heads[0], heads[1], TRUE, 1.0f);
    t = bench_graph_softmax (g, "probs", t, 0.25f, BENCH_MASK_NONE, -1);
    t = bench_graph_matmul (g, "context", t, heads[2], FALSE, 1.0f);
    t = bench_graph_permute (g, "merge", t, (guint[]){ 0, 2, 1, 3 });
    t = bench_graph_reshape (g, "merged", t, 3, SHAPE (B, L, E));
    bench_graph_mark_output (g, bench_graph_linear (g, "out", t, weight (g, "wo", 2, SHAPE (E, E)),
                                                    weight (g, "bo", 1, SHAPE (E)), FALSE));
    check_full_fused (g, NULL, 0, 2);
  }
}

static void
test_unary (void)
{
  for (guint k = 0; k < 6; k++)
    {
      g_autoptr(BenchGraph) g = bench_graph_new ("unary");
      /* normal(0, 2): values out to +-8, the tails of every function. */
      guint x = input (g, "x", 2, SHAPE (37, 1001));

      switch (k)
        {
        case 0: bench_graph_gelu (g, "y", x, BENCH_GELU_ERF); break;
        case 1: bench_graph_gelu (g, "y", x, BENCH_GELU_TANH); break;
        case 2: bench_graph_gelu (g, "y", x, BENCH_GELU_QUICK); break;
        case 3: bench_graph_relu (g, "y", x); break;
        case 4: bench_graph_silu (g, "y", x); break;
        default: bench_graph_tanh (g, "y", x); break;
        }
      check (g);
    }
}

static void
test_embedding (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("embedding");
  guint ids = bench_graph_add_input (g, "ids", BENCH_DTYPE_I32, BENCH_INIT_TOKEN_IDS, 31, 2, SHAPE (2, 9));

  bench_graph_embedding (g, "y", ids, weight (g, "table", 2, SHAPE (31, 13)));
  check (g);
}

static void
bad_ids (BenchGraph        *g,
         BenchGraphBuffers *b)
{
  gint32 *ids = bench_graph_buffers_get_data (b, bench_graph_find_tensor (g, "ids")->id);

  ids[3] = 31;
}

static void
test_embedding_out_of_range (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("embedding");
  guint ids = bench_graph_add_input (g, "ids", BENCH_DTYPE_I32, BENCH_INIT_TOKEN_IDS, 31, 2, SHAPE (2, 9));
  g_autoptr(BenchWeights) w = NULL;
  g_autoptr(BenchGraphBuffers) b = NULL;
  g_autoptr(GError) error = NULL;

  bench_graph_mark_output (g, bench_graph_embedding (g, "y", ids, weight (g, "table", 2, SHAPE (31, 13))));
  bench_graph_seal (g);
  w = bench_weights_new_random (g, 3);
  b = bench_graph_buffers_new (g, w, 5, &error);
  g_assert_no_error (error);
  bad_ids (g, b);
  g_assert_false (bench_graph_execute (g, bench_cpu_ops_get_table (ops), b, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "table"));
}

static void
test_conv (void)
{
  {
    g_autoptr(BenchGraph) g = bench_graph_new ("conv1d");
    guint x = input (g, "x", 3, SHAPE (2, 6, 33));

    bench_graph_conv1d (g, "y", x, weight (g, "w", 3, SHAPE (8, 3, 5)), weight (g, "b", 1, SHAPE (8)), 2, 2, 2);
    check (g);
  }
  {
    g_autoptr(BenchGraph) g = bench_graph_new ("conv1d-strided");
    guint x = input (g, "x", 3, SHAPE (1, 1, 401));

    bench_graph_conv1d (g, "y", x, weight (g, "w", 3, SHAPE (7, 1, 10)), -1, 5, 0, 1);
    check (g);
  }
  {
    g_autoptr(BenchGraph) g = bench_graph_new ("conv2d");
    guint x = input (g, "x", 4, SHAPE (2, 5, 13, 11));

    bench_graph_conv2d (g, "y", x, weight (g, "w", 4, SHAPE (7, 5, 3, 3)), weight (g, "b", 1, SHAPE (7)), 2, 1, 1);
    check (g);
  }
  {
    g_autoptr(BenchGraph) g = bench_graph_new ("conv2d-groups");
    guint x = input (g, "x", 4, SHAPE (1, 6, 9, 10));

    bench_graph_conv2d (g, "y", x, weight (g, "w", 4, SHAPE (9, 2, 3, 3)), weight (g, "b", 1, SHAPE (9)), 1, 1, 3);
    check (g);
  }
  {
    g_autoptr(BenchGraph) g = bench_graph_new ("conv2d-1x1");
    guint x = input (g, "x", 4, SHAPE (3, 17, 7, 5));

    bench_graph_conv2d (g, "y", x, weight (g, "w", 4, SHAPE (19, 17, 1, 1)), -1, 1, 0, 1);
    check (g);
  }
}

static void
test_pool (void)
{
  {
    g_autoptr(BenchGraph) g = bench_graph_new ("max-pool");
    guint x = input (g, "x", 4, SHAPE (2, 3, 13, 11));

    bench_graph_max_pool2d (g, "y", x, 3, 2, 1);
    check (g);
  }
  {
    g_autoptr(BenchGraph) g = bench_graph_new ("avg-pool");
    guint x = input (g, "x", 4, SHAPE (2, 3, 13, 11));

    bench_graph_avg_pool2d (g, "y", x, 3, 2, 1);
    check (g);
  }
  {
    g_autoptr(BenchGraph) g = bench_graph_new ("global-avg-pool");
    guint x = input (g, "x", 4, SHAPE (2, 5, 7, 9));

    bench_graph_global_avg_pool (g, "y", x);
    check (g);
  }
}

static void
test_data_movement (void)
{
  for (guint p = 0; p < 3; p++)
    {
      static const guint perms[3][4] = { { 0, 2, 1, 3 }, { 0, 3, 1, 2 }, { 3, 2, 1, 0 } };
      g_autoptr(BenchGraph) g = bench_graph_new ("permute");
      guint x = input (g, "x", 3, SHAPE (2, 15, 7));
      guint r = bench_graph_reshape (g, "view", x, 4, SHAPE (2, 5, 3, 7));

      bench_graph_permute (g, "y", r, perms[p]);
      check (g);
    }
  {
    g_autoptr(BenchGraph) g = bench_graph_new ("slice");
    guint x = input (g, "x", 3, SHAPE (3, 11, 7));

    bench_graph_mark_output (g, bench_graph_slice (g, "a", x, 1, 3, 5));
    bench_graph_mark_output (g, bench_graph_slice (g, "b", x, 2, 6, 1));
    check (g);
  }
  {
    g_autoptr(BenchGraph) g = bench_graph_new ("concat");
    guint cls = input (g, "cls", 3, SHAPE (1, 1, 7));
    guint x = input (g, "x", 3, SHAPE (3, 5, 7));
    guint y = input (g, "y", 3, SHAPE (3, 5, 4));

    /* A batch-1 side repeated over the batch, and the last axis. */
    bench_graph_mark_output (g, bench_graph_concat (g, "a", cls, x, 1));
    bench_graph_mark_output (g, bench_graph_concat (g, "b", x, y, 2));
    check (g);
  }
}

/* kv_append then attention, with the cache in external storage larger
 * than the graph's length, against the same graph in contiguous storage. */
static void
test_kv_external (void)
{
  const gint64 B = 2, H = 3, L = 6, D = 5, CAP = 9;
  g_autoptr(BenchGraph) g = bench_graph_new ("kv");
  guint cache = input (g, "cache", 4, SHAPE (B, H, L, D));
  guint k = input (g, "k", 4, SHAPE (B, H, 1, D));
  guint q = input (g, "q", 4, SHAPE (B, H, 1, D));
  guint view = bench_graph_kv_append (g, "cache.out", cache, k, L - 1);
  guint s = bench_graph_matmul (g, "scores", q, view, TRUE, 0.5f);
  g_autoptr(BenchWeights) w = NULL;
  g_autoptr(BenchGraphBuffers) ref = NULL;
  g_autoptr(BenchGraphBuffers) ours = NULL;
  g_autoptr(BenchGraphBuffers) strided_ref = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *store = g_new0 (float, B * H * CAP * D);
  g_autofree float *store2 = g_new0 (float, B * H * CAP * D);
  BenchExternalInput ext = { "cache", store, CAP };
  BenchGraphComparison cmp;
  const float *contiguous;

  s = bench_graph_softmax (g, "probs", s, 1.0f, BENCH_MASK_NONE, -1);
  bench_graph_mark_output (g, bench_graph_matmul (g, "context", s, view, FALSE, 1.0f));
  bench_graph_seal (g);
  w = bench_weights_new_random (g, 3);

  ref = bench_graph_buffers_new (g, w, 5, &error);
  g_assert_no_error (error);
  /* The same past entries, laid out with CAP rows per matrix. */
  contiguous = bench_graph_buffers_get_data (ref, cache);
  for (gint64 i = 0; i < B * H; i++)
    {
      memcpy (store + i * CAP * D, contiguous + i * L * D, L * D * sizeof (float));
      memcpy (store2 + i * CAP * D, contiguous + i * L * D, L * D * sizeof (float));
    }
  ours = bench_graph_buffers_new_external (g, w, 5, &ext, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bench_graph_buffers_get_op_args (ours, 1)->in_mat_stride[1], ==, CAP * D);

  g_assert_true (bench_graph_execute (g, bench_reference_op_table (), ref, &error));
  g_assert_true (bench_graph_execute (g, bench_cpu_ops_get_table (ops), ours, &error));
  g_assert_no_error (error);
  bench_graph_buffers_compare (ours, ref, TOLERANCE, &cmp);
  g_assert_true (cmp.pass);
  bench_graph_comparison_clear (&cmp);
  /* New entries at row L - 1 of each matrix, rows past L untouched. */
  for (gint64 i = 0; i < B * H; i++)
    for (gint64 d = 0; d < D; d++)
      {
        g_assert_cmpfloat (store[(i * CAP + L - 1) * D + d], ==,
                           ((const float *) bench_graph_buffers_get_data (ours, k))[i * D + d]);
        g_assert_cmpfloat (store[(i * CAP + L) * D + d], ==, 0.0f);
      }

  /* The reference honours the stride as well. */
  ext.data = store2;
  strided_ref = bench_graph_buffers_new_external (g, w, 5, &ext, 1, &error);
  g_assert_no_error (error);
  g_assert_true (bench_graph_execute (g, bench_reference_op_table (), strided_ref, &error));
  bench_graph_buffers_compare (strided_ref, ref, 0.0, &cmp);
  g_assert_true (cmp.pass);
  bench_graph_comparison_clear (&cmp);
}

static void
test_external_misuse (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("misuse");
  guint x = input (g, "x", 4, SHAPE (1, 2, 3, 4));
  g_autoptr(BenchWeights) w = NULL;
  g_autoptr(GError) error = NULL;
  float store[64];
  BenchExternalInput ext = { "x", store, 8 };
  BenchGraphBuffers *b;

  /* Softmax cannot read strided storage. */
  bench_graph_mark_output (g, bench_graph_softmax (g, "y", x, 1.0f, BENCH_MASK_NONE, -1));
  bench_graph_seal (g);
  w = bench_weights_new_random (g, 3);
  b = bench_graph_buffers_new_external (g, w, 5, &ext, 1, &error);
  g_assert_null (b);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "“y”"));
  g_clear_error (&error);

  ext.name = "nope";
  b = bench_graph_buffers_new_external (g, w, 5, &ext, 1, &error);
  g_assert_null (b);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  ops = bench_cpu_ops_new (&error);
  g_assert_no_error (error);

  g_test_add_func ("/cpu-ops/linear", test_linear);
  g_test_add_func ("/cpu-ops/few-rows-threads", test_few_rows_threads);
  g_test_add_func ("/cpu-ops/linear-fused", test_linear_fused);
  g_test_add_func ("/cpu-ops/linear-fused-other-buffers", test_linear_fused_other_buffers);
  g_test_add_func ("/cpu-ops/matmul", test_matmul);
  g_test_add_func ("/cpu-ops/add-mul", test_add_mul);
  g_test_add_func ("/cpu-ops/norms", test_norms);
  g_test_add_func ("/cpu-ops/softmax", test_softmax);
  g_test_add_func ("/cpu-ops/attention-fused", test_attention_fused);
  g_test_add_func ("/cpu-ops/attention-heads", test_attention_heads);
  g_test_add_func ("/cpu-ops/rows4", test_rows4);
  g_test_add_func ("/cpu-ops/unary", test_unary);
  g_test_add_func ("/cpu-ops/embedding", test_embedding);
  g_test_add_func ("/cpu-ops/embedding-out-of-range", test_embedding_out_of_range);
  g_test_add_func ("/cpu-ops/conv", test_conv);
  g_test_add_func ("/cpu-ops/pool", test_pool);
  g_test_add_func ("/cpu-ops/data-movement", test_data_movement);
  g_test_add_func ("/cpu-ops/kv-external", test_kv_external);
  g_test_add_func ("/cpu-ops/external-misuse", test_external_misuse);

  ret = g_test_run ();
  bench_cpu_ops_free (ops);
  return ret;
}
