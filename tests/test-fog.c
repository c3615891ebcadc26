/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-fog.h"
#include "augur-image.h"
#include "augur-rng.h"

#include "augur-test-util.h"

/* RandomFog's veil (augur_fog_veil) against the straightforward
 * computation written out here in doubles: the full-size Gaussian of the
 * image cut at three sigma (borders replicated), the transmission map
 * enlarged bilinearly with OpenCV's pixel centres, and
 * t (s + a (b - s)) + 255 a per channel, a = 1 - t.
 *
 * Stated tolerance: at full size (reduction 1) every value within 1 level
 * (the blend runs in fixed point). With the reduced blur (cells of
 * floor (sigma) pixels) the blurred image differs next to sharp edges, and
 * enters the output with a weight a (1 - a) <= 1/4: every value within
 * 3 levels away from the borders, within 10 on the border rows and columns
 * (where the full-size blur repeats the edge pixel and the reduced one the
 * edge cell: measured up to 9 on pixel noise, 5 on the photographs), 0.3 of
 * a level on average, and the mean and the contrast (standard deviation) of
 * the foggy image within 0.25 of a level. */

/* A smooth transmission map of @tw x @th between 0.35 and 0.95. */
static float *
smooth_map (int      tw,
            int      th,
            guint64  seed)
{
  float *t = g_new (float, (gsize) tw * th);
  AugurRng rng;
  double fx, fy, px, py;

  augur_rng_init (&rng, seed);
  fx = augur_rng_range (&rng, 0.1, 0.5);
  fy = augur_rng_range (&rng, 0.1, 0.5);
  px = augur_rng_range (&rng, 0, 6.3);
  py = augur_rng_range (&rng, 0, 6.3);
  for (int y = 0; y < th; y++)
    for (int x = 0; x < tw; x++)
      t[y * tw + x] = (float) (0.65 + 0.15 * sin (fx * x + px) + 0.15 * cos (fy * y + py));
  return t;
}

/* Index into a row of @n, borders replicated. */
static int
clampi (int i,
        int n)
{
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/* The straightforward veil of @src (see the top of this file). */
static AugurImage *
reference_veil (const AugurImage   *src,
                const AugurFogVeil *veil)
{
  int w = src->width, h = src->height, nc = src->channels, cc = nc == 4 ? 3 : nc;
  int r = MAX (1, (int) ceil (3 * veil->sigma));
  g_autofree double *k = g_new (double, 2 * r + 1);
  g_autofree double *tmp = g_new (double, (gsize) w * h * cc);
  g_autofree double *blur = g_new (double, (gsize) w * h * cc);
  AugurImage *out = augur_image_new_like (src);
  double sum = 0;

  for (int i = -r; i <= r; i++)
    sum += k[i + r] = exp (-0.5 * i * i / (veil->sigma * veil->sigma));
  for (int i = 0; i <= 2 * r; i++)
    k[i] /= sum;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < cc; c++)
        {
          double v = 0;

          for (int i = -r; i <= r; i++)
            v += k[i + r] * augur_image_row (src, clampi (y + i, h))[x * nc + c];
          tmp[((gsize) y * w + x) * cc + c] = v;
        }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < cc; c++)
        {
          double v = 0;

          for (int i = -r; i <= r; i++)
            v += k[i + r] * tmp[((gsize) y * w + clampi (x + i, w)) * cc + c];
          blur[((gsize) y * w + x) * cc + c] = v;
        }

  for (int y = 0; y < h; y++)
    {
      double fy = MAX ((y + 0.5) * veil->th / h - 0.5, 0);
      int j0 = (int) floor (fy), j1 = MIN (j0 + 1, veil->th - 1);

      j0 = MIN (j0, veil->th - 1);
      for (int x = 0; x < w; x++)
        {
          double fx = MAX ((x + 0.5) * veil->tw / w - 0.5, 0);
          int i0 = (int) floor (fx), i1 = MIN (i0 + 1, veil->tw - 1);
          double ax = fx - floor (fx), ay = fy - floor (fy), t, a;
          const float *tr0, *tr1;

          i0 = MIN (i0, veil->tw - 1);
          tr0 = veil->t + (gsize) j0 * veil->tw;
          tr1 = veil->t + (gsize) j1 * veil->tw;
          t = (1 - ay) * ((1 - ax) * tr0[i0] + ax * tr0[i1]) + ay * ((1 - ax) * tr1[i0] + ax * tr1[i1]);
          a = 1 - t;
          for (int c = 0; c < cc; c++)
            {
              double s = augur_image_row (src, y)[x * nc + c];
              double b = blur[((gsize) y * w + x) * cc + c];
              double v = t * (s + a * (b - s)) + 255 * a;

              augur_image_row (out, y)[x * nc + c] = (guint8) CLAMP (floor (v + 0.5), 0, 255);
            }
          if (nc == 4)
            augur_image_row (out, y)[x * 4 + 3] = augur_image_row (src, y)[x * 4 + 3];
        }
    }
  return out;
}

static AugurImage *
fast_veil (const AugurImage   *src,
           const AugurFogVeil *veil,
           int                 reduction)
{
  AugurImage *out = augur_image_new_like (src);

  augur_fog_veil (src->data, src->stride, out->data, out->stride, src->width, src->height, src->channels, veil,
                  reduction);
  return out;
}

typedef struct
{
  double mean_diff, mean, mean_ref, std, std_ref;
  int    max_diff, max_inside;
} Comparison;

/* Differences over the colour channels (the largest also over the pixels
 * at least @margin from the edges), and alpha checked equal. */
static Comparison
compare (const AugurImage *out,
         const AugurImage *ref,
         int               margin)
{
  int nc = ref->channels, cc = nc == 4 ? 3 : nc;
  double n = 0, sum = 0, sum2 = 0, rsum = 0, rsum2 = 0, diff = 0;
  Comparison cmp = { 0 };

  for (int y = 0; y < ref->height; y++)
    for (int x = 0; x < ref->width; x++)
      {
        const guint8 *p = augur_image_row (out, y) + x * nc;
        const guint8 *q = augur_image_row (ref, y) + x * nc;

        for (int c = 0; c < cc; c++)
          {
            diff += abs (p[c] - q[c]);
            cmp.max_diff = MAX (cmp.max_diff, abs (p[c] - q[c]));
            if (x >= margin && y >= margin && x < ref->width - margin && y < ref->height - margin)
              cmp.max_inside = MAX (cmp.max_inside, abs (p[c] - q[c]));
            sum += p[c];
            sum2 += (double) p[c] * p[c];
            rsum += q[c];
            rsum2 += (double) q[c] * q[c];
            n++;
          }
        if (nc == 4)
          g_assert_cmpint (p[3], ==, q[3]);
      }
  cmp.mean_diff = diff / n;
  cmp.mean = sum / n;
  cmp.mean_ref = rsum / n;
  cmp.std = sqrt (MAX (sum2 / n - cmp.mean * cmp.mean, 0));
  cmp.std_ref = sqrt (MAX (rsum2 / n - cmp.mean_ref * cmp.mean_ref, 0));
  return cmp;
}

/* RandomFog's blur and map size for an image: sigma of OpenCV's kernel of
 * min / 30 (odd, >= 3), a map cell a quarter of a particle at fog 0.5. */
static AugurFogVeil
veil_for (const AugurImage *src,
          float           **t,
          guint64           seed)
{
  int short_side = MIN (src->width, src->height);
  int k = MAX (3, short_side / 30) | 1;
  int ft = MAX (1, MAX (2, (int) (short_side * 0.05)) / 4);
  AugurFogVeil veil = { NULL, (src->width + ft - 1) / ft, (src->height + ft - 1) / ft,
                        0.3 * ((k - 1) * 0.5 - 1) + 0.8 };

  *t = smooth_map (veil.tw, veil.th, seed);
  veil.t = *t;
  return veil;
}

static void
check_image (const AugurImage *src,
             const char       *name)
{
  g_autofree float *t = NULL;
  AugurFogVeil veil = veil_for (src, &t, (guint64) src->width * 7 + src->height);
  int reduction = augur_fog_veil_reduction (veil.sigma, src->width, src->height);
  g_autoptr(AugurImage) ref = reference_veil (src, &veil);
  g_autoptr(AugurImage) full = fast_veil (src, &veil, 1);
  g_autoptr(AugurImage) fast = fast_veil (src, &veil, reduction);
  int margin = (int) ceil (3 * veil.sigma);
  Comparison cf = compare (full, ref, margin), cr = compare (fast, ref, margin);

  g_test_message ("%s %dx%dx%d sigma %.2f reduction %d: full size max %d; reduced max %d (%d inside), "
                  "mean %.3f, mean %.2f/%.2f, std %.2f/%.2f",
                  name, src->width, src->height, src->channels, veil.sigma, reduction, cf.max_diff, cr.max_diff,
                  cr.max_inside, cr.mean_diff, cr.mean, cr.mean_ref, cr.std, cr.std_ref);
  g_assert_cmpint (cf.max_diff, <=, 1);
  g_assert_cmpint (cr.max_diff, <=, 10);
  g_assert_cmpint (cr.max_inside, <=, 3);
  g_assert_cmpfloat (cr.mean_diff, <=, 0.3);
  g_assert_cmpfloat (fabs (cr.mean - cr.mean_ref), <=, 0.25);
  g_assert_cmpfloat (fabs (cr.std - cr.std_ref), <=, 0.25);
  /* and the fog is there: brighter and flatter than the picture */
  g_assert_false (augur_image_equal (fast, src));
}

/* The bundled samples: photographs, a drawing, a star field. */
static void
test_samples (void)
{
  const char *root = g_getenv ("AUGUR_SOURCE_DIR");
  g_autofree char *dir = NULL;
  g_autoptr(GDir) d = NULL;
  const char *name;
  int n = 0;

  if (root == NULL)
    {
      g_test_skip ("AUGUR_SOURCE_DIR is not set");
      return;
    }
  dir = g_build_filename (root, "data", "samples", NULL);
  d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(AugurImage) image = NULL;

      if (!g_str_has_suffix (name, ".png") && !g_str_has_suffix (name, ".jpg"))
        continue;
      image = augur_image_load (path, AUGUR_DEFAULT_MAX_PIXELS, &error);
      g_assert_no_error (error);
      check_image (image, name);
      n++;
    }
  g_assert_cmpint (n, >=, 6);
}

/* Gray, RGB and RGBA, sizes that do not divide by the cell, tiny ones,
 * hard edges (a checkerboard of noise). */
static void
test_shapes (void)
{
  static const int shapes[][3] = {
    { 333, 251, 1 }, { 401, 299, 3 }, { 257, 389, 4 }, { 97, 61, 3 }, { 7, 5, 3 }, { 1, 1, 4 },
    { 1000, 40, 3 }, { 701, 523, 3 }, { 1283, 911, 4 }, { 997, 1019, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autoptr(AugurImage) src = augur_test_noise_image (shapes[i][0], shapes[i][1], shapes[i][2], 0, 255,
                                                          (guint64) i + 1);
      g_autofree char *name = g_strdup_printf ("noise %u", i);

      check_image (src, name);
    }
}

/* The AVX2 loops and the portable ones give the same bytes. */
static void
test_portable (void)
{
  g_autoptr(AugurImage) src = augur_test_noise_image (643, 419, 3, 0, 255, 5);
  g_autoptr(AugurImage) rgba = augur_test_noise_image (211, 157, 4, 0, 255, 6);
  const AugurImage *images[] = { src, rgba };

  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autofree float *t = NULL;
      AugurFogVeil veil = veil_for (images[i], &t, 9);
      int reduction = augur_fog_veil_reduction (veil.sigma, images[i]->width, images[i]->height);
      g_autoptr(AugurImage) simd = fast_veil (images[i], &veil, reduction);
      g_autoptr(AugurImage) plain = NULL;

      g_setenv ("AUGUR_NO_AVX2", "1", TRUE);
      plain = fast_veil (images[i], &veil, reduction);
      g_unsetenv ("AUGUR_NO_AVX2");
      g_assert_true (augur_image_equal (simd, plain));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fog/veil/samples", test_samples);
  g_test_add_func ("/fog/veil/shapes", test_shapes);
  g_test_add_func ("/fog/veil/portable", test_portable);
  return g_test_run ();
}
