/* bench-backend.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "bench-backend-private.h"
#include "bench-error.h"

typedef struct
{
  char *status_message;
} BenchBackendPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (BenchBackend, bench_backend, G_TYPE_OBJECT)

static void
bench_backend_finalize (GObject *object)
{
  BenchBackend *self = (BenchBackend *)object;
  BenchBackendPrivate *priv = bench_backend_get_instance_private (self);

  g_clear_pointer (&priv->status_message, g_free);

  G_OBJECT_CLASS (bench_backend_parent_class)->finalize (object);
}

static void
bench_backend_class_init (BenchBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bench_backend_finalize;
}

static void
bench_backend_init (BenchBackend *self)
{
}

const char *
bench_backend_get_name (BenchBackend *self)
{
  g_return_val_if_fail (BENCH_IS_BACKEND (self), NULL);
  return BENCH_BACKEND_GET_CLASS (self)->name;
}

const char *
bench_backend_get_status_message (BenchBackend *self)
{
  BenchBackendPrivate *priv = bench_backend_get_instance_private (self);

  g_return_val_if_fail (BENCH_IS_BACKEND (self), NULL);
  return priv->status_message;
}

void
bench_backend_set_status_message (BenchBackend *self,
                                  const char   *message)
{
  BenchBackendPrivate *priv = bench_backend_get_instance_private (self);

  g_return_if_fail (BENCH_IS_BACKEND (self));
  g_free (priv->status_message);
  priv->status_message = g_strdup (message);
}

/**
 * bench_backend_discover:
 *
 * Returns: (transfer full) (element-type BenchDevice): the devices found,
 *   each knowing its backend; an empty array when there are none.
 */
GPtrArray *
bench_backend_discover (BenchBackend  *self,
                        GCancellable  *cancellable,
                        GError       **error)
{
  GPtrArray *devices;

  g_return_val_if_fail (BENCH_IS_BACKEND (self), NULL);

  devices = BENCH_BACKEND_GET_CLASS (self)->discover (self, cancellable, error);
  if (devices == NULL)
    return NULL;

  for (guint i = 0; i < devices->len; i++)
    _bench_device_set_backend (g_ptr_array_index (devices, i), self);

  return devices;
}

BenchExecutable *
bench_backend_prepare (BenchBackend       *self,
                       BenchDevice        *device,
                       const BenchConfig  *config,
                       GCancellable       *cancellable,
                       GError            **error)
{
  BenchBackendClass *klass;

  g_return_val_if_fail (BENCH_IS_BACKEND (self), NULL);
  g_return_val_if_fail (BENCH_IS_DEVICE (device), NULL);
  g_return_val_if_fail (config != NULL, NULL);

  klass = BENCH_BACKEND_GET_CLASS (self);
  if (klass->prepare == NULL)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "The %s backend cannot run workloads", klass->name);
      return NULL;
    }

  return klass->prepare (self, device, config, cancellable, error);
}

/* BenchExecutable */

typedef struct
{
  BenchWork work;
} BenchExecutablePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (BenchExecutable, bench_executable, G_TYPE_OBJECT)

static void
bench_executable_finalize (GObject *object)
{
  BenchExecutable *self = (BenchExecutable *)object;
  BenchExecutablePrivate *priv = bench_executable_get_instance_private (self);

  g_clear_pointer (&priv->work.flops_breakdown_json, g_free);
  g_clear_pointer (&priv->work.params_json, g_free);
  g_clear_pointer (&priv->work.family, g_free);
  g_clear_pointer (&priv->work.category, g_free);

  G_OBJECT_CLASS (bench_executable_parent_class)->finalize (object);
}

static void
bench_executable_class_init (BenchExecutableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bench_executable_finalize;
}

static void
bench_executable_init (BenchExecutable *self)
{
  BenchExecutablePrivate *priv = bench_executable_get_instance_private (self);

  priv->work.flops = NAN;
  priv->work.bytes = NAN;
  priv->work.items = NAN;
  priv->work.tokens = NAN;
  priv->work.weights_bytes = -1;
  priv->work.workspace_bytes = -1;
  priv->work.device_memory_bytes = -1;
}

/**
 * bench_executable_get_work:
 *
 * Returns: (transfer none): what one iteration does, for the backend to
 *   fill in when it prepares the executable.
 */
BenchWork *
bench_executable_get_work (BenchExecutable *self)
{
  BenchExecutablePrivate *priv = bench_executable_get_instance_private (self);

  g_return_val_if_fail (BENCH_IS_EXECUTABLE (self), NULL);
  return &priv->work;
}

gboolean
bench_executable_run (BenchExecutable  *self,
                      BenchIteration   *iteration,
                      GError          **error)
{
  g_return_val_if_fail (BENCH_IS_EXECUTABLE (self), FALSE);
  g_return_val_if_fail (iteration != NULL, FALSE);

  iteration->device_ns = -1;
  iteration->first_token_ns = -1;

  return BENCH_EXECUTABLE_GET_CLASS (self)->run (self, iteration, error);
}

gboolean
bench_executable_validate (BenchExecutable        *self,
                           BenchValidationReport  *report,
                           GError                **error)
{
  BenchExecutableClass *klass;

  g_return_val_if_fail (BENCH_IS_EXECUTABLE (self), FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  report->validation = BENCH_VALIDATION_NONE;
  report->max_abs_error = NAN;
  report->max_rel_error = NAN;
  report->tolerance = NAN;

  klass = BENCH_EXECUTABLE_GET_CLASS (self);
  if (klass->validate == NULL)
    return TRUE;

  return klass->validate (self, report, error);
}
