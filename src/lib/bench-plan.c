/* bench-plan.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <json-glib/json-glib.h>

#include "bench-error.h"
#include "bench-hf-config.h"
#include "bench-plan.h"
#include "bench-workload.h"

static const char *known_precisions[] = { "fp32", "fp16", "bf16", "int8" };

G_DEFINE_BOXED_TYPE (BenchConfig, bench_config, bench_config_copy, bench_config_free)

BenchConfig *
bench_config_copy (const BenchConfig *config)
{
  BenchConfig *copy;

  g_return_val_if_fail (config != NULL, NULL);

  copy = g_memdup2 (config, sizeof *config);
  copy->workload = g_strdup (config->workload);
  copy->device_id = g_strdup (config->device_id);
  copy->precision = g_strdup (config->precision);
  copy->mode = g_strdup (config->mode);
  copy->model_config = g_strdup (config->model_config);
  copy->weights = g_strdup (config->weights);

  return copy;
}

void
bench_config_free (BenchConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->workload);
  g_free (config->device_id);
  g_free (config->precision);
  g_free (config->mode);
  g_free (config->model_config);
  g_free (config->weights);
  g_free (config);
}

/**
 * bench_config_dup_label:
 *
 * Returns: (transfer full): a one-line description for progress and logs.
 */
char *
bench_config_dup_label (const BenchConfig *config)
{
  GString *str = g_string_new (NULL);

  g_string_append_printf (str, "%s on %s", config->workload, config->device_id);
  if (config->batch_size >= 0)
    g_string_append_printf (str, ", batch %d", config->batch_size);
  if (config->seq_len >= 0)
    g_string_append_printf (str, ", seq %d", config->seq_len);
  if (config->size >= 0)
    g_string_append_printf (str, ", size %" G_GINT64_FORMAT, config->size);
  if (config->n_layers > 0)
    g_string_append_printf (str, ", %d layers", config->n_layers);
  g_string_append_printf (str, " (%s)", config->precision);

  return g_string_free (str, FALSE);
}

/**
 * bench_config_dup_params_json:
 *
 * Returns: (transfer full): the workload parameters that apply, as a JSON
 *   object ("{}" when none).
 */
char *
bench_config_dup_params_json (const BenchConfig *config)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  if (config->size >= 0)
    {
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, config->size);
    }
  if (config->gen_tokens >= 0)
    {
      json_builder_set_member_name (builder, "gen_tokens");
      json_builder_add_int_value (builder, config->gen_tokens);
    }
  if (config->n_layers > 0)
    {
      json_builder_set_member_name (builder, "n_layers");
      json_builder_add_int_value (builder, config->n_layers);
    }
  if (config->input_size > 0)
    {
      json_builder_set_member_name (builder, "input_size");
      json_builder_add_int_value (builder, config->input_size);
    }
  if (config->model_config != NULL)
    {
      json_builder_set_member_name (builder, "model_config");
      json_builder_add_string_value (builder, config->model_config);
    }
  if (config->weights != NULL)
    {
      json_builder_set_member_name (builder, "weights");
      json_builder_add_string_value (builder, config->weights);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

struct _BenchPlan
{
  GObject    parent_instance;

  GPtrArray *workloads;
  GPtrArray *devices;
  GArray    *batch_sizes;
  GArray    *seq_lens;
  GPtrArray *precisions;
  char      *mode;
  gint       iterations;
  gint       warmup;
  double     min_time;
  double     max_time;
  gint64     gemm_size;
  gint64     stream_bytes;
  gint       gen_tokens;
  char      *model_config;
  char      *weights;
  gint       n_layers;
  gint       input_size;
};

G_DEFINE_FINAL_TYPE (BenchPlan, bench_plan, G_TYPE_OBJECT)

static void
bench_plan_finalize (GObject *object)
{
  BenchPlan *self = (BenchPlan *)object;

  g_clear_pointer (&self->workloads, g_ptr_array_unref);
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_pointer (&self->batch_sizes, g_array_unref);
  g_clear_pointer (&self->seq_lens, g_array_unref);
  g_clear_pointer (&self->precisions, g_ptr_array_unref);
  g_clear_pointer (&self->mode, g_free);
  g_clear_pointer (&self->model_config, g_free);
  g_clear_pointer (&self->weights, g_free);

  G_OBJECT_CLASS (bench_plan_parent_class)->finalize (object);
}

static void
bench_plan_class_init (BenchPlanClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bench_plan_finalize;
}

static void
bench_plan_init (BenchPlan *self)
{
  static const gint one = 1;
  static const gint seq = 128;

  self->workloads = g_ptr_array_new_with_free_func (g_free);
  self->devices = g_ptr_array_new_with_free_func (g_free);
  self->batch_sizes = g_array_new (FALSE, FALSE, sizeof (gint));
  self->seq_lens = g_array_new (FALSE, FALSE, sizeof (gint));
  self->precisions = g_ptr_array_new_with_free_func (g_free);
  g_array_append_val (self->batch_sizes, one);
  g_array_append_val (self->seq_lens, seq);
  g_ptr_array_add (self->precisions, g_strdup ("fp32"));
  self->mode = g_strdup ("inference");
  self->iterations = BENCH_PLAN_DEFAULT_ITERATIONS;
  self->warmup = BENCH_PLAN_DEFAULT_WARMUP;
  self->min_time = BENCH_PLAN_DEFAULT_MIN_TIME;
  self->max_time = 0;
  self->gemm_size = BENCH_PLAN_DEFAULT_GEMM_SIZE;
  self->stream_bytes = BENCH_PLAN_DEFAULT_BYTES;
  self->gen_tokens = BENCH_PLAN_DEFAULT_GEN_TOKENS;
}

BenchPlan *
bench_plan_new (void)
{
  return g_object_new (BENCH_TYPE_PLAN, NULL);
}

static void
add_unique (GPtrArray  *array,
            const char *value)
{
  for (guint i = 0; i < array->len; i++)
    if (g_str_equal (g_ptr_array_index (array, i), value))
      return;
  g_ptr_array_add (array, g_strdup (value));
}

void
bench_plan_add_workload (BenchPlan  *self,
                         const char *name)
{
  g_return_if_fail (BENCH_IS_PLAN (self));
  g_return_if_fail (name != NULL);
  add_unique (self->workloads, name);
}

void
bench_plan_add_device (BenchPlan  *self,
                       const char *device_id)
{
  g_return_if_fail (BENCH_IS_PLAN (self));
  g_return_if_fail (device_id != NULL);
  add_unique (self->devices, device_id);
}

static void
set_ints (GArray     *array,
          const gint *values,
          guint       n_values)
{
  g_array_set_size (array, 0);
  for (guint i = 0; i < n_values; i++)
    {
      gboolean seen = FALSE;

      for (guint j = 0; j < array->len; j++)
        seen |= g_array_index (array, gint, j) == values[i];
      if (!seen)
        g_array_append_val (array, values[i]);
    }
}

void
bench_plan_set_batch_sizes (BenchPlan  *self,
                            const gint *sizes,
                            guint       n_sizes)
{
  g_return_if_fail (BENCH_IS_PLAN (self));
  set_ints (self->batch_sizes, sizes, n_sizes);
}

void
bench_plan_set_seq_lens (BenchPlan  *self,
                         const gint *lens,
                         guint       n_lens)
{
  g_return_if_fail (BENCH_IS_PLAN (self));
  set_ints (self->seq_lens, lens, n_lens);
}

void
bench_plan_set_precisions (BenchPlan          *self,
                           const char * const *precisions)
{
  g_return_if_fail (BENCH_IS_PLAN (self));

  g_ptr_array_set_size (self->precisions, 0);
  for (guint i = 0; precisions != NULL && precisions[i] != NULL; i++)
    add_unique (self->precisions, precisions[i]);
}

void
bench_plan_set_mode (BenchPlan  *self,
                     const char *mode)
{
  g_return_if_fail (BENCH_IS_PLAN (self));
  g_free (self->mode);
  self->mode = g_strdup (mode);
}

void
bench_plan_set_iterations (BenchPlan *self,
                           gint       iterations)
{
  g_return_if_fail (BENCH_IS_PLAN (self));
  self->iterations = iterations;
}

void
bench_plan_set_warmup (BenchPlan *self,
                       gint       warmup)
{
  g_return_if_fail (BENCH_IS_PLAN (self));
  self->warmup = warmup;
}

void
bench_plan_set_min_time (BenchPlan *self,
                         double     seconds)
{
  g_return_if_fail (BENCH_IS_PLAN (self));
  self->min_time = seconds;
}

void
bench_plan_set_max_time (BenchPlan *self,
                         double     seconds)
{
  g_return_if_fail (BENCH_IS_PLAN (self));
  self->max_time = seconds;
}

void
bench_plan_set_gemm_size (BenchPlan *self,
                          gint64     n)
{
  g_return_if_fail (BENCH_IS_PLAN (self));
  self->gemm_size = n;
}

void
bench_plan_set_stream_bytes (BenchPlan *self,
                             gint64     bytes)
{
  g_return_if_fail (BENCH_IS_PLAN (self));
  self->stream_bytes = bytes;
}

void
bench_plan_set_gen_tokens (BenchPlan *self,
                           gint       tokens)
{
  g_return_if_fail (BENCH_IS_PLAN (self));
  self->gen_tokens = tokens;
}

void
bench_plan_set_model_config (BenchPlan  *self,
                             const char *path)
{
  g_return_if_fail (BENCH_IS_PLAN (self));
  g_free (self->model_config);
  self->model_config = g_strdup (path);
}

void
bench_plan_set_weights (BenchPlan  *self,
                        const char *path)
{
  g_return_if_fail (BENCH_IS_PLAN (self));
  g_free (self->weights);
  self->weights = g_strdup (path);
}

void
bench_plan_set_n_layers (BenchPlan *self,
                         gint       n_layers)
{
  g_return_if_fail (BENCH_IS_PLAN (self));
  self->n_layers = n_layers;
}

void
bench_plan_set_input_size (BenchPlan *self,
                           gint       input_size)
{
  g_return_if_fail (BENCH_IS_PLAN (self));
  self->input_size = input_size;
}

const char *
bench_plan_get_model_config (BenchPlan *self)
{
  g_return_val_if_fail (BENCH_IS_PLAN (self), NULL);
  return self->model_config;
}

const char *
bench_plan_get_weights (BenchPlan *self)
{
  g_return_val_if_fail (BENCH_IS_PLAN (self), NULL);
  return self->weights;
}

gint
bench_plan_get_n_layers (BenchPlan *self)
{
  g_return_val_if_fail (BENCH_IS_PLAN (self), 0);
  return self->n_layers;
}

gint
bench_plan_get_iterations (BenchPlan *self)
{
  g_return_val_if_fail (BENCH_IS_PLAN (self), 0);
  return self->iterations;
}

gint
bench_plan_get_warmup (BenchPlan *self)
{
  g_return_val_if_fail (BENCH_IS_PLAN (self), 0);
  return self->warmup;
}

double
bench_plan_get_min_time (BenchPlan *self)
{
  g_return_val_if_fail (BENCH_IS_PLAN (self), 0);
  return self->min_time;
}

const GPtrArray *
bench_plan_get_workloads (BenchPlan *self)
{
  g_return_val_if_fail (BENCH_IS_PLAN (self), NULL);
  return self->workloads;
}

const GPtrArray *
bench_plan_get_devices (BenchPlan *self)
{
  g_return_val_if_fail (BENCH_IS_PLAN (self), NULL);
  return self->devices;
}

static gboolean
invalid (GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT, message);

  return FALSE;
}

/**
 * bench_plan_validate:
 *
 * Checks everything that can be checked without devices: workload names,
 * precisions, sizes and the measurement policy. Device ids are checked by
 * the runner against the registry.
 */
gboolean
bench_plan_validate (BenchPlan  *self,
                     GError    **error)
{
  g_return_val_if_fail (BENCH_IS_PLAN (self), FALSE);

  if (self->workloads->len == 0 && self->model_config == NULL)
    return invalid (error, "No model given; choose one or more with --model");
  if (self->devices->len == 0)
    return invalid (error, "No device given; choose one or more with --device");

  for (guint i = 0; i < self->workloads->len; i++)
    {
      g_autoptr(BenchWorkload) workload = bench_workload_lookup (g_ptr_array_index (self->workloads, i), error);

      if (workload == NULL)
        return FALSE;
    }

  if (self->model_config != NULL)
    {
      BenchModelConfig model;

      if (!bench_hf_config_load (self->model_config, &model, error))
        return FALSE;
    }
  if (self->weights != NULL)
    {
      guint n_models = self->workloads->len + (self->model_config != NULL ? 1 : 0);

      if (!g_file_test (self->weights, G_FILE_TEST_IS_REGULAR))
        return invalid (error, "Weights file “%s” does not exist or is not a regular file", self->weights);
      if (n_models != 1)
        return invalid (error, "Weights file “%s” is for one model, but the plan has %u; "
                        "run one model (--model or --model-config) with --weights", self->weights, n_models);
      for (guint i = 0; i < self->workloads->len; i++)
        {
          g_autoptr(BenchWorkload) workload = bench_workload_lookup (g_ptr_array_index (self->workloads, i), NULL);

          if (g_str_equal (bench_workload_get_family (workload), "gemm") ||
              g_str_equal (bench_workload_get_category (workload), "micro"))
            return invalid (error, "Weights file “%s” given for %s, which is not a model",
                            self->weights, bench_workload_get_name (workload));
        }
    }
  if (self->n_layers < 0)
    return invalid (error, "The number of layers cannot be negative (%d); 0 runs every layer", self->n_layers);
  if (self->input_size < 0)
    return invalid (error, "The input size cannot be negative (%d); 0 is each model's default", self->input_size);

  if (self->precisions->len == 0)
    return invalid (error, "No precision given; valid precisions are fp32, fp16, bf16, int8");
  for (guint i = 0; i < self->precisions->len; i++)
    {
      const char *precision = g_ptr_array_index (self->precisions, i);
      gboolean known = FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (known_precisions); j++)
        known |= g_str_equal (precision, known_precisions[j]);
      if (!known)
        return invalid (error, "Unknown precision “%s”; valid precisions are fp32, fp16, bf16, int8", precision);
    }

  if (self->batch_sizes->len == 0)
    return invalid (error, "No batch size given");
  for (guint i = 0; i < self->batch_sizes->len; i++)
    if (g_array_index (self->batch_sizes, gint, i) < 1 || g_array_index (self->batch_sizes, gint, i) > 65536)
      return invalid (error, "Batch size %d is out of range (1 to 65536)", g_array_index (self->batch_sizes, gint, i));
  if (self->seq_lens->len == 0)
    return invalid (error, "No sequence length given");
  for (guint i = 0; i < self->seq_lens->len; i++)
    if (g_array_index (self->seq_lens, gint, i) < 1 || g_array_index (self->seq_lens, gint, i) > 1048576)
      return invalid (error, "Sequence length %d is out of range (1 to 1048576)", g_array_index (self->seq_lens, gint, i));

  if (self->iterations < 1)
    return invalid (error, "Iterations must be at least 1, not %d", self->iterations);
  if (self->warmup < 0)
    return invalid (error, "Warm-up iterations cannot be negative (%d)", self->warmup);
  if (!(self->min_time >= 0) || isinf (self->min_time))
    return invalid (error, "Minimum time must be a finite number of seconds >= 0");
  if (self->gemm_size < 1 || self->gemm_size > 65536)
    return invalid (error, "GEMM size %" G_GINT64_FORMAT " is out of range (1 to 65536)", self->gemm_size);
  if (self->stream_bytes < 4096)
    return invalid (error, "Array size %" G_GINT64_FORMAT " bytes is too small (at least 4096)", self->stream_bytes);
  if (self->gen_tokens < 1)
    return invalid (error, "Generated tokens must be at least 1, not %d", self->gen_tokens);

  return TRUE;
}

static BenchConfig *
new_config (BenchPlan     *self,
            BenchWorkload *workload,
            const char    *device_id,
            const char    *precision,
            gint           batch_size,
            gint           seq_len)
{
  BenchConfig *config = g_new0 (BenchConfig, 1);
  BenchWorkloadFlags flags = bench_workload_get_flags (workload);

  config->workload = g_strdup (bench_workload_get_name (workload));
  config->device_id = g_strdup (device_id);
  config->precision = g_strdup (precision);
  config->mode = g_strdup (self->mode);
  config->batch_size = batch_size;
  config->seq_len = seq_len;
  config->size = -1;
  if (flags & BENCH_WORKLOAD_USES_SIZE)
    config->size = self->gemm_size;
  else if (flags & BENCH_WORKLOAD_USES_BYTES)
    config->size = self->stream_bytes;
  config->gen_tokens = (flags & BENCH_WORKLOAD_GENERATES) ? self->gen_tokens : -1;
  config->iterations = self->iterations;
  config->warmup = self->warmup;
  config->min_time = self->min_time;
  config->max_time = self->max_time;
  if (!(flags & (BENCH_WORKLOAD_USES_SIZE | BENCH_WORKLOAD_USES_BYTES)) &&
      g_strcmp0 (bench_workload_get_category (workload), "micro") != 0)
    {
      config->n_layers = self->n_layers;
      config->input_size = self->input_size;
      config->weights = g_strdup (self->weights);
    }

  return config;
}

/* The workload a Hugging Face config.json describes, named after the
 * config (its _name_or_path, else its folder), with the flags of its
 * architecture. NULL when it does not load (bench_plan_validate() says why). */
static BenchWorkload *
custom_workload (const char *path)
{
  BenchModelConfig model;
  BenchWorkloadFlags flags = BENCH_WORKLOAD_USES_BATCH;
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  const char *family;
  BenchWorkload *workload;

  if (!bench_hf_config_load (path, &model, NULL))
    return NULL;

  switch (model.arch)
    {
    case BENCH_MODEL_ARCH_BERT: family = "bert"; break;
    case BENCH_MODEL_ARCH_ROBERTA: family = "roberta"; break;
    case BENCH_MODEL_ARCH_GPT2: family = "gpt2"; break;
    case BENCH_MODEL_ARCH_OPT: family = "opt"; break;
    case BENCH_MODEL_ARCH_VIT: family = "vit"; break;
    case BENCH_MODEL_ARCH_T5: family = "t5"; break;
    default: family = "custom"; break;
    }
  if (model.default_seq_len > 0)
    flags |= BENCH_WORKLOAD_USES_SEQ_LEN;
  if (model.arch == BENCH_MODEL_ARCH_GPT2 || model.arch == BENCH_MODEL_ARCH_OPT)
    flags |= BENCH_WORKLOAD_GENERATES;

  name = model.name[0] != '\0' ? g_strdup (model.name) : g_strdup_printf ("custom-%s", family);
  description = g_strdup_printf ("Custom %s model from %s", family, path);
  workload = bench_workload_new (name, family,
                                 model.arch == BENCH_MODEL_ARCH_VIT ? "vision" : "text",
                                 description, flags);
  return workload;
}

/**
 * bench_plan_expand:
 *
 * Dimensions a workload does not use (a GEMM has no batch or sequence
 * length) collapse to a single configuration with -1 there.
 *
 * Returns: (transfer container) (element-type BenchConfig): the matrix,
 *   devices outermost, then workloads, precisions, batch sizes and
 *   sequence lengths.
 */
GPtrArray *
bench_plan_expand (BenchPlan *self)
{
  GPtrArray *configs;
  static const gint none = -1;

  g_return_val_if_fail (BENCH_IS_PLAN (self), NULL);

  configs = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_config_free);

  for (guint d = 0; d < self->devices->len; d++)
    for (guint w = 0; w < self->workloads->len; w++)
      {
        g_autoptr(BenchWorkload) workload = bench_workload_lookup (g_ptr_array_index (self->workloads, w), NULL);
        BenchWorkloadFlags flags;
        const gint *batches = &none, *seqs = &none;
        guint n_batches = 1, n_seqs = 1;

        if (workload == NULL)
          continue;

        flags = bench_workload_get_flags (workload);
        if (flags & BENCH_WORKLOAD_USES_BATCH)
          {
            batches = (const gint *)(gpointer)self->batch_sizes->data;
            n_batches = self->batch_sizes->len;
          }
        if (flags & BENCH_WORKLOAD_USES_SEQ_LEN)
          {
            seqs = (const gint *)(gpointer)self->seq_lens->data;
            n_seqs = self->seq_lens->len;
          }

        for (guint p = 0; p < self->precisions->len; p++)
          for (guint b = 0; b < n_batches; b++)
            for (guint s = 0; s < n_seqs; s++)
              g_ptr_array_add (configs,
                               new_config (self, workload,
                                           g_ptr_array_index (self->devices, d),
                                           g_ptr_array_index (self->precisions, p),
                                           batches[b], seqs[s]));
      }

  /* The custom model, after the catalog's, on every device. */
  if (self->model_config != NULL)
    {
      g_autoptr(BenchWorkload) workload = custom_workload (self->model_config);

      for (guint d = 0; workload != NULL && d < self->devices->len; d++)
        for (guint p = 0; p < self->precisions->len; p++)
          for (guint b = 0; b < self->batch_sizes->len; b++)
            {
              gboolean uses_seq = bench_workload_get_flags (workload) & BENCH_WORKLOAD_USES_SEQ_LEN;
              guint n_seqs = uses_seq ? self->seq_lens->len : 1;

              for (guint s = 0; s < n_seqs; s++)
                {
                  BenchConfig *config = new_config (self, workload,
                                                    g_ptr_array_index (self->devices, d),
                                                    g_ptr_array_index (self->precisions, p),
                                                    g_array_index (self->batch_sizes, gint, b),
                                                    uses_seq ? g_array_index (self->seq_lens, gint, s) : -1);
                  config->model_config = g_strdup (self->model_config);
                  g_ptr_array_add (configs, config);
                }
            }
    }

  return configs;
}

static void
add_string_array (JsonBuilder *builder,
                  const char  *name,
                  GPtrArray   *array)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < array->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (array, i));
  json_builder_end_array (builder);
}

static void
add_int_array (JsonBuilder *builder,
               const char  *name,
               GArray      *array)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < array->len; i++)
    json_builder_add_int_value (builder, g_array_index (array, gint, i));
  json_builder_end_array (builder);
}

/**
 * bench_plan_to_json:
 *
 * Returns: (transfer full): the plan as a compact JSON object, kept with
 *   the run so that it can be repeated.
 */
char *
bench_plan_to_json (BenchPlan *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (BENCH_IS_PLAN (self), NULL);

  json_builder_begin_object (builder);
  add_string_array (builder, "models", self->workloads);
  add_string_array (builder, "devices", self->devices);
  add_int_array (builder, "batch_sizes", self->batch_sizes);
  add_int_array (builder, "seq_lens", self->seq_lens);
  add_string_array (builder, "precisions", self->precisions);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, self->mode);
  json_builder_set_member_name (builder, "iterations");
  json_builder_add_int_value (builder, self->iterations);
  json_builder_set_member_name (builder, "warmup");
  json_builder_add_int_value (builder, self->warmup);
  json_builder_set_member_name (builder, "min_time");
  json_builder_add_double_value (builder, self->min_time);
  json_builder_set_member_name (builder, "max_time");
  json_builder_add_double_value (builder, self->max_time);
  json_builder_set_member_name (builder, "gemm_size");
  json_builder_add_int_value (builder, self->gemm_size);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, self->stream_bytes);
  json_builder_set_member_name (builder, "gen_tokens");
  json_builder_add_int_value (builder, self->gen_tokens);
  if (self->model_config != NULL)
    {
      json_builder_set_member_name (builder, "model_config");
      json_builder_add_string_value (builder, self->model_config);
    }
  if (self->weights != NULL)
    {
      json_builder_set_member_name (builder, "weights");
      json_builder_add_string_value (builder, self->weights);
    }
  if (self->n_layers > 0)
    {
      json_builder_set_member_name (builder, "n_layers");
      json_builder_add_int_value (builder, self->n_layers);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}
