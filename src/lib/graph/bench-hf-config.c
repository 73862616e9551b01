/* bench-hf-config.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "bench-error.h"
#include "bench-hf-config.h"

typedef struct
{
  const char *path;
  JsonObject *obj;
  GError    **error;
  gboolean    failed;
} Reader;

/* An integer member; @fallback < 0 means required. Bounded so that a
 * malformed file cannot make us build an absurd graph. */
static gint
read_int (Reader     *r,
          const char *member,
          gint        fallback,
          gint        min,
          gint        max)
{
  JsonNode *node;
  gint64 v;

  if (r->failed)
    return 0;
  node = json_object_get_member (r->obj, member);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (fallback >= 0)
        return fallback;
      g_set_error (r->error, BENCH_ERROR, BENCH_ERROR_PARSE,
                   "%s: required field “%s” is missing", r->path, member);
      r->failed = TRUE;
      return 0;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (r->error, BENCH_ERROR, BENCH_ERROR_PARSE,
                   "%s: field “%s” must be an integer", r->path, member);
      r->failed = TRUE;
      return 0;
    }
  v = json_node_get_int (node);
  if (v < min || v > max)
    {
      g_set_error (r->error, BENCH_ERROR, BENCH_ERROR_PARSE,
                   "%s: field “%s” is %" G_GINT64_FORMAT ", expected %d to %d",
                   r->path, member, v, min, max);
      r->failed = TRUE;
      return 0;
    }
  return (gint)v;
}

static double
read_double (Reader     *r,
             const char *member,
             double      fallback)
{
  JsonNode *node;

  if (r->failed)
    return 0;
  node = json_object_get_member (r->obj, member);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return fallback;
  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_DOUBLE && json_node_get_value_type (node) != G_TYPE_INT64))
    {
      g_set_error (r->error, BENCH_ERROR, BENCH_ERROR_PARSE,
                   "%s: field “%s” must be a number", r->path, member);
      r->failed = TRUE;
      return 0;
    }
  return json_node_get_double (node);
}

static const char *
read_string (Reader     *r,
             const char *member,
             const char *fallback)
{
  JsonNode *node;

  if (r->failed)
    return fallback;
  node = json_object_get_member (r->obj, member);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return fallback;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (r->error, BENCH_ERROR, BENCH_ERROR_PARSE,
                   "%s: field “%s” must be a string", r->path, member);
      r->failed = TRUE;
      return fallback;
    }
  return json_node_get_string (node);
}

static gboolean
read_bool (Reader     *r,
           const char *member,
           gboolean    fallback)
{
  JsonNode *node;

  if (r->failed)
    return fallback;
  node = json_object_get_member (r->obj, member);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return fallback;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_set_error (r->error, BENCH_ERROR, BENCH_ERROR_PARSE,
                   "%s: field “%s” must be true or false", r->path, member);
      r->failed = TRUE;
      return fallback;
    }
  return json_node_get_boolean (node);
}

static gboolean
parse_act (Reader        *r,
           const char    *member,
           const char    *fallback,
           BenchModelAct *act)
{
  const char *name = read_string (r, member, fallback);

  if (r->failed)
    return FALSE;
  if (g_str_equal (name, "gelu"))
    *act = BENCH_MODEL_ACT_GELU;
  else if (g_str_equal (name, "gelu_new") || g_str_equal (name, "gelu_pytorch_tanh") || g_str_equal (name, "gelu_fast"))
    *act = BENCH_MODEL_ACT_GELU_TANH;
  else if (g_str_equal (name, "quick_gelu"))
    *act = BENCH_MODEL_ACT_QUICK_GELU;
  else if (g_str_equal (name, "relu"))
    *act = BENCH_MODEL_ACT_RELU;
  else if (g_str_equal (name, "silu") || g_str_equal (name, "swish"))
    *act = BENCH_MODEL_ACT_SILU;
  else
    {
      g_set_error (r->error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "%s: activation “%s” in field “%s” is not supported (gelu, gelu_new, quick_gelu, relu, silu are)",
                   r->path, name, member);
      r->failed = TRUE;
      return FALSE;
    }
  return TRUE;
}

#define BIG (1 << 20)

static void
parse_bert (Reader           *r,
            BenchModelConfig *cfg,
            gboolean          roberta)
{
  cfg->arch = roberta ? BENCH_MODEL_ARCH_ROBERTA : BENCH_MODEL_ARCH_BERT;
  cfg->vocab_size = read_int (r, "vocab_size", -1, 1, 1 << 24);
  cfg->hidden_size = read_int (r, "hidden_size", -1, 1, 65536);
  cfg->n_layers = read_int (r, "num_hidden_layers", -1, 1, 1024);
  cfg->n_heads = read_int (r, "num_attention_heads", -1, 1, 1024);
  cfg->intermediate_size = read_int (r, "intermediate_size", -1, 1, BIG);
  cfg->max_positions = read_int (r, "max_position_embeddings", 512, 1, BIG);
  cfg->type_vocab_size = read_int (r, "type_vocab_size", roberta ? 1 : 2, 1, 1024);
  cfg->eps = read_double (r, "layer_norm_eps", roberta ? 1e-5 : 1e-12);
  parse_act (r, "hidden_act", "gelu", &cfg->act);
  if (roberta)
    {
      /* positions start after the padding index */
      cfg->position_offset = read_int (r, "pad_token_id", 1, 0, 1024) + 1;
      if (!r->failed && cfg->max_positions <= cfg->position_offset)
        {
          g_set_error (r->error, BENCH_ERROR, BENCH_ERROR_PARSE,
                       "%s: max_position_embeddings %d leaves no positions after the padding offset %d",
                       r->path, cfg->max_positions, cfg->position_offset);
          r->failed = TRUE;
        }
      cfg->max_positions -= cfg->position_offset;
    }
  cfg->default_seq_len = MIN (128, cfg->max_positions);
}

static void
parse_gpt2 (Reader           *r,
            BenchModelConfig *cfg)
{
  cfg->arch = BENCH_MODEL_ARCH_GPT2;
  cfg->vocab_size = read_int (r, "vocab_size", 50257, 1, 1 << 24);
  cfg->hidden_size = read_int (r, "n_embd", 768, 1, 65536);
  cfg->n_layers = read_int (r, "n_layer", 12, 1, 1024);
  cfg->n_heads = read_int (r, "n_head", 12, 1, 1024);
  cfg->intermediate_size = read_int (r, "n_inner", 0, 0, BIG);
  if (cfg->intermediate_size == 0)
    cfg->intermediate_size = 4 * cfg->hidden_size;
  cfg->max_positions = read_int (r, "n_positions", 1024, 1, BIG);
  cfg->eps = read_double (r, "layer_norm_epsilon", 1e-5);
  parse_act (r, "activation_function", "gelu_new", &cfg->act);
  cfg->pre_norm = TRUE;
  cfg->tie_embeddings = TRUE;
  cfg->default_seq_len = MIN (128, cfg->max_positions);
}

static void
parse_opt (Reader           *r,
           BenchModelConfig *cfg)
{
  gint proj;

  cfg->arch = BENCH_MODEL_ARCH_OPT;
  cfg->vocab_size = read_int (r, "vocab_size", 50272, 1, 1 << 24);
  cfg->hidden_size = read_int (r, "hidden_size", 768, 1, 65536);
  cfg->n_layers = read_int (r, "num_hidden_layers", 12, 1, 1024);
  cfg->n_heads = read_int (r, "num_attention_heads", 12, 1, 1024);
  cfg->intermediate_size = read_int (r, "ffn_dim", 3072, 1, BIG);
  cfg->max_positions = read_int (r, "max_position_embeddings", 2048, 1, BIG);
  cfg->position_offset = 2;
  cfg->pre_norm = read_bool (r, "do_layer_norm_before", TRUE);
  cfg->eps = 1e-5;
  cfg->tie_embeddings = TRUE;
  parse_act (r, "activation_function", "relu", &cfg->act);
  proj = read_int (r, "word_embed_proj_dim", cfg->hidden_size, 1, 65536);
  if (!r->failed && proj != cfg->hidden_size)
    {
      g_set_error (r->error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "%s: word_embed_proj_dim %d differs from hidden_size %d (project_in/out, as in opt-350m), which is not supported",
                   r->path, proj, cfg->hidden_size);
      r->failed = TRUE;
    }
  cfg->default_seq_len = MIN (128, cfg->max_positions);
}

static gint
count_labels (Reader *r)
{
  JsonNode *node = json_object_get_member (r->obj, "id2label");

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    return MAX (1, (gint)json_object_get_size (json_node_get_object (node)));
  /* transformers' PretrainedConfig default */
  return read_int (r, "num_labels", 2, 1, BIG);
}

static void
parse_vit (Reader           *r,
           BenchModelConfig *cfg)
{
  cfg->arch = BENCH_MODEL_ARCH_VIT;
  cfg->hidden_size = read_int (r, "hidden_size", 768, 1, 65536);
  cfg->n_layers = read_int (r, "num_hidden_layers", 12, 1, 1024);
  cfg->n_heads = read_int (r, "num_attention_heads", 12, 1, 1024);
  cfg->intermediate_size = read_int (r, "intermediate_size", 3072, 1, BIG);
  cfg->image_size = read_int (r, "image_size", 224, 1, 65536);
  cfg->patch_size = read_int (r, "patch_size", 16, 1, 65536);
  cfg->num_channels = read_int (r, "num_channels", 3, 1, 1024);
  cfg->eps = read_double (r, "layer_norm_eps", 1e-12);
  parse_act (r, "hidden_act", "gelu", &cfg->act);
  cfg->num_labels = count_labels (r);
  cfg->pre_norm = TRUE;
  if (!r->failed && cfg->image_size % cfg->patch_size != 0)
    {
      g_set_error (r->error, BENCH_ERROR, BENCH_ERROR_PARSE,
                   "%s: image_size %d is not a multiple of patch_size %d",
                   r->path, cfg->image_size, cfg->patch_size);
      r->failed = TRUE;
    }
}

static void
parse_t5 (Reader           *r,
          BenchModelConfig *cfg)
{
  const char *ffn;

  cfg->arch = BENCH_MODEL_ARCH_T5;
  cfg->vocab_size = read_int (r, "vocab_size", 32128, 1, 1 << 24);
  cfg->hidden_size = read_int (r, "d_model", 512, 1, 65536);
  cfg->head_dim = read_int (r, "d_kv", 64, 1, 65536);
  cfg->intermediate_size = read_int (r, "d_ff", 2048, 1, BIG);
  cfg->n_layers = read_int (r, "num_layers", 6, 1, 1024);
  cfg->n_decoder_layers = read_int (r, "num_decoder_layers", cfg->n_layers, 1, 1024);
  cfg->n_heads = read_int (r, "num_heads", 8, 1, 1024);
  cfg->rel_buckets = read_int (r, "relative_attention_num_buckets", 32, 2, 65536);
  cfg->rel_max_distance = read_int (r, "relative_attention_max_distance", 128, 2, BIG);
  cfg->eps = read_double (r, "layer_norm_epsilon", 1e-6);
  cfg->tie_embeddings = read_bool (r, "tie_word_embeddings", TRUE);
  cfg->pre_norm = TRUE;
  cfg->default_seq_len = 128;
  ffn = read_string (r, "feed_forward_proj", "relu");
  if (r->failed)
    return;
  if (g_str_equal (ffn, "relu"))
    cfg->act = BENCH_MODEL_ACT_RELU;
  else if (g_str_equal (ffn, "gated-gelu"))
    {
      cfg->act = BENCH_MODEL_ACT_GELU_TANH;
      cfg->gated_ffn = TRUE;
    }
  else if (g_str_equal (ffn, "gated-relu"))
    {
      cfg->act = BENCH_MODEL_ACT_RELU;
      cfg->gated_ffn = TRUE;
    }
  else if (g_str_equal (ffn, "gated-silu"))
    {
      cfg->act = BENCH_MODEL_ACT_SILU;
      cfg->gated_ffn = TRUE;
    }
  else
    {
      g_set_error (r->error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "%s: feed_forward_proj “%s” is not supported (relu, gated-gelu, gated-relu, gated-silu are)",
                   r->path, ffn);
      r->failed = TRUE;
    }
}

static char *
model_name (const char *path,
            Reader     *r)
{
  const char *named = read_string (r, "_name_or_path", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;

  if (named != NULL && *named != '\0')
    return g_path_get_basename (named);
  /* .../bert-base-uncased/config.json -> bert-base-uncased */
  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  if (g_str_equal (base, "config.json") && !g_str_equal (dir, "."))
    return g_path_get_basename (dir);
  return g_steal_pointer (&base);
}

gboolean
bench_hf_config_load (const char        *path,
                      BenchModelConfig  *config,
                      GError           **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  BenchModelConfig cfg = { 0, };
  const char *model_type;
  JsonNode *root;
  Reader r = { path, NULL, error, FALSE };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (config != NULL, FALSE);

  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      gboolean missing = g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT);

      g_set_error (error, BENCH_ERROR, missing ? BENCH_ERROR_NOT_FOUND : BENCH_ERROR_PARSE,
                   "Cannot read model config %s: %s", path, local_error->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_PARSE,
                   "%s is not a model config: the top level must be a JSON object", path);
      return FALSE;
    }
  r.obj = json_node_get_object (root);

  model_type = read_string (&r, "model_type", NULL);
  if (r.failed)
    return FALSE;
  if (model_type == NULL)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_PARSE,
                   "%s: field “model_type” is missing; is this a Hugging Face config.json?", path);
      return FALSE;
    }

  if (g_str_equal (model_type, "bert"))
    parse_bert (&r, &cfg, FALSE);
  else if (g_str_equal (model_type, "roberta"))
    parse_bert (&r, &cfg, TRUE);
  else if (g_str_equal (model_type, "gpt2"))
    parse_gpt2 (&r, &cfg);
  else if (g_str_equal (model_type, "opt"))
    parse_opt (&r, &cfg);
  else if (g_str_equal (model_type, "vit"))
    parse_vit (&r, &cfg);
  else if (g_str_equal (model_type, "t5"))
    parse_t5 (&r, &cfg);
  else
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                   "%s: model_type “%s” is not supported; supported are bert, roberta, gpt2, opt, vit, t5",
                   path, model_type);
      return FALSE;
    }
  if (r.failed)
    return FALSE;

  if (cfg.head_dim == 0 && cfg.hidden_size % cfg.n_heads != 0)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_PARSE,
                   "%s: the hidden size %d is not divisible by the %d attention heads",
                   path, cfg.hidden_size, cfg.n_heads);
      return FALSE;
    }

  name = model_name (path, &r);
  g_strlcpy (cfg.name, name, sizeof cfg.name);
  *config = cfg;
  return TRUE;
}

BenchGraph *
bench_hf_config_build (const char               *path,
                       const BenchModelOptions  *opts,
                       GError                  **error)
{
  BenchModelConfig cfg;

  if (!bench_hf_config_load (path, &cfg, error))
    return NULL;
  return bench_model_config_build (&cfg, opts, error);
}
