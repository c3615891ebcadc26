/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-leakage"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "augur-error.h"
#include "augur-file.h"
#include "augur-image.h"
#include "augur-json.h"
#include "augur-leakage.h"
#include "augur-manifest.h"
#include "augur-runner.h"
#include "augur-sheet.h"

/* Thumbnails of the HTML report: their size, and how many rows each table
 * shows at most (the JSON report lists every pair). */
#define THUMBNAIL_SIZE 128
#define HTML_MAX_ROWS  1000
/* A cache file larger than this is ignored (100,000 images take ~150 MB). */
#define CACHE_MAX_BYTES ((gsize) 1 << 30)

struct _AugurLeakage
{
  GPtrArray *names;      /* per split */
  GPtrArray *folders;    /* per split, as given */
  GPtrArray *roots;      /* per split, absolute with links resolved */
  GPtrArray *manifests;
  guint      threshold;
  guint      threads;
  char      *cache_dir;
  gint64     max_pixels;

  GPtrArray  *images;    /* AugurLeakageImage */
  GArray     *cross;     /* AugurLeakagePair */
  GArray     *within;
  GPtrArray  *origins;   /* AugurLeakageOrigin */
  GArray     *missing;   /* per manifest: listed outputs not found (guint) */
  GHashTable *cache;     /* identity -> CacheEntry, read-only while hashing */
  guint       n_cached;
};

typedef struct
{
  int        width;
  int        height;
  AugurPhash hash;
} CacheEntry;

static void
image_free (AugurLeakageImage *image)
{
  g_free (image->path);
  g_clear_error (&image->error);
  g_free (image->identity);
  g_free (image);
}

static void
origin_free (AugurLeakageOrigin *origin)
{
  g_free (origin->output);
  g_free (origin->source);
  g_free (origin->manifest);
  g_free (origin);
}

AugurLeakage *
augur_leakage_new (void)
{
  AugurLeakage *leakage = g_new0 (AugurLeakage, 1);

  leakage->names = g_ptr_array_new_with_free_func (g_free);
  leakage->folders = g_ptr_array_new_with_free_func (g_free);
  leakage->roots = g_ptr_array_new_with_free_func (g_free);
  leakage->manifests = g_ptr_array_new_with_free_func (g_free);
  leakage->threshold = AUGUR_LEAKAGE_DEFAULT_THRESHOLD;
  leakage->threads = g_get_num_processors ();
  leakage->max_pixels = AUGUR_DEFAULT_MAX_PIXELS;
  leakage->images = g_ptr_array_new_with_free_func ((GDestroyNotify) image_free);
  leakage->cross = g_array_new (FALSE, FALSE, sizeof (AugurLeakagePair));
  leakage->within = g_array_new (FALSE, FALSE, sizeof (AugurLeakagePair));
  leakage->origins = g_ptr_array_new_with_free_func ((GDestroyNotify) origin_free);
  leakage->missing = g_array_new (FALSE, TRUE, sizeof (guint));
  leakage->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return leakage;
}

void
augur_leakage_free (AugurLeakage *leakage)
{
  if (leakage == NULL)
    return;
  g_ptr_array_unref (leakage->names);
  g_ptr_array_unref (leakage->folders);
  g_ptr_array_unref (leakage->roots);
  g_ptr_array_unref (leakage->manifests);
  g_free (leakage->cache_dir);
  g_ptr_array_unref (leakage->images);
  g_array_unref (leakage->cross);
  g_array_unref (leakage->within);
  g_ptr_array_unref (leakage->origins);
  g_array_unref (leakage->missing);
  g_hash_table_unref (leakage->cache);
  g_free (leakage);
}

/* An absolute path with symbolic links resolved where it exists, so that
 * a folder reached two ways is recognised as one. */
static char *
real_path (const char *path)
{
  char *resolved = realpath (path, NULL);
  char *copy;

  if (resolved == NULL)
    return g_canonicalize_filename (path, NULL);
  copy = g_strdup (resolved);
  free (resolved);
  return copy;
}

static gboolean
is_below (const char *path,
          const char *folder)
{
  gsize n = strlen (folder);

  if (g_str_equal (folder, "/"))
    return TRUE;
  return strncmp (path, folder, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/**
 * augur_leakage_add_split:
 * @name: how reports call it ("train", "val"...)
 * @folder: its images, found recursively
 *
 * Refuses a folder that is not one, and one that contains or lies in the
 * folder of a split added before (each image would then pair with itself).
 */
gboolean
augur_leakage_add_split (AugurLeakage  *leakage,
                         const char    *name,
                         const char    *folder,
                         GError       **error)
{
  g_autofree char *root = NULL;
  g_autofree char *display = g_filename_display_name (folder);

  g_return_val_if_fail (leakage != NULL && name != NULL && folder != NULL, FALSE);

  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY, "%s (%s): %s", display, name,
                   g_file_test (folder, G_FILE_TEST_EXISTS) ? "not a folder" : "no such folder");
      return FALSE;
    }
  root = real_path (folder);
  for (guint i = 0; i < leakage->roots->len; i++)
    if (is_below (root, leakage->roots->pdata[i]) || is_below (leakage->roots->pdata[i], root))
      {
        g_autofree char *other = g_filename_display_name (leakage->folders->pdata[i]);

        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     "%s (%s) and %s (%s) overlap: one folder is inside the other", display, name,
                     other, (char *) leakage->names->pdata[i]);
        return FALSE;
      }

  g_ptr_array_add (leakage->names, g_strdup (name));
  g_ptr_array_add (leakage->folders, g_strdup (folder));
  g_ptr_array_add (leakage->roots, g_steal_pointer (&root));
  return TRUE;
}

/**
 * augur_leakage_add_manifest:
 * @path: a manifest written by `augur-cli apply`; read by
 *   augur_leakage_run(), which fails on a malformed one
 */
void
augur_leakage_add_manifest (AugurLeakage *leakage,
                            const char   *path)
{
  g_return_if_fail (leakage != NULL && path != NULL);
  g_ptr_array_add (leakage->manifests, g_strdup (path));
}

/**
 * augur_leakage_set_threshold:
 * @threshold: the largest distance reported, at most
 *   %AUGUR_LEAKAGE_MAX_THRESHOLD
 */
void
augur_leakage_set_threshold (AugurLeakage *leakage,
                             guint         threshold)
{
  g_return_if_fail (threshold <= AUGUR_LEAKAGE_MAX_THRESHOLD);
  leakage->threshold = threshold;
}

void
augur_leakage_set_threads (AugurLeakage *leakage,
                           guint         threads)
{
  leakage->threads = MAX (threads, 1);
}

/**
 * augur_leakage_set_cache_dir:
 * @folder: (nullable): where hashes are kept between runs, keyed by the
 *   files' contents; NULL for no cache
 */
void
augur_leakage_set_cache_dir (AugurLeakage *leakage,
                             const char   *folder)
{
  g_free (leakage->cache_dir);
  leakage->cache_dir = g_strdup (folder);
}

void
augur_leakage_set_max_pixels (AugurLeakage *leakage,
                              gint64        max_pixels)
{
  leakage->max_pixels = max_pixels;
}

GPtrArray *
augur_leakage_get_images (AugurLeakage *leakage)
{
  return leakage->images;
}

GArray *
augur_leakage_get_cross (AugurLeakage *leakage)
{
  return leakage->cross;
}

GArray *
augur_leakage_get_within (AugurLeakage *leakage)
{
  return leakage->within;
}

GPtrArray *
augur_leakage_get_origins (AugurLeakage *leakage)
{
  return leakage->origins;
}

/* How many images took their hash from the cache. */
guint
augur_leakage_get_n_cached (AugurLeakage *leakage)
{
  return leakage->n_cached;
}

/* Near-duplicates across splits plus outputs whose source is in another
 * split: the leaks. Pairs within a split are not leaks. */
guint
augur_leakage_get_n_leaks (AugurLeakage *leakage)
{
  return leakage->cross->len + leakage->origins->len;
}

/* The cache ---------------------------------------------------------------------------- */

#define N_DETAIL (AUGUR_PHASH_WINDOWS * AUGUR_PHASH_DETAIL_WORDS)

/* One line per image: "IDENTITY WIDTH HEIGHT HASH..." with the 8
 * orientations, the windows and the detail signatures in hexadecimal. A line that does not parse is
 * skipped: the cache only saves work. */
static void
cache_load (AugurLeakage *leakage)
{
  g_autofree char *path = g_build_filename (leakage->cache_dir, AUGUR_LEAKAGE_CACHE_NAME, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length;
  GStatBuf st;

  if (g_stat (path, &st) != 0 || (gsize) st.st_size > CACHE_MAX_BYTES ||
      !g_file_get_contents (path, &text, &length, NULL))
    return;

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", -1);
      CacheEntry entry;
      guint64 value, n_fields = g_strv_length (fields);
      gboolean ok = n_fields == 3 + AUGUR_PHASH_ORIENTATIONS + AUGUR_PHASH_WINDOWS - 1 + N_DETAIL;

      for (guint f = 1; ok && f < n_fields; f++)
        {
          ok = g_ascii_string_to_unsigned (fields[f], f < 3 ? 10 : 16, 0,
                                           f < 3 ? G_MAXINT : G_MAXUINT64, &value, NULL);
          if (f == 1)
            entry.width = (int) value;
          else if (f == 2)
            entry.height = (int) value;
          else if (f < 3 + AUGUR_PHASH_ORIENTATIONS)
            entry.hash.bits[f - 3] = value;
          else if (f < 3 + AUGUR_PHASH_ORIENTATIONS + AUGUR_PHASH_WINDOWS - 1)
            entry.hash.windows[f - 3 - AUGUR_PHASH_ORIENTATIONS] = value;
          else
            ((guint64 *) entry.hash.detail)[f - 3 - AUGUR_PHASH_ORIENTATIONS - AUGUR_PHASH_WINDOWS + 1] = value;
        }
      if (ok)
        g_hash_table_replace (leakage->cache, g_strdup (fields[0]), g_memdup2 (&entry, sizeof entry));
    }
}

static gboolean
cache_save (AugurLeakage  *leakage,
            GError       **error)
{
  g_autofree char *path = g_build_filename (leakage->cache_dir, AUGUR_LEAKAGE_CACHE_NAME, NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GList) keys = NULL;

  if (g_mkdir_with_parents (leakage->cache_dir, 0755) != 0)
    return augur_file_set_errno_error (error, errno, leakage->cache_dir, NULL);

  /* Sorted, so that equal caches are equal files. */
  keys = g_list_sort (g_hash_table_get_keys (leakage->cache), (GCompareFunc) strcmp);
  for (GList *l = keys; l; l = l->next)
    {
      const CacheEntry *entry = g_hash_table_lookup (leakage->cache, l->data);

      g_string_append_printf (text, "%s %d %d", (char *) l->data, entry->width, entry->height);
      for (guint o = 0; o < AUGUR_PHASH_ORIENTATIONS; o++)
        g_string_append_printf (text, " %016" G_GINT64_MODIFIER "x", entry->hash.bits[o]);
      for (guint w = 0; w < AUGUR_PHASH_WINDOWS - 1; w++)
        g_string_append_printf (text, " %016" G_GINT64_MODIFIER "x", entry->hash.windows[w]);
      for (guint d = 0; d < N_DETAIL; d++)
        g_string_append_printf (text, " %016" G_GINT64_MODIFIER "x", ((const guint64 *) entry->hash.detail)[d]);
      g_string_append_c (text, '\n');
    }
  return augur_file_write_atomic (path, text->str, text->len, error);
}

/* Hashing -------------------------------------------------------------------------- */

/* "SHA256:SIZE" of the file's bytes. */
static char *
file_identity (const char  *path,
               GError     **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (1 << 16);
  guint64 size = 0;
  FILE *file = g_fopen (path, "rb");
  gsize n;

  if (file == NULL)
    {
      augur_file_set_errno_error (error, errno, path, NULL);
      return NULL;
    }
  while ((n = fread (buffer, 1, 1 << 16, file)) > 0)
    {
      g_checksum_update (checksum, buffer, n);
      size += n;
    }
  if (ferror (file))
    {
      augur_file_set_errno_error (error, errno, path, NULL);
      fclose (file);
      return NULL;
    }
  fclose (file);
  return g_strdup_printf ("%s:%" G_GUINT64_FORMAT, g_checksum_get_string (checksum), size);
}

/* A worker: hashes one image, from the cache when its bytes are known. */
static void
hash_one (gpointer data,
          gpointer user_data)
{
  AugurLeakageImage *item = data;
  AugurLeakage *leakage = user_data;
  g_autoptr(AugurImage) image = NULL;
  const CacheEntry *cached;

  item->identity = file_identity (item->path, &item->error);
  if (item->identity == NULL)
    return;

  cached = g_hash_table_lookup (leakage->cache, item->identity);
  if (cached != NULL)
    {
      item->width = cached->width;
      item->height = cached->height;
      item->hash = cached->hash;
      return;
    }

  image = augur_image_load (item->path, leakage->max_pixels, &item->error);
  if (image == NULL)
    return;
  item->width = image->width;
  item->height = image->height;
  augur_phash_compute (image, &item->hash);
}

/* Matching ------------------------------------------------------------------------- */

typedef struct
{
  AugurLeakage            *leakage;
  const AugurHammingIndex *index;
  const guint             *ok;       /* the images hashed, by index entry / AUGUR_PHASH_WINDOWS */
  guint                    n_ok;
  GArray                 **found;    /* per job: AugurLeakagePair */
} MatchContext;

#define MATCH_BLOCK 256

/* A worker: the pairs of the images of one block, each with the images it
 * is, in some orientation, the whole of or a window of. */
static void
match_block (gpointer data,
             gpointer user_data)
{
  MatchContext *context = user_data;
  AugurLeakage *leakage = context->leakage;
  guint block = GPOINTER_TO_UINT (data) - 1;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint));
  GArray *found = g_array_new (FALSE, FALSE, sizeof (AugurLeakagePair));

  for (guint k = block * MATCH_BLOCK; k < MIN ((block + 1) * MATCH_BLOCK, context->n_ok); k++)
    {
      AugurLeakageImage *a = leakage->images->pdata[context->ok[k]];

      g_array_set_size (ids, 0);
      for (guint o = 0; o < AUGUR_PHASH_ORIENTATIONS; o++)
        augur_hamming_index_search (context->index, a->hash.bits[o], leakage->threshold, ids);

      for (guint e = 0; e < ids->len; e++)
        {
          guint other = g_array_index (ids, guint, e) / AUGUR_PHASH_WINDOWS;
          AugurLeakageImage *b = leakage->images->pdata[context->ok[other]];
          AugurLeakagePair pair;

          if (other == k)
            continue;
          pair.a = MIN (context->ok[k], context->ok[other]);
          pair.b = MAX (context->ok[k], context->ok[other]);
          pair.distance = augur_phash_distance (&a->hash, &b->hash);
          pair.identical = g_str_equal (a->identity, b->identity);
          /* 64 bits leave room for chance pairs among many images, the
           * more so as each pair is compared in 8 orientations and 16
           * windows: 255 more bits confirm it. */
          pair.detail = augur_phash_detail_distance (&a->hash, &b->hash);
          if (pair.detail <= AUGUR_LEAKAGE_DETAIL_FACTOR * leakage->threshold)
            g_array_append_val (found, pair);
        }
    }
  context->found[block] = found;
}

static int
compare_pairs (gconstpointer x,
               gconstpointer y)
{
  const AugurLeakagePair *a = x, *b = y;

  if (a->distance != b->distance)
    return a->distance < b->distance ? -1 : 1;
  if (a->a != b->a)
    return a->a < b->a ? -1 : 1;
  return (a->b > b->b) - (a->b < b->b);
}

static gboolean
match (AugurLeakage  *leakage,
       GError       **error)
{
  g_autofree guint *ok = g_new (guint, MAX (leakage->images->len, 1));
  g_autofree guint64 *hashes = NULL;
  g_autoptr(AugurHammingIndex) index = NULL;
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (AugurLeakagePair));
  g_autofree GArray **found = NULL;
  MatchContext context;
  GThreadPool *pool;
  guint n = 0, n_blocks;

  for (guint i = 0; i < leakage->images->len; i++)
    if (((AugurLeakageImage *) leakage->images->pdata[i])->error == NULL)
      ok[n++] = i;

  /* Each image's whole and windows; a search with each of its
   * orientations finds the images it is the whole or a crop of. */
  hashes = g_new (guint64, (gsize) MAX (n, 1) * AUGUR_PHASH_WINDOWS);
  for (guint k = 0; k < n; k++)
    {
      const AugurLeakageImage *image = leakage->images->pdata[ok[k]];

      hashes[k * AUGUR_PHASH_WINDOWS] = image->hash.bits[0];
      memcpy (hashes + k * AUGUR_PHASH_WINDOWS + 1, image->hash.windows, sizeof image->hash.windows);
    }
  index = augur_hamming_index_new (hashes, n * AUGUR_PHASH_WINDOWS);

  n_blocks = (n + MATCH_BLOCK - 1) / MATCH_BLOCK;
  found = g_new0 (GArray *, MAX (n_blocks, 1));
  context = (MatchContext) { leakage, index, ok, n, found };
  pool = g_thread_pool_new (match_block, &context, (int) leakage->threads, FALSE, error);
  if (pool == NULL)
    return FALSE;
  for (guint b = 0; b < n_blocks; b++)
    g_thread_pool_push (pool, GUINT_TO_POINTER (b + 1), NULL);
  g_thread_pool_free (pool, FALSE, TRUE);

  for (guint b = 0; b < n_blocks; b++)
    {
      g_array_append_vals (all, found[b]->data, found[b]->len);
      g_array_unref (found[b]);
    }

  /* A pair is found from either side, or both. */
  g_array_sort (all, compare_pairs);
  for (guint i = 0; i < all->len; i++)
    {
      const AugurLeakagePair *pair = &g_array_index (all, AugurLeakagePair, i);
      const AugurLeakageImage *a = leakage->images->pdata[pair->a];
      const AugurLeakageImage *b = leakage->images->pdata[pair->b];

      if (i > 0 && compare_pairs (pair, pair - 1) == 0)
        continue;
      g_array_append_val (a->split != b->split ? leakage->cross : leakage->within, *pair);
    }
  return TRUE;
}

/* Manifests ------------------------------------------------------------------------ */

/* The split whose folder holds @path, or -1. */
static int
split_of (AugurLeakage *leakage,
          const char   *path)
{
  g_autofree char *real = real_path (path);

  for (guint i = 0; i < leakage->roots->len; i++)
    if (is_below (real, leakage->roots->pdata[i]))
      return (int) i;
  return -1;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *member = json_object_get_member (object, name);

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (member);
}

/* A relative path that stays below its folder (manifests are untrusted). */
static gboolean
is_safe_relative (const char *path)
{
  g_auto(GStrv) parts = NULL;

  if (*path == '\0' || g_path_is_absolute (path))
    return FALSE;
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i]; i++)
    if (g_str_equal (parts[i], ".."))
      return FALSE;
  return TRUE;
}

/* Reads the header's input folders into @inputs (absolute). */
static gboolean
read_inputs (JsonObject  *header,
             const char  *manifest_dir,
             GPtrArray   *inputs,
             GError     **error)
{
  JsonNode *member = json_object_get_member (header, "inputs");
  JsonArray *array;

  if (g_strcmp0 (string_member (header, "manifest"), AUGUR_MANIFEST_FORMAT) != 0)
    {
      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST, "not an Augur manifest header");
      return FALSE;
    }
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    {
      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST, "inputs: expected a list of folders");
      return FALSE;
    }
  array = json_node_get_array (member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING ||
          *json_node_get_string (element) == '\0')
        {
          g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                       "inputs[%u]: expected a folder path", i);
          return FALSE;
        }
      g_ptr_array_add (inputs, g_canonicalize_filename (json_node_get_string (element), manifest_dir));
    }
  return TRUE;
}

/* The outputs of one manifest (in the manifest's folder, where `apply`
 * writes it by default) whose source is in another split. */
static gboolean
read_manifest (AugurLeakage  *leakage,
               const char    *path,
               GError       **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *manifest_dir = g_path_get_dirname (absolute);
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GError) local = NULL;
  gboolean too_long;
  guint lineno = 0, missing = 0;
  FILE *file;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s: %s", display,
                   g_file_test (path, G_FILE_TEST_EXISTS) ? "not a regular file" : "no such file");
      return FALSE;
    }
  file = g_fopen (path, "rb");
  if (file == NULL)
    return augur_file_set_errno_error (error, errno, path, NULL);

  while (augur_manifest_read_line (file, line, AUGUR_MANIFEST_MAX_LINE, &too_long, &local))
    {
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *source = NULL;
      g_autofree char *output = NULL;
      JsonObject *object;
      JsonNode *root;
      const char *source_key, *output_key;
      int source_split, output_split;
      gint64 r;

      lineno++;
      if (too_long)
        {
          g_set_error (&local, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST, "longer than %d bytes",
                       AUGUR_MANIFEST_MAX_LINE);
          break;
        }
      node = augur_manifest_parse_line (line->str, line->len, &local);
      if (node == NULL)
        break;
      object = json_node_get_object (node);
      if (lineno == 1)
        {
          if (!read_inputs (object, manifest_dir, inputs, &local))
            break;
          continue;
        }

      source_key = string_member (object, "source");
      output_key = string_member (object, "output");
      root = json_object_get_member (object, "root");
      if (source_key == NULL || output_key == NULL || root == NULL || !JSON_NODE_HOLDS_VALUE (root) ||
          json_node_get_value_type (root) != G_TYPE_INT64 || (r = json_node_get_int (root)) < 0 ||
          r >= inputs->len || !is_safe_relative (source_key) || !is_safe_relative (output_key))
        {
          g_set_error (&local, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                       "expected an output line with \"source\" and \"output\" (relative paths) and "
                       "\"root\" (an index into the header's %u inputs)", inputs->len);
          break;
        }

      source = g_build_filename (inputs->pdata[r], source_key, NULL);
      output = g_build_filename (manifest_dir, output_key, NULL);
      /* Only files that are there now: a deleted output leaks nothing.
       * Outputs not beside their manifest (written elsewhere with apply
       * --manifest) are counted, for the report to say so. */
      if (!g_file_test (output, G_FILE_TEST_IS_REGULAR))
        missing++;
      if (!g_file_test (source, G_FILE_TEST_IS_REGULAR) || !g_file_test (output, G_FILE_TEST_IS_REGULAR))
        continue;
      source_split = split_of (leakage, source);
      output_split = split_of (leakage, output);
      if (source_split >= 0 && output_split >= 0 && source_split != output_split)
        {
          AugurLeakageOrigin *origin = g_new0 (AugurLeakageOrigin, 1);

          origin->output = g_steal_pointer (&output);
          origin->output_split = (guint) output_split;
          origin->source = g_steal_pointer (&source);
          origin->source_split = (guint) source_split;
          origin->manifest = g_strdup (path);
          origin->line = lineno;
          g_ptr_array_add (leakage->origins, origin);
        }
    }
  fclose (file);

  if (local != NULL)
    {
      if (lineno > 0)
        g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s:%u: ", display, lineno);
      else
        g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", display);
      return FALSE;
    }
  if (lineno == 0)
    {
      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST, "%s: empty", display);
      return FALSE;
    }
  g_array_append_val (leakage->missing, missing);
  return TRUE;
}

/* Running ------------------------------------------------------------------------ */

static gboolean
hash_all (AugurLeakage  *leakage,
          GError       **error)
{
  g_autoptr(GError) cache_error = NULL;
  GThreadPool *pool;
  guint n_new = 0;

  if (leakage->cache_dir != NULL)
    cache_load (leakage);

  pool = g_thread_pool_new (hash_one, leakage, (int) leakage->threads, FALSE, error);
  if (pool == NULL)
    return FALSE;
  for (guint i = 0; i < leakage->images->len; i++)
    g_thread_pool_push (pool, leakage->images->pdata[i], NULL);
  g_thread_pool_free (pool, FALSE, TRUE);

  for (guint i = 0; i < leakage->images->len; i++)
    {
      AugurLeakageImage *image = leakage->images->pdata[i];
      CacheEntry entry;

      if (image->error != NULL)
        continue;
      if (g_hash_table_contains (leakage->cache, image->identity))
        {
          leakage->n_cached++;
          continue;
        }
      entry.width = image->width;
      entry.height = image->height;
      entry.hash = image->hash;
      g_hash_table_insert (leakage->cache, g_strdup (image->identity), g_memdup2 (&entry, sizeof entry));
      n_new++;
    }

  /* Equal files in one run count once as new: they shared no cache. */
  if (leakage->cache_dir != NULL && n_new > 0 && !cache_save (leakage, &cache_error))
    g_warning ("the hash cache was not saved: %s", cache_error->message);
  return TRUE;
}

/**
 * augur_leakage_run:
 *
 * Lists each split's images, hashes them (in parallel, from the cache when
 * their bytes are known), finds the pairs within the threshold, and reads
 * the manifests. An image that cannot be read is listed with its error,
 * not fatal; a malformed manifest is.
 */
gboolean
augur_leakage_run (AugurLeakage  *leakage,
                   GError       **error)
{
  g_return_val_if_fail (leakage != NULL, FALSE);
  g_return_val_if_fail (leakage->images->len == 0, FALSE);

  for (guint s = 0; s < leakage->folders->len; s++)
    {
      const char *paths[] = { leakage->folders->pdata[s], NULL };
      g_autoptr(GPtrArray) inputs = augur_runner_collect_inputs (paths, NULL, error);

      if (inputs == NULL)
        return FALSE;
      for (guint i = 0; i < inputs->len; i++)
        {
          AugurRunnerInput *input = inputs->pdata[i];
          AugurLeakageImage *image = g_new0 (AugurLeakageImage, 1);

          image->path = g_strdup (input->path);
          image->split = s;
          g_ptr_array_add (leakage->images, image);
        }
    }

  for (guint m = 0; m < leakage->manifests->len; m++)
    if (!read_manifest (leakage, leakage->manifests->pdata[m], error))
      return FALSE;

  return hash_all (leakage, error) && match (leakage, error);
}

/* Reports ------------------------------------------------------------------------ */

static const char *
split_name (AugurLeakage *leakage,
            guint         split)
{
  return leakage->names->pdata[split];
}

static guint
count_images (AugurLeakage *leakage,
              guint         split)
{
  guint n = 0;

  for (guint i = 0; i < leakage->images->len; i++)
    n += ((AugurLeakageImage *) leakage->images->pdata[i])->split == split;
  return n;
}

static void
append_pairs_text (AugurLeakage *leakage,
                   GString      *text,
                   GArray       *pairs)
{
  for (guint i = 0; i < pairs->len; i++)
    {
      const AugurLeakagePair *pair = &g_array_index (pairs, AugurLeakagePair, i);
      const AugurLeakageImage *a = leakage->images->pdata[pair->a];
      const AugurLeakageImage *b = leakage->images->pdata[pair->b];
      g_autofree char *path_a = g_filename_display_name (a->path);
      g_autofree char *path_b = g_filename_display_name (b->path);

      g_string_append_printf (text, "  %2u%s  %s:%s  %s:%s\n", pair->distance, pair->identical ? "=" : " ",
                              split_name (leakage, a->split), path_a, split_name (leakage, b->split), path_b);
    }
}

/**
 * augur_leakage_to_text:
 *
 * The report for a terminal: the splits, the pairs across splits (distance
 * in bits, "=" when the bytes are identical, then each image as
 * SPLIT:PATH), the outputs whose source is in another split, the pairs
 * within a split, and the files that could not be read.
 */
char *
augur_leakage_to_text (AugurLeakage *leakage)
{
  GString *text = g_string_new ("Splits:");
  guint n_failed = 0;

  for (guint s = 0; s < leakage->names->len; s++)
    {
      g_autofree char *folder = g_filename_display_name (leakage->folders->pdata[s]);

      g_string_append_printf (text, "%s %s: %s (%u images)", s ? "," : "", split_name (leakage, s), folder,
                              count_images (leakage, s));
    }
  g_string_append_printf (text, "; threshold %u bits\n"
                          "(each pair: its distance in bits of 64, '=' when the bytes are identical)\n\n",
                          leakage->threshold);

  g_string_append_printf (text, "Near-duplicates across splits: %u\n", leakage->cross->len);
  append_pairs_text (leakage, text, leakage->cross);

  if (leakage->manifests->len > 0)
    {
      g_string_append_printf (text, "\nAugmented outputs whose source is in another split: %u\n",
                              leakage->origins->len);
      for (guint i = 0; i < leakage->origins->len; i++)
        {
          const AugurLeakageOrigin *origin = leakage->origins->pdata[i];
          g_autofree char *output = g_filename_display_name (origin->output);
          g_autofree char *source = g_filename_display_name (origin->source);
          g_autofree char *manifest = g_filename_display_name (origin->manifest);

          g_string_append_printf (text, "  %s:%s  from  %s:%s  (%s:%u)\n", split_name (leakage, origin->output_split),
                                  output, split_name (leakage, origin->source_split), source, manifest,
                                  origin->line);
        }
      for (guint m = 0; m < leakage->missing->len; m++)
        if (g_array_index (leakage->missing, guint, m) > 0)
          {
            g_autofree char *manifest = g_filename_display_name (leakage->manifests->pdata[m]);

            g_string_append_printf (text, "  (%s: %u listed outputs are not beside it, so were not checked)\n",
                                    manifest, g_array_index (leakage->missing, guint, m));
          }
    }

  g_string_append_printf (text, "\nNear-duplicates within a split: %u\n", leakage->within->len);
  append_pairs_text (leakage, text, leakage->within);

  for (guint i = 0; i < leakage->images->len; i++)
    n_failed += ((AugurLeakageImage *) leakage->images->pdata[i])->error != NULL;
  if (n_failed > 0)
    {
      g_string_append_printf (text, "\nNot read: %u\n", n_failed);
      for (guint i = 0; i < leakage->images->len; i++)
        {
          const AugurLeakageImage *image = leakage->images->pdata[i];

          if (image->error != NULL)
            g_string_append_printf (text, "  %s\n", image->error->message);
        }
    }
  return g_string_free (text, FALSE);
}

static void
add_image_json (JsonBuilder  *builder,
                AugurLeakage *leakage,
                guint         split,
                const char   *path)
{
  g_autofree char *display = g_filename_display_name (path);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "split");
  json_builder_add_string_value (builder, split_name (leakage, split));
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, display);
  json_builder_end_object (builder);
}

static void
add_pairs_json (JsonBuilder  *builder,
                AugurLeakage *leakage,
                GArray       *pairs)
{
  json_builder_begin_array (builder);
  for (guint i = 0; i < pairs->len; i++)
    {
      const AugurLeakagePair *pair = &g_array_index (pairs, AugurLeakagePair, i);
      const AugurLeakageImage *a = leakage->images->pdata[pair->a];
      const AugurLeakageImage *b = leakage->images->pdata[pair->b];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "distance");
      json_builder_add_int_value (builder, pair->distance);
      json_builder_set_member_name (builder, "detail_distance");
      json_builder_add_int_value (builder, pair->detail);
      json_builder_set_member_name (builder, "identical");
      json_builder_add_boolean_value (builder, pair->identical);
      json_builder_set_member_name (builder, "a");
      add_image_json (builder, leakage, a->split, a->path);
      json_builder_set_member_name (builder, "b");
      add_image_json (builder, leakage, b->split, b->path);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/**
 * augur_leakage_to_json:
 *
 * The report as data: "threshold", "splits" (name, folder, images),
 * "cross" and "within" (pairs: distance, identical, a and b as split and
 * path), "origins" (output and source as split and path, manifest, line),
 * "unreadable" (path, error) and "leaks" (the number of leaks).
 */
JsonNode *
augur_leakage_to_json (AugurLeakage *leakage)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "threshold");
  json_builder_add_int_value (builder, leakage->threshold);
  json_builder_set_member_name (builder, "splits");
  json_builder_begin_array (builder);
  for (guint s = 0; s < leakage->names->len; s++)
    {
      g_autofree char *folder = g_filename_display_name (leakage->folders->pdata[s]);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, split_name (leakage, s));
      json_builder_set_member_name (builder, "folder");
      json_builder_add_string_value (builder, folder);
      json_builder_set_member_name (builder, "images");
      json_builder_add_int_value (builder, count_images (leakage, s));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "cross");
  add_pairs_json (builder, leakage, leakage->cross);

  json_builder_set_member_name (builder, "origins");
  json_builder_begin_array (builder);
  for (guint i = 0; i < leakage->origins->len; i++)
    {
      const AugurLeakageOrigin *origin = leakage->origins->pdata[i];
      g_autofree char *manifest = g_filename_display_name (origin->manifest);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "output");
      add_image_json (builder, leakage, origin->output_split, origin->output);
      json_builder_set_member_name (builder, "source");
      add_image_json (builder, leakage, origin->source_split, origin->source);
      json_builder_set_member_name (builder, "manifest");
      json_builder_add_string_value (builder, manifest);
      json_builder_set_member_name (builder, "line");
      json_builder_add_int_value (builder, origin->line);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "within");
  add_pairs_json (builder, leakage, leakage->within);

  json_builder_set_member_name (builder, "unreadable");
  json_builder_begin_array (builder);
  for (guint i = 0; i < leakage->images->len; i++)
    {
      const AugurLeakageImage *image = leakage->images->pdata[i];
      g_autofree char *display = NULL;

      if (image->error == NULL)
        continue;
      display = g_filename_display_name (image->path);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, display);
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, image->error->message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "leaks");
  json_builder_add_int_value (builder, augur_leakage_get_n_leaks (leakage));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* A small JPEG of the image as a data: URI; a grey note if it cannot be
 * read any more. */
static void
append_thumbnail (GString      *html,
                  AugurLeakage *leakage,
                  const char   *path)
{
  g_autoptr(AugurImage) image = augur_image_load (path, leakage->max_pixels, NULL);
  g_autoptr(AugurImage) thumbnail = NULL;
  g_autoptr(AugurImage) rgb = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *base64 = NULL;

  if (image != NULL)
    {
      thumbnail = augur_sheet_thumbnail (image, THUMBNAIL_SIZE);
      rgb = augur_image_convert (thumbnail, 3);
      bytes = augur_image_encode (rgb, AUGUR_IMAGE_FORMAT_JPEG, 80, NULL);
    }
  if (bytes == NULL)
    {
      g_string_append (html, "<span class=\"missing\">not readable</span>");
      return;
    }
  base64 = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_string_append_printf (html, "<img alt=\"\" src=\"data:image/jpeg;base64,%s\">", base64);
}

static void
append_cell (GString      *html,
             AugurLeakage *leakage,
             guint         split,
             const char   *path)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *escaped = g_markup_escape_text (display, -1);
  g_autofree char *name = g_markup_escape_text (split_name (leakage, split), -1);

  g_string_append (html, "<td>");
  append_thumbnail (html, leakage, path);
  g_string_append_printf (html, "<br><b>%s</b> %s</td>", name, escaped);
}

static void
append_pairs_html (GString      *html,
                   AugurLeakage *leakage,
                   const char   *title,
                   GArray       *pairs)
{
  g_string_append_printf (html, "<h2>%s: %u</h2>\n", title, pairs->len);
  if (pairs->len == 0)
    return;
  g_string_append (html, "<table>\n<tr><th>Distance</th><th>Image</th><th>Image</th></tr>\n");
  for (guint i = 0; i < MIN (pairs->len, HTML_MAX_ROWS); i++)
    {
      const AugurLeakagePair *pair = &g_array_index (pairs, AugurLeakagePair, i);
      const AugurLeakageImage *a = leakage->images->pdata[pair->a];
      const AugurLeakageImage *b = leakage->images->pdata[pair->b];

      g_string_append_printf (html, "<tr><td>%u%s</td>", pair->distance, pair->identical ? " (identical bytes)" : "");
      append_cell (html, leakage, a->split, a->path);
      append_cell (html, leakage, b->split, b->path);
      g_string_append (html, "</tr>\n");
    }
  g_string_append (html, "</table>\n");
  if (pairs->len > HTML_MAX_ROWS)
    g_string_append_printf (html, "<p>The first %u of %u pairs; the JSON report lists them all.</p>\n",
                            HTML_MAX_ROWS, pairs->len);
}

/**
 * augur_leakage_write_html:
 *
 * Writes (atomically) a self-contained HTML report: each pair side by side
 * with small thumbnails embedded in the page, no external resource.
 */
gboolean
augur_leakage_write_html (AugurLeakage  *leakage,
                          const char    *path,
                          GError       **error)
{
  g_autoptr(GString) html = g_string_new (NULL);

  g_string_append (html,
                   "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<title>Augur leakage check</title>\n<style>\n"
                   "body { font-family: sans-serif; margin: 2em; }\n"
                   "table { border-collapse: collapse; }\n"
                   "td, th { border: 1px solid #ccc; padding: 6px; vertical-align: top; }\n"
                   "td { max-width: 28em; word-break: break-all; }\n"
                   "img { display: block; margin-bottom: 4px; }\n"
                   ".missing { color: #888; }\n"
                   "</style>\n</head>\n<body>\n<h1>Leakage check</h1>\n<p>");
  for (guint s = 0; s < leakage->names->len; s++)
    {
      g_autofree char *folder = g_filename_display_name (leakage->folders->pdata[s]);
      g_autofree char *escaped = g_markup_escape_text (folder, -1);
      g_autofree char *name = g_markup_escape_text (split_name (leakage, s), -1);

      g_string_append_printf (html, "%s<b>%s</b> %s (%u images)", s ? ", " : "", name, escaped,
                              count_images (leakage, s));
    }
  g_string_append_printf (html, ". Threshold: %u bits of 64.</p>\n", leakage->threshold);

  append_pairs_html (html, leakage, "Near-duplicates across splits", leakage->cross);

  if (leakage->manifests->len > 0)
    {
      g_string_append_printf (html, "<h2>Augmented outputs whose source is in another split: %u</h2>\n",
                              leakage->origins->len);
      if (leakage->origins->len > 0)
        g_string_append (html, "<table>\n<tr><th>Output</th><th>Source</th><th>Manifest</th></tr>\n");
      for (guint i = 0; i < MIN (leakage->origins->len, HTML_MAX_ROWS); i++)
        {
          const AugurLeakageOrigin *origin = leakage->origins->pdata[i];
          g_autofree char *manifest = g_filename_display_name (origin->manifest);
          g_autofree char *escaped = g_markup_escape_text (manifest, -1);

          g_string_append (html, "<tr>");
          append_cell (html, leakage, origin->output_split, origin->output);
          append_cell (html, leakage, origin->source_split, origin->source);
          g_string_append_printf (html, "<td>%s, line %u</td></tr>\n", escaped, origin->line);
        }
      if (leakage->origins->len > 0)
        g_string_append (html, "</table>\n");
    }

  append_pairs_html (html, leakage, "Near-duplicates within a split", leakage->within);
  g_string_append (html, "</body>\n</html>\n");

  return augur_file_write_atomic (path, html->str, html->len, error);
}
