/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>

#include "augur-rng.h"

/* splitmix64 (Steele, Lea and Flood, 2014): spreads a 64-bit seed over the
 * generator state, as xoshiro's authors recommend. */
static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

void
augur_rng_init (AugurRng *rng,
                guint64   seed)
{
  guint64 x = seed;

  for (guint i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

double
augur_rng_uniform (AugurRng *rng)
{
  /* The top 53 bits, as a double in [0, 1). */
  return (augur_rng_next (rng) >> 11) * 0x1.0p-53;
}

double
augur_rng_range (AugurRng *rng,
                 double    lo,
                 double    hi)
{
  if (lo == hi)
    return lo;
  return lo + (hi - lo) * augur_rng_uniform (rng);
}

gint64
augur_rng_int (AugurRng *rng,
               gint64    lo,
               gint64    hi)
{
  guint64 span, limit, x;

  if (hi <= lo)
    return lo;

  span = (guint64) hi - (guint64) lo + 1;
  if (span == 0) /* the whole 64-bit range */
    return (gint64) augur_rng_next (rng);

  /* Rejection sampling: no modulo bias. */
  limit = G_MAXUINT64 - G_MAXUINT64 % span;
  do
    x = augur_rng_next (rng);
  while (x >= limit);

  /* In unsigned arithmetic: lo + offset may pass through the signed
   * overflow that C leaves undefined, for spans over 2^63. */
  return (gint64) ((guint64) lo + x % span);
}

double
augur_rng_normal (AugurRng *rng)
{
  /* Box-Muller; one of the pair is dropped so that the generator has no
   * hidden state besides s[]. */
  double u1, u2;

  do
    u1 = augur_rng_uniform (rng);
  while (u1 <= 0.0);
  u2 = augur_rng_uniform (rng);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

gboolean
augur_rng_chance (AugurRng *rng,
                  double    p)
{
  if (p >= 1.0)
    return TRUE;
  if (p <= 0.0)
    return FALSE;
  return augur_rng_uniform (rng) < p;
}

guint64
augur_rng_seed (AugurRng *rng)
{
  return augur_rng_next (rng) & AUGUR_SEED_MASK;
}

/**
 * augur_seed_derive:
 * @recipe_seed: the recipe's (or the command line's) seed
 * @key: the input's key, its path relative to the input root
 * @variant: which of the input's variants
 *
 * The seed of one augmented draw. It depends on these three only, never on
 * thread order or time, so that any split of the work gives the same
 * pixels. The key is hashed with 64-bit FNV-1a, then mixed with the seed
 * and variant through splitmix64 rounds.
 *
 * Returns: a seed below 2^53, exact in every JSON reader
 */
guint64
augur_seed_derive (guint64     recipe_seed,
                   const char *key,
                   guint       variant)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  guint64 x;

  for (const guchar *p = (const guchar *) key; p && *p; p++)
    {
      h ^= *p;
      h *= G_GUINT64_CONSTANT (0x100000001b3);
    }

  x = recipe_seed;
  x = splitmix64 (&x) ^ h;
  x = splitmix64 (&x) ^ (guint64) variant;
  x = splitmix64 (&x);

  return x & AUGUR_SEED_MASK;
}
