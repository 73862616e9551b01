// SPDX-License-Identifier: GPL-3.0-or-later
//
// Softmax over the last dimension after a scale, with an optional causal
// mask (query q sees keys j <= q + Lk - Lq) or padding keep-mask [B, Lk].
// Masked positions get probability 0; a fully masked row is all zeros.
#version 450

layout(local_size_x = 64) in;

// 0 rows, 1 Lk, 2 Lq, 3 rows per batch, 4 mask (0 none, 1 causal, 2 padding), 5 scale (bits)
layout(push_constant) uniform Params { uint u[32]; } p;

layout(std430, set = 0, binding = 0) readonly buffer XBuf { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer KBuf { float keep[]; };
layout(std430, set = 0, binding = 3) writeonly buffer YBuf { float y[]; };

shared float partial[64];

float
reduce (float v, bool is_max)
{
  uint t = gl_LocalInvocationID.x;

  partial[t] = v;
  barrier ();
  for (uint s = 32u; s > 0u; s >>= 1)
    {
      if (t < s)
        partial[t] = is_max ? max (partial[t], partial[t + s]) : partial[t] + partial[t + s];
      barrier ();
    }
  v = partial[0];
  barrier ();
  return v;
}

void
main ()
{
  uint row = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  uint Lk = p.u[1], Lq = p.u[2];
  uint t = gl_LocalInvocationID.x;
  uint base = row * Lk;
  float scale = uintBitsToFloat (p.u[5]);
  uint bi, q;
  int limit;
  float mx = -3.402823466e38, sum = 0.0;
  bool any = false;

  if (row >= p.u[0])
    return;
  q = row % Lq;
  bi = row / p.u[3];
  limit = p.u[4] == 1u ? int (q + Lk - Lq) : int (Lk) - 1;

  for (uint j = t; j < Lk; j += 64u)
    if (int (j) <= limit && (p.u[4] != 2u || keep[bi * Lk + j] != 0.0))
      {
        mx = max (mx, scale * x[base + j]);
        any = true;
      }
  mx = reduce (mx, true);

  for (uint j = t; j < Lk; j += 64u)
    if (int (j) <= limit && (p.u[4] != 2u || keep[bi * Lk + j] != 0.0))
      sum += exp (scale * x[base + j] - mx);
  sum = reduce (sum, false);

  for (uint j = t; j < Lk; j += 64u)
    {
      bool on = int (j) <= limit && (p.u[4] != 2u || keep[bi * Lk + j] != 0.0);
      y[base + j] = (on && sum > 0.0) ? exp (scale * x[base + j] - mx) / sum : 0.0;
    }
}
