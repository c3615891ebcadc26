/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-fuzz"

#include "config.h"

#include <stdlib.h>

#include <glib/gstdio.h>

#include "augur-runner.h"

#include "fuzz-target.h"

/* The manifest reader: the bytes are a manifest file given to
 * --replay; its header is read, then every line, in a replay run (with
 * one thread) into a scratch folder. Lines that are malformed fail alone;
 * nothing may crash, hang or write outside the scratch folder. */

static char *scratch;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
remove_scratch (void)
{
  remove_tree (scratch);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(AugurRunner) runner = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *out = NULL;

  if (scratch == NULL)
    {
      scratch = g_dir_make_tmp ("augur-fuzz-manifest-XXXXXX", NULL);
      g_assert_nonnull (scratch);
      atexit (remove_scratch);
    }
  manifest = g_build_filename (scratch, "manifest.jsonl", NULL);
  out = g_build_filename (scratch, "out", NULL);
  g_assert_true (g_file_set_contents (manifest, (const char *) data, (gssize) size, NULL));

  runner = augur_runner_new_replay (manifest, &error);
  if (runner != NULL)
    {
      g_autofree char *written = g_build_filename (out, "replayed.jsonl", NULL);

      augur_runner_set_threads (runner, 1);
      augur_runner_set_max_pixels (runner, 1 << 20);
      augur_runner_set_manifest (runner, written);
      augur_runner_run (runner, out, NULL, NULL);
    }
  else
    g_assert_nonnull (error);

  remove_tree (out);
  g_unlink (manifest);
  return 0;
}
