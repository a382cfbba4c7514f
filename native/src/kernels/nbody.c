/*
 * nbody.c -- one time step of N gravitating bodies (G = 1), O(N^2).
 *
 * The state is one array of 7N doubles, structure of arrays so that the
 * inner loop loads consecutive bodies into a vector:
 *     x[N] y[N] z[N] vx[N] vy[N] vz[N] mass[N]
 * A step computes every body's acceleration from the old positions,
 *     a_i = sum_j m_j (r_j - r_i) / (|r_j - r_i|^2 + eps^2)^(3/2),
 * with softening eps^2 = 1e-6 (which also makes the j = i term zero, so
 * the loop needs no branch), then v += a dt, then r += v dt (semi-implicit
 * Euler, what most n-body benchmarks do).
 *
 * The vector variants use exact IEEE square root and division (no rsqrt
 * approximations), so they differ from Java only by summation order and
 * FMA rounding: about N * 2^-53 relative to the largest force terms.
 * Released, the force loop runs in steps of about a millisecond of
 * interactions (rows of i), the positions being re-read each step.
 */
#include <immintrin.h>
#include <math.h>
#include <stdlib.h>

#include "jgil_internal.h"
#include "kernels.h"
#include "org_jgil_kernels_KernelNative.h"

#define SOFTENING2 1e-6

static void accel_scalar(const double *x, const double *y, const double *z, const double *m, int64_t n,
                         int64_t i, double *a)
{
    double ax = 0, ay = 0, az = 0;
    for (int64_t j = 0; j < n; j++) {
        double dx = x[j] - x[i], dy = y[j] - y[i], dz = z[j] - z[i];
        double r2 = dx * dx + dy * dy + dz * dz + SOFTENING2;
        double s = m[j] / (r2 * sqrt(r2));
        ax += dx * s;
        ay += dy * s;
        az += dz * s;
    }
    a[0] = ax;
    a[1] = ay;
    a[2] = az;
}

__attribute__((target("avx2,fma")))
static void accel_avx2(const double *x, const double *y, const double *z, const double *m, int64_t n,
                       int64_t i, double *a)
{
    const __m256d xi = _mm256_set1_pd(x[i]), yi = _mm256_set1_pd(y[i]), zi = _mm256_set1_pd(z[i]);
    const __m256d eps2 = _mm256_set1_pd(SOFTENING2);
    __m256d ax = _mm256_setzero_pd(), ay = ax, az = ax;
    int64_t j = 0;
    for (; j + 4 <= n; j += 4) {
        __m256d dx = _mm256_sub_pd(_mm256_loadu_pd(x + j), xi);
        __m256d dy = _mm256_sub_pd(_mm256_loadu_pd(y + j), yi);
        __m256d dz = _mm256_sub_pd(_mm256_loadu_pd(z + j), zi);
        __m256d r2 = _mm256_fmadd_pd(dz, dz, _mm256_fmadd_pd(dy, dy, _mm256_fmadd_pd(dx, dx, eps2)));
        __m256d s = _mm256_div_pd(_mm256_loadu_pd(m + j), _mm256_mul_pd(r2, _mm256_sqrt_pd(r2)));
        ax = _mm256_fmadd_pd(dx, s, ax);
        ay = _mm256_fmadd_pd(dy, s, ay);
        az = _mm256_fmadd_pd(dz, s, az);
    }
    double v[3][4];
    _mm256_storeu_pd(v[0], ax);
    _mm256_storeu_pd(v[1], ay);
    _mm256_storeu_pd(v[2], az);
    for (int c = 0; c < 3; c++)
        a[c] = (v[c][0] + v[c][1]) + (v[c][2] + v[c][3]);
    for (; j < n; j++) {
        double dx = x[j] - x[i], dy = y[j] - y[i], dz = z[j] - z[i];
        double r2 = dx * dx + dy * dy + dz * dz + SOFTENING2;
        double s = m[j] / (r2 * sqrt(r2));
        a[0] += dx * s;
        a[1] += dy * s;
        a[2] += dz * s;
    }
}

__attribute__((target("avx512f,avx512dq,avx512vl")))
static void accel_avx512(const double *x, const double *y, const double *z, const double *m, int64_t n,
                         int64_t i, double *a)
{
    const __m512d xi = _mm512_set1_pd(x[i]), yi = _mm512_set1_pd(y[i]), zi = _mm512_set1_pd(z[i]);
    const __m512d eps2 = _mm512_set1_pd(SOFTENING2);
    __m512d ax = _mm512_setzero_pd(), ay = ax, az = ax;
    for (int64_t j = 0; j < n; j += 8) {
        /* The tail is masked; a missing body has mass 0 and contributes 0. */
        __mmask8 k = n - j >= 8 ? 0xff : (__mmask8)((1u << (n - j)) - 1);
        __m512d dx = _mm512_sub_pd(_mm512_maskz_loadu_pd(k, x + j), xi);
        __m512d dy = _mm512_sub_pd(_mm512_maskz_loadu_pd(k, y + j), yi);
        __m512d dz = _mm512_sub_pd(_mm512_maskz_loadu_pd(k, z + j), zi);
        __m512d r2 = _mm512_fmadd_pd(dz, dz, _mm512_fmadd_pd(dy, dy, _mm512_fmadd_pd(dx, dx, eps2)));
        __m512d s = _mm512_div_pd(_mm512_maskz_loadu_pd(k, m + j), _mm512_mul_pd(r2, _mm512_sqrt_pd(r2)));
        ax = _mm512_fmadd_pd(dx, s, ax);
        ay = _mm512_fmadd_pd(dy, s, ay);
        az = _mm512_fmadd_pd(dz, s, az);
    }
    a[0] = _mm512_reduce_add_pd(ax);
    a[1] = _mm512_reduce_add_pd(ay);
    a[2] = _mm512_reduce_add_pd(az);
}

struct nbody_state {
    int64_t n;
    double dt;
    double *acc; /* 3N scratch: ax, ay, az per body */
    int64_t i;   /* next body whose acceleration is due */
};

static int nbody_step(void *p, kbuf *b, int64_t budget)
{
    struct nbody_state *s = p;
    const int64_t n = s->n;
    double *st = b[0].ptr;
    double *x = st, *y = st + n, *z = st + 2 * n, *vx = st + 3 * n, *vy = st + 4 * n, *vz = st + 5 * n;
    const double *m = st + 6 * n;
    const int level = kisa_active();
    int64_t work = 0;
    for (; s->i < n; s->i++) {
        double *a = s->acc + 3 * s->i;
        switch (level) {
        case KISA_AVX512: accel_avx512(x, y, z, m, n, s->i, a); break;
        case KISA_AVX2: accel_avx2(x, y, z, m, n, s->i, a); break;
        default: accel_scalar(x, y, z, m, n, s->i, a); break;
        }
        work += n;
        if (budget >= 0 && work >= budget && s->i + 1 < n) {
            s->i++;
            return KSTEP_MORE;
        }
    }
    /* All forces known: now move, so that every force saw the old positions. */
    const double dt = s->dt;
    for (int64_t i = 0; i < n; i++) {
        vx[i] += s->acc[3 * i] * dt;
        vy[i] += s->acc[3 * i + 1] * dt;
        vz[i] += s->acc[3 * i + 2] * dt;
    }
    for (int64_t i = 0; i < n; i++) {
        x[i] += vx[i] * dt;
        y[i] += vy[i] * dt;
        z[i] += vz[i] * dt;
    }
    return KSTEP_DONE;
}

JNIEXPORT void JNICALL Java_org_jgil_kernels_KernelNative_nbodyStep(JNIEnv *env, jclass cls, jobject state,
                                                                    jint off, jint n, jdouble dt,
                                                                    jboolean direct, jboolean release)
{
    (void)cls;
    if (n < 0) {
        kthrow_arg(env, "n must be >= 0, got %d", (int)n);
        return;
    }
    kbuf b[1] = { { .name = "state", .obj = state, .off = off, .len = 7 * (jlong)n, .esize = 8,
                    .writes = 1 } };
    if (kbufs_check(env, b, 1, direct) < 0 || n == 0)
        return;
    struct nbody_state s = { n, dt, malloc((size_t)n * 3 * sizeof(double)), 0 };
    if (s.acc == NULL) {
        jgil_throw(env, "java/lang/OutOfMemoryError", "nbody: no memory for %d accelerations", (int)n);
        return;
    }
    /* About a millisecond of interactions between polls. */
    kexec(env, release, "nbody", b, 1, nbody_step, &s, 500000);
    free(s.acc);
}
