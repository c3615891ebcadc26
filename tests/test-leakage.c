/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-test"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "augur-image.h"
#include "augur-json.h"
#include "augur-leakage.h"
#include "augur-phash.h"

#include "augur-scene.h"
#include "augur-test-util.h"

/* The leakage check: the hash and its index (suite core: /leakage/core),
 * and `augur-cli leakage` as a program (suite cli: /leakage/cli, given the
 * program's path as an argument). */

static const char *cli_path;

/* Images ------------------------------------------------------------------------------ */

/* A quarter turn clockwise. */
static AugurImage *
turn_90 (const AugurImage *src)
{
  AugurImage *out = augur_image_new (src->height, src->width, src->channels);

  for (int y = 0; y < out->height; y++)
    for (int x = 0; x < out->width; x++)
      memcpy (augur_image_row (out, y) + x * src->channels,
              augur_image_row (src, src->height - 1 - x) + y * src->channels, src->channels);
  return out;
}

/* Keeps 90 % of the width and of the height, from the top-left corner:
 * the crop that moves the content most. */
static AugurImage *
crop_tenth (const AugurImage *src)
{
  int x0 = src->width / 10, y0 = src->height / 10;
  AugurImage *out = augur_image_new (src->width - x0, src->height - y0, src->channels);

  for (int y = 0; y < out->height; y++)
    memcpy (augur_image_row (out, y), augur_image_row (src, y + y0) + x0 * src->channels,
            (gsize) out->width * src->channels);
  return out;
}

/* Brightness +20 % as Albumentations' RandomBrightnessContrast with
 * brightness_by_max=True applies it: + 0.2 * 255, clipped. */
static AugurImage *
brighten (const AugurImage *src)
{
  AugurImage *out = augur_image_copy (src);

  for (int y = 0; y < out->height; y++)
    {
      guint8 *row = augur_image_row (out, y);

      for (int x = 0; x < out->width * out->channels; x++)
        if (out->channels != 4 || x % 4 != 3)
          row[x] = (guint8) MIN (row[x] + 51, 255);
    }
  return out;
}

static void
save (const AugurImage *image,
      const char       *dir,
      const char       *name,
      AugurImageFormat  format,
      int               quality)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (augur_image_save (image, path, format, quality, &error));
  g_assert_no_error (error);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bytes = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (from, &bytes, &length, &error));
  g_assert_true (g_file_set_contents (to, bytes, (gssize) length, &error));
  g_assert_no_error (error);
}

static char *
make_dir (const char *parent,
          const char *name)
{
  char *path = g_build_filename (parent, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
  return path;
}

/* The bundled samples' paths, or NULL (the test is then skipped). */
static GPtrArray *
sample_paths (void)
{
  const char *source = g_getenv ("AUGUR_SOURCE_DIR");
  g_autofree char *folder = NULL;
  g_autoptr(GDir) dir = NULL;
  GPtrArray *paths;
  const char *name;

  if (source == NULL)
    return NULL;
  folder = g_build_filename (source, "data", "samples", NULL);
  dir = g_dir_open (folder, 0, NULL);
  if (dir == NULL)
    return NULL;
  paths = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".png") || g_str_has_suffix (name, ".jpg"))
      g_ptr_array_add (paths, g_build_filename (folder, name, NULL));
  g_ptr_array_sort (paths, (GCompareFunc) g_strcmp0);
  return paths;
}

static AugurLeakage *
run_check (const char *train,
           const char *val,
           const char *cache)
{
  g_autoptr(GError) error = NULL;
  AugurLeakage *leakage = augur_leakage_new ();

  g_assert_true (augur_leakage_add_split (leakage, "train", train, &error));
  g_assert_true (augur_leakage_add_split (leakage, "val", val, &error));
  g_assert_no_error (error);
  augur_leakage_set_threads (leakage, 2);
  augur_leakage_set_cache_dir (leakage, cache);
  g_assert_true (augur_leakage_run (leakage, &error));
  g_assert_no_error (error);
  return leakage;
}

/* The pair that joins the files named @a and @b (by basename), or NULL. */
static const AugurLeakagePair *
find_pair (AugurLeakage *leakage,
           GArray       *pairs,
           const char   *a,
           const char   *b)
{
  GPtrArray *images = augur_leakage_get_images (leakage);

  for (guint i = 0; i < pairs->len; i++)
    {
      const AugurLeakagePair *pair = &g_array_index (pairs, AugurLeakagePair, i);
      g_autofree char *x = g_path_get_basename (((AugurLeakageImage *) images->pdata[pair->a])->path);
      g_autofree char *y = g_path_get_basename (((AugurLeakageImage *) images->pdata[pair->b])->path);

      if ((g_str_equal (x, a) && g_str_equal (y, b)) || (g_str_equal (x, b) && g_str_equal (y, a)))
        return pair;
    }
  return NULL;
}

static gboolean
has_pair (AugurLeakage *leakage,
          GArray       *pairs,
          const char   *a,
          const char   *b)
{
  return find_pair (leakage, pairs, a, b) != NULL;
}

/* Each test's folders: a temporary folder with train/ and val/ in it, and
 * the place for a hash cache. */
typedef struct
{
  char *dir;
  char *train;
  char *val;
  char *cache;
} Splits;

static void
splits_setup (Splits        *splits,
              gconstpointer  data)
{
  splits->dir = augur_test_make_tmp ("augur-leakage-XXXXXX");
  splits->train = make_dir (splits->dir, "train");
  splits->val = make_dir (splits->dir, "val");
  splits->cache = g_build_filename (splits->dir, "cache", NULL);
}

static void
splits_teardown (Splits        *splits,
                 gconstpointer  data)
{
  augur_test_rm_rf (splits->dir);
  g_free (splits->dir);
  g_free (splits->train);
  g_free (splits->val);
  g_free (splits->cache);
}

/* The index ------------------------------------------------------------------------------ */

static int
compare_uints (gconstpointer a,
               gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return (x > y) - (x < y);
}

/* On seeded random hashes, in clusters so that every radius finds some,
 * the index returns exactly the ids brute force does, each once. */
static void
test_index_brute_force (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240611);
  const guint n = 3000;
  g_autofree guint64 *hashes = g_new (guint64, n);
  g_autoptr(AugurHammingIndex) index = NULL;
  static const guint radii[] = { 0, 1, 3, 4, 5, 8, 11, 12, 16, 20, 32 };
  guint total_found = 0;

  for (guint i = 0; i < n; i++)
    {
      if (i % 10 == 0)
        hashes[i] = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
      else
        {
          guint64 hash = hashes[i - i % 10];
          guint flips = g_rand_int_range (rand, 0, 14);

          for (guint f = 0; f < flips; f++)
            hash ^= G_GUINT64_CONSTANT (1) << g_rand_int_range (rand, 0, 64);
          hashes[i] = hash;
        }
    }
  index = augur_hamming_index_new (hashes, n);

  for (guint r = 0; r < G_N_ELEMENTS (radii); r++)
    for (guint q = 0; q < 60; q++)
      {
        g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (guint));
        g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (guint));
        guint64 query = hashes[g_rand_int_range (rand, 0, n)];
        guint flips = g_rand_int_range (rand, 0, 6);

        for (guint f = 0; f < flips; f++)
          query ^= G_GUINT64_CONSTANT (1) << g_rand_int_range (rand, 0, 64);

        augur_hamming_index_search (index, query, radii[r], found);
        for (guint i = 0; i < n; i++)
          if (augur_hamming (hashes[i], query) <= radii[r])
            g_array_append_val (expected, i);

        g_array_sort (found, compare_uints);
        g_assert_cmpuint (found->len, ==, expected->len);
        for (guint i = 0; i < found->len; i++)
          g_assert_cmpuint (g_array_index (found, guint, i), ==, g_array_index (expected, guint, i));
        total_found += found->len;
      }
  /* The clusters make the comparison mean something. */
  g_assert_cmpuint (total_found, >, 1000);
}

/* The hash ------------------------------------------------------------------------------- */

/* The hash of a flipped or turned image is the original's in another
 * orientation, exactly: the orientations come from the DCT's symmetries. */
static void
test_orientations (void)
{
  g_autoptr(AugurImage) image = augur_scene_image (7, 160, 160);
  g_autoptr(AugurImage) mirrored = augur_scene_mirror (image);
  g_autoptr(AugurImage) turned = turn_90 (image);
  AugurPhash a, b, c;
  gboolean found_mirror = FALSE, found_turn = FALSE;

  augur_phash_compute (image, &a);
  augur_phash_compute (mirrored, &b);
  augur_phash_compute (turned, &c);
  for (guint o = 0; o < AUGUR_PHASH_ORIENTATIONS; o++)
    {
      found_mirror |= a.bits[o] == b.bits[0];
      found_turn |= a.bits[o] == c.bits[0];
    }
  g_assert_true (found_mirror);
  g_assert_true (found_turn);
  g_assert_cmpuint (augur_phash_distance (&a, &b), ==, 0);
  g_assert_cmpuint (augur_phash_distance (&a, &c), ==, 0);
  /* The detail signatures turn with the image, exactly. */
  g_assert_cmpuint (augur_phash_detail_distance (&a, &b), ==, 0);
  g_assert_cmpuint (augur_phash_detail_distance (&a, &c), ==, 0);
  /* ...and a different image is far. */
  {
    g_autoptr(AugurImage) other = augur_scene_image (8, 160, 160);
    AugurPhash d;

    augur_phash_compute (other, &d);
    g_assert_cmpuint (augur_phash_distance (&a, &d), >, AUGUR_LEAKAGE_DEFAULT_THRESHOLD);
    g_assert_cmpuint (augur_phash_detail_distance (&a, &d), >,
                      AUGUR_LEAKAGE_DETAIL_FACTOR * AUGUR_LEAKAGE_DEFAULT_THRESHOLD);
  }
}

/* Planted pairs ---------------------------------------------------------------------------- */

static const char *const planted_kinds[] = {
  "copy", "resized", "jpeg30", "flipped", "turned", "cropped", "brighter",
};

static char *
planted_name (const char *stem,
              const char *kind,
              const char *original_path)
{
  const char *ext = g_str_equal (kind, "copy") ? strrchr (original_path, '.') + 1
                    : g_str_equal (kind, "jpeg30") ? "jpg" : "png";

  return g_strdup_printf ("%s-%s.%s", stem, kind, ext);
}

/* Writes @image's planted copies into @dir as STEM-KIND.EXT; the exact
 * copy is a byte copy of @original_path. */
static void
plant (const AugurImage *image,
       const char       *original_path,
       const char       *dir,
       const char       *stem)
{
  g_autoptr(AugurImage) resized = augur_image_scale (image, image->width * 3 / 5, image->height * 3 / 5);
  g_autoptr(AugurImage) flipped = augur_scene_mirror (image);
  g_autoptr(AugurImage) turned = turn_90 (image);
  g_autoptr(AugurImage) cropped = crop_tenth (image);
  g_autoptr(AugurImage) brighter = brighten (image);
  const struct
  {
    const char       *kind;
    const AugurImage *image;
    AugurImageFormat  format;
    int               quality;
  } copies[] = {
    { "resized", resized, AUGUR_IMAGE_FORMAT_PNG, 0 },
    { "jpeg30", image, AUGUR_IMAGE_FORMAT_JPEG, 30 },
    { "flipped", flipped, AUGUR_IMAGE_FORMAT_PNG, 0 },
    { "turned", turned, AUGUR_IMAGE_FORMAT_PNG, 0 },
    { "cropped", cropped, AUGUR_IMAGE_FORMAT_PNG, 0 },
    { "brighter", brighter, AUGUR_IMAGE_FORMAT_PNG, 0 },
  };
  g_autofree char *copy_name = planted_name (stem, "copy", original_path);
  g_autofree char *copy = g_build_filename (dir, copy_name, NULL);

  copy_file (original_path, copy);
  for (guint i = 0; i < G_N_ELEMENTS (copies); i++)
    {
      g_autofree char *name = planted_name (stem, copies[i].kind, original_path);

      save (copies[i].image, dir, name, copies[i].format, copies[i].quality);
    }
}


/* Originals in train, their planted copies in val: every planted pair is
 * found across the splits at the default threshold, and no pair joins two
 * different originals' families. */
static void
test_planted (Splits        *splits,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) samples = sample_paths ();
  const char *train = splits->train;
  const char *val = splits->val;
  g_autoptr(GPtrArray) originals = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) stems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(AugurLeakage) leakage = NULL;
  GArray *cross;
  guint largest[G_N_ELEMENTS (planted_kinds)] = { 0 };
  guint largest_detail[G_N_ELEMENTS (planted_kinds)] = { 0 };

  if (samples == NULL || samples->len == 0)
    {
      g_test_skip ("the bundled samples are not available (AUGUR_SOURCE_DIR)");
      return;
    }

  for (guint i = 0; i < samples->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *base = g_path_get_basename (samples->pdata[i]);
      g_autofree char *target = g_build_filename (train, base, NULL);
      g_autoptr(AugurImage) image = augur_image_load (samples->pdata[i], 0, &error);

      g_assert_no_error (error);
      copy_file (samples->pdata[i], target);
      *strrchr (base, '.') = '\0';
      plant (image, target, val, base);
      g_ptr_array_add (originals, g_steal_pointer (&target));
      g_ptr_array_add (stems, g_strdup (base));
    }
  /* Generated scenes of several sizes and aspect ratios. */
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(AugurImage) image = augur_scene_image (1000 + i, 120 + 37 * i, 260 - 13 * i);
      g_autofree char *stem = g_strdup_printf ("scene%u", i);
      g_autofree char *name = g_strdup_printf ("%s.png", stem);

      save (image, train, name, AUGUR_IMAGE_FORMAT_PNG, 0);
      g_ptr_array_add (originals, g_build_filename (train, name, NULL));
      plant (image, originals->pdata[originals->len - 1], val, stem);
      g_ptr_array_add (stems, g_steal_pointer (&stem));
    }

  leakage = run_check (train, val, NULL);
  cross = augur_leakage_get_cross (leakage);

  for (guint i = 0; i < originals->len; i++)
    {
      g_autofree char *original = g_path_get_basename (originals->pdata[i]);

      for (guint k = 0; k < G_N_ELEMENTS (planted_kinds); k++)
        {
          g_autofree char *copy = planted_name (stems->pdata[i], planted_kinds[k], original);
          const AugurLeakagePair *pair = find_pair (leakage, cross, original, copy);

          if (pair == NULL)
            g_error ("planted pair not found: %s and %s", original, copy);
          largest[k] = MAX (largest[k], pair->distance);
          largest_detail[k] = MAX (largest_detail[k], pair->detail);
        }
    }
  for (guint k = 0; k < G_N_ELEMENTS (planted_kinds); k++)
    g_test_message ("planted %s: largest distance %u bits, detail %u bits", planted_kinds[k], largest[k],
                    largest_detail[k]);

  /* Each pair joins an original and its own copies. */
  for (guint i = 0; i < cross->len; i++)
    {
      const AugurLeakagePair *pair = &g_array_index (cross, AugurLeakagePair, i);
      GPtrArray *images = augur_leakage_get_images (leakage);
      g_autofree char *a = g_path_get_basename (((AugurLeakageImage *) images->pdata[pair->a])->path);
      g_autofree char *b = g_path_get_basename (((AugurLeakageImage *) images->pdata[pair->b])->path);
      g_autofree char *stem = g_strndup (a, strcspn (a, "."));
      g_autofree char *prefix = g_strconcat (stem, "-", NULL);

      g_assert_cmpuint (pair->distance, <=, AUGUR_LEAKAGE_DEFAULT_THRESHOLD);
      if (!g_str_has_prefix (b, prefix))
        g_error ("false pair across splits: %s and %s at %u", a, b, pair->distance);
      g_assert_true (pair->identical == g_str_has_prefix (b + strlen (prefix), "copy"));
    }
  g_assert_cmpuint (cross->len, ==, originals->len * G_N_ELEMENTS (planted_kinds));
  g_assert_cmpuint (augur_leakage_get_n_leaks (leakage), ==, cross->len);
}

/* Distinct images (the samples and 120 generated scenes), split between
 * train and val: no pair at the default threshold, across or within. */
static void
test_distinct (Splits        *splits,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) samples = sample_paths ();
  const char *train = splits->train;
  const char *val = splits->val;
  g_autoptr(AugurLeakage) leakage = NULL;
  GPtrArray *images;
  guint min_distance = 64;

  for (guint i = 0; samples && i < samples->len; i++)
    {
      g_autofree char *base = g_path_get_basename (samples->pdata[i]);
      g_autofree char *target = g_build_filename (i % 2 ? train : val, base, NULL);

      copy_file (samples->pdata[i], target);
    }
  for (guint i = 0; i < 120; i++)
    {
      g_autoptr(AugurImage) image = augur_scene_image (i + 1, 96 + (i * 37) % 200, 96 + (i * 53) % 180);
      g_autofree char *name = g_strdup_printf ("scene%03u.png", i);

      save (image, i % 2 ? train : val, name, AUGUR_IMAGE_FORMAT_PNG, 0);
    }

  leakage = run_check (train, val, NULL);
  images = augur_leakage_get_images (leakage);
  g_assert_cmpuint (images->len, ==, 120 + (samples ? samples->len : 0));

  /* Brute force agrees: the nearest distinct pair is above the threshold. */
  for (guint i = 0; i < images->len; i++)
    for (guint j = i + 1; j < images->len; j++)
      min_distance = MIN (min_distance, augur_phash_distance (&((AugurLeakageImage *) images->pdata[i])->hash,
                                                              &((AugurLeakageImage *) images->pdata[j])->hash));
  g_test_message ("nearest distinct pair: %u bits", min_distance);
  g_assert_cmpuint (min_distance, >, AUGUR_LEAKAGE_DEFAULT_THRESHOLD);
  g_assert_cmpuint (augur_leakage_get_cross (leakage)->len, ==, 0);
  g_assert_cmpuint (augur_leakage_get_within (leakage)->len, ==, 0);
  g_assert_cmpuint (augur_leakage_get_n_leaks (leakage), ==, 0);
}

/* Within a split: a flipped copy beside its original is in the second
 * table, and is not a leak. */
static void
test_within (Splits        *splits,
            gconstpointer  data)
{
  const char *train = splits->train;
  const char *val = splits->val;
  g_autoptr(AugurImage) image = augur_scene_image (42, 200, 150);
  g_autoptr(AugurImage) flipped = augur_scene_mirror (image);
  g_autoptr(AugurImage) other = augur_scene_image (43, 200, 150);
  g_autoptr(AugurLeakage) leakage = NULL;

  save (image, train, "a.png", AUGUR_IMAGE_FORMAT_PNG, 0);
  save (flipped, train, "a-flipped.png", AUGUR_IMAGE_FORMAT_PNG, 0);
  save (other, val, "b.png", AUGUR_IMAGE_FORMAT_PNG, 0);

  leakage = run_check (train, val, NULL);
  g_assert_cmpuint (augur_leakage_get_cross (leakage)->len, ==, 0);
  g_assert_cmpuint (augur_leakage_get_within (leakage)->len, ==, 1);
  g_assert_true (has_pair (leakage, augur_leakage_get_within (leakage), "a.png", "a-flipped.png"));
  g_assert_cmpuint (augur_leakage_get_n_leaks (leakage), ==, 0);
}

/* Manifests, the cache, bad input ------------------------------------------------------------ */

/* An augmented output in train whose source is in val is reported, with
 * the manifest's line; outputs of train's own images are not. */
static void
test_manifest (Splits        *splits,
              gconstpointer  data)
{
  const char *train = splits->train;
  const char *val = splits->val;
  g_autofree char *aug = make_dir (train, "aug");
  g_autofree char *manifest = g_build_filename (aug, "manifest.jsonl", NULL);
  g_autoptr(AugurImage) source = augur_scene_image (77, 160, 120);
  g_autoptr(AugurImage) own = augur_scene_image (78, 160, 120);
  /* An output so changed that the hash would not know it. */
  g_autoptr(AugurImage) output = augur_scene_image (79, 160, 120);
  g_autoptr(AugurLeakage) leakage = NULL;
  g_autoptr(GError) error = NULL;
  const AugurLeakageOrigin *origin;
  const char *text =
    "{\"manifest\":\"augur\",\"version\":1,\"inputs\":[\"../../val\",\"..\"]}\n"
    "{\"source\":\"x.png\",\"root\":0,\"output\":\"x_0.png\",\"variant\":0}\n"
    "{\"source\":\"own.png\",\"root\":1,\"output\":\"own_0.png\",\"variant\":0}\n"
    "{\"source\":\"x.png\",\"root\":0,\"output\":\"elsewhere/x_1.png\",\"variant\":1}\n";
  g_autofree char *report = NULL;

  save (source, val, "x.png", AUGUR_IMAGE_FORMAT_PNG, 0);
  save (own, train, "own.png", AUGUR_IMAGE_FORMAT_PNG, 0);
  save (output, aug, "x_0.png", AUGUR_IMAGE_FORMAT_PNG, 0);
  save (own, aug, "own_0.png", AUGUR_IMAGE_FORMAT_JPEG, 90);
  g_assert_true (g_file_set_contents (manifest, text, -1, &error));

  leakage = augur_leakage_new ();
  g_assert_true (augur_leakage_add_split (leakage, "train", train, &error));
  g_assert_true (augur_leakage_add_split (leakage, "val", val, &error));
  augur_leakage_add_manifest (leakage, manifest);
  g_assert_true (augur_leakage_run (leakage, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (augur_leakage_get_origins (leakage)->len, ==, 1);
  origin = augur_leakage_get_origins (leakage)->pdata[0];
  g_assert_true (g_str_has_suffix (origin->output, "/train/aug/x_0.png"));
  g_assert_true (g_str_has_suffix (origin->source, "/val/x.png"));
  g_assert_cmpuint (origin->output_split, ==, 0);
  g_assert_cmpuint (origin->source_split, ==, 1);
  g_assert_cmpuint (origin->line, ==, 2);
  g_assert_cmpuint (augur_leakage_get_cross (leakage)->len, ==, 0);
  g_assert_cmpuint (augur_leakage_get_n_leaks (leakage), ==, 1);
  /* An output not beside the manifest is not silently passed over. */
  report = augur_leakage_to_text (leakage);
  g_assert_nonnull (strstr (report, "manifest.jsonl: 1 listed outputs are not beside it"));
}

/* A malformed manifest fails the run, naming the file and line. */
static void
test_manifest_malformed (Splits        *splits,
                        gconstpointer  data)
{
  const char *train = splits->train;
  const char *val = splits->val;
  g_autofree char *manifest = g_build_filename (splits->dir, "m.jsonl", NULL);
  g_autoptr(AugurLeakage) leakage = augur_leakage_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (manifest,
                                      "{\"manifest\":\"augur\",\"inputs\":[\"val\"]}\n"
                                      "{\"source\":\"../x.png\",\"root\":0,\"output\":\"x.png\"}\n", -1, NULL));
  g_assert_true (augur_leakage_add_split (leakage, "train", train, NULL));
  g_assert_true (augur_leakage_add_split (leakage, "val", val, NULL));
  augur_leakage_add_manifest (leakage, manifest);
  g_assert_false (augur_leakage_run (leakage, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "m.jsonl:2: "));
}

/* A second run takes every hash from the cache (keyed by content: a
 * renamed file still hits) and finds the same pairs; an unreadable file is
 * listed, not fatal. */
static void
test_cache (Splits        *splits,
           gconstpointer  data)
{
  const char *train = splits->train;
  const char *val = splits->val;
  g_autofree char *cache = g_strdup (splits->cache);
  g_autofree char *bad = g_build_filename (val, "broken.png", NULL);
  g_autofree char *from = g_build_filename (val, "b.png", NULL);
  g_autofree char *to = g_build_filename (val, "renamed.png", NULL);
  g_autoptr(AugurImage) image = augur_scene_image (5, 180, 140);
  g_autoptr(AugurImage) turned = turn_90 (image);
  g_autoptr(AugurLeakage) first = NULL;
  g_autoptr(AugurLeakage) second = NULL;
  guint n_failed = 0;

  save (image, train, "a.png", AUGUR_IMAGE_FORMAT_PNG, 0);
  save (turned, val, "b.png", AUGUR_IMAGE_FORMAT_JPEG, 80);
  g_assert_true (g_file_set_contents (bad, "\x89PNG\r\n\x1a\n-truncated", -1, NULL));

  first = run_check (train, val, cache);
  g_assert_cmpuint (augur_leakage_get_n_cached (first), ==, 0);
  g_assert_cmpuint (augur_leakage_get_cross (first)->len, ==, 1);
  for (guint i = 0; i < augur_leakage_get_images (first)->len; i++)
    {
      const AugurLeakageImage *item = augur_leakage_get_images (first)->pdata[i];

      if (item->error != NULL)
        {
          n_failed++;
          g_assert_nonnull (strstr (item->error->message, "broken.png"));
        }
    }
  g_assert_cmpuint (n_failed, ==, 1);

  g_assert_cmpint (g_rename (from, to), ==, 0);
  second = run_check (train, val, cache);
  g_assert_cmpuint (augur_leakage_get_n_cached (second), ==, 2);
  g_assert_cmpuint (augur_leakage_get_cross (second)->len, ==, 1);
  g_assert_true (has_pair (second, augur_leakage_get_cross (second), "a.png", "renamed.png"));
  g_assert_cmpuint (g_array_index (augur_leakage_get_cross (second), AugurLeakagePair, 0).distance, ==,
                    g_array_index (augur_leakage_get_cross (first), AugurLeakagePair, 0).distance);
}

/* Overlapping or missing folders are refused before any work. */
static void
test_bad_splits (Splits        *splits,
                gconstpointer  data)
{
  const char *train = splits->train;
  g_autofree char *inner = make_dir (train, "val");
  g_autofree char *missing = g_build_filename (splits->dir, "missing", NULL);
  g_autoptr(AugurLeakage) leakage = augur_leakage_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (augur_leakage_add_split (leakage, "train", train, &error));
  g_assert_false (augur_leakage_add_split (leakage, "val", inner, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (augur_leakage_add_split (leakage, "val", missing, &error));
  g_assert_nonnull (strstr (error->message, "no such folder"));
}

/* augur-cli leakage ------------------------------------------------------------------------- */

static int
run_cli (char               **out,
         const char * const  *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) cli_path);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static void
cli_setup (Splits        *fixture,
           gconstpointer  data)
{
  splits_setup (fixture, data);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(AugurImage) a = augur_scene_image (300 + i, 150, 110);
      g_autoptr(AugurImage) b = augur_scene_image (400 + i, 130, 170);
      g_autofree char *name = g_strdup_printf ("img%u.png", i);

      save (a, fixture->train, name, AUGUR_IMAGE_FORMAT_PNG, 0);
      save (b, fixture->val, name, AUGUR_IMAGE_FORMAT_PNG, 0);
    }
}

/* Exit status: 0 clean, 1 leaks found, 2 usage errors. */
static void
test_cli_status (Splits        *fixture,
                 gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *inner = g_build_filename (fixture->train, "sub", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing", NULL);
  g_autoptr(AugurImage) image = NULL;
  g_autofree char *source = g_build_filename (fixture->train, "img1.png", NULL);

  {
    const char *args[] = { "leakage", fixture->train, fixture->val, "--cache", fixture->cache, NULL };

    g_assert_cmpint (run_cli (&out, args), ==, 0);
    g_assert_nonnull (strstr (out, "Near-duplicates across splits: 0"));
    g_clear_pointer (&out, g_free);
  }

  /* A turned copy of a train image in val. */
  image = augur_image_load (source, 0, NULL);
  {
    g_autoptr(AugurImage) turned = turn_90 (image);
    const char *args[] = { "leakage", fixture->train, fixture->val, "--cache", fixture->cache, NULL };

    save (turned, fixture->val, "turned.jpg", AUGUR_IMAGE_FORMAT_JPEG, 60);
    g_assert_cmpint (run_cli (&out, args), ==, 1);
    g_assert_nonnull (strstr (out, "Near-duplicates across splits: 1"));
    g_assert_nonnull (strstr (out, "img1.png"));
    g_assert_nonnull (strstr (out, "turned.jpg"));
    g_clear_pointer (&out, g_free);
  }
  g_assert_cmpint (g_mkdir (inner, 0755), ==, 0);
  {
    const char *const usage[][8] = {
      { "leakage", NULL },
      { "leakage", fixture->train, NULL },
      { "leakage", fixture->train, fixture->val, fixture->dir, NULL },
      { "leakage", fixture->train, fixture->val, "--threshold", "33", NULL },
      { "leakage", fixture->train, fixture->val, "--threshold", "x", NULL },
      { "leakage", fixture->train, fixture->val, "--threads", "0", NULL },
      { "leakage", fixture->train, missing, NULL },
      { "leakage", fixture->train, inner, NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (usage); i++)
      {
        g_assert_cmpint (run_cli (&out, usage[i]), ==, 2);
        g_clear_pointer (&out, g_free);
      }
  }
}

/* --json is the report as data; --html a page with the thumbnails
 * embedded and the paths escaped. */
static void
test_cli_reports (Splits        *fixture,
                  gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *html_path = g_build_filename (fixture->dir, "report.html", NULL);
  g_autofree char *source = g_build_filename (fixture->train, "img2.png", NULL);
  g_autofree char *html = NULL;
  g_autoptr(AugurImage) image = augur_image_load (source, 0, NULL);
  g_autoptr(AugurImage) flipped = augur_scene_mirror (image);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *pair;
  const char *args[] = { "leakage", fixture->train, fixture->val, "--json", "--html", html_path,
                         "--cache", fixture->cache, NULL };

  save (flipped, fixture->val, "a&b<c>.png", AUGUR_IMAGE_FORMAT_PNG, 0);
  g_assert_cmpint (run_cli (&out, args), ==, 1);

  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "leaks"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (root, "threshold"), ==, AUGUR_LEAKAGE_DEFAULT_THRESHOLD);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "cross")), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "within")), ==, 0);
  pair = json_array_get_object_element (json_object_get_array_member (root, "cross"), 0);
  g_assert_cmpint (json_object_get_int_member (pair, "distance"), <=, AUGUR_LEAKAGE_DEFAULT_THRESHOLD);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (pair, "a"), "split"), ==, "train");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (json_object_get_object_member (pair, "a"), "path"),
                                   "img2.png"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (json_object_get_object_member (pair, "b"), "path"),
                                   "a&b<c>.png"));

  g_assert_true (g_file_get_contents (html_path, &html, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (html, "a&amp;b&lt;c&gt;.png"));
  g_assert_null (strstr (html, "a&b<c>"));
  /* Two thumbnails side by side, in the page itself. */
  g_assert_nonnull (strstr (strstr (html, "data:image/jpeg;base64,/9j/") + 1, "data:image/jpeg;base64,/9j/"));
  g_assert_null (strstr (html, "http:"));
  g_assert_null (strstr (html, "https:"));
  g_assert_null (strstr (html, "src=\"/"));
  g_assert_null (strstr (html, "href="));
}

/* The classic leak: `apply` run on val, its outputs put into train. The
 * manifest names each output's source; each is reported. */
static void
test_cli_manifest (Splits        *fixture,
                   gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *recipe = g_build_filename (fixture->dir, "recipe.json", NULL);
  g_autofree char *aug = g_build_filename (fixture->train, "aug", NULL);
  g_autofree char *manifest = g_build_filename (aug, "manifest.jsonl", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *origins;
  const char *apply[] = { "apply", recipe, fixture->val, "-o", aug, "--threads", "1", NULL };
  const char *check[] = { "leakage", fixture->train, fixture->val, "--manifest", manifest, "--json",
                          "--cache", fixture->cache, NULL };

  g_assert_true (g_file_set_contents (recipe,
                                      "{\"format\": \"augur-recipe\", \"version\": 1, \"seed\": 7,"
                                      " \"pipeline\": {\"type\": \"Sequential\", \"steps\": ["
                                      " {\"type\": \"HorizontalFlip\", \"p\": 1.0}]}}\n", -1, &error));
  g_assert_cmpint (run_cli (&out, apply), ==, 0);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_cli (&out, check), ==, 1);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  origins = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "origins");
  g_assert_cmpuint (json_array_get_length (origins), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *origin = json_array_get_object_element (origins, i);

      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (origin, "output"), "split"),
                       ==, "train");
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (origin, "source"), "split"),
                       ==, "val");
      g_assert_cmpint (json_object_get_int_member (origin, "line"), ==, i + 2);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc > 1)
    cli_path = argv[1];

  g_test_add_func ("/leakage/core/index-brute-force", test_index_brute_force);
  g_test_add_func ("/leakage/core/orientations", test_orientations);
  g_test_add ("/leakage/core/planted", Splits, NULL, splits_setup, test_planted, splits_teardown);
  g_test_add ("/leakage/core/distinct", Splits, NULL, splits_setup, test_distinct, splits_teardown);
  g_test_add ("/leakage/core/within", Splits, NULL, splits_setup, test_within, splits_teardown);
  g_test_add ("/leakage/core/manifest", Splits, NULL, splits_setup, test_manifest, splits_teardown);
  g_test_add ("/leakage/core/manifest-malformed", Splits, NULL, splits_setup, test_manifest_malformed, splits_teardown);
  g_test_add ("/leakage/core/cache", Splits, NULL, splits_setup, test_cache, splits_teardown);
  g_test_add ("/leakage/core/bad-splits", Splits, NULL, splits_setup, test_bad_splits, splits_teardown);
  if (cli_path != NULL)
    {
      g_test_add ("/leakage/cli/status", Splits, NULL, cli_setup, test_cli_status, splits_teardown);
      g_test_add ("/leakage/cli/reports", Splits, NULL, cli_setup, test_cli_reports, splits_teardown);
      g_test_add ("/leakage/cli/manifest", Splits, NULL, cli_setup, test_cli_manifest, splits_teardown);
    }
  return g_test_run ();
}
