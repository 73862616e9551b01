/* bench-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BENCH_ERROR (bench_error_quark ())

/**
 * BenchError:
 * @BENCH_ERROR_FAILED: generic failure
 * @BENCH_ERROR_INVALID_ARGUMENT: a parameter was out of range or malformed
 * @BENCH_ERROR_UNKNOWN_WORKLOAD: no workload of that name
 * @BENCH_ERROR_UNKNOWN_DEVICE: no device with that id
 * @BENCH_ERROR_NOT_SUPPORTED: the device or backend cannot do this
 * @BENCH_ERROR_DEVICE: the device failed (out of memory, lost, build failure)
 * @BENCH_ERROR_VALIDATION: outputs differ from the reference beyond tolerance
 * @BENCH_ERROR_STORE: the SQLite store failed
 * @BENCH_ERROR_PARSE: an input file is malformed
 * @BENCH_ERROR_VERSION: an input file has an unsupported format version
 * @BENCH_ERROR_NOT_FOUND: a run or result does not exist
 * @BENCH_ERROR_CANCELLED: the operation was cancelled
 */
typedef enum
{
  BENCH_ERROR_FAILED,
  BENCH_ERROR_INVALID_ARGUMENT,
  BENCH_ERROR_UNKNOWN_WORKLOAD,
  BENCH_ERROR_UNKNOWN_DEVICE,
  BENCH_ERROR_NOT_SUPPORTED,
  BENCH_ERROR_DEVICE,
  BENCH_ERROR_VALIDATION,
  BENCH_ERROR_STORE,
  BENCH_ERROR_PARSE,
  BENCH_ERROR_VERSION,
  BENCH_ERROR_NOT_FOUND,
  BENCH_ERROR_CANCELLED,
} BenchError;

GQuark bench_error_quark (void);

G_END_DECLS
