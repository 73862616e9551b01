// SPDX-License-Identifier: GPL-3.0-or-later
//
// C = A * B, one invocation per element of C: the baseline the tiled
// shader is measured against.
#version 450

layout(local_size_x = 16, local_size_y = 16, local_size_z = 1) in;

layout(push_constant) uniform Params { uint M; uint N; uint K; } p;

layout(std430, set = 0, binding = 0) readonly buffer ABuf { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer BBuf { float b[]; };
layout(std430, set = 0, binding = 2) writeonly buffer CBuf { float c[]; };

void
main ()
{
  uint col = gl_GlobalInvocationID.x;
  uint row = gl_GlobalInvocationID.y;
  float sum = 0.0;

  if (row >= p.M || col >= p.N)
    return;
  for (uint k = 0; k < p.K; k++)
    sum = fma (a[row * p.K + k], b[k * p.N + col], sum);
  c[row * p.N + col] = sum;
}
