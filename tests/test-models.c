/* test-models.c: the model zoo (catalog, parameter and FLOP counts against
 * hand-derived formulas and published figures), every catalog model at
 * reduced depth through the reference executor, generation with a KV
 * cache, and the config.json and safetensors loaders on good and broken
 * files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <omp.h>
#include <string.h>

#include "bench-error.h"
#include "bench-graph-exec.h"
#include "bench-hf-config.h"
#include "bench-model-zoo.h"
#include "bench-reference.h"
#include "bench-safetensors.h"

static void
test_catalog (void)
{
  static const char *expected[] = {
    "bert-tiny", "bert-mini", "bert-small", "bert-medium", "bert-base-uncased",
    "bert-large-uncased", "roberta-base", "gpt2", "opt-125m", "t5-small", "bart-base",
    "vit-base-patch16-224", "resnet-50", "whisper-tiny", "wav2vec2-base",
    "clip-vit-base-patch32",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchGraph) none = NULL;
  const BenchModelInfo *list;
  guint n;

  list = bench_model_zoo_list (&n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < n; i++)
    {
      const char *cat = list[i].category;

      g_assert_cmpstr (list[i].name, ==, expected[i]);
      g_assert_true (g_str_equal (cat, "text") || g_str_equal (cat, "vision") ||
                     g_str_equal (cat, "audio") || g_str_equal (cat, "multimodal"));
      g_assert_nonnull (list[i].family);
      g_assert_nonnull (list[i].hf_id);
      g_assert_cmpint (list[i].n_parameters, >, 1000000);
      g_assert_nonnull (list[i].size_label);
      g_assert_true (list[i].generates == (g_str_equal (list[i].name, "gpt2") || g_str_equal (list[i].name, "opt-125m")));
      g_assert_true (bench_model_zoo_lookup (list[i].name) == &list[i]);
    }
  g_assert_true (bench_model_zoo_lookup ("bert-base") == bench_model_zoo_lookup ("bert-base-uncased"));
  g_assert_true (bench_model_zoo_lookup ("bert-large") == bench_model_zoo_lookup ("bert-large-uncased"));
  g_assert_null (bench_model_zoo_lookup ("llama-7b"));
  g_assert_cmpstr (bench_model_zoo_lookup ("bert-base")->size_label, ==, "109M");
  g_assert_cmpstr (bench_model_zoo_lookup ("bert-tiny")->size_label, ==, "4.39M");
  g_assert_cmpstr (bench_model_zoo_lookup ("resnet-50")->category, ==, "vision");
  g_assert_cmpstr (bench_model_zoo_lookup ("whisper-tiny")->category, ==, "audio");
  g_assert_cmpstr (bench_model_zoo_lookup ("clip-vit-base-patch32")->category, ==, "multimodal");

  none = bench_model_zoo_build ("llama-7b", NULL, &error);
  g_assert_null (none);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_UNKNOWN_WORKLOAD);
  g_assert_nonnull (strstr (error->message, "llama-7b"));
  g_assert_nonnull (strstr (error->message, "gpt2"));
}

/* BERT parameters: embeddings V*H + P*H + T*H + LN 2H; per layer Q,K,V,O
 * 4(H^2 + H) + LN 2H + FFN (H*I + I) + (I*H + H) + LN 2H; pooler H^2 + H. */
static gint64
bert_params (gint64 V, gint64 P, gint64 T, gint64 H, gint64 I, gint64 L)
{
  return V * H + P * H + T * H + 2 * H
         + L * (4 * (H * H + H) + 2 * H + (H * I + I) + (I * H + H) + 2 * H)
         + H * H + H;
}

static void
within (gint64 counted,
        double published,
        double fraction)
{
  g_test_message ("counted %" G_GINT64_FORMAT ", published %.0f", counted, published);
  g_assert_cmpfloat (fabs (counted - published) / published, <=, fraction);
}

static void
test_parameters (void)
{
  struct { const char *name; double published; } published[] = {
    /* the figures quoted for the Hugging Face checkpoints */
    { "bert-base-uncased", 109.5e6 },
    { "gpt2", 124.4e6 },
    { "vit-base-patch16-224", 86.6e6 },
    { "resnet-50", 25.6e6 },     /* folded batch norm: one bias per channel, not two */
    { "bert-large-uncased", 335.1e6 },
    { "roberta-base", 124.6e6 },
    { "opt-125m", 125.2e6 },
    { "t5-small", 60.5e6 },
    { "bart-base", 139.4e6 },
    { "whisper-tiny", 37.8e6 },
    { "wav2vec2-base", 94.4e6 },
    { "clip-vit-base-patch32", 151.3e6 },
    { "bert-tiny", 4.4e6 },
    { "bert-mini", 11.2e6 },
    { "bert-small", 28.8e6 },
    { "bert-medium", 41.4e6 },
  };
  gint64 H = 768, V = 50257, P = 1024, L = 12;

  for (guint i = 0; i < G_N_ELEMENTS (published); i++)
    within (bench_model_zoo_lookup (published[i].name)->n_parameters, published[i].published, 0.01);

  /* exact, against the formulas */
  g_assert_cmpint (bench_model_zoo_lookup ("bert-base-uncased")->n_parameters, ==,
                   bert_params (30522, 512, 2, 768, 3072, 12));
  g_assert_cmpint (bench_model_zoo_lookup ("bert-base-uncased")->n_parameters, ==, 109482240);
  g_assert_cmpint (bench_model_zoo_lookup ("bert-tiny")->n_parameters, ==, bert_params (30522, 512, 2, 128, 512, 2));
  g_assert_cmpint (bench_model_zoo_lookup ("bert-large")->n_parameters, ==, bert_params (30522, 512, 2, 1024, 4096, 24));
  g_assert_cmpint (bench_model_zoo_lookup ("roberta-base")->n_parameters, ==, bert_params (50265, 514, 1, 768, 3072, 12));
  /* GPT-2: wte + wpe + L (2 LN 4H, c_attn 3H^2+3H, c_proj H^2+H, MLP 8H^2+5H) + ln_f; lm_head tied */
  g_assert_cmpint (bench_model_zoo_lookup ("gpt2")->n_parameters, ==, V * H + P * H + L * (12 * H * H + 13 * H) + 2 * H);
  g_assert_cmpint (bench_model_zoo_lookup ("gpt2")->n_parameters, ==, 124439808);
  g_assert_cmpint (bench_model_zoo_lookup ("vit-base-patch16-224")->n_parameters, ==, 86567656);
  g_assert_cmpint (bench_model_zoo_lookup ("t5-small")->n_parameters, ==, 60506624);
  g_assert_cmpint (bench_model_zoo_lookup ("whisper-tiny")->n_parameters, ==, 37760640);
  /* torchvision's 25,557,032 less one of the two parameters per batch-norm channel (26,560) */
  g_assert_cmpint (bench_model_zoo_lookup ("resnet-50")->n_parameters, ==, 25557032 - 26560);
}

static gboolean
is_encoder_matmul (const BenchOp *op)
{
  return g_str_has_prefix (op->name, "encoder.layer.") &&
         (op->kind == BENCH_OP_LINEAR || op->kind == BENCH_OP_MATMUL);
}

static void
test_bert_flops (void)
{
  BenchModelOptions opts = { .batch = 1, .seq_len = 128 };
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchGraph) g = bench_model_zoo_build ("bert-base", &opts, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *json = NULL;
  const BenchGraphTotals *t;
  double matmul = 0, sum = 0;
  JsonObject *obj;

  g_assert_no_error (error);
  for (guint i = 0; i < bench_graph_get_n_ops (g); i++)
    {
      const BenchOp *op = bench_graph_get_op (g, i);
      if (is_encoder_matmul (op))
        matmul += 2.0 * op->macs;
    }
  /* Per layer, with B = 1, S = 128, H = 768, I = 3072, 12 heads of 64:
   *   Q, K, V, O projections  4 * 2*S*H*H        =   603,979,776
   *   FFN up and down         2 * 2*S*H*I        = 1,207,959,552
   *   scores Q K^T and P V    2 * 2*S*S*H        =    50,331,648
   *                                                 1,862,270,976
   * times 12 layers = 22,347,251,712. */
  g_assert_cmpfloat (matmul, ==, 22347251712.0);

  t = bench_graph_get_totals (g);
  g_test_message ("bert-base B1 S128: %.0f FLOPs, %.0f bytes", t->flops, t->bytes);
  g_assert_cmpfloat (t->flops, >=, 22.35e9);
  g_assert_cmpfloat (t->flops, <=, 22.6e9);

  for (guint i = 0; i < BENCH_OP_N_CATEGORIES; i++)
    sum += t->category_flops[i];
  g_assert_cmpfloat (fabs (sum - t->flops), <, 1.0);
  /* projections and FFN are "linear", scores/softmax/context "attention" */
  g_assert_cmpfloat (t->category_flops[BENCH_OP_CATEGORY_LINEAR], >=, 12 * (603979776.0 + 1207959552.0));
  g_assert_cmpfloat (t->category_flops[BENCH_OP_CATEGORY_ATTENTION], >=, 12 * 50331648.0);
  g_assert_cmpfloat (t->category_flops[BENCH_OP_CATEGORY_CONVOLUTION], ==, 0);

  json = bench_graph_dup_flops_breakdown_json (g);
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  obj = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_object_get_size (obj), ==, 5);
  g_assert_cmpfloat (json_object_get_double_member (obj, "normalisation"), ==,
                     t->category_flops[BENCH_OP_CATEGORY_NORMALISATION]);

  /* the same formula at batch 3, sequence 40 */
  {
    BenchModelOptions o2 = { .batch = 3, .seq_len = 40 };
    g_autoptr(BenchGraph) g2 = bench_model_zoo_build ("bert-base", &o2, &error);
    double B = 3, S = 40, H = 768, I = 3072, m2 = 0;

    g_assert_no_error (error);
    for (guint i = 0; i < bench_graph_get_n_ops (g2); i++)
      if (is_encoder_matmul (bench_graph_get_op (g2, i)))
        m2 += 2.0 * bench_graph_get_op (g2, i)->macs;
    g_assert_cmpfloat (m2, ==, 12 * (4 * 2 * B * S * H * H + 2 * 2 * B * S * H * I + 2 * 2 * B * S * S * H));
  }

  /* memory plan: reuse makes the arena far smaller than all activations */
  g_assert_cmpint (bench_graph_get_arena_bytes (g), <, bench_graph_get_activation_bytes (g) / 10);
  g_assert_cmpint (bench_graph_get_weights_bytes (g), ==, 4 * 109482240);
}

/* Small inputs that keep the reference executor to seconds per model. */
static BenchModelOptions
reduced_options (const char *name)
{
  BenchModelOptions o = { .batch = 2, .seq_len = 5, .n_layers = 1 };

  if (g_str_has_prefix (name, "vit"))
    o.input_size = 48;
  else if (g_str_has_prefix (name, "clip"))
    o.input_size = 64;
  else if (g_str_has_prefix (name, "resnet"))
    o.input_size = 40;
  else if (g_str_has_prefix (name, "whisper"))
    o.input_size = 60;
  else if (g_str_has_prefix (name, "wav2vec2"))
    o.input_size = 1200;
  return o;
}

static void
run_checksums (const char *name,
               int         threads,
               GArray     *sums)
{
  BenchModelOptions opts = reduced_options (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchGraph) g = bench_model_zoo_build (name, &opts, &error);
  g_autoptr(BenchWeights) w = NULL;
  g_autoptr(BenchGraphBuffers) b = NULL;
  g_autofree char *bad = NULL;
  const guint *outs;
  guint n_out;
  int saved = omp_get_max_threads ();

  g_assert_no_error (error);
  g_assert_cmpint (bench_graph_get_n_ops (g), >, 10);
  g_assert_cmpfloat (bench_graph_get_totals (g)->flops, >, 0);
  g_assert_cmpint (bench_graph_get_arena_bytes (g), <=, bench_graph_get_activation_bytes (g));

  omp_set_num_threads (threads);
  w = bench_weights_new_random (g, 42);
  b = bench_reference_run (g, w, 7, &error);
  omp_set_num_threads (saved);
  g_assert_no_error (error);
  g_assert_true (bench_graph_buffers_outputs_finite (b, &bad));

  outs = bench_graph_get_outputs (g, &n_out);
  g_assert_cmpuint (n_out, >=, 1);
  for (guint i = 0; i < n_out; i++)
    {
      double s = bench_graph_buffers_checksum (b, outs[i]);
      const float *v = bench_graph_buffers_get_data (b, outs[i]);
      const BenchTensor *t = bench_graph_get_tensor (g, outs[i]);
      double mx = 0;

      for (gint64 j = 0; j < t->numel; j++)
        mx = MAX (mx, fabs (v[j]));
      /* sane activations: not vanished, not exploded */
      g_assert_cmpfloat (mx, >, 1e-3);
      g_assert_cmpfloat (mx, <, 1e3);
      g_test_message ("%s output %s: checksum %.9g, max |x| %.4g", name, t->name, s, mx);
      g_array_append_val (sums, s);
    }
}

/* Each catalog model at reduced depth, end to end: finite, sane outputs
 * whose checksums do not depend on the thread count or on rebuilding. */
static void
test_reduced (gconstpointer user_data)
{
  const char *name = user_data;
  g_autoptr(GArray) a = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) b = g_array_new (FALSE, FALSE, sizeof (double));

  run_checksums (name, 1, a);
  run_checksums (name, MAX (2, omp_get_num_procs ()), b);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpfloat (g_array_index (a, double, i), ==, g_array_index (b, double, i));
}

static void
set_ids (BenchGraphBuffers *b,
         const char        *name,
         gint64             batch,
         gint64             n,
         gint64             first)
{
  BenchGraph *g = bench_graph_buffers_get_graph (b);
  const BenchTensor *t = bench_graph_find_tensor (g, name);
  gint32 *ids = bench_graph_buffers_get_data (b, t->id);

  g_assert_cmpint (t->numel, ==, batch * n);
  for (gint64 bi = 0; bi < batch; bi++)
    for (gint64 i = 0; i < n; i++)
      ids[bi * n + i] = (gint32)((bi * 31 + (first + i) * 17 + 3) % 89);
}

static const BenchTensor *
output_named (BenchGraph *g,
              const char *suffix)
{
  guint n;
  const guint *outs = bench_graph_get_outputs (g, &n);

  for (guint i = 0; i < n; i++)
    if (g_str_has_suffix (bench_graph_get_tensor (g, outs[i])->name, suffix))
      return bench_graph_get_tensor (g, outs[i]);
  return NULL;
}

/* Forward over S+1 tokens == prefill over S, then one decode step with the
 * prefill's K/V in the cache: the KV cache path computes the same logits. */
static void
test_generation (gconstpointer user_data)
{
  const char *name = user_data;
  const BenchModelConfig *cfg = bench_model_zoo_get_config (name);
  gint64 B = 2, S = 6, L = 2, nh = cfg->n_heads, hd = cfg->hidden_size / cfg->n_heads, V = cfg->vocab_size;
  BenchModelOptions fo = { .batch = B, .seq_len = S + 1, .n_layers = L };
  BenchModelOptions po = { .batch = B, .seq_len = S, .n_layers = L, .mode = BENCH_MODEL_MODE_PREFILL };
  BenchModelOptions dopt = { .batch = B, .seq_len = S, .n_layers = L, .mode = BENCH_MODEL_MODE_DECODE, .past_len = S };
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchGraph) fg = bench_model_zoo_build (name, &fo, &error);
  g_autoptr(BenchGraph) pg = bench_model_zoo_build (name, &po, &error);
  g_autoptr(BenchGraph) dg = bench_model_zoo_build (name, &dopt, &error);
  g_autoptr(BenchWeights) w = NULL;
  g_autoptr(BenchGraphBuffers) fb = NULL, pb = NULL, db = NULL;
  const BenchTensor *flog, *plog, *dlog;
  double max_err = 0, max_ref = 0, attn = 0;

  g_assert_no_error (error);
  w = bench_weights_new_random (fg, 5);
  fb = bench_graph_buffers_new (fg, w, 1, &error);
  g_assert_no_error (error);
  pb = bench_graph_buffers_new (pg, w, 1, &error);
  g_assert_no_error (error);
  db = bench_graph_buffers_new (dg, w, 1, &error);
  g_assert_no_error (error);

  /* prefill keeps only the last token's logits, plus K and V per layer */
  plog = output_named (pg, "logits");
  g_assert_cmpint (plog->shape[1], ==, 1);
  g_assert_cmpint (plog->shape[2], ==, V);
  {
    guint n_out;
    bench_graph_get_outputs (pg, &n_out);
    g_assert_cmpuint (n_out, ==, 1 + 2 * L);
  }

  set_ids (fb, "input_ids", B, S + 1, 0);
  set_ids (pb, "input_ids", B, S, 0);
  set_ids (db, "input_ids", B, 1, S);
  g_assert_true (bench_graph_execute (fg, bench_reference_op_table (), fb, &error));
  g_assert_true (bench_graph_execute (pg, bench_reference_op_table (), pb, &error));
  g_assert_no_error (error);

  for (gint64 l = 0; l < L; l++)
    for (guint kv = 0; kv < 2; kv++)
      {
        g_autofree char *present = g_strdup_printf ("%d.%s.%s.heads", (int)l,
                                                    g_str_equal (name, "gpt2") ? "attn" : "self_attn",
                                                    kv ? "v" : "k");
        g_autofree char *past = g_strdup_printf ("past_key_values.%d.%s", (int)l, kv ? "value" : "key");
        const BenchTensor *pt = output_named (pg, present);
        const BenchTensor *ct = bench_graph_find_tensor (dg, past);
        const float *src;
        float *dst;

        g_assert_nonnull (pt);
        g_assert_nonnull (ct);
        g_assert_cmpint (ct->shape[2], ==, S + 1);
        src = bench_graph_buffers_get_data (pb, pt->id);
        dst = bench_graph_buffers_get_data (db, ct->id);
        for (gint64 r = 0; r < B * nh; r++)
          memcpy (dst + r * (S + 1) * hd, src + r * S * hd, S * hd * sizeof (float));
      }
  g_assert_true (bench_graph_execute (dg, bench_reference_op_table (), db, &error));
  g_assert_no_error (error);

  flog = output_named (fg, "logits");
  dlog = output_named (dg, "logits");
  g_assert_cmpint (dlog->numel, ==, B * V);
  for (gint64 bi = 0; bi < B; bi++)
    for (gint64 v = 0; v < V; v++)
      {
        float f = ((const float *)bench_graph_buffers_get_data (fb, flog->id))[(bi * (S + 1) + S) * V + v];
        float d = ((const float *)bench_graph_buffers_get_data (db, dlog->id))[bi * V + v];
        float p = ((const float *)bench_graph_buffers_get_data (pb, plog->id))[bi * V + v];
        float fp = ((const float *)bench_graph_buffers_get_data (fb, flog->id))[(bi * (S + 1) + S - 1) * V + v];

        max_err = MAX (max_err, fabs (f - d));
        max_ref = MAX (max_ref, fabs (f));
        g_assert_cmpfloat (fabs (p - fp), <=, 1e-4 * MAX (1.0, fabs (fp)));
      }
  g_test_message ("%s: decode vs forward max error %.3g (max |logit| %.3g)", name, max_err, max_ref);
  g_assert_cmpfloat (max_err / max_ref, <, 1e-4);

  /* decode attention FLOPs: scores and context over S+1 keys per layer */
  for (guint i = 0; i < bench_graph_get_n_ops (dg); i++)
    {
      const BenchOp *op = bench_graph_get_op (dg, i);
      if (op->kind == BENCH_OP_MATMUL)
        attn += 2.0 * op->macs;
    }
  g_assert_cmpfloat (attn, ==, L * 2 * 2.0 * B * nh * (S + 1) * hd);

  /* generation is only for decoder-only models */
  {
    g_autoptr(BenchGraph) none = bench_model_zoo_build ("bert-tiny", &po, &error);
    g_assert_null (none);
    g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED);
  }
}

static void
test_options_errors (void)
{
  struct { const char *name; BenchModelOptions o; } bad[] = {
    { "bert-base", { .seq_len = 513 } },
    { "gpt2", { .seq_len = 4, .mode = BENCH_MODEL_MODE_DECODE, .past_len = 1024 } },
    { "vit-base-patch16-224", { .input_size = 100 } },
    { "whisper-tiny", { .input_size = 3001 } },
    { "wav2vec2-base", { .input_size = 100 } },
    { "clip-vit-base-patch32", { .seq_len = 78 } },
    { "bert-tiny", { .batch = -1 } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BenchGraph) g = bench_model_zoo_build (bad[i].name, &bad[i].o, &error);

      g_assert_null (g);
      g_assert_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT);
      g_test_message ("%s", error->message);
    }
}

/* --- config.json --- */

static void
test_hf_config (void)
{
  struct { const char *dir; gint64 params; } cases[] = {
    { "tiny-bert", 0 },
    { "tiny-roberta", 0 },
    { "tiny-gpt2", 0 },
    { "tiny-opt", 0 },
    { "tiny-vit", 0 },
    { "tiny-t5", 0 },
  };
  /* formulas for the tiny configs */
  cases[0].params = bert_params (101, 40, 2, 16, 24, 2);
  cases[1].params = bert_params (97, 34, 1, 24, 40, 1);
  cases[2].params = 113 * 20 + 48 * 20 + 2 * (12 * 20 * 20 + 13 * 20) + 2 * 20;
  /* OPT: tokens + (positions + 2) + layers (4 (H^2+H) + 2 LN + fc1 + fc2) + final LN */
  cases[3].params = 89 * 16 + 32 * 16 + 2 * (4 * (16 * 16 + 16) + 4 * 16 + (16 * 36 + 36) + (36 * 16 + 16)) + 2 * 16;
  /* ViT: patch conv + cls + positions + layers + final LN + 3-way classifier */
  cases[4].params = (24 * 3 * 7 * 7 + 24) + 24 + 17 * 24
                    + 2 * (4 * (24 * 24 + 24) + 4 * 24 + (24 * 36 + 36) + (36 * 24 + 24))
                    + 2 * 24 + (3 * 24 + 3);
  /* T5, gated FFN, 3 heads of 6 (inner 18), untied head:
   *   shared 71*16; encoder 2 x (q,k,v 3*16*18 + o 18*16 + wi_0, wi_1 2*16*28 + wo 28*16 + 2 norms)
   *   + bias table 8*3 + final norm; decoder 1 x (self + cross attention + FFN + 3 norms)
   *   + bias table + final norm; lm_head 71*16 */
  {
    gint64 attn = 3 * 16 * 18 + 18 * 16, ffn = 2 * 16 * 28 + 28 * 16;
    cases[5].params = 71 * 16 + 2 * (attn + ffn + 2 * 16) + 24 + 16
                      + (2 * attn + ffn + 3 * 16) + 24 + 16 + 71 * 16;
  }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "models", cases[i].dir, "config.json", NULL);
      BenchModelOptions opts = { .batch = 2, .seq_len = 7 };
      g_autoptr(GError) error = NULL;
      g_autoptr(BenchGraph) g = bench_hf_config_build (path, &opts, &error);
      g_autoptr(BenchWeights) w = NULL;
      g_autoptr(BenchGraphBuffers) b = NULL;
      BenchModelConfig cfg;

      g_assert_no_error (error);
      g_assert_true (bench_hf_config_load (path, &cfg, &error));
      g_assert_cmpstr (cfg.name, ==, cases[i].dir);
      g_assert_cmpstr (bench_graph_get_name (g), ==, cases[i].dir);
      g_assert_cmpint (bench_graph_get_n_parameters (g), ==, cases[i].params);

      w = bench_weights_new_random (g, 3);
      b = bench_reference_run (g, w, 3, &error);
      g_assert_no_error (error);
      g_assert_true (bench_graph_buffers_outputs_finite (b, NULL));
    }
}

static void
test_hf_config_defaults (void)
{
  /* A bare gpt2 config takes transformers' defaults: GPT-2 124M itself. */
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("benchtop-hf-XXXXXX", &error);
  g_autofree char *sub = g_build_filename (dir, "my-gpt2", NULL);
  g_autofree char *path = g_build_filename (sub, "config.json", NULL);
  g_autoptr(BenchGraph) g = NULL;
  g_autoptr(BenchGraph) catalog = bench_model_zoo_build ("gpt2", NULL, NULL);

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "{\"model_type\": \"gpt2\"}", -1, &error));
  g = bench_hf_config_build (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bench_graph_get_name (g), ==, "my-gpt2");
  g_assert_cmpint (bench_graph_get_n_parameters (g), ==, bench_model_zoo_lookup ("gpt2")->n_parameters);
  g_assert_cmpfloat (bench_graph_get_totals (g)->flops, ==,
                     bench_graph_get_totals (catalog)->flops);
  g_unlink (path);
  g_rmdir (sub);
  g_rmdir (dir);
}

static void
test_hf_config_broken (void)
{
  struct { const char *file; gint code; const char *mentions; } cases[] = {
    { "not-json.json", BENCH_ERROR_PARSE, "not-json.json" },
    { "unsupported-type.json", BENCH_ERROR_NOT_SUPPORTED, "llama" },
    { "missing-field.json", BENCH_ERROR_PARSE, "hidden_size" },
    { "bad-heads.json", BENCH_ERROR_PARSE, "heads" },
    { "wrong-type.json", BENCH_ERROR_PARSE, "n_embd" },
    { "no-model-type.json", BENCH_ERROR_PARSE, "model_type" },
    { "bad-activation.json", BENCH_ERROR_NOT_SUPPORTED, "mish" },
    { "does-not-exist.json", BENCH_ERROR_NOT_FOUND, "does-not-exist.json" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "models", "broken", cases[i].file, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(BenchGraph) g = bench_hf_config_build (path, NULL, &error);

      g_assert_null (g);
      g_assert_error (error, BENCH_ERROR, cases[i].code);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].mentions));
    }
}

/* --- safetensors --- */

static BenchGraph *
tiny_bert (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "models", "tiny-bert", "config.json", NULL);
  BenchModelOptions opts = { .batch = 2, .seq_len = 9 };
  g_autoptr(GError) error = NULL;
  BenchGraph *g = bench_hf_config_build (path, &opts, &error);

  g_assert_no_error (error);
  return g;
}

static char *
fixture (const char *dir,
         const char *file)
{
  return g_test_build_filename (G_TEST_DIST, "data", "models", dir, file, NULL);
}

/* make-fixtures.py: element i of a tensor is 0.02 sin(0.37 i + 0.01 numel) */
static double
fixture_value (gint64 i,
               gint64 numel)
{
  return 0.02 * sin (0.37 * i + 0.01 * numel);
}

static void
test_safetensors (void)
{
  g_autoptr(BenchGraph) g = tiny_bert ();
  g_autofree char *f32 = fixture ("tiny-bert", "model.safetensors");
  g_autofree char *f16 = fixture ("tiny-bert", "model-f16.safetensors");
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchWeights) w32 = bench_safetensors_load (f32, g, &error);
  g_autoptr(BenchWeights) w16 = NULL;
  g_autoptr(BenchWeights) random = bench_weights_new_random (g, 1);
  g_autoptr(BenchGraphBuffers) b32 = NULL, b16 = NULL, brand = NULL;
  g_auto(GStrv) names = NULL;
  BenchGraphComparison cmp;
  const char *checked[] = {
    "embeddings.word_embeddings.weight", "encoder.layer.1.intermediate.dense.weight",
    "embeddings.LayerNorm.weight", "pooler.dense.bias",
  };

  g_assert_no_error (error);
  w16 = bench_safetensors_load (f16, g, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (checked); i++)
    {
      const BenchTensor *t = bench_graph_find_tensor (g, checked[i]);
      const float *a = bench_weights_lookup (w32, checked[i], NULL, NULL);
      const float *h = bench_weights_lookup (w16, checked[i], NULL, NULL);

      g_assert_nonnull (t);
      g_assert_nonnull (a);
      g_assert_nonnull (h);
      for (gint64 j = 0; j < t->numel; j++)
        {
          double want = fixture_value (j, t->numel);
          g_assert_cmpfloat (fabs (a[j] - want), <=, 1e-9);
          /* F16 keeps 11 bits, BF16 8: relative 2^-8 at worst */
          g_assert_cmpfloat (fabs (h[j] - want), <=, 0.02 * 0.004 + 1e-7);
        }
    }
  g_assert_cmpuint (bench_weights_get_n_tensors (w32), ==, 5 + 2 * 16 + 2);

  names = bench_safetensors_list_names (f32, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *)names, "cls.predictions.bias"));
  g_assert_true (g_strv_contains ((const char * const *)names, "bert.pooler.dense.weight"));

  b32 = bench_reference_run (g, w32, 4, &error);
  g_assert_no_error (error);
  b16 = bench_reference_run (g, w16, 4, &error);
  g_assert_no_error (error);
  brand = bench_reference_run (g, random, 4, &error);
  g_assert_no_error (error);
  g_assert_true (bench_graph_buffers_outputs_finite (b32, NULL));

  /* converted half-precision weights give nearly the same outputs */
  bench_graph_buffers_compare (b16, b32, 0.05, &cmp);
  g_test_message ("F16/BF16 vs F32 weights: max abs %.3g, rel %.3g", cmp.max_abs_error, cmp.max_rel_error);
  g_assert_true (cmp.pass);
  g_assert_cmpfloat (cmp.max_abs_error, >, 0);
  bench_graph_comparison_clear (&cmp);

  /* and the loaded weights are really used */
  bench_graph_buffers_compare (brand, b32, 0.05, &cmp);
  g_assert_false (cmp.pass);
  bench_graph_comparison_clear (&cmp);
}

static void
test_safetensors_broken (void)
{
  struct { const char *file; gint code; const char *mentions[3]; } cases[] = {
    { "missing-tensor.safetensors", BENCH_ERROR_NOT_FOUND,
      { "encoder.layer.1.output.dense.weight", "missing-tensor.safetensors", NULL } },
    { "wrong-shape.safetensors", BENCH_ERROR_INVALID_ARGUMENT,
      { "bert.pooler.dense.weight", "[16, 8]", "[16, 16]" } },
    { "int-weights.safetensors", BENCH_ERROR_NOT_SUPPORTED,
      { "bert.embeddings.LayerNorm.bias", "I64", NULL } },
    { "truncated.safetensors", BENCH_ERROR_PARSE, { "header length", NULL, NULL } },
    { "not-json.safetensors", BENCH_ERROR_PARSE, { "JSON", NULL, NULL } },
    { "short.safetensors", BENCH_ERROR_PARSE, { "too short", NULL, NULL } },
    { "bad-offsets.safetensors", BENCH_ERROR_PARSE, { "“x”", NULL, NULL } },
    { "nonexistent.safetensors", BENCH_ERROR_NOT_FOUND, { "nonexistent.safetensors", NULL, NULL } },
  };
  g_autoptr(BenchGraph) g = tiny_bert ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = fixture ("broken", cases[i].file);
      g_autoptr(GError) error = NULL;
      g_autoptr(BenchWeights) w = bench_safetensors_load (path, g, &error);

      g_assert_null (w);
      g_assert_error (error, BENCH_ERROR, cases[i].code);
      g_test_message ("%s", error->message);
      for (guint j = 0; j < 3 && cases[i].mentions[j]; j++)
        g_assert_nonnull (strstr (error->message, cases[i].mentions[j]));
    }
}

int
main (int   argc,
      char *argv[])
{
  const BenchModelInfo *list;
  guint n;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/models/catalog", test_catalog);
  g_test_add_func ("/models/parameters", test_parameters);
  g_test_add_func ("/models/bert-base-flops", test_bert_flops);
  g_test_add_func ("/models/options-errors", test_options_errors);
  g_test_add_data_func ("/models/generation/gpt2", "gpt2", test_generation);
  g_test_add_data_func ("/models/generation/opt-125m", "opt-125m", test_generation);
  g_test_add_func ("/models/hf-config/good", test_hf_config);
  g_test_add_func ("/models/hf-config/defaults", test_hf_config_defaults);
  g_test_add_func ("/models/hf-config/broken", test_hf_config_broken);
  g_test_add_func ("/models/safetensors/good", test_safetensors);
  g_test_add_func ("/models/safetensors/broken", test_safetensors_broken);

  list = bench_model_zoo_list (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("/models/reduced/%s", list[i].name);
      g_test_add_data_func (path, list[i].name, test_reduced);
    }

  return g_test_run ();
}
