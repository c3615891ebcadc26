/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * AugurDrawn:
 *
 * The values one transform drew for one application: named numbers and
 * named lists of numbers ("angle", "holes", ...). `sample` fills it,
 * `apply` reads it, and it is written into replays and manifests as a JSON
 * object. Names are interned strings.
 */
#define AUGUR_DRAWN_MAX 16

typedef struct
{
  const char *name;
  guint       offset;
  guint       n;
  gboolean    list;
} AugurDrawnEntry;

typedef struct
{
  guint            n_entries;
  AugurDrawnEntry  entries[AUGUR_DRAWN_MAX];
  GArray          *values; /* double */
} AugurDrawn;

/**
 * AugurDrawnShow:
 * @AUGUR_DRAWN_SHOW_NUMBER: a number: value * scale + offset, then the unit
 * @AUGUR_DRAWN_SHOW_HIDDEN: an internal value (a noise seed) that means
 *   nothing to a user: not shown
 * @AUGUR_DRAWN_SHOW_CHOICE: a whole number naming one of @choices
 * @AUGUR_DRAWN_SHOW_COUNT: a list, shown as how many records it holds
 *   ("3 holes"): its length times @scale (0.25 for records of four
 *   numbers) plus @offset; the unit is the record's name, singular|plural
 * @AUGUR_DRAWN_SHOW_SPAN: a list, shown as its smallest to its largest
 *   value (each scaled as a number)
 */
typedef enum
{
  AUGUR_DRAWN_SHOW_NUMBER,
  AUGUR_DRAWN_SHOW_HIDDEN,
  AUGUR_DRAWN_SHOW_CHOICE,
  AUGUR_DRAWN_SHOW_COUNT,
  AUGUR_DRAWN_SHOW_SPAN,
} AugurDrawnShow;

/**
 * AugurDrawnSpec:
 *
 * What a transform's `sample` writes, declared so that a replay read from a
 * file is checked before `apply` trusts it: each name present, a number or a
 * list, every value finite and within [min, max]. For a list, @list_group
 * (when not 0) is the size of its records: the length must be a multiple
 * of it (4 for boxes of x1, y1, x2, y2); @list_max (when not 0) caps the
 * length.
 *
 * How a person reads the value, declared with it (augur_drawn_format()):
 * @label in the user's terms (NULL: the name), @show, @unit ("px", "°",
 * "%"), the value shown as value * @scale + @offset (@scale 0 means 1),
 * @signed_ to show a "+" on positive values, @zero_text for a value of
 * exactly 0 that means something else ("auto" for a kernel size computed
 * from sigma), and @choices for #AUGUR_DRAWN_SHOW_CHOICE.
 */
typedef struct
{
  const char        *name;
  gboolean           list;
  double             min;
  double             max;
  guint              list_group;
  guint              list_max;

  const char        *label;
  AugurDrawnShow     show;
  const char        *unit;
  double             scale;
  double             offset;
  gboolean           signed_;
  const char        *zero_text;
  const char *const *choices;
} AugurDrawnSpec;

void          augur_drawn_init     (AugurDrawn        *drawn);
void          augur_drawn_clear    (AugurDrawn        *drawn);
void          augur_drawn_copy     (const AugurDrawn  *src,
                                    AugurDrawn        *dest);
void          augur_drawn_set      (AugurDrawn        *drawn,
                                    const char        *name,
                                    double             value);
void          augur_drawn_set_list (AugurDrawn        *drawn,
                                    const char        *name,
                                    const double      *values,
                                    guint              n);
gboolean      augur_drawn_has      (const AugurDrawn  *drawn,
                                    const char        *name);
double        augur_drawn_get      (const AugurDrawn  *drawn,
                                    const char        *name);
const double *augur_drawn_get_list (const AugurDrawn  *drawn,
                                    const char        *name,
                                    guint             *n);
JsonNode     *augur_drawn_to_json  (const AugurDrawn     *drawn,
                                    const AugurDrawnSpec *specs);
gboolean      augur_drawn_from_json(JsonNode          *node,
                                    const AugurDrawnSpec *specs,
                                    AugurDrawn        *drawn,
                                    GError           **error);
char         *augur_drawn_format   (const AugurDrawn     *drawn,
                                    const AugurDrawnSpec *specs);
char         *augur_drawn_describe_specs (const AugurDrawnSpec *specs);

G_END_DECLS
