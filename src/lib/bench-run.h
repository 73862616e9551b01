/* bench-run.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "bench-device.h"
#include "bench-result.h"

G_BEGIN_DECLS

typedef enum
{
  BENCH_RUN_STATUS_RUNNING,
  BENCH_RUN_STATUS_COMPLETED,
  BENCH_RUN_STATUS_CANCELLED,
  BENCH_RUN_STATUS_FAILED,
  BENCH_RUN_STATUS_INTERRUPTED,  /* found running after its process died */
} BenchRunStatus;

const char *bench_run_status_to_string   (BenchRunStatus  status);
gboolean    bench_run_status_from_string (const char     *str,
                                          BenchRunStatus *status);

#define BENCH_TYPE_RUN (bench_run_get_type ())

G_DECLARE_FINAL_TYPE (BenchRun, bench_run, BENCH, RUN, GObject)

/**
 * BenchRun:
 *
 * One benchmark run: when, where, from what source, the devices it used and
 * one #BenchResult per configuration. A plain data record: the fields are
 * public. @source is "local" for a run measured by this program, otherwise
 * "import"; @source_format then names the format ("benchtop-json") and
 * @source_file the file it came from.
 */
struct _BenchRun
{
  GObject         parent_instance;

  gint64          id;            /* row id in a store, -1 otherwise */
  char           *uuid;
  GDateTime      *started_at;
  GDateTime      *finished_at;   /* NULL while running */
  char           *host;
  char           *app_version;
  char           *source;
  char           *source_format;
  char           *source_file;
  BenchRunStatus  status;
  char           *error;
  char           *notes;
  char           *plan_json;     /* the plan that was asked for, a JSON object */
  gint64          pid;           /* measuring process, -1 when unknown */

  GPtrArray      *devices;       /* BenchDevice */
  GPtrArray      *results;       /* BenchResult */

  /* Counts filled by store listings that do not load the results. */
  guint           n_results;
  guint           n_failed;
  char           *summary_workloads;  /* "gemm, stream-triad" */
  char           *summary_devices;    /* "cpu, opencl:0" */
};

BenchRun    *bench_run_new              (void);
BenchRun    *bench_run_new_local        (void);
BenchDevice *bench_run_find_device      (BenchRun    *self,
                                         const char  *fingerprint);
void         bench_run_add_device       (BenchRun    *self,
                                         BenchDevice *device);
void         bench_run_add_result       (BenchRun    *self,
                                         BenchResult *result);

G_END_DECLS
