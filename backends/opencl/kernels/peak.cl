/* peak.cl - peak fp32 throughput: independent FMA chains.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each work-item runs CHAINS chains of float8 acc = fma (acc, m, h) for
 * `inner` steps. m is a kernel argument (the host passes 1.0f) so that the
 * compiler cannot turn fma (x, 1, h) into an add; with m = 1 and h = 1 the
 * result is exactly acc0 + inner, which the host checks.
 * FLOPs = global size * inner * CHAINS * 8 lanes * 2.
 */
#ifndef CHAINS
#define CHAINS 12
#endif

__kernel void
peak_flops (__global float *restrict out,
            const float m,
            const float h,
            const int inner)
{
  const size_t gid = get_global_id (0);
  float8 acc[CHAINS];

  for (int c = 0; c < CHAINS; c++)
    acc[c] = (float8) (0.0f, 1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f, 7.0f) + (float) c;

  for (int i = 0; i < inner; i++)
    {
#pragma unroll
      for (int c = 0; c < CHAINS; c++)
        acc[c] = fma (acc[c], m, h);
    }

  for (int c = 0; c < CHAINS; c++)
    vstore8 (acc[c], 0, &out[(gid * CHAINS + c) * 8]);
}
