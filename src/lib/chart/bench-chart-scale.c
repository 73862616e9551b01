/* bench-chart-scale.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bench-chart-scale.h"

/* Values beyond this are clamped so that spans and steps stay finite. */
#define HUGE_VALUE 1e300

static double
clamp_huge (double v)
{
  return CLAMP (v, -HUGE_VALUE, HUGE_VALUE);
}

/* Rounds away the error of i * step so that "0.30000000000000004" and
 * "-0" never reach a label. */
static double
snap (double v,
      double step)
{
  if (step > 0 && fabs (v) < step * 1e-9)
    return 0.0;
  return v;
}

/**
 * bench_chart_ticks_linear:
 * @ticks: (out caller-allocates): the result
 * @lo: smallest data value
 * @hi: largest data value
 * @target: wanted number of ticks (2 to 20)
 *
 * Chooses a step of 1, 2, 2.5 or 5 times a power of ten that gives a tick
 * count closest to @target, and widens the domain to the outer ticks.
 * Equal bounds are widened by 10% (or to [-1, 1] around zero).
 *
 * Returns: %FALSE when @lo or @hi is not finite
 */
gboolean
bench_chart_ticks_linear (BenchChartTicks *ticks,
                          double           lo,
                          double           hi,
                          guint            target)
{
  static const double nice[] = { 1.0, 2.0, 2.5, 5.0, 10.0 };
  double raw, mag, best_step = 0, best_score = G_MAXDOUBLE;
  double i0, i1;

  g_return_val_if_fail (ticks != NULL, FALSE);

  memset (ticks, 0, sizeof *ticks);
  if (!isfinite (lo) || !isfinite (hi))
    return FALSE;

  lo = clamp_huge (lo);
  hi = clamp_huge (hi);
  if (lo > hi)
    {
      double t = lo;
      lo = hi;
      hi = t;
    }
  if (hi == lo)
    {
      double d = lo == 0 ? 1.0 : fabs (lo) * 0.1;
      lo -= d;
      hi += d;
    }

  target = CLAMP (target, 2, 20);
  /* hi / n - lo / n rather than (hi - lo) / n: the span may overflow. */
  raw = hi / (target - 1) - lo / (target - 1);
  mag = pow (10.0, floor (log10 (raw)));

  for (guint i = 0; i < G_N_ELEMENTS (nice); i++)
    {
      double step = nice[i] * mag;
      double n = ceil (hi / step - 1e-9) - floor (lo / step + 1e-9) + 1;
      /* 2.5 is a fine step but a less familiar one. */
      double score = fabs (n - target) + (nice[i] == 2.5 ? 0.5 : 0.0);

      if (n > BENCH_CHART_MAX_TICKS || n < 2)
        continue;
      if (score < best_score)
        {
          best_score = score;
          best_step = step;
        }
    }

  if (best_step <= 0 || !isfinite (best_step))
    return FALSE;

  i0 = floor (lo / best_step + 1e-9);
  i1 = ceil (hi / best_step - 1e-9);
  ticks->step = best_step;
  ticks->min = snap (i0 * best_step, best_step);
  ticks->max = snap (i1 * best_step, best_step);
  for (double i = i0; i <= i1 && ticks->n < BENCH_CHART_MAX_TICKS; i++)
    ticks->values[ticks->n++] = snap (i * best_step, best_step);

  return ticks->n >= 2;
}

static double
floor_125 (double v)
{
  double d = pow (10.0, floor (log10 (v) + 1e-9));
  double m = v / d;

  if (m >= 5.0 - 1e-9)
    return 5 * d;
  if (m >= 2.0 - 1e-9)
    return 2 * d;
  return d;
}

static double
ceil_125 (double v)
{
  double d = pow (10.0, floor (log10 (v) + 1e-9));
  double m = v / d;

  if (m <= 1.0 + 1e-9)
    return d;
  if (m <= 2.0 + 1e-9)
    return 2 * d;
  if (m <= 5.0 + 1e-9)
    return 5 * d;
  return 10 * d;
}

/**
 * bench_chart_ticks_log:
 * @ticks: (out caller-allocates): the result
 * @lo: smallest positive data value
 * @hi: largest data value
 * @target: wanted number of ticks
 *
 * Ticks at powers of ten (every k-th decade when there are many); over
 * fewer than three decades at 1, 2 and 5 times powers of ten; within one
 * 1-2-5 step at linear nice steps.
 *
 * Returns: %FALSE when the bounds are not positive and finite
 */
gboolean
bench_chart_ticks_log (BenchChartTicks *ticks,
                       double           lo,
                       double           hi,
                       guint            target)
{
  double d0, d1;
  guint ndec;

  g_return_val_if_fail (ticks != NULL, FALSE);

  memset (ticks, 0, sizeof *ticks);
  if (!isfinite (lo) || !isfinite (hi) || lo <= 0 || hi <= 0)
    return FALSE;
  if (lo > hi)
    {
      double t = lo;
      lo = hi;
      hi = t;
    }
  lo = MAX (lo, 1e-300);
  hi = MIN (hi, HUGE_VALUE);
  if (hi == lo)
    {
      lo /= 2;
      hi *= 2;
    }
  target = CLAMP (target, 2, 20);

  d0 = floor (log10 (lo) + 1e-9);
  d1 = ceil (log10 (hi) - 1e-9);
  if (d1 <= d0)
    d1 = d0 + 1;
  ndec = (guint) (d1 - d0);

  if (ndec > 3)
    {
      /* Decade labels are short: every decade while there are at most
       * ten, then every k-th. */
      guint k = ndec <= 10 ? 1 : (ndec + target - 2) / (target - 1);
      guint n = (ndec + k - 1) / k;

      ticks->min = pow (10.0, d0);
      ticks->max = pow (10.0, d0 + (double) n * k);
      for (guint i = 0; i <= n && ticks->n < BENCH_CHART_MAX_TICKS; i++)
        ticks->values[ticks->n++] = pow (10.0, d0 + (double) i * k);
      return TRUE;
    }

  {
    static const double mult[] = { 1.0, 2.0, 5.0 };
    double dom_lo = floor_125 (lo);
    double dom_hi = ceil_125 (hi);

    for (double d = d0 - 1; d <= d1 + 1; d++)
      for (guint j = 0; j < G_N_ELEMENTS (mult); j++)
        {
          double v = mult[j] * pow (10.0, d);

          if (v >= dom_lo * (1 - 1e-9) && v <= dom_hi * (1 + 1e-9) &&
              ticks->n < BENCH_CHART_MAX_TICKS)
            ticks->values[ticks->n++] = v;
        }
    ticks->min = dom_lo;
    ticks->max = dom_hi;
  }

  if (ticks->n < 3)
    {
      BenchChartTicks lin;

      /* The data sits inside one 1-2-5 step: linear steps read better. */
      if (bench_chart_ticks_linear (&lin, lo, hi, MIN (target, 5)) && lin.min > 0)
        {
          *ticks = lin;
          ticks->step = 0;
        }
    }

  return ticks->n >= 2;
}

/**
 * bench_chart_ticks_time:
 * @ticks: (out caller-allocates): the result
 * @lo_unix: earliest time, seconds since the epoch
 * @hi_unix: latest time
 * @target: wanted number of ticks
 *
 * Ticks at whole seconds, minutes, hours, days (local midnight) or weeks;
 * the domain is [@lo_unix, @hi_unix] unchanged.  @step holds the chosen
 * step in seconds, for bench_chart_format_time_tick().
 */
gboolean
bench_chart_ticks_time (BenchChartTicks *ticks,
                        double           lo_unix,
                        double           hi_unix,
                        guint            target)
{
  static const double steps[] = {
    1, 2, 5, 10, 15, 30,
    60, 120, 300, 600, 900, 1800,
    3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600,
    86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400,
    91 * 86400, 182 * 86400, 364 * 86400, 728 * 86400, 1820 * 86400,
    3640 * 86400,
  };
  double step = steps[G_N_ELEMENTS (steps) - 1];
  double offset = 0, first;

  g_return_val_if_fail (ticks != NULL, FALSE);

  memset (ticks, 0, sizeof *ticks);
  if (!isfinite (lo_unix) || !isfinite (hi_unix))
    return FALSE;
  if (lo_unix > hi_unix)
    {
      double t = lo_unix;
      lo_unix = hi_unix;
      hi_unix = t;
    }
  if (hi_unix == lo_unix)
    {
      lo_unix -= 1800;
      hi_unix += 1800;
    }
  target = CLAMP (target, 2, 20);

  {
    double best = G_MAXDOUBLE;

    for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
      {
        double n = (hi_unix - lo_unix) / steps[i] + 1;
        double score = fabs (n - target);

        if (n <= BENCH_CHART_MAX_TICKS - 1 && score < best)
          {
            best = score;
            step = steps[i];
          }
      }
  }

  if (step >= 3600)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local ((gint64) lo_unix);

      /* Align to local midnight and local whole hours. */
      if (dt != NULL)
        offset = g_date_time_get_utc_offset (dt) / (double) G_TIME_SPAN_SECOND;
    }

  ticks->min = lo_unix;
  ticks->max = hi_unix;
  ticks->step = step;
  first = ceil ((lo_unix + offset) / step) * step - offset;
  for (double t = first; t <= hi_unix + 1e-6 && ticks->n < BENCH_CHART_MAX_TICKS; t += step)
    ticks->values[ticks->n++] = t;

  return TRUE;
}

static const char *
si_prefix (int exp3)
{
  static const char *prefixes[] = {
    "y", "z", "a", "f", "p", "n", "\302\265", "m", "", "k", "M", "G", "T", "P", "E", "Z", "Y",
  };
  int i = exp3 / 3 + 8;

  return prefixes[CLAMP (i, 0, (int) G_N_ELEMENTS (prefixes) - 1)];
}

static int
si_exponent (double av)
{
  int e;

  /* Plain numbers between 0.001 and 1000: "0.25 ms" reads better than
   * "250m ms". */
  if (av == 0 || (av >= 1e-3 && av < 1e3))
    return 0;
  e = (int) floor (log10 (av) / 3.0 + 1e-12) * 3;
  return CLAMP (e, -24, 24);
}

static char *
finish_number (double scaled,
               int    decimals,
               int    exp3)
{
  char buf[64];
  char *p;
  gboolean negative;

  char fmt[16];

  /* g_ascii_formatd: a dot whatever LC_NUMERIC says. */
  g_snprintf (fmt, sizeof fmt, "%%.%df", CLAMP (decimals, 0, 15));
  g_ascii_formatd (buf, sizeof buf, fmt, scaled);
  if (strchr (buf, '.') != NULL)
    {
      p = buf + strlen (buf) - 1;
      while (*p == '0')
        *p-- = '\0';
      if (*p == '.')
        *p = '\0';
    }
  negative = buf[0] == '-';
  if (negative && strspn (buf + 1, "0.") == strlen (buf + 1))
    negative = FALSE, memmove (buf, buf + 1, strlen (buf));

  /* A real minus sign, as typography expects. */
  return g_strconcat (negative ? "\342\210\222" : "", buf + (negative ? 1 : 0),
                      si_prefix (exp3), NULL);
}

/**
 * bench_chart_format_tick:
 * @value: the tick value
 * @step: the tick step (0 for log axes)
 *
 * Formats a tick label with an SI prefix ("500k", "1.5M", "20µ") and as
 * many decimals as the step needs, trailing zeros removed.
 *
 * Returns: (transfer full): the label
 */
char *
bench_chart_format_tick (double value,
                         double step)
{
  int exp3;
  double p, rel;
  int decimals = 0;

  if (!isfinite (value))
    return g_strdup ("n/a");
  if (value == 0)
    return g_strdup ("0");

  exp3 = si_exponent (fabs (value));
  p = pow (10.0, exp3);
  rel = step > 0 ? step / p : fabs (value) / p;
  while (decimals < 12)
    {
      double s = rel * pow (10.0, decimals);

      if (fabs (s - round (s)) <= 1e-6 * MAX (1.0, fabs (s)))
        break;
      decimals++;
    }

  return finish_number (value / p, decimals, exp3);
}

/**
 * bench_chart_format_value:
 * @value: a data value
 *
 * Three significant digits and an SI prefix: "12.3k", "0.5", "n/a".
 *
 * Returns: (transfer full): the text
 */
char *
bench_chart_format_value (double value)
{
  int exp3;
  double scaled, av;
  int decimals;

  if (!isfinite (value))
    return g_strdup ("n/a");
  if (value == 0)
    return g_strdup ("0");

  exp3 = si_exponent (fabs (value));
  scaled = value / pow (10.0, exp3);
  av = fabs (scaled);
  if (av >= 99.95)
    decimals = 0;
  else if (av >= 9.995)
    decimals = 1;
  else if (av >= 0.9995)
    decimals = 2;
  else
    decimals = 3;

  return finish_number (scaled, decimals, exp3);
}

/**
 * bench_chart_format_time_tick:
 * @unix_seconds: the tick time
 * @step: the tick step in seconds
 *
 * Local time, as detailed as the step needs.
 *
 * Returns: (transfer full): the label
 */
char *
bench_chart_format_time_tick (double unix_seconds,
                              double step)
{
  g_autoptr(GDateTime) dt = NULL;

  if (!isfinite (unix_seconds))
    return g_strdup ("n/a");

  dt = g_date_time_new_from_unix_local ((gint64) llround (unix_seconds));
  if (dt == NULL)
    return g_strdup ("n/a");

  if (step < 60)
    return g_date_time_format (dt, "%H:%M:%S");
  if (step < 86400)
    return g_date_time_format (dt, "%b %-d %H:%M");
  if (step < 28 * 86400)
    return g_date_time_format (dt, "%b %-d");
  if (step < 364 * 86400)
    return g_date_time_format (dt, "%b %Y");
  return g_date_time_format (dt, "%Y");
}

/* Time axes read best in the unit that keeps ticks between 1 and 999:
 * "5 s" rather than "5k ms". Values stay in the chart's unit; only the
 * labels and the title change, by powers of 1000 so ticks stay nice. */
const char *
bench_chart_time_display_unit (const char *unit,
                               double      lo,
                               double      hi,
                               double     *factor)
{
  static const struct { const char *name; double seconds; } units[] = {
    { "s", 1 }, { "ms", 1e-3 }, { "µs", 1e-6 }, { "ns", 1e-9 },
  };
  double unit_seconds = 0, magnitude;

  *factor = 1;
  for (guint i = 0; unit != NULL && i < G_N_ELEMENTS (units); i++)
    if (g_str_equal (unit, units[i].name))
      unit_seconds = units[i].seconds;
  magnitude = MAX (fabs (lo), fabs (hi)) * unit_seconds;
  if (unit_seconds == 0 || !(magnitude > 0) || isinf (magnitude))
    return unit;

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (magnitude >= units[i].seconds || i + 1 == G_N_ELEMENTS (units))
      {
        *factor = unit_seconds / units[i].seconds;
        return units[i].name;
      }
  return unit;
}

