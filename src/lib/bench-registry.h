/* bench-registry.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "bench-backend.h"
#include "bench-device.h"

G_BEGIN_DECLS

#define BENCH_TYPE_REGISTRY (bench_registry_get_type ())

G_DECLARE_FINAL_TYPE (BenchRegistry, bench_registry, BENCH, REGISTRY, GObject)

/*
 * The compiled-in backends and the devices they found. Discovery runs every
 * backend in a worker thread; a backend without devices is not an error, it
 * carries a status message saying why.
 */
BenchRegistry *bench_registry_new             (void);
void           bench_registry_discover_async  (BenchRegistry        *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean       bench_registry_discover_finish (BenchRegistry        *self,
                                               GAsyncResult         *result,
                                               GError              **error);
gboolean       bench_registry_discover_sync   (BenchRegistry        *self,
                                               GCancellable         *cancellable,
                                               GError              **error);
gboolean       bench_registry_is_discovered   (BenchRegistry        *self);
GPtrArray     *bench_registry_get_backends    (BenchRegistry        *self);
GPtrArray     *bench_registry_get_devices     (BenchRegistry        *self);
BenchDevice   *bench_registry_lookup_device   (BenchRegistry        *self,
                                               const char           *id,
                                               GError              **error);

G_END_DECLS
