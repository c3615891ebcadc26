/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "augur-image.h"
#include "augur-pipeline.h"

G_BEGIN_DECLS

/* Helpers the test programs share: synthetic images, transform leaves and
 * their parameters, one-step runs with a seed, replay round trips and
 * temporary folders.  Each asserts on misuse, so a test reads as its
 * meaning. */

/* Synthetic images */
AugurImage  *augur_test_noise_image       (int                 width,
                                           int                 height,
                                           int                 channels,
                                           int                 lo,
                                           int                 hi,
                                           guint64             seed);
AugurImage  *augur_test_random_image      (int                 width,
                                           int                 height,
                                           int                 channels,
                                           guint64             seed);
AugurImage  *augur_test_flat_image        (int                 width,
                                           int                 height,
                                           int                 channels,
                                           guint8              value);
AugurImage  *augur_test_fill_image        (int                 width,
                                           int                 height,
                                           int                 channels,
                                           const int          *value);
AugurImage  *augur_test_dot_image         (int                 width,
                                           int                 height,
                                           int                 channels,
                                           int                 dx,
                                           int                 dy);
int          augur_test_pixel             (const AugurImage   *image,
                                           int                 x,
                                           int                 y,
                                           int                 c);
double       augur_test_centroid          (const AugurImage   *image,
                                           double             *cx,
                                           double             *cy);
double       augur_test_mean_difference   (const AugurImage   *a,
                                           const AugurImage   *b);
int          augur_test_max_difference    (const AugurImage   *a,
                                           const AugurImage   *b);
int          augur_test_reflect_101       (int                 i,
                                           int                 n);

/* A reference pool for blends: three images of other sizes, one each
 * gray, RGB and RGBA, keyed "ref/gray.png", "ref/rgb.png", "ref/rgba.png". */
AugurReferencePool *augur_test_reference_pool (void);

/* Pipelines and parameters */
AugurNode   *augur_test_transform         (const char         *name,
                                           double              p);
AugurNode   *augur_test_leaf              (const char         *name);
AugurNode   *augur_test_group             (AugurNodeKind       kind,
                                           double              p,
                                           ...) G_GNUC_NULL_TERMINATED;
AugurNode   *augur_test_node_parse        (const char         *json);
gboolean     augur_test_node_refused      (const char         *json);
AugurValue  *augur_test_param             (AugurNode          *node,
                                           const char         *name);
void         augur_test_set_range         (AugurNode          *node,
                                           const char         *name,
                                           double              lo,
                                           double              hi);
void         augur_test_set_bool          (AugurNode          *node,
                                           const char         *name,
                                           gboolean            value);
void         augur_test_set_fill          (AugurNode          *node,
                                           double              value);

/* Runs */
AugurImage  *augur_test_run               (const AugurNode    *node,
                                           const AugurImage   *src,
                                           guint64             seed,
                                           AugurReplay       **replay_out);
AugurImage  *augur_test_run_forced        (const AugurNode    *node,
                                           const AugurImage   *src,
                                           guint64             seed,
                                           AugurReplay       **replay_out);
AugurReplay *augur_test_replay_round_trip (const AugurNode    *node,
                                           const AugurReplay  *replay,
                                           gboolean            pretty);

/* The bright-dot check of map_point: see augur_test_follow_dot (). */
typedef gboolean (*AugurTestDotFilter)    (const AugurNode    *node,
                                           const AugurReplay  *replay,
                                           const AugurShape   *in,
                                           int                 dx,
                                           int                 dy,
                                           double              px,
                                           double              py);
gboolean     augur_test_follow_dot        (const AugurNode    *node,
                                           int                 channels,
                                           guint               draw,
                                           const int           dot_range[4],
                                           AugurTestDotFilter  filter);

AugurImage  *augur_test_run_step          (const char         *json,
                                           const AugurImage   *src,
                                           guint64             seed,
                                           AugurReplay       **replay_out);
AugurImage  *augur_test_level_image       (int                 width,
                                           int                 height,
                                           int                 channels,
                                           int                 level);

/* Pixel transforms: shape, alpha, replay and effect on gray, RGB, RGBA */
void         augur_test_check_pixel_transform (const char     *json,
                                               gboolean        gray_changes);

/* Spatial transforms, with parameters that move pixels visibly on 64 x 48 */
gboolean     augur_test_is_spatial_category (const char       *category);
AugurNode   *augur_test_spatial_node      (const AugurTransformInfo *info);

/* Files */
char        *augur_test_make_tmp          (const char         *tmpl);
void         augur_test_rm_rf             (const char         *path);
char        *augur_test_cli_path          (int                 argc,
                                           char              **argv);

/* Runs the default main context until @pred (@data) holds, or fails the
 * test after @timeout_ms, naming @what it waited for. */
typedef gboolean (*AugurTestPredicate) (gpointer data);
void        augur_test_wait_for         (AugurTestPredicate  pred,
                                         gpointer            data,
                                         guint               timeout_ms,
                                         const char         *what);

G_END_DECLS
