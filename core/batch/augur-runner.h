/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "augur-image.h"
#include "augur-label-formats.h"
#include "augur-label-report.h"
#include "augur-recipe.h"
#include "augur-reference.h"

G_BEGIN_DECLS

#define AUGUR_RUNNER_ERROR (augur_runner_error_quark ())

/**
 * AugurRunnerError:
 * @AUGUR_RUNNER_ERROR_OVERLAP: the output folder (or the manifest) would be
 *   inside an input folder, or an input inside the output folder
 * @AUGUR_RUNNER_ERROR_COLLISION: two inputs would write the same output
 * @AUGUR_RUNNER_ERROR_NO_INPUTS: no image found in the inputs
 * @AUGUR_RUNNER_ERROR_MANIFEST: a manifest (to replay) is malformed
 * @AUGUR_RUNNER_ERROR_FAILED: anything else
 * @AUGUR_RUNNER_ERROR_RESUME: --resume into an output folder that another
 *   run (another recipe, seed, inputs or output settings) wrote
 */
typedef enum
{
  AUGUR_RUNNER_ERROR_OVERLAP,
  AUGUR_RUNNER_ERROR_COLLISION,
  AUGUR_RUNNER_ERROR_NO_INPUTS,
  AUGUR_RUNNER_ERROR_MANIFEST,
  AUGUR_RUNNER_ERROR_FAILED,
  AUGUR_RUNNER_ERROR_RESUME,
} AugurRunnerError;

GQuark augur_runner_error_quark (void);

#define AUGUR_MANIFEST_FORMAT          "augur"
#define AUGUR_MANIFEST_VERSION         1
#define AUGUR_MANIFEST_MAX_LINE        (4 * 1024 * 1024)
#define AUGUR_MANIFEST_DEFAULT_NAME    "manifest.jsonl"
#define AUGUR_RUNNER_DEFAULT_QUALITY   95

/**
 * AugurRunnerInput:
 * @root: index of the input root (the INPUT argument) it was found under
 * @key: its path relative to the root, '/'-separated (for a file given
 *   directly: its basename); the seed key and the manifest's "source"
 * @path: the path to open, as given plus @key
 * @stem: the output path relative to the output folder, without the
 *   `_VARIANT.EXT` suffix
 * @error: set when the input is refused before being read (a file name
 *   that is not UTF-8); it is then reported in its place in the order
 */
typedef struct
{
  guint   root;
  char   *key;
  char   *path;
  char   *stem;
  GError *error;
} AugurRunnerInput;

/**
 * AugurRunner:
 *
 * Applies a recipe to a set of inputs, or replays a manifest: a pool of
 * workers decodes, augments and encodes; the calling thread writes the
 * manifest in input order, so that equal runs write equal bytes whatever
 * the number of threads. Outputs are written as `.NAME.part` beside their
 * final name and renamed once complete.
 */
typedef struct _AugurRunner AugurRunner;

typedef void (*AugurRunnerProgress) (guint     done,
                                     guint     total,
                                     gpointer  user_data);
typedef void (*AugurRunnerFailure)  (const GError *error,
                                     gpointer      user_data);

AugurRunner *augur_runner_new               (const AugurRecipe   *recipe);
AugurRunner *augur_runner_new_replay        (const char          *manifest,
                                             GError             **error);
void         augur_runner_free              (AugurRunner         *runner);

void         augur_runner_set_seed          (AugurRunner         *runner,
                                             guint64              seed);
void         augur_runner_set_variants      (AugurRunner         *runner,
                                             guint                variants);
void         augur_runner_set_threads       (AugurRunner         *runner,
                                             guint                threads);
void         augur_runner_set_shard         (AugurRunner         *runner,
                                             guint                index,
                                             guint                count);
void         augur_runner_set_resume        (AugurRunner         *runner,
                                             gboolean             resume);
void         augur_runner_set_format        (AugurRunner         *runner,
                                             AugurImageFormat     format,
                                             int                  quality);
void         augur_runner_set_budget        (AugurRunner         *runner,
                                             double               max_work,
                                             double               max_memory);
double       augur_runner_default_memory_budget (void);
void         augur_runner_set_memory_budget (AugurRunner         *runner,
                                             double               bytes);
guint        augur_runner_get_max_in_flight (AugurRunner         *runner);
void         augur_runner_set_quality       (AugurRunner         *runner,
                                             int                  quality);
void         augur_runner_set_manifest      (AugurRunner         *runner,
                                             const char          *path);
void         augur_runner_set_max_pixels    (AugurRunner         *runner,
                                             gint64               max_pixels);
void         augur_runner_set_references    (AugurRunner         *runner,
                                             const char          *dir);
void         augur_runner_set_callbacks     (AugurRunner         *runner,
                                             AugurRunnerProgress  progress,
                                             AugurRunnerFailure   failure,
                                             gpointer             user_data);

void         augur_runner_set_labels        (AugurRunner         *runner,
                                             AugurLabelSource    *labels);
const AugurLabelReport *augur_runner_get_label_report (AugurRunner   *runner);

gboolean     augur_runner_add_inputs        (AugurRunner         *runner,
                                             const char * const  *paths,
                                             GError             **error);
const char  *augur_runner_get_manifest_path (AugurRunner         *runner,
                                             const char          *output_dir);
gboolean     augur_runner_run               (AugurRunner         *runner,
                                             const char          *output_dir,
                                             guint               *n_failed,
                                             GError             **error);

/* Building blocks, public for the CLI's sheet command and for tests. */
GPtrArray   *augur_runner_collect_inputs    (const char * const  *paths,
                                             GPtrArray          **roots,
                                             GError             **error);
void         augur_runner_input_free        (AugurRunnerInput    *input);
AugurReferencePool *augur_runner_reference_pool (const char * const  *paths,
                                             gint64               max_pixels,
                                             GError             **error);
gboolean     augur_runner_is_image_name     (const char          *name);
char        *augur_runner_output_name       (const char          *stem,
                                             guint                variant,
                                             AugurImageFormat     format);
gboolean     augur_runner_check_overlap     (const char * const  *roots,
                                             guint                n_roots,
                                             const char          *output_dir,
                                             GError             **error);
const char  *augur_runner_format_name       (AugurImageFormat     format);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurRunner, augur_runner_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurRunnerInput, augur_runner_input_free)

G_END_DECLS
