/* test-cpu-kernels.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CPU backend: its kernels against naive references, its device
 * discovery, and its executables through the BenchBackend API.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <omp.h>

#include "bench-backend-private.h"
#include "bench-error.h"
#include "bench-cpu-backend.h"
#include "bench-cpu-executable.h"
#include "bench-cpu-info.h"
#include "bench-cpu-kernels.h"

typedef struct
{
  float *a;
  float *b;
  float *c;
} Buffers;

static void
buffers_clear (Buffers *buffers)
{
  g_clear_pointer (&buffers->a, bench_cpu_free);
  g_clear_pointer (&buffers->b, bench_cpu_free);
  g_clear_pointer (&buffers->c, bench_cpu_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Buffers, buffers_clear)

static void
test_alloc_aligned (void)
{
  for (gsize bytes = 1; bytes < 5000; bytes = bytes * 3 + 1)
    {
      gpointer mem = bench_cpu_alloc (bytes);

      g_assert_nonnull (mem);
      g_assert_cmpuint ((guintptr) mem % BENCH_CPU_ALIGNMENT, ==, 0);
      bench_cpu_free (mem);
    }
}

static void
test_fill_deterministic (void)
{
  const gsize n = 10007;
  g_autofree float *x = g_new (float, n);
  g_autofree float *y = g_new (float, n);
  g_autofree float *z = g_new (float, n);
  const int threads = omp_get_max_threads ();
  double sum = 0.0;

  bench_cpu_fill_uniform (x, n, 42);
  /* Same seed, one thread: same values, whatever the thread count. */
  omp_set_num_threads (1);
  bench_cpu_fill_uniform (y, n, 42);
  omp_set_num_threads (threads);
  bench_cpu_fill_uniform (z, n, 43);

  g_assert_cmpmem (x, n * sizeof (float), y, n * sizeof (float));
  g_assert_true (memcmp (x, z, n * sizeof (float)) != 0);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpfloat (x[i], >=, -1.0f);
      g_assert_cmpfloat (x[i], <, 1.0f);
      sum += x[i];
    }
  /* Mean of 10^4 uniform values: within 0.05 of 0 by a wide margin. */
  g_assert_cmpfloat (fabs (sum / n), <, 0.05);
}

/* Compares one non-square SGEMM through both oneDNN paths with the naive
 * double reference, entry by entry. */
static void
check_sgemm_size (gint64 m,
                  gint64 n,
                  gint64 k)
{
  g_auto(Buffers) buf = { 0 };
  g_autofree double *ref = g_new (double, m * n);
  g_autofree float *c2 = g_new (float, m * n);
  g_autoptr(BenchCpuMatmul) matmul = NULL;
  g_autoptr(GError) error = NULL;
  BenchCpuCheck check;
  double tolerance = k * FLT_EPSILON;

  buf.a = bench_cpu_alloc (m * k * sizeof (float));
  buf.b = bench_cpu_alloc (k * n * sizeof (float));
  buf.c = bench_cpu_alloc (m * n * sizeof (float));
  bench_cpu_fill_uniform (buf.a, m * k, 7);
  bench_cpu_fill_uniform (buf.b, k * n, 8);

  bench_cpu_sgemm_reference (m, n, k, buf.a, buf.b, ref);

  g_assert_true (bench_cpu_sgemm (m, n, k, buf.a, buf.b, buf.c, &error));
  g_assert_no_error (error);

  matmul = bench_cpu_matmul_new (m, n, k, buf.a, buf.b, c2, &error);
  g_assert_no_error (error);
  g_assert_nonnull (matmul);
  g_assert_true (bench_cpu_matmul_execute (matmul, &error));
  g_assert_no_error (error);

  for (gint64 i = 0; i < m; i++)
    for (gint64 j = 0; j < n; j++)
      {
        double scale = 0.0;

        for (gint64 p = 0; p < k; p++)
          scale += fabs ((double) buf.a[i * k + p] * buf.b[p * n + j]);
        g_assert_cmpfloat (fabs (buf.c[i * n + j] - ref[i * n + j]), <=, tolerance * scale);
        g_assert_cmpfloat (fabs (c2[i * n + j] - ref[i * n + j]), <=, tolerance * scale);
      }

  g_assert_true (bench_cpu_sgemm_check (m, n, k, buf.a, buf.b, buf.c, m * n, &check));
  g_assert_cmpuint (check.checked, ==, m * n);
  g_assert_cmpfloat (check.max_rel_error, <=, check.tolerance);
  g_assert_true (bench_cpu_sgemm_check (m, n, k, buf.a, buf.b, c2, m * n, &check));
}

static void
test_sgemm_sizes (void)
{
  static const gint64 sizes[] = { 1, 3, 17, 64, 129 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    check_sgemm_size (sizes[i], sizes[i], sizes[i]);
  /* Non-square, to catch a swapped leading dimension. */
  check_sgemm_size (17, 5, 33);
  check_sgemm_size (3, 129, 64);
}

/* The packed GEMM with every epilogue against a double reference, entry by
 * entry, on odd shapes: rows not a multiple of the 4-row tile, columns not
 * a multiple of the 24-column panel, k over one, two and three blocks,
 * strided A and C, both weight layouts, one thread and the team. */
static void
check_packed_gemm (gint64      m,
                   gint64      n,
                   gint64      k,
                   gboolean    nk,
                   gboolean    with_bias,
                   BenchCpuAct act,
                   gboolean    with_residual,
                   BenchCpuGemmFlags flags)
{
  gint64 lda = k + 3, ldc = n + 5, ldr = n + 1;
  gboolean a4 = (flags & BENCH_CPU_GEMM_A_ROWS4) != 0, c4 = (flags & BENCH_CPU_GEMM_C_ROWS4) != 0;
  g_autofree float *a_panels = NULL;
  g_autofree float *a = g_new (float, m * lda);
  g_autofree float *w = g_new (float, k * n);
  g_autofree float *bias = g_new (float, n);
  g_autofree float *res = g_new (float, m * ldr);
  g_autofree float *c = g_new (float, m * ldc);
  g_autoptr(BenchCpuPackedB) packed = NULL;

  bench_cpu_fill_uniform (a, m * lda, 11);
  bench_cpu_fill_uniform (w, k * n, 12);
  bench_cpu_fill_uniform (bias, n, 13);
  bench_cpu_fill_uniform (res, m * ldr, 14);
  /* Outside the [m x n] window C must come out untouched. */
  for (gint64 i = 0; i < m * ldc; i++)
    c[i] = 1234.5f;

  packed = bench_cpu_packed_b_new (k, n, w, nk);
  g_assert_nonnull (packed);
  g_assert_cmpint (bench_cpu_packed_b_get_k (packed), ==, k);
  g_assert_cmpint (bench_cpu_packed_b_get_n (packed), ==, n);
  if (a4)
    {
      /* A in row panels, with NaN in the columns past k: read, they
       * would poison the row. */
      a_panels = g_new (float, m * lda);
      for (gint64 i = 0; i < m; i++)
        for (gint64 p = 0; p < lda; p++)
          a_panels[(i / 4) * 4 * lda + 4 * p + i % 4] = p < k ? a[i * lda + p] : NAN;
    }
  bench_cpu_packed_gemm (m, a4 ? a_panels : a, lda, packed, with_bias ? bias : NULL, act,
                         with_residual ? res : NULL, ldr, c, ldc, flags);

#define C_AT(i, j) (c4 ? ((i) / 4) * 4 * ldc + 4 * (j) + (i) % 4 : (i) * ldc + (j))
  for (gint64 i = 0; i < m; i++)
    {
      for (gint64 j = 0; j < n; j++)
        {
          double sum = 0.0, scale = 0.0, ref, tol;

          for (gint64 p = 0; p < k; p++)
            {
              double prod = (double) a[i * lda + p] * (nk ? w[j * k + p] : w[p * n + j]);

              sum += prod;
              scale += fabs (prod);
            }
          if (with_bias)
            {
              sum += bias[j];
              scale += fabs (bias[j]);
            }
          ref = bench_cpu_act_reference (act, sum);
          if (with_residual)
            ref += res[i * ldr + j];
          /* The dot product's rounding (times the activation's slope, at
           * most 1.13) plus the vector exp/erf, ~1e-6 relative. */
          tol = 1.2 * (k + 1) * FLT_EPSILON * scale + 4e-6 * (fabs (ref) + fabs (sum)) + 1e-6;
          if (!(fabs (c[C_AT (i, j)] - ref) <= tol))
            g_error ("packed gemm %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                     " nk %d bias %d act %d residual %d flags %d: c[%" G_GINT64_FORMAT ", %"
                     G_GINT64_FORMAT "] = %.9g, expected %.9g", m, n, k, nk, with_bias, act,
                     with_residual, flags, i, j, c[C_AT (i, j)], ref);
        }
      for (gint64 j = n; j < ldc; j++)
        g_assert_cmpfloat (c[C_AT (i, j)], ==, 1234.5f);
    }
#undef C_AT
}

static void
test_packed_gemm (void)
{
  static const gint64 shapes[][3] = {
    { 1, 1, 1 }, { 3, 5, 7 }, { 5, 25, 257 }, { 17, 24, 513 },
    { 130, 49, 300 }, { 300, 100, 40 }, { 128, 96, 768 },
    /* 3 row blocks: blocks of 8 panels, then of 2 in the last row block. */
    { 600, 610, 64 },
    /* Last panels of 16 and 8 columns (tiles of their own). */
    { 9, 40, 70 }, { 130, 64, 128 }, { 6, 32, 20 },
  };
  const int threads = omp_get_max_threads ();

  if (!bench_cpu_packed_gemm_supported ())
    {
      g_test_skip ("this CPU has no AVX2 + FMA");
      return;
    }

  for (guint t = 0; t < 2; t++)
    {
      omp_set_num_threads (t == 0 ? 1 : threads);
      for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
        for (guint nk = 0; nk < 2; nk++)
          {
            const gint64 *sh = shapes[s];

            check_packed_gemm (sh[0], sh[1], sh[2], nk, FALSE, BENCH_CPU_ACT_NONE, FALSE, 0);
            check_packed_gemm (sh[0], sh[1], sh[2], nk, TRUE, BENCH_CPU_ACT_NONE, FALSE, 0);
            check_packed_gemm (sh[0], sh[1], sh[2], nk, TRUE, BENCH_CPU_ACT_NONE, TRUE, 0);
            check_packed_gemm (sh[0], sh[1], sh[2], nk, FALSE, BENCH_CPU_ACT_NONE, TRUE, 0);
            check_packed_gemm (sh[0], sh[1], sh[2], nk, TRUE, BENCH_CPU_ACT_GELU_ERF, FALSE, 0);
          }
      /* Each activation on values out to +-10: the tails of exp and erf. */
      for (BenchCpuAct act = BENCH_CPU_ACT_GELU_ERF; act <= BENCH_CPU_ACT_GELU_QUICK; act++)
        {
          check_packed_gemm (7, 53, 300, TRUE, TRUE, act, FALSE, 0);
          check_packed_gemm (130, 49, 300, FALSE, FALSE, act, TRUE, 0);
        }
    }
  omp_set_num_threads (threads);
}

/* Row panels: the copy into them (threaded above 128 Ki elements), and
 * the GEMM reading A and writing C in them, over tile shapes that take
 * every path (full, 16- and 8-column and edge panels, two k blocks whose
 * partial sums are read back from C in panels, 3 row blocks), with each
 * epilogue, on one thread and the team. */
static void
test_packed_gemm_rows4 (void)
{
  static const gint64 copies[][4] = {
    /* m, cols, ld, ldd */
    { 4, 1, 1, 1 }, { 8, 13, 15, 16 }, { 1024, 768, 768, 770 }, { 12, 40, 41, 40 },
  };
  static const gint64 shapes[][3] = {
    { 4, 1, 1 }, { 4, 5, 7 }, { 8, 25, 257 }, { 12, 32, 20 }, { 132, 40, 70 },
    { 128, 96, 768 }, { 8, 48, 1100 }, { 600, 610, 64 },
  };
  const int threads = omp_get_max_threads ();

  if (!bench_cpu_packed_gemm_supported ())
    {
      g_test_skip ("this CPU has no AVX2 + FMA");
      return;
    }

  for (guint s = 0; s < G_N_ELEMENTS (copies); s++)
    {
      gint64 m = copies[s][0], cols = copies[s][1], ld = copies[s][2], ldd = copies[s][3];
      g_autofree float *src = g_new (float, m * ld);
      g_autofree float *dst = g_new (float, m * ldd);

      bench_cpu_fill_uniform (src, m * ld, 41);
      for (gint64 i = 0; i < m * ldd; i++)
        dst[i] = 1234.5f;
      bench_cpu_rows4_pack (m, cols, src, ld, dst, ldd);
      for (gint64 i = 0; i < m; i++)
        for (gint64 j = 0; j < ldd; j++)
          {
            float got = dst[(i / 4) * 4 * ldd + 4 * j + i % 4];

            if (got != (j < cols ? src[i * ld + j] : 1234.5f))
              g_error ("rows4 copy %" G_GINT64_FORMAT " x %" G_GINT64_FORMAT ": [%" G_GINT64_FORMAT
                       ", %" G_GINT64_FORMAT "] = %.9g", m, cols, i, j, got);
          }
    }

  for (guint t = 0; t < 2; t++)
    {
      omp_set_num_threads (t == 0 ? 1 : threads);
      for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
        for (BenchCpuGemmFlags f = 1; f <= (BENCH_CPU_GEMM_A_ROWS4 | BENCH_CPU_GEMM_C_ROWS4); f++)
          {
            const gint64 *sh = shapes[s];

            check_packed_gemm (sh[0], sh[1], sh[2], TRUE, FALSE, BENCH_CPU_ACT_NONE, FALSE, f);
            check_packed_gemm (sh[0], sh[1], sh[2], FALSE, TRUE, BENCH_CPU_ACT_GELU_ERF, FALSE, f);
            check_packed_gemm (sh[0], sh[1], sh[2], TRUE, TRUE, BENCH_CPU_ACT_NONE, TRUE, f);
          }
    }
  omp_set_num_threads (threads);
}

/* The packed GEMM writing attention's heads layout: every element where
 * the [m x n] product's permute to [m / seq, heads, seq, d] puts it, k over
 * two blocks (partial sums read back in that layout), one thread and the
 * team, last panels of 8 and 16 columns. */
static void
test_packed_gemm_heads (void)
{
  static const gint64 shapes[][4] = {
    /* m, k, seq, d; n = 3 d */
    { 24, 40, 12, 16 }, { 256, 1100, 128, 64 }, { 8, 9, 4, 8 }, { 64, 33, 16, 24 },
  };
  const int threads = omp_get_max_threads ();

  if (!bench_cpu_packed_gemm_supported ())
    {
      g_test_skip ("this CPU has no AVX2 + FMA");
      return;
    }
  for (guint t = 0; t < 2; t++)
    {
      omp_set_num_threads (t == 0 ? 1 : threads);
      for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
        {
          gint64 m = shapes[s][0], k = shapes[s][1], seq = shapes[s][2], d = shapes[s][3];
          gint64 n = 3 * d, heads = n / d;
          g_autofree float *a = g_new (float, m * k);
          g_autofree float *w = g_new (float, k * n);
          g_autofree float *bias = g_new (float, n);
          g_autofree float *flat = g_new (float, m * n);
          g_autofree float *split = g_new (float, m * n);
          g_autoptr(BenchCpuPackedB) packed = NULL;

          bench_cpu_fill_uniform (a, m * k, 31);
          bench_cpu_fill_uniform (w, k * n, 32);
          bench_cpu_fill_uniform (bias, n, 33);
          packed = bench_cpu_packed_b_new (k, n, w, TRUE);
          bench_cpu_packed_gemm (m, a, k, packed, bias, BENCH_CPU_ACT_NONE, NULL, 0, flat, n, 0);
          for (guint a4 = 0; a4 < 2; a4++)
            {
              if (a4)
                {
                  /* A in row panels: the same sums in the same order. */
                  g_autofree float *panels = g_new (float, m * k);

                  bench_cpu_rows4_pack (m, k, a, k, panels, k);
                  memset (split, 0, m * n * sizeof (float));
                  bench_cpu_packed_gemm_heads (m, panels, k, packed, bias, seq, d, split,
                                               BENCH_CPU_GEMM_A_ROWS4);
                }
              else
                {
                  bench_cpu_packed_gemm_heads (m, a, k, packed, bias, seq, d, split, 0);
                }

          for (gint64 r = 0; r < m; r++)
            for (gint64 j = 0; j < n; j++)
              {
                gint64 b = r / seq, l = r % seq, h = j / d;
                float got = split[((b * heads + h) * seq + l) * d + j % d];

                if (got != flat[r * n + j])
                  g_error ("heads gemm m %" G_GINT64_FORMAT " k %" G_GINT64_FORMAT " seq %" G_GINT64_FORMAT
                           " d %" G_GINT64_FORMAT " A in row panels %u: [%" G_GINT64_FORMAT ", %"
                           G_GINT64_FORMAT "] = %.9g, expected %.9g",
                           m, k, seq, d, a4, r, j, got, flat[r * n + j]);
              }
            }
        }
    }
  omp_set_num_threads (threads);
}

/* The GEMM on a plain B (packed per call, as attention's matrices are):
 * both layouts of B, row strides past the matrix, k and n not multiples
 * of the 8 x 8 transposes or of the 24-column panel, alpha. */
static void
test_gemm_plain (void)
{
  static const gint64 shapes[][3] = {
    { 1, 1, 1 }, { 5, 7, 9 }, { 128, 128, 64 }, { 128, 64, 128 },
    { 33, 129, 65 }, { 7, 31, 1100 }, { 13, 17, 8 }, { 4, 24, 16 },
  };

  if (!bench_cpu_packed_gemm_supported ())
    {
      g_test_skip ("this CPU has no AVX2 + FMA");
      return;
    }

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    for (int nk = 0; nk < 2; nk++)
      {
        gint64 m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        gint64 lda = k + 1, ldb = (nk ? k : n) + 3, ldc = n + 2;
        float alpha = nk ? 0.125f : 1.0f;
        g_autofree float *a = g_new (float, m * lda);
        g_autofree float *b = g_new (float, (nk ? n : k) * ldb);
        g_autofree float *c = g_new (float, m * ldc);

        bench_cpu_fill_uniform (a, m * lda, 21);
        bench_cpu_fill_uniform (b, (nk ? n : k) * ldb, 22);
        for (gint64 i = 0; i < m * ldc; i++)
          c[i] = 1234.5f;
        bench_cpu_gemm_plain (m, n, k, alpha, a, lda, b, ldb, nk, c, ldc);

        for (gint64 i = 0; i < m; i++)
          {
            for (gint64 j = 0; j < n; j++)
              {
                double sum = 0.0, scale = 0.0, tol;

                for (gint64 p = 0; p < k; p++)
                  {
                    double prod = (double) a[i * lda + p] * (nk ? b[j * ldb + p] : b[p * ldb + j]);

                    sum += prod;
                    scale += fabs (prod);
                  }
                tol = alpha * (1.2 * (k + 1) * FLT_EPSILON * scale) + 1e-7;
                if (fabs (c[i * ldc + j] - alpha * sum) > tol)
                  g_error ("plain gemm %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                           " nk %d: c[%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "] = %.9g, expected %.9g",
                           m, n, k, nk, i, j, c[i * ldc + j], alpha * sum);
              }
            for (gint64 j = n; j < ldc; j++)
              g_assert_cmpfloat (c[i * ldc + j], ==, 1234.5f);
          }
      }
}

/* The vector softmax row against double precision: lengths around the
 * vector width and the 4-vector step, a prefix (causal rows), in place and
 * not, large scores (the maximum must be subtracted) and a negative scale. */
static void
test_softmax_row (void)
{
  static const gint64 shapes[][2] = {
    { 1, 1 }, { 7, 7 }, { 8, 8 }, { 9, 9 }, { 31, 31 }, { 32, 32 }, { 33, 33 },
    { 128, 128 }, { 128, 1 }, { 128, 77 }, { 100, 0 }, { 1500, 1500 },
  };
  static const float scales[] = { 0.125f, 40.0f, -3.0f };

  if (!bench_cpu_packed_gemm_supported ())
    {
      g_test_skip ("this CPU has no AVX2 + FMA");
      return;
    }

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    for (guint f = 0; f < G_N_ELEMENTS (scales); f++)
      for (int in_place = 0; in_place < 2; in_place++)
        {
          gint64 n = shapes[s][0], m = shapes[s][1];
          float scale = scales[f];
          g_autofree float *x = g_new (float, n + 1);
          g_autofree float *y = g_new (float, n + 1);
          double mx = -INFINITY, sum = 0.0;

          bench_cpu_fill_uniform (x, n, 31 + s);
          for (gint64 j = 0; j < n; j++)
            y[j] = 1234.5f;
          y[n] = x[n] = 4321.5f;
          for (gint64 j = 0; j < m; j++)
            mx = MAX (mx, (double) scale * x[j]);
          for (gint64 j = 0; j < m; j++)
            sum += exp ((double) scale * x[j] - mx);
          if (in_place)
            {
              g_autofree float *ref = g_memdup2 (x, (n + 1) * sizeof (float));

              bench_cpu_softmax_row (x, x, n, m, scale);
              memcpy (y, x, (n + 1) * sizeof (float));
              memcpy (x, ref, (n + 1) * sizeof (float));
            }
          else
            {
              bench_cpu_softmax_row (x, y, n, m, scale);
            }

          for (gint64 j = 0; j < n; j++)
            {
              double want = j < m ? exp ((double) scale * x[j] - mx) / sum : 0.0;

              if (fabs (y[j] - want) > 4e-6 * want + 1e-30)
                g_error ("softmax row n %" G_GINT64_FORMAT " m %" G_GINT64_FORMAT " scale %g%s:"
                         " y[%" G_GINT64_FORMAT "] = %.9g, expected %.9g",
                         n, m, scale, in_place ? " in place" : "", j, y[j], want);
            }
          g_assert_cmpfloat (y[n], ==, 4321.5f);
        }
}

/* One attention matrix, 4 rows at a time, against double precision:
 * query counts that are not multiples of 4, key counts around the 24-key
 * panels and the 8-lane vectors, head sizes that are not multiples of 8,
 * causal rows (all keys for a decode row, none for rows before the
 * first key), strided rows whose gaps must stay untouched, and the key
 * limit, past which nothing is written. */
static void
test_attention (void)
{
  static const struct { gint64 lq, lk, d, dv; gboolean causal; } shapes[] = {
    { 128, 128, 64, 64, FALSE }, { 128, 128, 64, 64, TRUE }, { 5, 77, 64, 64, FALSE },
    { 1, 33, 64, 40, TRUE }, { 7, 16, 8, 24, TRUE }, { 130, 200, 30, 20, FALSE },
    { 9, 4, 12, 8, TRUE }, { 3, 512, 64, 64, FALSE }, { 2, 513, 64, 64, FALSE },
  };

  if (!bench_cpu_packed_gemm_supported ())
    {
      g_test_skip ("this CPU has no AVX2 + FMA");
      return;
    }

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      gint64 lq = shapes[s].lq, lk = shapes[s].lk, d = shapes[s].d, dv = shapes[s].dv;
      gint64 ldq = d + 3, ldk = d + 1, ldv = dv + 5, ldo = dv + 2;
      float scale = 0.125f, alpha = 0.5f;
      g_autofree float *q = g_new (float, lq * ldq);
      g_autofree float *k = g_new (float, lk * ldk);
      g_autofree float *v = g_new (float, lk * ldv);
      g_autofree float *out = g_new (float, lq * ldo);
      gsize ws_size = bench_cpu_attention_workspace (lk, d, dv);
      float *ws = bench_cpu_alloc (ws_size);
      g_autofree double *p = g_new (double, lk);
      gboolean done;

      /* NaN where nothing is written first: padding must be zeroed. */
      for (gsize i = 0; i < ws_size / sizeof (float); i++)
        ws[i] = NAN;

      bench_cpu_fill_uniform (q, lq * ldq, 41 + s);
      bench_cpu_fill_uniform (k, lk * ldk, 43 + s);
      bench_cpu_fill_uniform (v, lk * ldv, 47 + s);
      /* Large scores: the maximum must be subtracted. */
      for (gint64 i = 0; i < lq * ldq; i++)
        q[i] *= 20.0f;
      for (gint64 i = 0; i < lq * ldo; i++)
        out[i] = 1234.5f;

      done = bench_cpu_attention (lq, lk, d, dv, q, ldq, k, ldk, v, ldv, scale, shapes[s].causal,
                                  alpha, out, ldo, ws);
      bench_cpu_free (ws);
      g_assert_true (done == (lk <= BENCH_CPU_ATTENTION_MAX_KEYS));

      for (gint64 i = 0; i < lq; i++)
        {
          gint64 m = shapes[s].causal ? CLAMP (i + lk - lq + 1, 0, lk) : lk;
          double mx = -INFINITY, sum = 0.0;

          for (gint64 j = 0; j < m; j++)
            {
              double dot = 0.0;

              for (gint64 c = 0; c < d; c++)
                dot += (double) q[i * ldq + c] * k[j * ldk + c];
              p[j] = scale * dot;
              mx = MAX (mx, p[j]);
            }
          for (gint64 j = 0; j < m; j++)
            sum += (p[j] = exp (p[j] - mx));
          for (gint64 c = 0; c < ldo; c++)
            {
              double want = 0.0;
              float got = out[i * ldo + c];

              for (gint64 j = 0; j < m; j++)
                want += p[j] / sum * v[j * ldv + c % MAX (dv, 1)];
              want *= alpha;
              if (!done || c >= dv)
                want = 1234.5;
              if (!(fabs (got - want) <= 2e-5))
                g_error ("attention %" G_GINT64_FORMAT " x %" G_GINT64_FORMAT " (d %" G_GINT64_FORMAT
                         ", dv %" G_GINT64_FORMAT "%s): out[%" G_GINT64_FORMAT "][%" G_GINT64_FORMAT
                         "] = %.9g, expected %.9g",
                         lq, lk, d, dv, shapes[s].causal ? ", causal" : "", i, c, got, want);
            }
        }
    }
}

/* The vector layer and RMS norm row against double precision: lengths
 * around the vector width, a row with a large mean (the variance is taken
 * about the mean, not from the mean of squares), no bias, in place. */
static void
test_layer_norm_row (void)
{
  static const gint64 lengths[] = { 1, 7, 8, 9, 31, 32, 33, 768, 1001 };

  if (!bench_cpu_packed_gemm_supported ())
    {
      g_test_skip ("this CPU has no AVX2 + FMA");
      return;
    }

  for (guint l = 0; l < G_N_ELEMENTS (lengths); l++)
    for (int mode = 0; mode < 4; mode++)
      {
        /* 0: layer norm, 1: layer norm without bias, in place, offset by
         * 1000, 2: RMS norm, 3: RMS norm in place */
        gint64 n = lengths[l];
        gboolean rms = mode >= 2, in_place = mode == 1 || mode == 3;
        g_autofree float *x = g_new (float, n + 1);
        g_autofree float *g = g_new (float, n);
        g_autofree float *b = g_new (float, n);
        g_autofree float *y = g_new (float, n + 1);
        g_autofree double *want = g_new (double, n);
        double mean = 0.0, var = 0.0, rstd;
        const float *bias = mode == 0 ? b : NULL;

        bench_cpu_fill_uniform (x, n, 41 + l);
        bench_cpu_fill_uniform (g, n, 42);
        bench_cpu_fill_uniform (b, n, 43);
        if (mode == 1)
          for (gint64 i = 0; i < n; i++)
            x[i] += 1000.0f;
        x[n] = y[n] = 4321.5f;
        for (gint64 i = 0; !rms && i < n; i++)
          mean += x[i];
        mean /= n;
        for (gint64 i = 0; i < n; i++)
          var += (x[i] - mean) * (x[i] - mean);
        rstd = 1.0 / sqrt (var / n + 1e-5);
        for (gint64 i = 0; i < n; i++)
          want[i] = (x[i] - mean) * rstd * g[i] + (bias != NULL ? bias[i] : 0.0);

        if (in_place)
          {
            bench_cpu_layer_norm_row (x, g, bias, x, n, 1e-5f, rms);
            memcpy (y, x, (n + 1) * sizeof (float));
          }
        else
          {
            bench_cpu_layer_norm_row (x, g, bias, y, n, 1e-5f, rms);
          }
        for (gint64 i = 0; i < n; i++)
          if (fabs (y[i] - want[i]) > 2e-5 * (1.0 + fabs (want[i])) * (mode == 1 ? 100.0 : 1.0))
            g_error ("norm row n %" G_GINT64_FORMAT " mode %d: y[%" G_GINT64_FORMAT "] = %.9g, expected %.9g",
                     n, mode, i, y[i], want[i]);
        g_assert_cmpfloat (y[n], ==, 4321.5f);
      }
}

typedef struct
{
  gint  *runs;     /* per chunk: how many times it ran */
  gint   nested;   /* chunks of a job started from inside a chunk */
  gint64 n;
} PoolCheck;

static void
count_chunk (gint64   i,
             gpointer data)
{
  PoolCheck *pc = data;

  g_atomic_int_inc (&pc->runs[i]);
}

static void
nesting_chunk (gint64   i,
               gpointer data)
{
  PoolCheck *pc = data;
  PoolCheck inner = { g_new0 (gint, 3), 0, 3 };

  /* A job started from a chunk runs inline, whole. */
  bench_cpu_parallel_for (3, count_chunk, &inner);
  for (guint c = 0; c < 3; c++)
    g_assert_cmpint (inner.runs[c], ==, 1);
  g_free (inner.runs);
  g_atomic_int_inc (&pc->nested);
  g_atomic_int_inc (&pc->runs[i]);
}

typedef struct
{
  GThread *caller;
  gint     on_helper;
} HelperCheck;

/* About 50 us of work, and whether a helper ran it. */
static void
busy_chunk (gint64   i,
            gpointer data)
{
  HelperCheck *hc = data;
  gint64 end = g_get_monotonic_time () + 50;

  while (g_get_monotonic_time () < end)
    ;
  if (g_thread_self () != hc->caller)
    g_atomic_int_inc (&hc->on_helper);
}

/* Helpers sent to sleep (bench_cpu_parallel_rest(), or idle past their
 * polling) are woken by the next job: a lost wake-up would leave the
 * caller alone with every chunk from then on. */
static void
test_parallel_wake (void)
{
  int threads = omp_get_max_threads ();
  guint joined = 0;

  omp_set_num_threads (2);
  for (guint rep = 0; rep < 20; rep++)
    {
      HelperCheck hc = { g_thread_self (), 0 };

      if (rep % 2 == 0)
        bench_cpu_parallel_rest ();
      else
        g_usleep (2000);
      /* 200 chunks of 50 us: 10 ms for a helper to wake and take some. */
      bench_cpu_parallel_for (200, busy_chunk, &hc);
      joined += hc.on_helper > 0;
    }
  omp_set_num_threads (threads);
  g_test_message ("a helper took part in %u of 20 jobs", joined);
  g_assert_cmpuint (joined, >=, 10);
}

/* Every chunk runs exactly once, job after job (the generations must keep
 * a slow helper from running chunks of the next job). */
static void
test_parallel_for (void)
{
  static const gint64 sizes[] = { 0, 1, 2, 3, 7, 64, 1000 };

  for (guint rep = 0; rep < 200; rep++)
    {
      gint64 n = sizes[rep % G_N_ELEMENTS (sizes)];
      PoolCheck pc = { g_new0 (gint, MAX (n, 1)), 0, n };

      bench_cpu_parallel_for (n, count_chunk, &pc);
      for (gint64 i = 0; i < n; i++)
        g_assert_cmpint (pc.runs[i], ==, 1);
      g_free (pc.runs);
    }
  {
    PoolCheck pc = { g_new0 (gint, 16), 0, 16 };

    bench_cpu_parallel_for (16, nesting_chunk, &pc);
    g_assert_cmpint (pc.nested, ==, 16);
    for (gint64 i = 0; i < 16; i++)
      g_assert_cmpint (pc.runs[i], ==, 1);
    g_free (pc.runs);
  }
}

static void
test_act_reference (void)
{
  /* Known values: GELU(1) = 0.8413447, tanh GELU(1) = 0.8411920,
   * quick GELU(1) = 1 / (1 + e^-1.702) = 0.8457958. */
  g_assert_cmpfloat (bench_cpu_act_reference (BENCH_CPU_ACT_NONE, -3.5), ==, -3.5);
  g_assert_cmpfloat_with_epsilon (bench_cpu_act_reference (BENCH_CPU_ACT_GELU_ERF, 1.0), 0.8413447, 1e-7);
  g_assert_cmpfloat_with_epsilon (bench_cpu_act_reference (BENCH_CPU_ACT_GELU_TANH, 1.0), 0.8411920, 1e-7);
  g_assert_cmpfloat_with_epsilon (bench_cpu_act_reference (BENCH_CPU_ACT_GELU_QUICK, 1.0), 0.8457958, 1e-7);
}

static void
test_sgemm_check_detects_error (void)
{
  const gint64 n = 129;
  g_auto(Buffers) buf = { 0 };
  g_autoptr(GError) error = NULL;
  BenchCpuCheck check;

  buf.a = bench_cpu_alloc (n * n * sizeof (float));
  buf.b = bench_cpu_alloc (n * n * sizeof (float));
  buf.c = bench_cpu_alloc (n * n * sizeof (float));
  bench_cpu_fill_uniform (buf.a, n * n, 1);
  bench_cpu_fill_uniform (buf.b, n * n, 2);
  g_assert_true (bench_cpu_sgemm (n, n, n, buf.a, buf.b, buf.c, &error));

  /* Full check sees a one-entry error; the sampled check (max_full = 0,
   * so 4096 of 16641 entries) must still pass on correct output. */
  g_assert_true (bench_cpu_sgemm_check (n, n, n, buf.a, buf.b, buf.c, 0, &check));
  g_assert_cmpuint (check.checked, ==, 4096);
  buf.c[5 * n + 7] += 0.01f;
  g_assert_false (bench_cpu_sgemm_check (n, n, n, buf.a, buf.b, buf.c, n * n, &check));
  g_assert_cmpfloat (check.max_abs_error, >, 0.009);
  buf.c[5 * n + 7] = NAN;
  g_assert_false (bench_cpu_sgemm_check (n, n, n, buf.a, buf.b, buf.c, n * n, &check));
}

static void
test_triad (void)
{
  const gsize n = 100003;  /* odd: exercises the scalar tail of each chunk */
  g_auto(Buffers) buf = { 0 };
  BenchCpuCheck check;

  buf.a = bench_cpu_alloc (n * sizeof (float));
  buf.b = bench_cpu_alloc (n * sizeof (float));
  buf.c = bench_cpu_alloc (n * sizeof (float));
  bench_cpu_triad_init (buf.a, buf.b, buf.c, n);

  /* Before the kernel runs, a[] is all zero: the check must fail. */
  g_assert_false (bench_cpu_triad_check (buf.a, n, BENCH_CPU_TRIAD_SCALAR, &check));

  bench_cpu_triad (buf.a, buf.b, buf.c, BENCH_CPU_TRIAD_SCALAR, n);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat (buf.a[i], ==, buf.b[i] + BENCH_CPU_TRIAD_SCALAR * buf.c[i]);
  g_assert_true (bench_cpu_triad_check (buf.a, n, BENCH_CPU_TRIAD_SCALAR, &check));
  g_assert_cmpuint (check.checked, ==, n);
  g_assert_cmpfloat (check.max_abs_error, ==, 0.0);

  /* Misaligned arrays take the plain path and must agree. */
  memset (buf.a, 0, n * sizeof (float));
  bench_cpu_triad (buf.a + 1, buf.b + 1, buf.c + 1, BENCH_CPU_TRIAD_SCALAR, n - 1);
  for (gsize i = 1; i < n; i++)
    g_assert_cmpfloat (buf.a[i], ==, buf.b[i] + BENCH_CPU_TRIAD_SCALAR * buf.c[i]);

  buf.a[n - 1] += 1.0f;
  g_assert_false (bench_cpu_triad_check (buf.a, n, BENCH_CPU_TRIAD_SCALAR, &check));
}

static void
check_peak_isa (BenchCpuIsa isa)
{
  const int threads = bench_cpu_info_usable_threads ();
  const guint lanes = bench_cpu_isa_lanes (isa);
  const guint64 inner = 1000;
  g_autofree float *acc = g_new0 (float, threads * BENCH_CPU_PEAK_CHAINS * lanes);
  BenchCpuCheck check;

  g_assert_cmpint (bench_cpu_peak_flops_run (isa, inner, 3, threads, acc), ==, threads);
  g_assert_true (bench_cpu_peak_flops_check (isa, inner, threads, acc, &check));
  g_assert_cmpuint (check.checked, ==, threads * BENCH_CPU_PEAK_CHAINS * lanes);
  /* Closed form, written out: acc0 (c * lanes + l) + inner * 2^-16. */
  g_assert_cmpfloat (acc[0], ==, inner / 65536.0);
  g_assert_cmpfloat (acc[lanes + 1], ==, lanes + 1 + inner / 65536.0);
  g_assert_cmpfloat (bench_cpu_peak_flops_count (isa, inner, 3, threads), ==,
                     (double) threads * 3 * inner * BENCH_CPU_PEAK_CHAINS * lanes * 2);

  /* A result from a different step count must not pass. */
  g_assert_false (bench_cpu_peak_flops_check (isa, inner + 1, threads, acc, &check));
}

static void
test_peak_flops (void)
{
  BenchCpuIsa best = bench_cpu_isa_detect ();

  check_peak_isa (BENCH_CPU_ISA_GENERIC);
  if (best != BENCH_CPU_ISA_GENERIC)
    check_peak_isa (best);
  if (best == BENCH_CPU_ISA_AVX512F)
    check_peak_isa (BENCH_CPU_ISA_AVX2_FMA);
}

static void
test_discovery (void)
{
  g_autoptr(BenchBackend) backend = g_object_new (BENCH_TYPE_CPU_BACKEND, NULL);
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  BenchDevice *device;
  const char *fingerprint;

  g_assert_cmpstr (bench_backend_get_name (backend), ==, "cpu");

  devices = bench_backend_discover (backend, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (devices);
  g_assert_cmpuint (devices->len, ==, 1);

  device = g_ptr_array_index (devices, 0);
  g_assert_cmpstr (bench_device_get_id (device), ==, "cpu");
  g_assert_cmpstr (bench_device_get_backend_name (device), ==, "cpu");
  g_assert_cmpint (bench_device_get_device_type (device), ==, BENCH_DEVICE_TYPE_CPU);
  g_assert_nonnull (bench_device_get_name (device));
  g_assert_cmpstr (bench_device_get_name (device), !=, "");
  g_assert_cmpint (bench_device_get_threads (device), >=, 1);
  g_assert_cmpint (bench_device_get_threads (device), ==, bench_cpu_info_usable_threads ());
  g_assert_cmpint (bench_device_get_memory_bytes (device), >, 0);
  g_assert_true (bench_device_get_backend (device) == (gpointer) backend);
  g_assert_nonnull (bench_device_get_property_value (device, "kernel"));
  g_assert_nonnull (bench_device_get_property_value (device, "onednn"));
  g_assert_nonnull (bench_device_get_property_value (device, "openmp_threads"));

  fingerprint = bench_device_get_fingerprint (device);
  g_assert_nonnull (fingerprint);
  g_assert_cmpuint (strlen (fingerprint), ==, 16);
  for (const char *p = fingerprint; *p; p++)
    g_assert_true (g_ascii_isxdigit (*p));
  expected = bench_cpu_info_fingerprint (bench_device_get_name (device),
                                         bench_device_get_compute_units (device),
                                         bench_device_get_threads (device),
                                         bench_device_get_memory_bytes (device));
  g_assert_cmpstr (fingerprint, ==, expected);

  /* Stable: a second discovery gives the same identity. */
  {
    g_autoptr(GPtrArray) again = bench_backend_discover (backend, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (bench_device_get_fingerprint (g_ptr_array_index (again, 0)), ==, fingerprint);
  }
}

static void
test_fingerprint (void)
{
  g_autofree char *a = bench_cpu_info_fingerprint ("AMD EPYC", 2, 2, G_GINT64_CONSTANT (24) << 30);
  g_autofree char *b = bench_cpu_info_fingerprint ("AMD EPYC", 2, 2, (G_GINT64_CONSTANT (24) << 30) - 4096);
  g_autofree char *c = bench_cpu_info_fingerprint ("AMD EPYC", 2, 4, G_GINT64_CONSTANT (24) << 30);
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "cpu|AMD EPYC|2|2|24", -1);

  g_assert_cmpstr (a, ==, b);   /* rounded to GiB */
  g_assert_cmpstr (a, !=, c);
  g_assert_true (g_str_has_prefix (digest, a));
}

static BenchDevice *
discover_cpu (BenchBackend *backend)
{
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;

  devices = bench_backend_discover (backend, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (devices->len, ==, 1);
  return g_object_ref (g_ptr_array_index (devices, 0));
}

static BenchConfig
make_config (const char *workload,
             const char *precision,
             gint64      size)
{
  BenchConfig config = {
    .workload = (char *) workload,
    .device_id = (char *) "cpu",
    .batch_size = -1,
    .seq_len = -1,
    .precision = (char *) precision,
    .mode = (char *) "inference",
    .size = size,
    .gen_tokens = -1,
    .iterations = 1,
    .warmup = 0,
    .min_time = 0,
    .max_time = 0,
  };

  return config;
}

static void
test_prepare_errors (void)
{
  g_autoptr(BenchBackend) backend = g_object_new (BENCH_TYPE_CPU_BACKEND, NULL);
  g_autoptr(BenchDevice) device = discover_cpu (backend);
  g_autoptr(BenchExecutable) executable = NULL;
  g_autoptr(GError) error = NULL;
  BenchConfig config;

  config = make_config ("no-such-workload", "fp32", -1);
  executable = bench_backend_prepare (backend, device, &config, NULL, &error);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_UNKNOWN_WORKLOAD);
  g_assert_null (executable);
  g_assert_nonnull (strstr (error->message, "no-such-workload"));
  g_clear_error (&error);

  config = make_config ("gemm", "fp16", 64);
  executable = bench_backend_prepare (backend, device, &config, NULL, &error);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED);
  g_assert_null (executable);
  g_assert_nonnull (strstr (error->message, "gemm"));
  g_assert_nonnull (strstr (error->message, "fp16"));
  g_clear_error (&error);

  config = make_config ("stream-triad", "int8", 1024);
  executable = bench_backend_prepare (backend, device, &config, NULL, &error);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  /* More memory than the machine has: refused up front, naming the size. */
  config = make_config ("stream-triad", "fp32", G_GINT64_CONSTANT (1) << 50);
  executable = bench_backend_prepare (backend, device, &config, NULL, &error);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_DEVICE);
  g_assert_nonnull (strstr (error->message, "3 PiB"));
  g_assert_nonnull (strstr (error->message, "stream-triad on cpu"));
  g_clear_error (&error);

  /* Cancelled before it starts. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    g_cancellable_cancel (cancellable);
    config = make_config ("gemm", "fp32", 64);
    executable = bench_backend_prepare (backend, device, &config, cancellable, &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null (executable);
  }
}

/* prepare + run + validate through the BenchBackend API. */
static BenchExecutable *
prepare_and_run (BenchBackend *backend,
                 BenchDevice  *device,
                 const char   *workload,
                 gint64        size,
                 guint         runs)
{
  g_autoptr(BenchExecutable) executable = NULL;
  g_autoptr(GError) error = NULL;
  BenchConfig config = make_config (workload, "fp32", size);
  BenchValidationReport report;

  executable = bench_backend_prepare (backend, device, &config, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (executable);

  /* Not run yet: nothing to validate. */
  g_assert_true (bench_executable_validate (executable, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.validation, ==, BENCH_VALIDATION_NONE);

  for (guint i = 0; i < runs; i++)
    {
      BenchIteration iteration;

      g_assert_true (bench_executable_run (executable, &iteration, &error));
      g_assert_no_error (error);
      g_assert_cmpint (iteration.device_ns, ==, -1);
    }

  g_assert_true (bench_executable_validate (executable, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.validation, ==, BENCH_VALIDATION_PASS);
  g_assert_cmpfloat (report.max_rel_error, <=, report.tolerance);
  g_assert_false (isnan (report.max_abs_error));

  return g_steal_pointer (&executable);
}

static void
test_executable_gemm (void)
{
  g_autoptr(BenchBackend) backend = g_object_new (BENCH_TYPE_CPU_BACKEND, NULL);
  g_autoptr(BenchDevice) device = discover_cpu (backend);
  g_autoptr(BenchExecutable) executable = prepare_and_run (backend, device, "gemm", 64, 3);
  BenchWork *work = bench_executable_get_work (executable);

  g_assert_cmpfloat (work->flops, ==, 2.0 * 64 * 64 * 64);
  g_assert_cmpfloat (work->bytes, ==, 3.0 * 64 * 64 * 4);
  g_assert_cmpfloat (work->items, ==, 1);
  g_assert_true (isnan (work->tokens));
  g_assert_cmpint (work->workspace_bytes, ==, 3 * 64 * 64 * 4);
  g_assert_cmpint (work->weights_bytes, ==, -1);
  g_assert_nonnull (bench_cpu_executable_get_impl (BENCH_CPU_EXECUTABLE (executable)));
}

static void
test_executable_triad (void)
{
  const gint64 bytes = 1024 * 1024;
  g_autoptr(BenchBackend) backend = g_object_new (BENCH_TYPE_CPU_BACKEND, NULL);
  g_autoptr(BenchDevice) device = discover_cpu (backend);
  g_autoptr(BenchExecutable) executable = prepare_and_run (backend, device, "stream-triad", bytes, 2);
  BenchWork *work = bench_executable_get_work (executable);

  g_assert_cmpfloat (work->flops, ==, 2.0 * bytes / 4);
  g_assert_cmpfloat (work->bytes, ==, 3.0 * bytes);
  g_assert_cmpint (work->workspace_bytes, ==, 3 * bytes);
}

static void
test_executable_peak (void)
{
  g_autoptr(BenchBackend) backend = g_object_new (BENCH_TYPE_CPU_BACKEND, NULL);
  g_autoptr(BenchDevice) device = discover_cpu (backend);
  g_autoptr(BenchExecutable) executable = prepare_and_run (backend, device, "peak-flops", -1, 1);
  BenchWork *work = bench_executable_get_work (executable);

  g_assert_cmpfloat (work->flops, >, 0);
  g_assert_true (isnan (work->bytes));
  /* Threads x chains x lanes x 2 divides the FLOP count exactly. */
  g_assert_cmpfloat (fmod (work->flops, (double) omp_get_max_threads () * BENCH_CPU_PEAK_CHAINS * 2), ==, 0);
}

static void
test_executable_dispatch (void)
{
  g_autoptr(BenchBackend) backend = g_object_new (BENCH_TYPE_CPU_BACKEND, NULL);
  g_autoptr(BenchDevice) device = discover_cpu (backend);
  g_autoptr(BenchExecutable) executable = NULL;
  g_autoptr(GError) error = NULL;
  BenchConfig config = make_config ("dispatch-latency", "fp32", -1);
  BenchValidationReport report;
  BenchIteration iteration;
  BenchWork *work;

  executable = bench_backend_prepare (backend, device, &config, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (bench_executable_run (executable, &iteration, &error));
  g_assert_no_error (error);

  /* Nothing is computed: no FLOPs, no bytes, nothing to validate. */
  work = bench_executable_get_work (executable);
  g_assert_true (isnan (work->flops));
  g_assert_true (isnan (work->bytes));
  g_assert_cmpfloat (work->items, ==, 1);
  g_assert_true (bench_executable_validate (executable, &report, &error));
  g_assert_cmpint (report.validation, ==, BENCH_VALIDATION_NONE);

  /* The host is not an accelerator: no transfers to measure. */
  g_clear_object (&executable);
  config = make_config ("transfer-h2d", "fp32", 4096);
  executable = bench_backend_prepare (backend, device, &config, NULL, &error);
  g_assert_null (executable);
  g_assert_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cpu/alloc-aligned", test_alloc_aligned);
  g_test_add_func ("/cpu/fill-deterministic", test_fill_deterministic);
  g_test_add_func ("/cpu/sgemm/sizes", test_sgemm_sizes);
  g_test_add_func ("/cpu/sgemm/check-detects-error", test_sgemm_check_detects_error);
  g_test_add_func ("/cpu/parallel-for", test_parallel_for);
  g_test_add_func ("/cpu/parallel-wake", test_parallel_wake);
  g_test_add_func ("/cpu/packed-gemm", test_packed_gemm);
  g_test_add_func ("/cpu/packed-gemm/act-reference", test_act_reference);
  g_test_add_func ("/cpu/gemm-plain", test_gemm_plain);
  g_test_add_func ("/cpu/packed-gemm/heads", test_packed_gemm_heads);
  g_test_add_func ("/cpu/packed-gemm/rows4", test_packed_gemm_rows4);
  g_test_add_func ("/cpu/softmax-row", test_softmax_row);
  g_test_add_func ("/cpu/attention", test_attention);
  g_test_add_func ("/cpu/layer-norm-row", test_layer_norm_row);
  g_test_add_func ("/cpu/triad", test_triad);
  g_test_add_func ("/cpu/peak-flops", test_peak_flops);
  g_test_add_func ("/cpu/discovery", test_discovery);
  g_test_add_func ("/cpu/fingerprint", test_fingerprint);
  g_test_add_func ("/cpu/prepare-errors", test_prepare_errors);
  g_test_add_func ("/cpu/executable/gemm", test_executable_gemm);
  g_test_add_func ("/cpu/executable/triad", test_executable_triad);
  g_test_add_func ("/cpu/executable/peak-flops", test_executable_peak);
  g_test_add_func ("/cpu/executable/dispatch-latency", test_executable_dispatch);

  return g_test_run ();
}
