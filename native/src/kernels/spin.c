/*
 * spin.c -- a calibrated pure-CPU loop: "N microseconds of work".
 *
 * The stand-in for any CPU-bound native call whose length we want to choose.
 * Unlike a loop that reads the clock (native_probe.c's spin), this one does
 * arithmetic only, so it measures the CPU, not the clock: an iteration is a
 * shift, an xor and a 64-bit multiply, each depending on the last, which the
 * compiler can neither vectorise nor fold into a closed form, and whose result
 * is returned (so it cannot be dropped).  The Java version (Synthetic.spin in
 * JAVA mode) runs the same recurrence and gets the same bits.
 *
 * Calibration: once, at the first call, we time a fixed number of
 * iterations several times and keep the fastest run -- the one least
 * disturbed by other processes on a shared machine -- to get iterations per
 * microsecond.  From then on N us of work is N * that many iterations.
 */
#include <pthread.h>

#include "jgil_internal.h"
#include "kernels.h"
#include "org_jgil_kernels_KernelNative.h"

#define SPIN_MULTIPLIER 0xbf58476d1ce4e5b9ULL /* splitmix64's; any odd constant would do */
#define CALIBRATION_ITERATIONS 200000
#define CALIBRATION_RUNS 7

static double iterations_per_micro;
static pthread_once_t calibrated = PTHREAD_ONCE_INIT;

/* noinline: one copy of the loop, so that calibration times the code the
 * kernel runs. */
__attribute__((noinline)) static uint64_t spin_iterate(uint64_t x, int64_t iterations)
{
    for (int64_t i = 0; i < iterations; i++) {
        x ^= x >> 29;
        x *= SPIN_MULTIPLIER;
    }
    return x;
}

static void calibrate(void)
{
    int64_t best = INT64_MAX;
    uint64_t sink = 1;
    spin_iterate(sink, CALIBRATION_ITERATIONS); /* warm up caches and clocks */
    for (int run = 0; run < CALIBRATION_RUNS; run++) {
        int64_t start = jgil_nanotime();
        sink = spin_iterate(sink, CALIBRATION_ITERATIONS);
        int64_t elapsed = jgil_nanotime() - start;
        if (elapsed > 0 && elapsed < best)
            best = elapsed;
    }
    __asm__ volatile("" : : "r"(sink)); /* keep the result alive */
    iterations_per_micro = best == INT64_MAX ? 1000.0 : CALIBRATION_ITERATIONS * 1000.0 / (double)best;
}

static double rate(void)
{
    pthread_once(&calibrated, calibrate);
    return iterations_per_micro;
}

struct spin_state {
    uint64_t x;
    int64_t left;
};

static int spin_step(void *p, kbuf *bufs, int64_t budget)
{
    (void)bufs;
    struct spin_state *s = p;
    int64_t n = budget < 0 || budget > s->left ? s->left : budget;
    s->x = spin_iterate(s->x, n);
    s->left -= n;
    return s->left == 0 ? KSTEP_DONE : KSTEP_MORE;
}

/* Iterations for `micros` of work on this CPU; also what JAVA mode runs. */
JNIEXPORT jlong JNICALL Java_org_jgil_kernels_KernelNative_spinIterations(JNIEnv *env, jclass cls,
                                                                          jlong micros)
{
    (void)cls;
    if (micros < 0) {
        kthrow_arg(env, "workMicros must be >= 0, got %lld", (long long)micros);
        return 0;
    }
    double n = (double)micros * rate();
    return n >= 9.0e18 ? INT64_MAX : (jlong)(n + 0.5);
}

/* Runs `iterations` steps of the recurrence from `seed`; returns the final state. */
JNIEXPORT jlong JNICALL Java_org_jgil_kernels_KernelNative_spin(JNIEnv *env, jclass cls,
                                                                jlong iterations, jlong seed,
                                                                jboolean release)
{
    (void)cls;
    if (iterations < 0) {
        kthrow_arg(env, "iterations must be >= 0, got %lld", (long long)iterations);
        return 0;
    }
    struct spin_state s = { (uint64_t)seed, iterations };
    /* About a millisecond between cancellation polls. */
    int64_t per_ms = (int64_t)(rate() * 1000.0);
    kexec0(env, release, "spin", spin_step, &s, per_ms > 0 ? per_ms : 1);
    return (jlong)s.x;
}
