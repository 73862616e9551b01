/* test-compare.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "bench.h"

/* A result whose samples are base * (1 + i/100) for i in 0..n-1, times
 * @scale: a spread of 1% steps, so shifts and their intervals are known. */
static BenchResult *
make_result (const char *workload,
             double      base_ns,
             double      scale,
             guint       n)
{
  BenchResult *r = bench_result_new ();

  r->workload = g_strdup (workload);
  r->device_id = g_strdup ("cpu");
  r->precision = g_strdup ("fp32");
  r->mode = g_strdup ("inference");
  r->params_json = g_strdup ("{\"size\":256}");
  for (guint i = 0; i < n; i++)
    {
      gint64 v = (gint64) (base_ns * scale * (1.0 + i / 100.0));
      g_array_append_val (r->samples, v);
    }
  r->iterations = n;
  bench_result_compute_derived (r);
  return r;
}

static BenchRun *
make_run (void)
{
  BenchRun *run = bench_run_new ();
  run->uuid = g_uuid_string_random ();
  return run;
}

static BenchCompareRow *
find_row (BenchCompareReport *report,
          const char         *prefix)
{
  for (guint i = 0; i < report->rows->len; i++)
    {
      BenchCompareRow *row = g_ptr_array_index (report->rows, i);
      if (g_str_has_prefix (row->key, prefix))
        return row;
    }
  return NULL;
}

static void
add (BenchRun    *run,
     BenchResult *result)
{
  bench_run_add_result (run, result);
  g_object_unref (result);
}

static void
test_compare_verdicts (void)
{
  g_autoptr(BenchRun) a = make_run ();
  g_autoptr(BenchRun) b = make_run ();
  g_autoptr(BenchCompareReport) report = NULL;
  BenchCompareRow *row;
  BenchResult *failed;

  /* same: identical samples; slower: +30%; faster: -30%; small: +1%;
   * gone: only in the baseline; new: only in the candidate; broken:
   * failed in the candidate. */
  add (a, make_result ("same", 1e6, 1.0, 50));
  add (b, make_result ("same", 1e6, 1.0, 50));
  add (a, make_result ("slower", 1e6, 1.0, 50));
  add (b, make_result ("slower", 1e6, 1.3, 50));
  add (a, make_result ("faster", 1e6, 1.0, 50));
  add (b, make_result ("faster", 1e6, 0.7, 50));
  add (a, make_result ("small", 1e6, 1.0, 50));
  add (b, make_result ("small", 1e6, 1.01, 50));
  add (a, make_result ("gone", 1e6, 1.0, 50));
  add (b, make_result ("new", 1e6, 1.0, 50));
  add (a, make_result ("broken", 1e6, 1.0, 50));
  failed = bench_result_new ();
  failed->workload = g_strdup ("broken");
  failed->device_id = g_strdup ("cpu");
  failed->precision = g_strdup ("fp32");
  failed->mode = g_strdup ("inference");
  failed->params_json = g_strdup ("{\"size\":256}");
  failed->status = BENCH_RESULT_STATUS_FAILED;
  failed->error = g_strdup ("out of memory");
  add (b, failed);

  report = bench_compare_runs (a, b, 0.05, 0.95);
  g_assert_cmpuint (report->rows->len, ==, 7);

  row = find_row (report, "same ");
  g_assert_nonnull (row);
  g_assert_cmpint (row->verdict, ==, BENCH_VERDICT_UNCHANGED);
  g_assert_cmpfloat (fabs (row->shift), <, 1e-9);
  g_assert_cmpfloat (row->stats.p_value, >, 0.9);

  row = find_row (report, "slower ");
  g_assert_cmpint (row->verdict, ==, BENCH_VERDICT_SLOWER);
  /* Each sample is 30% larger: the shift is about +30% of the baseline median. */
  g_assert_cmpfloat (row->shift, >, 0.25);
  g_assert_cmpfloat (row->shift, <, 0.40);
  g_assert_cmpfloat (row->shift_low, >, 0.05);
  g_assert_cmpfloat (row->stats.p_value, <, 0.001);

  row = find_row (report, "faster ");
  g_assert_cmpint (row->verdict, ==, BENCH_VERDICT_FASTER);
  g_assert_cmpfloat (row->shift_high, <, -0.05);

  /* 1% is real but under the 5% threshold: not a regression. */
  row = find_row (report, "small ");
  g_assert_cmpint (row->verdict, !=, BENCH_VERDICT_SLOWER);

  g_assert_cmpint (find_row (report, "gone ")->verdict, ==, BENCH_VERDICT_MISSING);
  g_assert_cmpint (find_row (report, "new ")->verdict, ==, BENCH_VERDICT_MISSING);
  g_assert_cmpint (find_row (report, "broken ")->verdict, ==, BENCH_VERDICT_MISSING);
  g_assert_true (isnan (find_row (report, "broken ")->shift));

  g_assert_cmpuint (report->n_slower, ==, 1);
  g_assert_cmpuint (report->n_faster, ==, 1);
  g_assert_cmpuint (report->n_missing, ==, 3);
  /* Geometric mean of the compared ratios: (1 * 1.3 * 0.7 * 1.01)^(1/4). */
  g_assert_cmpfloat_with_epsilon (report->geomean_ratio, pow (1.3 * 0.7 * 1.01, 0.25), 0.005);
}

static void
test_compare_label_has_size (void)
{
  g_autoptr(BenchResult) r = make_result ("gemm", 1e6, 1.0, 3);
  g_autofree char *label = bench_result_dup_label (r);

  g_assert_cmpstr (label, ==, "gemm on cpu, size 256 (fp32)");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/compare/verdicts", test_compare_verdicts);
  g_test_add_func ("/compare/label", test_compare_label_has_size);

  return g_test_run ();
}
