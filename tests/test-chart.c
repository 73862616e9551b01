/* test-chart.c: the chart engine and its data adapter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each chart kind is rendered from fixture data to PNG, SVG and PDF; PNGs
 * are compared with tests/data/golden/ with a tolerance for font
 * rasterisation. To regenerate the golden images after a deliberate change
 * (and after looking at them):
 *
 *   BENCH_CHART_UPDATE_GOLDEN=$PWD/tests/data/golden build/tests/test-chart
 *
 * BENCH_CHART_KEEP=DIR keeps every exported file in DIR for inspection.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "bench.h"
#include "bench-chart.h"
#include "bench-chart-data.h"
#include "bench-chart-private.h"

#define GOLDEN_W 640
#define GOLDEN_H 400

/* ------------------------------------------------------------------ */
/* fixtures                                                           */

static const char *devices[] = {
  "Ryzen 7 5800X · CPU",
  "Radeon RX 6700 XT · OpenCL",
  "llvmpipe · Vulkan",
};
static const char *device_keys[] = {
  "fp-cpu-5800x", "fp-ocl-6700xt", "fp-vk-llvmpipe",
};
static const char *models[] = {
  "bert-base", "resnet-50", "gpt2-small", "whisper-tiny", "vit-b-16",
};

/* Median latencies (ms) of a plausible three-device comparison; the
 * second device has no result for whisper-tiny (NAN: not measured). */
static const double latency_ms[3][5] = {
  { 18.4, 31.2, 24.9, 41.7, 36.0 },
  { 4.1, 6.3, 5.6, NAN, 7.9 },
  { 96.5, 171.0, 133.2, 220.4, 188.3 },
};

static BenchChart *
make_bar (void)
{
  BenchChart *chart = bench_chart_new (BENCH_CHART_KIND_BAR);

  bench_chart_set_title (chart, "Median latency by model");
  bench_chart_set_subtitle (chart, "fp32 · batch 1 · seq 128 · 3 devices");
  bench_chart_set_x_axis (chart, "Model", NULL);
  bench_chart_set_y_axis (chart, "Median latency", "ms");
  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    bench_chart_add_category (chart, models[m]);
  for (guint d = 0; d < G_N_ELEMENTS (devices); d++)
    {
      g_autoptr(BenchChartSeries) s = bench_chart_series_new (devices[d], device_keys[d]);

      for (guint m = 0; m < G_N_ELEMENTS (models); m++)
        {
          double v = latency_ms[d][m];

          bench_chart_series_add_full (s, m, v, v * 0.96, v * 1.05, NULL);
        }
      bench_chart_add_series (chart, s);
    }
  bench_chart_add_note (chart, "Error bars: 95% confidence interval of the median.");
  return chart;
}

static BenchChart *
make_line (void)
{
  BenchChart *chart = bench_chart_new (BENCH_CHART_KIND_LINE);
  static const double batches[] = { 1, 2, 4, 8, 16, 32, 64 };

  bench_chart_set_title (chart, "Throughput scaling with batch size");
  bench_chart_set_subtitle (chart, "bert-base · fp32 · seq 128");
  bench_chart_set_x_axis (chart, "Batch size", NULL);
  bench_chart_set_y_axis (chart, "Throughput", "items/s");
  bench_chart_set_log_x (chart, TRUE);
  for (guint d = 0; d < G_N_ELEMENTS (devices); d++)
    {
      g_autoptr(BenchChartSeries) s = bench_chart_series_new (devices[d], device_keys[d]);

      for (guint i = 0; i < G_N_ELEMENTS (batches); i++)
        {
          double peak = (d == 0 ? 420 : d == 1 ? 2900 : 60);
          double v = peak * batches[i] / (batches[i] + (d == 1 ? 12 : 3));

          bench_chart_series_add (s, batches[i], v);
        }
      bench_chart_add_series (chart, s);
    }
  return chart;
}

static BenchChart *
make_trend (void)
{
  BenchChart *chart = bench_chart_new (BENCH_CHART_KIND_LINE);
  static const double lat[] = { 18.9, 18.6, 18.8, 18.4, NAN, 19.7, 21.3, 21.0, 18.5, 18.3 };
  double t0 = 1717200000; /* 2024-06-01 00:00 UTC */

  bench_chart_set_title (chart, "Median latency over time");
  bench_chart_set_subtitle (chart, "bert-base · fp32 · batch 1 · 10 runs");
  bench_chart_set_x_axis (chart, "Run date", NULL);
  bench_chart_set_y_axis (chart, "Median latency", "ms");
  bench_chart_set_x_time (chart, TRUE);
  for (guint d = 0; d < 2; d++)
    {
      g_autoptr(BenchChartSeries) s = bench_chart_series_new (devices[d], device_keys[d]);

      for (guint i = 0; i < G_N_ELEMENTS (lat); i++)
        bench_chart_series_add (s, t0 + i * 86400 * 1.5 + d * 600, d == 0 ? lat[i] : lat[i] / 4.3);
      bench_chart_add_series (chart, s);
    }
  return chart;
}

static BenchChart *
make_scatter (void)
{
  BenchChart *chart = bench_chart_new (BENCH_CHART_KIND_SCATTER);
  static const struct { const char *model; double mem_mb, tput; } pts[] = {
    { "bert-base", 612, 54 }, { "bert-base", 640, 240 }, { "bert-base", 1180, 12 },
    { "resnet-50", 410, 32 }, { "resnet-50", 520, 158 }, { "resnet-50", 980, 6 },
    { "gpt2-small", 700, 40 }, { "gpt2-small", 760, 178 }, { "gpt2-small", 1400, 8 },
    { "whisper-tiny", 220, 24 }, { "whisper-tiny", 300, 96 },
    { "vit-b-16", 530, 28 }, { "vit-b-16", 610, 126 }, { "vit-b-16", 1020, 5 },
  };

  bench_chart_set_title (chart, "Memory against throughput");
  bench_chart_set_subtitle (chart, "fp32 · batch 1 · all devices");
  bench_chart_set_x_axis (chart, "Peak memory", "MB");
  bench_chart_set_y_axis (chart, "Throughput", "items/s");
  bench_chart_set_pareto (chart, TRUE, BENCH_CHART_BETTER_LOWER, BENCH_CHART_BETTER_HIGHER);
  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      g_autoptr(BenchChartSeries) s = bench_chart_series_new (models[m], models[m]);

      for (guint i = 0; i < G_N_ELEMENTS (pts); i++)
        if (strcmp (pts[i].model, models[m]) == 0)
          bench_chart_series_add_full (s, pts[i].mem_mb, pts[i].tput, NAN, NAN, pts[i].model);
      bench_chart_add_series (chart, s);
    }
  return chart;
}

static BenchChart *
make_heatmap (void)
{
  BenchChart *chart = bench_chart_new (BENCH_CHART_KIND_HEATMAP);

  bench_chart_set_title (chart, "Median latency, model × device");
  bench_chart_set_subtitle (chart, "fp32 · batch 1");
  bench_chart_set_x_axis (chart, "Device", NULL);
  bench_chart_set_y_axis (chart, "Median latency", "ms");
  bench_chart_set_log_y (chart, TRUE);
  for (guint d = 0; d < G_N_ELEMENTS (devices); d++)
    bench_chart_add_category (chart, devices[d]);
  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      g_autoptr(BenchChartSeries) s = bench_chart_series_new (models[m], models[m]);

      for (guint d = 0; d < G_N_ELEMENTS (devices); d++)
        bench_chart_series_add (s, d, latency_ms[d][m]);
      bench_chart_add_series (chart, s);
    }
  return chart;
}

static BenchChart *
make_radar (void)
{
  BenchChart *chart = bench_chart_new (BENCH_CHART_KIND_RADAR);
  static const char *metrics[] = { "Throughput", "GFLOP/s", "Latency (inv.)", "Memory (inv.)", "First token (inv.)" };
  static const double v[3][5] = {
    { 0.14, 0.18, 0.22, 1.0, 0.3 },
    { 1.0, 1.0, 1.0, 0.62, 1.0 },
    { 0.05, 0.04, 0.04, 0.81, NAN },
  };

  bench_chart_set_title (chart, "Device profile");
  bench_chart_set_subtitle (chart, "bert-base · fp32 · batch 8 · 1 = best device");
  for (guint a = 0; a < G_N_ELEMENTS (metrics); a++)
    bench_chart_add_category (chart, metrics[a]);
  for (guint d = 0; d < G_N_ELEMENTS (devices); d++)
    {
      g_autoptr(BenchChartSeries) s = bench_chart_series_new (devices[d], device_keys[d]);

      for (guint a = 0; a < G_N_ELEMENTS (metrics); a++)
        bench_chart_series_add_full (s, a, v[d][a], NAN, NAN, "raw value");
      bench_chart_add_series (chart, s);
    }
  return chart;
}

static BenchChart *
make_box (void)
{
  BenchChart *chart = bench_chart_new (BENCH_CHART_KIND_BOX);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  bench_chart_set_title (chart, "Latency distribution");
  bench_chart_set_subtitle (chart, "fp32 · batch 1 · 200 samples per configuration");
  bench_chart_set_x_axis (chart, "Model", NULL);
  bench_chart_set_y_axis (chart, "Latency", "ms");
  for (guint m = 0; m < 3; m++)
    bench_chart_add_category (chart, models[m]);
  for (guint d = 0; d < 2; d++)
    {
      g_autoptr(BenchChartSeries) s = bench_chart_series_new (devices[d], device_keys[d]);

      for (guint m = 0; m < 3; m++)
        {
          double samples[200];
          double base = latency_ms[d][m];
          guint j;

          for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
            {
              /* A skewed distribution with a few slow outliers. */
              double u = g_rand_double (rand);
              samples[i] = base * (1 + 0.04 * g_rand_double_range (rand, -1, 1) + 0.08 * u * u * u);
              if (i % 53 == 7)
                samples[i] = base * 1.35;
            }
          j = bench_chart_series_add (s, m, NAN);
          bench_chart_series_set_samples (s, j, samples, G_N_ELEMENTS (samples));
        }
      bench_chart_add_series (chart, s);
    }
  return chart;
}

static BenchChart *
make_stacked (void)
{
  BenchChart *chart = bench_chart_new (BENCH_CHART_KIND_STACKED);
  static const char *parts[] = { "Weights", "Activations", "Workspace" };
  static const double mb[4][3] = {
    { 438, 96, 32 }, { 102, 210, 64 }, { 548, 120, 48 }, { 151, 60, 16 },
  };

  bench_chart_set_title (chart, "Memory breakdown");
  bench_chart_set_subtitle (chart, "Ryzen 7 5800X · fp32 · batch 8");
  bench_chart_set_x_axis (chart, "Model", NULL);
  bench_chart_set_y_axis (chart, "Memory", "MB");
  for (guint m = 0; m < 4; m++)
    bench_chart_add_category (chart, models[m]);
  for (guint p = 0; p < G_N_ELEMENTS (parts); p++)
    {
      g_autoptr(BenchChartSeries) s = bench_chart_series_new (parts[p], parts[p]);
      BenchChartRgb c = bench_chart_ramp_color (p, G_N_ELEMENTS (parts));

      bench_chart_series_set_rgb (s, c.r, c.g, c.b);
      for (guint m = 0; m < 4; m++)
        bench_chart_series_add (s, m, mb[m][p]);
      bench_chart_add_series (chart, s);
    }
  return chart;
}

static BenchChart *
make_percentiles (void)
{
  BenchChart *chart = bench_chart_new (BENCH_CHART_KIND_PERCENTILES);
  static const char *stats[] = { "mean", "p50", "p90", "p95", "p99" };
  static const double f[] = { 1.04, 1.0, 1.09, 1.14, 1.31 };

  bench_chart_set_title (chart, "Latency percentiles");
  bench_chart_set_subtitle (chart, "fp32 · batch 1");
  bench_chart_set_y_axis (chart, "Latency", "ms");
  for (guint m = 0; m < 4; m++)
    {
      g_autofree char *cat = g_strdup_printf ("%s · %s", models[m], "Ryzen 7 5800X");

      bench_chart_add_category (chart, cat);
    }
  for (guint k = 0; k < G_N_ELEMENTS (stats); k++)
    {
      g_autoptr(BenchChartSeries) s = bench_chart_series_new (stats[k], stats[k]);
      BenchChartRgb c = bench_chart_ramp_color (k, G_N_ELEMENTS (stats));

      bench_chart_series_set_rgb (s, c.r, c.g, c.b);
      for (guint m = 0; m < 4; m++)
        bench_chart_series_add (s, m, latency_ms[0][m] * f[k]);
      bench_chart_add_series (chart, s);
    }
  return chart;
}

static BenchChart *
make_roofline (void)
{
  BenchChart *chart = bench_chart_new (BENCH_CHART_KIND_ROOFLINE);
  static const struct { guint d; double ai, gflops; const char *label; } pts[] = {
    { 0, 0.08, 3.1, "stream-triad" }, { 0, 12, 180, "gemm 512" }, { 0, 40, 610, "gemm 2048" },
    { 0, 2.5, 38, "bert-base" }, { 1, 0.08, 25, "stream-triad" }, { 1, 40, 5200, "gemm 2048" },
    { 1, 2.5, 310, "bert-base" }, { 2, 12, 14, "gemm 512" },
  };

  bench_chart_set_title (chart, "Roofline");
  bench_chart_set_subtitle (chart, "fp32 · achieved GFLOP/s under measured ceilings");
  bench_chart_set_x_axis (chart, "Arithmetic intensity", "FLOP/byte");
  bench_chart_set_y_axis (chart, "Performance", "GFLOP/s");
  for (guint d = 0; d < G_N_ELEMENTS (devices); d++)
    {
      g_autoptr(BenchChartSeries) s = bench_chart_series_new (devices[d], device_keys[d]);

      for (guint i = 0; i < G_N_ELEMENTS (pts); i++)
        if (pts[i].d == d)
          bench_chart_series_add_full (s, pts[i].ai, pts[i].gflops, NAN, NAN, pts[i].label);
      bench_chart_add_series (chart, s);
    }
  bench_chart_add_ceiling (chart, devices[0], device_keys[0], 820, 38);
  bench_chart_add_ceiling (chart, devices[1], device_keys[1], 9800, 330);
  bench_chart_add_ceiling (chart, devices[2], device_keys[2], NAN, NAN);
  return chart;
}

typedef BenchChart *(*MakeChart) (void);

static const struct
{
  const char *name;
  MakeChart   make;
} fixtures[] = {
  { "bar", make_bar },
  { "line", make_line },
  { "trend", make_trend },
  { "scatter", make_scatter },
  { "heatmap", make_heatmap },
  { "radar", make_radar },
  { "box", make_box },
  { "stacked", make_stacked },
  { "percentiles", make_percentiles },
  { "roofline", make_roofline },
};

/* ------------------------------------------------------------------ */
/* helpers                                                            */

static char *
out_dir (void)
{
  const char *keep = g_getenv ("BENCH_CHART_KEEP");
  g_autoptr(GError) error = NULL;
  char *dir;

  if (keep != NULL)
    {
      g_mkdir_with_parents (keep, 0755);
      return g_strdup (keep);
    }
  dir = g_dir_make_tmp ("test-chart-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = NULL;
  const char *name;

  if (g_getenv ("BENCH_CHART_KEEP") != NULL)
    return;
  d = g_dir_open (dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Fraction of pixels whose colour differs by more than 48 (of 255) in
 * some channel: text rasterised with another FreeType or font version
 * moves a few percent of pixels; a missing series, axis or legend moves
 * more. */
static double
png_difference (const char *a,
                const char *b)
{
  cairo_surface_t *sa = cairo_image_surface_create_from_png (a);
  cairo_surface_t *sb = cairo_image_surface_create_from_png (b);
  int w, h, stride_a, stride_b;
  guint64 differ = 0;
  const guchar *pa, *pb;

  g_assert_cmpint (cairo_surface_status (sa), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_surface_status (sb), ==, CAIRO_STATUS_SUCCESS);
  w = cairo_image_surface_get_width (sa);
  h = cairo_image_surface_get_height (sa);
  g_assert_cmpint (w, ==, cairo_image_surface_get_width (sb));
  g_assert_cmpint (h, ==, cairo_image_surface_get_height (sb));

  pa = cairo_image_surface_get_data (sa);
  pb = cairo_image_surface_get_data (sb);
  stride_a = cairo_image_surface_get_stride (sa);
  stride_b = cairo_image_surface_get_stride (sb);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guchar *qa = pa + y * stride_a + 4 * x, *qb = pb + y * stride_b + 4 * x;

        for (int c = 0; c < 4; c++)
          if (ABS ((int) qa[c] - (int) qb[c]) > 48)
            {
              differ++;
              break;
            }
      }

  cairo_surface_destroy (sa);
  cairo_surface_destroy (sb);
  return differ / (double) (w * h);
}

static gboolean
file_starts_with (const char *path,
                  const char *prefix)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return FALSE;
  return len > strlen (prefix) && memcmp (contents, prefix, strlen (prefix)) == 0;
}

/* Renders @chart into a fresh ARGB image and returns it. */
static cairo_surface_t *
render_image (BenchChart *chart,
              int         w,
              int         h)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (surface);

  bench_chart_render (chart, cr, w, h);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static guint32
pixel_at (cairo_surface_t *surface,
          int              x,
          int              y)
{
  const guchar *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  return *(const guint32 *) (data + y * stride + 4 * x) & 0xffffff;
}

/* Counts pixels of roughly colour @rgb (a palette colour): how much of a
 * series was drawn. */
static guint
count_color (cairo_surface_t *surface,
             BenchChartRgb    rgb)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  guint n = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 p = pixel_at (surface, x, y);
        int r = p >> 16 & 0xff, g = p >> 8 & 0xff, b = p & 0xff;

        if (ABS (r - (int) (rgb.r * 255)) < 12 && ABS (g - (int) (rgb.g * 255)) < 12 &&
            ABS (b - (int) (rgb.b * 255)) < 12)
          n++;
      }
  return n;
}

/* ------------------------------------------------------------------ */
/* ticks and formatting                                               */

static void
assert_ticks_sane (const BenchChartTicks *t,
                   double                 lo,
                   double                 hi)
{
  g_assert_cmpuint (t->n, >=, 2);
  g_assert_cmpuint (t->n, <=, BENCH_CHART_MAX_TICKS);
  g_assert_true (isfinite (t->min) && isfinite (t->max));
  g_assert_cmpfloat (t->min, <=, lo);
  g_assert_cmpfloat (t->max, >=, hi);
  for (guint i = 0; i < t->n; i++)
    {
      g_assert_true (isfinite (t->values[i]));
      if (i > 0)
        g_assert_cmpfloat (t->values[i], >, t->values[i - 1]);
    }
}

/* An axis that counts (the run view's iterations): three points get the
 * ticks 1, 2, 3, not 1.5 and 2.5; without the flag they would. */
static void
test_ticks_integer (void)
{
  g_autoptr(BenchChart) chart = bench_chart_new (BENCH_CHART_KIND_LINE);
  g_autoptr(BenchChartSeries) s = bench_chart_series_new ("latency", "cpu");
  BenchChartTicks t;
  gboolean fraction = FALSE;

  bench_chart_series_add (s, 1, 24.5);
  bench_chart_series_add (s, 2, 24.2);
  bench_chart_series_add (s, 3, 31.8);
  bench_chart_add_series (chart, g_steal_pointer (&s));

  g_assert_true (bench_chart_get_x_ticks (chart, 800, 300, &t));
  for (guint i = 0; i < t.n; i++)
    fraction |= t.values[i] != floor (t.values[i]);
  g_assert_true (fraction);

  bench_chart_set_x_integer (chart, TRUE);
  g_assert_true (bench_chart_get_x_ticks (chart, 800, 300, &t));
  g_assert_cmpfloat (t.step, ==, 1.0);
  g_assert_cmpuint (t.n, >=, 3);
  for (guint i = 0; i < t.n; i++)
    g_assert_cmpfloat (t.values[i], ==, floor (t.values[i]));
  g_assert_cmpfloat (t.min, <=, 1.0);
  g_assert_cmpfloat (t.max, >=, 3.0);
}

static void
test_ticks_linear (void)
{
  BenchChartTicks t;

  g_assert_true (bench_chart_ticks_linear (&t, 0, 1, 6));
  g_assert_cmpfloat (t.min, ==, 0);
  g_assert_cmpfloat (t.max, ==, 1);
  g_assert_cmpfloat_with_epsilon (t.step, 0.2, 1e-12);
  g_assert_cmpuint (t.n, ==, 6);

  g_assert_true (bench_chart_ticks_linear (&t, 0, 97, 6));
  g_assert_cmpfloat (t.min, ==, 0);
  g_assert_cmpfloat (t.max, ==, 100);
  g_assert_cmpfloat (t.step, ==, 20);

  /* Steps are 1, 2, 2.5 or 5 times a power of ten. */
  g_assert_true (bench_chart_ticks_linear (&t, 3.7, 1234.5, 5));
  assert_ticks_sane (&t, 3.7, 1234.5);
  {
    double m = t.step / pow (10, floor (log10 (t.step)));

    g_assert_true (fabs (m - 1) < 1e-9 || fabs (m - 2) < 1e-9 || fabs (m - 2.5) < 1e-9 ||
                   fabs (m - 5) < 1e-9);
  }

  /* negative, crossing zero: zero is a tick, exactly */
  g_assert_true (bench_chart_ticks_linear (&t, -3.2, 7.9, 6));
  assert_ticks_sane (&t, -3.2, 7.9);
  {
    gboolean has_zero = FALSE;

    for (guint i = 0; i < t.n; i++)
      has_zero |= t.values[i] == 0.0 && !signbit (t.values[i]);
    g_assert_true (has_zero);
  }

  /* all equal */
  g_assert_true (bench_chart_ticks_linear (&t, 5, 5, 5));
  assert_ticks_sane (&t, 5, 5);
  g_assert_cmpfloat (t.min, <, 5);
  g_assert_cmpfloat (t.max, >, 5);
  g_assert_true (bench_chart_ticks_linear (&t, 0, 0, 5));
  assert_ticks_sane (&t, 0, 0);

  /* tiny span far from zero */
  g_assert_true (bench_chart_ticks_linear (&t, 1.0000001, 1.0000002, 5));
  assert_ticks_sane (&t, 1.0000001, 1.0000002);
  g_assert_cmpuint (t.n, <=, 8);

  /* huge ranges stay finite */
  g_assert_true (bench_chart_ticks_linear (&t, 1e-6, 1e12, 6));
  assert_ticks_sane (&t, 1e-6, 1e12);
  g_assert_true (bench_chart_ticks_linear (&t, -1e308, 1e308, 6));
  g_assert_cmpuint (t.n, >=, 2);
  for (guint i = 0; i < t.n; i++)
    g_assert_true (isfinite (t.values[i]));

  g_assert_false (bench_chart_ticks_linear (&t, NAN, 1, 5));
  g_assert_false (bench_chart_ticks_linear (&t, 0, INFINITY, 5));
}

static void
test_ticks_log (void)
{
  BenchChartTicks t;

  g_assert_true (bench_chart_ticks_log (&t, 1, 1e6, 8));
  assert_ticks_sane (&t, 1, 1e6);
  g_assert_cmpfloat (t.values[0], ==, 1);
  g_assert_cmpfloat_with_epsilon (t.values[t.n - 1], 1e6, 1e-3);
  for (guint i = 1; i < t.n; i++)
    g_assert_cmpfloat_with_epsilon (t.values[i] / t.values[i - 1], 10, 1e-9);

  /* many decades: every k-th */
  g_assert_true (bench_chart_ticks_log (&t, 1e-9, 1e12, 6));
  assert_ticks_sane (&t, 1e-9, 1e12);
  g_assert_cmpuint (t.n, <=, 8);

  /* two decades: 1-2-5 */
  g_assert_true (bench_chart_ticks_log (&t, 3, 80, 8));
  assert_ticks_sane (&t, 3, 80);
  g_assert_cmpfloat (t.min, ==, 2);
  g_assert_cmpfloat (t.max, ==, 100);

  /* inside one 1-2-5 step: linear steps */
  g_assert_true (bench_chart_ticks_log (&t, 3.1, 3.9, 5));
  assert_ticks_sane (&t, 3.1, 3.9);
  g_assert_cmpuint (t.n, >=, 3);

  g_assert_false (bench_chart_ticks_log (&t, -1, 10, 5));
  g_assert_false (bench_chart_ticks_log (&t, 0, 0, 5));
}

static void
test_ticks_time (void)
{
  BenchChartTicks t;
  double t0 = 1717200000;

  g_assert_true (bench_chart_ticks_time (&t, t0, t0 + 14 * 86400, 6));
  g_assert_cmpfloat (t.step, >=, 86400);
  g_assert_cmpuint (t.n, >=, 2);
  g_assert_cmpuint (t.n, <=, 8);
  for (guint i = 0; i < t.n; i++)
    {
      g_assert_cmpfloat (t.values[i], >=, t0);
      g_assert_cmpfloat (t.values[i], <=, t0 + 14 * 86400);
    }

  g_assert_true (bench_chart_ticks_time (&t, t0, t0 + 90, 5));
  g_assert_cmpfloat (t.step, <=, 30);
}

static void
assert_format (char       *got,
               const char *expected)
{
  g_assert_cmpstr (got, ==, expected);
  g_free (got);
}

static void
test_format (void)
{
  assert_format (bench_chart_format_tick (0, 0.5), "0");
  assert_format (bench_chart_format_tick (1.5, 0.5), "1.5");
  assert_format (bench_chart_format_tick (2, 0.5), "2");
  assert_format (bench_chart_format_tick (0.25, 0.05), "0.25");
  assert_format (bench_chart_format_tick (500000, 500000), "500k");
  assert_format (bench_chart_format_tick (1500000, 500000), "1.5M");
  assert_format (bench_chart_format_tick (1e9, 0), "1G");
  assert_format (bench_chart_format_tick (2e-5, 1e-5), "20\302\265");
  assert_format (bench_chart_format_tick (-20, 10), "\342\210\222" "20");
  assert_format (bench_chart_format_tick (0.1 + 0.2, 0.1), "0.3");
  assert_format (bench_chart_format_value (12345), "12.3k");
  assert_format (bench_chart_format_value (0.5), "0.5");
  assert_format (bench_chart_format_value (18.4), "18.4");
  assert_format (bench_chart_format_value (171.04), "171");
  assert_format (bench_chart_format_value (NAN), "n/a");
}

static void
test_palette (void)
{
  const char *a[] = { "fp-cpu-5800x", "fp-ocl-6700xt", "fp-vk-llvmpipe", "fp-cpu-5800x" };
  const char *b[] = { "fp-vk-llvmpipe", "fp-cpu-5800x", "fp-ocl-6700xt" };
  const char *many[10] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j" };
  guint sa[4], sb[3], sm[10];

  /* The colour of a key depends on the set of keys, not their order. */
  bench_chart_palette_assign (a, 4, sa);
  bench_chart_palette_assign (b, 3, sb);
  g_assert_cmpuint (sa[0], ==, sb[1]);
  g_assert_cmpuint (sa[1], ==, sb[2]);
  g_assert_cmpuint (sa[2], ==, sb[0]);
  g_assert_cmpuint (sa[0], ==, sa[3]);
  g_assert_cmpuint (sa[0], !=, sa[1]);
  g_assert_cmpuint (sa[1], !=, sa[2]);
  g_assert_cmpuint (sa[0], !=, sa[2]);

  /* Alone, a key takes its hashed colour: the same in every chart. */
  bench_chart_palette_assign (a, 1, sa);
  g_assert_cmpuint (sa[0], ==, bench_chart_palette_hash ("fp-cpu-5800x"));

  /* Past the palette, slots stay distinct (shapes vary). */
  bench_chart_palette_assign (many, 10, sm);
  for (guint i = 0; i < 10; i++)
    for (guint j = i + 1; j < 10; j++)
      g_assert_cmpuint (sm[i], !=, sm[j]);
}

/* ------------------------------------------------------------------ */
/* rendering                                                          */

static void
test_render_fixture (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);
  g_autoptr(BenchChart) chart = fixtures[i].make ();
  g_autofree char *dir = out_dir ();
  const char *update = g_getenv ("BENCH_CHART_UPDATE_GOLDEN");
  static const char *exts[] = { "png", "svg", "pdf" };

  for (guint t = 0; t < 2; t++)
    {
      bench_chart_set_theme (chart, t == 0 ? BENCH_CHART_THEME_LIGHT : BENCH_CHART_THEME_DARK);

      for (guint e = 0; e < G_N_ELEMENTS (exts); e++)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *name = g_strdup_printf ("%s-%s.%s", fixtures[i].name, t ? "dark" : "light", exts[e]);
          g_autofree char *path = g_build_filename (dir, name, NULL);

          g_assert_true (bench_chart_export (chart, path, BENCH_CHART_FORMAT_AUTO,
                                             GOLDEN_W, GOLDEN_H, 1, &error));
          g_assert_no_error (error);

          if (e == 0)
            {
              g_autofree char *golden = NULL;

              g_assert_true (file_starts_with (path, "\211PNG"));
              if (update != NULL)
                {
                  g_autofree char *dest = g_build_filename (update, name, NULL);
                  g_autofree char *contents = NULL;
                  gsize len;

                  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
                  g_assert_true (g_file_set_contents (dest, contents, len, NULL));
                  continue;
                }
              golden = g_test_build_filename (G_TEST_DIST, "data", "golden", name, NULL);
              if (!g_file_test (golden, G_FILE_TEST_EXISTS))
                {
                  g_test_fail_printf ("golden image %s is missing", golden);
                  continue;
                }
              {
                double diff = png_difference (path, golden);

                g_test_message ("%s: %.3f%% of pixels differ from the golden image", name, 100 * diff);
                if (diff > 0.02)
                  g_test_fail_printf ("%s differs from %s in %.2f%% of its pixels (more than 2%%)",
                                      path, golden, 100 * diff);
              }
            }
          else if (e == 1)
            {
              g_autofree char *rsvg = g_find_program_in_path ("rsvg-convert");

              g_assert_true (file_starts_with (path, "<?xml"));
              /* The SVG must render with rsvg-convert. */
              if (rsvg != NULL)
                {
                  g_autofree char *png = g_strconcat (path, ".png", NULL);
                  g_autofree char *cmd = g_strdup_printf ("%s -o %s %s", rsvg, png, path);
                  g_autofree char *err = NULL;
                  int status = 0;

                  g_assert_true (g_spawn_command_line_sync (cmd, NULL, &err, &status, NULL));
                  g_assert_true (g_spawn_check_wait_status (status, NULL));
                  g_assert_true (file_starts_with (png, "\211PNG"));
                  /* Same picture as the PNG export, give or take text. */
                  if (t == 0)
                    {
                      g_autofree char *direct = g_build_filename (dir, name, NULL);

                      direct[strlen (direct) - 3] = '\0';
                      strcat (direct, "png");
                      g_assert_cmpfloat (png_difference (png, direct), <, 0.04);
                    }
                  g_unlink (png);
                }
            }
          else
            g_assert_true (file_starts_with (path, "%PDF"));
        }
    }

  remove_dir (dir);
}

static void
test_render_scale (void)
{
  g_autoptr(BenchChart) chart = make_bar ();
  g_autofree char *dir = out_dir ();
  g_autofree char *path = g_build_filename (dir, "bar-2x.png", NULL);
  g_autoptr(GError) error = NULL;
  cairo_surface_t *s;

  g_assert_true (bench_chart_export (chart, path, BENCH_CHART_FORMAT_PNG, 320, 200, 2, &error));
  g_assert_no_error (error);
  s = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 640);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, 400);
  cairo_surface_destroy (s);
  g_unlink (path);
  remove_dir (dir);
}

static void
test_export_errors (void)
{
  g_autoptr(BenchChart) chart = make_bar ();
  g_autoptr(GError) error = NULL;

  g_assert_false (bench_chart_export (chart, "/tmp/chart.jpg", BENCH_CHART_FORMAT_AUTO, 640, 400, 1, &error));
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, ".png"));
  g_clear_error (&error);

  g_assert_false (bench_chart_export (chart, "/nonexistent-dir/chart.png", BENCH_CHART_FORMAT_AUTO, 640, 400, 1, &error));
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "/nonexistent-dir/chart.png"));
  g_clear_error (&error);

  g_assert_false (bench_chart_export (chart, "/tmp/chart.svg", BENCH_CHART_FORMAT_AUTO, 0, 400, 1, &error));
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT);
}

static void
test_theme (void)
{
  g_autoptr(BenchChart) chart = make_bar ();
  cairo_surface_t *light, *dark;

  light = render_image (chart, 400, 300);
  bench_chart_set_theme (chart, BENCH_CHART_THEME_DARK);
  dark = render_image (chart, 400, 300);
  g_assert_cmphex (pixel_at (light, 2, 2), ==, 0xffffff);
  g_assert_cmphex (pixel_at (dark, 2, 2), ==, 0x1e1e1e);
  cairo_surface_destroy (light);
  cairo_surface_destroy (dark);
}

/* Each device keeps its colour from chart to chart. */
static void
test_stable_colors (void)
{
  g_autoptr(BenchChart) bar = make_bar ();
  g_autoptr(BenchChart) line = make_line ();
  BenchChartSeries *s = bench_chart_get_series (bar, 1);
  guint slots[3];
  const char *keys[3] = { device_keys[0], device_keys[1], device_keys[2] };
  cairo_surface_t *a, *b;
  BenchChartRgb color;

  bench_chart_palette_assign (keys, 3, slots);
  color = bench_chart_palette_color (slots[1]);
  g_assert_cmpstr (bench_chart_series_get_color_key (s), ==, device_keys[1]);

  a = render_image (bar, 640, 400);
  b = render_image (line, 640, 400);
  g_assert_cmpuint (count_color (a, color), >, 500);   /* its bars */
  g_assert_cmpuint (count_color (b, color), >, 100);   /* its line */
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
}

static void
test_empty (void)
{
  g_autoptr(BenchChart) chart = bench_chart_new (BENCH_CHART_KIND_BAR);
  g_autoptr(BenchChartSeries) s = bench_chart_series_new ("cpu", "cpu");
  BenchChartHit hit;
  cairo_surface_t *img;

  bench_chart_set_title (chart, "Median latency by model");
  g_assert_true (bench_chart_is_empty (chart));
  bench_chart_add_category (chart, "bert-base");
  /* A value that was not measured is not data. */
  bench_chart_series_add (s, 0, NAN);
  bench_chart_add_series (chart, s);
  g_assert_true (bench_chart_is_empty (chart));
  bench_chart_set_empty_message (chart, "No results match --model bert-base --device opencl:0.");

  img = render_image (chart, 400, 300);
  g_assert_false (bench_chart_hit_test (chart, 400, 300, 200, 150, &hit));
  g_assert_cmpint (hit.series, ==, -1);
  cairo_surface_destroy (img);

  for (guint k = 0; k < BENCH_CHART_N_KINDS; k++)
    {
      bench_chart_set_kind (chart, k);
      img = render_image (chart, 300, 200);
      cairo_surface_destroy (img);
    }
}

static BenchChart *
edge_chart (BenchChartKind  kind,
            const double   *x,
            const double   *y,
            guint           n)
{
  BenchChart *chart = bench_chart_new (kind);
  g_autoptr(BenchChartSeries) s = bench_chart_series_new ("series", "key");

  for (guint i = 0; i < n; i++)
    {
      bench_chart_series_add (s, x[i], y[i]);
      if (kind == BENCH_CHART_KIND_BOX)
        bench_chart_series_set_samples (s, i, &y[i], 1);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *c = g_strdup_printf ("c%u", i);
      bench_chart_add_category (chart, c);
    }
  bench_chart_add_series (chart, s);
  bench_chart_set_y_axis (chart, "Value", "u");
  return chart;
}

static void
test_edge_cases (void)
{
  static const double idx[] = { 0, 1, 2, 3, 4 };
  static const double single[] = { 42 };
  static const double equal[] = { 7, 7, 7, 7, 7 };
  static const double negative[] = { -5, -12.5, 3, -0.25, -40 };
  static const double huge[] = { 1e-9, 3e-3, 5, 2e6, 8e15 };
  static const double zeros[] = { 0, 0, 0, 0, 0 };
  const struct { const double *y; guint n; } sets[] = {
    { single, 1 }, { equal, 5 }, { negative, 5 }, { huge, 5 }, { zeros, 5 },
  };

  for (guint k = 0; k < BENCH_CHART_N_KINDS; k++)
    for (guint d = 0; d < G_N_ELEMENTS (sets); d++)
      for (guint lg = 0; lg < 2; lg++)
        {
          g_autoptr(BenchChart) chart = edge_chart (k, idx, sets[d].y, sets[d].n);
          cairo_surface_t *img;
          BenchChartHit hit;

          bench_chart_set_log_y (chart, lg);
          img = render_image (chart, 480, 320);
          /* Something was drawn beyond the background, and the hit test
           * on the first datum's column finds only real points. */
          if (bench_chart_hit_test (chart, 480, 320, hit.anchor_x = 240, 160, &hit))
            {
              g_assert_cmpint (hit.series, ==, 0);
              g_assert_cmpint (hit.index, >=, 0);
              g_assert_cmpint (hit.index, <, (int) sets[d].n);
            }
          cairo_surface_destroy (img);
        }
}

/* Bars start at zero, and negative bars go down from it. */
static void
test_zero_baseline (void)
{
  static const double idx[] = { 0, 1 };
  static const double v[] = { 100, 110 };
  static const double neg[] = { -50, 80 };
  g_autoptr(BenchChart) chart = edge_chart (BENCH_CHART_KIND_BAR, idx, v, 2);
  g_autoptr(BenchChart) chart2 = edge_chart (BENCH_CHART_KIND_BAR, idx, neg, 2);
  BenchChartHit a, b;

  g_assert_true (bench_chart_hit_test (chart, 400, 300, 0, 0, &a) == FALSE);
  /* Find both bars by scanning their row. */
  for (double x = 0; x < 400; x += 1)
    if (bench_chart_hit_test (chart, 400, 300, x, 200, &a) && a.index == 0)
      break;
  for (double x = 0; x < 400; x += 1)
    if (bench_chart_hit_test (chart, 400, 300, x, 200, &b) && b.index == 1)
      break;
  g_assert_cmpint (a.index, ==, 0);
  g_assert_cmpint (b.index, ==, 1);
  /* 100 vs 110 from a zero baseline: heights in proportion 10:11, not a
   * truncated axis that exaggerates the difference. */
  {
    cairo_surface_t *img = render_image (chart, 400, 300);
    int base_y = -1;
    int top_a = -1, top_b = -1;
    BenchChartRgb c = bench_chart_palette_color (bench_chart_palette_hash ("key"));
    guint32 want = ((guint32) lround (c.r * 255) << 16) | ((guint32) lround (c.g * 255) << 8) |
                   (guint32) lround (c.b * 255);

    for (int y = 0; y < 300; y++)
      {
        if (top_a < 0 && pixel_at (img, (int) a.anchor_x, y) == want)
          top_a = y;
        if (top_b < 0 && pixel_at (img, (int) b.anchor_x, y) == want)
          top_b = y;
        if (pixel_at (img, (int) a.anchor_x, y) == want)
          base_y = y;
      }
    g_assert_cmpint (top_a, >, 0);
    g_assert_cmpint (top_b, >, 0);
    g_assert_cmpfloat_with_epsilon ((base_y - top_a) / (double) (base_y - top_b), 100.0 / 110.0, 0.02);
    cairo_surface_destroy (img);
  }

  for (double x = 0; x < 400; x += 1)
    if (bench_chart_hit_test (chart2, 400, 300, x, 150, &a) && a.index == 0)
      break;
  g_assert_cmpint (a.index, ==, 0);
  g_assert_cmpfloat (a.y, ==, -50);
}

static void
test_hit_test (void)
{
  g_autoptr(BenchChart) bar = make_bar ();
  g_autoptr(BenchChart) scatter = make_scatter ();
  g_autoptr(BenchChart) heat = make_heatmap ();
  g_autofree char *text = NULL;
  BenchChartHit hit, again;

  /* Scan the bar chart's middle row: every bar found is one of ours and
   * its anchor leads back to it. */
  {
    guint found = 0;

    for (double x = 0; x < 640; x += 2)
      if (bench_chart_hit_test (bar, 640, 400, x, 300, &hit))
        {
          g_assert_true (bench_chart_hit_test (bar, 640, 400, hit.anchor_x, 300, &again));
          g_assert_cmpint (again.series, ==, hit.series);
          g_assert_cmpint (again.index, ==, hit.index);
          if (isnan (latency_ms[hit.series][hit.index]))
            g_assert_true (isnan (hit.y));
          else
            g_assert_cmpfloat (hit.y, ==, latency_ms[hit.series][hit.index]);
          found++;
        }
    g_assert_cmpuint (found, >, 10);
  }

  g_assert_true (bench_chart_hit_test (bar, 640, 400, 340, 300, &hit));
  text = bench_chart_describe_hit (bar, &hit);
  g_assert_nonnull (strstr (text, "ms"));
  g_assert_nonnull (strstr (text, devices[hit.series]));
  g_clear_pointer (&text, g_free);

  /* Scatter: find a point by its own anchor, a few pixels off. */
  {
    gboolean any = FALSE;

    for (double y = 60; y < 380 && !any; y += 3)
      for (double x = 60; x < 620 && !any; x += 3)
        any = bench_chart_hit_test (scatter, 640, 400, x, y, &hit);
    g_assert_true (any);
    g_assert_true (bench_chart_hit_test (scatter, 640, 400, hit.anchor_x + 3, hit.anchor_y - 2, &again));
    g_assert_cmpint (again.series, ==, hit.series);
    g_assert_cmpint (again.index, ==, hit.index);
    text = bench_chart_describe_hit (scatter, &again);
    g_assert_nonnull (strstr (text, "items/s"));
    g_assert_nonnull (strstr (text, "MB"));
    g_clear_pointer (&text, g_free);
  }
  g_assert_false (bench_chart_hit_test (scatter, 640, 400, 2, 2, &hit));

  /* Heatmap: the cell under a cell's centre. */
  {
    gboolean any = FALSE;

    for (double y = 40; y < 400 && !any; y += 4)
      any = bench_chart_hit_test (heat, 640, 400, 320, y, &hit);
    g_assert_true (any);
    g_assert_cmpint (hit.category, >=, 0);
    text = bench_chart_describe_hit (heat, &hit);
    g_assert_nonnull (strstr (text, models[hit.series]));
  }
}

/* A million points: the line is decimated per pixel column, yet its
 * extremes survive; a 100k scatter is binned per pixel. */
static void
test_large (void)
{
  g_autoptr(BenchChart) line = bench_chart_new (BENCH_CHART_KIND_LINE);
  g_autoptr(BenchChart) scatter = bench_chart_new (BENCH_CHART_KIND_SCATTER);
  g_autoptr(BenchChartSeries) s = bench_chart_series_new ("samples", "cpu");
  g_autoptr(BenchChartSeries) p = bench_chart_series_new ("points", "cpu");
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  gint64 t0, t1, t2;
  cairo_surface_t *img;
  BenchChartHit hit;
  const guint n = 1000000;

  bench_chart_series_reserve (s, n);
  for (guint i = 0; i < n; i++)
    bench_chart_series_add (s, i, sin (i / 5000.0) + (i == 777777 ? 5.0 : 0.0));
  bench_chart_add_series (line, s);
  bench_chart_set_y_axis (line, "Value", NULL);

  t0 = g_get_monotonic_time ();
  img = render_image (line, 800, 500);
  t1 = g_get_monotonic_time ();
  cairo_surface_destroy (img);
  img = render_image (line, 800, 500);
  t2 = g_get_monotonic_time ();
  cairo_surface_destroy (img);
  g_test_message ("1M-point line: first render %.1f ms, cached render %.1f ms",
                  (t1 - t0) / 1000.0, (t2 - t1) / 1000.0);

  /* The single spike at x = 777777 must still be reachable and drawn. */
  g_assert_true (bench_chart_hit_test (line, 800, 500, 0, 0, &hit) == FALSE);
  {
    gboolean spike = FALSE;

    for (double y = 0; y < 500 && !spike; y += 4)
      for (double x = 0; x < 800 && !spike; x += 4)
        if (bench_chart_hit_test (line, 800, 500, x, y, &hit) && hit.y > 3.5)
          spike = hit.index == 777777;
    g_assert_true (spike);
  }

  bench_chart_series_reserve (p, 100000);
  for (guint i = 0; i < 100000; i++)
    bench_chart_series_add (p, g_rand_double (rand) * 100, g_rand_double (rand) * g_rand_double (rand) * 50);
  bench_chart_add_series (scatter, p);
  t0 = g_get_monotonic_time ();
  img = render_image (scatter, 1000, 700);
  t1 = g_get_monotonic_time ();
  g_test_message ("100k-point scatter: render %.1f ms", (t1 - t0) / 1000.0);
  g_assert_cmpuint (count_color (img, bench_chart_palette_color (bench_chart_palette_hash ("cpu"))), >, 1000);
  cairo_surface_destroy (img);
}

/* ------------------------------------------------------------------ */
/* the adapter from results                                           */

static BenchResult *
make_result (const char *run,
             gint64      day,
             const char *workload,
             const char *device,
             const char *fingerprint,
             int         batch,
             double      median_ms)
{
  BenchResult *r = bench_result_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) (median_ms * 1000) + batch);
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint64));

  r->run_uuid = g_strdup (run);
  r->started_at = g_date_time_new_from_unix_utc (1717200000 + day * 86400);
  r->workload = g_strdup (workload);
  r->device_id = g_strdup ("cpu");
  r->device_name = g_strdup (device);
  r->device_fingerprint = g_strdup (fingerprint);
  r->batch_size = batch;
  r->seq_len = 128;
  r->precision = g_strdup ("fp32");
  r->items_per_iteration = batch;
  r->flops = 22e9 * batch;
  r->bytes = 0.5e9;
  r->weights_bytes = 438000000;
  r->workspace_bytes = 32000000 * batch;
  r->device_memory_bytes = -1;
  r->peak_rss_bytes = 600000000 + 40000000 * batch;
  r->flops_breakdown_json = g_strdup_printf ("{\"attention\": %g, \"mlp\": %g, \"other\": %g}",
                                             6e9 * batch, 14e9 * batch, 2e9 * batch);
  for (guint i = 0; i < 60; i++)
    {
      gint64 ns = (gint64) (median_ms * 1e6 * (1 + 0.05 * g_rand_double_range (rand, -1, 1)));
      g_array_append_val (samples, ns);
    }
  g_array_append_vals (r->samples, samples->data, samples->len);
  r->iterations = samples->len;
  bench_stats_compute (&r->latency, (const gint64 *) samples->data, samples->len);
  bench_result_compute_derived (r);
  return r;
}

static GPtrArray *
make_results (void)
{
  GPtrArray *results = g_ptr_array_new_with_free_func (g_object_unref);
  static const int batches[] = { 1, 4, 16 };

  /* Two runs of two models on two devices at three batch sizes; the second
   * run repeats the first configurations a little slower. */
  for (guint run = 0; run < 2; run++)
    for (guint m = 0; m < 2; m++)
      for (guint d = 0; d < 2; d++)
        for (guint b = 0; b < G_N_ELEMENTS (batches); b++)
          g_ptr_array_add (results,
                           make_result (run ? "bbbbbbbb-2222" : "aaaaaaaa-1111", run * 3,
                                        models[m], devices[d], device_keys[d], batches[b],
                                        latency_ms[d][m] * (1 + 0.6 * b) * (run ? 1.05 : 1.0)));
  return results;
}

static void
test_adapter_kinds (void)
{
  g_autoptr(GPtrArray) results = make_results ();
  g_autoptr(GPtrArray) devs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *dir = out_dir ();
  BenchDevice *dev = bench_device_new ("cpu", 0, devices[0]);

  bench_device_set_fingerprint (dev, device_keys[0]);
  bench_device_set_peak_gflops (dev, 820);
  bench_device_set_bandwidth_gbs (dev, 38);
  g_ptr_array_add (devs, dev);

  for (guint k = 0; k < BENCH_CHART_N_KINDS; k++)
    {
      BenchChartSpec spec = { .kind = k, .pareto = TRUE, .selection = "--precision fp32" };
      g_autoptr(GError) error = NULL;
      g_autoptr(BenchChart) chart = NULL;
      g_autofree char *name = g_strdup_printf ("adapter-%s.png", bench_chart_kind_to_string (k));
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (k == BENCH_CHART_KIND_LINE)
        spec.x = "batch";
      chart = bench_chart_new_from_results (&spec, results, devs, &error);
      g_assert_no_error (error);
      g_assert_nonnull (chart);
      g_assert_false (bench_chart_is_empty (chart));
      g_assert_nonnull (bench_chart_get_title (chart));
      /* The subtitle names what the results share. */
      g_assert_nonnull (strstr (bench_chart_get_subtitle (chart), "fp32"));
      g_assert_true (bench_chart_export (chart, path, BENCH_CHART_FORMAT_AUTO, 800, 500, 1, &error));
      g_assert_no_error (error);

      switch (k)
        {
        case BENCH_CHART_KIND_BAR:
          /* model x device, one series per device and batch (batch varies) */
          g_assert_cmpuint (bench_chart_get_n_categories (chart), ==, 2);
          g_assert_cmpuint (bench_chart_get_n_series (chart), ==, 6);
          {
            BenchChartSeries *s = bench_chart_get_series (chart, 0);
            /* the latest run wins: 5% slower than the first */
            g_assert_cmpfloat_with_epsilon (bench_chart_series_get_y (s, 0),
                                            latency_ms[0][0] * 1.05, latency_ms[0][0] * 0.06);
            /* error bars are the median's CI, around the median */
            g_assert_cmpfloat (bench_chart_series_get_err_low (s, 0), <=, bench_chart_series_get_y (s, 0));
            g_assert_cmpfloat (bench_chart_series_get_err_high (s, 0), >=, bench_chart_series_get_y (s, 0));
          }
          break;
        case BENCH_CHART_KIND_LINE:
          /* sorted by batch, series per device and model */
          g_assert_cmpuint (bench_chart_get_n_series (chart), ==, 4);
          g_assert_cmpfloat (bench_chart_series_get_x (bench_chart_get_series (chart, 0), 0), ==, 1);
          g_assert_cmpfloat (bench_chart_series_get_x (bench_chart_get_series (chart, 0), 2), ==, 16);
          g_assert_true (bench_chart_get_log_x (chart));
          break;
        case BENCH_CHART_KIND_RADAR:
          /* normalised: the best device scores 1 on every spoke */
          for (guint a = 0; a < bench_chart_get_n_categories (chart); a++)
            {
              double best = 0;

              for (guint s = 0; s < bench_chart_get_n_series (chart); s++)
                best = MAX (best, bench_chart_series_get_y (bench_chart_get_series (chart, s), a));
              g_assert_cmpfloat_with_epsilon (best, 1.0, 1e-9);
            }
          break;
        case BENCH_CHART_KIND_BOX:
          {
            guint n = 0;

            bench_chart_series_get_samples (bench_chart_get_series (chart, 0), 0, &n);
            g_assert_cmpuint (n, ==, 60);
          }
          break;
        case BENCH_CHART_KIND_STACKED:
          g_assert_cmpuint (bench_chart_get_n_series (chart), ==, 3);
          break;
        default:
          break;
        }
    }

  /* FLOP breakdown from the results' JSON */
  {
    BenchChartSpec spec = { .kind = BENCH_CHART_KIND_STACKED, .metric = "flops" };
    g_autoptr(GError) error = NULL;
    g_autoptr(BenchChart) chart = bench_chart_new_from_results (&spec, results, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (bench_chart_get_n_series (chart), ==, 3);
    g_assert_cmpstr (bench_chart_series_get_name (bench_chart_get_series (chart, 0)), ==, "attention");
  }

  /* Trend: x is the run date, every run is a point. */
  {
    BenchChartSpec spec = { .kind = BENCH_CHART_KIND_LINE, .x = "date" };
    g_autoptr(GError) error = NULL;
    g_autoptr(BenchChart) chart = bench_chart_new_from_results (&spec, results, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (bench_chart_series_get_n_points (bench_chart_get_series (chart, 0)), ==, 2);
  }
  remove_dir (dir);
}

/* One GPU through two backends has one name and two fingerprints: a bar
 * chart by device must keep two series, labelled apart; a device whose
 * name is its own keeps its plain name. */
static void
test_adapter_same_name (void)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  BenchChartSpec spec = { .kind = BENCH_CHART_KIND_BAR, .group_by = "device" };
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchChart) chart = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  static const struct { const char *id, *name, *fp; double ms; } devs[] = {
    { "opencl:0", "NVIDIA H100 80GB HBM3", "98b62d11626d9db3", 12.6 },
    { "vulkan:0", "NVIDIA H100 80GB HBM3", "5c0ffee5c0ffee55", 10.2 },
    { "cpu", "Intel(R) Xeon(R) Processor", "0ad44d9b178efa4c", 95.0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (devs); i++)
    {
      BenchResult *r = make_result ("cccccccc-3333", 0, "bert-base-uncased", devs[i].name,
                                    devs[i].fp, 1, devs[i].ms);

      g_free (r->device_id);
      r->device_id = g_strdup (devs[i].id);
      g_ptr_array_add (results, r);
    }

  chart = bench_chart_new_from_results (&spec, results, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bench_chart_get_n_series (chart), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_hash_table_add (names, (gpointer) bench_chart_series_get_name (bench_chart_get_series (chart, i)));
  g_assert_true (g_hash_table_contains (names, "NVIDIA H100 80GB HBM3 (opencl:0)"));
  g_assert_true (g_hash_table_contains (names, "NVIDIA H100 80GB HBM3 (vulkan:0)"));
  g_assert_true (g_hash_table_contains (names, "Intel(R) Xeon(R) Processor"));
}

static void
test_adapter_errors (void)
{
  g_autoptr(GPtrArray) results = make_results ();
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchChart) chart = NULL;
  BenchChartSpec spec = { .kind = BENCH_CHART_KIND_BAR, .metric = "latency_medain" };

  g_assert_null (bench_chart_new_from_results (&spec, results, NULL, &error));
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT);
  /* The message lists the valid names. */
  g_assert_nonnull (strstr (error->message, "latency_medain"));
  g_assert_nonnull (strstr (error->message, "latency_median"));
  g_assert_nonnull (strstr (error->message, "gbytes_per_second"));
  g_clear_error (&error);

  spec.metric = NULL;
  spec.x = "colour";
  g_assert_false (bench_chart_spec_validate (&spec, &error));
  g_assert_nonnull (strstr (error->message, "seq_len"));
  g_clear_error (&error);

  spec.x = NULL;
  spec.group_by = "nope";
  g_assert_false (bench_chart_spec_validate (&spec, &error));
  g_assert_nonnull (strstr (error->message, "--group-by"));
  g_clear_error (&error);

  spec = (BenchChartSpec) { .kind = BENCH_CHART_KIND_SCATTER, .x = "model" };
  g_assert_false (bench_chart_spec_validate (&spec, &error));
  g_assert_nonnull (strstr (error->message, "peak_rss"));
  g_clear_error (&error);

  /* An empty selection draws the "no data" state with the selection. */
  spec = (BenchChartSpec) { .kind = BENCH_CHART_KIND_BAR, .selection = "--model nothing" };
  chart = bench_chart_new_from_results (&spec, none, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (bench_chart_is_empty (chart));
}

static void
test_adapter_csv (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "chart-points.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BenchChart) chart = NULL;
  guint n = 0;

  chart = bench_chart_new_from_csv (BENCH_CHART_KIND_SCATTER, path, "memory_mb", "latency_ms", "model", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bench_chart_get_n_series (chart), ==, 3);
  for (guint s = 0; s < 3; s++)
    n += bench_chart_series_get_n_points (bench_chart_get_series (chart, s));
  g_assert_cmpuint (n, ==, 5);   /* the row without a latency is left out */
  g_assert_cmpfloat (bench_chart_series_get_y (bench_chart_get_series (chart, 0), 0), ==, 1840.2);
  g_clear_object (&chart);

  chart = bench_chart_new_from_csv (BENCH_CHART_KIND_SCATTER, path, "memory_mb", "latency", NULL, &error);
  g_assert_null (chart);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "latency_ms"));
  g_clear_error (&error);

  chart = bench_chart_new_from_csv (BENCH_CHART_KIND_SCATTER, "/nonexistent.csv", "a", "b", NULL, &error);
  g_assert_null (chart);
  g_assert_nonnull (error);
}

static void
test_time_display_unit (void)
{
  double factor = 0;

  g_assert_cmpstr (bench_chart_time_display_unit ("ms", 0, 4500, &factor), ==, "s");
  g_assert_cmpfloat (factor, ==, 1e-3);
  g_assert_cmpstr (bench_chart_time_display_unit ("ms", 0, 250, &factor), ==, "ms");
  g_assert_cmpfloat (factor, ==, 1);
  g_assert_cmpstr (bench_chart_time_display_unit ("ms", 0, 0.35, &factor), ==, "µs");
  g_assert_cmpfloat_with_epsilon (factor, 1e3, 1e-9);
  g_assert_cmpstr (bench_chart_time_display_unit ("ms", 0, 0.0002, &factor), ==, "ns");
  g_assert_cmpstr (bench_chart_time_display_unit ("GFLOP/s", 0, 5000, &factor), ==, "GFLOP/s");
  g_assert_cmpfloat (factor, ==, 1);
  /* Nothing to scale: the unit as given. */
  g_assert_cmpstr (bench_chart_time_display_unit ("ms", 0, 0, &factor), ==, "ms");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chart/time-display-unit", test_time_display_unit);
  g_test_add_func ("/chart/ticks/linear", test_ticks_linear);
  g_test_add_func ("/chart/ticks/integer", test_ticks_integer);
  g_test_add_func ("/chart/ticks/log", test_ticks_log);
  g_test_add_func ("/chart/ticks/time", test_ticks_time);
  g_test_add_func ("/chart/format", test_format);
  g_test_add_func ("/chart/palette", test_palette);
  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autofree char *path = g_strdup_printf ("/chart/render/%s", fixtures[i].name);

      g_test_add_data_func (path, GUINT_TO_POINTER (i), test_render_fixture);
    }
  g_test_add_func ("/chart/render/scale", test_render_scale);
  g_test_add_func ("/chart/export-errors", test_export_errors);
  g_test_add_func ("/chart/theme", test_theme);
  g_test_add_func ("/chart/stable-colors", test_stable_colors);
  g_test_add_func ("/chart/empty", test_empty);
  g_test_add_func ("/chart/edge-cases", test_edge_cases);
  g_test_add_func ("/chart/zero-baseline", test_zero_baseline);
  g_test_add_func ("/chart/hit-test", test_hit_test);
  g_test_add_func ("/chart/large", test_large);
  g_test_add_func ("/chart/adapter/kinds", test_adapter_kinds);
  g_test_add_func ("/chart/adapter/same-name", test_adapter_same_name);
  g_test_add_func ("/chart/adapter/errors", test_adapter_errors);
  g_test_add_func ("/chart/adapter/csv", test_adapter_csv);

  return g_test_run ();
}
