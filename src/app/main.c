/* main.c: benchtop, the desktop app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-application.h"

/* Run from the build folder (tools/dev run), the schema is not installed:
 * use the one the build compiled beside this program (build/data). An
 * installed program has no such folder. This must happen before GSettings
 * reads its schema folders, which it does once. */
static void
find_uninstalled_schema (void)
{
  g_autofree char *exe = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *schema_dir = NULL;
  g_autofree char *compiled = NULL;
  const char *current = g_getenv ("GSETTINGS_SCHEMA_DIR");

  if ((exe = g_file_read_link ("/proc/self/exe", NULL)) == NULL)
    return;
  dir = g_path_get_dirname (exe);
  schema_dir = g_build_filename (dir, "..", "..", "data", NULL);
  compiled = g_build_filename (schema_dir, "gschemas.compiled", NULL);
  if (g_file_test (compiled, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *value = current != NULL && current[0] != '\0'
                               ? g_strjoin (G_SEARCHPATH_SEPARATOR_S, schema_dir, current, NULL)
                               : g_strdup (schema_dir);

      g_setenv ("GSETTINGS_SCHEMA_DIR", value, TRUE);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(BenchApplication) app = NULL;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  find_uninstalled_schema ();

  app = bench_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
