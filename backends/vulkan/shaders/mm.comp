// SPDX-License-Identifier: GPL-3.0-or-later
//
// The matrix core of linear, matmul and convolution: C = alpha A B (+ bias),
// A row-major M x K, B K x N (or N x K when transposed, or the implicit
// im2col matrix of a convolution input when CONV is 1), batched over
// gl_WorkGroupID.z. Tiled like gemm.comp (shared memory, register blocks);
// loads are bounds-checked, so any shape works.
#version 450
#extension GL_EXT_control_flow_attributes : require

layout(constant_id = 0) const uint WX = 16;
layout(constant_id = 1) const uint WY = 16;
layout(constant_id = 2) const uint RM = 4;
layout(constant_id = 3) const uint RN = 4;   // multiple of 4
layout(constant_id = 4) const uint TK = 16;
layout(constant_id = 5) const uint CONV = 0;

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z = 1) in;

// 0 M, 1 N, 2 K, 3 G (z = outer * G + inner), 4 transB, 5 alpha (bits),
// 6 bias mode (0 none, 1 per column, 2 per row), 7 ldc, 8 first column,
// 9/10 A outer/inner stride, 11/12 B, 13/14 C, 15/16 bias,
// conv: 17 H, 18 W, 19 KH, 20 KW, 21 stride h, 22 stride w, 23 pad h,
// 24 pad w, 25 output width; 26: B may be read as vec4s.
layout(push_constant) uniform Params { uint u[32]; } p;

layout(std430, set = 0, binding = 0) readonly buffer ABuf { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer BBuf { float b[]; };
// B again as vec4s, when rows and batch offsets keep them aligned (u[26]).
layout(std430, set = 0, binding = 1) readonly buffer B4Buf { vec4 b4[]; };
layout(std430, set = 0, binding = 2) readonly buffer BiasBuf { float bias[]; };
layout(std430, set = 0, binding = 3) writeonly buffer CBuf { float c[]; };

const uint BM = WY * RM;
const uint BN = WX * RN;
const uint RN4 = RN / 4;
const uint BN4 = BN / 4;
const uint THREADS = WX * WY;

// As[k * (BM + 1) + m], padded so the transposing stores spread over banks.
shared float As[TK * (BM + 1)];
shared vec4 Bs[TK * BN4];   // Bs[k * BN4 + n4]

float
load_b (uint boff, uint k, uint n)
{
  const uint N = p.u[1], K = p.u[2];

  if (CONV == 0u)
    return p.u[4] != 0u ? b[boff + n * K + k] : b[boff + k * N + n];

  {
    const uint H = p.u[17], W = p.u[18], KH = p.u[19], KW = p.u[20];
    uint khw = KH * KW;
    uint ci = k / khw, r = k % khw;
    uint kh = r / KW, kw = r % KW;
    uint oh = n / p.u[25], ow = n % p.u[25];
    int ih = int (oh * p.u[21] + kh) - int (p.u[23]);
    int iw = int (ow * p.u[22] + kw) - int (p.u[24]);

    if (ih < 0 || iw < 0 || ih >= int (H) || iw >= int (W))
      return 0.0;
    return b[boff + (ci * H + uint (ih)) * W + uint (iw)];
  }
}

void
main ()
{
  const uint M = p.u[0], N = p.u[1], K = p.u[2];
  const uint tx = gl_LocalInvocationID.x;
  const uint ty = gl_LocalInvocationID.y;
  const uint tid = ty * WX + tx;
  const uint m0 = gl_WorkGroupID.y * BM;
  const uint n0 = gl_WorkGroupID.x * BN;
  const uint zo = gl_WorkGroupID.z / p.u[3];
  const uint zi = gl_WorkGroupID.z % p.u[3];
  const uint aoff = zo * p.u[9] + zi * p.u[10];
  const uint boff = zo * p.u[11] + zi * p.u[12];
  const uint coff = zo * p.u[13] + zi * p.u[14];
  const uint biasoff = zo * p.u[15] + zi * p.u[16];
  const float alpha = uintBitsToFloat (p.u[5]);

  vec4 acc[RM][RN4];
  [[unroll]] for (uint i = 0; i < RM; i++)
    [[unroll]] for (uint j = 0; j < RN4; j++)
      acc[i][j] = vec4 (0.0);

  for (uint k0 = 0; k0 < K; k0 += TK)
    {
      for (uint e = tid; e < BM * TK; e += THREADS)
        {
          uint kk = e % TK;
          uint m = e / TK;
          uint gm = m0 + m;
          uint gk = k0 + kk;
          As[kk * (BM + 1) + m] = (gm < M && gk < K) ? a[aoff + gm * K + gk] : 0.0;
        }
      for (uint e = tid; e < TK * BN4; e += THREADS)
        {
          uint n4 = e % BN4;
          uint kk = e / BN4;
          uint gk = k0 + kk;
          uint gn = n0 + n4 * 4u;
          vec4 v = vec4 (0.0);
          if (gk < K)
            {
              if (CONV == 0u && p.u[26] != 0u && gn + 3u < N)
                v = b4[(boff + gk * N + gn) / 4u];
              else
                for (uint q = 0; q < 4u; q++)
                  if (gn + q < N)
                    v[q] = load_b (boff, gk, gn + q);
            }
          Bs[kk * BN4 + n4] = v;
        }
      barrier ();

      [[unroll]] for (uint kk = 0; kk < TK; kk++)
        {
          vec4 bv[RN4];
          [[unroll]] for (uint j = 0; j < RN4; j++)
            bv[j] = Bs[kk * BN4 + tx + j * WX];
          [[unroll]] for (uint i = 0; i < RM; i++)
            {
              float av = As[kk * (BM + 1) + ty + i * WY];
              [[unroll]] for (uint j = 0; j < RN4; j++)
                acc[i][j] = fma (vec4 (av), bv[j], acc[i][j]);
            }
        }
      barrier ();
    }

  [[unroll]] for (uint i = 0; i < RM; i++)
    {
      uint gm = m0 + ty + i * WY;
      if (gm >= M)
        continue;
      [[unroll]] for (uint j = 0; j < RN4; j++)
        {
          uint gn = n0 + (tx + j * WX) * 4u;
          for (uint q = 0; q < 4u; q++)
            if (gn + q < N)
              {
                float v = alpha * acc[i][j][q];
                if (p.u[6] == 1u)
                  v += bias[biasoff + p.u[8] + gn + q];
                else if (p.u[6] == 2u)
                  v += bias[biasoff + gm];
                c[coff + gm * p.u[7] + p.u[8] + gn + q] = v;
              }
        }
    }
}
