/*
 * sleep.c -- a blocking wait: the stand-in for I/O.
 *
 * A thread that blocks in the kernel uses no CPU, so holding the GIL across
 * the wait only stops everyone else (the mistake of opencv #4478).  Released,
 * we sleep in slices of at most a millisecond and poll jgil_cancelled()
 * between them, so an interrupt ends the wait within about a millisecond --
 * a stand-in for the unblocking function Ruby gives rb_nogvl.  Held, we sleep
 * in one piece (there is nobody to tell us to stop).  EINTR resumes with the
 * time that was left.
 */
#include <errno.h>
#include <time.h>

#include "jgil_internal.h"
#include "kernels.h"
#include "org_jgil_kernels_KernelNative.h"

#define SLICE_NANOS 1000000LL

struct sleep_state {
    int64_t deadline; /* CLOCK_MONOTONIC nanoseconds */
};

static int sleep_step(void *p, kbuf *bufs, int64_t budget)
{
    (void)bufs;
    struct sleep_state *s = p;
    int64_t left = s->deadline - jgil_nanotime();
    if (left <= 0)
        return KSTEP_DONE;
    int64_t slice = budget < 0 || budget > left ? left : budget;
    struct timespec ts = { slice / 1000000000LL, slice % 1000000000LL };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    return jgil_nanotime() >= s->deadline ? KSTEP_DONE : KSTEP_MORE;
}

JNIEXPORT void JNICALL Java_org_jgil_kernels_KernelNative_sleep(JNIEnv *env, jclass cls, jlong micros,
                                                                jboolean release)
{
    (void)cls;
    if (micros < 0) {
        kthrow_arg(env, "micros must be >= 0, got %lld", (long long)micros);
        return;
    }
    if (micros > INT64_MAX / 2000)
        micros = INT64_MAX / 2000; /* ~146 years: effectively forever, and no overflow */
    struct sleep_state s = { jgil_nanotime() + micros * 1000 };
    kexec0(env, release, "sleep", sleep_step, &s, SLICE_NANOS);
}
