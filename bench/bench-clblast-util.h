/* bench-clblast-util.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * CLBlast's CLBlastSgemm as the peer of the harnesses that compare a
 * Benchtop SGEMM with it: an OpenCL device picked by number, C = A * B
 * row-major with M = N = K on buffers uploaded once, timed call by call,
 * and a check of its result.
 */
#pragma once

/* First: it sets CL_TARGET_OPENCL_VERSION for CLBlast's CL headers too. */
#include "bench-opencl-private.h"

#include <clblast_c.h>

#include "bench-backend-private.h"

G_BEGIN_DECLS

typedef struct
{
  gint64            n;
  float            *host_a;
  float            *host_b;
  cl_command_queue  queue;
  cl_mem            a;
  cl_mem            b;
  cl_mem            c;
} BenchClblast;

/* OpenCL device @index ("opencl:N") and its name; when there is none, says
 * so on stderr and returns FALSE (the harness then skips, status 77). */
gboolean bench_clblast_pick_device (gint           index,
                                    cl_device_id  *device,
                                    char         **name);

/* A and B filled like Benchtop's executables fill theirs (seeds 1 and 2)
 * and uploaded to @device; C allocated. */
gboolean bench_clblast_setup       (BenchClblast  *peer,
                                    cl_device_id   device,
                                    gint64         n,
                                    GError       **error);
void     bench_clblast_clear       (BenchClblast  *peer);

/* One CLBlastSgemm and clFinish: host wall-clock @seconds, including
 * whatever helper kernels CLBlast launches inside. */
gboolean bench_clblast_run         (BenchClblast  *peer,
                                    double        *seconds,
                                    GError       **error);

/* Reads C (n * n floats) into @c. */
gboolean bench_clblast_read_c      (BenchClblast  *peer,
                                    float         *c);

/* C at fixed sampled entries against a double-precision dot product,
 * normalised like Benchtop's validation, so that a ratio is never
 * reported against a peer that computed something else. */
gboolean bench_clblast_check       (BenchClblast  *peer,
                                    double        *max_rel);

/* @n_calls pairs of calls, Benchtop's @ours then CLBlast's (none when
 * @peer is NULL), alternating so that load from other processes hits both
 * alike. Appends the wall-clock seconds of each to @t_ours and @t_peer, and
 * ours by device time, where measured, to @t_device; all three may be NULL
 * (warm-up). Errors say which side failed. */
gboolean bench_clblast_alternate   (BenchExecutable  *ours,
                                    BenchClblast     *peer,
                                    guint             n_calls,
                                    GArray           *t_ours,
                                    GArray           *t_device,
                                    GArray           *t_peer,
                                    GError          **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BenchClblast, bench_clblast_clear)

G_END_DECLS
