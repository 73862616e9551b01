#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Benchtop's OpenCL peak-flops and stream-triad beside clpeak's figures for
# the same device, in the same minute, with the ratios (target: within
# 15%), then the OpenCL SGEMM against CLBlast.
#
#   bench/opencl-vs-clpeak.sh [BUILD_DIR] [DEVICE_INDEX]   (default: build 0)
#
# DEVICE_INDEX is Benchtop's opencl:N; clpeak numbers platforms and their
# devices instead: CLPEAK_PLATFORM and CLPEAK_DEVICE (default 0 0) pick the
# same device there.
#
# What each side counts: clpeak's "Single-precision compute" is the best of
# its float..float16 kernels (mad chains, 2 FLOPs each); ours is FMA chains
# vectorised across work-items. clpeak's "Global memory bandwidth" only
# reads (one load per element); stream-triad counts two reads and one write
# per element (STREAM convention). On a shared machine run it twice.
set -euo pipefail

build=${1:-build}
index=${2:-0}
cli=$build/src/cli/benchtop-cli
harness=$build/bench/opencl-gemm-vs-clblast
python=${PYTHON:-python3}

if [ ! -x "$cli" ]; then
  echo "error: $cli not found; build first: ninja -C $build" >&2
  exit 1
fi

ours=$(mktemp); theirs=$(mktemp)
trap 'rm -f "$ours" "$theirs"' EXIT

echo "== benchtop (opencl:$index)"
"$cli" run --model peak-flops,stream-triad --device "opencl:$index" \
  --iterations 20 --min-time 1 --no-save --json > "$ours"

if command -v clpeak >/dev/null; then
  echo "== clpeak (platform ${CLPEAK_PLATFORM:-0}, device ${CLPEAK_DEVICE:-0})"
  clpeak -p "${CLPEAK_PLATFORM:-0}" -d "${CLPEAK_DEVICE:-0}" \
    --global-bandwidth --compute-sp 2>/dev/null | tee "$theirs"
else
  echo "== clpeak not installed (apt-get install clpeak): no ratios"
fi

"$python" - "$ours" "$theirs" <<'PY'
import json, re, sys

run = json.load(open(sys.argv[1]))["runs"][0]
res = {r["workload"]: r for r in run["results"]}
peak = res.get("peak-flops", {}).get("gflops")
triad = res.get("stream-triad", {}).get("gbytes_per_second")

section, best = None, {}
for line in open(sys.argv[2]):
    if "compute" in line.lower() and "single" in line.lower():
        section = "sp"
    elif "bandwidth" in line.lower():
        section = "bw"
    m = re.match(r"\s*float\d*\s*:\s*([0-9.]+)", line)
    if m and section:
        best[section] = max(best.get(section, 0.0), float(m.group(1)))

def row(what, ours, theirs, unit):
    if ours is None or theirs is None:
        print(f"{what}: ours {ours}, clpeak {theirs}: no ratio")
        return
    r = ours / theirs
    verdict = "within 15%" if abs(r - 1) <= 0.15 else "NOT within 15%"
    print(f"{what}: benchtop {ours:.1f} {unit}, clpeak {theirs:.1f} {unit}, "
          f"ratio {r:.2f} ({verdict})")

print("== ratios")
row("peak FP32", peak, best.get("sp"), "GFLOP/s")
row("bandwidth (triad vs clpeak read)", triad, best.get("bw"), "GB/s")
PY

if [ -x "$harness" ]; then
  echo "== SGEMM vs CLBlast"
  "$harness" --device "$index" --size 1024 --iterations 15 --no-naive
fi
