/* bench-vulkan-executable.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "bench-backend-private.h"

G_BEGIN_DECLS

#define BENCH_TYPE_VULKAN_EXECUTABLE (bench_vulkan_executable_get_type ())

G_DECLARE_FINAL_TYPE (BenchVulkanExecutable, bench_vulkan_executable, BENCH, VULKAN_EXECUTABLE, BenchExecutable)

BenchExecutable *bench_vulkan_executable_new      (guint               device_index,
                                                   const BenchConfig  *config,
                                                   GCancellable       *cancellable,
                                                   GError            **error);
const char      *bench_vulkan_executable_get_impl (BenchVulkanExecutable *self);

G_END_DECLS
