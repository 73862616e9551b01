// SPDX-License-Identifier: GPL-3.0-or-later
//
// Layer, RMS and group normalisation: one workgroup per row of n
// contiguous values (a group's channels for group norm). Mean first, then
// the variance around it, as the reference does. The affine parameters of
// element i of row r are at (r % G) * Cg + i / Ldiv.
#version 450

layout(local_size_x = 64) in;

// 0 rows, 1 n, 2 G, 3 Cg, 4 Ldiv, 5 eps (bits), 6 mode (0 layer/group, 1 rms), 7 has beta
layout(push_constant) uniform Params { uint u[32]; } p;

layout(std430, set = 0, binding = 0) readonly buffer XBuf { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer GBuf { float gamma[]; };
layout(std430, set = 0, binding = 2) readonly buffer BBuf { float beta[]; };
layout(std430, set = 0, binding = 3) writeonly buffer YBuf { float y[]; };

shared float partial[64];

float
reduce_sum (float v)
{
  uint t = gl_LocalInvocationID.x;

  partial[t] = v;
  barrier ();
  for (uint s = 32u; s > 0u; s >>= 1)
    {
      if (t < s)
        partial[t] += partial[t + s];
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
  uint n = p.u[1];
  uint base = row * n;
  uint t = gl_LocalInvocationID.x;
  float mean = 0.0, var, s = 0.0, rstd;

  if (row >= p.u[0])
    return;

  if (p.u[6] == 0u)
    {
      for (uint i = t; i < n; i += 64u)
        s += x[base + i];
      mean = reduce_sum (s) / float (n);
      s = 0.0;
      for (uint i = t; i < n; i += 64u)
        {
          float d = x[base + i] - mean;
          s += d * d;
        }
    }
  else
    for (uint i = t; i < n; i += 64u)
      s += x[base + i] * x[base + i];
  var = reduce_sum (s) / float (n);
  rstd = inversesqrt (var + uintBitsToFloat (p.u[5]));

  for (uint i = t; i < n; i += 64u)
    {
      uint ai = (row % p.u[2]) * p.u[3] + i / p.u[4];
      float v = (x[base + i] - mean) * rstd * gamma[ai];
      if (p.u[7] != 0u)
        v += beta[ai];
      y[base + i] = v;
    }
}
