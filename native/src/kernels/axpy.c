/*
 * axpy.c -- y[i] += a * x[i] over doubles, in place.
 *
 * Writes exactly y[yoff, yoff + n): the vector tails are masked (AVX-512) or
 * scalar, never a wider store.  The portable variant computes a * x + y with
 * two roundings, exactly as Java does, so its results equal Java's bit for
 * bit; the FMA variants round once, so they may differ by an ulp.
 * x and y may be the same range (y += a*y), but not overlap otherwise: the
 * Java side refuses that, and so do we for direct buffers.
 */
#include <immintrin.h>

#include "jgil_internal.h"
#include "kernels.h"
#include "org_jgil_kernels_KernelNative.h"

static void axpy_scalar(double a, const double *x, double *y, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        y[i] = a * x[i] + y[i];
}

__attribute__((target("avx2,fma"))) static void axpy_avx2(double a, const double *x, double *y, int64_t n)
{
    __m256d va = _mm256_set1_pd(a);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256d y0 = _mm256_fmadd_pd(va, _mm256_loadu_pd(x + i), _mm256_loadu_pd(y + i));
        __m256d y1 = _mm256_fmadd_pd(va, _mm256_loadu_pd(x + i + 4), _mm256_loadu_pd(y + i + 4));
        _mm256_storeu_pd(y + i, y0);
        _mm256_storeu_pd(y + i + 4, y1);
    }
    for (; i < n; i++)
        y[i] = __builtin_fma(a, x[i], y[i]);
}

__attribute__((target("avx512f,avx512dq,avx512vl")))
static void axpy_avx512(double a, const double *x, double *y, int64_t n)
{
    __m512d va = _mm512_set1_pd(a);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512d y0 = _mm512_fmadd_pd(va, _mm512_loadu_pd(x + i), _mm512_loadu_pd(y + i));
        __m512d y1 = _mm512_fmadd_pd(va, _mm512_loadu_pd(x + i + 8), _mm512_loadu_pd(y + i + 8));
        _mm512_storeu_pd(y + i, y0);
        _mm512_storeu_pd(y + i + 8, y1);
    }
    for (; i < n; i += 8) {
        int64_t left = n - i;
        __mmask8 m = left >= 8 ? 0xff : (__mmask8)((1u << left) - 1);
        __m512d r = _mm512_fmadd_pd(va, _mm512_maskz_loadu_pd(m, x + i), _mm512_maskz_loadu_pd(m, y + i));
        _mm512_mask_storeu_pd(y + i, m, r);
    }
}

struct axpy_state {
    double a;
    int64_t n;
};

static int axpy_step(void *p, kbuf *b, int64_t budget)
{
    (void)budget;
    struct axpy_state *s = p;
    const double *x = b[0].ptr;
    double *y = b[1].ptr;
    switch (kisa_active()) {
    case KISA_AVX512: axpy_avx512(s->a, x, y, s->n); break;
    case KISA_AVX2: axpy_avx2(s->a, x, y, s->n); break;
    default: axpy_scalar(s->a, x, y, s->n); break;
    }
    return KSTEP_DONE;
}

JNIEXPORT void JNICALL Java_org_jgil_kernels_KernelNative_axpy(JNIEnv *env, jclass cls, jdouble a,
                                                               jobject x, jint xoff, jobject y, jint yoff,
                                                               jint n, jboolean direct, jboolean release)
{
    (void)cls;
    if (n < 0) {
        kthrow_arg(env, "n must be >= 0, got %d", (int)n);
        return;
    }
    kbuf b[2] = {
        { .name = "x", .obj = x, .off = xoff, .len = n, .esize = 8 },
        { .name = "y", .obj = y, .off = yoff, .len = n, .esize = 8, .writes = 1 },
    };
    if (kbufs_check(env, b, 2, direct) < 0)
        return;
    if (direct && n > 0) {
        const char *xs = (const char *)b[0].base + (size_t)xoff * 8, *ys = (const char *)b[1].base + (size_t)yoff * 8;
        if (xs != ys && xs < ys + (size_t)n * 8 && ys < xs + (size_t)n * 8) {
            kthrow_arg(env, "x and y overlap without being the same range");
            return;
        }
    }
    struct axpy_state s = { a, n };
    kexec(env, release, "axpy", b, 2, axpy_step, &s, -1);
}
