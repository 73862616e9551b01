#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Benchtop's OpenCL peak-flops and stream-triad beside clpeak's figures for
# the same device, and the OpenCL SGEMM against CLBlast.
#
#   bench/opencl-vs-clpeak.sh [BUILD_DIR] [DEVICE_INDEX]   (default: build 0)
#
# clpeak's "Global memory bandwidth" reads only (one load per element);
# stream-triad counts two reads and one write per element (STREAM
# convention), so compare orders of magnitude, not decimals. On a shared
# machine run it twice: both sides are sensitive to other load.
set -euo pipefail

build=${1:-build}
index=${2:-0}
cli=$build/src/cli/benchtop-cli
harness=$build/bench/opencl-gemm-vs-clblast

if [ ! -x "$cli" ]; then
  echo "error: $cli not found; build first: ninja -C $build" >&2
  exit 1
fi

echo "== benchtop (opencl:$index)"
"$cli" run --model peak-flops,stream-triad --device "opencl:$index" \
  --iterations 20 --min-time 1 --no-save

if command -v clpeak >/dev/null; then
  echo "== clpeak (every device; find opencl:$index among them)"
  clpeak --global-bandwidth --compute-sp 2>/dev/null
else
  echo "== clpeak not installed (apt-get install clpeak)"
fi

if [ -x "$harness" ]; then
  echo "== SGEMM vs CLBlast"
  "$harness" --device "$index" --size 1024 --iterations 15 --no-naive
fi
