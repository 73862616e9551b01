/* bench-store.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "bench-run.h"

G_BEGIN_DECLS

#define BENCH_STORE_SCHEMA_VERSION 1

#define BENCH_TYPE_STORE (bench_store_get_type ())

G_DECLARE_FINAL_TYPE (BenchStore, bench_store, BENCH, STORE, GObject)

/*
 * The SQLite history. One connection per BenchStore; use a store from one
 * thread at a time (the runner opens its own on the same file). WAL mode,
 * foreign keys on, a busy timeout so the CLI and the app can share a file.
 * Opening creates the parent folder and the schema, migrates older schemas
 * forward, and marks runs left "running" by a process that no longer exists
 * as "interrupted".
 */
char        *bench_store_dup_default_path (void);
BenchStore  *bench_store_open             (const char   *path,
                                           GError      **error);
const char  *bench_store_get_path         (BenchStore   *self);
int          bench_store_get_schema_version (BenchStore *self);

/* Recording a run as it is measured. Each call is one transaction. */
gboolean     bench_store_begin_run        (BenchStore   *self,
                                           BenchRun     *run,
                                           GError      **error);
gboolean     bench_store_add_result       (BenchStore   *self,
                                           BenchRun     *run,
                                           BenchResult  *result,
                                           GError      **error);
gboolean     bench_store_update_device    (BenchStore   *self,
                                           BenchDevice  *device,
                                           GError      **error);
gboolean     bench_store_finish_run       (BenchStore   *self,
                                           BenchRun     *run,
                                           GError      **error);

/* Imports whole runs in one transaction: all or nothing. A run whose uuid
 * is already stored is skipped and counted in @n_skipped. On success each
 * imported run (and its results) gets its row id; skipped runs keep -1. */
gboolean     bench_store_import_runs      (BenchStore   *self,
                                           GPtrArray    *runs,
                                           guint        *n_imported,
                                           guint        *n_skipped,
                                           GError      **error);

/* Runs newest first, without results (counts and summaries filled in). */
GPtrArray   *bench_store_list_runs        (BenchStore   *self,
                                           GError      **error);
/* A run by uuid or unambiguous uuid prefix, with devices and results;
 * samples only if @with_samples. */
BenchRun    *bench_store_load_run         (BenchStore   *self,
                                           const char   *uuid_or_prefix,
                                           gboolean      with_samples,
                                           GError      **error);
gboolean     bench_store_delete_run       (BenchStore   *self,
                                           const char   *uuid_or_prefix,
                                           GError      **error);
/* Every device ever stored, by fingerprint. */
GPtrArray   *bench_store_list_devices     (BenchStore   *self,
                                           GError      **error);

G_END_DECLS

G_BEGIN_DECLS

/* Selection of results for charts and comparisons. NULL or 0-length members
 * do not filter. Devices match the device id, name or fingerprint. */
typedef struct
{
  const char * const *runs;        /* uuids or prefixes */
  const char * const *workloads;
  const char * const *devices;
  const char * const *precisions;
  const gint         *batch_sizes;
  guint               n_batch_sizes;
  gboolean            only_ok;     /* skip failed/cancelled/invalid */
  gboolean            with_samples;
} BenchResultFilter;

/* Results oldest run first, each with run_uuid and started_at set. */
GPtrArray   *bench_store_query_results    (BenchStore              *self,
                                           const BenchResultFilter *filter,
                                           GError                 **error);

G_END_DECLS
