/* bench-vulkan-graph.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Model graphs on a Vulkan device. BenchVulkanOps turns each
 * BenchGraphBuffers (a graph with its host buffers) into a plan at prepare
 * time: the planned activation arena as ONE device buffer (sub-ranges at
 * the graph's byte offsets), weights uploaded once and shared by every
 * graph of the model, one descriptor set per dispatch and one command
 * buffer recorded once: copy the inputs in, every op's dispatches in order
 * with a barrier between them, copy the outputs out. Running a graph
 * submits that buffer and waits once.
 *
 * It plugs into BenchModelExecutable through an op table whose kernels do
 * nothing until the graph's last op, which runs the whole recorded graph:
 * the executable keeps walking graphs (and, for generation, reading the
 * logits on the host between decode steps) exactly as for the CPU, so
 * accounting, validation and the generation loop are the same code.
 */
#pragma once

#include "bench-graph-exec.h"
#include "bench-vulkan-context.h"

G_BEGIN_DECLS

typedef struct _BenchVulkanOps BenchVulkanOps;

BenchVulkanOps     *bench_vulkan_ops_new          (BenchVulkanContext  *ctx,
                                                   GError             **error);
void                bench_vulkan_ops_free         (BenchVulkanOps      *self);
/* Kernels for every op kind; user_data is @self. */
const BenchOpTable *bench_vulkan_ops_get_table    (BenchVulkanOps      *self);
/* A BenchModelPrepareFunc: builds the device plan of @buffers (user_data
 * is the BenchVulkanOps). */
gboolean            bench_vulkan_ops_prepare      (gpointer             user_data,
                                                   BenchGraphBuffers   *buffers,
                                                   GError             **error);
/* Device time of the last graph run (timestamps), or -1. */
gint64              bench_vulkan_ops_get_last_device_ns (BenchVulkanOps *self);
/* Bytes of device memory held: weights, arenas, inputs, caches. */
gint64              bench_vulkan_ops_get_device_bytes (BenchVulkanOps   *self);
const char         *bench_vulkan_ops_get_impl     (BenchVulkanOps      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchVulkanOps, bench_vulkan_ops_free)

G_END_DECLS
