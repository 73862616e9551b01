/* bench-json.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The native result format, documented in docs/result-format.md.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bench-run.h"

G_BEGIN_DECLS

#define BENCH_JSON_FORMAT_NAME    "benchtop-result"
#define BENCH_JSON_FORMAT_VERSION 1

JsonNode  *bench_json_serialize_runs   (GPtrArray    *runs);
char      *bench_json_runs_to_string   (GPtrArray    *runs,
                                        gboolean      pretty);
gboolean   bench_json_write_file       (GPtrArray    *runs,
                                        const char   *path,
                                        GError      **error);
/* Parses a whole document; every error names @origin (a file name) and the
 * field path or line. Returns BenchRun objects with source "import",
 * source_format "benchtop-json" and source_file @origin. */
GPtrArray *bench_json_parse_runs       (const char   *data,
                                        gssize        length,
                                        const char   *origin,
                                        GError      **error);
GPtrArray *bench_json_read_file        (const char   *path,
                                        GError      **error);
JsonNode  *bench_json_serialize_device (BenchDevice  *device);

G_END_DECLS
