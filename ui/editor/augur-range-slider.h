/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AUGUR_TYPE_RANGE_SLIDER (augur_range_slider_get_type ())
G_DECLARE_FINAL_TYPE (AugurRangeSlider, augur_range_slider, AUGUR, RANGE_SLIDER, GtkWidget)

typedef enum
{
  AUGUR_RANGE_SLIDER_LOWER,
  AUGUR_RANGE_SLIDER_UPPER,
} AugurRangeSliderHandle;

GtkWidget *augur_range_slider_new            (double            min,
                                              double            max,
                                              double            step);
void       augur_range_slider_set_limits     (AugurRangeSlider *self,
                                              double            min,
                                              double            max);
double     augur_range_slider_get_min        (AugurRangeSlider *self);
double     augur_range_slider_get_max        (AugurRangeSlider *self);
void       augur_range_slider_set_step       (AugurRangeSlider *self,
                                              double            step);
double     augur_range_slider_get_step       (AugurRangeSlider *self);
/* Programmatic changes notify the properties but never emit ::value-changed,
 * which is kept for changes made by the user. */
void       augur_range_slider_set_values     (AugurRangeSlider *self,
                                              double            lower,
                                              double            upper);
double     augur_range_slider_get_lower      (AugurRangeSlider *self);
double     augur_range_slider_get_upper      (AugurRangeSlider *self);
void       augur_range_slider_set_active_handle (AugurRangeSlider      *self,
                                                 AugurRangeSliderHandle handle);
AugurRangeSliderHandle
           augur_range_slider_get_active_handle (AugurRangeSlider *self);
/* The key handling of the widget, as a user pressing @keyval would get it;
 * returns TRUE when the key was used. */
gboolean   augur_range_slider_handle_key     (AugurRangeSlider *self,
                                              guint             keyval,
                                              GdkModifierType   state);
/* TRUE between the press and the release of a pointer drag. */
gboolean   augur_range_slider_is_dragging    (AugurRangeSlider *self);

G_END_DECLS
