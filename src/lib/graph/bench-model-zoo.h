/* bench-model-zoo.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model catalog: each architecture built as a BenchGraph from its
 * published configuration, with HF tensor names so real weights can be
 * loaded from safetensors. See docs/models.md.
 */
#pragma once

#include "bench-graph.h"

G_BEGIN_DECLS

typedef enum
{
  BENCH_MODEL_MODE_FORWARD,   /* one forward pass over seq_len tokens (all logits) */
  BENCH_MODEL_MODE_PREFILL,   /* generation: the prompt; outputs last-token logits + KV cache */
  BENCH_MODEL_MODE_DECODE,    /* generation: one token with a KV cache of past_len */
} BenchModelMode;

typedef struct
{
  gint           batch;       /* 0: 1 */
  gint           seq_len;     /* 0: the model's default; text tokens, or decoder tokens */
  gint           n_layers;    /* 0: all; else the depth of each stack (ResNet: blocks per stage) */
  gint           input_size;  /* 0: default; image side (px), mel frames, or audio samples */
  BenchModelMode mode;
  gint           past_len;    /* DECODE: tokens already cached (0: seq_len) */
} BenchModelOptions;

typedef enum
{
  BENCH_MODEL_ARCH_BERT,
  BENCH_MODEL_ARCH_ROBERTA,
  BENCH_MODEL_ARCH_GPT2,
  BENCH_MODEL_ARCH_OPT,
  BENCH_MODEL_ARCH_T5,
  BENCH_MODEL_ARCH_BART,
  BENCH_MODEL_ARCH_VIT,
  BENCH_MODEL_ARCH_RESNET,
  BENCH_MODEL_ARCH_WHISPER,
  BENCH_MODEL_ARCH_WAV2VEC2,
  BENCH_MODEL_ARCH_CLIP,
} BenchModelArch;

typedef enum
{
  BENCH_MODEL_ACT_GELU,        /* erf */
  BENCH_MODEL_ACT_GELU_TANH,   /* gelu_new */
  BENCH_MODEL_ACT_QUICK_GELU,
  BENCH_MODEL_ACT_RELU,
  BENCH_MODEL_ACT_SILU,
} BenchModelAct;

/* An architecture's hyper-parameters: the catalog's presets, or what a
 * Hugging Face config.json says (bench-hf-config.h). */
typedef struct
{
  BenchModelArch arch;
  char           name[64];
  gint           vocab_size;
  gint           hidden_size;
  gint           n_layers;          /* encoder (or only) stack */
  gint           n_decoder_layers;  /* encoder-decoders */
  gint           n_heads;
  gint           head_dim;          /* 0: hidden_size / n_heads */
  gint           intermediate_size;
  gint           max_positions;
  gint           type_vocab_size;
  gint           position_offset;   /* RoBERTa, OPT, BART: learned positions start at 2 */
  BenchModelAct  act;
  double         eps;
  gboolean       pre_norm;
  gboolean       tie_embeddings;
  gboolean       gated_ffn;         /* T5 v1.1 "gated-gelu" */
  gint           rel_buckets;
  gint           rel_max_distance;
  gint           image_size;
  gint           patch_size;
  gint           num_channels;
  gint           num_labels;
  gint           n_mels;
  gint           source_positions;  /* Whisper encoder positions */
  gint           audio_samples;     /* wav2vec2 default input */
  gint           v_hidden_size;     /* CLIP vision tower */
  gint           v_n_layers;
  gint           v_n_heads;
  gint           v_intermediate_size;
  gint           projection_dim;
  gint           stages[4];         /* ResNet bottleneck blocks per stage */
  gint           default_seq_len;
} BenchModelConfig;

typedef struct
{
  const char *name;
  const char *alias;          /* nullable */
  const char *family;         /* "bert", "gpt2", ... */
  const char *category;       /* text, vision, audio, multimodal */
  const char *hf_id;          /* the Hugging Face model it reproduces */
  const char *description;
  gint64      n_parameters;   /* counted from the built graph */
  const char *size_label;     /* "109M" */
  gint        default_seq_len;/* 0 when sequence length does not apply */
  gboolean    generates;      /* prefill + decode steps */
} BenchModelInfo;

const BenchModelInfo   *bench_model_zoo_list        (guint                    *n);
/* By name or alias; NULL if unknown. */
const BenchModelInfo   *bench_model_zoo_lookup      (const char               *name);
const BenchModelConfig *bench_model_zoo_get_config  (const char               *name);
BenchGraph             *bench_model_zoo_build       (const char               *name,
                                                     const BenchModelOptions  *opts,
                                                     GError                  **error);
/* Builds (and seals) the architecture described by @config. */
BenchGraph             *bench_model_config_build    (const BenchModelConfig   *config,
                                                     const BenchModelOptions  *opts,
                                                     GError                  **error);
/* "109M", "4.39M", "1.2B" (3 significant figures). */
char                   *bench_model_format_size     (gint64                    n_parameters);

G_END_DECLS
