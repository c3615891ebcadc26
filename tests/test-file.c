/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "augur-file.h"

#include "augur-test-util.h"

/* An atomic write gives exactly the bytes written, whatever had the
 * temporary's name before. */

static char *
read_all (const char *path,
          gsize      *len)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_assert_true (g_file_get_contents (path, &data, len, &error));
  g_assert_no_error (error);
  return data;
}

/* A .part left by a killed run, longer than what is written now: GLib
 * 2.74's durable g_file_set_contents_full() reopened it without truncating,
 * so the old tail followed the new bytes. */
static void
test_stale_temporary (void)
{
  g_autofree char *dir = augur_test_make_tmp ("augur-file-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "out.png", NULL);
  g_autofree char *part = augur_file_temporary_path (path);
  g_autofree char *stale = g_strnfill (100000, 'S');
  g_autofree char *got = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_assert_true (g_str_has_prefix (part, dir));
  g_assert_true (g_file_set_contents (part, stale, -1, NULL));
  g_assert_true (augur_file_write_atomic (path, "fresh", 5, &error));
  g_assert_no_error (error);
  got = read_all (path, &len);
  g_assert_cmpmem (got, len, "fresh", 5);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  augur_test_rm_rf (dir);
}

/* A symbolic link of the temporary's name: neither followed nor written
 * through. */
static void
test_planted_link (void)
{
  g_autofree char *dir = augur_test_make_tmp ("augur-file-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "recipe.json", NULL);
  g_autofree char *victim = g_build_filename (dir, "victim", NULL);
  g_autofree char *part = augur_file_temporary_path (path);
  g_autofree char *got = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_assert_true (g_file_set_contents (victim, "untouched", -1, NULL));
  g_assert_cmpint (symlink (victim, part), ==, 0);
  g_assert_true (augur_file_write_atomic (path, "{}", 2, &error));
  g_assert_no_error (error);
  got = read_all (path, &len);
  g_assert_cmpmem (got, len, "{}", 2);
  g_free (got);
  got = read_all (victim, &len);
  g_assert_cmpmem (got, len, "untouched", 9);
  augur_test_rm_rf (dir);
}

/* A writer dropped before its commit leaves neither the temporary nor a
 * final file; the old final file stays as it was. */
static void
test_abandoned (void)
{
  g_autofree char *dir = augur_test_make_tmp ("augur-file-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "m.jsonl", NULL);
  g_autofree char *part = augur_file_temporary_path (path);
  g_autofree char *got = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  {
    g_autoptr(AugurFileWriter) writer = augur_file_writer_new (path, &error);

    g_assert_no_error (error);
    g_assert_true (augur_file_writer_write (writer, "half", 4, &error));
    g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));
  }
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  got = read_all (path, &len);
  g_assert_cmpmem (got, len, "old", 3);
  augur_test_rm_rf (dir);
}

/* A folder of the temporary's name cannot be removed: a clear error that
 * names it, and the final file is not touched. */
static void
test_blocked (void)
{
  g_autofree char *dir = augur_test_make_tmp ("augur-file-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "x.png", NULL);
  g_autofree char *part = augur_file_temporary_path (path);
  g_autofree char *inside = g_build_filename (part, "keep", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (part, 0755), ==, 0);
  g_assert_true (g_file_set_contents (inside, "x", -1, NULL));
  g_assert_false (augur_file_write_atomic (path, "data", 4, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, ".x.png.part"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  augur_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/file/stale-temporary", test_stale_temporary);
  g_test_add_func ("/file/planted-link", test_planted_link);
  g_test_add_func ("/file/abandoned", test_abandoned);
  g_test_add_func ("/file/blocked", test_blocked);

  return g_test_run ();
}
