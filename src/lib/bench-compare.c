/* bench-compare.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Regression verdicts from two runs' raw samples. Configurations are
 * matched on what was measured (workload, device id, batch, sequence
 * length, precision, mode, parameters), so that a CI machine's runs compare
 * across days even if the device's driver changed. A verdict needs the
 * Hodges-Lehmann confidence interval of the shift to lie entirely on one
 * side of the threshold: a difference that is statistically significant but
 * smaller than the threshold is "unchanged", and one whose interval
 * straddles the threshold is "inconclusive" rather than a guess.
 */
#include "config.h"

#include <math.h>

#include "bench-compare.h"

static const char *verdict_names[] = {
  [BENCH_VERDICT_UNCHANGED] = "unchanged",
  [BENCH_VERDICT_FASTER] = "faster",
  [BENCH_VERDICT_SLOWER] = "slower",
  [BENCH_VERDICT_INCONCLUSIVE] = "inconclusive",
  [BENCH_VERDICT_MISSING] = "missing",
};

const char *
bench_verdict_to_string (BenchVerdict verdict)
{
  g_return_val_if_fail ((guint) verdict < G_N_ELEMENTS (verdict_names), NULL);
  return verdict_names[verdict];
}

static char *
dup_key (BenchResult *r)
{
  return g_strdup_printf ("%s|%s|%d|%d|%s|%s|%s",
                          r->workload, r->device_id ? r->device_id : r->device_fingerprint,
                          r->batch_size, r->seq_len,
                          r->precision ? r->precision : "",
                          r->mode ? r->mode : "",
                          r->params_json ? r->params_json : "");
}

static void
row_free (BenchCompareRow *row)
{
  g_free (row->key);
  g_clear_object (&row->baseline);
  g_clear_object (&row->candidate);
  g_free (row);
}

static double *
samples_as_doubles (BenchResult *r)
{
  double *values = g_new (double, MAX (r->samples->len, 1));

  for (guint i = 0; i < r->samples->len; i++)
    values[i] = g_array_index (r->samples, gint64, i);
  return values;
}

static gboolean
usable (BenchResult *r)
{
  return r != NULL && r->status == BENCH_RESULT_STATUS_OK && r->samples->len > 0;
}

static void
compare_row (BenchCompareRow *row,
             double           threshold,
             double           level)
{
  g_autofree double *a = NULL;
  g_autofree double *b = NULL;
  double median;

  row->shift = row->shift_low = row->shift_high = NAN;

  if (!usable (row->baseline) || !usable (row->candidate))
    {
      row->verdict = BENCH_VERDICT_MISSING;
      return;
    }

  a = samples_as_doubles (row->baseline);
  b = samples_as_doubles (row->candidate);
  bench_stats_compare (a, row->baseline->samples->len, b, row->candidate->samples->len, level, &row->stats);

  median = row->baseline->latency.median;
  if (!(median > 0))
    {
      row->verdict = BENCH_VERDICT_INCONCLUSIVE;
      return;
    }

  row->shift = row->stats.hl_shift / median;
  row->shift_low = row->stats.hl_low / median;
  row->shift_high = row->stats.hl_high / median;

  if (isnan (row->shift_low) || isnan (row->shift_high))
    row->verdict = BENCH_VERDICT_INCONCLUSIVE;
  else if (row->shift_low > threshold)
    row->verdict = BENCH_VERDICT_SLOWER;
  else if (row->shift_high < -threshold)
    row->verdict = BENCH_VERDICT_FASTER;
  else if (row->shift_low >= -threshold && row->shift_high <= threshold)
    row->verdict = BENCH_VERDICT_UNCHANGED;
  else
    row->verdict = BENCH_VERDICT_INCONCLUSIVE;
}

/**
 * bench_compare_runs:
 * @baseline: the reference run, with samples
 * @candidate: the run to judge, with samples
 * @threshold: the relative latency change that matters (0.05 for 5%)
 * @level: the confidence level of the intervals (0.95)
 *
 * Returns: (transfer full): one row per configuration of either run, in
 *   the baseline's order, then the candidate's new ones.
 */
BenchCompareReport *
bench_compare_runs (BenchRun *baseline,
                    BenchRun *candidate,
                    double    threshold,
                    double    level)
{
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));
  BenchCompareReport *report;

  g_return_val_if_fail (BENCH_IS_RUN (baseline), NULL);
  g_return_val_if_fail (BENCH_IS_RUN (candidate), NULL);
  g_return_val_if_fail (threshold >= 0, NULL);
  g_return_val_if_fail (level > 0 && level < 1, NULL);

  report = g_new0 (BenchCompareReport, 1);
  report->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  report->level = level;
  report->threshold = threshold;

  for (guint i = 0; i < baseline->results->len; i++)
    {
      BenchResult *r = g_ptr_array_index (baseline->results, i);
      BenchCompareRow *row = g_new0 (BenchCompareRow, 1);

      row->key = dup_key (r);
      /* A configuration repeated within one run: the last one counts. */
      if (g_hash_table_contains (index, row->key))
        {
          BenchCompareRow *previous = g_hash_table_lookup (index, row->key);

          g_set_object (&previous->baseline, r);
          row_free (row);
          continue;
        }
      row->baseline = g_object_ref (r);
      g_ptr_array_add (report->rows, row);
      g_hash_table_insert (index, row->key, row);
    }

  for (guint i = 0; i < candidate->results->len; i++)
    {
      BenchResult *r = g_ptr_array_index (candidate->results, i);
      g_autofree char *key = dup_key (r);
      BenchCompareRow *row = g_hash_table_lookup (index, key);

      if (row == NULL)
        {
          row = g_new0 (BenchCompareRow, 1);
          row->key = g_steal_pointer (&key);
          g_ptr_array_add (report->rows, row);
          g_hash_table_insert (index, row->key, row);
        }
      g_set_object (&row->candidate, r);
    }

  for (guint i = 0; i < report->rows->len; i++)
    {
      BenchCompareRow *row = g_ptr_array_index (report->rows, i);
      BenchResult *any = row->baseline ? row->baseline : row->candidate;

      /* Present the key as people read it. */
      g_free (row->key);
      row->key = bench_result_dup_label (any);

      compare_row (row, threshold, level);
      switch (row->verdict)
        {
        case BENCH_VERDICT_FASTER: report->n_faster++; break;
        case BENCH_VERDICT_SLOWER: report->n_slower++; break;
        case BENCH_VERDICT_UNCHANGED: report->n_unchanged++; break;
        case BENCH_VERDICT_INCONCLUSIVE: report->n_inconclusive++; break;
        case BENCH_VERDICT_MISSING: report->n_missing++; break;
        default: g_assert_not_reached ();
        }

      if (row->verdict != BENCH_VERDICT_MISSING && row->stats.ratio_of_medians > 0)
        g_array_append_val (ratios, row->stats.ratio_of_medians);
    }

  report->geomean_ratio = bench_stats_geomean ((const double *)(gpointer) ratios->data, ratios->len);

  return report;
}

void
bench_compare_report_free (BenchCompareReport *report)
{
  if (report == NULL)
    return;

  g_clear_pointer (&report->rows, g_ptr_array_unref);
  g_free (report);
}
