/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "augur-labels.h"

G_BEGIN_DECLS

/*
 * The annotation-loss report of a run: how many boxes and keypoints went
 * in and came out, how many each step dropped or cut at the image's edge,
 * and the sizes of the boxes before and after, in COCO's area classes
 * (small under 32 x 32 pixels, medium under 96 x 96, large).
 *
 * Each manifest line of a run with labels holds its output's numbers
 * (augur_label_report_line ()), and the manifest ends with a line holding
 * their sum ({"labels_report": ...}). A sum of sums is the sum of the
 * lines: `manifest merge` drops the shards' report lines and sums the
 * merged lines again, so that it writes the report a single run writes.
 */

#define AUGUR_LABEL_REPORT_MEMBER "labels_report"
#define AUGUR_LABEL_LINE_MEMBER   "labels"

typedef struct _AugurLabelReport AugurLabelReport;

AugurLabelReport *augur_label_report_new      (void);
void              augur_label_report_free     (AugurLabelReport       *report);
JsonNode         *augur_label_report_line     (const AugurLabels      *in,
                                               const AugurLabels      *out,
                                               const AugurLabelRecord *record);
gboolean          augur_label_report_add      (AugurLabelReport       *report,
                                               JsonNode               *line,
                                               GError                **error);
guint             augur_label_report_outputs  (const AugurLabelReport *report);
JsonNode         *augur_label_report_to_json  (const AugurLabelReport *report);
char             *augur_label_report_text     (const AugurLabelReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AugurLabelReport, augur_label_report_free)

G_END_DECLS
