/* bench-cpu-backend.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "bench-backend.h"

G_BEGIN_DECLS

#define BENCH_TYPE_CPU_BACKEND (bench_cpu_backend_get_type ())

G_DECLARE_FINAL_TYPE (BenchCpuBackend, bench_cpu_backend, BENCH, CPU_BACKEND, BenchBackend)

G_END_DECLS
