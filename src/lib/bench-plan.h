/* bench-plan.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * BenchConfig:
 *
 * One point of a plan's matrix, as handed to a backend. -1 means "does not
 * apply" for the integer fields.
 */
typedef struct
{
  char   *workload;
  char   *device_id;
  gint    batch_size;
  gint    seq_len;
  char   *precision;
  char   *mode;
  gint64  size;          /* GEMM M=N=K, or bytes per STREAM array */
  gint    gen_tokens;    /* decode steps for generating workloads */
  /* measurement policy, copied from the plan */
  gint    iterations;    /* minimum steady-state iterations */
  gint    warmup;
  double  min_time;      /* minimum steady-state seconds */
  double  max_time;      /* stop iterating past this many seconds (<= 0: none) */
  /* models */
  char   *model_config;  /* Hugging Face config.json the model is built from, or NULL */
  char   *weights;       /* .safetensors with the model's weights, or NULL (random) */
  gint    n_layers;      /* depth override, 0: all layers */
  gint    input_size;    /* image side, mel frames or audio samples; 0: the model's */
} BenchConfig;

#define BENCH_TYPE_CONFIG (bench_config_get_type ())

GType        bench_config_get_type    (void) G_GNUC_CONST;
BenchConfig *bench_config_copy        (const BenchConfig *config);
void         bench_config_free        (BenchConfig       *config);
char        *bench_config_dup_label   (const BenchConfig *config);
char        *bench_config_dup_params_json (const BenchConfig *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchConfig, bench_config_free)

#define BENCH_TYPE_PLAN (bench_plan_get_type ())

G_DECLARE_FINAL_TYPE (BenchPlan, bench_plan, BENCH, PLAN, GObject)

#define BENCH_PLAN_DEFAULT_ITERATIONS  10
#define BENCH_PLAN_DEFAULT_WARMUP      3
#define BENCH_PLAN_DEFAULT_MIN_TIME    1.0
#define BENCH_PLAN_DEFAULT_GEMM_SIZE   1024
#define BENCH_PLAN_DEFAULT_BYTES       (G_GINT64_CONSTANT (256) * 1024 * 1024)
#define BENCH_PLAN_DEFAULT_GEN_TOKENS  32

BenchPlan  *bench_plan_new             (void);
void        bench_plan_add_workload    (BenchPlan   *self,
                                        const char  *name);
void        bench_plan_add_device      (BenchPlan   *self,
                                        const char  *device_id);
void        bench_plan_set_batch_sizes (BenchPlan   *self,
                                        const gint  *sizes,
                                        guint        n_sizes);
void        bench_plan_set_seq_lens    (BenchPlan   *self,
                                        const gint  *lens,
                                        guint        n_lens);
void        bench_plan_set_precisions  (BenchPlan   *self,
                                        const char * const *precisions);
void        bench_plan_set_mode        (BenchPlan   *self,
                                        const char  *mode);
void        bench_plan_set_iterations  (BenchPlan   *self,
                                        gint         iterations);
void        bench_plan_set_warmup      (BenchPlan   *self,
                                        gint         warmup);
void        bench_plan_set_min_time    (BenchPlan   *self,
                                        double       seconds);
void        bench_plan_set_max_time    (BenchPlan   *self,
                                        double       seconds);
void        bench_plan_set_gemm_size   (BenchPlan   *self,
                                        gint64       n);
void        bench_plan_set_stream_bytes (BenchPlan  *self,
                                        gint64       bytes);
void        bench_plan_set_gen_tokens  (BenchPlan   *self,
                                        gint         tokens);
/* A custom model from a Hugging Face config.json, run in addition to the
 * plan's workloads; NULL clears it. */
void        bench_plan_set_model_config (BenchPlan  *self,
                                        const char  *path);
/* Real weights (.safetensors) for the plan's one model; NULL: random. */
void        bench_plan_set_weights     (BenchPlan   *self,
                                        const char  *path);
/* Depth override for models: 0 runs every layer. */
void        bench_plan_set_n_layers    (BenchPlan   *self,
                                        gint         n_layers);
/* Model input size (image side in pixels, mel frames, audio samples) for
 * the models that take one; 0: each model's default. */
void        bench_plan_set_input_size  (BenchPlan   *self,
                                        gint         input_size);
const char *bench_plan_get_model_config (BenchPlan  *self);
const char *bench_plan_get_weights     (BenchPlan   *self);
gint        bench_plan_get_n_layers    (BenchPlan   *self);
gint        bench_plan_get_iterations  (BenchPlan   *self);
gint        bench_plan_get_warmup      (BenchPlan   *self);
double      bench_plan_get_min_time    (BenchPlan   *self);
const GPtrArray *bench_plan_get_workloads (BenchPlan *self);
const GPtrArray *bench_plan_get_devices   (BenchPlan *self);

/* Checks names, precisions and ranges; the error lists the valid choices. */
gboolean    bench_plan_validate        (BenchPlan   *self,
                                        GError     **error);
/* The matrix, one BenchConfig per configuration, devices outermost. */
GPtrArray  *bench_plan_expand          (BenchPlan   *self);
char       *bench_plan_to_json         (BenchPlan   *self);

G_END_DECLS
