/* bench-chart-palette.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench-chart-palette.h"

#define RGB(hex) { ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0 }

static const BenchChartThemeColors themes[] = {
  [BENCH_CHART_THEME_LIGHT] = {
    .background = RGB (0xffffff),
    .text = RGB (0x1f2328),
    .text_secondary = RGB (0x5e6670),
    .grid = RGB (0xe6e8eb),
    .axis = RGB (0x8c939c),
    .missing = RGB (0xd9dce0),
    .ceiling = RGB (0x3d4651),
  },
  [BENCH_CHART_THEME_DARK] = {
    .background = RGB (0x1e1e1e),
    .text = RGB (0xf2f2f2),
    .text_secondary = RGB (0xb0b4ba),
    .grid = RGB (0x33363a),
    .axis = RGB (0x6f757d),
    .missing = RGB (0x3a3d41),
    .ceiling = RGB (0xc8ccd2),
  },
};

/* Paul Tol's "bright" qualitative scheme (https://personal.sron.nl/~pault/):
 * distinct for colour-blind readers, and every pair stays apart, which
 * matters because the hashed slots of a chart's devices are arbitrary. */
static const BenchChartRgb palette[BENCH_CHART_PALETTE_SIZE] = {
  RGB (0x4477aa),   /* blue */
  RGB (0xee6677),   /* red */
  RGB (0x228833),   /* green */
  RGB (0xccbb44),   /* yellow */
  RGB (0x66ccee),   /* cyan */
  RGB (0xaa3377),   /* purple */
  RGB (0xbbbbbb),   /* grey */
};

/* Viridis (van der Walt and Smith), sampled at 9 points: perceptually
 * uniform and readable with colour-vision deficiencies and in greyscale. */
static const BenchChartRgb viridis[] = {
  RGB (0x440154), RGB (0x472d7b), RGB (0x3b528b), RGB (0x2c728e), RGB (0x21918c),
  RGB (0x28ae80), RGB (0x5ec962), RGB (0xaadc32), RGB (0xfde725),
};

const BenchChartThemeColors *
bench_chart_theme_get_colors (BenchChartTheme theme)
{
  if ((guint) theme >= G_N_ELEMENTS (themes))
    theme = BENCH_CHART_THEME_LIGHT;
  return &themes[theme];
}

BenchChartRgb
bench_chart_palette_color (guint index)
{
  return palette[index % BENCH_CHART_PALETTE_SIZE];
}

/**
 * bench_chart_palette_hash:
 * @key: a device fingerprint or name, a model name...
 *
 * The preferred palette slot of @key: FNV-1a, so that it is the same on
 * every machine and in every version.
 */
guint
bench_chart_palette_hash (const char *key)
{
  guint32 h = 2166136261u;

  for (const guchar *p = (const guchar *) (key ? key : ""); *p; p++)
    {
      h ^= *p;
      h *= 16777619u;
    }
  return h % BENCH_CHART_PALETTE_SIZE;
}

typedef struct
{
  const char *key;
  guint       index;
} KeyIndex;

static int
compare_key_index (const void *a,
                   const void *b)
{
  return g_strcmp0 (((const KeyIndex *) a)->key, ((const KeyIndex *) b)->key);
}

/**
 * bench_chart_palette_assign:
 * @keys: (array length=n_keys): the colour keys of one chart
 * @n_keys: their number
 * @slots: (out caller-allocates) (array length=n_keys): the slot of each key
 *
 * Gives each distinct key its hashed slot; when two keys want one slot, the
 * later one in byte order takes the next free slot. The outcome depends on
 * the set of keys, not on their order, so a device keeps its colour in
 * every chart where it meets the same company. Slots at or beyond
 * %BENCH_CHART_PALETTE_SIZE mean that the colours ran out: the renderer
 * then varies the marker shape (slot / size). Equal keys get equal slots.
 */
void
bench_chart_palette_assign (const char * const *keys,
                            guint               n_keys,
                            guint              *slots)
{
  g_autofree KeyIndex *sorted = NULL;
  g_autofree guint *used = NULL;   /* how many times a colour is taken */
  const char *prev = NULL;
  guint prev_slot = 0;

  if (n_keys == 0)
    return;

  sorted = g_new (KeyIndex, n_keys);
  for (guint i = 0; i < n_keys; i++)
    sorted[i] = (KeyIndex) { keys[i] ? keys[i] : "", i };
  qsort (sorted, n_keys, sizeof *sorted, compare_key_index);

  used = g_new0 (guint, BENCH_CHART_PALETTE_SIZE);
  for (guint i = 0; i < n_keys; i++)
    {
      guint want, slot = 0, round = 0;

      if (prev != NULL && strcmp (prev, sorted[i].key) == 0)
        {
          slots[sorted[i].index] = prev_slot;
          continue;
        }

      want = bench_chart_palette_hash (sorted[i].key);
      /* The least-used colour, starting at the hashed one. */
      for (round = 0; ; round++)
        {
          gboolean found = FALSE;

          for (guint k = 0; k < BENCH_CHART_PALETTE_SIZE; k++)
            {
              guint c = (want + k) % BENCH_CHART_PALETTE_SIZE;

              if (used[c] == round)
                {
                  slot = c + round * BENCH_CHART_PALETTE_SIZE;
                  used[c]++;
                  found = TRUE;
                  break;
                }
            }
          if (found)
            break;
        }

      slots[sorted[i].index] = slot;
      prev = sorted[i].key;
      prev_slot = slot;
    }
}

/**
 * bench_chart_sequential_color:
 * @t: position in [0, 1]
 *
 * Viridis, linearly interpolated.
 */
BenchChartRgb
bench_chart_sequential_color (double t)
{
  double x;
  guint i;
  double f;

  if (!isfinite (t))
    t = 0;
  t = CLAMP (t, 0.0, 1.0);
  x = t * (G_N_ELEMENTS (viridis) - 1);
  i = MIN ((guint) x, G_N_ELEMENTS (viridis) - 2);
  f = x - i;

  return (BenchChartRgb) {
    viridis[i].r + f * (viridis[i + 1].r - viridis[i].r),
    viridis[i].g + f * (viridis[i + 1].g - viridis[i].g),
    viridis[i].b + f * (viridis[i + 1].b - viridis[i].b),
  };
}

/**
 * bench_chart_ramp_color:
 * @index: the step
 * @n: number of steps
 *
 * @n ordered colours for series that are steps of one quantity (p50, p90,
 * p99...): the middle of viridis, avoiding its darkest and lightest ends.
 */
BenchChartRgb
bench_chart_ramp_color (guint index,
                        guint n)
{
  if (n <= 1)
    return bench_chart_sequential_color (0.35);
  return bench_chart_sequential_color (0.85 - 0.7 * index / (double) (n - 1));
}

/* Relative luminance (WCAG), for picking a readable text colour. */
double
bench_chart_rgb_luminance (BenchChartRgb c)
{
  double v[3] = { c.r, c.g, c.b };

  for (guint i = 0; i < 3; i++)
    v[i] = v[i] <= 0.03928 ? v[i] / 12.92 : pow ((v[i] + 0.055) / 1.055, 2.4);
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}
