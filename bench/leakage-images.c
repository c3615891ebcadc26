/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-bench"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "augur-image.h"
#include "augur-scene.h"

/* Makes the images of the leakage benchmark: N seeded scenes (tests/
 * augur-scene.c) as JPEG files of 96 to 255 pixels a side, 4 in 5 under
 * DIR/train and 1 in 5 under DIR/val, 100 to a subfolder; every 100th
 * validation image is a mirrored, re-encoded copy of a training image, so
 * that the check has leaks to find (their number is printed).
 *
 *   augur-leakage-images DIR N */

static void
save_or_die (const AugurImage *image,
             const char       *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = g_path_get_dirname (path);

  if (g_mkdir_with_parents (parent, 0755) != 0 ||
      !augur_image_save (image, path, AUGUR_IMAGE_FORMAT_JPEG, 90, &error))
    {
      g_printerr ("augur-leakage-images: %s: %s\n", path, error ? error->message : g_strerror (errno));
      exit (1);
    }
}

int
main (int    argc,
      char **argv)
{
  guint64 n;
  guint planted = 0;

  if (argc != 3 || !g_ascii_string_to_unsigned (argv[2], 10, 1, 10000000, &n, NULL))
    {
      g_printerr ("Usage: augur-leakage-images DIR N\n");
      return 2;
    }

  for (guint i = 0; i < n; i++)
    {
      gboolean val = i % 5 == 4;
      guint seed = 100000 + i;
      g_autoptr(AugurImage) image = NULL;
      g_autofree char *path = g_strdup_printf ("%s/%s/%03u/%07u.jpg", argv[1], val ? "val" : "train",
                                               i / 100, i);

      if (val && i % 500 == 499)
        {
          /* A copy of training image i - 1 (same seed and size). */
          g_autoptr(AugurImage) original = augur_scene_image (seed - 1, 96 + (seed - 1) * 37 % 160,
                                                              96 + (seed - 1) * 53 % 160);

          image = augur_scene_mirror (original);
          planted++;
        }
      else
        image = augur_scene_image (seed, 96 + seed * 37 % 160, 96 + seed * 53 % 160);
      save_or_die (image, path);
    }
  printf ("%u planted\n", planted);
  return 0;
}
