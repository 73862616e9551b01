/* bench-cpu-kernels.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#if defined(__x86_64__) || defined(__i386__)
# include <immintrin.h>
# define BENCH_CPU_X86 1
#endif

#include "bench-error.h"
#include "bench-util-private.h"
#include "bench-cpu-kernels.h"

/* ---- memory and data ---- */

/* Large buffers on whole 2 MiB pages (bench_alloc_pages()). Measured on
 * the development machine: triad +10-20%. */
gpointer
bench_cpu_alloc (gsize bytes)
{
  return bench_alloc_pages (bytes, BENCH_CPU_ALIGNMENT);
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

/* ---- work sharing ---- */

/* Claims carry the job's generation (high 32 bits) with the next chunk
 * index (low 32 bits): a helper still holding an earlier job can never
 * claim a chunk of the next one. */
#define POOL_INDEX_MASK G_GUINT64_CONSTANT (0xffffffff)
/* How long an idle helper polls for the next job before sleeping: the
 * gaps between the ops of a forward pass are shorter than this. */
#define POOL_SPIN 4000

/* A job is published without a lock: its claim word first, then its
 * description, then gen. A helper that polls reads gen and the
 * description and goes straight to claiming; one that reads a description
 * half replaced by the next job's cannot run it, as the claim word it
 * would need already names the next job. Only a sleeping helper costs the
 * submitter a lock and a wake-up (on 2 vCPUs, taking the lock on every
 * job made a polling helper start 2-5 us late, and often 20-100). */
static struct
{
  GMutex            submit;   /* held by the thread whose job runs */
  GMutex            lock;     /* with cond: sleeping helpers */
  GCond             cond;
  guint             n_helpers;
  guint             sleepers; /* helpers in or about to enter cond (atomic) */
  gboolean          rest;     /* helpers sleep without polling (atomic) */
  guint32           gen;      /* atomic */
  BenchCpuChunkFunc func;     /* the description: atomic, see above */
  gpointer          data;
  gint64            n;
  guint64           claim;    /* gen << 32 | next chunk (atomic) */
  gint64            done;     /* chunks finished (atomic) */
} pool;

static __thread gboolean in_pool_job;

static inline void
pool_relax (void)
{
#ifdef BENCH_CPU_X86
  _mm_pause ();
#endif
}

/* Claims and runs chunks of job @gen until none is left. */
static void
pool_run (guint32            gen,
          BenchCpuChunkFunc  func,
          gpointer           data,
          gint64             n)
{
  for (;;)
    {
      guint64 c = __atomic_load_n (&pool.claim, __ATOMIC_ACQUIRE);
      gint64 i = (gint64) (c & POOL_INDEX_MASK);

      if ((guint32) (c >> 32) != gen || i >= n)
        return;
      if (!__atomic_compare_exchange_n (&pool.claim, &c, c + 1, FALSE,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        continue;
      func (i, data);
      __atomic_add_fetch (&pool.done, 1, __ATOMIC_RELEASE);
    }
}

static gpointer
pool_helper (gpointer user_data)
{
  guint32 seen = 0;

  in_pool_job = TRUE;
  for (;;)
    {
      BenchCpuChunkFunc func;
      gpointer data;
      gint64 n;
      guint32 gen;

      for (guint s = 0; s < POOL_SPIN && __atomic_load_n (&pool.gen, __ATOMIC_ACQUIRE) == seen &&
                        !__atomic_load_n (&pool.rest, __ATOMIC_RELAXED); s++)
        pool_relax ();
      if (__atomic_load_n (&pool.gen, __ATOMIC_ACQUIRE) == seen)
        {
          /* Counted before gen is read again, and the submitter reads the
           * count after storing gen: one of the two sees the other. */
          g_mutex_lock (&pool.lock);
          __atomic_add_fetch (&pool.sleepers, 1, __ATOMIC_SEQ_CST);
          while (__atomic_load_n (&pool.gen, __ATOMIC_SEQ_CST) == seen)
            g_cond_wait (&pool.cond, &pool.lock);
          __atomic_sub_fetch (&pool.sleepers, 1, __ATOMIC_RELAXED);
          g_mutex_unlock (&pool.lock);
        }
      seen = gen = __atomic_load_n (&pool.gen, __ATOMIC_ACQUIRE);
      func = __atomic_load_n (&pool.func, __ATOMIC_RELAXED);
      data = __atomic_load_n (&pool.data, __ATOMIC_RELAXED);
      n = __atomic_load_n (&pool.n, __ATOMIC_RELAXED);
      pool_run (gen, func, data, n);
    }
  return NULL;
}

void
bench_cpu_parallel_for (gint64             n,
                        BenchCpuChunkFunc  func,
                        gpointer           data)
{
  guint32 gen;
  guint spins = 0;
  int threads = omp_get_max_threads ();

  g_return_if_fail (func != NULL && n < (gint64) POOL_INDEX_MASK);

  if (n <= 1 || threads <= 1 || in_pool_job || !g_mutex_trylock (&pool.submit))
    {
      for (gint64 i = 0; i < n; i++)
        func (i, data);
      return;
    }
  /* Helpers are added up to the largest team asked for, never removed. */
  for (; pool.n_helpers + 1 < (guint) threads; pool.n_helpers++)
    g_thread_unref (g_thread_new ("bench-cpu-pool", pool_helper, NULL));

  gen = pool.gen + 1;
  __atomic_store_n (&pool.rest, FALSE, __ATOMIC_RELAXED);
  __atomic_store_n (&pool.done, 0, __ATOMIC_RELAXED);
  __atomic_store_n (&pool.claim, (guint64) gen << 32, __ATOMIC_SEQ_CST);
  __atomic_store_n (&pool.func, func, __ATOMIC_RELAXED);
  __atomic_store_n (&pool.data, data, __ATOMIC_RELAXED);
  __atomic_store_n (&pool.n, n, __ATOMIC_RELAXED);
  __atomic_store_n (&pool.gen, gen, __ATOMIC_SEQ_CST);
  if (__atomic_load_n (&pool.sleepers, __ATOMIC_SEQ_CST) > 0)
    {
      g_mutex_lock (&pool.lock);
      g_cond_broadcast (&pool.cond);
      g_mutex_unlock (&pool.lock);
    }

  in_pool_job = TRUE;
  pool_run (gen, func, data, n);
  in_pool_job = FALSE;
  /* Only chunks a helper has claimed are left: wait for those. */
  while (__atomic_load_n (&pool.done, __ATOMIC_ACQUIRE) < n)
    if (++spins % 1024 == 0)
      g_thread_yield ();
    else
      pool_relax ();
  g_mutex_unlock (&pool.submit);
}

void
bench_cpu_parallel_rest (void)
{
  __atomic_store_n (&pool.rest, TRUE, __ATOMIC_RELAXED);
}

/* ---- packed SGEMM ---- */

/* A 4x24 tile: 12 accumulators, 3 panel vectors and 1 broadcast fill the
 * 16 ymm registers; 4 rows divide the sequence lengths models use, and 24
 * columns divide their hidden sizes (768, 1024, 3072...). */
#define PK_MR 4
#define PK_NR 24
/* k per block. Deep blocks measured best: the C tile is loaded and
 * stored once per block, while a panel (PK_KC x PK_NR floats, 96 KiB)
 * streams from L2 as fast as it would from L1. On the development machine
 * (Zen 3, two cores), bert-base's four linear shapes at M = 1024 ran at
 * 155-170 GFLOP/s with 1024 (768 and 3072 whole or in 3 blocks), against
 * 127-171 with 256 and 136-166 with 512, alternating builds; packing A as
 * well was slower. */
#ifndef PK_KC
#define PK_KC 1024
#endif
/* Rows per block: the block's panels pass over the same 256 rows of A
 * (768 KiB at the full depth, from L2 and L3; 64 and 128 rows measured
 * no faster). */
#ifndef PK_MC
#define PK_MC 256
#endif
/* Panels per block: a PK_MC x (PK_NC x PK_NR) block of C (192 KiB) stays
 * in L2 while k is walked; blocks are the unit of work of a thread. On the
 * development machine (Zen 3, 512 KiB L2) 4 and 8 panels were within
 * noise of each other. */
#ifndef PK_NC
#define PK_NC 8
#endif
/* Panels per block in the last row block of a threaded GEMM. */
#ifndef PK_NC_LAST
#define PK_NC_LAST 2
#endif
/* Below this many multiply-adds one thread does it all (~10 us). */
#define PK_PAR_MIN (G_GINT64_CONSTANT (1) << 19)

struct _BenchCpuPackedB
{
  gint64 k;
  gint64 n;
  gint64 kc;        /* depth of a block; the last one may be shorter */
  gint64 n_panels;  /* ceil (n / PK_NR); the last panel is zero-padded */
  float *data;      /* k blocks one after the other, each n_panels panels of [depth][PK_NR] */
};

gboolean
bench_cpu_packed_gemm_supported (void)
{
#ifdef BENCH_CPU_X86
  static gsize supported = 0;

  if (g_once_init_enter (&supported))
    {
      __builtin_cpu_init ();
      g_once_init_leave (&supported,
                         __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma") ? 2 : 1);
    }
  return supported == 2;
#else
  return FALSE;
#endif
}

/* The panel @jp of the block starting at row @k0 of B. */
static inline const float *
packed_panel (const BenchCpuPackedB *self,
              gint64                 k0,
              gint64                 jp)
{
  gint64 depth = MIN (self->kc, self->k - k0);

  return self->data + k0 * self->n_panels * PK_NR + jp * depth * PK_NR;
}

BenchCpuPackedB *
bench_cpu_packed_b_new (gint64       k,
                        gint64       n,
                        const float *b,
                        gboolean     b_is_nk)
{
  g_autofree BenchCpuPackedB *self = NULL;
  gint64 n_blocks;

  g_return_val_if_fail (k > 0 && n > 0 && b != NULL, NULL);

  self = g_new0 (BenchCpuPackedB, 1);
  n_blocks = (k + PK_KC - 1) / PK_KC;
  self->k = k;
  self->n = n;
  /* Blocks of equal depth: 768 is 3 x 256, 1000 is 4 x 250. */
  self->kc = (k + n_blocks - 1) / n_blocks;
  self->n_panels = (n + PK_NR - 1) / PK_NR;
  self->data = bench_cpu_alloc (k * self->n_panels * PK_NR * sizeof (float));
  if (self->data == NULL)
    return NULL;

#pragma omp parallel for schedule(static) if (k * n >= PK_PAR_MIN)
  for (gint64 jp = 0; jp < self->n_panels; jp++)
    for (gint64 k0 = 0; k0 < k; k0 += self->kc)
      {
        gint64 depth = MIN (self->kc, k - k0);
        float *dst = (float *) packed_panel (self, k0, jp);

        for (gint64 c = 0; c < PK_NR; c++)
          {
            gint64 col = jp * PK_NR + c;

            /* Each source row of an [n, k] weight is read contiguously. */
            for (gint64 kk = 0; kk < depth; kk++)
              dst[kk * PK_NR + c] = col >= n ? 0.0f
                                  : b_is_nk ? b[col * k + k0 + kk]
                                  : b[(k0 + kk) * n + col];
          }
      }
  return g_steal_pointer (&self);
}

void
bench_cpu_packed_b_free (BenchCpuPackedB *self)
{
  if (self == NULL)
    return;
  bench_cpu_free (self->data);
  g_free (self);
}

gint64
bench_cpu_packed_b_get_k (const BenchCpuPackedB *self)
{
  return self->k;
}

gint64
bench_cpu_packed_b_get_n (const BenchCpuPackedB *self)
{
  return self->n;
}

double
bench_cpu_act_reference (BenchCpuAct act,
                         double      x)
{
  switch (act)
    {
    case BENCH_CPU_ACT_GELU_ERF:
      return 0.5 * x * (1.0 + erf (x / G_SQRT2));
    case BENCH_CPU_ACT_GELU_TANH:
      return 0.5 * x * (1.0 + tanh (0.7978845608028654 * (x + 0.044715 * x * x * x)));
    case BENCH_CPU_ACT_GELU_QUICK:
      return x / (1.0 + exp (-1.702 * x));
    case BENCH_CPU_ACT_NONE:
    default:
      return x;
    }
}

#ifdef BENCH_CPU_X86

#define PK_TARGET __attribute__ ((target ("avx2,fma")))
#define SET1 _mm256_set1_ps

/* Cephes expf, as the CPU ops use: relative error below 1e-6. */
PK_TARGET static inline __m256
pk_exp (__m256 x)
{
  __m256 n, r, p;
  __m256i e;

  x = _mm256_min_ps (_mm256_max_ps (x, SET1 (-87.0f)), SET1 (88.0f));
  /* Round to nearest by adding and subtracting 1.5 * 2^23. */
  n = _mm256_sub_ps (_mm256_fmadd_ps (x, SET1 (1.44269504088896341f), SET1 (12582912.0f)),
                     SET1 (12582912.0f));
  r = _mm256_fnmadd_ps (n, SET1 (0.693359375f), x);
  r = _mm256_fmadd_ps (n, SET1 (2.12194440e-4f), r);
  p = SET1 (1.9875691500e-4f);
  p = _mm256_fmadd_ps (p, r, SET1 (1.3981999507e-3f));
  p = _mm256_fmadd_ps (p, r, SET1 (8.3334519073e-3f));
  p = _mm256_fmadd_ps (p, r, SET1 (4.1665795894e-2f));
  p = _mm256_fmadd_ps (p, r, SET1 (1.6666665459e-1f));
  p = _mm256_fmadd_ps (p, r, SET1 (5.0000001201e-1f));
  p = _mm256_fmadd_ps (_mm256_mul_ps (p, r), r, _mm256_add_ps (r, SET1 (1.0f)));
  e = _mm256_slli_epi32 (_mm256_add_epi32 (_mm256_cvtps_epi32 (n), _mm256_set1_epi32 (127)), 23);
  return _mm256_mul_ps (p, _mm256_castsi256_ps (e));
}

/* 1 / d for d >= 1: the 12-bit estimate and one Newton step (relative
 * error about 2e-7, like a division's rounding), at a fraction of the
 * cost of a divide, which the GELU epilogue did for every element. */
PK_TARGET static inline __m256
pk_recip (__m256 d)
{
  __m256 r = _mm256_rcp_ps (d);

  return _mm256_mul_ps (r, _mm256_fnmadd_ps (d, r, SET1 (2.0f)));
}

PK_TARGET static inline __m256
pk_act (__m256      x,
        BenchCpuAct act)
{
  const __m256 sign = SET1 (-0.0f), one = SET1 (1.0f);

  switch (act)
    {
    case BENCH_CPU_ACT_GELU_ERF:
      {
        /* x Phi(x) = relu (x) - 0.5 |x| erfc (|x| / sqrt 2), erfc (u) for
         * u >= 0 by Abramowitz and Stegun 7.1.28: 1 / p(u)^16, p of
         * degree 6, |error| <= 3e-7 (7e-7 on GELU in fp32, measured over
         * [-20, 20] against double erf), no cancellation in either tail;
         * u clamped at 10, where erfc is 2e-45 and p^16 still finite.
         * No exponential: 20 operations a vector where 7.1.26 took 33,
         * in the GEMM epilogue where they compete with the FMAs for the
         * same pipes (about 2% of bert-base's linear layers). */
        __m256 ax = _mm256_andnot_ps (sign, x);
        __m256 u = _mm256_min_ps (_mm256_mul_ps (ax, SET1 (0.70710678118654752f)), SET1 (10.0f));
        __m256 p = SET1 (0.0000430638f);

        p = _mm256_fmadd_ps (p, u, SET1 (0.0002765672f));
        p = _mm256_fmadd_ps (p, u, SET1 (0.0001520143f));
        p = _mm256_fmadd_ps (p, u, SET1 (0.0092705272f));
        p = _mm256_fmadd_ps (p, u, SET1 (0.0422820123f));
        p = _mm256_fmadd_ps (p, u, SET1 (0.0705230784f));
        p = _mm256_fmadd_ps (p, u, one);
        p = _mm256_mul_ps (p, p);
        p = _mm256_mul_ps (p, p);
        p = _mm256_mul_ps (p, p);
        p = _mm256_mul_ps (p, p);
        return _mm256_fnmadd_ps (_mm256_mul_ps (SET1 (0.5f), ax), pk_recip (p),
                                 _mm256_max_ps (x, _mm256_setzero_ps ()));
      }
    case BENCH_CPU_ACT_GELU_TANH:
      {
        /* 0.5 x (1 + tanh u) = x / (1 + exp (-2u)): no cancellation. */
        __m256 x3 = _mm256_mul_ps (_mm256_mul_ps (x, x), x);
        __m256 u = _mm256_mul_ps (SET1 (0.7978845608028654f), _mm256_fmadd_ps (x3, SET1 (0.044715f), x));

        return _mm256_div_ps (x, _mm256_add_ps (one, pk_exp (_mm256_mul_ps (SET1 (-2.0f), u))));
      }
    case BENCH_CPU_ACT_GELU_QUICK:
      return _mm256_div_ps (x, _mm256_add_ps (one, pk_exp (_mm256_mul_ps (SET1 (-1.702f), x))));
    case BENCH_CPU_ACT_NONE:
    default:
      return x;
    }
}

/* Where the product's elements go: row i, column j at c[i * ldc + j], or,
 * when @l > 0, the [m, heads * d] product stored as [m / l, heads, l, d]
 * (attention's query, key and value split into heads, the layout the
 * heads' matrices are read in). */
typedef struct
{
  float  *c;
  gint64  ldc;
  gint64  l;        /* rows per batch in the heads layout, or 0 */
  gint64  d;        /* columns per head */
  gint64  batch;    /* heads * l * d */
  gboolean rows4;   /* in row panels of 4: row i, column j at c[(i / 4) * ldc + j * 4 + i % 4] */
} PkC;

static inline float *
pk_c_at (const PkC *o,
         gint64     row,
         gint64     col)
{
  if (o->rows4)
    return o->c + (row / PK_MR) * o->ldc + col * PK_MR + row % PK_MR;
  if (o->l == 0)
    return o->c + row * o->ldc + col;
  return o->c + (row / o->l) * o->batch + (col / o->d) * (o->l * o->d) +
         (row % o->l) * o->d + col % o->d;
}

typedef struct
{
  float        alpha;     /* scales A B first */
  const float *bias;      /* at the tile's first column, or NULL */
  BenchCpuAct  act;
  const float *residual;  /* at the tile's first element, or NULL */
  gint64       ldr;
} PkEpilogue;

/* In each 128-bit lane, the 4 x 4 transpose of x[0..3] (its own
 * inverse). */
PK_TARGET static inline __attribute__ ((always_inline)) void
pk_transpose_4x4_lanes (__m256 x[4])
{
  __m256 t0 = _mm256_unpacklo_ps (x[0], x[1]), t1 = _mm256_unpackhi_ps (x[0], x[1]);
  __m256 t2 = _mm256_unpacklo_ps (x[2], x[3]), t3 = _mm256_unpackhi_ps (x[2], x[3]);

  x[0] = _mm256_shuffle_ps (t0, t2, _MM_SHUFFLE (1, 0, 1, 0));
  x[1] = _mm256_shuffle_ps (t0, t2, _MM_SHUFFLE (3, 2, 3, 2));
  x[2] = _mm256_shuffle_ps (t1, t3, _MM_SHUFFLE (1, 0, 1, 0));
  x[3] = _mm256_shuffle_ps (t1, t3, _MM_SHUFFLE (3, 2, 3, 2));
}

/* 4 rows of 8 columns (x[r]) to the same 32 values in row panels: x[q]
 * then holds columns 2q and 2q + 1, each as its 4 rows. */
PK_TARGET static inline __attribute__ ((always_inline)) void
pk_rows_to_rows4 (__m256 x[4])
{
  __m256 u0, u1, u2, u3;

  pk_transpose_4x4_lanes (x);
  u0 = x[0]; u1 = x[1]; u2 = x[2]; u3 = x[3];
  x[0] = _mm256_permute2f128_ps (u0, u1, 0x20);
  x[1] = _mm256_permute2f128_ps (u2, u3, 0x20);
  x[2] = _mm256_permute2f128_ps (u0, u1, 0x31);
  x[3] = _mm256_permute2f128_ps (u2, u3, 0x31);
}

/* The inverse of pk_rows_to_rows4(). */
PK_TARGET static inline __attribute__ ((always_inline)) void
pk_rows4_to_rows (__m256 x[4])
{
  __m256 y0 = x[0], y1 = x[1], y2 = x[2], y3 = x[3];

  x[0] = _mm256_permute2f128_ps (y0, y2, 0x20);
  x[1] = _mm256_permute2f128_ps (y0, y2, 0x31);
  x[2] = _mm256_permute2f128_ps (y1, y3, 0x20);
  x[3] = _mm256_permute2f128_ps (y1, y3, 0x31);
  pk_transpose_4x4_lanes (x);
}

/* The epilogue on vector @v (columns 8v to 8v + 7 of the tile) of row @r:
 * alpha, bias, activation @act (a constant once inlined), residual. */
PK_TARGET static inline __attribute__ ((always_inline)) __m256
pk_epilogue (__m256            x,
             const PkEpilogue *ep,
             const __m256     *vb,
             int               r,
             int               v,
             const BenchCpuAct act)
{
  if (ep->alpha != 1.0f)
    x = _mm256_mul_ps (x, _mm256_set1_ps (ep->alpha));
  if (ep->bias != NULL)
    x = _mm256_add_ps (x, vb[v]);
  x = pk_act (x, act);
  if (ep->residual != NULL)
    x = _mm256_add_ps (x, _mm256_loadu_ps (ep->residual + r * ep->ldr + v * 8));
  return x;
}

/* Stores the @nv accumulator vectors of each row of a tile: added to what
 * c holds when @load, then the epilogue when @ep, for activation @act (a
 * constant once inlined: each activation gets its own code, with the
 * epilogue's fields in registers, since C's stores could alias them, and
 * the 12 stores unrolled). With @rows4, C is in row panels: @c is the
 * tile's first element, its 4 x 8 @nv values follow one another. */
PK_TARGET static inline __attribute__ ((always_inline)) void
pk_finish_act (__m256            acc[PK_MR][3],
               const int         nv,
               float            *c,
               gint64            ldc,
               const gint64     *voff,
               gboolean          rows4,
               gboolean          load,
               const PkEpilogue *ep,
               const BenchCpuAct act)
{
  PkEpilogue e = ep != NULL ? *ep : (PkEpilogue) { 1.0f, NULL, BENCH_CPU_ACT_NONE, NULL, 0 };
  __m256 vb[3];

  for (int v = 0; v < nv; v++)
    vb[v] = e.bias != NULL ? _mm256_loadu_ps (e.bias + v * 8) : _mm256_setzero_ps ();

  if (rows4)
    {
#pragma GCC unroll 3
      for (int v = 0; v < nv; v++)
        {
          float *cp = c + v * 8 * PK_MR;
          __m256 x[PK_MR];

          for (int r = 0; r < PK_MR; r++)
            x[r] = acc[r][v];
          if (load)
            {
              __m256 y[PK_MR];

              for (int q = 0; q < PK_MR; q++)
                y[q] = _mm256_loadu_ps (cp + q * 8);
              pk_rows4_to_rows (y);
              for (int r = 0; r < PK_MR; r++)
                x[r] = _mm256_add_ps (x[r], y[r]);
            }
          if (ep != NULL)
            for (int r = 0; r < PK_MR; r++)
              x[r] = pk_epilogue (x[r], &e, vb, r, v, act);
          pk_rows_to_rows4 (x);
          for (int q = 0; q < PK_MR; q++)
            _mm256_storeu_ps (cp + q * 8, x[q]);
        }
      return;
    }

#pragma GCC unroll 4
  for (int r = 0; r < PK_MR; r++)
#pragma GCC unroll 3
    for (int v = 0; v < nv; v++)
      {
        float *cp = c + r * ldc + voff[v];
        __m256 x = acc[r][v];

        if (load)
          x = _mm256_add_ps (x, _mm256_loadu_ps (cp));
        if (ep != NULL)
          x = pk_epilogue (x, &e, vb, r, v, act);
        _mm256_storeu_ps (cp, x);
      }
}

PK_TARGET static inline __attribute__ ((always_inline)) void
pk_finish (__m256            acc[PK_MR][3],
           const int         nv,
           float            *c,
           gint64            ldc,
           const gint64     *voff,
           gboolean          rows4,
           gboolean          load,
           const PkEpilogue *ep)
{
  if (ep == NULL)
    {
      pk_finish_act (acc, nv, c, ldc, voff, rows4, load, NULL, BENCH_CPU_ACT_NONE);
      return;
    }
  switch (ep->act)
    {
    case BENCH_CPU_ACT_GELU_ERF:
      pk_finish_act (acc, nv, c, ldc, voff, rows4, load, ep, BENCH_CPU_ACT_GELU_ERF);
      break;
    case BENCH_CPU_ACT_GELU_TANH:
      pk_finish_act (acc, nv, c, ldc, voff, rows4, load, ep, BENCH_CPU_ACT_GELU_TANH);
      break;
    case BENCH_CPU_ACT_GELU_QUICK:
      pk_finish_act (acc, nv, c, ldc, voff, rows4, load, ep, BENCH_CPU_ACT_GELU_QUICK);
      break;
    case BENCH_CPU_ACT_NONE:
    default:
      pk_finish_act (acc, nv, c, ldc, voff, rows4, load, ep, BENCH_CPU_ACT_NONE);
      break;
    }
}

/* c[4 x 24] = (load ? c : 0) + a[4 x depth] panel[depth x 24], then the
 * epilogue when @ep (the last block of k). Rows of A by pointer, so that
 * an edge tile can repeat a valid row instead of reading past the end;
 * their elements @as apart (1, or 4 for A in row panels: a constant once
 * inlined). C in row panels when @rows4. */
PK_TARGET static inline __attribute__ ((always_inline)) void
pk_tile (const int         as,
         gint64            depth,
         const float      *a0,
         const float      *a1,
         const float      *a2,
         const float      *a3,
         const float      *b,
         float            *c,
         gint64            ldc,
         const gint64     *voff,
         gboolean          rows4,
         gboolean          load,
         const PkEpilogue *ep)
{
  __m256 c00 = _mm256_setzero_ps (), c01 = c00, c02 = c00;
  __m256 c10 = c00, c11 = c00, c12 = c00;
  __m256 c20 = c00, c21 = c00, c22 = c00;
  __m256 c30 = c00, c31 = c00, c32 = c00;
  __m256 acc[PK_MR][3];

  /* The tile of C is written at the end (and read back first: partial
   * sums of earlier k blocks), and the residual read: start fetching
   * them now, they are not in a pattern a prefetcher follows, and their
   * misses would otherwise be waited for at the end of every tile
   * (2-4% over bert-base's linear shapes, alternating builds in one
   * process). */
  for (int r = 0; r < PK_MR; r++)
    {
      if (rows4)
        {
          /* 96 floats in a row: 6 lines, 1.5 a row. */
          _mm_prefetch ((const char *) (c + r * 24), _MM_HINT_T0);
          _mm_prefetch ((const char *) (c + r * 24 + 16), _MM_HINT_T0);
        }
      else
        {
          _mm_prefetch ((const char *) (c + r * ldc), _MM_HINT_T0);
          _mm_prefetch ((const char *) (c + r * ldc + voff[2] + 7), _MM_HINT_T0);
        }
      if (ep != NULL && ep->residual != NULL)
        {
          _mm_prefetch ((const char *) (ep->residual + r * ep->ldr), _MM_HINT_T0);
          _mm_prefetch ((const char *) (ep->residual + r * ep->ldr + PK_NR - 1), _MM_HINT_T0);
        }
    }

#pragma GCC unroll 4
  for (gint64 kk = 0; kk < depth; kk++)
    {
      __m256 b0 = _mm256_load_ps (b), b1 = _mm256_load_ps (b + 8), b2 = _mm256_load_ps (b + 16);
      __m256 x;

      x = _mm256_broadcast_ss (a0 + as * kk);
      c00 = _mm256_fmadd_ps (x, b0, c00);
      c01 = _mm256_fmadd_ps (x, b1, c01);
      c02 = _mm256_fmadd_ps (x, b2, c02);
      x = _mm256_broadcast_ss (a1 + as * kk);
      c10 = _mm256_fmadd_ps (x, b0, c10);
      c11 = _mm256_fmadd_ps (x, b1, c11);
      c12 = _mm256_fmadd_ps (x, b2, c12);
      x = _mm256_broadcast_ss (a2 + as * kk);
      c20 = _mm256_fmadd_ps (x, b0, c20);
      c21 = _mm256_fmadd_ps (x, b1, c21);
      c22 = _mm256_fmadd_ps (x, b2, c22);
      x = _mm256_broadcast_ss (a3 + as * kk);
      c30 = _mm256_fmadd_ps (x, b0, c30);
      c31 = _mm256_fmadd_ps (x, b1, c31);
      c32 = _mm256_fmadd_ps (x, b2, c32);
      b += PK_NR;
    }

  acc[0][0] = c00; acc[0][1] = c01; acc[0][2] = c02;
  acc[1][0] = c10; acc[1][1] = c11; acc[1][2] = c12;
  acc[2][0] = c20; acc[2][1] = c21; acc[2][2] = c22;
  acc[3][0] = c30; acc[3][1] = c31; acc[3][2] = c32;
  pk_finish (acc, 3, c, ldc, voff, rows4, load, ep);
}

/* pk_tile for a panel of 8 * @nv valid columns (@nv 1 or 2, a constant
 * once inlined): attention's head size 64 is 24 + 24 + 16, its 128 keys
 * 5 x 24 + 8. */
PK_TARGET static inline __attribute__ ((always_inline)) void
pk_tile_narrow (const int         as,
                gint64            depth,
                const float      *a0,
                const float      *a1,
                const float      *a2,
                const float      *a3,
                const float      *b,
                float            *c,
                gint64            ldc,
                const gint64     *voff,
                gboolean          rows4,
                gboolean          load,
                const PkEpilogue *ep,
                const int         nv)
{
  __m256 acc[PK_MR][3];
  __m256 c00 = _mm256_setzero_ps (), c01 = c00, c10 = c00, c11 = c00;
  __m256 c20 = c00, c21 = c00, c30 = c00, c31 = c00;

#pragma GCC unroll 4
  for (gint64 kk = 0; kk < depth; kk++)
    {
      __m256 b0 = _mm256_load_ps (b), b1 = nv > 1 ? _mm256_load_ps (b + 8) : b0, x;

      x = _mm256_broadcast_ss (a0 + as * kk);
      c00 = _mm256_fmadd_ps (x, b0, c00);
      if (nv > 1)
        c01 = _mm256_fmadd_ps (x, b1, c01);
      x = _mm256_broadcast_ss (a1 + as * kk);
      c10 = _mm256_fmadd_ps (x, b0, c10);
      if (nv > 1)
        c11 = _mm256_fmadd_ps (x, b1, c11);
      x = _mm256_broadcast_ss (a2 + as * kk);
      c20 = _mm256_fmadd_ps (x, b0, c20);
      if (nv > 1)
        c21 = _mm256_fmadd_ps (x, b1, c21);
      x = _mm256_broadcast_ss (a3 + as * kk);
      c30 = _mm256_fmadd_ps (x, b0, c30);
      if (nv > 1)
        c31 = _mm256_fmadd_ps (x, b1, c31);
      b += PK_NR;
    }

  acc[0][0] = c00; acc[0][1] = c01; acc[1][0] = c10; acc[1][1] = c11;
  acc[2][0] = c20; acc[2][1] = c21; acc[3][0] = c30; acc[3][1] = c31;
  pk_finish (acc, nv, c, ldc, voff, rows4, load, ep);
}

/* B as the tiles read it: packed panels, or a plain matrix ([k x n], or
 * [n x k] when @nk, rows of @ldb) packed panel by panel on the way. */
typedef struct
{
  const BenchCpuPackedB *packed;
  const float           *plain;
  gint64                 ldb;
  gboolean               nk;
  gint64                 k;
  gint64                 n;
  gint64                 kc;
} PkB;

/* The first @valid (0 to 8) lanes set. */
PK_TARGET static inline __m256i
pk_mask (gint64 valid)
{
  return _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) valid), _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7));
}

/* 8 rows of 8 floats (@src, rows @ld apart) transposed into 8 rows of
 * @dst, @ldd apart (32-byte aligned). */
PK_TARGET static inline void
pk_transpose_8x8 (const float *src,
                  gint64       ld,
                  float       *dst,
                  gint64       ldd)
{
  __m256 r[8], t[8];

  for (int i = 0; i < 8; i++)
    r[i] = _mm256_loadu_ps (src + i * ld);
  for (int i = 0; i < 8; i += 2)
    {
      t[i] = _mm256_unpacklo_ps (r[i], r[i + 1]);
      t[i + 1] = _mm256_unpackhi_ps (r[i], r[i + 1]);
    }
  for (int i = 0; i < 8; i += 4)
    {
      r[i] = _mm256_shuffle_ps (t[i], t[i + 2], _MM_SHUFFLE (1, 0, 1, 0));
      r[i + 1] = _mm256_shuffle_ps (t[i], t[i + 2], _MM_SHUFFLE (3, 2, 3, 2));
      r[i + 2] = _mm256_shuffle_ps (t[i + 1], t[i + 3], _MM_SHUFFLE (1, 0, 1, 0));
      r[i + 3] = _mm256_shuffle_ps (t[i + 1], t[i + 3], _MM_SHUFFLE (3, 2, 3, 2));
    }
  for (int i = 0; i < 4; i++)
    {
      _mm256_store_ps (dst + i * ldd, _mm256_permute2f128_ps (r[i], r[i + 4], 0x20));
      _mm256_store_ps (dst + (i + 4) * ldd, _mm256_permute2f128_ps (r[i], r[i + 4], 0x31));
    }
}

/* Columns [col, col + cols) and rows [k0, k0 + depth) of a plain B as a
 * panel of [depth][PK_NR] (zero past @cols): with vector loads and stores,
 * B as [n x k] through 8 x 8 transposes. Attention's matrices are packed
 * per call (per head) so this is on its critical path: the scalar copy
 * it replaces made a 128 x 128 x 64 product take 46 us instead of 30. */
PK_TARGET static void
pk_pack_plain (const PkB *b,
               gint64     k0,
               gint64     depth,
               gint64     col,
               gint64     cols,
               float     *dst)
{
  if (!b->nk)
    {
      for (gint64 kk = 0; kk < depth; kk++)
        {
          const float *src = b->plain + (k0 + kk) * b->ldb + col;
          float *d = dst + kk * PK_NR;

          for (gint64 j = 0; j < PK_NR; j += 8)
            {
              gint64 valid = CLAMP (cols - j, 0, 8);

              if (valid == 8)
                _mm256_store_ps (d + j, _mm256_loadu_ps (src + j));
              else
                _mm256_store_ps (d + j, _mm256_maskload_ps (src + j, pk_mask (valid)));
            }
        }
      return;
    }

  for (gint64 j = 0; j < PK_NR; j += 8)
    {
      gint64 valid = CLAMP (cols - j, 0, 8), kk = 0;
      const float *src = b->plain + (col + j) * b->ldb + k0;

      if (valid == 8)
        for (; kk + 8 <= depth; kk += 8)
          pk_transpose_8x8 (src + kk, b->ldb, dst + kk * PK_NR + j, PK_NR);
      for (; kk < depth; kk++)
        for (gint64 c = 0; c < 8; c++)
          dst[kk * PK_NR + j + c] = c < valid ? src[c * b->ldb + kk] : 0.0f;
    }
}

/* Rows [r0, r1) and panels [p0, p1) of C, all of k. A in row panels
 * when @a4 (@lda then the distance between panels; @r0 and @r1 multiples
 * of 4). */
PK_TARGET static void
pk_gemm_block (gint64            r0,
               gint64            r1,
               gint64            p0,
               gint64            p1,
               const float      *a,
               gint64            lda,
               gboolean          a4,
               const PkB        *b,
               float             alpha,
               const float      *bias,
               BenchCpuAct       act,
               const float      *residual,
               gint64            ldr,
               const PkC        *out)
{
  gint64 k = b->k, n = b->n;
  float scratch[PK_KC * PK_NR] __attribute__ ((aligned (32)));
  /* No epilogue at all when it would change nothing. */
  gboolean plain = alpha == 1.0f && bias == NULL && act == BENCH_CPU_ACT_NONE && residual == NULL;

  for (gint64 k0 = 0; k0 < k; k0 += b->kc)
    {
      gint64 depth = MIN (b->kc, k - k0);
      gboolean load = k0 > 0, last = k0 + depth >= k && !plain;

      for (gint64 jp = p0; jp < p1; jp++)
        {
          const float *panel;
          gint64 col = jp * PK_NR, cols = MIN (PK_NR, n - col);

          if (b->packed != NULL)
            {
              panel = packed_panel (b->packed, k0, jp);
            }
          else
            {
              /* Packed once here, read by every row tile below. */
              pk_pack_plain (b, k0, depth, col, cols, scratch);
              panel = scratch;
            }

          /* The next packed panel comes into L2 while this one is used,
           * a share of its lines before each row tile: the first pass
           * over a weight reads it from memory, where the hardware
           * prefetcher alone left the first tile of every panel waiting
           * (about 6% of a GEMM whose weights are not cached). */
          const char *next = b->packed != NULL && jp + 1 < p1
                             ? (const char *) packed_panel (b->packed, k0, jp + 1) : NULL;
          gint64 next_lines = depth * PK_NR * sizeof (float) / 64;
          gint64 per_tile = (next_lines + (r1 - r0 + PK_MR - 1) / PK_MR - 1) /
                            ((r1 - r0 + PK_MR - 1) / PK_MR);
          gint64 fetched = 0;

          for (gint64 i = r0; i < r1; i += PK_MR)
            {
              gint64 rows = MIN (PK_MR, r1 - i);
              const float *ar[PK_MR];
              PkEpilogue ep = { alpha, bias != NULL ? bias + col : NULL, act,
                                residual != NULL ? residual + i * ldr + col : NULL, ldr };

              for (gint64 l = 0; next != NULL && l < per_tile && fetched < next_lines; l++, fetched++)
                _mm_prefetch (next + fetched * 64, _MM_HINT_T1);
              for (gint64 r = 0; r < PK_MR; r++)
                ar[r] = a4 ? a + (i / PK_MR) * lda + k0 * PK_MR + r
                           : a + (i + MIN (r, rows - 1)) * lda + k0;

              /* The tile's first element, the distance between its rows
               * and where each vector of 8 columns starts in a row. */
              float *c = pk_c_at (out, i, col);
              gint64 ldc = out->l > 0 ? out->d : out->ldc;
              gint64 voff[3] = { 0, 8, 16 };

              if (out->l > 0 && !out->rows4)
                for (int v = 1; v < 3; v++)
                  voff[v] = col + 8 * v < n ? pk_c_at (out, i, col + 8 * v) - c : 8 * v;

#define PK_TILE(f, ...)                                                           \
              G_STMT_START {                                                    \
                if (a4)                                                         \
                  f (PK_MR, depth, ar[0], ar[1], ar[2], ar[3], panel, c, ldc, voff, \
                     out->rows4, load, last ? &ep : NULL, ##__VA_ARGS__);       \
                else                                                            \
                  f (1, depth, ar[0], ar[1], ar[2], ar[3], panel, c, ldc, voff,  \
                     out->rows4, load, last ? &ep : NULL, ##__VA_ARGS__);       \
              } G_STMT_END
              if (rows == PK_MR && cols == PK_NR)
                PK_TILE (pk_tile);
              else if (rows == PK_MR && cols == 16)
                PK_TILE (pk_tile_narrow, 2);
              else if (rows == PK_MR && cols == 8)
                PK_TILE (pk_tile_narrow, 1);
#undef PK_TILE
              else
                {
                  /* An edge tile: through a padded copy of the valid part. */
                  static const gint64 plain_voff[3] = { 0, 8, 16 };
                  float tc[PK_MR * PK_NR] __attribute__ ((aligned (32))) = { 0 };
                  float tr[PK_MR * PK_NR] __attribute__ ((aligned (32))) = { 0 };
                  float tb[PK_NR] __attribute__ ((aligned (32))) = { 0 };
                  PkEpilogue tep = { alpha, bias != NULL ? tb : NULL, act,
                                     residual != NULL ? tr : NULL, PK_NR };

                  for (gint64 r = 0; r < rows; r++)
                    for (gint64 j = 0; j < cols; j++)
                      {
                        if (load)
                          tc[r * PK_NR + j] = *pk_c_at (out, i + r, col + j);
                        if (last && residual != NULL)
                          tr[r * PK_NR + j] = residual[(i + r) * ldr + col + j];
                      }
                  if (bias != NULL)
                    memcpy (tb, bias + col, cols * sizeof (float));
                  if (a4)
                    pk_tile (PK_MR, depth, ar[0], ar[1], ar[2], ar[3], panel, tc, PK_NR, plain_voff,
                             FALSE, load, last ? &tep : NULL);
                  else
                    pk_tile (1, depth, ar[0], ar[1], ar[2], ar[3], panel, tc, PK_NR, plain_voff,
                             FALSE, load, last ? &tep : NULL);
                  for (gint64 r = 0; r < rows; r++)
                    for (gint64 j = 0; j < cols; j++)
                      *pk_c_at (out, i + r, col + j) = tc[r * PK_NR + j];
                }
            }
        }
    }
}

typedef struct
{
  gint64                 m;
  const float           *a;
  gint64                 lda;         /* between rows, or between 4-row panels when a4 */
  gboolean               a4;
  const BenchCpuPackedB *b;
  const float           *bias;
  BenchCpuAct            act;
  const float           *residual;
  gint64                 ldr;
  PkC                    out;
  gint64                 row_blocks;
  gint64                 col_blocks;
  gint64                 nc;          /* panels per block */
  gint64                 fine;        /* panels per block in the last row block */
  gint64                 n_blocks;
  PkB                    pb;
} PkJob;

static void
pk_job_block (gint64   blk,
              gpointer data)
{
  const PkJob *j = data;
  /* Row-major over blocks: consecutive blocks share rows of A. The last
   * row block comes in blocks of j->fine panels: the blocks are claimed
   * in order, so the last ones are small and a thread that finishes
   * first waits less for the other (bert-base at batch 8 on 2 threads:
   * one thread waited 0.6 ms at the end of each 15 ms GEMM for blocks of
   * 8 panels). */
  gint64 coarse = (j->row_blocks - 1) * j->col_blocks;
  gint64 rb, p0, p1;

  if (blk < coarse)
    {
      rb = blk / j->col_blocks;
      p0 = (blk % j->col_blocks) * j->nc;
      p1 = p0 + j->nc;
    }
  else
    {
      rb = j->row_blocks - 1;
      p0 = (blk - coarse) * j->fine;
      p1 = p0 + j->fine;
    }
  pk_gemm_block (rb * PK_MC, MIN (j->m, (rb + 1) * PK_MC), p0, MIN (j->b->n_panels, p1),
                 j->a, j->lda, j->a4, &j->pb, 1.0f, j->bias, j->act, j->residual, j->ldr, &j->out);
}

#endif /* BENCH_CPU_X86 */

void
bench_cpu_gemm_plain (gint64       m,
                      gint64       n,
                      gint64       k,
                      float        alpha,
                      const float *a,
                      gint64       lda,
                      const float *b,
                      gint64       ldb,
                      gboolean     b_is_nk,
                      float       *c,
                      gint64       ldc)
{
#ifdef BENCH_CPU_X86
  gint64 n_blocks = (k + PK_KC - 1) / PK_KC;
  PkB pb = { NULL, b, ldb, b_is_nk, k, n, 0 };
  PkC out = { c, ldc, 0, 0, 0, FALSE };

  g_return_if_fail (bench_cpu_packed_gemm_supported ());
  g_return_if_fail (k > 0 && n > 0);

  if (m <= 0)
    return;
  pb.kc = (k + n_blocks - 1) / n_blocks;
  pk_gemm_block (0, m, 0, (n + PK_NR - 1) / PK_NR, a, lda, FALSE, &pb, alpha, NULL, BENCH_CPU_ACT_NONE,
                 NULL, 0, &out);
#else
  g_return_if_reached ();
#endif
}

#ifdef BENCH_CPU_X86
static void
pk_packed_run (gint64                 m,
               const float           *a,
               gint64                 lda,
               gboolean               a4,
               const BenchCpuPackedB *b,
               const float           *bias,
               BenchCpuAct            act,
               const float           *residual,
               gint64                 ldr,
               const PkC             *out)
{
  gboolean parallel = m * b->n * b->k >= PK_PAR_MIN;
  gint64 row_blocks = (m + PK_MC - 1) / PK_MC, nc = PK_NC;
  PkJob job;

  if (m <= 0)
    return;

  /* Narrower blocks when there would be fewer than 4 per thread (a
   * sequence of 128 on 2 threads: 4 blocks of 8 panels for 768
   * columns): a thread held back by the OS then leaves less behind. */
  while (parallel && nc > 2 &&
         row_blocks * ((b->n_panels + nc - 1) / nc) < 4 * (gint64) omp_get_max_threads ())
    nc /= 2;
  /* A in row panels: @lda columns a panel, 4 rows. */
  job = (PkJob) { m, a, a4 ? lda * PK_MR : lda, a4, b, bias, act, residual, ldr, *out,
                  row_blocks, (b->n_panels + nc - 1) / nc, nc, parallel ? PK_NC_LAST : nc, 0,
                  { b, NULL, 0, FALSE, b->k, b->n, b->kc } };
  job.n_blocks = (row_blocks - 1) * job.col_blocks + (b->n_panels + job.fine - 1) / job.fine;

  /* Blocks of PK_MC rows x nc panels (k whole, so that a block of C
   * is finished while it is in cache), claimed one at a time. */
  if (parallel)
    bench_cpu_parallel_for (job.n_blocks, pk_job_block, &job);
  else
    for (gint64 blk = 0; blk < job.n_blocks; blk++)
      pk_job_block (blk, &job);
}
#endif

void
bench_cpu_packed_gemm (gint64                 m,
                       const float           *a,
                       gint64                 lda,
                       const BenchCpuPackedB *b,
                       const float           *bias,
                       BenchCpuAct            act,
                       const float           *residual,
                       gint64                 ldr,
                       float                 *c,
                       gint64                 ldc,
                       BenchCpuGemmFlags      flags)
{
#ifdef BENCH_CPU_X86
  gboolean a4 = (flags & BENCH_CPU_GEMM_A_ROWS4) != 0, c4 = (flags & BENCH_CPU_GEMM_C_ROWS4) != 0;
  PkC out = { c, c4 ? ldc * PK_MR : ldc, 0, 0, 0, c4 };

  g_return_if_fail (bench_cpu_packed_gemm_supported ());
  g_return_if_fail (b != NULL && lda >= b->k && ldc >= b->n);
  g_return_if_fail (!(a4 || c4) || m % PK_MR == 0);

  pk_packed_run (m, a, lda, a4, b, bias, act, residual, ldr, &out);
#else
  g_return_if_reached ();
#endif
}

void
bench_cpu_packed_gemm_heads (gint64                 m,
                             const float           *a,
                             gint64                 lda,
                             const BenchCpuPackedB *b,
                             const float           *bias,
                             gint64                 seq,
                             gint64                 head_dim,
                             float                 *c,
                             BenchCpuGemmFlags      flags)
{
#ifdef BENCH_CPU_X86
  gboolean a4 = (flags & BENCH_CPU_GEMM_A_ROWS4) != 0;
  PkC out = { c, 0, seq, head_dim, seq * (b != NULL ? b->n : 0), FALSE };

  g_return_if_fail (bench_cpu_packed_gemm_supported ());
  g_return_if_fail (b != NULL && lda >= b->k);
  g_return_if_fail (seq > 0 && seq % PK_MR == 0 && m % seq == 0);
  g_return_if_fail (head_dim > 0 && head_dim % 8 == 0 && b->n % head_dim == 0);
  g_return_if_fail ((flags & BENCH_CPU_GEMM_C_ROWS4) == 0);

  pk_packed_run (m, a, lda, a4, b, bias, BENCH_CPU_ACT_NONE, NULL, 0, &out);
#else
  g_return_if_reached ();
#endif
}

#ifdef BENCH_CPU_X86
typedef struct
{
  gint64       m;
  gint64       cols;
  const float *src;
  gint64       ld;
  float       *dst;
  gint64       ldd;
} Rows4Job;

/* Groups of 4 rows per chunk of bench_cpu_rows4_pack(). */
#define ROWS4_CHUNK 16

PK_TARGET static void
rows4_chunk (gint64   chunk,
             gpointer data)
{
  const Rows4Job *j = data;
  gint64 g1 = MIN (j->m / PK_MR, (chunk + 1) * ROWS4_CHUNK);

  for (gint64 g = chunk * ROWS4_CHUNK; g < g1; g++)
    {
      const float *s = j->src + g * PK_MR * j->ld;
      float *d = j->dst + g * PK_MR * j->ldd;
      gint64 col = 0;

      for (; col + 8 <= j->cols; col += 8)
        {
          __m256 x[PK_MR];

          for (int r = 0; r < PK_MR; r++)
            x[r] = _mm256_loadu_ps (s + r * j->ld + col);
          pk_rows_to_rows4 (x);
          for (int q = 0; q < PK_MR; q++)
            _mm256_storeu_ps (d + col * PK_MR + q * 8, x[q]);
        }
      for (; col < j->cols; col++)
        for (int r = 0; r < PK_MR; r++)
          d[col * PK_MR + r] = s[r * j->ld + col];
    }
}
#endif

void
bench_cpu_rows4_pack (gint64       m,
                      gint64       cols,
                      const float *src,
                      gint64       ld,
                      float       *dst,
                      gint64       ldd)
{
#ifdef BENCH_CPU_X86
  Rows4Job job = { m, cols, src, ld, dst, ldd };
  gint64 chunks = (m / PK_MR + ROWS4_CHUNK - 1) / ROWS4_CHUNK;

  g_return_if_fail (bench_cpu_packed_gemm_supported ());
  g_return_if_fail (m % PK_MR == 0 && ld >= cols && ldd >= cols);

  if (m * cols >= (G_GINT64_CONSTANT (1) << 17))
    bench_cpu_parallel_for (chunks, rows4_chunk, &job);
  else
    for (gint64 c = 0; c < chunks; c++)
      rows4_chunk (c, &job);
#else
  g_return_if_reached ();
#endif
}

#ifdef BENCH_CPU_X86
/* The sum of the 8 lanes. */
PK_TARGET static inline float
pk_hsum (__m256 v)
{
  __m128 s = _mm_add_ps (_mm256_castps256_ps128 (v), _mm256_extractf128_ps (v, 1));

  s = _mm_add_ps (s, _mm_movehl_ps (s, s));
  s = _mm_add_ss (s, _mm_movehdup_ps (s));
  return _mm_cvtss_f32 (s);
}

/* sum (x[i] - shift)^2 when @square, else sum (x[i]), over @n: four
 * accumulators, so that the adds do not wait on each other (the row
 * kernel compiled from plain C had one, and took 0.4 ms for bert-base's
 * 1024 x 768 at batch 8). */
PK_TARGET static float
pk_row_sum (const float *x,
            gint64       n,
            gboolean     square,
            float        shift)
{
  __m256 acc[4] = { _mm256_setzero_ps (), _mm256_setzero_ps (), _mm256_setzero_ps (), _mm256_setzero_ps () };
  __m256 vs = _mm256_set1_ps (shift);
  gint64 i = 0;
  float sum;

  for (; i + 32 <= n; i += 32)
#pragma GCC unroll 4
    for (int v = 0; v < 4; v++)
      {
        __m256 d = _mm256_sub_ps (_mm256_loadu_ps (x + i + 8 * v), vs);

        acc[v] = square ? _mm256_fmadd_ps (d, d, acc[v]) : _mm256_add_ps (acc[v], d);
      }
  for (; i + 8 <= n; i += 8)
    {
      __m256 d = _mm256_sub_ps (_mm256_loadu_ps (x + i), vs);

      acc[0] = square ? _mm256_fmadd_ps (d, d, acc[0]) : _mm256_add_ps (acc[0], d);
    }
  sum = pk_hsum (_mm256_add_ps (_mm256_add_ps (acc[0], acc[1]), _mm256_add_ps (acc[2], acc[3])));
  for (; i < n; i++)
    sum += square ? (x[i] - shift) * (x[i] - shift) : x[i] - shift;
  return sum;
}

PK_TARGET static void
layer_norm_row_avx2 (const float *x,
                     const float *g,
                     const float *b,
                     float       *y,
                     gint64       n,
                     float        eps,
                     gboolean     rms)
{
  float mean = rms ? 0.0f : pk_row_sum (x, n, FALSE, 0.0f) / n;
  float rstd = 1.0f / sqrtf (pk_row_sum (x, n, TRUE, mean) / n + eps);
  __m256 vm = _mm256_set1_ps (mean), vr = _mm256_set1_ps (rstd);
  gint64 i = 0;

  for (; i + 8 <= n; i += 8)
    {
      __m256 t = _mm256_mul_ps (_mm256_sub_ps (_mm256_loadu_ps (x + i), vm), vr);

      _mm256_storeu_ps (y + i, b != NULL ? _mm256_fmadd_ps (t, _mm256_loadu_ps (g + i), _mm256_loadu_ps (b + i))
                                         : _mm256_mul_ps (t, _mm256_loadu_ps (g + i)));
    }
  for (; i < n; i++)
    y[i] = (x[i] - mean) * rstd * g[i] + (b != NULL ? b[i] : 0.0f);
}

/* Softmax of one row with explicit vectors: the row kernel the CPU ops
 * compile from plain C kept its running maximum and its constants on the
 * stack (GCC 12), and took 20 us for attention's 128 x 128 scores, a fifth
 * of the attention of one head. Four accumulators for the maximum and the
 * sum, so that neither waits on its own latency. This part writes
 * y = exp (scale x - max) over the first @m, zeros up to @n, and returns
 * the sum: the caller scales by its inverse. */
PK_TARGET static float
softmax_exp_avx2 (const float *x,
                  float       *y,
                  gint64       n,
                  gint64       m,
                  float        scale)
{
  __m256 vs = _mm256_set1_ps (scale), mx4[4], sum4[4], vmx;
  float mx = -INFINITY, sum = 0.0f;
  gint64 j = 0, tail = m - m % 8;

  for (int i = 0; i < 4; i++)
    {
      mx4[i] = _mm256_set1_ps (-INFINITY);
      sum4[i] = _mm256_setzero_ps ();
    }
#pragma GCC unroll 4
  for (; j + 32 <= tail; j += 32)
    for (int i = 0; i < 4; i++)
      mx4[i] = _mm256_max_ps (mx4[i], _mm256_mul_ps (vs, _mm256_loadu_ps (x + j + 8 * i)));
  for (; j < tail; j += 8)
    mx4[0] = _mm256_max_ps (mx4[0], _mm256_mul_ps (vs, _mm256_loadu_ps (x + j)));
  vmx = _mm256_max_ps (_mm256_max_ps (mx4[0], mx4[1]), _mm256_max_ps (mx4[2], mx4[3]));
  vmx = _mm256_max_ps (vmx, _mm256_permute2f128_ps (vmx, vmx, 1));
  vmx = _mm256_max_ps (vmx, _mm256_shuffle_ps (vmx, vmx, _MM_SHUFFLE (1, 0, 3, 2)));
  vmx = _mm256_max_ps (vmx, _mm256_shuffle_ps (vmx, vmx, _MM_SHUFFLE (2, 3, 0, 1)));
  mx = _mm256_cvtss_f32 (vmx);
  for (; j < m; j++)
    mx = MAX (mx, scale * x[j]);
  vmx = _mm256_set1_ps (mx);

  for (j = 0; j + 32 <= tail; j += 32)
    {
      __m256 e0 = pk_exp (_mm256_fmsub_ps (vs, _mm256_loadu_ps (x + j), vmx));
      __m256 e1 = pk_exp (_mm256_fmsub_ps (vs, _mm256_loadu_ps (x + j + 8), vmx));
      __m256 e2 = pk_exp (_mm256_fmsub_ps (vs, _mm256_loadu_ps (x + j + 16), vmx));
      __m256 e3 = pk_exp (_mm256_fmsub_ps (vs, _mm256_loadu_ps (x + j + 24), vmx));

      _mm256_storeu_ps (y + j, e0);
      _mm256_storeu_ps (y + j + 8, e1);
      _mm256_storeu_ps (y + j + 16, e2);
      _mm256_storeu_ps (y + j + 24, e3);
      sum4[0] = _mm256_add_ps (sum4[0], e0);
      sum4[1] = _mm256_add_ps (sum4[1], e1);
      sum4[2] = _mm256_add_ps (sum4[2], e2);
      sum4[3] = _mm256_add_ps (sum4[3], e3);
    }
  for (; j < tail; j += 8)
    {
      __m256 e = pk_exp (_mm256_fmsub_ps (vs, _mm256_loadu_ps (x + j), vmx));

      _mm256_storeu_ps (y + j, e);
      sum4[0] = _mm256_add_ps (sum4[0], e);
    }
  sum = pk_hsum (_mm256_add_ps (_mm256_add_ps (sum4[0], sum4[1]), _mm256_add_ps (sum4[2], sum4[3])));
  for (; j < m; j++)
    {
      __m256 e = pk_exp (_mm256_set1_ps (scale * x[j] - mx));

      y[j] = _mm256_cvtss_f32 (e);
      sum += y[j];
    }
  for (; j < n; j++)
    y[j] = 0.0f;
  return sum;
}

PK_TARGET static void
softmax_row_avx2 (const float *x,
                  float       *y,
                  gint64       n,
                  gint64       m,
                  float        scale)
{
  float sum = softmax_exp_avx2 (x, y, n, m, scale);
  float inv = sum > 0.0f ? 1.0f / sum : 0.0f;
  __m256 vinv = _mm256_set1_ps (inv);
  gint64 j = 0;

  for (; j + 8 <= m; j += 8)
    _mm256_storeu_ps (y + j, _mm256_mul_ps (vinv, _mm256_loadu_ps (y + j)));
  for (; j < m; j++)
    y[j] *= inv;
}
#endif

void
bench_cpu_softmax_row (const float *x,
                       float       *y,
                       gint64       n,
                       gint64       m,
                       float        scale)
{
#ifdef BENCH_CPU_X86
  g_return_if_fail (bench_cpu_packed_gemm_supported ());
  g_return_if_fail (m >= 0 && m <= n);

  softmax_row_avx2 (x, y, n, m, scale);
#else
  g_return_if_reached ();
#endif
}

/* ---- attention, one matrix at a time ---- */

#define ATT_ROUND8(x) (((x) + 7) / 8 * 8)

gsize
bench_cpu_attention_workspace (gint64 lk,
                               gint64 d,
                               gint64 dv)
{
  gint64 lk8 = ATT_ROUND8 (lk), kp = (lk + PK_NR - 1) / PK_NR, vp = (dv + PK_NR - 1) / PK_NR;

  /* K's panels, V's panels, a strip of 4 rows of scores, 4 output rows. */
  return (kp * d * PK_NR + vp * lk8 * PK_NR + PK_MR * lk8 + PK_MR * vp * PK_NR) * sizeof (float);
}

#ifdef BENCH_CPU_X86
/* c[4 x 8 nv] = a[4 rows x depth] panel for @nv 1 to 3 vectors (the
 * panel's columns past 8 nv are not read). */
PK_TARGET static inline void
att_tile (gint64       depth,
          const float *a,
          gint64       lda,
          const float *a_last,
          const float *panel,
          float       *c,
          gint64       ldc,
          int          nv)
{
  static const gint64 voff[3] = { 0, 8, 16 };
  const float *a1 = MIN (a + lda, a_last), *a2 = MIN (a + 2 * lda, a_last), *a3 = MIN (a + 3 * lda, a_last);

  if (nv == 3)
    pk_tile (1, depth, a, a1, a2, a3, panel, c, ldc, voff, FALSE, FALSE, NULL);
  else if (nv == 2)
    pk_tile_narrow (1, depth, a, a1, a2, a3, panel, c, ldc, voff, FALSE, FALSE, NULL, 2);
  else
    pk_tile_narrow (1, depth, a, a1, a2, a3, panel, c, ldc, voff, FALSE, FALSE, NULL, 1);
}

PK_TARGET static void
attention_avx2 (gint64       lq,
                gint64       lk,
                gint64       d,
                gint64       dv,
                const float *q,
                gint64       ldq,
                const float *k,
                gint64       ldk,
                const float *v,
                gint64       ldv,
                float        scale,
                gboolean     causal,
                float        alpha,
                float       *out,
                gint64       ldo,
                float       *workspace)
{
  gint64 lk8 = ATT_ROUND8 (lk), kp = (lk + PK_NR - 1) / PK_NR, vp = (dv + PK_NR - 1) / PK_NR;
  float *kpan = workspace, *vpan = kpan + kp * d * PK_NR;
  float *strip = vpan + vp * lk8 * PK_NR, *ot = strip + PK_MR * lk8;
  PkB kb = { NULL, k, ldk, TRUE, d, lk, d }, vb = { NULL, v, ldv, FALSE, lk, dv, lk };

  /* K as panels of 24 keys ([d][24], zero past the last key) and V as
   * panels of 24 columns ([lk8][24], zero rows past the last key, which
   * the probabilities' zeros would otherwise multiply), each packed once
   * for all the rows: together about 280 KiB at 512 keys and 64
   * columns, in L2 while the strips below pass over them. */
  for (gint64 jp = 0; jp < kp; jp++)
    pk_pack_plain (&kb, 0, d, jp * PK_NR, MIN (PK_NR, lk - jp * PK_NR), kpan + jp * d * PK_NR);
  for (gint64 jp = 0; jp < vp; jp++)
    {
      float *panel = vpan + jp * lk8 * PK_NR;

      pk_pack_plain (&vb, 0, lk, jp * PK_NR, MIN (PK_NR, dv - jp * PK_NR), panel);
      memset (panel + lk * PK_NR, 0, (lk8 - lk) * PK_NR * sizeof (float));
    }

  /* Four rows at a time, each step on data in L1: their scores, the
   * softmax's exponentials (not normalised), the product by V, and only
   * then the division by each row's sum, on dv columns instead of lk. */
  for (gint64 i = 0; i < lq; i += PK_MR)
    {
      gint64 rows = MIN (PK_MR, lq - i);
      const float *qi = q + i * ldq, *q_last = q + (i + rows - 1) * ldq;
      const float *p_last = strip + (rows - 1) * lk8;
      float inv[PK_MR];

      for (gint64 jp = 0; jp < kp; jp++)
        att_tile (d, qi, ldq, q_last, kpan + jp * d * PK_NR, strip + jp * PK_NR, lk8,
                  (int) (MIN (PK_NR, lk8 - jp * PK_NR) / 8));
      for (gint64 r = 0; r < rows; r++)
        {
          /* A causal row sees the keys up to i + r + (lk - lq), none
           * when that is negative (zeros, as the reference gives). */
          gint64 m = causal ? CLAMP (i + r + lk - lq + 1, 0, lk) : lk;
          float sum = softmax_exp_avx2 (strip + r * lk8, strip + r * lk8, lk8, m, scale);

          inv[r] = sum > 0.0f ? alpha / sum : 0.0f;
        }
      for (gint64 jp = 0; jp < vp; jp++)
        att_tile (lk8, strip, lk8, p_last, vpan + jp * lk8 * PK_NR, ot + jp * PK_NR, vp * PK_NR,
                  (int) ((MIN (PK_NR, dv - jp * PK_NR) + 7) / 8));
      for (gint64 r = 0; r < rows; r++)
        {
          __m256 vi = _mm256_set1_ps (inv[r]);
          const float *src = ot + r * vp * PK_NR;
          float *dst = out + (i + r) * ldo;
          gint64 j = 0;

          for (; j + 8 <= dv; j += 8)
            _mm256_storeu_ps (dst + j, _mm256_mul_ps (vi, _mm256_loadu_ps (src + j)));
          for (; j < dv; j++)
            dst[j] = inv[r] * src[j];
        }
    }
}
#endif

gboolean
bench_cpu_attention (gint64       lq,
                     gint64       lk,
                     gint64       d,
                     gint64       dv,
                     const float *q,
                     gint64       ldq,
                     const float *k,
                     gint64       ldk,
                     const float *v,
                     gint64       ldv,
                     float        scale,
                     gboolean     causal,
                     float        alpha,
                     float       *out,
                     gint64       ldo,
                     float       *workspace)
{
#ifdef BENCH_CPU_X86
  if (!bench_cpu_packed_gemm_supported () || lq <= 0 || lk <= 0 || d <= 0 || dv <= 0 ||
      lk > BENCH_CPU_ATTENTION_MAX_KEYS)
    return FALSE;
  attention_avx2 (lq, lk, d, dv, q, ldq, k, ldk, v, ldv, scale, causal, alpha, out, ldo, workspace);
  return TRUE;
#else
  return FALSE;
#endif
}

void
bench_cpu_layer_norm_row (const float *x,
                          const float *g,
                          const float *b,
                          float       *y,
                          gint64       n,
                          float        eps,
                          gboolean     rms)
{
#ifdef BENCH_CPU_X86
  g_return_if_fail (bench_cpu_packed_gemm_supported ());
  g_return_if_fail (n > 0 && (!rms || b == NULL));

  layer_norm_row_avx2 (x, g, b, y, n, eps, rms);
#else
  g_return_if_reached ();
#endif
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
