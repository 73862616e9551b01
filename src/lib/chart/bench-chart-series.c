/* bench-chart-series.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "bench-chart-private.h"

G_DEFINE_BOXED_TYPE (BenchChartSeries, bench_chart_series,
                     bench_chart_series_ref, bench_chart_series_unref)

static void
free_samples (gpointer data)
{
  if (data != NULL)
    g_array_unref (data);
}

BenchChartSeries *
bench_chart_series_new (const char *name,
                        const char *color_key)
{
  BenchChartSeries *self = g_new0 (BenchChartSeries, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->name = g_strdup (name ? name : "");
  self->color_key = g_strdup (color_key ? color_key : self->name);
  self->show_in_legend = TRUE;
  self->x = g_array_new (FALSE, FALSE, sizeof (double));
  self->y = g_array_new (FALSE, FALSE, sizeof (double));

  return self;
}

BenchChartSeries *
bench_chart_series_ref (BenchChartSeries *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
bench_chart_series_unref (BenchChartSeries *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->name);
  g_free (self->color_key);
  g_clear_pointer (&self->x, g_array_unref);
  g_clear_pointer (&self->y, g_array_unref);
  g_clear_pointer (&self->err_low, g_array_unref);
  g_clear_pointer (&self->err_high, g_array_unref);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_pointer (&self->samples, g_ptr_array_unref);
  g_free (self);
}

const char *
bench_chart_series_get_name (BenchChartSeries *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

const char *
bench_chart_series_get_color_key (BenchChartSeries *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->color_key;
}

gboolean
bench_chart_series_get_show_in_legend (BenchChartSeries *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->show_in_legend;
}

void
bench_chart_series_set_show_in_legend (BenchChartSeries *self,
                                       gboolean          show)
{
  g_return_if_fail (self != NULL);
  self->show_in_legend = !!show;
  self->generation++;
}

/**
 * bench_chart_series_set_rgb:
 *
 * Overrides the palette colour: for series that are ordered steps of one
 * quantity (percentiles, breakdown parts) rather than devices or models.
 */
void
bench_chart_series_set_rgb (BenchChartSeries *self,
                            double            r,
                            double            g,
                            double            b)
{
  g_return_if_fail (self != NULL);
  self->has_rgb = TRUE;
  self->rgb = (BenchChartRgb) { r, g, b };
  self->generation++;
}

/**
 * bench_chart_series_get_rgb:
 * @rgb: (out): the colour set with bench_chart_series_set_rgb()
 *
 * Returns: %TRUE if the series has a colour of its own
 */
gboolean
bench_chart_series_get_rgb (BenchChartSeries *self,
                            double           *r,
                            double           *g,
                            double           *b)
{
  g_return_val_if_fail (self != NULL, FALSE);
  if (!self->has_rgb)
    return FALSE;
  *r = self->rgb.r;
  *g = self->rgb.g;
  *b = self->rgb.b;
  return TRUE;
}

void
bench_chart_series_reserve (BenchChartSeries *self,
                            guint             n_points)
{
  g_return_if_fail (self != NULL);

  /* Growing then shrinking the length keeps the allocation. */
  if (n_points > self->n_points)
    {
      g_array_set_size (self->x, n_points);
      g_array_set_size (self->y, n_points);
      g_array_set_size (self->x, self->n_points);
      g_array_set_size (self->y, self->n_points);
    }
}

guint
bench_chart_series_add (BenchChartSeries *self,
                        double            x,
                        double            y)
{
  return bench_chart_series_add_full (self, x, y, NAN, NAN, NULL);
}

/**
 * bench_chart_series_add_full:
 * @err_low: lower end of the error interval, an absolute value, or NAN
 * @err_high: upper end, or NAN
 * @label: (nullable): what the point is, for tooltips ("bert-base · cpu")
 *
 * Returns: the index of the new point
 */
guint
bench_chart_series_add_full (BenchChartSeries *self,
                             double            x,
                             double            y,
                             double            err_low,
                             double            err_high,
                             const char       *label)
{
  guint index;

  g_return_val_if_fail (self != NULL, 0);

  index = self->n_points++;
  g_array_append_val (self->x, x);
  g_array_append_val (self->y, y);

  if (self->err_low != NULL || !isnan (err_low) || !isnan (err_high))
    {
      double nan = NAN;

      if (self->err_low == NULL)
        {
          self->err_low = g_array_new (FALSE, FALSE, sizeof (double));
          self->err_high = g_array_new (FALSE, FALSE, sizeof (double));
        }
      while (self->err_low->len < index)
        {
          g_array_append_val (self->err_low, nan);
          g_array_append_val (self->err_high, nan);
        }
      g_array_append_val (self->err_low, err_low);
      g_array_append_val (self->err_high, err_high);
    }

  if (self->labels != NULL || label != NULL)
    {
      if (self->labels == NULL)
        self->labels = g_ptr_array_new_with_free_func (g_free);
      while (self->labels->len < index)
        g_ptr_array_add (self->labels, NULL);
      g_ptr_array_add (self->labels, g_strdup (label));
    }

  self->generation++;
  return index;
}

static int
compare_doubles (const void *pa,
                 const void *pb)
{
  double a = *(const double *) pa;
  double b = *(const double *) pb;

  return (a > b) - (a < b);
}

/**
 * bench_chart_series_set_samples:
 * @index: a point
 * @samples: (array length=n_samples): the raw values the point summarises
 *
 * For box plots: the distribution behind point @index. NAN samples are
 * dropped; the rest are kept sorted.
 */
void
bench_chart_series_set_samples (BenchChartSeries *self,
                                guint             index,
                                const double     *samples,
                                guint             n_samples)
{
  GArray *copy;

  g_return_if_fail (self != NULL);
  g_return_if_fail (index < self->n_points);
  g_return_if_fail (samples != NULL || n_samples == 0);

  if (self->samples == NULL)
    self->samples = g_ptr_array_new_with_free_func (free_samples);
  while (self->samples->len <= index)
    g_ptr_array_add (self->samples, NULL);

  copy = g_array_sized_new (FALSE, FALSE, sizeof (double), n_samples);
  for (guint i = 0; i < n_samples; i++)
    if (isfinite (samples[i]))
      g_array_append_val (copy, samples[i]);
  qsort (copy->data, copy->len, sizeof (double), compare_doubles);

  free_samples (g_ptr_array_index (self->samples, index));
  g_ptr_array_index (self->samples, index) = copy;
  self->generation++;
}

guint
bench_chart_series_get_n_points (BenchChartSeries *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_points;
}

double
bench_chart_series_get_x (BenchChartSeries *self,
                          guint             index)
{
  g_return_val_if_fail (self != NULL && index < self->n_points, NAN);
  return g_array_index (self->x, double, index);
}

double
bench_chart_series_get_y (BenchChartSeries *self,
                          guint             index)
{
  g_return_val_if_fail (self != NULL && index < self->n_points, NAN);
  return g_array_index (self->y, double, index);
}

double
bench_chart_series_get_err_low (BenchChartSeries *self,
                                guint             index)
{
  g_return_val_if_fail (self != NULL && index < self->n_points, NAN);
  if (self->err_low == NULL || index >= self->err_low->len)
    return NAN;
  return g_array_index (self->err_low, double, index);
}

double
bench_chart_series_get_err_high (BenchChartSeries *self,
                                 guint             index)
{
  g_return_val_if_fail (self != NULL && index < self->n_points, NAN);
  if (self->err_high == NULL || index >= self->err_high->len)
    return NAN;
  return g_array_index (self->err_high, double, index);
}

const char *
bench_chart_series_get_label (BenchChartSeries *self,
                              guint             index)
{
  g_return_val_if_fail (self != NULL && index < self->n_points, NULL);
  if (self->labels == NULL || index >= self->labels->len)
    return NULL;
  return g_ptr_array_index (self->labels, index);
}

/**
 * bench_chart_series_get_samples:
 * @n_samples: (out): the number of samples
 *
 * Returns: (nullable) (array length=n_samples): the sorted samples of
 *   point @index, or %NULL
 */
const double *
bench_chart_series_get_samples (BenchChartSeries *self,
                                guint             index,
                                guint            *n_samples)
{
  GArray *a;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (n_samples != NULL, NULL);

  *n_samples = 0;
  if (self->samples == NULL || index >= self->samples->len)
    return NULL;
  a = g_ptr_array_index (self->samples, index);
  if (a == NULL)
    return NULL;
  *n_samples = a->len;
  return (const double *) a->data;
}
