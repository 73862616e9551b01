/* bench-device.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  BENCH_DEVICE_TYPE_OTHER,
  BENCH_DEVICE_TYPE_CPU,
  BENCH_DEVICE_TYPE_INTEGRATED_GPU,
  BENCH_DEVICE_TYPE_DISCRETE_GPU,
  BENCH_DEVICE_TYPE_VIRTUAL_GPU,
  BENCH_DEVICE_TYPE_ACCELERATOR,
} BenchDeviceType;

const char      *bench_device_type_to_string   (BenchDeviceType type);
BenchDeviceType  bench_device_type_from_string (const char     *str);

#define BENCH_TYPE_DEVICE (bench_device_get_type ())

G_DECLARE_FINAL_TYPE (BenchDevice, bench_device, BENCH, DEVICE, GObject)

/*
 * A compute device: identity and capabilities.
 *
 * The id ("cpu", "opencl:0", "vulkan:1") names the device on this machine
 * for the command line; the fingerprint (a stable hash of backend, name,
 * vendor and driver) identifies it across runs and machines in the store.
 *
 * Integer capabilities that are unknown are -1; measured ceilings that were
 * not measured are NAN. Free-form properties (ISA flags, cache sizes,
 * governor, API versions...) are string pairs, kept in insertion order.
 *
 * A device discovered on this machine holds its backend (see
 * bench_device_get_backend()); a device read back from the store or a file
 * has none and cannot run workloads.
 */
BenchDevice     *bench_device_new                  (const char      *backend_name,
                                                    guint            index,
                                                    const char      *name);
const char      *bench_device_get_id               (BenchDevice     *self);
const char      *bench_device_get_backend_name     (BenchDevice     *self);
guint            bench_device_get_index            (BenchDevice     *self);
const char      *bench_device_get_name             (BenchDevice     *self);
const char      *bench_device_get_vendor           (BenchDevice     *self);
void             bench_device_set_vendor           (BenchDevice     *self,
                                                    const char      *vendor);
const char      *bench_device_get_driver           (BenchDevice     *self);
void             bench_device_set_driver           (BenchDevice     *self,
                                                    const char      *driver);
BenchDeviceType  bench_device_get_device_type      (BenchDevice     *self);
void             bench_device_set_device_type      (BenchDevice     *self,
                                                    BenchDeviceType  type);
gint64           bench_device_get_compute_units    (BenchDevice     *self);
void             bench_device_set_compute_units    (BenchDevice     *self,
                                                    gint64           units);
gint64           bench_device_get_threads          (BenchDevice     *self);
void             bench_device_set_threads          (BenchDevice     *self,
                                                    gint64           threads);
gint64           bench_device_get_memory_bytes     (BenchDevice     *self);
void             bench_device_set_memory_bytes     (BenchDevice     *self,
                                                    gint64           bytes);
double           bench_device_get_peak_gflops      (BenchDevice     *self);
void             bench_device_set_peak_gflops      (BenchDevice     *self,
                                                    double           gflops);
double           bench_device_get_bandwidth_gbs    (BenchDevice     *self);
void             bench_device_set_bandwidth_gbs    (BenchDevice     *self,
                                                    double           gbs);
const char      *bench_device_get_fingerprint      (BenchDevice     *self);
void             bench_device_set_fingerprint      (BenchDevice     *self,
                                                    const char      *fingerprint);
const char      *bench_device_get_property_value   (BenchDevice     *self,
                                                    const char      *key);
void             bench_device_set_property_value   (BenchDevice     *self,
                                                    const char      *key,
                                                    const char      *value);
const char * const *bench_device_get_property_keys (BenchDevice     *self);
gpointer         bench_device_get_backend          (BenchDevice     *self);

G_END_DECLS
