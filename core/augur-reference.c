/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include "augur-error.h"
#include "augur-labels.h"
#include "augur-reference.h"

typedef struct
{
  char       *key;
  char       *path;       /* NULL: held decoded in @image for good */
  AugurImage *image;      /* a file's: the cached decode, or NULL */
  guint64     last_use;
  AugurLabels *labels;    /* given with the image (the GUI's), or NULL */
} Entry;

struct _AugurReferencePool
{
  GArray     *entries;    /* Entry */
  GHashTable *index;      /* key → position + 1 */
  gint64      max_pixels;
  gsize       cache_bytes;
  GMutex      lock;       /* guards the cache: image, last_use, cached, clock */
  gsize       cached;
  guint64     clock;
  /* the labels of the files' entries (not guarded: read-only once set) */
  AugurReferenceLabelReader label_reader;
  gpointer                  label_data;
};

static void
entry_clear (gpointer data)
{
  Entry *entry = data;

  g_free (entry->key);
  g_free (entry->path);
  g_clear_pointer (&entry->image, augur_image_unref);
  g_clear_pointer (&entry->labels, augur_labels_free);
}

AugurReferencePool *
augur_reference_pool_new (void)
{
  AugurReferencePool *pool = g_atomic_rc_box_new0 (AugurReferencePool);

  pool->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (pool->entries, entry_clear);
  pool->index = g_hash_table_new (g_str_hash, g_str_equal);
  pool->max_pixels = AUGUR_DEFAULT_MAX_PIXELS;
  pool->cache_bytes = AUGUR_REFERENCE_DEFAULT_CACHE_BYTES;
  g_mutex_init (&pool->lock);
  return pool;
}

/**
 * augur_reference_pool_new_from_images:
 * @keys: the images' names (the GUI: the samples' file names), unique
 * @images: the decoded images, in the same order (new references are taken)
 *
 * A pool of images already decoded: what the preview passes for its loaded
 * samples. A repeated key keeps its first image.
 */
AugurReferencePool *
augur_reference_pool_new_from_images (const char * const *keys,
                                      AugurImage * const *images,
                                      guint               n)
{
  AugurReferencePool *pool = augur_reference_pool_new ();

  for (guint i = 0; i < n; i++)
    augur_reference_pool_add_image (pool, keys[i], images[i]);
  return pool;
}

AugurReferencePool *
augur_reference_pool_ref (AugurReferencePool *pool)
{
  return g_atomic_rc_box_acquire (pool);
}

static void
pool_clear (gpointer data)
{
  AugurReferencePool *pool = data;

  g_array_unref (pool->entries);
  g_hash_table_unref (pool->index);
  g_mutex_clear (&pool->lock);
}

void
augur_reference_pool_unref (AugurReferencePool *pool)
{
  if (pool)
    g_atomic_rc_box_release_full (pool, pool_clear);
}

static gboolean
add_entry (AugurReferencePool *pool,
           const char         *key,
           const char         *path,
           AugurImage         *image)
{
  Entry entry = { g_strdup (key), g_strdup (path), image ? augur_image_ref (image) : NULL, 0, NULL };

  if (g_hash_table_contains (pool->index, key))
    {
      entry_clear (&entry);
      return FALSE;
    }
  g_array_append_val (pool->entries, entry);
  /* Keys point into the entries' own copies, which never move: the array
   * holds structs whose key pointers are stable. */
  g_hash_table_insert (pool->index, g_array_index (pool->entries, Entry, pool->entries->len - 1).key,
                       GUINT_TO_POINTER (pool->entries->len));
  return TRUE;
}

/* Returns FALSE (and adds nothing) when @key is already in the pool. */
gboolean
augur_reference_pool_add_image (AugurReferencePool *pool,
                                const char         *key,
                                AugurImage         *image)
{
  g_return_val_if_fail (pool != NULL && key != NULL && image != NULL, FALSE);
  return add_entry (pool, key, NULL, image);
}

/* The file is decoded when a blend first draws it (see augur_reference_pool_get()). */
gboolean
augur_reference_pool_add_file (AugurReferencePool *pool,
                               const char         *key,
                               const char         *path)
{
  g_return_val_if_fail (pool != NULL && key != NULL && path != NULL, FALSE);
  return add_entry (pool, key, path, NULL);
}

void
augur_reference_pool_set_max_pixels (AugurReferencePool *pool,
                                     gint64              max_pixels)
{
  pool->max_pixels = max_pixels;
}

void
augur_reference_pool_set_cache_bytes (AugurReferencePool *pool,
                                      gsize               bytes)
{
  pool->cache_bytes = bytes;
}

guint
augur_reference_pool_size (const AugurReferencePool *pool)
{
  return pool ? pool->entries->len : 0;
}

const char *
augur_reference_pool_key (const AugurReferencePool *pool,
                          guint                     index)
{
  g_return_val_if_fail (pool != NULL && index < pool->entries->len, NULL);
  return g_array_index (pool->entries, Entry, index).key;
}

/* The position of @key, or -1. */
int
augur_reference_pool_find (const AugurReferencePool *pool,
                           const char               *key)
{
  if (pool == NULL)
    return -1;
  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (pool->index, key)) - 1;
}

static gsize
image_bytes (const AugurImage *image)
{
  return (gsize) image->stride * image->height;
}

/* Drops the least recently used decodes until @extra more bytes fit (the
 * image just decoded is kept even when it alone is over the bound). */
static void
evict (AugurReferencePool *pool,
       gsize               extra)
{
  while (pool->cached > 0 && pool->cached + extra > pool->cache_bytes)
    {
      Entry *oldest = NULL;

      for (guint i = 0; i < pool->entries->len; i++)
        {
          Entry *e = &g_array_index (pool->entries, Entry, i);

          if (e->path && e->image && (oldest == NULL || e->last_use < oldest->last_use))
            oldest = e;
        }
      if (oldest == NULL)
        break;
      pool->cached -= image_bytes (oldest->image);
      g_clear_pointer (&oldest->image, augur_image_unref);
    }
}

/**
 * augur_reference_pool_get:
 *
 * The image at @index, decoded now if it is a file not in the cache (with
 * the pool's pixel limit). Safe to call from several threads at once.
 *
 * Returns: (transfer full): the image, or NULL with @error set (naming the
 *   reference) when its file cannot be read
 */
AugurImage *
augur_reference_pool_get (AugurReferencePool  *pool,
                          guint                index,
                          GError             **error)
{
  g_autoptr(AugurImage) decoded = NULL;
  g_autofree char *path = NULL;
  Entry *entry;

  g_return_val_if_fail (pool != NULL && index < pool->entries->len, NULL);

  g_mutex_lock (&pool->lock);
  entry = &g_array_index (pool->entries, Entry, index);
  entry->last_use = ++pool->clock;
  if (entry->image)
    {
      AugurImage *image = augur_image_ref (entry->image);

      g_mutex_unlock (&pool->lock);
      return image;
    }
  path = g_strdup (entry->path);
  g_mutex_unlock (&pool->lock);

  /* Decoded outside the lock, so that threads decode different
   * references at once; if two decode the same, the first one kept wins. */
  decoded = augur_image_load (path, pool->max_pixels, error);
  if (decoded == NULL)
    {
      g_prefix_error (error, "reference \"%s\": ", entry->key);
      return NULL;
    }

  g_mutex_lock (&pool->lock);
  if (entry->image == NULL)
    {
      evict (pool, image_bytes (decoded));
      entry->image = augur_image_ref (decoded);
      pool->cached += image_bytes (decoded);
    }
  g_clear_pointer (&decoded, augur_image_unref);
  decoded = augur_image_ref (entry->image);
  g_mutex_unlock (&pool->lock);

  return g_steal_pointer (&decoded);
}

/**
 * augur_reference_pool_set_labels:
 * @labels: (nullable): of the entry's image size; copied
 *
 * Gives the entry @key its labels (the GUI: the loaded sample's). FALSE
 * when no entry has @key or its image is held as a file (whose labels come
 * from the pool's reader).
 */
gboolean
augur_reference_pool_set_labels (AugurReferencePool *pool,
                                 const char         *key,
                                 const AugurLabels  *labels)
{
  int at = augur_reference_pool_find (pool, key);
  Entry *entry;

  g_return_val_if_fail (pool != NULL && key != NULL, FALSE);

  if (at < 0)
    return FALSE;
  entry = &g_array_index (pool->entries, Entry, at);
  if (entry->path != NULL)
    return FALSE;
  g_return_val_if_fail (labels == NULL || (labels->width == entry->image->width &&
                                           labels->height == entry->image->height), FALSE);
  g_clear_pointer (&entry->labels, augur_labels_free);
  entry->labels = labels ? augur_labels_copy (labels) : NULL;
  return TRUE;
}

/**
 * augur_reference_pool_set_label_reader:
 * @reader: (nullable): reads the labels of the entries held as files
 * @user_data: for @reader; must outlive the pool's use
 *
 * Set before the pool is shared between threads. @reader may be called
 * from several threads at once.
 */
void
augur_reference_pool_set_label_reader (AugurReferencePool        *pool,
                                       AugurReferenceLabelReader  reader,
                                       gpointer                   user_data)
{
  g_return_if_fail (pool != NULL);

  pool->label_reader = reader;
  pool->label_data = user_data;
}

/**
 * augur_reference_pool_get_labels:
 * @width, @height: (out): the reference's size (decoded now if need be)
 * @labels: (out) (transfer full) (nullable): its labels, or NULL when it
 *   has none
 *
 * Returns: FALSE with @error set (naming the reference) when its image or
 *   its labels cannot be read.
 */
gboolean
augur_reference_pool_get_labels (AugurReferencePool  *pool,
                                 guint                index,
                                 int                 *width,
                                 int                 *height,
                                 AugurLabels        **labels,
                                 GError             **error)
{
  g_autoptr(AugurImage) image = NULL;
  const Entry *entry;

  g_return_val_if_fail (pool != NULL && index < pool->entries->len, FALSE);
  g_return_val_if_fail (width != NULL && height != NULL && labels != NULL, FALSE);

  *labels = NULL;
  image = augur_reference_pool_get (pool, index, error);
  if (image == NULL)
    return FALSE;
  *width = image->width;
  *height = image->height;

  /* The entries never move once added, and their labels are set before
   * the pool is shared. */
  entry = &g_array_index (pool->entries, Entry, index);
  if (entry->path == NULL)
    {
      *labels = entry->labels ? augur_labels_copy (entry->labels) : NULL;
      return TRUE;
    }
  if (pool->label_reader != NULL)
    {
      GError *local = NULL;

      *labels = pool->label_reader (entry->key, image->width, image->height, pool->label_data, &local);
      if (local != NULL)
        {
          g_propagate_prefixed_error (error, local, "reference \"%s\": ", entry->key);
          return FALSE;
        }
    }
  return TRUE;
}
