/* bench-chart.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "bench-chart-private.h"
#include "bench-error.h"

/**
 * BenchChart:
 *
 * A chart independent of where its data came from: a kind, titles, axes,
 * categories, series and (for rooflines) device ceilings. Render it on any
 * cairo_t (the app's widget, an export surface), export it to PNG, SVG or
 * PDF, and map a position back to the nearest datum with
 * bench_chart_hit_test(). The geometry of the last size is cached, so
 * repeated renders at one size only draw.
 */

G_DEFINE_FINAL_TYPE (BenchChart, bench_chart, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (BenchChartKind, bench_chart_kind,
  G_DEFINE_ENUM_VALUE (BENCH_CHART_KIND_BAR, "bar"),
  G_DEFINE_ENUM_VALUE (BENCH_CHART_KIND_LINE, "line"),
  G_DEFINE_ENUM_VALUE (BENCH_CHART_KIND_SCATTER, "scatter"),
  G_DEFINE_ENUM_VALUE (BENCH_CHART_KIND_HEATMAP, "heatmap"),
  G_DEFINE_ENUM_VALUE (BENCH_CHART_KIND_RADAR, "radar"),
  G_DEFINE_ENUM_VALUE (BENCH_CHART_KIND_BOX, "box"),
  G_DEFINE_ENUM_VALUE (BENCH_CHART_KIND_STACKED, "stacked"),
  G_DEFINE_ENUM_VALUE (BENCH_CHART_KIND_PERCENTILES, "percentiles"),
  G_DEFINE_ENUM_VALUE (BENCH_CHART_KIND_ROOFLINE, "roofline"))

G_DEFINE_ENUM_TYPE (BenchChartTheme, bench_chart_theme,
  G_DEFINE_ENUM_VALUE (BENCH_CHART_THEME_LIGHT, "light"),
  G_DEFINE_ENUM_VALUE (BENCH_CHART_THEME_DARK, "dark"))

enum {
  PROP_0,
  PROP_KIND,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_THEME,
  PROP_LOG_X,
  PROP_LOG_Y,
  PROP_SHOW_LEGEND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *kind_names[BENCH_CHART_N_KINDS] = {
  "bar", "line", "scatter", "heatmap", "radar", "box", "stacked", "percentiles", "roofline",
};

const char *
bench_chart_kind_to_string (BenchChartKind kind)
{
  if ((guint) kind >= BENCH_CHART_N_KINDS)
    return NULL;
  return kind_names[kind];
}

gboolean
bench_chart_kind_from_string (const char     *str,
                              BenchChartKind *kind)
{
  for (guint i = 0; i < BENCH_CHART_N_KINDS; i++)
    if (g_strcmp0 (str, kind_names[i]) == 0)
      {
        if (kind != NULL)
          *kind = i;
        return TRUE;
      }
  return FALSE;
}

BenchChartFormat
bench_chart_format_from_path (const char *path)
{
  const char *dot = path ? strrchr (path, '.') : NULL;

  if (dot == NULL)
    return BENCH_CHART_FORMAT_AUTO;
  if (g_ascii_strcasecmp (dot, ".png") == 0)
    return BENCH_CHART_FORMAT_PNG;
  if (g_ascii_strcasecmp (dot, ".svg") == 0)
    return BENCH_CHART_FORMAT_SVG;
  if (g_ascii_strcasecmp (dot, ".pdf") == 0)
    return BENCH_CHART_FORMAT_PDF;
  return BENCH_CHART_FORMAT_AUTO;
}

/* g_set_str() is GLib 2.76; we target 2.74. */
static gboolean
set_str (char       **dest,
         const char  *value)
{
  if (g_strcmp0 (*dest, value) == 0)
    return FALSE;
  g_free (*dest);
  *dest = g_strdup (value);
  return TRUE;
}

static void
clear_ceiling (gpointer data)
{
  BenchChartCeiling *c = data;

  g_free (c->name);
  g_free (c->color_key);
}

void
bench_chart_invalidate (BenchChart *self)
{
  self->generation++;
}

static void
bench_chart_finalize (GObject *object)
{
  BenchChart *self = (BenchChart *) object;

  g_free (self->title);
  g_free (self->subtitle);
  g_free (self->x_title);
  g_free (self->x_unit);
  g_free (self->y_title);
  g_free (self->y_unit);
  g_free (self->empty_message);
  g_clear_pointer (&self->categories, g_ptr_array_unref);
  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_clear_pointer (&self->ceilings, g_array_unref);
  g_clear_pointer (&self->notes, g_ptr_array_unref);
  g_clear_pointer (&self->layout, bench_chart_layout_free);

  G_OBJECT_CLASS (bench_chart_parent_class)->finalize (object);
}

static void
bench_chart_dispose (GObject *object)
{
  BenchChart *self = (BenchChart *) object;

  g_clear_object (&self->pango);

  G_OBJECT_CLASS (bench_chart_parent_class)->dispose (object);
}

static void
bench_chart_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  BenchChart *self = BENCH_CHART (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, self->subtitle);
      break;
    case PROP_THEME:
      g_value_set_enum (value, self->theme);
      break;
    case PROP_LOG_X:
      g_value_set_boolean (value, self->log_x);
      break;
    case PROP_LOG_Y:
      g_value_set_boolean (value, self->log_y);
      break;
    case PROP_SHOW_LEGEND:
      g_value_set_boolean (value, self->show_legend);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bench_chart_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  BenchChart *self = BENCH_CHART (object);

  switch (prop_id)
    {
    case PROP_KIND:
      bench_chart_set_kind (self, g_value_get_enum (value));
      break;
    case PROP_TITLE:
      bench_chart_set_title (self, g_value_get_string (value));
      break;
    case PROP_SUBTITLE:
      bench_chart_set_subtitle (self, g_value_get_string (value));
      break;
    case PROP_THEME:
      bench_chart_set_theme (self, g_value_get_enum (value));
      break;
    case PROP_LOG_X:
      bench_chart_set_log_x (self, g_value_get_boolean (value));
      break;
    case PROP_LOG_Y:
      bench_chart_set_log_y (self, g_value_get_boolean (value));
      break;
    case PROP_SHOW_LEGEND:
      bench_chart_set_show_legend (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bench_chart_class_init (BenchChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bench_chart_dispose;
  object_class->finalize = bench_chart_finalize;
  object_class->get_property = bench_chart_get_property;
  object_class->set_property = bench_chart_set_property;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       BENCH_TYPE_CHART_KIND, BENCH_CHART_KIND_BAR,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUBTITLE] =
    g_param_spec_string ("subtitle", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_THEME] =
    g_param_spec_enum ("theme", NULL, NULL,
                       BENCH_TYPE_CHART_THEME, BENCH_CHART_THEME_LIGHT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOG_X] =
    g_param_spec_boolean ("log-x", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOG_Y] =
    g_param_spec_boolean ("log-y", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_LEGEND] =
    g_param_spec_boolean ("show-legend", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bench_chart_init (BenchChart *self)
{
  self->show_legend = TRUE;
  self->categories = g_ptr_array_new_with_free_func (g_free);
  self->series = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_chart_series_unref);
  self->ceilings = g_array_new (FALSE, TRUE, sizeof (BenchChartCeiling));
  g_array_set_clear_func (self->ceilings, clear_ceiling);
  self->notes = g_ptr_array_new_with_free_func (g_free);
}

BenchChart *
bench_chart_new (BenchChartKind kind)
{
  return g_object_new (BENCH_TYPE_CHART, "kind", kind, NULL);
}

BenchChartKind
bench_chart_get_kind (BenchChart *self)
{
  g_return_val_if_fail (BENCH_IS_CHART (self), 0);
  return self->kind;
}

void
bench_chart_set_kind (BenchChart     *self,
                      BenchChartKind  kind)
{
  g_return_if_fail (BENCH_IS_CHART (self));
  g_return_if_fail ((guint) kind < BENCH_CHART_N_KINDS);

  if (self->kind == kind)
    return;
  self->kind = kind;
  bench_chart_invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

const char *
bench_chart_get_title (BenchChart *self)
{
  g_return_val_if_fail (BENCH_IS_CHART (self), NULL);
  return self->title;
}

void
bench_chart_set_title (BenchChart *self,
                       const char *title)
{
  g_return_if_fail (BENCH_IS_CHART (self));

  if (set_str (&self->title, title))
    {
      bench_chart_invalidate (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
}

const char *
bench_chart_get_subtitle (BenchChart *self)
{
  g_return_val_if_fail (BENCH_IS_CHART (self), NULL);
  return self->subtitle;
}

void
bench_chart_set_subtitle (BenchChart *self,
                          const char *subtitle)
{
  g_return_if_fail (BENCH_IS_CHART (self));

  if (set_str (&self->subtitle, subtitle))
    {
      bench_chart_invalidate (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBTITLE]);
    }
}

BenchChartTheme
bench_chart_get_theme (BenchChart *self)
{
  g_return_val_if_fail (BENCH_IS_CHART (self), 0);
  return self->theme;
}

void
bench_chart_set_theme (BenchChart      *self,
                       BenchChartTheme  theme)
{
  g_return_if_fail (BENCH_IS_CHART (self));

  if (self->theme == theme)
    return;
  self->theme = theme;
  bench_chart_invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THEME]);
}

gboolean
bench_chart_get_log_x (BenchChart *self)
{
  g_return_val_if_fail (BENCH_IS_CHART (self), FALSE);
  return self->log_x;
}

void
bench_chart_set_log_x (BenchChart *self,
                       gboolean    log_x)
{
  g_return_if_fail (BENCH_IS_CHART (self));

  log_x = !!log_x;
  if (self->log_x == (guint) log_x)
    return;
  self->log_x = log_x;
  bench_chart_invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_X]);
}

gboolean
bench_chart_get_log_y (BenchChart *self)
{
  g_return_val_if_fail (BENCH_IS_CHART (self), FALSE);
  return self->log_y;
}

void
bench_chart_set_log_y (BenchChart *self,
                       gboolean    log_y)
{
  g_return_if_fail (BENCH_IS_CHART (self));

  log_y = !!log_y;
  if (self->log_y == (guint) log_y)
    return;
  self->log_y = log_y;
  bench_chart_invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_Y]);
}

gboolean
bench_chart_get_show_legend (BenchChart *self)
{
  g_return_val_if_fail (BENCH_IS_CHART (self), FALSE);
  return self->show_legend;
}

void
bench_chart_set_show_legend (BenchChart *self,
                             gboolean    show)
{
  g_return_if_fail (BENCH_IS_CHART (self));

  show = !!show;
  if (self->show_legend == (guint) show)
    return;
  self->show_legend = show;
  bench_chart_invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_LEGEND]);
}

/**
 * bench_chart_set_x_axis:
 * @title: (nullable): "Batch size"
 * @unit: (nullable): "items/s"; shown in the title, "Throughput (items/s)"
 */
void
bench_chart_set_x_axis (BenchChart *self,
                        const char *title,
                        const char *unit)
{
  g_return_if_fail (BENCH_IS_CHART (self));

  set_str (&self->x_title, title);
  set_str (&self->x_unit, unit);
  bench_chart_invalidate (self);
}

void
bench_chart_set_y_axis (BenchChart *self,
                        const char *title,
                        const char *unit)
{
  g_return_if_fail (BENCH_IS_CHART (self));

  set_str (&self->y_title, title);
  set_str (&self->y_unit, unit);
  bench_chart_invalidate (self);
}

const char *
bench_chart_get_x_unit (BenchChart *self)
{
  g_return_val_if_fail (BENCH_IS_CHART (self), NULL);
  return self->x_unit;
}

const char *
bench_chart_get_y_unit (BenchChart *self)
{
  g_return_val_if_fail (BENCH_IS_CHART (self), NULL);
  return self->y_unit;
}

/**
 * bench_chart_set_x_time:
 *
 * Line charts: x values are seconds since the epoch, labelled as dates.
 */
void
bench_chart_set_x_time (BenchChart *self,
                        gboolean    x_is_time)
{
  g_return_if_fail (BENCH_IS_CHART (self));

  self->x_time = !!x_is_time;
  bench_chart_invalidate (self);
}

/**
 * bench_chart_set_x_integer:
 *
 * Linear x axes count things (iterations, batch sizes): ticks fall on
 * whole numbers, never "1.5".
 */
void
bench_chart_set_x_integer (BenchChart *self,
                           gboolean    x_is_integer)
{
  g_return_if_fail (BENCH_IS_CHART (self));

  self->x_integer = !!x_is_integer;
  bench_chart_invalidate (self);
}

guint
bench_chart_add_category (BenchChart *self,
                          const char *name)
{
  g_return_val_if_fail (BENCH_IS_CHART (self), 0);

  g_ptr_array_add (self->categories, g_strdup (name ? name : ""));
  bench_chart_invalidate (self);
  return self->categories->len - 1;
}

guint
bench_chart_get_n_categories (BenchChart *self)
{
  g_return_val_if_fail (BENCH_IS_CHART (self), 0);
  return self->categories->len;
}

const char *
bench_chart_get_category (BenchChart *self,
                          guint       index)
{
  g_return_val_if_fail (BENCH_IS_CHART (self), NULL);
  g_return_val_if_fail (index < self->categories->len, NULL);
  return g_ptr_array_index (self->categories, index);
}

/**
 * bench_chart_add_series:
 * @series: (transfer none): the series; the chart keeps a reference, and
 *   sees later changes to it
 */
void
bench_chart_add_series (BenchChart       *self,
                        BenchChartSeries *series)
{
  g_return_if_fail (BENCH_IS_CHART (self));
  g_return_if_fail (series != NULL);

  g_ptr_array_add (self->series, bench_chart_series_ref (series));
  bench_chart_invalidate (self);
}

guint
bench_chart_get_n_series (BenchChart *self)
{
  g_return_val_if_fail (BENCH_IS_CHART (self), 0);
  return self->series->len;
}

/**
 * bench_chart_get_series:
 *
 * Returns: (transfer none): the series at @index
 */
BenchChartSeries *
bench_chart_get_series (BenchChart *self,
                        guint       index)
{
  g_return_val_if_fail (BENCH_IS_CHART (self), NULL);
  g_return_val_if_fail (index < self->series->len, NULL);
  return g_ptr_array_index (self->series, index);
}

/**
 * bench_chart_add_ceiling:
 * @name: the device
 * @color_key: the colour key of the device's series
 * @peak_gflops: measured peak compute, or NAN when not measured
 * @bandwidth_gbs: measured memory bandwidth, or NAN when not measured
 *
 * A roofline ceiling. Unmeasured ceilings are not drawn; the chart says
 * which are missing.
 */
void
bench_chart_add_ceiling (BenchChart *self,
                         const char *name,
                         const char *color_key,
                         double      peak_gflops,
                         double      bandwidth_gbs)
{
  BenchChartCeiling c;

  g_return_if_fail (BENCH_IS_CHART (self));

  c.name = g_strdup (name ? name : "");
  c.color_key = g_strdup (color_key ? color_key : c.name);
  c.peak_gflops = isfinite (peak_gflops) && peak_gflops > 0 ? peak_gflops : NAN;
  c.bandwidth_gbs = isfinite (bandwidth_gbs) && bandwidth_gbs > 0 ? bandwidth_gbs : NAN;
  g_array_append_val (self->ceilings, c);
  bench_chart_invalidate (self);
}

/**
 * bench_chart_add_note:
 *
 * A line under the chart: what the error bars are, what was left out.
 */
void
bench_chart_add_note (BenchChart *self,
                      const char *note)
{
  g_return_if_fail (BENCH_IS_CHART (self));
  g_return_if_fail (note != NULL);

  g_ptr_array_add (self->notes, g_strdup (note));
  bench_chart_invalidate (self);
}

/**
 * bench_chart_set_pareto:
 * @x_better: which way is better along x
 * @y_better: which way is better along y
 *
 * Scatter charts: draw the front of points that no other point beats on
 * both axes.
 */
void
bench_chart_set_pareto (BenchChart       *self,
                        gboolean          show,
                        BenchChartBetter  x_better,
                        BenchChartBetter  y_better)
{
  g_return_if_fail (BENCH_IS_CHART (self));

  self->show_pareto = !!show;
  self->pareto_x = x_better;
  self->pareto_y = y_better;
  bench_chart_invalidate (self);
}

/**
 * bench_chart_set_empty_message:
 *
 * What the "no data" state says, e.g. which selection matched nothing.
 */
void
bench_chart_set_empty_message (BenchChart *self,
                               const char *message)
{
  g_return_if_fail (BENCH_IS_CHART (self));

  set_str (&self->empty_message, message);
  bench_chart_invalidate (self);
}

/**
 * bench_chart_is_empty:
 *
 * Returns: %TRUE when no series holds a finite value, so the chart will
 *   draw its "no data" state
 */
gboolean
bench_chart_is_empty (BenchChart *self)
{
  g_return_val_if_fail (BENCH_IS_CHART (self), TRUE);

  for (guint i = 0; i < self->series->len; i++)
    {
      BenchChartSeries *s = g_ptr_array_index (self->series, i);

      for (guint j = 0; j < s->n_points; j++)
        {
          guint n = 0;

          if (isfinite (bench_chart_series_y (s, j)))
            return FALSE;
          if (bench_chart_series_get_samples (s, j, &n) != NULL && n > 0)
            return FALSE;
        }
    }
  return TRUE;
}

static const char *
format_name (BenchChartFormat format)
{
  switch (format)
    {
    case BENCH_CHART_FORMAT_PNG: return "PNG";
    case BENCH_CHART_FORMAT_SVG: return "SVG";
    case BENCH_CHART_FORMAT_PDF: return "PDF";
    case BENCH_CHART_FORMAT_AUTO:
    default: return "?";
    }
}

/**
 * bench_chart_export:
 * @path: the file to write
 * @format: the format, or %BENCH_CHART_FORMAT_AUTO for @path's extension
 * @width: width in pixels (SVG: user units; PDF: points)
 * @height: height
 * @scale: pixels per unit for PNG (2 for a HiDPI image); ignored by the
 *   vector formats
 *
 * Draws the chart through Cairo's image, SVG or PDF surface into @path.
 */
gboolean
bench_chart_export (BenchChart        *self,
                    const char        *path,
                    BenchChartFormat   format,
                    double             width,
                    double             height,
                    double             scale,
                    GError           **error)
{
  cairo_surface_t *surface = NULL;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (BENCH_IS_CHART (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (format == BENCH_CHART_FORMAT_AUTO)
    format = bench_chart_format_from_path (path);
  if (format == BENCH_CHART_FORMAT_AUTO)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "Cannot tell the chart format of “%s”: name the file .png, .svg or .pdf",
                   path);
      return FALSE;
    }
  if (!(width >= 16 && width <= 20000 && height >= 16 && height <= 20000))
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "Chart size %g×%g is out of range: width and height must be 16 to 20000",
                   width, height);
      return FALSE;
    }
  if (!(scale >= 0.1 && scale <= 8))
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "Chart scale %g is out of range: use 0.1 to 8", scale);
      return FALSE;
    }

  switch (format)
    {
    case BENCH_CHART_FORMAT_PNG:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                            (int) ceil (width * scale),
                                            (int) ceil (height * scale));
      break;
    case BENCH_CHART_FORMAT_SVG:
      surface = cairo_svg_surface_create (path, width, height);
      if (cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS)
        cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
      scale = 1;
      break;
    case BENCH_CHART_FORMAT_PDF:
      surface = cairo_pdf_surface_create (path, width, height);
      if (cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS && self->title != NULL)
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, self->title);
      scale = 1;
      break;
    case BENCH_CHART_FORMAT_AUTO:
    default:
      g_assert_not_reached ();
    }

  status = cairo_surface_status (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    {
      cr = cairo_create (surface);
      cairo_scale (cr, scale, scale);
      bench_chart_render (self, cr, width, height);
      status = cairo_status (cr);
      cairo_destroy (cr);
    }

  if (status == CAIRO_STATUS_SUCCESS && format == BENCH_CHART_FORMAT_PNG)
    status = cairo_surface_write_to_png (surface, path);

  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_FAILED,
                   "Could not write the %s chart “%s”: %s; check that the folder exists and is writable",
                   format_name (format), path, cairo_status_to_string (status));
      return FALSE;
    }

  return TRUE;
}

/**
 * bench_chart_copy_without_series:
 * @self: a chart
 *
 * A new chart with everything of @self (kind, titles, axes, theme, log
 * flags, categories, ceilings, notes, Pareto front) but no series. The app
 * adds the series it shows: the visible ones, or the points of a zoomed
 * window.
 *
 * Returns: (transfer full): the copy
 */
BenchChart *
bench_chart_copy_without_series (BenchChart *self)
{
  BenchChart *copy;

  g_return_val_if_fail (BENCH_IS_CHART (self), NULL);

  copy = bench_chart_new (self->kind);
  copy->theme = self->theme;
  copy->title = g_strdup (self->title);
  copy->subtitle = g_strdup (self->subtitle);
  copy->x_title = g_strdup (self->x_title);
  copy->x_unit = g_strdup (self->x_unit);
  copy->y_title = g_strdup (self->y_title);
  copy->y_unit = g_strdup (self->y_unit);
  copy->empty_message = g_strdup (self->empty_message);
  copy->log_x = self->log_x;
  copy->log_y = self->log_y;
  copy->x_time = self->x_time;
  copy->x_integer = self->x_integer;
  copy->show_legend = self->show_legend;
  copy->show_pareto = self->show_pareto;
  copy->pareto_x = self->pareto_x;
  copy->pareto_y = self->pareto_y;
  for (guint i = 0; i < self->categories->len; i++)
    g_ptr_array_add (copy->categories, g_strdup (g_ptr_array_index (self->categories, i)));
  for (guint i = 0; i < self->ceilings->len; i++)
    {
      const BenchChartCeiling *c = &g_array_index (self->ceilings, BenchChartCeiling, i);

      bench_chart_add_ceiling (copy, c->name, c->color_key, c->peak_gflops, c->bandwidth_gbs);
    }
  for (guint i = 0; i < self->notes->len; i++)
    g_ptr_array_add (copy->notes, g_strdup (g_ptr_array_index (self->notes, i)));

  return copy;
}
