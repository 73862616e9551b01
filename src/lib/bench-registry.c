/* bench-registry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "bench-backend-private.h"
#include "bench-cpu-backend.h"
#include "bench-error.h"
#include "bench-registry.h"

#if HAVE_OPENCL
#include "bench-opencl-backend.h"
#endif
#if HAVE_VULKAN
#include "bench-vulkan-backend.h"
#endif

struct _BenchRegistry
{
  GObject    parent_instance;

  GMutex     mutex;
  GPtrArray *backends;
  GPtrArray *devices;
  guint      discovered : 1;
};

G_DEFINE_FINAL_TYPE (BenchRegistry, bench_registry, G_TYPE_OBJECT)

static void
bench_registry_finalize (GObject *object)
{
  BenchRegistry *self = (BenchRegistry *)object;

  g_clear_pointer (&self->backends, g_ptr_array_unref);
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (bench_registry_parent_class)->finalize (object);
}

static void
bench_registry_class_init (BenchRegistryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bench_registry_finalize;
}

static void
bench_registry_init (BenchRegistry *self)
{
  g_mutex_init (&self->mutex);
  self->backends = g_ptr_array_new_with_free_func (g_object_unref);
  self->devices = g_ptr_array_new_with_free_func (g_object_unref);

  /* Backends are compiled in; each one behind its meson feature option. */
  g_ptr_array_add (self->backends, g_object_new (BENCH_TYPE_CPU_BACKEND, NULL));
#if HAVE_OPENCL
  g_ptr_array_add (self->backends, g_object_new (BENCH_TYPE_OPENCL_BACKEND, NULL));
#endif
#if HAVE_VULKAN
  g_ptr_array_add (self->backends, g_object_new (BENCH_TYPE_VULKAN_BACKEND, NULL));
#endif
}

/**
 * bench_registry_new:
 *
 * Returns: (transfer full): a registry of the compiled-in backends, with no
 *   devices until discovery has run.
 */
BenchRegistry *
bench_registry_new (void)
{
  return g_object_new (BENCH_TYPE_REGISTRY, NULL);
}

/**
 * bench_registry_discover_sync:
 *
 * Asks every backend for its devices. A backend that fails keeps its error
 * as its status message and contributes no device: this is not an error of
 * the registry. Only cancellation fails.
 */
gboolean
bench_registry_discover_sync (BenchRegistry  *self,
                              GCancellable   *cancellable,
                              GError        **error)
{
  g_autoptr(GPtrArray) found = NULL;

  g_return_val_if_fail (BENCH_IS_REGISTRY (self), FALSE);

  found = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->backends->len; i++)
    {
      BenchBackend *backend = g_ptr_array_index (self->backends, i);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GPtrArray) devices = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      devices = bench_backend_discover (backend, cancellable, &local_error);
      if (devices == NULL)
        {
          bench_backend_set_status_message (backend, local_error->message);
          continue;
        }

      for (guint j = 0; j < devices->len; j++)
        g_ptr_array_add (found, g_object_ref (g_ptr_array_index (devices, j)));
    }

  g_mutex_lock (&self->mutex);
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  self->devices = g_steal_pointer (&found);
  self->discovered = TRUE;
  g_mutex_unlock (&self->mutex);

  return TRUE;
}

static void
discover_worker (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;

  if (bench_registry_discover_sync (source_object, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
bench_registry_discover_async (BenchRegistry       *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BENCH_IS_REGISTRY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bench_registry_discover_async);
  g_task_run_in_thread (task, discover_worker);
}

gboolean
bench_registry_discover_finish (BenchRegistry  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (BENCH_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
bench_registry_is_discovered (BenchRegistry *self)
{
  g_return_val_if_fail (BENCH_IS_REGISTRY (self), FALSE);
  return self->discovered;
}

/**
 * bench_registry_get_backends:
 *
 * Returns: (transfer container) (element-type BenchBackend): the backends
 */
GPtrArray *
bench_registry_get_backends (BenchRegistry *self)
{
  g_return_val_if_fail (BENCH_IS_REGISTRY (self), NULL);
  return g_ptr_array_ref (self->backends);
}

/**
 * bench_registry_get_devices:
 *
 * Returns: (transfer container) (element-type BenchDevice): the devices
 *   found by the last discovery.
 */
GPtrArray *
bench_registry_get_devices (BenchRegistry *self)
{
  GPtrArray *devices;

  g_return_val_if_fail (BENCH_IS_REGISTRY (self), NULL);

  g_mutex_lock (&self->mutex);
  devices = g_ptr_array_ref (self->devices);
  g_mutex_unlock (&self->mutex);

  return devices;
}

/**
 * bench_registry_lookup_device:
 *
 * Returns: (transfer full): the device with @id; otherwise %NULL and an
 *   error listing the devices there are.
 */
BenchDevice *
bench_registry_lookup_device (BenchRegistry  *self,
                              const char     *id,
                              GError        **error)
{
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GString) ids = g_string_new (NULL);

  g_return_val_if_fail (BENCH_IS_REGISTRY (self), NULL);

  devices = bench_registry_get_devices (self);
  for (guint i = 0; i < devices->len; i++)
    {
      BenchDevice *device = g_ptr_array_index (devices, i);

      if (g_strcmp0 (bench_device_get_id (device), id) == 0)
        return g_object_ref (device);

      if (ids->len > 0)
        g_string_append (ids, ", ");
      g_string_append (ids, bench_device_get_id (device));
    }

  g_set_error (error, BENCH_ERROR, BENCH_ERROR_UNKNOWN_DEVICE,
               "Unknown device “%s”; available devices are: %s",
               id, ids->len > 0 ? ids->str : "none");
  return NULL;
}
