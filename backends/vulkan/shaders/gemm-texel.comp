// SPDX-License-Identifier: GPL-3.0-or-later
//
// C = A * B, row-major fp32, M x K times K x N, for CPU implementations
// that run a subgroup as the lanes of one SIMD register (lavapipe).
//
// Why it looks like this (measured on lavapipe, Mesa 22.3, AVX2):
// - a storage-buffer or shared-memory load whose address differs between
//   lanes becomes a loop over the lanes, with a bounds check and a stack
//   round trip per element, and barriers are coroutine switches; so no
//   shared memory, no barrier, and no storage-buffer loads in the loop;
// - a texel fetch from a uniform texel buffer is one call that loads a
//   vec4 per lane straight into SIMD registers (8 vector loads and a
//   transpose), so A and B are read as texel buffers;
// - subgroupShuffle with a constant lane is a register broadcast there
//   (subgroupBroadcast compiles to a loop over the lanes), so each A value
//   is fetched by one lane only and handed to the others by shuffles.
//
// A workgroup is one subgroup of S lanes and owns a TM x TN tile of C
// (TM a multiple of S, TN = 4 * S * CB): lane l holds the columns
// 4 (l + S c) .. 4 (l + S c) + 3 for c < CB, of every row of the tile. Per
// step of 4 along K, lane l fetches rows l, l + S, ... of A (a vec4 along
// K each) and CB vec4s of each of the 4 rows of B; every A value then
// reaches all lanes by subgroupShuffle. All fetches come before the
// arithmetic, and each accumulator takes its 4 updates in a row: a fetch
// is a call that clobbers every vector register, so this way each
// accumulator goes through memory once per step, not once per fetch.
//
// ALIGNED (K and N multiples of 4): texels are RGBA32F, one vec4 each.
// Otherwise texels are R32F and each vec4 is four fetches, clamped into
// range and zero past K. Rows past M and columns past N are clamped for
// fetching and not stored.
#version 450
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_shuffle : require

layout(constant_id = 0) const uint S = 8;        // lanes: the subgroup size
layout(constant_id = 1) const uint TM = 16;      // rows of the tile, a multiple of S
layout(constant_id = 2) const uint CB = 1;       // vec4 columns per lane
layout(constant_id = 3) const bool ALIGNED = true;

layout(local_size_x_id = 0, local_size_y = 1, local_size_z = 1) in;

layout(push_constant) uniform Params { uint M; uint N; uint K; } p;

layout(set = 0, binding = 0) uniform samplerBuffer A;
layout(set = 0, binding = 1) uniform samplerBuffer B;
layout(std430, set = 0, binding = 2) writeonly buffer CBuf { float c[]; };

const uint TN = 4 * S * CB;
const uint AF = TM / S;   // vec4s of A each lane fetches per step

// A[row][k .. k + 3], zero past K.
vec4
fetch_a (uint row, uint k)
{
  if (ALIGNED)
    return texelFetch (A, int ((row * p.K + k) / 4u));

  vec4 v;
  for (uint q = 0; q < 4u; q++)
    v[q] = k + q < p.K ? texelFetch (A, int (row * p.K + min (k + q, p.K - 1u))).x : 0.0;
  return v;
}

// B[k][n .. n + 3], columns clamped to N - 1 (never stored).
vec4
fetch_b (uint k, uint n)
{
  if (ALIGNED)
    return texelFetch (B, int ((k * p.N + n) / 4u));

  vec4 v;
  for (uint q = 0; q < 4u; q++)
    v[q] = texelFetch (B, int (k * p.N + min (n + q, p.N - 1u))).x;
  return v;
}

void
main ()
{
  const uint lane = gl_LocalInvocationID.x;
  const uint m0 = gl_WorkGroupID.y * TM;
  const uint n0 = gl_WorkGroupID.x * TN;
  uint arow[AF];
  uint bcol[CB];
  vec4 acc[TM][CB];

  for (uint t = 0; t < AF; t++)
    arow[t] = min (m0 + t * S + lane, p.M - 1u);
  for (uint j = 0; j < CB; j++)
    {
      uint n = n0 + 4u * (lane + S * j);
      // Aligned: keep whole texels in range (N is a multiple of 4).
      bcol[j] = ALIGNED ? min (n, p.N - 4u) : n;
    }
  for (uint i = 0; i < TM; i++)
    for (uint j = 0; j < CB; j++)
      acc[i][j] = vec4 (0.0);

  for (uint k = 0; k < p.K; k += 4u)
    {
      vec4 av[AF];
      vec4 bv[4][CB];

      for (uint t = 0; t < AF; t++)
        av[t] = fetch_a (arow[t], k);
      // Rows of B past K meet zeros of A: any row in range will do.
      for (uint kk = 0; kk < 4u; kk++)
        for (uint j = 0; j < CB; j++)
          bv[kk][j] = fetch_b (min (k + kk, p.K - 1u), bcol[j]);

      for (uint i = 0; i < TM; i++)
        for (uint j = 0; j < CB; j++)
          {
            vec4 s = acc[i][j];

            for (uint kk = 0; kk < 4u; kk++)
              s += subgroupShuffle (av[i / S][kk], i % S) * bv[kk][j];
            acc[i][j] = s;
          }
    }

  for (uint i = 0; i < TM; i++)
    {
      uint row = m0 + i;

      if (row >= p.M)
        continue;
      for (uint j = 0; j < CB; j++)
        for (uint q = 0; q < 4u; q++)
          {
            uint col = n0 + 4u * (lane + S * j) + q;

            if (col < p.N)
              c[row * p.N + col] = acc[i][j][q];
          }
    }
}
