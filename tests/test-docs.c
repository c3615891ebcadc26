/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-docs"

#include "config.h"

#include <string.h>

#include "augur-test-util.h"

/*
 * Generated documentation is checked in, and must be what the program
 * generates now: each file below is compared byte for byte with the output
 * of its augur-cli command, so that a change to the transform table that
 * forgets `make docs` fails here. A new generated document is one more
 * line in this table (and its command in the Makefile's docs target).
 */
typedef struct
{
  const char *args[4];   /* augur-cli's arguments, NULL-terminated */
  const char *file;      /* relative to the source tree */
} GeneratedDoc;

static const GeneratedDoc generated_docs[] = {
  { { "describe", "--markdown", NULL }, "docs/transforms.md" },
};

static char *cli_path;

/* The first line (counted from 1) where @a and @b part, or 0 if they are
 * the same bytes. */
static guint
first_difference (const char *a,
                  gsize       a_len,
                  const char *b,
                  gsize       b_len,
                  char      **a_line,
                  char      **b_line)
{
  gsize i = 0, start = 0;
  guint line = 1;

  if (a_len == b_len && memcmp (a, b, a_len) == 0)
    return 0;
  while (i < a_len && i < b_len && a[i] == b[i])
    {
      if (a[i] == '\n')
        {
          line++;
          start = i + 1;
        }
      i++;
    }
  *a_line = g_strndup (a + start, strcspn (a + start, "\n"));
  *b_line = g_strndup (b + start, strcspn (b + start, "\n"));
  return line;
}

static void
test_generated (gconstpointer data)
{
  const GeneratedDoc *doc = data;
  const char *source = g_getenv ("AUGUR_SOURCE_DIR");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *generated = NULL;
  g_autofree char *errors = NULL;
  g_autofree char *checked_in = NULL;
  g_autofree char *want_line = NULL;
  g_autofree char *have_line = NULL;
  g_autofree char *command = NULL;
  gsize checked_in_len;
  int status;
  guint line;

  if (source == NULL)
    {
      g_test_skip ("AUGUR_SOURCE_DIR is not set");
      return;
    }
  path = g_build_filename (source, doc->file, NULL);

  g_ptr_array_add (argv, cli_path);
  for (guint i = 0; doc->args[i]; i++)
    g_ptr_array_add (argv, (char *) doc->args[i]);
  g_ptr_array_add (argv, NULL);
  command = g_strjoinv (" ", (char **) argv->pdata);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &generated, &errors, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s: %s\n%s", command, error->message, errors);
  g_assert_cmpuint (strlen (generated), >, 0);

  if (!g_file_get_contents (path, &checked_in, &checked_in_len, &error))
    g_error ("%s: %s; run `make docs` to generate it", doc->file, error->message);

  line = first_difference (checked_in, checked_in_len, generated, strlen (generated),
                           &have_line, &want_line);
  if (line > 0)
    {
      g_test_message ("%s is stale: it differs from what `%s` writes now, first at line %u:\n"
                      "  in the file: %s\n"
                      "  generated:   %s\n"
                      "Run `make docs` and commit the result.",
                      doc->file, command, line, have_line, want_line);
      g_test_fail ();
    }
}

/* The comparison itself: the same text passes, and a change anywhere,
 * even a missing final newline, is found on its line. */
static void
test_first_difference (void)
{
  const char *text = "# Title\n\nline three\n";
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  g_assert_cmpuint (first_difference (text, strlen (text), text, strlen (text), &a, &b), ==, 0);
  g_assert_cmpuint (first_difference (text, strlen (text), "# Title\n\nline 3\n", 16, &a, &b), ==, 3);
  g_assert_cmpstr (a, ==, "line three");
  g_assert_cmpstr (b, ==, "line 3");
  g_clear_pointer (&a, g_free);
  g_clear_pointer (&b, g_free);
  g_assert_cmpuint (first_difference (text, strlen (text), text, strlen (text) - 1, &a, &b), ==, 3);
  g_clear_pointer (&a, g_free);
  g_clear_pointer (&b, g_free);
  g_assert_cmpuint (first_difference ("", 0, text, strlen (text), &a, &b), ==, 1);
  g_assert_cmpstr (a, ==, "");
  g_assert_cmpstr (b, ==, "# Title");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  cli_path = augur_test_cli_path (argc, argv);

  g_test_add_func ("/docs/first-difference", test_first_difference);
  for (guint i = 0; i < G_N_ELEMENTS (generated_docs); i++)
    {
      g_autofree char *base = g_path_get_basename (generated_docs[i].file);
      g_autofree char *name = g_strdup_printf ("/docs/generated/%s", base);

      g_test_add_data_func (name, &generated_docs[i], test_generated);
    }

  return g_test_run ();
}
