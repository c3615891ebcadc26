/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "augur-pipeline.h"
#include "augur-sample.h"

G_BEGIN_DECLS

/* How much the difference view amplifies |augmented − original|. */
#define AUGUR_DIFF_GAIN 4

/**
 * AugurRenderResult:
 *
 * One rendered draw: the augmented image brought down to the engine's
 * display size (augur_image_fit()), its replay, the seed it was drawn with,
 * a texture ready to show and, when asked for, the difference
 * |augmented − original| × %AUGUR_DIFF_GAIN and its texture.
 *
 * A @reduced result is the quick pass, drawn from the sample's proxy: shown
 * while the full-resolution draw renders, marked as such, and replaced by
 * it. Otherwise the draw was made from the full-resolution image, as
 * augur-cli makes it, and only brought down for display; @full_width and
 * @full_height are its size before that.
 *
 * Immutable and reference counted, so that the cache and the views share it.
 */
typedef struct
{
  guint64      seed;
  AugurImage  *image;
  AugurReplay *replay;
  GdkTexture  *texture;
  AugurImage  *diff;          /* NULL unless asked for */
  GdkTexture  *diff_texture;
  gboolean     reduced;
  int          full_width;
  int          full_height;
} AugurRenderResult;

AugurImage        *augur_preview_difference  (const AugurImage  *original,
                                              const AugurImage  *augmented);

AugurRenderResult *augur_render_result_ref   (AugurRenderResult *result);
void               augur_render_result_unref (AugurRenderResult *result);

/**
 * AugurRenderItem:
 *
 * One draw of a request: the seed to draw with, and what to draw it from.
 * With a @sample, the draw is made from the sample's full-resolution image
 * (decoded on a worker, see augur_sample_load_full()), and @image, when
 * given, is its proxy, for a quick reduced pass first. Without one, @image
 * is the image itself.
 */
typedef struct
{
  AugurImage  *image;
  guint64      seed;
  AugurSample *sample;
} AugurRenderItem;

/**
 * AugurStepCost:
 * @ms: milliseconds per application, on average
 * @applied: how many applications the average is over
 * @megapixels: the size of the samples whose draws it was measured in, on
 *   average (a step after a crop works on less)
 *
 * What one step took in the full-resolution draws of the grid.
 */
typedef struct
{
  double ms;
  guint  applied;
  double megapixels;
} AugurStepCost;

#define AUGUR_TYPE_PREVIEW_ENGINE (augur_preview_engine_get_type ())
G_DECLARE_FINAL_TYPE (AugurPreviewEngine, augur_preview_engine, AUGUR, PREVIEW_ENGINE, GObject)

AugurPreviewEngine *augur_preview_engine_new          (guint                 n_threads);
void                augur_preview_engine_set_threads  (AugurPreviewEngine   *self,
                                                       guint                 n_threads);
guint               augur_preview_engine_get_threads  (AugurPreviewEngine   *self);
void                augur_preview_engine_set_cache_limit (AugurPreviewEngine *self,
                                                          gsize               max_bytes);
void                augur_preview_engine_set_prefix_cache_limit (AugurPreviewEngine *self,
                                                                 gsize               max_bytes);
void                augur_preview_engine_set_references (AugurPreviewEngine *self,
                                                         AugurReferencePool *pool);
AugurReferencePool *augur_preview_engine_get_references (AugurPreviewEngine *self);
void                augur_preview_engine_set_display_size (AugurPreviewEngine *self,
                                                           int                 max_side);
int                 augur_preview_engine_get_display_size (AugurPreviewEngine *self);
guint64             augur_preview_engine_render       (AugurPreviewEngine   *self,
                                                       const AugurNode      *pipeline,
                                                       const AugurRenderItem *items,
                                                       guint                 n_items,
                                                       gboolean              diff);
void                augur_preview_engine_cancel       (AugurPreviewEngine   *self);
guint64             augur_preview_engine_get_generation (AugurPreviewEngine *self);
guint               augur_preview_engine_get_n_items  (AugurPreviewEngine   *self);
AugurRenderResult  *augur_preview_engine_get_result   (AugurPreviewEngine   *self,
                                                       guint                 index);
gboolean            augur_preview_engine_is_complete  (AugurPreviewEngine   *self);
guint               augur_preview_engine_get_n_rendered (AugurPreviewEngine *self);
guint               augur_preview_engine_get_cache_size (AugurPreviewEngine *self);
guint               augur_preview_engine_get_prefix_hits (AugurPreviewEngine *self);
gboolean            augur_preview_engine_get_step_cost (AugurPreviewEngine  *self,
                                                        const char          *path,
                                                        const AugurNode     *step,
                                                        AugurStepCost       *cost);
void                augur_preview_engine_run_task     (AugurPreviewEngine   *self,
                                                       GTask                *task,
                                                       GTaskThreadFunc       func);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurRenderResult, augur_render_result_unref)

G_END_DECLS
