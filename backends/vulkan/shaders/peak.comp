// SPDX-License-Identifier: GPL-3.0-or-later
//
// Peak FP32 throughput: ACC independent vec4 FMA chains per invocation,
// acc = acc * x + y, repeated p.iters times; 8 * ACC FLOPs per step.
// x and y come from push constants so nothing folds; every accumulator is
// written out so nothing is dead.
#version 450

layout(local_size_x = 64) in;
layout(constant_id = 0) const uint ACC = 8;

layout(push_constant) uniform Params { uint iters; float x; float y; } p;

layout(std430, set = 0, binding = 0) writeonly buffer Out { vec4 result[]; };

void
main ()
{
  vec4 acc[ACC];
  vec4 vx = vec4 (p.x);
  vec4 vy = vec4 (p.y);

  for (uint j = 0; j < ACC; j++)
    acc[j] = vec4 (float (j), float (j) + 0.25, float (j) + 0.5, float (j) + 0.75);

  for (uint i = 0; i < p.iters; i++)
    for (uint j = 0; j < ACC; j++)
      acc[j] = fma (acc[j], vx, vy);

  for (uint j = 0; j < ACC; j++)
    result[gl_GlobalInvocationID.x * ACC + j] = acc[j];
}
