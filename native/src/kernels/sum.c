/*
 * sum.c -- the sum of doubles.
 *
 * Like dot.c: several accumulators so that the adder's latency does not
 * serialise the loop; so the association differs from Java's sequential loop
 * and results agree to within n * 2^-53 * sum|x_i|.
 */
#include <immintrin.h>

#include "kernels.h"
#include "org_jgil_kernels_KernelNative.h"

static double sum_scalar(const double *x, int64_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += x[i];
        s1 += x[i + 1];
        s2 += x[i + 2];
        s3 += x[i + 3];
    }
    for (; i < n; i++)
        s0 += x[i];
    return (s0 + s1) + (s2 + s3);
}

__attribute__((target("avx2,fma"))) static double sum_avx2(const double *x, int64_t n)
{
    __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm256_add_pd(_mm256_loadu_pd(x + i), s0);
        s1 = _mm256_add_pd(_mm256_loadu_pd(x + i + 4), s1);
        s2 = _mm256_add_pd(_mm256_loadu_pd(x + i + 8), s2);
        s3 = _mm256_add_pd(_mm256_loadu_pd(x + i + 12), s3);
    }
    for (; i + 4 <= n; i += 4)
        s0 = _mm256_add_pd(_mm256_loadu_pd(x + i), s0);
    __m256d s = _mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3));
    __m128d h = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
    double r = _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
    for (; i < n; i++)
        r += x[i];
    return r;
}

__attribute__((target("avx512f,avx512dq,avx512vl"))) static double sum_avx512(const double *x, int64_t n)
{
    __m512d s0 = _mm512_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm512_add_pd(_mm512_loadu_pd(x + i), s0);
        s1 = _mm512_add_pd(_mm512_loadu_pd(x + i + 8), s1);
        s2 = _mm512_add_pd(_mm512_loadu_pd(x + i + 16), s2);
        s3 = _mm512_add_pd(_mm512_loadu_pd(x + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8)
        s0 = _mm512_add_pd(_mm512_loadu_pd(x + i), s0);
    if (i < n)
        s1 = _mm512_add_pd(_mm512_maskz_loadu_pd((__mmask8)((1u << (n - i)) - 1), x + i), s1);
    return _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(s0, s1), _mm512_add_pd(s2, s3)));
}

struct sum_state {
    int64_t n;
    double result;
};

static int sum_step(void *p, kbuf *b, int64_t budget)
{
    (void)budget;
    struct sum_state *s = p;
    const double *x = b[0].ptr;
    switch (kisa_active()) {
    case KISA_AVX512: s->result = sum_avx512(x, s->n); break;
    case KISA_AVX2: s->result = sum_avx2(x, s->n); break;
    default: s->result = sum_scalar(x, s->n); break;
    }
    return KSTEP_DONE;
}

JNIEXPORT jdouble JNICALL Java_org_jgil_kernels_KernelNative_sum(JNIEnv *env, jclass cls, jobject x,
                                                                 jint xoff, jint n, jboolean direct,
                                                                 jboolean release)
{
    (void)cls;
    if (n < 0)
        return kthrow_arg(env, "n must be >= 0, got %d", (int)n);
    kbuf b[1] = { { .name = "x", .obj = x, .off = xoff, .len = n, .esize = 8 } };
    if (kbufs_check(env, b, 1, direct) < 0)
        return 0;
    struct sum_state s = { n, 0 };
    kexec(env, release, "sum", b, 1, sum_step, &s, -1);
    return s.result;
}
