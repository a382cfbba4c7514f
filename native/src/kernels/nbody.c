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
 * Released, the work runs in steps of about a millisecond of interactions
 * (a step may end inside one body's sum: see struct accum), the positions
 * being re-read each step.
 */
#include <immintrin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jgil_internal.h"
#include "kernels.h"
#include "org_jgil_kernels_KernelNative.h"

#define SOFTENING2 1e-6

/* The sums a_i are taken over j in pieces, so that a step can stop inside one
 * body's sum (with a million bodies a single sum is milliseconds of work).
 * The accumulators, vector registers included, are kept in the state between
 * pieces, and pieces start at multiples of 8, so the additions happen in the
 * same order whatever the budget: a released call gets the bits of a held one. */
struct accum {
    double v[3][8]; /* x, y, z; as many lanes as the variant has */
};

static void accel_scalar(const double *x, const double *y, const double *z, const double *m, int64_t n,
                         int64_t i, int64_t j0, int64_t j1, struct accum *acc, double *a)
{
    double ax = acc->v[0][0], ay = acc->v[1][0], az = acc->v[2][0];
    for (int64_t j = j0; j < j1; j++) {
        double dx = x[j] - x[i], dy = y[j] - y[i], dz = z[j] - z[i];
        double r2 = dx * dx + dy * dy + dz * dz + SOFTENING2;
        double s = m[j] / (r2 * sqrt(r2));
        ax += dx * s;
        ay += dy * s;
        az += dz * s;
    }
    acc->v[0][0] = ax;
    acc->v[1][0] = ay;
    acc->v[2][0] = az;
    if (j1 == n) {
        a[0] = ax;
        a[1] = ay;
        a[2] = az;
    }
}

__attribute__((target("avx2,fma")))
static void accel_avx2(const double *x, const double *y, const double *z, const double *m, int64_t n,
                       int64_t i, int64_t j0, int64_t j1, struct accum *acc, double *a)
{
    const __m256d xi = _mm256_set1_pd(x[i]), yi = _mm256_set1_pd(y[i]), zi = _mm256_set1_pd(z[i]);
    const __m256d eps2 = _mm256_set1_pd(SOFTENING2);
    __m256d ax = _mm256_loadu_pd(acc->v[0]), ay = _mm256_loadu_pd(acc->v[1]), az = _mm256_loadu_pd(acc->v[2]);
    int64_t j = j0;
    for (; j + 4 <= j1; j += 4) {
        __m256d dx = _mm256_sub_pd(_mm256_loadu_pd(x + j), xi);
        __m256d dy = _mm256_sub_pd(_mm256_loadu_pd(y + j), yi);
        __m256d dz = _mm256_sub_pd(_mm256_loadu_pd(z + j), zi);
        __m256d r2 = _mm256_fmadd_pd(dz, dz, _mm256_fmadd_pd(dy, dy, _mm256_fmadd_pd(dx, dx, eps2)));
        __m256d s = _mm256_div_pd(_mm256_loadu_pd(m + j), _mm256_mul_pd(r2, _mm256_sqrt_pd(r2)));
        ax = _mm256_fmadd_pd(dx, s, ax);
        ay = _mm256_fmadd_pd(dy, s, ay);
        az = _mm256_fmadd_pd(dz, s, az);
    }
    _mm256_storeu_pd(acc->v[0], ax);
    _mm256_storeu_pd(acc->v[1], ay);
    _mm256_storeu_pd(acc->v[2], az);
    if (j1 < n)
        return; /* j1 is a multiple of 8: nothing is left over */
    for (int c = 0; c < 3; c++)
        a[c] = (acc->v[c][0] + acc->v[c][1]) + (acc->v[c][2] + acc->v[c][3]);
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
                         int64_t i, int64_t j0, int64_t j1, struct accum *acc, double *a)
{
    const __m512d xi = _mm512_set1_pd(x[i]), yi = _mm512_set1_pd(y[i]), zi = _mm512_set1_pd(z[i]);
    const __m512d eps2 = _mm512_set1_pd(SOFTENING2);
    __m512d ax = _mm512_loadu_pd(acc->v[0]), ay = _mm512_loadu_pd(acc->v[1]), az = _mm512_loadu_pd(acc->v[2]);
    for (int64_t j = j0; j < j1; j += 8) {
        /* The tail is masked; a missing body has mass 0 and contributes 0. */
        __mmask8 k = j1 - j >= 8 ? 0xff : (__mmask8)((1u << (j1 - j)) - 1);
        __m512d dx = _mm512_sub_pd(_mm512_maskz_loadu_pd(k, x + j), xi);
        __m512d dy = _mm512_sub_pd(_mm512_maskz_loadu_pd(k, y + j), yi);
        __m512d dz = _mm512_sub_pd(_mm512_maskz_loadu_pd(k, z + j), zi);
        __m512d r2 = _mm512_fmadd_pd(dz, dz, _mm512_fmadd_pd(dy, dy, _mm512_fmadd_pd(dx, dx, eps2)));
        __m512d s = _mm512_div_pd(_mm512_maskz_loadu_pd(k, m + j), _mm512_mul_pd(r2, _mm512_sqrt_pd(r2)));
        ax = _mm512_fmadd_pd(dx, s, ax);
        ay = _mm512_fmadd_pd(dy, s, ay);
        az = _mm512_fmadd_pd(dz, s, az);
    }
    _mm512_storeu_pd(acc->v[0], ax);
    _mm512_storeu_pd(acc->v[1], ay);
    _mm512_storeu_pd(acc->v[2], az);
    if (j1 == n) {
        a[0] = _mm512_reduce_add_pd(ax);
        a[1] = _mm512_reduce_add_pd(ay);
        a[2] = _mm512_reduce_add_pd(az);
    }
}

struct nbody_state {
    int64_t n;
    double dt;
    int level;      /* the variant, fixed for the call: the accumulators' layout depends on it */
    double *acc;    /* 3N scratch: ax, ay, az per body */
    int64_t i, j;   /* the next interaction due: body i's sum has reached j */
    struct accum sum;
    int64_t moved;  /* bodies moved so far, once every force is known */
};

static int nbody_step(void *p, kbuf *b, int64_t budget)
{
    struct nbody_state *s = p;
    const int64_t n = s->n;
    double *st = b[0].ptr;
    double *x = st, *y = st + n, *z = st + 2 * n, *vx = st + 3 * n, *vy = st + 4 * n, *vz = st + 5 * n;
    const double *m = st + 6 * n;
    int64_t work = 0;
    while (s->i < n) {
        if (s->j == 0)
            memset(&s->sum, 0, sizeof s->sum);
        int64_t j1 = n;
        if (budget >= 0 && n - s->j > budget - work) {
            j1 = s->j + ((budget - work > 0 ? budget - work : 1) + 7) / 8 * 8;
            if (j1 > n)
                j1 = n;
        }
        double *a = s->acc + 3 * s->i;
        switch (s->level) {
        case KISA_AVX512: accel_avx512(x, y, z, m, n, s->i, s->j, j1, &s->sum, a); break;
        case KISA_AVX2: accel_avx2(x, y, z, m, n, s->i, s->j, j1, &s->sum, a); break;
        default: accel_scalar(x, y, z, m, n, s->i, s->j, j1, &s->sum, a); break;
        }
        work += j1 - s->j;
        if (j1 == n) {
            s->i++;
            s->j = 0;
        } else {
            s->j = j1;
        }
        if (budget >= 0 && work >= budget)
            return KSTEP_MORE;
    }
    /* All forces known: now move, so that every force saw the old positions.
     * Each body's new velocity, then its position from it. */
    const double dt = s->dt;
    for (; s->moved < n; s->moved++) {
        const int64_t i = s->moved;
        vx[i] += s->acc[3 * i] * dt;
        vy[i] += s->acc[3 * i + 1] * dt;
        vz[i] += s->acc[3 * i + 2] * dt;
        x[i] += vx[i] * dt;
        y[i] += vy[i] * dt;
        z[i] += vz[i] * dt;
        if (budget >= 0 && ++work >= budget && s->moved + 1 < n) {
            s->moved++;
            return KSTEP_MORE;
        }
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
    struct nbody_state s = { .n = n, .dt = dt, .level = kisa_active(),
                             .acc = malloc((size_t)n * 3 * sizeof(double)) };
    if (s.acc == NULL) {
        jgil_throw(env, "java/lang/OutOfMemoryError", "nbody: no memory for %d accelerations", (int)n);
        return;
    }
    /* About a millisecond of interactions between polls. */
    kexec(env, release, "nbody", b, 1, nbody_step, &s, 500000);
    free(s.acc);
}
