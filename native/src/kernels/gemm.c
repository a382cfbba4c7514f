/*
 * gemm.c -- C = A * B for row-major doubles (A is m x k, B is k x n).
 *
 * The classic Goto/BLIS structure, because a naive triple loop runs at a
 * few GFLOP/s, bound by memory, while the FMA units can do 16-32 flops per
 * cycle if the data comes from registers:
 *
 *   for jc in steps of NC columns of B and C
 *     for pc in steps of KC of the shared dimension
 *       pack B[pc:pc+KC, jc:jc+NC] into NR-wide slivers   (stays in L2/L3)
 *       for ic in steps of MC rows of A and C
 *         pack A[ic:ic+MC, pc:pc+KC] into MR-tall slivers (stays in L2)
 *         for each MR x NR tile of C: the micro-kernel
 *
 * The micro-kernel keeps an MR x NR tile of C in registers for the whole
 * KC loop: per step of k it loads NR values of B (NR/8 or NR/4 vectors),
 * broadcasts MR values of A, and does MR * NR/width FMAs.  Sizes:
 *
 *   AVX-512: 12 x 16, 24 zmm accumulators + 2 for B, of 32 registers;
 *   AVX2:     6 x 8,  12 ymm accumulators + 2 for B, of 16 registers;
 *   portable: 4 x 4 doubles (what baseline SSE2 can keep in 16 xmm).
 *
 * Packing copies slivers contiguously, so the micro-kernel reads both
 * operands sequentially, and pads edges with zeros, so it never needs a
 * partial-tile variant: partial tiles are computed into a scratch tile and
 * the valid part copied out.  Nothing outside C's m x n range is written.
 *
 * Cancellation: a step of the resumable driver ends after `budget` units of
 * work (about a millisecond), at a column of tiles, so a released call polls
 * jgil_cancelled() about once a millisecond whatever the shape: the units
 * count what the machine does (whole padded tiles, packing), not the useful
 * flops.  The packed copies are native memory, so they survive the unpinning
 * of the Java arrays between steps; A and C are re-read from the (possibly
 * moved) arrays each step.
 *
 * The summation order over k differs from the naive Java loop (and FMA
 * rounds once), so results agree to within about k * 2^-53 * (|A||B|)_ij.
 */
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#include "jgil_internal.h"
#include "kernels.h"
#include "org_jgil_kernels_KernelNative.h"

#define KC 256
#define MC 96    /* a multiple of every MR: 12, 6 and 4 */
#define NC 2048  /* a multiple of every NR: 16, 8 and 4 */
#define MR_MAX 12
#define NR_MAX 16

typedef void (*ukernel_fn)(int64_t kc, const double *a, const double *b, double *c, int64_t ldc,
                           int accumulate);

struct gemm_impl {
    int mr, nr;
    ukernel_fn ukernel;
    const char *name;
};

/* ---- micro-kernels ---- */

static void ukernel_scalar(int64_t kc, const double *restrict a, const double *restrict b,
                           double *restrict c, int64_t ldc, int accumulate)
{
    double acc[4][4] = { { 0 } };
    for (int64_t p = 0; p < kc; p++) {
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                acc[i][j] += a[i] * b[j];
        a += 4;
        b += 4;
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            c[i * ldc + j] = accumulate ? c[i * ldc + j] + acc[i][j] : acc[i][j];
}

__attribute__((target("avx2,fma")))
static void ukernel_avx2(int64_t kc, const double *restrict a, const double *restrict b,
                         double *restrict c, int64_t ldc, int accumulate)
{
    __m256d c00 = _mm256_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256d c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    for (int64_t p = 0; p < kc; p++) {
        __m256d b0 = _mm256_load_pd(b), b1 = _mm256_load_pd(b + 4), ai;
        ai = _mm256_broadcast_sd(a + 0); c00 = _mm256_fmadd_pd(ai, b0, c00); c01 = _mm256_fmadd_pd(ai, b1, c01);
        ai = _mm256_broadcast_sd(a + 1); c10 = _mm256_fmadd_pd(ai, b0, c10); c11 = _mm256_fmadd_pd(ai, b1, c11);
        ai = _mm256_broadcast_sd(a + 2); c20 = _mm256_fmadd_pd(ai, b0, c20); c21 = _mm256_fmadd_pd(ai, b1, c21);
        ai = _mm256_broadcast_sd(a + 3); c30 = _mm256_fmadd_pd(ai, b0, c30); c31 = _mm256_fmadd_pd(ai, b1, c31);
        ai = _mm256_broadcast_sd(a + 4); c40 = _mm256_fmadd_pd(ai, b0, c40); c41 = _mm256_fmadd_pd(ai, b1, c41);
        ai = _mm256_broadcast_sd(a + 5); c50 = _mm256_fmadd_pd(ai, b0, c50); c51 = _mm256_fmadd_pd(ai, b1, c51);
        a += 6;
        b += 8;
    }
#define STORE2(row, v0, v1) do { \
        double *r_ = c + (row) * ldc; \
        if (accumulate) { v0 = _mm256_add_pd(v0, _mm256_loadu_pd(r_)); v1 = _mm256_add_pd(v1, _mm256_loadu_pd(r_ + 4)); } \
        _mm256_storeu_pd(r_, v0); _mm256_storeu_pd(r_ + 4, v1); \
    } while (0)
    STORE2(0, c00, c01); STORE2(1, c10, c11); STORE2(2, c20, c21);
    STORE2(3, c30, c31); STORE2(4, c40, c41); STORE2(5, c50, c51);
#undef STORE2
}

__attribute__((target("avx512f,avx512dq,avx512vl")))
static void ukernel_avx512(int64_t kc, const double *restrict a, const double *restrict b,
                           double *restrict c, int64_t ldc, int accumulate)
{
    __m512d acc[12][2];
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++)
        acc[i][0] = acc[i][1] = _mm512_setzero_pd();
    for (int64_t p = 0; p < kc; p++) {
        __m512d b0 = _mm512_load_pd(b), b1 = _mm512_load_pd(b + 8);
        _mm_prefetch((const char *)(b + 16 * 8), _MM_HINT_T0);
#pragma GCC unroll 12
        for (int i = 0; i < 12; i++) {
            __m512d ai = _mm512_set1_pd(a[i]);
            acc[i][0] = _mm512_fmadd_pd(ai, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_pd(ai, b1, acc[i][1]);
        }
        a += 12;
        b += 16;
    }
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) {
        double *r = c + i * ldc;
        __m512d v0 = acc[i][0], v1 = acc[i][1];
        if (accumulate) {
            v0 = _mm512_add_pd(v0, _mm512_loadu_pd(r));
            v1 = _mm512_add_pd(v1, _mm512_loadu_pd(r + 8));
        }
        _mm512_storeu_pd(r, v0);
        _mm512_storeu_pd(r + 8, v1);
    }
}

static const struct gemm_impl impls[] = {
    [KISA_SCALAR] = { 4, 4, ukernel_scalar, "scalar 4x4" },
    [KISA_AVX2] = { 6, 8, ukernel_avx2, "avx2+fma 6x8" },
    [KISA_AVX512] = { 12, 16, ukernel_avx512, "avx512 12x16" },
};

/* ---- packing ---- */

/* A[0:mc, 0:kc] (row stride lda) into slivers of mr rows: sliver s holds,
 * for each p, the mr values A[s*mr + 0..mr-1][p]; rows past mc are zero. */
static void pack_a(int64_t mc, int64_t kc, const double *a, int64_t lda, double *ap, int mr)
{
    for (int64_t s = 0; s < mc; s += mr) {
        int rows = mc - s < mr ? (int)(mc - s) : mr;
        for (int64_t p = 0; p < kc; p++) {
            for (int i = 0; i < rows; i++)
                ap[i] = a[(s + i) * lda + p];
            for (int i = rows; i < mr; i++)
                ap[i] = 0.0;
            ap += mr;
        }
    }
}

/* B[0:kc, 0:nc] (row stride ldb) into slivers of nr columns: sliver s holds,
 * for each p, B[p][s*nr + 0..nr-1]; columns past nc are zero. */
static void pack_b(int64_t kc, int64_t nc, const double *b, int64_t ldb, double *bp, int nr)
{
    for (int64_t s = 0; s < nc; s += nr) {
        int cols = nc - s < nr ? (int)(nc - s) : nr;
        for (int64_t p = 0; p < kc; p++) {
            const double *row = b + p * ldb + s;
            if (cols == nr) {
                memcpy(bp, row, (size_t)nr * sizeof(double));
            } else {
                memcpy(bp, row, (size_t)cols * sizeof(double));
                memset(bp + cols, 0, (size_t)(nr - cols) * sizeof(double));
            }
            bp += nr;
        }
    }
}

/* C[0:mc, 0:nc] (+)= Ap * Bp, tile by tile. */
static void macro_kernel(const struct gemm_impl *impl, int64_t mc, int64_t nc, int64_t kc,
                         const double *ap, const double *bp, double *c, int64_t ldc, int accumulate)
{
    const int mr = impl->mr, nr = impl->nr;
    double tile[MR_MAX * NR_MAX] __attribute__((aligned(64)));
    for (int64_t j = 0; j < nc; j += nr) {
        const double *b = bp + j * kc;
        int cols = nc - j < nr ? (int)(nc - j) : nr;
        for (int64_t i = 0; i < mc; i += mr) {
            const double *a = ap + i * kc;
            int rows = mc - i < mr ? (int)(mc - i) : mr;
            double *ct = c + i * ldc + j;
            if (rows == mr && cols == nr) {
                impl->ukernel(kc, a, b, ct, ldc, accumulate);
            } else {
                /* Edge tile: compute all of it into scratch, copy out what is inside C. */
                impl->ukernel(kc, a, b, tile, nr, 0);
                for (int r = 0; r < rows; r++)
                    for (int q = 0; q < cols; q++)
                        ct[r * ldc + q] = accumulate ? ct[r * ldc + q] + tile[r * nr + q] : tile[r * nr + q];
            }
        }
    }
}

static int64_t round_up(int64_t x, int64_t to) { return (x + to - 1) / to * to; }

/* ---- the resumable driver ---- */

struct gemm_state {
    const struct gemm_impl *impl;
    int level;
    int64_t m, n, k;
    double *ap, *bp;     /* packed blocks, 64-byte aligned, native memory */
    int64_t jc, pc, ic;  /* the block the next step works on */
    int64_t jr;          /* its next column of tiles; 0: the block's packing is still to do */
    int64_t zeroed;      /* k == 0: elements of C set to 0 so far */
};

/* What a step counts, in flops at the variant's speed: a tile costs the flops
 * of the whole padded mr x nr tile (the micro-kernel computes all of it, even
 * for a 1 x 1 corner) plus 8 steps of k for loading and storing it, and a
 * packed or zeroed element about 2 ns of the variant's flops.  Counting only
 * useful flops made degenerate shapes (m = n = 1 and a long k: 2 useful flops
 * per step of k against a whole tile's) run a thousand times longer than the
 * budget between two cancellation polls. */
static const int64_t flops_per_ms[] = { 3000000, 20000000, 40000000 };
#define ELEMENT_COST(level) (flops_per_ms[level] / 500000)

static int64_t tile_cost(const struct gemm_impl *impl, int64_t kc)
{
    return 2 * (int64_t)impl->mr * impl->nr * (kc + 8);
}

static int gemm_step(void *p, kbuf *bufs, int64_t budget)
{
    struct gemm_state *s = p;
    const struct gemm_impl *impl = s->impl;
    const double *a = bufs[0].ptr, *b = bufs[1].ptr;
    double *c = bufs[2].ptr;
    const int64_t m = s->m, n = s->n, k = s->k;
    const int64_t element = ELEMENT_COST(s->level);
    int64_t work = 0;
    if (m == 0 || n == 0)
        return KSTEP_DONE;
    if (k == 0) { /* an empty sum: C = 0, in pieces of the budget's size */
        while (s->zeroed < m * n) {
            int64_t left = m * n - s->zeroed;
            int64_t count = budget < 0 || left <= budget / element ? left : budget / element + 1;
            memset(c + s->zeroed, 0, (size_t)count * sizeof(double));
            s->zeroed += count;
            if (budget >= 0 && s->zeroed < m * n)
                return KSTEP_MORE;
        }
        return KSTEP_DONE;
    }
    while (s->jc < n) {
        const int64_t nc = n - s->jc < NC ? n - s->jc : NC;
        const int64_t kc = k - s->pc < KC ? k - s->pc : KC;
        const int64_t mc = m - s->ic < MC ? m - s->ic : MC;
        if (s->jr == 0) {
            if (s->ic == 0) {
                pack_b(kc, nc, b + s->pc * n + s->jc, n, s->bp, impl->nr);
                work += kc * round_up(nc, impl->nr) * element;
            }
            pack_a(mc, kc, a + s->ic * k + s->pc, k, s->ap, impl->mr);
            work += kc * round_up(mc, impl->mr) * element;
        }
        /* One column of tiles at a time: a step can end inside a block, whose
         * packed copies (native memory) wait for the next step. */
        const int64_t column_cost = round_up(mc, impl->mr) / impl->mr * tile_cost(impl, kc);
        while (s->jr < nc) {
            int64_t width = nc - s->jr < impl->nr ? nc - s->jr : impl->nr;
            macro_kernel(impl, mc, width, kc, s->ap, s->bp + s->jr * kc,
                         c + s->ic * n + s->jc + s->jr, n, s->pc > 0);
            s->jr += impl->nr;
            work += column_cost;
            if (budget >= 0 && work >= budget && s->jr < nc)
                return KSTEP_MORE;
        }
        s->jr = 0;
        s->ic += MC;
        if (s->ic >= m) {
            s->ic = 0;
            s->pc += KC;
            if (s->pc >= k) {
                s->pc = 0;
                s->jc += NC;
            }
        }
        if (budget >= 0 && work >= budget && s->jc < n)
            return KSTEP_MORE;
    }
    return KSTEP_DONE;
}

static int overlaps(const kbuf *x, const kbuf *y)
{
    const char *xs = (const char *)x->base + x->off * 8, *ys = (const char *)y->base + y->off * 8;
    return x->len > 0 && y->len > 0 && xs < ys + y->len * 8 && ys < xs + x->len * 8;
}

JNIEXPORT void JNICALL Java_org_jgil_kernels_KernelNative_gemm(JNIEnv *env, jclass cls, jint m, jint n,
                                                               jint k, jobject a, jint aoff, jobject b,
                                                               jint boff, jobject c, jint coff,
                                                               jboolean direct, jboolean release)
{
    (void)cls;
    if (m < 0 || n < 0 || k < 0) {
        kthrow_arg(env, "%s must be >= 0, got %d", m < 0 ? "m" : n < 0 ? "n" : "k",
                   (int)(m < 0 ? m : n < 0 ? n : k));
        return;
    }
    kbuf bufs[3] = {
        { .name = "a", .obj = a, .off = aoff, .len = (jlong)m * k, .esize = 8 },
        { .name = "b", .obj = b, .off = boff, .len = (jlong)k * n, .esize = 8 },
        { .name = "c", .obj = c, .off = coff, .len = (jlong)m * n, .esize = 8, .writes = 1 },
    };
    if (kbufs_check(env, bufs, 3, direct) < 0)
        return;
    if (direct && (overlaps(&bufs[2], &bufs[0]) || overlaps(&bufs[2], &bufs[1]))) {
        kthrow_arg(env, "c must not overlap a or b");
        return;
    }
    const int level = kisa_active();
    struct gemm_state s = { .impl = &impls[level], .level = level, .m = m, .n = n, .k = k };
    int64_t kc = k < KC ? k : KC, nc = n < NC ? n : NC, mc = m < MC ? m : MC;
    if (m > 0 && n > 0 && k > 0) {
        /* Rounded to the largest MR/NR (a multiple of the others), and the byte
         * size to the alignment, as aligned_alloc wants. */
        s.ap = aligned_alloc(64, (size_t)round_up(round_up(mc, MR_MAX) * kc * 8, 64));
        s.bp = aligned_alloc(64, (size_t)round_up(round_up(nc, NR_MAX) * kc * 8, 64));
        if (s.ap == NULL || s.bp == NULL) {
            free(s.ap);
            free(s.bp);
            jgil_throw(env, "java/lang/OutOfMemoryError", "gemm: no memory for packing buffers");
            return;
        }
    }
    /* About a millisecond of work between polls at each variant's usual speed. */
    kexec(env, release, "gemm", bufs, 3, gemm_step, &s, flops_per_ms[level]);
    free(s.ap);
    free(s.bp);
}

/* The micro-kernel in use, e.g. "avx512 12x16". */
JNIEXPORT jstring JNICALL Java_org_jgil_kernels_KernelNative_gemmVariant(JNIEnv *env, jclass cls)
{
    (void)cls;
    return (*env)->NewStringUTF(env, impls[kisa_active()].name);
}
