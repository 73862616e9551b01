/* bench-cpu-kernels.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#if defined(__x86_64__) || defined(__i386__)
# include <immintrin.h>
# define BENCH_CPU_X86 1
#endif

#include "bench-error.h"
#include "bench-cpu-kernels.h"

/* ---- memory and data ---- */

#define HUGE_PAGE_SIZE ((gsize) 2 * 1024 * 1024)

gpointer
bench_cpu_alloc (gsize bytes)
{
  void *mem = NULL;
  gsize alignment = BENCH_CPU_ALIGNMENT;

  if (bytes == 0)
    bytes = BENCH_CPU_ALIGNMENT;
  /* Large buffers on whole 2 MiB pages, so that transparent huge pages can
   * back them: streaming kernels then cross far fewer page boundaries
   * (where hardware prefetchers stop) and TLB misses. Measured on the
   * development machine: triad +10-20%. */
  if (bytes >= HUGE_PAGE_SIZE)
    alignment = HUGE_PAGE_SIZE;
  bytes = (bytes + alignment - 1) & ~(alignment - 1);
  if (posix_memalign (&mem, alignment, bytes) != 0)
    return NULL;
#ifdef MADV_HUGEPAGE
  /* Advice only: with THP disabled it fails harmlessly. */
  if (alignment == HUGE_PAGE_SIZE)
    (void) madvise (mem, bytes, MADV_HUGEPAGE);
#endif
  return mem;
}

void
bench_cpu_free (gpointer mem)
{
  free (mem);
}

static inline guint64
splitmix64 (guint64 x)
{
  x += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return x ^ (x >> 31);
}

void
bench_cpu_fill_uniform (float   *x,
                        gsize    n,
                        guint64  seed)
{
  const guint64 base = splitmix64 (seed);

  g_return_if_fail (x != NULL || n == 0);

  /* Counter-based, so the values do not depend on the thread count. */
#pragma omp parallel for schedule(static)
  for (gint64 i = 0; i < (gint64) n; i++)
    {
      guint64 r = splitmix64 (base + (guint64) i);
      /* 24 random bits: exact in fp32, uniform in [-1, 1). */
      x[i] = (float) ((double) (r >> 40) * (2.0 / 16777216.0) - 1.0);
    }
}

char *
bench_cpu_format_size (guint64 bytes)
{
  static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
  guint u = 0;
  double v = bytes;

  while (v >= 1024.0 && u + 1 < G_N_ELEMENTS (units))
    {
      v /= 1024.0;
      u++;
    }
  if (u == 0 || v == floor (v))
    return g_strdup_printf ("%.0f %s", v, units[u]);
  return g_strdup_printf ("%.1f %s", v, units[u]);
}

/* ---- oneDNN ---- */

static const char *
dnnl_status_to_string (dnnl_status_t status)
{
  switch (status)
    {
    case dnnl_success: return "success";
    case dnnl_out_of_memory: return "out of memory";
    case dnnl_invalid_arguments: return "invalid arguments";
    case dnnl_unimplemented: return "not implemented";
    case dnnl_iterator_ends: return "no implementation left";
    case dnnl_runtime_error: return "runtime error";
    case dnnl_not_required: return "not required";
    default: return "unknown error";
    }
}

static gboolean
dnnl_check (dnnl_status_t   status,
            const char     *what,
            GError        **error)
{
  if (status == dnnl_success)
    return TRUE;
  g_set_error (error, BENCH_ERROR,
               status == dnnl_out_of_memory ? BENCH_ERROR_DEVICE : BENCH_ERROR_FAILED,
               "oneDNN %s failed on cpu: %s (status %d)",
               what, dnnl_status_to_string (status), (int) status);
  return FALSE;
}

gboolean
bench_cpu_sgemm (gint64        m,
                 gint64        n,
                 gint64        k,
                 const float  *a,
                 const float  *b,
                 float        *c,
                 GError      **error)
{
  /* dnnl_sgemm is row-major: lda = k, ldb = n, ldc = n. */
  return dnnl_check (dnnl_sgemm ('N', 'N', m, n, k, 1.0f, a, k, b, n, 0.0f, c, n),
                     "dnnl_sgemm", error);
}

struct _BenchCpuMatmul
{
  dnnl_engine_t          engine;
  dnnl_stream_t          stream;
  dnnl_primitive_desc_t  pd;
  dnnl_primitive_t       primitive;
  dnnl_memory_t          src;
  dnnl_memory_t          weights;
  dnnl_memory_t          dst;
  dnnl_exec_arg_t        args[3];
};

void
bench_cpu_matmul_free (BenchCpuMatmul *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->src, dnnl_memory_destroy);
  g_clear_pointer (&self->weights, dnnl_memory_destroy);
  g_clear_pointer (&self->dst, dnnl_memory_destroy);
  g_clear_pointer (&self->primitive, dnnl_primitive_destroy);
  g_clear_pointer (&self->pd, dnnl_primitive_desc_destroy);
  g_clear_pointer (&self->stream, dnnl_stream_destroy);
  g_clear_pointer (&self->engine, dnnl_engine_destroy);
  g_free (self);
}

BenchCpuMatmul *
bench_cpu_matmul_new (gint64        m,
                      gint64        n,
                      gint64        k,
                      const float  *a,
                      const float  *b,
                      float        *c,
                      GError      **error)
{
  g_autoptr(BenchCpuMatmul) self = g_new0 (BenchCpuMatmul, 1);
  dnnl_memory_desc_t src_md, weights_md, dst_md;
  dnnl_matmul_desc_t desc;
  dnnl_dims_t src_dims = { m, k };
  dnnl_dims_t weights_dims = { k, n };
  dnnl_dims_t dst_dims = { m, n };

  g_return_val_if_fail (m > 0 && n > 0 && k > 0, NULL);

  if (!dnnl_check (dnnl_engine_create (&self->engine, dnnl_cpu, 0),
                   "engine creation", error) ||
      !dnnl_check (dnnl_stream_create (&self->stream, self->engine,
                                       dnnl_stream_default_flags),
                   "stream creation", error) ||
      !dnnl_check (dnnl_memory_desc_init_by_tag (&src_md, 2, src_dims,
                                                 dnnl_f32, dnnl_ab),
                   "memory descriptor", error) ||
      !dnnl_check (dnnl_memory_desc_init_by_tag (&weights_md, 2, weights_dims,
                                                 dnnl_f32, dnnl_ab),
                   "memory descriptor", error) ||
      !dnnl_check (dnnl_memory_desc_init_by_tag (&dst_md, 2, dst_dims,
                                                 dnnl_f32, dnnl_ab),
                   "memory descriptor", error) ||
      !dnnl_check (dnnl_matmul_desc_init (&desc, &src_md, &weights_md,
                                          NULL, &dst_md),
                   "matmul descriptor", error) ||
      !dnnl_check (dnnl_primitive_desc_create (&self->pd, &desc, NULL,
                                               self->engine, NULL),
                   "matmul primitive descriptor", error) ||
      !dnnl_check (dnnl_primitive_create (&self->primitive, self->pd),
                   "matmul primitive creation", error) ||
      !dnnl_check (dnnl_memory_create (&self->src, &src_md, self->engine,
                                       (void *) a),
                   "memory creation", error) ||
      !dnnl_check (dnnl_memory_create (&self->weights, &weights_md,
                                       self->engine, (void *) b),
                   "memory creation", error) ||
      !dnnl_check (dnnl_memory_create (&self->dst, &dst_md, self->engine, c),
                   "memory creation", error))
    return NULL;

  self->args[0] = (dnnl_exec_arg_t) { DNNL_ARG_SRC, self->src };
  self->args[1] = (dnnl_exec_arg_t) { DNNL_ARG_WEIGHTS, self->weights };
  self->args[2] = (dnnl_exec_arg_t) { DNNL_ARG_DST, self->dst };

  return g_steal_pointer (&self);
}

gboolean
bench_cpu_matmul_execute (BenchCpuMatmul  *self,
                          GError         **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return dnnl_check (dnnl_primitive_execute (self->primitive, self->stream,
                                             G_N_ELEMENTS (self->args),
                                             self->args),
                     "matmul execution", error) &&
         dnnl_check (dnnl_stream_wait (self->stream), "stream wait", error);
}

const char *
bench_cpu_matmul_get_impl (BenchCpuMatmul *self)
{
  const char *impl = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (dnnl_primitive_desc_query (self->pd, dnnl_query_impl_info_str, 0,
                                 &impl) != dnnl_success)
    return NULL;
  return impl;
}

/* ---- SGEMM reference ---- */

void
bench_cpu_sgemm_reference (gint64       m,
                           gint64       n,
                           gint64       k,
                           const float *a,
                           const float *b,
                           double      *c)
{
#pragma omp parallel for schedule(static)
  for (gint64 i = 0; i < m; i++)
    {
      double *row = c + i * n;

      for (gint64 j = 0; j < n; j++)
        row[j] = 0.0;
      /* i-k-j order: streams rows of B, still double accumulation. */
      for (gint64 p = 0; p < k; p++)
        {
          double aip = a[i * k + p];
          const float *brow = b + p * n;

          for (gint64 j = 0; j < n; j++)
            row[j] += aip * (double) brow[j];
        }
    }
}

gboolean
bench_cpu_sgemm_check (gint64         m,
                       gint64         n,
                       gint64         k,
                       const float   *a,
                       const float   *b,
                       const float   *c,
                       gsize          max_full,
                       BenchCpuCheck *check)
{
  gint64 total = m * n;
  gint64 count;
  gboolean full;
  double max_abs = 0.0, max_rel = 0.0;

  g_return_val_if_fail (check != NULL, FALSE);

  full = total <= (gint64) max_full;
  count = full ? total : MAX ((gint64) max_full, 4096);

#pragma omp parallel for schedule(static) reduction(max: max_abs, max_rel)
  for (gint64 s = 0; s < count; s++)
    {
      gint64 idx = full ? s : (gint64) (splitmix64 (0xC0FFEE + (guint64) s) % (guint64) total);
      gint64 i = idx / n, j = idx % n;
      double dot = 0.0, scale = 0.0, err;

      for (gint64 p = 0; p < k; p++)
        {
          double prod = (double) a[i * k + p] * (double) b[p * n + j];
          dot += prod;
          scale += fabs (prod);
        }
      err = fabs ((double) c[idx] - dot);
      /* A NaN output must fail: fmax would drop it. */
      if (isnan (c[idx]))
        err = INFINITY;
      max_abs = MAX (max_abs, err);
      max_rel = MAX (max_rel, scale > 0.0 ? err / scale : (err > 0.0 ? INFINITY : 0.0));
    }

  check->max_abs_error = max_abs;
  check->max_rel_error = max_rel;
  check->tolerance = (double) MAX (k, 1) * FLT_EPSILON;
  check->checked = count;
  check->passed = max_rel <= check->tolerance;
  return check->passed;
}

/* ---- STREAM triad ---- */

static inline float
triad_b (gint64 i)
{
  return (float) (i % 1024) * 0.5f;
}

static inline float
triad_c (gint64 i)
{
  return (float) ((i * 7) % 1000) * 0.25f;
}

/* The static partition shared by the first touch and the kernel: chunks of
 * whole 64-byte lines, so with aligned arrays every chunk starts aligned. */
static inline void
triad_range (gsize  n,
             gsize *lo,
             gsize *hi)
{
  const gsize line = BENCH_CPU_ALIGNMENT / sizeof (float);
  gsize threads = omp_get_num_threads ();
  gsize tid = omp_get_thread_num ();
  gsize per = ((n + line - 1) / line + threads - 1) / threads * line;

  *lo = MIN (n, per * tid);
  *hi = MIN (n, *lo + per);
}

void
bench_cpu_triad_init (float *a,
                      float *b,
                      float *c,
                      gsize  n)
{
#pragma omp parallel
  {
    gsize lo, hi;

    triad_range (n, &lo, &hi);
    for (gsize i = lo; i < hi; i++)
      {
        a[i] = 0.0f;
        b[i] = triad_b (i);
        c[i] = triad_c (i);
      }
  }
}

static void
triad_generic (float       *a,
               const float *b,
               const float *c,
               float        scalar,
               gsize        lo,
               gsize        hi)
{
#pragma omp simd
  for (gsize i = lo; i < hi; i++)
    a[i] = b[i] + scalar * c[i];
}

#ifdef BENCH_CPU_X86
/* Non-temporal stores: a[] is not read first (no write-allocate), so the
 * traffic is the 3 arrays STREAM counts, and the kernel runs ~25% faster
 * than with plain stores on the development machine (AMD EPYC, Zen 3). */
__attribute__((target ("avx2,fma"))) static void
triad_avx2_stream (float       *a,
                   const float *b,
                   const float *c,
                   float        scalar,
                   gsize        lo,
                   gsize        hi)
{
  const __m256 vs = _mm256_set1_ps (scalar);
  gsize i = lo;

  for (; i + 8 <= hi; i += 8)
    _mm256_stream_ps (a + i, _mm256_fmadd_ps (vs, _mm256_load_ps (c + i),
                                              _mm256_load_ps (b + i)));
  for (; i < hi; i++)
    a[i] = b[i] + scalar * c[i];
  _mm_sfence ();
}
#endif

void
bench_cpu_triad (float       *a,
                 const float *b,
                 const float *c,
                 float        scalar,
                 gsize        n)
{
  gboolean use_stream = FALSE;

#ifdef BENCH_CPU_X86
  __builtin_cpu_init ();
  use_stream = __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma") &&
               ((guintptr) a % 32) == 0 && ((guintptr) b % 32) == 0 &&
               ((guintptr) c % 32) == 0;
#endif

#pragma omp parallel
  {
    gsize lo, hi;

    triad_range (n, &lo, &hi);
#ifdef BENCH_CPU_X86
    if (use_stream)
      triad_avx2_stream (a, b, c, scalar, lo, hi);
    else
#endif
      triad_generic (a, b, c, scalar, lo, hi);
  }
}

gboolean
bench_cpu_triad_check (const float   *a,
                       gsize          n,
                       float          scalar,
                       BenchCpuCheck *check)
{
  double max_abs = 0.0, max_rel = 0.0;

  g_return_val_if_fail (check != NULL, FALSE);

#pragma omp parallel for schedule(static) reduction(max: max_abs, max_rel)
  for (gint64 i = 0; i < (gint64) n; i++)
    {
      double b = triad_b (i), c = triad_c (i);
      double expected = b + (double) scalar * c;
      double scale = fabs (b) + fabs ((double) scalar * c);
      double err = isnan (a[i]) ? INFINITY : fabs ((double) a[i] - expected);

      max_abs = MAX (max_abs, err);
      max_rel = MAX (max_rel, scale > 0.0 ? err / scale : (err > 0.0 ? INFINITY : 0.0));
    }

  check->max_abs_error = max_abs;
  check->max_rel_error = max_rel;
  /* One rounding of the product and one of the sum (or one of an FMA);
   * with the default scalar every value is exact and the error is 0. */
  check->tolerance = FLT_EPSILON;
  check->checked = n;
  check->passed = max_rel <= check->tolerance;
  return check->passed;
}

/* ---- peak FLOP/s ---- */

/* Read at run time so the compiler cannot fold fma (acc, 1, h) into an add. */
static volatile float peak_one = 1.0f;
static volatile float peak_step = 1.0f / 65536.0f;  /* h = 2^-16 */

BenchCpuIsa
bench_cpu_isa_detect (void)
{
#ifdef BENCH_CPU_X86
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f"))
    return BENCH_CPU_ISA_AVX512F;
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return BENCH_CPU_ISA_AVX2_FMA;
#endif
  return BENCH_CPU_ISA_GENERIC;
}

const char *
bench_cpu_isa_to_string (BenchCpuIsa isa)
{
  switch (isa)
    {
    case BENCH_CPU_ISA_AVX512F: return "avx512f";
    case BENCH_CPU_ISA_AVX2_FMA: return "avx2+fma";
    case BENCH_CPU_ISA_GENERIC:
    default: return "generic";
    }
}

guint
bench_cpu_isa_lanes (BenchCpuIsa isa)
{
  switch (isa)
    {
    case BENCH_CPU_ISA_AVX512F: return 16;
    case BENCH_CPU_ISA_AVX2_FMA: return 8;
    case BENCH_CPU_ISA_GENERIC:
    default: return 4;
    }
}

/* acc0 of chain c, lane l: the integer c * lanes + l (at most 191). */
static void
peak_initial (guint  lanes,
              float *init)
{
  for (guint i = 0; i < BENCH_CPU_PEAK_CHAINS * lanes; i++)
    init[i] = (float) i;
}

static void
peak_generic (guint64      inner,
              guint64      passes,
              float        one,
              float        h,
              float        rewind,
              float       *acc)
{
  float v[BENCH_CPU_PEAK_CHAINS * 4];

  memcpy (v, acc, sizeof v);
  for (guint64 p = 0; p < passes; p++)
    {
      for (guint64 i = 0; i < inner; i++)
        for (guint j = 0; j < G_N_ELEMENTS (v); j++)
          v[j] = v[j] * one + h;
      if (p + 1 < passes)
        for (guint j = 0; j < G_N_ELEMENTS (v); j++)
          v[j] -= rewind;
    }
  memcpy (acc, v, sizeof v);
}

#ifdef BENCH_CPU_X86

#define PEAK_CHAINS_X(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
G_STATIC_ASSERT (BENCH_CPU_PEAK_CHAINS == 12);

__attribute__((target ("avx2,fma"))) static void
peak_avx2 (guint64  inner,
           guint64  passes,
           float    one,
           float    h,
           float    rewind,
           float   *acc)
{
  const __m256 vone = _mm256_set1_ps (one);
  const __m256 vh = _mm256_set1_ps (h);
  const __m256 vr = _mm256_set1_ps (rewind);
#define DECL(c) __m256 a##c = _mm256_loadu_ps (acc + (c) * 8);
#define STEP(c) a##c = _mm256_fmadd_ps (a##c, vone, vh);
#define REWIND(c) a##c = _mm256_sub_ps (a##c, vr);
#define STORE(c) _mm256_storeu_ps (acc + (c) * 8, a##c);
  PEAK_CHAINS_X (DECL)
  for (guint64 p = 0; p < passes; p++)
    {
      for (guint64 i = 0; i < inner; i++)
        {
          PEAK_CHAINS_X (STEP)
        }
      if (p + 1 < passes)
        {
          PEAK_CHAINS_X (REWIND)
        }
    }
  PEAK_CHAINS_X (STORE)
#undef DECL
#undef STEP
#undef REWIND
#undef STORE
}

__attribute__((target ("avx512f"))) static void
peak_avx512 (guint64  inner,
             guint64  passes,
             float    one,
             float    h,
             float    rewind,
             float   *acc)
{
  const __m512 vone = _mm512_set1_ps (one);
  const __m512 vh = _mm512_set1_ps (h);
  const __m512 vr = _mm512_set1_ps (rewind);
#define DECL(c) __m512 a##c = _mm512_loadu_ps (acc + (c) * 16);
#define STEP(c) a##c = _mm512_fmadd_ps (a##c, vone, vh);
#define REWIND(c) a##c = _mm512_sub_ps (a##c, vr);
#define STORE(c) _mm512_storeu_ps (acc + (c) * 16, a##c);
  PEAK_CHAINS_X (DECL)
  for (guint64 p = 0; p < passes; p++)
    {
      for (guint64 i = 0; i < inner; i++)
        {
          PEAK_CHAINS_X (STEP)
        }
      if (p + 1 < passes)
        {
          PEAK_CHAINS_X (REWIND)
        }
    }
  PEAK_CHAINS_X (STORE)
#undef DECL
#undef STEP
#undef REWIND
#undef STORE
}

#endif /* BENCH_CPU_X86 */

int
bench_cpu_peak_flops_run (BenchCpuIsa  isa,
                          guint64      inner,
                          guint64      passes,
                          int          threads,
                          float       *acc)
{
  const guint lanes = bench_cpu_isa_lanes (isa);
  const gsize stride = BENCH_CPU_PEAK_CHAINS * lanes;
  const float one = peak_one;
  const float h = peak_step;
  const float rewind = (float) inner * h;
  int ran = 0;

  g_return_val_if_fail (threads >= 1, 0);
  g_return_val_if_fail (inner <= BENCH_CPU_PEAK_MAX_INNER, 0);
  g_return_val_if_fail (acc != NULL, 0);

#pragma omp parallel num_threads(threads)
  {
    int tid = omp_get_thread_num ();
    float *mine = acc + (gsize) tid * stride;

    if (tid == 0)
      ran = omp_get_num_threads ();
    if (tid < threads)
      {
        peak_initial (lanes, mine);
        switch (isa)
          {
#ifdef BENCH_CPU_X86
          case BENCH_CPU_ISA_AVX512F:
            peak_avx512 (inner, passes, one, h, rewind, mine);
            break;
          case BENCH_CPU_ISA_AVX2_FMA:
            peak_avx2 (inner, passes, one, h, rewind, mine);
            break;
#endif
          case BENCH_CPU_ISA_GENERIC:
          default:
            peak_generic (inner, passes, one, h, rewind, mine);
            break;
          }
      }
  }

  return ran;
}

double
bench_cpu_peak_flops_count (BenchCpuIsa isa,
                            guint64     inner,
                            guint64     passes,
                            int         threads)
{
  return (double) threads * (double) passes * (double) inner *
         BENCH_CPU_PEAK_CHAINS * bench_cpu_isa_lanes (isa) * 2.0;
}

gboolean
bench_cpu_peak_flops_check (BenchCpuIsa    isa,
                            guint64        inner,
                            int            threads,
                            const float   *acc,
                            BenchCpuCheck *check)
{
  const guint lanes = bench_cpu_isa_lanes (isa);
  const gsize stride = BENCH_CPU_PEAK_CHAINS * lanes;
  const double h = 1.0 / 65536.0;
  double max_abs = 0.0, max_rel = 0.0;

  g_return_val_if_fail (check != NULL, FALSE);

  for (int t = 0; t < threads; t++)
    for (gsize j = 0; j < stride; j++)
      {
        double expected = (double) j + (double) inner * h;
        double got = acc[(gsize) t * stride + j];
        double err = isnan (got) ? INFINITY : fabs (got - expected);

        max_abs = MAX (max_abs, err);
        max_rel = MAX (max_rel, err / expected);
      }

  check->max_abs_error = max_abs;
  check->max_rel_error = max_rel;
  check->tolerance = 0.0;  /* every intermediate value is exact in fp32 */
  check->checked = (gsize) threads * stride;
  check->passed = max_abs == 0.0;
  return check->passed;
}
