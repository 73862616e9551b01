/* bench-chart-palette.h: chart colours, themes and stable series colours
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  BENCH_CHART_THEME_LIGHT,
  BENCH_CHART_THEME_DARK,
} BenchChartTheme;

typedef struct
{
  double r, g, b;
} BenchChartRgb;

typedef struct
{
  BenchChartRgb background;
  BenchChartRgb text;
  BenchChartRgb text_secondary;
  BenchChartRgb grid;
  BenchChartRgb axis;
  BenchChartRgb missing;      /* cells and bars that were not measured */
  BenchChartRgb ceiling;      /* roofline ceilings */
} BenchChartThemeColors;

/* Paul Tol's colour-blind-safe "bright" qualitative palette. */
#define BENCH_CHART_PALETTE_SIZE 7

const BenchChartThemeColors *bench_chart_theme_get_colors (BenchChartTheme theme);

BenchChartRgb bench_chart_palette_color     (guint            index);
guint         bench_chart_palette_hash      (const char      *key);
void          bench_chart_palette_assign    (const char * const *keys,
                                             guint            n_keys,
                                             guint           *slots);
BenchChartRgb bench_chart_sequential_color  (double           t);
BenchChartRgb bench_chart_ramp_color        (guint            index,
                                             guint            n);
double        bench_chart_rgb_luminance     (BenchChartRgb    rgb);

G_END_DECLS
