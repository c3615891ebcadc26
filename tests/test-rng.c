/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "augur-rng.h"
#include "augur-rng-bulk.h"

/* An independent transcription of the published reference code
 * (xoshiro256starstar.c and splitmix64.c by Blackman and Vigna), kept
 * deliberately plain so that it shares nothing with the code under test. */
static guint64
ref_rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static guint64
ref_next (guint64 s[4])
{
  guint64 result = ref_rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = ref_rotl (s[3], 45);
  return result;
}

static guint64
ref_splitmix64 (guint64 *x)
{
  guint64 z = (*x += 0x9e3779b97f4a7c15ull);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* The state {1, 2, 3, 4}: the first outputs, worked by hand for the first
 * two (rotl (2 * 5, 7) * 9 = 11520; after one step s[1] = 0) and checked
 * against the independent transcription for the rest. */
static void
test_xoshiro_reference (void)
{
  static const guint64 expected[] = {
    11520u, 0u, 1509978240u, G_GUINT64_CONSTANT (1215971899390074240),
  };
  AugurRng rng = { { 1, 2, 3, 4 } };
  guint64 ref[4] = { 1, 2, 3, 4 };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      guint64 want = ref_next (ref);

      g_assert_cmpuint (want, ==, expected[i]);
      g_assert_cmpuint (augur_rng_next (&rng), ==, want);
    }

  for (guint i = 0; i < 10000; i++)
    g_assert_cmpuint (augur_rng_next (&rng), ==, ref_next (ref));
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (rng.s[i], ==, ref[i]);
}

/* Seeding fills the state with four splitmix64 outputs; from seed 0 the
 * first of them is the published 0xe220a8397b1dcdaf. */
static void
test_seeding (void)
{
  AugurRng rng;
  guint64 x = 0;

  augur_rng_init (&rng, 0);
  g_assert_cmpuint (rng.s[0], ==, G_GUINT64_CONSTANT (0xe220a8397b1dcdaf));
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (rng.s[i], ==, ref_splitmix64 (&x));

  /* Different seeds, different streams; the same seed, the same stream. */
  {
    AugurRng a, b, c;

    augur_rng_init (&a, 42);
    augur_rng_init (&b, 42);
    augur_rng_init (&c, 43);
    for (guint i = 0; i < 100; i++)
      {
        guint64 va = augur_rng_next (&a);

        g_assert_cmpuint (va, ==, augur_rng_next (&b));
        g_assert_cmpuint (va, !=, augur_rng_next (&c));
      }
  }
}

static void
test_uniform (void)
{
  AugurRng rng;
  const guint n = 200000;
  double sum = 0, sum2 = 0, lo = 1, hi = 0;

  augur_rng_init (&rng, 1);
  for (guint i = 0; i < n; i++)
    {
      double u = augur_rng_uniform (&rng);

      g_assert_cmpfloat (u, >=, 0.0);
      g_assert_cmpfloat (u, <, 1.0);
      lo = MIN (lo, u);
      hi = MAX (hi, u);
      sum += u;
      sum2 += u * u;
    }

  /* Mean 1/2, variance 1/12; the standard error of the mean is
   * sqrt (1/12 / n) ~ 0.00065, so 0.004 is more than 6 of them. */
  g_assert_cmpfloat_with_epsilon (sum / n, 0.5, 0.004);
  g_assert_cmpfloat_with_epsilon (sum2 / n - (sum / n) * (sum / n), 1.0 / 12, 0.002);
  g_assert_cmpfloat (lo, <, 0.001);
  g_assert_cmpfloat (hi, >, 0.999);

  /* The top 53 bits: the smallest and largest outputs map to 0 and the
   * largest double below 1. */
  {
    AugurRng zero = { { 0, 0, 0, 0 } };

    g_assert_cmpfloat (augur_rng_uniform (&zero), ==, 0.0);
  }
}

static void
test_range (void)
{
  AugurRng rng;

  augur_rng_init (&rng, 2);
  g_assert_cmpfloat (augur_rng_range (&rng, 3.5, 3.5), ==, 3.5);
  for (guint i = 0; i < 10000; i++)
    {
      double v = augur_rng_range (&rng, -2.0, 5.0);

      g_assert_cmpfloat (v, >=, -2.0);
      g_assert_cmpfloat (v, <=, 5.0);
    }
}

/* Pearson's chi-square over @k equally likely buckets. */
static double
chi_square (const guint *counts,
            guint        k,
            guint        n)
{
  double expected = (double) n / k, chi = 0;

  for (guint i = 0; i < k; i++)
    chi += (counts[i] - expected) * (counts[i] - expected) / expected;
  return chi;
}

static void
test_int_unbiased (void)
{
  AugurRng rng;
  guint counts[10] = { 0 };
  const guint n = 100000;

  augur_rng_init (&rng, 3);
  for (guint i = 0; i < n; i++)
    {
      gint64 v = augur_rng_int (&rng, -3, 6);

      g_assert_cmpint (v, >=, -3);
      g_assert_cmpint (v, <=, 6);
      counts[v + 3]++;
    }
  /* 9 degrees of freedom: 27.88 is the 0.999 quantile. Seeded, so this
   * either always passes or always fails. */
  g_assert_cmpfloat (chi_square (counts, 10, n), <, 27.88);

  /* Both ends are reachable: inclusive bounds. */
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (counts[i], >, 0);

  /* A span that does not divide 2^64 evenly, where modulo would bias:
   * three buckets of a range of 3 * 2^61 values. */
  {
    guint c3[3] = { 0 };
    const gint64 third = G_GINT64_CONSTANT (1) << 61;

    for (guint i = 0; i < 30000; i++)
      {
        gint64 v = augur_rng_int (&rng, 0, 3 * third - 1);

        g_assert_cmpint (v, >=, 0);
        c3[v / third]++;
      }
    /* 2 degrees of freedom: 13.82 is the 0.999 quantile. A plain modulo
     * would give the buckets 3/8, 3/8 and 2/8 of the draws. */
    g_assert_cmpfloat (chi_square (c3, 3, 30000), <, 13.82);
  }

  /* Degenerate and extreme spans. */
  g_assert_cmpint (augur_rng_int (&rng, 7, 7), ==, 7);
  g_assert_cmpint (augur_rng_int (&rng, 7, 3), ==, 7);
  for (guint i = 0; i < 100; i++)
    {
      gint64 v = augur_rng_int (&rng, G_MININT64 + 1, G_MAXINT64);

      g_assert_cmpint (v, >=, G_MININT64 + 1);
    }
  {
    gboolean seen_lo = FALSE, seen_hi = FALSE;

    for (guint i = 0; i < 200; i++)
      {
        gint64 v = augur_rng_int (&rng, G_MAXINT64 - 1, G_MAXINT64);

        seen_lo = seen_lo || v == G_MAXINT64 - 1;
        seen_hi = seen_hi || v == G_MAXINT64;
        g_assert_true (v == G_MAXINT64 - 1 || v == G_MAXINT64);
      }
    g_assert_true (seen_lo && seen_hi);
  }
}

static void
test_normal (void)
{
  AugurRng rng;
  const guint n = 200000;
  double sum = 0, sum2 = 0;
  guint within1 = 0;

  augur_rng_init (&rng, 4);
  for (guint i = 0; i < n; i++)
    {
      double v = augur_rng_normal (&rng);

      g_assert_true (isfinite (v));
      sum += v;
      sum2 += v * v;
      within1 += fabs (v) < 1.0;
    }
  /* Standard errors: mean 1/sqrt(n) ~ 0.0022, variance sqrt(2/n) ~ 0.0032. */
  g_assert_cmpfloat_with_epsilon (sum / n, 0.0, 0.012);
  g_assert_cmpfloat_with_epsilon (sum2 / n - (sum / n) * (sum / n), 1.0, 0.02);
  /* 68.27% within one standard deviation. */
  g_assert_cmpfloat_with_epsilon ((double) within1 / n, 0.6827, 0.005);
}

static void
test_chance (void)
{
  AugurRng rng;
  guint hits = 0;
  const guint n = 100000;

  augur_rng_init (&rng, 5);
  for (guint i = 0; i < 1000; i++)
    {
      g_assert_false (augur_rng_chance (&rng, 0.0));
      g_assert_true (augur_rng_chance (&rng, 1.0));
      g_assert_false (augur_rng_chance (&rng, -1.0));
      g_assert_true (augur_rng_chance (&rng, 2.0));
      g_assert_false (augur_rng_chance (&rng, NAN));
    }
  for (guint i = 0; i < n; i++)
    hits += augur_rng_chance (&rng, 0.3);
  /* Standard error sqrt (0.21 / n) ~ 0.00145. */
  g_assert_cmpfloat_with_epsilon ((double) hits / n, 0.3, 0.008);

  /* p of 0 and 1 draw nothing, so they leave the stream untouched. */
  {
    AugurRng a, b;

    augur_rng_init (&a, 6);
    augur_rng_init (&b, 6);
    augur_rng_chance (&a, 0.0);
    augur_rng_chance (&a, 1.0);
    g_assert_cmpuint (augur_rng_next (&a), ==, augur_rng_next (&b));
  }
}

static void
test_sub_seed (void)
{
  AugurRng rng;

  augur_rng_init (&rng, 7);
  for (guint i = 0; i < 10000; i++)
    g_assert_cmpuint (augur_rng_seed (&rng), <=, AUGUR_SEED_MASK);
}

/* The derivation decides every output of every user: these values are
 * pinned so that any change to it, however small, fails here first. */
static const struct
{
  guint64     seed;
  const char *key;
  guint       variant;
  guint64     expected;
} derive_cases[] = {
  { 0, "", 0, G_GUINT64_CONSTANT (7820674780402316) },
  { 0, "a.png", 0, G_GUINT64_CONSTANT (581765264390785) },
  { 1234, "cats/001.png", 0, G_GUINT64_CONSTANT (2951082935983888) },
  { 1234, "cats/001.png", 1, G_GUINT64_CONSTANT (1558076965233766) },
  { 1234, "cats/002.png", 0, G_GUINT64_CONSTANT (8931293485978142) },
  { G_GUINT64_CONSTANT (9007199254740991), "deep/dir/\xc3\xbc.jpg", 7, G_GUINT64_CONSTANT (8748973275373214) },
};

static void
test_seed_derive_pinned (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (derive_cases); i++)
    {
      guint64 got = augur_seed_derive (derive_cases[i].seed, derive_cases[i].key, derive_cases[i].variant);

      if (g_test_verbose ())
        g_test_message ("{ %" G_GUINT64_FORMAT ", \"%s\", %u, G_GUINT64_CONSTANT (%" G_GUINT64_FORMAT ") },",
                        derive_cases[i].seed, derive_cases[i].key, derive_cases[i].variant, got);
      g_assert_cmpuint (got, ==, derive_cases[i].expected);
    }
}

/* The derivation as docs/recipe-format.md states it: 64-bit FNV-1a of the
 * key's bytes; x = seed; x = splitmix64 (x) ^ hash; x = splitmix64 (x) ^
 * variant; x = splitmix64 (x); the low 53 bits. */
static guint64
ref_derive (guint64     seed,
            const char *key,
            guint       variant)
{
  guint64 h = 0xcbf29ce484222325ull, x = seed;

  for (const unsigned char *p = (const unsigned char *) key; *p; p++)
    h = (h ^ *p) * 0x100000001b3ull;
  x = ref_splitmix64 (&x) ^ h;
  x = ref_splitmix64 (&x) ^ variant;
  x = ref_splitmix64 (&x);
  return x & ((1ull << 53) - 1);
}

static void
test_seed_derive_documented (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (derive_cases); i++)
    g_assert_cmpuint (ref_derive (derive_cases[i].seed, derive_cases[i].key, derive_cases[i].variant),
                      ==, derive_cases[i].expected);
  for (guint64 seed = 0; seed < 1000; seed += 37)
    for (guint variant = 0; variant < 5; variant++)
      g_assert_cmpuint (augur_seed_derive (seed, "img/x.png", variant), ==,
                        ref_derive (seed, "img/x.png", variant));
}

static void
test_seed_derive_depends (void)
{
  guint64 base = augur_seed_derive (1234, "cats/001.png", 0);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  /* Each input matters. */
  g_assert_cmpuint (base, !=, augur_seed_derive (1235, "cats/001.png", 0));
  g_assert_cmpuint (base, !=, augur_seed_derive (1234, "cats/002.png", 0));
  g_assert_cmpuint (base, !=, augur_seed_derive (1234, "cats/001.png", 1));
  g_assert_cmpuint (base, !=, augur_seed_derive (1234, "", 0));
  /* Stable: the same inputs, the same seed. */
  g_assert_cmpuint (base, ==, augur_seed_derive (1234, "cats/001.png", 0));
  /* A NULL key reads as the empty key. */
  g_assert_cmpuint (augur_seed_derive (9, NULL, 2), ==, augur_seed_derive (9, "", 2));

  /* Below 2^53 and without collisions over a grid of inputs. */
  for (guint64 seed = 0; seed < 20; seed++)
    for (guint k = 0; k < 20; k++)
      for (guint variant = 0; variant < 20; variant++)
        {
          g_autofree char *key = g_strdup_printf ("dir/%u.jpg", k);
          guint64 v = augur_seed_derive (seed * G_GUINT64_CONSTANT (0x100000001), key, variant);
          gint64 *stored = g_new (gint64, 1);

          g_assert_cmpuint (v, <=, AUGUR_SEED_MASK);
          *stored = (gint64) v;
          g_assert_false (g_hash_table_contains (seen, stored));
          g_hash_table_add (seen, stored);
        }
  g_assert_cmpuint (augur_seed_derive (G_MAXUINT64, "x", G_MAXUINT), <=, AUGUR_SEED_MASK);
}

/* The reference jump, transcribed from the same published code. */
static void
ref_jump (guint64 s[4])
{
  static const guint64 jump[] = { 0x180ec6d33cfd0abaull, 0xd5a61266f0c9392cull,
                                  0xa9582618e03fc9aaull, 0x39abdc4529b1661cull };
  guint64 t[4] = { 0, 0, 0, 0 };

  for (int i = 0; i < 4; i++)
    for (int b = 0; b < 64; b++)
      {
        if (jump[i] & (1ull << b))
          for (int k = 0; k < 4; k++)
            t[k] ^= s[k];
        ref_next (s);
      }
  for (int k = 0; k < 4; k++)
    s[k] = t[k];
}

/* The lanes' reference states: lane 0 seeded (through splitmix64) with
 * one draw of the parent, each next lane one jump further. */
static void
ref_bulk_lanes (guint64 parent_seed,
                guint64 lanes[AUGUR_RNG_BULK_LANES][4])
{
  guint64 parent[4], x, seed;

  x = parent_seed;
  for (int k = 0; k < 4; k++)
    parent[k] = ref_splitmix64 (&x);
  seed = ref_next (parent);
  x = seed;
  for (int k = 0; k < 4; k++)
    lanes[0][k] = ref_splitmix64 (&x);
  for (int l = 1; l < AUGUR_RNG_BULK_LANES; l++)
    {
      for (int k = 0; k < 4; k++)
        lanes[l][k] = lanes[l - 1][k];
      ref_jump (lanes[l]);
    }
}

/* The vector lanes give exactly the scalar reference generators' words,
 * round by round; a partial round drops its surplus words; the parent
 * gives up exactly one draw. */
static void
test_bulk_lanes (void)
{
  static const gsize calls[] = { 13, 40, 1, 8, 333 };
  guint64 lanes[AUGUR_RNG_BULK_LANES][4];
  AugurRng parent, after;
  AugurRngBulk bulk;

  ref_bulk_lanes (2026, lanes);
  augur_rng_init (&parent, 2026);
  augur_rng_bulk_init (&bulk, &parent);
  augur_rng_init (&after, 2026);
  augur_rng_next (&after);
  g_assert_cmpmem (parent.s, sizeof parent.s, after.s, sizeof after.s);

  for (guint c = 0; c < G_N_ELEMENTS (calls); c++)
    {
      g_autofree guint64 *out = g_new (guint64, calls[c]);
      gsize rounds = (calls[c] + AUGUR_RNG_BULK_LANES - 1) / AUGUR_RNG_BULK_LANES;

      augur_rng_bulk_fill (&bulk, out, calls[c]);
      for (gsize r = 0; r < rounds; r++)
        for (int l = 0; l < AUGUR_RNG_BULK_LANES; l++)
          {
            guint64 want = ref_next (lanes[l]);
            gsize i = r * AUGUR_RNG_BULK_LANES + l;

            if (i < calls[c])
              g_assert_cmpuint (out[i], ==, want);
          }
    }
}

/* 16-bit values are the words' quarters and 32-bit ones their halves, low
 * bits first, in any split of the request into calls that keeps the
 * words' rounds; and the 16-bit ones are uniform: every bit set half of the time, the mean in the middle. */
static void
test_bulk_u16 (void)
{
  enum { N = 1 << 20 };
  g_autofree guint64 *words = g_new (guint64, N / 4);
  g_autofree guint16 *values = g_new (guint16, N);
  AugurRngBulk a, b;
  AugurRng rng;
  double sum = 0;
  guint bits[16] = { 0 };

  augur_rng_init (&rng, 77);
  augur_rng_bulk_init (&a, &rng);
  b = a;
  augur_rng_bulk_fill (&a, words, N / 4);
  /* 4 * 8 * 100 values: a whole number of rounds, then the rest. */
  augur_rng_bulk_fill_u16 (&b, values, 3200);
  augur_rng_bulk_fill_u16 (&b, values + 3200, N - 3200);
  for (gsize i = 0; i < N; i++)
    {
      g_assert_cmpuint (values[i], ==, (guint16) (words[i / 4] >> (16 * (i % 4))));
      sum += values[i];
      for (int k = 0; k < 16; k++)
        bits[k] += (values[i] >> k) & 1;
    }
  /* 32-bit values: the words' halves, low first. */
  {
    g_autofree guint32 *halves = g_new (guint32, N / 2);

    b = a;
    augur_rng_bulk_fill (&a, words, N / 8);
    augur_rng_bulk_fill_u32 (&b, halves, 1600);
    augur_rng_bulk_fill_u32 (&b, halves + 1600, N / 4 - 1600);
    for (gsize i = 0; i < N / 4; i++)
      g_assert_cmpuint (halves[i], ==, (guint32) (words[i / 2] >> (32 * (i % 2))));
  }
  /* Standard error of the mean: 65536 / sqrt (12 N) = 18.5. */
  g_assert_cmpfloat (fabs (sum / N - 32767.5), <, 100);
  /* Of a bit's count: sqrt (N) / 2 = 512. */
  for (int k = 0; k < 16; k++)
    g_assert_cmpint (ABS ((int) bits[k] - N / 2), <, 3000);
}

/* The jump is the published polynomial: checked against the reference
 * transcription, and it moves the generator. */
static void
test_jump (void)
{
  guint64 ref[4] = { 1, 2, 3, 4 };
  AugurRng rng = { { 1, 2, 3, 4 } };

  augur_rng_jump (&rng);
  ref_jump (ref);
  g_assert_cmpmem (rng.s, sizeof rng.s, ref, sizeof ref);
  g_assert_cmpuint (rng.s[0], !=, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rng/xoshiro-reference", test_xoshiro_reference);
  g_test_add_func ("/rng/seeding", test_seeding);
  g_test_add_func ("/rng/uniform", test_uniform);
  g_test_add_func ("/rng/range", test_range);
  g_test_add_func ("/rng/int-unbiased", test_int_unbiased);
  g_test_add_func ("/rng/normal", test_normal);
  g_test_add_func ("/rng/chance", test_chance);
  g_test_add_func ("/rng/sub-seed", test_sub_seed);
  g_test_add_func ("/rng/seed-derive/pinned", test_seed_derive_pinned);
  g_test_add_func ("/rng/seed-derive/documented", test_seed_derive_documented);
  g_test_add_func ("/rng/seed-derive/depends", test_seed_derive_depends);
  g_test_add_func ("/rng/jump", test_jump);
  g_test_add_func ("/rng/bulk/lanes", test_bulk_lanes);
  g_test_add_func ("/rng/bulk/u16", test_bulk_u16);

  return g_test_run ();
}
