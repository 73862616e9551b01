/* cli-common.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "cli-common.h"

void
bench_cli_error (const char *format,
                 ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "benchtop-cli: error: %s\n", message);
}

gboolean
bench_cli_parse (GOptionContext   *context,
                 int              *argc,
                 char           ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      bench_cli_error ("%s", error->message);
      fprintf (stderr, "Run “benchtop-cli %s --help” for the options.\n", (*argv)[0]);
      return FALSE;
    }

  return TRUE;
}

BenchStore *
bench_cli_open_store (const char  *db_path,
                      GError     **error)
{
  g_autofree char *path = NULL;

  if (db_path != NULL && *db_path != '\0')
    path = g_strdup (db_path);
  else
    path = bench_store_dup_default_path ();

  return bench_store_open (path, error);
}

char **
bench_cli_split_list (char **values)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (values[i], ",", -1);

      for (guint j = 0; parts[j] != NULL; j++)
        {
          g_strstrip (parts[j]);
          if (*parts[j] != '\0')
            g_strv_builder_add (builder, parts[j]);
        }
    }

  return g_strv_builder_end (builder);
}

void
bench_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
}

char *
bench_cli_format_ns (double ns)
{
  if (isnan (ns))
    return g_strdup ("-");
  if (ns >= 1e9)
    return g_strdup_printf ("%.3g s", ns / 1e9);
  if (ns >= 1e6)
    return g_strdup_printf ("%.3g ms", ns / 1e6);
  if (ns >= 1e3)
    return g_strdup_printf ("%.3g µs", ns / 1e3);
  return g_strdup_printf ("%.0f ns", ns);
}
