/* bench-opencl-backend.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "bench-backend-private.h"

G_BEGIN_DECLS

#define BENCH_TYPE_OPENCL_BACKEND (bench_opencl_backend_get_type ())

G_DECLARE_FINAL_TYPE (BenchOpenclBackend, bench_opencl_backend, BENCH, OPENCL_BACKEND, BenchBackend)

G_END_DECLS
