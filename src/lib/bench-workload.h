/* bench-workload.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  BENCH_WORKLOAD_USES_BATCH    = 1 << 0,  /* batch size is a dimension */
  BENCH_WORKLOAD_USES_SEQ_LEN  = 1 << 1,  /* sequence length is a dimension */
  BENCH_WORKLOAD_USES_SIZE     = 1 << 2,  /* the plan's GEMM size (M = N = K) */
  BENCH_WORKLOAD_USES_BYTES    = 1 << 3,  /* the plan's bytes per array */
  BENCH_WORKLOAD_GENERATES     = 1 << 4,  /* prefill + decode steps */
} BenchWorkloadFlags;

#define BENCH_TYPE_WORKLOAD (bench_workload_get_type ())

G_DECLARE_FINAL_TYPE (BenchWorkload, bench_workload, BENCH, WORKLOAD, GObject)

/*
 * A workload in the catalog: a micro-benchmark or a model architecture.
 * Parameters is the model's parameter count, -1 for micro-benchmarks.
 */
BenchWorkload      *bench_workload_new              (const char         *name,
                                                     const char         *family,
                                                     const char         *category,
                                                     const char         *description,
                                                     BenchWorkloadFlags  flags);
const char         *bench_workload_get_name         (BenchWorkload      *self);
const char         *bench_workload_get_family       (BenchWorkload      *self);
const char         *bench_workload_get_category     (BenchWorkload      *self);
const char         *bench_workload_get_description  (BenchWorkload      *self);
BenchWorkloadFlags  bench_workload_get_flags        (BenchWorkload      *self);
gint64              bench_workload_get_parameters   (BenchWorkload      *self);
void                bench_workload_set_parameters   (BenchWorkload      *self,
                                                     gint64              parameters);
const char         *bench_workload_get_size_label   (BenchWorkload      *self);
void                bench_workload_set_size_label   (BenchWorkload      *self,
                                                     const char         *size);
const char         *bench_workload_get_alias        (BenchWorkload      *self);
void                bench_workload_set_alias        (BenchWorkload      *self,
                                                     const char         *alias);

/* The catalog of every workload this build knows, sorted by category then name. */
GPtrArray          *bench_workload_catalog          (void);
BenchWorkload      *bench_workload_lookup           (const char         *name,
                                                     GError            **error);

G_END_DECLS
