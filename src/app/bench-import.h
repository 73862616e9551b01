/* bench-import.h: importing result files into the history, off the main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What came of one file. */
typedef struct
{
  char   *display_name;  /* the file's name, for messages */
  char   *error;         /* NULL on success; the problem otherwise */
  guint   n_runs;        /* runs imported */
  guint   n_skipped;     /* runs already stored */
  guint   n_results;     /* results in the imported runs */
} BenchImportOutcome;

void       bench_import_outcome_free   (BenchImportOutcome *outcome);
/* "2 runs, 48 results from FILE" or "Could not import FILE: problem". */
char      *bench_import_outcome_describe (const BenchImportOutcome *outcome);

/* Reads each file and imports its runs into the store at @db_path. Each
 * file is all or nothing; a bad file does not stop the others. Returns a
 * GPtrArray of BenchImportOutcome, one per file in order. */
void       bench_import_files_async    (GFile              **files,
                                        guint                n_files,
                                        const char          *db_path,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
GPtrArray *bench_import_files_finish   (GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
