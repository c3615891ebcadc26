/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-simd.h"
#include "augur-transform-private.h"

/*
 * The normal sampler: a 16-bit inverse-CDF table.
 *
 * The real line is cut into NT_SIZE intervals of equal probability
 * 1 / NT_SIZE under the standard normal, bounded by the quantiles
 * a_i = Phi^-1 (i / NT_SIZE), and entry i holds the mean of the normal
 * restricted to its interval:
 *
 *   t_i = E[Z | a_i <= Z < a_i+1] = NT_SIZE * (phi (a_i) - phi (a_i+1))
 *
 * (phi the density; the identity follows from phi' (z) = -z phi (z)). A
 * uniform 16-bit index then gives a deviate whose distribution is the
 * normal quantised to those intervals: mean exactly 0 (the table is
 * symmetric), variance 1 minus the variance inside the intervals
 * (1.5e-6), kurtosis 2.9998, every quantile within one interval of the
 * true one (steps under 4e-5 sigma around the centre, so far below one
 * 8-bit level at any strength), and tails cut at the last interval's mean,
 * 4.39 sigma, beyond which a normal puts 1.1e-5 of its mass (both sides).
 * This is inversion sampling
 * (Devroye, "Non-Uniform Random Variate Generation", 1986, section II.2)
 * with a table in place of the quantile function; one draw of the
 * xoshiro256** generator feeds four deviates, with no rejection, no
 * logarithm and no branch, where Marsaglia's polar method needed two draws,
 * a logarithm, a square root and a division a pair, and rejected a fifth
 * of the pairs.
 *
 * The quantiles are found once, walking up from a_NT_SIZE/2 = 0: each
 * starts from the previous one plus a step of the inverse density and is
 * refined by Halley's method on the upper tail probability
 * Q (x) = erfc (x / sqrt 2) / 2, which keeps full relative precision far
 * out in the tail. The lower half is the mirror image.
 */
#define NT_BITS 16
#define NT_SIZE (1 << NT_BITS)
#define NT_MASK (NT_SIZE - 1)

static float normal_table[NT_SIZE];

static inline double
std_normal_pdf (double x)
{
  return exp (-0.5 * x * x) / sqrt (2.0 * G_PI);
}

static void
normal_table_build (void)
{
  double a = 0.0;   /* a_i, the lower bound of interval i */
  double pdf_a = std_normal_pdf (0.0);

  for (int i = NT_SIZE / 2; i < NT_SIZE; i++)
    {
      double b, pdf_b;

      if (i + 1 < NT_SIZE)
        {
          /* Q (b) must be (NT_SIZE - i - 1) / NT_SIZE. */
          double q = (double) (NT_SIZE - i - 1) / NT_SIZE;

          b = a + (1.0 / NT_SIZE) / pdf_a;
          for (int k = 0; k < 4; k++)
            {
              double e = 0.5 * erfc (b / G_SQRT2) - q;   /* Q (b) - q */
              double u = e / std_normal_pdf (b);

              /* Halley's step on f (x) = Q (x) - q, with f' = -phi and
               * f'' = x phi. */
              b = b + u / (1.0 - 0.5 * b * u);
            }
          pdf_b = std_normal_pdf (b);
        }
      else
        {
          b = INFINITY;
          pdf_b = 0.0;
        }

      normal_table[i] = (float) (NT_SIZE * (pdf_a - pdf_b));
      normal_table[NT_SIZE - 1 - i] = -normal_table[i];
      a = b;
      pdf_a = pdf_b;
    }
}

static const float *
normal_table_get (void)
{
  static gsize built = 0;

  if (g_once_init_enter (&built))
    {
      normal_table_build ();
      g_once_init_leave (&built, 1);
    }

  return normal_table;
}

/* Fills @out with @n normal deviates of mean @mean and standard deviation
 * @std, four from each 64-bit draw of @rng (see above). */
static void
fill_normal (AugurRng     *rng,
             float        *restrict out,
             gsize         n,
             float         mean,
             float         std)
{
  const float *restrict t = normal_table_get ();
  gsize i = 0;

  for (; i + 4 <= n; i += 4)
    {
      guint64 r = augur_rng_next (rng);

      out[i] = mean + std * t[r & NT_MASK];
      out[i + 1] = mean + std * t[(r >> 16) & NT_MASK];
      out[i + 2] = mean + std * t[(r >> 32) & NT_MASK];
      out[i + 3] = mean + std * t[r >> 48];
    }
  if (i < n)
    {
      guint64 r = augur_rng_next (rng);

      for (; i < n; i++, r >>= 16)
        out[i] = mean + std * t[r & NT_MASK];
    }
}

/* d = s + n, rounded and saturated to 0..255, as one plain loop over the
 * bytes of a row in integers, which the compiler vectorises: s + n rounded
 * half up is s + floor (n + 0.5), and the float to int conversion
 * truncates, which is the floor for positive values: the offset keeps
 * them positive (the noise stays within 4.4 standard deviations of at most
 * 255 plus a mean of at most 255, far inside it). */
#define NOISE_OFFSET 4096

AUGUR_SIMD_CLONES static void
add_saturate_row (const guint8 *restrict s,
                  const float  *restrict n,
                  guint8       *restrict d,
                  gsize                  len)
{
  for (gsize i = 0; i < len; i++)
    {
      int v = s[i] + ((int) (n[i] + (NOISE_OFFSET + 0.5f)) - NOISE_OFFSET);

      v = v < 0 ? 0 : v;
      v = v > 255 ? 255 : v;
      d[i] = (guint8) v;
    }
}

/*
 * Bilinear upscaling of an interleaved float field (@planes values a
 * pixel) from @sw x @sh to @dw x @dh, with pixel centres aligned as OpenCV's
 * INTER_LINEAR (coordinates below 0 clamped to the first pixel).
 */
static float *
upscale_linear (const float *src,
                int          sw,
                int          sh,
                int          planes,
                int          dw,
                int          dh)
{
  float *dst = g_new (float, (gsize) dw * dh * planes);
  g_autofree int *x0 = g_new (int, dw);
  g_autofree int *x1 = g_new (int, dw);
  g_autofree float *ax = g_new (float, dw);

  for (int x = 0; x < dw; x++)
    {
      double fx = MAX ((x + 0.5) * sw / dw - 0.5, 0.0);
      int i = (int) floor (fx);

      x0[x] = MIN (i, sw - 1);
      x1[x] = MIN (i + 1, sw - 1);
      ax[x] = (float) (fx - i);
    }

  for (int y = 0; y < dh; y++)
    {
      double fy = MAX ((y + 0.5) * sh / dh - 0.5, 0.0);
      int j = (int) floor (fy);
      float ay = (float) (fy - j);
      const float *r0 = src + (gsize) MIN (j, sh - 1) * sw * planes;
      const float *r1 = src + (gsize) MIN (j + 1, sh - 1) * sw * planes;
      float *d = dst + (gsize) y * dw * planes;

      for (int x = 0; x < dw; x++)
        for (int c = 0; c < planes; c++)
          {
            float top = r0[x0[x] * planes + c] + ax[x] * (r0[x1[x] * planes + c] - r0[x0[x] * planes + c]);
            float bot = r1[x0[x] * planes + c] + ax[x] * (r1[x1[x] * planes + c] - r1[x0[x] * planes + c]);

            d[x * planes + c] = top + ay * (bot - top);
          }
    }

  return dst;
}

/* GaussNoise --------------------------------------------------------------------- */

enum { GN_STD, GN_MEAN, GN_PER_CHANNEL, GN_SCALE };

static const AugurParamSpec gn_params[] = {
  [GN_STD] = {
    .name = "std_range", .label = "Standard deviation",
    .description = "Range of the noise's standard deviation, as a fraction of 255",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 0.5, .step = 0.01, .def = { 0.2, 0.44 },
    .alb = { .v1_name = "var_limit", .v1_units = AUGUR_ALB_V1_VARIANCE_LEVELS } },
  [GN_MEAN] = {
    .name = "mean_range", .label = "Mean",
    .description = "Range of the noise's mean, as a fraction of 255",
    .type = AUGUR_PARAM_RANGE,
    .min = -1, .max = 1, .ui_min = -0.2, .ui_max = 0.2, .step = 0.01, .def = { 0, 0 },
    .alb = { .v1_name = "mean", .v1_units = AUGUR_ALB_V1_PIXEL_LEVELS } },
  [GN_PER_CHANNEL] = {
    .name = "per_channel", .label = "Per channel",
    .description = "Draw the noise of each colour channel separately; otherwise one value a pixel, added to every channel",
    .type = AUGUR_PARAM_BOOL, .def = { 1 } },
  [GN_SCALE] = {
    .name = "noise_scale_factor", .label = "Noise scale",
    .description = "Resolution of the noise field relative to the image; below 1 the noise is "
                   "drawn smaller and upscaled bilinearly (coarser grain, faster)",
    .type = AUGUR_PARAM_NUMBER,
    .min = 0.01, .max = 1, .ui_min = 0.1, .ui_max = 1, .step = 0.05, .def = { 1 } },
};

/* The noise field itself is not stored: it is regenerated from "seed". */
static const AugurDrawnSpec gn_drawn[] = {
  { "std", FALSE, 0, 1 },
  { "mean", FALSE, -1, 1 },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK },
  { NULL },
};

static void
gn_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "std", augur_rng_range (rng, params[GN_STD].v[0], params[GN_STD].v[1]));
  augur_drawn_set (drawn, "mean", augur_rng_range (rng, params[GN_MEAN].v[0], params[GN_MEAN].v[1]));
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/*
 * Albumentations' GaussNoise: N(mean, std) (both times 255) added and
 * clipped, per colour channel or one value a pixel shared by them, drawn
 * at noise_scale_factor of the size and upscaled bilinearly. The alpha of
 * an RGBA image is left alone (Albumentations would add noise to it too).
 */
static AugurImage *
gn_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  double std = augur_drawn_get (drawn, "std") * 255.0;
  double mean = augur_drawn_get (drawn, "mean") * 255.0;
  guint64 seed = (guint64) augur_drawn_get (drawn, "seed");
  double factor = params[GN_SCALE].v[0];
  int w = src->width, h = src->height, nc = src->channels;
  int cc = nc == 4 ? 3 : nc;
  int planes = AUGUR_PARAM_BOOL_VALUE (params, GN_PER_CHANNEL) ? cc : 1;
  int nw = w, nh = h;
  g_autofree float *noise = NULL;
  g_autofree float *row = NULL;
  AugurImage *out;
  AugurRng rng;

  augur_rng_init (&rng, seed);

  if (factor < 1.0)
    {
      nw = MAX (1, (int) (w * factor));
      nh = MAX (1, (int) (h * factor));
    }
  out = augur_image_new_like_uninitialized (src);
  /* One row of noise for every byte of a row (0 for an alpha). */
  row = g_new0 (float, (gsize) w * nc);
  if (nw != w || nh != h)
    {
      g_autofree float *field = g_new (float, (gsize) nw * nh * planes);

      fill_normal (&rng, field, (gsize) nw * nh * planes, (float) mean, (float) std);
      noise = upscale_linear (field, nw, nh, planes, w, h);
    }
  else if (planes != nc)
    noise = g_new (float, (gsize) w * planes);

  for (int y = 0; y < h; y++)
    {
      const float *n;

      /* At full size the noise is drawn a row at a time, straight into
       * the row when it has one value a byte. */
      if (nw != w || nh != h)
        n = noise + (gsize) y * w * planes;
      else if (planes == nc)
        {
          fill_normal (&rng, row, (gsize) w * nc, (float) mean, (float) std);
          n = row;
        }
      else
        {
          fill_normal (&rng, noise, (gsize) w * planes, (float) mean, (float) std);
          n = noise;
        }

      if (n != row)
        for (int x = 0; x < w; x++)
          for (int c = 0; c < cc; c++)
            row[x * nc + c] = n[x * planes + (planes == 1 ? 0 : c)];

      add_saturate_row (augur_image_row (src, y), row, augur_image_row (out, y), (gsize) w * nc);
    }

  return out;
}

/* The table ---------------------------------------------------------------------- */

const AugurTransformInfo augur_noise_transforms[] = {
  {
    .name = "GaussNoise",
    .label = "Gaussian noise",
    .category = AUGUR_CATEGORY_NOISE,
    .description = "Add Gaussian noise of random strength.",
    .version = 1,
    .default_p = 0.5,
    .params = gn_params,
    .n_params = G_N_ELEMENTS (gn_params),
    .drawn = gn_drawn,
    .sample = gn_sample,
    .apply = gn_apply,
  },
};

const guint augur_n_noise_transforms = G_N_ELEMENTS (augur_noise_transforms);
