/* bench-model-zoo.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Graph builders for the catalog. Tensor names follow the Hugging Face
 * checkpoints (without the task prefix such as "bert." or "model.", which
 * the safetensors loader strips), so real weights load by name.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "bench-error.h"
#include "bench-model-zoo.h"

/* Typical initialisation scale of linear and embedding weights (BERT,
 * GPT-2); keeps activations sane through depth with unit-gain norms. */
#define INIT_STD 0.02

typedef struct
{
  BenchGraph             *g;
  const BenchModelConfig *cfg;
  gint64                  batch;
} Ctx;

static const BenchTensor *
ten (Ctx   *c,
     guint  id)
{
  return bench_graph_get_tensor (c->g, id);
}

static gint64
dim (Ctx   *c,
     guint  id,
     gint   axis)
{
  const BenchTensor *t = ten (c, id);
  return t->shape[axis < 0 ? (gint)t->n_dims + axis : axis];
}

static guint G_GNUC_PRINTF (6, 7)
param (Ctx           *c,
       BenchInitKind  init,
       double         scale,
       guint          n_dims,
       const gint64  *shape,
       const char    *format,
       ...)
{
  g_autofree char *name = NULL;
  va_list args;

  va_start (args, format);
  name = g_strdup_vprintf (format, args);
  va_end (args);
  return bench_graph_add_weight (c->g, name, init, scale, n_dims, shape);
}

static guint
position_ids (Ctx    *c,
              gint64  n,
              gint64  start)
{
  gint32 *data = g_new (gint32, n);

  for (gint64 i = 0; i < n; i++)
    data[i] = (gint32)(start + i);
  return bench_graph_add_constant (c->g, "position_ids", BENCH_DTYPE_I32, 1, (gint64[]){ n }, data);
}

static guint
scalar_constant (Ctx        *c,
                 const char *name,
                 float       value)
{
  float *data = g_new (float, 1);

  data[0] = value;
  return bench_graph_add_constant (c->g, name, BENCH_DTYPE_F32, 1, (gint64[]){ 1 }, data);
}

/* Linear layer "prefix + name" with weight [out, in] ([in, out] for GPT-2's
 * Conv1D, @transposed) and optional bias. */
static guint
dense (Ctx        *c,
       guint       x,
       const char *prefix,
       const char *name,
       gint64      n_out,
       gboolean    bias,
       gboolean    transposed)
{
  g_autofree char *full = g_strconcat (prefix, name, NULL);
  gint64 k = dim (c, x, -1);
  guint w;
  gint b = -1;

  if (transposed)
    w = param (c, BENCH_INIT_NORMAL, INIT_STD, 2, (gint64[]){ k, n_out }, "%s.weight", full);
  else
    w = param (c, BENCH_INIT_NORMAL, INIT_STD, 2, (gint64[]){ n_out, k }, "%s.weight", full);
  if (bias)
    b = param (c, BENCH_INIT_NORMAL, INIT_STD, 1, (gint64[]){ n_out }, "%s.bias", full);
  return bench_graph_linear (c->g, full, x, w, b, transposed);
}

static guint
norm (Ctx        *c,
      guint       x,
      const char *prefix,
      const char *name,
      gboolean    rms)
{
  g_autofree char *full = g_strconcat (prefix, name, NULL);
  gint64 h = dim (c, x, -1);
  guint gamma = param (c, BENCH_INIT_ONES, 0, 1, (gint64[]){ h }, "%s.weight", full);

  if (rms)
    return bench_graph_rms_norm (c->g, full, x, gamma, c->cfg->eps);
  return bench_graph_layer_norm (c->g, full, x, gamma,
                                 param (c, BENCH_INIT_ZEROS, 0, 1, (gint64[]){ h }, "%s.bias", full),
                                 c->cfg->eps);
}

static guint
activate (Ctx           *c,
          guint          x,
          const char    *name,
          BenchModelAct  act)
{
  switch (act)
    {
    case BENCH_MODEL_ACT_GELU: return bench_graph_gelu (c->g, name, x, BENCH_GELU_ERF);
    case BENCH_MODEL_ACT_GELU_TANH: return bench_graph_gelu (c->g, name, x, BENCH_GELU_TANH);
    case BENCH_MODEL_ACT_QUICK_GELU: return bench_graph_gelu (c->g, name, x, BENCH_GELU_QUICK);
    case BENCH_MODEL_ACT_RELU: return bench_graph_relu (c->g, name, x);
    case BENCH_MODEL_ACT_SILU: return bench_graph_silu (c->g, name, x);
    default: g_assert_not_reached ();
    }
}

static guint
named_add (Ctx        *c,
           const char *prefix,
           const char *name,
           guint       a,
           guint       b)
{
  g_autofree char *full = g_strconcat (prefix, name, NULL);
  return bench_graph_add (c->g, full, a, b);
}

/* --- attention --- */

typedef struct
{
  const char *q, *k, *v, *o;   /* names under the attention prefix */
  const char *qkv;             /* fused projection (GPT-2), else NULL */
  gboolean    q_bias, k_bias, v_bias, o_bias;
  gboolean    transposed;
  gint64      n_heads, head_dim, hidden;
  float       scale;           /* applied to the scores inside softmax */
} AttnSpec;

typedef struct
{
  gint          kv_source;     /* cross-attention: encoder states; -1 self */
  BenchMaskKind mask;
  gint          mask_tensor;
  gint          pos_bias;      /* [heads, Lq, Lk] added to the scores, or -1 */
  gint          past_k, past_v;/* decode: cache inputs, or -1 */
  gint64        position;
  gboolean      present;       /* prefill: the new K/V are outputs (the cache) */
} AttnCall;

#define ATTN_CALL_INIT { -1, BENCH_MASK_NONE, -1, -1, -1, -1, 0, FALSE }

/* [B, L, h*d] -> [B, h, L, d] */
static guint
split_heads (Ctx        *c,
             guint       x,
             const char *prefix,
             const char *name,
             gint64      heads,
             gint64      head_dim)
{
  g_autofree char *rname = g_strconcat (prefix, name, ".view", NULL);
  g_autofree char *pname = g_strconcat (prefix, name, ".heads", NULL);
  gint64 shape[4] = { dim (c, x, 0), dim (c, x, 1), heads, head_dim };
  guint r = bench_graph_reshape (c->g, rname, x, 4, shape);
  guint p = bench_graph_permute (c->g, pname, r, (guint[]){ 0, 2, 1, 3 });

  bench_graph_set_category (c->g, r, BENCH_OP_CATEGORY_ATTENTION);
  bench_graph_set_category (c->g, p, BENCH_OP_CATEGORY_ATTENTION);
  return p;
}

static guint
attention (Ctx            *c,
           const char     *prefix,
           const AttnSpec *s,
           guint           x,
           const AttnCall *call)
{
  BenchGraph *g = c->g;
  guint src = call->kv_source >= 0 ? (guint)call->kv_source : x;
  gint64 B = dim (c, x, 0), Lq = dim (c, x, 1);
  gint64 inner = s->n_heads * s->head_dim;
  g_autofree char *n_scores = g_strconcat (prefix, "scores", NULL);
  g_autofree char *n_bias = g_strconcat (prefix, "scores.bias", NULL);
  g_autofree char *n_probs = g_strconcat (prefix, "probs", NULL);
  g_autofree char *n_ctx = g_strconcat (prefix, "context", NULL);
  g_autofree char *n_merge = g_strconcat (prefix, "context.merge", NULL);
  g_autofree char *n_view = g_strconcat (prefix, "context.view", NULL);
  guint q, k, v, qh, kh, vh, t;

  if (s->qkv != NULL)
    {
      g_autofree char *nq = g_strconcat (prefix, "q", NULL);
      g_autofree char *nk = g_strconcat (prefix, "k", NULL);
      g_autofree char *nv = g_strconcat (prefix, "v", NULL);
      guint qkv = dense (c, x, prefix, s->qkv, 3 * inner, TRUE, s->transposed);

      q = bench_graph_slice (g, nq, qkv, 2, 0, inner);
      k = bench_graph_slice (g, nk, qkv, 2, inner, inner);
      v = bench_graph_slice (g, nv, qkv, 2, 2 * inner, inner);
      bench_graph_set_category (g, q, BENCH_OP_CATEGORY_ATTENTION);
      bench_graph_set_category (g, k, BENCH_OP_CATEGORY_ATTENTION);
      bench_graph_set_category (g, v, BENCH_OP_CATEGORY_ATTENTION);
    }
  else
    {
      q = dense (c, x, prefix, s->q, inner, s->q_bias, s->transposed);
      k = dense (c, src, prefix, s->k, inner, s->k_bias, s->transposed);
      v = dense (c, src, prefix, s->v, inner, s->v_bias, s->transposed);
    }

  qh = split_heads (c, q, prefix, "q", s->n_heads, s->head_dim);
  kh = split_heads (c, k, prefix, "k", s->n_heads, s->head_dim);
  vh = split_heads (c, v, prefix, "v", s->n_heads, s->head_dim);

  if (call->past_k >= 0)
    {
      g_autofree char *nk = g_strconcat (prefix, "k.cache", NULL);
      g_autofree char *nv = g_strconcat (prefix, "v.cache", NULL);

      kh = bench_graph_kv_append (g, nk, call->past_k, kh, call->position);
      vh = bench_graph_kv_append (g, nv, call->past_v, vh, call->position);
    }
  else if (call->present)
    {
      bench_graph_mark_output (g, kh);
      bench_graph_mark_output (g, vh);
    }

  t = bench_graph_matmul (g, n_scores, qh, kh, TRUE, 1.0f);
  if (call->pos_bias >= 0)
    {
      t = bench_graph_add (g, n_bias, t, call->pos_bias);
      bench_graph_set_category (g, t, BENCH_OP_CATEGORY_ATTENTION);
    }
  t = bench_graph_softmax (g, n_probs, t, s->scale, call->mask, call->mask_tensor);
  t = bench_graph_matmul (g, n_ctx, t, vh, FALSE, 1.0f);
  t = bench_graph_permute (g, n_merge, t, (guint[]){ 0, 2, 1, 3 });
  bench_graph_set_category (g, t, BENCH_OP_CATEGORY_ATTENTION);
  t = bench_graph_reshape (g, n_view, t, 3, (gint64[]){ B, Lq, inner });
  bench_graph_set_category (g, t, BENCH_OP_CATEGORY_ATTENTION);
  return dense (c, t, prefix, s->o, s->hidden, s->o_bias, s->transposed);
}

/* --- a transformer layer, pre- or post-norm --- */

typedef struct
{
  const char   *self_prefix;
  AttnSpec      self;
  const char   *ln_self;
  const char   *cross_prefix;   /* NULL: no cross-attention */
  AttnSpec      cross;
  const char   *ln_cross;
  const char   *fc1, *fc2, *gate;
  const char   *ln_ffn;
  gboolean      pre_norm;
  gboolean      rms;
  gboolean      mlp_bias;
  gboolean      transposed;
  BenchModelAct act;
  gint64        intermediate;
  gint64        hidden;
} LayerSpec;

static guint
mlp (Ctx             *c,
     const LayerSpec *ls,
     const char      *prefix,
     guint            x)
{
  g_autofree char *n_act = g_strconcat (prefix, ls->fc1, ".act", NULL);
  g_autofree char *n_gate = g_strconcat (prefix, "gated", NULL);
  guint h = dense (c, x, prefix, ls->fc1, ls->intermediate, ls->mlp_bias, ls->transposed);

  h = activate (c, h, n_act, ls->act);
  if (ls->gate != NULL)
    h = bench_graph_mul (c->g, n_gate, h, dense (c, x, prefix, ls->gate, ls->intermediate, ls->mlp_bias, ls->transposed));
  return dense (c, h, prefix, ls->fc2, ls->hidden, ls->mlp_bias, ls->transposed);
}

static guint
sublayer_attention (Ctx             *c,
                    const LayerSpec *ls,
                    const char      *prefix,
                    const char      *attn_prefix,
                    const AttnSpec  *spec,
                    const char      *ln,
                    guint            x,
                    const AttnCall  *call)
{
  g_autofree char *ap = g_strconcat (prefix, attn_prefix, NULL);
  g_autofree char *rname = g_strconcat (attn_prefix, "residual", NULL);

  if (ls->pre_norm)
    {
      guint h = norm (c, x, prefix, ln, ls->rms);
      return named_add (c, prefix, rname, x, attention (c, ap, spec, h, call));
    }
  return norm (c, named_add (c, prefix, rname, x, attention (c, ap, spec, x, call)), prefix, ln, ls->rms);
}

static guint
layer (Ctx             *c,
       const LayerSpec *ls,
       const char      *prefix,
       guint            x,
       const AttnCall  *self_call,
       const AttnCall  *cross_call)
{
  x = sublayer_attention (c, ls, prefix, ls->self_prefix, &ls->self, ls->ln_self, x, self_call);
  if (ls->cross_prefix != NULL)
    x = sublayer_attention (c, ls, prefix, ls->cross_prefix, &ls->cross, ls->ln_cross, x, cross_call);

  if (ls->pre_norm)
    return named_add (c, prefix, "mlp.residual", x, mlp (c, ls, prefix, norm (c, x, prefix, ls->ln_ffn, ls->rms)));
  return norm (c, named_add (c, prefix, "mlp.residual", x, mlp (c, ls, prefix, x)), prefix, ls->ln_ffn, ls->rms);
}

static AttnSpec
attn_spec (const char *q,
           const char *k,
           const char *v,
           const char *o,
           gboolean    bias,
           gint64      heads,
           gint64      head_dim,
           gint64      hidden)
{
  AttnSpec s = { q, k, v, o, NULL, bias, bias, bias, bias, FALSE, heads, head_dim, hidden,
                 (float)(1.0 / sqrt ((double)head_dim)) };
  return s;
}

static gint
n_layers (const BenchModelOptions *opts,
          gint                     full)
{
  return opts->n_layers > 0 ? MIN (opts->n_layers, full) : full;
}

static gint64
head_dim (const BenchModelConfig *cfg)
{
  return cfg->head_dim > 0 ? cfg->head_dim : cfg->hidden_size / cfg->n_heads;
}

/* --- inputs --- */

static guint
token_ids (Ctx        *c,
           const char *name,
           gint64      seq)
{
  return bench_graph_add_input (c->g, name, BENCH_DTYPE_I32, BENCH_INIT_TOKEN_IDS,
                                c->cfg->vocab_size, 2, (gint64[]){ c->batch, seq });
}

static guint
keep_mask (Ctx        *c,
           const char *name,
           gint64      seq)
{
  /* All ones: no padding, as in a benchmark of full sequences. */
  return bench_graph_add_input (c->g, name, BENCH_DTYPE_F32, BENCH_INIT_ONES, 0,
                                2, (gint64[]){ c->batch, seq });
}

/* Learned absolute positions looked up for [start, start + n). */
static guint
positions (Ctx        *c,
           const char *table_name,
           gint64      table_rows,
           gint64      hidden,
           gint64      start,
           gint64      n)
{
  g_autofree char *out = g_strconcat (table_name, ".lookup", NULL);
  guint table = param (c, BENCH_INIT_NORMAL, INIT_STD, 2, (gint64[]){ table_rows, hidden }, "%s", table_name);
  guint ids = position_ids (c, n, start);

  return bench_graph_embedding (c->g, out, ids, table);
}

/* --- BERT / RoBERTa --- */

static void
build_bert (Ctx                     *c,
            const BenchModelOptions *opts,
            gint64                   S)
{
  const BenchModelConfig *cfg = c->cfg;
  gint64 H = cfg->hidden_size;
  LayerSpec ls = {
    .self_prefix = "attention.",
    .self = attn_spec ("self.query", "self.key", "self.value", "output.dense", TRUE,
                       cfg->n_heads, head_dim (cfg), H),
    .ln_self = "attention.output.LayerNorm",
    .fc1 = "intermediate.dense", .fc2 = "output.dense", .ln_ffn = "output.LayerNorm",
    .pre_norm = FALSE, .mlp_bias = TRUE, .act = cfg->act,
    .intermediate = cfg->intermediate_size, .hidden = H,
  };
  AttnCall call = ATTN_CALL_INIT;
  guint ids = token_ids (c, "input_ids", S);
  guint types = bench_graph_add_input (c->g, "token_type_ids", BENCH_DTYPE_I32, BENCH_INIT_ZEROS, 0,
                                       2, (gint64[]){ c->batch, S });
  guint mask = keep_mask (c, "attention_mask", S);
  guint x, pooled;

  x = bench_graph_embedding (c->g, "embeddings.word_embeddings", ids,
                             param (c, BENCH_INIT_NORMAL, INIT_STD, 2, (gint64[]){ cfg->vocab_size, H },
                                    "embeddings.word_embeddings.weight"));
  x = bench_graph_add (c->g, "embeddings.add_types", x,
                       bench_graph_embedding (c->g, "embeddings.token_type_embeddings", types,
                                              param (c, BENCH_INIT_NORMAL, INIT_STD, 2,
                                                     (gint64[]){ cfg->type_vocab_size, H },
                                                     "embeddings.token_type_embeddings.weight")));
  x = bench_graph_add (c->g, "embeddings.add_positions", x,
                       positions (c, "embeddings.position_embeddings.weight",
                                  cfg->max_positions + cfg->position_offset, H,
                                  cfg->position_offset, S));
  x = norm (c, x, "embeddings.", "LayerNorm", FALSE);

  call.mask = BENCH_MASK_PADDING;
  call.mask_tensor = mask;
  for (gint i = 0; i < n_layers (opts, cfg->n_layers); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("encoder.layer.%d.", i);
      x = layer (c, &ls, prefix, x, &call, NULL);
    }
  bench_graph_mark_output (c->g, x);

  pooled = bench_graph_slice (c->g, "pooler.first_token", x, 1, 0, 1);
  pooled = bench_graph_reshape (c->g, "pooler.view", pooled, 2, (gint64[]){ c->batch, H });
  pooled = dense (c, pooled, "pooler.", "dense", H, TRUE, FALSE);
  pooled = bench_graph_tanh (c->g, "pooler_output", pooled);
  bench_graph_mark_output (c->g, pooled);
}

/* --- GPT-2 / OPT (decoder-only, pre-norm) --- */

static void
build_decoder_only (Ctx                     *c,
                    const BenchModelOptions *opts,
                    gint64                   S,
                    gint64                   past)
{
  const BenchModelConfig *cfg = c->cfg;
  gboolean gpt2 = cfg->arch == BENCH_MODEL_ARCH_GPT2;
  gint64 H = cfg->hidden_size, hd = head_dim (cfg);
  gboolean decode = opts->mode == BENCH_MODEL_MODE_DECODE;
  gint64 T = decode ? 1 : S;
  LayerSpec ls;
  guint ids, x, wte, logits;

  memset (&ls, 0, sizeof ls);
  if (gpt2)
    {
      ls.self_prefix = "attn.";
      ls.self = attn_spec (NULL, NULL, NULL, "c_proj", TRUE, cfg->n_heads, hd, H);
      ls.self.qkv = "c_attn";
      ls.self.transposed = TRUE;
      ls.ln_self = "ln_1";
      ls.fc1 = "mlp.c_fc";
      ls.fc2 = "mlp.c_proj";
      ls.ln_ffn = "ln_2";
      ls.transposed = TRUE;
    }
  else
    {
      ls.self_prefix = "self_attn.";
      ls.self = attn_spec ("q_proj", "k_proj", "v_proj", "out_proj", TRUE, cfg->n_heads, hd, H);
      ls.ln_self = "self_attn_layer_norm";
      ls.fc1 = "fc1";
      ls.fc2 = "fc2";
      ls.ln_ffn = "final_layer_norm";
    }
  ls.pre_norm = cfg->pre_norm;
  ls.mlp_bias = TRUE;
  ls.act = cfg->act;
  ls.intermediate = cfg->intermediate_size;
  ls.hidden = H;

  ids = token_ids (c, "input_ids", T);
  wte = param (c, BENCH_INIT_NORMAL, INIT_STD, 2, (gint64[]){ cfg->vocab_size, H },
               gpt2 ? "wte.weight" : "decoder.embed_tokens.weight");
  x = bench_graph_embedding (c->g, gpt2 ? "wte" : "decoder.embed_tokens", ids, wte);
  x = bench_graph_add (c->g, "embeddings.add_positions", x,
                       positions (c, gpt2 ? "wpe.weight" : "decoder.embed_positions.weight",
                                  cfg->max_positions + cfg->position_offset, H,
                                  cfg->position_offset + (decode ? past : 0), T));

  for (gint i = 0; i < n_layers (opts, cfg->n_layers); i++)
    {
      g_autofree char *prefix = gpt2 ? g_strdup_printf ("h.%d.", i) : g_strdup_printf ("decoder.layers.%d.", i);
      AttnCall call = ATTN_CALL_INIT;

      call.mask = BENCH_MASK_CAUSAL;
      if (decode)
        {
          g_autofree char *kname = g_strdup_printf ("past_key_values.%d.key", i);
          g_autofree char *vname = g_strdup_printf ("past_key_values.%d.value", i);
          gint64 shape[4] = { c->batch, cfg->n_heads, past + 1, hd };

          call.past_k = bench_graph_add_input (c->g, kname, BENCH_DTYPE_F32, BENCH_INIT_NORMAL, 0.5, 4, shape);
          call.past_v = bench_graph_add_input (c->g, vname, BENCH_DTYPE_F32, BENCH_INIT_NORMAL, 0.5, 4, shape);
          call.position = past;
        }
      call.present = opts->mode == BENCH_MODEL_MODE_PREFILL;
      x = layer (c, &ls, prefix, x, &call, NULL);
    }
  x = norm (c, x, gpt2 ? "" : "decoder.", gpt2 ? "ln_f" : "final_layer_norm", FALSE);
  if (opts->mode == BENCH_MODEL_MODE_PREFILL && T > 1)
    x = bench_graph_slice (c->g, "last_token", x, 1, T - 1, 1);
  /* lm_head: tied to the token embedding */
  logits = bench_graph_linear (c->g, "logits", x, wte, -1, FALSE);
  bench_graph_mark_output (c->g, logits);
}

/* --- T5 --- */

/* transformers' T5Attention._relative_position_bucket */
static gint32
t5_bucket (gint64   relative,
           gboolean bidirectional,
           gint     num_buckets,
           gint     max_distance)
{
  gint32 bucket = 0;
  gint max_exact;

  if (bidirectional)
    {
      num_buckets /= 2;
      if (relative > 0)
        bucket += num_buckets;
      relative = ABS (relative);
    }
  else
    relative = -MIN (relative, 0);
  max_exact = num_buckets / 2;
  if (relative < max_exact)
    return bucket + (gint32)relative;
  {
    gint64 large = max_exact + (gint64)(log ((double)relative / max_exact)
                                        / log ((double)max_distance / max_exact)
                                        * (num_buckets - max_exact));
    return bucket + (gint32)MIN (large, num_buckets - 1);
  }
}

/* [heads, Lq, Lk] bias from the bucketed relative positions. */
static guint
t5_position_bias (Ctx        *c,
                  const char *stack,
                  gint64      Lq,
                  gint64      Lk,
                  gboolean    bidirectional)
{
  const BenchModelConfig *cfg = c->cfg;
  gint32 *buckets = g_new (gint32, Lq * Lk);
  g_autofree char *bname = g_strdup_printf ("%s.relative_position_buckets", stack);
  g_autofree char *lname = g_strdup_printf ("%s.position_bias.lookup", stack);
  g_autofree char *pname = g_strdup_printf ("%s.position_bias", stack);
  guint ids, table, t;

  for (gint64 i = 0; i < Lq; i++)
    for (gint64 j = 0; j < Lk; j++)
      buckets[i * Lk + j] = t5_bucket (j - i, bidirectional, cfg->rel_buckets, cfg->rel_max_distance);
  ids = bench_graph_add_constant (c->g, bname, BENCH_DTYPE_I32, 2, (gint64[]){ Lq, Lk }, buckets);
  table = param (c, BENCH_INIT_NORMAL, INIT_STD, 2, (gint64[]){ cfg->rel_buckets, cfg->n_heads },
                 "%s.block.0.layer.0.SelfAttention.relative_attention_bias.weight", stack);
  t = bench_graph_embedding (c->g, lname, ids, table);
  t = bench_graph_permute (c->g, pname, t, (guint[]){ 2, 0, 1 });
  bench_graph_set_category (c->g, t, BENCH_OP_CATEGORY_ATTENTION);
  return t;
}

static void
build_t5 (Ctx                     *c,
          const BenchModelOptions *opts,
          gint64                   S)
{
  const BenchModelConfig *cfg = c->cfg;
  gint64 H = cfg->hidden_size, hd = head_dim (cfg);
  LayerSpec enc = {
    .self_prefix = "layer.0.SelfAttention.",
    .self = attn_spec ("q", "k", "v", "o", FALSE, cfg->n_heads, hd, H),
    .ln_self = "layer.0.layer_norm",
    .fc1 = cfg->gated_ffn ? "layer.1.DenseReluDense.wi_0" : "layer.1.DenseReluDense.wi",
    .gate = cfg->gated_ffn ? "layer.1.DenseReluDense.wi_1" : NULL,
    .fc2 = "layer.1.DenseReluDense.wo",
    .ln_ffn = "layer.1.layer_norm",
    .pre_norm = TRUE, .rms = TRUE, .mlp_bias = FALSE, .act = cfg->act,
    .intermediate = cfg->intermediate_size, .hidden = H,
  };
  LayerSpec dec = enc;
  AttnCall self_call = ATTN_CALL_INIT, cross_call = ATTN_CALL_INIT;
  guint shared, mask, x, enc_out, logits;

  /* T5 does not scale the scores. */
  enc.self.scale = 1.0f;
  dec.self.scale = 1.0f;
  dec.cross_prefix = "layer.1.EncDecAttention.";
  dec.cross = dec.self;
  dec.ln_cross = "layer.1.layer_norm";
  dec.fc1 = cfg->gated_ffn ? "layer.2.DenseReluDense.wi_0" : "layer.2.DenseReluDense.wi";
  dec.gate = cfg->gated_ffn ? "layer.2.DenseReluDense.wi_1" : NULL;
  dec.fc2 = "layer.2.DenseReluDense.wo";
  dec.ln_ffn = "layer.2.layer_norm";

  shared = param (c, BENCH_INIT_NORMAL, INIT_STD, 2, (gint64[]){ cfg->vocab_size, H }, "shared.weight");
  mask = keep_mask (c, "attention_mask", S);

  x = bench_graph_embedding (c->g, "encoder.embed_tokens", token_ids (c, "input_ids", S), shared);
  self_call.mask = BENCH_MASK_PADDING;
  self_call.mask_tensor = mask;
  self_call.pos_bias = t5_position_bias (c, "encoder", S, S, TRUE);
  for (gint i = 0; i < n_layers (opts, cfg->n_layers); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("encoder.block.%d.", i);
      x = layer (c, &enc, prefix, x, &self_call, NULL);
    }
  enc_out = norm (c, x, "encoder.", "final_layer_norm", TRUE);

  x = bench_graph_embedding (c->g, "decoder.embed_tokens", token_ids (c, "decoder_input_ids", S), shared);
  self_call.mask = BENCH_MASK_CAUSAL;
  self_call.mask_tensor = -1;
  self_call.pos_bias = t5_position_bias (c, "decoder", S, S, FALSE);
  cross_call.kv_source = enc_out;
  cross_call.mask = BENCH_MASK_PADDING;
  cross_call.mask_tensor = mask;
  for (gint i = 0; i < n_layers (opts, cfg->n_decoder_layers); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("decoder.block.%d.", i);
      x = layer (c, &dec, prefix, x, &self_call, &cross_call);
    }
  x = norm (c, x, "decoder.", "final_layer_norm", TRUE);
  if (cfg->tie_embeddings)
    {
      /* Tied head: the decoder output is rescaled by d_model^-0.5 first. */
      x = bench_graph_mul (c->g, "lm_head.rescale", x, scalar_constant (c, "lm_head.scale", (float)(1.0 / sqrt ((double)H))));
      logits = bench_graph_linear (c->g, "logits", x, shared, -1, FALSE);
    }
  else
    logits = dense (c, x, "", "lm_head", cfg->vocab_size, FALSE, FALSE);
  bench_graph_set_category (c->g, logits, BENCH_OP_CATEGORY_LINEAR);
  bench_graph_mark_output (c->g, logits);
}

/* --- BART / Whisper (encoder-decoders with BART-style layers) --- */

static LayerSpec
bart_layer_spec (const BenchModelConfig *cfg,
                 gboolean                decoder,
                 gboolean                k_bias)
{
  gint64 H = cfg->hidden_size;
  LayerSpec ls = {
    .self_prefix = "self_attn.",
    .self = attn_spec ("q_proj", "k_proj", "v_proj", "out_proj", TRUE, cfg->n_heads, head_dim (cfg), H),
    .ln_self = "self_attn_layer_norm",
    .fc1 = "fc1", .fc2 = "fc2", .ln_ffn = "final_layer_norm",
    .pre_norm = cfg->pre_norm, .mlp_bias = TRUE, .act = cfg->act,
    .intermediate = cfg->intermediate_size, .hidden = H,
  };

  ls.self.k_bias = k_bias;
  if (decoder)
    {
      ls.cross_prefix = "encoder_attn.";
      ls.cross = ls.self;
      ls.ln_cross = "encoder_attn_layer_norm";
    }
  return ls;
}

static guint
bart_decoder (Ctx                     *c,
              const BenchModelOptions *opts,
              gint64                   S,
              guint                    enc_out,
              gint                     enc_mask,
              gboolean                 k_bias)
{
  const BenchModelConfig *cfg = c->cfg;
  gboolean whisper = cfg->arch == BENCH_MODEL_ARCH_WHISPER;
  gint64 H = cfg->hidden_size;
  LayerSpec ls = bart_layer_spec (cfg, TRUE, k_bias);
  AttnCall self_call = ATTN_CALL_INIT, cross_call = ATTN_CALL_INIT;
  guint table, x, logits;

  table = whisper
    ? param (c, BENCH_INIT_NORMAL, INIT_STD, 2, (gint64[]){ cfg->vocab_size, H }, "decoder.embed_tokens.weight")
    : param (c, BENCH_INIT_NORMAL, INIT_STD, 2, (gint64[]){ cfg->vocab_size, H }, "shared.weight");
  x = bench_graph_embedding (c->g, "decoder.embed_tokens", token_ids (c, "decoder_input_ids", S), table);
  x = bench_graph_add (c->g, "decoder.add_positions", x,
                       positions (c, "decoder.embed_positions.weight",
                                  cfg->max_positions + cfg->position_offset, H, cfg->position_offset, S));
  if (!whisper)
    x = norm (c, x, "decoder.", "layernorm_embedding", FALSE);

  self_call.mask = BENCH_MASK_CAUSAL;
  cross_call.kv_source = enc_out;
  cross_call.mask = enc_mask >= 0 ? BENCH_MASK_PADDING : BENCH_MASK_NONE;
  cross_call.mask_tensor = enc_mask;
  for (gint i = 0; i < n_layers (opts, cfg->n_decoder_layers); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("decoder.layers.%d.", i);
      x = layer (c, &ls, prefix, x, &self_call, &cross_call);
    }
  if (whisper)
    x = norm (c, x, "decoder.", "layer_norm", FALSE);
  logits = bench_graph_linear (c->g, "logits", x, table, -1, FALSE);
  bench_graph_mark_output (c->g, logits);
  return logits;
}

static void
build_bart (Ctx                     *c,
            const BenchModelOptions *opts,
            gint64                   S)
{
  const BenchModelConfig *cfg = c->cfg;
  gint64 H = cfg->hidden_size;
  LayerSpec ls = bart_layer_spec (cfg, FALSE, TRUE);
  AttnCall call = ATTN_CALL_INIT;
  guint shared, mask, x;

  shared = param (c, BENCH_INIT_NORMAL, INIT_STD, 2, (gint64[]){ cfg->vocab_size, H }, "shared.weight");
  mask = keep_mask (c, "attention_mask", S);
  x = bench_graph_embedding (c->g, "encoder.embed_tokens", token_ids (c, "input_ids", S), shared);
  x = bench_graph_add (c->g, "encoder.add_positions", x,
                       positions (c, "encoder.embed_positions.weight",
                                  cfg->max_positions + cfg->position_offset, H, cfg->position_offset, S));
  x = norm (c, x, "encoder.", "layernorm_embedding", FALSE);
  call.mask = BENCH_MASK_PADDING;
  call.mask_tensor = mask;
  for (gint i = 0; i < n_layers (opts, cfg->n_layers); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("encoder.layers.%d.", i);
      x = layer (c, &ls, prefix, x, &call, NULL);
    }
  bart_decoder (c, opts, S, x, mask, TRUE);
}

static void
build_whisper (Ctx                     *c,
               const BenchModelOptions *opts,
               gint64                   S,
               gint64                   frames)
{
  const BenchModelConfig *cfg = c->cfg;
  gint64 H = cfg->hidden_size, T = frames / 2;
  LayerSpec ls = bart_layer_spec (cfg, FALSE, FALSE);
  AttnCall call = ATTN_CALL_INIT;
  guint x, pos;

  x = bench_graph_add_input (c->g, "input_features", BENCH_DTYPE_F32, BENCH_INIT_NORMAL, 1.0,
                             3, (gint64[]){ c->batch, cfg->n_mels, frames });
  x = bench_graph_conv1d (c->g, "encoder.conv1", x,
                          param (c, BENCH_INIT_NORMAL, sqrt (1.0 / (cfg->n_mels * 3)), 3,
                                 (gint64[]){ H, cfg->n_mels, 3 }, "encoder.conv1.weight"),
                          param (c, BENCH_INIT_NORMAL, INIT_STD, 1, (gint64[]){ H }, "encoder.conv1.bias"),
                          1, 1, 1);
  x = bench_graph_gelu (c->g, "encoder.conv1.act", x, BENCH_GELU_ERF);
  x = bench_graph_conv1d (c->g, "encoder.conv2", x,
                          param (c, BENCH_INIT_NORMAL, sqrt (1.0 / (H * 3)), 3,
                                 (gint64[]){ H, H, 3 }, "encoder.conv2.weight"),
                          param (c, BENCH_INIT_NORMAL, INIT_STD, 1, (gint64[]){ H }, "encoder.conv2.bias"),
                          2, 1, 1);
  x = bench_graph_gelu (c->g, "encoder.conv2.act", x, BENCH_GELU_ERF);
  g_assert (dim (c, x, 2) == T);
  x = bench_graph_permute (c->g, "encoder.to_sequence", x, (guint[]){ 0, 2, 1 });
  pos = param (c, BENCH_INIT_NORMAL, INIT_STD, 2, (gint64[]){ cfg->source_positions, H },
               "encoder.embed_positions.weight");
  if (T < cfg->source_positions)
    pos = bench_graph_slice (c->g, "encoder.embed_positions.used", pos, 0, 0, T);
  x = bench_graph_add (c->g, "encoder.add_positions", x, pos);

  for (gint i = 0; i < n_layers (opts, cfg->n_layers); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("encoder.layers.%d.", i);
      x = layer (c, &ls, prefix, x, &call, NULL);
    }
  x = norm (c, x, "encoder.", "layer_norm", FALSE);
  bart_decoder (c, opts, S, x, -1, FALSE);
}

/* --- ViT / CLIP vision tower --- */

/* Patch embedding (conv k=stride=patch) + class token + positions. */
static guint
patch_embed (Ctx        *c,
             guint       pixels,
             const char *conv_name,
             gboolean    conv_bias,
             const char *cls_name,
             gboolean    cls_3d,
             const char *pos_name,
             gboolean    pos_3d,
             gint64      hidden,
             gint64      side)
{
  const BenchModelConfig *cfg = c->cfg;
  gint64 P = cfg->patch_size, C = cfg->num_channels;
  gint64 full_patches = (cfg->image_size / P) * (cfg->image_size / P);
  gint64 n_patches = (side / P) * (side / P);
  g_autofree char *cname = g_strconcat (conv_name, ".weight", NULL);
  g_autofree char *bname = g_strconcat (conv_name, ".bias", NULL);
  g_autofree char *seq_name = g_strconcat (conv_name, ".sequence", NULL);
  g_autofree char *view_name = g_strconcat (conv_name, ".view", NULL);
  guint x, cls, pos;

  x = bench_graph_conv2d (c->g, conv_name, pixels,
                          param (c, BENCH_INIT_NORMAL, INIT_STD, 4, (gint64[]){ hidden, C, P, P }, "%s", cname),
                          conv_bias ? (gint)param (c, BENCH_INIT_NORMAL, INIT_STD, 1, (gint64[]){ hidden }, "%s", bname) : -1,
                          P, 0, 1);
  x = bench_graph_reshape (c->g, view_name, x, 3, (gint64[]){ c->batch, hidden, n_patches });
  x = bench_graph_permute (c->g, seq_name, x, (guint[]){ 0, 2, 1 });

  if (cls_3d)
    cls = param (c, BENCH_INIT_NORMAL, INIT_STD, 3, (gint64[]){ 1, 1, hidden }, "%s", cls_name);
  else
    cls = bench_graph_reshape (c->g, "class_embedding.view",
                               param (c, BENCH_INIT_NORMAL, INIT_STD, 1, (gint64[]){ hidden }, "%s", cls_name),
                               3, (gint64[]){ 1, 1, hidden });
  x = bench_graph_concat (c->g, "embeddings.with_class", cls, x, 1);

  if (pos_3d)
    pos = bench_graph_reshape (c->g, "position_embeddings.view",
                               param (c, BENCH_INIT_NORMAL, INIT_STD, 3, (gint64[]){ 1, full_patches + 1, hidden }, "%s", pos_name),
                               2, (gint64[]){ full_patches + 1, hidden });
  else
    pos = param (c, BENCH_INIT_NORMAL, INIT_STD, 2, (gint64[]){ full_patches + 1, hidden }, "%s", pos_name);
  /* A smaller test image uses the first positions (no interpolation). */
  if (n_patches < full_patches)
    pos = bench_graph_slice (c->g, "position_embeddings.used", pos, 0, 0, n_patches + 1);
  return bench_graph_add (c->g, "embeddings.add_positions", x, pos);
}

static guint
first_token (Ctx        *c,
             guint       x,
             const char *name)
{
  g_autofree char *vname = g_strconcat (name, ".view", NULL);
  guint t = bench_graph_slice (c->g, name, x, 1, 0, 1);

  return bench_graph_reshape (c->g, vname, t, 2, (gint64[]){ dim (c, x, 0), dim (c, x, 2) });
}

static void
build_vit (Ctx                     *c,
           const BenchModelOptions *opts,
           gint64                   side)
{
  const BenchModelConfig *cfg = c->cfg;
  gint64 H = cfg->hidden_size;
  LayerSpec ls = {
    .self_prefix = "attention.",
    .self = attn_spec ("attention.query", "attention.key", "attention.value", "output.dense", TRUE,
                       cfg->n_heads, head_dim (cfg), H),
    .ln_self = "layernorm_before",
    .fc1 = "intermediate.dense", .fc2 = "output.dense", .ln_ffn = "layernorm_after",
    .pre_norm = TRUE, .mlp_bias = TRUE, .act = cfg->act,
    .intermediate = cfg->intermediate_size, .hidden = H,
  };
  AttnCall call = ATTN_CALL_INIT;
  guint x;

  x = bench_graph_add_input (c->g, "pixel_values", BENCH_DTYPE_F32, BENCH_INIT_NORMAL, 1.0,
                             4, (gint64[]){ c->batch, cfg->num_channels, side, side });
  x = patch_embed (c, x, "embeddings.patch_embeddings.projection", TRUE,
                   "embeddings.cls_token", TRUE, "embeddings.position_embeddings", TRUE, H, side);
  for (gint i = 0; i < n_layers (opts, cfg->n_layers); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("encoder.layer.%d.", i);
      x = layer (c, &ls, prefix, x, &call, NULL);
    }
  x = norm (c, x, "", "layernorm", FALSE);
  x = first_token (c, x, "class_token");
  x = dense (c, x, "", "classifier", cfg->num_labels, TRUE, FALSE);
  bench_graph_mark_output (c->g, x);
}

/* --- CLIP --- */

static void
build_clip (Ctx                     *c,
            const BenchModelOptions *opts,
            gint64                   S,
            gint64                   side)
{
  const BenchModelConfig *cfg = c->cfg;
  gint64 H = cfg->hidden_size, VH = cfg->v_hidden_size;
  LayerSpec text = {
    .self_prefix = "self_attn.",
    .self = attn_spec ("q_proj", "k_proj", "v_proj", "out_proj", TRUE, cfg->n_heads, H / cfg->n_heads, H),
    .ln_self = "layer_norm1",
    .fc1 = "mlp.fc1", .fc2 = "mlp.fc2", .ln_ffn = "layer_norm2",
    .pre_norm = TRUE, .mlp_bias = TRUE, .act = cfg->act,
    .intermediate = cfg->intermediate_size, .hidden = H,
  };
  LayerSpec vision = text;
  AttnCall call = ATTN_CALL_INIT;
  guint x, ids;

  vision.self = attn_spec ("q_proj", "k_proj", "v_proj", "out_proj", TRUE, cfg->v_n_heads, VH / cfg->v_n_heads, VH);
  vision.intermediate = cfg->v_intermediate_size;
  vision.hidden = VH;

  /* text tower: causal, pooled at the last token (where EOS sits in a full-length prompt) */
  ids = token_ids (c, "input_ids", S);
  x = bench_graph_embedding (c->g, "text_model.embeddings.token_embedding", ids,
                             param (c, BENCH_INIT_NORMAL, INIT_STD, 2, (gint64[]){ cfg->vocab_size, H },
                                    "text_model.embeddings.token_embedding.weight"));
  x = bench_graph_add (c->g, "text_model.embeddings.add_positions", x,
                       positions (c, "text_model.embeddings.position_embedding.weight", cfg->max_positions, H, 0, S));
  call.mask = BENCH_MASK_CAUSAL;
  for (gint i = 0; i < n_layers (opts, cfg->n_layers); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("text_model.encoder.layers.%d.", i);
      x = layer (c, &text, prefix, x, &call, NULL);
    }
  x = norm (c, x, "text_model.", "final_layer_norm", FALSE);
  x = bench_graph_slice (c->g, "text_model.pooled", x, 1, S - 1, 1);
  x = bench_graph_reshape (c->g, "text_model.pooled.view", x, 2, (gint64[]){ c->batch, H });
  x = dense (c, x, "", "text_projection", cfg->projection_dim, FALSE, FALSE);
  bench_graph_mark_output (c->g, x);

  /* vision tower */
  x = bench_graph_add_input (c->g, "pixel_values", BENCH_DTYPE_F32, BENCH_INIT_NORMAL, 1.0,
                             4, (gint64[]){ c->batch, cfg->num_channels, side, side });
  x = patch_embed (c, x, "vision_model.embeddings.patch_embedding", FALSE,
                   "vision_model.embeddings.class_embedding", FALSE,
                   "vision_model.embeddings.position_embedding.weight", FALSE, VH, side);
  x = norm (c, x, "vision_model.", "pre_layrnorm", FALSE);
  call.mask = BENCH_MASK_NONE;
  for (gint i = 0; i < n_layers (opts, cfg->v_n_layers); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("vision_model.encoder.layers.%d.", i);
      x = layer (c, &vision, prefix, x, &call, NULL);
    }
  x = first_token (c, x, "vision_model.pooled");
  x = norm (c, x, "vision_model.", "post_layernorm", FALSE);
  x = dense (c, x, "", "visual_projection", cfg->projection_dim, FALSE, FALSE);
  bench_graph_mark_output (c->g, x);
}

/* --- wav2vec2 --- */

static void
build_wav2vec2 (Ctx                     *c,
                const BenchModelOptions *opts,
                gint64                   samples)
{
  const BenchModelConfig *cfg = c->cfg;
  static const gint kernels[7] = { 10, 3, 3, 3, 3, 2, 2 };
  static const gint strides[7] = { 5, 2, 2, 2, 2, 2, 2 };
  const gint conv_dim = 512, pos_kernel = 128, pos_groups = 16;
  gint64 H = cfg->hidden_size, T;
  LayerSpec ls = {
    .self_prefix = "attention.",
    .self = attn_spec ("q_proj", "k_proj", "v_proj", "out_proj", TRUE, cfg->n_heads, head_dim (cfg), H),
    .ln_self = "layer_norm",
    .fc1 = "feed_forward.intermediate_dense", .fc2 = "feed_forward.output_dense", .ln_ffn = "final_layer_norm",
    .pre_norm = FALSE, .mlp_bias = TRUE, .act = cfg->act,
    .intermediate = cfg->intermediate_size, .hidden = H,
  };
  AttnCall call = ATTN_CALL_INIT;
  gint64 in_ch = 1;
  guint x, p;

  x = bench_graph_add_input (c->g, "input_values", BENCH_DTYPE_F32, BENCH_INIT_NORMAL, 1.0,
                             2, (gint64[]){ c->batch, samples });
  x = bench_graph_reshape (c->g, "input_values.view", x, 3, (gint64[]){ c->batch, 1, samples });
  for (gint i = 0; i < 7; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("feature_extractor.conv_layers.%d.", i);
      g_autofree char *cname = g_strconcat (prefix, "conv", NULL);
      g_autofree char *aname = g_strconcat (prefix, "act", NULL);

      x = bench_graph_conv1d (c->g, cname, x,
                              param (c, BENCH_INIT_NORMAL, sqrt (2.0 / (in_ch * kernels[i])), 3,
                                     (gint64[]){ conv_dim, in_ch, kernels[i] }, "%s.weight", cname),
                              -1, strides[i], 0, 1);
      if (i == 0)
        {
          /* feat_extract_norm "group": GroupNorm(512 groups, 512 channels) */
          g_autofree char *nname = g_strconcat (prefix, "layer_norm", NULL);
          x = bench_graph_group_norm (c->g, nname, x,
                                      param (c, BENCH_INIT_ONES, 0, 1, (gint64[]){ conv_dim }, "%s.weight", nname),
                                      param (c, BENCH_INIT_ZEROS, 0, 1, (gint64[]){ conv_dim }, "%s.bias", nname),
                                      conv_dim, cfg->eps);
        }
      x = bench_graph_gelu (c->g, aname, x, BENCH_GELU_ERF);
      in_ch = conv_dim;
    }
  T = dim (c, x, 2);
  x = bench_graph_permute (c->g, "feature_extractor.to_sequence", x, (guint[]){ 0, 2, 1 });
  x = norm (c, x, "feature_projection.", "layer_norm", FALSE);
  x = dense (c, x, "feature_projection.", "projection", H, TRUE, FALSE);

  /* convolutional relative positions: conv (k=128, groups=16), drop the
   * last frame (even kernel), GELU, added to the sequence */
  p = bench_graph_permute (c->g, "encoder.pos_conv_embed.to_channels", x, (guint[]){ 0, 2, 1 });
  p = bench_graph_conv1d (c->g, "encoder.pos_conv_embed.conv", p,
                          param (c, BENCH_INIT_NORMAL, sqrt (1.0 / ((H / pos_groups) * pos_kernel)), 3,
                                 (gint64[]){ H, H / pos_groups, pos_kernel }, "encoder.pos_conv_embed.conv.weight"),
                          param (c, BENCH_INIT_NORMAL, INIT_STD, 1, (gint64[]){ H }, "encoder.pos_conv_embed.conv.bias"),
                          1, pos_kernel / 2, pos_groups);
  p = bench_graph_slice (c->g, "encoder.pos_conv_embed.pad", p, 2, 0, T);
  p = bench_graph_gelu (c->g, "encoder.pos_conv_embed.act", p, BENCH_GELU_ERF);
  p = bench_graph_permute (c->g, "encoder.pos_conv_embed.to_sequence", p, (guint[]){ 0, 2, 1 });
  x = bench_graph_add (c->g, "encoder.add_positions", x, p);
  x = norm (c, x, "encoder.", "layer_norm", FALSE);

  for (gint i = 0; i < n_layers (opts, cfg->n_layers); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("encoder.layers.%d.", i);
      x = layer (c, &ls, prefix, x, &call, NULL);
    }
  bench_graph_mark_output (c->g, x);
}

/* --- ResNet-50 (torchvision v1.5 layout, batch norm folded into conv bias) --- */

static guint
conv_bn (Ctx        *c,
         guint       x,
         const char *name,
         gint64      out_ch,
         guint       kernel,
         guint       stride,
         guint       padding,
         gboolean    relu,
         double      gain)
{
  gint64 in_ch = dim (c, x, 1);
  /* Kaiming-normal for the ReLU that follows; the last conv of a residual
   * branch is scaled down so the residual stream stays bounded through depth. */
  double std = gain * sqrt (2.0 / (in_ch * kernel * kernel));
  g_autofree char *rname = g_strconcat (name, ".relu", NULL);

  x = bench_graph_conv2d (c->g, name, x,
                          param (c, BENCH_INIT_NORMAL, std, 4, (gint64[]){ out_ch, in_ch, kernel, kernel }, "%s.weight", name),
                          param (c, BENCH_INIT_NORMAL, 0.01, 1, (gint64[]){ out_ch }, "%s.bias", name),
                          stride, padding, 1);
  return relu ? bench_graph_relu (c->g, rname, x) : x;
}

static void
build_resnet (Ctx                     *c,
              const BenchModelOptions *opts,
              gint64                   side)
{
  const BenchModelConfig *cfg = c->cfg;
  guint x;

  x = bench_graph_add_input (c->g, "pixel_values", BENCH_DTYPE_F32, BENCH_INIT_NORMAL, 1.0,
                             4, (gint64[]){ c->batch, cfg->num_channels, side, side });
  x = conv_bn (c, x, "conv1", 64, 7, 2, 3, TRUE, 1.0);
  x = bench_graph_max_pool2d (c->g, "maxpool", x, 3, 2, 1);
  for (gint s = 0; s < 4; s++)
    {
      gint64 width = 64 << s;

      for (gint b = 0; b < n_layers (opts, cfg->stages[s]); b++)
        {
          g_autofree char *p = g_strdup_printf ("layer%d.%d.", s + 1, b);
          g_autofree char *n1 = g_strconcat (p, "conv1", NULL);
          g_autofree char *n2 = g_strconcat (p, "conv2", NULL);
          g_autofree char *n3 = g_strconcat (p, "conv3", NULL);
          g_autofree char *nd = g_strconcat (p, "downsample.0", NULL);
          g_autofree char *na = g_strconcat (p, "residual", NULL);
          g_autofree char *nr = g_strconcat (p, "relu", NULL);
          guint stride = (b == 0 && s > 0) ? 2 : 1;
          guint h, sc;

          h = conv_bn (c, x, n1, width, 1, 1, 0, TRUE, 1.0);
          h = conv_bn (c, h, n2, width, 3, stride, 1, TRUE, 1.0);
          h = conv_bn (c, h, n3, width * 4, 1, 1, 0, FALSE, 0.2);
          sc = b == 0 ? conv_bn (c, x, nd, width * 4, 1, stride, 0, FALSE, 0.5) : x;
          x = bench_graph_relu (c->g, nr, bench_graph_add (c->g, na, h, sc));
        }
    }
  x = bench_graph_global_avg_pool (c->g, "avgpool", x);
  x = dense (c, x, "", "fc", cfg->num_labels, TRUE, FALSE);
  bench_graph_mark_output (c->g, x);
}

/* --- entry points --- */

static gboolean
check_options (const BenchModelConfig   *cfg,
               const BenchModelOptions  *opts,
               gint64                    seq,
               gint64                    past,
               gint64                    input_size,
               GError                  **error)
{
  gboolean generates = cfg->arch == BENCH_MODEL_ARCH_GPT2 || cfg->arch == BENCH_MODEL_ARCH_OPT;
  gint64 max_seq = cfg->max_positions > 0 ? cfg->max_positions : 4096;

  if (opts->batch < 0 || opts->seq_len < 0 || opts->n_layers < 0 || opts->input_size < 0 || opts->past_len < 0)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "Model %s: batch, sequence length, layers, input size and past length must not be negative",
                   cfg->name);
      return FALSE;
    }
  if (opts->mode != BENCH_MODEL_MODE_FORWARD && !generates)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "Model %s does not generate: only decoder-only models (gpt2, opt) have prefill and decode graphs",
                   cfg->name);
      return FALSE;
    }
  if (cfg->default_seq_len > 0 && seq > max_seq)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "Sequence length %" G_GINT64_FORMAT " exceeds the %" G_GINT64_FORMAT " positions of model %s",
                   seq, max_seq, cfg->name);
      return FALSE;
    }
  if (opts->mode == BENCH_MODEL_MODE_DECODE && past + 1 > max_seq)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "A KV cache of %" G_GINT64_FORMAT " tokens plus one exceeds the %" G_GINT64_FORMAT " positions of model %s",
                   past, max_seq, cfg->name);
      return FALSE;
    }
  switch (cfg->arch)
    {
    case BENCH_MODEL_ARCH_VIT:
    case BENCH_MODEL_ARCH_CLIP:
      if (input_size % cfg->patch_size != 0 || input_size > cfg->image_size)
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                       "Image size %" G_GINT64_FORMAT " of model %s must be a multiple of the patch size %d, at most %d",
                       input_size, cfg->name, cfg->patch_size, cfg->image_size);
          return FALSE;
        }
      break;
    case BENCH_MODEL_ARCH_RESNET:
      if (input_size < 32)
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                       "Image size %" G_GINT64_FORMAT " of model %s must be at least 32", input_size, cfg->name);
          return FALSE;
        }
      break;
    case BENCH_MODEL_ARCH_WHISPER:
      if (input_size % 2 != 0 || input_size / 2 > cfg->source_positions)
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                       "Whisper input of %" G_GINT64_FORMAT " mel frames must be even and at most %d",
                       input_size, 2 * cfg->source_positions);
          return FALSE;
        }
      break;
    case BENCH_MODEL_ARCH_WAV2VEC2:
      if (input_size < 400)
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                       "wav2vec2 needs at least 400 audio samples (one 25 ms frame), got %" G_GINT64_FORMAT,
                       input_size);
          return FALSE;
        }
      break;
    default:
      break;
    }
  return TRUE;
}

static gint64
default_input_size (const BenchModelConfig *cfg)
{
  switch (cfg->arch)
    {
    case BENCH_MODEL_ARCH_VIT:
    case BENCH_MODEL_ARCH_CLIP:
    case BENCH_MODEL_ARCH_RESNET:
      return cfg->image_size;
    case BENCH_MODEL_ARCH_WHISPER:
      return 2 * cfg->source_positions;   /* 30 s at 100 frames/s */
    case BENCH_MODEL_ARCH_WAV2VEC2:
      return cfg->audio_samples;
    default:
      return 0;
    }
}

BenchGraph *
bench_model_config_build (const BenchModelConfig   *config,
                          const BenchModelOptions  *opts,
                          GError                  **error)
{
  static const BenchModelOptions defaults = { 0, };
  g_autoptr(BenchGraph) graph = NULL;
  gint64 seq, past, input_size;
  Ctx c;

  g_return_val_if_fail (config != NULL, NULL);

  if (opts == NULL)
    opts = &defaults;
  seq = opts->seq_len > 0 ? opts->seq_len : config->default_seq_len;
  past = opts->past_len > 0 ? opts->past_len : seq;
  input_size = opts->input_size > 0 ? opts->input_size : default_input_size (config);
  if (!check_options (config, opts, seq, past, input_size, error))
    return NULL;

  graph = bench_graph_new (config->name);
  c.g = graph;
  c.cfg = config;
  c.batch = opts->batch > 0 ? opts->batch : 1;

  switch (config->arch)
    {
    case BENCH_MODEL_ARCH_BERT:
    case BENCH_MODEL_ARCH_ROBERTA:
      build_bert (&c, opts, seq);
      break;
    case BENCH_MODEL_ARCH_GPT2:
    case BENCH_MODEL_ARCH_OPT:
      build_decoder_only (&c, opts, seq, past);
      break;
    case BENCH_MODEL_ARCH_T5:
      build_t5 (&c, opts, seq);
      break;
    case BENCH_MODEL_ARCH_BART:
      build_bart (&c, opts, seq);
      break;
    case BENCH_MODEL_ARCH_VIT:
      build_vit (&c, opts, input_size);
      break;
    case BENCH_MODEL_ARCH_RESNET:
      build_resnet (&c, opts, input_size);
      break;
    case BENCH_MODEL_ARCH_WHISPER:
      build_whisper (&c, opts, seq, input_size);
      break;
    case BENCH_MODEL_ARCH_WAV2VEC2:
      build_wav2vec2 (&c, opts, input_size);
      break;
    case BENCH_MODEL_ARCH_CLIP:
      build_clip (&c, opts, seq, input_size);
      break;
    default:
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "Model %s: unknown architecture %d", config->name, config->arch);
      return NULL;
    }

  bench_graph_seal (graph);
  return g_steal_pointer (&graph);
}

/* --- the catalog --- */

#define BERT_CONFIG(n, layers, hidden, heads) \
  { .arch = BENCH_MODEL_ARCH_BERT, .name = n, .vocab_size = 30522, .hidden_size = hidden, \
    .n_layers = layers, .n_heads = heads, .intermediate_size = 4 * (hidden), .max_positions = 512, \
    .type_vocab_size = 2, .act = BENCH_MODEL_ACT_GELU, .eps = 1e-12, .default_seq_len = 128 }

typedef struct
{
  BenchModelInfo   info;
  BenchModelConfig config;
} Entry;

static Entry catalog[] = {
  { { "bert-tiny", NULL, "bert", "text", "google/bert_uncased_L-2_H-128_A-2",
      "BERT tiny encoder: 2 layers, hidden 128, 2 heads", 0, NULL, 128, FALSE },
    BERT_CONFIG ("bert-tiny", 2, 128, 2) },
  { { "bert-mini", NULL, "bert", "text", "google/bert_uncased_L-4_H-256_A-4",
      "BERT mini encoder: 4 layers, hidden 256, 4 heads", 0, NULL, 128, FALSE },
    BERT_CONFIG ("bert-mini", 4, 256, 4) },
  { { "bert-small", NULL, "bert", "text", "google/bert_uncased_L-4_H-512_A-8",
      "BERT small encoder: 4 layers, hidden 512, 8 heads", 0, NULL, 128, FALSE },
    BERT_CONFIG ("bert-small", 4, 512, 8) },
  { { "bert-medium", NULL, "bert", "text", "google/bert_uncased_L-8_H-512_A-8",
      "BERT medium encoder: 8 layers, hidden 512, 8 heads", 0, NULL, 128, FALSE },
    BERT_CONFIG ("bert-medium", 8, 512, 8) },
  { { "bert-base-uncased", "bert-base", "bert", "text", "bert-base-uncased",
      "BERT base encoder: 12 layers, hidden 768, 12 heads", 0, NULL, 128, FALSE },
    BERT_CONFIG ("bert-base-uncased", 12, 768, 12) },
  { { "bert-large-uncased", "bert-large", "bert", "text", "bert-large-uncased",
      "BERT large encoder: 24 layers, hidden 1024, 16 heads", 0, NULL, 128, FALSE },
    BERT_CONFIG ("bert-large-uncased", 24, 1024, 16) },
  { { "roberta-base", NULL, "roberta", "text", "roberta-base",
      "RoBERTa base encoder: 12 layers, hidden 768, 12 heads", 0, NULL, 128, FALSE },
    { .arch = BENCH_MODEL_ARCH_ROBERTA, .name = "roberta-base", .vocab_size = 50265, .hidden_size = 768,
      .n_layers = 12, .n_heads = 12, .intermediate_size = 3072, .max_positions = 512,
      .position_offset = 2, .type_vocab_size = 1, .act = BENCH_MODEL_ACT_GELU, .eps = 1e-5,
      .default_seq_len = 128 } },
  { { "gpt2", NULL, "gpt2", "text", "gpt2",
      "GPT-2 124M decoder: 12 layers, hidden 768, 12 heads; prefill + KV-cache decode", 0, NULL, 128, TRUE },
    { .arch = BENCH_MODEL_ARCH_GPT2, .name = "gpt2", .vocab_size = 50257, .hidden_size = 768,
      .n_layers = 12, .n_heads = 12, .intermediate_size = 3072, .max_positions = 1024,
      .act = BENCH_MODEL_ACT_GELU_TANH, .eps = 1e-5, .pre_norm = TRUE, .tie_embeddings = TRUE,
      .default_seq_len = 128 } },
  { { "opt-125m", NULL, "opt", "text", "facebook/opt-125m",
      "OPT 125M decoder: 12 layers, hidden 768, 12 heads; prefill + KV-cache decode", 0, NULL, 128, TRUE },
    { .arch = BENCH_MODEL_ARCH_OPT, .name = "opt-125m", .vocab_size = 50272, .hidden_size = 768,
      .n_layers = 12, .n_heads = 12, .intermediate_size = 3072, .max_positions = 2048,
      .position_offset = 2, .act = BENCH_MODEL_ACT_RELU, .eps = 1e-5, .pre_norm = TRUE,
      .tie_embeddings = TRUE, .default_seq_len = 128 } },
  { { "t5-small", NULL, "t5", "text", "t5-small",
      "T5 small encoder-decoder: 6+6 layers, d_model 512, relative position bias, RMS norm", 0, NULL, 128, FALSE },
    { .arch = BENCH_MODEL_ARCH_T5, .name = "t5-small", .vocab_size = 32128, .hidden_size = 512,
      .n_layers = 6, .n_decoder_layers = 6, .n_heads = 8, .head_dim = 64, .intermediate_size = 2048,
      .max_positions = 0, .act = BENCH_MODEL_ACT_RELU, .eps = 1e-6, .pre_norm = TRUE,
      .tie_embeddings = TRUE, .rel_buckets = 32, .rel_max_distance = 128, .default_seq_len = 128 } },
  { { "bart-base", NULL, "bart", "text", "facebook/bart-base",
      "BART base encoder-decoder: 6+6 layers, hidden 768, 12 heads", 0, NULL, 128, FALSE },
    { .arch = BENCH_MODEL_ARCH_BART, .name = "bart-base", .vocab_size = 50265, .hidden_size = 768,
      .n_layers = 6, .n_decoder_layers = 6, .n_heads = 12, .intermediate_size = 3072,
      .max_positions = 1024, .position_offset = 2, .act = BENCH_MODEL_ACT_GELU, .eps = 1e-5,
      .tie_embeddings = TRUE, .default_seq_len = 128 } },
  { { "vit-base-patch16-224", NULL, "vit", "vision", "google/vit-base-patch16-224",
      "ViT-B/16 image classifier at 224x224: 12 layers, hidden 768, 1000 classes", 0, NULL, 0, FALSE },
    { .arch = BENCH_MODEL_ARCH_VIT, .name = "vit-base-patch16-224", .hidden_size = 768, .n_layers = 12,
      .n_heads = 12, .intermediate_size = 3072, .act = BENCH_MODEL_ACT_GELU, .eps = 1e-12,
      .pre_norm = TRUE, .image_size = 224, .patch_size = 16, .num_channels = 3, .num_labels = 1000 } },
  { { "resnet-50", NULL, "resnet", "vision", "microsoft/resnet-50",
      "ResNet-50 at 224x224: bottlenecks [3, 4, 6, 3], batch norm folded into the convolutions", 0, NULL, 0, FALSE },
    { .arch = BENCH_MODEL_ARCH_RESNET, .name = "resnet-50", .image_size = 224, .num_channels = 3,
      .num_labels = 1000, .stages = { 3, 4, 6, 3 } } },
  { { "whisper-tiny", NULL, "whisper", "audio", "openai/whisper-tiny",
      "Whisper tiny on 30 s of 80-bin log-mel: conv stem + 4 encoder layers, 4 decoder layers with cross-attention", 0, NULL, 32, FALSE },
    { .arch = BENCH_MODEL_ARCH_WHISPER, .name = "whisper-tiny", .vocab_size = 51865, .hidden_size = 384,
      .n_layers = 4, .n_decoder_layers = 4, .n_heads = 6, .intermediate_size = 1536, .max_positions = 448,
      .act = BENCH_MODEL_ACT_GELU, .eps = 1e-5, .pre_norm = TRUE, .tie_embeddings = TRUE,
      .n_mels = 80, .source_positions = 1500, .default_seq_len = 32 } },
  { { "wav2vec2-base", NULL, "wav2vec2", "audio", "facebook/wav2vec2-base",
      "wav2vec2 base on 1 s of 16 kHz audio: 7-layer conv feature extractor + 12 encoder layers", 0, NULL, 0, FALSE },
    { .arch = BENCH_MODEL_ARCH_WAV2VEC2, .name = "wav2vec2-base", .hidden_size = 768, .n_layers = 12,
      .n_heads = 12, .intermediate_size = 3072, .act = BENCH_MODEL_ACT_GELU, .eps = 1e-5,
      .audio_samples = 16000 } },
  { { "clip-vit-base-patch32", NULL, "clip", "multimodal", "openai/clip-vit-base-patch32",
      "CLIP ViT-B/32: text tower (12 layers, 512) and image tower (12 layers, 768) to 512-d embeddings", 0, NULL, 77, FALSE },
    { .arch = BENCH_MODEL_ARCH_CLIP, .name = "clip-vit-base-patch32", .vocab_size = 49408, .hidden_size = 512,
      .n_layers = 12, .n_heads = 8, .intermediate_size = 2048, .max_positions = 77,
      .act = BENCH_MODEL_ACT_QUICK_GELU, .eps = 1e-5, .pre_norm = TRUE,
      .image_size = 224, .patch_size = 32, .num_channels = 3,
      .v_hidden_size = 768, .v_n_layers = 12, .v_n_heads = 12, .v_intermediate_size = 3072,
      .projection_dim = 512, .default_seq_len = 77 } },
};

char *
bench_model_format_size (gint64 n_parameters)
{
  double v = (double)n_parameters;
  const char *unit = "";

  if (n_parameters < 0)
    return NULL;
  if (v >= 1e9)
    {
      v /= 1e9;
      unit = "B";
    }
  else if (v >= 1e6)
    {
      v /= 1e6;
      unit = "M";
    }
  else if (v >= 1e3)
    {
      v /= 1e3;
      unit = "K";
    }
  if (v >= 100)
    return g_strdup_printf ("%.0f%s", v, unit);
  if (v >= 10)
    return g_strdup_printf ("%.1f%s", v, unit);
  return g_strdup_printf ("%.2f%s", v, unit);
}

static void
fill_catalog (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (catalog); i++)
    {
      g_autoptr(BenchGraph) graph = NULL;
      g_autoptr(GError) error = NULL;

      graph = bench_model_config_build (&catalog[i].config, NULL, &error);
      g_assert_no_error (error);
      catalog[i].info.n_parameters = bench_graph_get_n_parameters (graph);
      /* Interned: the catalog lives as long as the process. */
      {
        g_autofree char *label = bench_model_format_size (catalog[i].info.n_parameters);
        catalog[i].info.size_label = g_intern_string (label);
      }
    }
}

static void
ensure_catalog (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      fill_catalog ();
      g_once_init_leave (&initialised, 1);
    }
}

const BenchModelInfo *
bench_model_zoo_list (guint *n)
{
  static BenchModelInfo infos[G_N_ELEMENTS (catalog)];
  static gsize copied = 0;

  ensure_catalog ();
  if (g_once_init_enter (&copied))
    {
      for (guint i = 0; i < G_N_ELEMENTS (catalog); i++)
        infos[i] = catalog[i].info;
      g_once_init_leave (&copied, 1);
    }
  if (n != NULL)
    *n = G_N_ELEMENTS (catalog);
  return infos;
}

static Entry *
find_entry (const char *name)
{
  if (name == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (catalog); i++)
    if (g_strcmp0 (catalog[i].info.name, name) == 0 || g_strcmp0 (catalog[i].info.alias, name) == 0)
      return &catalog[i];
  return NULL;
}

const BenchModelInfo *
bench_model_zoo_lookup (const char *name)
{
  guint n;
  const BenchModelInfo *infos = bench_model_zoo_list (&n);
  Entry *e = find_entry (name);

  return e ? &infos[e - catalog] : NULL;
}

const BenchModelConfig *
bench_model_zoo_get_config (const char *name)
{
  Entry *e = find_entry (name);
  return e ? &e->config : NULL;
}

BenchGraph *
bench_model_zoo_build (const char               *name,
                       const BenchModelOptions  *opts,
                       GError                  **error)
{
  Entry *e = find_entry (name);

  if (e == NULL)
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < G_N_ELEMENTS (catalog); i++)
        g_string_append_printf (names, "%s%s", i ? ", " : "", catalog[i].info.name);
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_UNKNOWN_WORKLOAD,
                   "No model named “%s”; known models: %s (see “benchtop-cli models”)",
                   name ? name : "(null)", names->str);
      return NULL;
    }
  return bench_model_config_build (&e->config, opts, error);
}
