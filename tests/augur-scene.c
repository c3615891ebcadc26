/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-scene.h"

/* A seeded scene with varied content: a colour gradient, a sine grating
 * of random angle and frequency, 3 to 7 rectangles and ellipses, and a
 * little noise. The generator the thresholds were measured with
 * (docs/benchmarks.md, "Leakage check"), shared by test-leakage and
 * the leakage benchmark's image maker. */
AugurImage *
augur_scene_image (guint seed,
                   int   width,
                   int   height)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  AugurImage *image = augur_image_new (width, height, 3);
  double base[3], gx[3], gy[3], grating[3], shapes[8][8];
  double angle, frequency, fx, fy, phase;
  int n_shapes = g_rand_int_range (rand, 3, 8);

  for (int c = 0; c < 3; c++)
    {
      base[c] = g_rand_double_range (rand, 70, 185);
      gx[c] = g_rand_double_range (rand, -50, 50);
      gy[c] = g_rand_double_range (rand, -50, 50);
      grating[c] = g_rand_double_range (rand, 0, 25);
    }
  angle = g_rand_double_range (rand, 0, G_PI);
  frequency = g_rand_double_range (rand, 1, 8);
  fx = cos (angle) * frequency * 2 * G_PI;
  fy = sin (angle) * frequency * 2 * G_PI;
  phase = g_rand_double_range (rand, 0, 6.3);
  for (int i = 0; i < n_shapes; i++)
    {
      shapes[i][0] = g_rand_double (rand);  /* centre */
      shapes[i][1] = g_rand_double (rand);
      shapes[i][2] = g_rand_double_range (rand, 0.05, 0.3);  /* half sizes */
      shapes[i][3] = g_rand_double_range (rand, 0.05, 0.3);
      for (int c = 0; c < 3; c++)
        shapes[i][4 + c] = g_rand_double_range (rand, -70, 70);
      shapes[i][7] = g_rand_int_range (rand, 0, 2);  /* 1: ellipse */
    }

  for (int y = 0; y < height; y++)
    {
      guint8 *row = augur_image_row (image, y);

      for (int x = 0; x < width; x++)
        {
          double u = (x + 0.5) / width, v = (y + 0.5) / height;
          double wave = sin (fx * u + fy * v + phase);

          for (int c = 0; c < 3; c++)
            {
              double value = base[c] + gx[c] * (u - 0.5) + gy[c] * (v - 0.5) + grating[c] * wave;

              for (int i = 0; i < n_shapes; i++)
                {
                  double du = (u - shapes[i][0]) / shapes[i][2], dv = (v - shapes[i][1]) / shapes[i][3];
                  gboolean inside = shapes[i][7] > 0.5 ? du * du + dv * dv < 1 : fabs (du) < 1 && fabs (dv) < 1;

                  if (inside)
                    value += shapes[i][4 + c];
                }
              value += g_rand_double_range (rand, -6, 6);
              row[x * 3 + c] = (guint8) CLAMP ((int) value, 0, 255);
            }
        }
    }
  return image;
}

/* @src mirrored left-right. */
AugurImage *
augur_scene_mirror (const AugurImage *src)
{
  AugurImage *out = augur_image_new (src->width, src->height, src->channels);

  for (int y = 0; y < src->height; y++)
    for (int x = 0; x < src->width; x++)
      memcpy (augur_image_row (out, y) + x * src->channels,
              augur_image_row (src, y) + (src->width - 1 - x) * src->channels, src->channels);
  return out;
}
