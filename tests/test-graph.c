/* test-graph.c: BenchGraph, its accounting and memory plan, and every op of
 * the reference executor against a naive check written here, on small
 * and odd shapes (not multiples of any vector width), with masks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bench-error.h"
#include "bench-graph.h"
#include "bench-graph-exec.h"
#include "bench-reference.h"
#include "bench-weights.h"

#define SHAPE(...) (gint64[]){ __VA_ARGS__ }
#define NDIMS(...) (sizeof ((gint64[]){ __VA_ARGS__ }) / sizeof (gint64))

static guint
input (BenchGraph *g,
       const char *name,
       guint       n_dims,
       const gint64 *shape)
{
  return bench_graph_add_input (g, name, BENCH_DTYPE_F32, BENCH_INIT_NORMAL, 1.0, n_dims, shape);
}

static guint
weight (BenchGraph *g,
        const char *name,
        guint       n_dims,
        const gint64 *shape)
{
  return bench_graph_add_weight (g, name, BENCH_INIT_NORMAL, 1.0, n_dims, shape);
}

/* Buffers for @g with random weights and inputs (not yet executed). */
static BenchGraphBuffers *
prepare (BenchGraph *g)
{
  g_autoptr(BenchWeights) w = NULL;
  g_autoptr(GError) error = NULL;
  BenchGraphBuffers *b;

  bench_graph_mark_output (g, bench_graph_get_n_tensors (g) - 1);
  bench_graph_seal (g);
  w = bench_weights_new_random (g, 11);
  b = bench_graph_buffers_new (g, w, 5, &error);
  g_assert_no_error (error);
  return b;
}

static void
execute (BenchGraph        *g,
         BenchGraphBuffers *b)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bench_graph_execute (g, bench_reference_op_table (), b, &error));
  g_assert_no_error (error);
}

static const float *
data (BenchGraphBuffers *b,
      guint              id)
{
  return bench_graph_buffers_get_data (b, id);
}

/* The graph's last tensor against @expected (double), relative to the
 * largest expected magnitude. */
static void
check_output (BenchGraph   *g,
              BenchGraphBuffers *b,
              const double *expected,
              gint64        n)
{
  guint out = bench_graph_get_n_tensors (g) - 1;
  const BenchTensor *t = bench_graph_get_tensor (g, out);
  const float *y = data (b, out);
  double max_ref = 1e-12, max_err = 0;

  g_assert_cmpint (t->numel, ==, n);
  for (gint64 i = 0; i < n; i++)
    {
      g_assert_true (isfinite (y[i]));
      max_ref = MAX (max_ref, fabs (expected[i]));
      max_err = MAX (max_err, fabs (y[i] - expected[i]));
    }
  g_assert_cmpfloat (max_err / max_ref, <=, 2e-6);
}

static void
test_linear (gconstpointer user_data)
{
  gboolean transposed = GPOINTER_TO_INT (user_data);
  g_autoptr(BenchGraph) g = bench_graph_new ("linear");
  gint64 B = 3, S = 5, K = 17, N = 13;
  guint x = input (g, "x", 3, SHAPE (B, S, K));
  guint w = weight (g, "w", 2, transposed ? SHAPE (K, N) : SHAPE (N, K));
  guint bias = weight (g, "b", 1, SHAPE (N));
  guint y = bench_graph_linear (g, "y", x, w, bias, transposed);
  g_autoptr(BenchGraphBuffers) b = prepare (g);
  g_autofree double *ref = g_new (double, B * S * N);
  const BenchOp *op;

  execute (g, b);
  for (gint64 m = 0; m < B * S; m++)
    for (gint64 n = 0; n < N; n++)
      {
        double acc = data (b, bias)[n];
        for (gint64 k = 0; k < K; k++)
          acc += (double)data (b, x)[m * K + k] * (transposed ? data (b, w)[k * N + n] : data (b, w)[n * K + k]);
        ref[m * N + n] = acc;
      }
  check_output (g, b, ref, B * S * N);

  op = bench_graph_get_op (g, 0);
  g_assert_cmpuint (op->output, ==, y);
  g_assert_cmpint (op->macs, ==, B * S * N * K);
  g_assert_cmpfloat (op->flops, ==, 2.0 * B * S * N * K + B * S * N);
  g_assert_cmpfloat (op->bytes, ==, 4.0 * (B * S * K + N * K + N + B * S * N));
  g_assert_cmpint (op->category, ==, BENCH_OP_CATEGORY_LINEAR);
}

static void
test_matmul (gconstpointer user_data)
{
  gboolean tb = GPOINTER_TO_INT (user_data);
  g_autoptr(BenchGraph) g = bench_graph_new ("matmul");
  gint64 B = 2, H = 3, M = 5, K = 7, N = 9;
  guint a = input (g, "a", 4, SHAPE (B, H, M, K));
  guint bm = input (g, "b", 4, tb ? SHAPE (B, H, N, K) : SHAPE (B, H, K, N));
  g_autoptr(BenchGraphBuffers) b = NULL;
  g_autofree double *ref = g_new (double, B * H * M * N);

  bench_graph_matmul (g, "c", a, bm, tb, 0.5f);
  b = prepare (g);
  execute (g, b);
  for (gint64 z = 0; z < B * H; z++)
    for (gint64 m = 0; m < M; m++)
      for (gint64 n = 0; n < N; n++)
        {
          double acc = 0;
          for (gint64 k = 0; k < K; k++)
            acc += (double)data (b, a)[(z * M + m) * K + k] *
                   (tb ? data (b, bm)[(z * N + n) * K + k] : data (b, bm)[(z * K + k) * N + n]);
          ref[(z * M + m) * N + n] = 0.5 * acc;
        }
  check_output (g, b, ref, B * H * M * N);
  g_assert_cmpfloat (bench_graph_get_op (g, 0)->flops, ==, 2.0 * B * H * M * N * K + B * H * M * N);
}

static void
test_add_mul (void)
{
  for (guint kind = 0; kind < 2; kind++)
    {
      g_autoptr(BenchGraph) g = bench_graph_new ("binary");
      guint a = input (g, "a", 3, SHAPE (2, 5, 11));
      guint c = weight (g, "c", 2, SHAPE (5, 11));   /* broadcast over the batch */
      g_autoptr(BenchGraphBuffers) b = NULL;
      double ref[110];

      if (kind == 0)
        bench_graph_add (g, "y", a, c);
      else
        bench_graph_mul (g, "y", a, c);
      b = prepare (g);
      execute (g, b);
      for (gint i = 0; i < 110; i++)
        ref[i] = kind == 0 ? (double)data (b, a)[i] + data (b, c)[i % 55]
                           : (double)data (b, a)[i] * data (b, c)[i % 55];
      check_output (g, b, ref, 110);
      g_assert_cmpfloat (bench_graph_get_op (g, 0)->flops, ==, 110);
    }
}

static void
test_layer_norm (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("layer_norm");
  gint64 R = 6, N = 37;
  guint x = input (g, "x", 2, SHAPE (R, N));
  guint gm = weight (g, "g", 1, SHAPE (N));
  guint bt = weight (g, "b", 1, SHAPE (N));
  g_autoptr(BenchGraphBuffers) b = NULL;
  double ref[6 * 37];

  bench_graph_layer_norm (g, "y", x, gm, bt, 1e-5f);
  b = prepare (g);
  execute (g, b);
  for (gint64 r = 0; r < R; r++)
    {
      double mean = 0, var = 0;
      for (gint64 i = 0; i < N; i++)
        mean += data (b, x)[r * N + i] / (double)N;
      for (gint64 i = 0; i < N; i++)
        var += pow (data (b, x)[r * N + i] - mean, 2) / N;
      for (gint64 i = 0; i < N; i++)
        ref[r * N + i] = (data (b, x)[r * N + i] - mean) / sqrt (var + 1e-5) * data (b, gm)[i] + data (b, bt)[i];
    }
  check_output (g, b, ref, R * N);
  g_assert_cmpfloat (bench_graph_get_op (g, 0)->flops, ==, 8.0 * R * N);
  g_assert_cmpint (bench_graph_get_op (g, 0)->category, ==, BENCH_OP_CATEGORY_NORMALISATION);
}

static void
test_rms_norm (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("rms_norm");
  gint64 R = 3, N = 19;
  guint x = input (g, "x", 2, SHAPE (R, N));
  guint gm = weight (g, "g", 1, SHAPE (N));
  g_autoptr(BenchGraphBuffers) b = NULL;
  double ref[3 * 19];

  bench_graph_rms_norm (g, "y", x, gm, 1e-6f);
  b = prepare (g);
  execute (g, b);
  for (gint64 r = 0; r < R; r++)
    {
      double ms = 0;
      for (gint64 i = 0; i < N; i++)
        ms += pow (data (b, x)[r * N + i], 2) / N;
      for (gint64 i = 0; i < N; i++)
        ref[r * N + i] = data (b, x)[r * N + i] / sqrt (ms + 1e-6) * data (b, gm)[i];
    }
  check_output (g, b, ref, R * N);
}

static void
test_group_norm (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("group_norm");
  gint64 B = 2, C = 6, L = 7, G = 3, Cg = 2;
  guint x = input (g, "x", 3, SHAPE (B, C, L));
  guint gm = weight (g, "g", 1, SHAPE (C));
  guint bt = weight (g, "b", 1, SHAPE (C));
  g_autoptr(BenchGraphBuffers) b = NULL;
  double ref[2 * 6 * 7];

  bench_graph_group_norm (g, "y", x, gm, bt, G, 1e-5f);
  b = prepare (g);
  execute (g, b);
  for (gint64 bi = 0; bi < B; bi++)
    for (gint64 gi = 0; gi < G; gi++)
      {
        const float *xs = data (b, x) + (bi * C + gi * Cg) * L;
        double mean = 0, var = 0;
        for (gint64 i = 0; i < Cg * L; i++)
          mean += xs[i] / (double)(Cg * L);
        for (gint64 i = 0; i < Cg * L; i++)
          var += pow (xs[i] - mean, 2) / (Cg * L);
        for (gint64 c = 0; c < Cg; c++)
          for (gint64 l = 0; l < L; l++)
            ref[(bi * C + gi * Cg + c) * L + l] =
              (xs[c * L + l] - mean) / sqrt (var + 1e-5) * data (b, gm)[gi * Cg + c] + data (b, bt)[gi * Cg + c];
      }
  check_output (g, b, ref, B * C * L);
}

/* Naive masked softmax over one row: @allowed[j] says which keys count. */
static void
softmax_row (const float    *x,
             const gboolean *allowed,
             gint64          n,
             double          scale,
             double         *out)
{
  double mx = -INFINITY, sum = 0;

  for (gint64 j = 0; j < n; j++)
    if (allowed[j])
      mx = MAX (mx, scale * x[j]);
  for (gint64 j = 0; j < n; j++)
    {
      out[j] = allowed[j] ? exp (scale * x[j] - mx) : 0;
      sum += out[j];
    }
  for (gint64 j = 0; j < n; j++)
    out[j] = sum > 0 ? out[j] / sum : 0;
}

static void
test_softmax (gconstpointer user_data)
{
  BenchMaskKind mask = GPOINTER_TO_INT (user_data);
  g_autoptr(BenchGraph) g = bench_graph_new ("softmax");
  gint64 B = 2, H = 3, Lq = 5, Lk = 9;
  guint x = input (g, "x", 4, SHAPE (B, H, Lq, Lk));
  guint keep = bench_graph_add_input (g, "keep", BENCH_DTYPE_F32, BENCH_INIT_ONES, 0, 2, SHAPE (B, Lk));
  g_autoptr(BenchGraphBuffers) b = NULL;
  g_autofree double *ref = g_new (double, B * H * Lq * Lk);
  float *keep_data;

  bench_graph_softmax (g, "y", x, 0.37f, mask, mask == BENCH_MASK_PADDING ? (gint)keep : -1);
  b = prepare (g);
  /* padding: batch 0 masks keys 2 and 8; batch 1 masks every key (a fully
   * padded row must come out as zeros, not NaN) */
  keep_data = bench_graph_buffers_get_data (b, keep);
  keep_data[2] = keep_data[8] = 0;
  for (gint64 j = 0; j < Lk; j++)
    keep_data[Lk + j] = 0;
  execute (g, b);

  for (gint64 r = 0; r < B * H * Lq; r++)
    {
      gint64 q = r % Lq, bi = r / (H * Lq);
      gboolean allowed[9];
      for (gint64 j = 0; j < Lk; j++)
        allowed[j] = mask == BENCH_MASK_CAUSAL ? j <= q + (Lk - Lq)
                   : mask == BENCH_MASK_PADDING ? keep_data[bi * Lk + j] != 0
                   : TRUE;
      softmax_row (data (b, x) + r * Lk, allowed, Lk, 0.37, ref + r * Lk);
    }
  check_output (g, b, ref, B * H * Lq * Lk);
  g_assert_cmpfloat (bench_graph_get_op (g, 0)->flops, ==,
                     (double)B * H * Lq * Lk * (6 + (mask != BENCH_MASK_NONE)));
  g_assert_cmpint (bench_graph_get_op (g, 0)->category, ==, BENCH_OP_CATEGORY_ATTENTION);
}

static void
test_unary (void)
{
  for (guint k = 0; k < 6; k++)
    {
      g_autoptr(BenchGraph) g = bench_graph_new ("unary");
      guint x = input (g, "x", 2, SHAPE (3, 31));
      g_autoptr(BenchGraphBuffers) b = NULL;
      double ref[93];
      static const double per_element[6] = { 5, 9, 6, 1, 5, 1 };

      switch (k)
        {
        case 0: bench_graph_gelu (g, "y", x, BENCH_GELU_ERF); break;
        case 1: bench_graph_gelu (g, "y", x, BENCH_GELU_TANH); break;
        case 2: bench_graph_gelu (g, "y", x, BENCH_GELU_QUICK); break;
        case 3: bench_graph_relu (g, "y", x); break;
        case 4: bench_graph_silu (g, "y", x); break;
        default: bench_graph_tanh (g, "y", x); break;
        }
      b = prepare (g);
      execute (g, b);
      for (gint i = 0; i < 93; i++)
        {
          double v = data (b, x)[i];
          switch (k)
            {
            case 0: ref[i] = v * 0.5 * (1 + erf (v / sqrt (2))); break;
            case 1: ref[i] = 0.5 * v * (1 + tanh (sqrt (2 / G_PI) * (v + 0.044715 * pow (v, 3)))); break;
            case 2: ref[i] = v / (1 + exp (-1.702 * v)); break;
            case 3: ref[i] = v > 0 ? v : 0; break;
            case 4: ref[i] = v / (1 + exp (-v)); break;
            default: ref[i] = tanh (v); break;
            }
        }
      check_output (g, b, ref, 93);
      g_assert_cmpfloat (bench_graph_get_op (g, 0)->flops, ==, 93 * per_element[k]);
    }
}

static void
test_embedding (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("embedding");
  guint ids = bench_graph_add_input (g, "ids", BENCH_DTYPE_I32, BENCH_INIT_TOKEN_IDS, 23, 2, SHAPE (2, 5));
  guint table = weight (g, "table", 2, SHAPE (23, 7));
  g_autoptr(BenchGraphBuffers) b = NULL;
  g_autoptr(GError) error = NULL;
  double ref[70];
  gint32 *id_data;

  bench_graph_embedding (g, "y", ids, table);
  b = prepare (g);
  execute (g, b);
  id_data = bench_graph_buffers_get_data (b, ids);
  for (gint i = 0; i < 10; i++)
    {
      g_assert_cmpint (id_data[i], >=, 0);
      g_assert_cmpint (id_data[i], <, 23);
      for (gint h = 0; h < 7; h++)
        ref[i * 7 + h] = data (b, table)[id_data[i] * 7 + h];
    }
  check_output (g, b, ref, 70);
  /* only the gathered rows count as traffic */
  g_assert_cmpfloat (bench_graph_get_op (g, 0)->bytes, ==, 4.0 * (10 + 2 * 70));

  /* an id outside the table is an error naming both */
  id_data[3] = 23;
  g_assert_false (bench_graph_execute (g, bench_reference_op_table (), b, &error));
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "table"));
}

static void
test_conv1d (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("conv1d");
  gint64 B = 2, C = 4, L = 13, O = 6, K = 5, S = 2, P = 3, G = 2, Cg = 2, Og = 3;
  gint64 Lo = (L + 2 * P - K) / S + 1;
  guint x = input (g, "x", 3, SHAPE (B, C, L));
  guint w = weight (g, "w", 3, SHAPE (O, Cg, K));
  guint bias = weight (g, "b", 1, SHAPE (O));
  g_autoptr(BenchGraphBuffers) b = NULL;
  g_autofree double *ref = g_new (double, B * O * Lo);

  bench_graph_conv1d (g, "y", x, w, bias, S, P, G);
  b = prepare (g);
  execute (g, b);
  for (gint64 bi = 0; bi < B; bi++)
    for (gint64 o = 0; o < O; o++)
      for (gint64 l = 0; l < Lo; l++)
        {
          double acc = data (b, bias)[o];
          for (gint64 c = 0; c < Cg; c++)
            for (gint64 k = 0; k < K; k++)
              {
                gint64 p = l * S - P + k;
                if (p >= 0 && p < L)
                  acc += (double)data (b, x)[(bi * C + (o / Og) * Cg + c) * L + p] * data (b, w)[(o * Cg + c) * K + k];
              }
          ref[(bi * O + o) * Lo + l] = acc;
        }
  check_output (g, b, ref, B * O * Lo);
  g_assert_cmpint (bench_graph_get_op (g, 0)->macs, ==, B * O * Lo * Cg * K);
}

static void
test_conv2d (gconstpointer user_data)
{
  gint64 G = GPOINTER_TO_INT (user_data);
  g_autoptr(BenchGraph) g = bench_graph_new ("conv2d");
  gint64 B = 2, C = 3, H = 9, W = 7, O = 6, K = 3, S = 2, P = 1, Cg = C / G, Og = O / G;
  gint64 Ho = (H + 2 * P - K) / S + 1, Wo = (W + 2 * P - K) / S + 1;
  guint x = input (g, "x", 4, SHAPE (B, C, H, W));
  guint w = weight (g, "w", 4, SHAPE (O, Cg, K, K));
  guint bias = weight (g, "b", 1, SHAPE (O));
  g_autoptr(BenchGraphBuffers) b = NULL;
  g_autofree double *ref = g_new (double, B * O * Ho * Wo);

  bench_graph_conv2d (g, "y", x, w, bias, S, P, G);
  b = prepare (g);
  execute (g, b);
  for (gint64 bi = 0; bi < B; bi++)
    for (gint64 o = 0; o < O; o++)
      for (gint64 oh = 0; oh < Ho; oh++)
        for (gint64 ow = 0; ow < Wo; ow++)
          {
            double acc = data (b, bias)[o];
            for (gint64 c = 0; c < Cg; c++)
              for (gint64 kh = 0; kh < K; kh++)
                for (gint64 kw = 0; kw < K; kw++)
                  {
                    gint64 ih = oh * S - P + kh, iw = ow * S - P + kw;
                    if (ih >= 0 && ih < H && iw >= 0 && iw < W)
                      acc += (double)data (b, x)[((bi * C + (o / Og) * Cg + c) * H + ih) * W + iw] *
                             data (b, w)[((o * Cg + c) * K + kh) * K + kw];
                  }
            ref[((bi * O + o) * Ho + oh) * Wo + ow] = acc;
          }
  check_output (g, b, ref, B * O * Ho * Wo);
  g_assert_cmpfloat (bench_graph_get_op (g, 0)->flops, ==, 2.0 * B * O * Ho * Wo * Cg * K * K + B * O * Ho * Wo);
  g_assert_cmpint (bench_graph_get_op (g, 0)->category, ==, BENCH_OP_CATEGORY_CONVOLUTION);
}

static void
test_pool (void)
{
  for (guint kind = 0; kind < 3; kind++)
    {
      g_autoptr(BenchGraph) g = bench_graph_new ("pool");
      gint64 BC = 2 * 3, H = 7, W = 6, K = 3, S = 2, P = 1;
      gint64 Ho = (H + 2 * P - K) / S + 1, Wo = (W + 2 * P - K) / S + 1;
      guint x = input (g, "x", 4, SHAPE (2, 3, H, W));
      g_autoptr(BenchGraphBuffers) b = NULL;
      double ref[6 * 16];
      gint64 n = 0;

      if (kind == 0)
        bench_graph_max_pool2d (g, "y", x, K, S, P);
      else if (kind == 1)
        bench_graph_avg_pool2d (g, "y", x, K, S, P);
      else
        bench_graph_global_avg_pool (g, "y", x);
      b = prepare (g);
      execute (g, b);
      for (gint64 c = 0; c < BC; c++)
        {
          const float *xc = data (b, x) + c * H * W;
          if (kind == 2)
            {
              double s = 0;
              for (gint64 i = 0; i < H * W; i++)
                s += xc[i];
              ref[n++] = s / (H * W);
              continue;
            }
          for (gint64 oh = 0; oh < Ho; oh++)
            for (gint64 ow = 0; ow < Wo; ow++)
              {
                double acc = kind == 0 ? -INFINITY : 0;
                for (gint64 kh = 0; kh < K; kh++)
                  for (gint64 kw = 0; kw < K; kw++)
                    {
                      gint64 ih = oh * S - P + kh, iw = ow * S - P + kw;
                      if (ih < 0 || ih >= H || iw < 0 || iw >= W)
                        continue;
                      acc = kind == 0 ? MAX (acc, xc[ih * W + iw]) : acc + xc[ih * W + iw];
                    }
                ref[n++] = kind == 0 ? acc : acc / (K * K);
              }
        }
      check_output (g, b, ref, n);
    }
}

static void
test_data_movement (void)
{
  /* permute (4-D and 3-D), slice, concat with a batch-broadcast side,
   * and reshape (a view: no bytes, same storage) */
  g_autoptr(BenchGraph) g = bench_graph_new ("movement");
  guint x = input (g, "x", 4, SHAPE (2, 3, 5, 7));
  guint cls = weight (g, "cls", 3, SHAPE (1, 1, 7));
  guint p4 = bench_graph_permute (g, "p4", x, (guint[]){ 0, 2, 1, 3 });
  guint v = bench_graph_reshape (g, "v", p4, 3, SHAPE (2, 5, 21));
  guint p3 = bench_graph_permute (g, "p3", v, (guint[]){ 2, 0, 1 });
  guint s = bench_graph_slice (g, "s", p3, 0, 4, 9);
  guint r = bench_graph_reshape (g, "r", s, 3, SHAPE (2, 9, 5));
  guint sl = bench_graph_slice (g, "sl", r, 2, 0, 1);
  guint flat = bench_graph_reshape (g, "flat", sl, 3, SHAPE (2, 9, 1));
  guint row = bench_graph_permute (g, "row", flat, (guint[]){ 0, 2, 1 });  /* [2, 1, 9] */
  guint row7 = bench_graph_slice (g, "row7", row, 2, 1, 7);                 /* [2, 1, 7] */
  guint cat;
  g_autoptr(BenchGraphBuffers) b = NULL;
  double ref[2 * 2 * 7];
  const float *xd;

  cat = bench_graph_concat (g, "cat", cls, row7, 1);                        /* [2, 2, 7] */
  g_assert_cmpint (bench_graph_get_tensor (g, cat)->shape[0], ==, 2);
  b = prepare (g);
  execute (g, b);
  g_assert_true (bench_graph_buffers_get_data (b, v) == bench_graph_buffers_get_data (b, p4));

  xd = data (b, x);
  for (gint64 bi = 0; bi < 2; bi++)
    {
      for (gint64 j = 0; j < 7; j++)
        ref[(bi * 2) * 7 + j] = data (b, cls)[j];
      for (gint64 j = 0; j < 7; j++)
        {
          /* row7[bi, 0, j] = sl[bi, 1 + j, 0] = r[bi, 1 + j, 0] = s flat index */
          gint64 flat_index = (bi * 9 + 1 + j) * 5;           /* into s [9, 2, 5] */
          gint64 s0 = flat_index / 10, s1 = (flat_index / 5) % 2, s2 = flat_index % 5;
          gint64 f = s0 + 4;                                  /* p3[f, s1, s2] = v[s1, s2, f] */
          gint64 c = f / 7, e = f % 7;                        /* v[s1, s2, f] = p4[s1, s2, c, e] = x[s1, c, s2, e] */
          ref[(bi * 2 + 1) * 7 + j] = xd[((s1 * 3 + c) * 5 + s2) * 7 + e];
        }
    }
  check_output (g, b, ref, 28);
  g_assert_cmpfloat (bench_graph_get_op (g, 1)->bytes, ==, 0);
}

static void
test_kv_append (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("kv");
  guint cache = input (g, "cache", 4, SHAPE (2, 3, 6, 5));
  guint k = input (g, "k", 4, SHAPE (2, 3, 1, 5));
  guint out = bench_graph_kv_append (g, "cache.out", cache, k, 4);
  guint q = input (g, "q", 4, SHAPE (2, 3, 1, 5));
  g_autoptr(BenchGraphBuffers) b = NULL;
  g_autofree float *before = g_new (float, 180);
  double ref[2 * 3 * 6];

  bench_graph_matmul (g, "scores", q, out, TRUE, 1.0f);
  b = prepare (g);
  memcpy (before, data (b, cache), 180 * sizeof (float));
  execute (g, b);
  /* written in place: the cache now holds k at position 4, the rest intact */
  for (gint64 i = 0; i < 6; i++)
    for (gint64 l = 0; l < 6; l++)
      for (gint64 d = 0; d < 5; d++)
        {
          float expect = l == 4 ? data (b, k)[i * 5 + d] : before[(i * 6 + l) * 5 + d];
          g_assert_cmpfloat (data (b, cache)[(i * 6 + l) * 5 + d], ==, expect);
        }
  for (gint64 i = 0; i < 6; i++)
    for (gint64 l = 0; l < 6; l++)
      {
        double acc = 0;
        for (gint64 d = 0; d < 5; d++)
          acc += (double)data (b, q)[i * 5 + d] * data (b, cache)[(i * 6 + l) * 5 + d];
        ref[i * 6 + l] = acc;
      }
  check_output (g, b, ref, 36);
  /* only the new entries move */
  g_assert_cmpfloat (bench_graph_get_op (g, 0)->bytes, ==, 2.0 * 4 * 30);
}

/* A small MLP-like chain to exercise lifetimes and reuse. */
static BenchGraph *
chain_graph (void)
{
  BenchGraph *g = bench_graph_new ("chain");
  guint x = input (g, "x", 2, SHAPE (4, 33));
  guint w1 = weight (g, "w1", 2, SHAPE (65, 33));
  guint w2 = weight (g, "w2", 2, SHAPE (33, 65));
  guint tied = weight (g, "w1", 2, SHAPE (65, 33));
  guint h;

  g_assert_cmpuint (tied, ==, w1);
  h = x;
  for (gint i = 0; i < 6; i++)
    {
      guint a = bench_graph_linear (g, "up", h, w1, -1, FALSE);
      guint r = bench_graph_relu (g, "relu", a);
      guint d = bench_graph_linear (g, "down", r, w2, -1, FALSE);
      h = bench_graph_add (g, "residual", h, d);
    }
  bench_graph_mark_output (g, h);
  bench_graph_seal (g);
  return g;
}

static void
test_memory_plan (void)
{
  g_autoptr(BenchGraph) g = chain_graph ();
  guint n = bench_graph_get_n_tensors (g);
  gint64 arena = bench_graph_get_arena_bytes (g);

  /* tied weights count once */
  g_assert_cmpint (bench_graph_get_n_parameters (g), ==, 2 * 65 * 33);
  g_assert_cmpint (arena, <, bench_graph_get_activation_bytes (g));
  g_assert_cmpint (arena, >, 0);

  /* no two tensors alive at the same time share bytes */
  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      {
        const BenchTensor *a = bench_graph_get_tensor (g, i), *b = bench_graph_get_tensor (g, j);
        gint64 ae, be;

        if (a->offset < 0 || b->offset < 0)
          continue;
        g_assert_cmpint (a->offset % BENCH_GRAPH_ALIGNMENT, ==, 0);
        g_assert_cmpint (a->offset + a->numel * 4, <=, arena);
        ae = a->offset + a->numel * 4;
        be = b->offset + b->numel * 4;
        if (a->producer <= MAX (b->last_use, b->producer) && b->producer <= MAX (a->last_use, a->producer))
          g_assert_true (ae <= b->offset || be <= a->offset);
      }

  /* A residual add right after its linear layer is live from that layer:
   * it shares no bytes with the layer's input (a backend may write it from
   * the GEMM's epilogue). */
  for (guint i = 1; i < bench_graph_get_n_ops (g); i++)
    {
      const BenchOp *op = bench_graph_get_op (g, i), *lin = bench_graph_get_op (g, i - 1);
      const BenchTensor *out = bench_graph_get_tensor (g, op->output);
      const BenchTensor *in = bench_graph_get_tensor (g, lin->inputs[0]);

      if (op->kind != BENCH_OP_ADD || lin->kind != BENCH_OP_LINEAR || in->offset < 0)
        continue;
      g_assert_true (out->offset + out->numel * 4 <= in->offset ||
                     in->offset + in->numel * 4 <= out->offset);
    }
}

/* The outputs of the permutes splitting a projection into heads and
 * merging an attention's context are live from that projection and from
 * the scores matmul (a backend writes them there): no tensor alive in
 * between shares their bytes. With the three projections first and their
 * splits after, as the catalog builds them. */
static void
test_memory_plan_heads (void)
{
  g_autoptr(BenchGraph) g = bench_graph_new ("heads");
  gint64 B = 2, L = 12, H = 3, D = 16, E = H * D;
  guint x = input (g, "x", 3, SHAPE (B, L, E));
  guint proj[3], heads[3], t, scores, merge;
  guint n;

  for (guint j = 0; j < 3; j++)
    {
      g_autofree char *nw = g_strdup_printf ("w%u", j);

      proj[j] = bench_graph_linear (g, "proj", x, weight (g, nw, 2, SHAPE (E, E)), -1, FALSE);
    }
  for (guint j = 0; j < 3; j++)
    {
      t = bench_graph_reshape (g, "view", proj[j], 4, SHAPE (B, L, H, D));
      heads[j] = bench_graph_permute (g, "heads", t, (guint[]){ 0, 2, 1, 3 });
    }
  scores = bench_graph_matmul (g, "scores", heads[0], heads[1], TRUE, 1.0f);
  t = bench_graph_softmax (g, "probs", scores, 0.25f, BENCH_MASK_NONE, -1);
  t = bench_graph_matmul (g, "context", t, heads[2], FALSE, 1.0f);
  merge = bench_graph_permute (g, "merge", t, (guint[]){ 0, 2, 1, 3 });
  t = bench_graph_reshape (g, "merged", merge, 3, SHAPE (B, L, E));
  bench_graph_mark_output (g, bench_graph_linear (g, "out", t, weight (g, "wo", 2, SHAPE (E, E)), -1, FALSE));
  bench_graph_seal (g);
  n = bench_graph_get_n_tensors (g);

  for (guint k = 0; k < 4; k++)
    {
      const BenchTensor *p = bench_graph_get_tensor (g, k < 3 ? heads[k] : merge);
      gint from = k < 3 ? bench_graph_get_tensor (g, proj[k])->producer
                        : bench_graph_get_tensor (g, scores)->producer;

      g_assert_cmpint (p->offset, >=, 0);
      for (guint i = 0; i < n; i++)
        {
          const BenchTensor *o = bench_graph_get_tensor (g, i);

          if (o == p || o->offset < 0 || o->alias_of >= 0)
            continue;
          if (o->producer <= MAX (p->last_use, p->producer) && from <= MAX (o->last_use, o->producer))
            g_assert_true (o->offset + o->numel * 4 <= p->offset || p->offset + p->numel * 4 <= o->offset);
        }
    }
}

static void
test_execute_repeatable (void)
{
  g_autoptr(BenchGraph) g = chain_graph ();
  g_autoptr(BenchWeights) w = bench_weights_new_random (g, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchGraphBuffers) b = bench_graph_buffers_new (g, w, 9, &error);
  g_autoptr(BenchGraphBuffers) c = bench_graph_buffers_new (g, w, 9, &error);
  BenchGraphComparison cmp;
  guint n_out;
  const guint *outs = bench_graph_get_outputs (g, &n_out);
  double first;

  g_assert_no_error (error);
  execute (g, b);
  first = bench_graph_buffers_checksum (b, outs[0]);
  g_assert_true (isfinite (first));
  execute (g, b);
  g_assert_cmpfloat (bench_graph_buffers_checksum (b, outs[0]), ==, first);

  execute (g, c);
  bench_graph_buffers_compare (c, b, 1e-6, &cmp);
  g_assert_true (cmp.pass);
  g_assert_cmpfloat (cmp.max_abs_error, ==, 0);
  bench_graph_comparison_clear (&cmp);

  /* a different input seed must be caught by the comparison */
  bench_graph_buffers_fill_inputs (c, 10);
  execute (g, c);
  bench_graph_buffers_compare (c, b, 1e-3, &cmp);
  g_assert_false (cmp.pass);
  g_assert_cmpfloat (cmp.max_rel_error, >, 1e-3);
  g_assert_cmpstr (cmp.worst_output, ==, "residual");
  bench_graph_comparison_clear (&cmp);
}

static void
test_missing_kernel (void)
{
  g_autoptr(BenchGraph) g = chain_graph ();
  g_autoptr(BenchWeights) w = bench_weights_new_random (g, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchGraphBuffers) b = bench_graph_buffers_new (g, w, 9, &error);
  BenchOpTable table = *bench_reference_op_table ();

  table.name = "partial";
  table.kernels[BENCH_OP_RELU] = NULL;
  g_assert_false (bench_graph_execute (g, &table, b, &error));
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "relu"));
  g_assert_nonnull (strstr (error->message, "partial"));
}

static void
test_weights_mismatch (void)
{
  g_autoptr(BenchGraph) g = chain_graph ();
  g_autoptr(BenchWeights) w = bench_weights_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchGraphBuffers) b = NULL;

  bench_weights_insert (w, "w1", 2, SHAPE (33, 65), g_new0 (float, 65 * 33));
  b = bench_graph_buffers_new (g, w, 1, &error);
  g_assert_null (b);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "w1"));
  g_assert_nonnull (strstr (error->message, "[33, 65]"));
  g_clear_error (&error);

  bench_weights_insert (w, "w1", 2, SHAPE (65, 33), g_new0 (float, 65 * 33));
  b = bench_graph_buffers_new (g, w, 1, &error);
  g_assert_null (b);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "w2"));
}

static void
test_deterministic_fill (void)
{
  float a[1000], b[1000];
  double mean = 0, var = 0;

  bench_fill_deterministic (a, BENCH_DTYPE_F32, 1000, BENCH_INIT_NORMAL, 0.02, 1, "t");
  bench_fill_deterministic (b, BENCH_DTYPE_F32, 1000, BENCH_INIT_NORMAL, 0.02, 1, "t");
  g_assert_cmpmem (a, sizeof a, b, sizeof b);
  for (gint i = 0; i < 1000; i++)
    mean += a[i] / 1000.0;
  for (gint i = 0; i < 1000; i++)
    var += (a[i] - mean) * (a[i] - mean) / 1000.0;
  g_assert_cmpfloat (fabs (mean), <, 0.003);
  g_assert_cmpfloat (fabs (sqrt (var) - 0.02), <, 0.002);
  bench_fill_deterministic (b, BENCH_DTYPE_F32, 1000, BENCH_INIT_NORMAL, 0.02, 1, "u");
  g_assert_true (memcmp (a, b, sizeof a) != 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/graph/op/linear", GINT_TO_POINTER (FALSE), test_linear);
  g_test_add_data_func ("/graph/op/linear-transposed", GINT_TO_POINTER (TRUE), test_linear);
  g_test_add_data_func ("/graph/op/matmul", GINT_TO_POINTER (FALSE), test_matmul);
  g_test_add_data_func ("/graph/op/matmul-transposed", GINT_TO_POINTER (TRUE), test_matmul);
  g_test_add_func ("/graph/op/add-mul", test_add_mul);
  g_test_add_func ("/graph/op/layer-norm", test_layer_norm);
  g_test_add_func ("/graph/op/rms-norm", test_rms_norm);
  g_test_add_func ("/graph/op/group-norm", test_group_norm);
  g_test_add_data_func ("/graph/op/softmax", GINT_TO_POINTER (BENCH_MASK_NONE), test_softmax);
  g_test_add_data_func ("/graph/op/softmax-causal", GINT_TO_POINTER (BENCH_MASK_CAUSAL), test_softmax);
  g_test_add_data_func ("/graph/op/softmax-padding", GINT_TO_POINTER (BENCH_MASK_PADDING), test_softmax);
  g_test_add_func ("/graph/op/unary", test_unary);
  g_test_add_func ("/graph/op/embedding", test_embedding);
  g_test_add_func ("/graph/op/conv1d", test_conv1d);
  g_test_add_data_func ("/graph/op/conv2d", GINT_TO_POINTER (1), test_conv2d);
  g_test_add_data_func ("/graph/op/conv2d-grouped", GINT_TO_POINTER (3), test_conv2d);
  g_test_add_func ("/graph/op/pool", test_pool);
  g_test_add_func ("/graph/op/data-movement", test_data_movement);
  g_test_add_func ("/graph/op/kv-append", test_kv_append);
  g_test_add_func ("/graph/memory-plan", test_memory_plan);
  g_test_add_func ("/graph/memory-plan/heads", test_memory_plan_heads);
  g_test_add_func ("/graph/execute-repeatable", test_execute_repeatable);
  g_test_add_func ("/graph/missing-kernel", test_missing_kernel);
  g_test_add_func ("/graph/weights-mismatch", test_weights_mismatch);
  g_test_add_func ("/graph/deterministic-fill", test_deterministic_fill);

  return g_test_run ();
}
