/* bench-compare.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "bench-run.h"
#include "bench-stats.h"

G_BEGIN_DECLS

typedef enum
{
  BENCH_VERDICT_UNCHANGED,     /* the shift's CI lies within ±threshold */
  BENCH_VERDICT_FASTER,        /* the whole CI is below -threshold */
  BENCH_VERDICT_SLOWER,        /* the whole CI is above +threshold: a regression */
  BENCH_VERDICT_INCONCLUSIVE,  /* the CI straddles a threshold, or too few samples */
  BENCH_VERDICT_MISSING,       /* measured in only one run, or not measured (failed) */
} BenchVerdict;

const char *bench_verdict_to_string (BenchVerdict verdict);

/**
 * BenchCompareRow:
 *
 * One configuration in both runs, compared on the raw latency samples
 * (lower is better). @shift_* are relative to the baseline median:
 * Hodges-Lehmann shift / baseline median, with its confidence interval.
 */
typedef struct
{
  char            *key;          /* "gemm on cpu (fp32)" */
  BenchResult     *baseline;     /* nullable */
  BenchResult     *candidate;    /* nullable */
  BenchComparison  stats;
  double           shift;
  double           shift_low;
  double           shift_high;
  BenchVerdict     verdict;
} BenchCompareRow;

typedef struct
{
  GPtrArray *rows;               /* BenchCompareRow */
  double     level;              /* confidence level of the intervals */
  double     threshold;          /* relative change that counts */
  double     geomean_ratio;      /* geometric mean of candidate/baseline medians */
  guint      n_faster;
  guint      n_slower;
  guint      n_unchanged;
  guint      n_inconclusive;
  guint      n_missing;
} BenchCompareReport;

BenchCompareReport *bench_compare_runs        (BenchRun            *baseline,
                                               BenchRun            *candidate,
                                               double               threshold,
                                               double               level);
void                bench_compare_report_free (BenchCompareReport  *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchCompareReport, bench_compare_report_free)

G_END_DECLS
