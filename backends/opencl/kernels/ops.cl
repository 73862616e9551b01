/* ops.cl - fp32 kernels for every op of a model graph (bench-graph.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every tensor is a (buffer, element offset) pair: activations are ranges
 * of one arena buffer at the offsets planned by bench_graph_seal(), so no
 * sub-buffer (and its alignment rules) is needed. Element-wise kernels take
 * their element count and return past it, so the host may round the global
 * size up to the work-group size. Semantics follow the reference executor
 * (bench-reference.c) exactly; sums accumulate in fp32.
 *
 * The GEMM (gemm_ex) is built with the tile options of gemm.cl: -DTM -DTN
 * -DTK -DRM and -DVW (tiled, GPUs) or -DGEMM_PACKED and -DNV (CPUs).
 */

/* C[z] = alpha * A[z % a_mod] B[z] (+ bias), with any row/column strides
 * for A and B (transposed operands are strides), batch z = group id 2.
 * bias_mode 0: none; 1: one per column (linear); 2: one per row of the
 * (z % a_mod) group of M rows (grouped convolution). */
#define GEMM_EX_ARGS                                                        \
  const int M, const int N, const int K,                                    \
  __global const float *restrict A, const long a_off, const long a_bs,      \
  const int a_mod, const long a_rs, const long a_cs,                        \
  __global const float *restrict B, const long b_off, const long b_bs,      \
  const long b_rs, const long b_cs,                                         \
  __global float *restrict C, const long c_off, const long c_bs,            \
  const long ldc,                                                           \
  __global const float *restrict bias, const long bias_off,                 \
  const int bias_mode, const float alpha

#define GEMM_EX_SETUP                                                       \
  const int z = get_group_id (2);                                           \
  const int za = z % a_mod;                                                 \
  A += a_off + za * a_bs;                                                   \
  B += b_off + z * b_bs;                                                    \
  C += c_off + z * c_bs;                                                    \
  bias += bias_off + (bias_mode == 2 ? (long) za * M : 0)

#define GEMM_EX_STORE(row, col, value)                                      \
  C[(long) (row) * ldc + (col)] =                                           \
    alpha * (value) + (bias_mode == 1 ? bias[col]                           \
                       : bias_mode == 2 ? bias[row] : 0.0f)

#ifndef GEMM_PACKED

#ifndef TM
#define TM 64
#endif
#ifndef TN
#define TN 64
#endif
#ifndef TK
#define TK 16
#endif
#ifndef RM
#define RM 4
#endif
#ifndef VW
#define VW 4
#endif

#define WG_X (TN / VW)
#define WG_Y (TM / RM)
#define WG_SIZE (WG_X * WG_Y)

/* The tiled kernel of gemm.cl with strided operands: each work-item keeps
 * RM x VW accumulators (as scalars: stores are masked anyway). */
__kernel __attribute__ ((reqd_work_group_size (WG_X, WG_Y, 1)))
void
gemm_ex (GEMM_EX_ARGS)
{
  __local float As[TK * TM];
  __local float Bs[TK * TN];
  const int tx = get_local_id (0);
  const int ty = get_local_id (1);
  const int lid = ty * WG_X + tx;
  const int row0 = get_group_id (1) * TM;
  const int col0 = get_group_id (0) * TN;
  float acc[RM][VW];

  GEMM_EX_SETUP;

  for (int r = 0; r < RM; r++)
    for (int v = 0; v < VW; v++)
      acc[r][v] = 0.0f;

  for (int k0 = 0; k0 < K; k0 += TK)
    {
      for (int i = lid; i < TM * TK; i += WG_SIZE)
        {
          const int r = i / TK, kk = i % TK;
          const int gr = row0 + r, gk = k0 + kk;

          As[kk * TM + r] = (gr < M && gk < K) ? A[gr * a_rs + gk * a_cs] : 0.0f;
        }
      for (int i = lid; i < TK * TN; i += WG_SIZE)
        {
          const int kk = i / TN, c = i % TN;
          const int gk = k0 + kk, gc = col0 + c;

          Bs[kk * TN + c] = (gk < K && gc < N) ? B[gk * b_rs + gc * b_cs] : 0.0f;
        }
      barrier (CLK_LOCAL_MEM_FENCE);

      for (int kk = 0; kk < TK; kk++)
        for (int r = 0; r < RM; r++)
          {
            const float a = As[kk * TM + ty * RM + r];

            for (int v = 0; v < VW; v++)
              acc[r][v] = fma (a, Bs[kk * TN + tx * VW + v], acc[r][v]);
          }
      barrier (CLK_LOCAL_MEM_FENCE);
    }

  for (int r = 0; r < RM; r++)
    {
      const int row = row0 + ty * RM + r;

      if (row >= M)
        break;
      for (int v = 0; v < VW; v++)
        {
          const int col = col0 + tx * VW + v;

          if (col < N)
            GEMM_EX_STORE (row, col, acc[r][v]);
        }
    }
}

#else /* GEMM_PACKED */

#ifndef NV
#define NV 2
#endif

/* sgemm_packed of gemm.cl with strided operands: packing the panels into
 * __local memory is where the strides are paid, the register block is the
 * same. */
__kernel __attribute__ ((reqd_work_group_size (1, 1, 1)))
void
gemm_ex (GEMM_EX_ARGS)
{
  __local float As[TK * TM];
  __local float Bs[TK * TN];
  __local float Cs[TM * TN];
  const int row0 = get_group_id (1) * TM;
  const int col0 = get_group_id (0) * TN;

  GEMM_EX_SETUP;

  for (int i = 0; i < TM * TN; i += 8)
    vstore8 ((float8) (0.0f), 0, &Cs[i]);

  for (int k0 = 0; k0 < K; k0 += TK)
    {
      const int kmax = min (TK, K - k0);

      for (int r = 0; r < TM; r++)
        {
          const int gr = row0 + r;

          if (gr < M)
            for (int kk = 0; kk < kmax; kk++)
              As[kk * TM + r] = A[gr * a_rs + (k0 + kk) * a_cs];
          else
            for (int kk = 0; kk < kmax; kk++)
              As[kk * TM + r] = 0.0f;
        }
      for (int kk = 0; kk < kmax; kk++)
        {
          __global const float *src = &B[(k0 + kk) * b_rs + col0 * b_cs];

          if (b_cs == 1 && col0 + TN <= N)
            for (int c = 0; c < TN; c += 8)
              vstore8 (vload8 (0, src + c), 0, &Bs[kk * TN + c]);
          else if (b_rs == 1)
            break;  /* transposed B: packed column by column below */
          else
            for (int c = 0; c < TN; c++)
              Bs[kk * TN + c] = (col0 + c < N) ? src[c * b_cs] : 0.0f;
        }
      /* B[N, K] (a linear layer's weight): each column of the panel is a
       * contiguous run of k. */
      if (b_rs == 1 && !(b_cs == 1 && col0 + TN <= N))
        for (int c = 0; c < TN; c++)
          {
            __global const float *src = &B[k0 + (long) (col0 + c) * b_cs];

            if (col0 + c < N)
              for (int kk = 0; kk < kmax; kk++)
                Bs[kk * TN + c] = src[kk];
            else
              for (int kk = 0; kk < kmax; kk++)
                Bs[kk * TN + c] = 0.0f;
          }

      for (int mb = 0; mb < TM; mb += RM)
        for (int nb = 0; nb < TN; nb += 8 * NV)
          {
            float8 acc[RM][NV];

#pragma unroll
            for (int r = 0; r < RM; r++)
#pragma unroll
              for (int v = 0; v < NV; v++)
                acc[r][v] = vload8 (0, &Cs[(mb + r) * TN + nb + 8 * v]);

            for (int kk = 0; kk < kmax; kk++)
              {
                float8 b[NV];

#pragma unroll
                for (int v = 0; v < NV; v++)
                  b[v] = vload8 (0, &Bs[kk * TN + nb + 8 * v]);
#pragma unroll
                for (int r = 0; r < RM; r++)
                  {
                    const float8 a = (float8) (As[kk * TM + mb + r]);

#pragma unroll
                    for (int v = 0; v < NV; v++)
                      acc[r][v] = fma (a, b[v], acc[r][v]);
                  }
              }

#pragma unroll
            for (int r = 0; r < RM; r++)
#pragma unroll
              for (int v = 0; v < NV; v++)
                vstore8 (acc[r][v], 0, &Cs[(mb + r) * TN + nb + 8 * v]);
          }
    }

  for (int r = 0; r < TM && row0 + r < M; r++)
    for (int c = 0; c < TN && col0 + c < N; c++)
      GEMM_EX_STORE (row0 + r, col0 + c, Cs[r * TN + c]);
}

#endif /* GEMM_PACKED */

/* The same product for a row or two (decode steps: M = batch): one
 * work-item per element of C, a dot product over K, in float8 when both
 * operands are contiguous along K (a linear layer's [N, K] weight). The
 * tiled kernels would compute a whole tile of rows that do not exist.
 * Range: (N rounded up, M, batch). */
__kernel void
gemm_small (GEMM_EX_ARGS)
{
  const int n = get_global_id (0);
  const int m = get_global_id (1);
  __global const float *a;
  __global const float *b;
  float acc = 0.0f;
  int k = 0;

  GEMM_EX_SETUP;
  if (n >= N)
    return;
  a = A + m * a_rs;
  b = B + n * b_cs;
  if (a_cs == 1 && b_rs == 1)
    {
      float8 v = (float8) (0.0f);

      for (; k + 8 <= K; k += 8)
        v = fma (vload8 (0, a + k), vload8 (0, b + k), v);
      acc = ((v.s0 + v.s1) + (v.s2 + v.s3)) + ((v.s4 + v.s5) + (v.s6 + v.s7));
    }
  for (; k < K; k++)
    acc = fma (a[k * a_cs], b[k * b_rs], acc);
  GEMM_EX_STORE (m, n, acc);
}

/* The same product for GPUs: a work-group per output element, whose
 * work-items stride over K (neighbours read neighbouring weights of a
 * [N, K] weight's row, coalesced) and sum in local memory. One work-item
 * per output, as above, leaves each a K-long chain of dependent loads and
 * a weight row to itself. Range: (N * group, M, batch), local (group, 1,
 * 1), the group a power of two of at most GEMV_GROUP_MAX. */
#define GEMV_GROUP_MAX 64

__kernel void
gemm_gemv_group (GEMM_EX_ARGS)
{
  __local float part[GEMV_GROUP_MAX];
  const int n = get_group_id (0);
  const int m = get_global_id (1);
  const int l = get_local_id (0);
  const int group = get_local_size (0);
  __global const float *a;
  __global const float *b;
  float acc = 0.0f;

  GEMM_EX_SETUP;
  a = A + m * a_rs;
  b = B + n * b_cs;
  for (int k = l; k < K; k += group)
    acc = fma (a[k * a_cs], b[k * b_rs], acc);
  part[l] = acc;
  barrier (CLK_LOCAL_MEM_FENCE);
  for (int s = group / 2; s > 0; s >>= 1)
    {
      if (l < s)
        part[l] += part[l + s];
      barrier (CLK_LOCAL_MEM_FENCE);
    }
  if (l == 0 && n < N)
    GEMM_EX_STORE (m, n, part[0]);
}

/* dispatch-latency: nothing to do. */
__kernel void
empty (void)
{
}

/* add (op 0) / mul (op 1): b repeated over the leading dims of x. */
__kernel void
binary (const long n,
        __global const float *x, const long xo,
        __global const float *b, const long bo, const long nb,
        __global float *y, const long yo,
        const int op)
{
  const long i = get_global_id (0);
  float a, c;

  if (i >= n)
    return;
  a = x[xo + i];
  c = b[bo + (nb == n ? i : i % nb)];
  y[yo + i] = op == 0 ? a + c : a * c;
}

/* erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7, the
 * size of fp32 rounding near 1): built from exp, which every device
 * vectorises, where PoCL's erf runs a scalar library call. */
static float
erf_fast (float x)
{
  const float ax = fabs (x);
  const float t = 1.0f / (1.0f + 0.3275911f * ax);
  const float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f +
                     t * (-1.453152027f + t * 1.061405429f))));
  const float r = 1.0f - poly * exp (-ax * ax);

  return copysign (r, x);
}

/* One kernel per function: a switch on a run-time code would make
 * vectorising compilers (PoCL) evaluate every branch. */
#define UNARY(name, expr)                                   \
__kernel void                                               \
name (const long n,                                         \
      __global const float *x, const long xo,               \
      __global float *y, const long yo)                     \
{                                                           \
  const long i = get_global_id (0);                         \
  float v;                                                  \
                                                            \
  if (i >= n)                                               \
    return;                                                 \
  v = x[xo + i];                                            \
  y[yo + i] = (expr);                                       \
}

UNARY (gelu_erf, 0.5f * v * (1.0f + erf_fast (v * 0.70710678118654752f)))
UNARY (gelu_tanh, 0.5f * v * (1.0f + tanh (0.7978845608028654f * (v + 0.044715f * v * v * v))))
UNARY (gelu_quick, v / (1.0f + exp (-1.702f * v)))
UNARY (relu, v > 0.0f ? v : 0.0f)
UNARY (silu, v / (1.0f + exp (-v)))
UNARY (tanh_op, tanh (v))

/* layer norm (rms 0) or RMS norm (rms 1) over rows of N, one work-item per row. */
__kernel void
norm_rows (const long rows, const int N,
           __global const float *x, const long xo,
           __global const float *g, const long go,
           __global const float *b, const long bo, const int has_b,
           const float eps, const int rms,
           __global float *y, const long yo)
{
  const long r = get_global_id (0);
  __global const float *xr;
  __global float *yr;
  float mean = 0.0f, var = 0.0f, rstd;

  if (r >= rows)
    return;
  xr = x + xo + r * N;
  yr = y + yo + r * N;
  g += go;
  b += bo;

  if (rms)
    {
      for (int i = 0; i < N; i++)
        var += xr[i] * xr[i];
      rstd = rsqrt (var / N + eps);
      for (int i = 0; i < N; i++)
        yr[i] = xr[i] * rstd * g[i];
      return;
    }

  for (int i = 0; i < N; i++)
    mean += xr[i];
  mean /= N;
  for (int i = 0; i < N; i++)
    {
      const float d = xr[i] - mean;

      var += d * d;
    }
  rstd = rsqrt (var / N + eps);
  for (int i = 0; i < N; i++)
    yr[i] = (xr[i] - mean) * rstd * g[i] + (has_b ? b[i] : 0.0f);
}

/* Work-group variants (GPUs): one work-group of a power of two (at most
 * ROW_GROUP_MAX) work-items per row, reducing in __local memory. Every
 * work-item of the group calls these. */
#define ROW_GROUP_MAX 256

static float
group_sum (__local float *red,
           float          v)
{
  const int lid = get_local_id (0);
  float r;

  red[lid] = v;
  barrier (CLK_LOCAL_MEM_FENCE);
  for (int s = get_local_size (0) / 2; s > 0; s >>= 1)
    {
      if (lid < s)
        red[lid] += red[lid + s];
      barrier (CLK_LOCAL_MEM_FENCE);
    }
  r = red[0];
  barrier (CLK_LOCAL_MEM_FENCE);
  return r;
}

static float
group_max (__local float *red,
           float          v)
{
  const int lid = get_local_id (0);
  float r;

  red[lid] = v;
  barrier (CLK_LOCAL_MEM_FENCE);
  for (int s = get_local_size (0) / 2; s > 0; s >>= 1)
    {
      if (lid < s)
        red[lid] = fmax (red[lid], red[lid + s]);
      barrier (CLK_LOCAL_MEM_FENCE);
    }
  r = red[0];
  barrier (CLK_LOCAL_MEM_FENCE);
  return r;
}

/* norm_rows with a work-group per row (range: rows x group size). */
__kernel void
norm_rows_wg (const long rows, const int N,
              __global const float *x, const long xo,
              __global const float *g, const long go,
              __global const float *b, const long bo, const int has_b,
              const float eps, const int rms,
              __global float *y, const long yo)
{
  __local float red[ROW_GROUP_MAX];
  const long r = get_group_id (0);
  const int lid = get_local_id (0), ls = get_local_size (0);
  __global const float *xr = x + xo + r * N;
  __global float *yr = y + yo + r * N;
  float mean = 0.0f, acc = 0.0f, rstd;

  g += go;
  b += bo;
  if (!rms)
    {
      for (int i = lid; i < N; i += ls)
        acc += xr[i];
      mean = group_sum (red, acc) / N;
      acc = 0.0f;
    }
  for (int i = lid; i < N; i += ls)
    {
      const float d = xr[i] - mean;

      acc += d * d;
    }
  rstd = rsqrt (group_sum (red, acc) / N + eps);
  for (int i = lid; i < N; i += ls)
    yr[i] = rms ? xr[i] * rstd * g[i]
                : (xr[i] - mean) * rstd * g[i] + (has_b ? b[i] : 0.0f);
}

/* softmax_rows with a work-group per row (range: rows x group size). */
__kernel void
softmax_rows_wg (const long rows, const int Lk, const int Lq, const long per_batch,
                 __global const float *x, const long xo,
                 __global const float *keep, const long ko,
                 const int mask, const float scale,
                 __global float *y, const long yo)
{
  __local float red[ROW_GROUP_MAX];
  const long r = get_group_id (0);
  const int lid = get_local_id (0), ls = get_local_size (0);
  __global const float *xr = x + xo + r * Lk;
  __global const float *kr = keep + ko + (r / per_batch) * Lk;
  __global float *yr = y + yo + r * Lk;
  const int limit = mask == 1 ? (int) (r % Lq) + (Lk - Lq) : Lk - 1;
  float mx = -INFINITY, sum = 0.0f;

  for (int j = lid; j <= limit; j += ls)
    if (mask != 2 || kr[j] != 0.0f)
      mx = fmax (mx, scale * xr[j]);
  mx = group_max (red, mx);
  for (int j = lid; j < Lk; j += ls)
    {
      const int on = j <= limit && (mask != 2 || kr[j] != 0.0f);
      const float e = on ? exp (scale * xr[j] - mx) : 0.0f;

      yr[j] = e;
      sum += e;
    }
  sum = group_sum (red, sum);
  for (int j = lid; j < Lk; j += ls)
    yr[j] = sum > 0.0f ? yr[j] / sum : 0.0f;
}

/* x[B, C, L]: one work-item per (batch, group). */
__kernel void
group_norm (const long n_groups, const int C, const long L, const int G,
            __global const float *x, const long xo,
            __global const float *g, const long go,
            __global const float *b, const long bo,
            const float eps,
            __global float *y, const long yo)
{
  const long id = get_global_id (0);
  const int Cg = C / G;
  long bi, gi, n;
  __global const float *xg;
  __global float *yg;
  float mean = 0.0f, var = 0.0f, rstd;

  if (id >= n_groups)
    return;
  bi = id / G;
  gi = id % G;
  n = Cg * L;
  xg = x + xo + (bi * C + gi * Cg) * L;
  yg = y + yo + (bi * C + gi * Cg) * L;

  for (long i = 0; i < n; i++)
    mean += xg[i];
  mean /= n;
  for (long i = 0; i < n; i++)
    {
      const float d = xg[i] - mean;

      var += d * d;
    }
  rstd = rsqrt (var / n + eps);
  for (int c = 0; c < Cg; c++)
    {
      const float s = rstd * g[go + gi * Cg + c], t = b[bo + gi * Cg + c];

      for (long l = 0; l < L; l++)
        yg[c * L + l] = (xg[c * L + l] - mean) * s + t;
    }
}

/* Softmax over rows of Lk after scale and mask (0 none, 1 causal, 2
 * padding keep-mask [B, Lk]); masked positions get 0, a row with every
 * position masked is zeros. One work-item per row. */
__kernel void
softmax_rows (const long rows, const int Lk, const int Lq, const long per_batch,
              __global const float *x, const long xo,
              __global const float *keep, const long ko,
              const int mask, const float scale,
              __global float *y, const long yo)
{
  const long r = get_global_id (0);
  __global const float *xr;
  __global const float *kr;
  __global float *yr;
  int limit;
  float mx = -INFINITY, sum = 0.0f, inv;

  if (r >= rows)
    return;
  xr = x + xo + r * Lk;
  yr = y + yo + r * Lk;
  kr = keep + ko + (r / per_batch) * Lk;
  limit = mask == 1 ? (int) (r % Lq) + (Lk - Lq) : Lk - 1;

  for (int j = 0; j <= limit; j++)
    if (mask != 2 || kr[j] != 0.0f)
      mx = fmax (mx, scale * xr[j]);
  for (int j = 0; j < Lk; j++)
    {
      const int on = j <= limit && (mask != 2 || kr[j] != 0.0f);
      const float e = on ? exp (scale * xr[j] - mx) : 0.0f;

      yr[j] = e;
      sum += e;
    }
  inv = sum > 0.0f ? 1.0f / sum : 0.0f;
  for (int j = 0; j < Lk; j++)
    yr[j] = sum > 0.0f ? yr[j] * inv : 0.0f;
}

/* y[i, :] = table[ids[i], :]; an id outside the table gives NaN, which
 * validation reports (the reference fails with an error). */
__kernel void
embedding (const long n, const int H, const int V,
           __global const int *ids, const long io,
           __global const float *table, const long to,
           __global float *y, const long yo)
{
  const long i = get_global_id (0);
  int id;

  if (i >= n)
    return;
  id = ids[io + i / H];
  y[yo + i] = (id >= 0 && id < V) ? table[to + (long) id * H + i % H] : NAN;
}

/* col[z = b * G + g][c * KH * KW + kh * KW + kw][oh * Wo + ow] for the
 * convolution's GEMM; conv1d is H = KH = 1. Range (Wo rounded up, Ho,
 * B * G * Cg * KH * KW): the index arithmetic is per row, shared by the
 * work-items along ow. */
__kernel void
im2col (__global const float *x, const long xo,
        const int C, const int H, const int W, const int G,
        const int KH, const int KW, const int Ho, const int Wo,
        const int sh, const int sw, const int ph, const int pw,
        __global float *col)
{
  const int ow = get_global_id (0);
  const int oh = get_global_id (1);
  const int zc = get_global_id (2);
  const int Cg = C / G;
  const int CK = Cg * KH * KW;
  const int z = zc / CK, ck = zc % CK;
  const int b = z / G, g = z % G;
  const int c = ck / (KH * KW), kh = (ck / KW) % KH, kw = ck % KW;
  const int ih = oh * sh - ph + kh, iw = ow * sw - pw + kw;

  if (ow >= Wo)
    return;
  col[((long) zc * Ho + oh) * Wo + ow] =
    (ih >= 0 && ih < H && iw >= 0 && iw < W)
      ? x[xo + (((long) b * C + g * Cg + c) * H + ih) * W + iw] : 0.0f;
}

/* Max pooling ignores padding; average divides by the whole window. */
__kernel void
pool2d (const long n,
        __global const float *x, const long xo,
        const int H, const int W, const int Ho, const int Wo,
        const int k, const int s, const int p, const int is_max,
        __global float *y, const long yo)
{
  const long i = get_global_id (0);
  long c;
  int oh, ow;
  float acc;

  if (i >= n)
    return;
  ow = i % Wo;
  oh = (i / Wo) % Ho;
  c = i / ((long) Wo * Ho);
  acc = is_max ? -INFINITY : 0.0f;
  for (int kh = 0; kh < k; kh++)
    for (int kw = 0; kw < k; kw++)
      {
        const int ih = oh * s - p + kh, iw = ow * s - p + kw;
        float v;

        if (ih < 0 || ih >= H || iw < 0 || iw >= W)
          continue;
        v = x[xo + (c * H + ih) * W + iw];
        acc = is_max ? fmax (acc, v) : acc + v;
      }
  y[yo + i] = is_max ? acc : acc / (float) (k * k);
}

__kernel void
global_avg_pool (const long n, const long HW,
                 __global const float *x, const long xo,
                 __global float *y, const long yo)
{
  const long c = get_global_id (0);
  float acc = 0.0f;

  if (c >= n)
    return;
  for (long i = 0; i < HW; i++)
    acc += x[xo + c * HW + i];
  y[yo + c] = acc / HW;
}

/* Output dims d0..d3 (padded to 4), input strides s0..s3 visited in output
 * order. 32-bit words: f32 and i32 alike. */
__kernel void
permute (const long n,
         __global const uint *x, const long xo,
         const long d1, const long d2, const long d3,
         const long s0, const long s1, const long s2, const long s3,
         __global uint *y, const long yo)
{
  const long i = get_global_id (0);
  long t, i0, i1, i2, i3;

  if (i >= n)
    return;
  i3 = i % d3;
  t = i / d3;
  i2 = t % d2;
  t /= d2;
  i1 = t % d1;
  i0 = t / d1;
  y[yo + i] = x[xo + i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3];
}

__kernel void
slice (const long n,
       __global const uint *x, const long xo,
       const long full, const long start, const long len, const long inner,
       __global uint *y, const long yo)
{
  const long i = get_global_id (0);
  long in, t, j, o;

  if (i >= n)
    return;
  in = i % inner;
  t = i / inner;
  j = t % len;
  o = t / len;
  y[yo + i] = x[xo + (o * full + start + j) * inner + in];
}

/* A side with fewer outer rows (batch 1) is repeated. */
__kernel void
concat (const long n,
        __global const uint *a, const long ao,
        __global const uint *b, const long bo,
        const long la, const long lb, const long inner,
        const long outer_a, const long outer_b,
        __global uint *y, const long yo)
{
  const long i = get_global_id (0);
  long in, t, j, o;

  if (i >= n)
    return;
  in = i % inner;
  t = i / inner;
  j = t % (la + lb);
  o = t / (la + lb);
  y[yo + i] = j < la ? a[ao + ((o % outer_a) * la + j) * inner + in]
                     : b[bo + ((o % outer_b) * lb + (j - la)) * inner + in];
}

/* x[BH, T, D] into cache[BH, capacity, D] at row pos (stride = capacity * D). */
__kernel void
kv_append (const long n,
           __global const float *x, const long xo,
           const int T, const int D,
           __global float *cache, const long co, const long stride,
           const long pos)
{
  const long i = get_global_id (0);
  long d, t, bh;

  if (i >= n)
    return;
  d = i % D;
  t = (i / D) % T;
  bh = i / ((long) D * T);
  cache[co + bh * stride + (pos + t) * D + d] = x[xo + i];
}
