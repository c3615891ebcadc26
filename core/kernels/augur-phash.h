/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "augur-image.h"

G_BEGIN_DECLS

/* The 8 flips and quarter turns of the square (the dihedral group). */
#define AUGUR_PHASH_ORIENTATIONS 8
/* The whole image and the 15 windows a crop of a tenth may keep. */
#define AUGUR_PHASH_WINDOWS 16
/* The detail signature: 16 x 16 DCT signs (DC left out) in 4 words. */
#define AUGUR_PHASH_DETAIL_WORDS 4

/* Bump when the hash changes, so that cached hashes are not reused. */
#define AUGUR_PHASH_VERSION 1

/**
 * AugurPhash:
 * @bits: the 64-bit DCT hash of the image in each of the 8 orientations;
 *   @bits[0] is the image as it is
 * @windows: the hashes of windows of 90 % of the width or height (or both),
 *   in the image's orientation
 * @detail: the signs of the 16 x 16 lowest frequencies of the whole image
 *   (@detail[0]) and of each window, to confirm a match of the 64-bit
 *   hashes
 *
 * A perceptual hash: near-identical for an image and its resized,
 * re-encoded, slightly cropped or brightened copies, far apart for
 * different images. See augur_phash_compute().
 */
typedef struct
{
  guint64 bits[AUGUR_PHASH_ORIENTATIONS];
  guint64 windows[AUGUR_PHASH_WINDOWS - 1];
  guint64 detail[AUGUR_PHASH_WINDOWS][AUGUR_PHASH_DETAIL_WORDS];
} AugurPhash;

static inline guint
augur_hamming (guint64 a,
               guint64 b)
{
  return (guint) __builtin_popcountll (a ^ b);
}

void      augur_phash_compute  (const AugurImage *image,
                                AugurPhash       *hash);
guint     augur_phash_distance (const AugurPhash *a,
                                const AugurPhash *b);
guint     augur_phash_detail_distance (const AugurPhash *a,
                                       const AugurPhash *b);

/**
 * AugurHammingIndex:
 *
 * 64-bit hashes indexed for the search of all hashes within a Hamming
 * radius of a query, without comparing the query to every hash
 * (multi-index hashing). Immutable once built: searches may run from
 * several threads at once.
 */
typedef struct _AugurHammingIndex AugurHammingIndex;

#define AUGUR_HAMMING_MAX_RADIUS 32

AugurHammingIndex *augur_hamming_index_new    (const guint64           *hashes,
                                               guint                    n);
void               augur_hamming_index_free   (AugurHammingIndex       *index);
void               augur_hamming_index_search (const AugurHammingIndex *index,
                                               guint64                  query,
                                               guint                    radius,
                                               GArray                  *ids);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurHammingIndex, augur_hamming_index_free)

G_END_DECLS
