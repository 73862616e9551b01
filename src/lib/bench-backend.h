/* bench-backend.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "bench-device.h"

G_BEGIN_DECLS

#define BENCH_TYPE_BACKEND (bench_backend_get_type ())

G_DECLARE_DERIVABLE_TYPE (BenchBackend, bench_backend, BENCH, BACKEND, GObject)

const char *bench_backend_get_name           (BenchBackend  *self);
/* Why the backend has no devices ("no OpenCL ICD installed"), or NULL. */
const char *bench_backend_get_status_message (BenchBackend  *self);
/* Synchronous discovery; call from a worker thread (see BenchRegistry). */
GPtrArray  *bench_backend_discover           (BenchBackend  *self,
                                              GCancellable  *cancellable,
                                              GError       **error);

G_END_DECLS
