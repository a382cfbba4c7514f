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
 * The mutex and the policy test are in jgil/jgil_critical_detail.h.
 */
#ifndef JGIL_CRITICAL_H
#define JGIL_CRITICAL_H

#include <stdint.h>

#include "jgil.h"

typedef struct jgil_mutex {
    uint8_t locked;
} jgil_mutex;

#define JGIL_MUTEX_INIT {0}

/* Spins before the waiter starts yielding its CPU to the holder. */
#ifndef JGIL_MUTEX_SPINS
#define JGIL_MUTEX_SPINS 128
#endif

#include "jgil/jgil_critical_detail.h"

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

#endif /* JGIL_CRITICAL_H */
