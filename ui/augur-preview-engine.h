/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "augur-pipeline.h"

G_BEGIN_DECLS

/**
 * AugurRenderResult:
 *
 * One rendered draw: the augmented image, its replay, the seed it was drawn
 * with, a texture ready to show and, when asked for, the difference
 * |augmented − original| and its texture. Immutable and reference counted,
 * so that the cache and the views share it.
 */
typedef struct
{
  guint64      seed;
  AugurImage  *image;
  AugurReplay *replay;
  GdkTexture  *texture;
  AugurImage  *diff;          /* NULL unless asked for */
  GdkTexture  *diff_texture;
} AugurRenderResult;

AugurRenderResult *augur_render_result_ref   (AugurRenderResult *result);
void               augur_render_result_unref (AugurRenderResult *result);

/**
 * AugurRenderItem:
 *
 * One draw of a request: the image to augment and the seed to draw with.
 */
typedef struct
{
  AugurImage *image;
  guint64     seed;
} AugurRenderItem;

#define AUGUR_TYPE_PREVIEW_ENGINE (augur_preview_engine_get_type ())
G_DECLARE_FINAL_TYPE (AugurPreviewEngine, augur_preview_engine, AUGUR, PREVIEW_ENGINE, GObject)

AugurPreviewEngine *augur_preview_engine_new          (guint                 n_threads);
void                augur_preview_engine_set_threads  (AugurPreviewEngine   *self,
                                                       guint                 n_threads);
guint               augur_preview_engine_get_threads  (AugurPreviewEngine   *self);
void                augur_preview_engine_set_cache_limit (AugurPreviewEngine *self,
                                                          gsize               max_bytes);
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
void                augur_preview_engine_run_task     (AugurPreviewEngine   *self,
                                                       GTask                *task,
                                                       GTaskThreadFunc       func);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurRenderResult, augur_render_result_unref)

G_END_DECLS
