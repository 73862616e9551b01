/* bench-chart-render.c: layout, drawing and hit-testing of a BenchChart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layout (text measured, axes and ticks chosen, series colours assigned,
 * decimated lines) is computed once per size and data generation and kept
 * in BenchChartLayout; drawing and hit-testing both read it, so what a
 * tooltip names is what was drawn there.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench-chart-private.h"
#include "bench-stats.h"

#define MARGIN          16.0
#define FONT_FAMILY     "Sans"
#define MARKER_RADIUS   3.5
#define SCATTER_RADIUS  3.0
/* Above this many points a scatter is rasterised (with per-pixel density)
 * instead of drawn as one vector path per marker. */
#define VECTOR_POINTS_MAX 4000
#define HIT_RADIUS      14.0

typedef enum
{
  FONT_TITLE,
  FONT_SUBTITLE,
  FONT_AXIS_TITLE,
  FONT_TICK,
  FONT_LEGEND,
  FONT_NOTE,
  FONT_VALUE,
  FONT_EMPTY,
  N_FONTS
} FontRole;

static const struct
{
  double      size;
  PangoWeight weight;
} fonts[N_FONTS] = {
  [FONT_TITLE] = { 16.0, PANGO_WEIGHT_BOLD },
  [FONT_SUBTITLE] = { 12.0, PANGO_WEIGHT_NORMAL },
  [FONT_AXIS_TITLE] = { 11.5, PANGO_WEIGHT_NORMAL },
  [FONT_TICK] = { 10.5, PANGO_WEIGHT_NORMAL },
  [FONT_LEGEND] = { 11.0, PANGO_WEIGHT_NORMAL },
  [FONT_NOTE] = { 10.0, PANGO_WEIGHT_NORMAL },
  [FONT_VALUE] = { 10.0, PANGO_WEIGHT_NORMAL },
  [FONT_EMPTY] = { 15.0, PANGO_WEIGHT_BOLD },
};

typedef struct
{
  double x, y, w, h;
} Rect;

typedef struct
{
  gboolean         log;
  gboolean         time;
  gboolean         integer;   /* linear ticks on whole numbers only */
  gboolean         category;
  double           min, max;    /* domain */
  double           lmin, lmax;  /* log10 of the domain on log axes */
  double           p0, p1;      /* positions of min and max */
  BenchChartTicks  ticks;
  GPtrArray       *labels;      /* PangoLayout per tick */
  double           label_w;     /* widest label */
  double           label_h;
  double           factor;        /* tick labels show value * factor (time units) */
} Axis;

typedef struct
{
  int           series;         /* -1: the Pareto front */
  double        x, y;
  PangoLayout  *text;
} LegendItem;

typedef struct
{
  guint series;
  guint index;
} PointRef;

struct _BenchChartLayout
{
  double        width, height;
  guint         key;
  gboolean      empty;
  gboolean      cartesian;
  const BenchChartThemeColors *colors;

  PangoLayout  *title;
  PangoLayout  *subtitle;
  double        title_y, subtitle_y;
  PangoLayout  *empty_title;
  PangoLayout  *empty_text;
  GArray       *legend;         /* LegendItem */
  PangoLayout  *legend_more;
  double        legend_more_x, legend_more_y;
  GPtrArray    *notes;          /* PangoLayout */
  double        notes_y;

  Rect          plot;
  Axis          x, y;
  PangoLayout  *x_title;
  PangoLayout  *y_title;

  /* category axes and heatmap columns */
  guint         n_cat;
  double        slot;
  gboolean      cat_rotated;
  guint         cat_every;
  GPtrArray    *cat_labels;     /* PangoLayout */
  double        cat_label_h;

  /* series styles */
  BenchChartRgb *rgb;
  guint         *shape;
  BenchChartRgb *ceiling_rgb;
  GPtrArray     *ceiling_labels; /* PangoLayout, two per ceiling (compute, memory) */
  guint          n_visible;      /* series that take a slot in a group */
  int           *group_pos;      /* position of each series in a group, -1 if none */

  /* heatmap */
  double        vmin, vmax;
  gboolean      vlog;
  Rect          colorbar;
  BenchChartTicks cb_ticks;
  GPtrArray    *cb_labels;
  GPtrArray    *row_labels;
  double        row_label_w;

  /* radar */
  double        cx, cy, radius;
  GPtrArray    *spoke_labels;

  /* decimated lines: per series a GArray of pixel (x, y) pairs, or NULL */
  GPtrArray    *lines;

  /* Pareto front: (series, index) pairs in front order */
  GArray       *pareto;

  /* hit-test grid of point charts: items of cell c are
   * grid_items[grid_start[c] .. grid_start[c + 1]) */
  guint32      *grid_start;
  PointRef     *grid_items;
  int           grid_cols, grid_rows;

  /* rasterised dense scatter, cached for one device scale */
  cairo_surface_t *raster;
  double        raster_scale;
};

/* ------------------------------------------------------------------ */
/* text                                                               */

static PangoContext *
get_pango_context (BenchChart *self)
{
  if (self->pango == NULL)
    {
      cairo_font_options_t *options = cairo_font_options_create ();

      /* Unhinted metrics: the same layout on screen, in PNG, SVG and PDF,
       * at any scale. */
      cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
      cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
      cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
      self->pango = pango_font_map_create_context (pango_cairo_font_map_get_default ());
      pango_cairo_context_set_font_options (self->pango, options);
      pango_context_set_round_glyph_positions (self->pango, FALSE);
      cairo_font_options_destroy (options);
    }
  return self->pango;
}

static PangoLayout *
text_new (BenchChart *self,
          FontRole    role,
          const char *text)
{
  PangoLayout *layout = pango_layout_new (get_pango_context (self));
  PangoFontDescription *desc = pango_font_description_from_string (FONT_FAMILY);

  pango_font_description_set_absolute_size (desc, fonts[role].size * PANGO_SCALE);
  pango_font_description_set_weight (desc, fonts[role].weight);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text ? text : "", -1);
  pango_font_description_free (desc);

  return layout;
}

static void
text_size (PangoLayout *layout,
           double      *w,
           double      *h)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  if (w)
    *w = logical.width / (double) PANGO_SCALE;
  if (h)
    *h = logical.height / (double) PANGO_SCALE;
}

static double
text_width (PangoLayout *layout)
{
  double w;

  text_size (layout, &w, NULL);
  return w;
}

static double
text_height (PangoLayout *layout)
{
  double h;

  text_size (layout, NULL, &h);
  return h;
}

static void
limit_width (PangoLayout *layout,
             double       width)
{
  pango_layout_set_width (layout, (int) (MAX (width, 8) * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
}

static void
set_rgb (cairo_t       *cr,
         BenchChartRgb  c)
{
  cairo_set_source_rgb (cr, c.r, c.g, c.b);
}

static void
set_rgba (cairo_t       *cr,
          BenchChartRgb  c,
          double         a)
{
  cairo_set_source_rgba (cr, c.r, c.g, c.b, a);
}

/* Draws @layout with its (ax, ay) fraction of its box at (x, y): (0, 0)
 * top-left, (0.5, 0.5) centre, (1, 0.5) right-middle. The logical
 * rectangle's offset counts: centred and wrapped layouts start inside
 * their set width. */
static void
draw_text_rotated (cairo_t       *cr,
                   PangoLayout   *layout,
                   double         x,
                   double         y,
                   double         angle,
                   double         ax,
                   double         ay,
                   BenchChartRgb  color)
{
  PangoRectangle lg;
  double w, h;

  if (layout == NULL)
    return;
  pango_layout_get_extents (layout, NULL, &lg);
  w = lg.width / (double) PANGO_SCALE;
  h = lg.height / (double) PANGO_SCALE;
  cairo_save (cr);
  cairo_translate (cr, x, y);
  if (angle != 0)
    cairo_rotate (cr, angle);
  set_rgb (cr, color);
  cairo_move_to (cr, -ax * w - lg.x / (double) PANGO_SCALE, -ay * h - lg.y / (double) PANGO_SCALE);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
}

static void
draw_text (cairo_t       *cr,
           PangoLayout   *layout,
           double         x,
           double         y,
           double         ax,
           double         ay,
           BenchChartRgb  color)
{
  draw_text_rotated (cr, layout, x, y, 0, ax, ay, color);
}

static char *
axis_title_text (const char *title,
                 const char *unit)
{
  if (title == NULL || *title == '\0')
    return unit && *unit ? g_strdup (unit) : NULL;
  if (unit == NULL || *unit == '\0')
    return g_strdup (title);
  return g_strdup_printf ("%s (%s)", title, unit);
}

/* ------------------------------------------------------------------ */
/* axes                                                               */

static void
axis_clear (Axis *a)
{
  g_clear_pointer (&a->labels, g_ptr_array_unref);
}

static inline double
axis_map (const Axis *a,
          double      v)
{
  double t;

  if (a->log)
    {
      if (!(v > 0))
        return NAN;
      t = (log10 (v) - a->lmin) / (a->lmax - a->lmin);
    }
  else
    t = (v - a->min) / (a->max - a->min);
  return a->p0 + t * (a->p1 - a->p0);
}

static inline double
axis_unmap (const Axis *a,
            double      p)
{
  double t = (p - a->p0) / (a->p1 - a->p0);

  if (a->log)
    return pow (10.0, a->lmin + t * (a->lmax - a->lmin));
  return a->min + t * (a->max - a->min);
}

/* Ticks and their labels for a value axis over [lo, hi]. */
static void
axis_set_range (BenchChart *self,
                Axis       *a,
                double      lo,
                double      hi,
                guint       target)
{
  gboolean ok;

  if (a->time)
    ok = bench_chart_ticks_time (&a->ticks, lo, hi, target);
  else if (a->log)
    ok = bench_chart_ticks_log (&a->ticks, lo, hi, target);
  else
    ok = bench_chart_ticks_linear (&a->ticks, lo, hi, target);

  /* Counts: a step below 1 would label fractions of an iteration. */
  if (ok && a->integer && !a->time && !a->log && a->ticks.step < 1.0 &&
      ceil (hi) - floor (lo) < BENCH_CHART_MAX_TICKS)
    {
      a->ticks.min = floor (lo);
      a->ticks.max = MAX (ceil (hi), a->ticks.min + 1);
      a->ticks.step = 1.0;
      a->ticks.n = 0;
      for (double v = a->ticks.min; v <= a->ticks.max + 0.5; v += 1.0)
        a->ticks.values[a->ticks.n++] = v;
    }

  if (!ok)
    {
      a->log = FALSE;
      a->time = FALSE;
      bench_chart_ticks_linear (&a->ticks, 0, 1, target);
    }

  a->min = a->ticks.min;
  a->max = a->ticks.max;
  if (a->log)
    {
      a->lmin = log10 (a->min);
      a->lmax = log10 (a->max);
    }

  g_clear_pointer (&a->labels, g_ptr_array_unref);
  a->labels = g_ptr_array_new_with_free_func (g_object_unref);
  a->label_w = a->label_h = 0;
  for (guint i = 0; i < a->ticks.n; i++)
    {
      g_autofree char *s = a->time
        ? bench_chart_format_time_tick (a->ticks.values[i], a->ticks.step)
        : bench_chart_format_tick (a->ticks.values[i] * (a->factor > 0 ? a->factor : 1),
                                   a->ticks.step * (a->factor > 0 ? a->factor : 1));
      PangoLayout *l = text_new (self, FONT_TICK, s);
      double w, h;

      text_size (l, &w, &h);
      a->label_w = MAX (a->label_w, w);
      a->label_h = MAX (a->label_h, h);
      g_ptr_array_add (a->labels, l);
    }
}

static gboolean
kind_is_category (BenchChartKind kind)
{
  return kind == BENCH_CHART_KIND_BAR || kind == BENCH_CHART_KIND_BOX ||
         kind == BENCH_CHART_KIND_STACKED || kind == BENCH_CHART_KIND_PERCENTILES;
}

static gboolean
kind_has_zero_baseline (BenchChartKind kind)
{
  return kind == BENCH_CHART_KIND_BAR || kind == BENCH_CHART_KIND_STACKED ||
         kind == BENCH_CHART_KIND_PERCENTILES;
}

typedef struct
{
  double lo, hi;
  guint  n;
} Range;

static inline void
range_add (Range    *r,
           double    v,
           gboolean  positive_only)
{
  if (!isfinite (v) || (positive_only && !(v > 0)))
    return;
  if (r->n == 0 || v < r->lo)
    r->lo = v;
  if (r->n == 0 || v > r->hi)
    r->hi = v;
  r->n++;
}

static int
category_of (BenchChartLayout *L,
             double            x)
{
  double r = round (x);

  if (!isfinite (r) || r < 0 || r >= L->n_cat)
    return -1;
  return (int) r;
}

static void
y_range (BenchChart       *self,
         BenchChartLayout *L,
         gboolean          log,
         Range            *r)
{
  memset (r, 0, sizeof *r);

  if (self->kind == BENCH_CHART_KIND_STACKED)
    {
      g_autofree double *pos = g_new0 (double, MAX (L->n_cat, 1));
      g_autofree double *neg = g_new0 (double, MAX (L->n_cat, 1));

      for (guint s = 0; s < self->series->len; s++)
        {
          BenchChartSeries *series = g_ptr_array_index (self->series, s);

          for (guint j = 0; j < series->n_points; j++)
            {
              int c = category_of (L, bench_chart_series_x (series, j));
              double v = bench_chart_series_y (series, j);

              if (c < 0 || !isfinite (v))
                continue;
              if (v >= 0)
                pos[c] += v;
              else
                neg[c] += v;
            }
        }
      for (guint c = 0; c < L->n_cat; c++)
        {
          range_add (r, pos[c], log);
          range_add (r, neg[c], log);
        }
      return;
    }

  for (guint s = 0; s < self->series->len; s++)
    {
      BenchChartSeries *series = g_ptr_array_index (self->series, s);

      for (guint j = 0; j < series->n_points; j++)
        {
          range_add (r, bench_chart_series_y (series, j), log);
          if (series->err_low != NULL && j < series->err_low->len)
            {
              range_add (r, g_array_index (series->err_low, double, j), log);
              range_add (r, g_array_index (series->err_high, double, j), log);
            }
          if (self->kind == BENCH_CHART_KIND_BOX)
            {
              guint n;
              const double *v = bench_chart_series_get_samples (series, j, &n);

              if (n > 0)
                {
                  range_add (r, v[0], log);
                  range_add (r, v[n - 1], log);
                }
            }
        }
    }

  if (self->kind == BENCH_CHART_KIND_ROOFLINE)
    for (guint i = 0; i < self->ceilings->len; i++)
      range_add (r, g_array_index (self->ceilings, BenchChartCeiling, i).peak_gflops, log);
}

static void
x_range (BenchChart *self,
         gboolean    log,
         Range      *r)
{
  memset (r, 0, sizeof *r);

  for (guint s = 0; s < self->series->len; s++)
    {
      BenchChartSeries *series = g_ptr_array_index (self->series, s);

      for (guint j = 0; j < series->n_points; j++)
        if (isfinite (bench_chart_series_y (series, j)))
          range_add (r, bench_chart_series_x (series, j), log);
    }

  if (self->kind == BENCH_CHART_KIND_ROOFLINE)
    for (guint i = 0; i < self->ceilings->len; i++)
      {
        BenchChartCeiling *c = &g_array_index (self->ceilings, BenchChartCeiling, i);

        /* The ridge point, where the memory roof meets the compute roof. */
        if (isfinite (c->peak_gflops) && isfinite (c->bandwidth_gbs))
          range_add (r, c->peak_gflops / c->bandwidth_gbs, log);
      }
}

/* Widens a data range a little so that markers do not sit on the frame. */
static void
pad_range (Range    *r,
           gboolean  log,
           double    fraction)
{
  if (r->n == 0)
    return;
  if (log)
    {
      double f = pow (10.0, MAX (log10 (r->hi / r->lo), 0.5) * fraction);

      r->lo /= f;
      r->hi *= f;
    }
  else if (r->hi > r->lo)
    {
      double d = (r->hi / 2 - r->lo / 2) * 2 * fraction;

      /* Padding never crosses zero: non-negative data gets no negative
       * ticks. */
      r->lo = r->lo >= 0 ? MAX (r->lo - d, 0) : r->lo - d;
      r->hi = r->hi <= 0 ? MIN (r->hi + d, 0) : r->hi + d;
    }
}

/* ------------------------------------------------------------------ */
/* layout                                                             */

void
bench_chart_layout_free (BenchChartLayout *L)
{
  if (L == NULL)
    return;

  g_clear_object (&L->title);
  g_clear_object (&L->subtitle);
  g_clear_object (&L->empty_title);
  g_clear_object (&L->empty_text);
  g_clear_object (&L->legend_more);
  g_clear_object (&L->x_title);
  g_clear_object (&L->y_title);
  if (L->legend != NULL)
    {
      for (guint i = 0; i < L->legend->len; i++)
        g_clear_object (&g_array_index (L->legend, LegendItem, i).text);
      g_array_unref (L->legend);
    }
  g_clear_pointer (&L->notes, g_ptr_array_unref);
  axis_clear (&L->x);
  axis_clear (&L->y);
  g_clear_pointer (&L->cat_labels, g_ptr_array_unref);
  g_clear_pointer (&L->ceiling_labels, g_ptr_array_unref);
  g_clear_pointer (&L->cb_labels, g_ptr_array_unref);
  g_clear_pointer (&L->row_labels, g_ptr_array_unref);
  g_clear_pointer (&L->spoke_labels, g_ptr_array_unref);
  g_clear_pointer (&L->lines, g_ptr_array_unref);
  g_clear_pointer (&L->pareto, g_array_unref);
  g_clear_pointer (&L->raster, cairo_surface_destroy);
  g_free (L->grid_start);
  g_free (L->grid_items);
  g_free (L->rgb);
  g_free (L->shape);
  g_free (L->ceiling_rgb);
  g_free (L->group_pos);
  g_free (L);
}

static guint
layout_key (BenchChart *self)
{
  guint key = self->generation * 31u;

  for (guint i = 0; i < self->series->len; i++)
    key = key * 31u + ((BenchChartSeries *) g_ptr_array_index (self->series, i))->generation;
  return key;
}

static void
assign_styles (BenchChart       *self,
               BenchChartLayout *L)
{
  guint ns = self->series->len, nc = self->ceilings->len;
  g_autofree const char **keys = g_new0 (const char *, ns + nc + 1);
  g_autofree guint *slots = g_new0 (guint, ns + nc + 1);
  g_autofree guint *seen = g_new0 (guint, ns + nc + 1);

  for (guint i = 0; i < ns; i++)
    keys[i] = ((BenchChartSeries *) g_ptr_array_index (self->series, i))->color_key;
  for (guint i = 0; i < nc; i++)
    keys[ns + i] = g_array_index (self->ceilings, BenchChartCeiling, i).color_key;
  bench_chart_palette_assign (keys, ns + nc, slots);

  L->rgb = g_new0 (BenchChartRgb, MAX (ns, 1));
  L->shape = g_new0 (guint, MAX (ns, 1));
  L->ceiling_rgb = g_new0 (BenchChartRgb, MAX (nc, 1));
  L->group_pos = g_new0 (int, MAX (ns, 1));

  for (guint i = 0; i < ns; i++)
    {
      BenchChartSeries *s = g_ptr_array_index (self->series, i);

      L->rgb[i] = s->has_rgb ? s->rgb : bench_chart_palette_color (slots[i]);
      /* Series that share a colour (one device, several models) differ by
       * marker shape. */
      L->shape[i] = slots[i] / BENCH_CHART_PALETTE_SIZE;
      for (guint k = 0; k < i; k++)
        if (slots[k] == slots[i])
          L->shape[i]++;
      (void) seen;
    }
  /* Bars and boxes have no marker shapes: series sharing a colour get
   * lighter tints of it instead. */
  if (kind_is_category (self->kind))
    for (guint i = 0; i < ns; i++)
      {
        double t = MIN (0.3 * (L->shape[i] % 3), 0.55);
        BenchChartRgb bg = { 1, 1, 1 };

        if (L->shape[i] % 3 == 0)
          continue;
        L->rgb[i].r += (bg.r - L->rgb[i].r) * t;
        L->rgb[i].g += (bg.g - L->rgb[i].g) * t;
        L->rgb[i].b += (bg.b - L->rgb[i].b) * t;
      }
  for (guint i = 0; i < nc; i++)
    L->ceiling_rgb[i] = bench_chart_palette_color (slots[ns + i]);

  /* Grouped bars and boxes leave room only for series with data. */
  L->n_visible = 0;
  for (guint i = 0; i < ns; i++)
    {
      BenchChartSeries *s = g_ptr_array_index (self->series, i);

      L->group_pos[i] = s->n_points > 0 ? (int) L->n_visible++ : -1;
    }
}

static void
layout_legend (BenchChart       *self,
               BenchChartLayout *L,
               double           *top)
{
  guint n_items = 0;
  double x = MARGIN, y = *top, row_h = 0;
  guint rows = 1, shown = 0;
  const guint max_rows = 3;

  L->legend = g_array_new (FALSE, TRUE, sizeof (LegendItem));

  if (!self->show_legend || self->kind == BENCH_CHART_KIND_HEATMAP)
    return;

  for (guint i = 0; i < self->series->len; i++)
    {
      BenchChartSeries *s = g_ptr_array_index (self->series, i);

      if (s->show_in_legend && s->n_points > 0)
        n_items++;
    }
  if (L->pareto != NULL && L->pareto->len > 0)
    n_items++;
  /* One unnamed series needs no legend: the title says what it is. */
  if (n_items < 2 && !(L->pareto != NULL && L->pareto->len > 0))
    return;

  for (int i = -1; i < (int) self->series->len; i++)
    {
      LegendItem item = { i, 0, 0, NULL };
      double w;

      if (i >= 0)
        {
          BenchChartSeries *s = g_ptr_array_index (self->series, i);

          if (!s->show_in_legend || s->n_points == 0)
            continue;
          item.text = text_new (self, FONT_LEGEND, s->name);
        }
      else if (L->pareto != NULL && L->pareto->len > 0)
        item.text = text_new (self, FONT_LEGEND, "Pareto front");
      else
        continue;

      limit_width (item.text, 240);
      pango_layout_set_width (item.text, -1);
      if (text_width (item.text) > 240)
        limit_width (item.text, 240);
      row_h = MAX (row_h, text_height (item.text) + 4);
      w = 22 + text_width (item.text);

      if (x + w > L->width - MARGIN && x > MARGIN)
        {
          if (rows == max_rows)
            {
              g_autofree char *more = g_strdup_printf ("+%u more", n_items - shown);

              g_object_unref (item.text);
              L->legend_more = text_new (self, FONT_LEGEND, more);
              L->legend_more_x = x;
              L->legend_more_y = y;
              /* Make room for the "+N more" by dropping the last item if needed. */
              if (x + text_width (L->legend_more) > L->width - MARGIN && L->legend->len > 0)
                {
                  LegendItem *last = &g_array_index (L->legend, LegendItem, L->legend->len - 1);

                  L->legend_more_x = last->x;
                  g_clear_object (&last->text);
                  g_array_set_size (L->legend, L->legend->len - 1);
                  g_clear_object (&L->legend_more);
                  more = (g_free (more), g_strdup_printf ("+%u more", n_items - shown + 1));
                  L->legend_more = text_new (self, FONT_LEGEND, more);
                }
              break;
            }
          rows++;
          x = MARGIN;
          y += row_h;
        }
      item.x = x;
      item.y = y;
      g_array_append_val (L->legend, item);
      shown++;
      x += w + 18;
    }

  *top = y + row_h + 8;
}

/* Category labels under an axis with @n slots of @slot width: one line if
 * they fit, else two wrapped lines, else rotated 45 degrees (ellipsized,
 * and only every k-th when even rotated labels would touch). */
static void
layout_category_labels (BenchChart       *self,
                        BenchChartLayout *L,
                        double            slot)
{
  double max_w = 0, max_h = 0;
  gboolean fits = TRUE;

  g_clear_pointer (&L->cat_labels, g_ptr_array_unref);
  L->cat_labels = g_ptr_array_new_with_free_func (g_object_unref);
  L->slot = slot;
  L->cat_rotated = FALSE;
  L->cat_every = 1;

  for (guint c = 0; c < L->n_cat; c++)
    {
      PangoLayout *l = text_new (self, FONT_TICK, g_ptr_array_index (self->categories, c));
      double w, h;

      text_size (l, &w, &h);
      max_w = MAX (max_w, w);
      max_h = MAX (max_h, h);
      g_ptr_array_add (L->cat_labels, l);
    }

  if (max_w <= slot - 6)
    {
      L->cat_label_h = max_h;
      return;
    }

  if (slot - 6 >= 48)
    {
      max_h = 0;
      for (guint c = 0; c < L->n_cat && fits; c++)
        {
          PangoLayout *l = g_ptr_array_index (L->cat_labels, c);

          pango_layout_set_width (l, (int) ((slot - 6) * PANGO_SCALE));
          pango_layout_set_wrap (l, PANGO_WRAP_WORD_CHAR);
          pango_layout_set_height (l, -2);
          pango_layout_set_ellipsize (l, PANGO_ELLIPSIZE_END);
          pango_layout_set_alignment (l, PANGO_ALIGN_CENTER);
          if (pango_layout_is_ellipsized (l))
            fits = FALSE;
          max_h = MAX (max_h, text_height (l));
        }
      if (fits)
        {
          L->cat_label_h = max_h;
          return;
        }
    }

  {
    double limit = MIN (170, L->height * 0.25);
    double line_h = 0;

    max_w = 0;
    for (guint c = 0; c < L->n_cat; c++)
      {
        PangoLayout *l = g_ptr_array_index (L->cat_labels, c);

        pango_layout_set_alignment (l, PANGO_ALIGN_LEFT);
        pango_layout_set_height (l, -1);
        pango_layout_set_width (l, -1);
        pango_layout_set_ellipsize (l, PANGO_ELLIPSIZE_NONE);
        if (text_width (l) > limit)
          limit_width (l, limit);
        max_w = MAX (max_w, text_width (l));
        line_h = MAX (line_h, text_height (l));
      }
    L->cat_rotated = TRUE;
    L->cat_label_h = (max_w + line_h) * G_SQRT2 / 2;
    /* Rotated labels are slot * sin 45 apart across their baselines. */
    L->cat_every = (guint) MAX (1, ceil (line_h * 1.1 / (slot * G_SQRT2 / 2)));
  }
}

typedef struct
{
  double a, b;     /* costs: lower is better on both */
  guint  series, index;
} ParetoCandidate;

static int
compare_candidates (const void *pa,
                    const void *pb)
{
  const ParetoCandidate *a = pa, *b = pb;

  if (a->a != b->a)
    return a->a < b->a ? -1 : 1;
  return (a->b > b->b) - (a->b < b->b);
}

static void
compute_pareto (BenchChart       *self,
                BenchChartLayout *L)
{
  g_autoptr(GArray) cands = NULL;
  double sx = self->pareto_x == BENCH_CHART_BETTER_HIGHER ? -1 : 1;
  double sy = self->pareto_y == BENCH_CHART_BETTER_HIGHER ? -1 : 1;
  double best = INFINITY;

  if (!self->show_pareto || self->kind != BENCH_CHART_KIND_SCATTER ||
      self->pareto_x == BENCH_CHART_BETTER_NONE || self->pareto_y == BENCH_CHART_BETTER_NONE)
    return;

  cands = g_array_new (FALSE, FALSE, sizeof (ParetoCandidate));
  for (guint s = 0; s < self->series->len; s++)
    {
      BenchChartSeries *series = g_ptr_array_index (self->series, s);

      for (guint j = 0; j < series->n_points; j++)
        {
          ParetoCandidate c = { sx * bench_chart_series_x (series, j),
                                sy * bench_chart_series_y (series, j), s, j };

          if (isfinite (c.a) && isfinite (c.b) &&
              (!self->log_x || c.a * sx > 0) && (!self->log_y || c.b * sy > 0))
            g_array_append_val (cands, c);
        }
    }

  /* Sorted by x cost, then y cost: a point is on the front when its y
   * cost beats every point before it. */
  qsort (cands->data, cands->len, sizeof (ParetoCandidate), compare_candidates);
  L->pareto = g_array_new (FALSE, FALSE, sizeof (PointRef));
  for (guint i = 0; i < cands->len; i++)
    {
      ParetoCandidate *c = &g_array_index (cands, ParetoCandidate, i);

      if (c->b < best)
        {
          PointRef ref = { c->series, c->index };

          best = c->b;
          g_array_append_val (L->pareto, ref);
        }
    }
}

static void
layout_cartesian (BenchChart       *self,
                  BenchChartLayout *L,
                  double            top,
                  double            bottom)
{
  gboolean category = kind_is_category (self->kind);
  gboolean roofline = self->kind == BENCH_CHART_KIND_ROOFLINE;
  g_autofree char *xt = NULL;
  g_autofree char *yt = NULL;
  double x_title_h = 0, y_title_h = 0, plot_h;
  Range xr = { 0 }, yr;

  L->cartesian = TRUE;
  L->x.category = category;
  L->x.log = !category && (self->log_x || roofline);
  L->x.time = !category && !L->x.log && self->x_time && self->kind == BENCH_CHART_KIND_LINE;
  L->x.integer = !category && self->x_integer;
  L->y.log = self->log_y || roofline;

  y_range (self, L, L->y.log, &yr);
  if (kind_has_zero_baseline (self->kind) && !L->y.log)
    {
      range_add (&yr, 0, FALSE);
    }
  else if (self->kind != BENCH_CHART_KIND_BOX)
    pad_range (&yr, L->y.log, 0.04);
  else
    pad_range (&yr, L->y.log, 0.02);
  if (yr.n == 0)
    yr = (Range) { L->y.log ? 1 : 0, L->y.log ? 10 : 1, 1 };

  if (!category)
    {
      x_range (self, L->x.log, &xr);
      if (L->x.time)
        pad_range (&xr, FALSE, 0.03);
      else
        pad_range (&xr, L->x.log, self->kind == BENCH_CHART_KIND_LINE ? 0.02 : 0.04);
      if (xr.n == 0)
        xr = (Range) { L->x.log ? 1 : 0, L->x.log ? 10 : 1, 1 };
    }

  yt = axis_title_text (self->y_title,
                        L->y.log ? self->y_unit
                                 : bench_chart_time_display_unit (self->y_unit, yr.lo, yr.hi, &L->y.factor));
  xt = axis_title_text (self->x_title,
                        category || L->x.log || L->x.time ? self->x_unit
                                 : bench_chart_time_display_unit (self->x_unit, xr.lo, xr.hi, &L->x.factor));

  if (xt != NULL)
    {
      L->x_title = text_new (self, FONT_AXIS_TITLE, xt);
      limit_width (L->x_title, L->width - 2 * MARGIN);
      x_title_h = text_height (L->x_title) + 4;
    }
  if (yt != NULL)
    {
      L->y_title = text_new (self, FONT_AXIS_TITLE, yt);
      limit_width (L->y_title, bottom - top);
      pango_layout_set_alignment (L->y_title, PANGO_ALIGN_CENTER);
      y_title_h = text_height (L->y_title) + 8;
    }

  plot_h = bottom - top - x_title_h - 24;
  for (int pass = 0; pass < 2; pass++)
    {
      double left, right, x_label_h;
      guint ytarget = (guint) CLAMP (plot_h / 50, 3, 10);

      axis_set_range (self, &L->y, yr.lo, yr.hi, ytarget);
      left = MARGIN + y_title_h + L->y.label_w + 8;
      right = L->width - MARGIN;

      if (category)
        {
          L->x.min = -0.5;
          L->x.max = L->n_cat - 0.5;
          layout_category_labels (self, L, (right - left) / MAX (L->n_cat, 1));
          x_label_h = L->cat_label_h;
        }
      else
        {
          /* Dates ("Jun 6") are narrower than most numbers with units. */
          guint xtarget = (guint) CLAMP ((right - left) / (L->x.time ? 80 : 110), 2, 12);

          for (int tries = 0; tries < 6; tries++)
            {
              double spacing;

              axis_set_range (self, &L->x, xr.lo, xr.hi, xtarget);
              spacing = (right - left) / MAX (L->x.ticks.n, 2);
              if (L->x.label_w + 14 <= spacing || xtarget <= 2)
                break;
              xtarget--;
            }
          /* Room for half of the last tick label past the plot. */
          if (L->x.labels->len > 0)
            {
              double last_w = text_width (g_ptr_array_index (L->x.labels, L->x.labels->len - 1));

              right -= MAX (0, last_w / 2 - MARGIN + 4);
            }
          x_label_h = L->x.label_h;
        }

      L->plot.x = round (left);
      L->plot.w = round (right - left);
      L->plot.y = round (top);
      L->plot.h = round (bottom - x_title_h - x_label_h - 8 - top);
      if (L->plot.h < 10)
        L->plot.h = 10;
      plot_h = L->plot.h;
    }

  L->x.p0 = L->plot.x;
  L->x.p1 = L->plot.x + L->plot.w;
  L->y.p0 = L->plot.y + L->plot.h;
  L->y.p1 = L->plot.y;
  if (category)
    {
      L->x.log = FALSE;
      L->x.min = -0.5;
      L->x.max = L->n_cat - 0.5;
    }
}

static void
layout_heatmap (BenchChart       *self,
                BenchChartLayout *L,
                double            top,
                double            bottom)
{
  g_autofree char *xt = axis_title_text (self->x_title, self->x_unit);
  g_autofree char *vt = axis_title_text (self->y_title, self->y_unit);
  guint n_rows = self->series->len;
  Range vr = { 0 };
  double cb_w, x_title_h = 0, left, right;

  L->vlog = self->log_y;
  for (guint s = 0; s < n_rows; s++)
    {
      BenchChartSeries *series = g_ptr_array_index (self->series, s);

      for (guint j = 0; j < series->n_points; j++)
        range_add (&vr, bench_chart_series_y (series, j), L->vlog);
    }
  if (vr.n == 0)
    {
      L->vlog = FALSE;
      for (guint s = 0; s < n_rows; s++)
        {
          BenchChartSeries *series = g_ptr_array_index (self->series, s);

          for (guint j = 0; j < series->n_points; j++)
            range_add (&vr, bench_chart_series_y (series, j), FALSE);
        }
    }
  L->vmin = vr.lo;
  L->vmax = vr.hi;

  /* The colour bar keeps only ticks inside the data range. */
  {
    BenchChartTicks t;
    gboolean ok = L->vlog ? bench_chart_ticks_log (&t, vr.lo, vr.hi, 6)
                          : bench_chart_ticks_linear (&t, vr.lo, vr.hi, 6);

    memset (&L->cb_ticks, 0, sizeof L->cb_ticks);
    if (ok)
      for (guint i = 0; i < t.n; i++)
        if (t.values[i] >= vr.lo - 1e-9 * fabs (vr.lo) && t.values[i] <= vr.hi + 1e-9 * fabs (vr.hi))
          L->cb_ticks.values[L->cb_ticks.n++] = t.values[i];
    L->cb_ticks.step = t.step;
  }
  L->cb_labels = g_ptr_array_new_with_free_func (g_object_unref);
  cb_w = 0;
  for (guint i = 0; i < L->cb_ticks.n; i++)
    {
      g_autofree char *s = bench_chart_format_tick (L->cb_ticks.values[i], L->cb_ticks.step);
      PangoLayout *l = text_new (self, FONT_TICK, s);

      cb_w = MAX (cb_w, text_width (l));
      g_ptr_array_add (L->cb_labels, l);
    }
  if (vt != NULL)
    {
      L->y_title = text_new (self, FONT_AXIS_TITLE, vt);
      limit_width (L->y_title, bottom - top);
    }
  cb_w = 14 + 6 + cb_w + 10 + (L->y_title ? text_height (L->y_title) : 0);

  L->row_labels = g_ptr_array_new_with_free_func (g_object_unref);
  L->row_label_w = 0;
  for (guint s = 0; s < n_rows; s++)
    {
      BenchChartSeries *series = g_ptr_array_index (self->series, s);
      PangoLayout *l = text_new (self, FONT_TICK, series->name);

      if (text_width (l) > L->width * 0.28)
        limit_width (l, L->width * 0.28);
      L->row_label_w = MAX (L->row_label_w, text_width (l));
      g_ptr_array_add (L->row_labels, l);
    }

  if (xt != NULL)
    {
      L->x_title = text_new (self, FONT_AXIS_TITLE, xt);
      limit_width (L->x_title, L->width - 2 * MARGIN);
      x_title_h = text_height (L->x_title) + 4;
    }

  left = MARGIN + L->row_label_w + 8;
  right = L->width - MARGIN - cb_w - 12;
  layout_category_labels (self, L, (right - left) / MAX (L->n_cat, 1));

  L->plot.x = round (left);
  L->plot.w = round (right - left);
  L->plot.y = round (top);
  L->plot.h = round (bottom - top - x_title_h - L->cat_label_h - 8);
  /* Cells no taller than wide enough to read: square-ish at most 3:1. */
  if (n_rows > 0 && L->plot.h / n_rows > 3 * L->slot && L->slot > 0)
    L->plot.h = round (3 * L->slot * n_rows);
  if (L->plot.h < 10)
    L->plot.h = 10;

  L->colorbar = (Rect) { L->plot.x + L->plot.w + 16, L->plot.y, 14, MIN (L->plot.h, 260) };
  L->x.min = -0.5;
  L->x.max = L->n_cat - 0.5;
  L->x.p0 = L->plot.x;
  L->x.p1 = L->plot.x + L->plot.w;
}

static void
layout_radar (BenchChart       *self,
              BenchChartLayout *L,
              double            top,
              double            bottom)
{
  double max_w = 0, max_h = 0;

  L->spoke_labels = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint c = 0; c < L->n_cat; c++)
    {
      PangoLayout *l = text_new (self, FONT_TICK, g_ptr_array_index (self->categories, c));

      limit_width (l, MIN (160, L->width * 0.22));
      pango_layout_set_width (l, -1);
      if (text_width (l) > MIN (160, L->width * 0.22))
        limit_width (l, MIN (160, L->width * 0.22));
      max_w = MAX (max_w, text_width (l));
      max_h = MAX (max_h, text_height (l));
      g_ptr_array_add (L->spoke_labels, l);
    }

  L->plot = (Rect) { MARGIN, top, L->width - 2 * MARGIN, bottom - top };
  L->cx = L->plot.x + L->plot.w / 2;
  L->cy = L->plot.y + L->plot.h / 2;
  L->radius = MIN (L->plot.w / 2 - max_w - 10, L->plot.h / 2 - max_h - 8);
  L->radius = MAX (L->radius, 10);
}

static BenchChartLayout *
layout_compute (BenchChart *self,
                double      width,
                double      height)
{
  BenchChartLayout *L = g_new0 (BenchChartLayout, 1);
  g_autoptr(GPtrArray) notes = NULL;
  double top = MARGIN, bottom = height - MARGIN;

  L->width = width;
  L->height = height;
  L->key = layout_key (self);
  L->colors = bench_chart_theme_get_colors (self->theme);
  L->n_cat = self->categories->len;

  if (self->title != NULL && *self->title)
    {
      L->title = text_new (self, FONT_TITLE, self->title);
      limit_width (L->title, width - 2 * MARGIN);
      L->title_y = top;
      top += text_height (L->title) + 2;
    }
  if (self->subtitle != NULL && *self->subtitle)
    {
      L->subtitle = text_new (self, FONT_SUBTITLE, self->subtitle);
      limit_width (L->subtitle, width - 2 * MARGIN);
      L->subtitle_y = top;
      top += text_height (L->subtitle);
    }
  if (L->title != NULL || L->subtitle != NULL)
    top += 12;

  notes = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < self->notes->len; i++)
    g_ptr_array_add (notes, g_strdup (g_ptr_array_index (self->notes, i)));
  if (self->kind == BENCH_CHART_KIND_ROOFLINE)
    {
      g_autoptr(GString) missing = g_string_new (NULL);

      L->ceiling_labels = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < self->ceilings->len; i++)
        {
          BenchChartCeiling *c = &g_array_index (self->ceilings, BenchChartCeiling, i);
          g_autofree char *peak = bench_chart_format_value (c->peak_gflops);
          g_autofree char *bw = bench_chart_format_value (c->bandwidth_gbs);
          g_autofree char *pt = g_strdup_printf ("%s · %s GFLOP/s", c->name, peak);
          g_autofree char *bt = g_strdup_printf ("%s · %s GB/s", c->name, bw);

          g_ptr_array_add (L->ceiling_labels, text_new (self, FONT_NOTE, pt));
          g_ptr_array_add (L->ceiling_labels, text_new (self, FONT_NOTE, bt));
          if (isnan (c->peak_gflops) || isnan (c->bandwidth_gbs))
            g_string_append_printf (missing, "%s%s: %s", missing->len ? "; " : "", c->name,
                                    isnan (c->peak_gflops) && isnan (c->bandwidth_gbs) ? "peak compute and memory bandwidth"
                                    : isnan (c->peak_gflops) ? "peak compute" : "memory bandwidth");
        }
      if (self->ceilings->len == 0)
        g_ptr_array_add (notes, g_strdup ("Ceilings not measured yet: no device has a measured peak compute or memory bandwidth."));
      else if (missing->len > 0)
        g_ptr_array_add (notes, g_strdup_printf ("Ceilings not measured yet for %s.", missing->str));
    }

  L->notes = g_ptr_array_new_with_free_func (g_object_unref);
  for (int i = (int) notes->len - 1; i >= 0; i--)
    {
      PangoLayout *l = text_new (self, FONT_NOTE, g_ptr_array_index (notes, i));

      pango_layout_set_width (l, (int) ((width - 2 * MARGIN) * PANGO_SCALE));
      pango_layout_set_wrap (l, PANGO_WRAP_WORD);
      pango_layout_set_height (l, -2);
      pango_layout_set_ellipsize (l, PANGO_ELLIPSIZE_END);
      bottom -= text_height (l) + 2;
      g_ptr_array_insert (L->notes, 0, l);
    }
  L->notes_y = bottom;
  if (notes->len > 0)
    bottom -= 8;

  assign_styles (self, L);

  L->empty = bench_chart_is_empty (self);
  if (L->empty)
    {
      L->empty_title = text_new (self, FONT_EMPTY, "No data");
      L->empty_text = text_new (self, FONT_SUBTITLE,
                                self->empty_message ? self->empty_message
                                                    : "Nothing was measured for this selection.");
      pango_layout_set_width (L->empty_text, (int) ((width - 4 * MARGIN) * PANGO_SCALE));
      pango_layout_set_alignment (L->empty_text, PANGO_ALIGN_CENTER);
      pango_layout_set_wrap (L->empty_text, PANGO_WRAP_WORD);
      L->plot = (Rect) { MARGIN, top, width - 2 * MARGIN, bottom - top };
      return L;
    }

  compute_pareto (self, L);
  layout_legend (self, L, &top);

  switch (self->kind)
    {
    case BENCH_CHART_KIND_HEATMAP:
      layout_heatmap (self, L, top, bottom);
      break;
    case BENCH_CHART_KIND_RADAR:
      layout_radar (self, L, top, bottom);
      break;
    case BENCH_CHART_KIND_BAR:
    case BENCH_CHART_KIND_LINE:
    case BENCH_CHART_KIND_SCATTER:
    case BENCH_CHART_KIND_BOX:
    case BENCH_CHART_KIND_STACKED:
    case BENCH_CHART_KIND_PERCENTILES:
    case BENCH_CHART_KIND_ROOFLINE:
    default:
      layout_cartesian (self, L, top, bottom);
      break;
    }

  return L;
}

static BenchChartLayout *
ensure_layout (BenchChart *self,
               double      width,
               double      height)
{
  BenchChartLayout *L = self->layout;

  if (L != NULL && L->width == width && L->height == height && L->key == layout_key (self))
    return L;

  g_clear_pointer (&self->layout, bench_chart_layout_free);
  self->layout = layout_compute (self, width, height);
  return self->layout;
}

/* ------------------------------------------------------------------ */
/* geometry shared by drawing and hit-testing                         */

static inline double
crisp (double v)
{
  return floor (v) + 0.5;
}

static double
value_baseline (BenchChartLayout *L)
{
  if (L->y.log)
    return L->y.min;
  return CLAMP (0.0, L->y.min, L->y.max);
}

/* The slot of series @s within category groups: bars, boxes. */
static gboolean
group_slot (BenchChartLayout *L,
            guint             s,
            int               c,
            double            fill,
            double           *x0,
            double           *w)
{
  double group_w, bar_w;
  guint n = MAX (L->n_visible, 1);

  if (c < 0 || L->group_pos[s] < 0)
    return FALSE;
  group_w = L->plot.w / MAX (L->n_cat, 1) * (n > 1 ? 0.8 : 0.6);
  bar_w = group_w / n;
  *x0 = axis_map (&L->x, c) - group_w / 2 + L->group_pos[s] * bar_w + bar_w * (1 - fill) / 2;
  *w = bar_w * fill;
  return TRUE;
}

static gboolean
bar_rect (BenchChart       *self,
          BenchChartLayout *L,
          guint             s,
          guint             j,
          Rect             *r)
{
  BenchChartSeries *series = g_ptr_array_index (self->series, s);
  double v = bench_chart_series_y (series, j);
  double x0, w, y0, y1, fill;

  fill = L->n_visible > 1 ? 0.92 : 1.0;
  if (!group_slot (L, s, category_of (L, bench_chart_series_x (series, j)), fill, &x0, &w))
    return FALSE;
  y0 = axis_map (&L->y, value_baseline (L));
  y1 = isfinite (v) ? axis_map (&L->y, v) : y0;
  if (!isfinite (y1))
    y1 = y0;
  y1 = CLAMP (y1, L->plot.y - 1, L->plot.y + L->plot.h + 1);
  *r = (Rect) { x0, MIN (y0, y1), w, fabs (y1 - y0) };
  return TRUE;
}

typedef struct
{
  Rect  r;
  guint series;
  guint index;
} Segment;

static GArray *
stack_segments (BenchChart       *self,
                BenchChartLayout *L)
{
  GArray *segs = g_array_new (FALSE, FALSE, sizeof (Segment));
  g_autofree double *pos = g_new0 (double, MAX (L->n_cat, 1));
  g_autofree double *neg = g_new0 (double, MAX (L->n_cat, 1));
  double w = L->plot.w / MAX (L->n_cat, 1) * 0.6;

  for (guint s = 0; s < self->series->len; s++)
    {
      BenchChartSeries *series = g_ptr_array_index (self->series, s);

      for (guint j = 0; j < series->n_points; j++)
        {
          int c = category_of (L, bench_chart_series_x (series, j));
          double v = bench_chart_series_y (series, j);
          double *acc, a, b;
          Segment seg;

          if (c < 0 || !isfinite (v) || v == 0)
            continue;
          acc = v > 0 ? &pos[c] : &neg[c];
          a = axis_map (&L->y, *acc);
          b = axis_map (&L->y, *acc + v);
          *acc += v;
          if (!isfinite (a) || !isfinite (b))
            continue;
          seg.r = (Rect) { axis_map (&L->x, c) - w / 2, MIN (a, b), w, fabs (b - a) };
          seg.series = s;
          seg.index = j;
          g_array_append_val (segs, seg);
        }
    }
  return segs;
}

typedef struct
{
  double q1, median, q3, lo, hi;
} BoxStats;

static gboolean
box_stats (BenchChartSeries *series,
           guint             j,
           BoxStats         *b)
{
  guint n;
  const double *v = bench_chart_series_get_samples (series, j, &n);
  double iqr;

  if (v == NULL || n == 0)
    return FALSE;
  b->q1 = bench_stats_percentile (v, n, 0.25);
  b->median = bench_stats_percentile (v, n, 0.5);
  b->q3 = bench_stats_percentile (v, n, 0.75);
  iqr = b->q3 - b->q1;
  /* Tukey's whiskers: the furthest samples within 1.5 IQR of the box. */
  b->lo = b->q1;
  b->hi = b->q3;
  for (guint i = 0; i < n; i++)
    if (v[i] >= b->q1 - 1.5 * iqr)
      {
        b->lo = MIN (v[i], b->q1);
        break;
      }
  for (guint i = n; i > 0; i--)
    if (v[i - 1] <= b->q3 + 1.5 * iqr)
      {
        b->hi = MAX (v[i - 1], b->q3);
        break;
      }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* drawing                                                            */

static void
marker_path (cairo_t *cr,
             double   x,
             double   y,
             double   r,
             guint    shape)
{
  switch (shape % 4)
    {
    case 1:
      r *= 0.88;
      cairo_rectangle (cr, x - r, y - r, 2 * r, 2 * r);
      break;
    case 2:
      r *= 1.25;
      cairo_move_to (cr, x, y - r);
      cairo_line_to (cr, x + r * 0.866, y + r * 0.5);
      cairo_line_to (cr, x - r * 0.866, y + r * 0.5);
      cairo_close_path (cr);
      break;
    case 3:
      r *= 1.2;
      cairo_move_to (cr, x, y - r);
      cairo_line_to (cr, x + r, y);
      cairo_line_to (cr, x, y + r);
      cairo_line_to (cr, x - r, y);
      cairo_close_path (cr);
      break;
    case 0:
    default:
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      break;
    }
}

static void
draw_marker (cairo_t          *cr,
             BenchChartLayout *L,
             double            x,
             double            y,
             double            r,
             guint             shape,
             BenchChartRgb     color,
             double            alpha)
{
  marker_path (cr, x, y, r, shape);
  set_rgba (cr, color, alpha);
  cairo_fill_preserve (cr);
  set_rgb (cr, L->colors->background);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
}

static void
draw_frame (BenchChart       *self,
            BenchChartLayout *L,
            cairo_t          *cr)
{
  const BenchChartThemeColors *c = L->colors;
  double bottom = L->plot.y + L->plot.h;
  double label_h;

  cairo_set_line_width (cr, 1.0);
  set_rgb (cr, c->grid);
  for (guint i = 0; i < L->y.ticks.n; i++)
    {
      double py = axis_map (&L->y, L->y.ticks.values[i]);

      if (!isfinite (py) || py < L->plot.y - 0.5 || py > bottom + 0.5)
        continue;
      cairo_move_to (cr, L->plot.x, crisp (py));
      cairo_line_to (cr, L->plot.x + L->plot.w, crisp (py));
    }
  if (!L->x.category)
    for (guint i = 0; i < L->x.ticks.n; i++)
      {
        double px = axis_map (&L->x, L->x.ticks.values[i]);

        if (!isfinite (px) || px < L->plot.x - 0.5 || px > L->plot.x + L->plot.w + 0.5)
          continue;
        cairo_move_to (cr, crisp (px), L->plot.y);
        cairo_line_to (cr, crisp (px), bottom);
      }
  cairo_stroke (cr);

  /* The bottom axis, and the zero line where zero is inside. */
  set_rgb (cr, c->axis);
  cairo_move_to (cr, L->plot.x, crisp (bottom));
  cairo_line_to (cr, L->plot.x + L->plot.w, crisp (bottom));
  if (!L->y.log && L->y.min < 0 && L->y.max > 0)
    {
      double py = crisp (axis_map (&L->y, 0));

      cairo_move_to (cr, L->plot.x, py);
      cairo_line_to (cr, L->plot.x + L->plot.w, py);
    }
  cairo_stroke (cr);

  for (guint i = 0; i < L->y.ticks.n; i++)
    {
      double py = axis_map (&L->y, L->y.ticks.values[i]);

      if (isfinite (py) && py >= L->plot.y - 0.5 && py <= bottom + 0.5)
        draw_text (cr, g_ptr_array_index (L->y.labels, i), L->plot.x - 7, py, 1, 0.5, c->text_secondary);
    }

  if (L->x.category)
    {
      label_h = L->cat_label_h;
      set_rgb (cr, c->axis);
      for (guint i = 0; i < L->n_cat; i++)
        {
          double px = axis_map (&L->x, i);

          cairo_move_to (cr, crisp (px), bottom);
          cairo_line_to (cr, crisp (px), bottom + 4);
        }
      cairo_stroke (cr);
      for (guint i = 0; i < L->n_cat; i += L->cat_every)
        {
          PangoLayout *l = g_ptr_array_index (L->cat_labels, i);
          double px = axis_map (&L->x, i);

          if (L->cat_rotated)
            draw_text_rotated (cr, l, px + 3, bottom + 6, -G_PI / 4, 1, 0.2, c->text_secondary);
          else
            draw_text (cr, l, px, bottom + 6, 0.5, 0, c->text_secondary);
        }
    }
  else
    {
      label_h = L->x.label_h;
      set_rgb (cr, c->axis);
      for (guint i = 0; i < L->x.ticks.n; i++)
        {
          double px = axis_map (&L->x, L->x.ticks.values[i]);

          if (!isfinite (px) || px < L->plot.x - 0.5 || px > L->plot.x + L->plot.w + 0.5)
            continue;
          cairo_move_to (cr, crisp (px), bottom);
          cairo_line_to (cr, crisp (px), bottom + 4);
        }
      cairo_stroke (cr);
      for (guint i = 0; i < L->x.ticks.n; i++)
        {
          double px = axis_map (&L->x, L->x.ticks.values[i]);

          if (isfinite (px) && px >= L->plot.x - 0.5 && px <= L->plot.x + L->plot.w + 0.5)
            draw_text (cr, g_ptr_array_index (L->x.labels, i), px, bottom + 6, 0.5, 0, c->text_secondary);
        }
    }

  if (L->x_title != NULL)
    {
      double w = text_width (L->x_title);
      double cx = L->plot.x + L->plot.w / 2;

      cx = CLAMP (cx, MARGIN + w / 2, L->width - MARGIN - w / 2);
      draw_text (cr, L->x_title, cx, bottom + 8 + label_h + 4, 0.5, 0, c->text);
    }
  if (L->y_title != NULL)
    draw_text_rotated (cr, L->y_title, MARGIN, L->plot.y + L->plot.h / 2, -G_PI / 2, 0.5, 0, c->text);
}

static void
draw_na (BenchChart       *self,
         BenchChartLayout *L,
         cairo_t          *cr,
         double            cx,
         double            w)
{
  g_autoptr(PangoLayout) l = text_new (self, FONT_VALUE, "n/a");
  double base = axis_map (&L->y, value_baseline (L));

  if (text_width (l) <= w + 2)
    draw_text (cr, l, cx, base - 3, 0.5, 1, L->colors->text_secondary);
  else
    draw_text_rotated (cr, l, cx, base - 3, -G_PI / 2, 0, 0.5, L->colors->text_secondary);
}

static void
draw_error_bar (cairo_t          *cr,
                BenchChartLayout *L,
                double            cx,
                double            w,
                double            lo,
                double            hi)
{
  double a = axis_map (&L->y, lo), b = axis_map (&L->y, hi);
  double cap = MIN (w * 0.35, 6);

  if (!isfinite (a) || !isfinite (b))
    return;
  set_rgb (cr, L->colors->text);
  cairo_set_line_width (cr, 1.25);
  cairo_move_to (cr, cx, a);
  cairo_line_to (cr, cx, b);
  cairo_move_to (cr, cx - cap, a);
  cairo_line_to (cr, cx + cap, a);
  cairo_move_to (cr, cx - cap, b);
  cairo_line_to (cr, cx + cap, b);
  cairo_stroke (cr);
}

static void
draw_bars (BenchChart       *self,
           BenchChartLayout *L,
           cairo_t          *cr)
{
  for (guint s = 0; s < self->series->len; s++)
    {
      BenchChartSeries *series = g_ptr_array_index (self->series, s);

      for (guint j = 0; j < series->n_points; j++)
        {
          double v = bench_chart_series_y (series, j);
          Rect r;

          if (!bar_rect (self, L, s, j, &r))
            continue;
          if (!isfinite (v) || (L->y.log && !(v > 0)))
            {
              draw_na (self, L, cr, r.x + r.w / 2, r.w);
              continue;
            }
          cairo_rectangle (cr, r.x, r.y, r.w, MAX (r.h, 0.5));
          set_rgb (cr, L->rgb[s]);
          cairo_fill (cr);
        }
    }

  /* Error bars on top of every bar, so no neighbour hides one. */
  for (guint s = 0; s < self->series->len; s++)
    {
      BenchChartSeries *series = g_ptr_array_index (self->series, s);

      if (series->err_low == NULL)
        continue;
      for (guint j = 0; j < series->n_points; j++)
        {
          double lo = bench_chart_series_get_err_low (series, j);
          double hi = bench_chart_series_get_err_high (series, j);
          Rect r;

          if (isfinite (lo) && isfinite (hi) && isfinite (bench_chart_series_y (series, j)) &&
              bar_rect (self, L, s, j, &r))
            draw_error_bar (cr, L, r.x + r.w / 2, r.w, lo, hi);
        }
    }
}

static void
draw_stacked (BenchChart       *self,
              BenchChartLayout *L,
              cairo_t          *cr)
{
  g_autoptr(GArray) segs = stack_segments (self, L);
  g_autofree double *total = g_new0 (double, MAX (L->n_cat, 1));
  g_autofree double *top = g_new0 (double, MAX (L->n_cat, 1));
  g_autofree gboolean *any = g_new0 (gboolean, MAX (L->n_cat, 1));

  for (guint i = 0; i < segs->len; i++)
    {
      Segment *seg = &g_array_index (segs, Segment, i);
      BenchChartSeries *series = g_ptr_array_index (self->series, seg->series);
      int c = category_of (L, bench_chart_series_x (series, seg->index));

      cairo_rectangle (cr, seg->r.x, seg->r.y, seg->r.w, seg->r.h);
      set_rgb (cr, L->rgb[seg->series]);
      cairo_fill (cr);
      /* A hairline of background between parts. */
      set_rgb (cr, L->colors->background);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, seg->r.x, seg->r.y);
      cairo_line_to (cr, seg->r.x + seg->r.w, seg->r.y);
      cairo_stroke (cr);

      total[c] += bench_chart_series_y (series, seg->index);
      top[c] = any[c] ? MIN (top[c], seg->r.y) : seg->r.y;
      any[c] = TRUE;
    }

  for (guint c = 0; c < L->n_cat; c++)
    {
      g_autofree char *s = NULL;
      g_autoptr(PangoLayout) l = NULL;

      if (!any[c])
        continue;
      s = bench_chart_format_value (total[c]);
      l = text_new (self, FONT_VALUE, s);
      if (text_width (l) < L->plot.w / MAX (L->n_cat, 1))
        draw_text (cr, l, axis_map (&L->x, c), top[c] - 3, 0.5, 1, L->colors->text_secondary);
    }
}

static void
draw_boxes (BenchChart       *self,
            BenchChartLayout *L,
            cairo_t          *cr)
{
  for (guint s = 0; s < self->series->len; s++)
    {
      BenchChartSeries *series = g_ptr_array_index (self->series, s);

      for (guint j = 0; j < series->n_points; j++)
        {
          double x0, w, cx, last_py = -1e9;
          guint n;
          const double *v;
          BoxStats b;

          if (!group_slot (L, s, category_of (L, bench_chart_series_x (series, j)), 0.7, &x0, &w))
            continue;
          cx = x0 + w / 2;
          if (!box_stats (series, j, &b))
            {
              double y = bench_chart_series_y (series, j);

              if (isfinite (y))
                {
                  set_rgb (cr, L->rgb[s]);
                  cairo_set_line_width (cr, 2.5);
                  cairo_move_to (cr, x0, axis_map (&L->y, y));
                  cairo_line_to (cr, x0 + w, axis_map (&L->y, y));
                  cairo_stroke (cr);
                }
              else
                draw_na (self, L, cr, cx, w);
              continue;
            }

          /* whiskers */
          set_rgb (cr, L->colors->text_secondary);
          cairo_set_line_width (cr, 1.25);
          cairo_move_to (cr, cx, axis_map (&L->y, b.lo));
          cairo_line_to (cr, cx, axis_map (&L->y, b.q1));
          cairo_move_to (cr, cx, axis_map (&L->y, b.q3));
          cairo_line_to (cr, cx, axis_map (&L->y, b.hi));
          cairo_move_to (cr, cx - w / 4, axis_map (&L->y, b.lo));
          cairo_line_to (cr, cx + w / 4, axis_map (&L->y, b.lo));
          cairo_move_to (cr, cx - w / 4, axis_map (&L->y, b.hi));
          cairo_line_to (cr, cx + w / 4, axis_map (&L->y, b.hi));
          cairo_stroke (cr);

          /* box */
          {
            double y3 = axis_map (&L->y, b.q3), y1 = axis_map (&L->y, b.q1);

            cairo_rectangle (cr, x0, y3, w, MAX (y1 - y3, 1));
            set_rgba (cr, L->rgb[s], 0.3);
            cairo_fill_preserve (cr);
            set_rgb (cr, L->rgb[s]);
            cairo_set_line_width (cr, 1.5);
            cairo_stroke (cr);
            /* The median in the text colour: it must stand out of its box. */
            set_rgb (cr, L->colors->text);
            cairo_set_line_width (cr, 2);
            cairo_move_to (cr, x0, axis_map (&L->y, b.median));
            cairo_line_to (cr, x0 + w, axis_map (&L->y, b.median));
            cairo_stroke (cr);
          }

          /* Outliers, one circle per pixel row: thousands of samples
           * otherwise draw the same ring over and over. */
          v = bench_chart_series_get_samples (series, j, &n);
          cairo_set_line_width (cr, 1.0);
          set_rgb (cr, L->rgb[s]);
          for (guint i = 0; i < n; i++)
            {
              double py;

              if (v[i] >= b.lo && v[i] <= b.hi)
                continue;
              py = axis_map (&L->y, v[i]);
              if (!isfinite (py) || fabs (py - last_py) < 1.0)
                continue;
              last_py = py;
              cairo_new_sub_path (cr);
              cairo_arc (cr, cx, py, 2.2, 0, 2 * G_PI);
            }
          cairo_stroke (cr);
        }
    }
}

/* Min/max per pixel column (M4): the drawn line is the one the full data
 * would draw, from at most four points per column. */
static GArray *
decimate_line (BenchChartLayout *L,
               BenchChartSeries *series)
{
  guint ncols = (guint) MAX (ceil (L->plot.w), 1) + 1;
  g_autofree double *mn = g_new (double, ncols);
  g_autofree double *mx = g_new (double, ncols);
  g_autofree double *first_x = g_new (double, ncols);
  g_autofree double *first_y = g_new (double, ncols);
  g_autofree double *last_x = g_new (double, ncols);
  g_autofree double *last_y = g_new (double, ncols);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (double) * 2);

  for (guint c = 0; c < ncols; c++)
    {
      mn[c] = INFINITY;
      mx[c] = -INFINITY;
      first_x[c] = INFINITY;
      last_x[c] = -INFINITY;
    }

  for (guint j = 0; j < series->n_points; j++)
    {
      double px = axis_map (&L->x, bench_chart_series_x (series, j));
      double py = axis_map (&L->y, bench_chart_series_y (series, j));
      int c;

      if (!isfinite (px) || !isfinite (py))
        continue;
      c = (int) floor (px - L->plot.x);
      if (c < 0 || c >= (int) ncols)
        continue;
      mn[c] = MIN (mn[c], py);
      mx[c] = MAX (mx[c], py);
      if (px < first_x[c])
        first_x[c] = px, first_y[c] = py;
      if (px > last_x[c])
        last_x[c] = px, last_y[c] = py;
    }

  for (guint c = 0; c < ncols; c++)
    {
      double pts[4][2];

      if (!isfinite (mn[c]))
        continue;
      pts[0][0] = first_x[c], pts[0][1] = first_y[c];
      pts[1][0] = L->plot.x + c + 0.5, pts[1][1] = mn[c];
      pts[2][0] = L->plot.x + c + 0.5, pts[2][1] = mx[c];
      pts[3][0] = last_x[c], pts[3][1] = last_y[c];
      g_array_append_vals (out, pts, 4);
    }
  return out;
}

static gboolean
series_is_dense (BenchChartLayout *L,
                 BenchChartSeries *series)
{
  return series->n_points > 2 * MAX (L->plot.w, 1);
}

static void
free_array (gpointer data)
{
  if (data != NULL)
    g_array_unref (data);
}

static void
draw_lines (BenchChart       *self,
            BenchChartLayout *L,
            cairo_t          *cr)
{
  if (L->lines == NULL)
    {
      L->lines = g_ptr_array_new_with_free_func (free_array);
      for (guint s = 0; s < self->series->len; s++)
        {
          BenchChartSeries *series = g_ptr_array_index (self->series, s);

          g_ptr_array_add (L->lines, series_is_dense (L, series) ? decimate_line (L, series) : NULL);
        }
    }

  cairo_save (cr);
  cairo_rectangle (cr, L->plot.x - 6, L->plot.y - 6, L->plot.w + 12, L->plot.h + 12);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  for (guint s = 0; s < self->series->len; s++)
    {
      BenchChartSeries *series = g_ptr_array_index (self->series, s);
      GArray *dec = g_ptr_array_index (L->lines, s);
      gboolean pen_down = FALSE;

      cairo_set_line_width (cr, dec != NULL ? 1.25 : 2.0);
      set_rgb (cr, L->rgb[s]);
      if (dec != NULL)
        {
          for (guint i = 0; i < dec->len; i++)
            {
              double *p = &g_array_index (dec, double, 2 * i);

              if (i == 0)
                cairo_move_to (cr, p[0], p[1]);
              else
                cairo_line_to (cr, p[0], p[1]);
            }
          cairo_stroke (cr);
          continue;
        }

      for (guint j = 0; j < series->n_points; j++)
        {
          double px = axis_map (&L->x, bench_chart_series_x (series, j));
          double py = axis_map (&L->y, bench_chart_series_y (series, j));

          /* An unmeasured point breaks the line: no interpolation over it. */
          if (!isfinite (px) || !isfinite (py))
            {
              pen_down = FALSE;
              continue;
            }
          if (pen_down)
            cairo_line_to (cr, px, py);
          else
            cairo_move_to (cr, px, py);
          pen_down = TRUE;
        }
      cairo_stroke (cr);

      /* A marker per point (per run on trend charts) while they are
       * far enough apart to see. */
      if (series->n_points <= L->plot.w / 6)
        for (guint j = 0; j < series->n_points; j++)
          {
            double px = axis_map (&L->x, bench_chart_series_x (series, j));
            double py = axis_map (&L->y, bench_chart_series_y (series, j));

            if (isfinite (px) && isfinite (py))
              draw_marker (cr, L, px, py, MARKER_RADIUS, L->shape[s], L->rgb[s], 1.0);
          }
    }
  cairo_restore (cr);
}

/* Dense scatters: each series is binned per device pixel, and every
 * occupied pixel gets one antialiased marker stamp whose opacity grows
 * with the number of points in it (1 - (1 - a)^n). Cost is linear in the
 * points plus the occupied pixels, and the look is that of drawing every
 * marker translucently. */
typedef struct
{
  int     dx, dy;
  guint32 cov;     /* 0..255 */
} StampEntry;

static inline guint32
div255 (guint32 x)
{
  x += 128;
  return (x + (x >> 8)) >> 8;
}

static cairo_surface_t *
rasterise_points (BenchChart       *self,
                  BenchChartLayout *L,
                  double            scale)
{
  int pw = (int) ceil (L->plot.w * scale), ph = (int) ceil (L->plot.h * scale);
  double r = SCATTER_RADIUS * scale;
  int half = (int) ceil (r + 0.5), k = 2 * half + 1;
  g_autofree float *stamp = g_new0 (float, k * k);
  g_autofree StampEntry *entries = g_new0 (StampEntry, k * k);
  guint n_entries = 0;
  g_autofree guint32 *count = NULL;
  g_autoptr(GArray) occupied = g_array_new (FALSE, FALSE, sizeof (guint32));
  cairo_surface_t *surface;
  guint32 *pixels;
  int stride;
  const double alpha = 0.7;

  pw = MAX (pw, 1);
  ph = MAX (ph, 1);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, pw, ph);
  cairo_surface_flush (surface);
  pixels = (guint32 *) cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface) / 4;
  count = g_new0 (guint32, (gsize) pw * ph);

  /* Coverage of a disc of radius r centred on the stamp, 4x4 supersampled. */
  for (int v = 0; v < k; v++)
    for (int u = 0; u < k; u++)
      {
        int inside = 0;

        for (int sy = 0; sy < 4; sy++)
          for (int sx = 0; sx < 4; sx++)
            {
              double dx = u - half + (sx + 0.5) / 4 - 0.5;
              double dy = v - half + (sy + 0.5) / 4 - 0.5;

              inside += dx * dx + dy * dy <= r * r;
            }
        stamp[v * k + u] = inside / 16.0f;
        if (inside > 0)
          {
            entries[n_entries].dx = u - half;
            entries[n_entries].dy = v - half;
            entries[n_entries].cov = (guint32) (inside * 255 + 8) / 16;
            n_entries++;
          }
      }

  for (guint s = 0; s < self->series->len; s++)
    {
      BenchChartSeries *series = g_ptr_array_index (self->series, s);
      const double *xs = (const double *) series->x->data;
      const double *ys = (const double *) series->y->data;
      double ax = (L->x.p1 - L->x.p0) * scale, ay = (L->y.p1 - L->y.p0) * scale;
      double bx = (L->x.p0 - L->plot.x) * scale, by = (L->y.p0 - L->plot.y) * scale;
      double x0 = L->x.log ? L->x.lmin : L->x.min, xd = L->x.log ? L->x.lmax - L->x.lmin : L->x.max - L->x.min;
      double y0 = L->y.log ? L->y.lmin : L->y.min, yd = L->y.log ? L->y.lmax - L->y.lmin : L->y.max - L->y.min;
      BenchChartRgb c = L->rgb[s];
      guint32 cr8 = (guint32) lround (c.r * 255), cg8 = (guint32) lround (c.g * 255), cb8 = (guint32) lround (c.b * 255);
      guint32 src_rb = (cr8 << 16) | cb8, src_ag = (255u << 16) | cg8;
      float alpha_of[33];

      for (guint n = 0; n <= 32; n++)
        alpha_of[n] = (float) (1.0 - pow (1.0 - alpha, n));

      for (guint i = 0; i < occupied->len; i++)
        count[g_array_index (occupied, guint32, i)] = 0;
      g_array_set_size (occupied, 0);

      for (guint j = 0; j < series->n_points; j++)
        {
          double xv = xs[j], yv = ys[j], px, py;
          int ix, iy;
          guint32 idx;

          if (L->x.log)
            xv = xv > 0 ? log10 (xv) : NAN;
          if (L->y.log)
            yv = yv > 0 ? log10 (yv) : NAN;
          px = bx + (xv - x0) / xd * ax;
          py = by + (yv - y0) / yd * ay;
          if (!(px >= -r && px < pw + r && py >= -r && py < ph + r))
            continue;
          ix = CLAMP ((int) px, 0, pw - 1);
          iy = CLAMP ((int) py, 0, ph - 1);
          idx = (guint32) iy * pw + ix;
          if (count[idx]++ == 0)
            g_array_append_val (occupied, idx);
        }

      for (guint i = 0; i < occupied->len; i++)
        {
          guint32 idx = g_array_index (occupied, guint32, i);
          int ix = idx % pw, iy = idx / pw;
          guint32 a8 = (guint32) (alpha_of[MIN (count[idx], 32)] * 255 + 0.5f);
          gboolean inside = ix >= half && iy >= half && ix + half < pw && iy + half < ph;

          for (guint e = 0; e < n_entries; e++)
            {
              int xx = ix + entries[e].dx, yy = iy + entries[e].dy;
              guint32 *q, d, A, rb, ag;

              if (!inside && (xx < 0 || yy < 0 || xx >= pw || yy >= ph))
                continue;
              q = pixels + (gsize) yy * stride + xx;
              A = div255 (entries[e].cov * a8);
              /* "over" with premultiplied colour, two channels per
               * multiply: (src * A + dst * (255 - A)) / 255 */
              d = *q;
              rb = (src_rb * A) + (d & 0x00ff00ff) * (255 - A);
              ag = (src_ag * A) + ((d >> 8) & 0x00ff00ff) * (255 - A);
              rb += 0x00800080;
              rb = ((rb + ((rb >> 8) & 0x00ff00ff)) >> 8) & 0x00ff00ff;
              ag += 0x00800080;
              ag = ((ag + ((ag >> 8) & 0x00ff00ff)) >> 8) & 0x00ff00ff;
              *q = rb | (ag << 8);
            }
        }
    }

  cairo_surface_mark_dirty (surface);
  return surface;
}

static guint
total_points (BenchChart *self)
{
  guint n = 0;

  for (guint s = 0; s < self->series->len; s++)
    n += ((BenchChartSeries *) g_ptr_array_index (self->series, s))->n_points;
  return n;
}

static void
draw_points (BenchChart       *self,
             BenchChartLayout *L,
             cairo_t          *cr)
{
  cairo_save (cr);
  cairo_rectangle (cr, L->plot.x - 4, L->plot.y - 4, L->plot.w + 8, L->plot.h + 8);
  cairo_clip (cr);

  if (total_points (self) > VECTOR_POINTS_MAX)
    {
      double sx = 1, sy = 1, scale;

      cairo_user_to_device_distance (cr, &sx, &sy);
      scale = CLAMP (MAX (fabs (sx), fabs (sy)), 0.25, 8);
      if (L->raster == NULL || L->raster_scale != scale)
        {
          g_clear_pointer (&L->raster, cairo_surface_destroy);
          L->raster = rasterise_points (self, L, scale);
          L->raster_scale = scale;
        }
      cairo_translate (cr, L->plot.x, L->plot.y);
      cairo_scale (cr, 1 / scale, 1 / scale);
      cairo_set_source_surface (cr, L->raster, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_FAST);
      cairo_paint (cr);
    }
  else
    {
      double radius = self->kind == BENCH_CHART_KIND_SCATTER ? SCATTER_RADIUS + 0.5 : MARKER_RADIUS + 0.5;

      for (guint s = 0; s < self->series->len; s++)
        {
          BenchChartSeries *series = g_ptr_array_index (self->series, s);

          for (guint j = 0; j < series->n_points; j++)
            {
              double px = axis_map (&L->x, bench_chart_series_x (series, j));
              double py = axis_map (&L->y, bench_chart_series_y (series, j));

              if (isfinite (px) && isfinite (py))
                draw_marker (cr, L, px, py, radius, L->shape[s], L->rgb[s], 0.85);
            }
        }
    }
  cairo_restore (cr);

  if (L->pareto != NULL && L->pareto->len > 0)
    {
      static const double dash[] = { 5, 3 };
      double prev_x = 0, prev_y = 0;

      cairo_save (cr);
      cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
      cairo_set_line_width (cr, 1.5);
      set_rgb (cr, L->colors->text);
      for (guint i = 0; i < L->pareto->len; i++)
        {
          PointRef *p = &g_array_index (L->pareto, PointRef, i);
          BenchChartSeries *series = g_ptr_array_index (self->series, p->series);
          double px = axis_map (&L->x, bench_chart_series_x (series, p->index));
          double py = axis_map (&L->y, bench_chart_series_y (series, p->index));

          /* A staircase: between two front points, nothing better exists. */
          if (i == 0)
            cairo_move_to (cr, px, py);
          else
            {
              cairo_line_to (cr, px, prev_y);
              cairo_line_to (cr, px, py);
            }
          prev_x = px;
          prev_y = py;
        }
      (void) prev_x;
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      for (guint i = 0; i < L->pareto->len; i++)
        {
          PointRef *p = &g_array_index (L->pareto, PointRef, i);
          BenchChartSeries *series = g_ptr_array_index (self->series, p->series);
          double px = axis_map (&L->x, bench_chart_series_x (series, p->index));
          double py = axis_map (&L->y, bench_chart_series_y (series, p->index));

          cairo_new_sub_path (cr);
          cairo_arc (cr, px, py, SCATTER_RADIUS + 3, 0, 2 * G_PI);
        }
      cairo_stroke (cr);
      cairo_restore (cr);
    }
}

static void
draw_ceilings (BenchChart       *self,
               BenchChartLayout *L,
               cairo_t          *cr)
{
  double xmin = L->x.min, xmax = L->x.max;

  cairo_save (cr);
  cairo_rectangle (cr, L->plot.x, L->plot.y, L->plot.w, L->plot.h);
  cairo_clip (cr);

  for (guint i = 0; i < self->ceilings->len; i++)
    {
      BenchChartCeiling *c = &g_array_index (self->ceilings, BenchChartCeiling, i);
      double peak = c->peak_gflops, bw = c->bandwidth_gbs;
      PangoLayout *peak_label = g_ptr_array_index (L->ceiling_labels, 2 * i);
      PangoLayout *bw_label = g_ptr_array_index (L->ceiling_labels, 2 * i + 1);

      if (isnan (peak) && isnan (bw))
        continue;

      set_rgba (cr, L->ceiling_rgb[i], 0.9);
      cairo_set_line_width (cr, 2.0);
      if (isfinite (bw))
        {
          double xr = isfinite (peak) ? peak / bw : xmax;

          cairo_move_to (cr, axis_map (&L->x, xmin), axis_map (&L->y, bw * xmin));
          cairo_line_to (cr, axis_map (&L->x, xr), axis_map (&L->y, bw * xr));
          if (isfinite (peak))
            cairo_line_to (cr, axis_map (&L->x, xmax), axis_map (&L->y, peak));
        }
      else
        {
          cairo_move_to (cr, axis_map (&L->x, xmin), axis_map (&L->y, peak));
          cairo_line_to (cr, axis_map (&L->x, xmax), axis_map (&L->y, peak));
        }
      cairo_stroke (cr);

      if (isfinite (peak))
        draw_text (cr, peak_label, L->plot.x + L->plot.w - 6, axis_map (&L->y, peak) - 3, 1, 1,
                   L->ceiling_rgb[i]);
      if (isfinite (bw))
        {
          /* Along the memory roof, a fifth of the way in. */
          double lx = MAX (pow (10.0, L->x.lmin + 0.04 * (L->x.lmax - L->x.lmin)),
                           pow (10.0, L->y.lmin + 0.08 * (L->y.lmax - L->y.lmin)) / bw);
          double x0 = axis_map (&L->x, lx), y0 = axis_map (&L->y, bw * lx);
          double x1 = axis_map (&L->x, lx * 10), y1 = axis_map (&L->y, bw * lx * 10);
          double angle = atan2 (y1 - y0, x1 - x0);

          if (isfinite (y0) && y0 > L->plot.y && y0 < L->plot.y + L->plot.h)
            draw_text_rotated (cr, bw_label, x0, y0 - 3, angle, 0, 1, L->ceiling_rgb[i]);
        }
    }
  cairo_restore (cr);
}

static double
heat_t (BenchChartLayout *L,
        double            v)
{
  if (L->vmax <= L->vmin)
    return 0.5;
  if (L->vlog)
    return (log10 (v) - log10 (L->vmin)) / (log10 (L->vmax) - log10 (L->vmin));
  return (v - L->vmin) / (L->vmax - L->vmin);
}

static gboolean
heat_cell (BenchChart       *self,
           BenchChartLayout *L,
           guint             row,
           int               col,
           Rect             *r)
{
  double cw = L->plot.w / MAX (L->n_cat, 1);
  double ch = L->plot.h / MAX (self->series->len, 1);

  if (col < 0)
    return FALSE;
  *r = (Rect) { L->plot.x + col * cw + 1, L->plot.y + row * ch + 1, cw - 2, ch - 2 };
  return TRUE;
}

static void
draw_heatmap (BenchChart       *self,
              BenchChartLayout *L,
              cairo_t          *cr)
{
  const BenchChartThemeColors *c = L->colors;
  double bottom = L->plot.y + L->plot.h;
  cairo_pattern_t *gradient;

  for (guint s = 0; s < self->series->len; s++)
    {
      BenchChartSeries *series = g_ptr_array_index (self->series, s);
      double ch = L->plot.h / MAX (self->series->len, 1);

      draw_text (cr, g_ptr_array_index (L->row_labels, s), L->plot.x - 8,
                 L->plot.y + (s + 0.5) * ch, 1, 0.5, c->text_secondary);

      for (guint j = 0; j < series->n_points; j++)
        {
          double v = bench_chart_series_y (series, j);
          g_autofree char *text = NULL;
          g_autoptr(PangoLayout) l = NULL;
          BenchChartRgb fill, ink;
          Rect r;

          if (!heat_cell (self, L, s, category_of (L, bench_chart_series_x (series, j)), &r))
            continue;
          if (isfinite (v) && (!L->vlog || v > 0))
            fill = bench_chart_sequential_color (heat_t (L, v));
          else
            fill = c->missing;
          cairo_rectangle (cr, r.x, r.y, r.w, r.h);
          set_rgb (cr, fill);
          cairo_fill (cr);

          text = bench_chart_format_value (v);
          l = text_new (self, FONT_VALUE, text);
          ink = bench_chart_rgb_luminance (fill) > 0.35 ? (BenchChartRgb) { 0.08, 0.08, 0.1 }
                                                         : (BenchChartRgb) { 1, 1, 1 };
          if (fill.r == c->missing.r && fill.g == c->missing.g && fill.b == c->missing.b)
            ink = c->text_secondary;
          if (text_width (l) + 4 <= r.w && text_height (l) + 2 <= r.h)
            draw_text (cr, l, r.x + r.w / 2, r.y + r.h / 2, 0.5, 0.5, ink);
        }
    }

  for (guint i = 0; i < L->n_cat; i += L->cat_every)
    {
      PangoLayout *l = g_ptr_array_index (L->cat_labels, i);
      double px = axis_map (&L->x, i);

      if (L->cat_rotated)
        draw_text_rotated (cr, l, px + 3, bottom + 6, -G_PI / 4, 1, 0.2, c->text_secondary);
      else
        draw_text (cr, l, px, bottom + 6, 0.5, 0, c->text_secondary);
    }
  if (L->x_title != NULL)
    draw_text (cr, L->x_title, L->plot.x + L->plot.w / 2, bottom + 8 + L->cat_label_h + 4, 0.5, 0, c->text);

  /* colour bar: top is the largest value */
  gradient = cairo_pattern_create_linear (0, L->colorbar.y + L->colorbar.h, 0, L->colorbar.y);
  for (guint i = 0; i <= 8; i++)
    {
      BenchChartRgb rgb = bench_chart_sequential_color (i / 8.0);

      cairo_pattern_add_color_stop_rgb (gradient, i / 8.0, rgb.r, rgb.g, rgb.b);
    }
  cairo_rectangle (cr, L->colorbar.x, L->colorbar.y, L->colorbar.w, L->colorbar.h);
  cairo_set_source (cr, gradient);
  cairo_fill (cr);
  cairo_pattern_destroy (gradient);

  cairo_set_line_width (cr, 1);
  for (guint i = 0; i < L->cb_ticks.n; i++)
    {
      double t = heat_t (L, L->cb_ticks.values[i]);
      double py = L->colorbar.y + L->colorbar.h * (1 - t);

      set_rgb (cr, c->axis);
      cairo_move_to (cr, L->colorbar.x + L->colorbar.w, crisp (py));
      cairo_line_to (cr, L->colorbar.x + L->colorbar.w + 4, crisp (py));
      cairo_stroke (cr);
      draw_text (cr, g_ptr_array_index (L->cb_labels, i), L->colorbar.x + L->colorbar.w + 7, py, 0, 0.5,
                 c->text_secondary);
    }
  if (L->y_title != NULL)
    draw_text_rotated (cr, L->y_title, L->width - MARGIN, L->colorbar.y + L->colorbar.h / 2,
                       G_PI / 2, 0.5, 0, c->text);
}

static void
radar_point (BenchChartLayout *L,
             guint             axis,
             double            v,
             double           *x,
             double           *y)
{
  double angle = -G_PI / 2 + 2 * G_PI * axis / MAX (L->n_cat, 1);

  v = CLAMP (v, 0, 1.1);
  *x = L->cx + cos (angle) * v * L->radius;
  *y = L->cy + sin (angle) * v * L->radius;
}

static void
draw_radar (BenchChart       *self,
            BenchChartLayout *L,
            cairo_t          *cr)
{
  const BenchChartThemeColors *c = L->colors;

  cairo_set_line_width (cr, 1);
  set_rgb (cr, c->grid);
  for (guint ring = 1; ring <= 4; ring++)
    {
      for (guint a = 0; a <= L->n_cat; a++)
        {
          double x, y;

          radar_point (L, a % MAX (L->n_cat, 1), ring / 4.0, &x, &y);
          if (a == 0)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      cairo_close_path (cr);
    }
  for (guint a = 0; a < L->n_cat; a++)
    {
      double x, y;

      radar_point (L, a, 1, &x, &y);
      cairo_move_to (cr, L->cx, L->cy);
      cairo_line_to (cr, x, y);
    }
  cairo_stroke (cr);

  for (guint ring = 2; ring <= 4; ring += 2)
    {
      g_autofree char *s = bench_chart_format_tick (ring / 4.0, 0.25);
      g_autoptr(PangoLayout) l = text_new (self, FONT_NOTE, s);

      draw_text (cr, l, L->cx + 4, L->cy - ring / 4.0 * L->radius + 2, 0, 0, c->text_secondary);
    }

  for (guint a = 0; a < L->n_cat; a++)
    {
      double angle = -G_PI / 2 + 2 * G_PI * a / MAX (L->n_cat, 1);
      double x = L->cx + cos (angle) * (L->radius + 8);
      double y = L->cy + sin (angle) * (L->radius + 8);

      draw_text (cr, g_ptr_array_index (L->spoke_labels, a), x, y,
                 0.5 - 0.5 * cos (angle), 0.5 - 0.5 * sin (angle), c->text);
    }

  for (guint s = 0; s < self->series->len; s++)
    {
      BenchChartSeries *series = g_ptr_array_index (self->series, s);
      gboolean first = TRUE;

      for (guint j = 0; j < series->n_points; j++)
        {
          int a = category_of (L, bench_chart_series_x (series, j));
          double v = bench_chart_series_y (series, j), x, y;

          if (a < 0 || !isfinite (v))
            continue;
          radar_point (L, a, v, &x, &y);
          if (first)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
          first = FALSE;
        }
      if (first)
        continue;
      cairo_close_path (cr);
      set_rgba (cr, L->rgb[s], 0.15);
      cairo_fill_preserve (cr);
      set_rgb (cr, L->rgb[s]);
      cairo_set_line_width (cr, 2);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_stroke (cr);

      for (guint j = 0; j < series->n_points; j++)
        {
          int a = category_of (L, bench_chart_series_x (series, j));
          double v = bench_chart_series_y (series, j), x, y;

          if (a < 0 || !isfinite (v))
            continue;
          radar_point (L, a, v, &x, &y);
          draw_marker (cr, L, x, y, MARKER_RADIUS, L->shape[s], L->rgb[s], 1.0);
        }
    }
}

static void
draw_legend (BenchChart       *self,
             BenchChartLayout *L,
             cairo_t          *cr)
{
  for (guint i = 0; i < L->legend->len; i++)
    {
      LegendItem *item = &g_array_index (L->legend, LegendItem, i);
      double cy = item->y + text_height (item->text) / 2;
      double sx = item->x + 7;

      if (item->series < 0)
        {
          static const double dash[] = { 4, 2 };

          cairo_save (cr);
          cairo_set_dash (cr, dash, 2, 0);
          cairo_set_line_width (cr, 1.5);
          set_rgb (cr, L->colors->text);
          cairo_move_to (cr, item->x, cy);
          cairo_line_to (cr, item->x + 16, cy);
          cairo_stroke (cr);
          cairo_restore (cr);
        }
      else
        {
          BenchChartRgb color = L->rgb[item->series];

          switch (self->kind)
            {
            case BENCH_CHART_KIND_LINE:
              set_rgb (cr, color);
              cairo_set_line_width (cr, 2);
              cairo_move_to (cr, item->x, cy);
              cairo_line_to (cr, item->x + 16, cy);
              cairo_stroke (cr);
              draw_marker (cr, L, item->x + 8, cy, MARKER_RADIUS, L->shape[item->series], color, 1);
              break;
            case BENCH_CHART_KIND_SCATTER:
            case BENCH_CHART_KIND_ROOFLINE:
            case BENCH_CHART_KIND_RADAR:
              draw_marker (cr, L, sx, cy, MARKER_RADIUS + 0.5, L->shape[item->series], color, 1);
              break;
            case BENCH_CHART_KIND_BAR:
            case BENCH_CHART_KIND_BOX:
            case BENCH_CHART_KIND_STACKED:
            case BENCH_CHART_KIND_PERCENTILES:
            case BENCH_CHART_KIND_HEATMAP:
            default:
              cairo_rectangle (cr, item->x + 1, cy - 5, 11, 11);
              set_rgb (cr, color);
              cairo_fill (cr);
              break;
            }
        }
      draw_text (cr, item->text, item->x + 22, item->y, 0, 0, L->colors->text);
    }
  if (L->legend_more != NULL)
    draw_text (cr, L->legend_more, L->legend_more_x, L->legend_more_y, 0, 0, L->colors->text_secondary);
}

/**
 * bench_chart_render:
 * @cr: where to draw; the chart fills (0, 0, @width, @height) in user space
 *
 * Draws the whole chart. Text goes through Pango with unhinted metrics, so
 * the layout is the same on every surface and at every scale; the geometry
 * is cached for the next render at this size.
 */
void
bench_chart_render (BenchChart *self,
                    cairo_t    *cr,
                    double      width,
                    double      height)
{
  BenchChartLayout *L;
  const BenchChartThemeColors *c;

  g_return_if_fail (BENCH_IS_CHART (self));
  g_return_if_fail (cr != NULL);

  if (!(width > 0 && height > 0))
    return;

  L = ensure_layout (self, width, height);
  c = L->colors;

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  set_rgb (cr, c->background);
  cairo_paint (cr);

  if (L->title != NULL)
    draw_text (cr, L->title, MARGIN, L->title_y, 0, 0, c->text);
  if (L->subtitle != NULL)
    draw_text (cr, L->subtitle, MARGIN, L->subtitle_y, 0, 0, c->text_secondary);

  if (L->empty)
    {
      double h = text_height (L->empty_title) + 6 + text_height (L->empty_text);
      double y = L->plot.y + (L->plot.h - h) / 2;

      draw_text (cr, L->empty_title, width / 2, y, 0.5, 0, c->text);
      draw_text (cr, L->empty_text, width / 2, y + text_height (L->empty_title) + 6, 0.5, 0,
                 c->text_secondary);
    }
  else
    {
      draw_legend (self, L, cr);
      switch (self->kind)
        {
        case BENCH_CHART_KIND_HEATMAP:
          draw_heatmap (self, L, cr);
          break;
        case BENCH_CHART_KIND_RADAR:
          draw_radar (self, L, cr);
          break;
        case BENCH_CHART_KIND_BAR:
        case BENCH_CHART_KIND_PERCENTILES:
          draw_frame (self, L, cr);
          draw_bars (self, L, cr);
          break;
        case BENCH_CHART_KIND_STACKED:
          draw_frame (self, L, cr);
          draw_stacked (self, L, cr);
          break;
        case BENCH_CHART_KIND_BOX:
          draw_frame (self, L, cr);
          draw_boxes (self, L, cr);
          break;
        case BENCH_CHART_KIND_LINE:
          draw_frame (self, L, cr);
          draw_lines (self, L, cr);
          break;
        case BENCH_CHART_KIND_ROOFLINE:
          draw_frame (self, L, cr);
          draw_ceilings (self, L, cr);
          draw_points (self, L, cr);
          break;
        case BENCH_CHART_KIND_SCATTER:
        default:
          draw_frame (self, L, cr);
          draw_points (self, L, cr);
          break;
        }
    }

  for (guint i = 0; i < L->notes->len; i++)
    {
      PangoLayout *l = g_ptr_array_index (L->notes, i);
      double y = L->notes_y;

      for (guint k = 0; k < i; k++)
        y += text_height (g_ptr_array_index (L->notes, k)) + 2;
      draw_text (cr, l, MARGIN, y, 0, 0, c->text_secondary);
    }

  cairo_restore (cr);
}

/* ------------------------------------------------------------------ */
/* hit-testing                                                        */

static void
hit_set (BenchChart    *self,
         BenchChartHit *hit,
         guint          s,
         guint          j,
         int            category,
         double         ax,
         double         ay)
{
  BenchChartSeries *series = g_ptr_array_index (self->series, s);

  hit->series = s;
  hit->index = j;
  hit->category = category;
  hit->x = bench_chart_series_x (series, j);
  hit->y = bench_chart_series_y (series, j);
  hit->err_low = bench_chart_series_get_err_low (series, j);
  hit->err_high = bench_chart_series_get_err_high (series, j);
  hit->anchor_x = ax;
  hit->anchor_y = ay;
}

static gboolean
in_rect (const Rect *r,
         double      x,
         double      y,
         double      slack)
{
  return x >= r->x - slack && x <= r->x + r->w + slack &&
         y >= r->y - slack && y <= r->y + r->h + slack;
}

#define GRID_CELL 16.0

/* Buckets the points of a point chart by 16-pixel cell (a counting sort),
 * once per layout: a hit test then looks at a few cells, not at a million
 * points. */
static void
build_grid (BenchChart       *self,
            BenchChartLayout *L)
{
  double ox = L->plot.x - HIT_RADIUS, oy = L->plot.y - HIT_RADIUS;
  guint n_cells, total = 0;
  g_autofree guint32 *cells = NULL;
  guint32 *fill;
  guint k = 0;

  L->grid_cols = (int) ceil ((L->plot.w + 2 * HIT_RADIUS) / GRID_CELL) + 1;
  L->grid_rows = (int) ceil ((L->plot.h + 2 * HIT_RADIUS) / GRID_CELL) + 1;
  n_cells = (guint) (L->grid_cols * L->grid_rows);
  L->grid_start = g_new0 (guint32, n_cells + 1);

  for (guint s = 0; s < self->series->len; s++)
    total += ((BenchChartSeries *) g_ptr_array_index (self->series, s))->n_points;
  cells = g_new (guint32, MAX (total, 1));

  for (guint s = 0; s < self->series->len; s++)
    {
      BenchChartSeries *series = g_ptr_array_index (self->series, s);

      for (guint j = 0; j < series->n_points; j++, k++)
        {
          double px = axis_map (&L->x, bench_chart_series_x (series, j)) - ox;
          double py = axis_map (&L->y, bench_chart_series_y (series, j)) - oy;
          int c = (int) floor (px / GRID_CELL), r = (int) floor (py / GRID_CELL);

          if (!isfinite (px) || !isfinite (py) || c < 0 || r < 0 ||
              c >= L->grid_cols || r >= L->grid_rows)
            {
              cells[k] = G_MAXUINT32;
              continue;
            }
          cells[k] = (guint32) r * L->grid_cols + c;
          L->grid_start[cells[k] + 1]++;
        }
    }
  for (guint c = 0; c < n_cells; c++)
    L->grid_start[c + 1] += L->grid_start[c];

  L->grid_items = g_new (PointRef, MAX (L->grid_start[n_cells], 1));
  fill = g_memdup2 (L->grid_start, sizeof (guint32) * n_cells);
  k = 0;
  for (guint s = 0; s < self->series->len; s++)
    {
      BenchChartSeries *series = g_ptr_array_index (self->series, s);

      for (guint j = 0; j < series->n_points; j++, k++)
        if (cells[k] != G_MAXUINT32)
          L->grid_items[fill[cells[k]]++] = (PointRef) { s, j };
    }
  g_free (fill);
}

/**
 * bench_chart_hit_test:
 * @width: the size the chart is drawn at
 * @height:
 * @x: a position in chart coordinates
 * @y:
 * @hit: (out caller-allocates): the datum there
 *
 * Finds the datum under (@x, @y): the nearest point within 14 pixels on
 * line, scatter, roofline and radar charts; the bar, stack part, box or
 * cell under the position on the others (bars also when the pointer is
 * above a short bar, in its column).
 *
 * Returns: %TRUE if something was hit
 */
/* The x axis ticks of the layout at this size (tests). */
gboolean
bench_chart_get_x_ticks (BenchChart      *self,
                         double           width,
                         double           height,
                         BenchChartTicks *ticks)
{
  BenchChartLayout *L;

  g_return_val_if_fail (BENCH_IS_CHART (self), FALSE);

  L = ensure_layout (self, width, height);
  if (L->empty || !L->cartesian)
    return FALSE;
  *ticks = L->x.ticks;
  return TRUE;
}

gboolean
bench_chart_hit_test (BenchChart    *self,
                      double         width,
                      double         height,
                      double         x,
                      double         y,
                      BenchChartHit *hit)
{
  BenchChartLayout *L;
  double best = HIT_RADIUS * HIT_RADIUS;
  gboolean found = FALSE;

  g_return_val_if_fail (BENCH_IS_CHART (self), FALSE);
  g_return_val_if_fail (hit != NULL, FALSE);

  *hit = (BenchChartHit) { -1, -1, -1, NAN, NAN, NAN, NAN, NAN, NAN };
  if (!(width > 0 && height > 0))
    return FALSE;
  L = ensure_layout (self, width, height);
  if (L->empty)
    return FALSE;

  switch (self->kind)
    {
    case BENCH_CHART_KIND_BAR:
    case BENCH_CHART_KIND_PERCENTILES:
      if (!in_rect (&L->plot, x, y, 0))
        return FALSE;
      for (guint s = 0; s < self->series->len && !found; s++)
        {
          BenchChartSeries *series = g_ptr_array_index (self->series, s);

          for (guint j = 0; j < series->n_points; j++)
            {
              Rect r;

              if (bar_rect (self, L, s, j, &r) && x >= r.x && x <= r.x + r.w)
                {
                  hit_set (self, hit, s, j, category_of (L, bench_chart_series_x (series, j)),
                           r.x + r.w / 2, r.y);
                  found = TRUE;
                  break;
                }
            }
        }
      return found;

    case BENCH_CHART_KIND_STACKED:
      {
        g_autoptr(GArray) segs = stack_segments (self, L);

        for (guint i = 0; i < segs->len; i++)
          {
            Segment *seg = &g_array_index (segs, Segment, i);

            if (in_rect (&seg->r, x, y, 0.5))
              {
                BenchChartSeries *series = g_ptr_array_index (self->series, seg->series);

                hit_set (self, hit, seg->series, seg->index,
                         category_of (L, bench_chart_series_x (series, seg->index)),
                         seg->r.x + seg->r.w / 2, seg->r.y + seg->r.h / 2);
                return TRUE;
              }
          }
        return FALSE;
      }

    case BENCH_CHART_KIND_BOX:
      if (!in_rect (&L->plot, x, y, 0))
        return FALSE;
      for (guint s = 0; s < self->series->len; s++)
        {
          BenchChartSeries *series = g_ptr_array_index (self->series, s);

          for (guint j = 0; j < series->n_points; j++)
            {
              int c = category_of (L, bench_chart_series_x (series, j));
              double x0, w;

              if (group_slot (L, s, c, 0.7, &x0, &w) && x >= x0 && x <= x0 + w)
                {
                  double my = axis_map (&L->y, bench_chart_series_y (series, j));

                  hit_set (self, hit, s, j, c, x0 + w / 2, isfinite (my) ? my : y);
                  return TRUE;
                }
            }
        }
      return FALSE;

    case BENCH_CHART_KIND_HEATMAP:
      for (guint s = 0; s < self->series->len; s++)
        {
          BenchChartSeries *series = g_ptr_array_index (self->series, s);

          for (guint j = 0; j < series->n_points; j++)
            {
              int c = category_of (L, bench_chart_series_x (series, j));
              Rect r;

              if (heat_cell (self, L, s, c, &r) && in_rect (&r, x, y, 1))
                {
                  hit_set (self, hit, s, j, c, r.x + r.w / 2, r.y + r.h / 2);
                  return TRUE;
                }
            }
        }
      return FALSE;

    case BENCH_CHART_KIND_RADAR:
      for (guint s = 0; s < self->series->len; s++)
        {
          BenchChartSeries *series = g_ptr_array_index (self->series, s);

          for (guint j = 0; j < series->n_points; j++)
            {
              int a = category_of (L, bench_chart_series_x (series, j));
              double v = bench_chart_series_y (series, j), px, py, d;

              if (a < 0 || !isfinite (v))
                continue;
              radar_point (L, a, v, &px, &py);
              d = (px - x) * (px - x) + (py - y) * (py - y);
              if (d <= best)
                {
                  best = d;
                  hit_set (self, hit, s, j, a, px, py);
                  found = TRUE;
                }
            }
        }
      return found;

    case BENCH_CHART_KIND_LINE:
    case BENCH_CHART_KIND_SCATTER:
    case BENCH_CHART_KIND_ROOFLINE:
    default:
      if (!in_rect (&L->plot, x, y, HIT_RADIUS))
        return FALSE;
      if (L->grid_start == NULL)
        build_grid (self, L);
      {
        int c0 = (int) floor ((x - HIT_RADIUS - (L->plot.x - HIT_RADIUS)) / GRID_CELL);
        int c1 = (int) floor ((x + HIT_RADIUS - (L->plot.x - HIT_RADIUS)) / GRID_CELL);
        int r0 = (int) floor ((y - HIT_RADIUS - (L->plot.y - HIT_RADIUS)) / GRID_CELL);
        int r1 = (int) floor ((y + HIT_RADIUS - (L->plot.y - HIT_RADIUS)) / GRID_CELL);

        for (int r = MAX (r0, 0); r <= MIN (r1, L->grid_rows - 1); r++)
          for (int c = MAX (c0, 0); c <= MIN (c1, L->grid_cols - 1); c++)
            {
              guint cell = (guint) r * L->grid_cols + c;

              for (guint32 k = L->grid_start[cell]; k < L->grid_start[cell + 1]; k++)
                {
                  PointRef *p = &L->grid_items[k];
                  BenchChartSeries *series = g_ptr_array_index (self->series, p->series);
                  double px = axis_map (&L->x, bench_chart_series_x (series, p->index));
                  double py = axis_map (&L->y, bench_chart_series_y (series, p->index));
                  double d = (px - x) * (px - x) + (py - y) * (py - y);

                  if (d <= best)
                    {
                      best = d;
                      hit_set (self, hit, p->series, p->index, -1, px, py);
                      found = TRUE;
                    }
                }
            }
      }
      return found;
    }
}

static char *
format_with_unit (double      v,
                  const char *unit)
{
  g_autofree char *s = bench_chart_format_value (v);

  if (unit == NULL || *unit == '\0' || !isfinite (v))
    return g_steal_pointer (&s);
  return g_strdup_printf ("%s %s", s, unit);
}

/**
 * bench_chart_describe_hit:
 * @hit: a hit from bench_chart_hit_test()
 *
 * Tooltip text for @hit: the series, the point's label or category, and
 * its values with units and error interval, one per line.
 *
 * Returns: (transfer full) (nullable): the text, or %NULL when @hit is empty
 */
char *
bench_chart_describe_hit (BenchChart          *self,
                          const BenchChartHit *hit)
{
  BenchChartSeries *series;
  GString *str;
  const char *label;
  g_autofree char *yv = NULL;

  g_return_val_if_fail (BENCH_IS_CHART (self), NULL);
  g_return_val_if_fail (hit != NULL, NULL);

  if (hit->series < 0 || (guint) hit->series >= self->series->len)
    return NULL;
  series = g_ptr_array_index (self->series, hit->series);
  if (hit->index < 0 || (guint) hit->index >= series->n_points)
    return NULL;

  str = g_string_new (series->name);
  if (hit->category >= 0 && (guint) hit->category < self->categories->len)
    g_string_append_printf (str, " · %s", (const char *) g_ptr_array_index (self->categories, hit->category));
  label = bench_chart_series_get_label (series, hit->index);
  if (label != NULL && self->kind != BENCH_CHART_KIND_RADAR)
    g_string_append_printf (str, "\n%s", label);

  if (self->kind == BENCH_CHART_KIND_LINE || self->kind == BENCH_CHART_KIND_SCATTER ||
      self->kind == BENCH_CHART_KIND_ROOFLINE)
    {
      g_autofree char *xv = NULL;

      if (self->x_time && self->kind == BENCH_CHART_KIND_LINE)
        xv = bench_chart_format_time_tick (hit->x, 60);
      else
        xv = format_with_unit (hit->x, self->x_unit);
      g_string_append_printf (str, "\n%s: %s", self->x_title ? self->x_title : "x", xv);
    }

  if (self->kind == BENCH_CHART_KIND_RADAR)
    {
      g_autofree char *n = bench_chart_format_value (hit->y);

      g_string_append_printf (str, "\n%s (%s of best)", label ? label : "", n);
      return g_string_free (str, FALSE);
    }

  if (self->kind == BENCH_CHART_KIND_BOX)
    {
      BoxStats b;

      if (box_stats (series, hit->index, &b))
        {
          g_autofree char *m = format_with_unit (b.median, self->y_unit);
          g_autofree char *q1 = bench_chart_format_value (b.q1);
          g_autofree char *q3 = bench_chart_format_value (b.q3);
          guint n;

          bench_chart_series_get_samples (series, hit->index, &n);
          g_string_append_printf (str, "\nmedian %s, IQR %s–%s, %u samples", m, q1, q3, n);
          return g_string_free (str, FALSE);
        }
    }

  yv = format_with_unit (hit->y, self->y_unit);
  g_string_append_printf (str, "\n%s: %s", self->y_title ? self->y_title : "value", yv);
  if (isfinite (hit->err_low) && isfinite (hit->err_high))
    {
      g_autofree char *lo = bench_chart_format_value (hit->err_low);
      g_autofree char *hi = bench_chart_format_value (hit->err_high);

      g_string_append_printf (str, " (%s–%s)", lo, hi);
    }
  return g_string_free (str, FALSE);
}
