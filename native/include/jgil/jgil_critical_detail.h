/*
 * jgil/jgil_critical_detail.h -- the mutex behind jgil_critical.h's sections
 * and the test that decides whether a section locks it.  Include
 * jgil_critical.h, not this header.
 */
#ifndef JGIL_CRITICAL_DETAIL_H
#define JGIL_CRITICAL_DETAIL_H

#ifndef JGIL_CRITICAL_H
#error "include <jgil_critical.h>, not jgil/jgil_critical_detail.h"
#endif

#include <sched.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

static inline void jgil_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static inline int jgil_mutex_trylock(jgil_mutex *m)
{
    uint8_t unlocked = 0;
    return __atomic_compare_exchange_n(&m->locked, &unlocked, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Test and test-and-set: waiters read the byte, and only try the CAS once it
 * looks free, so they do not pull the holder's cache line away from it. */
static inline void jgil_mutex_lock(jgil_mutex *m)
{
    unsigned spins = 0;
    while (!jgil_mutex_trylock(m)) {
        while (__atomic_load_n(&m->locked, __ATOMIC_RELAXED) != 0) {
            if (++spins < JGIL_MUTEX_SPINS)
                jgil_cpu_relax();
            else
                sched_yield(); /* the holder may be descheduled: let it run */
        }
    }
}

static inline void jgil_mutex_unlock(jgil_mutex *m)
{
    __atomic_store_n(&m->locked, 0, __ATOMIC_RELEASE);
}

/* True under policy "none": sections must lock.  The caller holds the lock
 * (or there is none), and policies change only while it is idle, so the
 * acquire that gave it the lock also ordered this load after the change. */
static inline int jgil_free_threaded(void)
{
    return (__atomic_load_n(&jgil_api_ptr->state->slow_flags, __ATOMIC_RELAXED) & JGIL_SLOW_NOLOCK) != 0;
}

/* BEGIN's work: the mutex it locked, or NULL under a locking policy. */
static inline jgil_mutex *jgil_critical_begin(jgil_mutex *m)
{
    if (__builtin_expect(!jgil_free_threaded(), 1))
        return 0;
    jgil_mutex_lock(m);
    return m;
}

static inline void jgil_critical_end(jgil_mutex *held)
{
    if (held)
        jgil_mutex_unlock(held);
}

/* Two mutexes, locked in address order; held[] gets what was locked (NULLs
 * under a locking policy, one entry when both name the same mutex). */
static inline void jgil_critical_begin2(jgil_mutex *a, jgil_mutex *b, jgil_mutex *held[2])
{
    held[0] = held[1] = 0;
    if (__builtin_expect(!jgil_free_threaded(), 1))
        return;
    if (a == b) {
        b = 0;
    } else if ((uintptr_t)a > (uintptr_t)b) {
        jgil_mutex *t = a;
        a = b;
        b = t;
    }
    jgil_mutex_lock(a);
    held[0] = a;
    if (b) {
        jgil_mutex_lock(b);
        held[1] = b;
    }
}

#ifdef __cplusplus
}
#endif

#endif /* JGIL_CRITICAL_DETAIL_H */
