/* bench-weights.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bench-error.h"
#include "bench-graph-private.h"
#include "bench-weights.h"

typedef struct
{
  guint          n_dims;
  gint64         shape[BENCH_GRAPH_MAX_DIMS];
  const float   *data;
  float         *owned;
  gpointer       owner;
  GDestroyNotify owner_free;
} Entry;

struct _BenchWeights
{
  gatomicrefcount  ref_count;
  GHashTable      *entries;  /* name -> Entry */
};

G_DEFINE_BOXED_TYPE (BenchWeights, bench_weights, bench_weights_ref, bench_weights_unref)

static void
entry_free (gpointer data)
{
  Entry *e = data;

  g_free (e->owned);
  if (e->owner_free != NULL)
    e->owner_free (e->owner);
  g_free (e);
}

BenchWeights *
bench_weights_new (void)
{
  BenchWeights *self = g_new0 (BenchWeights, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, entry_free);
  return self;
}

BenchWeights *
bench_weights_ref (BenchWeights *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
bench_weights_unref (BenchWeights *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_hash_table_unref (self->entries);
  g_free (self);
}

static Entry *
entry_new (guint         n_dims,
           const gint64 *shape)
{
  Entry *e = g_new0 (Entry, 1);

  g_return_val_if_fail (n_dims <= BENCH_GRAPH_MAX_DIMS, e);
  e->n_dims = n_dims;
  memcpy (e->shape, shape, n_dims * sizeof (gint64));
  return e;
}

void
bench_weights_insert (BenchWeights *self,
                      const char   *name,
                      guint         n_dims,
                      const gint64 *shape,
                      float        *data)
{
  Entry *e = entry_new (n_dims, shape);

  e->owned = data;
  e->data = data;
  g_hash_table_replace (self->entries, g_strdup (name), e);
}

void
bench_weights_insert_view (BenchWeights   *self,
                           const char     *name,
                           guint           n_dims,
                           const gint64   *shape,
                           const float    *data,
                           gpointer        owner,
                           GDestroyNotify  owner_ref_free)
{
  Entry *e = entry_new (n_dims, shape);

  e->data = data;
  e->owner = owner;
  e->owner_free = owner_ref_free;
  g_hash_table_replace (self->entries, g_strdup (name), e);
}

const float *
bench_weights_lookup (BenchWeights  *self,
                      const char    *name,
                      guint         *n_dims,
                      const gint64 **shape)
{
  Entry *e = g_hash_table_lookup (self->entries, name);

  if (e == NULL)
    return NULL;
  if (n_dims != NULL)
    *n_dims = e->n_dims;
  if (shape != NULL)
    *shape = e->shape;
  return e->data;
}

guint
bench_weights_get_n_tensors (BenchWeights *self)
{
  return g_hash_table_size (self->entries);
}

char *
_bench_shape_to_string (guint         n_dims,
                        const gint64 *shape)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < n_dims; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? ", " : "", shape[i]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

gboolean
bench_weights_check_graph (BenchWeights  *self,
                           BenchGraph    *graph,
                           GError       **error)
{
  for (guint i = 0; i < bench_graph_get_n_tensors (graph); i++)
    {
      const BenchTensor *t = bench_graph_get_tensor (graph, i);
      const gint64 *shape;
      guint n_dims;
      gboolean same;

      if (t->role != BENCH_TENSOR_WEIGHT)
        continue;
      if (bench_weights_lookup (self, t->name, &n_dims, &shape) == NULL)
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_FOUND,
                       "No values for weight tensor “%s” of model %s",
                       t->name, bench_graph_get_name (graph));
          return FALSE;
        }
      same = n_dims == t->n_dims;
      for (guint d = 0; same && d < n_dims; d++)
        same = shape[d] == t->shape[d];
      if (!same)
        {
          g_autofree char *have = _bench_shape_to_string (n_dims, shape);
          g_autofree char *want = _bench_shape_to_string (t->n_dims, t->shape);

          g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                       "Weight tensor “%s” has shape %s, model %s expects %s",
                       t->name, have, bench_graph_get_name (graph), want);
          return FALSE;
        }
    }
  return TRUE;
}

/* --- deterministic values --- */

#define CHUNK 65536

static inline guint64
splitmix64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static inline double
uniform01 (guint64 *state)
{
  return (splitmix64 (state) >> 11) * (1.0 / 9007199254740992.0);
}

static guint64
name_hash (const char *name)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);  /* FNV-1a */

  for (const char *p = name ? name : ""; *p; p++)
    h = (h ^ (guchar)*p) * G_GUINT64_CONSTANT (0x100000001b3);
  return h;
}

void
bench_fill_deterministic (gpointer       data,
                          BenchDType     dtype,
                          gint64         numel,
                          BenchInitKind  init,
                          double         scale,
                          guint64        seed,
                          const char    *name)
{
  guint64 base = name_hash (name) ^ (seed * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));
  gint64 n_chunks = (numel + CHUNK - 1) / CHUNK;

  if (dtype == BENCH_DTYPE_I32)
    {
      gint32 *v = data;
      guint64 state = base;
      gint64 hi = MAX ((gint64)scale, 1);

      for (gint64 i = 0; i < numel; i++)
        v[i] = init == BENCH_INIT_TOKEN_IDS ? (gint32)(splitmix64 (&state) % (guint64)hi) : 0;
      return;
    }

#pragma omp parallel for schedule(static) if (numel > 4 * CHUNK)
  for (gint64 c = 0; c < n_chunks; c++)
    {
      float *v = (float *)data + c * CHUNK;
      gint64 len = MIN (CHUNK, numel - c * CHUNK);
      guint64 state = base + (guint64)c * G_GUINT64_CONSTANT (0xD1B54A32D192ED03);

      for (gint64 i = 0; i < len; i++)
        {
          switch (init)
            {
            case BENCH_INIT_NORMAL:
              {
                /* Irwin-Hall: the sum of 4 uniforms, centred and scaled to
                 * unit variance; close to normal, bounded, and cheap. */
                double s = uniform01 (&state) + uniform01 (&state)
                         + uniform01 (&state) + uniform01 (&state);
                v[i] = (float)((s - 2.0) * 1.7320508075688772 * scale);
              }
              break;
            case BENCH_INIT_UNIFORM:
              v[i] = (float)((2.0 * uniform01 (&state) - 1.0) * scale);
              break;
            case BENCH_INIT_ONES:
              v[i] = 1.0f;
              break;
            case BENCH_INIT_TOKEN_IDS:
              v[i] = (float)(splitmix64 (&state) % (guint64)MAX (scale, 1));
              break;
            case BENCH_INIT_ZEROS:
            case BENCH_INIT_NONE:
            default:
              v[i] = 0.0f;
              break;
            }
        }
    }
}

void
bench_weights_add_random (BenchWeights *self,
                          BenchGraph   *graph,
                          guint64       seed)
{
  for (guint i = 0; i < bench_graph_get_n_tensors (graph); i++)
    {
      const BenchTensor *t = bench_graph_get_tensor (graph, i);
      float *data;

      if (t->role != BENCH_TENSOR_WEIGHT || g_hash_table_contains (self->entries, t->name))
        continue;
      data = g_new (float, t->numel);
      bench_fill_deterministic (data, BENCH_DTYPE_F32, t->numel, t->init, t->init_scale, seed, t->name);
      bench_weights_insert (self, t->name, t->n_dims, t->shape, data);
    }
}

BenchWeights *
bench_weights_new_random (BenchGraph *graph,
                          guint64     seed)
{
  BenchWeights *self = bench_weights_new ();

  bench_weights_add_random (self, graph, seed);
  return self;
}
