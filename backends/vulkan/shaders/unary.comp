// SPDX-License-Identifier: GPL-3.0-or-later
//
// Element-wise activations: 0 GELU (erf), 1 GELU (tanh), 2 quick GELU,
// 3 ReLU, 4 SiLU, 5 tanh.
#version 450

layout(local_size_x = 256) in;

layout(push_constant) uniform Params { uint u[32]; } p;   // 0 n, 1 op

layout(std430, set = 0, binding = 0) readonly buffer XBuf { float x[]; };
layout(std430, set = 0, binding = 3) writeonly buffer YBuf { float y[]; };

// GLSL has no erf: Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7).
float
erf_approx (float v)
{
  float s = sign (v), a = abs (v);
  float t = 1.0 / (1.0 + 0.3275911 * a);
  float poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  return s * (1.0 - poly * exp (-a * a));
}

// tanh through exp, clamped: large arguments must not overflow to NaN.
float
tanh_safe (float v)
{
  float c = clamp (v, -15.0, 15.0);
  float e = exp (2.0 * c);
  return (e - 1.0) / (e + 1.0);
}

void
main ()
{
  uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * 256u;
  float v, r;

  if (i >= p.u[0])
    return;
  v = x[i];
  switch (p.u[1])
    {
    case 0u: r = 0.5 * v * (1.0 + erf_approx (v * 0.70710678118654752)); break;
    case 1u: r = 0.5 * v * (1.0 + tanh_safe (0.7978845608028654 * (v + 0.044715 * v * v * v))); break;
    case 2u: r = v / (1.0 + exp (-1.702 * v)); break;
    case 3u: r = v > 0.0 ? v : 0.0; break;
    case 4u: r = v / (1.0 + exp (-v)); break;
    default: r = tanh_safe (v); break;
    }
  y[i] = r;
}
