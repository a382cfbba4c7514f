/*
 * montecarlo.c -- estimate pi by throwing points at the unit square.
 *
 * Random numbers: 8 independent xoshiro256** generators ("lanes"), seeded by
 * splitmix64 from the caller's seed (lane l gets outputs 4l..4l+3).  Sample
 * i uses lane i % 8, so the 8 lanes map straight onto one AVX-512 register
 * (or two AVX2 registers) and the scalar variant walks the lanes in turn:
 * every variant draws the same numbers.  The state lives in the call, so
 * calls from different threads never share it (no hidden global RNG).
 *
 * A sample is one 64-bit output u: x = u >> 33 and y = (u >> 2) & (2^31-1),
 * two 31-bit integers, inside the quarter circle if x^2 + y^2 < 2^62.
 * Integer arithmetic throughout, so the count is exact and Java gets the
 * same number; xoshiro's multiplications by 5 and 9 are shifts and adds,
 * which AVX2 (no 64-bit multiply) can do too.
 */
#include <immintrin.h>
#include <string.h>

#include "kernels.h"
#include "org_jgil_kernels_KernelNative.h"

#define LANES 8

struct mc_state {
    uint64_t s[4][LANES]; /* word w of lane l: s[w][l], so a word is one vector */
    int64_t left;         /* samples still to draw */
    int64_t hits;
};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static int sample_lane(struct mc_state *st, int l)
{
    uint64_t *s0 = &st->s[0][l], *s1 = &st->s[1][l], *s2 = &st->s[2][l], *s3 = &st->s[3][l];
    uint64_t u = rotl(*s1 * 5, 7) * 9;
    uint64_t t = *s1 << 17;
    *s2 ^= *s0;
    *s3 ^= *s1;
    *s1 ^= *s2;
    *s0 ^= *s3;
    *s2 ^= t;
    *s3 = rotl(*s3, 45);
    uint64_t x = u >> 33, y = (u >> 2) & 0x7fffffffULL;
    return x * x + y * y < (1ULL << 62);
}

static int64_t rounds_scalar(struct mc_state *st, int64_t rounds)
{
    int64_t hits = 0;
    for (int64_t r = 0; r < rounds; r++)
        for (int l = 0; l < LANES; l++)
            hits += sample_lane(st, l);
    return hits;
}

__attribute__((target("avx2,fma"))) static inline __m256i rotl_avx2(__m256i x, int k)
{
    return _mm256_or_si256(_mm256_slli_epi64(x, k), _mm256_srli_epi64(x, 64 - k));
}

__attribute__((target("avx2,fma"))) static int64_t rounds_avx2(struct mc_state *st, int64_t rounds)
{
    const __m256i mask31 = _mm256_set1_epi64x(0x7fffffff), zero = _mm256_setzero_si256();
    for (int half = 0; half < 2; half++) { /* lanes 0-3, then 4-7: independent streams */
        __m256i s0 = _mm256_loadu_si256((const __m256i *)&st->s[0][4 * half]);
        __m256i s1 = _mm256_loadu_si256((const __m256i *)&st->s[1][4 * half]);
        __m256i s2 = _mm256_loadu_si256((const __m256i *)&st->s[2][4 * half]);
        __m256i s3 = _mm256_loadu_si256((const __m256i *)&st->s[3][4 * half]);
        __m256i hits = zero;
        for (int64_t r = 0; r < rounds; r++) {
            __m256i m5 = _mm256_add_epi64(_mm256_slli_epi64(s1, 2), s1);
            __m256i rr = rotl_avx2(m5, 7);
            __m256i u = _mm256_add_epi64(_mm256_slli_epi64(rr, 3), rr);
            __m256i t = _mm256_slli_epi64(s1, 17);
            s2 = _mm256_xor_si256(s2, s0);
            s3 = _mm256_xor_si256(s3, s1);
            s1 = _mm256_xor_si256(s1, s2);
            s0 = _mm256_xor_si256(s0, s3);
            s2 = _mm256_xor_si256(s2, t);
            s3 = rotl_avx2(s3, 45);
            __m256i x = _mm256_srli_epi64(u, 33);
            __m256i y = _mm256_and_si256(_mm256_srli_epi64(u, 2), mask31);
            __m256i d = _mm256_add_epi64(_mm256_mul_epu32(x, x), _mm256_mul_epu32(y, y));
            hits = _mm256_sub_epi64(hits, _mm256_cmpeq_epi64(_mm256_srli_epi64(d, 62), zero));
        }
        _mm256_storeu_si256((__m256i *)&st->s[0][4 * half], s0);
        _mm256_storeu_si256((__m256i *)&st->s[1][4 * half], s1);
        _mm256_storeu_si256((__m256i *)&st->s[2][4 * half], s2);
        _mm256_storeu_si256((__m256i *)&st->s[3][4 * half], s3);
        int64_t h[4];
        _mm256_storeu_si256((__m256i *)h, hits);
        st->hits += h[0] + h[1] + h[2] + h[3];
    }
    return 0; /* added to st->hits directly */
}

__attribute__((target("avx512f,avx512dq,avx512vl")))
static int64_t rounds_avx512(struct mc_state *st, int64_t rounds)
{
    const __m512i mask31 = _mm512_set1_epi64(0x7fffffff), limit = _mm512_set1_epi64(1LL << 62);
    __m512i s0 = _mm512_loadu_si512(st->s[0]), s1 = _mm512_loadu_si512(st->s[1]);
    __m512i s2 = _mm512_loadu_si512(st->s[2]), s3 = _mm512_loadu_si512(st->s[3]);
    __m512i hits = _mm512_setzero_si512();
    const __m512i one = _mm512_set1_epi64(1);
    for (int64_t r = 0; r < rounds; r++) {
        __m512i m5 = _mm512_add_epi64(_mm512_slli_epi64(s1, 2), s1);
        __m512i rr = _mm512_rol_epi64(m5, 7);
        __m512i u = _mm512_add_epi64(_mm512_slli_epi64(rr, 3), rr);
        __m512i t = _mm512_slli_epi64(s1, 17);
        s2 = _mm512_xor_si512(s2, s0);
        s3 = _mm512_xor_si512(s3, s1);
        s1 = _mm512_xor_si512(s1, s2);
        s0 = _mm512_xor_si512(s0, s3);
        s2 = _mm512_xor_si512(s2, t);
        s3 = _mm512_rol_epi64(s3, 45);
        __m512i x = _mm512_srli_epi64(u, 33);
        __m512i y = _mm512_and_si512(_mm512_srli_epi64(u, 2), mask31);
        __m512i d = _mm512_add_epi64(_mm512_mul_epu32(x, x), _mm512_mul_epu32(y, y));
        __mmask8 in = _mm512_cmplt_epu64_mask(d, limit);
        hits = _mm512_mask_add_epi64(hits, in, hits, one);
    }
    _mm512_storeu_si512(st->s[0], s0);
    _mm512_storeu_si512(st->s[1], s1);
    _mm512_storeu_si512(st->s[2], s2);
    _mm512_storeu_si512(st->s[3], s3);
    return _mm512_reduce_add_epi64(hits);
}

static int mc_step(void *p, kbuf *b, int64_t budget)
{
    (void)b;
    struct mc_state *st = p;
    int64_t samples = budget < 0 || budget > st->left ? st->left : budget;
    int64_t rounds = samples / LANES;
    if (budget >= 0 && samples < st->left)
        samples = rounds * LANES; /* stop on a round boundary; the tail comes last */
    switch (kisa_active()) {
    case KISA_AVX512: st->hits += rounds_avx512(st, rounds); break;
    case KISA_AVX2: st->hits += rounds_avx2(st, rounds); break;
    default: st->hits += rounds_scalar(st, rounds); break;
    }
    for (int l = 0; l < samples - rounds * LANES; l++) /* a last, partial round */
        st->hits += sample_lane(st, l);
    st->left -= samples;
    return st->left == 0 ? KSTEP_DONE : KSTEP_MORE;
}

/* The number of the `samples` points that fall inside the quarter circle. */
JNIEXPORT jlong JNICALL Java_org_jgil_kernels_KernelNative_montecarloPi(JNIEnv *env, jclass cls,
                                                                        jlong samples, jlong seed,
                                                                        jboolean release)
{
    (void)cls;
    if (samples < 0) {
        kthrow_arg(env, "samples must be >= 0, got %lld", (long long)samples);
        return 0;
    }
    struct mc_state st;
    uint64_t sm = (uint64_t)seed;
    for (int l = 0; l < LANES; l++)
        for (int w = 0; w < 4; w++)
            st.s[w][l] = splitmix64(&sm);
    st.left = samples;
    st.hits = 0;
    /* About a millisecond of samples between cancellation polls (a multiple of LANES). */
    kexec0(env, release, "montecarlo-pi", mc_step, &st, 1 << 20);
    return st.hits;
}
