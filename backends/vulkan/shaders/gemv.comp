// SPDX-License-Identifier: GPL-3.0-or-later
//
// A linear layer on a few rows (decode steps, last-token heads):
// C = A B (+ bias), A M x K with M small, B K x N. Each invocation owns
// four neighbouring columns for every row, so neighbouring invocations
// read neighbouring vec4s of B and B is read once; the rows of A are the
// same for the whole workgroup. The push constants are mm.comp's.
//
// KS > 1 splits K over the workgroup's y dimension, KS slices summed in
// shared memory at the end: a GPU then has KS times more invocations in
// flight per column, and each one a K / KS long chain of dependent loads
// instead of a K long one (a single slice leaves a large GPU latency-bound
// on a handful of multiprocessors). CPU devices keep KS = 1.
#version 450

layout(constant_id = 0) const uint WX = 64;   // column quads per workgroup
layout(constant_id = 1) const uint KS = 1;    // K slices per workgroup

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z = 1) in;

layout(push_constant) uniform Params { uint u[32]; } p;

layout(std430, set = 0, binding = 0) readonly buffer ABuf { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer BBuf { float b[]; };
layout(std430, set = 0, binding = 1) readonly buffer B4Buf { vec4 b4[]; };
layout(std430, set = 0, binding = 2) readonly buffer BiasBuf { float bias[]; };
layout(std430, set = 0, binding = 3) writeonly buffer CBuf { float c[]; };

const uint ROWS = 4u;

shared vec4 partial[KS * WX * ROWS];

void
main ()
{
  const uint M = p.u[0], N = p.u[1], K = p.u[2];
  const uint lx = gl_LocalInvocationID.x, ly = gl_LocalInvocationID.y;
  const uint group = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
  const uint n = (group * WX + lx) * 4u;
  const bool in_range = n < N;
  const bool vec = p.u[26] != 0u && n + 3u < N;

  // No early return: every invocation must reach the barriers.
  for (uint m0 = 0; m0 < M; m0 += ROWS)
    {
      vec4 acc[ROWS];

      for (uint i = 0; i < ROWS; i++)
        acc[i] = vec4 (0.0);
      if (in_range)
        for (uint k = ly; k < K; k += KS)
          {
            vec4 bv;

            if (vec)
              bv = b4[(k * N + n) / 4u];
            else
              for (uint q = 0; q < 4u; q++)
                bv[q] = n + q < N ? b[k * N + n + q] : 0.0;
            for (uint i = 0; i < ROWS; i++)
              if (m0 + i < M)
                acc[i] = fma (vec4 (a[(m0 + i) * K + k]), bv, acc[i]);
          }

      if (KS > 1u)
        {
          for (uint i = 0; i < ROWS; i++)
            partial[(ly * WX + lx) * ROWS + i] = acc[i];
          memoryBarrierShared ();
          barrier ();
          if (ly == 0u)
            for (uint s = 1u; s < KS; s++)
              for (uint i = 0; i < ROWS; i++)
                acc[i] += partial[(s * WX + lx) * ROWS + i];
        }

      if (ly == 0u && in_range)
        for (uint i = 0; i < ROWS && m0 + i < M; i++)
          for (uint q = 0; q < 4u && n + q < N; q++)
            {
              float v = uintBitsToFloat (p.u[5]) * acc[i][q];
              if (p.u[6] == 1u)
                v += bias[p.u[8] + n + q];
              c[(m0 + i) * p.u[7] + p.u[8] + n + q] = v;
            }

      if (KS > 1u)
        barrier ();   // partial[] is rewritten by the next rows
    }
}
