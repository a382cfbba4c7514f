/*
 * jgil_ffm.c -- the release and re-take around an FFM downcall, done in C.
 *
 * A JNI kernel gives the lock up with jgil.h's inline fast path: a plain
 * store that reserves the lock, and a plain store that takes it back, no
 * atomic read-modify-write.  A downcall made through java.lang.foreign has no
 * C of its own to put them in, and Java cannot reserve (it has no slot for
 * a revoker to read), so Java's pair pays a CAS on every re-take.
 * org.jgil.ffm.GilLinker.released() therefore calls the two functions below
 * before and after the foreign function, through downcalls linked
 * Linker.Option.critical(false): no thread-state transition, a few
 * nanoseconds each.
 *
 * A critical downcall must not call back into the JVM, so unlike
 * jgil_save_thread_at() these never take a slow path.  Whenever the fast path
 * does not apply -- the lock is contended or was a moment ago (`waiting`), a
 * slow flag is up (checked mode, statistics, policy "none"), the mode is
 * FENCED, the caller does not hold the lock -- the release changes nothing
 * and returns 0, and the caller goes the Java way (Gil.allowThreads()), which
 * has every slow path, JFR event and check.  A failed re-take leaves the lock
 * to Java's contended acquire.  Java passes its identity: a platform thread's
 * (virtual threads, and JFR recordings of released sections, never come
 * here), so the slot learns it without a slow path of its own.
 *
 * Only the race of a release with a waiter arriving at that moment needs the
 * scheduler: the release reports it, and Java calls jgil_ffm_release_raced()
 * through an ordinary downcall, which may call up into Java.
 */
#include "jgil.h"
#include "jgil_internal.h"

#define FFM_API __attribute__((visibility("default")))
#define FFM_SITE "an FFM downcall"

/* In jgil_ffm_release's result: released, but a waiter may have missed it. */
#define FFM_RACED JGIL_WAITERS_BIT

/* Gives up the lock that `tid` holds, uncontended.  Returns `tid` (with
 * FFM_RACED when `waiting` rose meanwhile), or 0 having changed nothing. */
FFM_API int64_t jgil_ffm_release(int64_t tid)
{
    jgil_state *s = jgil_api_ptr->state;
    if (__atomic_load_n(&s->slow_flags, __ATOMIC_RELAXED) != 0 || tid <= 0 || (tid & JGIL_VIRTUAL_BIT) != 0
        || __atomic_load_n(&s->owner, __ATOMIC_RELAXED) != tid)
        return 0;
    int mode = __atomic_load_n(&s->mode, __ATOMIC_RELAXED);
    if (mode == JGIL_MODE_FENCED || __atomic_load_n(&s->waiting, __ATOMIC_RELAXED) != 0)
        return 0;
    jgil_thread *me = jgil_this_thread();
    if (__builtin_expect(me->tid != tid, 0)) {
        jgil_learn_tid(tid);
        if (me->tid != tid)
            return 0; /* a stand-in slot (no memory, thread exiting): never reserve with it */
    }
    if (mode == JGIL_MODE_RESERVE) {
        me->retaking = 0;
        __atomic_store_n(&s->reserver, me, __ATOMIC_RELAXED);
        __atomic_store_n(&s->owner, tid | JGIL_RESERVED_BIT, __ATOMIC_RELEASE);
    } else {
        /* As in jgil_save_thread_fast: we hold the lock, nobody races these. */
        if (__builtin_expect(--s->reserve_countdown <= 0, 0)) {
            s->reserve_countdown = 0x7fffffff;
            __atomic_store_n(&s->mode, s->resume_mode, __ATOMIC_RELAXED);
        }
        __atomic_store_n(&s->owner, 0, __ATOMIC_RELEASE);
    }
    JGIL_COMPILER_BARRIER();
    if (__builtin_expect(__atomic_load_n(&s->waiting, __ATOMIC_RELAXED) != 0, 0))
        return tid | FFM_RACED;
    return tid;
}

/* The waiter that jgil_ffm_release() may have missed hears of it: what the
 * fast path of jgil.h does itself. */
FFM_API void jgil_ffm_release_raced(int64_t tid)
{
    jgil_api_ptr->release_raced(tid, FFM_SITE);
}

/* Takes back the lock a successful jgil_ffm_release(tid) gave up.  1 if this
 * thread holds it again; 0 if it must wait (another thread holds it, or
 * waiters queue for it), which Java does. */
FFM_API int jgil_ffm_retake(int64_t tid)
{
    jgil_state *s = jgil_api_ptr->state;
    if (__atomic_load_n(&s->slow_flags, __ATOMIC_RELAXED) != 0)
        return 0;
    jgil_thread *me = jgil_this_thread();
    me->retaking = 1;
    JGIL_COMPILER_BARRIER();
    int64_t w = __atomic_load_n(&s->owner, __ATOMIC_ACQUIRE);
    if (w == (tid | JGIL_RESERVED_BIT)) {
        __atomic_store_n(&s->owner, tid, __ATOMIC_RELAXED);
        JGIL_COMPILER_BARRIER();
        if (__builtin_expect(__atomic_load_n(&s->waiting, __ATOMIC_RELAXED) != 0, 0))
            __atomic_fetch_or(&s->owner, JGIL_WAITERS_BIT, __ATOMIC_SEQ_CST);
        return 1;
    }
    if (w == 0 && __atomic_compare_exchange_n(&s->owner, &w, tid, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return 1;
    /* Still reserved for us, with WAITERS set or a revoker at work: no Java
     * needed (a revoker's barrier lasts about a microsecond). */
    return jgil_retake_reserved(tid);
}
