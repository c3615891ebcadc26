/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "augur-labels.h"

G_BEGIN_DECLS

/*
 * The label files users have, read into AugurLabels and written back in
 * the same format and conventions:
 *
 * - COCO: one JSON file; "images" (id, file_name, width, height),
 *   "categories" (id, name, and for keypoints their names), "annotations"
 *   (image_id, category_id, bbox [x, y, width, height] in pixels,
 *   keypoints [x, y, v] * K, segmentation: polygons [x0, y0, x1, y1, ...]
 *   carried with their boxes, or RLE, carried only by outputs no step
 *   moved). An image is found by its path relative to the input folder,
 *   equal to its file_name.
 * - YOLO: a folder with classes.txt (one class name a line; the line
 *   number, from 0, is the class id) and, for image a/b.jpg, a/b.txt with
 *   a line "class x_centre y_centre width height" per box, all but the
 *   class fractions of the image's width and height.
 * - Pascal VOC: a folder with, for image a/b.jpg, a/b.xml: an
 *   <annotation> with <size> and an <object> per box, whose <bndbox>
 *   holds 1-based pixel corners (xmin is the first pixel's column counted
 *   from 1, xmax the last one's).
 * - Masks: a folder with, for image a/b.jpg, a/b.png: a label map, one
 *   channel (gray, or palette indices), 8 or 16 bits, the image's size.
 *
 * Every problem is an error naming the file and the line (or, in COCO,
 * the member): a box outside the image, a class not in the list, an image
 * without a label file, a malformed line. Nothing is dropped silently.
 */

typedef enum
{
  AUGUR_LABEL_FORMAT_COCO,
  AUGUR_LABEL_FORMAT_YOLO,
  AUGUR_LABEL_FORMAT_VOC,
  AUGUR_LABEL_FORMAT_MASKS,
} AugurLabelFormat;

/* The largest label file read (a COCO file holds a whole dataset). */
#define AUGUR_LABELS_MAX_COCO_BYTES  ((gsize) 512 * 1024 * 1024)
#define AUGUR_LABELS_MAX_FILE_BYTES  ((gsize) 16 * 1024 * 1024)

typedef struct _AugurLabelSource AugurLabelSource;
typedef struct _AugurLabelSink AugurLabelSink;

const char       *augur_label_format_name     (AugurLabelFormat    format);

AugurLabelSource *augur_label_source_open     (const char         *spec,
                                               GError            **error);
void              augur_label_source_free     (AugurLabelSource   *source);
AugurLabelFormat  augur_label_source_format   (AugurLabelSource   *source);
gboolean          augur_label_source_has      (AugurLabelSource   *source,
                                               const char         *key);
AugurLabels      *augur_label_source_read     (AugurLabelSource   *source,
                                               const char         *key,
                                               int                 width,
                                               int                 height,
                                               GError            **error);

AugurLabelSink   *augur_label_sink_new        (AugurLabelSource   *source,
                                               const char         *output_dir);
void              augur_label_sink_free       (AugurLabelSink     *sink);
void              augur_label_sink_set_shard  (AugurLabelSink     *sink,
                                               guint               index,
                                               guint               count);
gboolean          augur_label_sink_add        (AugurLabelSink     *sink,
                                               const char         *key,
                                               const char         *output,
                                               const AugurLabels  *labels,
                                               gboolean            moved,
                                               GError            **error);
gboolean          augur_label_sink_finish     (AugurLabelSink     *sink,
                                               GError            **error);
char             *augur_label_sink_path       (AugurLabelSink     *sink,
                                               const char         *output);

/* Label maps as PNG, 8 or 16 bits (for the masks format and tests). */
gboolean          augur_label_map_load        (const char         *path,
                                               int                 width,
                                               int                 height,
                                               AugurLabels        *labels,
                                               GError            **error);
gboolean          augur_label_map_save        (const AugurLabels  *labels,
                                               const char         *path,
                                               GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurLabelSource, augur_label_source_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurLabelSink, augur_label_sink_free)

G_END_DECLS
