/*
 * sieve.c -- count the primes below n (Eratosthenes, odd numbers only).
 *
 * Integer work with a memory access pattern of growing strides: the
 * kernel where the vector units do not help and the caches decide.  One
 * byte per odd number (index i stands for 2i+1), in native scratch memory,
 * so nothing is pinned.  Released, the crossing-out runs in steps of about a
 * millisecond of stores, with a cancellation poll between steps.  The Java
 * version does the same algorithm; counts are exact integers.
 */
#include <stdlib.h>
#include <string.h>

#include "jgil_internal.h"
#include "kernels.h"
#include "org_jgil_kernels_KernelNative.h"

struct sieve_state {
    int64_t n, half;   /* odd numbers below n: 1, 3, ..., 2*half-1 */
    uint8_t *composite;
    int64_t i;         /* the candidate whose multiples are being crossed out */
    int64_t j;         /* the next multiple of it to cross out, or 0 before starting on it */
    int64_t counted;   /* flags counted so far, once every composite is crossed out */
    int64_t count;
};

/* The budget counts stores, and a step may stop in the middle of a prime's
 * multiples (3 alone has n/6 of them): (i, j) say where to go on. */
#define SPAN_COST 4

static int sieve_step(void *p, kbuf *b, int64_t budget)
{
    (void)b;
    struct sieve_state *s = p;
    int64_t work = 0;
    for (; (2 * s->i + 1) * (2 * s->i + 1) < s->n; s->i++, s->j = 0) {
        if (s->j == 0) {
            if (s->composite[s->i])
                continue;
            s->j = (2 * s->i + 1) * (2 * s->i + 1) / 2;
        }
        const int64_t prime = 2 * s->i + 1, half = s->half;
        int64_t end = half;
        if (budget >= 0) {
            /* A byte spanned costs SPAN_COST units and a store one more: on the fresh array of
             * the first primes the page faults (several microseconds a page on a virtual
             * machine), not the stores, take the time, and 2^31 has a gigabyte of flags. */
            int64_t room = (budget - work) / (SPAN_COST + 1);
            if (room < prime)
                room = prime; /* at least one store a step */
            if (half - s->j > room)
                end = s->j + room;
        }
        int64_t j = s->j;
        for (; j < end; j += prime)
            s->composite[j] = 1;
        work += (j - s->j) * SPAN_COST + (j - s->j) / prime;
        s->j = j;
        if (j < half)
            return KSTEP_MORE; /* out of budget in the middle of this prime */
        if (budget >= 0 && work >= budget) {
            s->i++;
            s->j = 0;
            return KSTEP_MORE;
        }
    }
    /* The count, in pieces too: below 2^31 it reads a gigabyte of flags. */
    if (s->counted == 0) {
        s->counted = 1;
        s->count = 1; /* the prime 2 */
    }
    while (s->counted < s->half) {
        int64_t end = s->half;
        if (budget >= 0 && end - s->counted > budget - work)
            end = s->counted + (budget - work > 0 ? budget - work : 1);
        int64_t count = 0;
        for (int64_t j = s->counted; j < end; j++)
            count += !s->composite[j];
        s->count += count;
        work += end - s->counted;
        s->counted = end;
        if (budget >= 0 && work >= budget && s->counted < s->half)
            return KSTEP_MORE;
    }
    return KSTEP_DONE;
}

JNIEXPORT jint JNICALL Java_org_jgil_kernels_KernelNative_sieve(JNIEnv *env, jclass cls, jint n,
                                                                jboolean release)
{
    (void)cls;
    if (n < 0) {
        kthrow_arg(env, "n must be >= 0, got %d", (int)n);
        return 0;
    }
    if (n <= 2)
        return 0;
    struct sieve_state s = { n, n / 2, calloc((size_t)(n / 2), 1), 1, 0, 0, 0 };
    if (s.composite == NULL) {
        jgil_throw(env, "java/lang/OutOfMemoryError", "sieve: no memory for %d flags", (int)(n / 2));
        return 0;
    }
    kexec0(env, release, "sieve", sieve_step, &s, 2000000);
    free(s.composite);
    return (jint)s.count;
}
