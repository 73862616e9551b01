// SPDX-License-Identifier: GPL-3.0-or-later
//
// y[t, h] = table[ids[t], h] for the ids in [row0, row1): tables larger
// than one storage binding are gathered in several dispatches, each bound
// to a slice of rows. Ids outside the table give zeros (first slice).
#version 450

layout(local_size_x = 256) in;

// 0 n (ids x H), 1 H, 2 row0, 3 row1, 4 V, 5 first slice
layout(push_constant) uniform Params { uint u[32]; } p;

layout(std430, set = 0, binding = 0) readonly buffer IdBuf { int ids[]; };
layout(std430, set = 0, binding = 1) readonly buffer TBuf { float table[]; };
layout(std430, set = 0, binding = 3) buffer YBuf { float y[]; };

void
main ()
{
  uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * 256u;
  uint H = p.u[1];
  int id;

  if (i >= p.u[0])
    return;
  id = ids[i / H];
  if (id >= int (p.u[2]) && id < int (p.u[3]))
    y[i] = table[(uint (id) - p.u[2]) * H + i % H];
  else if (p.u[5] != 0u && (id < 0 || id >= int (p.u[4])))
    y[i] = 0.0;
}
