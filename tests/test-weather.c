/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-pipeline.h"

#include "augur-test-util.h"

/* The weather and light transforms, each by what it should mean: fog lowers
 * contrast more as it thickens, rain streaks follow the drawn slant, the
 * sun brightens around its drawn centre, snow brightens and whitens more
 * with more snow, shadows darken only inside their polygons, gravel and
 * spatter change a fraction of the pixels that grows with their parameter,
 * the plasma light fields keep to their drawn strengths. */

/* Helpers ---------------------------------------------------------------------- */

/* Mean and standard deviation over the colour channels. */
static void
colour_stats (const AugurImage *image,
              double           *mean,
              double           *std)
{
  int cc = image->channels == 4 ? 3 : image->channels;
  double sum = 0, sum2 = 0, n = 0;

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      for (int c = 0; c < cc; c++)
        {
          double v = augur_image_row (image, y)[x * image->channels + c];

          sum += v;
          sum2 += v * v;
          n++;
        }
  *mean = sum / n;
  *std = sqrt (MAX (sum2 / n - *mean * *mean, 0));
}

/* Mean of max - min over the RGB channels: how colourful. */
static double
chroma (const AugurImage *image)
{
  double sum = 0;

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      {
        const guint8 *p = augur_image_row (image, y) + x * image->channels;

        sum += MAX (p[0], MAX (p[1], p[2])) - MIN (p[0], MIN (p[1], p[2]));
      }
  return sum / (image->width * image->height);
}

/* The fraction of pixels whose colours changed by more than 2 levels,
 * averaged over @n seeds. */
static double
changed_fraction (const char       *json,
                  const AugurImage *src,
                  int               n)
{
  double changed = 0;

  for (int s = 1; s <= n; s++)
    {
      g_autoptr(AugurImage) out = augur_test_run_step (json, src, (guint64) s, NULL);

      for (int y = 0; y < src->height; y++)
        for (int x = 0; x < src->width; x++)
          {
            const guint8 *a = augur_image_row (src, y) + x * src->channels;
            const guint8 *b = augur_image_row (out, y) + x * src->channels;

            changed += abs (a[0] - b[0]) > 2 || abs (a[1] - b[1]) > 2 || abs (a[2] - b[2]) > 2;
          }
    }
  return changed / ((double) n * src->width * src->height);
}

/* A colourful scene with texture: smooth ramps and random detail. */
static AugurImage *
scene (int width,
       int height)
{
  AugurImage *image = augur_test_noise_image (width, height, 3, 0, 60, 31);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = augur_image_row (image, y) + 3 * x;

        p[0] += (guint8) (150 * x / width);
        p[1] += (guint8) (150 * y / height);
        p[2] += (guint8) (100 + 50 * ((x / 8 + y / 8) % 2));
      }
  return image;
}

/* Every transform with its defaults ------------------------------------------------ */

static const char *const all_steps[] = {
  "{\"type\": \"RandomFog\"}",
  "{\"type\": \"RandomRain\"}",
  "{\"type\": \"RandomRain\", \"params\": {\"rain_type\": \"drizzle\"}}",
  "{\"type\": \"RandomRain\", \"params\": {\"rain_type\": \"heavy\", \"drop_width\": 2}}",
  "{\"type\": \"RandomRain\", \"params\": {\"rain_type\": \"torrential\", \"drop_color\": [150, 160, 200]}}",
  "{\"type\": \"RandomSnow\"}",
  "{\"type\": \"RandomSnow\", \"params\": {\"method\": \"texture\"}}",
  "{\"type\": \"RandomSunFlare\"}",
  "{\"type\": \"RandomSunFlare\", \"params\": {\"method\": \"physics_based\"}}",
  "{\"type\": \"RandomShadow\"}",
  "{\"type\": \"RandomGravel\"}",
  "{\"type\": \"Spatter\"}",
  "{\"type\": \"Spatter\", \"params\": {\"mode\": \"mud\"}}",
  "{\"type\": \"PlasmaBrightnessContrast\"}",
  "{\"type\": \"PlasmaShadow\"}",
};

static void
test_defaults (gconstpointer data)
{
  augur_test_check_pixel_transform (data, TRUE);
}

/* RandomFog ---------------------------------------------------------------------- */

static void
test_fog_contrast (void)
{
  g_autoptr(AugurImage) src = scene (160, 120);
  double mean0, std0, std_light = 0, std_dense = 0, mean_dense = 0;

  colour_stats (src, &mean0, &std0);
  for (guint64 seed = 1; seed <= 4; seed++)
    {
      g_autoptr(AugurImage) light = augur_test_run_step ("{\"type\": \"RandomFog\", \"params\": {\"fog_coef_range\": [0.3, 0.3]}}",
                                                         src, seed, NULL);
      g_autoptr(AugurImage) dense = augur_test_run_step ("{\"type\": \"RandomFog\", \"params\": {\"fog_coef_range\": [0.9, 0.9]}}",
                                                         src, seed, NULL);
      double m, s;

      colour_stats (light, &m, &s);
      std_light += s / 4;
      colour_stats (dense, &m, &s);
      std_dense += s / 4;
      mean_dense += m / 4;
    }
  g_test_message ("contrast: clear %.1f, fog 0.3 %.1f, fog 0.9 %.1f", std0, std_light, std_dense);
  g_assert_cmpfloat (std_light, <, 0.95 * std0);
  g_assert_cmpfloat (std_dense, <, 0.8 * std_light);
  /* The haze is light: the picture brightens. */
  g_assert_cmpfloat (mean_dense, >, mean0 + 10);
}

/* RandomRain --------------------------------------------------------------------- */

/* Sum over the image of L (x, y) L (x + dx, y + dy), L the red channel. */
static double
correlation (const AugurImage *image,
             int               dx,
             int               dy)
{
  double sum = 0;

  for (int y = 0; y + dy < image->height; y++)
    for (int x = MAX (0, -dx); x < image->width && x + dx < image->width; x++)
      sum += (double) augur_image_row (image, y)[x * image->channels] *
             augur_image_row (image, y + dy)[(x + dx) * image->channels];
  return sum;
}

/* On black, without blur or darkening, the streaks run along the drawn
 * slant: the image correlates with itself shifted half a drop along the
 * slant far more than shifted along the mirrored slant. */
static void
test_rain_slant (gconstpointer data)
{
  const double *slant = data;
  g_autoptr(AugurImage) src = augur_test_level_image (200, 160, 3, 0);
  g_autofree char *json = g_strdup_printf ("{\"type\": \"RandomRain\", \"params\": {\"slant_range\": [%g, %g], "
                                           "\"rain_type\": \"heavy\", \"blur_value\": 1, "
                                           "\"brightness_coefficient\": 1}}", *slant, *slant);
  g_autoptr(AugurReplay) replay = NULL;
  g_autoptr(AugurImage) out = augur_test_run_step (json, src, 3, &replay);
  double drawn = augur_drawn_get (&replay->drawn, "slant");
  double length = augur_drawn_get (&replay->drawn, "drop_length");
  int dx = (int) lrint (drawn / 2), dy = (int) (length / 2);
  double along = correlation (out, dx, dy), mirrored = correlation (out, -dx, dy);

  g_assert_cmpfloat (drawn, ==, *slant);
  g_assert_cmpfloat (length, ==, 30);
  g_test_message ("along the slant %.3g, mirrored %.3g", along, mirrored);
  g_assert_cmpfloat (along, >, 3 * mirrored);
}

/* Away from the drops the scene is darkened by brightness_coefficient. */
static void
test_rain_brightness (void)
{
  g_autoptr(AugurImage) src = augur_test_level_image (120, 100, 3, 200);
  g_autoptr(AugurImage) out = augur_test_run_step ("{\"type\": \"RandomRain\", \"params\": {\"brightness_coefficient\": 0.5, "
                                                   "\"rain_type\": \"drizzle\"}}", src, 5, NULL);
  int dark = 0;

  for (int y = 0; y < 100; y++)
    for (int x = 0; x < 120; x++)
      {
        int v = augur_image_row (out, y)[3 * x];

        dark += v == 100;
        g_assert_cmpint (v, >=, 100);
      }
  g_assert_cmpint (dark, >, 120 * 100 / 2);
}

/* RandomSnow --------------------------------------------------------------------- */

static void
snow_measure (const AugurImage *src,
              const char       *method,
              double            point,
              double            coeff,
              double           *mean,
              double           *colour)
{
  g_autofree char *json = g_strdup_printf ("{\"type\": \"RandomSnow\", \"params\": {\"method\": \"%s\", "
                                           "\"snow_point_range\": [%g, %g], \"brightness_coeff\": %g}}",
                                           method, point, point, coeff);
  g_autoptr(AugurImage) out = augur_test_run_step (json, src, 7, NULL);
  double std;

  colour_stats (out, mean, &std);
  *colour = chroma (out);
  g_test_message ("%s %.2f x %.1f: mean %.1f, chroma %.1f", method, point, coeff, *mean, *colour);
}

/* The bleach of a large RGB (or RGBA) image is read from tables of what
 * each (max, min) pair of channels becomes; of a small one it is computed
 * pixel by pixel. Both give the same bytes: each row of a 256 x 256 noise
 * image (tables) against the row alone (one 256-pixel image, computed),
 * over every level, for a light and a heavy bleach. */
static void
test_snow_bleach_tables (void)
{
  static const double settings[][2] = { { 0.2, 2.5 }, { 0.9, 6.0 } };

  for (int nc = 3; nc <= 4; nc++)
    for (guint k = 0; k < G_N_ELEMENTS (settings); k++)
      {
        g_autoptr(AugurImage) src = augur_test_random_image (256, 256, nc, 40 + nc);
        g_autofree char *json = g_strdup_printf ("{\"type\": \"RandomSnow\", \"params\": "
                                                 "{\"snow_point_range\": [%g, %g], "
                                                 "\"brightness_coeff\": %g}}",
                                                 settings[k][0], settings[k][0], settings[k][1]);
        g_autoptr(AugurImage) out = augur_test_run_step (json, src, 3, NULL);
        int changed = 0;

        for (int y = 0; y < src->height; y++)
          {
            g_autoptr(AugurImage) row = augur_image_new (src->width, 1, nc);
            g_autoptr(AugurImage) row_out = NULL;

            memcpy (row->data, augur_image_row (src, y), (gsize) src->width * nc);
            row_out = augur_test_run_step (json, row, 3, NULL);
            g_assert_cmpmem (row_out->data, (gsize) src->width * nc,
                             augur_image_row (out, y), (gsize) src->width * nc);
            changed += memcmp (row_out->data, row->data, (gsize) src->width * nc) != 0;
          }
        g_assert_cmpint (changed, >, 200);
      }
}

static void
test_snow (gconstpointer data)
{
  const char *method = data;
  g_autoptr(AugurImage) src = scene (160, 120);
  double m0, s0, c0 = chroma (src), m1, c1, m2, c2, m3, c3;

  colour_stats (src, &m0, &s0);
  snow_measure (src, method, 0.1, 1.5, &m1, &c1);
  snow_measure (src, method, 0.5, 1.5, &m2, &c2);
  snow_measure (src, method, 0.5, 3.0, &m3, &c3);
  g_assert_cmpfloat (m1, >, m0);
  g_assert_cmpfloat (m2, >, m1 + 5);
  g_assert_cmpfloat (m3, >, m2 + 5);
  /* Whiter (brighter and less colourful) as there is more snow: texture
   * mixes in a pale tint and whitens; bleach raises lightness towards
   * white. A light bleach, which lifts dark tones to mid tones only, can
   * make them more colourful than they were. */
  g_assert_cmpfloat (m2 - c2, >, m1 - c1);
  g_assert_cmpfloat (m3 - c3, >, m2 - c2);
  if (g_str_equal (method, "texture"))
    g_assert_cmpfloat (m1 - c1, >, m0 - c0);
}

/* RandomSunFlare ----------------------------------------------------------------- */

static double
mean_in_disc (const AugurImage *image,
              double            cx,
              double            cy,
              double            r)
{
  double sum = 0, n = 0;

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      if (hypot (x - cx, y - cy) <= r)
        {
          sum += augur_image_row (image, y)[x * image->channels];
          n++;
        }
  return sum / n;
}

/* The sun brightens its drawn centre far more than the far corner of the
 * image. (In overlay mode the glow's strength follows the ghosts' opacity,
 * as in Albumentations, so some are drawn.) */
static void
test_sun_flare (gconstpointer data)
{
  const char *method = data;
  g_autoptr(AugurImage) src = augur_test_level_image (400, 300, 3, 40);
  g_autofree char *json = g_strdup_printf ("{\"type\": \"RandomSunFlare\", \"params\": {\"method\": \"%s\", "
                                           "\"flare_roi\": {\"x\": [0.1, 0.9], \"y\": [0.1, 0.9]}, "
                                           "\"src_radius\": 150, \"num_flare_circles_range\": [8, 8]}}", method);

  for (guint64 seed = 1; seed <= 4; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run_step (json, src, seed, &replay);
      double cx = augur_drawn_get (&replay->drawn, "flare_x"), cy = augur_drawn_get (&replay->drawn, "flare_y");
      /* The far corner from the flare. */
      double fx = cx < 200 ? 390 : 10, fy = cy < 150 ? 290 : 10;
      double near = mean_in_disc (out, cx, cy, 10), far = mean_in_disc (out, fx, fy, 10);

      g_test_message ("flare at %.0f, %.0f: near %.1f, far %.1f", cx, cy, near, far);
      g_assert_cmpfloat (cx, >=, 40);
      g_assert_cmpfloat (cx, <=, 360);
      g_assert_cmpfloat (near, >, 40 + 60);
      g_assert_cmpfloat (near - 40, >, 4 * (far - 40));
    }
}

/* RandomShadow ------------------------------------------------------------------- */

/* Whether the pixel centre (x + 0.5, y + 0.5) is inside the polygon, by the
 * even-odd rule. */
static gboolean
inside_polygon (const double *v,
                int           n,
                double        px,
                double        py)
{
  gboolean in = FALSE;

  for (int i = 0, j = n - 1; i < n; j = i++)
    {
      double xi = v[2 * i] + 0.5, yi = v[2 * i + 1] + 0.5, xj = v[2 * j] + 0.5, yj = v[2 * j + 1] + 0.5;

      if ((yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi)
        in = !in;
    }
  return in;
}

/* Inside its polygon, well clear of the edges, a pixel is darkened by the
 * drawn intensity; well outside it is untouched. */
static void
test_shadow (void)
{
  g_autoptr(AugurImage) src = augur_test_level_image (160, 120, 3, 200);

  for (guint64 seed = 1; seed <= 6; seed++)
    {
      g_autoptr(AugurReplay) replay = NULL;
      g_autoptr(AugurImage) out = augur_test_run_step ("{\"type\": \"RandomShadow\", \"params\": {\"num_shadows_limit\": [1, 1], "
                                                       "\"shadow_intensity_range\": [0.3, 0.6]}}", src, seed, &replay);
      guint nv, ni;
      const double *v = augur_drawn_get_list (&replay->drawn, "vertices", &nv);
      const double *k = augur_drawn_get_list (&replay->drawn, "intensities", &ni);
      int inside = 0;

      g_assert_cmpuint (ni, ==, 1);
      g_assert_cmpuint (nv, ==, 10);
      for (int y = 1; y < 119; y++)
        for (int x = 1; x < 159; x++)
          {
            int count = 0, value = augur_image_row (out, y)[3 * x];

            for (int d = 0; d < 9; d++)
              count += inside_polygon (v, 5, x + d % 3 - 1 + 0.5, y + d / 3 - 1 + 0.5);
            if (count == 9)
              {
                g_assert_cmpint (abs (value - (int) floor (200 * (1 - k[0]) + 0.5)), <=, 1);
                inside++;
              }
            else if (count == 0)
              g_assert_cmpint (value, ==, 200);
          }
      /* Corners drawn in the lower half only. */
      for (int y = 0; y < 59; y++)
        g_assert_cmpint (augur_image_row (out, y)[3 * 80], ==, 200);
      g_test_message ("seed %" G_GUINT64_FORMAT ": %d pixels inside", seed, inside);
    }
}

/* RandomGravel, Spatter ---------------------------------------------------------------- */

static void
test_gravel (void)
{
  g_autoptr(AugurImage) src = scene (200, 150);
  double one = changed_fraction ("{\"type\": \"RandomGravel\", \"params\": {\"number_of_patches\": 1}}", src, 6);
  double six = changed_fraction ("{\"type\": \"RandomGravel\", \"params\": {\"number_of_patches\": 6}}", src, 6);
  g_autoptr(AugurImage) out = augur_test_run_step ("{\"type\": \"RandomGravel\", \"params\": {\"number_of_patches\": 10, "
                                                   "\"gravel_roi\": {\"x\": [0.5, 1], \"y\": [0.5, 1]}}}", src, 3, NULL);

  g_test_message ("changed: 1 patch %.4f, 6 patches %.4f", one, six);
  g_assert_cmpfloat (one, >, 0.002);
  g_assert_cmpfloat (six, >, 3 * one);
  g_assert_cmpfloat (six, <, 0.5);
  /* Nothing changes more than a stone's radius outside the region. */
  for (int y = 0; y < 150; y++)
    for (int x = 0; x < 200; x++)
      if (x < 100 - 3 || y < 75 - 3)
        g_assert_cmpmem (augur_image_row (src, y) + 3 * x, 3, augur_image_row (out, y) + 3 * x, 3);
}

static void
test_spatter (gconstpointer data)
{
  const char *mode = data;
  g_autoptr(AugurImage) src = scene (160, 120);
  g_autofree char *few = g_strdup_printf ("{\"type\": \"Spatter\", \"params\": {\"mode\": \"%s\", "
                                          "\"cutout_threshold\": [0.72, 0.72]}}", mode);
  g_autofree char *many = g_strdup_printf ("{\"type\": \"Spatter\", \"params\": {\"mode\": \"%s\", "
                                           "\"cutout_threshold\": [0.66, 0.66]}}", mode);
  double f = changed_fraction (few, src, 3), m = changed_fraction (many, src, 3);

  g_test_message ("%s changed: threshold 0.72 %.3f, 0.66 %.3f", mode, f, m);
  g_assert_cmpfloat (f, >, 0.01);
  g_assert_cmpfloat (m, >, 1.5 * f);
  g_assert_cmpfloat (m, <, 0.95);
}

/* Mud pulls colours towards its own (here pure green, on white). */
static void
test_spatter_mud_colour (void)
{
  g_autoptr(AugurImage) src = augur_test_level_image (120, 90, 3, 255);
  g_autoptr(AugurImage) out = augur_test_run_step ("{\"type\": \"Spatter\", \"params\": {\"mode\": \"mud\", "
                                                   "\"color\": [0, 255, 0], \"intensity\": [1, 1]}}", src, 2, NULL);
  int muddy = 0;

  for (int y = 0; y < 90; y++)
    for (int x = 0; x < 120; x++)
      {
        const guint8 *p = augur_image_row (out, y) + 3 * x;

        g_assert_cmpint (p[1], ==, 255);
        g_assert_cmpint (p[0], ==, p[2]);
        muddy += p[0] < 128;
      }
  g_assert_cmpint (muddy, >, 100);
}

/* Plasma ------------------------------------------------------------------------- */

/* With contrast 0, brightness b adds b * 255 where the (0..1) pattern is 1
 * and nothing where it is 0. */
static void
test_plasma_brightness (gconstpointer data)
{
  const double *b = data;
  g_autoptr(AugurImage) src = augur_test_level_image (150, 100, 3, 128);
  g_autofree char *json = g_strdup_printf ("{\"type\": \"PlasmaBrightnessContrast\", \"params\": {"
                                           "\"brightness_range\": [%g, %g], \"contrast_range\": [0, 0]}}", *b, *b);
  g_autoptr(AugurImage) out = augur_test_run_step (json, src, 9, NULL);
  int lo = 255, hi = 0;

  for (int y = 0; y < 100; y++)
    for (int x = 0; x < 150 * 3; x++)
      {
        lo = MIN (lo, augur_image_row (out, y)[x] - 128);
        hi = MAX (hi, augur_image_row (out, y)[x] - 128);
      }
  g_test_message ("change %d..%d for %g", lo, hi, *b * 255);
  if (*b > 0)
    {
      g_assert_cmpint (abs (hi - (int) lrint (*b * 255)), <=, 1);
      g_assert_cmpint (lo, ==, 0);
    }
  else
    {
      g_assert_cmpint (abs (lo - (int) lrint (*b * 255)), <=, 1);
      g_assert_cmpint (hi, ==, 0);
    }
}

/* Contrast alone turns around the mean: the mean stays, the spread grows
 * (positive) or shrinks (negative). */
static void
test_plasma_contrast (void)
{
  g_autoptr(AugurImage) src = augur_test_noise_image (150, 100, 3, 64, 192, 4);
  g_autoptr(AugurImage) up = augur_test_run_step ("{\"type\": \"PlasmaBrightnessContrast\", \"params\": {"
                                                  "\"brightness_range\": [0, 0], \"contrast_range\": [0.3, 0.3]}}", src, 9, NULL);
  g_autoptr(AugurImage) down = augur_test_run_step ("{\"type\": \"PlasmaBrightnessContrast\", \"params\": {"
                                                    "\"brightness_range\": [0, 0], \"contrast_range\": [-0.3, -0.3]}}", src, 9, NULL);
  double m0, s0, mu, su, md, sd;

  colour_stats (src, &m0, &s0);
  colour_stats (up, &mu, &su);
  colour_stats (down, &md, &sd);
  g_test_message ("mean %.2f / %.2f / %.2f, std %.2f / %.2f / %.2f", m0, mu, md, s0, su, sd);
  g_assert_cmpfloat (fabs (mu - m0), <, 1.5);
  g_assert_cmpfloat (fabs (md - m0), <, 1.5);
  g_assert_cmpfloat (su, >, 1.03 * s0);
  g_assert_cmpfloat (sd, <, 0.97 * s0);
}

/* PlasmaShadow only darkens, by at most the drawn intensity, and by that
 * where the pattern peaks. */
static void
test_plasma_shadow (void)
{
  g_autoptr(AugurImage) src = augur_test_level_image (150, 100, 1, 200);
  g_autoptr(AugurImage) out = augur_test_run_step ("{\"type\": \"PlasmaShadow\", \"params\": {"
                                                   "\"shadow_intensity_range\": [0.5, 0.5]}}", src, 3, NULL);
  int lo = 255, hi = 0;

  for (int y = 0; y < 100; y++)
    for (int x = 0; x < 150; x++)
      {
        lo = MIN (lo, augur_image_row (out, y)[x]);
        hi = MAX (hi, augur_image_row (out, y)[x]);
      }
  g_assert_cmpint (hi, ==, 200);
  g_assert_cmpint (abs (lo - 100), <=, 1);
}

int
main (int argc, char **argv)
{
  static const double slants[] = { -12, 8 };
  static const double brightness[] = { -0.2, 0.25 };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (all_steps); i++)
    {
      g_autofree char *path = g_strdup_printf ("/weather/defaults/%u", i);

      g_test_add_data_func (path, all_steps[i], test_defaults);
    }
  g_test_add_func ("/weather/fog/contrast", test_fog_contrast);
  for (guint i = 0; i < G_N_ELEMENTS (slants); i++)
    {
      g_autofree char *path = g_strdup_printf ("/weather/rain/slant/%g", slants[i]);

      g_test_add_data_func (path, &slants[i], test_rain_slant);
    }
  g_test_add_func ("/weather/rain/brightness", test_rain_brightness);
  g_test_add_data_func ("/weather/snow/bleach", "bleach", test_snow);
  g_test_add_data_func ("/weather/snow/texture", "texture", test_snow);
  g_test_add_func ("/weather/snow/bleach-tables", test_snow_bleach_tables);
  g_test_add_data_func ("/weather/sun-flare/overlay", "overlay", test_sun_flare);
  g_test_add_data_func ("/weather/sun-flare/physics", "physics_based", test_sun_flare);
  g_test_add_func ("/weather/shadow", test_shadow);
  g_test_add_func ("/weather/gravel", test_gravel);
  g_test_add_data_func ("/weather/spatter/rain", "rain", test_spatter);
  g_test_add_data_func ("/weather/spatter/mud", "mud", test_spatter);
  g_test_add_func ("/weather/spatter/mud-colour", test_spatter_mud_colour);
  for (guint i = 0; i < G_N_ELEMENTS (brightness); i++)
    {
      g_autofree char *path = g_strdup_printf ("/weather/plasma/brightness/%g", brightness[i]);

      g_test_add_data_func (path, &brightness[i], test_plasma_brightness);
    }
  g_test_add_func ("/weather/plasma/contrast", test_plasma_contrast);
  g_test_add_func ("/weather/plasma/shadow", test_plasma_shadow);

  return g_test_run ();
}
