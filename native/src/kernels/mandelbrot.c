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

static int escape(double cx, double cy, int max_iter)
{
    double x = 0.0, y = 0.0;
    int it = 0;
    while (it < max_iter) {
        double x2 = x * x, y2 = y * y;
        if (x2 + y2 > 4.0)
            break;
        y = 2.0 * x * y + cy;
        x = x2 - y2 + cx;
        it++;
    }
    return it;
}

/* Each span function fills line[col0, end) of one row and returns the
 * iterations it spent, the unit of the budget.  cx is computed from the
 * column's index in the whole row, as Java computes it. */
static int64_t span_scalar(int32_t *out, int col0, int end, double x0, double dx, double cy, int max_iter)
{
    int64_t work = 0;
    for (int col = col0; col < end; col++) {
        out[col] = escape(x0 + (double)col * dx, cy, max_iter);
        work += out[col];
    }
    return work;
}

__attribute__((target("avx2,fma")))
static int64_t span_avx2(int32_t *out, int col0, int end, double x0, double dx, double cy, int max_iter)
{
    const __m256d four = _mm256_set1_pd(4.0), two = _mm256_set1_pd(2.0);
    const __m256d vx0 = _mm256_set1_pd(x0), vdx = _mm256_set1_pd(dx), vcy = _mm256_set1_pd(cy);
    const __m256d lanes = _mm256_set_pd(3, 2, 1, 0);
    int64_t work = 0;
    for (int col = col0; col < end; col += 4) {
        __m256d cx = _mm256_add_pd(vx0, _mm256_mul_pd(_mm256_add_pd(_mm256_set1_pd((double)col), lanes), vdx));
        __m256d x = _mm256_setzero_pd(), y = x;
        __m256i count = _mm256_setzero_si256();
        __m256d active = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
        for (int it = 0; it < max_iter; it++) {
            __m256d x2 = _mm256_mul_pd(x, x), y2 = _mm256_mul_pd(y, y);
            /* still inside: !(x2 + y2 > 4), as the scalar loop tests it */
            active = _mm256_and_pd(active, _mm256_cmp_pd(_mm256_add_pd(x2, y2), four, _CMP_NGT_UQ));
            if (_mm256_testz_pd(active, active))
                break;
            count = _mm256_sub_epi64(count, _mm256_castpd_si256(active)); /* active lanes are -1 */
            y = _mm256_add_pd(_mm256_mul_pd(_mm256_mul_pd(two, x), y), vcy);
            x = _mm256_add_pd(_mm256_sub_pd(x2, y2), cx);
        }
        int64_t c[4];
        _mm256_storeu_si256((__m256i *)c, count);
        for (int l = 0; l < 4 && col + l < end; l++) {
            out[col + l] = (int32_t)c[l];
            work += c[l];
        }
    }
    return work;
}

__attribute__((target("avx512f,avx512dq,avx512vl")))
static int64_t span_avx512(int32_t *out, int col0, int end, double x0, double dx, double cy, int max_iter)
{
    const __m512d four = _mm512_set1_pd(4.0), two = _mm512_set1_pd(2.0);
    const __m512d vx0 = _mm512_set1_pd(x0), vdx = _mm512_set1_pd(dx), vcy = _mm512_set1_pd(cy);
    const __m512d lanes = _mm512_set_pd(7, 6, 5, 4, 3, 2, 1, 0);
    int64_t work = 0;
    for (int col = col0; col < end; col += 8) {
        int left = end - col;
        __mmask8 valid = left >= 8 ? 0xff : (__mmask8)((1u << left) - 1);
        __m512d cx = _mm512_add_pd(vx0, _mm512_mul_pd(_mm512_add_pd(_mm512_set1_pd((double)col), lanes), vdx));
        __m512d x = _mm512_setzero_pd(), y = x;
        __m256i count = _mm256_setzero_si256();
        __mmask8 active = valid;
        for (int it = 0; it < max_iter; it++) {
            __m512d x2 = _mm512_mul_pd(x, x), y2 = _mm512_mul_pd(y, y);
            active = _mm512_mask_cmp_pd_mask(active, _mm512_add_pd(x2, y2), four, _CMP_NGT_UQ);
            if (active == 0)
                break;
            count = _mm256_mask_add_epi32(count, active, count, _mm256_set1_epi32(1));
            y = _mm512_add_pd(_mm512_mul_pd(_mm512_mul_pd(two, x), y), vcy);
            x = _mm512_add_pd(_mm512_sub_pd(x2, y2), cx);
        }
        _mm256_mask_storeu_epi32(out + col, valid, count);
        /* the work: the sum of the valid lanes' counts */
        __m512i wide = _mm512_cvtepi32_epi64(_mm256_maskz_mov_epi32(valid, count));
        work += _mm512_reduce_add_epi64(wide);
    }
    return work;
}

/* Pixels between budget checks: a multiple of every vector width, and short
 * enough that even pixels inside the set (maxIter iterations each) do not
 * delay a cancellation much. */
#define SPAN 16

struct mandel_state {
    int width, height, max_iter;
    double x0, y0, dx, dy;
    int row, col; /* the next pixel */
};

static int mandel_step(void *p, kbuf *b, int64_t budget)
{
    struct mandel_state *s = p;
    int32_t *out = b[0].ptr;
    const int level = kisa_active();
    int64_t work = 0;
    while (s->row < s->height) {
        int32_t *line = out + (int64_t)s->row * s->width;
        double cy = s->y0 + (double)s->row * s->dy;
        int end = s->width - s->col > SPAN ? s->col + SPAN : s->width;
        switch (level) {
        case KISA_AVX512: work += span_avx512(line, s->col, end, s->x0, s->dx, cy, s->max_iter); break;
        case KISA_AVX2: work += span_avx2(line, s->col, end, s->x0, s->dx, cy, s->max_iter); break;
        default: work += span_scalar(line, s->col, end, s->x0, s->dx, cy, s->max_iter); break;
        }
        work += end - s->col; /* a pixel costs something even if it escapes at once */
        s->col = end;
        if (s->col == s->width) {
            s->col = 0;
            s->row++;
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
    struct mandel_state s = { width, height, max_iter, x0, y0, dx, dy, 0, 0 };
    /* About a millisecond of iterations between polls (~1-4 ns per pixel-iteration scalar). */
    static const int64_t per_ms[] = { 500000, 2000000, 4000000 };
    kexec(env, release, "mandelbrot", b, 1, mandel_step, &s, per_ms[kisa_active()]);
    return s.row;
}
