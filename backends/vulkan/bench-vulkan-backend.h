/* bench-vulkan-backend.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "bench-backend.h"

G_BEGIN_DECLS

#define BENCH_TYPE_VULKAN_BACKEND (bench_vulkan_backend_get_type ())

G_DECLARE_FINAL_TYPE (BenchVulkanBackend, bench_vulkan_backend, BENCH, VULKAN_BACKEND, BenchBackend)

G_END_DECLS
