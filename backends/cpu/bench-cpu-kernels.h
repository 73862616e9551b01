/* bench-cpu-kernels.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CPU backend's kernels as plain functions, usable without the GObject
 * layer (tests, bench/ harnesses). Every kernel is threaded with OpenMP over
 * omp_get_max_threads() threads. Debian's oneDNN is built with the OpenMP
 * runtime (libgomp), the same runtime as ours, so oneDNN's threads and ours
 * come from one pool and do not oversubscribe the cores.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BENCH_CPU_ALIGNMENT 64

/* Outcome of comparing a kernel's outputs with a reference. */
typedef struct
{
  double max_abs_error;
  double max_rel_error;  /* see each check function for the normalisation */
  double tolerance;      /* bound on max_rel_error */
  gsize  checked;        /* how many outputs were compared */
  gboolean passed;
} BenchCpuCheck;

/* 64-byte aligned memory (2 MiB aligned and advised for transparent huge
 * pages from 2 MiB up); NULL when it cannot be had. Free with bench_cpu_free(). */
gpointer     bench_cpu_alloc            (gsize          bytes);
void         bench_cpu_free             (gpointer       mem);
/* Deterministic values uniform in [-1, 1): x[i] depends on (seed, i) only,
 * not on the number of threads. */
void         bench_cpu_fill_uniform     (float         *x,
                                         gsize          n,
                                         guint64        seed);
char        *bench_cpu_format_size      (guint64        bytes);

/* ---- SGEMM: C[m x n] = A[m x k] * B[k x n], row-major, fp32 ---- */

/* One call of oneDNN's dnnl_sgemm (threaded by oneDNN). */
gboolean     bench_cpu_sgemm            (gint64         m,
                                         gint64         n,
                                         gint64         k,
                                         const float   *a,
                                         const float   *b,
                                         float         *c,
                                         GError       **error);

/* A oneDNN matmul primitive created once for fixed shapes and buffers. */
typedef struct _BenchCpuMatmul BenchCpuMatmul;

BenchCpuMatmul *bench_cpu_matmul_new    (gint64         m,
                                         gint64         n,
                                         gint64         k,
                                         const float   *a,
                                         const float   *b,
                                         float         *c,
                                         GError       **error);
gboolean     bench_cpu_matmul_execute   (BenchCpuMatmul *self,
                                         GError       **error);
const char  *bench_cpu_matmul_get_impl  (BenchCpuMatmul *self);
void         bench_cpu_matmul_free      (BenchCpuMatmul *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchCpuMatmul, bench_cpu_matmul_free)

/* Naive reference, accumulated in double. */
void         bench_cpu_sgemm_reference  (gint64         m,
                                         gint64         n,
                                         gint64         k,
                                         const float   *a,
                                         const float   *b,
                                         double        *c);
/*
 * Checks C against double-accumulated dot products: every entry when
 * m * n <= max_full, else a deterministic sample of max(4096, max_full)
 * entries. The error of entry (i, j) is normalised by
 * sum_k |a_ik * b_kj| (the scale of the rounding error of any summation
 * order), giving max_rel_error; the tolerance is k * FLT_EPSILON, the
 * worst-case bound of a k-term fp32 dot product (2 * k * unit roundoff).
 * Returns check->passed.
 */
gboolean     bench_cpu_sgemm_check      (gint64         m,
                                         gint64         n,
                                         gint64         k,
                                         const float   *a,
                                         const float   *b,
                                         const float   *c,
                                         gsize          max_full,
                                         BenchCpuCheck *check);

/* ---- Work sharing that never waits for a thread that has not started ----
 *
 * bench_cpu_parallel_for() runs func (i, data) for every i in [0, n) on the
 * calling thread and helper threads: omp_get_max_threads() - 1 of them,
 * started when first needed and kept (with one thread, all runs inline). Chunks are claimed one at a time; the caller returns as
 * soon as every chunk is finished, so a helper that the OS has not
 * scheduled yet (other processes on the cores) costs nothing: the caller
 * does its chunks. An OpenMP barrier would wait for it instead, for up to a
 * scheduler time slice per op. Calls from a chunk, or while another thread
 * uses the pool, run inline on the calling thread. */
typedef void (*BenchCpuChunkFunc) (gint64    chunk,
                                   gpointer  data);

void             bench_cpu_parallel_for     (gint64             n,
                                             BenchCpuChunkFunc  func,
                                             gpointer           data);
/* Sends the helpers to sleep now instead of polling for the next job:
 * before work on other threads (oneDNN's OpenMP team), which a polling
 * helper would take a core from. The next bench_cpu_parallel_for() wakes
 * them (and does not wait for them). */
void             bench_cpu_parallel_rest    (void);

/* ---- Packed SGEMM with a fused epilogue (AVX2 + FMA) ----
 *
 * C[m x n] = act (A[m x k] B[k x n] + bias) + residual, row-major, for a B
 * that does not change (a layer's weights): B is packed once into the
 * panels the 4x24 register tile reads, so each call streams A and the
 * packed panels, and bias, activation and residual are applied while the
 * tile is still in registers (the output is written once, never re-read). */

typedef enum
{
  BENCH_CPU_ACT_NONE,
  BENCH_CPU_ACT_GELU_ERF,
  BENCH_CPU_ACT_GELU_TANH,
  BENCH_CPU_ACT_GELU_QUICK,
} BenchCpuAct;

/* How A and C are laid out. By rows; or in row panels, for a matrix of
 * m rows (m a multiple of 4) and ld columns a panel: [m / 4][ld][4], the
 * 4 rows' elements of each column side by side (row i, column j at
 * [(i / 4) * 4 ld + 4 j + i % 4]), the order in which the GEMM's 4-row
 * tiles read A: one stream where rows are 4, with no gather. A producer
 * that writes its output that way for a GEMM (bench_cpu_rows4_pack(), or
 * a GEMM with BENCH_CPU_GEMM_C_ROWS4 for the next one) saves the next
 * GEMM 2-3%. */
typedef enum
{
  BENCH_CPU_GEMM_ROWS    = 0,
  BENCH_CPU_GEMM_A_ROWS4 = 1 << 0,  /* A in row panels, @lda columns a panel */
  BENCH_CPU_GEMM_C_ROWS4 = 1 << 1,  /* C written in row panels, @ldc columns a panel */
} BenchCpuGemmFlags;

typedef struct _BenchCpuPackedB BenchCpuPackedB;

/* TRUE when this CPU can run bench_cpu_packed_gemm() (AVX2 and FMA). */
gboolean         bench_cpu_packed_gemm_supported (void);
/* Packs B [k x n]; @b_is_nk: @b is stored as [n x k] row-major (a linear
 * layer's [out, in] weight), else [k x n]. NULL when out of memory. */
BenchCpuPackedB *bench_cpu_packed_b_new     (gint64          k,
                                             gint64          n,
                                             const float    *b,
                                             gboolean        b_is_nk);
void             bench_cpu_packed_b_free    (BenchCpuPackedB *self);
gint64           bench_cpu_packed_b_get_k   (const BenchCpuPackedB *self);
gint64           bench_cpu_packed_b_get_n   (const BenchCpuPackedB *self);
/* @bias [n] and @residual [m x n] (rows of @ldr) may be NULL. Neither @a
 * nor @residual may overlap @c (C holds partial sums while k is walked).
 * Only when bench_cpu_packed_gemm_supported(). */
void             bench_cpu_packed_gemm      (gint64          m,
                                             const float    *a,
                                             gint64          lda,
                                             const BenchCpuPackedB *b,
                                             const float    *bias,
                                             BenchCpuAct     act,
                                             const float    *residual,
                                             gint64          ldr,
                                             float          *c,
                                             gint64          ldc,
                                             BenchCpuGemmFlags flags);
/* bench_cpu_packed_gemm() with a bias and no other epilogue, C stored in
 * attention's heads layout: [m / @seq, n / @head_dim, @seq, @head_dim]
 * (row r = b * seq + l, column j = h * head_dim + d at [b, h, l, d])
 * instead of [m x n], so that the copy which splits a projection into
 * heads is not needed. @seq a multiple of 4 dividing m, @head_dim a
 * multiple of 8 dividing n. */
void             bench_cpu_packed_gemm_heads (gint64         m,
                                              const float   *a,
                                              gint64         lda,
                                              const BenchCpuPackedB *b,
                                              const float   *bias,
                                              gint64         seq,
                                              gint64         head_dim,
                                              float         *c,
                                              BenchCpuGemmFlags flags);
/* Copies @m rows (a multiple of 4) of @cols from @src (rows of @ld) into
 * row panels of @ldd columns at @dst (see BenchCpuGemmFlags), threaded.
 * Only when bench_cpu_packed_gemm_supported(). */
void             bench_cpu_rows4_pack       (gint64          m,
                                             gint64          cols,
                                             const float    *src,
                                             gint64          ld,
                                             float          *dst,
                                             gint64          ldd);
/* C[m x n] = alpha A[m x k] B on the calling thread alone, with B an
 * activation: [k x n], or [n x k] when @b_is_nk, rows of @ldb (packed a
 * panel at a time on the way). For the many small matrices of attention,
 * threaded by the caller over the batch. @a must not overlap @c. */
void             bench_cpu_gemm_plain       (gint64          m,
                                             gint64          n,
                                             gint64          k,
                                             float           alpha,
                                             const float    *a,
                                             gint64          lda,
                                             const float    *b,
                                             gint64          ldb,
                                             gboolean        b_is_nk,
                                             float          *c,
                                             gint64          ldc);
/* y[j] = softmax (scale x[0..m))[j] for j < m, 0 for m <= j < n, on the
 * calling thread, with AVX2 (check bench_cpu_packed_gemm_supported()).
 * @x may be @y. */
void             bench_cpu_softmax_row      (const float    *x,
                                             float          *y,
                                             gint64          n,
                                             gint64          m,
                                             float           scale);
/* Attention of one matrix on the calling thread: out[i] = alpha softmax
 * (scale q[i] k^T) v for the @lq rows of @q ([lq x d], rows @ldq apart),
 * keys @k [lk x d] and values @v [lk x dv]; a @causal row i sees keys up
 * to i + lk - lq (none: zeros). Each 4 rows' scores, probabilities and
 * output are computed together in L1, K and V packed once. FALSE, and
 * nothing written, without AVX2 or past BENCH_CPU_ATTENTION_MAX_KEYS keys
 * (the packed K and V would no longer stay in L2): the caller then takes
 * the three steps itself. @workspace: bench_cpu_attention_workspace()
 * bytes, 32-byte aligned. */
#define BENCH_CPU_ATTENTION_MAX_KEYS 512
gsize            bench_cpu_attention_workspace (gint64     lk,
                                                gint64     d,
                                                gint64     dv);
gboolean         bench_cpu_attention        (gint64          lq,
                                             gint64          lk,
                                             gint64          d,
                                             gint64          dv,
                                             const float    *q,
                                             gint64          ldq,
                                             const float    *k,
                                             gint64          ldk,
                                             const float    *v,
                                             gint64          ldv,
                                             float           scale,
                                             gboolean        causal,
                                             float           alpha,
                                             float          *out,
                                             gint64          ldo,
                                             float          *workspace);
/* y = (x - mean) / sqrt (var + eps) * g + b over one row of @n (@b may be
 * NULL); with @rms, y = x / sqrt (mean (x^2) + eps) * g (T5's RMS norm).
 * On the calling thread, with AVX2 (check bench_cpu_packed_gemm_supported()).
 * @x may be @y. */
void             bench_cpu_layer_norm_row   (const float    *x,
                                             const float    *g,
                                             const float    *b,
                                             float          *y,
                                             gint64          n,
                                             float           eps,
                                             gboolean        rms);
/* The epilogue's activation on one value, in double (for references). */
double           bench_cpu_act_reference    (BenchCpuAct     act,
                                             double          x);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchCpuPackedB, bench_cpu_packed_b_free)

/* ---- STREAM triad: a[i] = b[i] + s * c[i] ---- */

#define BENCH_CPU_TRIAD_SCALAR 3.0f

/* First touch of all three arrays with the triad's static schedule, so each
 * page lands on the NUMA node of the thread that will stream it. b and c
 * get small multiples of 1/4 so that the triad result is exact in fp32. */
void         bench_cpu_triad_init       (float         *a,
                                         float         *b,
                                         float         *c,
                                         gsize          n);
void         bench_cpu_triad            (float         *a,
                                         const float   *b,
                                         const float   *c,
                                         float          scalar,
                                         gsize          n);
/* Checks every a[i] against the exact value from bench_cpu_triad_init()'s
 * pattern (which also catches damaged b or c). Returns check->passed. */
gboolean     bench_cpu_triad_check      (const float   *a,
                                         gsize          n,
                                         float          scalar,
                                         BenchCpuCheck *check);

/* ---- Peak FLOP/s: independent FMA chains per thread ---- */

typedef enum
{
  BENCH_CPU_ISA_GENERIC,   /* plain C, 4 lanes (vectorised by the compiler if it can) */
  BENCH_CPU_ISA_AVX2_FMA,  /* 256-bit FMA */
  BENCH_CPU_ISA_AVX512F,   /* 512-bit FMA */
} BenchCpuIsa;

#define BENCH_CPU_PEAK_CHAINS     12   /* covers 4-cycle latency x 2 FMA pipes, with slack */
#define BENCH_CPU_PEAK_MAX_INNER  (G_GUINT64_CONSTANT (1) << 21)  /* keeps accumulators exact */

BenchCpuIsa  bench_cpu_isa_detect       (void);
const char  *bench_cpu_isa_to_string    (BenchCpuIsa    isa);
guint        bench_cpu_isa_lanes        (BenchCpuIsa    isa);

/*
 * Each of @threads threads runs BENCH_CPU_PEAK_CHAINS chains of
 * acc = fma (acc, 1, h) for @inner steps, @passes times (rewinding the
 * accumulators by one subtraction between passes, so that every pass feeds
 * the result). @acc receives threads * chains * lanes floats, the final
 * accumulators. Returns the number of threads that actually ran; anything
 * else than @threads means the FLOP count is wrong.
 * FLOPs = threads * passes * inner * chains * lanes * 2.
 */
int          bench_cpu_peak_flops_run   (BenchCpuIsa    isa,
                                         guint64        inner,
                                         guint64        passes,
                                         int            threads,
                                         float         *acc);
double       bench_cpu_peak_flops_count (BenchCpuIsa    isa,
                                         guint64        inner,
                                         guint64        passes,
                                         int            threads);
/* The accumulators must equal their closed form acc0 + inner * h exactly
 * (all values are exact in fp32 for inner <= BENCH_CPU_PEAK_MAX_INNER). */
gboolean     bench_cpu_peak_flops_check (BenchCpuIsa    isa,
                                         guint64        inner,
                                         int            threads,
                                         const float   *acc,
                                         BenchCpuCheck *check);

G_END_DECLS
