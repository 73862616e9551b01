# SPDX-License-Identifier: GPL-3.0-or-later
"""bert-base-uncased on the CPU: Benchtop against PyTorch, same shapes and
the same timing policy (3 warm-up iterations, then at least ITERATIONS and
at least one second; the median).

PyTorch runs the embeddings (word + position + token type, LayerNorm),
nn.TransformerEncoder (12 post-norm layers, d_model 768, 12 heads, ff 3072,
GELU, batch_first, eval, no_grad) and the pooler (dense + tanh on the first
token): the work of Benchtop's bert-base-uncased graph. What differs:
Benchtop's graph applies an all-ones padding mask in the softmax (one
compare per score); PyTorch gets no mask, so it may use its fused
"fast path" kernels. Each side gets the best of one thread and all
threads (torch.set_num_threads; OMP_NUM_THREADS for benchtop-cli): on a
loaded machine one thread can beat two that wait for each other.

Each round also measures the CPU's peak (benchtop-cli's peak-flops: chains
of vector FMAs, no memory traffic) at the same thread counts, and the last
table puts both sides against it: the model's FLOPs (Benchtop's exact count,
the same work on both sides) over the latency, as a share of that peak.
PyTorch's share is also the lowest ratio any implementation of the same
arithmetic could reach on this machine: one running at 100% of the peak.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import torch
import torch.nn as nn


class Bert(nn.Module):
    def __init__(self, layers=12, hidden=768, heads=12, ff=3072, vocab=30522, positions=512):
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.position = nn.Embedding(positions, hidden)
        self.token_type = nn.Embedding(2, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)
        layer = nn.TransformerEncoderLayer(hidden, heads, ff, dropout=0.0, activation="gelu",
                                           layer_norm_eps=1e-12, batch_first=True, norm_first=False)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.pooler = nn.Linear(hidden, hidden)

    def forward(self, ids):
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.word(ids) + self.position(positions) + self.token_type(torch.zeros_like(ids))
        x = self.encoder(self.norm(x))
        return x, torch.tanh(self.pooler(x[:, 0]))


def time_torch(model, ids, iterations, warmup=3, min_time=1.0):
    with torch.no_grad():
        for _ in range(warmup):
            model(ids)
        samples = []
        start = time.perf_counter()
        while len(samples) < iterations or time.perf_counter() - start < min_time:
            t0 = time.perf_counter()
            model(ids)
            samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def run_cli(cli, model, threads, extra):
    """benchtop-cli's results for @model on the CPU, ok or exit."""
    cmd = [cli, "run", "--model", model, "--device", "cpu", "--json", "--no-save"] + extra
    # benchtop-cli does not use the BLAS PyTorch was given.
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)
    env["OMP_NUM_THREADS"] = str(threads)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    results = json.loads(out)["runs"][0]["results"]
    for result in results:
        if result["status"] != "ok":
            sys.exit(f"benchtop failed for {model} (batch {result['batch_size']}): {result['error']}")
    return results


def time_benchtop(cli, batches, seq, iterations, threads):
    """{batch: (median seconds, FLOPs per iteration)}"""
    results = run_cli(cli, "bert-base-uncased", threads,
                      ["--batch-sizes", ",".join(map(str, batches)), "--seq-lens", str(seq),
                       "--iterations", str(iterations)])
    return {r["batch_size"]: (r["latency"]["median"] / 1e9, r["flops"]) for r in results}


def peak_gflops(cli, threads):
    """The CPU's FMA peak on @threads threads, GFLOP/s (from the median)."""
    return run_cli(cli, "peak-flops", threads, ["--iterations", "20"])[0]["gflops"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--batches", default="1,8")
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure both sides this many times and keep each side's best median "
                             "(machine noise only ever adds time)")
    args = parser.parse_args()
    batches = [int(b) for b in args.batches.split(",")]

    torch.manual_seed(0)
    model = Bert().eval()
    cores = os.cpu_count() or 1
    ours = {b: (float("inf"), None) for b in batches}
    theirs = {b: (float("inf"), None) for b in batches}
    # Per round and batch, each side's best over thread counts.
    rounds = {b: [] for b in batches}
    # The two sides run back to back for each batch size and thread count,
    # the first of the pair alternating from one pair to the next: on a
    # machine whose speed drifts from minute to minute, a pair sees the
    # same minute, and neither side always gets the first or second half.
    pair = 0
    flops = {}
    peaks = {}
    for _ in range(args.rounds):
        for threads in sorted({1, cores}):
            peaks[threads] = max(peaks.get(threads, 0.0), peak_gflops(args.cli, threads))
        for batch in batches:
            ids = torch.randint(0, 30522, (batch, args.seq))
            mine = best = float("inf")
            for threads in sorted({1, cores}):
                def run_ours():
                    seconds, flops[batch] = time_benchtop(args.cli, [batch], args.seq,
                                                          args.iterations, threads)[batch]
                    return seconds

                def run_theirs():
                    torch.set_num_threads(threads)
                    return time_torch(model, ids, args.iterations)

                if pair % 2 == 0:
                    o = run_ours()
                    t = run_theirs()
                else:
                    t = run_theirs()
                    o = run_ours()
                pair += 1
                mine, best = min(mine, o), min(best, t)
                if o < ours[batch][0]:
                    ours[batch] = (o, threads)
                if t < theirs[batch][0]:
                    theirs[batch] = (t, threads)
            rounds[batch].append((mine, best))

    print(f"bert-base-uncased, seq {args.seq}, fp32, {cores} cores; torch {torch.__version__} with "
          f"{os.environ.get('TORCH_BLAS', 'the system BLAS')}; "
          f"median of >= {args.iterations} iterations after 3 warm-up, best of {args.rounds} round(s)")
    print(f"{'batch':>5}  {'benchtop ms':>12}  {'threads':>7}  {'pytorch ms':>12}  {'threads':>7}  "
          f"{'ours/pytorch':>12}")
    for batch in batches:
        mine, my_threads = ours[batch]
        best, best_threads = theirs[batch]
        print(f"{batch:>5}  {mine * 1e3:>12.1f}  {my_threads:>7}  {best * 1e3:>12.1f}  {best_threads:>7}  "
              f"{mine / best:>12.2f}")
    if args.rounds > 1:
        # On a noisy machine the ratio of the bests and the median of the
        # rounds' ratios bracket the comparison.
        print("per round (benchtop ms / pytorch ms = ratio; median of the rounds' ratios):")
        for batch in batches:
            ratios = [o / t for o, t in rounds[batch]]
            print(f"{batch:>5}  " + "  ".join(f"{o * 1e3:.1f}/{t * 1e3:.1f}={o / t:.2f}"
                                            for o, t in rounds[batch]) +
                  f"  median {statistics.median(ratios):.2f}")
    print("against the CPU's measured peak (peak-flops at each side's best thread count, best of the "
          "rounds); 'floor' is the ratio at 100% of the peak:")
    print(f"{'batch':>5}  {'GFLOP':>7}  {'peak GFLOP/s':>12}  {'benchtop':>15}  {'pytorch':>15}  "
          f"{'floor':>5}")
    for batch in batches:
        mine, my_threads = ours[batch]
        best, best_threads = theirs[batch]
        work = flops[batch] / 1e9
        my_rate, their_rate = work / mine, work / best
        my_peak, their_peak = peaks[my_threads], peaks[best_threads]
        print(f"{batch:>5}  {work:>7.1f}  {my_peak:>12.1f}  "
              f"{my_rate:>7.1f} ({my_rate / my_peak:>4.0%})  {their_rate:>7.1f} ({their_rate / their_peak:>4.0%})  "
              f"{work / my_peak / best:>5.2f}")


if __name__ == "__main__":
    main()
