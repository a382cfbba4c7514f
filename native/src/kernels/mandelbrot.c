/*
 * mandelbrot.c -- escape counts over a grid of the complex plane.
 *
 * Pixel (col, row) is c = (x0 + col*dx) + i(y0 + row*dy).  From z = 0 we
 * iterate z = z^2 + c and count the iterations before |z|^2 > 4, at most
 * maxIter.  Pure arithmetic on registers: the kernel that shows what the FPU
 * can do with no memory traffic at all.
 *
 * The counts must equal Java's exactly, and an escape count is a chaotic
 * function of the rounding: one fused multiply-add instead of a multiply
 * and an add changes counts near the set's boundary.  So this file is
 * compiled with floating-point contraction off (the pragma below), every
 * variant does exactly Java's operations in Java's order, and the vector
 * variants only run 8 or 4 pixels side by side, masking out the lanes that
 * have escaped.
 */
#pragma GCC optimize("fp-contract=off")

#include <immintrin.h>

#include "kernels.h"
#include "org_jgil_kernels_KernelNative.h"

/* A group is the pixels one variant runs side by side (8, 4 or 1) and, when a
 * step's budget runs out in the middle of their iterations, where they are:
 * a pixel inside the set runs maxIter iterations (up to 2^31 - 1), so
 * stopping only between pixels could leave a cancelled call running for
 * seconds.  Escaped lanes keep their count; the others all have done `it`
 * iterations.  Resuming from the saved z values does exactly the operations
 * an uninterrupted run does, so the counts do not depend on the budget. */
struct group {
    double x[8], y[8];
    int32_t count[8];
    int32_t it;       /* iterations done by the lanes still active */
    uint32_t active;  /* lanes still iterating, one bit each */
    int open;         /* a group is part-way at (row, col) */
};

struct mandel_state {
    int level;    /* the variant, fixed for the call: an open group's layout depends on it */
    int width, height, max_iter;
    double x0, y0, dx, dy;
    int row, col; /* the first pixel of the next (or open) group */
    struct group g;
};

/* Each group function runs at most `quota` iterations of the group of `n`
 * pixels that starts at column s->col of `line`, stores the counts when the
 * group is done (g->open = 0) or saves where it is (g->open = 1), and returns
 * the iterations it ran.  cx is computed from the column's index in the whole
 * row, as Java computes it. */
static int64_t group_scalar(const struct mandel_state *s, struct group *g, int32_t *line, int n, double cy,
                            int64_t quota)
{
    (void)n;
    const int col = s->col, max_iter = s->max_iter;
    const double cx = s->x0 + (double)col * s->dx;
    double x = 0.0, y = 0.0;
    int it = 0;
    if (g->open) {
        x = g->x[0];
        y = g->y[0];
        it = g->it;
    }
    const int start = it;
    const int limit = (int64_t)max_iter - it > quota ? it + (int)quota : max_iter;
    int escaped = 0;
    while (it < limit) {
        double x2 = x * x, y2 = y * y;
        if (x2 + y2 > 4.0) {
            escaped = 1;
            break;
        }
        y = 2.0 * x * y + cy;
        x = x2 - y2 + cx;
        it++;
    }
    if (escaped || it == max_iter) {
        line[col] = it;
        g->open = 0;
    } else {
        g->x[0] = x;
        g->y[0] = y;
        g->it = it;
        g->open = 1;
    }
    return it - start;
}

__attribute__((target("avx2,fma")))
static int64_t group_avx2(const struct mandel_state *s, struct group *g, int32_t *line, int n, double cy,
                          int64_t quota)
{
    const __m256d four = _mm256_set1_pd(4.0), two = _mm256_set1_pd(2.0);
    const __m256d vcy = _mm256_set1_pd(cy);
    const int col = s->col, max_iter = s->max_iter;
    const __m256d cx = _mm256_add_pd(_mm256_set1_pd(s->x0),
                                     _mm256_mul_pd(_mm256_add_pd(_mm256_set1_pd((double)col),
                                                                 _mm256_set_pd(3, 2, 1, 0)),
                                                   _mm256_set1_pd(s->dx)));
    __m256d x = _mm256_setzero_pd(), y = x;
    __m256i count = _mm256_setzero_si256();
    /* Lanes past the row's end start inactive, so that they do not keep the group running. */
    __m256d active = _mm256_castsi256_pd(_mm256_set_epi64x(n > 3 ? -1 : 0, n > 2 ? -1 : 0, n > 1 ? -1 : 0, -1));
    int it = 0;
    if (g->open) {
        x = _mm256_loadu_pd(g->x);
        y = _mm256_loadu_pd(g->y);
        count = _mm256_set_epi64x(g->count[3], g->count[2], g->count[1], g->count[0]);
        active = _mm256_castsi256_pd(_mm256_set_epi64x(-(int64_t)((g->active >> 3) & 1),
                                                       -(int64_t)((g->active >> 2) & 1),
                                                       -(int64_t)((g->active >> 1) & 1),
                                                       -(int64_t)(g->active & 1)));
        it = g->it;
    }
    const int start = it;
    const int limit = (int64_t)max_iter - it > quota ? it + (int)quota : max_iter;
    int done = 0;
    for (; it < limit; it++) {
        __m256d x2 = _mm256_mul_pd(x, x), y2 = _mm256_mul_pd(y, y);
        /* still inside: !(x2 + y2 > 4), as the scalar loop tests it */
        active = _mm256_and_pd(active, _mm256_cmp_pd(_mm256_add_pd(x2, y2), four, _CMP_NGT_UQ));
        if (_mm256_testz_pd(active, active)) {
            done = 1;
            break;
        }
        count = _mm256_sub_epi64(count, _mm256_castpd_si256(active)); /* active lanes are -1 */
        y = _mm256_add_pd(_mm256_mul_pd(_mm256_mul_pd(two, x), y), vcy);
        x = _mm256_add_pd(_mm256_sub_pd(x2, y2), cx);
    }
    int64_t c[4];
    _mm256_storeu_si256((__m256i *)c, count);
    if (done || it == max_iter) {
        for (int l = 0; l < n; l++)
            line[col + l] = (int32_t)c[l];
        g->open = 0;
    } else {
        _mm256_storeu_pd(g->x, x);
        _mm256_storeu_pd(g->y, y);
        for (int l = 0; l < 4; l++)
            g->count[l] = (int32_t)c[l];
        g->active = (uint32_t)_mm256_movemask_pd(active);
        g->it = it;
        g->open = 1;
    }
    return it - start;
}

__attribute__((target("avx512f,avx512dq,avx512vl")))
static int64_t group_avx512(const struct mandel_state *s, struct group *g, int32_t *line, int n, double cy,
                            int64_t quota)
{
    const __m512d four = _mm512_set1_pd(4.0), two = _mm512_set1_pd(2.0);
    const __m512d vcy = _mm512_set1_pd(cy);
    const int col = s->col, max_iter = s->max_iter;
    const __mmask8 valid = n >= 8 ? 0xff : (__mmask8)((1u << n) - 1);
    const __m512d cx = _mm512_add_pd(_mm512_set1_pd(s->x0),
                                     _mm512_mul_pd(_mm512_add_pd(_mm512_set1_pd((double)col),
                                                                 _mm512_set_pd(7, 6, 5, 4, 3, 2, 1, 0)),
                                                   _mm512_set1_pd(s->dx)));
    __m512d x = _mm512_setzero_pd(), y = x;
    __m256i count = _mm256_setzero_si256();
    __mmask8 active = valid;
    int it = 0;
    if (g->open) {
        x = _mm512_loadu_pd(g->x);
        y = _mm512_loadu_pd(g->y);
        count = _mm256_loadu_si256((const __m256i *)g->count);
        active = (__mmask8)g->active;
        it = g->it;
    }
    const int start = it;
    const int limit = (int64_t)max_iter - it > quota ? it + (int)quota : max_iter;
    for (; it < limit; it++) {
        __m512d x2 = _mm512_mul_pd(x, x), y2 = _mm512_mul_pd(y, y);
        active = _mm512_mask_cmp_pd_mask(active, _mm512_add_pd(x2, y2), four, _CMP_NGT_UQ);
        if (active == 0)
            break;
        count = _mm256_mask_add_epi32(count, active, count, _mm256_set1_epi32(1));
        y = _mm512_add_pd(_mm512_mul_pd(_mm512_mul_pd(two, x), y), vcy);
        x = _mm512_add_pd(_mm512_sub_pd(x2, y2), cx);
    }
    if (active == 0 || it == max_iter) {
        _mm256_mask_storeu_epi32(line + col, valid, count);
        g->open = 0;
    } else {
        _mm512_storeu_pd(g->x, x);
        _mm512_storeu_pd(g->y, y);
        _mm256_storeu_si256((__m256i *)g->count, count);
        g->active = active;
        g->it = it;
        g->open = 1;
    }
    return it - start;
}

static int mandel_step(void *p, kbuf *b, int64_t budget)
{
    struct mandel_state *s = p;
    int32_t *out = b[0].ptr;
    const int level = s->level;
    const int lanes = level == KISA_AVX512 ? 8 : level == KISA_AVX2 ? 4 : 1;
    /* The budget counts lane-iterations: a group of `lanes` pixels costs that
     * many per iteration however many of its lanes are still active (the
     * vector runs until the last one escapes), plus one iteration's worth for
     * the group itself, so that pixels escaping at once cost something too. */
    int64_t work = 0;
    if (s->width == 0) {
        s->row = s->height; /* every (empty) row done */
        return KSTEP_DONE;
    }
    while (s->row < s->height) {
        int32_t *line = out + (int64_t)s->row * s->width;
        double cy = s->y0 + (double)s->row * s->dy;
        int n = s->width - s->col < lanes ? s->width - s->col : lanes;
        int64_t quota = budget < 0 ? INT64_MAX : (budget - work) / lanes;
        if (quota < 1)
            quota = 1;
        int64_t ran;
        switch (level) {
        case KISA_AVX512: ran = group_avx512(s, &s->g, line, n, cy, quota); break;
        case KISA_AVX2: ran = group_avx2(s, &s->g, line, n, cy, quota); break;
        default: ran = group_scalar(s, &s->g, line, n, cy, quota); break;
        }
        work += (ran + 1) * lanes;
        if (!s->g.open) {
            s->col += n;
            if (s->col == s->width) {
                s->col = 0;
                s->row++;
            }
        }
        if (budget >= 0 && work >= budget && s->row < s->height)
            return KSTEP_MORE;
    }
    return KSTEP_DONE;
}

JNIEXPORT jlong JNICALL Java_org_jgil_kernels_KernelNative_mandelbrot(
    JNIEnv *env, jclass cls, jint width, jint height, jdouble x0, jdouble y0, jdouble dx, jdouble dy,
    jint max_iter, jobject out, jint off, jboolean direct, jboolean release)
{
    (void)cls;
    if (width < 0 || height < 0 || max_iter < 0) {
        kthrow_arg(env, "%s must be >= 0", width < 0 ? "width" : height < 0 ? "height" : "maxIter");
        return 0;
    }
    kbuf b[1] = { { .name = "out", .obj = out, .off = off, .len = (jlong)width * height, .esize = 4,
                    .writes = 1 } };
    if (kbufs_check(env, b, 1, direct) < 0)
        return 0;
    struct mandel_state s = { .level = kisa_active(), .width = width, .height = height, .max_iter = max_iter,
                              .x0 = x0, .y0 = y0, .dx = dx, .dy = dy };
    /* About a millisecond of lane-iterations between polls (~2 ns per iteration of one group). */
    static const int64_t per_ms[] = { 500000, 2000000, 4000000 };
    kexec(env, release, "mandelbrot", b, 1, mandel_step, &s, per_ms[s.level]);
    return s.row;
}
