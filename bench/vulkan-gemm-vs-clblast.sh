#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Benchtop's Vulkan SGEMM against CLBlast's SGEMM at 1024, side by side:
# on this machine lavapipe (Mesa's Vulkan on the CPU) against CLBlast on
# PoCL, on the same cores. Target: ratio >= 1.0.
#
#   bench/vulkan-gemm-vs-clblast.sh [BUILD_DIR] [VULKAN_INDEX] [OPENCL_INDEX]
#                                   (default: build 0 0)
#
# The ratio comes from one process that alternates our calls with
# CLBlast's, round after round (see bench/vulkan-gemm-vs-clblast.c for
# what is timed: C = A * B on device buffers, wall-clock per call, nothing
# prepared outside the timed calls). The CLBlast harness in its own
# process and `benchtop-cli run` follow as cross-checks. The machine is
# shared: read the min/max spread of the rounds, not one figure.
set -euo pipefail

build=${1:-build}
vk=${2:-0}
cl=${3:-0}
harness=$build/bench/vulkan-gemm-vs-clblast
clblast_harness=$build/bench/opencl-gemm-vs-clblast
cli=$build/src/cli/benchtop-cli

if [ ! -x "$harness" ]; then
  echo "error: $harness not found; it needs Vulkan, OpenCL and CLBlast" \
       "(apt-get install libclblast-dev), then: ninja -C $build" >&2
  exit 1
fi

echo "== vulkan:$vk vs CLBlast on opencl:$cl, alternating in one process"
"$harness" --vulkan "$vk" --opencl "$cl" --size 1024 --iterations 5 --rounds 5

if [ -x "$clblast_harness" ]; then
  echo "== cross-check: CLBlast (and our OpenCL SGEMM) on opencl:$cl in their own process"
  "$clblast_harness" --device "$cl" --size 1024 --iterations 5 --no-naive
fi

if [ -x "$cli" ]; then
  echo "== cross-check: benchtop-cli gemm on vulkan:$vk (the runner's figure)"
  "$cli" run --model gemm --device "vulkan:$vk" --gemm-size 1024 \
    --iterations 5 --warmup 1 --min-time 0 --no-save
fi
