/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-scale-bench"

#include "config.h"

#include <stdlib.h>

#include "augur-image.h"
#include "augur-strips.h"

/* augur_image_fit () of a seeded noise image, as the previewer brings a
 * full-resolution draw down to its display size; run it under callgrind
 * (or time it) to compare two builds:
 *
 *   augur-scale-bench [WIDTH HEIGHT SIDE REPEATS THREADS]
 *
 * defaults: a 6000×4000 RGB photograph to 512 pixels, once, one thread. */
int
main (int   argc,
      char *argv[])
{
  int width = argc > 1 ? atoi (argv[1]) : 6000;
  int height = argc > 2 ? atoi (argv[2]) : 4000;
  int side = argc > 3 ? atoi (argv[3]) : 512;
  int repeats = argc > 4 ? atoi (argv[4]) : 1;
  int threads = argc > 5 ? atoi (argv[5]) : 1;
  g_autoptr(AugurImage) image = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  guint64 checksum = 0;
  gint64 start;

  if (width <= 0 || height <= 0 || side <= 0 || repeats <= 0 || threads <= 0)
    {
      g_printerr ("usage: augur-scale-bench [WIDTH HEIGHT SIDE REPEATS THREADS]\n");
      return 2;
    }
  augur_strips_set_max_threads (threads);

  image = augur_image_new (width, height, 3);
  for (int y = 0; y < height; y++)
    {
      guint8 *row = augur_image_row (image, y);

      for (int i = 0; i < width * 3; i += 4)
        {
          guint32 r = g_rand_int (rand);

          for (int k = 0; k < 4 && i + k < width * 3; k++)
            row[i + k] = (guint8) (r >> (8 * k));
        }
    }

  start = g_get_monotonic_time ();
  for (int i = 0; i < repeats; i++)
    {
      g_autoptr(AugurImage) small = augur_image_fit (image, side);

      for (int y = 0; y < small->height; y++)
        for (int x = 0; x < small->width * small->channels; x++)
          checksum = checksum * 31 + augur_image_row (small, y)[x];
    }
  g_print ("%d×%d to %d: %.1f ms per scale, checksum %016" G_GINT64_MODIFIER "x\n",
           width, height, side,
           (g_get_monotonic_time () - start) / 1000.0 / repeats, checksum);

  return 0;
}
