#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Times `benchtop-cli chart` drawing a 100,000-point scatter from a CSV to
# PNG against matplotlib (Agg) drawing the same points at the same size,
# whole processes both, side by side, and prints the ratio.
#
#   bench/chart-scatter-vs-matplotlib.sh [BUILD_DIR] [POINTS] [REPEATS]
#
# Needs python3-matplotlib (Debian: apt-get install python3-matplotlib).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-${BUILD_DIR:-$here/../build}}
points=${2:-100000}
repeats=${3:-7}
cli=${BENCHTOP_CLI:-$build/src/cli/benchtop-cli}
python=${PYTHON:-/usr/bin/python3}
width=1000
height=700

[ -x "$cli" ] || { echo "no benchtop-cli at $cli: build first (meson setup build && ninja -C build)" >&2; exit 1; }
"$python" -c 'import matplotlib, numpy' 2>/dev/null ||
  { echo "$python has no matplotlib/numpy: apt-get install python3-matplotlib" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The same points for both: latency against memory for three models, from
# a fixed seed, so every run of the harness charts identical data.
"$python" - "$work/points.csv" "$points" <<'PY'
import sys
import numpy as np
path, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(20240601)
models = np.array(["bert-base", "resnet-50", "gpt2-small"])
g = rng.integers(0, 3, n)
mem = rng.gamma(4.0, 120.0, n) + 200 * g
lat = mem * (0.02 + 0.01 * g) + rng.normal(0, 2.5, n) + 5
with open(path, "w") as f:
    f.write("model,memory_mb,latency_ms\n")
    for i in range(n):
        f.write(f"{models[g[i]]},{mem[i]:.3f},{lat[i]:.3f}\n")
PY

now() { date +%s.%N; }

run_benchtop() {
  "$cli" chart --type scatter --csv "$work/points.csv" --x memory_mb --y latency_ms \
    --group-by model --width $width --height $height -o "$work/benchtop.png"
}
run_matplotlib() {
  "$python" "$here/chart-scatter-vs-matplotlib.py" "$work/points.csv" memory_mb latency_ms model \
    "$work/matplotlib.png" $width $height
}

# Warm the page cache and font caches once each, then alternate the two so
# that machine noise hits both alike.
run_benchtop
run_matplotlib

bt=()
mp=()
for i in $(seq "$repeats"); do
  t0=$(now); run_benchtop; t1=$(now); run_matplotlib; t2=$(now)
  bt+=("$(echo "$t1 - $t0" | bc -l)")
  mp+=("$(echo "$t2 - $t1" | bc -l)")
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mb=$(median "${bt[@]}")
mm=$(median "${mp[@]}")

echo "points: $points, size: ${width}x${height} px, repeats: $repeats (median of whole-process wall times)"
printf 'benchtop-cli chart : %.3f s  (%s)\n' "$mb" "$(printf '%.3f ' "${bt[@]}")"
printf 'matplotlib (Agg)   : %.3f s  (%s)\n' "$mm" "$(printf '%.3f ' "${mp[@]}")"
printf 'ratio              : %.1fx faster\n' "$(echo "$mm / $mb" | bc -l)"
if [ -n "${KEEP:-}" ]; then cp "$work/benchtop.png" "$work/matplotlib.png" "$KEEP"/; fi
