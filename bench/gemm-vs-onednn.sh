#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Benchtop's cpu gemm against oneDNN's own dnnl_sgemm at N = 1024.
#
#   bench/gemm-vs-onednn.sh [BUILD_DIR]     (default: build)
#
# 1. Through the real command line: `benchtop-cli run --model gemm --device
#    cpu --iterations 20 --json` (into a throw-away history), its GFLOP/s
#    (from the median latency) against the median of dnnl_sgemm timed by
#    the gemm-vs-onednn harness in a separate process right after.
# 2. In one process: the harness alternates Benchtop's executable and
#    dnnl_sgemm call by call, which is the fairer comparison on a busy
#    machine.
# The target is a ratio >= 0.95. Both sides use oneDNN's OpenMP threads
# (Debian builds libdnnl with DNNL_CPU_RUNTIME=OMP), OMP_NUM_THREADS applies.
set -euo pipefail

build=${1:-build}
cli=$build/src/cli/benchtop-cli
harness=$build/bench/gemm-vs-onednn
size=1024

if [ ! -x "$harness" ]; then
  echo "error: $harness not found; build first: ninja -C $build" >&2
  exit 1
fi

if [ -x "$cli" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "== benchtop-cli run --model gemm --device cpu --iterations 20 (gemm-size $size)"
  "$cli" run --db "$tmp/history.db" --model gemm --device cpu --iterations 20 \
    --gemm-size "$size" --json > "$tmp/run.json"
  ours=$(python3 - "$tmp/run.json" <<'PY'
import json, sys

def results(node):
    if isinstance(node, dict):
        if node.get("workload") == "gemm" and "gflops" in node:
            yield node
        for value in node.values():
            yield from results(value)
    elif isinstance(node, list):
        for value in node:
            yield from results(value)

with open(sys.argv[1]) as f:
    found = [r for r in results(json.load(f)) if r.get("gflops") is not None]
if not found:
    sys.exit("no gemm result with gflops in the CLI's JSON")
print(found[0]["gflops"])
PY
)
  peer=$("$harness" --size "$size" --onednn-only --iterations 20 --rounds 1 |
         awk '/^onednn_sgemm_gflops/ { print $2 }')
  python3 - "$ours" "$peer" <<'PY'
import sys
ours, peer = float(sys.argv[1]), float(sys.argv[2])
ratio = ours / peer
print(f"  benchtop-cli gemm:  {ours:.1f} GFLOP/s")
print(f"  oneDNN dnnl_sgemm:  {peer:.1f} GFLOP/s (median, separate process)")
print(f"  ratio: {ratio:.3f} (target >= 0.95: {'met' if ratio >= 0.95 else 'NOT met'})")
PY
  echo
else
  echo "== $cli not built: skipping the command-line comparison"
fi

echo "== in one process, alternating call by call"
"$harness" --size "$size" --iterations 20
