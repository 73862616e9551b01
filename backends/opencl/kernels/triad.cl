/* triad.cl - STREAM triad, a[i] = b[i] + s * c[i].
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * stream_triad: four elements per work-item as one float4, for GPUs
 * (neighbouring work-items coalesce into wide transactions); the first
 * n % 4 work-items also take one element of the tail. The global size
 * covers n / 4 work-items (at least one), rounded up to the group size.
 */
__kernel void
stream_triad (__global float *restrict a,
              __global const float *restrict b,
              __global const float *restrict c,
              const float s,
              const ulong n)
{
  const size_t i = get_global_id (0);
  const size_t n4 = n / 4;

  if (i < n4)
    vstore4 (vload4 (i, b) + s * vload4 (i, c), i, a);
  if (i < n % 4)
    a[n4 * 4 + i] = b[n4 * 4 + i] + s * c[n4 * 4 + i];
}

__kernel __attribute__ ((reqd_work_group_size (1, 1, 1)))
void
stream_triad_chunked (__global float *restrict a,
                      __global const float *restrict b,
                      __global const float *restrict c,
                      const float s,
                      const ulong n)
{
  const size_t items = get_global_size (0);
  const size_t chunk = ((n + items - 1) / items + 15) / 16 * 16;
  size_t i = get_global_id (0) * chunk;
  const size_t end = min (i + chunk, (size_t) n);

  for (; i + 16 <= end; i += 16)
    vstore16 (vload16 (0, b + i) + s * vload16 (0, c + i), 0, a + i);
  for (; i < end; i++)
    a[i] = b[i] + s * c[i];
}
