/* bench-reference.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bench-error.h"
#include "bench-reference.h"

#define IN(a, i)  ((const float *)(a)->in_data[i])
#define OUT(a)    ((float *)(a)->out_data)

static gint64
rows_of (const BenchTensor *t)
{
  return t->numel / t->shape[t->n_dims - 1];
}

static gboolean
ref_linear (const BenchOpArgs  *a,
            gpointer            user_data,
            GError            **error)
{
  const BenchTensor *w = a->in[1];
  gboolean tw = a->op->p.linear.transpose_w;
  gint64 K = tw ? w->shape[0] : w->shape[1];
  gint64 N = tw ? w->shape[1] : w->shape[0];
  gint64 M = a->in[0]->numel / K;
  const float *x = IN (a, 0), *wd = IN (a, 1);
  const float *bias = a->op->n_inputs > 2 ? IN (a, 2) : NULL;
  float *y = OUT (a);

  if (!tw)
    {
#pragma omp parallel for collapse(2) schedule(static)
      for (gint64 m = 0; m < M; m++)
        for (gint64 n = 0; n < N; n++)
          {
            const float *xr = x + m * K, *wr = wd + n * K;
            double acc = bias ? bias[n] : 0.0;
            for (gint64 k = 0; k < K; k++)
              acc += (double)xr[k] * wr[k];
            y[m * N + n] = (float)acc;
          }
      return TRUE;
    }

#pragma omp parallel
  {
    double *acc = g_new (double, N);

#pragma omp for schedule(static)
    for (gint64 m = 0; m < M; m++)
      {
        for (gint64 n = 0; n < N; n++)
          acc[n] = bias ? bias[n] : 0.0;
        for (gint64 k = 0; k < K; k++)
          {
            double xv = x[m * K + k];
            const float *wr = wd + k * N;
            for (gint64 n = 0; n < N; n++)
              acc[n] += xv * wr[n];
          }
        for (gint64 n = 0; n < N; n++)
          y[m * N + n] = (float)acc[n];
      }
    g_free (acc);
  }
  return TRUE;
}

static gboolean
ref_matmul (const BenchOpArgs  *a,
            gpointer            user_data,
            GError            **error)
{
  const BenchTensor *ta = a->in[0], *out = a->out;
  guint nd = ta->n_dims;
  gint64 M = ta->shape[nd - 2], K = ta->shape[nd - 1], N = out->shape[nd - 1];
  gint64 batch = out->numel / (M * N);
  gboolean tb = a->op->p.matmul.transpose_b;
  double alpha = a->op->p.matmul.alpha;
  const float *A = IN (a, 0), *B = IN (a, 1);
  float *C = OUT (a);

#pragma omp parallel
  {
    double *acc = g_new (double, N);

#pragma omp for schedule(static)
    for (gint64 r = 0; r < batch * M; r++)
      {
        gint64 bi = r / M;
        const float *ar = A + r * K;
        const float *bb = B + bi * (a->in_mat_stride[1] > 0 ? a->in_mat_stride[1] : K * N);

        if (tb)
          for (gint64 n = 0; n < N; n++)
            {
              const float *br = bb + n * K;
              double s = 0;
              for (gint64 k = 0; k < K; k++)
                s += (double)ar[k] * br[k];
              acc[n] = s;
            }
        else
          {
            memset (acc, 0, N * sizeof (double));
            for (gint64 k = 0; k < K; k++)
              {
                double av = ar[k];
                const float *br = bb + k * N;
                for (gint64 n = 0; n < N; n++)
                  acc[n] += av * br[n];
              }
          }
        for (gint64 n = 0; n < N; n++)
          C[r * N + n] = (float)(alpha * acc[n]);
      }
    g_free (acc);
  }
  return TRUE;
}

static gboolean
ref_add (const BenchOpArgs  *a,
         gpointer            user_data,
         GError            **error)
{
  const float *x = IN (a, 0), *b = IN (a, 1);
  gint64 nb = a->in[1]->numel;
  float *y = OUT (a);

  for (gint64 i = 0; i < a->out->numel; i++)
    y[i] = (float)((double)x[i] + b[i % nb]);
  return TRUE;
}

static gboolean
ref_mul (const BenchOpArgs  *a,
         gpointer            user_data,
         GError            **error)
{
  const float *x = IN (a, 0), *b = IN (a, 1);
  gint64 nb = a->in[1]->numel;
  float *y = OUT (a);

  for (gint64 i = 0; i < a->out->numel; i++)
    y[i] = (float)((double)x[i] * b[i % nb]);
  return TRUE;
}

static gboolean
ref_layer_norm (const BenchOpArgs  *a,
                gpointer            user_data,
                GError            **error)
{
  gint64 N = a->out->shape[a->out->n_dims - 1];
  gint64 rows = rows_of (a->out);
  const float *x = IN (a, 0), *g = IN (a, 1);
  const float *b = a->op->n_inputs > 2 ? IN (a, 2) : NULL;
  double eps = a->op->p.norm.eps;
  float *y = OUT (a);

#pragma omp parallel for schedule(static) if (rows * N > 65536)
  for (gint64 r = 0; r < rows; r++)
    {
      const float *xr = x + r * N;
      double mean = 0, var = 0, rstd;

      for (gint64 i = 0; i < N; i++)
        mean += xr[i];
      mean /= N;
      for (gint64 i = 0; i < N; i++)
        var += (xr[i] - mean) * (xr[i] - mean);
      rstd = 1.0 / sqrt (var / N + eps);
      for (gint64 i = 0; i < N; i++)
        y[r * N + i] = (float)((xr[i] - mean) * rstd * g[i] + (b ? b[i] : 0.0));
    }
  return TRUE;
}

static gboolean
ref_rms_norm (const BenchOpArgs  *a,
              gpointer            user_data,
              GError            **error)
{
  gint64 N = a->out->shape[a->out->n_dims - 1];
  gint64 rows = rows_of (a->out);
  const float *x = IN (a, 0), *g = IN (a, 1);
  double eps = a->op->p.norm.eps;
  float *y = OUT (a);

  for (gint64 r = 0; r < rows; r++)
    {
      const float *xr = x + r * N;
      double ss = 0, rstd;

      for (gint64 i = 0; i < N; i++)
        ss += (double)xr[i] * xr[i];
      rstd = 1.0 / sqrt (ss / N + eps);
      for (gint64 i = 0; i < N; i++)
        y[r * N + i] = (float)(xr[i] * rstd * g[i]);
    }
  return TRUE;
}

static gboolean
ref_group_norm (const BenchOpArgs  *a,
                gpointer            user_data,
                GError            **error)
{
  gint64 B = a->out->shape[0], C = a->out->shape[1], L = a->out->shape[2];
  gint64 G = a->op->p.norm.groups, Cg = C / G;
  const float *x = IN (a, 0), *g = IN (a, 1), *b = IN (a, 2);
  double eps = a->op->p.norm.eps;
  float *y = OUT (a);

#pragma omp parallel for collapse(2) schedule(static)
  for (gint64 bi = 0; bi < B; bi++)
    for (gint64 gi = 0; gi < G; gi++)
      {
        const float *xg = x + (bi * C + gi * Cg) * L;
        float *yg = y + (bi * C + gi * Cg) * L;
        gint64 n = Cg * L;
        double mean = 0, var = 0, rstd;

        for (gint64 i = 0; i < n; i++)
          mean += xg[i];
        mean /= n;
        for (gint64 i = 0; i < n; i++)
          var += (xg[i] - mean) * (xg[i] - mean);
        rstd = 1.0 / sqrt (var / n + eps);
        for (gint64 c = 0; c < Cg; c++)
          for (gint64 l = 0; l < L; l++)
            yg[c * L + l] = (float)((xg[c * L + l] - mean) * rstd * g[gi * Cg + c] + b[gi * Cg + c]);
      }
  return TRUE;
}

/* Masked positions are excluded (probability 0); a row with every position
 * masked comes out as zeros rather than NaN. */
static gboolean
ref_softmax (const BenchOpArgs  *a,
             gpointer            user_data,
             GError            **error)
{
  const BenchTensor *t = a->out;
  guint nd = t->n_dims;
  gint64 Lk = t->shape[nd - 1];
  gint64 Lq = nd >= 2 ? t->shape[nd - 2] : 1;
  gint64 rows = rows_of (t);
  gint64 per_batch = nd == 4 ? t->shape[1] * Lq : rows;
  BenchMaskKind mask = a->op->p.softmax.mask;
  const float *keep = mask == BENCH_MASK_PADDING ? IN (a, 1) : NULL;
  double scale = a->op->p.softmax.scale;
  const float *x = IN (a, 0);
  float *y = OUT (a);

#pragma omp parallel for schedule(static) if (rows * Lk > 65536)
  for (gint64 r = 0; r < rows; r++)
    {
      const float *xr = x + r * Lk;
      float *yr = y + r * Lk;
      gint64 q = r % Lq, bi = r / per_batch;
      gint64 limit = mask == BENCH_MASK_CAUSAL ? q + (Lk - Lq) : Lk - 1;
      double mx = -INFINITY, sum = 0;

      for (gint64 j = 0; j <= limit; j++)
        if (keep == NULL || keep[bi * Lk + j] != 0.0f)
          mx = MAX (mx, scale * xr[j]);
      for (gint64 j = 0; j < Lk; j++)
        {
          gboolean on = j <= limit && (keep == NULL || keep[bi * Lk + j] != 0.0f);
          double e = on ? exp (scale * xr[j] - mx) : 0.0;
          yr[j] = (float)e;
          sum += e;
        }
      for (gint64 j = 0; j < Lk; j++)
        yr[j] = sum > 0 ? (float)(yr[j] / sum) : 0.0f;
    }
  return TRUE;
}

static gboolean
ref_gelu (const BenchOpArgs  *a,
          gpointer            user_data,
          GError            **error)
{
  const float *x = IN (a, 0);
  float *y = OUT (a);
  BenchGeluKind kind = a->op->p.gelu.kind;

#pragma omp parallel for schedule(static) if (a->out->numel > 65536)
  for (gint64 i = 0; i < a->out->numel; i++)
    {
      double v = x[i];
      switch (kind)
        {
        case BENCH_GELU_TANH:
          y[i] = (float)(0.5 * v * (1.0 + tanh (0.7978845608028654 * (v + 0.044715 * v * v * v))));
          break;
        case BENCH_GELU_QUICK:
          y[i] = (float)(v / (1.0 + exp (-1.702 * v)));
          break;
        case BENCH_GELU_ERF:
        default:
          y[i] = (float)(0.5 * v * (1.0 + erf (v * 0.7071067811865476)));
          break;
        }
    }
  return TRUE;
}

static gboolean
ref_relu (const BenchOpArgs  *a,
          gpointer            user_data,
          GError            **error)
{
  const float *x = IN (a, 0);
  float *y = OUT (a);

  for (gint64 i = 0; i < a->out->numel; i++)
    y[i] = x[i] > 0.0f ? x[i] : 0.0f;
  return TRUE;
}

static gboolean
ref_silu (const BenchOpArgs  *a,
          gpointer            user_data,
          GError            **error)
{
  const float *x = IN (a, 0);
  float *y = OUT (a);

  for (gint64 i = 0; i < a->out->numel; i++)
    y[i] = (float)(x[i] / (1.0 + exp (-(double)x[i])));
  return TRUE;
}

static gboolean
ref_tanh (const BenchOpArgs  *a,
          gpointer            user_data,
          GError            **error)
{
  const float *x = IN (a, 0);
  float *y = OUT (a);

  for (gint64 i = 0; i < a->out->numel; i++)
    y[i] = (float)tanh ((double)x[i]);
  return TRUE;
}

static gboolean
ref_embedding (const BenchOpArgs  *a,
               gpointer            user_data,
               GError            **error)
{
  const gint32 *ids = a->in_data[0];
  const float *table = IN (a, 1);
  gint64 V = a->in[1]->shape[0], H = a->in[1]->shape[1];
  float *y = OUT (a);

  for (gint64 i = 0; i < a->in[0]->numel; i++)
    {
      if (ids[i] < 0 || ids[i] >= V)
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                       "Index %d at position %" G_GINT64_FORMAT " of “%s” is outside table “%s” of %" G_GINT64_FORMAT " rows",
                       ids[i], i, a->in[0]->name, a->in[1]->name, V);
          return FALSE;
        }
      memcpy (y + i * H, table + (gint64)ids[i] * H, H * sizeof (float));
    }
  return TRUE;
}

static gboolean
ref_conv1d (const BenchOpArgs  *a,
            gpointer            user_data,
            GError            **error)
{
  const BenchTensor *x = a->in[0], *w = a->in[1];
  gint64 B = x->shape[0], C = x->shape[1], L = x->shape[2];
  gint64 O = w->shape[0], Cg = w->shape[1], K = w->shape[2];
  gint64 Lo = a->out->shape[2];
  gint64 G = a->op->p.conv.groups, Og = O / G;
  gint64 s = a->op->p.conv.stride[0], p = a->op->p.conv.padding[0];
  const float *xd = IN (a, 0), *wd = IN (a, 1);
  const float *bias = a->op->n_inputs > 2 ? IN (a, 2) : NULL;
  float *y = OUT (a);

#pragma omp parallel for collapse(2) schedule(static)
  for (gint64 bi = 0; bi < B; bi++)
    for (gint64 o = 0; o < O; o++)
      {
        gint64 g = o / Og;
        const float *wo = wd + o * Cg * K;
        for (gint64 l = 0; l < Lo; l++)
          {
            double acc = bias ? bias[o] : 0.0;
            for (gint64 c = 0; c < Cg; c++)
              {
                const float *xc = xd + (bi * C + g * Cg + c) * L;
                for (gint64 k = 0; k < K; k++)
                  {
                    gint64 pos = l * s - p + k;
                    if (pos >= 0 && pos < L)
                      acc += (double)xc[pos] * wo[c * K + k];
                  }
              }
            y[(bi * O + o) * Lo + l] = (float)acc;
          }
      }
  return TRUE;
}

static gboolean
ref_conv2d (const BenchOpArgs  *a,
            gpointer            user_data,
            GError            **error)
{
  const BenchTensor *x = a->in[0], *w = a->in[1];
  gint64 B = x->shape[0], C = x->shape[1], H = x->shape[2], W = x->shape[3];
  gint64 O = w->shape[0], Cg = w->shape[1], KH = w->shape[2], KW = w->shape[3];
  gint64 Ho = a->out->shape[2], Wo = a->out->shape[3];
  gint64 G = a->op->p.conv.groups, Og = O / G;
  gint64 s = a->op->p.conv.stride[0], p = a->op->p.conv.padding[0];
  const float *xd = IN (a, 0), *wd = IN (a, 1);
  const float *bias = a->op->n_inputs > 2 ? IN (a, 2) : NULL;
  float *y = OUT (a);

#pragma omp parallel for collapse(2) schedule(static)
  for (gint64 bi = 0; bi < B; bi++)
    for (gint64 o = 0; o < O; o++)
      {
        gint64 g = o / Og;
        const float *wo = wd + o * Cg * KH * KW;
        for (gint64 oh = 0; oh < Ho; oh++)
          for (gint64 ow = 0; ow < Wo; ow++)
            {
              double acc = bias ? bias[o] : 0.0;
              for (gint64 c = 0; c < Cg; c++)
                {
                  const float *xc = xd + (bi * C + g * Cg + c) * H * W;
                  const float *wc = wo + c * KH * KW;
                  for (gint64 kh = 0; kh < KH; kh++)
                    {
                      gint64 ih = oh * s - p + kh;
                      if (ih < 0 || ih >= H)
                        continue;
                      for (gint64 kw = 0; kw < KW; kw++)
                        {
                          gint64 iw = ow * s - p + kw;
                          if (iw >= 0 && iw < W)
                            acc += (double)xc[ih * W + iw] * wc[kh * KW + kw];
                        }
                    }
                }
              y[((bi * O + o) * Ho + oh) * Wo + ow] = (float)acc;
            }
      }
  return TRUE;
}

/* Max pooling ignores padding; average pooling divides by the whole window
 * (PyTorch's count_include_pad=True). */
static gboolean
ref_pool2d (const BenchOpArgs  *a,
            gpointer            user_data,
            GError            **error)
{
  const BenchTensor *x = a->in[0];
  gint64 BC = x->shape[0] * x->shape[1], H = x->shape[2], W = x->shape[3];
  gint64 Ho = a->out->shape[2], Wo = a->out->shape[3];
  gint64 k = a->op->p.pool.kernel, s = a->op->p.pool.stride, p = a->op->p.pool.padding;
  gboolean is_max = a->op->kind == BENCH_OP_MAX_POOL2D;
  const float *xd = IN (a, 0);
  float *y = OUT (a);

  for (gint64 c = 0; c < BC; c++)
    for (gint64 oh = 0; oh < Ho; oh++)
      for (gint64 ow = 0; ow < Wo; ow++)
        {
          double acc = is_max ? -INFINITY : 0.0;
          for (gint64 kh = 0; kh < k; kh++)
            for (gint64 kw = 0; kw < k; kw++)
              {
                gint64 ih = oh * s - p + kh, iw = ow * s - p + kw;
                double v;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W)
                  continue;
                v = xd[(c * H + ih) * W + iw];
                acc = is_max ? MAX (acc, v) : acc + v;
              }
          y[(c * Ho + oh) * Wo + ow] = (float)(is_max ? acc : acc / (double)(k * k));
        }
  return TRUE;
}

static gboolean
ref_global_avg_pool (const BenchOpArgs  *a,
                     gpointer            user_data,
                     GError            **error)
{
  const BenchTensor *x = a->in[0];
  gint64 BC = x->shape[0] * x->shape[1], HW = x->shape[2] * x->shape[3];
  const float *xd = IN (a, 0);
  float *y = OUT (a);

  for (gint64 c = 0; c < BC; c++)
    {
      double acc = 0;
      for (gint64 i = 0; i < HW; i++)
        acc += xd[c * HW + i];
      y[c] = (float)(acc / HW);
    }
  return TRUE;
}

static gboolean
ref_reshape (const BenchOpArgs  *a,
             gpointer            user_data,
             GError            **error)
{
  /* A view: the output is the input's storage. */
  g_assert (a->out_data == a->in_data[0]);
  return TRUE;
}

static gboolean
ref_permute (const BenchOpArgs  *a,
             gpointer            user_data,
             GError            **error)
{
  const BenchTensor *x = a->in[0], *o = a->out;
  const guint *perm = a->op->p.permute.perm;
  gint64 in_stride[BENCH_GRAPH_MAX_DIMS], ostr[BENCH_GRAPH_MAX_DIMS];
  gint64 dims[BENCH_GRAPH_MAX_DIMS] = { 1, 1, 1, 1 };
  guint nd = x->n_dims;
  const guint32 *xd = a->in_data[0];
  guint32 *y = a->out_data;

  /* Strides of the input, visited in output order; pad to 4 dims. */
  in_stride[nd - 1] = 1;
  for (gint i = nd - 2; i >= 0; i--)
    in_stride[i] = in_stride[i + 1] * x->shape[i + 1];
  for (guint i = 0; i < BENCH_GRAPH_MAX_DIMS; i++)
    {
      guint pad = BENCH_GRAPH_MAX_DIMS - nd;
      if (i < pad)
        {
          dims[i] = 1;
          ostr[i] = 0;
        }
      else
        {
          dims[i] = o->shape[i - pad];
          ostr[i] = in_stride[perm[i - pad]];
        }
    }

  for (gint64 i0 = 0, n = 0; i0 < dims[0]; i0++)
    for (gint64 i1 = 0; i1 < dims[1]; i1++)
      for (gint64 i2 = 0; i2 < dims[2]; i2++)
        {
          const guint32 *src = xd + i0 * ostr[0] + i1 * ostr[1] + i2 * ostr[2];
          for (gint64 i3 = 0; i3 < dims[3]; i3++)
            y[n++] = src[i3 * ostr[3]];
        }
  return TRUE;
}

static void
outer_inner (const BenchTensor *t,
             guint              axis,
             gint64            *outer,
             gint64            *inner)
{
  *outer = 1;
  *inner = 1;
  for (guint i = 0; i < axis; i++)
    *outer *= t->shape[i];
  for (guint i = axis + 1; i < t->n_dims; i++)
    *inner *= t->shape[i];
}

static gboolean
ref_slice (const BenchOpArgs  *a,
           gpointer            user_data,
           GError            **error)
{
  guint axis = a->op->p.slice.axis;
  gint64 outer, inner, len = a->op->p.slice.length, full = a->in[0]->shape[axis];
  const guint32 *x = a->in_data[0];
  guint32 *y = a->out_data;

  outer_inner (a->in[0], axis, &outer, &inner);
  for (gint64 o = 0; o < outer; o++)
    memcpy (y + o * len * inner, x + (o * full + a->op->p.slice.start) * inner, len * inner * 4);
  return TRUE;
}

static gboolean
ref_concat (const BenchOpArgs  *a,
            gpointer            user_data,
            GError            **error)
{
  guint axis = a->op->p.concat.axis;
  gint64 outer, inner, outer_a, outer_b, la = a->in[0]->shape[axis], lb = a->in[1]->shape[axis];
  const guint32 *x = a->in_data[0], *z = a->in_data[1];
  guint32 *y = a->out_data;

  outer_inner (a->out, axis, &outer, &inner);
  /* A side with batch 1 is repeated over the batch. */
  outer_inner (a->in[0], axis, &outer_a, &inner);
  outer_inner (a->in[1], axis, &outer_b, &inner);
  for (gint64 o = 0; o < outer; o++)
    {
      memcpy (y + o * (la + lb) * inner, x + (o % outer_a) * la * inner, la * inner * 4);
      memcpy (y + (o * (la + lb) + la) * inner, z + (o % outer_b) * lb * inner, lb * inner * 4);
    }
  return TRUE;
}

static gboolean
ref_kv_append (const BenchOpArgs  *a,
               gpointer            user_data,
               GError            **error)
{
  const BenchTensor *c = a->in[0], *x = a->in[1];
  gint64 BH = c->shape[0] * c->shape[1], L = c->shape[2], D = c->shape[3], Tn = x->shape[2];
  const float *xd = IN (a, 1);
  float *cache = OUT (a);

  gint64 stride = a->out_mat_stride > 0 ? a->out_mat_stride : L * D;

  g_assert (a->out_data == a->in_data[0]);
  for (gint64 i = 0; i < BH; i++)
    memcpy (cache + i * stride + a->op->p.kv.position * D, xd + i * Tn * D, Tn * D * sizeof (float));
  return TRUE;
}

static const BenchOpTable reference_table = {
  .name = "reference",
  .kernels = {
    [BENCH_OP_LINEAR] = ref_linear,
    [BENCH_OP_MATMUL] = ref_matmul,
    [BENCH_OP_ADD] = ref_add,
    [BENCH_OP_MUL] = ref_mul,
    [BENCH_OP_LAYER_NORM] = ref_layer_norm,
    [BENCH_OP_RMS_NORM] = ref_rms_norm,
    [BENCH_OP_GROUP_NORM] = ref_group_norm,
    [BENCH_OP_SOFTMAX] = ref_softmax,
    [BENCH_OP_GELU] = ref_gelu,
    [BENCH_OP_RELU] = ref_relu,
    [BENCH_OP_SILU] = ref_silu,
    [BENCH_OP_TANH] = ref_tanh,
    [BENCH_OP_EMBEDDING] = ref_embedding,
    [BENCH_OP_CONV1D] = ref_conv1d,
    [BENCH_OP_CONV2D] = ref_conv2d,
    [BENCH_OP_MAX_POOL2D] = ref_pool2d,
    [BENCH_OP_AVG_POOL2D] = ref_pool2d,
    [BENCH_OP_GLOBAL_AVG_POOL] = ref_global_avg_pool,
    [BENCH_OP_RESHAPE] = ref_reshape,
    [BENCH_OP_PERMUTE] = ref_permute,
    [BENCH_OP_SLICE] = ref_slice,
    [BENCH_OP_CONCAT] = ref_concat,
    [BENCH_OP_KV_APPEND] = ref_kv_append,
  },
};

const BenchOpTable *
bench_reference_op_table (void)
{
  return &reference_table;
}

BenchGraphBuffers *
bench_reference_run (BenchGraph    *graph,
                     BenchWeights  *weights,
                     guint64        seed,
                     GError       **error)
{
  g_autoptr(BenchGraphBuffers) buffers = bench_graph_buffers_new (graph, weights, seed, error);

  if (buffers == NULL)
    return NULL;
  if (!bench_graph_execute (graph, &reference_table, buffers, error))
    return NULL;
  return g_steal_pointer (&buffers);
}
