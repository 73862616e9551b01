/* bench-cpu-info.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the CPU backend knows about the processor it runs on, read from
 * /proc/cpuinfo, /proc/meminfo, sysfs and the libraries it uses. Whatever
 * cannot be read is left out (-1 or no property), never guessed.
 */
#pragma once

#include "bench-device.h"

G_BEGIN_DECLS

/* The one "cpu" device of this machine (transfer full). */
BenchDevice *bench_cpu_info_discover        (GError      **error);
/* Logical CPUs this process may run on (sched_getaffinity), at least 1. */
int          bench_cpu_info_usable_threads  (void);
/* MemAvailable from /proc/meminfo in bytes, -1 when unreadable. */
gint64       bench_cpu_info_available_memory (void);
/* SHA-256 of "cpu|model|cores|threads|GiB", first 16 hex digits. */
char        *bench_cpu_info_fingerprint     (const char   *model_name,
                                             gint64        physical_cores,
                                             gint64        threads,
                                             gint64        memory_bytes);

G_END_DECLS
