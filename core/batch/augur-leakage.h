/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "augur-phash.h"

G_BEGIN_DECLS

/* The largest distance (in bits) at which two images are still called
 * near-duplicates by default: see docs/benchmarks.md, "Leakage check", for
 * the measurements it comes from. */
#define AUGUR_LEAKAGE_DEFAULT_THRESHOLD 8
#define AUGUR_LEAKAGE_MAX_THRESHOLD     AUGUR_HAMMING_MAX_RADIUS
#define AUGUR_LEAKAGE_CACHE_NAME        "leakage-phash-v" G_STRINGIFY (AUGUR_PHASH_VERSION) ".txt"
/* A pair is confirmed when its detail distance is at most this times the
 * threshold. */
#define AUGUR_LEAKAGE_DETAIL_FACTOR     8

/**
 * AugurLeakageImage:
 * @path: the path as found (the split's folder as given, then the key)
 * @split: the index of its split
 * @error: why it could not be hashed (then the rest is unset)
 * @identity: SHA-256 of its bytes (hex), and its size, the cache's key
 * @width, @height: its size in pixels
 * @hash: its perceptual hash
 */
typedef struct
{
  char      *path;
  guint      split;
  GError    *error;
  char      *identity;
  int        width;
  int        height;
  AugurPhash hash;
} AugurLeakageImage;

/**
 * AugurLeakagePair:
 * @a, @b: indices of images (@a < @b)
 * @distance: the Hamming distance of their hashes, in the orientation and
 *   window that bring them closest
 * @detail: the distance of their 255-bit detail signatures (see
 *   augur_phash_detail_distance()), which must be at most 8 times the
 *   threshold for the pair to be reported
 * @identical: their bytes are the same
 */
typedef struct
{
  guint    a;
  guint    b;
  guint    distance;
  guint    detail;
  gboolean identical;
} AugurLeakagePair;

/**
 * AugurLeakageOrigin:
 *
 * An augmented output, listed in a manifest, that lies in one split while
 * its source lies in another.
 */
typedef struct
{
  char  *output;
  guint  output_split;
  char  *source;
  guint  source_split;
  char  *manifest;
  guint  line;
} AugurLeakageOrigin;

/**
 * AugurLeakage:
 *
 * Finds near-duplicate images across dataset splits (train, validation,
 * test) and within each, and augmented outputs whose source lies in
 * another split.
 */
typedef struct _AugurLeakage AugurLeakage;

AugurLeakage *augur_leakage_new            (void);
void          augur_leakage_free           (AugurLeakage  *leakage);

gboolean      augur_leakage_add_split      (AugurLeakage  *leakage,
                                            const char    *name,
                                            const char    *folder,
                                            GError       **error);
void          augur_leakage_add_manifest   (AugurLeakage  *leakage,
                                            const char    *path);
void          augur_leakage_set_threshold  (AugurLeakage  *leakage,
                                            guint          threshold);
void          augur_leakage_set_threads    (AugurLeakage  *leakage,
                                            guint          threads);
void          augur_leakage_set_cache_dir  (AugurLeakage  *leakage,
                                            const char    *folder);
void          augur_leakage_set_max_pixels (AugurLeakage  *leakage,
                                            gint64         max_pixels);

gboolean      augur_leakage_run            (AugurLeakage  *leakage,
                                            GError       **error);

GPtrArray    *augur_leakage_get_images     (AugurLeakage  *leakage);
GArray       *augur_leakage_get_cross      (AugurLeakage  *leakage);
GArray       *augur_leakage_get_within     (AugurLeakage  *leakage);
GPtrArray    *augur_leakage_get_origins    (AugurLeakage  *leakage);
guint         augur_leakage_get_n_cached   (AugurLeakage  *leakage);
guint         augur_leakage_get_n_leaks    (AugurLeakage  *leakage);

char         *augur_leakage_to_text        (AugurLeakage  *leakage);
JsonNode     *augur_leakage_to_json        (AugurLeakage  *leakage);
gboolean      augur_leakage_write_html     (AugurLeakage  *leakage,
                                            const char    *path,
                                            GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurLeakage, augur_leakage_free)

G_END_DECLS
