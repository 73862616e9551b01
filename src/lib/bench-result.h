/* bench-result.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "bench-stats.h"

G_BEGIN_DECLS

typedef enum
{
  BENCH_RESULT_STATUS_OK,          /* measured; validation passed or not applicable */
  BENCH_RESULT_STATUS_FAILED,      /* preparing or running failed: see error */
  BENCH_RESULT_STATUS_INVALID,     /* measured, but outputs failed validation */
  BENCH_RESULT_STATUS_CANCELLED,   /* cancelled part-way; samples so far are kept */
} BenchResultStatus;

const char        *bench_result_status_to_string   (BenchResultStatus  status);
gboolean           bench_result_status_from_string (const char        *str,
                                                    BenchResultStatus *status);

typedef enum
{
  BENCH_VALIDATION_NONE,   /* not validated: all validation fields are NAN */
  BENCH_VALIDATION_PASS,
  BENCH_VALIDATION_FAIL,
} BenchValidation;

const char        *bench_validation_to_string   (BenchValidation  validation);
gboolean           bench_validation_from_string (const char      *str,
                                                 BenchValidation *validation);

#define BENCH_TYPE_RESULT (bench_result_get_type ())

G_DECLARE_FINAL_TYPE (BenchResult, bench_result, BENCH, RESULT, GObject)

/**
 * BenchResult:
 *
 * One configuration of a run (workload x device x batch x sequence length x
 * precision x mode) with everything measured for it. A plain data record:
 * the fields are public. Conventions: doubles that were not measured are
 * NAN, integers that were not measured or do not apply are -1, strings are
 * NULL. The store and the JSON format turn those into NULL/null.
 *
 * Latencies are in nanoseconds. Rates (items/s, GFLOP/s, GB/s) are computed
 * from the median steady-state latency.
 */
struct _BenchResult
{
  GObject            parent_instance;

  gint64             id;                 /* row id in a store, -1 otherwise */
  char              *run_uuid;           /* the run it belongs to */

  /* configuration */
  char              *workload;
  char              *workload_family;
  char              *workload_category;  /* text, vision, audio, multimodal, micro */
  char              *device_id;          /* "cpu", "opencl:0" on the measuring machine */
  char              *device_fingerprint; /* links to a BenchDevice of the run */
  char              *device_name;
  gint               batch_size;         /* -1: not applicable */
  gint               seq_len;            /* -1: not applicable */
  char              *precision;          /* "fp32", "fp16", "bf16", "int8" */
  char              *mode;               /* "inference" */
  char              *params_json;        /* workload parameters, a JSON object */

  /* outcome */
  BenchResultStatus  status;
  char              *error;
  GDateTime         *started_at;
  gint               warmup_iterations;
  gint               iterations;         /* steady-state samples taken */

  /* timings (ns) */
  double             setup_ns;           /* build + upload (load time) */
  double             cold_ns;            /* the first iteration, apart */
  double             first_token_ns;     /* generation workloads only */
  BenchStats         latency;            /* host wall-clock, steady state */
  BenchStats         device_latency;     /* device timers; n == 0 if none */

  /* work and rates */
  double             items_per_iteration;
  double             tokens_per_iteration;
  double             flops;              /* per iteration, exact, 2 per FMA */
  double             bytes;              /* per iteration, minimum traffic */
  double             items_per_second;
  double             tokens_per_second;
  double             gflops;
  double             gbytes_per_second;
  double             percent_of_peak;
  char              *flops_breakdown_json; /* {"attention": n, ...} or NULL */

  /* memory (bytes) */
  gint64             peak_rss_bytes;     /* process peak RSS after the config */
  gint64             device_memory_bytes;
  gint64             weights_bytes;
  gint64             workspace_bytes;

  /* validation against the reference */
  BenchValidation    validation;
  double             max_abs_error;
  double             max_rel_error;
  double             tolerance;

  /* raw samples (gint64 ns), same length as iterations */
  GArray            *samples;
  GArray            *device_samples;     /* empty when the device has no timer */
};

BenchResult *bench_result_new             (void);
void         bench_result_compute_derived (BenchResult *self);
char        *bench_result_dup_label       (BenchResult *self);

G_END_DECLS
