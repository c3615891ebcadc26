/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "augur-rng-bulk.h"
#include "augur-simd.h"

/* Four lanes' words of one state variable, as one GCC vector: an AVX2
 * register in the AVX2 build, two SSE2 registers in the baseline one. The
 * eight lanes are two such sets, stepped side by side (kept in named
 * variables: arrays of vectors end up in memory). */
typedef guint64 Lanes __attribute__ ((vector_size (4 * sizeof (guint64))));

G_STATIC_ASSERT (AUGUR_RNG_BULK_LANES == 8);

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

/* Left rotation of every lane. */
#define ROTL_LANES(x, k) (((x) << (k)) | ((x) >> (64 - (k))))

/* One step of four lanes, their words into r: xoshiro256** as in
 * augur_rng_next, with the multiplications by 5 and 9 as shifts and adds
 * (no 64-bit vector multiply before AVX-512). A macro: GCC vectors wider
 * than the baseline's registers are not passed between functions. */
#define STEP_LANES(s0, s1, s2, s3, r)                   \
  G_STMT_START {                                        \
    Lanes x_ = ((s1) << 2) + (s1);                      \
    Lanes t_ = (s1) << 17;                              \
                                                        \
    x_ = ROTL_LANES (x_, 7);                            \
    (r) = (x_ << 3) + x_;                               \
    (s2) ^= (s0);                                       \
    (s3) ^= (s1);                                       \
    (s1) ^= (s2);                                       \
    (s0) ^= (s3);                                       \
    (s2) ^= t_;                                         \
    (s3) = ROTL_LANES ((s3), 45);                       \
  } G_STMT_END

AUGUR_SIMD_CLONES static void
bulk_fill (AugurRngBulk *bulk,
           guint64      *out,
           gsize         n)
{
  Lanes a0, a1, a2, a3, b0, b1, b2, b3, ra, rb;
  gsize i = 0;

  /* Lanes 0-3 in a, 4-7 in b. */
  memcpy (&a0, &bulk->s[0][0], sizeof a0);
  memcpy (&a1, &bulk->s[1][0], sizeof a1);
  memcpy (&a2, &bulk->s[2][0], sizeof a2);
  memcpy (&a3, &bulk->s[3][0], sizeof a3);
  memcpy (&b0, &bulk->s[0][4], sizeof b0);
  memcpy (&b1, &bulk->s[1][4], sizeof b1);
  memcpy (&b2, &bulk->s[2][4], sizeof b2);
  memcpy (&b3, &bulk->s[3][4], sizeof b3);

  for (; i < n; i += AUGUR_RNG_BULK_LANES)
    {
      STEP_LANES (a0, a1, a2, a3, ra);
      STEP_LANES (b0, b1, b2, b3, rb);
      if (i + AUGUR_RNG_BULK_LANES <= n)
        {
          memcpy (out + i, &ra, sizeof ra);
          memcpy (out + i + 4, &rb, sizeof rb);
        }
      else
        {
          guint64 last[AUGUR_RNG_BULK_LANES];

          memcpy (last, &ra, sizeof ra);
          memcpy (last + 4, &rb, sizeof rb);
          memcpy (out + i, last, (n - i) * sizeof (guint64));
        }
    }

  memcpy (&bulk->s[0][0], &a0, sizeof a0);
  memcpy (&bulk->s[1][0], &a1, sizeof a1);
  memcpy (&bulk->s[2][0], &a2, sizeof a2);
  memcpy (&bulk->s[3][0], &a3, sizeof a3);
  memcpy (&bulk->s[0][4], &b0, sizeof b0);
  memcpy (&bulk->s[1][4], &b1, sizeof b1);
  memcpy (&bulk->s[2][4], &b2, sizeof b2);
  memcpy (&bulk->s[3][4], &b3, sizeof b3);
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

/* Fills @out with @n values of @size bytes (2 or 4), each word of
 * bulk_fill giving 8 / @size of them from its low bits up. */
static void
bulk_fill_units (AugurRngBulk *bulk,
                 void         *out,
                 gsize         n,
                 gsize         size)
{
  enum { CHUNK = 64 * AUGUR_RNG_BULK_LANES };
  guint64 words[CHUNK];
  gsize per_word = sizeof (guint64) / size;
  gsize words_left = (n + per_word - 1) / per_word;
  guint8 *dest = out;

  while (n > 0)
    {
      gsize nw = MIN (words_left, (gsize) CHUNK);
      gsize nv = MIN (n, nw * per_word);

      bulk_fill (bulk, words, nw);
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
      memcpy (dest, words, nv * size);
#else
      for (gsize i = 0; i < nv; i++)
        {
          guint64 v = words[i / per_word] >> (8 * size * (i % per_word));

          if (size == 2)
            ((guint16 *) dest)[i] = (guint16) v;
          else
            ((guint32 *) dest)[i] = (guint32) v;
        }
#endif
      dest += nv * size;
      n -= nv;
      words_left -= nw;
    }
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
  bulk_fill_units (bulk, out, n, sizeof (guint16));
}

/**
 * augur_rng_bulk_fill_u32:
 * @bulk: the lanes
 * @out: where the values go
 * @n: how many
 *
 * Fills @out with @n uniform 32-bit values: word k of
 * augur_rng_bulk_fill() gives values 2 k (its low half) and 2 k + 1. A
 * call takes ceil (@n / 2) words, with the same rounding as
 * augur_rng_bulk_fill().
 */
void
augur_rng_bulk_fill_u32 (AugurRngBulk *bulk,
                         guint32      *out,
                         gsize         n)
{
  bulk_fill_units (bulk, out, n, sizeof (guint32));
}

/* Gaps longer than this are returned as this: far past any image. */
#define GEOMETRIC_CAP (G_GUINT64_CONSTANT (1) << 62)

/**
 * augur_rng_geometric:
 * @rng: a generator; one word is drawn from it
 * @log_q: log (1 - p), from log1p (-p), for a success probability p in
 *   (0, 1)
 *
 * The number of failures before the first success in independent trials
 * of probability p: a gap between the pixels a coin of probability p
 * picks. Walking an image by such gaps picks exactly the pixels one coin
 * a pixel would (in distribution), at the cost of one draw and one
 * logarithm a picked pixel instead of a draw a pixel; worth it for small p
 * (AUGUR_RNG_SPARSE_P).
 *
 * By inversion (Devroye, "Non-Uniform Random Variate Generation", 1986,
 * section X.2): floor (log (u) / log (1 - p)), u uniform on (0, 1], is at
 * least k with probability P (u <= (1 - p)^k) = (1 - p)^k. u has 53 bits,
 * so these probabilities are exact to 2^-53.
 *
 * Returns: the gap, at most 2^62
 */
guint64
augur_rng_geometric (AugurRng *rng,
                     double    log_q)
{
  double u = ((augur_rng_next (rng) >> 11) + 1) * 0x1.0p-53;
  double g;

  if (!(log_q < 0))
    return GEOMETRIC_CAP;
  g = floor (log (u) / log_q);
  return g < (double) GEOMETRIC_CAP ? (guint64) g : GEOMETRIC_CAP;
}
