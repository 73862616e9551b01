// SPDX-License-Identifier: GPL-3.0-or-later
//
// Copy with permuted axes: output element (i0, i1, i2, i3) (dims padded to
// 4) reads the input at sum(i_k * stride_k), the input strides visited in
// output order. 32-bit words, whatever the type.
#version 450

layout(local_size_x = 256) in;

// 0 n, 1-4 output dims, 5-8 input strides in output order
layout(push_constant) uniform Params { uint u[32]; } p;

layout(std430, set = 0, binding = 0) readonly buffer XBuf { uint x[]; };
layout(std430, set = 0, binding = 3) writeonly buffer YBuf { uint y[]; };

void
main ()
{
  uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * 256u;
  uint r, src = 0u;

  if (i >= p.u[0])
    return;
  r = i;
  for (int d = 3; d >= 0; d--)
    {
      uint dim = p.u[1 + d];
      src += (r % dim) * p.u[5 + d];
      r /= dim;
    }
  y[i] = x[src];
}
