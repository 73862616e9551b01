// SPDX-License-Identifier: GPL-3.0-or-later
//
// C = A * B, row-major fp32, M x K times K x N, for GPUs.
// Tiled through shared memory with register blocking: the workgroup owns
// a BM x BN tile of C (BM = WY * RM, BN = WX * RN), each invocation a
// block of RM consecutive rows by RN consecutive columns, so that one k
// step reads RM / 4 vec4s of A and RN / 4 vec4s of B from shared memory
// for RM * RN fused multiply-adds. Loads are bounds-checked and
// zero-filled, so any M, N, K works.
//
// The tile is either specialization constants (any shape, for tuning
// through BENCHTOP_VULKAN_GEMM) or, built with -DFIXED, compile-time
// constants. The difference is large on NVIDIA's driver: on an H100 the
// specialized 64x64 tile ran at 1.9 TFLOP/s and the same tile built fixed
// at 21.6 (4096^3), so the backend embeds fixed builds of the tiles it
// picks by default (see meson.build).
#version 450
#extension GL_EXT_control_flow_attributes : require

#ifdef FIXED
const uint WX = FWX;
const uint WY = FWY;
const uint RM = FRM;   // multiple of 4
const uint RN = FRN;   // multiple of 4
const uint TK = FTK;
layout(local_size_x = FWX, local_size_y = FWY, local_size_z = 1) in;
#else
layout(constant_id = 0) const uint WX = 16;
layout(constant_id = 1) const uint WY = 16;
layout(constant_id = 2) const uint RM = 4;   // multiple of 4
layout(constant_id = 3) const uint RN = 4;   // multiple of 4
layout(constant_id = 4) const uint TK = 16;
layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z = 1) in;
#endif

layout(push_constant) uniform Params { uint M; uint N; uint K; } p;

layout(std430, set = 0, binding = 0) readonly buffer ABuf { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer BBuf { float b[]; };
layout(std430, set = 0, binding = 2) writeonly buffer CBuf { float c[]; };
// B again as vec4s, used when N is a multiple of 4 (rows stay aligned).
layout(std430, set = 0, binding = 3) readonly buffer B4Buf { vec4 b4[]; };

const uint BM = WY * RM;
const uint BN = WX * RN;
const uint RM4 = RM / 4;
const uint RN4 = RN / 4;
const uint BM4 = BM / 4;
const uint BN4 = BN / 4;
const uint THREADS = WX * WY;

// A transposed, k-major: As[k * BM4 + m / 4][m % 4].
shared vec4 As[TK * BM4];
// Bs[k * BN4 + n / 4].
shared vec4 Bs[TK * BN4];

void
main ()
{
  const uint tx = gl_LocalInvocationID.x;
  const uint ty = gl_LocalInvocationID.y;
  const uint tid = ty * WX + tx;
  const uint m0 = gl_WorkGroupID.y * BM;
  const uint n0 = gl_WorkGroupID.x * BN;
  const bool aligned = (p.N & 3u) == 0u;

  vec4 acc[RM][RN4];
  [[unroll]] for (uint i = 0; i < RM; i++)
    [[unroll]] for (uint j = 0; j < RN4; j++)
      acc[i][j] = vec4 (0.0);

  for (uint k0 = 0; k0 < p.K; k0 += TK)
    {
      // A tile: BM rows x TK columns, consecutive invocations read along K.
      for (uint e = tid; e < BM * TK; e += THREADS)
        {
          uint kk = e % TK;
          uint m = e / TK;
          uint gm = m0 + m;
          uint gk = k0 + kk;
          As[kk * BM4 + m / 4u][m % 4u] = (gm < p.M && gk < p.K) ? a[gm * p.K + gk] : 0.0;
        }
      // B tile: TK rows x BN columns, as vec4s.
      for (uint e = tid; e < TK * BN4; e += THREADS)
        {
          uint n4 = e % BN4;
          uint kk = e / BN4;
          uint gk = k0 + kk;
          uint gn = n0 + n4 * 4u;
          vec4 v = vec4 (0.0);
          if (gk < p.K)
            {
              if (aligned && gn + 3u < p.N)
                v = b4[(gk * p.N + gn) / 4u];
              else
                for (uint q = 0; q < 4u; q++)
                  if (gn + q < p.N)
                    v[q] = b[gk * p.N + gn + q];
            }
          Bs[kk * BN4 + n4] = v;
        }
      barrier ();
      [[unroll]] for (uint kk = 0; kk < TK; kk++)
        {
          vec4 av[RM4];
          vec4 bv[RN4];
          [[unroll]] for (uint i = 0; i < RM4; i++)
            av[i] = As[kk * BM4 + ty * RM4 + i];
          [[unroll]] for (uint j = 0; j < RN4; j++)
            bv[j] = Bs[kk * BN4 + tx * RN4 + j];
          [[unroll]] for (uint i = 0; i < RM4; i++)
            [[unroll]] for (uint q = 0; q < 4u; q++)
              [[unroll]] for (uint j = 0; j < RN4; j++)
                acc[i * 4u + q][j] = fma (vec4 (av[i][q]), bv[j], acc[i * 4u + q][j]);
        }
      barrier ();
    }
  [[unroll]] for (uint i = 0; i < RM; i++)
    {
      uint gm = m0 + ty * RM + i;
      if (gm >= p.M)
        continue;
      [[unroll]] for (uint j = 0; j < RN4; j++)
        {
          uint gn = n0 + (tx * RN4 + j) * 4u;
          [[unroll]] for (uint q = 0; q < 4u; q++)
            if (gn + q < p.N)
              c[gm * p.N + gn + q] = acc[i][j][q];
        }
    }
}
