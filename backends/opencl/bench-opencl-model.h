/* bench-opencl-model.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A model of the catalog (or a Hugging Face config.json) run on an OpenCL
 * device: the shared BenchModelExecutable (accounting, generation loop,
 * validation policy and tolerance, as on the CPU and Vulkan backends) with
 * an op table whose graphs run as the kernels of kernels/ops.cl, enqueued
 * in order with one wait per graph.
 */
#pragma once

#include "bench-backend-private.h"
#include "bench-graph-exec.h"
#include "bench-opencl-executable.h"
#include "bench-opencl-private.h"

G_BEGIN_DECLS

/* The model named by @config (workload or model_config) in fp32 on @device:
 * weights, inputs and KV caches on the device, kernels created with their
 * arguments. Results carry the device time of each iteration's graphs from
 * profiling events. */
BenchExecutable *bench_opencl_model_new        (cl_device_id        device,
                                                const char         *device_label,
                                                const BenchConfig  *config,
                                                GCancellable       *cancellable,
                                                GError            **error);

/*
 * Runs the graph of @buffers once on @device with their weights, constants
 * and inputs, and downloads every output into @buffers: for testing ops
 * against the reference. @shape picks the GEMM kernel (tiled or packed;
 * NULL: the device's default); @row_group the work-items per row of norms
 * and softmax (1: a row per work-item, as on CPUs; more: a work-group per
 * row, rounded down to a power of two, as on GPUs; 0: the device's default).
 */
gboolean         bench_opencl_run_graph        (cl_device_id                 device,
                                                const char                  *device_label,
                                                const BenchOpenclGemmShape  *shape,
                                                guint                        row_group,
                                                BenchGraphBuffers           *buffers,
                                                GError                     **error);

G_END_DECLS
