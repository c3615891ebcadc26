/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-elastic"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-elastic.h"
#include "augur-cpu.h"
#include "augur-rng.h"
#include "augur-test-util.h"

/*
 * ElasticTransform's field (core/kernels/augur-elastic.c) against the
 * construction it stands for: white noise at every pixel, smoothed by a
 * discrete Gaussian of sigma cut at a radius, mirrored at the edges
 * (BORDER_REFLECT_101), times alpha. That construction is linear in
 * independent unit noise, so its per-pixel variances and covariances are
 * known exactly; the field's are measured over many seeds.
 */

/* Straightforward construction, one axis: out[p] = sum over taps t of
 * g[t] noise[reflect101 (p + t)]; row p of the matrix it applies. */
static double *
full_axis (int    n,
           double sigma,
           int    radius)
{
  double *m = g_new0 (double, (gsize) n * n);
  double z = 0;

  for (int t = -radius; t <= radius; t++)
    z += exp (-(double) t * t / (2 * sigma * sigma));
  for (int p = 0; p < n; p++)
    for (int t = -radius; t <= radius; t++)
      {
        int i = p + t;

        if (n == 1)
          i = 0;
        else
          /* reflect-101: ... 2 1 | 0 1 2 ... n-2 n-1 | n-2 ... */
          for (;;)
            {
              if (i < 0)
                i = -i;
              else if (i > n - 1)
                i = 2 * (n - 1) - i;
              else
                break;
            }
        m[(gsize) p * n + i] += exp (-(double) t * t / (2 * sigma * sigma)) / z;
      }
  return m;
}

static double
dot_rows (const double *m,
          int           n,
          int           a,
          int           b)
{
  double s = 0;

  for (int i = 0; i < n; i++)
    s += m[(gsize) a * n + i] * m[(gsize) b * n + i];
  return s;
}

typedef struct
{
  int      width;
  int      height;
  double   sigma;
  int      radius;
  double   step;
  gboolean uniform;
} FieldCase;

static const FieldCase field_cases[] = {
  { 61, 47, 5, 20, 6.25, FALSE },   /* the benchmark's sigma, as the transform runs it */
  { 61, 47, 5, 20, 5, FALSE },      /* a closer lattice */
  { 40, 23, 3.3, 13, 4.125, FALSE },  /* a step that does not divide the sides */
  { 18, 9, 8, 32, 8, FALSE },       /* smaller than the kernel: many mirror images */
  { 70, 1, 4, 16, 4, TRUE },        /* one row; uniform noise */
  { 33, 30, 4, 8, 1, FALSE },       /* approximate: 17 taps, noise at every pixel */
};

/* Points to check: corners, edges, near an edge, the middle; and the
 * point sigma to the right of each, or below it, for the correlation. */
static void
check_points (const FieldCase *fc,
              int              k,
              int             *x,
              int             *y)
{
  int w = fc->width, h = fc->height;
  const int xs[] = { 0, w / 2, 0, 2, w / 2, w - 1, w / 3 };
  const int ys[] = { 0, 0, h / 2, 3, h / 2, h - 1, h - 1 };

  *x = MIN (xs[k], w - 1);
  *y = MIN (ys[k], h - 1);
}

#define N_POINTS 7
#define N_SEEDS  1500

static void
test_field_statistics (gconstpointer data)
{
  const FieldCase *fc = data;
  int w = fc->width, h = fc->height, d = (int) round (fc->sigma);
  g_autofree double *mx = full_axis (w, fc->sigma, fc->radius);
  g_autofree double *my = full_axis (h, fc->sigma, fc->radius);
  g_autofree float *dx = g_new (float, w);
  g_autofree float *dy = g_new (float, w);
  g_autofree float *dx2 = g_new (float, w);
  g_autofree float *dy2 = g_new (float, w);
  /* per point: sums of v^2, of v * (v to the right), of v * (v below), of dx * dy */
  double s2[N_POINTS] = { 0 }, sr[N_POINTS] = { 0 }, sb[N_POINTS] = { 0 }, sxy[N_POINTS] = { 0 };
  double sr2[N_POINTS] = { 0 }, sb2[N_POINTS] = { 0 };
  double alpha = 3.0, unit = fc->uniform ? 1.0 / 3.0 : 1.0;

  for (int seed = 0; seed < N_SEEDS; seed++)
    {
      g_autoptr(AugurElasticField) field = NULL;

      field = augur_elastic_field_new (w, h, alpha, fc->sigma, fc->radius, fc->step,
                                       fc->uniform, FALSE, 1000 + seed);
      for (int k = 0; k < N_POINTS; k++)
        {
          int x, y, xr, yb;

          check_points (fc, k, &x, &y);
          xr = MIN (x + d, w - 1);
          yb = MIN (y + d, h - 1);
          augur_elastic_field_row (field, y, dx, dy);
          augur_elastic_field_row (field, yb, dx2, dy2);
          /* both directions are fields of the same law: pool them */
          s2[k] += dx[x] * dx[x] + dy[x] * dy[x];
          sr[k] += dx[x] * dx[xr] + dy[x] * dy[xr];
          sr2[k] += dx[xr] * dx[xr] + dy[xr] * dy[xr];
          sb[k] += dx[x] * dx2[x] + dy[x] * dy2[x];
          sb2[k] += dx2[x] * dx2[x] + dy2[x] * dy2[x];
          sxy[k] += dx[x] * dy[x];
        }
    }

  for (int k = 0; k < N_POINTS; k++)
    {
      int x, y, xr, yb;
      double var, cr, cb, got_sd, got_cr, got_cb, want_cr, want_cb;

      check_points (fc, k, &x, &y);
      xr = MIN (x + d, w - 1);
      yb = MIN (y + d, h - 1);
      var = alpha * alpha * unit * dot_rows (mx, w, x, x) * dot_rows (my, h, y, y);
      cr = alpha * alpha * unit * dot_rows (mx, w, x, xr) * dot_rows (my, h, y, y);
      cb = alpha * alpha * unit * dot_rows (mx, w, x, x) * dot_rows (my, h, y, yb);
      want_cr = cr / sqrt (var * alpha * alpha * unit * dot_rows (mx, w, xr, xr) * dot_rows (my, h, y, y));
      want_cb = cb / sqrt (var * alpha * alpha * unit * dot_rows (mx, w, x, x) * dot_rows (my, h, yb, yb));

      got_sd = sqrt (s2[k] / (2.0 * N_SEEDS));
      got_cr = sr[k] / sqrt (s2[k] * sr2[k]);
      got_cb = sb[k] / sqrt (s2[k] * sb2[k]);
      g_test_message ("(%d, %d): sd %.4f (full resolution %.4f), correlation at %d: "
                      "x %.3f (%.3f), y %.3f (%.3f), dx.dy %.3f",
                      x, y, got_sd, sqrt (var), d, got_cr, want_cr, got_cb, want_cb,
                      sxy[k] / (s2[k] / 2));
      g_assert_cmpfloat (fabs (got_sd / sqrt (var) - 1), <, 0.1);
      g_assert_cmpfloat (fabs (got_cr - want_cr), <, 0.1 * fabs (want_cr) + 0.02);
      g_assert_cmpfloat (fabs (got_cb - want_cb), <, 0.1 * fabs (want_cb) + 0.02);
      /* the two directions are independent */
      g_assert_cmpfloat (fabs (sxy[k] / (s2[k] / 2)), <, 0.12);
    }
}

/* same_dxdy: one field for both directions. */
static void
test_field_same (void)
{
  g_autoptr(AugurElasticField) field = augur_elastic_field_new (37, 29, 20, 4, 16, 4, FALSE, TRUE, 7);
  float dx[37], dy[37];
  double s2 = 0;

  for (int y = 0; y < 29; y++)
    {
      augur_elastic_field_row (field, y, dx, dy);
      for (int x = 0; x < 37; x++)
        {
          g_assert_cmpfloat (dx[x], ==, dy[x]);
          s2 += dx[x] * dx[x];
        }
    }
  g_assert_cmpfloat (s2, >, 0);
}

/* The map is the quantised source points, exactly, in pixel-centre
 * coordinates; a field of alpha 0 is the identity. */
static void
test_field_map (void)
{
  int w = 23, h = 11;
  g_autoptr(AugurElasticField) field = augur_elastic_field_new (w, h, 30, 3, 12, 3, FALSE, FALSE, 3);
  g_autoptr(AugurElasticField) still = augur_elastic_field_new (w, h, 0, 3, 12, 3, FALSE, FALSE, 3);
  g_autofree float *map = g_new (float, 2 * (gsize) w * h);
  g_autofree float *scratch = g_new (float, 2 * (gsize) w);
  g_autofree gint32 *q = g_new (gint32, 2 * (gsize) w);
  float dx[23], dy[23];

  augur_elastic_field_map (field, 0, h, map);
  for (int y = 0; y < h; y++)
    {
      augur_elastic_field_row (field, y, dx, dy);
      augur_elastic_field_source (field, y, scratch, q, q + w);
      for (int x = 0; x < w; x++)
        {
          const float *m = map + 2 * ((gsize) y * w + x);

          g_assert_cmpfloat (m[0], ==, q[x] / 128.0 + 0.5);
          g_assert_cmpfloat (m[1], ==, q[w + x] / 128.0 + 0.5);
          g_assert_cmpfloat (fabs (q[x] / 128.0 - (x + dx[x])), <=, 1.0 / 256 + 1e-4);
          g_assert_cmpfloat (fabs (q[w + x] / 128.0 - (y + dy[x])), <=, 1.0 / 256 + 1e-4);
        }
    }
  /* the AVX2 source points are the portable loops' to the bit: rows of
   * one and two blocks of 32, a block of 8 and a remainder */
  for (int k = 0; k < 4; k++)
    {
      int ww = k < 2 ? 45 : 77, hh = 13;
      gboolean same = k % 2;
      g_autoptr(AugurElasticField) a = NULL;
      g_autoptr(AugurElasticField) b = NULL;
      g_autofree float *ma = g_new (float, 2 * (gsize) ww * hh);
      g_autofree float *mb = g_new (float, 2 * (gsize) ww * hh);

      /* strong enough to reach the clamps */
      a = augur_elastic_field_new (ww, hh, 4e6, 2, 8, 2, FALSE, same, 11);
      g_setenv ("AUGUR_NO_AVX2", "1", TRUE);
      b = augur_elastic_field_new (ww, hh, 4e6, 2, 8, 2, FALSE, same, 11);
      g_unsetenv ("AUGUR_NO_AVX2");
      augur_elastic_field_map (a, 0, hh, ma);
      augur_elastic_field_map (b, 0, hh, mb);
      g_assert_cmpmem (ma, 2 * (gsize) ww * hh * sizeof (float), mb, 2 * (gsize) ww * hh * sizeof (float));
    }

  augur_elastic_field_map (still, 2, 3, map);
  for (int y = 2; y < 5; y++)
    for (int x = 0; x < w; x++)
      {
        g_assert_cmpfloat (map[2 * ((gsize) (y - 2) * w + x)], ==, x + 0.5);
        g_assert_cmpfloat (map[2 * ((gsize) (y - 2) * w + x) + 1], ==, y + 0.5);
      }
}

/* The bulk normal numbers: moments and tail masses of the standard
 * normal; the uniform ones fill [-1, 1). */
static void
test_noise (void)
{
  const gsize n = 2000000;
  g_autofree float *v = g_new (float, n);
  double s1 = 0, s2 = 0, s4 = 0, over[4] = { 0 };
  /* P (|X| > k) of the standard normal, k = 1, 2, 3, 4 */
  static const double tail[4] = { 0.3173105, 0.0455003, 0.0026998, 0.0000633 };
  AugurRng rng;

  augur_rng_init (&rng, 42);
  augur_elastic_noise (&rng, FALSE, v, n);
  for (gsize i = 0; i < n; i++)
    {
      double x = v[i];

      s1 += x;
      s2 += x * x;
      s4 += x * x * x * x;
      for (int k = 0; k < 4; k++)
        over[k] += fabs (x) > k + 1;
    }
  g_assert_cmpfloat (fabs (s1 / n), <, 0.005);
  g_assert_cmpfloat (fabs (s2 / n - 1), <, 0.005);
  g_assert_cmpfloat (fabs (s4 / n - 3), <, 0.05);
  for (int k = 0; k < 4; k++)
    {
      double p = over[k] / n, se = sqrt (tail[k] * (1 - tail[k]) / n);

      g_test_message ("P(|X| > %d) = %.7f, normal %.7f", k + 1, p, tail[k]);
      g_assert_cmpfloat (fabs (p - tail[k]), <, 5 * se);
    }

  /* the generator inlined for the noise is augur_rng_next ()'s stream */
  {
    AugurRng a, b;

    augur_rng_init (&a, 9);
    augur_rng_init (&b, 9);
    augur_elastic_noise (&a, TRUE, v, 1000);
    for (int i = 0; i < 1000; i++)
      g_assert_cmpfloat (v[i], ==, (float) ((gint64) (augur_rng_next (&b) >> 11) * 0x1.0p-52 - 1.0));
    g_assert_true (memcmp (&a, &b, sizeof a) == 0);
  }

  augur_elastic_noise (&rng, TRUE, v, n);
  s1 = s2 = 0;
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpfloat (v[i], >=, -1);
      g_assert_cmpfloat (v[i], <, 1);
      s1 += v[i];
      s2 += (double) v[i] * v[i];
    }
  g_assert_cmpfloat (fabs (s1 / n), <, 0.003);
  g_assert_cmpfloat (fabs (s2 / n - 1.0 / 3), <, 0.003);
}

/* The warp ------------------------------------------------------------------- */

static void
map_rows (gconstpointer  state,
          int            width,
          int            height,
          int            y0,
          int            n,
          float         *map)
{
  augur_elastic_field_map (state, y0, n, map);
}

/* augur_elastic_remap () is the bilinear warp through the field's map,
 * to the bit: every channel count and border, sizes below and above the
 * vector loop's reach, strong fields that leave the image, with the AVX2
 * loop and without it. */
static void
test_remap_matches_map (void)
{
  static const struct { int w, h; double alpha, sigma; } sizes[] = {
    { 67, 45, 40, 5 }, { 150, 9, 400, 3 }, { 5, 4, 8, 1.5 }, { 1, 7, 5, 2 }, { 9, 1, 5, 2 },
    { 33, 40, 0, 4 },
  };
  static const AugurBorder borders[] = {
    AUGUR_BORDER_CONSTANT, AUGUR_BORDER_REPLICATE, AUGUR_BORDER_REFLECT, AUGUR_BORDER_WRAP,
    AUGUR_BORDER_REFLECT_101,
  };
  static const int channels[] = { 1, 3, 4 };
  AugurFill fill = { { 10, 200.4, 30, 77 } };
  int compared = 0;

  for (int portable = 0; portable < 2; portable++)
    {
      if (portable)
        g_setenv ("AUGUR_NO_AVX2", "1", TRUE);
      for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
        for (guint c = 0; c < G_N_ELEMENTS (channels); c++)
          for (guint b = 0; b < G_N_ELEMENTS (borders); b++)
            {
              int w = sizes[s].w, h = sizes[s].h;
              g_autoptr(AugurElasticField) field = NULL;
              g_autoptr(AugurImage) src = augur_test_noise_image (w, h, channels[c], 0, 255, s * 10 + c);
              g_autoptr(AugurImage) fast = NULL;
              g_autoptr(AugurImage) slow = NULL;

              field = augur_elastic_field_new (w, h, sizes[s].alpha, sizes[s].sigma,
                                               floor (4 * sizes[s].sigma + 0.5), sizes[s].sigma,
                                               FALSE, FALSE, 77 + s);
              fast = augur_elastic_remap (field, src, borders[b], b % 2 ? &fill : NULL);
              slow = augur_warp_map_rows (src, w, h, map_rows, field, AUGUR_INTERP_LINEAR,
                                          borders[b], b % 2 ? &fill : NULL);
              if (!augur_image_equal (fast, slow))
                g_error ("%dx%d, %d channels, border %d%s: the fast warp differs", w, h,
                         channels[c], borders[b], portable ? ", portable" : "");
              if (sizes[s].alpha == 0)
                g_assert_true (augur_image_equal (fast, src));
              compared++;
            }
      g_unsetenv ("AUGUR_NO_AVX2");
    }
  g_assert_cmpint (compared, ==, 2 * 6 * 3 * 5);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (field_cases); i++)
    {
      const FieldCase *fc = &field_cases[i];
      g_autofree char *path = g_strdup_printf ("/elastic/field/%dx%d-sigma-%g-step-%g%s",
                                               fc->width, fc->height, fc->sigma, fc->step,
                                               fc->uniform ? "-uniform" : "");

      g_test_add_data_func (path, fc, test_field_statistics);
    }
  g_test_add_func ("/elastic/field/same-dxdy", test_field_same);
  g_test_add_func ("/elastic/field/map", test_field_map);
  g_test_add_func ("/elastic/noise", test_noise);
  g_test_add_func ("/elastic/remap-matches-map", test_remap_matches_map);
  return g_test_run ();
}
