// SPDX-License-Identifier: GPL-3.0-or-later
//
// y = a + b or a * b, b repeated over a's leading dimensions (b[i % nb]).
#version 450

layout(local_size_x = 256) in;

layout(push_constant) uniform Params { uint u[32]; } p;   // 0 n, 1 nb, 2 op (0 add, 1 mul)

layout(std430, set = 0, binding = 0) readonly buffer ABuf { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer BBuf { float b[]; };
layout(std430, set = 0, binding = 3) writeonly buffer YBuf { float y[]; };

void
main ()
{
  uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * 256u;

  if (i >= p.u[0])
    return;
  y[i] = p.u[2] == 0u ? a[i] + b[i % p.u[1]] : a[i] * b[i % p.u[1]];
}
