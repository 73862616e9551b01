/* test-stats.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Expected values are worked out by hand in the comments; the decimal ones
 * were checked with an independent Python implementation (exact binomial
 * sums with fractions.Fraction and math.comb, pairwise-count Mann-Whitney U,
 * statistics.NormalDist for the normal quantile).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bench-stats.h"

#define assert_nan(x) g_assert_true (isnan (x))

static void
assert_all_nan (const BenchStats *s)
{
  assert_nan (s->mean);
  assert_nan (s->median);
  assert_nan (s->min);
  assert_nan (s->max);
  assert_nan (s->stddev);
  assert_nan (s->p90);
  assert_nan (s->p95);
  assert_nan (s->p99);
  assert_nan (s->cv);
  assert_nan (s->ci_low);
  assert_nan (s->ci_high);
  assert_nan (s->q1);
  assert_nan (s->q3);
  assert_nan (s->mad);
}

static void
test_empty (void)
{
  BenchStats s;

  bench_stats_init_empty (&s);
  g_assert_cmpuint (s.n, ==, 0);
  g_assert_cmpfloat (s.ci_level, ==, 0.95);
  g_assert_cmpuint (s.outliers_low, ==, 0);
  g_assert_cmpuint (s.outliers_high, ==, 0);
  assert_all_nan (&s);

  /* Garbage in the struct must not survive a compute over no samples. */
  memset (&s, 0x55, sizeof s);
  bench_stats_compute (&s, NULL, 0);
  g_assert_cmpuint (s.n, ==, 0);
  g_assert_cmpuint (s.outliers_low, ==, 0);
  g_assert_cmpuint (s.outliers_high, ==, 0);
  assert_all_nan (&s);
  g_assert_false (bench_stats_is_noisy (&s));

  bench_stats_compute_double (&s, NULL, 0);
  g_assert_cmpuint (s.n, ==, 0);
  assert_all_nan (&s);

  assert_nan (bench_stats_percentile (NULL, 0, 0.5));
}

static void
test_single (void)
{
  const gint64 one[] = { 1234 };
  BenchStats s;

  bench_stats_compute (&s, one, 1);
  g_assert_cmpuint (s.n, ==, 1);
  g_assert_cmpfloat (s.mean, ==, 1234);
  g_assert_cmpfloat (s.median, ==, 1234);
  g_assert_cmpfloat (s.min, ==, 1234);
  g_assert_cmpfloat (s.max, ==, 1234);
  g_assert_cmpfloat (s.p90, ==, 1234);
  g_assert_cmpfloat (s.p95, ==, 1234);
  g_assert_cmpfloat (s.p99, ==, 1234);
  g_assert_cmpfloat (s.q1, ==, 1234);
  g_assert_cmpfloat (s.q3, ==, 1234);
  g_assert_cmpfloat (s.mad, ==, 0);
  assert_nan (s.stddev);
  assert_nan (s.cv);
  assert_nan (s.ci_low);
  assert_nan (s.ci_high);
  g_assert_cmpuint (s.outliers_low, ==, 0);
  g_assert_cmpuint (s.outliers_high, ==, 0);
  g_assert_false (bench_stats_is_noisy (&s));
}

static void
test_all_equal (void)
{
  const gint64 same[] = { 500, 500, 500, 500, 500, 500, 500 };
  BenchStats s;

  bench_stats_compute (&s, same, G_N_ELEMENTS (same));
  g_assert_cmpuint (s.n, ==, 7);
  g_assert_cmpfloat (s.mean, ==, 500);
  g_assert_cmpfloat (s.median, ==, 500);
  g_assert_cmpfloat (s.p99, ==, 500);
  g_assert_cmpfloat (s.stddev, ==, 0);
  g_assert_cmpfloat (s.cv, ==, 0);
  g_assert_cmpfloat (s.mad, ==, 0);
  /* n = 7 at 95%: ranks (1, 7), both 500 */
  g_assert_cmpfloat (s.ci_low, ==, 500);
  g_assert_cmpfloat (s.ci_high, ==, 500);
  g_assert_cmpuint (s.outliers_low, ==, 0);
  g_assert_cmpuint (s.outliers_high, ==, 0);
  g_assert_false (bench_stats_is_noisy (&s));
}

/* x sorted = 2 4 4 4 5 5 7 9 (n = 8), given unsorted. */
static void
test_known_set (void)
{
  const gint64 input[] = { 5, 9, 4, 2, 7, 4, 5, 4 };
  gint64 copy[G_N_ELEMENTS (input)];
  BenchStats s;

  memcpy (copy, input, sizeof input);
  bench_stats_compute (&s, copy, G_N_ELEMENTS (copy));

  /* The input is not mutated (a sorted copy is used). */
  g_assert_cmpmem (copy, sizeof copy, input, sizeof input);

  g_assert_cmpuint (s.n, ==, 8);
  /* mean = 40 / 8 = 5 */
  g_assert_cmpfloat_with_epsilon (s.mean, 5.0, 1e-12);
  g_assert_cmpfloat (s.min, ==, 2);
  g_assert_cmpfloat (s.max, ==, 9);
  /* squared deviations 9 1 1 1 0 0 4 16 = 32; stddev = sqrt (32 / 7) */
  g_assert_cmpfloat_with_epsilon (s.stddev, 2.138089935299395, 1e-12);
  g_assert_cmpfloat_with_epsilon (s.cv, 2.138089935299395 / 5.0, 1e-12);
  g_assert_true (bench_stats_is_noisy (&s));

  /* Type 7, h = 7 p:
   *   median h = 3.5:  x[3] + 0.5 (x[4] - x[3]) = 4 + 0.5 * 1 = 4.5
   *   q1     h = 1.75: x[1] + 0.75 * 0          = 4
   *   q3     h = 5.25: x[5] + 0.25 (7 - 5)      = 5.5
   *   p90    h = 6.3:  7 + 0.3 * 2              = 7.6
   *   p95    h = 6.65: 7 + 0.65 * 2             = 8.3
   *   p99    h = 6.93: 7 + 0.93 * 2             = 8.86 */
  g_assert_cmpfloat_with_epsilon (s.median, 4.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (s.q1, 4.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (s.q3, 5.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (s.p90, 7.6, 1e-12);
  g_assert_cmpfloat_with_epsilon (s.p95, 8.3, 1e-12);
  g_assert_cmpfloat_with_epsilon (s.p99, 8.86, 1e-12);

  /* |x - 4.5| sorted = .5 .5 .5 .5 .5 2.5 2.5 4.5; median (h = 3.5) = .5 */
  g_assert_cmpfloat_with_epsilon (s.mad, 0.5, 1e-12);

  /* IQR = 1.5; fences 4 - 2.25 = 1.75 and 5.5 + 2.25 = 7.75: 9 is high. */
  g_assert_cmpuint (s.outliers_low, ==, 0);
  g_assert_cmpuint (s.outliers_high, ==, 1);

  /* n = 8: P(B <= 0) = 1/256 <= 0.025 but P(B <= 1) = 9/256 > 0.025, so
   * ranks (1, 8): coverage 1 - 2/256 = 0.992. */
  g_assert_cmpfloat (s.ci_low, ==, 2);
  g_assert_cmpfloat (s.ci_high, ==, 9);
}

static void
test_percentile_edges (void)
{
  const double x[] = { 10, 20, 30, 40 };

  g_assert_cmpfloat (bench_stats_percentile (x, 4, 0.0), ==, 10);
  g_assert_cmpfloat (bench_stats_percentile (x, 4, 1.0), ==, 40);
  /* h = 3 * 0.5 = 1.5: 20 + 0.5 * 10 */
  g_assert_cmpfloat (bench_stats_percentile (x, 4, 0.5), ==, 25);
  /* h = 3 * 0.1 = 0.3: 10 + 0.3 * 10 */
  g_assert_cmpfloat_with_epsilon (bench_stats_percentile (x, 4, 0.1), 13.0, 1e-12);
}

/* Mean and variance of values with a large offset: the naive
 * sum-of-squares formula loses everything here, two passes do not. */
static void
test_large_offset (void)
{
  const gint64 x[] = { 1000000000004, 1000000000007, 1000000000013, 1000000000016 };
  BenchStats s;

  bench_stats_compute (&s, x, G_N_ELEMENTS (x));
  /* mean = 1e12 + 40/4; deviations -6 -3 3 6: variance = 90 / 3 = 30 */
  g_assert_cmpfloat (s.mean, ==, 1000000000010.0);
  g_assert_cmpfloat_with_epsilon (s.stddev, sqrt (30.0), 1e-9);
}

static void
test_nan_skipped (void)
{
  const double x[] = { 3, NAN, 1, 2 };
  BenchStats s;

  bench_stats_compute_double (&s, x, G_N_ELEMENTS (x));
  g_assert_cmpuint (s.n, ==, 3);
  g_assert_cmpfloat (s.median, ==, 2);
  g_assert_cmpfloat (s.stddev, ==, 1);
}

static void
assert_ci_ranks (guint  n,
                 double level,
                 guint  low_rank,
                 guint  high_rank)
{
  g_autofree double *x = g_new (double, n);
  double low, high;

  /* x_(i) = 10 i, so a rank reads straight off the value */
  for (guint i = 0; i < n; i++)
    x[i] = 10.0 * (i + 1);

  g_assert_true (bench_stats_median_ci (x, n, level, &low, &high));
  g_assert_cmpfloat (low, ==, 10.0 * low_rank);
  g_assert_cmpfloat (high, ==, 10.0 * high_rank);
}

static void
test_median_ci (void)
{
  double x[5] = { 1, 2, 3, 4, 5 };
  double low = 0, high = 0;

  /* n = 5: even (x_1, x_5) covers only 1 - 2/32 = 0.9375 < 0.95 */
  g_assert_false (bench_stats_median_ci (x, 5, 0.95, &low, &high));
  assert_nan (low);
  assert_nan (high);
  g_assert_false (bench_stats_median_ci (x, 1, 0.95, &low, &high));
  g_assert_false (bench_stats_median_ci (x, 0, 0.95, &low, &high));

  /* n = 6: (x_1, x_6) covers 1 - 2/64 = 0.96875 */
  assert_ci_ranks (6, 0.95, 1, 6);
  /* ...which is exactly enough at that level, and not above it */
  assert_ci_ranks (6, 0.96875, 1, 6);
  g_assert_false (bench_stats_median_ci (x, 5, 0.97, &low, &high));

  /* n = 10: P(B <= 1) = 11/1024 = 0.0107 <= 0.025,
   *         P(B <= 2) = 56/1024 = 0.0547 > 0.025
   * -> (x_2, x_9), coverage 0.978515625 (binomial table) */
  assert_ci_ranks (10, 0.95, 2, 9);

  /* n = 20: P(B <= 5) = 21700/2^20 = 0.0207 <= 0.025,
   *         P(B <= 6) = 60460/2^20 = 0.0577 > 0.025
   * -> (x_6, x_15), coverage 0.9586 */
  assert_ci_ranks (20, 0.95, 6, 15);

  /* n = 20 at 99%: P(B <= 3) = 1351/2^20 = 0.00129 <= 0.005,
   *                P(B <= 4) = 6196/2^20 = 0.0059 > 0.005 -> (x_4, x_17) */
  assert_ci_ranks (20, 0.99, 4, 17);

  /* n = 100: coverage 0.96480 with rank 40, 0.94311 with rank 41
   * -> (x_40, x_61) */
  assert_ci_ranks (100, 0.95, 40, 61);

  /* n = 10001 (log-space sum, far tail skipped): exact sum gives 4902,
   * the normal approximation 5000.5 - 1.96 * sqrt (10001) / 2 = 4902.5 */
  assert_ci_ranks (10001, 0.95, 4902, 5100);
}

static void
test_outliers (void)
{
  const gint64 x[] = { 100, 12, 10, 13, 11, 14, -50 };
  BenchStats s;

  /* sorted -50 10 11 12 13 14 100, h = 6 p:
   * q1 (h = 1.5) = 10.5, q3 (h = 4.5) = 13.5, IQR = 3,
   * fences 10.5 - 4.5 = 6 and 13.5 + 4.5 = 18 */
  bench_stats_compute (&s, x, G_N_ELEMENTS (x));
  g_assert_cmpfloat (s.q1, ==, 10.5);
  g_assert_cmpfloat (s.q3, ==, 13.5);
  g_assert_cmpuint (s.outliers_low, ==, 1);
  g_assert_cmpuint (s.outliers_high, ==, 1);
  /* median 12; |x - 12| sorted 0 1 1 2 2 62 88 -> MAD 2 */
  g_assert_cmpfloat (s.median, ==, 12);
  g_assert_cmpfloat (s.mad, ==, 2);
}

static void
test_mann_whitney_small (void)
{
  const double a[] = { 3, 1, 3, 2 };
  const double b[] = { 5, 3, 4 };
  BenchComparison c;

  /* U of b: b = 3 beats 1, 2 and ties the two 3s: 2 + 2 * 0.5 = 3;
   * b = 4 and b = 5 beat all four: U = 3 + 4 + 4 = 11.
   * mean n_a n_b / 2 = 6; one tie group of t = 3: sum (t^3 - t) = 24;
   * var = 12/12 * ((7 + 1) - 24 / (7 * 6)) = 8 - 4/7 = 7.428571;
   * z = (11 - 6 - 0.5) / sqrt (7.428571) = 1.6510486;
   * p = erfc (z / sqrt 2) = 0.0987286 */
  g_assert_true (bench_stats_compare (a, 4, b, 3, 0.95, &c));
  g_assert_cmpuint (c.n_a, ==, 4);
  g_assert_cmpuint (c.n_b, ==, 3);
  g_assert_cmpfloat (c.u, ==, 11);
  g_assert_cmpfloat_with_epsilon (c.z, 1.6510486178370214, 1e-12);
  g_assert_cmpfloat_with_epsilon (c.p_value, 0.09872864789482494, 1e-12);

  /* differences b - a sorted: 0 0 1 1 1 2 2 2 3 3 3 4 -> median 2;
   * K = floor (6 - 1.96 * sqrt (12 * 8 / 12)) = floor (0.456) = 0: no CI */
  g_assert_cmpfloat (c.hl_shift, ==, 2);
  assert_nan (c.hl_low);
  assert_nan (c.hl_high);
  /* medians 2.5 (a) and 4 (b) */
  g_assert_cmpfloat (c.ratio_of_medians, ==, 4.0 / 2.5);

  /* Swapping the samples mirrors U and z. */
  g_assert_true (bench_stats_compare (b, 3, a, 4, 0.95, &c));
  g_assert_cmpfloat (c.u, ==, 1);
  g_assert_cmpfloat_with_epsilon (c.z, -1.6510486178370214, 1e-12);
  g_assert_cmpfloat_with_epsilon (c.p_value, 0.09872864789482494, 1e-12);
  g_assert_cmpfloat (c.hl_shift, ==, -2);
}

static void
test_mann_whitney_medium (void)
{
  const double a[] = { 19.2, 20.1, 18.7, 21.3, 19.9, 20.4, 22.0, 18.9, 20.0, 19.5 };
  const double b[] = { 21.0, 22.4, 20.9, 23.1, 21.7, 22.2, 20.5, 21.9, 22.8, 20.0, 21.4 };
  BenchComparison c;

  /* Reference (pairwise count and tie group {20.0, 20.0}): U = 96.5,
   * z = (96.5 - 55 - 0.5) / sqrt (110/12 * (22 - 6/420)) = 2.88807088,
   * p = 0.00387612519. HL over the 110 sorted differences: median 1.75;
   * K = floor (55 - 1.959964 sqrt (110 * 22 / 12)) = 27 -> D_27 = 0.6,
   * D_84 = 2.7. At 90%: K = 31 -> (0.9, 2.5). */
  g_assert_true (bench_stats_compare (a, G_N_ELEMENTS (a), b, G_N_ELEMENTS (b), 0.95, &c));
  g_assert_cmpfloat (c.u, ==, 96.5);
  g_assert_cmpfloat_with_epsilon (c.z, 2.8880708775210095, 1e-12);
  g_assert_cmpfloat_with_epsilon (c.p_value, 0.0038761251943108923, 1e-12);
  g_assert_cmpfloat_with_epsilon (c.hl_shift, 1.75, 1e-9);
  g_assert_cmpfloat_with_epsilon (c.hl_low, 0.6, 1e-9);
  g_assert_cmpfloat_with_epsilon (c.hl_high, 2.7, 1e-9);
  /* medians 19.95 and 21.7 */
  g_assert_cmpfloat_with_epsilon (c.ratio_of_medians, 21.7 / 19.95, 1e-12);

  g_assert_true (bench_stats_compare (a, G_N_ELEMENTS (a), b, G_N_ELEMENTS (b), 0.90, &c));
  g_assert_cmpfloat_with_epsilon (c.hl_low, 0.9, 1e-9);
  g_assert_cmpfloat_with_epsilon (c.hl_high, 2.5, 1e-9);
}

static void
test_compare_degenerate (void)
{
  const double a[] = { 7, 7, 7 };
  const double bad[] = { 1, INFINITY };
  BenchComparison c;

  /* All tie: no evidence of a difference, exactly. */
  g_assert_true (bench_stats_compare (a, 3, a, 3, 0.95, &c));
  g_assert_cmpfloat (c.u, ==, 4.5);
  g_assert_cmpfloat (c.z, ==, 0);
  g_assert_cmpfloat (c.p_value, ==, 1);
  g_assert_cmpfloat (c.hl_shift, ==, 0);
  g_assert_cmpfloat (c.ratio_of_medians, ==, 1);

  g_assert_false (bench_stats_compare (a, 3, NULL, 0, 0.95, &c));
  g_assert_cmpuint (c.n_b, ==, 0);
  assert_nan (c.u);
  assert_nan (c.p_value);
  assert_nan (c.hl_shift);

  g_assert_false (bench_stats_compare (a, 3, bad, 2, 0.95, &c));
  assert_nan (c.z);
  assert_nan (c.ratio_of_medians);
}

/* b = a + 10: the 25 differences are 10 + (a_j - a_i), i.e.
 * 6 (x1), 7 (x2), 8 (x3), 9 (x4), 10 (x5), 11 (x4), 12 (x3), 13 (x2), 14 (x1).
 * Median 10; K = floor (12.5 - 1.96 * sqrt (25 * 11 / 12)) = floor (3.12) = 3
 * -> D_3 = 7, D_23 = 13. */
static void
test_hodges_lehmann_shift (void)
{
  const double a[] = { 4, 2, 5, 1, 3 };
  const double b[] = { 13, 15, 11, 12, 14 };
  double a_copy[5];
  BenchComparison c;

  memcpy (a_copy, a, sizeof a);
  g_assert_true (bench_stats_compare (a_copy, 5, b, 5, 0.95, &c));
  g_assert_cmpmem (a_copy, sizeof a_copy, a, sizeof a);
  g_assert_cmpfloat (c.hl_shift, ==, 10);
  g_assert_cmpfloat (c.hl_low, ==, 7);
  g_assert_cmpfloat (c.hl_high, ==, 13);
  /* no overlap: U = 25, z = (25 - 12.5 - 0.5) / sqrt (25 * 11 / 12) */
  g_assert_cmpfloat (c.u, ==, 25);
  g_assert_cmpfloat_with_epsilon (c.z, 12.0 / sqrt (275.0 / 12.0), 1e-12);
}

static int
cmp_double (gconstpointer pa,
            gconstpointer pb,
            gpointer      user_data G_GNUC_UNUSED)
{
  double a = *(const double *) pa;
  double b = *(const double *) pb;

  return (a > b) - (a < b);
}

/* The selection must agree with sorting all pairwise differences. */
static void
test_hodges_lehmann_brute_force (void)
{
  const guint n_a = 301, n_b = 200;
  g_autofree double *a = g_new (double, n_a);
  g_autofree double *b = g_new (double, n_b);
  g_autofree double *d = g_new (double, n_a * n_b);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  guint m = n_a * n_b;
  guint k;
  BenchComparison c;

  for (guint i = 0; i < n_a; i++)
    a[i] = g_rand_double_range (rand, 1.0, 2.0);
  for (guint j = 0; j < n_b; j++)
    b[j] = g_rand_double_range (rand, 1.2, 2.5);
  for (guint i = 0; i < n_a; i++)
    for (guint j = 0; j < n_b; j++)
      d[i * n_b + j] = b[j] - a[i];
  g_qsort_with_data (d, m, sizeof (double), cmp_double, NULL);

  g_assert_true (bench_stats_compare (a, n_a, b, n_b, 0.95, &c));
  /* m = 60200 is even */
  g_assert_cmpfloat (c.hl_shift, ==, 0.5 * (d[m / 2 - 1] + d[m / 2]));

  k = (guint) floor (m / 2.0 - 1.959963984540054 * sqrt (m * (n_a + n_b + 1.0) / 12.0));
  g_assert_cmpfloat (c.hl_low, ==, d[k - 1]);
  g_assert_cmpfloat (c.hl_high, ==, d[m - k]);
  g_assert_cmpfloat (c.hl_low, <, c.hl_shift);
  g_assert_cmpfloat (c.hl_high, >, c.hl_shift);
}

/* 10^4 x 10^4 pairs without building them: b = a + 250 exactly, so the
 * difference multiset is 250 + (a_j - a_i), symmetric about 250. */
static void
test_hodges_lehmann_large (void)
{
  const guint n = 10000;
  g_autofree double *a = g_new (double, n);
  g_autofree double *b = g_new (double, n);
  BenchComparison c;
  gint64 start;

  for (guint i = 0; i < n; i++)
    {
      a[i] = (double) ((i * 7919u) % 10007u);
      b[i] = a[i] + 250.0;
    }

  start = g_get_monotonic_time ();
  g_assert_true (bench_stats_compare (a, n, b, n, 0.95, &c));
  g_test_message ("10^4 x 10^4 comparison took %.3f s",
                  (g_get_monotonic_time () - start) / 1e6);

  g_assert_cmpfloat (c.hl_shift, ==, 250);
  g_assert_cmpfloat (c.hl_low, <, 250);
  g_assert_cmpfloat (c.hl_high, >, 250);
  g_assert_cmpfloat (c.hl_high - 250, ==, 250 - c.hl_low);
  /* U - n^2/2 is about n^2 (d - d^2/2) with d = 250/10007, i.e. 2.47e6,
   * over sigma = sqrt (10^8 * 20001 / 12) = 4.08e5: z near 6. */
  g_assert_cmpfloat (c.z, >, 5);
  g_assert_cmpfloat (c.p_value, <, 1e-6);
}

static void
test_geomean (void)
{
  const double x[] = { 1, 2, 4, 8 };
  const double two[] = { 2, 8 };
  const double zero[] = { 1, 0, 4 };
  const double negative[] = { 1, -2, 4 };

  /* (1 * 2 * 4 * 8)^(1/4) = 64^(1/4) = sqrt 8 */
  g_assert_cmpfloat_with_epsilon (bench_stats_geomean (x, 4), sqrt (8.0), 1e-12);
  /* sqrt (16) */
  g_assert_cmpfloat_with_epsilon (bench_stats_geomean (two, 2), 4.0, 1e-12);
  assert_nan (bench_stats_geomean (zero, 3));
  assert_nan (bench_stats_geomean (negative, 3));
  assert_nan (bench_stats_geomean (NULL, 0));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stats/empty", test_empty);
  g_test_add_func ("/stats/single", test_single);
  g_test_add_func ("/stats/all-equal", test_all_equal);
  g_test_add_func ("/stats/known-set", test_known_set);
  g_test_add_func ("/stats/percentile-edges", test_percentile_edges);
  g_test_add_func ("/stats/large-offset", test_large_offset);
  g_test_add_func ("/stats/nan-skipped", test_nan_skipped);
  g_test_add_func ("/stats/median-ci", test_median_ci);
  g_test_add_func ("/stats/outliers", test_outliers);
  g_test_add_func ("/stats/mann-whitney-small", test_mann_whitney_small);
  g_test_add_func ("/stats/mann-whitney-medium", test_mann_whitney_medium);
  g_test_add_func ("/stats/compare-degenerate", test_compare_degenerate);
  g_test_add_func ("/stats/hodges-lehmann-shift", test_hodges_lehmann_shift);
  g_test_add_func ("/stats/hodges-lehmann-brute-force", test_hodges_lehmann_brute_force);
  g_test_add_func ("/stats/hodges-lehmann-large", test_hodges_lehmann_large);
  g_test_add_func ("/stats/geomean", test_geomean);

  return g_test_run ();
}
