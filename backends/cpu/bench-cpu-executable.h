/* bench-cpu-executable.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "bench-backend-private.h"

G_BEGIN_DECLS

#define BENCH_TYPE_CPU_EXECUTABLE (bench_cpu_executable_get_type ())

G_DECLARE_FINAL_TYPE (BenchCpuExecutable, bench_cpu_executable, BENCH, CPU_EXECUTABLE, BenchExecutable)

/*
 * A CPU workload ready to run: "gemm", "stream-triad" or "peak-flops", fp32.
 * Buffers are allocated, filled and (for GEMM) the oneDNN primitive created
 * here, so that run() does nothing but the timed work.
 */
BenchExecutable *bench_cpu_executable_new      (const BenchConfig  *config,
                                                GCancellable       *cancellable,
                                                GError            **error);
/* What actually runs, e.g. "onednn matmul (gemm:jit)" or "avx2+fma, 12 chains". */
const char      *bench_cpu_executable_get_impl (BenchCpuExecutable *self);

G_END_DECLS
