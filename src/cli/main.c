/* main.c: benchtop-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "cli-common.h"

typedef struct
{
  const char *name;
  int       (*func) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "devices", bench_cli_devices, "List the compute devices and their properties" },
  { "models", bench_cli_models, "List the workloads: micro-benchmarks and models" },
  { "characterize", bench_cli_characterize, "Measure devices' peak FLOP/s and bandwidth (roofline ceilings)" },
  { "run", bench_cli_run, "Benchmark models on devices and store the results" },
  { "list", bench_cli_list, "List the stored runs" },
  { "show", bench_cli_show, "Show one run with its results" },
  { "export", bench_cli_export, "Export runs to the native JSON format" },
  { "import", bench_cli_import, "Import JSON result files" },
  { "delete", bench_cli_delete, "Delete a run" },
  { "compare", bench_cli_compare, "Compare two runs: regressions with confidence intervals" },
  { "chart", bench_cli_chart, "Draw a chart of stored results to PNG, SVG or PDF" },
};

static void
print_usage (FILE *stream)
{
  fprintf (stream,
           "Usage: benchtop-cli COMMAND [OPTIONS...]\n"
           "\n"
           "Benchmark machine-learning workloads on every compute device and keep\n"
           "the history in SQLite.\n"
           "\n"
           "Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-13s %s\n", commands[i].name, commands[i].summary);
  fprintf (stream,
           "\n"
           "Every command takes --db PATH (default: $BENCHTOP_DB, else\n"
           "$XDG_DATA_HOME/benchtop/benchtop.db) and --help.\n");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("benchtop-cli");

  if (argc < 2)
    {
      print_usage (stderr);
      return BENCH_CLI_EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return BENCH_CLI_EXIT_OK;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      printf ("benchtop-cli %s\n", PACKAGE_VERSION);
      return BENCH_CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].func (argc - 1, argv + 1);

  bench_cli_error ("unknown command “%s”; run “benchtop-cli --help” for the list", argv[1]);
  return BENCH_CLI_EXIT_USAGE;
}
