/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "augur-rng.h"

G_BEGIN_DECLS

/* How many xoshiro256** generators run side by side. */
#define AUGUR_RNG_BULK_LANES 8

/**
 * AugurRngBulk:
 *
 * AUGUR_RNG_BULK_LANES xoshiro256** generators stepped together, for the
 * transforms that need a random value for every pixel: one step of all
 * lanes is a handful of vector instructions, where the scalar generator
 * spends as many on each 64-bit word.
 *
 * The lanes start from one state drawn from the caller's generator, each
 * 2^128 steps (one xoshiro jump) after the previous one, so their
 * sequences never overlap. The words come out round by round: round k
 * gives word k * AUGUR_RNG_BULK_LANES + l to lane l. Everything depends on
 * the caller's generator only, never on the instruction set or the
 * machine's byte order.
 */
typedef struct
{
  guint64 s[4][AUGUR_RNG_BULK_LANES];
} AugurRngBulk;

void     augur_rng_bulk_init        (AugurRngBulk *bulk,
                                     AugurRng     *rng);
void     augur_rng_bulk_fill        (AugurRngBulk *bulk,
                                     guint64      *out,
                                     gsize         n);
void     augur_rng_bulk_fill_u16    (AugurRngBulk *bulk,
                                     guint16      *out,
                                     gsize         n);
void     augur_rng_bulk_fill_u32    (AugurRngBulk *bulk,
                                     guint32      *out,
                                     gsize         n);
void     augur_rng_jump             (AugurRng     *rng);

/* Below this probability, per-pixel coins are cheaper drawn as gaps. */
#define AUGUR_RNG_SPARSE_P (1.0 / 16)

guint64  augur_rng_geometric        (AugurRng     *rng,
                                     double        log_q);

G_END_DECLS
