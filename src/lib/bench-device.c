/* bench-device.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "bench-backend-private.h"
#include "bench-device.h"
#include "bench-util-private.h"

struct _BenchDevice
{
  GObject          parent_instance;

  char            *id;
  char            *backend_name;
  guint            index;
  char            *name;
  char            *vendor;
  char            *driver;
  BenchDeviceType  device_type;
  gint64           compute_units;
  gint64           threads;
  gint64           memory_bytes;
  double           peak_gflops;
  double           bandwidth_gbs;
  char            *fingerprint;
  GPtrArray       *property_keys;   /* NULL-terminated, insertion order */
  GHashTable      *properties;
  BenchBackend    *backend;
};

G_DEFINE_FINAL_TYPE (BenchDevice, bench_device, G_TYPE_OBJECT)

static const char *type_names[] = {
  [BENCH_DEVICE_TYPE_OTHER] = "other",
  [BENCH_DEVICE_TYPE_CPU] = "cpu",
  [BENCH_DEVICE_TYPE_INTEGRATED_GPU] = "integrated-gpu",
  [BENCH_DEVICE_TYPE_DISCRETE_GPU] = "discrete-gpu",
  [BENCH_DEVICE_TYPE_VIRTUAL_GPU] = "virtual-gpu",
  [BENCH_DEVICE_TYPE_ACCELERATOR] = "accelerator",
};

const char *
bench_device_type_to_string (BenchDeviceType type)
{
  if ((guint) type < G_N_ELEMENTS (type_names))
    return type_names[type];
  return "other";
}

BenchDeviceType
bench_device_type_from_string (const char *str)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (type_names); i++)
    if (g_strcmp0 (str, type_names[i]) == 0)
      return i;
  return BENCH_DEVICE_TYPE_OTHER;
}

static void
bench_device_finalize (GObject *object)
{
  BenchDevice *self = (BenchDevice *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->backend_name, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->vendor, g_free);
  g_clear_pointer (&self->driver, g_free);
  g_clear_pointer (&self->fingerprint, g_free);
  g_clear_pointer (&self->property_keys, g_ptr_array_unref);
  g_clear_pointer (&self->properties, g_hash_table_unref);

  G_OBJECT_CLASS (bench_device_parent_class)->finalize (object);
}

static void
bench_device_dispose (GObject *object)
{
  BenchDevice *self = (BenchDevice *)object;

  g_clear_object (&self->backend);

  G_OBJECT_CLASS (bench_device_parent_class)->dispose (object);
}

static void
bench_device_class_init (BenchDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bench_device_dispose;
  object_class->finalize = bench_device_finalize;
}

static void
bench_device_init (BenchDevice *self)
{
  self->compute_units = -1;
  self->threads = -1;
  self->memory_bytes = -1;
  self->peak_gflops = NAN;
  self->bandwidth_gbs = NAN;
  self->property_keys = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->property_keys, NULL);
  self->properties = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
}

/**
 * bench_device_new:
 * @backend_name: "cpu", "opencl", "vulkan"
 * @index: the device's index within its backend
 * @name: the device's name
 *
 * Returns: (transfer full): a new device with id "cpu" for the CPU backend
 *   and "BACKEND:INDEX" otherwise.
 */
BenchDevice *
bench_device_new (const char *backend_name,
                  guint       index,
                  const char *name)
{
  BenchDevice *self;

  g_return_val_if_fail (backend_name != NULL, NULL);

  self = g_object_new (BENCH_TYPE_DEVICE, NULL);
  self->backend_name = g_strdup (backend_name);
  self->index = index;
  self->name = g_strdup (name != NULL ? name : backend_name);
  if (g_str_equal (backend_name, "cpu") && index == 0)
    self->id = g_strdup ("cpu");
  else
    self->id = g_strdup_printf ("%s:%u", backend_name, index);

  return self;
}

const char *
bench_device_get_id (BenchDevice *self)
{
  g_return_val_if_fail (BENCH_IS_DEVICE (self), NULL);
  return self->id;
}

const char *
bench_device_get_backend_name (BenchDevice *self)
{
  g_return_val_if_fail (BENCH_IS_DEVICE (self), NULL);
  return self->backend_name;
}

guint
bench_device_get_index (BenchDevice *self)
{
  g_return_val_if_fail (BENCH_IS_DEVICE (self), 0);
  return self->index;
}

const char *
bench_device_get_name (BenchDevice *self)
{
  g_return_val_if_fail (BENCH_IS_DEVICE (self), NULL);
  return self->name;
}

#define STRING_ACCESSORS(field)                                    \
  const char *                                                     \
  bench_device_get_##field (BenchDevice *self)                     \
  {                                                                \
    g_return_val_if_fail (BENCH_IS_DEVICE (self), NULL);           \
    return self->field;                                            \
  }                                                                \
  void                                                             \
  bench_device_set_##field (BenchDevice *self,                     \
                            const char  *value)                    \
  {                                                                \
    g_return_if_fail (BENCH_IS_DEVICE (self));                     \
    bench_set_str (&self->field, value);                               \
  }

#define SCALAR_ACCESSORS(type, field, fallback)                    \
  type                                                             \
  bench_device_get_##field (BenchDevice *self)                     \
  {                                                                \
    g_return_val_if_fail (BENCH_IS_DEVICE (self), fallback);       \
    return self->field;                                            \
  }                                                                \
  void                                                             \
  bench_device_set_##field (BenchDevice *self,                     \
                            type         value)                    \
  {                                                                \
    g_return_if_fail (BENCH_IS_DEVICE (self));                     \
    self->field = value;                                           \
  }

STRING_ACCESSORS (vendor)
STRING_ACCESSORS (driver)
SCALAR_ACCESSORS (BenchDeviceType, device_type, BENCH_DEVICE_TYPE_OTHER)
SCALAR_ACCESSORS (gint64, compute_units, -1)
SCALAR_ACCESSORS (gint64, threads, -1)
SCALAR_ACCESSORS (gint64, memory_bytes, -1)
SCALAR_ACCESSORS (double, peak_gflops, NAN)
SCALAR_ACCESSORS (double, bandwidth_gbs, NAN)

/**
 * bench_device_get_fingerprint:
 *
 * A stable identity across runs: the one the backend set, else a hash of
 * backend, name, vendor, driver, compute units and memory.
 */
const char *
bench_device_get_fingerprint (BenchDevice *self)
{
  g_return_val_if_fail (BENCH_IS_DEVICE (self), NULL);

  if (self->fingerprint == NULL)
    {
      g_autofree char *key = g_strdup_printf ("%s|%s|%s|%s|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT,
                                              self->backend_name, self->name,
                                              self->vendor ? self->vendor : "",
                                              self->driver ? self->driver : "",
                                              self->compute_units, self->memory_bytes);
      g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);

      self->fingerprint = g_strndup (sum, 16);
    }

  return self->fingerprint;
}

void
bench_device_set_fingerprint (BenchDevice *self,
                              const char  *fingerprint)
{
  g_return_if_fail (BENCH_IS_DEVICE (self));
  bench_set_str (&self->fingerprint, fingerprint);
}

const char *
bench_device_get_property_value (BenchDevice *self,
                                 const char  *key)
{
  g_return_val_if_fail (BENCH_IS_DEVICE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return g_hash_table_lookup (self->properties, key);
}

/**
 * bench_device_set_property_value:
 * @value: (nullable): the value; %NULL removes the key
 */
void
bench_device_set_property_value (BenchDevice *self,
                                 const char  *key,
                                 const char  *value)
{
  g_return_if_fail (BENCH_IS_DEVICE (self));
  g_return_if_fail (key != NULL);

  if (value == NULL)
    {
      for (guint i = 0; i + 1 < self->property_keys->len; i++)
        {
          if (g_str_equal (g_ptr_array_index (self->property_keys, i), key))
            {
              g_hash_table_remove (self->properties, key);
              g_ptr_array_remove_index (self->property_keys, i);
              break;
            }
        }
      return;
    }

  if (!g_hash_table_contains (self->properties, key))
    {
      char *owned = g_strdup (key);

      g_ptr_array_insert (self->property_keys, self->property_keys->len - 1, owned);
      g_hash_table_insert (self->properties, owned, g_strdup (value));
    }
  else
    {
      const char *owned = NULL;

      g_hash_table_lookup_extended (self->properties, key, (gpointer *)&owned, NULL);
      g_hash_table_insert (self->properties, (char *)owned, g_strdup (value));
    }
}

/**
 * bench_device_get_property_keys:
 *
 * Returns: (transfer none): the property keys in insertion order,
 *   %NULL-terminated.
 */
const char * const *
bench_device_get_property_keys (BenchDevice *self)
{
  g_return_val_if_fail (BENCH_IS_DEVICE (self), NULL);
  return (const char * const *)self->property_keys->pdata;
}

/**
 * bench_device_get_backend:
 *
 * Returns: (transfer none) (nullable): the #BenchBackend that discovered
 *   this device, or %NULL for a device read from a store or a file.
 */
gpointer
bench_device_get_backend (BenchDevice *self)
{
  g_return_val_if_fail (BENCH_IS_DEVICE (self), NULL);
  return self->backend;
}

void
_bench_device_set_backend (BenchDevice  *device,
                           BenchBackend *backend)
{
  g_return_if_fail (BENCH_IS_DEVICE (device));
  g_set_object (&device->backend, backend);
}
