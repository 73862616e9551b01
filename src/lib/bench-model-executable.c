/* bench-model-executable.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Generation (gpt2, opt): one iteration is the prefill of the prompt
 * (seq_len tokens), which gives the first token, then gen_tokens - 1
 * decode steps, each feeding the previous greedy (argmax) token: gen_tokens
 * new tokens, as transformers' generate(max_new_tokens = gen_tokens). Each
 * decode step is its own graph (the KV length grows by one, and FLOPs are
 * counted over exactly the filled length); all of them bind their
 * past_key_values inputs to one KV cache allocated at prepare with room for
 * seq_len + gen_tokens - 1 positions (bench_graph_buffers_new_external()).
 * The prefill's K/V outputs are copied into it, inside the timed iteration.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "bench-error.h"
#include "bench-hf-config.h"
#include "bench-model-executable.h"
#include "bench-model-zoo.h"
#include "bench-reference.h"
#include "bench-safetensors.h"
#include "bench-sysinfo.h"
#include "bench-weights.h"

#define WEIGHTS_SEED 1
#define INPUT_SEED   7
/* validate() runs the reference executor (double precision, plain loops,
 * a few GFLOP/s) on graphs of at most this many FLOPs; deeper models are
 * validated on their first layers (same shapes, same weights). */
#define VALIDATION_FLOP_BUDGET 12e9

typedef struct
{
  gint               n_layers;        /* the depth option it was built with */
  BenchGraph        *graph;           /* forward, or prefill */
  BenchGraphBuffers *buffers;
  GPtrArray         *decode_graphs;   /* BenchGraph */
  GPtrArray         *decode_buffers;  /* BenchGraphBuffers */
  float             *cache;           /* [2 L][B, h, capacity, d] */
  gint64             cache_bytes;
  gint64             capacity;
  guint              n_cache_layers;  /* 2 L */
  gint64             heads;
  gint64             head_dim;
  gint32            *tokens;          /* [B, gen_tokens] */
} Session;

struct _BenchModelExecutable
{
  BenchExecutable        parent_instance;

  BenchConfig           *config;
  char                  *device_name;
  const BenchOpTable    *table;
  BenchModelPrepareFunc  prepare;
  gpointer               owner;
  GDestroyNotify         owner_free;
  BenchModelDeviceTimeFunc device_time;
  gint64                 device_ns;       /* this iteration's so far, -1 unknown */

  BenchModelConfig       model;
  BenchModelOptions      opts;
  BenchWeights          *weights;
  gboolean               generates;
  gint                   batch;
  gint                   seq_len;
  gint                   gen_tokens;
  gint                   full_depth;        /* layers of the deepest stack, as run */
  gint                   validation_depth;  /* 0: as run */
  char                  *validation_scope;

  Session               *session;
  gboolean               has_run;

  gboolean               profile;
  gint64                 profile_ns[BENCH_OP_N_KINDS];
  guint64                profile_calls[BENCH_OP_N_KINDS];
  guint64                profile_runs;
};

G_DEFINE_FINAL_TYPE (BenchModelExecutable, bench_model_executable, BENCH_TYPE_EXECUTABLE)

static void
session_free (Session *s)
{
  if (s == NULL)
    return;
  /* Buffers before the cache they point into. */
  g_clear_pointer (&s->decode_buffers, g_ptr_array_unref);
  g_clear_pointer (&s->decode_graphs, g_ptr_array_unref);
  g_clear_pointer (&s->buffers, bench_graph_buffers_free);
  g_clear_pointer (&s->graph, bench_graph_unref);
  g_clear_pointer (&s->cache, g_aligned_free);
  g_clear_pointer (&s->tokens, g_free);
  g_free (s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Session, session_free)

static void
print_profile (BenchModelExecutable *self)
{
  gint64 total = 0;

  for (guint k = 0; k < BENCH_OP_N_KINDS; k++)
    total += self->profile_ns[k];
  if (self->profile_runs == 0 || total == 0)
    return;

  fprintf (stderr, "benchtop: op profile of %s on %s, %" G_GUINT64_FORMAT " runs (ms per run)\n",
           self->config->workload, self->device_name, self->profile_runs);
  for (guint k = 0; k < BENCH_OP_N_KINDS; k++)
    if (self->profile_calls[k] > 0)
      fprintf (stderr, "  %-16s %9.3f ms %5.1f %%  %6" G_GUINT64_FORMAT " calls/run\n",
               bench_op_kind_to_string (k),
               self->profile_ns[k] / 1e6 / self->profile_runs,
               100.0 * self->profile_ns[k] / total,
               self->profile_calls[k] / self->profile_runs);
  fprintf (stderr, "  %-16s %9.3f ms\n", "total", total / 1e6 / self->profile_runs);
}

static void
bench_model_executable_finalize (GObject *object)
{
  BenchModelExecutable *self = (BenchModelExecutable *)object;

  if (self->profile)
    print_profile (self);

  g_clear_pointer (&self->session, session_free);
  g_clear_pointer (&self->weights, bench_weights_unref);
  g_clear_pointer (&self->config, bench_config_free);
  g_clear_pointer (&self->device_name, g_free);
  g_clear_pointer (&self->validation_scope, g_free);
  if (self->owner_free != NULL)
    g_clear_pointer (&self->owner, self->owner_free);

  G_OBJECT_CLASS (bench_model_executable_parent_class)->finalize (object);
}

/* --- running --- */

/* Sums the device time of every graph of an iteration (prefill and decode
 * steps); one graph without a device time makes the whole unknown. */
static void
add_device_time (BenchModelExecutable *self)
{
  gint64 ns;

  if (self->device_time == NULL || self->device_ns < 0)
    return;
  ns = self->device_time (self->table->user_data);
  self->device_ns = ns >= 0 ? self->device_ns + ns : -1;
}

static gboolean
execute (BenchModelExecutable  *self,
         BenchGraphBuffers     *buffers,
         const BenchOpTable    *table,
         GError               **error)
{
  BenchGraph *graph = bench_graph_buffers_get_graph (buffers);
  guint n_ops;

  if (!self->profile || table != self->table)
    {
      if (!bench_graph_execute (graph, table, buffers, error))
        return FALSE;
      if (table == self->table)
        add_device_time (self);
      return TRUE;
    }

  n_ops = bench_graph_get_n_ops (graph);
  for (guint i = 0; i < n_ops; i++)
    {
      const BenchOpArgs *a = bench_graph_buffers_get_op_args (buffers, i);
      BenchOpKernel kernel = table->kernels[a->op->kind];
      gint64 t0 = bench_sysinfo_now_ns ();

      if (kernel == NULL)
        return bench_graph_execute (graph, table, buffers, error);
      if (!kernel (a, table->user_data, error))
        {
          g_prefix_error (error, "Op “%s” (%s) of %s: ", a->op->name,
                          bench_op_kind_to_string (a->op->kind), bench_graph_get_name (graph));
          return FALSE;
        }
      self->profile_ns[a->op->kind] += bench_sysinfo_now_ns () - t0;
      self->profile_calls[a->op->kind]++;
    }
  add_device_time (self);
  return TRUE;
}

static guint
last_output (BenchGraph *graph)
{
  guint n;
  const guint *outputs = bench_graph_get_outputs (graph, &n);

  return outputs[n - 1];
}

/* Greedy decoding: the argmax of each batch row of [B, 1, V] logits. */
static void
argmax_rows (const float *logits,
             gint64       batch,
             gint64       vocab,
             gint32      *tokens,
             gint64       token_stride)
{
  for (gint64 b = 0; b < batch; b++)
    {
      const float *row = logits + b * vocab;
      gint64 best = 0;

      for (gint64 v = 1; v < vocab; v++)
        if (row[v] > row[best])
          best = v;
      tokens[b * token_stride] = (gint32) best;
    }
}

static gboolean
run_session (BenchModelExecutable  *self,
             Session               *s,
             const BenchOpTable    *table,
             gint64                *first_token_ns,
             GError               **error)
{
  gint64 t0 = bench_sysinfo_now_ns ();
  gint64 B = self->batch, S, G = self->gen_tokens;
  const BenchTensor *logits;
  guint n_out;
  const guint *outputs;

  if (!execute (self, s->buffers, table, error))
    return FALSE;
  if (!self->generates)
    return TRUE;

  /* The prompt's K/V into the shared cache. */
  outputs = bench_graph_get_outputs (s->graph, &n_out);
  S = bench_graph_get_tensor (s->graph, outputs[0])->shape[2];
#pragma omp parallel for collapse(2) schedule(static) if (s->n_cache_layers * B * s->heads * S * s->head_dim > 65536)
  for (guint l = 0; l < s->n_cache_layers; l++)
    for (gint64 i = 0; i < B * s->heads; i++)
      {
        const float *src = bench_graph_buffers_get_data (s->buffers, outputs[l]);
        float *dst = s->cache + (gint64) l * B * s->heads * s->capacity * s->head_dim;

        memcpy (dst + i * s->capacity * s->head_dim, src + i * S * s->head_dim,
                S * s->head_dim * sizeof (float));
      }

  logits = bench_graph_get_tensor (s->graph, last_output (s->graph));
  argmax_rows (bench_graph_buffers_get_data (s->buffers, logits->id), B,
               logits->shape[logits->n_dims - 1], s->tokens, G);
  if (first_token_ns != NULL)
    *first_token_ns = bench_sysinfo_now_ns () - t0;

  for (guint t = 0; t < s->decode_buffers->len; t++)
    {
      BenchGraphBuffers *db = g_ptr_array_index (s->decode_buffers, t);
      BenchGraph *dg = g_ptr_array_index (s->decode_graphs, t);
      gint32 *ids = bench_graph_buffers_get_data (db, bench_graph_find_tensor (dg, "input_ids")->id);

      for (gint64 b = 0; b < B; b++)
        ids[b] = s->tokens[b * G + t];
      if (!execute (self, db, table, error))
        return FALSE;
      logits = bench_graph_get_tensor (dg, last_output (dg));
      argmax_rows (bench_graph_buffers_get_data (db, logits->id), B,
                   logits->shape[logits->n_dims - 1], s->tokens + t + 1, G);
    }
  return TRUE;
}

static gboolean
bench_model_executable_run (BenchExecutable  *executable,
                            BenchIteration   *iteration,
                            GError          **error)
{
  BenchModelExecutable *self = BENCH_MODEL_EXECUTABLE (executable);
  gint64 first = -1;

  self->device_ns = self->device_time != NULL ? 0 : -1;
  if (!run_session (self, self->session, self->table, self->generates ? &first : NULL, error))
    return FALSE;
  iteration->device_ns = self->device_ns;
  iteration->first_token_ns = first;
  self->has_run = TRUE;
  if (self->profile)
    self->profile_runs++;
  return TRUE;
}

/* --- building --- */

static BenchGraph *
build_graph (BenchModelExecutable  *self,
             gint                   n_layers,
             BenchModelMode         mode,
             gint                   seq_len,
             gint                   past_len,
             GError               **error)
{
  BenchModelOptions opts = self->opts;
  BenchGraph *graph;

  opts.n_layers = n_layers;
  opts.mode = mode;
  opts.seq_len = seq_len;
  opts.past_len = past_len;
  graph = bench_model_config_build (&self->model, &opts, error);
  if (graph != NULL)
    bench_graph_seal (graph);
  return graph;
}

static BenchGraphBuffers *
new_buffers (BenchModelExecutable      *self,
             BenchGraph                *graph,
             const BenchExternalInput  *external,
             guint                      n_external,
             GError                   **error)
{
  g_autoptr(BenchGraphBuffers) buffers = NULL;

  /* Random weights: a decode graph has no weight the prefill lacks, but a
   * reduced or forward graph is checked all the same. */
  if (self->config->weights == NULL)
    bench_weights_add_random (self->weights, graph, WEIGHTS_SEED);
  buffers = bench_graph_buffers_new_external (graph, self->weights, INPUT_SEED,
                                              external, n_external, error);
  if (buffers == NULL)
    return NULL;
  if (self->prepare != NULL && !self->prepare (self->table->user_data, buffers, error))
    return NULL;
  return g_steal_pointer (&buffers);
}

static Session *
session_new (BenchModelExecutable  *self,
             gint                   n_layers,
             GCancellable          *cancellable,
             GError               **error)
{
  g_autoptr(Session) s = g_new0 (Session, 1);
  gint64 B = self->batch, G = self->gen_tokens, S;
  guint n_out;
  const guint *outputs;

  s->n_layers = n_layers;
  s->graph = build_graph (self, n_layers,
                          self->generates ? BENCH_MODEL_MODE_PREFILL : BENCH_MODEL_MODE_FORWARD,
                          self->opts.seq_len, 0, error);
  if (s->graph == NULL)
    return NULL;
  if ((s->buffers = new_buffers (self, s->graph, NULL, 0, error)) == NULL)
    return NULL;
  if (!self->generates)
    return g_steal_pointer (&s);

  /* Prefill outputs: K and V of every layer [B, h, S, d], then the logits. */
  outputs = bench_graph_get_outputs (s->graph, &n_out);
  g_assert (n_out >= 3 && n_out % 2 == 1);
  s->n_cache_layers = n_out - 1;
  s->heads = bench_graph_get_tensor (s->graph, outputs[0])->shape[1];
  S = bench_graph_get_tensor (s->graph, outputs[0])->shape[2];
  s->head_dim = bench_graph_get_tensor (s->graph, outputs[0])->shape[3];
  s->capacity = S + G - 1;
  s->cache_bytes = (gint64) s->n_cache_layers * B * s->heads * s->capacity * s->head_dim * sizeof (float);
  s->cache = g_aligned_alloc0 (s->cache_bytes, 1, 64);
  s->tokens = g_new0 (gint32, B * G);

  s->decode_graphs = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_graph_unref);
  s->decode_buffers = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_graph_buffers_free);
  for (gint64 t = 0; t < G - 1; t++)
    {
      g_autoptr(BenchGraph) dg = NULL;
      g_autofree BenchExternalInput *ext = g_new0 (BenchExternalInput, s->n_cache_layers);
      g_auto(GStrv) names = g_new0 (char *, s->n_cache_layers + 1);
      BenchGraphBuffers *db;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      dg = build_graph (self, n_layers, BENCH_MODEL_MODE_DECODE, self->opts.seq_len, S + t, error);
      if (dg == NULL)
        return NULL;
      for (guint l = 0; l < s->n_cache_layers; l++)
        {
          names[l] = g_strdup_printf ("past_key_values.%u.%s", l / 2, l % 2 == 0 ? "key" : "value");
          ext[l].name = names[l];
          ext[l].data = s->cache + (gint64) l * B * s->heads * s->capacity * s->head_dim;
          ext[l].capacity = s->capacity;
        }
      db = new_buffers (self, dg, ext, s->n_cache_layers, error);
      if (db == NULL)
        return NULL;
      g_ptr_array_add (s->decode_graphs, g_steal_pointer (&dg));
      g_ptr_array_add (s->decode_buffers, db);
    }
  return g_steal_pointer (&s);
}

/* --- validation --- */

/* The graph the reference runs for validation at @n_layers: the forward
 * graph; for generation the forward over the prompt and every generated
 * token but the last (teacher forcing with our tokens). */
static BenchGraph *
check_graph (BenchModelExecutable  *self,
             gint                   n_layers,
             GError               **error)
{
  if (!self->generates)
    return build_graph (self, n_layers, BENCH_MODEL_MODE_FORWARD, self->opts.seq_len, 0, error);
  return build_graph (self, n_layers, BENCH_MODEL_MODE_FORWARD,
                      self->seq_len + self->gen_tokens - 1, 0, error);
}

static void
compare_rows (const float *ours,
              const float *ref,
              gint64       n,
              double      *max_abs,
              double      *max_ref)
{
  for (gint64 i = 0; i < n; i++)
    {
      double d = isfinite (ours[i]) ? fabs ((double) ours[i] - ref[i]) : INFINITY;

      *max_abs = MAX (*max_abs, d);
      *max_ref = MAX (*max_ref, fabs ((double) ref[i]));
    }
}

static gboolean
validate_generation (BenchModelExecutable   *self,
                     Session                *s,
                     BenchValidationReport  *report,
                     GError                **error)
{
  g_autoptr(BenchGraph) fwd = NULL;
  g_autoptr(BenchGraphBuffers) ref = NULL;
  gint64 B = self->batch, S = self->seq_len, G = self->gen_tokens, T = S + G - 1;
  const BenchTensor *prompt, *ids_t, *ref_logits, *logits;
  const gint32 *prompt_ids;
  gint32 *ids;
  gint64 V;
  double worst = 0;

  if ((fwd = check_graph (self, s->n_layers, error)) == NULL)
    return FALSE;
  if (self->config->weights == NULL)
    bench_weights_add_random (self->weights, fwd, WEIGHTS_SEED);
  if ((ref = bench_graph_buffers_new (fwd, self->weights, INPUT_SEED, error)) == NULL)
    return FALSE;

  /* The prompt, then our generated tokens. */
  prompt = bench_graph_find_tensor (s->graph, "input_ids");
  prompt_ids = bench_graph_buffers_get_data (s->buffers, prompt->id);
  ids_t = bench_graph_find_tensor (fwd, "input_ids");
  ids = bench_graph_buffers_get_data (ref, ids_t->id);
  for (gint64 b = 0; b < B; b++)
    {
      memcpy (ids + b * T, prompt_ids + b * S, S * sizeof (gint32));
      for (gint64 t = 0; t < G - 1; t++)
        ids[b * T + S + t] = s->tokens[b * G + t];
    }
  if (!bench_graph_execute (fwd, bench_reference_op_table (), ref, error))
    return FALSE;

  ref_logits = bench_graph_get_tensor (fwd, last_output (fwd));
  V = ref_logits->shape[ref_logits->n_dims - 1];
  report->max_abs_error = 0;
  report->max_rel_error = 0;

  /* Prefill logits against position S - 1, the last decode step's against T - 1. */
  for (guint step = 0; step < (G > 1 ? 2u : 1u); step++)
    {
      BenchGraph *g = step == 0 ? s->graph : g_ptr_array_index (s->decode_graphs, s->decode_graphs->len - 1);
      BenchGraphBuffers *bufs = step == 0 ? s->buffers : g_ptr_array_index (s->decode_buffers, s->decode_buffers->len - 1);
      gint64 pos = step == 0 ? S - 1 : T - 1;
      double max_abs = 0, max_ref = 0;
      const float *ours, *theirs;

      logits = bench_graph_get_tensor (g, last_output (g));
      ours = bench_graph_buffers_get_data (bufs, logits->id);
      theirs = bench_graph_buffers_get_data (ref, ref_logits->id);
      for (gint64 b = 0; b < B; b++)
        compare_rows (ours + b * V, theirs + (b * T + pos) * V, V, &max_abs, &max_ref);
      report->max_abs_error = MAX (report->max_abs_error, max_abs);
      worst = MAX (worst, max_abs == 0 ? 0 : max_abs / MAX (max_ref, 1e-30));
    }
  report->max_rel_error = worst;
  report->tolerance = BENCH_MODEL_TOLERANCE;
  report->validation = worst <= BENCH_MODEL_TOLERANCE ? BENCH_VALIDATION_PASS : BENCH_VALIDATION_FAIL;
  return TRUE;
}

static gboolean
bench_model_executable_validate (BenchExecutable        *executable,
                                 BenchValidationReport  *report,
                                 GError                **error)
{
  BenchModelExecutable *self = BENCH_MODEL_EXECUTABLE (executable);
  g_autoptr(Session) reduced = NULL;
  Session *s = self->session;

  /* Nothing to compare before the first run: "not validated". */
  if (!self->has_run)
    return TRUE;

  if (self->validation_depth > 0)
    {
      gboolean profile = self->profile;
      gboolean ok;

      /* The profile covers the benchmark's runs only. */
      self->profile = FALSE;
      reduced = session_new (self, self->validation_depth, NULL, error);
      ok = reduced != NULL && run_session (self, reduced, self->table, NULL, error);
      self->profile = profile;
      if (!ok)
        return FALSE;
      s = reduced;
    }

  if (self->generates)
    return validate_generation (self, s, report, error);

  {
    g_autoptr(BenchGraphBuffers) ref = NULL;
    BenchGraphComparison cmp;

    ref = bench_reference_run (s->graph, self->weights, INPUT_SEED, error);
    if (ref == NULL)
      return FALSE;
    bench_graph_buffers_compare (s->buffers, ref, BENCH_MODEL_TOLERANCE, &cmp);
    report->validation = cmp.pass ? BENCH_VALIDATION_PASS : BENCH_VALIDATION_FAIL;
    report->max_abs_error = cmp.max_abs_error;
    report->max_rel_error = cmp.max_rel_error;
    report->tolerance = cmp.tolerance;
    bench_graph_comparison_clear (&cmp);
  }
  return TRUE;
}

static void
bench_model_executable_class_init (BenchModelExecutableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BenchExecutableClass *executable_class = BENCH_EXECUTABLE_CLASS (klass);

  object_class->finalize = bench_model_executable_finalize;
  executable_class->run = bench_model_executable_run;
  executable_class->validate = bench_model_executable_validate;
}

static void
bench_model_executable_init (BenchModelExecutable *self)
{
}

/* --- preparing --- */

gboolean
bench_model_config_is_model (const BenchConfig *config)
{
  g_return_val_if_fail (config != NULL, FALSE);
  return config->model_config != NULL ||
         (config->workload != NULL && bench_model_zoo_lookup (config->workload) != NULL);
}

static gint
deepest_stack (const BenchModelConfig *m)
{
  gint depth = MAX (m->n_layers, MAX (m->n_decoder_layers, m->v_n_layers));

  if (m->arch == BENCH_MODEL_ARCH_RESNET)
    for (guint i = 0; i < G_N_ELEMENTS (m->stages); i++)
      depth = MAX (depth, m->stages[i]);
  return MAX (depth, 1);
}

/* The simple policy of docs/models.md: the whole model when the reference
 * graph fits the FLOP budget, else the deepest prefix that does. */
static gboolean
choose_validation_depth (BenchModelExecutable  *self,
                         GError               **error)
{
  const char *unit;
  gint depth;

  for (depth = self->full_depth; depth > 1; depth--)
    {
      g_autoptr(BenchGraph) g = check_graph (self, depth, error);

      if (g == NULL)
        return FALSE;
      if (bench_graph_get_totals (g)->flops <= VALIDATION_FLOP_BUDGET)
        break;
    }
  /* ResNet's depth option caps the blocks of each stage. */
  unit = self->model.arch == BENCH_MODEL_ARCH_RESNET ? "blocks per stage"
       : self->full_depth == 1 ? "layer" : "layers";
  self->validation_depth = depth == self->full_depth ? 0 : depth;
  if (depth == self->full_depth)
    self->validation_scope = g_strdup_printf ("all %d %s", self->full_depth, unit);
  else
    self->validation_scope = g_strdup_printf ("%d of %d %s", depth, self->full_depth, unit);
  return TRUE;
}

static char *
dup_params_json (BenchModelExecutable *self)
{
  g_autofree char *base = bench_config_dup_params_json (self->config);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  JsonObject *object;

  if (!json_parser_load_from_data (parser, base, -1, NULL))
    return g_steal_pointer (&base);
  object = json_node_get_object (json_parser_get_root (parser));
  json_object_set_string_member (object, "validation_scope", self->validation_scope);
  json_object_set_string_member (object, "model", self->model.name);
  json_object_set_string_member (object, "weights_source",
                                 self->config->weights != NULL ? "safetensors" : "random");
  if (self->generates)
    json_object_set_int_member (object, "decode_steps", self->gen_tokens - 1);
  json_generator_set_root (gen, json_parser_get_root (parser));
  return json_generator_to_data (gen, NULL);
}

static void
fill_work (BenchModelExecutable *self)
{
  BenchWork *work = bench_executable_get_work (BENCH_EXECUTABLE (self));
  Session *s = self->session;
  BenchGraphTotals sum = *bench_graph_get_totals (s->graph);
  gint64 workspace = bench_graph_get_arena_bytes (s->graph) + bench_graph_get_inputs_bytes (s->graph);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  for (guint t = 0; s->decode_graphs != NULL && t < s->decode_graphs->len; t++)
    {
      BenchGraph *dg = g_ptr_array_index (s->decode_graphs, t);
      const BenchGraphTotals *dt = bench_graph_get_totals (dg);

      sum.flops += dt->flops;
      sum.bytes += dt->bytes;
      for (guint c = 0; c < BENCH_OP_N_CATEGORIES; c++)
        sum.category_flops[c] += dt->category_flops[c];
    }
  if (s->cache != NULL)
    {
      /* The decode graphs' caches are the one shared block; their only
       * other input is the token ids. */
      workspace += s->cache_bytes;
      for (guint t = 0; t < s->decode_graphs->len; t++)
        {
          BenchGraph *dg = g_ptr_array_index (s->decode_graphs, t);
          const BenchTensor *ids = bench_graph_find_tensor (dg, "input_ids");

          workspace += bench_graph_get_arena_bytes (dg) + ids->numel * (gint64) sizeof (gint32);
        }
    }

  work->flops = sum.flops;
  work->bytes = sum.bytes;
  work->items = self->batch;
  if (self->generates)
    work->tokens = (double) self->batch * self->gen_tokens;
  else if (self->config->seq_len > 0)
    work->tokens = (double) self->batch * self->config->seq_len;
  else
    work->tokens = NAN;
  work->weights_bytes = bench_graph_get_weights_bytes (s->graph);
  work->workspace_bytes = workspace;
  work->device_memory_bytes = work->weights_bytes + workspace;

  json_builder_begin_object (builder);
  for (guint c = 0; c < BENCH_OP_N_CATEGORIES; c++)
    {
      json_builder_set_member_name (builder, bench_op_category_to_string (c));
      json_builder_add_double_value (builder, sum.category_flops[c]);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  g_free (work->flops_breakdown_json);
  work->flops_breakdown_json = json_to_string (root, FALSE);
  g_free (work->params_json);
  work->params_json = dup_params_json (self);
}

static gboolean
load_model (BenchModelExecutable  *self,
            GError               **error)
{
  const BenchConfig *config = self->config;

  if (config->model_config != NULL)
    return bench_hf_config_load (config->model_config, &self->model, error);

  {
    const BenchModelConfig *preset = bench_model_zoo_get_config (config->workload);

    if (preset == NULL)
      {
        g_set_error (error, BENCH_ERROR, BENCH_ERROR_UNKNOWN_WORKLOAD,
                     "Unknown model “%s” for the %s backend", config->workload, self->device_name);
        return FALSE;
      }
    self->model = *preset;
  }
  return TRUE;
}

BenchExecutable *
bench_model_executable_new (const BenchConfig      *config,
                            const char             *device_name,
                            const BenchOpTable     *table,
                            BenchModelPrepareFunc   prepare,
                            gpointer                owner,
                            GDestroyNotify          owner_free,
                            GCancellable           *cancellable,
                            GError                **error)
{
  g_autoptr(BenchModelExecutable) self = NULL;
  g_autoptr(BenchGraph) probe = NULL;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (table != NULL, NULL);

  self = g_object_new (BENCH_TYPE_MODEL_EXECUTABLE, NULL);
  self->config = bench_config_copy (config);
  self->device_name = g_strdup (device_name != NULL ? device_name : table->name);
  self->table = table;
  self->prepare = prepare;
  self->owner = owner;
  self->owner_free = owner_free;
  self->profile = g_strcmp0 (g_getenv ("BENCHTOP_PROFILE_OPS"), "1") == 0;

  if (!load_model (self, error))
    return NULL;

  /* A config.json model belongs to the family of its architecture. */
  if (config->model_config != NULL)
    {
      const BenchModelInfo *infos;
      guint n_infos = 0;

      infos = bench_model_zoo_list (&n_infos);
      for (guint i = 0; i < n_infos; i++)
        {
          const BenchModelConfig *preset = bench_model_zoo_get_config (infos[i].name);
          BenchWork *work = bench_executable_get_work (BENCH_EXECUTABLE (self));

          if (preset != NULL && preset->arch == self->model.arch)
            {
              work->family = g_strdup (infos[i].family);
              work->category = g_strdup (infos[i].category);
              break;
            }
        }
    }

  self->generates = self->model.arch == BENCH_MODEL_ARCH_GPT2 || self->model.arch == BENCH_MODEL_ARCH_OPT;
  self->batch = config->batch_size > 0 ? config->batch_size : 1;
  self->seq_len = config->seq_len > 0 ? config->seq_len : self->model.default_seq_len;
  self->gen_tokens = config->gen_tokens > 0 ? config->gen_tokens : 1;
  self->opts.batch = self->batch;
  self->opts.seq_len = config->seq_len > 0 ? config->seq_len : 0;
  self->opts.n_layers = config->n_layers;
  self->opts.input_size = config->input_size;
  self->full_depth = deepest_stack (&self->model);
  if (config->n_layers > 0)
    self->full_depth = MIN (self->full_depth, config->n_layers);

  if (self->generates && self->gen_tokens > 1 &&
      self->model.max_positions > 0 && self->seq_len + self->gen_tokens - 1 > self->model.max_positions)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "%s: a prompt of %d tokens and %d generated tokens exceed its %d positions; "
                   "use a shorter --seq-lens or fewer --gen-tokens",
                   config->workload, self->seq_len, self->gen_tokens, self->model.max_positions);
      return NULL;
    }

  /* The weights: of the full model, so that a reduced-depth validation
   * uses the same values for the layers it keeps. */
  probe = build_graph (self, config->n_layers,
                       self->generates ? BENCH_MODEL_MODE_PREFILL : BENCH_MODEL_MODE_FORWARD,
                       self->opts.seq_len, 0, error);
  if (probe == NULL)
    return NULL;
  if (config->weights != NULL)
    self->weights = bench_safetensors_load (config->weights, probe, error);
  else
    self->weights = bench_weights_new_random (probe, WEIGHTS_SEED);
  if (self->weights == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (!choose_validation_depth (self, error))
    return NULL;

  self->session = session_new (self, config->n_layers, cancellable, error);
  if (self->session == NULL)
    return NULL;

  fill_work (self);
  return BENCH_EXECUTABLE (g_steal_pointer (&self));
}

const char *
bench_model_executable_get_validation_scope (BenchModelExecutable *self)
{
  g_return_val_if_fail (BENCH_IS_MODEL_EXECUTABLE (self), NULL);
  return self->validation_scope;
}

BenchGraph *
bench_model_executable_get_graph (BenchModelExecutable *self)
{
  g_return_val_if_fail (BENCH_IS_MODEL_EXECUTABLE (self), NULL);
  return self->session->graph;
}

guint
bench_model_executable_get_n_decode_steps (BenchModelExecutable *self)
{
  g_return_val_if_fail (BENCH_IS_MODEL_EXECUTABLE (self), 0);
  return self->session->decode_graphs != NULL ? self->session->decode_graphs->len : 0;
}

BenchGraph *
bench_model_executable_get_decode_graph (BenchModelExecutable *self,
                                         guint                 step)
{
  g_return_val_if_fail (BENCH_IS_MODEL_EXECUTABLE (self), NULL);
  g_return_val_if_fail (step < bench_model_executable_get_n_decode_steps (self), NULL);
  return g_ptr_array_index (self->session->decode_graphs, step);
}

/**
 * bench_model_executable_set_device_time_func:
 * @func: (nullable): returns the device time of the graph the table ran
 *   last, in ns, or -1
 *
 * Lets a backend with device timers report an iteration's device time: the
 * sum over the graphs run in the iteration.
 */
void
bench_model_executable_set_device_time_func (BenchModelExecutable     *self,
                                             BenchModelDeviceTimeFunc  func)
{
  g_return_if_fail (BENCH_IS_MODEL_EXECUTABLE (self));
  self->device_time = func;
}
