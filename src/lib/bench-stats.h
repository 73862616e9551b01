/* bench-stats.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * BenchStats:
 *
 * Summary statistics of one set of samples (latencies in nanoseconds).
 *
 * Every double that could not be computed (too few samples) is NAN, which
 * the store writes as NULL and the JSON format as null. @n is 0 when there
 * were no samples at all.
 *
 * Percentiles use the linear interpolation between closest ranks of
 * Hyndman and Fan's definition 7 (the default of R, NumPy and Excel's
 * PERCENTILE.INC): for p in [0,1] and sorted x[0..n-1], h = (n-1)p,
 * q = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
 *
 * The confidence interval of the median is distribution-free, from order
 * statistics: the ranks j < k around n/2 for which the binomial(n, 1/2)
 * probability P(j <= B < k) is at least @ci_level; NAN when n is too small
 * for the level (n < 6 for 95%).
 *
 * Outliers are counted with Tukey's fences: below Q1 - 1.5 IQR or above
 * Q3 + 1.5 IQR. @mad is the median absolute deviation (unscaled).
 */
typedef struct
{
  guint   n;
  double  mean;
  double  median;
  double  min;
  double  max;
  double  stddev;      /* sample standard deviation (n - 1) */
  double  p90;
  double  p95;
  double  p99;
  double  cv;          /* stddev / mean */
  double  ci_level;    /* 0.95 */
  double  ci_low;      /* confidence interval of the median */
  double  ci_high;
  double  q1;
  double  q3;
  double  mad;
  guint   outliers_low;
  guint   outliers_high;
} BenchStats;

/* A coefficient of variation above this is reported as a noisy measurement. */
#define BENCH_STATS_NOISY_CV 0.05

void     bench_stats_init_empty (BenchStats   *stats);
void     bench_stats_compute    (BenchStats   *stats,
                                 const gint64 *samples,
                                 guint         n_samples);
void     bench_stats_compute_double (BenchStats   *stats,
                                     const double *samples,
                                     guint         n_samples);
double   bench_stats_percentile (const double *sorted,
                                 guint         n,
                                 double        p);
gboolean bench_stats_median_ci  (const double *sorted,
                                 guint         n,
                                 double        level,
                                 double       *low,
                                 double       *high);
gboolean bench_stats_is_noisy   (const BenchStats *stats);

/**
 * BenchComparison:
 *
 * Two-sample comparison of raw samples @a (baseline) and @b (candidate),
 * for regression checks. Every double that could not be computed is NAN.
 *
 * @u is the Mann-Whitney statistic of @b: the number of pairs (a_i, b_j)
 * with b_j > a_i, ties counting one half. @z and the two-sided @p_value use
 * the normal approximation with tie correction and a continuity correction
 * of 0.5; this is approximate for small samples (below about 10 each) and
 * is not an exact permutation test. @z > 0 means @b tends to be larger.
 * When every value ties, @z is 0 and @p_value is 1 (every permutation gives
 * the same U).
 *
 * @hl_shift is the Hodges-Lehmann estimate of the shift b - a: the median
 * of the n_a n_b pairwise differences b_j - a_i. [@hl_low, @hl_high] is its
 * distribution-free confidence interval at the requested level: the order
 * statistics D_(K) and D_(n_a n_b + 1 - K) (1-based) of the differences,
 * with K = floor (n_a n_b / 2 - z_(alpha/2) sqrt (n_a n_b (n_a + n_b + 1) / 12))
 * (normal approximation to the Mann-Whitney critical value); NAN when K < 1.
 * The order statistics are found by exact selection (bisection over the
 * ordered doubles, at most 64 linear counting passes each), so no pair
 * array is built: 10^4 x 10^4 samples take milliseconds and O(n_a + n_b)
 * memory. Values are copied and sorted; the inputs are left unchanged.
 *
 * @ratio_of_medians is median (b) / median (a), NAN when median (a) is 0.
 */
typedef struct
{
  guint   n_a;
  guint   n_b;
  double  u;
  double  z;
  double  p_value;
  double  hl_shift;
  double  hl_low;
  double  hl_high;
  double  ratio_of_medians;
} BenchComparison;

gboolean bench_stats_compare    (const double    *a,
                                 guint            n_a,
                                 const double    *b,
                                 guint            n_b,
                                 double           level,
                                 BenchComparison *out);
double   bench_stats_geomean    (const double *values,
                                 guint         n);

G_END_DECLS
