/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "augur-image.h"

G_BEGIN_DECLS

/**
 * AugurReferencePool:
 *
 * The other images a blend (MixUp, CutMix, Mosaic, HistogramMatching, FDA,
 * PixelDistributionAdaptation) draws from: an ordered list of entries, each
 * named by a key (a path relative to its folder, '/'-separated) and held
 * either as a decoded image or as a file decoded on first use.
 *
 * A pool is filled once, then shared read-only between threads: decoding
 * is lazy and cached under a lock, the cache bounded in bytes (least
 * recently used images are dropped first). The order of the entries is the
 * order they were added; a blend's choice is an index drawn from the
 * step's own stream and recorded in the replay by key, so the same pool
 * gives the same draws whatever the thread or shard.
 */
typedef struct _AugurReferencePool AugurReferencePool;

/* The labels of a reference (augur-labels.h). */
struct _AugurLabels;

/**
 * AugurReferenceLabelReader:
 * @key: the reference's key
 * @width, @height: its decoded size
 *
 * Reads the labels of a reference kept as a file (augur-cli: from the
 * run's --labels source).
 *
 * Returns: (transfer full) (nullable): the labels, of @width x @height;
 *   NULL without @error set when the reference has none, NULL with @error
 *   set when they cannot be read
 */
typedef struct _AugurLabels *(*AugurReferenceLabelReader) (const char  *key,
                                                           int          width,
                                                           int          height,
                                                           gpointer     user_data,
                                                           GError     **error);

/* The default bound on the decoded images the pool keeps. */
#define AUGUR_REFERENCE_DEFAULT_CACHE_BYTES ((gsize) 512 * 1024 * 1024)

AugurReferencePool *augur_reference_pool_new             (void);
AugurReferencePool *augur_reference_pool_new_from_images (const char * const *keys,
                                                          AugurImage * const *images,
                                                          guint               n);
AugurReferencePool *augur_reference_pool_ref             (AugurReferencePool *pool);
void                augur_reference_pool_unref           (AugurReferencePool *pool);

gboolean            augur_reference_pool_add_image       (AugurReferencePool *pool,
                                                          const char         *key,
                                                          AugurImage         *image);
gboolean            augur_reference_pool_add_file        (AugurReferencePool *pool,
                                                          const char         *key,
                                                          const char         *path);
void                augur_reference_pool_set_max_pixels  (AugurReferencePool *pool,
                                                          gint64              max_pixels);
void                augur_reference_pool_set_cache_bytes (AugurReferencePool *pool,
                                                          gsize               bytes);

/* Labels: blends that show the references' content (MixUp, CutMix,
 * Mosaic) bring their labels into the result. */
gboolean            augur_reference_pool_set_labels      (AugurReferencePool        *pool,
                                                          const char                *key,
                                                          const struct _AugurLabels *labels);
void                augur_reference_pool_set_label_reader (AugurReferencePool       *pool,
                                                          AugurReferenceLabelReader  reader,
                                                          gpointer                   user_data);
gboolean            augur_reference_pool_get_labels      (AugurReferencePool        *pool,
                                                          guint                      index,
                                                          int                       *width,
                                                          int                       *height,
                                                          struct _AugurLabels      **labels,
                                                          GError                   **error);

guint               augur_reference_pool_size            (const AugurReferencePool *pool);
const char         *augur_reference_pool_key             (const AugurReferencePool *pool,
                                                          guint                     index);
int                 augur_reference_pool_find            (const AugurReferencePool *pool,
                                                          const char               *key);
AugurImage         *augur_reference_pool_get             (AugurReferencePool       *pool,
                                                          guint                     index,
                                                          GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurReferencePool, augur_reference_pool_unref)

G_END_DECLS
