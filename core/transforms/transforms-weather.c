/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-simd.h"
#include "augur-transform-private.h"
#include "augur-fog.h"
#include "augur-weather-kernels.h"

/*
 * Weather and light: fog, rain, snow, sun flare, shadows, gravel, spatter
 * and plasma light fields, after Albumentations 2.0.8 (the Automold road
 * augmentation library is where most of them come from). Each sample draws
 * the values a user would name (fog coefficient, slant, flare centre, ...)
 * and a sub-seed; apply regenerates the many small elements (drops, flakes,
 * stones, particles) from that sub-seed, so a replay reproduces the exact
 * pixels. Every transform works on the colour channels as floats and
 * leaves alpha alone; on gray images the colours they draw with are taken
 * by their luma.
 */

/* Helpers ------------------------------------------------------------------------ */

static inline int
colour_channels (const AugurImage *image)
{
  return image->channels == 4 ? 3 : image->channels;
}

/* The colour channels of @src as floats in 0..255, w * h * cc. */
static float *
image_to_float (const AugurImage *src)
{
  int w = src->width, nc = src->channels, cc = colour_channels (src);
  float *f = g_new (float, (gsize) w * src->height * cc);

  for (int y = 0; y < src->height; y++)
    {
      const guint8 *s = augur_image_row (src, y);
      float *d = f + (gsize) y * w * cc;

      if (nc == cc)
        augur_weather_bytes_to_floats (s, d, (gsize) w * cc);
      else
        for (int x = 0; x < w; x++)
          for (int c = 0; c < cc; c++)
            d[x * cc + c] = s[x * nc + c];
    }
  return f;
}

/* A new image of @src's shape with the colours of @f (rounded and clipped)
 * and @src's alpha. */
static AugurImage *
image_from_float (const AugurImage *src,
                  const float      *f)
{
  int w = src->width, nc = src->channels, cc = colour_channels (src);
  AugurImage *out = augur_image_new_like_uninitialized (src);
  g_autofree guint8 *row = g_new (guint8, (gsize) w * cc);

  for (int y = 0; y < src->height; y++)
    {
      const guint8 *s = augur_image_row (src, y);
      const float *p = f + (gsize) y * w * cc;
      guint8 *d = augur_image_row (out, y);

      if (nc == cc)
        {
          augur_weather_floats_to_bytes (p, d, (gsize) w * cc);
          continue;
        }
      augur_weather_floats_to_bytes (p, row, (gsize) w * cc);
      for (int x = 0; x < w; x++)
        {
          d[4 * x] = row[3 * x];
          d[4 * x + 1] = row[3 * x + 1];
          d[4 * x + 2] = row[3 * x + 2];
          d[4 * x + 3] = s[4 * x + 3];
        }
    }
  return out;
}

/* The colour of a FILL parameter for an image of @cc colour channels: the
 * RGB values, or their luma (ITU-R BT.601, as OpenCV's RGB2GRAY) on gray. */
static void
colour_for (const AugurValue *value,
            int               cc,
            float             out[3])
{
  AugurFill fill;

  augur_fill_from_value (value, 3, &fill);
  if (cc == 1)
    out[0] = out[1] = out[2] = (float) (0.299 * fill.v[0] + 0.587 * fill.v[1] + 0.114 * fill.v[2]);
  else
    for (int c = 0; c < 3; c++)
      out[c] = (float) fill.v[c];
}

/* Calls @span for each row of the filled circle of centre (@cx, @cy) and
 * radius @r (pixels whose index lies within r of the centre, as OpenCV's
 * filled cv2.circle), clipped to the image. */
typedef void (*SpanFunc) (int y, int x0, int x1, gpointer data);

static void
for_each_circle_span (double   cx,
                      double   cy,
                      double   r,
                      int      w,
                      int      h,
                      SpanFunc span,
                      gpointer data)
{
  int y0 = MAX (0, (int) ceil (cy - r)), y1 = MIN (h - 1, (int) floor (cy + r));

  for (int y = y0; y <= y1; y++)
    {
      double dx = sqrt (MAX (r * r - (y - cy) * (y - cy), 0));
      int x0 = MAX (0, (int) ceil (cx - dx)), x1 = MIN (w - 1, (int) floor (cx + dx));

      if (x0 <= x1)
        span (y, x0, x1, data);
    }
}

/* A uniform random integer in [lo, hi] from @rng (hi < lo gives lo). */
static int
rand_int (AugurRng *rng,
          int       lo,
          int       hi)
{
  return hi <= lo ? lo : (int) augur_rng_int (rng, lo, hi);
}

/* RandomFog ---------------------------------------------------------------------- */

enum { FOG_COEF, FOG_ALPHA };

static const AugurParamSpec fog_params[] = {
  [FOG_COEF] = {
    .name = "fog_coef_range", .label = "Fog",
    .description = "Range of the fog's density: more and larger haze particles, each more opaque",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.3, 1 },
    .alb = { .v1_name = "fog_coef_lower", .v1_name_second = "fog_coef_upper" } },
  [FOG_ALPHA] = {
    .name = "alpha_coef", .label = "Particle opacity",
    .description = "Opacity of one haze particle at full fog",
    .type = AUGUR_PARAM_NUMBER,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 0.5, .step = 0.01, .def = { 0.08 } },
};

static const AugurDrawnSpec fog_drawn[] = {
  { "fog_coef", FALSE, 0, 1, .label = "Fog" },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

static void
fog_sample (const AugurValue *params,
            const AugurShape *in,
            AugurRng         *rng,
            AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "fog_coef", augur_rng_range (rng, params[FOG_COEF].v[0], params[FOG_COEF].v[1]));
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

typedef struct
{
  float *t;
  int    w;
  float  keep;
} FogSpan;

static void
fog_span (int      y,
          int      x0,
          int      x1,
          gpointer data)
{
  FogSpan *f = data;
  float *t = f->t + (gsize) y * f->w;

  for (int x = x0; x <= x1; x++)
    t[x] *= f->keep;
}

/*
 * Albumentations' add_fog: haze particles (filled white circles of radius
 * between 5 % and 10 % of the short side times the fog coefficient), more
 * of them towards the centre of the image (drawn as Albumentations' get_params
 * draws them: several hundred at a middling fog), each blended at opacity
 * alpha_coef * fog_coef, then a blur of a thirtieth of the short side.
 * Blending circle after circle is a product of transmissions, so the
 * particles are drawn once into a transmission map t (at a quarter of a
 * particle's radius a pixel, enlarged a row at a time), which is softened by
 * a blur of a particle's radius (haze has no edges) and laid over a uniform
 * veil as thick as four particles (without it the fog looked like separate
 * clouds rather than fog), and the image becomes t * image + (1 - t) * 255.
 * The final blur is weighted by the haze (1 - t): fog hides detail where it
 * is dense and leaves clear air sharp, where Albumentations blurs the whole
 * image alike. augur_fog_veil () does that last step in one pass, with the
 * blurred image made at a reduced size.
 */
static AugurImage *
fog_apply (const AugurImage *src,
           const AugurValue *params,
           const AugurDrawn *drawn)
{
  double fog = augur_drawn_get (drawn, "fog_coef");
  float alpha = (float) CLAMP (params[FOG_ALPHA].v[0] * fog, 0, 1);
  int w = src->width, h = src->height;
  int short_side = MIN (w, h);
  int max_r = MAX (2, (int) (short_side * 0.1 * fog)), min_r = MAX (1, max_r / 2);
  /* The transmission map is smooth at the scale of a particle: it is drawn
   * at a quarter of a particle's radius a pixel. */
  int ft = MAX (1, max_r / 4);
  int tw = (w + ft - 1) / ft, th = (h + ft - 1) / ft;
  gsize tn = (gsize) tw * th;
  g_autofree float *t = g_new (float, tn);
  FogSpan span = { t, tw, 1.0f - alpha };
  AugurImage *out;
  AugurRng rng;

  augur_rng_init (&rng, (guint64) augur_drawn_get (drawn, "seed"));
  for (gsize i = 0; i < tn; i++)
    t[i] = 1.0f;

  /* Albumentations' particles: in nested regions around the centre, each
   * 0.9 the size of the last (at most ten, while larger than a "fog region"
   * of a third of the width times the fog), area / region² * fog * 10 of
   * them in each. */
  {
    int region = MAX (1, (int) ((w / 3) * fog));
    int cw = w, ch = h;

    for (int level = 0; level < 10 && cw > region && ch > region; level++)
      {
        gint64 count = (gint64) ((double) cw * ch / ((double) region * region) * fog * 10);

        for (gint64 i = 0; i < count; i++)
          {
            int cx = rand_int (&rng, w / 2 - cw / 2, w / 2 + cw / 2);
            int cy = rand_int (&rng, h / 2 - ch / 2, h / 2 + ch / 2);
            int r = rand_int (&rng, min_r, max_r - 1);

            for_each_circle_span ((cx + 0.5) / ft - 0.5, (cy + 0.5) / ft - 0.5, (double) r / ft, tw, th,
                                  fog_span, &span);
          }
        cw = (int) (cw * 0.9);
        ch = (int) (ch * 0.9);
      }
  }

  /* Soft particles over a uniform veil as thick as four of them: real fog
   * is a veil first and drifting clouds second. */
  augur_weather_gaussian (t, tw, th, 1, (double) max_r / ft);
  {
    float veil = powf (1.0f - alpha, 4);

    for (gsize i = 0; i < tn; i++)
      t[i] *= veil;
  }

  /* The blur seen through the haze: OpenCV's sigma for Albumentations'
   * kernel of min / 30 (odd, >= 3). */
  {
    int k = MAX (3, short_side / 30) | 1;
    AugurFogVeil veil = { t, tw, th, 0.3 * ((k - 1) * 0.5 - 1) + 0.8 };

    out = augur_image_new_like_uninitialized (src);
    augur_fog_veil (src->data, src->stride, out->data, out->stride, w, h, src->channels, &veil,
                    augur_fog_veil_reduction (veil.sigma, w, h));
  }
  return out;
}

/* RandomRain --------------------------------------------------------------------- */

enum { RAIN_SLANT, RAIN_LENGTH, RAIN_WIDTH, RAIN_COLOR, RAIN_BLUR, RAIN_BRIGHTNESS, RAIN_TYPE };
enum { RAIN_DEFAULT, RAIN_DRIZZLE, RAIN_HEAVY, RAIN_TORRENTIAL };

static const char *const rain_type_nicks[] = { "default", "drizzle", "heavy", "torrential", NULL };

static const AugurParamSpec rain_params[] = {
  [RAIN_SLANT] = {
    .name = "slant_range", .label = "Slant",
    .description = "Range of the rain's slant: the horizontal shift of a drop's lower end against "
                   "its upper one, in pixels (negative: to the left)",
    .type = AUGUR_PARAM_RANGE,
    .min = -100, .max = 100, .ui_min = -30, .ui_max = 30, .step = 1, .def = { -10, 10 },
    .alb = { .v1_name = "slant_lower", .v1_name_second = "slant_upper" } },
  [RAIN_LENGTH] = {
    .name = "drop_length", .label = "Drop length",
    .description = "Length of the drops in pixels (rain_type default only); not set: an eighth "
                   "of the image height",
    .type = AUGUR_PARAM_INT, .flags = AUGUR_PARAM_NULLABLE,
    .min = 1, .max = 1000, .ui_min = 1, .ui_max = 100, .step = 1, .def = { 20 }, .def_null = TRUE },
  [RAIN_WIDTH] = {
    .name = "drop_width", .label = "Drop width",
    .description = "Width of the drops in pixels",
    .type = AUGUR_PARAM_INT,
    .min = 1, .max = 5, .ui_min = 1, .ui_max = 5, .step = 1, .def = { 1 } },
  [RAIN_COLOR] = {
    .name = "drop_color", .label = "Drop colour",
    .description = "Colour of the drops (one value for every channel, or R, G, B)",
    .type = AUGUR_PARAM_FILL, .min = 0, .max = 255, .ui_min = 0, .ui_max = 255, .step = 1,
    .def = { 200 }, .def_nick = -1, .nicks = augur_fill_nicks_none, .alb.encoding = AUGUR_ALB_RGB_TRIPLE },
  [RAIN_BLUR] = {
    .name = "blur_value", .label = "Blur",
    .description = "Size of the box blur the drops are softened with (motion and defocus)",
    .type = AUGUR_PARAM_INT,
    .min = 1, .max = 31, .ui_min = 1, .ui_max = 15, .step = 1, .def = { 7 } },
  [RAIN_BRIGHTNESS] = {
    .name = "brightness_coefficient", .label = "Brightness",
    .description = "Factor the whole picture is darkened by under the rain clouds",
    .type = AUGUR_PARAM_NUMBER,
    .min = 0, .max = 1, .ui_min = 0.3, .ui_max = 1, .step = 0.01, .def = { 0.7 } },
  [RAIN_TYPE] = {
    .name = "rain_type", .label = "Rain type",
    .description = "drizzle: few short drops (10 px); heavy: 30 px; torrential: many 60 px drops; "
                   "default: drop_length",
    .type = AUGUR_PARAM_ENUM, .def_nick = RAIN_DEFAULT, .nicks = rain_type_nicks },
};

static const AugurDrawnSpec rain_drawn[] = {
  { "slant", FALSE, -100, 100, .label = "Slant" },
  { "drop_length", FALSE, 1, 1e6, .label = "Drop length", .unit = "px" },
  { "drops", FALSE, 0, 1e9, .label = "Drops" },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

/* d = min (s + a, 255) * k, rounded and saturated. */
AUGUR_SIMD_CLONES static void
add_scale_row (const guint8 *restrict s,
               const float  *restrict a,
               float                  k,
               guint8       *restrict d,
               gsize                  n)
{
  for (gsize i = 0; i < n; i++)
    {
      float v = MIN (s[i] + a[i], 255.0f) * k + 0.5f;

      v = v > 255.0f ? 255.0f : v;
      d[i] = (guint8) (int) v;
    }
}

/* Albumentations' get_params: the slant drawn and truncated to whole
 * pixels, the drop count from the area (one drop per 770, 600, 600 and 500
 * pixels for drizzle, heavy, default and torrential), the length from the
 * rain type. */
static void
rain_sample (const AugurValue *params,
             const AugurShape *in,
             AugurRng         *rng,
             AugurDrawn       *drawn)
{
  double area = (double) in->width * in->height;
  double slant = trunc (augur_rng_range (rng, params[RAIN_SLANT].v[0], params[RAIN_SLANT].v[1]));
  double length, drops;

  switch (params[RAIN_TYPE].nick)
    {
    case RAIN_DRIZZLE:
      drops = floor (area / 770), length = 10;
      break;
    case RAIN_HEAVY:
      drops = floor (area / 600), length = 30;
      break;
    case RAIN_TORRENTIAL:
      drops = floor (area / 500), length = 60;
      break;
    default:
      drops = floor (area / 600);
      length = params[RAIN_LENGTH].is_null ? MAX (1, in->height / 8) : params[RAIN_LENGTH].v[0];
      break;
    }
  augur_drawn_set (drawn, "slant", slant);
  augur_drawn_set (drawn, "drop_length", length);
  augur_drawn_set (drawn, "drops", drops);
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/*
 * Albumentations' add_rain: each drop a line from (x, y) to (x + slant,
 * y + drop_length) of drop_width pixels in drop_color on a black layer, the
 * layer blurred by blur_value and added to the image, the sum times
 * brightness_coefficient. Drops start anywhere the slanted line still
 * crosses the image, so both sides rain alike. Albumentations' square box
 * blur smeared each drop into a band blur_value wide, which read as
 * scratches rather than rain; here the blur runs along the drop (its ends
 * fade over blur_value / 2) and across it only 3 pixels wide, so streaks
 * stay thin as motion-blurred drops are.
 */
static AugurImage *
rain_apply (const AugurImage *src,
            const AugurValue *params,
            const AugurDrawn *drawn)
{
  double slant = augur_drawn_get (drawn, "slant");
  double length = augur_drawn_get (drawn, "drop_length");
  gsize drops = (gsize) augur_drawn_get (drawn, "drops");
  int width = (int) params[RAIN_WIDTH].v[0];
  float bright = (float) params[RAIN_BRIGHTNESS].v[0];
  int w = src->width, h = src->height, cc = colour_channels (src);
  gsize n = (gsize) w * h;
  int steps = (int) ceil (MAX (fabs (slant), length));
  int blur = (int) params[RAIN_BLUR].v[0] | 1;
  /* Along the drop, the blur is a fade of blur / 2 at either end. */
  int tail = steps > 0 ? (int) lrint (blur / 2 * (double) steps / MAX (length, 1)) : 0;
  int nc = src->channels;
  g_autofree float *layer = g_new0 (float, n);
  g_autofree float *add = g_new (float, (gsize) w * nc);
  AugurImage *out;
  float colour[3];
  AugurRng rng;

  colour_for (&params[RAIN_COLOR], cc, colour);
  augur_rng_init (&rng, (guint64) augur_drawn_get (drawn, "seed"));
  drops = MIN (drops, n);
  for (gsize i = 0; i < drops; i++)
    {
      int x0 = rand_int (&rng, (int) MIN (0, -slant), (int) (w - 1 + MAX (0, -slant)));
      int y0 = rand_int (&rng, 0, MAX (0, h - (int) length));

      for (int s = -tail; s <= steps + tail; s++)
        {
          double f = steps > 0 ? (double) s / steps : 0;
          int y = (int) lrint (y0 + f * length);
          int xc = (int) lrint (x0 + f * slant) - (width - 1) / 2;
          float v = s < 0 ? 1.0f + (float) s / (tail + 1) : s > steps ? 1.0f - (float) (s - steps) / (tail + 1) : 1.0f;

          if (y < 0 || y >= h)
            continue;
          for (int k = 0; k < width; k++)
            if (xc + k >= 0 && xc + k < w)
              layer[(gsize) y * w + xc + k] = MAX (layer[(gsize) y * w + xc + k], v);
        }
    }
  augur_weather_box (layer, w, h, 1, MIN (blur, 3));

  out = augur_image_new_like_uninitialized (src);
  for (int y = 0; y < h; y++)
    {
      const float *l = layer + (gsize) y * w;
      const guint8 *s = augur_image_row (src, y);
      guint8 *d = augur_image_row (out, y);

      for (int x = 0; x < w; x++)
        for (int c = 0; c < nc; c++)
          add[x * nc + c] = c < cc ? l[x] * colour[c] : 0;
      add_scale_row (s, add, bright, d, (gsize) w * nc);
      if (nc == 4)
        for (int x = 0; x < w; x++)
          d[4 * x + 3] = s[4 * x + 3];
    }
  return out;
}

/* RandomSnow --------------------------------------------------------------------- */

enum { SNOW_POINT, SNOW_BRIGHTNESS, SNOW_METHOD };
enum { SNOW_BLEACH, SNOW_TEXTURE };

static const char *const snow_method_nicks[] = { "bleach", "texture", NULL };

static const AugurParamSpec snow_params[] = {
  [SNOW_POINT] = {
    .name = "snow_point_range", .label = "Snow",
    .description = "Range of the amount of snow (bleach: how high the lightness threshold reaches; "
                   "texture: the snow layer's strength)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.1, 0.3 },
    .alb = { .v1_name = "snow_point_lower", .v1_name_second = "snow_point_upper" } },
  [SNOW_BRIGHTNESS] = {
    .name = "brightness_coeff", .label = "Brightness",
    .description = "How much the snowy parts are brightened",
    .type = AUGUR_PARAM_NUMBER,
    .min = 0, .max = 10, .ui_min = 0.5, .ui_max = 5, .step = 0.05, .def = { 2.5 } },
  [SNOW_METHOD] = {
    .name = "method", .label = "Method",
    .description = "bleach: brighten the darker parts (the old road-augmentation look); "
                   "texture: a drifting snow layer with glitter and a cool tint",
    .type = AUGUR_PARAM_ENUM, .def_nick = SNOW_BLEACH, .nicks = snow_method_nicks },
};

static const AugurDrawnSpec snow_drawn[] = {
  { "snow_point", FALSE, 0, 1, .label = "Snow point" },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

static void
snow_sample (const AugurValue *params,
             const AugurShape *in,
             AugurRng         *rng,
             AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "snow_point",
                   augur_rng_range (rng, params[SNOW_POINT].v[0], params[SNOW_POINT].v[1]));
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/* How much of the bleach a lightness @l gets: 1 below the threshold, 0
 * above it, with a smooth step over the last 0.08 below it. */
static inline float
bleach_weight (float l,
               float threshold)
{
  float t = (threshold - l) / 0.08f;

  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return t * t * (3 - 2 * t);
}

/* augur_rgb_set_lightness () written out without branches, so that a
 * loop of it vectorises: a pixel of largest and smallest channel @mx and
 * @mn (0 to 1) gets the new lightness l (1 + w k), clipped to 1, its
 * saturation and hue kept, which makes each channel c become
 * *p1 + (c - mn) *f. */
static inline void
bleach_line (float  mx,
             float  mn,
             float  threshold,
             float  k,
             float *p1,
             float *f)
{
  float d = mx - mn, l0 = (mx + mn) * 0.5f;
  float l = MIN (l0 * (1.0f + bleach_weight (l0, threshold) * k), 1.0f);
  float sum = l0 < 0.5f ? mx + mn : 2.0f - mx - mn;
  float s = d > 1e-7f ? d / MAX (sum, 1e-7f) : 0.0f;
  float p2 = l <= 0.5f ? l * (1.0f + s) : l + s - l * s;

  *p1 = 2.0f * l - p2;
  *f = d > 1e-7f ? (p2 - *p1) / d : 0.0f;
}

/* Albumentations' add_snow_bleach: in HLS, a lightness below
 * snow_point * 255 / 2 + 255 / 3 is multiplied by brightness_coeff (the
 * hue and saturation kept). A gray value is its own lightness. The hard
 * threshold cut dark holes with jagged edges into evenly lit areas (the
 * sky, a table top) whose lightness straddles it; here the factor fades in
 * over 0.08 of lightness below the threshold. */
AUGUR_SIMD_CLONES static void
snow_bleach (float  *restrict img,
             gsize            n,
             int              cc,
             double           point,
             double           coeff)
{
  float threshold = (float) ((point * 255 / 2 + 255.0 / 3) / 255);
  float k = (float) coeff - 1.0f;

  if (cc == 1)
    {
      for (gsize i = 0; i < n; i++)
        img[i] *= 1.0f + bleach_weight (img[i] / 255.0f, threshold) * k;
      return;
    }

  for (gsize i = 0; i < n; i++)
    {
      float *p = img + 3 * i;
      float r = p[0] / 255.0f, g = p[1] / 255.0f, b = p[2] / 255.0f;
      float mn = MIN (r, MIN (g, b)), p1, f;

      bleach_line (MAX (r, MAX (g, b)), mn, threshold, k, &p1, &f);
      p[0] = 255.0f * (p1 + (r - mn) * f);
      p[1] = 255.0f * (p1 + (g - mn) * f);
      p[2] = 255.0f * (p1 + (b - mn) * f);
    }
}

/* The bleach's float result as augur_weather_floats_to_bytes () rounds
 * it. */
static inline guint8
bleach_byte (float v)
{
  /* Truncated, then clipped in integers (without branches): the same
   * byte as clipping first, for any v this bleach makes. */
  int i = (int) (v + 0.5f);

  return (guint8) CLAMP (i, 0, 255);
}

/* One row through the tables, for the vectoriser (gathers). */
AUGUR_SIMD_CLONES static void
bleach_table_row (guint8       *restrict d,
                  const guint8 *restrict s,
                  int                    w,
                  int                    nc,
                  const float  *restrict p1,
                  const float  *restrict f,
                  const float  *restrict unit)
{
  for (int x = 0; x < w; x++, s += nc, d += nc)
    {
      int mx = MAX (s[0], MAX (s[1], s[2])), mn = MIN (s[0], MIN (s[1], s[2]));
      float a = p1[mx * 256 + mn], b = f[mx * 256 + mn], low = unit[mn];

      d[0] = bleach_byte (255.0f * (a + (unit[s[0]] - low) * b));
      d[1] = bleach_byte (255.0f * (a + (unit[s[1]] - low) * b));
      d[2] = bleach_byte (255.0f * (a + (unit[s[2]] - low) * b));
      if (nc == 4)
        d[3] = s[3];
    }
}

/* From this many pixels on, the bleach of an RGB image is read from
 * tables: what a pixel becomes depends only on its largest and smallest
 * channel (p1 and f of bleach_line ()) and the channel itself, so p1 and f
 * are computed once for each of the 32 896 (max, min) pairs rather than
 * once per pixel, with the same float operations, and each pixel costs two
 * lookups and three multiply-adds: the same bytes as snow_bleach (). */
#define SNOW_TABLE_PIXELS 65536

static void
snow_bleach_tables (const AugurImage *src,
                    AugurImage       *out,
                    double            point,
                    double            coeff)
{
  float threshold = (float) ((point * 255 / 2 + 255.0 / 3) / 255);
  float k = (float) coeff - 1.0f, unit[256];
  g_autofree float *p1 = g_new (float, 256 * 256);
  g_autofree float *f = g_new (float, 256 * 256);

  for (int i = 0; i < 256; i++)
    unit[i] = (float) i / 255.0f;
  for (int mx = 0; mx < 256; mx++)
    for (int mn = 0; mn <= mx; mn++)
      bleach_line (unit[mx], unit[mn], threshold, k, &p1[mx * 256 + mn], &f[mx * 256 + mn]);

  for (int y = 0; y < src->height; y++)
    bleach_table_row (augur_image_row (out, y), augur_image_row (src, y), src->width,
                      src->channels, p1, f, unit);
}

/*
 * After Albumentations' add_snow_texture: the picture brightened by
 * 1 + brightness_coeff * snow_point; a snow layer (normal noise of mean 0.5
 * and deviation 0.3, blurred twice with sigma 1, fading from 1 at the top
 * to 0.2 at the bottom, times 255 * snow_point) added, half of it as a
 * veil and its peaks as flakes (the plain layer is an even veil with a
 * grain, which read as an overexposed photograph rather than snowfall); a cool tint mixed
 * in at 0.15 * snow_point; one pixel in a hundred a white glitter.
 * Albumentations adds the snow layer to H, S and V alike, which turns hues
 * around at random, and scales the picture by 0.85 to mix the tint; here
 * the layer whitens (it is added to every colour channel) and the tint is a
 * mix, which keeps the colours of the scene. The brightening raises the
 * luma and keeps the chroma (Albumentations scales V, which blew saturated
 * colours out to yellow and orange: snow light is pale). The noise is uniform with the
 * same mean and deviation: after the two blurs it is as normal as the
 * original's.
 */
static void
snow_texture (float  *img,
              int     w,
              int     h,
              int     cc,
              double  point,
              double  coeff,
              guint64 seed)
{
  static const float tint[3] = { 225, 235, 255 };
  gsize n = (gsize) w * h;
  g_autofree float *tex = g_new (float, n);
  float gain = (float) (1 + coeff * point), mix = (float) (0.15 * point);
  float gray_tint = 0.299f * tint[0] + 0.587f * tint[1] + 0.114f * tint[2];
  AugurRng rng;

  augur_rng_init (&rng, seed);
  for (gsize i = 0; i < n; i++)
    tex[i] = (float) (0.5 + 0.3 * sqrt (12.0) * (augur_rng_uniform (&rng) - 0.5));
  augur_weather_gaussian (tex, w, h, 1, G_SQRT2);

  for (int y = 0; y < h; y++)
    {
      float depth = 1.0f - 0.8f * (h > 1 ? (float) y / (h - 1) : 0);

      for (int x = 0; x < w; x++)
        {
          gsize i = (gsize) y * w + x;
          /* The layer's peaks are flakes: soft dots where the smoothed
           * noise stands out, as bright as the rest of the layer is on
           * average, so falling snow shows and not only a veil. */
          float flake = MIN (MAX ((tex[i] - 0.6f) * 10.0f, 0.0f), 1.0f);
          float snow = (0.5f * tex[i] + flake) * depth * 255.0f * (float) point;
          gboolean sparkle = augur_rng_uniform (&rng) > 0.99;
          float *p = img + i * cc;
          float luma = cc == 1 ? p[0] : 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];

          for (int c = 0; c < cc; c++)
            {
              /* The luma is raised by the gain, the chroma kept: a
               * saturated colour does not blow out to yellow. */
              float v = MIN (luma * gain + (p[c] - luma), 255.0f) + snow;
              float t = cc == 1 ? gray_tint : tint[c];

              v = MIN (v, 255.0f);
              img[i * cc + c] = sparkle ? 255.0f : v + mix * (t - v);
            }
        }
    }
}

static AugurImage *
snow_apply (const AugurImage *src,
            const AugurValue *params,
            const AugurDrawn *drawn)
{
  double point = augur_drawn_get (drawn, "snow_point");
  double coeff = params[SNOW_BRIGHTNESS].v[0];
  int cc = colour_channels (src), w = src->width;
  g_autofree float *img = NULL;

  if (params[SNOW_METHOD].nick == SNOW_BLEACH)
    {
      /* A row at a time: floats only for the row being bleached. */
      AugurImage *out = augur_image_new_like_uninitialized (src);
      AugurImage view = { w, 1, src->channels, src->stride, NULL };

      if (cc == 3 && (gsize) w * src->height >= SNOW_TABLE_PIXELS)
        {
          snow_bleach_tables (src, out, point, coeff);
          return out;
        }

      for (int y = 0; y < src->height; y++)
        {
          g_autofree float *f = NULL;
          g_autoptr(AugurImage) line = NULL;

          view.data = augur_image_row (src, y);
          f = image_to_float (&view);
          snow_bleach (f, (gsize) w, cc, point, coeff);
          line = image_from_float (&view, f);
          memcpy (augur_image_row (out, y), line->data, (gsize) w * src->channels);
        }
      return out;
    }
  img = image_to_float (src);
  snow_texture (img, src->width, src->height, cc, point, coeff,
                (guint64) augur_drawn_get (drawn, "seed"));
  return image_from_float (src, img);
}

/* RandomSunFlare ----------------------------------------------------------------- */

/* Albumentations' flare_roi is (x_min, y_min, x_max, y_max); here it is an
 * x range and a y range, the same four numbers. */
enum { SF_ROI, SF_ANGLE, SF_CIRCLES, SF_RADIUS, SF_COLOR, SF_METHOD };
enum { SF_OVERLAY, SF_PHYSICS };

static const char *const sf_method_nicks[] = { "overlay", "physics_based", NULL };

static const AugurParamSpec sf_params[] = {
  [SF_ROI] = {
    .name = "flare_roi", .label = "Flare region",
    .description = "Where the flare's centre may fall, as fractions of the width (x) and height (y)",
    .type = AUGUR_PARAM_XY_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0, 1, 0, 0.5 },
    .alb.encoding = AUGUR_ALB_XY_AS_BOX },
  [SF_ANGLE] = {
    .name = "angle_range", .label = "Angle",
    .description = "Range of the direction of the line the flare circles lie on, as a fraction of a turn",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0, 1 },
    .alb = { .v1_name = "angle_lower", .v1_name_second = "angle_upper" } },
  [SF_CIRCLES] = {
    .name = "num_flare_circles_range", .label = "Flare circles",
    .description = "Range of the number of ghost circles along the line",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 0, .max = 50, .ui_min = 0, .ui_max = 20, .step = 1, .def = { 6, 10 },
    .alb = { .v1_name = "num_flare_circles_lower", .v1_name_second = "num_flare_circles_upper" } },
  [SF_RADIUS] = {
    .name = "src_radius", .label = "Sun radius",
    .description = "Radius of the sun's glow in pixels",
    .type = AUGUR_PARAM_INT,
    .min = 1, .max = 5000, .ui_min = 10, .ui_max = 1000, .step = 10, .def = { 400 } },
  [SF_COLOR] = {
    .name = "src_color", .label = "Sun colour",
    .description = "Colour of the sun (one value for every channel, or R, G, B)",
    .type = AUGUR_PARAM_FILL, .min = 0, .max = 255, .ui_min = 0, .ui_max = 255, .step = 1,
    .def = { 255 }, .def_nick = -1, .nicks = augur_fill_nicks_none, .alb.encoding = AUGUR_ALB_RGB_TRIPLE },
  [SF_METHOD] = {
    .name = "method", .label = "Method",
    .description = "overlay: a radial glow and translucent ghost circles; physics_based: a soft "
                   "glow with diffraction spikes and colour fringes, screen-blended",
    .type = AUGUR_PARAM_ENUM, .def_nick = SF_OVERLAY, .nicks = sf_method_nicks },
};

static const AugurDrawnSpec sf_drawn[] = {
  { "flare_x", FALSE, -1e6, 1e6, .label = "Flare x" },
  { "flare_y", FALSE, -1e6, 1e6, .label = "Flare y" },
  { "angle", FALSE, 0, 2 * G_PI + 1e-9, .label = "Angle" },
  { "circles", FALSE, 0, 50, .label = "Circles" },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

static void
sf_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  const double *roi = params[SF_ROI].v;

  augur_drawn_set (drawn, "angle", 2 * G_PI * augur_rng_range (rng, params[SF_ANGLE].v[0], params[SF_ANGLE].v[1]));
  augur_drawn_set (drawn, "flare_x", floor (in->width * augur_rng_range (rng, roi[0], roi[1])));
  augur_drawn_set (drawn, "flare_y", floor (in->height * augur_rng_range (rng, roi[2], roi[3])));
  augur_drawn_set (drawn, "circles", (double) augur_rng_int (rng, (gint64) params[SF_CIRCLES].v[0],
                                                             (gint64) params[SF_CIRCLES].v[1]));
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

typedef struct
{
  double x, y;      /* centre */
  double radius;    /* overlay: rad³; physics: rad */
  float  alpha;
  float  colour[3];
} Ghost;

/* Albumentations' flare circles: each at a random point of the line
 * through the centre at the drawn angle (points a hundredth of the
 * diagonal apart, for offsets from -x to the width - x), of opacity
 * 0.05..0.2, of size rad in 1 .. max (2, h / 100), of a colour up to a
 * fifth of the sun's brightest channel below the sun's in each channel. */
static Ghost *
sf_ghosts (const AugurDrawn *drawn,
           int               w,
           int               h,
           const float       colour[3],
           guint            *n_out)
{
  double cx = augur_drawn_get (drawn, "flare_x"), cy = augur_drawn_get (drawn, "flare_y");
  double angle = augur_drawn_get (drawn, "angle");
  guint n = (guint) augur_drawn_get (drawn, "circles");
  double diagonal = hypot (w, h);
  int step = MAX (1, (int) (diagonal * 0.01)), max_rad = MAX (2, (int) (h * 0.01));
  int range = (int) (MAX (colour[0], MAX (colour[1], colour[2])) * 0.2);
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (double) * 2);
  Ghost *ghosts = g_new0 (Ghost, MAX (n, 1));
  AugurRng rng;

  for (int t = (int) -cx; t < w - cx; t += step)
    {
      double p[2] = { cx + t * cos (angle), cy + t * sin (angle) };

      g_array_append_val (points, p);
    }
  if (points->len == 0)
    {
      double p[2] = { CLAMP (cx, 0, w - 1), CLAMP (cy, 0, h - 1) };

      g_array_append_val (points, p);
    }

  augur_rng_init (&rng, (guint64) augur_drawn_get (drawn, "seed"));
  for (guint i = 0; i < n; i++)
    {
      const double *p = &g_array_index (points, double, 2 * rand_int (&rng, 0, (int) points->len - 1));
      int rad = rand_int (&rng, 1, max_rad);

      ghosts[i].alpha = (float) augur_rng_range (&rng, 0.05, 0.2);
      ghosts[i].x = floor (p[0]);
      ghosts[i].y = floor (p[1]);
      ghosts[i].radius = rad;
      for (int c = 0; c < 3; c++)
        ghosts[i].colour[c] = (float) rand_int (&rng, (int) MAX (colour[c] - range, 0), (int) colour[c]);
    }
  *n_out = n;
  return ghosts;
}

typedef struct
{
  float       *img;
  int          w;
  int          cc;
  const float *colour;
  float        alpha;
} BlendSpan;

static void
blend_span (int      y,
            int      x0,
            int      x1,
            gpointer data)
{
  BlendSpan *b = data;
  float *p = b->img + ((gsize) y * b->w + x0) * b->cc;

  for (int x = x0; x <= x1; x++, p += b->cc)
    for (int c = 0; c < b->cc; c++)
      p[c] += b->alpha * (b->colour[c] - p[c]);
}

/*
 * Albumentations' add_sun_flare_overlay: each ghost circle (radius rad³)
 * alpha-blended in its colour, in turn; then the sun: src_radius / 10
 * concentric circles of radii 1 .. src_radius, the i-th blended at
 * opacity a_(n-1-i)³, a_k evenly spaced from 0 to max_alpha (five times
 * the ghosts' radius-weighted mean opacity, at most 1). Inside the sun a
 * pixel at distance d has been blended by every circle of radius >= d, so
 * its transmission is a product over those circles: tabulated once, one
 * blend a pixel, interpolated between the circles' radii.
 */
static void
sf_overlay (float       *img,
            int          w,
            int          h,
            int          cc,
            double       cx,
            double       cy,
            int          radius,
            const float  colour[3],
            const Ghost *ghosts,
            guint        n)
{
  int times = radius / 10;
  double weighted = 0, total = 0, max_alpha;
  g_autofree double *rad = NULL;
  g_autofree double *keep = NULL;

  for (guint i = 0; i < n; i++)
    {
      double r3 = pow (ghosts[i].radius, 3);
      BlendSpan b = { img, w, cc, ghosts[i].colour, ghosts[i].alpha };

      weighted += ghosts[i].alpha * r3;
      total += r3;
      for_each_circle_span (ghosts[i].x, ghosts[i].y, r3, w, h, blend_span, &b);
    }
  if (times < 1)
    return;

  max_alpha = MIN (total > 0 ? weighted / total * 5 : 0, 1.0);
  rad = g_new (double, times);
  keep = g_new (double, times + 1);
  /* keep[i]: the transmission through circles i .. times - 1. */
  keep[times] = 1;
  for (int i = times - 1; i >= 0; i--)
    {
      int k = times - 1 - i;
      double a = times > 1 ? max_alpha * k / (times - 1) : 0;

      rad[i] = times > 1 ? 1 + (radius - 1.0) * i / (times - 1) : 1;
      keep[i] = keep[i + 1] * (1 - a * a * a);
    }

  {
    int y0 = MAX (0, (int) ceil (cy - radius)), y1 = MIN (h - 1, (int) floor (cy + radius));

    for (int y = y0; y <= y1; y++)
      for (int x = MAX (0, (int) ceil (cx - radius)); x <= MIN (w - 1, (int) floor (cx + radius)); x++)
        {
          double d = hypot (x - cx, y - cy);
          int first = 0;
          float a;
          float *p = img + ((gsize) y * w + x) * cc;

          double f, kv;

          /* Between the circles of radii just below and above d, the
           * transmission is interpolated linearly: the steps of the
           * discrete circles showed as rings. */
          while (first < times && rad[first] < d)
            first++;
          if (first == 0)
            kv = keep[0];
          else if (first == times)
            kv = 1;
          else
            {
              f = (d - rad[first - 1]) / MAX (rad[first] - rad[first - 1], 1e-9);
              kv = keep[first - 1] + f * (keep[first] - keep[first - 1]);
            }
          a = (float) (1 - kv);
          for (int c = 0; c < cc; c++)
            p[c] += a * (colour[c] - p[c]);
        }
  }
}

typedef struct
{
  float       *layer;
  int          w;
  int          cc;
  const float *colour;
} PaintSpan;

static void
paint_span (int      y,
            int      x0,
            int      x1,
            gpointer data)
{
  PaintSpan *p = data;
  float *d = p->layer + ((gsize) y * p->w + x0) * p->cc;

  for (int x = x0; x <= x1; x++, d += p->cc)
    for (int c = 0; c < p->cc; c++)
      d[c] = p->colour[c];
}

/* A line of thickness about 2 from (x0, y0) to (x1, y1) on @layer, clipped. */
static void
paint_line (float       *layer,
            int          w,
            int          h,
            int          cc,
            double       x0,
            double       y0,
            double       x1,
            double       y1,
            const float  colour[3])
{
  int steps = (int) ceil (MAX (fabs (x1 - x0), fabs (y1 - y0)));

  for (int s = 0; s <= steps; s++)
    {
      double f = steps > 0 ? (double) s / steps : 0;
      int x = (int) lrint (x0 + f * (x1 - x0)), y = (int) lrint (y0 + f * (y1 - y0));

      for (int dy = 0; dy <= 1; dy++)
        for (int dx = 0; dx <= 1; dx++)
          if (x + dx >= 0 && x + dx < w && y + dy >= 0 && y + dy < h)
            for (int c = 0; c < cc; c++)
              layer[((gsize) (y + dy) * w + x + dx) * cc + c] = colour[c];
    }
}

/*
 * Albumentations' add_sun_flare_physics_based: on a black layer, the sun
 * (a filled circle of src_radius), four diffraction spikes (at 0, 45, 90
 * and 135 degrees, to the image's far side) and the ghost circles (radius
 * rad); the layer blurred with sigma 15, faded linearly to 0 at 0.7 of the
 * long side from the centre, its red plane blurred again with sigma 3 and
 * its blue one with sigma 5 (Albumentations' code names them the other way
 * round, for BGR; on RGB this is what it computes); then screen-blended:
 * 255 - (255 - image) (255 - layer) / 255.
 */
static void
sf_physics (float       *img,
            int          w,
            int          h,
            int          cc,
            double       cx,
            double       cy,
            int          radius,
            const float  colour[3],
            const Ghost *ghosts,
            guint        n)
{
  gsize np = (gsize) w * h;
  g_autofree float *layer = g_new0 (float, np * cc);
  PaintSpan sun = { layer, w, cc, colour };
  double reach = MAX (w, h), fade = MAX (w, h) * 0.7;

  for_each_circle_span (cx, cy, radius, w, h, paint_span, &sun);
  for (int a = 0; a < 180; a += 45)
    paint_line (layer, w, h, cc, cx, cy, cx + cos (a * G_PI / 180) * reach, cy + sin (a * G_PI / 180) * reach,
                colour);
  for (guint i = 0; i < n; i++)
    {
      PaintSpan g = { layer, w, cc, ghosts[i].colour };

      for_each_circle_span (ghosts[i].x, ghosts[i].y, ghosts[i].radius, w, h, paint_span, &g);
    }
  augur_weather_gaussian (layer, w, h, cc, 15);

  for (int y = 0; y < h; y++)
    {
      float dy2 = (float) ((y - cy) * (y - cy)), inv = (float) (1 / fade);
      float *row = layer + (gsize) y * w * cc;

      for (int x = 0; x < w; x++)
        {
          float dx = (float) (x - cx);
          float m = 1.0f - MIN (sqrtf (dx * dx + dy2) * inv, 1.0f);

          for (int c = 0; c < cc; c++)
            row[x * cc + c] *= m;
        }
    }

  if (cc == 3)
    for (int c = 0; c < 3; c += 2)
      {
        g_autofree float *plane = g_new (float, np);

        for (gsize i = 0; i < np; i++)
          plane[i] = layer[i * 3 + c];
        augur_weather_gaussian (plane, w, h, 1, c == 0 ? 3 : 5);
        for (gsize i = 0; i < np; i++)
          layer[i * 3 + c] = plane[i];
      }

  for (gsize i = 0; i < np * cc; i++)
    img[i] = 255.0f - (255.0f - img[i]) * (255.0f - MIN (layer[i], 255.0f)) / 255.0f;
}

static AugurImage *
sf_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  int w = src->width, h = src->height, cc = colour_channels (src);
  double cx = augur_drawn_get (drawn, "flare_x"), cy = augur_drawn_get (drawn, "flare_y");
  int radius = (int) params[SF_RADIUS].v[0];
  g_autofree float *img = image_to_float (src);
  g_autofree Ghost *ghosts = NULL;
  float colour[3];
  guint n;

  colour_for (&params[SF_COLOR], cc, colour);
  ghosts = sf_ghosts (drawn, w, h, colour, &n);
  if (cc == 1)
    for (guint i = 0; i < n; i++)
      ghosts[i].colour[0] = 0.299f * ghosts[i].colour[0] + 0.587f * ghosts[i].colour[1] +
                            0.114f * ghosts[i].colour[2];

  if (params[SF_METHOD].nick == SF_OVERLAY)
    sf_overlay (img, w, h, cc, cx, cy, radius, colour, ghosts, n);
  else
    sf_physics (img, w, h, cc, cx, cy, radius, colour, ghosts, n);
  return image_from_float (src, img);
}

/* RandomShadow ------------------------------------------------------------------- */

/* Albumentations' shadow_roi is (x_min, y_min, x_max, y_max); here an x
 * range and a y range. */
enum { SH_ROI, SH_COUNT, SH_DIMENSION, SH_INTENSITY };

static const AugurParamSpec sh_params[] = {
  [SH_ROI] = {
    .name = "shadow_roi", .label = "Shadow region",
    .description = "Where the shadows' corners may fall, as fractions of the width (x) and height (y)",
    .type = AUGUR_PARAM_XY_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0, 1, 0.5, 1 },
    .alb.encoding = AUGUR_ALB_XY_AS_BOX },
  [SH_COUNT] = {
    .name = "num_shadows_limit", .label = "Shadows",
    .description = "Range of the number of shadows",
    .type = AUGUR_PARAM_INT_RANGE,
    .min = 1, .max = 10, .ui_min = 1, .ui_max = 10, .step = 1, .def = { 1, 2 },
    .alb = { .v1_name = "num_shadows_lower", .v1_name_second = "num_shadows_upper" } },
  [SH_DIMENSION] = {
    .name = "shadow_dimension", .label = "Corners",
    .description = "Number of corners of each shadow polygon",
    .type = AUGUR_PARAM_INT,
    .min = 3, .max = 20, .ui_min = 3, .ui_max = 12, .step = 1, .def = { 5 } },
  [SH_INTENSITY] = {
    .name = "shadow_intensity_range", .label = "Darkness",
    .description = "Range of how much light each shadow takes away (0: none, 1: black)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.5, 0.5 } },
};

/* "vertices": x, y of each corner in pixels, shadow after shadow
 * (shadow_dimension corners each); "intensities": one a shadow. */
static const AugurDrawnSpec sh_drawn[] = {
  { "vertices", TRUE, -1e6, 1e6, 2, 2 * 10 * 20, .label = "Shadow corners", .show = AUGUR_DRAWN_SHOW_COUNT, .unit = "value|values" },
  { "intensities", TRUE, 0, 1, 0, 10, .label = "Shadows", .show = AUGUR_DRAWN_SHOW_COUNT, .unit = "shadow|shadows" },
  { NULL },
};

static void
sh_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  const double *roi = params[SH_ROI].v;
  int x0 = (int) (roi[0] * in->width), x1 = (int) (roi[1] * in->width);
  int y0 = (int) (roi[2] * in->height), y1 = (int) (roi[3] * in->height);
  int count = rand_int (rng, (int) params[SH_COUNT].v[0], (int) params[SH_COUNT].v[1]);
  int dim = (int) params[SH_DIMENSION].v[0];
  g_autofree double *v = g_new (double, (gsize) 2 * count * dim);
  double intensities[10];

  for (int i = 0; i < count * dim; i++)
    {
      v[2 * i] = rand_int (rng, x0, x1);
      v[2 * i + 1] = rand_int (rng, y0, y1);
    }
  for (int i = 0; i < count; i++)
    intensities[i] = augur_rng_range (rng, params[SH_INTENSITY].v[0], params[SH_INTENSITY].v[1]);
  augur_drawn_set_list (drawn, "vertices", v, 2 * count * dim);
  augur_drawn_set_list (drawn, "intensities", intensities, count);
}

/* Fills @mask (w x h) with 1 inside the polygon of @n corners @v (x, y
 * pairs), by the even-odd rule at pixel centres. */
static void
fill_polygon (guint8       *mask,
              int           w,
              int           h,
              const double *v,
              int           n)
{
  g_autofree double *xs = g_new (double, n);

  for (int y = 0; y < h; y++)
    {
      double py = y + 0.5;
      int k = 0;

      for (int i = 0; i < n; i++)
        {
          double ax = v[2 * i] + 0.5, ay = v[2 * i + 1] + 0.5;
          double bx = v[2 * ((i + 1) % n)] + 0.5, by = v[2 * ((i + 1) % n) + 1] + 0.5;

          if ((ay <= py && by > py) || (by <= py && ay > py))
            xs[k++] = ax + (py - ay) / (by - ay) * (bx - ax);
        }
      /* Insertion sort: a handful of crossings. */
      for (int i = 1; i < k; i++)
        for (int j = i; j > 0 && xs[j - 1] > xs[j]; j--)
          {
            double t = xs[j];

            xs[j] = xs[j - 1];
            xs[j - 1] = t;
          }
      for (int i = 0; i + 1 < k; i += 2)
        {
          int a = MAX (0, (int) ceil (xs[i] - 0.5)), b = MIN (w - 1, (int) ceil (xs[i + 1] - 0.5) - 1);

          for (int x = a; x <= b; x++)
            mask[(gsize) y * w + x] = 1;
        }
    }
}

/* Albumentations' add_shadow: inside each polygon every colour channel is
 * multiplied by 1 - intensity (shadows that overlap darken twice). */
static AugurImage *
sh_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  int w = src->width, h = src->height, nc = src->channels, cc = colour_channels (src);
  int dim = (int) params[SH_DIMENSION].v[0];
  guint nv, ni;
  const double *v = augur_drawn_get_list (drawn, "vertices", &nv);
  const double *intensities = augur_drawn_get_list (drawn, "intensities", &ni);
  g_autofree guint8 *mask = g_new (guint8, (gsize) w * h);
  AugurImage *out = augur_image_copy (src);

  for (guint s = 0; s < ni && (s + 1) * dim * 2 <= nv; s++)
    {
      float keep = (float) (1 - intensities[s]);

      memset (mask, 0, (gsize) w * h);
      fill_polygon (mask, w, h, v + (gsize) s * dim * 2, dim);
      for (int y = 0; y < h; y++)
        {
          guint8 *d = augur_image_row (out, y);
          const guint8 *m = mask + (gsize) y * w;

          for (int x = 0; x < w; x++)
            if (m[x])
              for (int c = 0; c < cc; c++)
                d[x * nc + c] = augur_clamp_u8 (d[x * nc + c] * keep);
        }
    }
  return out;
}

/* RandomGravel ------------------------------------------------------------------- */

/* Albumentations' gravel_roi is (x_min, y_min, x_max, y_max); here an x
 * range and a y range. */
enum { GR_ROI, GR_PATCHES };

static const AugurParamSpec gr_params[] = {
  [GR_ROI] = {
    .name = "gravel_roi", .label = "Gravel region",
    .description = "Where the gravel patches lie, as fractions of the width (x) and height (y)",
    .type = AUGUR_PARAM_XY_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.1, 0.9, 0.4, 0.9 },
    .alb.encoding = AUGUR_ALB_XY_AS_BOX },
  [GR_PATCHES] = {
    .name = "number_of_patches", .label = "Patches",
    .description = "Number of gravel patches",
    .type = AUGUR_PARAM_INT,
    .min = 1, .max = 100, .ui_min = 1, .ui_max = 20, .step = 1, .def = { 2 } },
};

/* "patches": x, y, width, height of each patch in pixels; "seed": the
 * stones in them. */
static const AugurDrawnSpec gr_drawn[] = {
  { "patches", TRUE, 0, 1e9, 4, 400, .label = "Patches", .show = AUGUR_DRAWN_SHOW_COUNT, .unit = "value|values" },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

/* Each patch a rectangle inside the region, each side between a tenth and
 * a quarter of the region's (Albumentations 1.x drew the patches this way;
 * 2.0.8 scatters the stones of a patch over a random sub-rectangle too). */
static void
gr_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  const double *roi = params[GR_ROI].v;
  int x0 = (int) (roi[0] * in->width), x1 = (int) (roi[1] * in->width);
  int y0 = (int) (roi[2] * in->height), y1 = (int) (roi[3] * in->height);
  int n = (int) params[GR_PATCHES].v[0];
  g_autofree double *p = g_new (double, (gsize) 4 * n);

  for (int i = 0; i < n; i++)
    {
      int pw = rand_int (rng, MAX (1, (x1 - x0) / 10), MAX (1, (x1 - x0) / 4));
      int ph = rand_int (rng, MAX (1, (y1 - y0) / 10), MAX (1, (y1 - y0) / 4));

      p[4 * i] = rand_int (rng, x0, MAX (x0, x1 - pw));
      p[4 * i + 1] = rand_int (rng, y0, MAX (y0, y1 - ph));
      p[4 * i + 2] = pw;
      p[4 * i + 3] = ph;
    }
  augur_drawn_set_list (drawn, "patches", p, 4 * n);
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/*
 * After Albumentations' add_gravel: stones whose HLS lightness is set to a
 * random value, keeping the ground's hue. Albumentations' stones are
 * rectangles (1 to 4 pixels from their centre each way) packed one per ten
 * pixels of the patch with lightness anywhere in 0..255, which covered each
 * patch several times over and read as a block of coloured static; here a
 * stone is a disc of radius 1 to 3, one per 30 pixels (the ground shows
 * between stones), of lightness 0.15..0.85 and half the ground's
 * saturation (stones are grayer than what they lie on). On gray the
 * lightness is the value.
 */
static AugurImage *
gr_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  int w = src->width, h = src->height, nc = src->channels, cc = colour_channels (src);
  guint np;
  const double *p = augur_drawn_get_list (drawn, "patches", &np);
  AugurImage *out = augur_image_copy (src);
  AugurRng rng;

  augur_rng_init (&rng, (guint64) augur_drawn_get (drawn, "seed"));
  for (guint i = 0; i + 4 <= np; i += 4)
    {
      int px = (int) p[i], py = (int) p[i + 1], pw = (int) p[i + 2], ph = (int) p[i + 3];
      gint64 count = (gint64) pw * ph / 30;

      for (gint64 k = 0; k < count; k++)
        {
          int x = rand_int (&rng, px, px + pw - 1), y = rand_int (&rng, py, py + ph - 1);
          int r = rand_int (&rng, 1, 3);
          float l = (float) augur_rng_range (&rng, 0.15, 0.85);

          for (int yy = MAX (0, y - r); yy <= MIN (h - 1, y + r); yy++)
            {
              guint8 *d = augur_image_row (out, yy);

              for (int xx = MAX (0, x - r); xx <= MIN (w - 1, x + r); xx++)
                {
                  guint8 *q = d + xx * nc;
                  float rgb[3];

                  if ((xx - x) * (xx - x) + (yy - y) * (yy - y) > r * r)
                    continue;
                  if (cc == 1)
                    {
                      q[0] = augur_clamp_u8 (l * 255.0f);
                      continue;
                    }
                  for (int c = 0; c < 3; c++)
                    rgb[c] = q[c] / 255.0f;
                  augur_rgb_set_lightness (rgb, l, 0.5f);
                  for (int c = 0; c < 3; c++)
                    q[c] = augur_clamp_u8 (rgb[c] * 255.0f);
                }
            }
        }
    }
  return out;
}

/* Spatter ------------------------------------------------------------------------ */

enum { SPT_MEAN, SPT_STD, SPT_SIGMA, SPT_THRESHOLD, SPT_INTENSITY, SPT_MODE, SPT_COLOR };
enum { SPT_RAIN, SPT_MUD };

static const char *const spt_mode_nicks[] = { "rain", "mud", NULL };

static const AugurParamSpec spt_params[] = {
  [SPT_MEAN] = {
    .name = "mean", .label = "Mean",
    .description = "Range of the liquid layer's mean (higher: more of the lens covered)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.65, 0.65 } },
  [SPT_STD] = {
    .name = "std", .label = "Deviation",
    .description = "Range of the liquid layer's standard deviation before smoothing",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.3, 0.3 } },
  [SPT_SIGMA] = {
    .name = "gauss_sigma", .label = "Drop size",
    .description = "Range of the smoothing of the liquid layer, in pixels (larger: larger drops)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 20, .ui_min = 0.5, .ui_max = 6, .step = 0.1, .def = { 2, 2 } },
  [SPT_THRESHOLD] = {
    .name = "cutout_threshold", .label = "Threshold",
    .description = "Range of the level below which the layer is dry (higher: fewer drops)",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0.5, .ui_max = 0.9, .step = 0.01, .def = { 0.68, 0.68 } },
  [SPT_INTENSITY] = {
    .name = "intensity", .label = "Intensity",
    .description = "Range of the drops' opacity",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.6, 0.6 } },
  [SPT_MODE] = {
    .name = "mode", .label = "Mode",
    .description = "rain: bright water drops; mud: opaque mud splashes",
    .type = AUGUR_PARAM_ENUM, .def_nick = SPT_RAIN, .nicks = spt_mode_nicks },
  [SPT_COLOR] = {
    .name = "color", .label = "Colour",
    .description = "Colour of the drops; not set: the mode's, (238, 238, 175) for rain and "
                   "(63, 42, 20), brown, for mud",
    .type = AUGUR_PARAM_FILL, .flags = AUGUR_PARAM_NULLABLE,
    .min = 0, .max = 255, .ui_min = 0, .ui_max = 255, .step = 1,
    .def = { 238 }, .def_nick = -1, .def_null = TRUE, .nicks = augur_fill_nicks_none,
    .alb.encoding = AUGUR_ALB_RGB_TRIPLE },
};

static const AugurDrawnSpec spt_drawn[] = {
  { "mean", FALSE, 0, 1, .label = "Mean" },
  { "std", FALSE, 0, 1, .label = "Std" },
  { "gauss_sigma", FALSE, 0, 20, .label = "Smoothness", .unit = "px" },
  { "cutout_threshold", FALSE, 0, 1, .label = "Cutout threshold" },
  { "intensity", FALSE, 0, 1, .label = "Intensity" },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

static void
spt_sample (const AugurValue *params,
            const AugurShape *in,
            AugurRng         *rng,
            AugurDrawn       *drawn)
{
  static const struct { int index; const char *name; } ranges[] = {
    { SPT_MEAN, "mean" }, { SPT_STD, "std" }, { SPT_SIGMA, "gauss_sigma" },
    { SPT_THRESHOLD, "cutout_threshold" }, { SPT_INTENSITY, "intensity" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    augur_drawn_set (drawn, ranges[i].name,
                     augur_rng_range (rng, params[ranges[i].index].v[0], params[ranges[i].index].v[1]));
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/*
 * Albumentations' Spatter: a liquid layer of noise (mean, std) smoothed by
 * a Gaussian of gauss_sigma, zero below cutout_threshold.
 *   rain: the wet part shaded (brighter where the layer is higher, a
 *     highlight on the side facing the upper left, as Albumentations' relief
 *     kernel [-2 -1 0; -1 1 1; 0 1 2] makes it), normalised to 1, times the
 *     colour and 0.9 intensity, added;
 *   mud: the wet part blurred by gauss_sigma, normalised to 1, times
 *     intensity, is the opacity of the mud colour over the image.
 * The noise is uniform with the requested mean and deviation: smoothed,
 * it is as normal as the original's.
 */
static AugurImage *
spt_apply (const AugurImage *src,
           const AugurValue *params,
           const AugurDrawn *drawn)
{
  double mean = augur_drawn_get (drawn, "mean"), std = augur_drawn_get (drawn, "std");
  double sigma = augur_drawn_get (drawn, "gauss_sigma");
  float threshold = (float) augur_drawn_get (drawn, "cutout_threshold");
  float intensity = (float) augur_drawn_get (drawn, "intensity");
  gboolean mud = params[SPT_MODE].nick == SPT_MUD;
  int w = src->width, h = src->height, cc = colour_channels (src);
  gsize n = (gsize) w * h;
  g_autofree float *liquid = g_new (float, n);
  g_autofree float *img = image_to_float (src);
  float colour[3], top = 0;
  AugurRng rng;

  if (params[SPT_COLOR].is_null)
    {
      AugurValue v = { .v = { 238, 238, 175 }, .n = 3, .nick = -1 };

      /* Albumentations' mud is (20, 42, 63), a slate blue on RGB images
       * (it reads as brown only in BGR order); its BGR reading is taken. */
      if (mud)
        v.v[0] = 63, v.v[1] = 42, v.v[2] = 20;
      colour_for (&v, cc, colour);
    }
  else
    colour_for (&params[SPT_COLOR], cc, colour);

  augur_rng_init (&rng, (guint64) augur_drawn_get (drawn, "seed"));
  for (gsize i = 0; i < n; i++)
    liquid[i] = (float) (mean + std * sqrt (12.0) * (augur_rng_uniform (&rng) - 0.5));
  augur_weather_gaussian (liquid, w, h, 1, sigma);
  for (gsize i = 0; i < n; i++)
    if (liquid[i] < threshold)
      liquid[i] = 0;

  if (mud)
    {
      for (gsize i = 0; i < n; i++)
        liquid[i] = liquid[i] > 0 ? 1.0f : 0.0f;
      augur_weather_gaussian (liquid, w, h, 1, sigma);
    }
  else
    {
      g_autofree float *relief = g_memdup2 (liquid, n * sizeof (float));

      augur_weather_gaussian (relief, w, h, 1, 1.5);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            gsize i = (gsize) y * w + x;
            float dx = relief[(gsize) y * w + MIN (x + 1, w - 1)] - relief[(gsize) y * w + MAX (x - 1, 0)];
            float dy = relief[(gsize) MIN (y + 1, h - 1) * w + x] - relief[(gsize) MAX (y - 1, 0) * w + x];

            liquid[i] = liquid[i] > 0 ? liquid[i] * (1.0f + 4.0f * (dx + dy)) : 0;
            liquid[i] = MAX (liquid[i], 0);
          }
    }
  for (gsize i = 0; i < n; i++)
    top = MAX (top, liquid[i]);
  if (top <= 0)
    return augur_image_copy (src);

  for (gsize i = 0; i < n; i++)
    {
      float m = liquid[i] / top;

      for (int c = 0; c < cc; c++)
        {
          float *p = &img[i * cc + c];

          if (mud)
            *p += m * intensity * (colour[c] - *p);
          else
            *p += m * colour[c] * intensity * 0.9f;
        }
    }
  return image_from_float (src, img);
}

/* PlasmaBrightnessContrast, PlasmaShadow ------------------------------------------------ */

#define AUGUR_PARAM_PLASMA_SIZE \
  { .name = "plasma_size", .label = "Plasma size", \
    .description = "Size of the plasma grid before it is stretched over the image (rounded " \
                   "up to a power of two; larger: finer detail, slower)", \
    .type = AUGUR_PARAM_INT, .min = 2, .max = 1024, .ui_min = 16, .ui_max = 512, .step = 1, \
    .def = { 256 } }

#define AUGUR_PARAM_ROUGHNESS \
  { .name = "roughness", .label = "Roughness", \
    .description = "How much fine detail the pattern keeps: each finer level of the " \
                   "diamond-square grid varies by roughness / (roughness + 3) of the coarser one", \
    .type = AUGUR_PARAM_NUMBER, .min = 0.1, .max = 20, .ui_min = 0.5, .ui_max = 10, .step = 0.1, \
    .def = { 3 } }

/*
 * A plasma (fractal cloud) pattern by the diamond-square algorithm (Fournier,
 * Fussell and Carpenter, 1982) on a grid of N + 1 points a side, N the
 * power of two at or above @size, from @seed, stretched bilinearly over
 * @w x @h and normalised to 0..1. Albumentations scales its noise by
 * roughness^i at level i and renormalises after each level; here the
 * amplitude falls by roughness / (roughness + 3) a level, so the default 3
 * is the classic halving, larger values rougher and smaller ones smoother.
 */
static float *
plasma_pattern (int     size,
                double  roughness,
                guint64 seed,
                int     w,
                int     h)
{
  int n = 2;
  double amp = 1, ratio = roughness / (roughness + 3);
  g_autofree float *g = NULL;
  float lo = G_MAXFLOAT, hi = -G_MAXFLOAT, *out;
  AugurRng rng;

  while (n < size)
    n *= 2;
  g = g_new0 (float, (gsize) (n + 1) * (n + 1));
#define G(x, y) g[(gsize) (y) * (n + 1) + (x)]
  augur_rng_init (&rng, seed);
  G (0, 0) = (float) augur_rng_range (&rng, -1, 1);
  G (n, 0) = (float) augur_rng_range (&rng, -1, 1);
  G (0, n) = (float) augur_rng_range (&rng, -1, 1);
  G (n, n) = (float) augur_rng_range (&rng, -1, 1);
  for (int step = n; step > 1; step /= 2, amp *= ratio)
    {
      int half = step / 2;

      for (int y = half; y < n; y += step)
        for (int x = half; x < n; x += step)
          G (x, y) = (G (x - half, y - half) + G (x + half, y - half) + G (x - half, y + half) +
                      G (x + half, y + half)) / 4 + (float) (amp * augur_rng_range (&rng, -1, 1));
      for (int y = 0; y <= n; y += half)
        for (int x = (y / half) % 2 ? 0 : half; x <= n; x += step)
          {
            float sum = 0;
            int k = 0;

            if (x >= half) sum += G (x - half, y), k++;
            if (x + half <= n) sum += G (x + half, y), k++;
            if (y >= half) sum += G (x, y - half), k++;
            if (y + half <= n) sum += G (x, y + half), k++;
            G (x, y) = sum / k + (float) (amp * augur_rng_range (&rng, -1, 1));
          }
    }
#undef G
  out = augur_weather_upscale (g, n + 1, n + 1, 1, w, h);
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      lo = MIN (lo, out[i]);
      hi = MAX (hi, out[i]);
    }
  for (gsize i = 0; i < (gsize) w * h; i++)
    out[i] = hi > lo ? (out[i] - lo) / (hi - lo) : 0;
  return out;
}

/* The pattern of one application: its size and roughness parameters, the
 * drawn "seed", the image's size. */
static float *
plasma_for (const AugurImage *src,
            const AugurValue *size,
            const AugurValue *roughness,
            const AugurDrawn *drawn)
{
  return plasma_pattern ((int) size->v[0], roughness->v[0], (guint64) augur_drawn_get (drawn, "seed"),
                         src->width, src->height);
}

enum { PBC_BRIGHTNESS, PBC_CONTRAST, PBC_SIZE, PBC_ROUGHNESS };

static const AugurParamSpec pbc_params[] = {
  [PBC_BRIGHTNESS] = {
    .name = "brightness_range", .label = "Brightness",
    .description = "Range of the brightness change where the pattern is strongest, as a fraction of 255",
    .type = AUGUR_PARAM_RANGE,
    .min = -1, .max = 1, .ui_min = -0.5, .ui_max = 0.5, .step = 0.01, .def = { -0.3, 0.3 } },
  [PBC_CONTRAST] = {
    .name = "contrast_range", .label = "Contrast",
    .description = "Range of the contrast change where the pattern is strongest (around the mean)",
    .type = AUGUR_PARAM_RANGE,
    .min = -1, .max = 1, .ui_min = -0.5, .ui_max = 0.5, .step = 0.01, .def = { -0.3, 0.3 } },
  [PBC_SIZE] = AUGUR_PARAM_PLASMA_SIZE,
  [PBC_ROUGHNESS] = AUGUR_PARAM_ROUGHNESS,
};

static const AugurDrawnSpec pbc_drawn[] = {
  { "brightness", FALSE, -1, 1, .label = "Brightness" },
  { "contrast", FALSE, -1, 1, .label = "Contrast" },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

static void
pbc_sample (const AugurValue *params,
            const AugurShape *in,
            AugurRng         *rng,
            AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "brightness",
                   augur_rng_range (rng, params[PBC_BRIGHTNESS].v[0], params[PBC_BRIGHTNESS].v[1]));
  augur_drawn_set (drawn, "contrast",
                   augur_rng_range (rng, params[PBC_CONTRAST].v[0], params[PBC_CONTRAST].v[1]));
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/* Albumentations' apply_plasma_brightness_contrast, P the pattern: the
 * image (0..1) plus P * brightness; then, around its mean m (over the
 * colour channels), times w = 1 + P * contrast plus m (1 - w); clipped. */
static AugurImage *
pbc_apply (const AugurImage *src,
           const AugurValue *params,
           const AugurDrawn *drawn)
{
  float b = (float) (augur_drawn_get (drawn, "brightness") * 255.0);
  float k = (float) augur_drawn_get (drawn, "contrast");
  int w = src->width, h = src->height, cc = colour_channels (src);
  gsize n = (gsize) w * h;
  g_autofree float *p = plasma_for (src, &params[PBC_SIZE], &params[PBC_ROUGHNESS], drawn);
  g_autofree float *img = image_to_float (src);
  double sum = 0;
  float m;

  for (gsize i = 0; i < n; i++)
    for (int c = 0; c < cc; c++)
      sum += img[i * cc + c] += p[i] * b;
  m = (float) (sum / (n * cc));
  for (gsize i = 0; i < n; i++)
    {
      float wt = 1 + p[i] * k;

      for (int c = 0; c < cc; c++)
        img[i * cc + c] = img[i * cc + c] * wt + m * (1 - wt);
    }
  return image_from_float (src, img);
}

enum { PS_INTENSITY, PS_SIZE, PS_ROUGHNESS };

static const AugurParamSpec ps_params[] = {
  [PS_INTENSITY] = {
    .name = "shadow_intensity_range", .label = "Darkness",
    .description = "Range of how much light the shadow takes away where the pattern is strongest",
    .type = AUGUR_PARAM_RANGE,
    .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = { 0.3, 0.7 } },
  [PS_SIZE] = AUGUR_PARAM_PLASMA_SIZE,
  [PS_ROUGHNESS] = AUGUR_PARAM_ROUGHNESS,
};

static const AugurDrawnSpec ps_drawn[] = {
  { "intensity", FALSE, 0, 1, .label = "Intensity" },
  { "seed", FALSE, 0, (double) AUGUR_SEED_MASK, .show = AUGUR_DRAWN_SHOW_HIDDEN },
  { NULL },
};

static void
ps_sample (const AugurValue *params,
           const AugurShape *in,
           AugurRng         *rng,
           AugurDrawn       *drawn)
{
  augur_drawn_set (drawn, "intensity",
                   augur_rng_range (rng, params[PS_INTENSITY].v[0], params[PS_INTENSITY].v[1]));
  augur_drawn_set (drawn, "seed", (double) augur_rng_seed (rng));
}

/* Albumentations' apply_plasma_shadow: the image times 1 - P * intensity. */
static AugurImage *
ps_apply (const AugurImage *src,
          const AugurValue *params,
          const AugurDrawn *drawn)
{
  float k = (float) augur_drawn_get (drawn, "intensity");
  int w = src->width, h = src->height, cc = colour_channels (src);
  g_autofree float *p = plasma_for (src, &params[PS_SIZE], &params[PS_ROUGHNESS], drawn);
  g_autofree float *img = image_to_float (src);

  for (gsize i = 0; i < (gsize) w * h; i++)
    for (int c = 0; c < cc; c++)
      img[i * cc + c] *= 1 - p[i] * k;
  return image_from_float (src, img);
}

/* The table ---------------------------------------------------------------------- */

#define WEATHER_ENTRY(name_, label_, description_, prefix_) \
  { .name = name_, .label = label_, .category = AUGUR_CATEGORY_WEATHER, \
    .description = description_, .version = 1, .default_p = 0.5, \
    .params = prefix_##_params, .n_params = G_N_ELEMENTS (prefix_##_params), \
    .drawn = prefix_##_drawn, .sample = prefix_##_sample, .apply = prefix_##_apply }

const AugurTransformInfo augur_weather_transforms[] = {
  WEATHER_ENTRY ("RandomFog", "Fog",
                 "Haze that hides contrast and detail, densest towards the centre. On gray the haze is "
                 "gray.", fog),
  WEATHER_ENTRY ("RandomRain", "Rain",
                 "Slanted rain streaks over a darkened scene: drizzle, heavy, torrential or custom drops. "
                 "On gray the drops take the luma of their colour.", rain),
  WEATHER_ENTRY ("RandomSnow", "Snow",
                 "Snow: bleached dark tones, or a drifting snow layer with glitter and a cool tint. "
                 "On gray the lightness is the value.", snow),
  WEATHER_ENTRY ("RandomSunFlare", "Sun flare",
                 "A sun and lens ghosts along a line through it, overlaid or screen-blended with "
                 "diffraction spikes. On gray in the luma of the sun's colour.", sf),
  WEATHER_ENTRY ("RandomShadow", "Shadow",
                 "Polygon shadows that darken part of the scene. Works alike on gray.", sh),
  WEATHER_ENTRY ("RandomGravel", "Gravel",
                 "Patches of small stones of random lightness on the road. On gray the stones' "
                 "lightness is the value.", gr),
  WEATHER_ENTRY ("Spatter", "Spatter",
                 "Rain drops or mud splashes on the lens. On gray in the luma of their colour.", spt),
  WEATHER_ENTRY ("PlasmaBrightnessContrast", "Plasma brightness and contrast",
                 "Brightness and contrast that vary over the image in a fractal cloud pattern. "
                 "Works alike on gray.", pbc),
  WEATHER_ENTRY ("PlasmaShadow", "Plasma shadow",
                 "Soft cloud-shaped shadows from a fractal pattern. Works alike on gray.", ps),
};

const guint augur_n_weather_transforms = G_N_ELEMENTS (augur_weather_transforms);
