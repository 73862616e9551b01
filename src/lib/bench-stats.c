/* bench-stats.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench-stats.h"

#define DEFAULT_CI_LEVEL 0.95

static int
compare_doubles (const void *pa,
                 const void *pb)
{
  double a = *(const double *) pa;
  double b = *(const double *) pb;

  return (a > b) - (a < b);
}

/* Sorted copy without NaN: a NaN sample was not measured, so it does not
 * take part (and would break the ordering). */
static double *
sorted_finite_copy (const double *values,
                    guint         n,
                    guint        *n_out)
{
  double *copy = g_new (double, MAX (n, 1));
  guint m = 0;

  for (guint i = 0; i < n; i++)
    if (!isnan (values[i]))
      copy[m++] = values[i];

  qsort (copy, m, sizeof (double), compare_doubles);
  *n_out = m;

  return copy;
}

void
bench_stats_init_empty (BenchStats *stats)
{
  g_return_if_fail (stats != NULL);

  stats->n = 0;
  stats->mean = NAN;
  stats->median = NAN;
  stats->min = NAN;
  stats->max = NAN;
  stats->stddev = NAN;
  stats->p90 = NAN;
  stats->p95 = NAN;
  stats->p99 = NAN;
  stats->cv = NAN;
  stats->ci_level = DEFAULT_CI_LEVEL;
  stats->ci_low = NAN;
  stats->ci_high = NAN;
  stats->q1 = NAN;
  stats->q3 = NAN;
  stats->mad = NAN;
  stats->outliers_low = 0;
  stats->outliers_high = 0;
}

/**
 * bench_stats_percentile:
 * @sorted: (array length=n): samples sorted ascending
 * @n: number of samples
 * @p: the quantile, in [0, 1]
 *
 * Returns: the Hyndman-Fan type 7 quantile (NumPy's default "linear"),
 *   NAN when @n is 0.
 */
double
bench_stats_percentile (const double *sorted,
                        guint         n,
                        double        p)
{
  double h;
  double lo_f;
  guint lo;

  g_return_val_if_fail (p >= 0.0 && p <= 1.0, NAN);
  g_return_val_if_fail (sorted != NULL || n == 0, NAN);

  if (n == 0)
    return NAN;

  /* Hyndman-Fan type 7 */
  h = (n - 1) * p;
  lo_f = floor (h);
  lo = (guint) lo_f;
  if (lo >= n - 1)
    return sorted[n - 1];

  return sorted[lo] + (h - lo_f) * (sorted[lo + 1] - sorted[lo]);
}

/* log P(B = i) for B ~ binomial(n, 1/2) */
static double
binom_half_log_pmf (guint n,
                    guint i)
{
  return lgamma (n + 1.0) - lgamma (i + 1.0) - lgamma (n - i + 1.0) - n * G_LN2;
}

/* Largest 1-based rank j <= n/2 with P(B <= j - 1) <= (1 - level) / 2, so
 * that [x_(j), x_(n+1-j)] covers the median with probability
 * 1 - 2 P(B <= j - 1) >= level; 0 if there is none. */
static guint
median_ci_rank (guint  n,
                double level)
{
  double half_alpha = (1.0 - level) / 2.0;
  double cdf = 0.0;
  guint start = 0;
  guint j = 0;

  /* Terms more than 40 standard deviations (sd = sqrt(n)/2) below the mean
   * are below exp(-800): they cannot change a double sum, so skip them. */
  if (n > 6400)
    start = (guint) floor (n / 2.0 - 20.0 * sqrt ((double) n));

  for (guint i = start; i < n / 2; i++)
    {
      cdf += exp (binom_half_log_pmf (n, i));
      /* The tolerance absorbs rounding of lgamma at exact boundaries. */
      if (cdf > half_alpha * (1.0 + 1e-12))
        break;
      j = i + 1;
    }

  return j;
}

/**
 * bench_stats_median_ci:
 * @sorted: (array length=n): samples sorted ascending
 * @n: number of samples
 * @level: confidence level, in (0, 1)
 * @low: (out) (optional): lower bound, x_(j)
 * @high: (out) (optional): upper bound, x_(n+1-j)
 *
 * Distribution-free confidence interval of the median: the narrowest
 * symmetric pair of order statistics (1-based ranks j and n + 1 - j) whose
 * coverage 1 - 2 P(B <= j - 1), B ~ binomial(n, 1/2), is at least @level.
 * The binomial terms are exact, summed from log-space values (lgamma).
 *
 * Returns: %FALSE, with NAN bounds, when even (x_(1), x_(n)) falls short
 *   of @level (n < 6 at 95%).
 */
gboolean
bench_stats_median_ci (const double *sorted,
                       guint         n,
                       double        level,
                       double       *low,
                       double       *high)
{
  guint j;

  g_return_val_if_fail (sorted != NULL || n == 0, FALSE);
  g_return_val_if_fail (level > 0.0 && level < 1.0, FALSE);

  if (low != NULL)
    *low = NAN;
  if (high != NULL)
    *high = NAN;

  if (n < 2)
    return FALSE;

  j = median_ci_rank (n, level);
  if (j == 0)
    return FALSE;

  if (low != NULL)
    *low = sorted[j - 1];
  if (high != NULL)
    *high = sorted[n - j];

  return TRUE;
}

/* Corrected two-pass algorithm (Chan, Golub and LeVeque): the second pass
 * removes the rounding error of the first-pass mean. */
static void
mean_and_stddev (const double *x,
                 guint         n,
                 double       *mean_out,
                 double       *stddev_out)
{
  double sum = 0.0;
  double mean;
  double dev_sum = 0.0;
  double sq_sum = 0.0;

  for (guint i = 0; i < n; i++)
    sum += x[i];
  mean = sum / n;

  for (guint i = 0; i < n; i++)
    {
      double d = x[i] - mean;

      dev_sum += d;
      sq_sum += d * d;
    }

  *mean_out = mean + dev_sum / n;
  if (n < 2)
    *stddev_out = NAN;
  else
    *stddev_out = sqrt (MAX (0.0, (sq_sum - dev_sum * dev_sum / n) / (n - 1)));
}

static void
compute_sorted (BenchStats   *stats,
                const double *sorted,
                guint         n)
{
  g_autofree double *abs_dev = NULL;
  double iqr;
  double fence_low;
  double fence_high;

  bench_stats_init_empty (stats);
  stats->n = n;
  if (n == 0)
    return;

  mean_and_stddev (sorted, n, &stats->mean, &stats->stddev);
  stats->min = sorted[0];
  stats->max = sorted[n - 1];
  stats->median = bench_stats_percentile (sorted, n, 0.5);
  stats->p90 = bench_stats_percentile (sorted, n, 0.90);
  stats->p95 = bench_stats_percentile (sorted, n, 0.95);
  stats->p99 = bench_stats_percentile (sorted, n, 0.99);
  stats->q1 = bench_stats_percentile (sorted, n, 0.25);
  stats->q3 = bench_stats_percentile (sorted, n, 0.75);

  /* CV is undefined for a zero mean (and for n < 2, where stddev is NAN). */
  if (stats->mean != 0.0)
    stats->cv = stats->stddev / stats->mean;

  bench_stats_median_ci (sorted, n, stats->ci_level,
                         &stats->ci_low, &stats->ci_high);

  iqr = stats->q3 - stats->q1;
  fence_low = stats->q1 - 1.5 * iqr;
  fence_high = stats->q3 + 1.5 * iqr;
  for (guint i = 0; i < n; i++)
    {
      if (sorted[i] < fence_low)
        stats->outliers_low++;
      else if (sorted[i] > fence_high)
        stats->outliers_high++;
    }

  abs_dev = g_new (double, n);
  for (guint i = 0; i < n; i++)
    abs_dev[i] = fabs (sorted[i] - stats->median);
  qsort (abs_dev, n, sizeof (double), compare_doubles);
  stats->mad = bench_stats_percentile (abs_dev, n, 0.5);
}

/**
 * bench_stats_compute_double:
 * @stats: (out caller-allocates): the result
 * @samples: (array length=n_samples) (nullable): samples, left unchanged
 * @n_samples: number of samples
 *
 * Computes the summary of @samples. NaN samples count as not measured and
 * are left out (@stats->n counts the others).
 */
void
bench_stats_compute_double (BenchStats   *stats,
                            const double *samples,
                            guint         n_samples)
{
  g_autofree double *sorted = NULL;
  guint n;

  g_return_if_fail (stats != NULL);
  g_return_if_fail (samples != NULL || n_samples == 0);

  sorted = sorted_finite_copy (samples, n_samples, &n);
  compute_sorted (stats, sorted, n);
}

/**
 * bench_stats_compute:
 * @stats: (out caller-allocates): the result
 * @samples: (array length=n_samples) (nullable): samples in nanoseconds,
 *   left unchanged
 * @n_samples: number of samples
 *
 * Computes the summary of integer samples (exact in a double up to 2^53 ns,
 * about 104 days).
 */
void
bench_stats_compute (BenchStats   *stats,
                     const gint64 *samples,
                     guint         n_samples)
{
  g_autofree double *sorted = NULL;

  g_return_if_fail (stats != NULL);
  g_return_if_fail (samples != NULL || n_samples == 0);

  sorted = g_new (double, MAX (n_samples, 1));
  for (guint i = 0; i < n_samples; i++)
    sorted[i] = (double) samples[i];
  qsort (sorted, n_samples, sizeof (double), compare_doubles);

  compute_sorted (stats, sorted, n_samples);
}

gboolean
bench_stats_is_noisy (const BenchStats *stats)
{
  g_return_val_if_fail (stats != NULL, FALSE);

  /* A NAN cv (too few samples) compares false: not known to be noisy. */
  return stats->cv > BENCH_STATS_NOISY_CV;
}

/* Standard normal quantile: Acklam's rational approximation (relative
 * error 1.15e-9) refined by one Halley step against erfc, which brings it
 * to full double precision. */
static double
normal_quantile (double p)
{
  static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
                              -2.759285104469687e+02, 1.383577518672690e+02,
                              -3.066479806614716e+01, 2.506628277459239e+00 };
  static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
                              -1.556989798598866e+02, 6.680131188771972e+01,
                              -1.328068155288572e+01 };
  static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
                              -2.400758277161838e+00, -2.549732539343734e+00,
                              4.374664141464968e+00, 2.938163982698783e+00 };
  static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
                              2.445134137142996e+00, 3.754408661907416e+00 };
  const double p_low = 0.02425;
  double x;
  double e;
  double u;

  g_assert (p > 0.0 && p < 1.0);

  if (p < p_low)
    {
      double q = sqrt (-2.0 * log (p));

      x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
          ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    }
  else if (p <= 1.0 - p_low)
    {
      double q = p - 0.5;
      double r = q * q;

      x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
          (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
    }
  else
    {
      double q = sqrt (-2.0 * log1p (-p));

      x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
          ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    }

  e = 0.5 * erfc (-x / G_SQRT2) - p;
  u = e * sqrt (2.0 * G_PI) * exp (x * x / 2.0);
  x = x - u / (1.0 + x * u / 2.0);

  return x;
}

/* Number of pairs with b_j - a_i <= v; a and b sorted ascending. As a_i
 * grows, the b_j that qualify form a growing prefix of b (floating-point
 * subtraction is monotone), hence one pass. */
static guint64
count_diffs_at_most (const double *a,
                     guint         n_a,
                     const double *b,
                     guint         n_b,
                     double        v)
{
  guint64 count = 0;
  guint j = 0;

  for (guint i = 0; i < n_a; i++)
    {
      while (j < n_b && b[j] - a[i] <= v)
        j++;
      count += j;
    }

  return count;
}

/* Order-preserving map between doubles and unsigned integers, so that a
 * bisection over the integers visits every double between two values. */
static guint64
double_to_key (double v)
{
  guint64 bits;

  memcpy (&bits, &v, sizeof bits);
  return (bits & G_GUINT64_CONSTANT (0x8000000000000000)) ? ~bits
         : bits | G_GUINT64_CONSTANT (0x8000000000000000);
}

static double
key_to_double (guint64 key)
{
  guint64 bits;
  double v;

  bits = (key & G_GUINT64_CONSTANT (0x8000000000000000))
         ? key & ~G_GUINT64_CONSTANT (0x8000000000000000) : ~key;
  memcpy (&v, &bits, sizeof v);
  return v;
}

/* The k-th smallest (1-based) of the n_a n_b differences b_j - a_i: the
 * smallest double v with at least k differences <= v, found by bisection
 * over the ordered doubles (at most 64 counting passes). It is exact, as
 * v is then itself one of the differences. */
static double
select_diff (const double *a,
             guint         n_a,
             const double *b,
             guint         n_b,
             guint64       k)
{
  guint64 lo = double_to_key (b[0] - a[n_a - 1]);
  guint64 hi = double_to_key (b[n_b - 1] - a[0]);

  g_assert (k >= 1 && k <= (guint64) n_a * n_b);

  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (count_diffs_at_most (a, n_a, b, n_b, key_to_double (mid)) >= k)
        hi = mid;
      else
        lo = mid + 1;
    }

  return key_to_double (lo);
}

static void
comparison_init_empty (BenchComparison *out,
                       guint            n_a,
                       guint            n_b)
{
  out->n_a = n_a;
  out->n_b = n_b;
  out->u = NAN;
  out->z = NAN;
  out->p_value = NAN;
  out->hl_shift = NAN;
  out->hl_low = NAN;
  out->hl_high = NAN;
  out->ratio_of_medians = NAN;
}

static gboolean
all_finite (const double *values,
            guint         n)
{
  for (guint i = 0; i < n; i++)
    if (!isfinite (values[i]))
      return FALSE;
  return TRUE;
}

/* Mann-Whitney U of b (pairs with b > a, ties one half) and its z score,
 * from midranks of the merged samples; a and b sorted ascending. */
static void
mann_whitney (const double    *a,
              guint            n_a,
              const double    *b,
              guint            n_b,
              BenchComparison *out)
{
  double n_total = (double) n_a + n_b;
  double rank_sum_b = 0.0;
  double tie_sum = 0.0;
  double mu;
  double sigma;
  double d;
  guint i = 0;
  guint j = 0;

  while (i < n_a || j < n_b)
    {
      double v = (j >= n_b || (i < n_a && a[i] <= b[j])) ? a[i] : b[j];
      guint ties_a = 0;
      guint ties_b = 0;
      double first_rank = i + j + 1;
      double t;

      while (i < n_a && a[i] == v)
        ties_a++, i++;
      while (j < n_b && b[j] == v)
        ties_b++, j++;

      t = ties_a + ties_b;
      /* midrank of the tied group */
      rank_sum_b += ties_b * (first_rank + (t - 1.0) / 2.0);
      tie_sum += t * t * t - t;
    }

  out->u = rank_sum_b - (double) n_b * (n_b + 1.0) / 2.0;

  mu = (double) n_a * n_b / 2.0;
  sigma = sqrt ((double) n_a * n_b / 12.0 *
                ((n_total + 1.0) - tie_sum / (n_total * (n_total - 1.0))));
  d = out->u - mu;

  if (sigma > 0.0)
    {
      double corrected = MAX (0.0, fabs (d) - 0.5);

      out->z = copysign (corrected / sigma, d);
      out->p_value = MIN (1.0, erfc (fabs (out->z) / G_SQRT2));
    }
  else
    {
      /* All values tie: U equals its mean under every permutation. */
      out->z = 0.0;
      out->p_value = 1.0;
    }
}

/**
 * bench_stats_compare:
 * @a: (array length=n_a): baseline samples, left unchanged
 * @n_a: number of baseline samples
 * @b: (array length=n_b): candidate samples, left unchanged
 * @n_b: number of candidate samples
 * @level: confidence level of the Hodges-Lehmann interval, in (0, 1)
 * @out: (out caller-allocates): the comparison
 *
 * Compares two samples, see #BenchComparison.
 *
 * Returns: %FALSE (with every double of @out NAN) when a sample is empty or
 *   holds a value that is not finite.
 */
gboolean
bench_stats_compare (const double    *a,
                     guint            n_a,
                     const double    *b,
                     guint            n_b,
                     double           level,
                     BenchComparison *out)
{
  g_autofree double *sa = NULL;
  g_autofree double *sb = NULL;
  guint64 m;
  double z_crit;
  double k_f;
  double median_a;

  g_return_val_if_fail (a != NULL || n_a == 0, FALSE);
  g_return_val_if_fail (b != NULL || n_b == 0, FALSE);
  g_return_val_if_fail (level > 0.0 && level < 1.0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  comparison_init_empty (out, n_a, n_b);

  if (n_a == 0 || n_b == 0 || !all_finite (a, n_a) || !all_finite (b, n_b))
    return FALSE;

  sa = g_memdup2 (a, sizeof (double) * n_a);
  sb = g_memdup2 (b, sizeof (double) * n_b);
  qsort (sa, n_a, sizeof (double), compare_doubles);
  qsort (sb, n_b, sizeof (double), compare_doubles);

  mann_whitney (sa, n_a, sb, n_b, out);

  m = (guint64) n_a * n_b;
  if (m % 2 == 1)
    out->hl_shift = select_diff (sa, n_a, sb, n_b, (m + 1) / 2);
  else
    out->hl_shift = 0.5 * (select_diff (sa, n_a, sb, n_b, m / 2) +
                           select_diff (sa, n_a, sb, n_b, m / 2 + 1));

  /* from the lower tail, where the refinement step is most accurate */
  z_crit = -normal_quantile ((1.0 - level) / 2.0);
  k_f = floor ((double) m / 2.0 -
               z_crit * sqrt ((double) m * ((double) n_a + n_b + 1.0) / 12.0));
  if (k_f >= 1.0)
    {
      guint64 k = (guint64) k_f;

      out->hl_low = select_diff (sa, n_a, sb, n_b, k);
      out->hl_high = select_diff (sa, n_a, sb, n_b, m + 1 - k);
    }

  median_a = bench_stats_percentile (sa, n_a, 0.5);
  if (median_a != 0.0)
    out->ratio_of_medians = bench_stats_percentile (sb, n_b, 0.5) / median_a;

  return TRUE;
}

/**
 * bench_stats_geomean:
 * @values: (array length=n): positive values
 * @n: number of values
 *
 * Returns: the geometric mean, computed as exp of the mean log (no
 *   overflow for long suites); NAN when @n is 0 or a value is not > 0.
 */
double
bench_stats_geomean (const double *values,
                     guint         n)
{
  double log_sum = 0.0;

  g_return_val_if_fail (values != NULL || n == 0, NAN);

  if (n == 0)
    return NAN;

  for (guint i = 0; i < n; i++)
    {
      if (!(values[i] > 0.0))
        return NAN;
      log_sum += log (values[i]);
    }

  return exp (log_sum / n);
}
