/* bench-run.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <unistd.h>

#include "bench-run.h"
#include "bench-sysinfo.h"

G_DEFINE_FINAL_TYPE (BenchRun, bench_run, G_TYPE_OBJECT)

static const char *status_names[] = {
  [BENCH_RUN_STATUS_RUNNING] = "running",
  [BENCH_RUN_STATUS_COMPLETED] = "completed",
  [BENCH_RUN_STATUS_CANCELLED] = "cancelled",
  [BENCH_RUN_STATUS_FAILED] = "failed",
  [BENCH_RUN_STATUS_INTERRUPTED] = "interrupted",
};

const char *
bench_run_status_to_string (BenchRunStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (status_names), NULL);
  return status_names[status];
}

gboolean
bench_run_status_from_string (const char     *str,
                              BenchRunStatus *status)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (status_names); i++)
    {
      if (g_str_equal (str, status_names[i]))
        {
          *status = i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
bench_run_dispose (GObject *object)
{
  BenchRun *self = (BenchRun *)object;

  if (self->devices != NULL)
    g_ptr_array_set_size (self->devices, 0);
  if (self->results != NULL)
    g_ptr_array_set_size (self->results, 0);

  G_OBJECT_CLASS (bench_run_parent_class)->dispose (object);
}

static void
bench_run_finalize (GObject *object)
{
  BenchRun *self = (BenchRun *)object;

  g_clear_pointer (&self->uuid, g_free);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_pointer (&self->finished_at, g_date_time_unref);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->app_version, g_free);
  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->source_format, g_free);
  g_clear_pointer (&self->source_file, g_free);
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->notes, g_free);
  g_clear_pointer (&self->plan_json, g_free);
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  g_clear_pointer (&self->summary_workloads, g_free);
  g_clear_pointer (&self->summary_devices, g_free);

  G_OBJECT_CLASS (bench_run_parent_class)->finalize (object);
}

static void
bench_run_class_init (BenchRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bench_run_dispose;
  object_class->finalize = bench_run_finalize;
}

static void
bench_run_init (BenchRun *self)
{
  self->id = -1;
  self->pid = -1;
  self->status = BENCH_RUN_STATUS_RUNNING;
  self->devices = g_ptr_array_new_with_free_func (g_object_unref);
  self->results = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * bench_run_new:
 *
 * Returns: (transfer full): an empty run record with no identity.
 */
BenchRun *
bench_run_new (void)
{
  return g_object_new (BENCH_TYPE_RUN, NULL);
}

/**
 * bench_run_new_local:
 *
 * Returns: (transfer full): a run about to be measured here: a fresh uuid,
 *   started now, this host, this program's version and process.
 */
BenchRun *
bench_run_new_local (void)
{
  BenchRun *self = bench_run_new ();

  self->uuid = bench_sysinfo_dup_uuid ();
  self->started_at = g_date_time_new_now_utc ();
  self->host = bench_sysinfo_dup_hostname ();
  self->app_version = g_strdup ("benchtop " PACKAGE_VERSION);
  self->source = g_strdup ("local");
  self->pid = getpid ();

  return self;
}

/**
 * bench_run_find_device:
 *
 * Returns: (transfer none) (nullable): the run's device with @fingerprint
 */
BenchDevice *
bench_run_find_device (BenchRun   *self,
                       const char *fingerprint)
{
  g_return_val_if_fail (BENCH_IS_RUN (self), NULL);

  for (guint i = 0; i < self->devices->len; i++)
    {
      BenchDevice *device = g_ptr_array_index (self->devices, i);

      if (g_strcmp0 (bench_device_get_fingerprint (device), fingerprint) == 0)
        return device;
    }

  return NULL;
}

void
bench_run_add_device (BenchRun    *self,
                      BenchDevice *device)
{
  g_return_if_fail (BENCH_IS_RUN (self));
  g_return_if_fail (BENCH_IS_DEVICE (device));

  if (bench_run_find_device (self, bench_device_get_fingerprint (device)) == NULL)
    g_ptr_array_add (self->devices, g_object_ref (device));
}

void
bench_run_add_result (BenchRun    *self,
                      BenchResult *result)
{
  g_return_if_fail (BENCH_IS_RUN (self));
  g_return_if_fail (BENCH_IS_RESULT (result));

  if (result->run_uuid == NULL)
    result->run_uuid = g_strdup (self->uuid);
  g_ptr_array_add (self->results, g_object_ref (result));
  self->n_results = self->results->len;
  if (result->status != BENCH_RESULT_STATUS_OK)
    self->n_failed++;
}
