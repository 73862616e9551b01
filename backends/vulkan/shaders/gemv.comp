// SPDX-License-Identifier: GPL-3.0-or-later
//
// A linear layer on a few rows (decode steps, last-token heads):
// C = A B (+ bias), A M x K with M small, B K x N. Each invocation owns
// four neighbouring columns for every row, so neighbouring invocations
// read neighbouring vec4s of B and B is read once; the rows of A are the
// same for the whole workgroup. The push constants are mm.comp's.
#version 450

layout(local_size_x = 64) in;

layout(push_constant) uniform Params { uint u[32]; } p;

layout(std430, set = 0, binding = 0) readonly buffer ABuf { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer BBuf { float b[]; };
layout(std430, set = 0, binding = 1) readonly buffer B4Buf { vec4 b4[]; };
layout(std430, set = 0, binding = 2) readonly buffer BiasBuf { float bias[]; };
layout(std430, set = 0, binding = 3) writeonly buffer CBuf { float c[]; };

const uint ROWS = 4u;

void
main ()
{
  const uint M = p.u[0], N = p.u[1], K = p.u[2];
  const uint n = (gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * 64u) * 4u;
  const bool vec = p.u[26] != 0u && n + 3u < N;

  if (n >= N)
    return;

  for (uint m0 = 0; m0 < M; m0 += ROWS)
    {
      vec4 acc[ROWS];

      for (uint i = 0; i < ROWS; i++)
        acc[i] = vec4 (0.0);
      for (uint k = 0; k < K; k++)
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
      for (uint i = 0; i < ROWS && m0 + i < M; i++)
        for (uint q = 0; q < 4u && n + q < N; q++)
          {
            float v = uintBitsToFloat (p.u[5]) * acc[i][q];
            if (p.u[6] == 1u)
              v += bias[p.u[8] + n + q];
            c[(m0 + i) * p.u[7] + p.u[8] + n + q] = v;
          }
    }
}
