/* bench-safetensors.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real weights from a .safetensors file: an 8-byte little-endian header
 * length, a JSON header (name -> dtype, shape, data_offsets), then the data,
 * which is mapped, not read. F32 tensors are used in place when aligned;
 * F16, BF16 and F64 are converted to F32.
 */
#pragma once

#include "bench-weights.h"

G_BEGIN_DECLS

/* The weights of @graph from @path. Names are matched exactly, or else as
 * the unique tensor whose name ends in "." + name (checkpoints prefix them
 * with "bert.", "model.", "vit.", ...). A missing or mis-shaped tensor is an
 * error naming the tensor and the file. */
BenchWeights *bench_safetensors_load        (const char  *path,
                                             BenchGraph  *graph,
                                             GError     **error);
/* The tensor names in the file's header, sorted. */
GStrv         bench_safetensors_list_names  (const char  *path,
                                             GError     **error);

G_END_DECLS
