/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <math.h>

G_BEGIN_DECLS

/*
 * Float-field helpers the noise, quality and weather transforms share:
 * separable filters over interleaved float planes (replicated borders, as
 * the layers they smooth are masks and light fields that should not darken
 * at the image edge) and the HLS conversion of OpenCV's float path.
 */

void augur_weather_bytes_to_floats (const guint8 *s,
                                    float        *d,
                                    gsize         n);
void augur_weather_floats_to_bytes (const float  *s,
                                    guint8       *d,
                                    gsize         n);
void augur_weather_sep_filter (float       *data,
                               int          width,
                               int          height,
                               int          planes,
                               const float *kernel,
                               int          ksize);
void augur_weather_gaussian   (float       *data,
                               int          width,
                               int          height,
                               int          planes,
                               double       sigma);
void augur_weather_box        (float       *data,
                               int          width,
                               int          height,
                               int          planes,
                               int          ksize);
float *augur_weather_upscale  (const float *src,
                               int          sw,
                               int          sh,
                               int          planes,
                               int          dw,
                               int          dh);

typedef struct
{
  const float *src;
  int          sw, sh, planes, dw, dh;
  int         *x0, *x1;
  float       *ax, *top, *bottom, *row;
  int          cached;
} AugurUpscaler;

void         augur_upscaler_init  (AugurUpscaler *u,
                                   const float   *src,
                                   int            sw,
                                   int            sh,
                                   int            planes,
                                   int            dw,
                                   int            dh);
const float *augur_upscaler_row   (AugurUpscaler *u,
                                   int            y);
void         augur_upscaler_clear (AugurUpscaler *u);

/* RGB in 0..1 to hue in degrees [0, 360), lightness and saturation in
 * 0..1, as OpenCV's COLOR_RGB2HLS on float images. */
static inline void
augur_rgb_to_hls (float  r,
                  float  g,
                  float  b,
                  float *h,
                  float *l,
                  float *s)
{
  float vmax = MAX (r, MAX (g, b));
  float vmin = MIN (r, MIN (g, b));
  float diff = vmax - vmin;
  float hue;

  *l = (vmax + vmin) * 0.5f;
  if (diff <= 1e-7f)
    {
      *h = 0;
      *s = 0;
      return;
    }
  *s = *l < 0.5f ? diff / (vmax + vmin) : diff / (2.0f - vmax - vmin);
  if (vmax == r)
    hue = 60.0f * (g - b) / diff;
  else if (vmax == g)
    hue = 120.0f + 60.0f * (b - r) / diff;
  else
    hue = 240.0f + 60.0f * (r - g) / diff;
  *h = hue < 0 ? hue + 360.0f : hue;
}

static inline float
augur_hls_channel (float p1,
                   float p2,
                   float h)
{
  h = h - 360.0f * floorf (h / 360.0f);
  if (h < 60.0f)
    return p1 + (p2 - p1) * h / 60.0f;
  if (h < 180.0f)
    return p2;
  if (h < 240.0f)
    return p1 + (p2 - p1) * (240.0f - h) / 60.0f;
  return p1;
}

static inline void
augur_hls_to_rgb (float  h,
                  float  l,
                  float  s,
                  float *r,
                  float *g,
                  float *b)
{
  float p2, p1;

  if (s <= 0)
    {
      *r = *g = *b = l;
      return;
    }
  p2 = l <= 0.5f ? l * (1.0f + s) : l + s - l * s;
  p1 = 2.0f * l - p2;
  *r = augur_hls_channel (p1, p2, h + 120.0f);
  *g = augur_hls_channel (p1, p2, h);
  *b = augur_hls_channel (p1, p2, h - 120.0f);
}

/* The HLS round trip that sets a colour's lightness to @l and scales its
 * saturation by @sat_scale, hue kept, without computing the hue: in HLS
 * every channel is p1 + (p2 - p1) g (hue), p1 and p2 the minimum and
 * maximum, so each channel keeps its place (c - min) / (max - min) between
 * the new minimum and maximum. Values in 0..1. */
static inline void
augur_rgb_set_lightness (float *rgb,
                         float  l,
                         float  sat_scale)
{
  float mx = MAX (rgb[0], MAX (rgb[1], rgb[2]));
  float mn = MIN (rgb[0], MIN (rgb[1], rgb[2]));
  float d = mx - mn, l0 = (mx + mn) * 0.5f, s, p1, p2;

  if (d <= 1e-7f)
    {
      rgb[0] = rgb[1] = rgb[2] = l;
      return;
    }
  s = (l0 < 0.5f ? d / (mx + mn) : d / (2.0f - mx - mn)) * sat_scale;
  p2 = l <= 0.5f ? l * (1.0f + s) : l + s - l * s;
  p1 = 2.0f * l - p2;
  for (int c = 0; c < 3; c++)
    rgb[c] = p1 + (rgb[c] - mn) / d * (p2 - p1);
}

G_END_DECLS
