/* cli-common.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the benchtop-cli subcommands. Each subcommand is a function
 * taking the arguments after its name (argv[0] is the subcommand name) and
 * returning the process exit status.
 */
#pragma once

#include <glib.h>

#include "bench.h"

G_BEGIN_DECLS

#define BENCH_CLI_EXIT_OK      0
#define BENCH_CLI_EXIT_FAILURE 1
#define BENCH_CLI_EXIT_USAGE   2

/* "benchtop-cli: error: MESSAGE" on stderr. */
void        bench_cli_error        (const char   *format,
                                    ...) G_GNUC_PRINTF (1, 2);
/* Parses @argv with @context; on a usage error prints it and returns FALSE. */
gboolean    bench_cli_parse        (GOptionContext *context,
                                    int          *argc,
                                    char       ***argv);
/* Opens --db PATH, else $BENCHTOP_DB, else the default path. */
BenchStore *bench_cli_open_store   (const char   *db_path,
                                    GError      **error);
/* Splits "a,b,c" (repeatable options are joined first); NULL-terminated. */
char      **bench_cli_split_list   (char        **values);
/* Prints @node as pretty JSON on stdout with a trailing newline. */
void        bench_cli_print_json   (JsonNode     *node);
/* Formats nanoseconds as "12.3 ms", "456 us"...; "-" for NAN. */
char       *bench_cli_format_ns    (double        ns);

int         bench_cli_devices      (int argc, char **argv);
int         bench_cli_models       (int argc, char **argv);
int         bench_cli_run          (int argc, char **argv);
int         bench_cli_list         (int argc, char **argv);
int         bench_cli_show         (int argc, char **argv);
int         bench_cli_export       (int argc, char **argv);
int         bench_cli_import       (int argc, char **argv);
int         bench_cli_delete       (int argc, char **argv);
int         bench_cli_chart        (int argc, char **argv);
int         bench_cli_characterize (int argc, char **argv);
int         bench_cli_compare      (int argc, char **argv);

G_END_DECLS
