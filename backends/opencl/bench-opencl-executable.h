/* bench-opencl-executable.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "bench-backend-private.h"
#include "bench-opencl-private.h"

G_BEGIN_DECLS

#define BENCH_TYPE_OPENCL_EXECUTABLE (bench_opencl_executable_get_type ())

G_DECLARE_FINAL_TYPE (BenchOpenclExecutable, bench_opencl_executable, BENCH, OPENCL_EXECUTABLE, BenchExecutable)

typedef enum
{
  BENCH_OPENCL_GEMM_NAIVE,   /* one work-item per element of C: the baseline */
  BENCH_OPENCL_GEMM_TILED,   /* work-groups share tiles in local memory (GPUs) */
  BENCH_OPENCL_GEMM_PACKED,  /* one work-item per group, packed panels (CPUs) */
} BenchOpenclGemmKernel;

/*
 * The SGEMM kernel and its shape (see kernels/gemm.cl): a TM x TN tile of C
 * per work-group, TK deep K steps in __local memory. tiled: each work-item
 * holds RM rows x VW columns (VW 4 or 8). packed: the register block is
 * RM rows x NV float8 vectors. Unused fields are 0.
 */
typedef struct
{
  BenchOpenclGemmKernel kernel;
  int tm;
  int tn;
  int tk;
  int rm;
  int vw;
  int nv;
} BenchOpenclGemmShape;

/*
 * "gemm", "stream-triad" or "peak-flops" in fp32 on @device, ready to run:
 * program built (or taken from the cache), buffers allocated and filled.
 * @device_label names the device in errors, e.g. "opencl:0 (pthread-haswell)".
 * gemm inputs are bench_cpu_fill_uniform() with seed 1 (A) and 2 (B);
 * stream-triad inputs are bench_cpu_triad_init()'s pattern.
 */
BenchExecutable *bench_opencl_executable_new       (cl_device_id                 device,
                                                    const char                  *device_label,
                                                    const BenchConfig           *config,
                                                    GCancellable                *cancellable,
                                                    GError                     **error);
/* An n x n x n SGEMM with a chosen kernel shape (NULL: the device's default). */
BenchExecutable *bench_opencl_executable_new_gemm  (cl_device_id                 device,
                                                    const char                  *device_label,
                                                    gint64                       n,
                                                    const BenchOpenclGemmShape  *shape,
                                                    GCancellable                *cancellable,
                                                    GError                     **error);
/* The default SGEMM shape for @device: packed 96 x 128 x 256 with 6 x 16
 * register blocks on CPUs (tuned on PoCL), tiled 64 x 64 with 4 x 4 per
 * work-item on GPUs. */
void             bench_opencl_gemm_default_shape   (cl_device_id                 device,
                                                    BenchOpenclGemmShape        *shape);
/* The output buffer (gemm: C, n x n; stream-triad: a; peak-flops: the
 * final accumulators), read back into host memory. Free with g_free(). */
float           *bench_opencl_executable_read_output (BenchOpenclExecutable *self,
                                                      gsize                 *n_floats,
                                                      GError               **error);
/* peak-flops: work-items, FMA steps per chain and chains per work-item
 * (each chain is a float8). Accumulator (item, chain, lane) ends at
 * chain + lane + steps. */
void             bench_opencl_executable_get_peak_shape (BenchOpenclExecutable *self,
                                                         gint64                *items,
                                                         int                   *steps,
                                                         int                   *chains);
/* What runs, e.g. "tiled sgemm 64x64, k-step 16 in local memory, 4x4 per work-item". */
const char      *bench_opencl_executable_get_impl  (BenchOpenclExecutable       *self);

G_END_DECLS
