/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "augur-param.h"

G_BEGIN_DECLS

#define AUGUR_TYPE_PARAM_CONTROL (augur_param_control_get_type ())
G_DECLARE_FINAL_TYPE (AugurParamControl, augur_param_control, AUGUR, PARAM_CONTROL, GtkWidget)

/* The control for one parameter, built from its descriptor. It does not
 * apply anything itself: a user edit emits ::edited with the proposed value
 * (an `AugurValue *`, valid during the emission), and the owner validates it
 * and calls augur_param_control_set_value() with what it kept. */
GtkWidget            *augur_param_control_new       (const AugurParamSpec *spec,
                                                     const AugurValue     *value);
const AugurParamSpec *augur_param_control_get_spec  (AugurParamControl    *self);
const AugurValue     *augur_param_control_get_value (AugurParamControl    *self);
void                  augur_param_control_set_value (AugurParamControl    *self,
                                                     const AugurValue     *value);
/* "reflect_101" → "Reflect 101" */
char                 *augur_param_nick_label        (const char           *nick);
void                  augur_param_control_show_error (AugurParamControl   *self,
                                                      const char          *message);
const char           *augur_param_control_get_error (AugurParamControl    *self);

G_END_DECLS
