/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-bench"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include "augur-image.h"
#include "augur-json.h"
#include "augur-pipeline.h"
#include "augur-reference.h"
#include "augur-recipe.h"
#include "augur-rng.h"
#include "augur-strips.h"

/*
 * augur-bench: Augur's side of bench/run.sh.
 *
 *   augur-bench ops SAMPLES_DIR [--repeats N]
 *       per-operation latency: each operation is built from a one-step
 *       recipe whose ranges are collapsed to one value, sampled once per
 *       image, and only augur_node_apply() is timed, as a pipeline pays it
 *   augur-bench serve SAMPLES_DIR
 *       the same passes one at a time, on request ("OP REP" lines on
 *       standard input), so that peers.py can interleave them with its own;
 *       "draws OP" answers with the values OP drew for each image, so that
 *       the peers can do the same work
 *   augur-bench dump SAMPLES_DIR OUTDIR
 *       each operation's output for the first sample, as OUTDIR/OP.png, and
 *       its draws as OUTDIR/OP.json, so that peers.py can check its peers
 *       do the same thing
 *   augur-bench preview SAMPLES_DIR RECIPE [--repeats N]
 *       the preview grid: 9 draws (sample + apply) of RECIPE on a proxy of
 *       each sample whose longest side is 512 pixels
 *
 * Both print JSON lines on standard output for bench/report.py. The
 * operation names are shared with bench/peers.py.
 */

typedef struct
{
  const char *op;
  const char *step;  /* one recipe step, JSON */
} BenchOp;

static const BenchOp bench_ops[] = {
  { "HorizontalFlip",
    "{\"type\": \"HorizontalFlip\", \"p\": 1}" },
  { "Rotate30",
    "{\"type\": \"Rotate\", \"p\": 1, \"params\": {\"limit\": [30, 30],"
    " \"interpolation\": \"linear\", \"border_mode\": \"reflect_101\"}}" },
  { "Rotate30Constant",
    "{\"type\": \"Rotate\", \"p\": 1, \"params\": {\"limit\": [30, 30],"
    " \"interpolation\": \"linear\", \"border_mode\": \"constant\"}}" },
  { "Affine",
    "{\"type\": \"Affine\", \"p\": 1, \"params\": {"
    "\"scale\": {\"x\": [1.2, 1.2], \"y\": [1.2, 1.2]},"
    " \"shear\": {\"x\": [10, 10], \"y\": [0, 0]},"
    " \"interpolation\": \"linear\", \"border_mode\": \"constant\"}}" },
  { "ResizeLinear",
    "{\"type\": \"Resize\", \"p\": 1, \"params\": {\"height\": 256, \"width\": 256,"
    " \"interpolation\": \"linear\"}}" },
  { "ResizeArea",
    "{\"type\": \"Resize\", \"p\": 1, \"params\": {\"height\": 256, \"width\": 256,"
    " \"interpolation\": \"area\"}}" },
  { "GaussianBlur",
    "{\"type\": \"GaussianBlur\", \"p\": 1, \"params\": {\"sigma_limit\": [2, 2],"
    " \"blur_limit\": [0, 0]}}" },
  { "BrightnessContrast",
    "{\"type\": \"RandomBrightnessContrast\", \"p\": 1, \"params\": {"
    "\"brightness_limit\": [0.1, 0.1], \"contrast_limit\": [0.2, 0.2]}}" },
  { "HueSaturationValue",
    "{\"type\": \"HueSaturationValue\", \"p\": 1, \"params\": {"
    "\"hue_shift_limit\": [10, 10], \"sat_shift_limit\": [20, 20],"
    " \"val_shift_limit\": [10, 10]}}" },
  { "ToGray",
    "{\"type\": \"ToGray\", \"p\": 1, \"params\": {\"num_output_channels\": 1,"
    " \"method\": \"weighted_average\"}}" },
  { "GaussNoise",
    "{\"type\": \"GaussNoise\", \"p\": 1, \"params\": {\"std_range\": [0.1, 0.1],"
    " \"mean_range\": [0, 0]}}" },
  { "CoarseDropout",
    "{\"type\": \"CoarseDropout\", \"p\": 1, \"params\": {\"num_holes_range\": [4, 4],"
    " \"hole_height_range\": [0.1, 0.1], \"hole_width_range\": [0.1, 0.1]}}" },
  { "JpegQ50",
    "{\"type\": \"ImageCompression\", \"p\": 1, \"params\": {"
    "\"compression_type\": \"jpeg\", \"quality_range\": [50, 50]}}" },
  /* The second catalogue: colour and tone; blur, sharpen and texture. */
  { "ColorJitter",
    "{\"type\": \"ColorJitter\", \"p\": 1,"
    " \"params\": {\"brightness\": [1.1, 1.1], \"contrast\": [1.1, 1.1],"
    " \"saturation\": [1.1, 1.1], \"hue\": [0.05, 0.05]}}" },
  { "RGBShift",
    "{\"type\": \"RGBShift\", \"p\": 1,"
    " \"params\": {\"r_shift_limit\": [20, 20], \"g_shift_limit\": [-10,"
    " -10], \"b_shift_limit\": [5, 5]}}" },
  { "ChannelShuffle",
    "{\"type\": \"ChannelShuffle\", \"p\": 1}" },
  { "ChannelDropout",
    "{\"type\": \"ChannelDropout\", \"p\": 1}" },
  { "ToSepia",
    "{\"type\": \"ToSepia\", \"p\": 1}" },
  { "InvertImg",
    "{\"type\": \"InvertImg\", \"p\": 1}" },
  { "Solarize",
    "{\"type\": \"Solarize\", \"p\": 1}" },
  { "Posterize",
    "{\"type\": \"Posterize\", \"p\": 1}" },
  { "Equalize",
    "{\"type\": \"Equalize\", \"p\": 1}" },
  { "CLAHE",
    "{\"type\": \"CLAHE\", \"p\": 1, \"params\": {\"clip_limit\": [2, 2]}}" },
  { "RandomGamma",
    "{\"type\": \"RandomGamma\", \"p\": 1,"
    " \"params\": {\"gamma_limit\": [120, 120]}}" },
  { "RandomToneCurve",
    "{\"type\": \"RandomToneCurve\", \"p\": 1}" },
  { "AutoContrast",
    "{\"type\": \"AutoContrast\", \"p\": 1}" },
  { "FancyPCA",
    "{\"type\": \"FancyPCA\", \"p\": 1}" },
  { "PlanckianJitter",
    "{\"type\": \"PlanckianJitter\", \"p\": 1,"
    " \"params\": {\"temperature_limit\": [5000, 5000]}}" },
  { "Illumination",
    "{\"type\": \"Illumination\", \"p\": 1,"
    " \"params\": {\"mode\": \"linear\", \"effect_type\": \"brighten\","
    " \"intensity_range\": [0.1, 0.1], \"angle_range\": [45, 45]}}" },
  { "Blur5",
    "{\"type\": \"Blur\", \"p\": 1, \"params\": {\"blur_limit\": [5, 5]}}" },
  { "MotionBlur7",
    "{\"type\": \"MotionBlur\", \"p\": 1, \"params\": {\"blur_limit\": [7,"
    " 7], \"angle_range\": [0, 0], \"direction_range\": [0, 0],"
    " \"allow_shifted\": false}}" },
  { "MedianBlur3",
    "{\"type\": \"MedianBlur\", \"p\": 1, \"params\": {\"blur_limit\": [3,"
    " 3]}}" },
  { "MedianBlur5",
    "{\"type\": \"MedianBlur\", \"p\": 1, \"params\": {\"blur_limit\": [5,"
    " 5]}}" },
  { "MedianBlur7",
    "{\"type\": \"MedianBlur\", \"p\": 1, \"params\": {\"blur_limit\": [7,"
    " 7]}}" },
  { "GlassBlur",
    "{\"type\": \"GlassBlur\", \"p\": 1}" },
  { "Defocus5",
    "{\"type\": \"Defocus\", \"p\": 1, \"params\": {\"radius\": [5, 5],"
    " \"alias_blur\": [0.2, 0.2]}}" },
  { "ZoomBlur",
    "{\"type\": \"ZoomBlur\", \"p\": 1, \"params\": {\"max_factor\": [1.2,"
    " 1.2], \"step_factor\": [0.02, 0.02]}}" },
  { "AdvancedBlur7",
    "{\"type\": \"AdvancedBlur\", \"p\": 1,"
    " \"params\": {\"blur_limit\": [7, 7]}}" },
  { "Sharpen",
    "{\"type\": \"Sharpen\", \"p\": 1, \"params\": {\"alpha\": [0.3, 0.3],"
    " \"lightness\": [1, 1]}}" },
  { "UnsharpMask",
    "{\"type\": \"UnsharpMask\", \"p\": 1,"
    " \"params\": {\"blur_limit\": [5, 5], \"sigma_limit\": [1, 1],"
    " \"alpha\": [0.5, 0.5]}}" },
  { "Emboss",
    "{\"type\": \"Emboss\", \"p\": 1, \"params\": {\"alpha\": [0.5, 0.5],"
    " \"strength\": [0.5, 0.5]}}" },
  { "Morphological5",
    "{\"type\": \"Morphological\", \"p\": 1, \"params\": {\"scale\": [5,"
    " 5], \"operation\": \"dilation\"}}" },
  /* The rest of the catalogue, and the settings of the table. */
  { "VerticalFlip",
    "{\"type\": \"VerticalFlip\", \"p\": 1}" },
  { "Transpose",
    "{\"type\": \"Transpose\", \"p\": 1}" },
  { "RandomRotate90",
    "{\"type\": \"RandomRotate90\", \"p\": 1}" },
  { "D4",
    "{\"type\": \"D4\", \"p\": 1}" },
  { "Rotate45Nearest",
    "{\"type\": \"Rotate\", \"p\": 1, \"params\": {\"limit\": [-45, "
    "45], \"interpolation\": \"nearest\", "
    "\"border_mode\": \"constant\"}}" },
  { "SafeRotate30",
    "{\"type\": \"SafeRotate\", \"p\": 1, \"params\": {\"limit\": [30, "
    "30]}}" },
  { "AffineFull",
    "{\"type\": \"Affine\", \"p\": 1, \"params\": {\"rotate\": [25, "
    "25], \"translate_px\": {\"x\": [20, 20], \"y\": [20, 20]}, "
    "\"scale\": {\"x\": [2, 2], \"y\": [2, 2]}, "
    "\"shear\": {\"x\": [10, 15], \"y\": [10, 15]}, "
    "\"interpolation\": \"linear\", \"border_mode\": \"constant\"}}" },
  { "ShiftScaleRotate",
    "{\"type\": \"ShiftScaleRotate\", \"p\": 1, "
    "\"params\": {\"shift_limit_x\": [0.05, 0.05], "
    "\"shift_limit_y\": [0.05, 0.05], \"scale_limit\": [0.1, 0.1], "
    "\"rotate_limit\": [30, 30]}}" },
  { "Perspective",
    "{\"type\": \"Perspective\", \"p\": 1}" },
  { "RandomResizedCrop512",
    "{\"type\": \"RandomResizedCrop\", \"p\": 1, "
    "\"params\": {\"size\": [512, 512]}}" },
  { "RandomScale",
    "{\"type\": \"RandomScale\", \"p\": 1, "
    "\"params\": {\"scale_limit\": [0.1, 0.1]}}" },
  { "LongestMaxSize256",
    "{\"type\": \"LongestMaxSize\", \"p\": 1, "
    "\"params\": {\"max_size\": 256}}" },
  { "SmallestMaxSize256",
    "{\"type\": \"SmallestMaxSize\", \"p\": 1, "
    "\"params\": {\"max_size\": 256}}" },
  { "PadIfNeeded1536",
    "{\"type\": \"PadIfNeeded\", \"p\": 1, "
    "\"params\": {\"min_height\": 1536, \"min_width\": 1536}}" },
  { "RandomCrop256",
    "{\"type\": \"RandomCrop\", \"p\": 1, "
    "\"params\": {\"height\": 256, \"width\": 256}}" },
  { "CenterCrop256",
    "{\"type\": \"CenterCrop\", \"p\": 1, "
    "\"params\": {\"height\": 256, \"width\": 256}}" },
  { "Crop",
    "{\"type\": \"Crop\", \"p\": 1}" },
  { "RandomSizedCrop",
    "{\"type\": \"RandomSizedCrop\", \"p\": 1}" },
  { "CropAndPad",
    "{\"type\": \"CropAndPad\", \"p\": 1, "
    "\"params\": {\"percent\": [0.1, 0.1]}}" },
  { "RandomCropFromBorders",
    "{\"type\": \"RandomCropFromBorders\", \"p\": 1}" },
  { "RandomGridShuffle",
    "{\"type\": \"RandomGridShuffle\", \"p\": 1}" },
  { "ElasticTransform",
    "{\"type\": \"ElasticTransform\", \"p\": 1, "
    "\"params\": {\"alpha\": 50, \"sigma\": 5}}" },
  { "OpticalDistortion",
    "{\"type\": \"OpticalDistortion\", \"p\": 1, "
    "\"params\": {\"distort_limit\": [0.05, 0.05]}}" },
  { "GridDistortion",
    "{\"type\": \"GridDistortion\", \"p\": 1}" },
  { "PiecewiseAffine",
    "{\"type\": \"PiecewiseAffine\", \"p\": 1}" },
  { "ThinPlateSpline",
    "{\"type\": \"ThinPlateSpline\", \"p\": 1}" },
  { "ToGray3",
    "{\"type\": \"ToGray\", \"p\": 1, "
    "\"params\": {\"num_output_channels\": 3, "
    "\"method\": \"weighted_average\"}}" },
  { "GaussianBlurK5",
    "{\"type\": \"GaussianBlur\", \"p\": 1, "
    "\"params\": {\"sigma_limit\": [2, 2], \"blur_limit\": [5, 5]}}" },
  { "Superpixels",
    "{\"type\": \"Superpixels\", \"p\": 1, "
    "\"params\": {\"p_replace\": [0.1, 0.1]}}" },
  { "ISONoise",
    "{\"type\": \"ISONoise\", \"p\": 1, "
    "\"params\": {\"color_shift\": [0.03, 0.03], \"intensity\": [0.3, "
    "0.3]}}" },
  { "MultiplicativeNoise",
    "{\"type\": \"MultiplicativeNoise\", \"p\": 1, "
    "\"params\": {\"multiplier\": [0.9, 1.1]}}" },
  { "MultiplicativeNoisePixel",
    "{\"type\": \"MultiplicativeNoise\", \"p\": 1, "
    "\"params\": {\"multiplier\": [0.9, 1.1], \"per_channel\": true, "
    "\"elementwise\": true}}" },
  { "SaltAndPepper",
    "{\"type\": \"SaltAndPepper\", \"p\": 1, "
    "\"params\": {\"amount\": [0.05, 0.05], \"salt_vs_pepper\": [0.5, "
    "0.5]}}" },
  { "ShotNoise",
    "{\"type\": \"ShotNoise\", \"p\": 1, "
    "\"params\": {\"scale_range\": [0.2, 0.2]}}" },
  { "AdditiveNoise",
    "{\"type\": \"AdditiveNoise\", \"p\": 1}" },
  { "AdditiveNoisePixel",
    "{\"type\": \"AdditiveNoise\", \"p\": 1, "
    "\"params\": {\"noise_type\": \"gaussian\", "
    "\"spatial_mode\": \"per_pixel\"}}" },
  { "Downscale",
    "{\"type\": \"Downscale\", \"p\": 1}" },
  { "RingingOvershoot",
    "{\"type\": \"RingingOvershoot\", \"p\": 1, "
    "\"params\": {\"blur_limit\": [11, 11], \"cutoff\": [1, 1]}}" },
  { "ChromaticAberration",
    "{\"type\": \"ChromaticAberration\", \"p\": 1, "
    "\"params\": {\"primary_distortion_limit\": [0.02, 0.02], "
    "\"secondary_distortion_limit\": [0.05, 0.05]}}" },
  { "RandomFog",
    "{\"type\": \"RandomFog\", \"p\": 1, "
    "\"params\": {\"fog_coef_range\": [0.5, 0.5]}}" },
  { "RandomRain",
    "{\"type\": \"RandomRain\", \"p\": 1}" },
  { "RandomSnow",
    "{\"type\": \"RandomSnow\", \"p\": 1, "
    "\"params\": {\"snow_point_range\": [0.2, 0.2]}}" },
  { "RandomSunFlare",
    "{\"type\": \"RandomSunFlare\", \"p\": 1}" },
  { "RandomShadow",
    "{\"type\": \"RandomShadow\", \"p\": 1}" },
  { "RandomGravel",
    "{\"type\": \"RandomGravel\", \"p\": 1}" },
  { "Spatter",
    "{\"type\": \"Spatter\", \"p\": 1}" },
  { "PlasmaBrightnessContrast",
    "{\"type\": \"PlasmaBrightnessContrast\", \"p\": 1}" },
  { "PlasmaShadow",
    "{\"type\": \"PlasmaShadow\", \"p\": 1}" },
  { "GridDropout",
    "{\"type\": \"GridDropout\", \"p\": 1}" },
  { "PixelDropout",
    "{\"type\": \"PixelDropout\", \"p\": 1}" },
  { "Erasing",
    "{\"type\": \"Erasing\", \"p\": 1}" },
  { "XYMasking",
    "{\"type\": \"XYMasking\", \"p\": 1, "
    "\"params\": {\"num_masks_x\": [2, 2], \"num_masks_y\": [2, 2], "
    "\"mask_x_length\": [20, 20], \"mask_y_length\": [20, 20]}}" },
  /* Blends: each sample's pool holds the next sample (see ops_bench_init),
   * which peers.py takes as the reference too. */
  { "MixUp",
    "{\"type\": \"MixUp\", \"p\": 1}" },
  { "CutMix",
    "{\"type\": \"CutMix\", \"p\": 1}" },
  { "Mosaic",
    "{\"type\": \"Mosaic\", \"p\": 1, \"params\": {\"center_range\": [0.5, 0.5]}}" },
  { "HistogramMatching",
    "{\"type\": \"HistogramMatching\", \"p\": 1, \"params\": {\"blend_ratio\": [0.5, 0.5]}}" },
  { "FDA",
    "{\"type\": \"FDA\", \"p\": 1, \"params\": {\"beta_limit\": [0.05, 0.05]}}" },
  { "PixelDistributionAdaptation",
    "{\"type\": \"PixelDistributionAdaptation\", \"p\": 1, "
    "\"params\": {\"blend_ratio\": [0.5, 0.5], \"transform_type\": \"pca\"}}" },
};

typedef struct
{
  char       *key;
  AugurImage *image;
} Sample;

static void
sample_free (gpointer data)
{
  Sample *sample = data;

  g_free (sample->key);
  g_clear_pointer (&sample->image, augur_image_unref);
  g_free (sample);
}

static gint64
clock_ns (clockid_t clock)
{
  struct timespec ts;

  clock_gettime (clock, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* Wall time, and the CPU time of this thread: on a shared machine the
 * second is less disturbed by other processes. */
static gint64
now_ns (void)
{
  return clock_ns (CLOCK_MONOTONIC);
}

static gint64
cpu_ns (void)
{
  return clock_ns (CLOCK_THREAD_CPUTIME_ID);
}

/* Page faults of this process so far: a pass that faults in fresh memory
 * pays for it in the kernel, which the timings show but do not explain. */
static gint64
minor_faults (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Every image of @dir (files other than images are skipped), decoded once
 * and made RGB, sorted by name. */
static GPtrArray *
load_samples (const char  *dir,
              GError     **error)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (sample_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = NULL;
  const char *name;

  d = g_dir_open (dir, 0, error);
  if (d == NULL)
    return NULL;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".png") || g_str_has_suffix (name, ".jpg"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);
      g_autoptr(AugurImage) image = augur_image_load (path, AUGUR_DEFAULT_MAX_PIXELS, error);
      Sample *sample;

      if (image == NULL)
        return NULL;
      sample = g_new0 (Sample, 1);
      sample->key = g_strdup (names->pdata[i]);
      sample->image = augur_image_convert (image, 3);
      g_ptr_array_add (samples, sample);
    }

  if (samples->len == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s: no PNG or JPEG samples", dir);
      return NULL;
    }

  return g_steal_pointer (&samples);
}

static AugurRecipe *
recipe_for_step (const char  *step,
                 GError     **error)
{
  g_autofree char *text = g_strdup_printf ("{\"format\": \"augur-recipe\", \"version\": 1,"
                                           " \"seed\": 1, \"pipeline\": {\"type\": \"Sequential\","
                                           " \"steps\": [%s]}}", step);

  return augur_recipe_parse (text, -1, error);
}

static void
print_number (GString    *line,
              const char *name,
              double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (line, ", \"%s\": %s", name,
                          g_ascii_formatd (buf, sizeof buf, "%.6f", value));
}

/* The seed of the one draw of @recipe on @s: variant 0, as augur-cli's
 * first output of that file. */
static guint64
sample_seed (const AugurRecipe *recipe,
             const Sample      *s)
{
  return augur_seed_derive (recipe->seed, s->key, 0);
}

/* Every operation built and sampled once per image, ready to be timed. */
typedef struct
{
  GPtrArray *samples;
  GPtrArray *recipes;  /* AugurRecipe, one per bench_ops entry */
  GPtrArray *replays;  /* replays[op * n_samples + i]: drawn once, applied every pass */
  GPtrArray *pools;    /* AugurReferencePool per sample: the next sample, for blends */
  double     mpix;
} OpsBench;

static void
ops_bench_clear (OpsBench *b)
{
  g_clear_pointer (&b->recipes, g_ptr_array_unref);
  g_clear_pointer (&b->replays, g_ptr_array_unref);
  g_clear_pointer (&b->pools, g_ptr_array_unref);
}

static gboolean
ops_bench_init (OpsBench   *b,
                GPtrArray  *samples,
                GError    **error)
{
  b->samples = samples;
  b->recipes = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_recipe_free);
  b->replays = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_replay_free);
  b->pools = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_reference_pool_unref);
  b->mpix = 0;

  for (guint i = 0; i < samples->len; i++)
    {
      const Sample *s = samples->pdata[i];
      const Sample *next = samples->pdata[(i + 1) % samples->len];
      const char *keys[] = { next->key };
      AugurImage *images[] = { next->image };

      b->mpix += (double) s->image->width * s->image->height / 1e6;
      g_ptr_array_add (b->pools, augur_reference_pool_new_from_images (keys, images, 1));
    }

  for (guint op = 0; op < G_N_ELEMENTS (bench_ops); op++)
    {
      AugurRecipe *recipe = recipe_for_step (bench_ops[op].step, error);

      if (recipe == NULL)
        {
          g_prefix_error (error, "%s: ", bench_ops[op].op);
          return FALSE;
        }
      g_ptr_array_add (b->recipes, recipe);

      for (guint i = 0; i < samples->len; i++)
        {
          const Sample *s = samples->pdata[i];
          AugurShape shape = { s->image->width, s->image->height, s->image->channels };

          guint64 seed = sample_seed (recipe, s);
          AugurReplay *replay;

          if (augur_node_has_blends (recipe->pipeline))
            replay = augur_node_sample_full (recipe->pipeline, &shape, seed, FALSE,
                                             b->pools->pdata[i], error);
          else
            replay = augur_node_sample (recipe->pipeline, &shape, seed);
          if (replay == NULL)
            {
              g_prefix_error (error, "%s: ", bench_ops[op].op);
              return FALSE;
            }
          g_ptr_array_add (b->replays, replay);
        }
    }

  return TRUE;
}

static int
ops_bench_find (const char *name)
{
  for (guint op = 0; op < G_N_ELEMENTS (bench_ops); op++)
    if (strcmp (bench_ops[op].op, name) == 0)
      return (int) op;
  return -1;
}

/* Operation @op on sample @i, with the sample's pool for blends. */
static AugurImage *
ops_bench_apply (const OpsBench *b,
                 guint           op,
                 guint           i)
{
  const AugurRecipe *recipe = b->recipes->pdata[op];
  const Sample *s = b->samples->pdata[i];
  const AugurReplay *replay = b->replays->pdata[op * b->samples->len + i];
  g_autoptr(GError) error = NULL;
  AugurImage *out;

  if (!augur_node_has_blends (recipe->pipeline))
    return augur_node_apply (recipe->pipeline, s->image, replay);
  out = augur_node_apply_full (recipe->pipeline, s->image, replay, b->pools->pdata[i],
                               NULL, NULL, &error);
  if (out == NULL)
    g_error ("%s on %s: %s", bench_ops[op].op, s->key, error->message);
  return out;
}

/* What operation @op drew for each image, as one JSON object:
 * {"op": OP, "draws": [{"image": KEY, "seed": N, "replay": {...}}, ...]},
 * in the order of the samples. Each record has the members of a manifest
 * line that `augur-cli apply --replay` reads (the replay as
 * augur_replay_to_json() writes it), so the peers read the draws in the
 * same terms a user sees them. */
static char *
ops_bench_draws (const OpsBench *b,
                 guint           op)
{
  const AugurRecipe *recipe = b->recipes->pdata[op];
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "op");
  json_builder_add_string_value (builder, bench_ops[op].op);
  json_builder_set_member_name (builder, "draws");
  json_builder_begin_array (builder);
  for (guint i = 0; i < b->samples->len; i++)
    {
      const Sample *s = b->samples->pdata[i];
      const AugurReplay *replay = b->replays->pdata[op * b->samples->len + i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "image");
      json_builder_add_string_value (builder, s->key);
      json_builder_set_member_name (builder, "seed");
      json_builder_add_int_value (builder, (gint64) sample_seed (recipe, s));
      json_builder_set_member_name (builder, "replay");
      json_builder_add_value (builder, augur_replay_to_json (replay, recipe->pipeline));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return augur_json_to_string (root, FALSE);
}

/* One pass: operation @op applied once to every image, each call timed. */
static void
ops_bench_pass (const OpsBench *b,
                guint           op,
                gint64         *wall_ns,
                gint64         *cpu_ns_out,
                gint64         *faults)
{
  gint64 faults_before = minor_faults ();

  *wall_ns = *cpu_ns_out = 0;
  for (guint i = 0; i < b->samples->len; i++)
    {
      const Sample *s = b->samples->pdata[i];
      AugurImage *out;
      gint64 t0, t1, c0, c1;

      c0 = cpu_ns ();
      t0 = now_ns ();
      out = ops_bench_apply (b, op, i);
      t1 = now_ns ();
      c1 = cpu_ns ();
      *wall_ns += t1 - t0;
      *cpu_ns_out += c1 - c0;
      g_assert (out != s->image);
      augur_image_unref (out);
    }
  *faults = minor_faults () - faults_before;
}

static void
print_pass (const OpsBench *b,
            guint           op,
            int             rep,
            gint64          wall,
            gint64          cpu,
            gint64          faults)
{
  g_autoptr(GString) line = g_string_new (NULL);

  g_string_append_printf (line, "{\"suite\": \"ops\", \"lib\": \"augur\", \"op\": \"%s\", \"rep\": %d",
                          bench_ops[op].op, rep);
  print_number (line, "ms", wall / 1e6);
  print_number (line, "cpu_ms", cpu / 1e6);
  print_number (line, "mpix", b->mpix);
  g_string_append_printf (line, ", \"faults\": %" G_GINT64_FORMAT ", \"images\": %u}\n",
                          faults, b->samples->len);
  fputs (line->str, stdout);
  fflush (stdout);
}

/* @min_time (seconds, 0 for none): before each timed pass, keep applying
 * the operation untimed that long, so that a profile of one operation is
 * not dominated by decoding the samples. */
static gboolean
run_ops (GPtrArray   *samples,
         int          repeats,
         double       min_time,
         const char  *only,
         GError     **error)
{
  OpsBench b;
  gboolean ok;

  ok = ops_bench_init (&b, samples, error);
  if (ok && only != NULL && ops_bench_find (only) < 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "no operation %s", only);
      ok = FALSE;
    }

  /* One pass unrecorded, to warm caches and the allocator; then the
   * repeats, each a pass over every image per operation. */
  for (int rep = -1; ok && rep < repeats; rep++)
    for (guint op = 0; op < G_N_ELEMENTS (bench_ops); op++)
      {
        gint64 wall, cpu, faults;

        if (only != NULL && strcmp (only, bench_ops[op].op) != 0)
          continue;

        if (min_time > 0 && rep >= 0)
          {
            gint64 end = now_ns () + (gint64) (min_time * 1e9);

            while (now_ns () < end)
              ops_bench_pass (&b, op, &wall, &cpu, &faults);
          }

        ops_bench_pass (&b, op, &wall, &cpu, &faults);
        if (rep >= 0)
          print_pass (&b, op, rep, wall, cpu, faults);
      }

  ops_bench_clear (&b);
  return ok;
}

/* For bench/peers.py, which interleaves Augur with its peers pass by
 * pass: each line "OP REP" on standard input runs one pass and answers
 * with its JSON line (a negative REP: a warm-up pass, answered with an
 * empty object); a line "draws OP" answers with what OP drew for each
 * image (ops_bench_draws()), for the peers to do the same work. Ends at
 * end of input. */
static gboolean
run_serve (GPtrArray   *samples,
           GError     **error)
{
  OpsBench b;
  char buf[256];
  gboolean ok;

  ok = ops_bench_init (&b, samples, error);
  while (ok && fgets (buf, sizeof buf, stdin) != NULL)
    {
      g_auto(GStrv) words = g_strsplit (g_strstrip (buf), " ", 2);
      gboolean draws = FALSE;
      gint64 wall, cpu, faults;
      int op, rep;

      if (words[0] == NULL || words[0][0] == '\0')
        continue;
      if (strcmp (words[0], "draws") == 0)
        {
          if (words[1] == NULL)
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "serve: \"draws\" needs an operation name");
              ok = FALSE;
              break;
            }
          draws = TRUE;
          op = ops_bench_find (words[1]);
        }
      else
        op = ops_bench_find (words[0]);
      if (op < 0)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "serve: no operation %s",
                       draws ? words[1] : words[0]);
          ok = FALSE;
          break;
        }

      if (draws)
        {
          g_autofree char *text = ops_bench_draws (&b, (guint) op);

          fputs (text, stdout);
          fputc ('\n', stdout);
          fflush (stdout);
          continue;
        }

      rep = words[1] ? atoi (words[1]) : 0;
      ops_bench_pass (&b, (guint) op, &wall, &cpu, &faults);
      if (rep >= 0)
        print_pass (&b, (guint) op, rep, wall, cpu, faults);
      else
        {
          fputs ("{}\n", stdout);
          fflush (stdout);
        }
    }

  ops_bench_clear (&b);
  return ok;
}

/* Each operation's output for the first sample, as PNG files named after
 * the operations, and its draws (ops_bench_draws()) as JSON files beside
 * them, for peers.py to compare its peers' outputs with. */
static gboolean
run_dump (GPtrArray   *samples,
          const char  *dir,
          GError     **error)
{
  OpsBench b;
  gboolean ok;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "%s: %s", dir, g_strerror (errno));
      return FALSE;
    }

  ok = ops_bench_init (&b, samples, error);
  for (guint op = 0; ok && op < G_N_ELEMENTS (bench_ops); op++)
    {
      g_autoptr(AugurImage) out = ops_bench_apply (&b, op, 0);
      g_autofree char *name = g_strconcat (bench_ops[op].op, ".png", NULL);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *draws = ops_bench_draws (&b, op);
      g_autofree char *draws_name = g_strconcat (bench_ops[op].op, ".json", NULL);
      g_autofree char *draws_path = g_build_filename (dir, draws_name, NULL);

      ok = augur_image_save (out, path, AUGUR_IMAGE_FORMAT_PNG, 0, error)
           && g_file_set_contents (draws_path, draws, -1, error);
    }

  ops_bench_clear (&b);
  return ok;
}

static gboolean
run_preview (GPtrArray   *samples,
             const char  *recipe_path,
             int          repeats,
             int          size,
             int          draws,
             GError     **error)
{
  g_autoptr(AugurRecipe) recipe = augur_recipe_load (recipe_path, error);

  if (recipe == NULL)
    return FALSE;

  for (guint i = 0; i < samples->len; i++)
    {
      const Sample *s = samples->pdata[i];
      g_autoptr(AugurImage) proxy = NULL;
      gint64 t0 = now_ns (), t_proxy;

      proxy = augur_image_fit (s->image, size);  /* as the GUI's sample strip */
      t_proxy = now_ns () - t0;

      for (int rep = -1; rep < repeats; rep++)
        {
          g_autoptr(GString) line = NULL;
          gint64 t1, c1, total, total_cpu;

          c1 = cpu_ns ();
          t1 = now_ns ();
          for (int k = 0; k < draws; k++)
            {
              guint64 seed = augur_seed_derive (recipe->seed, s->key, (guint) k);
              AugurImage *out = augur_node_run (recipe->pipeline, proxy, seed, NULL);

              augur_image_unref (out);
            }
          total = now_ns () - t1;
          total_cpu = cpu_ns () - c1;

          if (rep < 0)
            continue;
          line = g_string_new (NULL);
          g_string_append_printf (line, "{\"suite\": \"preview\", \"lib\": \"augur\", \"image\": \"%s\","
                                  " \"rep\": %d, \"width\": %d, \"height\": %d, \"draws\": %d",
                                  s->key, rep, proxy->width, proxy->height, draws);
          print_number (line, "ms", total / 1e6);
          print_number (line, "cpu_ms", total_cpu / 1e6);
          print_number (line, "proxy_ms", t_proxy / 1e6);
          g_string_append (line, "}\n");
          fputs (line->str, stdout);
        }
    }

  fflush (stdout);
  return TRUE;
}

static void
list_ops (void)
{
  for (guint op = 0; op < G_N_ELEMENTS (bench_ops); op++)
    printf ("%s\t%s\n", bench_ops[op].op, bench_ops[op].step);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autofree char *only = NULL;
  int repeats = 5;
  double min_time = 0;
  int size = 512;
  int draws = 9;
  const GOptionEntry entries[] = {
    { "repeats", 'r', 0, G_OPTION_ARG_INT, &repeats, "Timed passes (default 5)", "N" },
    { "op", 0, 0, G_OPTION_ARG_STRING, &only, "ops: time only this operation", "NAME" },
    { "min-time", 0, 0, G_OPTION_ARG_DOUBLE, &min_time,
      "ops: before each timed pass, run the operation untimed for this long (for profiling)", "SECONDS" },
    { "size", 0, 0, G_OPTION_ARG_INT, &size, "preview: proxy size (default 512)", "PX" },
    { "draws", 0, 0, G_OPTION_ARG_INT, &draws, "preview: draws per grid (default 9)", "N" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  /* One thread, as the peers run (cv2.setNumThreads (1)). */
  augur_strips_set_max_threads (1);
  context = g_option_context_new ("ops SAMPLES_DIR | serve SAMPLES_DIR | dump SAMPLES_DIR OUTDIR | preview SAMPLES_DIR RECIPE | list");
  g_option_context_set_summary (context, "Time Augur's transforms for bench/run.sh.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("augur-bench: %s\n", error->message);
      return 2;
    }
  if (argc >= 2 && strcmp (argv[1], "list") == 0)
    {
      list_ops ();
      return 0;
    }
  if (argc < 3 || repeats < 1 || size < 1 || draws < 1
      || !(strcmp (argv[1], "ops") == 0 || strcmp (argv[1], "serve") == 0
           || ((strcmp (argv[1], "preview") == 0 || strcmp (argv[1], "dump") == 0) && argc >= 4)))
    {
      g_printerr ("Usage: augur-bench ops SAMPLES_DIR | serve SAMPLES_DIR | dump SAMPLES_DIR OUTDIR | preview SAMPLES_DIR RECIPE | list\n");
      return 2;
    }

  samples = load_samples (argv[2], &error);
  if (samples == NULL
      || !(strcmp (argv[1], "ops") == 0 ? run_ops (samples, repeats, min_time, only, &error)
           : strcmp (argv[1], "serve") == 0 ? run_serve (samples, &error)
           : strcmp (argv[1], "dump") == 0 ? run_dump (samples, argv[3], &error)
           : run_preview (samples, argv[3], repeats, size, draws, &error)))
    {
      g_printerr ("augur-bench: %s\n", error->message);
      return 1;
    }

  return 0;
}
