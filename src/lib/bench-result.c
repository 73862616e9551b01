/* bench-result.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <json-glib/json-glib.h>

#include "bench-result.h"

G_DEFINE_FINAL_TYPE (BenchResult, bench_result, G_TYPE_OBJECT)

static const char *status_names[] = {
  [BENCH_RESULT_STATUS_OK] = "ok",
  [BENCH_RESULT_STATUS_FAILED] = "failed",
  [BENCH_RESULT_STATUS_INVALID] = "invalid",
  [BENCH_RESULT_STATUS_CANCELLED] = "cancelled",
};

static const char *validation_names[] = {
  [BENCH_VALIDATION_NONE] = "none",
  [BENCH_VALIDATION_PASS] = "pass",
  [BENCH_VALIDATION_FAIL] = "fail",
};

static gboolean
lookup_name (const char  *str,
             const char **names,
             guint        n_names,
             guint       *value)
{
  for (guint i = 0; str != NULL && i < n_names; i++)
    {
      if (g_strcmp0 (str, names[i]) == 0)
        {
          *value = i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
bench_result_status_to_string (BenchResultStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (status_names), NULL);
  return status_names[status];
}

gboolean
bench_result_status_from_string (const char        *str,
                                 BenchResultStatus *status)
{
  guint value;

  if (!lookup_name (str, status_names, G_N_ELEMENTS (status_names), &value))
    return FALSE;
  *status = value;
  return TRUE;
}

const char *
bench_validation_to_string (BenchValidation validation)
{
  g_return_val_if_fail ((guint) validation < G_N_ELEMENTS (validation_names), NULL);
  return validation_names[validation];
}

gboolean
bench_validation_from_string (const char      *str,
                              BenchValidation *validation)
{
  guint value;

  if (!lookup_name (str, validation_names, G_N_ELEMENTS (validation_names), &value))
    return FALSE;
  *validation = value;
  return TRUE;
}

static void
bench_result_finalize (GObject *object)
{
  BenchResult *self = (BenchResult *)object;

  g_clear_pointer (&self->run_uuid, g_free);
  g_clear_pointer (&self->workload, g_free);
  g_clear_pointer (&self->workload_family, g_free);
  g_clear_pointer (&self->workload_category, g_free);
  g_clear_pointer (&self->device_id, g_free);
  g_clear_pointer (&self->device_fingerprint, g_free);
  g_clear_pointer (&self->device_name, g_free);
  g_clear_pointer (&self->precision, g_free);
  g_clear_pointer (&self->mode, g_free);
  g_clear_pointer (&self->params_json, g_free);
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_pointer (&self->flops_breakdown_json, g_free);
  g_clear_pointer (&self->samples, g_array_unref);
  g_clear_pointer (&self->device_samples, g_array_unref);

  G_OBJECT_CLASS (bench_result_parent_class)->finalize (object);
}

static void
bench_result_class_init (BenchResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bench_result_finalize;
}

static void
bench_result_init (BenchResult *self)
{
  self->id = -1;
  self->batch_size = -1;
  self->seq_len = -1;
  self->status = BENCH_RESULT_STATUS_OK;
  self->warmup_iterations = -1;
  self->iterations = -1;
  self->setup_ns = NAN;
  self->cold_ns = NAN;
  self->first_token_ns = NAN;
  bench_stats_init_empty (&self->latency);
  bench_stats_init_empty (&self->device_latency);
  self->items_per_iteration = NAN;
  self->tokens_per_iteration = NAN;
  self->flops = NAN;
  self->bytes = NAN;
  self->items_per_second = NAN;
  self->tokens_per_second = NAN;
  self->gflops = NAN;
  self->gbytes_per_second = NAN;
  self->percent_of_peak = NAN;
  self->peak_rss_bytes = -1;
  self->device_memory_bytes = -1;
  self->weights_bytes = -1;
  self->workspace_bytes = -1;
  self->validation = BENCH_VALIDATION_NONE;
  self->max_abs_error = NAN;
  self->max_rel_error = NAN;
  self->tolerance = NAN;
  self->samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->device_samples = g_array_new (FALSE, FALSE, sizeof (gint64));
}

/**
 * bench_result_new:
 *
 * Returns: (transfer full): a result with every measurement unset
 *   (NAN, -1 or %NULL).
 */
BenchResult *
bench_result_new (void)
{
  return g_object_new (BENCH_TYPE_RESULT, NULL);
}

/**
 * bench_result_compute_derived:
 *
 * Recomputes the statistics from the raw samples and the rates from the
 * median latency and the per-iteration work. Rates stay NAN when either
 * side is unknown.
 */
void
bench_result_compute_derived (BenchResult *self)
{
  double seconds;

  g_return_if_fail (BENCH_IS_RESULT (self));

  bench_stats_compute (&self->latency, (const gint64 *)(gpointer)self->samples->data, self->samples->len);
  bench_stats_compute (&self->device_latency, (const gint64 *)(gpointer)self->device_samples->data, self->device_samples->len);

  /* Rates come from the host median: that is what a user waits for;
   * device-timer statistics are reported beside it. */
  seconds = self->latency.median / 1e9;

  self->items_per_second = NAN;
  self->tokens_per_second = NAN;
  self->gflops = NAN;
  self->gbytes_per_second = NAN;

  if (!isnan (seconds) && seconds > 0)
    {
      if (!isnan (self->items_per_iteration))
        self->items_per_second = self->items_per_iteration / seconds;
      if (!isnan (self->tokens_per_iteration))
        self->tokens_per_second = self->tokens_per_iteration / seconds;
      if (!isnan (self->flops))
        self->gflops = self->flops / seconds / 1e9;
      if (!isnan (self->bytes))
        self->gbytes_per_second = self->bytes / seconds / 1e9;
    }
}

/**
 * bench_result_dup_label:
 *
 * Returns: (transfer full): "gemm on cpu (fp32)", "bert-base on cpu,
 *   batch 8, seq 128 (fp32)"
 */
char *
bench_result_dup_label (BenchResult *self)
{
  GString *str;

  g_return_val_if_fail (BENCH_IS_RESULT (self), NULL);

  str = g_string_new (self->workload);
  g_string_append_printf (str, " on %s", self->device_id ? self->device_id : self->device_name);
  if (self->batch_size >= 0)
    g_string_append_printf (str, ", batch %d", self->batch_size);
  if (self->seq_len >= 0)
    g_string_append_printf (str, ", seq %d", self->seq_len);
  if (self->params_json != NULL)
    {
      g_autoptr(JsonNode) params = json_from_string (self->params_json, NULL);

      if (params != NULL && JSON_NODE_HOLDS_OBJECT (params) &&
          json_object_has_member (json_node_get_object (params), "size"))
        g_string_append_printf (str, ", size %" G_GINT64_FORMAT,
                                json_object_get_int_member (json_node_get_object (params), "size"));
    }
  if (self->precision != NULL)
    g_string_append_printf (str, " (%s)", self->precision);

  return g_string_free (str, FALSE);
}
