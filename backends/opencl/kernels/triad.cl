/* triad.cl - STREAM triad, a[i] = b[i] + s * c[i].
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * stream_triad: one element per work-item, for GPUs (neighbouring
 * work-items coalesce). The global size is rounded up to the group size.
 */
__kernel void
stream_triad (__global float *restrict a,
              __global const float *restrict b,
              __global const float *restrict c,
              const float s,
              const ulong n)
{
  const size_t i = get_global_id (0);

  if (i < n)
    a[i] = b[i] + s * c[i];
}

/* The CPU variant: PoCL runs one work-item per group best, so each
 * work-item streams one contiguous chunk (a multiple of 16 elements) with
 * float16 loads and stores, and the last few elements one by one. */
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
