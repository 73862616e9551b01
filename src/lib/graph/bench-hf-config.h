/* bench-hf-config.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Custom models from a Hugging Face config.json (model_type bert, roberta,
 * gpt2, opt, vit, t5): the architecture is built with the zoo's builders.
 */
#pragma once

#include "bench-model-zoo.h"

G_BEGIN_DECLS

gboolean    bench_hf_config_load  (const char               *path,
                                   BenchModelConfig         *config,
                                   GError                  **error);
BenchGraph *bench_hf_config_build (const char               *path,
                                   const BenchModelOptions  *opts,
                                   GError                  **error);

G_END_DECLS
