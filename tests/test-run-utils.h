/* test-run-utils.h: a temporary SQLite store and a blocking run of a plan
 * through the real runner, shared by the model tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib/gstdio.h>

#include "bench.h"
#include "bench-model-zoo.h"

typedef struct
{
  char          *dir;
  char          *db_path;
  BenchRegistry *registry;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("benchtop-test-XXXXXX", &error);
  g_assert_no_error (error);
  f->db_path = g_build_filename (f->dir, "history.db", NULL);
  f->registry = bench_registry_new ();
  g_assert_true (bench_registry_discover_sync (f->registry, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (f->dir, name, NULL);
      g_unlink (child);
    }
  g_rmdir (f->dir);
  g_clear_object (&f->registry);
  g_free (f->db_path);
  g_free (f->dir);
}

typedef struct
{
  GMainLoop *loop;
  BenchRun  *run;
  GError    *error;
} Waiter;

static void
on_done (GObject      *object,
         GAsyncResult *res,
         gpointer      data)
{
  Waiter *w = data;

  w->run = bench_runner_run_finish (BENCH_RUNNER (object), res, &w->error);
  g_main_loop_quit (w->loop);
}

static BenchRun *
run_plan (Fixture   *f,
          BenchPlan *plan)
{
  g_autoptr(BenchRunner) runner = bench_runner_new (f->registry);
  g_autoptr(GError) error = NULL;
  Waiter w = { 0 };

  g_assert_true (bench_plan_validate (plan, &error));
  g_assert_no_error (error);
  bench_runner_set_store_path (runner, f->db_path);
  w.loop = g_main_loop_new (NULL, FALSE);
  bench_runner_run_async (runner, plan, NULL, on_done, &w);
  g_main_loop_run (w.loop);
  g_main_loop_unref (w.loop);
  g_assert_no_error (w.error);
  g_assert_nonnull (w.run);
  return w.run;
}

/* The FLOPs of one iteration of a model at one layer, from graphs built
 * here: the forward graph, or the prefill and each of the gen_tokens - 1
 * decode steps, as the model executable counts them. */
static double
expected_model_flops (const BenchModelConfig *config,
                      gboolean                generates,
                      gint                    batch,
                      gint                    seq,
                      gint                    gen_tokens,
                      gint                    input_size)
{
  BenchModelOptions opts = { .batch = batch, .seq_len = seq, .n_layers = 1, .input_size = input_size };
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchGraph) graph = NULL;
  double flops;

  opts.mode = generates ? BENCH_MODEL_MODE_PREFILL : BENCH_MODEL_MODE_FORWARD;
  graph = bench_model_config_build (config, &opts, &error);
  g_assert_no_error (error);
  flops = bench_graph_get_totals (graph)->flops;
  for (gint t = 0; generates && t < gen_tokens - 1; t++)
    {
      g_autoptr(BenchGraph) step = NULL;

      opts.mode = BENCH_MODEL_MODE_DECODE;
      opts.past_len = seq + t;
      step = bench_model_config_build (config, &opts, &error);
      g_assert_no_error (error);
      flops += bench_graph_get_totals (step)->flops;
    }
  return flops;
}
