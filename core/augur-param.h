/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * AugurParamType:
 * @AUGUR_PARAM_BOOL: true or false
 * @AUGUR_PARAM_INT: an integer
 * @AUGUR_PARAM_NUMBER: a number
 * @AUGUR_PARAM_INT_RANGE: `[lo, hi]`, integers, lo <= hi
 * @AUGUR_PARAM_RANGE: `[lo, hi]`, numbers, lo <= hi
 * @AUGUR_PARAM_XY_RANGE: `{"x": [lo, hi], "y": [lo, hi]}` (Affine's scale,
 *   translate and shear); a single range or number is accepted for both axes
 * @AUGUR_PARAM_SIZE: `[height, width]`, integers
 * @AUGUR_PARAM_ENUM: one of the spec's nicks, by string
 * @AUGUR_PARAM_FILL: a number (every channel), a list of per-channel numbers,
 *   or one of the spec's nicks (`"random"`, ...)
 *
 * Where the parameter stands in the #AugurValue:
 * BOOL, INT, NUMBER in v[0]; ranges in v[0], v[1]; XY_RANGE as x lo, x hi,
 * y lo, y hi in v[0..3]; SIZE as height, width in v[0], v[1]; ENUM in nick;
 * FILL as n numbers in v[0..n-1] with nick -1, or a nick.
 */
typedef enum
{
  AUGUR_PARAM_BOOL,
  AUGUR_PARAM_INT,
  AUGUR_PARAM_NUMBER,
  AUGUR_PARAM_INT_RANGE,
  AUGUR_PARAM_RANGE,
  AUGUR_PARAM_XY_RANGE,
  AUGUR_PARAM_SIZE,
  AUGUR_PARAM_ENUM,
  AUGUR_PARAM_FILL,
} AugurParamType;

typedef enum
{
  AUGUR_PARAM_NULLABLE         = 1 << 0, /* JSON null means "not set" */
  AUGUR_PARAM_SYMMETRIC        = 1 << 1, /* a range given as one number x reads as [-x, x] */
  AUGUR_PARAM_PIXELS_IF_INT    = 1 << 2, /* a range of JSON integers is in pixels, of
                                          * numbers a fraction of the image side */
  AUGUR_PARAM_ALLOW_REVERSED   = 1 << 3, /* lo > hi is meaningful (not refused) */
} AugurParamFlags;

typedef struct
{
  double   v[4];
  gint8    n;        /* FILL: how many numbers (1..4) */
  gint8    nick;     /* ENUM: index into nicks; FILL: a named fill, or -1 */
  gboolean is_null;  /* NULLABLE parameters only */
  gboolean integers; /* PIXELS_IF_INT: written and read as integers (pixels) */
} AugurValue;

/**
 * AugurParamSpec:
 *
 * One parameter of a transform, declared once: the recipe reader validates
 * against it, the GUI builds its control from it, the CLI describes it and
 * the exporters map it. `min`/`max` are hard limits, refused beyond;
 * `ui_min`/`ui_max` the narrower range a slider offers.
 *
 * Whether the parameter matters under the others' current values, as data
 * (augur_param_is_relevant()): when @relevant_if names another parameter
 * of the same transform, this one takes effect only while that one holds
 * one of @relevant_nicks (an ENUM or FILL nick), or, with @relevant_nicks
 * NULL, while that boolean is true; @relevant_unless inverts the test. The
 * editor hides what does not take effect (a border's fill under a
 * reflecting border).
 *
 * @zero_text: what a value of exactly 0 means, shown instead of "0"
 * ("auto": a kernel size computed from sigma).
 */
typedef struct
{
  const char        *name;
  const char        *label;
  const char        *description;
  AugurParamType     type;
  guint              flags;
  double             min;
  double             max;
  double             ui_min;
  double             ui_max;
  double             step;
  double             def[4];
  int                def_nick;
  gboolean           def_null;
  const char *const *nicks;

  const char        *relevant_if;
  const char *const *relevant_nicks;
  gboolean           relevant_unless;
  const char        *zero_text;
} AugurParamSpec;

const char *augur_param_type_name     (AugurParamType         type);
void        augur_param_default       (const AugurParamSpec  *spec,
                                       AugurValue            *value);
gboolean    augur_param_check         (const AugurParamSpec  *spec,
                                       const AugurValue      *value,
                                       GError               **error);
gboolean    augur_param_from_json     (const AugurParamSpec  *spec,
                                       JsonNode              *node,
                                       AugurValue            *value,
                                       GError               **error);
JsonNode   *augur_param_to_json       (const AugurParamSpec  *spec,
                                       const AugurValue      *value);
JsonNode   *augur_param_default_json  (const AugurParamSpec  *spec);
gboolean    augur_param_equal         (const AugurParamSpec  *spec,
                                       const AugurValue      *a,
                                       const AugurValue      *b);
int         augur_param_nick_index    (const AugurParamSpec  *spec,
                                       const char            *nick);
guint       augur_param_n_values      (const AugurParamSpec  *spec);
gboolean    augur_param_is_range      (const AugurParamSpec  *spec);
char       *augur_param_describe_relevance (const AugurParamSpec *spec);
gboolean    augur_param_is_relevant   (const AugurParamSpec  *specs,
                                       guint                  n_specs,
                                       const AugurValue      *values,
                                       guint                  index);

G_END_DECLS
