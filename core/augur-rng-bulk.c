/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <string.h>

#include "augur-rng-bulk.h"
#include "augur-simd.h"

/* All lanes' words of one state variable, as one GCC vector: the AVX2
 * build steps them in two 256-bit registers, the baseline one in four
 * 128-bit ones. */
typedef guint64 Lanes __attribute__ ((vector_size (AUGUR_RNG_BULK_LANES * sizeof (guint64))));

/**
 * augur_rng_jump:
 * @rng: a generator
 *
 * Advances @rng by 2^128 steps, with the jump polynomial of xoshiro256
 * published by its authors (Blackman and Vigna, 2018).
 */
void
augur_rng_jump (AugurRng *rng)
{
  static const guint64 jump[] = {
    G_GUINT64_CONSTANT (0x180ec6d33cfd0aba), G_GUINT64_CONSTANT (0xd5a61266f0c9392c),
    G_GUINT64_CONSTANT (0xa9582618e03fc9aa), G_GUINT64_CONSTANT (0x39abdc4529b1661c),
  };
  guint64 t[4] = { 0, 0, 0, 0 };

  for (guint i = 0; i < G_N_ELEMENTS (jump); i++)
    for (guint b = 0; b < 64; b++)
      {
        if (jump[i] & (G_GUINT64_CONSTANT (1) << b))
          for (guint k = 0; k < 4; k++)
            t[k] ^= rng->s[k];
        augur_rng_next (rng);
      }
  memcpy (rng->s, t, sizeof t);
}

/**
 * augur_rng_bulk_init:
 * @bulk: the lanes to start
 * @rng: the step's generator; one word is drawn from it
 *
 * Lane 0 starts from a generator seeded with one draw of @rng, lane l from
 * lane l - 1's start jumped 2^128 steps ahead.
 */
void
augur_rng_bulk_init (AugurRngBulk *bulk,
                     AugurRng     *rng)
{
  AugurRng lane;

  augur_rng_init (&lane, augur_rng_next (rng));
  for (guint l = 0; l < AUGUR_RNG_BULK_LANES; l++)
    {
      if (l > 0)
        augur_rng_jump (&lane);
      for (guint k = 0; k < 4; k++)
        bulk->s[k][l] = lane.s[k];
    }
}

/* Left rotation of every lane (a macro: GCC vectors wider than the
 * baseline's registers are not passed by value between functions). */
#define ROTL_LANES(x, k) (((x) << (k)) | ((x) >> (64 - (k))))

/* One step of every lane, the words into @r: xoshiro256** as in
 * augur_rng_next, with the multiplications by 5 and 9 as shifts and adds
 * (no 64-bit vector multiply before AVX-512). */
static inline void
step_lanes (Lanes *s,
            Lanes *r)
{
  Lanes x = (s[1] << 2) + s[1];
  Lanes t = s[1] << 17;

  x = ROTL_LANES (x, 7);
  *r = (x << 3) + x;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = ROTL_LANES (s[3], 45);
}

AUGUR_SIMD_CLONES static void
bulk_fill (AugurRngBulk *bulk,
           guint64      *out,
           gsize         n)
{
  Lanes s[4], r;
  gsize i = 0;

  memcpy (s, bulk->s, sizeof s);

  for (; i + AUGUR_RNG_BULK_LANES <= n; i += AUGUR_RNG_BULK_LANES)
    {
      step_lanes (s, &r);
      memcpy (out + i, &r, sizeof r);
    }
  if (i < n)
    {
      step_lanes (s, &r);
      memcpy (out + i, &r, (n - i) * sizeof (guint64));
    }

  memcpy (bulk->s, s, sizeof s);
}

/**
 * augur_rng_bulk_fill:
 * @bulk: the lanes
 * @out: where the words go
 * @n: how many
 *
 * Fills @out with @n words, round by round (see #AugurRngBulk). A call
 * steps every lane ceil (@n / AUGUR_RNG_BULK_LANES) times: the words of a
 * last, partial round beyond @n are dropped, so the sequence a caller sees
 * depends on how it splits its requests, and must be split the same way
 * every time (by row, say).
 */
void
augur_rng_bulk_fill (AugurRngBulk *bulk,
                     guint64      *out,
                     gsize         n)
{
  bulk_fill (bulk, out, n);
}

/**
 * augur_rng_bulk_fill_u16:
 * @bulk: the lanes
 * @out: where the values go
 * @n: how many
 *
 * Fills @out with @n uniform 16-bit values: word k of
 * augur_rng_bulk_fill() gives values 4 k to 4 k + 3, from its low bits up.
 * A call takes ceil (@n / 4) words, with the same rounding as
 * augur_rng_bulk_fill().
 */
void
augur_rng_bulk_fill_u16 (AugurRngBulk *bulk,
                         guint16      *out,
                         gsize         n)
{
  enum { CHUNK = 64 * AUGUR_RNG_BULK_LANES };
  guint64 words[CHUNK];
  gsize words_left = (n + 3) / 4;

  while (n > 0)
    {
      gsize nw = MIN (words_left, (gsize) CHUNK);
      gsize nv = MIN (n, nw * 4);

      bulk_fill (bulk, words, nw);
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
      memcpy (out, words, nv * sizeof (guint16));
#else
      for (gsize i = 0; i < nv; i++)
        out[i] = (guint16) (words[i / 4] >> (16 * (i % 4)));
#endif
      out += nv;
      n -= nv;
      words_left -= nw;
    }
}
