// SPDX-License-Identifier: GPL-3.0-or-later
//
// STREAM triad a = b + s * c over n floats: vec4 body in a grid-stride loop
// (the group count is capped by the device limit), scalar tail.
#version 450

layout(local_size_x = 256) in;

layout(push_constant) uniform Params { uint n; float s; } p;

layout(std430, set = 0, binding = 0) writeonly buffer A4 { vec4 a4[]; };
layout(std430, set = 0, binding = 1) readonly buffer B4 { vec4 b4[]; };
layout(std430, set = 0, binding = 2) readonly buffer C4 { vec4 c4[]; };
layout(std430, set = 0, binding = 3) writeonly buffer A1 { float a1[]; };
layout(std430, set = 0, binding = 4) readonly buffer B1 { float b1[]; };
layout(std430, set = 0, binding = 5) readonly buffer C1 { float c1[]; };

void
main ()
{
  uint n4 = p.n / 4u;
  uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;

  for (uint i = gl_GlobalInvocationID.x; i < n4; i += stride)
    a4[i] = b4[i] + p.s * c4[i];

  if (gl_GlobalInvocationID.x == 0u)
    for (uint i = n4 * 4u; i < p.n; i++)
      a1[i] = b1[i] + p.s * c1[i];
}
