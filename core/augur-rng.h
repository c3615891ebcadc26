/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AugurRng:
 *
 * xoshiro256** (Blackman and Vigna, 2018), seeded through splitmix64.
 *
 * Every random choice in Augur comes from a generator passed in explicitly:
 * there is no global state, so the draws of one augmented sample depend only
 * on the seed it was given.
 */
typedef struct
{
  guint64 s[4];
} AugurRng;

/* The next 64 bits of @rng's stream. Inline: the per-pixel loops that
 * draw from a generator (noise fields, offsets) would otherwise pay a
 * call for every number. */
static inline guint64
augur_rng_next (AugurRng *rng)
{
  guint64 *s = rng->s;
  guint64 x = s[1] * 5;
  guint64 result = ((x << 7) | (x >> 57)) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = (s[3] << 45) | (s[3] >> 19);
  return result;
}

/* Largest seed written to files: seeds stay exact in every JSON reader. */
#define AUGUR_SEED_MASK ((G_GUINT64_CONSTANT (1) << 53) - 1)

void     augur_rng_init        (AugurRng   *rng,
                                guint64     seed);
double   augur_rng_uniform     (AugurRng   *rng);   /* [0, 1) */
double   augur_rng_range       (AugurRng   *rng,
                                double      lo,
                                double      hi);    /* [lo, hi], lo when lo == hi */
gint64   augur_rng_int         (AugurRng   *rng,
                                gint64      lo,
                                gint64      hi);    /* inclusive, unbiased */
double   augur_rng_normal      (AugurRng   *rng);   /* standard normal */
gboolean augur_rng_chance      (AugurRng   *rng,
                                double      p);     /* TRUE with probability p */
guint64  augur_rng_seed        (AugurRng   *rng);   /* a fresh 53-bit seed for a sub-generator */

guint64  augur_seed_derive     (guint64     recipe_seed,
                                const char *key,
                                guint       variant);

G_END_DECLS
