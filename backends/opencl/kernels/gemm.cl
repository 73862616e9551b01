/* gemm.cl - fp32 GEMM, C[M x N] = A[M x K] * B[K x N], row-major.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The host sets the tile shape with -D options:
 *   TM x TN  the C tile of one work-group,
 *   TK       the K depth staged in __local memory per step,
 *   RM       rows of C per work-item (RM floatN accumulators),
 *   VW       columns of C per work-item, as one vector (4 or 8).
 * A work-group is (TN / VW) x (TM / RM) work-items. Tiles that run past
 * M, N or K are zero-filled on load and masked on store, so any size works.
 *
 * With -DGEMM_PACKED the file holds sgemm_packed instead, the variant for
 * CPU devices (PoCL): see there.
 */

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
#define RM 8
#endif
#ifndef VW
#define VW 8
#endif

#if VW == 8
#define floatV float8
#define vloadV vload8
#define vstoreV vstore8
#elif VW == 4
#define floatV float4
#define vloadV vload4
#define vstoreV vstore4
#else
#error "VW must be 4 or 8"
#endif

#define WG_X (TN / VW)
#define WG_Y (TM / RM)
#define WG_SIZE (WG_X * WG_Y)

__kernel __attribute__ ((reqd_work_group_size (WG_X, WG_Y, 1)))
void
sgemm_tiled (const int M,
             const int N,
             const int K,
             __global const float *restrict A,
             __global const float *restrict B,
             __global float *restrict C)
{
  /* A is stored transposed (k-major) so that a work-item's RM values of
   * one k are contiguous; B rows are read as vectors. */
  __local float As[TK * TM];
  __local float Bs[TK * TN];
  const int tx = get_local_id (0);
  const int ty = get_local_id (1);
  const int lid = ty * WG_X + tx;
  const int row0 = get_group_id (1) * TM;
  const int col0 = get_group_id (0) * TN;
  floatV acc[RM];

  for (int r = 0; r < RM; r++)
    acc[r] = (floatV) (0.0f);

  for (int k0 = 0; k0 < K; k0 += TK)
    {
      for (int i = lid; i < TM * TK; i += WG_SIZE)
        {
          const int r = i / TK;
          const int kk = i % TK;
          const int gr = row0 + r;
          const int gk = k0 + kk;

          As[kk * TM + r] = (gr < M && gk < K) ? A[(size_t) gr * K + gk] : 0.0f;
        }
      for (int i = lid; i < TK * TN; i += WG_SIZE)
        {
          const int kk = i / TN;
          const int c = i % TN;
          const int gk = k0 + kk;
          const int gc = col0 + c;

          Bs[kk * TN + c] = (gk < K && gc < N) ? B[(size_t) gk * N + gc] : 0.0f;
        }
      barrier (CLK_LOCAL_MEM_FENCE);

      for (int kk = 0; kk < TK; kk++)
        {
          const floatV b = vloadV (0, &Bs[kk * TN + tx * VW]);
          __local const float *a = &As[kk * TM + ty * RM];

          for (int r = 0; r < RM; r++)
            acc[r] = fma ((floatV) (a[r]), b, acc[r]);
        }
      barrier (CLK_LOCAL_MEM_FENCE);
    }

  {
    const int col = col0 + tx * VW;

    for (int r = 0; r < RM; r++)
      {
        const int row = row0 + ty * RM + r;

        if (row >= M)
          break;
        if (col + VW <= N)
          {
            vstoreV (acc[r], 0, &C[(size_t) row * N + col]);
          }
        else
          {
            float tmp[VW];

            vstoreV (acc[r], 0, tmp);
            for (int j = 0; j < VW && col + j < N; j++)
              C[(size_t) row * N + col + j] = tmp[j];
          }
      }
  }
}

/* One work-item per element of C: the baseline the tiled kernel is
 * measured against. */
__kernel void
sgemm_naive (const int M,
             const int N,
             const int K,
             __global const float *restrict A,
             __global const float *restrict B,
             __global float *restrict C)
{
  const int col = get_global_id (0);
  const int row = get_global_id (1);
  float acc = 0.0f;

  if (row >= M || col >= N)
    return;

  for (int k = 0; k < K; k++)
    acc = fma (A[(size_t) row * K + k], B[(size_t) k * N + col], acc);
  C[(size_t) row * N + col] = acc;
}

#else /* GEMM_PACKED */

/*
 * sgemm_packed: one work-item per work-group, for CPU devices. PoCL runs
 * a work-group's work-items as a loop and keeps what lives across barriers
 * in memory; a single work-item avoids both and runs like a CPU GEMM:
 * the TM x TK panel of A (transposed) and the TK x TN panel of B are
 * packed into __local memory, a TM x TN block of C accumulates in __local
 * memory across K panels, and an RM x (8 * NV) register block (6 x 16 by
 * default: 12 float8 accumulators, 2 vector loads and 6 broadcasts per
 * 12 FMAs) sweeps it. Needs (TK * TM + TK * TN + TM * TN) * 4 bytes of
 * local memory.
 */
#ifndef NV
#define NV 2
#endif

__kernel __attribute__ ((reqd_work_group_size (1, 1, 1)))
void
sgemm_packed (const int M,
              const int N,
              const int K,
              __global const float *restrict A,
              __global const float *restrict B,
              __global float *restrict C)
{
  __local float As[TK * TM];
  __local float Bs[TK * TN];
  __local float Cs[TM * TN];
  const int row0 = get_group_id (1) * TM;
  const int col0 = get_group_id (0) * TN;

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
              As[kk * TM + r] = A[(size_t) gr * K + k0 + kk];
          else
            for (int kk = 0; kk < kmax; kk++)
              As[kk * TM + r] = 0.0f;
        }
      for (int kk = 0; kk < kmax; kk++)
        {
          __global const float *src = &B[(size_t) (k0 + kk) * N + col0];

          if (col0 + TN <= N)
            for (int c = 0; c < TN; c += 8)
              vstore8 (vload8 (0, src + c), 0, &Bs[kk * TN + c]);
          else
            for (int c = 0; c < TN; c++)
              Bs[kk * TN + c] = (col0 + c < N) ? src[c] : 0.0f;
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
      C[(size_t) (row0 + r) * N + col0 + c] = Cs[r * TN + c];
}

#endif /* GEMM_PACKED */
