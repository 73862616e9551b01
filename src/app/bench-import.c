/* bench-import.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "bench-import.h"
#include "bench-json.h"
#include "bench-store.h"

typedef struct
{
  GPtrArray *files;    /* GFile */
  char      *db_path;
} ImportData;

static void
import_data_free (ImportData *data)
{
  g_clear_pointer (&data->files, g_ptr_array_unref);
  g_clear_pointer (&data->db_path, g_free);
  g_free (data);
}

void
bench_import_outcome_free (BenchImportOutcome *outcome)
{
  if (outcome == NULL)
    return;
  g_free (outcome->display_name);
  g_free (outcome->error);
  g_free (outcome);
}

char *
bench_import_outcome_describe (const BenchImportOutcome *outcome)
{
  g_autofree char *runs = NULL;
  g_autofree char *results = NULL;

  g_return_val_if_fail (outcome != NULL, NULL);

  if (outcome->error != NULL)
    /* Translators: file name, then what is wrong with it */
    return g_strdup_printf (_("Could not import %s: %s"), outcome->display_name, outcome->error);

  if (outcome->n_runs == 0 && outcome->n_skipped > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u run from %s was already in the history",
                                         "%u runs from %s were already in the history",
                                         outcome->n_skipped),
                            outcome->n_skipped, outcome->display_name);

  runs = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u run", "%u runs", outcome->n_runs),
                          outcome->n_runs);
  results = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u result", "%u results",
                                          outcome->n_results),
                             outcome->n_results);
  if (outcome->n_skipped > 0)
    /* Translators: "2 runs, 48 results from FILE (1 already stored)" */
    return g_strdup_printf (_("%s, %s from %s (%u already stored)"),
                            runs, results, outcome->display_name, outcome->n_skipped);

  /* Translators: "2 runs, 48 results from FILE" */
  return g_strdup_printf (_("%s, %s from %s"), runs, results, outcome->display_name);
}

static char *
file_display_name (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);

  if (path != NULL)
    return g_filename_display_basename (path);
  return g_file_get_parse_name (file);
}

static void
import_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportData *data = task_data;
  g_autoptr(GPtrArray) outcomes = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_import_outcome_free);
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(GError) store_error = NULL;

  for (guint i = 0; i < data->files->len; i++)
    {
      GFile *file = g_ptr_array_index (data->files, i);
      BenchImportOutcome *outcome = g_new0 (BenchImportOutcome, 1);
      g_autoptr(GPtrArray) runs = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_file_get_path (file);

      outcome->display_name = file_display_name (file);
      g_ptr_array_add (outcomes, outcome);

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        {
          outcome->error = g_strdup (error->message);
          continue;
        }

      if (path == NULL)
        {
          outcome->error = g_strdup (_("only local files can be imported"));
          continue;
        }

      if (!(runs = bench_json_read_file (path, &error)))
        {
          const char *problem = error->message;

          /* The message starts with the path; the toast names the file. */
          if (g_str_has_prefix (problem, path) && problem[strlen (path)] == ':')
            problem += strlen (path) + 1;
          while (*problem == ' ')
            problem++;
          outcome->error = g_strdup (problem);
          continue;
        }

      /* The store opens once, for the first good file. */
      if (store == NULL && store_error == NULL)
        store = bench_store_open (data->db_path, &store_error);
      if (store == NULL)
        {
          outcome->error = g_strdup (store_error->message);
          continue;
        }

      if (!bench_store_import_runs (store, runs, &outcome->n_runs, &outcome->n_skipped, &error))
        {
          outcome->error = g_strdup (error->message);
          outcome->n_runs = outcome->n_skipped = 0;
          continue;
        }

      for (guint j = 0; j < runs->len; j++)
        {
          BenchRun *run = g_ptr_array_index (runs, j);

          /* Skipped runs keep id -1 and add nothing. */
          if (run->id >= 0 && run->results != NULL)
            outcome->n_results += run->results->len;
        }
    }

  g_task_return_pointer (task, g_steal_pointer (&outcomes), (GDestroyNotify) g_ptr_array_unref);
}

void
bench_import_files_async (GFile              **files,
                          guint                n_files,
                          const char          *db_path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ImportData *data;

  g_return_if_fail (files != NULL || n_files == 0);
  g_return_if_fail (db_path != NULL);

  data = g_new0 (ImportData, 1);
  data->files = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (data->files, g_object_ref (files[i]));
  data->db_path = g_strdup (db_path);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, bench_import_files_async);
  g_task_set_task_data (task, data, (GDestroyNotify) import_data_free);
  g_task_run_in_thread (task, import_worker);
}

GPtrArray *
bench_import_files_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
