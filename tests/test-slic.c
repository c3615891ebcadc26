/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-slic"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-image.h"
#include "augur-slic.h"
#include "augur-test-util.h"

/*
 * Superpixels' SLIC (augur_slic_labels(): channel planes, a table of
 * spatial terms, vector rows) against the straightforward computation,
 * one pixel at a time, as Albumentations 2.0.8's slic() states it: the
 * labels must be the same, pixel for pixel.
 */
static void
reference_slic (const AugurImage *img,
                int               n_segments,
                int              *labels,
                int              *n_centres)
{
  int w = img->width, h = img->height, nc = img->channels, cc = nc == 4 ? 3 : nc;
  int step = MAX ((int) sqrt ((double) w * h / n_segments), 1), maxv = 0;
  g_autoptr(GArray) cx = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) cy = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree float *dist = g_new (float, (gsize) w * h);
  float scale;

  for (int y = step / 2; y < h; y += step)
    for (int x = step / 2; x < w; x += step)
      {
        g_array_append_val (cx, x);
        g_array_append_val (cy, y);
      }
  *n_centres = (int) cx->len;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < cc; c++)
        maxv = MAX (maxv, augur_test_pixel (img, x, y, c));
  scale = 1.0f / ((float) maxv + 1e-6f);
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      labels[i] = -1;
      dist[i] = G_MAXFLOAT;
    }

  for (int round = 0; round < 10; round++)
    {
      for (guint i = 0; i < cx->len; i++)
        {
          int px = g_array_index (cx, int, i), py = g_array_index (cy, int, i);

          for (int y = MAX (py - step, 0); y < MIN (h, py + step + 1); y++)
            for (int x = MAX (px - step, 0); x < MIN (w, px + step + 1); x++)
              {
                float colour = 0, space, d;

                for (int c = 0; c < cc; c++)
                  {
                    float diff = (augur_test_pixel (img, x, y, c) - augur_test_pixel (img, px, py, c)) * scale;

                    colour += diff * diff;
                  }
                space = (float) ((y - py) * (y - py) + (x - px) * (x - px)) / (float) (step * step);
                d = colour + 10.0f * space;
                if (d < dist[(gsize) y * w + x])
                  {
                    dist[(gsize) y * w + x] = d;
                    labels[(gsize) y * w + x] = (int) i;
                  }
              }
        }

      /* Each centre to the mean position of its pixels, truncated. */
      for (guint i = 0; i < cx->len; i++)
        {
          double sx = 0, sy = 0, count = 0;

          for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
              if (labels[(gsize) y * w + x] == (int) i)
                {
                  sx += x;
                  sy += y;
                  count++;
                }
          if (count > 0)
            {
              g_array_index (cx, int, i) = (int) (sx / count);
              g_array_index (cy, int, i) = (int) (sy / count);
            }
        }
    }
}

typedef struct
{
  int w, h, nc, n_segments;
  guint64 seed;
} SlicCase;

static const SlicCase slic_cases[] = {
  { 128, 85, 3, 100, 1 },
  { 128, 85, 3, 37, 2 },
  { 96, 128, 4, 100, 3 },
  { 97, 61, 1, 64, 4 },
  { 60, 45, 3, 1, 5 },
  { 9, 8, 3, 500, 6 },      /* more segments than room: a step of one */
  { 1, 1, 1, 10, 7 },
  { 200, 3, 3, 20, 8 },
};

/* Structure to segment: a few flat blobs of colour, plus noise. */
static AugurImage *
blobs_image (const SlicCase *sc)
{
  AugurImage *img = augur_test_noise_image (sc->w, sc->h, sc->nc, 0, 40, sc->seed);

  for (int y = 0; y < sc->h; y++)
    for (int x = 0; x < sc->w; x++)
      for (int c = 0; c < sc->nc; c++)
        {
          int blob = ((x * 5 / MAX (sc->w, 1)) + 3 * (y * 4 / MAX (sc->h, 1))) % 7;

          augur_image_row (img, y)[x * sc->nc + c] += (guint8) ((blob * 37 + c * 61) % 200);
        }
  return img;
}

static void
test_slic_labels (gconstpointer data)
{
  const SlicCase *sc = data;
  g_autoptr(AugurImage) img = blobs_image (sc);
  gsize npix = (gsize) sc->w * sc->h;
  g_autofree int *fast = g_new (int, npix);
  g_autofree int *ref = g_new (int, npix);
  int n_fast = -1, n_ref = -2, seen = 0;

  augur_slic_labels (img->data, img->stride, img->width, img->height, img->channels, sc->n_segments,
                     fast, &n_fast);
  reference_slic (img, sc->n_segments, ref, &n_ref);
  g_assert_cmpint (n_fast, ==, n_ref);
  g_assert_cmpmem (fast, npix * sizeof (int), ref, npix * sizeof (int));

  /* And it segments: every label in range, more than one where there is
   * room for more. */
  for (gsize i = 0; i < npix; i++)
    {
      g_assert_cmpint (fast[i], >=, -1);
      g_assert_cmpint (fast[i], <, n_fast);
      seen |= fast[i] != fast[0];
    }
  if (n_fast > 1)
    g_assert_true (seen);
}

/* Rows with padding after them read the same as rows without. */
static void
test_slic_stride (void)
{
  const SlicCase sc = { 70, 50, 3, 40, 9 };
  g_autoptr(AugurImage) img = blobs_image (&sc);
  gsize stride = (gsize) sc.w * 3 + 13;
  g_autofree guint8 *padded = g_malloc0 (stride * sc.h);
  g_autofree int *a = g_new (int, (gsize) sc.w * sc.h);
  g_autofree int *b = g_new (int, (gsize) sc.w * sc.h);
  int na = 0, nb = 0;

  for (int y = 0; y < sc.h; y++)
    {
      memcpy (padded + y * stride, augur_image_row (img, y), (gsize) sc.w * 3);
      memset (padded + y * stride + sc.w * 3, 255, 13);
    }
  augur_slic_labels (padded, stride, sc.w, sc.h, 3, sc.n_segments, a, &na);
  reference_slic (img, sc.n_segments, b, &nb);
  g_assert_cmpint (na, ==, nb);
  g_assert_cmpmem (a, sizeof (int) * sc.w * sc.h, b, sizeof (int) * sc.w * sc.h);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (slic_cases); i++)
    {
      const SlicCase *sc = &slic_cases[i];
      g_autofree char *path = g_strdup_printf ("/slic/labels/%dx%dx%d-n%d", sc->w, sc->h, sc->nc, sc->n_segments);

      g_test_add_data_func (path, sc, test_slic_labels);
    }
  g_test_add_func ("/slic/stride", test_slic_stride);

  return g_test_run ();
}
