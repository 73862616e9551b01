#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bert-base-uncased inference latency on the CPU: Benchtop's model executable
# (benchtop-cli run, batch 1 and 8, sequence 128, 20 iterations) against
# PyTorch (Debian's python3-torch) running the same shapes, with the same
# timing policy, each with the best of 1 thread and all threads. Prints both
# medians per batch size and the ratio.
#
#   bench/bert-vs-pytorch.sh [BUILD_DIR]
#
# Environment: BATCHES (default 1,8), SEQ (128), ITERATIONS (20), ROUNDS (1),
# PYTHON (/usr/bin/python3), BENCHTOP_CLI.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-${BUILD_DIR:-$here/../build}}
cli=${BENCHTOP_CLI:-$build/src/cli/benchtop-cli}
python=${PYTHON:-/usr/bin/python3}

[ -x "$cli" ] || { echo "no benchtop-cli at $cli: build first (meson setup build && ninja -C build)" >&2; exit 1; }
"$python" -c 'import torch' 2>/dev/null ||
  { echo "$python has no torch: apt-get install python3-torch" >&2; exit 1; }

# Debian's torch calls the system BLAS (libblas.so.3) for its matmuls; the
# reference BLAS makes it ~50x slower than it is with an optimised one.
# PyTorch gets OpenBLAS (OpenMP build, same runtime as torch) for this
# process only when it is installed: apt-get install libopenblas0-openmp.
openblas=/usr/lib/x86_64-linux-gnu/openblas-openmp
blas="system libblas.so.3 ($(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3))"
if [ -z "${NO_OPENBLAS:-}" ] && [ -e "$openblas/libblas.so.3" ]; then
  export LD_LIBRARY_PATH="$openblas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  blas="OpenBLAS ($openblas)"
else
  echo "warning: libopenblas0-openmp is not installed: PyTorch runs on $blas" >&2
fi
export TORCH_BLAS="$blas"

exec "$python" "$here/bert-vs-pytorch.py" --cli "$cli" \
  --batches "${BATCHES:-1,8}" --seq "${SEQ:-128}" --iterations "${ITERATIONS:-20}" \
  --rounds "${ROUNDS:-1}"
