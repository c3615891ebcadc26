/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-sample-strip"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "augur-sample-strip.h"

#define THUMB_WIDTH  160
#define THUMB_HEIGHT 112

struct _AugurSampleStrip
{
  GtkWidget           parent_instance;

  GtkStack           *stack;
  GtkListView        *list_view;
  GtkLabel           *count_label;

  GtkSingleSelection *selection;

  AugurSampleTagFunc  tag_func;
  gpointer            tag_data;
  GDestroyNotify      tag_destroy;
  GHashTable         *bound;  /* row → its sample, for the rows on screen */
};

G_DEFINE_FINAL_TYPE (AugurSampleStrip, augur_sample_strip, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_row (AugurSample *sample,
            GParamSpec  *pspec,
            GtkWidget   *row)
{
  GtkPicture *picture = g_object_get_data (G_OBJECT (row), "picture");
  GtkLabel *label = g_object_get_data (G_OBJECT (row), "label");
  GtkWidget *status = g_object_get_data (G_OBJECT (row), "status");
  GtkWidget *tag = g_object_get_data (G_OBJECT (row), "tag");
  AugurSampleStrip *strip = g_object_get_data (G_OBJECT (row), "strip");
  g_autofree char *error = NULL;
  gboolean loaded = FALSE;

  g_object_get (sample, "loaded", &loaded, "error", &error, NULL);

  gtk_label_set_label (label, augur_sample_get_name (sample));
  if (error != NULL)
    {
      g_autofree char *tip = g_strdup_printf (_("“%s” cannot be opened: %s"),
                                              augur_sample_get_name (sample), error);

      gtk_widget_set_tooltip_text (row, tip);
    }
  else
    gtk_widget_set_tooltip_text (row, augur_sample_get_name (sample));
  gtk_picture_set_paintable (picture,
                             loaded ? GDK_PAINTABLE (augur_sample_get_thumbnail (sample)) : NULL);

  /* A broken image: a warning sign in the error colour, not a grey
   * minus that reads as a remove button. */
  if (error != NULL)
    {
      gtk_image_set_from_icon_name (GTK_IMAGE (status), "dialog-warning-symbolic");
      gtk_widget_remove_css_class (status, "dim-label");
      gtk_widget_add_css_class (status, "error");
      gtk_widget_set_visible (status, TRUE);
    }
  else if (!loaded)
    {
      gtk_image_set_from_icon_name (GTK_IMAGE (status), "content-loading-symbolic");
      gtk_widget_remove_css_class (status, "error");
      gtk_widget_add_css_class (status, "dim-label");
      gtk_widget_set_visible (status, TRUE);
    }
  else
    gtk_widget_set_visible (status, FALSE);

  gtk_widget_set_visible (tag, strip != NULL && strip->tag_func != NULL &&
                               strip->tag_func (sample, strip->tag_data));
}

static void
setup_item (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *frame = gtk_overlay_new ();
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *status = gtk_image_new ();
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *tag = gtk_image_new_from_icon_name ("user-bookmarks-symbolic");

  gtk_widget_add_css_class (row, "sample-row");
  gtk_widget_set_margin_top (row, 4);
  gtk_widget_set_margin_bottom (row, 4);

  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_set_size_request (picture, THUMB_WIDTH, THUMB_HEIGHT);
  gtk_widget_add_css_class (picture, "sample-thumbnail");
  gtk_overlay_set_child (GTK_OVERLAY (frame), picture);

  gtk_image_set_pixel_size (GTK_IMAGE (status), 32);
  gtk_widget_set_halign (status, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (status, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_overlay_add_overlay (GTK_OVERLAY (frame), status);

  /* the sample has labels: a small mark in the thumbnail's corner */
  gtk_widget_set_halign (tag, GTK_ALIGN_END);
  gtk_widget_set_valign (tag, GTK_ALIGN_START);
  gtk_widget_set_margin_end (tag, 2);
  gtk_widget_set_margin_top (tag, 2);
  gtk_widget_add_css_class (tag, "osd");
  gtk_widget_set_tooltip_text (tag, _("Has labels"));
  gtk_widget_set_visible (tag, FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (frame), tag);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 18);
  gtk_widget_add_css_class (label, "caption");

  gtk_box_append (GTK_BOX (row), frame);
  gtk_box_append (GTK_BOX (row), label);

  g_object_set_data (G_OBJECT (row), "picture", picture);
  g_object_set_data (G_OBJECT (row), "label", label);
  g_object_set_data (G_OBJECT (row), "status", status);
  g_object_set_data (G_OBJECT (row), "tag", tag);
  g_object_set_data (G_OBJECT (row), "strip", user_data);
  gtk_list_item_set_child (item, row);
}

static void
bind_item (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  AugurSample *sample = gtk_list_item_get_item (item);
  GtkWidget *row = gtk_list_item_get_child (item);

  g_signal_connect_object (sample, "notify::loaded", G_CALLBACK (update_row), row, 0);
  g_signal_connect_object (sample, "notify::error", G_CALLBACK (update_row), row, 0);
  g_hash_table_insert (((AugurSampleStrip *) user_data)->bound, row, sample);
  update_row (sample, NULL, row);
}

static void
unbind_item (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  AugurSample *sample = gtk_list_item_get_item (item);
  GtkWidget *row = gtk_list_item_get_child (item);

  if (((AugurSampleStrip *) user_data)->bound != NULL)
    g_hash_table_remove (((AugurSampleStrip *) user_data)->bound, row);
  if (sample != NULL)
    g_signal_handlers_disconnect_by_func (sample, update_row, row);
}

static void
update_count (AugurSampleStrip *self)
{
  GListModel *model = gtk_single_selection_get_model (self->selection);
  guint n = model != NULL ? g_list_model_get_n_items (model) : 0;
  g_autofree char *text = NULL;

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
  text = g_strdup_printf (g_dngettext (NULL, "%u sample", "%u samples", n), n);
  gtk_label_set_label (self->count_label, n > 0 ? text : "");
}

static void
on_items_changed (GListModel       *model,
                  guint             position,
                  guint             removed,
                  guint             added,
                  AugurSampleStrip *self)
{
  update_count (self);
}

static void
on_selected_changed (AugurSampleStrip *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

/**
 * augur_sample_strip_set_tag_func:
 * @func: (nullable): whether a sample has labels; NULL: none is marked
 *
 * Marks the samples that have labels with a small tag in their
 * thumbnail's corner. Call again (with the same function) when the answer
 * changes, e.g. when another label file is opened.
 */
void
augur_sample_strip_set_tag_func (AugurSampleStrip   *self,
                                 AugurSampleTagFunc  func,
                                 gpointer            user_data,
                                 GDestroyNotify      destroy)
{
  GHashTableIter iter;
  gpointer row, sample;

  g_return_if_fail (AUGUR_IS_SAMPLE_STRIP (self));

  if (self->tag_destroy)
    self->tag_destroy (self->tag_data);
  self->tag_func = func;
  self->tag_data = user_data;
  self->tag_destroy = destroy;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &row, &sample))
    update_row (sample, NULL, row);
}

/* Whether @sample's row shows the tag: for tests. */
gboolean
augur_sample_strip_get_tagged (AugurSampleStrip *self,
                               AugurSample      *sample)
{
  g_return_val_if_fail (AUGUR_IS_SAMPLE_STRIP (self), FALSE);
  return self->tag_func != NULL && self->tag_func (sample, self->tag_data);
}

GtkWidget *
augur_sample_strip_new (void)
{
  return g_object_new (AUGUR_TYPE_SAMPLE_STRIP, NULL);
}

void
augur_sample_strip_set_model (AugurSampleStrip *self,
                              GListModel       *samples)
{
  GListModel *old;

  g_return_if_fail (AUGUR_IS_SAMPLE_STRIP (self));

  old = gtk_single_selection_get_model (self->selection);
  if (old != NULL)
    g_signal_handlers_disconnect_by_func (old, on_items_changed, self);
  gtk_single_selection_set_model (self->selection, samples);
  if (samples != NULL)
    g_signal_connect_object (samples, "items-changed", G_CALLBACK (on_items_changed), self,
                             G_CONNECT_AFTER);
  update_count (self);
}

AugurSample *
augur_sample_strip_get_selected (AugurSampleStrip *self)
{
  g_return_val_if_fail (AUGUR_IS_SAMPLE_STRIP (self), NULL);

  return gtk_single_selection_get_selected_item (self->selection);
}

guint
augur_sample_strip_get_selected_position (AugurSampleStrip *self)
{
  g_return_val_if_fail (AUGUR_IS_SAMPLE_STRIP (self), GTK_INVALID_LIST_POSITION);

  return gtk_single_selection_get_selected (self->selection);
}

void
augur_sample_strip_select (AugurSampleStrip *self,
                           guint             position)
{
  g_return_if_fail (AUGUR_IS_SAMPLE_STRIP (self));

  gtk_single_selection_set_selected (self->selection, position);
}

static void
augur_sample_strip_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AugurSampleStrip *self = AUGUR_SAMPLE_STRIP (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_object (value, augur_sample_strip_get_selected (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
augur_sample_strip_dispose (GObject *object)
{
  AugurSampleStrip *self = AUGUR_SAMPLE_STRIP (object);
  GListModel *model = self->selection ? gtk_single_selection_get_model (self->selection) : NULL;
  GtkWidget *child;

  if (model != NULL)
    g_signal_handlers_disconnect_by_func (model, on_items_changed, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), AUGUR_TYPE_SAMPLE_STRIP);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  if (self->tag_destroy)
    self->tag_destroy (g_steal_pointer (&self->tag_data));
  self->tag_func = NULL;
  self->tag_destroy = NULL;
  g_clear_pointer (&self->bound, g_hash_table_unref);

  G_OBJECT_CLASS (augur_sample_strip_parent_class)->dispose (object);
}

static void
augur_sample_strip_class_init (AugurSampleStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = augur_sample_strip_get_property;
  object_class->dispose = augur_sample_strip_dispose;

  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL, AUGUR_TYPE_SAMPLE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/augur/Augur/augur-sample-strip.ui");
  gtk_widget_class_bind_template_child (widget_class, AugurSampleStrip, stack);
  gtk_widget_class_bind_template_child (widget_class, AugurSampleStrip, list_view);
  gtk_widget_class_bind_template_child (widget_class, AugurSampleStrip, count_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "augur-sample-strip");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0,
                                       "win.remove-sample", NULL);
}

static void
augur_sample_strip_init (AugurSampleStrip *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->bound = g_hash_table_new (NULL, NULL);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_item), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_item), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_item), self);
  gtk_list_view_set_factory (self->list_view, factory);

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (on_selected_changed), self);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  update_count (self);
}
