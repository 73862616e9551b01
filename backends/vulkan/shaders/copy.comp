// SPDX-License-Identifier: GPL-3.0-or-later
//
// Strided block copy for slice, concat and KV append: for o < outer and
// j < len, dst[dst_off + o * dst_stride + j] =
// src[src_off + (o % src_mod) * src_stride + j]. 32-bit words.
#version 450

layout(local_size_x = 256) in;

// 0 outer, 1 len, 2 src_off, 3 src_stride, 4 src_mod, 5 dst_off, 6 dst_stride
layout(push_constant) uniform Params { uint u[32]; } p;

layout(std430, set = 0, binding = 0) readonly buffer XBuf { uint x[]; };
layout(std430, set = 0, binding = 3) buffer YBuf { uint y[]; };

void
main ()
{
  uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * 256u;
  uint o, j;

  if (i >= p.u[0] * p.u[1])
    return;
  o = i / p.u[1];
  j = i % p.u[1];
  y[p.u[5] + o * p.u[6] + j] = x[p.u[2] + (o % p.u[4]) * p.u[3] + j];
}
