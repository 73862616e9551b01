/* bench-opencl-micro.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The host-device micro-benchmarks: "transfer-h2d" and "transfer-d2h" (one
 * blocking copy of config->size bytes between pinned host memory and a
 * device buffer per iteration) and "dispatch-latency" (one empty kernel
 * dispatched and waited for).
 */
#pragma once

#include "bench-backend-private.h"
#include "bench-opencl-private.h"

G_BEGIN_DECLS

#define BENCH_TYPE_OPENCL_MICRO (bench_opencl_micro_get_type ())

G_DECLARE_FINAL_TYPE (BenchOpenclMicro, bench_opencl_micro, BENCH, OPENCL_MICRO, BenchExecutable)

/* TRUE for the workloads bench_opencl_micro_new() runs. */
gboolean         bench_opencl_micro_handles (const char         *workload);
BenchExecutable *bench_opencl_micro_new     (cl_device_id        device,
                                             const char         *device_label,
                                             const BenchConfig  *config,
                                             GCancellable       *cancellable,
                                             GError            **error);

G_END_DECLS
