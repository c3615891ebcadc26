/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-hls-rows.h"
#include "augur-rng-bulk.h"
#include "augur-simd.h"
#include "augur-transform-private.h"
#include "augur-weather-kernels.h"

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

/* Fills @out with @n values mean + std * t[i], i a uniform 16-bit index,
 * four from each 64-bit draw of @rng: inversion sampling through a table of
 * NT_SIZE quantiles (see above for the normal one). */
static void
fill_from_table (AugurRng          *rng,
                 const float       *restrict t,
                 float             *restrict out,
                 gsize              n,
                 float              mean,
                 float              std)
{
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

/* Fills @out with @n normal deviates of mean @mean and standard deviation
 * @std (see above). */
static void
fill_normal (AugurRng     *rng,
             float        *restrict out,
             gsize         n,
             float         mean,
             float         std)
{
  fill_from_table (rng, normal_table_get (), out, n, mean, std);
}

/*
 * The source byte is an integer, so s + n rounded is s plus n rounded: the
 * noise is added as integer offsets. n rounded half up is floor (n + 0.5),
 * and the float to int conversion truncates, which is the floor for
 * positive values: the offset keeps them positive. The offsets are
 * limited to 256 either way, past which the saturation gives the same
 * bytes.
 *
 * At full size every byte needs its own deviate: the table of NT_SIZE
 * deviates becomes a table of NT_SIZE integer offsets, built once per
 * application, and a byte costs a 16-bit index from the bulk generator,
 * one lookup and a saturating add.
 */
#define NOISE_OFFSET 4096
#define NOISE_LEVEL_LIMIT 256

static inline gint16
noise_level (float n)
{
  int v;

  n = CLAMP (n, -2.0f * NOISE_LEVEL_LIMIT, 2.0f * NOISE_LEVEL_LIMIT);
  v = (int) (n + (NOISE_OFFSET + 0.5f)) - NOISE_OFFSET;
  return (gint16) CLAMP (v, -NOISE_LEVEL_LIMIT, NOISE_LEVEL_LIMIT);
}

static void
noise_levels_build (const float *restrict t,
                    float                 mean,
                    float                 std,
                    gint16               *restrict levels)
{
  for (int i = 0; i < NT_SIZE; i++)
    levels[i] = noise_level (mean + std * t[i]);
}

/* d = s + n saturated to 0..255, a plain loop the compiler vectorises. */
AUGUR_SIMD_CLONES static void
add_levels_row (const guint8 *restrict s,
                const gint16 *restrict n,
                guint8       *restrict d,
                gsize                  len)
{
  for (gsize i = 0; i < len; i++)
    {
      int v = s[i] + n[i];

      v = v < 0 ? 0 : v;
      v = v > 255 ? 255 : v;
      d[i] = (guint8) v;
    }
}

/*
 * The offsets table has NT_SIZE equally likely entries but only as many
 * distinct values as there are levels in the noise's reach (at most
 * 2 NOISE_LEVEL_LIMIT + 1), each with a whole number of entries: a
 * discrete distribution with probabilities in 1/NT_SIZE. Walker's alias
 * method (as arranged by Vose, 1991) samples exactly that distribution
 * from a table small enough to stay in the first-level cache, where the
 * lookups in the 128 KiB table of offsets waited on memory: ALIAS_SIZE
 * buckets of ALIAS_CAP entries' worth each, a 16-bit index choosing the
 * bucket by its high bits and between the bucket's own value and its
 * alias by its low ones. With integer weights every step is exact.
 */
#define ALIAS_BITS 10
#define ALIAS_SIZE (1 << ALIAS_BITS)
#define ALIAS_CAP (NT_SIZE / ALIAS_SIZE)
#define N_LEVELS (2 * NOISE_LEVEL_LIMIT + 1)

G_STATIC_ASSERT (N_LEVELS <= ALIAS_SIZE);

/* Entry j of @alias: its own level plus NOISE_LEVEL_LIMIT (j itself, in
 * ALIAS_BITS bits), its alias's (the next ALIAS_BITS), and how many of its
 * ALIAS_CAP low-bit values take its own (the bits above). */
#define ALIAS_FIELD(e, k) (((e) >> ((k) * ALIAS_BITS)) & (ALIAS_SIZE - 1))
#define ALIAS_ENTRY(own, other, share) \
  ((guint32) (own) | (guint32) (other) << ALIAS_BITS | (guint32) (share) << (2 * ALIAS_BITS))

static void
noise_alias_build (const gint16 *levels,
                   guint32      *alias)
{
  int weight[ALIAS_SIZE] = { 0 };
  int small[ALIAS_SIZE], large[ALIAS_SIZE];
  int n_small = 0, n_large = 0;

  for (int i = 0; i < NT_SIZE; i++)
    weight[levels[i] + NOISE_LEVEL_LIMIT]++;
  for (int j = 0; j < ALIAS_SIZE; j++)
    {
      if (weight[j] < ALIAS_CAP)
        small[n_small++] = j;
      else
        large[n_large++] = j;
    }
  while (n_small > 0 && n_large > 0)
    {
      int sj = small[--n_small], lj = large[--n_large];

      alias[sj] = ALIAS_ENTRY (sj, lj, weight[sj]);
      weight[lj] -= ALIAS_CAP - weight[sj];
      if (weight[lj] < ALIAS_CAP)
        small[n_small++] = lj;
      else
        large[n_large++] = lj;
    }
  /* The rest are full (exactly, with integer weights). */
  while (n_large > 0)
    {
      int lj = large[--n_large];

      alias[lj] = ALIAS_ENTRY (lj, lj, ALIAS_CAP);
    }
  while (n_small > 0)
    {
      int sj = small[--n_small];

      g_assert (weight[sj] == ALIAS_CAP || weight[sj] == 0);
      alias[sj] = ALIAS_ENTRY (sj, sj, weight[sj]);
    }
}

AUGUR_SIMD_CLONES static void
alias_lookup (const guint32 *restrict alias,
              const guint16 *restrict idx,
              gint16        *restrict out,
              gsize                   n)
{
  for (gsize i = 0; i < n; i++)
    {
      guint32 e = alias[idx[i] >> (NT_BITS - ALIAS_BITS)];
      guint32 low = idx[i] & (ALIAS_CAP - 1);
      int own = (int) ALIAS_FIELD (e, 0), other = (int) ALIAS_FIELD (e, 1);

      out[i] = (gint16) ((low < (e >> (2 * ALIAS_BITS)) ? own : other) - NOISE_LEVEL_LIMIT);
    }
}

/* Adds to @src, into @out, noise of @levels (equally likely) drawn through
 * their alias table with indices from @bulk, a row at a time: @planes
 * values a pixel, one for each colour channel or (@planes 1) one shared by
 * them; alpha gets none. */
static void
add_noise_levels (const AugurImage *src,
                  AugurImage       *out,
                  const gint16     *levels,
                  int               planes,
                  AugurRngBulk     *bulk)
{
  int w = src->width, nc = src->channels, cc = nc == 4 ? 3 : nc;
  gsize n = (gsize) w * planes;
  g_autofree guint32 *alias = g_new (guint32, ALIAS_SIZE);
  g_autofree guint16 *idx = g_new (guint16, n);
  g_autofree gint16 *values = g_new (gint16, n);
  g_autofree gint16 *row = g_new0 (gint16, (gsize) w * nc);

  noise_alias_build (levels, alias);
  for (int y = 0; y < src->height; y++)
    {
      augur_rng_bulk_fill_u16 (bulk, idx, n);
      alias_lookup (alias, idx, planes == nc ? row : values, n);
      if (planes != nc)
        for (int x = 0; x < w; x++)
          for (int c = 0; c < cc; c++)
            row[x * nc + c] = values[x * planes + (planes == 1 ? 0 : c)];
      add_levels_row (augur_image_row (src, y), row, augur_image_row (out, y), (gsize) w * nc);
    }
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
  { "std", FALSE, 0, 1, .label = "Strength", .unit = "%", .scale = 100 },
  { "mean", FALSE, -1, 1, .label = "Mean", .unit = "%", .scale = 100, .signed_ = TRUE },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
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
 * at noise_scale_factor of the size and upscaled bilinearly (at full size,
 * as integer offsets: add_noise_levels). The alpha of an RGBA image is left
 * alone (Albumentations would add noise to it too).
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
  g_autofree gint16 *row = NULL;
  g_autofree float *field = NULL;
  AugurImage *out;
  AugurRng rng;

  augur_rng_init (&rng, seed);

  if (factor < 1.0)
    {
      nw = MAX (1, (int) (w * factor));
      nh = MAX (1, (int) (h * factor));
    }
  out = augur_image_new_like_uninitialized (src);
  if (nw == w && nh == h)
    {
      g_autofree gint16 *levels = g_new (gint16, NT_SIZE);
      AugurRngBulk bulk;

      noise_levels_build (normal_table_get (), (float) mean, (float) std, levels);
      augur_rng_bulk_init (&bulk, &rng);
      add_noise_levels (src, out, levels, planes, &bulk);
      return out;
    }

  /* Drawn smaller and upscaled: one row of noise for every byte of a row
   * (0 for an alpha). */
  row = g_new0 (gint16, (gsize) w * nc);
  field = g_new (float, (gsize) nw * nh * planes);
  fill_normal (&rng, field, (gsize) nw * nh * planes, (float) mean, (float) std);
  noise = augur_weather_upscale (field, nw, nh, planes, w, h);
  for (int y = 0; y < h; y++)
    {
      const float *n = noise + (gsize) y * w * planes;

      for (int x = 0; x < w; x++)
        for (int c = 0; c < cc; c++)
          row[x * nc + c] = noise_level (n[x * planes + (planes == 1 ? 0 : c)]);
      add_levels_row (augur_image_row (src, y), row, augur_image_row (out, y), (gsize) w * nc);
    }

  return out;
}

/* Shared by the noise transforms below ------------------------------------------- */

/* The number of colour channels (alpha is never touched). */
static inline int
colour_channels (const AugurImage *image)
{
  return image->channels == 4 ? 3 : image->channels;
}

/* The standard Laplace distribution's NT_SIZE interval means, as the
 * normal table: the inverse CDF at each interval's middle probability. */
static float laplace_table[NT_SIZE];
/* Uniform on [0, 1): the middle of each interval. */
static float uniform_table[NT_SIZE];

static const float *
laplace_table_get (void)
{
  static gsize built = 0;

  if (g_once_init_enter (&built))
    {
      for (int i = 0; i < NT_SIZE; i++)
        {
          double u = (i + 0.5) / NT_SIZE;

          laplace_table[i] = (float) (u < 0.5 ? log (2 * u) : -log (2 * (1 - u)));
        }
      g_once_init_leave (&built, 1);
    }
  return laplace_table;
}

static const float *
uniform_table_get (void)
{
  static gsize built = 0;

  if (g_once_init_enter (&built))
    {
      for (int i = 0; i < NT_SIZE; i++)
        uniform_table[i] = (float) ((i + 0.5) / NT_SIZE);
      g_once_init_leave (&built, 1);
    }
  return uniform_table;
}

/* The Beta (@a, @b) quantiles at the NT_SIZE middle probabilities, mapped
 * to 2 x - 1 (Albumentations' beta noise spans [-scale, scale]). The CDF is
 * integrated on a grid clustered at both ends (x = (1 - cos (pi i / N)) / 2),
 * the end cells analytically, where a density with a or b below 1 is
 * unbounded. */
static void
beta_table_build (double  a,
                  double  b,
                  float  *table)
{
  enum { N = 8192 };
  g_autofree double *x = g_new (double, N + 1);
  g_autofree double *cdf = g_new (double, N + 1);
  int k = 0;

  for (int i = 0; i <= N; i++)
    x[i] = 0.5 * (1 - cos (G_PI * i / N));
  cdf[0] = 0;
  for (int i = 1; i <= N; i++)
    {
      double mass;

      if (i == 1)
        mass = pow (x[1], a) / a;
      else if (i == N)
        mass = pow (1 - x[N - 1], b) / b;
      else
        {
          double p0 = pow (x[i - 1], a - 1) * pow (1 - x[i - 1], b - 1);
          double p1 = pow (x[i], a - 1) * pow (1 - x[i], b - 1);

          mass = 0.5 * (p0 + p1) * (x[i] - x[i - 1]);
        }
      cdf[i] = cdf[i - 1] + mass;
    }
  for (int j = 0; j < NT_SIZE; j++)
    {
      double q = (j + 0.5) / NT_SIZE * cdf[N];
      double t;

      while (k < N - 1 && cdf[k + 1] < q)
        k++;
      t = cdf[k + 1] > cdf[k] ? (q - cdf[k]) / (cdf[k + 1] - cdf[k]) : 0.5;
      table[j] = (float) (2 * (x[k] + t * (x[k + 1] - x[k])) - 1);
    }
}

/* A uniform 32-bit integer from half a 64-bit draw. */
#define HI32(r) ((guint32) ((r) >> 32))
#define LO32(r) ((guint32) (r))

/* ISONoise ----------------------------------------------------------------------- */

enum { ISO_COLOR_SHIFT, ISO_INTENSITY };

static const AugurParamSpec iso_params[] = {
  [ISO_COLOR_SHIFT] = {
    .name = "color_shift", .label = "Colour shift",
    .description = "Range of the hue noise's spread, as a fraction of the 360° hue circle",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 0.2, .step = 0.005, .def = { 0.01, 0.05 } },
  [ISO_INTENSITY] = {
    .name = "intensity", .label = "Intensity",
    .description = "Range of the noise's strength, scaling both the hue and the luminance noise",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.1, 0.5 } },
};

static const AugurDrawnSpec iso_drawn[] = {
  { "color_shift", FALSE, 0, 1, .label = "Colour shift" },
  { "intensity", FALSE, 0, 1, .label = "Intensity" },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

static void
iso_sample (const AugurValue *params,
            const AugurShape *in,
            AugurRng         *rng,
            AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "color_shift",
                   augur_rng_range (rng, params[ISO_COLOR_SHIFT].v[0], params[ISO_COLOR_SHIFT].v[1]));
  augur_drawn_set (drawn, "intensity",
                   augur_rng_range (rng, params[ISO_INTENSITY].v[0], params[ISO_INTENSITY].v[1]));
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/* The standard deviation of HLS lightness (0..1) over the image, from
 * exact integer sums of max + min (twice the lightness, in levels). */
static double
lightness_std (const AugurImage *src)
{
  guint64 sum = 0, sum2 = 0;
  double n = (double) src->width * src->height, mean;

  for (int y = 0; y < src->height; y++)
    augur_lightness_sums (augur_image_row (src, y), src->width, src->channels, &sum, &sum2);
  mean = sum / n;
  return sqrt (MAX (sum2 / n - mean * mean, 0)) / 510.0;
}

/*
 * Albumentations' iso_noise: in HLS, the lightness of each pixel gains
 * k * intensity * (1 - L), k ~ Poisson (std (L) * intensity), a sparse
 * sensor speckle, and the hue gains a normal deviate. 2.0.8's code uses
 * color_shift * intensity degrees for that deviate's spread, which its own
 * documentation ("a fraction of 360 degree Hue angle") and 1.x make
 * color_shift * 360 * intensity; the documented meaning is taken, as it is
 * the one the slider's range is for. A gray image gets the lightness
 * speckle only (it has no hue).
 *
 * augur_hls_turn_lighten_row does both a row at a time without the HLS
 * round trip's branches; k is found by inversion on a 32-bit uniform and
 * the hue deviate through the normal table on a 16-bit one, both from the
 * bulk generator, a row at a time.
 */
static AugurImage *
iso_apply (const AugurImage *src,
           const AugurValue *params,
           const AugurDrawn *drawn)
{
  double shift = augur_drawn_get (drawn, "color_shift");
  double intensity = augur_drawn_get (drawn, "intensity");
  double lambda = lightness_std (src) * intensity;
  /* The hue deviates' spread, in sixths of the circle. */
  float hue_std = (float) (shift * 6.0 * intensity);
  int w = src->width, h = src->height, nc = src->channels;
  guint32 cdf[16];
  g_autofree float *hue = NULL;
  g_autofree float *gain = NULL;
  g_autofree guint32 *uniform = NULL;
  g_autofree guint16 *idx = NULL;
  const float *t = normal_table_get ();
  AugurImage *out;
  AugurRngBulk bulk;
  AugurRng rng;

  augur_rng_init (&rng, (guint64) augur_drawn_get (drawn, "seed"));

  /* Poisson (lambda) by inversion over its first 16 cumulative
   * probabilities, as 32-bit thresholds (the mass beyond 15 is below
   * 1e-19). */
  {
    double p = exp (-lambda), c = p;

    for (int k = 0; k < 16; k++)
      {
        cdf[k] = (guint32) MIN (c * 4294967296.0, 4294967295.0);
        p *= lambda / (k + 1);
        c += p;
      }
  }

  out = augur_image_new_like_uninitialized (src);
  gain = g_new (float, w);
  uniform = g_new (guint32, w);
  if (nc != 1)
    {
      hue = g_new (float, w);
      idx = g_new (guint16, w);
    }
  augur_rng_bulk_init (&bulk, &rng);

  for (int y = 0; y < h; y++)
    {
      const guint8 *s = augur_image_row (src, y);
      guint8 *d = augur_image_row (out, y);

      augur_rng_bulk_fill_u32 (&bulk, uniform, w);
      augur_speckle_gain_row (uniform, cdf, (float) intensity, gain, w);
      if (nc == 1)
        {
          for (int x = 0; x < w; x++)
            {
              float l = s[x] / 255.0f;

              l += gain[x] * (1.0f - l);
              d[x] = augur_clamp_u8 (l * 255.0f);
            }
          continue;
        }
      augur_rng_bulk_fill_u16 (&bulk, idx, w);
      augur_scaled_lookup (t, idx, hue, w, hue_std);
      augur_hls_turn_lighten_row (s, hue, gain, d, w, nc);
    }
  return out;
}

/* MultiplicativeNoise -------------------------------------------------------------- */

enum { MN_MULTIPLIER, MN_PER_CHANNEL, MN_ELEMENTWISE };

static const AugurParamSpec mn_params[] = {
  [MN_MULTIPLIER] = {
    .name = "multiplier", .label = "Multiplier",
    .description = "Range the multipliers are drawn from (uniformly)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 5, .ui_min = 0.5, .ui_max = 1.5, .step = 0.01, .def = { 0.9, 1.1 } },
  [MN_PER_CHANNEL] = {
    .name = "per_channel", .label = "Per channel",
    .description = "A multiplier for each colour channel; otherwise one shared by them",
    .type = AUGUR_PARAM_BOOL, .def = { 0 } },
  [MN_ELEMENTWISE] = {
    .name = "elementwise", .label = "Elementwise",
    .description = "A multiplier for each pixel (grain); otherwise one for the whole image",
    .type = AUGUR_PARAM_BOOL, .def = { 0 } },
};

/* "multiplier": the whole-image multipliers (one per colour channel, the
 * same three when not per channel); "seed": the elementwise field. */
static const AugurDrawnSpec mn_drawn[] = {
  { "multiplier", TRUE, 0, 5, 0, 3, .label = "Multiplier", .show = AUGUR_DRAWN_SHOW_SPAN },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

static void
mn_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  double lo = params[MN_MULTIPLIER].v[0], hi = params[MN_MULTIPLIER].v[1];
  double m[3];

  m[0] = augur_rng_range (rng, lo, hi);
  for (int c = 1; c < 3; c++)
    m[c] = AUGUR_PARAM_BOOL_VALUE (params, MN_PER_CHANNEL) ? augur_rng_range (rng, lo, hi) : m[0];
  augur_drawn_set_list (drawn, "multiplier", m, 3);
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/* d = s * m rounded and saturated, in integers the compiler vectorises
 * (m >= 0, so the truncation is the floor). */
AUGUR_SIMD_CLONES static void
multiply_saturate_row (const guint8 *restrict s,
                       const float  *restrict m,
                       guint8       *restrict d,
                       gsize                  len)
{
  for (gsize i = 0; i < len; i++)
    {
      float v = s[i] * m[i] + 0.5f;

      v = v > 255.0f ? 255.0f : v;
      d[i] = (guint8) (int) v;
    }
}

/* lo + width * u, u the middle of the index's interval of [0, 1): the
 * uniform table's value, computed (exactly: a half-integer times a power
 * of two) instead of looked up, so that the loop vectorises. */
AUGUR_SIMD_CLONES static void
uniform_from_index (const guint16 *restrict idx,
                    float         *restrict out,
                    gsize                   n,
                    float                   lo,
                    float                   width)
{
  for (gsize i = 0; i < n; i++)
    out[i] = lo + width * ((idx[i] + 0.5f) * (1.0f / NT_SIZE));
}

/* Albumentations' MultiplicativeNoise: the image times multipliers drawn
 * uniformly from the range, per image or per pixel, per colour channel or
 * shared; alpha is left alone. */
static AugurImage *
mn_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  guint nm;
  const double *m = augur_drawn_get_list (drawn, "multiplier", &nm);
  double lo = params[MN_MULTIPLIER].v[0], hi = params[MN_MULTIPLIER].v[1];
  gboolean per_channel = AUGUR_PARAM_BOOL_VALUE (params, MN_PER_CHANNEL);
  gboolean elementwise = AUGUR_PARAM_BOOL_VALUE (params, MN_ELEMENTWISE);
  int w = src->width, nc = src->channels, cc = colour_channels (src);
  int planes = per_channel ? cc : 1;
  g_autofree float *row = g_new (float, (gsize) w * nc);
  g_autofree float *field = g_new (float, (gsize) w * planes);
  g_autofree guint16 *idx = g_new (guint16, (gsize) w * planes);
  AugurImage *out = augur_image_new_like_uninitialized (src);
  AugurRngBulk bulk;
  AugurRng rng;

  augur_rng_init (&rng, (guint64) augur_drawn_get (drawn, "seed"));
  for (int x = 0; x < w; x++)
    for (int c = 0; c < nc; c++)
      row[x * nc + c] = c < cc ? (float) m[MIN ((guint) c, nm - 1)] : 1.0f;

  if (elementwise)
    augur_rng_bulk_init (&bulk, &rng);
  for (int y = 0; y < src->height; y++)
    {
      if (elementwise)
        {
          augur_rng_bulk_fill_u16 (&bulk, idx, (gsize) w * planes);
          uniform_from_index (idx, planes == nc ? row : field, (gsize) w * planes,
                              (float) lo, (float) (hi - lo));
          if (planes != nc)
            for (int x = 0; x < w; x++)
              for (int c = 0; c < cc; c++)
                row[x * nc + c] = field[x * planes + (planes == 1 ? 0 : c)];
        }
      multiply_saturate_row (augur_image_row (src, y), row, augur_image_row (out, y), (gsize) w * nc);
    }
  return out;
}

/* SaltAndPepper ------------------------------------------------------------------ */

enum { SP_AMOUNT, SP_SALT_VS_PEPPER };

static const AugurParamSpec sp_params[] = {
  [SP_AMOUNT] = {
    .name = "amount", .label = "Amount",
    .description = "Range of the fraction of pixels replaced by salt (white) or pepper (black)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 0.3, .step = 0.005, .def = { 0.01, 0.06 } },
  [SP_SALT_VS_PEPPER] = {
    .name = "salt_vs_pepper", .label = "Salt vs pepper",
    .description = "Range of the fraction of the noisy pixels that are salt; the rest are pepper",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.4, 0.6 } },
};

static const AugurDrawnSpec sp_drawn[] = {
  { "amount", FALSE, 0, 1, .label = "Amount", .unit = "%", .scale = 100 },
  { "salt_vs_pepper", FALSE, 0, 1, .label = "Salt share", .unit = "%", .scale = 100 },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

static void
sp_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "amount", augur_rng_range (rng, params[SP_AMOUNT].v[0], params[SP_AMOUNT].v[1]));
  augur_drawn_set (drawn, "salt_vs_pepper",
                   augur_rng_range (rng, params[SP_SALT_VS_PEPPER].v[0], params[SP_SALT_VS_PEPPER].v[1]));
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/* Each pixel is noisy with probability amount (the high half of one draw
 * against a 32-bit threshold) and then salt with probability
 * salt_vs_pepper (the low half); below AUGUR_RNG_SPARSE_P the noisy pixels
 * are reached by geometric gaps instead, the same distribution for a draw
 * and a logarithm a noisy pixel, and each draws its salt coin from the low
 * half of one more draw. Every colour channel is set to 255 or 0,
 * as Albumentations does; alpha is left alone. Albumentations picks exactly
 * round (amount * area) pixels; here the count is binomial around it (its
 * relative spread is under 1 % on any image of 100 x 100 and more). */
static AugurImage *
sp_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  guint64 t_noise = (guint64) (augur_drawn_get (drawn, "amount") * 4294967296.0);
  guint64 t_salt = (guint64) (augur_drawn_get (drawn, "salt_vs_pepper") * 4294967296.0);
  double amount = augur_drawn_get (drawn, "amount");
  int w = src->width, nc = src->channels, cc = colour_channels (src);
  AugurImage *out = augur_image_copy (src);
  AugurRng rng;

  augur_rng_init (&rng, (guint64) augur_drawn_get (drawn, "seed"));

  /* Few noisy pixels: walk from one to the next by geometric gaps. */
  if (amount > 0 && amount < AUGUR_RNG_SPARSE_P)
    {
      double log_q = log1p (-amount);
      guint64 total = (guint64) w * src->height;

      for (guint64 j = augur_rng_geometric (&rng, log_q); j < total;
           j += 1 + augur_rng_geometric (&rng, log_q))
        {
          guint8 *d = augur_image_row (out, (int) (j / w)) + (j % w) * nc;
          guint8 v = LO32 (augur_rng_next (&rng)) < t_salt ? 255 : 0;

          for (int c = 0; c < cc; c++)
            d[c] = v;
        }
      return out;
    }

  for (int y = 0; y < src->height; y++)
    {
      guint8 *d = augur_image_row (out, y);

      for (int x = 0; x < src->width; x++, d += nc)
        {
          guint64 r = augur_rng_next (&rng);

          if (HI32 (r) < t_noise)
            {
              guint8 v = LO32 (r) < t_salt ? 255 : 0;

              for (int c = 0; c < cc; c++)
                d[c] = v;
            }
        }
    }
  return out;
}

/* ShotNoise ---------------------------------------------------------------------- */

enum { SN_SCALE };

static const AugurParamSpec sn_params[] = {
  [SN_SCALE] = {
    .name = "scale_range", .label = "Scale",
    .description = "Range of the photon scale: the variance of the noise in linear light is "
                   "scale times the pixel's linear intensity (fewer photons, more noise)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0.001, .max = 1, .ui_min = 0.01, .ui_max = 0.5, .step = 0.01, .def = { 0.1, 0.3 } },
};

static const AugurDrawnSpec sn_drawn[] = {
  { "scale", FALSE, 0.001, 1, .label = "Scale" },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

static void
sn_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "scale", augur_rng_range (rng, params[SN_SCALE].v[0], params[SN_SCALE].v[1]));
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

#define SN_BITS 12
#define SN_SIZE (1 << SN_BITS)

/* Entry (v, i) of @table: the output byte at the middle of the i-th of
 * SN_SIZE equal-probability intervals of the noisy value of input byte v.
 * Built for the bytes in @present only. */
static void
sn_table_build (double          scale,
                const gboolean *present,
                guint8         *table)
{
  for (int v = 0; v < 256; v++)
    {
      double lin, lambda, lo, hi, total = 0, c = 0;
      guint8 *t = table + (gsize) v * SN_SIZE;
      int k0, k1, i = 0;

      if (!present[v])
        continue;
      lin = pow (v / 255.0, 2.2);
      lambda = (lin + scale * 1e-6) / scale;
      lo = floor (lambda - 9 * sqrt (lambda) - 10);
      hi = ceil (lambda + 9 * sqrt (lambda) + 10);
      k0 = (int) MAX (lo, 0);
      k1 = (int) hi;

      for (int k = k0; k <= k1; k++)
        total += exp (k * log (lambda) - lambda - lgamma (k + 1.0));
      for (int k = k0; k <= k1 && i < SN_SIZE; k++)
        {
          double y = MIN (k * scale, 1.0);
          guint8 out = augur_clamp_u8 (255.0 * pow (y, 1 / 2.2));

          c += exp (k * log (lambda) - lambda - lgamma (k + 1.0)) / total;
          while (i < SN_SIZE && (i + 0.5) / SN_SIZE <= c)
            t[i++] = out;
        }
      for (; i < SN_SIZE; i++)
        t[i] = augur_clamp_u8 (255.0 * pow (MIN (k1 * scale, 1.0), 1 / 2.2));
    }
}

/*
 * Albumentations' shot_noise: in linear light (the byte over 255 to the
 * power 2.2), a Poisson count of mean L / scale, times scale, clipped to
 * 1 and taken back to gamma 1/2.2. As an 8-bit input byte has only 256
 * values, the whole output distribution of each byte is tabulated (4096
 * quantiles; tails beyond 1/8192 either side are cut) and a pixel is one
 * table lookup on a 12-bit random index.
 */
static AugurImage *
sn_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  double scale = augur_drawn_get (drawn, "scale");
  int w = src->width, nc = src->channels, cc = colour_channels (src);
  g_autofree guint8 *table = g_new (guint8, (gsize) 256 * SN_SIZE);
  g_autofree guint16 *index = g_new (guint16, (gsize) w * nc + 5);
  gboolean present[256] = { FALSE };
  AugurImage *out = augur_image_new_like_uninitialized (src);
  AugurRng rng;

  for (int y = 0; y < src->height; y++)
    {
      const guint8 *s = augur_image_row (src, y);

      for (int x = 0; x < w; x++)
        for (int c = 0; c < cc; c++)
          present[s[x * nc + c]] = TRUE;
    }
  sn_table_build (scale, present, table);

  augur_rng_init (&rng, (guint64) augur_drawn_get (drawn, "seed"));
  for (int y = 0; y < src->height; y++)
    {
      const guint8 *s = augur_image_row (src, y);
      guint8 *d = augur_image_row (out, y);
      gsize n = (gsize) w * nc;

      for (gsize i = 0; i < n; i += 5)
        {
          guint64 r = augur_rng_next (&rng);

          for (int k = 0; k < 5; k++, r >>= SN_BITS)
            index[i + k] = (guint16) (r & (SN_SIZE - 1));
        }
      for (gsize i = 0; i < n; i++)
        d[i] = (nc == 4 && i % 4 == 3) ? s[i] : table[(gsize) s[i] * SN_SIZE + index[i]];
    }
  return out;
}

/* AdditiveNoise ------------------------------------------------------------------ */

/*
 * Albumentations' noise_params is a dictionary whose keys depend on
 * noise_type; here each key is a parameter of its own, under its
 * Albumentations name: ranges (uniform; one range for every channel, where
 * Albumentations allows one a channel in constant mode), mean_range and
 * std_range (gaussian), mean_range and scale_range (laplace), alpha_range,
 * beta_range and scale_range (beta). Albumentations' default scale_range is
 * (0.05, 0.15) for laplace and (0.1, 0.3) for beta; the shared parameter
 * takes the laplace one.
 */
enum { AN_NOISE_TYPE, AN_SPATIAL_MODE, AN_APPROXIMATION, AN_RANGES, AN_MEAN_RANGE,
       AN_STD_RANGE, AN_SCALE_RANGE, AN_ALPHA_RANGE, AN_BETA_RANGE };

enum { AN_UNIFORM, AN_GAUSSIAN, AN_LAPLACE, AN_BETA };
enum { AN_CONSTANT, AN_PER_PIXEL, AN_SHARED };

static const char *const an_type_nicks[] = { "uniform", "gaussian", "laplace", "beta", NULL };
static const char *const an_mode_nicks[] = { "constant", "per_pixel", "shared", NULL };

static const AugurParamSpec an_params[] = {
  [AN_NOISE_TYPE] = {
    .name = "noise_type", .label = "Distribution",
    .description = "The distribution the noise is drawn from",
    .type = AUGUR_PARAM_ENUM, .def_nick = AN_UNIFORM, .nicks = an_type_nicks,
    .alb.also = "noise_params.noise_type" },
  [AN_SPATIAL_MODE] = {
    .name = "spatial_mode", .label = "Spatial mode",
    .description = "constant: one value a channel for the whole image; per_pixel: a value for "
                   "each pixel and channel; shared: a value for each pixel, the same in every channel",
    .type = AUGUR_PARAM_ENUM, .def_nick = AN_CONSTANT, .nicks = an_mode_nicks },
  [AN_APPROXIMATION] = {
    .name = "approximation", .label = "Approximation",
    .description = "Resolution of the noise field relative to the image (per_pixel and shared); "
                   "below 1 it is drawn smaller and upscaled bilinearly",
    .type = AUGUR_PARAM_NUMBER,
    .min = 0.01, .max = 1, .ui_min = 0.1, .ui_max = 1, .step = 0.05, .def = { 1 } },
  [AN_RANGES] = {
    .name = "ranges", .label = "Uniform range",
    .description = "uniform: the noise's range, as a fraction of 255",
    .type = AUGUR_PARAM_RANGE,
    .min = -1, .max = 1, .ui_min = -0.5, .ui_max = 0.5, .step = 0.01, .def = { -0.1, 0.1 },
    .alb = { .name = "noise_params.ranges", .encoding = AUGUR_ALB_LIST_OF_ONE, .when = "noise_type=uniform" } },
  [AN_MEAN_RANGE] = {
    .name = "mean_range", .label = "Mean",
    .description = "gaussian and laplace: range of the noise's mean (location), as a fraction of 255",
    .type = AUGUR_PARAM_RANGE,
    .min = -1, .max = 1, .ui_min = -0.3, .ui_max = 0.3, .step = 0.01, .def = { 0, 0 },
    .alb = { .name = "noise_params.mean_range", .when = "noise_type=gaussian|laplace" } },
  [AN_STD_RANGE] = {
    .name = "std_range", .label = "Standard deviation",
    .description = "gaussian: range of the noise's standard deviation, as a fraction of 255",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 0.5, .step = 0.01, .def = { 0.05, 0.15 },
    .alb = { .name = "noise_params.std_range", .when = "noise_type=gaussian" } },
  [AN_SCALE_RANGE] = {
    .name = "scale_range", .label = "Scale",
    .description = "laplace: range of the scale (the standard deviation over the square root of 2); "
                   "beta: range of the half width; both as a fraction of 255",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 0.5, .step = 0.01, .def = { 0.05, 0.15 },
    .alb = { .name = "noise_params.scale_range", .when = "noise_type=laplace|beta" } },
  [AN_ALPHA_RANGE] = {
    .name = "alpha_range", .label = "Beta α",
    .description = "beta: range of the first shape parameter",
    .type = AUGUR_PARAM_RANGE,
    .min = 0.05, .max = 20, .ui_min = 0.1, .ui_max = 5, .step = 0.05, .def = { 0.5, 1.5 },
    .alb = { .name = "noise_params.alpha_range", .when = "noise_type=beta" } },
  [AN_BETA_RANGE] = {
    .name = "beta_range", .label = "Beta β",
    .description = "beta: range of the second shape parameter",
    .type = AUGUR_PARAM_RANGE,
    .min = 0.05, .max = 20, .ui_min = 0.1, .ui_max = 5, .step = 0.05, .def = { 0.5, 1.5 },
    .alb = { .name = "noise_params.beta_range", .when = "noise_type=beta" } },
};

/* "loc" and "spread": gaussian mean and standard deviation, laplace
 * location and scale, beta 0 and scale, uniform low and width; "alpha",
 * "beta": beta's shapes (1 otherwise); "noise": constant mode's value per
 * colour channel (fractions of 255); "seed": the noise field. */
static const AugurDrawnSpec an_drawn[] = {
  { "loc", FALSE, -2, 2, .label = "Mean" },
  { "spread", FALSE, 0, 2, .label = "Spread" },
  { "alpha", FALSE, 0.05, 20, .label = "Alpha" },
  { "beta", FALSE, 0.05, 20, .label = "Beta" },
  { "noise", TRUE, -10, 10, 0, 3, .label = "Noise", .show = AUGUR_DRAWN_SHOW_SPAN },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

static double
an_draw_one (int         type,
             double      loc,
             double      spread,
             double      a,
             double      b,
             AugurRng   *rng)
{
  float v;

  switch (type)
    {
    case AN_UNIFORM:
      return loc + spread * augur_rng_uniform (rng);
    case AN_GAUSSIAN:
      return loc + spread * augur_rng_normal (rng);
    case AN_LAPLACE:
      fill_from_table (rng, laplace_table_get (), &v, 1, (float) loc, (float) spread);
      return v;
    default:
      {
        g_autofree float *t = g_new (float, NT_SIZE);

        beta_table_build (a, b, t);
        fill_from_table (rng, t, &v, 1, 0.0f, (float) spread);
        return v;
      }
    }
}

static void
an_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  int type = params[AN_NOISE_TYPE].nick;
  double loc = 0, spread = 0, a = 1, b = 1, noise[3];

  switch (type)
    {
    case AN_UNIFORM:
      loc = params[AN_RANGES].v[0];
      spread = params[AN_RANGES].v[1] - params[AN_RANGES].v[0];
      break;
    case AN_GAUSSIAN:
      loc = augur_rng_range (rng, params[AN_MEAN_RANGE].v[0], params[AN_MEAN_RANGE].v[1]);
      spread = augur_rng_range (rng, params[AN_STD_RANGE].v[0], params[AN_STD_RANGE].v[1]);
      break;
    case AN_LAPLACE:
      loc = augur_rng_range (rng, params[AN_MEAN_RANGE].v[0], params[AN_MEAN_RANGE].v[1]);
      spread = augur_rng_range (rng, params[AN_SCALE_RANGE].v[0], params[AN_SCALE_RANGE].v[1]);
      break;
    default:
      a = augur_rng_range (rng, params[AN_ALPHA_RANGE].v[0], params[AN_ALPHA_RANGE].v[1]);
      b = augur_rng_range (rng, params[AN_BETA_RANGE].v[0], params[AN_BETA_RANGE].v[1]);
      spread = augur_rng_range (rng, params[AN_SCALE_RANGE].v[0], params[AN_SCALE_RANGE].v[1]);
      break;
    }
  for (int c = 0; c < 3; c++)
    noise[c] = params[AN_SPATIAL_MODE].nick == AN_CONSTANT ? an_draw_one (type, loc, spread, a, b, rng) : 0;

  augur_drawn_set (drawn, "loc", loc);
  augur_drawn_set (drawn, "spread", spread);
  augur_drawn_set (drawn, "alpha", a);
  augur_drawn_set (drawn, "beta", b);
  augur_drawn_set_list (drawn, "noise", noise, 3);
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/*
 * Albumentations' AdditiveNoise: noise of the chosen distribution, times
 * 255, added and clipped; constant (one value a channel), per pixel and
 * channel, or per pixel shared by the channels, optionally drawn at a
 * reduced size and upscaled. Every distribution is sampled through a table
 * of 65536 quantiles (the beta one built for the drawn shapes), at full
 * size as integer offsets (add_noise_levels). Alpha is left alone.
 */
static AugurImage *
an_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  int type = params[AN_NOISE_TYPE].nick, mode = params[AN_SPATIAL_MODE].nick;
  double factor = params[AN_APPROXIMATION].v[0];
  float loc = (float) (augur_drawn_get (drawn, "loc") * 255.0);
  float spread = (float) (augur_drawn_get (drawn, "spread") * 255.0);
  int w = src->width, h = src->height, nc = src->channels, cc = colour_channels (src);
  int planes = mode == AN_PER_PIXEL ? cc : 1;
  int nw = w, nh = h;
  g_autofree gint16 *row = g_new0 (gint16, (gsize) w * nc);
  g_autofree float *beta = NULL;
  g_autofree float **field = g_new0 (float *, planes);
  const float *table;
  AugurImage *out = augur_image_new_like_uninitialized (src);
  AugurRng rng;

  if (mode == AN_CONSTANT)
    {
      guint n;
      const double *noise = augur_drawn_get_list (drawn, "noise", &n);

      for (int x = 0; x < w; x++)
        for (int c = 0; c < cc; c++)
          row[x * nc + c] = noise_level ((float) (noise[MIN ((guint) c, n - 1)] * 255.0));
      for (int y = 0; y < h; y++)
        add_levels_row (augur_image_row (src, y), row, augur_image_row (out, y), (gsize) w * nc);
      return out;
    }

  switch (type)
    {
    case AN_UNIFORM:
      table = uniform_table_get ();
      break;
    case AN_GAUSSIAN:
      table = normal_table_get ();
      break;
    case AN_LAPLACE:
      table = laplace_table_get ();
      break;
    default:
      beta = g_new (float, NT_SIZE);
      beta_table_build (augur_drawn_get (drawn, "alpha"), augur_drawn_get (drawn, "beta"), beta);
      table = beta;
      loc = 0;
      break;
    }

  augur_rng_init (&rng, (guint64) augur_drawn_get (drawn, "seed"));
  if (factor < 1.0)
    {
      nw = MAX (1, (int) (w * factor));
      nh = MAX (1, (int) (h * factor));
    }
  if (nw == w && nh == h)
    {
      g_autofree gint16 *levels = g_new (gint16, NT_SIZE);
      AugurRngBulk bulk;

      noise_levels_build (table, loc, spread, levels);
      augur_rng_bulk_init (&bulk, &rng);
      add_noise_levels (src, out, levels, planes, &bulk);
      return out;
    }
  for (int p = 0; p < planes; p++)
    {
      field[p] = g_new (float, (gsize) nw * nh);
      fill_from_table (&rng, table, field[p], (gsize) nw * nh, loc, spread);
      if (nw != w || nh != h)
        {
          float *big = augur_weather_upscale (field[p], nw, nh, 1, w, h);

          g_free (field[p]);
          field[p] = big;
        }
    }

  for (int y = 0; y < h; y++)
    {
      for (int c = 0; c < cc; c++)
        {
          const float *f = field[planes == 1 ? 0 : c] + (gsize) y * w;

          for (int x = 0; x < w; x++)
            row[x * nc + c] = noise_level (f[x]);
        }
      add_levels_row (augur_image_row (src, y), row, augur_image_row (out, y), (gsize) w * nc);
    }
  for (int p = 0; p < planes; p++)
    g_free (field[p]);
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
  {
    .name = "ISONoise",
    .label = "ISO noise",
    .category = AUGUR_CATEGORY_NOISE,
    .description = "Camera sensor noise: random hue jitter and sparse bright lightness speckle. "
                   "On gray images only the lightness speckle.",
    .version = 1,
    .default_p = 0.5,
    .params = iso_params,
    .n_params = G_N_ELEMENTS (iso_params),
    .drawn = iso_drawn,
    .sample = iso_sample,
    .apply = iso_apply,
  },
  {
    .name = "MultiplicativeNoise",
    .label = "Multiplicative noise",
    .category = AUGUR_CATEGORY_NOISE,
    .description = "Multiply the image by random factors, for the whole image or each pixel, "
                   "shared or per channel. A gray image has one channel.",
    .version = 1,
    .default_p = 0.5,
    .params = mn_params,
    .n_params = G_N_ELEMENTS (mn_params),
    .drawn = mn_drawn,
    .sample = mn_sample,
    .apply = mn_apply,
  },
  {
    .name = "SaltAndPepper",
    .label = "Salt and pepper",
    .category = AUGUR_CATEGORY_NOISE,
    .description = "Set a random fraction of pixels to white (salt) or black (pepper). "
                   "Works alike on gray.",
    .version = 1,
    .default_p = 0.5,
    .params = sp_params,
    .n_params = G_N_ELEMENTS (sp_params),
    .drawn = sp_drawn,
    .sample = sp_sample,
    .apply = sp_apply,
  },
  {
    .name = "ShotNoise",
    .label = "Shot noise",
    .category = AUGUR_CATEGORY_NOISE,
    .description = "Photon (Poisson) noise in linear light: stronger in bright areas in absolute "
                   "terms, in dark ones relative to the signal. Works alike on gray.",
    .version = 1,
    .default_p = 0.5,
    .params = sn_params,
    .n_params = G_N_ELEMENTS (sn_params),
    .drawn = sn_drawn,
    .sample = sn_sample,
    .apply = sn_apply,
  },
  {
    .name = "AdditiveNoise",
    .label = "Additive noise",
    .category = AUGUR_CATEGORY_NOISE,
    .description = "Add uniform, Gaussian, Laplace or beta noise: one value for the image, one "
                   "for each pixel, or one for each pixel and channel. A gray image has one channel.",
    .version = 1,
    .default_p = 0.5,
    .params = an_params,
    .n_params = G_N_ELEMENTS (an_params),
    .drawn = an_drawn,
    .sample = an_sample,
    .apply = an_apply,
  },
};

const guint augur_n_noise_transforms = G_N_ELEMENTS (augur_noise_transforms);
