/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AUGUR_TYPE_PREFERENCES_WINDOW (augur_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (AugurPreferencesWindow, augur_preferences_window, AUGUR, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *augur_preferences_window_new (GSettings *settings);

G_END_DECLS
