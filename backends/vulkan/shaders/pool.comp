// SPDX-License-Identifier: GPL-3.0-or-later
//
// 2-D pooling over [B*C, H, W]: 0 max (padding ignored), 1 average (divided
// by the whole window, count_include_pad), 2 global average.
#version 450

layout(local_size_x = 256) in;

// 0 n outputs, 1 H, 2 W, 3 Ho, 4 Wo, 5 kernel, 6 stride, 7 padding, 8 mode
layout(push_constant) uniform Params { uint u[32]; } p;

layout(std430, set = 0, binding = 0) readonly buffer XBuf { float x[]; };
layout(std430, set = 0, binding = 3) writeonly buffer YBuf { float y[]; };

void
main ()
{
  uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * 256u;
  uint H = p.u[1], W = p.u[2], Ho = p.u[3], Wo = p.u[4], k = p.u[5];

  if (i >= p.u[0])
    return;

  if (p.u[8] == 2u)
    {
      float acc = 0.0;
      for (uint j = 0; j < H * W; j++)
        acc += x[i * H * W + j];
      y[i] = acc / float (H * W);
      return;
    }

  {
    uint c = i / (Ho * Wo), r = i % (Ho * Wo);
    uint oh = r / Wo, ow = r % Wo;
    bool is_max = p.u[8] == 0u;
    float acc = is_max ? -1.0 / 0.0 : 0.0;

    for (uint kh = 0; kh < k; kh++)
      for (uint kw = 0; kw < k; kw++)
        {
          int ih = int (oh * p.u[6] + kh) - int (p.u[7]);
          int iw = int (ow * p.u[6] + kw) - int (p.u[7]);
          float v;
          if (ih < 0 || iw < 0 || ih >= int (H) || iw >= int (W))
            continue;
          v = x[(c * H + uint (ih)) * W + uint (iw)];
          acc = is_max ? max (acc, v) : acc + v;
        }
    y[i] = is_max ? acc : acc / float (k * k);
  }
}
