/* bench-sysinfo.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Peak resident set size of this process in bytes (VmHWM), -1 if unknown. */
gint64  bench_sysinfo_get_peak_rss   (void);
/* Current resident set size in bytes (VmRSS), -1 if unknown. */
gint64  bench_sysinfo_get_rss        (void);
/* The host name, never NULL. */
char   *bench_sysinfo_dup_hostname   (void);
/* A random RFC 4122 version 4 UUID. */
char   *bench_sysinfo_dup_uuid       (void);
/* Monotonic clock in nanoseconds. */
gint64  bench_sysinfo_now_ns         (void);

G_END_DECLS

G_BEGIN_DECLS

/* Resets the peak RSS high-water mark to the current RSS (Linux
 * /proc/self/clear_refs "5"), so that a following
 * bench_sysinfo_get_peak_rss() measures one piece of work. */
gboolean bench_sysinfo_reset_peak_rss (void);

G_END_DECLS
