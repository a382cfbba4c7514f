/*
 * jgil_critical.h -- per-object critical sections for native code: the C side
 * of org.jgil.CriticalSection, as CPython's Py_BEGIN_CRITICAL_SECTION_MUT is
 * the C side of its free-threaded build.
 *
 * An extension that keeps shared native state (a cache, a table, counters) and
 * touches it while HOLDING the lock relies on the GIL to keep that state
 * consistent.  Under policy "none" there is no GIL, and the same code races.
 * A critical section makes it correct both ways:
 *
 *     static jgil_mutex cache_mutex = JGIL_MUTEX_INIT;
 *
 *     JGIL_BEGIN_CRITICAL_SECTION(&cache_mutex)
 *     cache_put(key, value);
 *     JGIL_END_CRITICAL_SECTION
 *
 * Under a locking policy the GIL already serializes every thread that holds it,
 * so BEGIN takes nothing: one load of the shared state's slow_flags.  Under
 * "none" (JGIL_SLOW_NOLOCK) it locks the mutex.  A jgil_mutex is one byte,
 * zero when unlocked (like PyMutex), so it can live in a static or inside the
 * object it guards at no cost.  It spins briefly and then yields the CPU: it is
 * meant for short sections, not for waiting on I/O.
 *
 * Rules:
 *   - the caller holds the lock (under a locking policy): a section inside
 *     JGIL_BEGIN/END_ALLOW_THREADS protects nothing, since BEGIN takes nothing;
 *     guard state touched in released sections with a mutex of your own;
 *   - sections do not nest: locking a mutex the thread already holds spins
 *     forever under "none".  For an operation on two objects use
 *     JGIL_BEGIN_CRITICAL_SECTION2, which locks in address order (as
 *     Py_BEGIN_CRITICAL_SECTION2 does), so two threads naming the same pair in
 *     opposite order cannot deadlock;
 *   - leave a section only through its END (no return, goto or longjmp out);
 *   - END gives back exactly what its BEGIN took, whatever the policy is by
 *     then (policies change only while the lock is idle, which a thread inside
 *     a released section allows).
 *
 * Include jgil.h first (this header uses its jgil_api_ptr and state layout).
 */
#ifndef JGIL_CRITICAL_H
#define JGIL_CRITICAL_H

#include <sched.h>
#include <stdint.h>

#include "jgil.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct jgil_mutex {
    uint8_t locked;
} jgil_mutex;

#define JGIL_MUTEX_INIT {0}

/* Spins before the waiter starts yielding its CPU to the holder. */
#ifndef JGIL_MUTEX_SPINS
#define JGIL_MUTEX_SPINS 128
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

#define JGIL_BEGIN_CRITICAL_SECTION(mutex) \
    { \
        jgil_mutex *_jgil_cs_held = jgil_critical_begin(mutex);

#define JGIL_END_CRITICAL_SECTION \
        jgil_critical_end(_jgil_cs_held); \
    }

#define JGIL_BEGIN_CRITICAL_SECTION2(mutex1, mutex2) \
    { \
        jgil_mutex *_jgil_cs2_held[2]; \
        jgil_critical_begin2((mutex1), (mutex2), _jgil_cs2_held);

#define JGIL_END_CRITICAL_SECTION2 \
        jgil_critical_end(_jgil_cs2_held[1]); \
        jgil_critical_end(_jgil_cs2_held[0]); \
    }

#ifdef __cplusplus
}
#endif

#endif /* JGIL_CRITICAL_H */
