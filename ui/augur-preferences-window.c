/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "augur-preferences-window.h"

struct _AugurPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwComboRow          *grid_row;
  GtkSpinButton        *preview_size_spin;
  GtkSpinButton        *threads_spin;

  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (AugurPreferencesWindow, augur_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const guint grid_sizes[] = { 1, 4, 9, 16 };

/* grid-size (1, 4, 9, 16) <-> the combo row's position (0..3) */
static gboolean
grid_get_mapping (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  guint n = g_variant_get_uint32 (variant);
  guint position = 0;

  for (guint i = 0; i < G_N_ELEMENTS (grid_sizes); i++)
    if (n >= grid_sizes[i])
      position = i;
  g_value_set_uint (value, position);
  return TRUE;
}

static GVariant *
grid_set_mapping (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  guint position = g_value_get_uint (value);

  if (position >= G_N_ELEMENTS (grid_sizes))
    return NULL;
  return g_variant_new_uint32 (grid_sizes[position]);
}

/* 0 worker threads means one per processor: say so in the field. */
static gboolean
threads_output (GtkSpinButton *spin,
                gpointer       user_data)
{
  double value = gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin));
  g_autofree char *text = NULL;

  text = value < 0.5 ? g_strdup (_("Auto")) : g_strdup_printf ("%.0f", value);
  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static int
threads_input (GtkSpinButton *spin,
               double        *new_value,
               gpointer       user_data)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  char *end = NULL;
  double value;

  if (g_ascii_strcasecmp (text, _("Auto")) == 0 || g_ascii_strcasecmp (text, "Auto") == 0)
    {
      *new_value = 0;
      return TRUE;
    }
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0')
    return GTK_INPUT_ERROR;
  *new_value = value;
  return TRUE;
}

static void
augur_preferences_window_dispose (GObject *object)
{
  AugurPreferencesWindow *self = AUGUR_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AUGUR_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (augur_preferences_window_parent_class)->dispose (object);
}

static void
augur_preferences_window_class_init (AugurPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = augur_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/augur/Augur/augur-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AugurPreferencesWindow, grid_row);
  gtk_widget_class_bind_template_child (widget_class, AugurPreferencesWindow, preview_size_spin);
  gtk_widget_class_bind_template_child (widget_class, AugurPreferencesWindow, threads_spin);
}

static void
augur_preferences_window_init (AugurPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->threads_spin, "output", G_CALLBACK (threads_output), NULL);
  g_signal_connect (self->threads_spin, "input", G_CALLBACK (threads_input), NULL);
  /* room for "Auto" */
  gtk_editable_set_width_chars (GTK_EDITABLE (self->threads_spin), 4);
}

GtkWidget *
augur_preferences_window_new (GSettings *settings)
{
  AugurPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (AUGUR_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind_with_mapping (settings, "grid-size", self->grid_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                grid_get_mapping, grid_set_mapping, NULL, NULL);
  g_settings_bind (settings, "preview-size",
                   gtk_spin_button_get_adjustment (self->preview_size_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "worker-threads",
                   gtk_spin_button_get_adjustment (self->threads_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  return GTK_WIDGET (self);
}
