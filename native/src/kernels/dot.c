/*
 * dot.c -- x . y over doubles.
 *
 * Memory-bound for anything larger than the caches, so the vector variants
 * exist mainly for cache-resident vectors.  Four independent accumulators
 * hide the latency of the FMA (4 cycles) so that loads, not the adder, are
 * the limit.  The order of the additions therefore differs between variants
 * and from the sequential Java loop: results agree to within rounding, about
 * n * 2^-53 * sum|x_i y_i|, not to the bit.
 */
#include <immintrin.h>

#include "kernels.h"
#include "org_jgil_kernels_KernelNative.h"

static double dot_scalar(const double *x, const double *y, int64_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += x[i] * y[i];
        s1 += x[i + 1] * y[i + 1];
        s2 += x[i + 2] * y[i + 2];
        s3 += x[i + 3] * y[i + 3];
    }
    for (; i < n; i++)
        s0 += x[i] * y[i];
    return (s0 + s1) + (s2 + s3);
}

__attribute__((target("avx2,fma"))) static double dot_avx2(const double *x, const double *y, int64_t n)
{
    __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i), _mm256_loadu_pd(y + i), s0);
        s1 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i + 4), _mm256_loadu_pd(y + i + 4), s1);
        s2 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i + 8), _mm256_loadu_pd(y + i + 8), s2);
        s3 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i + 12), _mm256_loadu_pd(y + i + 12), s3);
    }
    for (; i + 4 <= n; i += 4)
        s0 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i), _mm256_loadu_pd(y + i), s0);
    __m256d s = _mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3));
    __m128d h = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
    double r = _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
    for (; i < n; i++)
        r += x[i] * y[i];
    return r;
}

__attribute__((target("avx512f,avx512dq,avx512vl")))
static double dot_avx512(const double *x, const double *y, int64_t n)
{
    __m512d s0 = _mm512_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm512_fmadd_pd(_mm512_loadu_pd(x + i), _mm512_loadu_pd(y + i), s0);
        s1 = _mm512_fmadd_pd(_mm512_loadu_pd(x + i + 8), _mm512_loadu_pd(y + i + 8), s1);
        s2 = _mm512_fmadd_pd(_mm512_loadu_pd(x + i + 16), _mm512_loadu_pd(y + i + 16), s2);
        s3 = _mm512_fmadd_pd(_mm512_loadu_pd(x + i + 24), _mm512_loadu_pd(y + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8)
        s0 = _mm512_fmadd_pd(_mm512_loadu_pd(x + i), _mm512_loadu_pd(y + i), s0);
    if (i < n) { /* the tail, masked: no scalar loop, no reads past the end */
        __mmask8 m = (__mmask8)((1u << (n - i)) - 1);
        s1 = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(m, x + i), _mm512_maskz_loadu_pd(m, y + i), s1);
    }
    return _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(s0, s1), _mm512_add_pd(s2, s3)));
}

struct dot_state {
    int64_t n;
    double result;
};

static int dot_step(void *p, kbuf *b, int64_t budget)
{
    (void)budget;
    struct dot_state *s = p;
    const double *x = b[0].ptr, *y = b[1].ptr;
    switch (kisa_active()) {
    case KISA_AVX512: s->result = dot_avx512(x, y, s->n); break;
    case KISA_AVX2: s->result = dot_avx2(x, y, s->n); break;
    default: s->result = dot_scalar(x, y, s->n); break;
    }
    return KSTEP_DONE;
}

JNIEXPORT jdouble JNICALL Java_org_jgil_kernels_KernelNative_dot(JNIEnv *env, jclass cls, jobject x,
                                                                 jint xoff, jobject y, jint yoff, jint n,
                                                                 jboolean direct, jboolean release)
{
    (void)cls;
    if (n < 0)
        return kthrow_arg(env, "n must be >= 0, got %d", (int)n);
    kbuf b[2] = {
        { .name = "x", .obj = x, .off = xoff, .len = n, .esize = 8 },
        { .name = "y", .obj = y, .off = yoff, .len = n, .esize = 8 },
    };
    if (kbufs_check(env, b, 2, direct) < 0)
        return 0;
    struct dot_state s = { n, 0 };
    kexec(env, release, "dot", b, 2, dot_step, &s, -1);
    return s.result;
}
