/* bench-runner.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The runner measures a plan on a thread of its own (benchmarks block for
 * minutes, so they must not hold one of GLib's shared pool threads). The
 * worker touches only its own copies; everything the caller sees goes
 * through one ordered event queue under a mutex, drained by a single idle
 * source on the caller's main context, so progress is coalesced and
 * signals arrive in order: samples of a configuration, then its result,
 * and last the completion of the task.
 */
#include "config.h"

#include <math.h>

#include "bench-backend-private.h"
#include "bench-error.h"
#include "bench-runner.h"
#include "bench-store.h"
#include "bench-sysinfo.h"
#include "bench-workload.h"

/* Keeps a configuration's sample array bounded however fast its kernel. */
#define MAX_SAMPLES 1000000

/* Two runs in one process never measure at the same time. */
static GMutex measure_lock;

struct _BenchRunner
{
  GObject        parent_instance;

  BenchRegistry *registry;
  char          *store_path;
};

G_DEFINE_FINAL_TYPE (BenchRunner, bench_runner, G_TYPE_OBJECT)

enum {
  PROGRESS,
  SAMPLES,
  RESULT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_BOXED_TYPE (BenchProgress, bench_progress, bench_progress_copy, bench_progress_free)

BenchProgress *
bench_progress_copy (const BenchProgress *progress)
{
  BenchProgress *copy = g_memdup2 (progress, sizeof *progress);

  copy->config_label = g_strdup (progress->config_label);
  copy->phase = g_strdup (progress->phase);

  return copy;
}

void
bench_progress_free (BenchProgress *progress)
{
  if (progress == NULL)
    return;

  g_free (progress->config_label);
  g_free (progress->phase);
  g_free (progress);
}

typedef enum
{
  EVENT_SAMPLES,
  EVENT_RESULT,
} EventKind;

typedef struct
{
  EventKind    kind;
  guint        config_index;
  GArray      *samples;
  BenchResult *result;
} Event;

static void
event_free (Event *event)
{
  g_clear_pointer (&event->samples, g_array_unref);
  g_clear_object (&event->result);
  g_free (event);
}

typedef struct
{
  /* Owned by the worker; read by the main context only after "done". */
  BenchRegistry *registry;
  GPtrArray     *configs;        /* BenchConfig */
  char          *plan_json;
  char          *store_path;
  GCancellable  *cancellable;
  BenchRun      *run;
  GError        *error;          /* fatal error: no run to return */
  gint64         start_ns;
  gint64         last_progress_ns;
  GTask         *worker_task;    /* keeps the state alive until the thread ends */

  /* Shared, under mutex. */
  GMutex         mutex;
  GMainContext  *context;
  GTask         *task;           /* strong until delivered "done" */
  GSource       *idle_source;
  GQueue         events;
  BenchProgress *progress;
  gboolean       done;
} RunState;

static void
run_state_free (RunState *state)
{
  g_clear_object (&state->registry);
  g_clear_pointer (&state->configs, g_ptr_array_unref);
  g_clear_pointer (&state->plan_json, g_free);
  g_clear_pointer (&state->store_path, g_free);
  g_clear_object (&state->cancellable);
  g_clear_object (&state->run);
  g_clear_error (&state->error);
  g_queue_clear_full (&state->events, (GDestroyNotify) event_free);
  g_clear_pointer (&state->progress, bench_progress_free);
  g_clear_pointer (&state->context, g_main_context_unref);
  g_mutex_clear (&state->mutex);
  g_free (state);
}

static gboolean deliver (gpointer data);

/* Called with the mutex held. */
static void
schedule_delivery_locked (RunState *state)
{
  if (state->idle_source != NULL)
    return;

  state->idle_source = g_idle_source_new ();
  g_source_set_priority (state->idle_source, G_PRIORITY_DEFAULT);
  g_source_set_name (state->idle_source, "[bench-runner] deliver");
  g_source_set_callback (state->idle_source, deliver, state, NULL);
  g_source_attach (state->idle_source, state->context);
}

static void
push_samples (RunState *state,
              guint     config_index,
              gint64    sample)
{
  Event *last;

  g_mutex_lock (&state->mutex);
  last = g_queue_peek_tail (&state->events);
  if (last == NULL || last->kind != EVENT_SAMPLES || last->config_index != config_index)
    {
      last = g_new0 (Event, 1);
      last->kind = EVENT_SAMPLES;
      last->config_index = config_index;
      last->samples = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_queue_push_tail (&state->events, last);
    }
  g_array_append_val (last->samples, sample);
  schedule_delivery_locked (state);
  g_mutex_unlock (&state->mutex);
}

static void
push_result (RunState    *state,
             guint        config_index,
             BenchResult *result)
{
  Event *event = g_new0 (Event, 1);

  event->kind = EVENT_RESULT;
  event->config_index = config_index;
  event->result = g_object_ref (result);

  g_mutex_lock (&state->mutex);
  g_queue_push_tail (&state->events, event);
  schedule_delivery_locked (state);
  g_mutex_unlock (&state->mutex);
}

static void
push_progress (RunState   *state,
               guint       config_index,
               const char *phase,
               guint       iteration,
               double      config_fraction)
{
  const BenchConfig *config = g_ptr_array_index (state->configs, config_index);
  gint64 now = bench_sysinfo_now_ns ();
  double elapsed = (now - state->start_ns) / 1e9;
  BenchProgress *progress;

  /* Fast kernels iterate thousands of times a second: a few snapshots a
   * second are all a person can read. Phase changes always go through. */
  if (g_strcmp0 (phase, "measuring") == 0 && now - state->last_progress_ns < 50 * G_TIME_SPAN_MILLISECOND * 1000)
    return;
  state->last_progress_ns = now;

  progress = g_new0 (BenchProgress, 1);

  progress->config_index = config_index;
  progress->n_configs = state->configs->len;
  progress->config_label = bench_config_dup_label (config);
  progress->phase = g_strdup (phase);
  progress->iteration = iteration;
  progress->fraction = (config_index + CLAMP (config_fraction, 0.0, 1.0)) / state->configs->len;
  progress->elapsed_seconds = elapsed;
  /* A linear extrapolation; meaningless until some work is done. */
  if (progress->fraction > 0.01 && elapsed > 0.2)
    progress->eta_seconds = elapsed * (1.0 - progress->fraction) / progress->fraction;
  else
    progress->eta_seconds = NAN;

  g_mutex_lock (&state->mutex);
  g_clear_pointer (&state->progress, bench_progress_free);
  state->progress = progress;
  schedule_delivery_locked (state);
  g_mutex_unlock (&state->mutex);
}

static gboolean
deliver (gpointer data)
{
  RunState *state = data;
  g_autoptr(BenchProgress) progress = NULL;
  g_autoptr(GTask) task = NULL;
  GQueue events = G_QUEUE_INIT;
  BenchRunner *self;
  gboolean done;

  g_mutex_lock (&state->mutex);
  g_clear_pointer (&state->idle_source, g_source_unref);
  events = state->events;
  g_queue_init (&state->events);
  progress = g_steal_pointer (&state->progress);
  done = state->done;
  if (done)
    task = g_steal_pointer (&state->task);
  self = g_task_get_source_object (task != NULL ? task : state->task);
  g_mutex_unlock (&state->mutex);

  /* Keep the runner alive across the handlers, whatever they do. */
  g_object_ref (self);

  for (GList *l = events.head; l != NULL; l = l->next)
    {
      Event *event = l->data;

      if (event->kind == EVENT_SAMPLES)
        g_signal_emit (self, signals[SAMPLES], 0, event->config_index, event->samples);
      else
        g_signal_emit (self, signals[RESULT], 0, event->result);
    }
  g_queue_clear_full (&events, (GDestroyNotify) event_free);

  if (progress != NULL && !done)
    g_signal_emit (self, signals[PROGRESS], 0, progress);

  if (done)
    {
      if (state->error != NULL)
        g_task_return_error (task, g_steal_pointer (&state->error));
      else
        g_task_return_pointer (task, g_steal_pointer (&state->run), g_object_unref);
    }

  g_object_unref (self);

  return G_SOURCE_REMOVE;
}

static void
finish_worker (RunState *state)
{
  g_mutex_lock (&state->mutex);
  state->done = TRUE;
  schedule_delivery_locked (state);
  g_mutex_unlock (&state->mutex);
}

static void
fill_from_work (BenchResult     *result,
                BenchExecutable *executable)
{
  BenchWork *work = bench_executable_get_work (executable);

  result->flops = work->flops;
  result->bytes = work->bytes;
  result->items_per_iteration = work->items;
  result->tokens_per_iteration = work->tokens;
  result->weights_bytes = work->weights_bytes;
  result->workspace_bytes = work->workspace_bytes;
  result->device_memory_bytes = work->device_memory_bytes;
  g_free (result->flops_breakdown_json);
  result->flops_breakdown_json = g_strdup (work->flops_breakdown_json);
  if (result->workload_family == NULL && work->family != NULL)
    {
      result->workload_family = g_strdup (work->family);
      g_free (result->workload_category);
      result->workload_category = g_strdup (work->category);
    }
  if (work->params_json != NULL)
    {
      g_free (result->params_json);
      result->params_json = g_strdup (work->params_json);
    }
}

static BenchResult *
new_result (RunState          *state,
            const BenchConfig *config,
            BenchDevice       *device)
{
  BenchResult *result = bench_result_new ();
  g_autoptr(BenchWorkload) workload = bench_workload_lookup (config->workload, NULL);

  result->run_uuid = g_strdup (state->run->uuid);
  result->workload = g_strdup (config->workload);
  if (workload != NULL)
    {
      result->workload_family = g_strdup (bench_workload_get_family (workload));
      result->workload_category = g_strdup (bench_workload_get_category (workload));
    }
  result->device_id = g_strdup (bench_device_get_id (device));
  result->device_fingerprint = g_strdup (bench_device_get_fingerprint (device));
  result->device_name = g_strdup (bench_device_get_name (device));
  result->batch_size = config->batch_size;
  result->seq_len = config->seq_len;
  result->precision = g_strdup (config->precision);
  result->mode = g_strdup (config->mode);
  result->params_json = bench_config_dup_params_json (config);
  result->started_at = g_date_time_new_now_utc ();
  result->warmup_iterations = 0;
  result->iterations = 0;

  return result;
}

static void
fail_result (BenchResult       *result,
             BenchResultStatus  status,
             const char        *message)
{
  result->status = status;
  g_free (result->error);
  result->error = g_strdup (message);
}

/* Measures one configuration into @result; never fails the run. */
static void
measure_config (RunState    *state,
                guint        index,
                BenchDevice *device,
                BenchResult *result)
{
  const BenchConfig *config = g_ptr_array_index (state->configs, index);
  g_autoptr(BenchExecutable) executable = NULL;
  g_autoptr(GError) error = NULL;
  BenchValidationReport report;
  BenchIteration iteration;
  gint64 t0, t1, measure_start;
  double peak;

  bench_sysinfo_reset_peak_rss ();

  push_progress (state, index, "preparing", 0, 0);
  t0 = bench_sysinfo_now_ns ();
  executable = bench_backend_prepare (bench_device_get_backend (device), device, config,
                                      state->cancellable, &error);
  t1 = bench_sysinfo_now_ns ();
  if (executable == NULL)
    {
      fail_result (result,
                   g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                     ? BENCH_RESULT_STATUS_CANCELLED : BENCH_RESULT_STATUS_FAILED,
                   error->message);
      return;
    }
  result->setup_ns = t1 - t0;
  fill_from_work (result, executable);

  /* The first (cold) iteration is kept apart from the steady state. */
  t0 = bench_sysinfo_now_ns ();
  if (!bench_executable_run (executable, &iteration, &error))
    {
      fail_result (result, BENCH_RESULT_STATUS_FAILED, error->message);
      return;
    }
  t1 = bench_sysinfo_now_ns ();
  result->cold_ns = t1 - t0;

  for (gint i = 0; i < config->warmup; i++)
    {
      if (g_cancellable_is_cancelled (state->cancellable))
        {
          fail_result (result, BENCH_RESULT_STATUS_CANCELLED, "Cancelled during warm-up");
          return;
        }
      push_progress (state, index, "warm-up", 0, 0);
      if (!bench_executable_run (executable, &iteration, &error))
        {
          fail_result (result, BENCH_RESULT_STATUS_FAILED, error->message);
          return;
        }
      result->warmup_iterations = i + 1;
    }

  measure_start = bench_sysinfo_now_ns ();
  for (;;)
    {
      guint n = result->samples->len;
      double elapsed = (bench_sysinfo_now_ns () - measure_start) / 1e9;
      double fraction;
      gint64 sample;

      if (n >= (guint) config->iterations && elapsed >= config->min_time)
        break;
      if (config->max_time > 0 && elapsed >= config->max_time && n > 0)
        break;
      if (n >= MAX_SAMPLES)
        break;
      if (g_cancellable_is_cancelled (state->cancellable))
        {
          fail_result (result, BENCH_RESULT_STATUS_CANCELLED, "Cancelled while measuring");
          break;
        }

      fraction = MIN ((double) n / config->iterations,
                      config->min_time > 0 ? elapsed / config->min_time : 1.0);
      push_progress (state, index, "measuring", n, 0.05 + 0.9 * fraction);

      t0 = bench_sysinfo_now_ns ();
      if (!bench_executable_run (executable, &iteration, &error))
        {
          fail_result (result, BENCH_RESULT_STATUS_FAILED, error->message);
          break;
        }
      t1 = bench_sysinfo_now_ns ();

      sample = t1 - t0;
      g_array_append_val (result->samples, sample);
      if (iteration.device_ns >= 0)
        g_array_append_val (result->device_samples, iteration.device_ns);
      if (iteration.first_token_ns >= 0 && isnan (result->first_token_ns))
        result->first_token_ns = iteration.first_token_ns;
      push_samples (state, index, sample);
    }

  result->iterations = result->samples->len;
  /* Device timers must cover every sample or none. */
  if (result->device_samples->len != result->samples->len)
    g_array_set_size (result->device_samples, 0);

  if (result->status == BENCH_RESULT_STATUS_OK)
    {
      push_progress (state, index, "validating", result->iterations, 0.97);
      if (!bench_executable_validate (executable, &report, &error))
        {
          fail_result (result, BENCH_RESULT_STATUS_FAILED, error->message);
        }
      else
        {
          result->validation = report.validation;
          result->max_abs_error = report.max_abs_error;
          result->max_rel_error = report.max_rel_error;
          result->tolerance = report.tolerance;
          if (report.validation == BENCH_VALIDATION_FAIL)
            {
              g_autofree char *message =
                g_strdup_printf ("Outputs differ from the reference: max relative error %.3g exceeds tolerance %.3g",
                                 report.max_rel_error, report.tolerance);
              fail_result (result, BENCH_RESULT_STATUS_INVALID, message);
            }
        }
    }

  result->peak_rss_bytes = bench_sysinfo_get_peak_rss ();
  bench_result_compute_derived (result);

  peak = bench_device_get_peak_gflops (device);
  if (!isnan (result->gflops) && !isnan (peak) && peak > 0)
    result->percent_of_peak = 100.0 * result->gflops / peak;
}

/* Ceilings measured by an earlier characterisation give "percent of peak". */
static void
adopt_stored_ceilings (BenchStore *store,
                       GPtrArray  *devices)
{
  g_autoptr(GPtrArray) stored = bench_store_list_devices (store, NULL);

  for (guint i = 0; stored != NULL && i < stored->len; i++)
    {
      BenchDevice *known = g_ptr_array_index (stored, i);

      for (guint j = 0; j < devices->len; j++)
        {
          BenchDevice *device = g_ptr_array_index (devices, j);

          if (g_strcmp0 (bench_device_get_fingerprint (known), bench_device_get_fingerprint (device)) != 0)
            continue;
          if (isnan (bench_device_get_peak_gflops (device)))
            bench_device_set_peak_gflops (device, bench_device_get_peak_gflops (known));
          if (isnan (bench_device_get_bandwidth_gbs (device)))
            bench_device_set_bandwidth_gbs (device, bench_device_get_bandwidth_gbs (known));
        }
    }
}

static gpointer
run_worker (gpointer data)
{
  RunState *state = data;
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) store_error = NULL;
  BenchRun *run;

  state->start_ns = bench_sysinfo_now_ns ();

  if (!bench_registry_is_discovered (state->registry) &&
      !bench_registry_discover_sync (state->registry, state->cancellable, &state->error))
    goto out;

  /* Resolve every device before anything is recorded. */
  devices = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < state->configs->len; i++)
    {
      const BenchConfig *config = g_ptr_array_index (state->configs, i);
      BenchDevice *device = bench_registry_lookup_device (state->registry, config->device_id, &state->error);

      if (device == NULL)
        goto out;
      g_ptr_array_add (devices, device);
    }

  state->run = run = bench_run_new_local ();
  run->plan_json = g_strdup (state->plan_json);
  for (guint i = 0; i < devices->len; i++)
    bench_run_add_device (run, g_ptr_array_index (devices, i));

  if (state->store_path != NULL)
    {
      store = bench_store_open (state->store_path, &state->error);
      if (store == NULL)
        {
          g_clear_object (&state->run);
          goto out;
        }
      adopt_stored_ceilings (store, run->devices);
      if (!bench_store_begin_run (store, run, &state->error))
        {
          g_clear_object (&state->run);
          goto out;
        }
    }

  for (guint i = 0; i < state->configs->len; i++)
    {
      g_autoptr(BenchResult) result = NULL;
      BenchDevice *device = g_ptr_array_index (devices, i);

      if (g_cancellable_is_cancelled (state->cancellable))
        break;

      result = new_result (state, g_ptr_array_index (state->configs, i), device);

      g_mutex_lock (&measure_lock);
      measure_config (state, i, device, result);
      g_mutex_unlock (&measure_lock);

      bench_run_add_result (run, result);

      /* A store that fails (a full disk) does not lose the measurements:
       * the run goes on in memory and says why it was not saved. */
      if (store != NULL && store_error == NULL)
        bench_store_add_result (store, run, result, &store_error);

      push_result (state, i, result);
    }

  run->finished_at = g_date_time_new_now_utc ();
  if (g_cancellable_is_cancelled (state->cancellable))
    run->status = BENCH_RUN_STATUS_CANCELLED;
  else
    run->status = BENCH_RUN_STATUS_COMPLETED;

  if (store != NULL && store_error == NULL)
    bench_store_finish_run (store, run, &store_error);

  if (store_error != NULL)
    {
      run->status = BENCH_RUN_STATUS_FAILED;
      run->error = g_strdup_printf ("Results could not be saved to %s: %s",
                                    state->store_path, store_error->message);
    }

out:
  finish_worker (state);
  /* The last reference may be this one: the state is freed here then. */
  g_object_unref (state->worker_task);
  return NULL;
}

static void
bench_runner_finalize (GObject *object)
{
  BenchRunner *self = (BenchRunner *)object;

  g_clear_object (&self->registry);
  g_clear_pointer (&self->store_path, g_free);

  G_OBJECT_CLASS (bench_runner_parent_class)->finalize (object);
}

static void
bench_runner_class_init (BenchRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bench_runner_finalize;

  /**
   * BenchRunner::progress:
   * @progress: a #BenchProgress snapshot
   */
  signals[PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, BENCH_TYPE_PROGRESS | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * BenchRunner::samples:
   * @config_index: the configuration
   * @samples: (element-type gint64): new steady-state latencies in ns
   */
  signals[SAMPLES] =
    g_signal_new ("samples", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_ARRAY);

  /**
   * BenchRunner::result:
   * @result: a finished configuration
   */
  signals[RESULT] =
    g_signal_new ("result", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, BENCH_TYPE_RESULT);
}

static void
bench_runner_init (BenchRunner *self)
{
}

/**
 * bench_runner_new:
 * @registry: the devices to run on; discovered on first use if needed
 *
 * Returns: (transfer full): a new runner
 */
BenchRunner *
bench_runner_new (BenchRegistry *registry)
{
  BenchRunner *self;

  g_return_val_if_fail (BENCH_IS_REGISTRY (registry), NULL);

  self = g_object_new (BENCH_TYPE_RUNNER, NULL);
  self->registry = g_object_ref (registry);

  return self;
}

/**
 * bench_runner_set_store_path:
 * @path: (nullable): a SQLite file to record runs in, or %NULL for none
 */
void
bench_runner_set_store_path (BenchRunner *self,
                             const char  *path)
{
  g_return_if_fail (BENCH_IS_RUNNER (self));
  g_free (self->store_path);
  self->store_path = g_strdup (path);
}

void
bench_runner_run_async (BenchRunner         *self,
                        BenchPlan           *plan,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  RunState *state;
  GThread *thread;

  g_return_if_fail (BENCH_IS_RUNNER (self));
  g_return_if_fail (BENCH_IS_PLAN (plan));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bench_runner_run_async);
  /* A cancelled run still returns what it measured. */
  g_task_set_check_cancellable (task, FALSE);

  if (!bench_plan_validate (plan, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  state = g_new0 (RunState, 1);
  g_mutex_init (&state->mutex);
  state->registry = g_object_ref (self->registry);
  state->configs = bench_plan_expand (plan);
  state->plan_json = bench_plan_to_json (plan);
  state->store_path = g_strdup (self->store_path);
  state->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  state->context = g_main_context_ref (g_task_get_context (task));
  state->task = g_object_ref (task);
  state->worker_task = g_object_ref (task);
  g_task_set_task_data (task, state, (GDestroyNotify) run_state_free);

  thread = g_thread_new ("bench-runner", run_worker, state);
  g_thread_unref (thread);
}

/**
 * bench_runner_run_finish:
 *
 * Returns: (transfer full): the run, completed or cancelled, with its
 *   results; %NULL with @error when the run could not start (an invalid
 *   plan, an unknown device, a store that cannot be opened).
 */
BenchRun *
bench_runner_run_finish (BenchRunner   *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (BENCH_IS_RUNNER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
