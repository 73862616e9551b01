/* bench-opencl-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the OpenCL backend's files (and its tests and bench harnesses)
 * share: error strings, device enumeration, and the process-wide cache of
 * contexts and built programs.
 */
#pragma once

#ifndef CL_TARGET_OPENCL_VERSION
/* 1.2 is the newest version every ICD we meet implements (PoCL, Mesa,
 * NVIDIA); nothing newer is needed. */
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>

#include <glib.h>

G_BEGIN_DECLS

/* "CL_OUT_OF_RESOURCES" for -5; "CL_UNKNOWN_ERROR" for codes it does not know. */
const char *bench_opencl_error_to_string  (cl_int          err);

/*
 * Every device of every platform, in the order that numbers "opencl:N".
 * No platform (no ICD installed, CL_PLATFORM_NOT_FOUND_KHR) gives an empty
 * array and TRUE; other loader failures give BENCH_ERROR_DEVICE.
 * Returns: (transfer full) (element-type cl_device_id)
 */
GArray     *bench_opencl_list_devices     (GError        **error);

/* clGetDeviceInfo for string queries, NULL on failure. */
char       *bench_opencl_device_string    (cl_device_id    device,
                                           cl_device_info  param);

/* The device's context, created once for the process. (transfer none) */
cl_context  bench_opencl_get_context      (cl_device_id    device,
                                           GError        **error);

/*
 * The program built from @source with @options for @device, built once per
 * (device, source, options) and cached for the process; a build failure is
 * BENCH_ERROR_DEVICE with the first lines of the build log (and is not
 * cached). (transfer none)
 */
cl_program  bench_opencl_get_program      (cl_device_id    device,
                                           const char     *source,
                                           const char     *options,
                                           GError        **error);

/* The text of an embedded kernel file, e.g. "gemm.cl". */
char       *bench_opencl_load_kernel      (const char     *name,
                                           GError        **error);

/* A GError in BENCH_ERROR for a failed OpenCL call: @what (e.g.
 * "creating the stream-triad buffers") failed on @device_label with @err.
 * Allocation failures get BENCH_ERROR_DEVICE and a hint to choose a smaller
 * size. */
void        bench_opencl_set_error        (GError        **error,
                                           cl_int          err,
                                           const char     *device_label,
                                           const char     *what);

G_END_DECLS
