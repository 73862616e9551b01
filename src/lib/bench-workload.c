/* bench-workload.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "bench-error.h"
#include "bench-model-zoo.h"
#include "bench-workload.h"

struct _BenchWorkload
{
  GObject             parent_instance;

  char               *name;
  char               *family;
  char               *category;
  char               *description;
  char               *size_label;
  char               *alias;
  BenchWorkloadFlags  flags;
  gint64              parameters;
};

G_DEFINE_FINAL_TYPE (BenchWorkload, bench_workload, G_TYPE_OBJECT)

static void
bench_workload_finalize (GObject *object)
{
  BenchWorkload *self = (BenchWorkload *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->family, g_free);
  g_clear_pointer (&self->category, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->size_label, g_free);
  g_clear_pointer (&self->alias, g_free);

  G_OBJECT_CLASS (bench_workload_parent_class)->finalize (object);
}

static void
bench_workload_class_init (BenchWorkloadClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bench_workload_finalize;
}

static void
bench_workload_init (BenchWorkload *self)
{
  self->parameters = -1;
}

BenchWorkload *
bench_workload_new (const char         *name,
                    const char         *family,
                    const char         *category,
                    const char         *description,
                    BenchWorkloadFlags  flags)
{
  BenchWorkload *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (BENCH_TYPE_WORKLOAD, NULL);
  self->name = g_strdup (name);
  self->family = g_strdup (family);
  self->category = g_strdup (category);
  self->description = g_strdup (description);
  self->flags = flags;

  return self;
}

const char *
bench_workload_get_name (BenchWorkload *self)
{
  g_return_val_if_fail (BENCH_IS_WORKLOAD (self), NULL);
  return self->name;
}

const char *
bench_workload_get_family (BenchWorkload *self)
{
  g_return_val_if_fail (BENCH_IS_WORKLOAD (self), NULL);
  return self->family;
}

const char *
bench_workload_get_category (BenchWorkload *self)
{
  g_return_val_if_fail (BENCH_IS_WORKLOAD (self), NULL);
  return self->category;
}

const char *
bench_workload_get_description (BenchWorkload *self)
{
  g_return_val_if_fail (BENCH_IS_WORKLOAD (self), NULL);
  return self->description;
}

BenchWorkloadFlags
bench_workload_get_flags (BenchWorkload *self)
{
  g_return_val_if_fail (BENCH_IS_WORKLOAD (self), 0);
  return self->flags;
}

gint64
bench_workload_get_parameters (BenchWorkload *self)
{
  g_return_val_if_fail (BENCH_IS_WORKLOAD (self), -1);
  return self->parameters;
}

void
bench_workload_set_parameters (BenchWorkload *self,
                               gint64         parameters)
{
  g_return_if_fail (BENCH_IS_WORKLOAD (self));
  self->parameters = parameters;
}

const char *
bench_workload_get_size_label (BenchWorkload *self)
{
  g_return_val_if_fail (BENCH_IS_WORKLOAD (self), NULL);
  return self->size_label;
}

void
bench_workload_set_size_label (BenchWorkload *self,
                               const char    *size)
{
  g_return_if_fail (BENCH_IS_WORKLOAD (self));
  g_free (self->size_label);
  self->size_label = g_strdup (size);
}

/**
 * bench_workload_get_alias:
 *
 * Returns: (nullable): another name users type for this workload
 *   ("bert-base" for "bert-base-uncased")
 */
const char *
bench_workload_get_alias (BenchWorkload *self)
{
  g_return_val_if_fail (BENCH_IS_WORKLOAD (self), NULL);
  return self->alias;
}

void
bench_workload_set_alias (BenchWorkload *self,
                          const char    *alias)
{
  g_return_if_fail (BENCH_IS_WORKLOAD (self));
  g_free (self->alias);
  self->alias = g_strdup (alias);
}

static const char *category_order[] = { "micro", "text", "vision", "audio", "multimodal" };

static guint
category_rank (const char *category)
{
  for (guint i = 0; i < G_N_ELEMENTS (category_order); i++)
    if (g_strcmp0 (category, category_order[i]) == 0)
      return i;
  return G_N_ELEMENTS (category_order);
}

static int
compare_workloads (gconstpointer a,
                   gconstpointer b)
{
  BenchWorkload *wa = *(BenchWorkload **)a;
  BenchWorkload *wb = *(BenchWorkload **)b;
  guint ra = category_rank (wa->category);
  guint rb = category_rank (wb->category);

  if (ra != rb)
    return ra < rb ? -1 : 1;
  return g_strcmp0 (wa->name, wb->name);
}

static GPtrArray *
build_catalog (void)
{
  GPtrArray *catalog = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (catalog,
                   bench_workload_new ("gemm", "gemm", "micro",
                                       "FP32 matrix multiply C = A B, M = N = K = --gemm-size",
                                       BENCH_WORKLOAD_USES_SIZE));
  g_ptr_array_add (catalog,
                   bench_workload_new ("stream-triad", "stream", "micro",
                                       "Memory bandwidth: a[i] = b[i] + s c[i] over three arrays of --bytes each",
                                       BENCH_WORKLOAD_USES_BYTES));
  g_ptr_array_add (catalog,
                   bench_workload_new ("peak-flops", "peak", "micro",
                                       "Peak FP32 throughput: independent vector FMA chains on every core",
                                       0));
  g_ptr_array_add (catalog,
                   bench_workload_new ("transfer-h2d", "transfer", "micro",
                                       "Host-to-device copy bandwidth, --bytes per copy (accelerators only)",
                                       BENCH_WORKLOAD_USES_BYTES));
  g_ptr_array_add (catalog,
                   bench_workload_new ("transfer-d2h", "transfer", "micro",
                                       "Device-to-host copy bandwidth, --bytes per copy (accelerators only)",
                                       BENCH_WORKLOAD_USES_BYTES));
  g_ptr_array_add (catalog,
                   bench_workload_new ("dispatch-latency", "dispatch", "micro",
                                       "Latency of dispatching an empty kernel and waiting for it",
                                       0));

  /* The model architectures, built from their published configurations. */
  {
    const BenchModelInfo *models;
    guint n_models = 0;

    models = bench_model_zoo_list (&n_models);
    for (guint i = 0; i < n_models; i++)
      {
        BenchWorkloadFlags flags = BENCH_WORKLOAD_USES_BATCH;
        BenchWorkload *workload;

        if (models[i].default_seq_len > 0)
          flags |= BENCH_WORKLOAD_USES_SEQ_LEN;
        if (models[i].generates)
          flags |= BENCH_WORKLOAD_GENERATES;

        workload = bench_workload_new (models[i].name, models[i].family,
                                       models[i].category, models[i].description,
                                       flags);
        bench_workload_set_parameters (workload, models[i].n_parameters);
        bench_workload_set_size_label (workload, models[i].size_label);
        if (models[i].alias != NULL)
          bench_workload_set_alias (workload, models[i].alias);
        g_ptr_array_add (catalog, workload);
      }
  }

  g_ptr_array_sort (catalog, compare_workloads);

  return catalog;
}

/**
 * bench_workload_catalog:
 *
 * Returns: (transfer container) (element-type BenchWorkload): every
 *   workload of this build, sorted by category, then name.
 */
GPtrArray *
bench_workload_catalog (void)
{
  static GPtrArray *catalog;

  if (g_once_init_enter (&catalog))
    g_once_init_leave (&catalog, build_catalog ());

  return g_ptr_array_ref (catalog);
}

/**
 * bench_workload_lookup:
 *
 * Returns: (transfer full): the workload named @name; otherwise %NULL and
 *   an error listing the valid names.
 */
BenchWorkload *
bench_workload_lookup (const char  *name,
                       GError     **error)
{
  g_autoptr(GPtrArray) catalog = bench_workload_catalog ();
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < catalog->len; i++)
    {
      BenchWorkload *workload = g_ptr_array_index (catalog, i);

      if (g_strcmp0 (workload->name, name) == 0 ||
          (workload->alias != NULL && g_strcmp0 (workload->alias, name) == 0))
        return g_object_ref (workload);

      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, workload->name);
    }

  g_set_error (error, BENCH_ERROR, BENCH_ERROR_UNKNOWN_WORKLOAD,
               "Unknown model “%s”; valid models are: %s",
               name, names->str);
  return NULL;
}
