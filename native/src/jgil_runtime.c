/*
 * jgil_runtime.c -- the native half of the jgil lock.
 *
 * What lives here: the shared lock state (one cache line for the owner word,
 * one for the flags), the API table that extensions import, and the slow
 * paths.  The fast paths are inline in jgil.h (jgil/jgil_detail.h) and never
 * come here.
 *
 * The lock lives in one 64-bit word of native memory that Java and C share.
 * The word holds the owner's Java thread id, or 0 when the lock is free, plus
 * a WAITERS bit that a thread sets before it blocks.  Only when the fast path
 * fails -- somebody is waiting, or the lock is taken -- do we go to the slow
 * path, which calls up into the Java scheduler that decides who gets the lock
 * next (see org.jgil.Scheduler).  This is PyPy's "fastgil" shape with
 * CPython's scheduling on the slow path.
 *
 * The fast path uses no atomic read-modify-write at all.  A locked
 * instruction costs more than the whole budget for a release and a re-take
 * (docs/performance.md), so (like HotSpot's biased locking, and the quickly
 * re-acquirable locks of Dice, Moir and Scherer):
 *
 *   - JGIL_BEGIN_ALLOW_THREADS gives the lock up with a plain store that
 *     *reserves* it for the caller (owner | RESERVED).  A reserved lock is
 *     free: any other thread may take it, but must first revoke the
 *     reservation (below), which is slow (a process-wide barrier) and turns
 *     reservations off for a while, so a lock that really moves between
 *     threads goes back to plain stores and CASes.
 *   - JGIL_END_ALLOW_THREADS finds its own reservation still there and takes
 *     the lock back with a plain store.  Before looking, it raises its
 *     thread's "retaking" flag (a slot the runtime hands each thread once and
 *     never frees, so a late revoker never reads a dead stack) that a revoker
 *     reads after its barrier: Dekker's handshake, where the barrier the fast
 *     side would need is paid by the slow side instead (membarrier(2), as
 *     liburcu does).
 *   - Waiters publish themselves in `waiting` the same way before they set
 *     the WAITERS bit, so a plain store that raced with them is noticed by
 *     the releaser's next load and repaired on the slow path (release_raced).
 * Where membarrier(2) is missing the runtime selects JGIL_MODE_FENCED and the
 * fast path is one CAS each way instead; where it stops working later (EPERM
 * from a seccomp filter, a restore that dropped the registration), the runtime
 * switches to FENCED for good and never revokes a live reservation without it.
 *
 * Every slow path is an upcall into org.jgil.GilRuntime, where the scheduling
 * policy decides who runs next.  It is paid only when the lock is contended,
 * in checked mode, or for native-thread attach -- never on an uncontended
 * release/re-take.
 *
 * Threads that are not attached to the JVM cannot call into Java at all, so
 * jgil_ensure() attaches them (as daemons, so that a native thread never keeps
 * the JVM alive) and jgil_ensure_end() detaches what it attached.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/membarrier.h>

#include "jgil.h"
#include "jgil_internal.h"
#include "org_jgil_GilRuntime.h"

JGIL_DEFINE_API

static jgil_state runtime_state __attribute__((aligned(64)));

static JavaVM *jvm;
static jclass runtime_class;
static jmethodID mid_release_from_native;
static jmethodID mid_acquire_from_native;
static jmethodID mid_ensure_from_native;
static jmethodID mid_release_ensured;
static jmethodID mid_is_held;
static jmethodID mid_require_gil;
static jmethodID mid_checkpoint;
static jmethodID mid_add_suppressed;

/* JGIL_JNI_ENSURE bits: did ensure take the lock, did it attach the thread. */
#define ENSURE_ACQUIRED 1
#define ENSURE_ATTACHED 2

JNIEnv *jgil_env(void)
{
    JNIEnv *env = NULL;
    if (jvm == NULL || (*jvm)->GetEnv(jvm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
        return NULL;
    return env;
}

/* A slow path must not run with an exception already pending: JNI forbids most
 * calls then.  The caller's exception wins; we do nothing. */
static JNIEnv *env_for_upcall(void)
{
    JNIEnv *env = jgil_env();
    if (env == NULL || (*env)->ExceptionCheck(env))
        return NULL;
    return env;
}

/* ---- reservations (see the design note on top) ---- */

#define FLAG_BITS (JGIL_WAITERS_BIT | JGIL_RESERVED_BIT | JGIL_REVOKING_BIT)

/* Revocations that found the reserver not retaking, and how many plain
 * releases the next one switches reservations off for: doubled by each
 * revocation that follows soon after the last, so a lock that keeps moving
 * between threads stays on plain stores and CASes. */
#define BACKOFF_MIN 64
#define BACKOFF_MAX (1 << 20)
#define BACKOFF_RESET_NS 1000000000
static int64_t revocations;
static int32_t backoff = BACKOFF_MIN;
static int64_t last_revocation_ns;

/* ---- the process-wide barrier ----
 *
 * Once registered, membarrier(2) should fail only for want of memory, for a
 * moment.  But a seccomp filter installed later, or a checkpoint/restore that
 * drops the registration, makes it fail for good (EPERM, EINVAL), and a local
 * fence would not do in its place.  So a barrier that keeps failing is given
 * up: the fast paths go to JGIL_MODE_FENCED (a CAS each way, which needs no
 * barrier) for the rest of the process, and heavy_barrier() returns -1 at
 * once from then on.  Its callers then do without: a revoker leaves a live
 * reservation in place and reports the reserver as the owner (settle_locked),
 * so there is never a second owner; the reserver's END takes it up.  Releases
 * already past their read of `mode` when the barrier failed finish the old
 * way: each may miss a waiter's WAITERS bit once, which the waiter's timed
 * wait (one switch interval) covers; none can let two threads own the lock. */
#define BARRIER_TRIES 100
static int barrier_lost;          /* 1 once the barrier was given up */
static int barrier_fail_for_test; /* jgil_test_fail_barrier() */

void jgil_test_fail_barrier(int on)
{
    __atomic_store_n(&barrier_fail_for_test, on, __ATOMIC_SEQ_CST);
}

/* The flag before the modes: whoever stores another mode afterwards reads the
 * flag after its store (set_mode) and puts FENCED back. */
static void give_up_barrier(void)
{
    __atomic_store_n(&barrier_lost, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&runtime_state.resume_mode, JGIL_MODE_FENCED, __ATOMIC_SEQ_CST);
    __atomic_store_n(&runtime_state.mode, JGIL_MODE_FENCED, __ATOMIC_SEQ_CST);
}

static void set_mode(int32_t *field, int mode)
{
    __atomic_store_n(field, mode, __ATOMIC_SEQ_CST);
    if (mode != JGIL_MODE_FENCED && __atomic_load_n(&barrier_lost, __ATOMIC_SEQ_CST))
        __atomic_store_n(field, JGIL_MODE_FENCED, __ATOMIC_SEQ_CST);
}

/* Makes every thread of the process pass a full memory barrier: the other
 * half of the compiler barriers in the fast paths (jgil/jgil_detail.h).  0, or -1 once the
 * barrier is lost (see above). */
static int heavy_barrier(void)
{
    if (__atomic_load_n(&barrier_lost, __ATOMIC_ACQUIRE))
        return -1;
    int saved_errno = errno;
    for (int tries = 0; tries < BARRIER_TRIES; tries++) {
        int failed = __atomic_load_n(&barrier_fail_for_test, __ATOMIC_RELAXED)
            ? (errno = EPERM, 1) : syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0;
        if (!failed) {
            errno = saved_errno;
            return 0;
        }
        if (errno != ENOMEM && errno != EAGAIN && errno != EINTR)
            break;
        sched_yield();
    }
    give_up_barrier();
    errno = saved_errno;
    return -1;
}

/* ---- per-thread slots (jgil_this_thread()) ----
 *
 * A revoker reads the reserver's `retaking` flag through state->reserver,
 * possibly after the reserver has left its block or ended: the slots are
 * therefore never freed, only recycled to the next thread. */

/* A slot and the runtime's own fields, which the public struct does not show. */
typedef struct slot {
    jgil_thread pub;          /* first: a jgil_thread * is a struct slot * */
    struct slot *next_free;
    pid_t os_tid;             /* on the free list: the thread that had it */
} slot;

static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static slot *free_slots, **free_tail = &free_slots; /* oldest first */
static pthread_key_t slot_key;
static pthread_once_t slot_key_once = PTHREAD_ONCE_INIT;
static __thread jgil_thread *my_slot;
/* Shared stand-ins whose tid stays 0, so that every release takes the slow
 * path: when memory ran out, and after the thread's slot went back to the
 * pool (jgil code in a later thread-exit destructor). */
static slot no_memory_slot, exited_slot;

/* A slot goes back into use only once the thread that had it is gone from the
 * kernel, which is after all of its thread-exit destructors ran: files of
 * extensions cache the slot (jgil_this_thread_cache), and a destructor that
 * runs after ours may still BEGIN with it; were the slot already another
 * thread's, that BEGIN would match the other thread's id and free its lock.
 * Until then its tid stays 0, which sends every such call to the slow path. */
static void slot_return(void *p)
{
    slot *t = p;
    t->pub.tid = 0; /* never matches an owner word again until reissued */
    t->os_tid = (pid_t)syscall(SYS_gettid);
    pthread_mutex_lock(&slots_lock);
    t->next_free = NULL;
    *free_tail = t;
    free_tail = &t->next_free;
    pthread_mutex_unlock(&slots_lock);
    my_slot = &exited_slot.pub;
}

static void slot_key_create(void) { (void)pthread_key_create(&slot_key, slot_return); }

/* The first free slot whose thread has left the kernel, among the few oldest
 * (the likeliest to be gone): a thread that churns through threads reuses
 * slots, and one whose old threads linger allocates a few more. */
static slot *slot_reusable_locked(void)
{
    pid_t pid = getpid();
    int looked = 0;
    for (slot **p = &free_slots; *p != NULL && looked < 8; p = &(*p)->next_free, looked++) {
        slot *t = *p;
        if (syscall(SYS_tgkill, pid, t->os_tid, 0) != 0 && errno == ESRCH) {
            *p = t->next_free;
            if (free_tail == &t->next_free)
                free_tail = p;
            return t;
        }
    }
    return NULL;
}

static jgil_thread *this_thread(void)
{
    if (my_slot != NULL)
        return my_slot;
    int saved_errno = errno; /* reached from the fast path's first call in a file */
    pthread_once(&slot_key_once, slot_key_create);
    pthread_mutex_lock(&slots_lock);
    slot *t = slot_reusable_locked();
    pthread_mutex_unlock(&slots_lock);
    if (t == NULL) {
        t = calloc(1, sizeof *t);
        if (t == NULL) {
            errno = saved_errno;
            return &no_memory_slot.pub;
        }
    }
    t->pub.tid = 0;
    t->pub.retaking = 0;
    t->next_free = NULL;
    my_slot = &t->pub;
    (void)pthread_setspecific(slot_key, t);
    errno = saved_errno;
    return &t->pub;
}

/* The slow paths learn the caller's id from Java; the fast path needs it.  A
 * virtual thread's identity is never kept: the slot belongs to the carrier,
 * and the next virtual thread mounted there would pass the fast path's
 * ownership check with it.  The slot forgets what it knew instead, so that
 * no identity of an earlier thread on this carrier matches either. */
static void remember_tid(jgil_tstate tid)
{
    jgil_thread *t = this_thread();
    if (tid <= 0 || t == &no_memory_slot.pub || t == &exited_slot.pub)
        return;
    t->tid = (tid & JGIL_VIRTUAL_BIT) ? 0 : tid;
}

/* Called by the revoker while the word says REVOKING: nobody holds the lock,
 * so nobody runs a fast release that reads these. */
static void reservations_off(void)
{
    int64_t now = jgil_nanotime();
    if (now - last_revocation_ns > BACKOFF_RESET_NS)
        backoff = BACKOFF_MIN;
    else if (backoff < BACKOFF_MAX)
        backoff *= 2;
    last_revocation_ns = now;
    runtime_state.reserve_countdown = backoff;
    set_mode(&runtime_state.mode, JGIL_MODE_PLAIN);
}

/* Revokes a reservation and returns the lock word as the scheduler should see
 * it: free if the reserver had not started to re-take the lock, else the
 * reserver's (the reservation stays, for the reserver to take up). */
static pthread_mutex_t revokers = PTHREAD_MUTEX_INITIALIZER;

static int64_t settle_locked(void);

/* One revoker at a time: a revoker whose reservation was taken up meanwhile
 * must never meet another revoker's REVOKING bit and mistake it for its own. */
static int64_t settle(void)
{
    int64_t w = __atomic_load_n(&runtime_state.owner, __ATOMIC_ACQUIRE);
    if ((w & (JGIL_RESERVED_BIT | JGIL_REVOKING_BIT)) == 0)
        return w;
    pthread_mutex_lock(&revokers);
    w = settle_locked();
    pthread_mutex_unlock(&revokers);
    return w;
}

static int64_t settle_locked(void)
{
    for (;;) {
        int64_t w = __atomic_load_n(&runtime_state.owner, __ATOMIC_ACQUIRE);
        if ((w & (JGIL_RESERVED_BIT | JGIL_REVOKING_BIT)) == 0)
            return w;
        if (w & JGIL_REVOKING_BIT) {
            sched_yield(); /* another thread is revoking: a microsecond */
            continue;
        }
        if (!__atomic_compare_exchange_n(&runtime_state.owner, &w, w | JGIL_REVOKING_BIT, 0,
                                         __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
            continue;
        /* The reserver stored its slot before it reserved.  If it has re-taken
         * the lock meanwhile (its plain store wipes our bit), what we read here
         * does not matter: the CAS below fails and we look again. */
        jgil_thread *reserver = __atomic_load_n(&runtime_state.reserver, __ATOMIC_ACQUIRE);
        int fenced = heavy_barrier() == 0;
        /* Only the reserver's own slot counts: a slot recycled to another thread
         * (its owner ended inside a block) must not keep the lock reserved.
         * Without the barrier the flag proves nothing, so a live reserver counts
         * as retaking: the reservation stays, and the lock is the reserver's
         * until its END (which, the mode being FENCED now, never reserves again). */
        int live = reserver != NULL && reserver->tid == (w & JGIL_OWNER_MASK);
        int retaking = live && (!fenced || __atomic_load_n(&reserver->retaking, __ATOMIC_ACQUIRE));
        if (!retaking) {
            if (fenced)
                reservations_off();
            __atomic_add_fetch(&revocations, 1, __ATOMIC_RELAXED);
        }
        int64_t cur = w | JGIL_REVOKING_BIT;
        for (;;) {
            /* Keep WAITERS, which a waiter may have set meanwhile. */
            int64_t want = retaking ? cur & ~JGIL_REVOKING_BIT : cur & JGIL_WAITERS_BIT;
            if (__atomic_compare_exchange_n(&runtime_state.owner, &cur, want, 0,
                                            __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
                break;
            if ((cur & JGIL_REVOKING_BIT) == 0)
                break; /* the reserver, retaking, stored its id over ours */
        }
        if (retaking)
            return (w & JGIL_OWNER_MASK) | (cur & JGIL_WAITERS_BIT);
    }
}

/* END could not take the lock back on the fast path.  Returns 1 if it holds
 * it now because it still held the reservation (with WAITERS set meanwhile,
 * or kept by a revoker that saw it retaking). */
static int retake_reserved(jgil_tstate saved)
{
    for (;;) {
        int64_t w = __atomic_load_n(&runtime_state.owner, __ATOMIC_ACQUIRE);
        if ((w & JGIL_OWNER_MASK) != saved)
            return 0;
        int64_t bits = w & ~JGIL_WAITERS_BIT & ~JGIL_OWNER_MASK;
        if (bits == 0)
            return 0; /* it holds the lock already: END twice, the upcall says so */
        if (bits & JGIL_REVOKING_BIT) {
            sched_yield();
            continue;
        }
        if (__atomic_compare_exchange_n(&runtime_state.owner, &w, saved | (w & JGIL_WAITERS_BIT), 0,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
            return 1;
    }
}

/* The slow paths keep errno: the kernel around them may be reporting a
 * failure through it, and a JVM upcall may clobber it.  Statistics and the
 * no-lock policy divert the fast path here too, but need no Java: only a
 * failed CAS or checked mode calls up. */
/* Statistics: called once the caller is known to hold the lock (or under
 * policy "none"), so that a misuse never counts.  The fast path counts down
 * only when statistics alone are on (and it held the lock); otherwise this
 * does.  Returns the tag for a block to time. */
static jgil_tstate stats_sample(int flags)
{
    if (!(flags & JGIL_SLOW_STATS))
        return 0;
    /* Atomic for policy "none", where nobody holds a lock; uncontended otherwise. */
    if (flags != JGIL_SLOW_STATS)
        __atomic_sub_fetch(&runtime_state.stats_countdown, 1, __ATOMIC_RELAXED);
    if (__atomic_load_n(&runtime_state.stats_countdown, __ATOMIC_RELAXED) > 0)
        return 0;
    __atomic_store_n(&runtime_state.stats_countdown, jgil_stats_period(), __ATOMIC_RELAXED);
    jgil_stats_begin();
    return JGIL_TSTATE_SAMPLED; /* sends this block's END to the slow path too */
}

static jgil_tstate save_thread_slow(const char *site)
{
    int flags = __atomic_load_n(&runtime_state.slow_flags, __ATOMIC_RELAXED);
    if (flags & JGIL_SLOW_NOLOCK) {
        (void)stats_sample(flags); /* its END ends it: a NOLOCK state cannot carry the tag */
        return JGIL_TSTATE_NOLOCK;
    }
    if (!(flags & JGIL_SLOW_CHECKED)) {
        /* The uncontended case still needs no Java. */
        int64_t w = __atomic_load_n(&runtime_state.owner, __ATOMIC_RELAXED);
        if (w > 0 && w == this_thread()->tid
            && __atomic_compare_exchange_n(&runtime_state.owner, &w, 0, 0,
                                           __ATOMIC_RELEASE, __ATOMIC_RELAXED))
            return w | stats_sample(flags);
    }
    int saved_errno = errno;
    jlong tid = 0;
    JNIEnv *env = env_for_upcall();
    if (env != NULL) {
        tid = (*env)->CallStaticLongMethod(env, runtime_class, mid_release_from_native,
                                           (jlong)(intptr_t)site);
        if ((*env)->ExceptionCheck(env))
            tid = 0;
    }
    remember_tid(tid);
    if (tid > 0) {
        jgil_cancel_bind(tid);
        tid |= stats_sample(flags);
    }
    errno = saved_errno;
    return tid;
}

static void restore_thread_slow(jgil_tstate saved, const char *site)
{
    int flags = __atomic_load_n(&runtime_state.slow_flags, __ATOMIC_RELAXED);
    if (saved == JGIL_TSTATE_HELD)
        return; /* a _IF/_ADAPTIVE block that kept the lock */
    if (saved < 0 && saved != JGIL_TSTATE_NOLOCK)
        saved &= ~JGIL_TSTATE_SAMPLED; /* timed: jgil_stats_* below know it by their own state */
    if (flags & JGIL_SLOW_STATS)
        jgil_stats_work_done();
    if (flags & JGIL_SLOW_NOLOCK) {
        jgil_stats_end(site); /* nothing to re-take: a sample (if any) ends here */
        return; /* policy "none", whatever the block began under */
    }
    if (saved > 0 && !(flags & JGIL_SLOW_CHECKED) && retake_reserved(saved)) {
        if (flags & JGIL_SLOW_STATS)
            jgil_stats_end(site);
        return;
    }
    int64_t expected = 0;
    if (!(flags & JGIL_SLOW_CHECKED) && saved > 0
        && __atomic_compare_exchange_n(&runtime_state.owner, &expected, saved, 0,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        if (flags & JGIL_SLOW_STATS)
            jgil_stats_end(site);
        return;
    }
    int saved_errno = errno;
    JNIEnv *env = jgil_env();
    if (env == NULL) {
        jgil_stats_abandon(); /* nothing was re-taken: no sample */
        errno = saved_errno;
        return;
    }
    jthrowable pending = NULL;
    if ((*env)->ExceptionCheck(env)) {
        /* saved == 0: BEGIN itself failed (its exception is pending) and never
         * gave the lock up; nothing to take back. */
        if (saved == 0) {
            jgil_stats_abandon();
            errno = saved_errno;
            return;
        }
        /* The kernel left an exception pending (a JNI call failed inside the
         * block).  The lock must still be re-taken, or the thread would return
         * to Java without it: park the exception across the upcall. */
        pending = (*env)->ExceptionOccurred(env);
        (*env)->ExceptionClear(env);
    }
    (*env)->CallStaticVoidMethod(env, runtime_class, mid_acquire_from_native,
                                 (jlong)saved, (jlong)(intptr_t)site);
    if (pending == NULL) {
        /* Whatever the upcall threw stays pending for the kernel's caller; checking marks it
         * seen, so that the kernel's next JNI call (e.g. SetLongArrayRegion after END) is not
         * "made without checking exceptions" (-Xcheck:jni warns). Slow path only. */
        (void)(*env)->ExceptionCheck(env);
    } else {
        jthrowable ours = (*env)->ExceptionOccurred(env);
        if (ours != NULL) {
            (*env)->ExceptionClear(env);
            (*env)->CallVoidMethod(env, pending, mid_add_suppressed, ours);
            (*env)->ExceptionClear(env);
            (*env)->DeleteLocalRef(env, ours);
        }
        (*env)->Throw(env, pending);
        (*env)->DeleteLocalRef(env, pending);
    }
    if (flags & JGIL_SLOW_STATS)
        jgil_stats_end(site);
    errno = saved_errno;
}

/* A fast release (a plain store, or a reservation) saw `waiting` set: a
 * waiter may have set WAITERS just before our store wiped it, and may be
 * asleep.  Take the lock back if it is still free (or ours) and give it up
 * again through the scheduler, which wakes whoever waits.  If a third thread
 * took it meanwhile, its release would not know of the waiter (nothing says
 * that it reads `waiting`: a CAS release does not look), so the bit goes into
 * its word, and its release goes through the scheduler in turn. */
static void release_raced(jgil_tstate saved, const char *site)
{
    int saved_errno = errno;
    for (;;) {
        int64_t w = __atomic_load_n(&runtime_state.owner, __ATOMIC_ACQUIRE);
        int64_t mine = w & ~JGIL_WAITERS_BIT;
        if (mine == (saved | JGIL_RESERVED_BIT) || mine == 0) {
            if (!__atomic_compare_exchange_n(&runtime_state.owner, &w, saved | JGIL_WAITERS_BIT, 0,
                                             __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
                continue;
            break;
        }
        if (w & JGIL_REVOKING_BIT) {
            sched_yield();
            continue;
        }
        /* Owned (or reserved) by another thread: it must release through the scheduler. */
        if ((w & JGIL_WAITERS_BIT)
            || __atomic_compare_exchange_n(&runtime_state.owner, &w, w | JGIL_WAITERS_BIT, 0,
                                           __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
            errno = saved_errno;
            return;
        }
    }
    JNIEnv *env = env_for_upcall();
    if (env != NULL) {
        (*env)->CallStaticLongMethod(env, runtime_class, mid_release_from_native, (jlong)(intptr_t)site);
        if (!(*env)->ExceptionCheck(env)) {
            errno = saved_errno;
            return;
        }
        /* Left pending for the kernel's caller (an Error such as StackOverflowError). */
    }
    /* No upcall possible (or it failed): free the lock with WAITERS set, if it
     * is still ours; the waiter's timed wait notices within a switch interval. */
    int64_t mine = saved | JGIL_WAITERS_BIT;
    __atomic_compare_exchange_n(&runtime_state.owner, &mine, JGIL_WAITERS_BIT, 0,
                                __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
    errno = saved_errno;
}

/* Set by GilRuntime's shutdown hook: the JVM is going away. */
static int shutting_down;

JNIEXPORT void JNICALL Java_org_jgil_GilRuntime_markShutdown(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    __atomic_store_n(&shutting_down, 1, __ATOMIC_RELEASE);
}

static jgil_gilstate ensure(void)
{
    JNIEnv *env = jgil_env();
    int result = 0;
    if (env == NULL) {
        /* A thread that would have to attach after shutdown began fails at once: attaching to
         * a JVM that is exiting may block forever or race its teardown, and managed code would
         * not run to the end anyway.  Attached threads (Java's own) are not affected. */
        if (jvm == NULL || __atomic_load_n(&shutting_down, __ATOMIC_ACQUIRE))
            return JGIL_ENSURE_FAILED;
        JavaVMAttachArgs args = { JNI_VERSION_1_8, "jgil-native", NULL };
        if ((*jvm)->AttachCurrentThreadAsDaemon(jvm, (void **)&env, &args) != JNI_OK)
            return JGIL_ENSURE_FAILED;
        this_thread()->tid = 0; /* a new Java thread: its id is learnt again */
        result |= ENSURE_ATTACHED;
        /* Shutdown hooks run concurrently and in no given order, so the flag above may not be set
         * yet although System.exit has begun (seen on JDK 25: a hook's native thread attached and
         * then waited for ever for a lock held by the exiting thread).  Ask Java, which can tell. */
        static jmethodID mid_attach_refused;
        jmethodID mid = __atomic_load_n(&mid_attach_refused, __ATOMIC_ACQUIRE);
        if (mid == NULL) {
            mid = (*env)->GetStaticMethodID(env, runtime_class, "attachRefused", "()Z");
            if (mid == NULL)
                (*env)->ExceptionClear(env); /* a GilRuntime without it: nothing to ask */
            __atomic_store_n(&mid_attach_refused, mid, __ATOMIC_RELEASE);
        }
        jboolean refused = mid != NULL && (*env)->CallStaticBooleanMethod(env, runtime_class, mid);
        if (refused)
            __atomic_store_n(&shutting_down, 1, __ATOMIC_RELEASE);
        if (refused || (*env)->ExceptionCheck(env)) {
            if ((*env)->ExceptionCheck(env)) {
                (*env)->ExceptionDescribe(env);
                (*env)->ExceptionClear(env);
            }
            (*jvm)->DetachCurrentThread(jvm);
            this_thread()->tid = 0;
            return JGIL_ENSURE_FAILED;
        }
    }
    if ((*env)->ExceptionCheck(env))
        return JGIL_ENSURE_FAILED;
    jboolean acquired = (*env)->CallStaticBooleanMethod(env, runtime_class, mid_ensure_from_native);
    if ((*env)->ExceptionCheck(env)) {
        /* Nobody above a native thread could catch it: report and fail. */
        (*env)->ExceptionDescribe(env);
        (*env)->ExceptionClear(env);
        if (result & ENSURE_ATTACHED) {
            (*jvm)->DetachCurrentThread(jvm);
            this_thread()->tid = 0;
        }
        return JGIL_ENSURE_FAILED;
    }
    if (acquired)
        result |= ENSURE_ACQUIRED;
    return result;
}

static void ensure_end(jgil_gilstate st)
{
    if (st < 0)
        return;
    JNIEnv *env = jgil_env();
    if (env == NULL)
        return;
    if (st & ENSURE_ACQUIRED) {
        /* Managed code called under the ensure may have left an exception
         * for the caller: keep it across the upcall that gives the lock back. */
        jthrowable pending = (*env)->ExceptionOccurred(env);
        if (pending != NULL)
            (*env)->ExceptionClear(env);
        (*env)->CallStaticVoidMethod(env, runtime_class, mid_release_ensured);
        if (pending == NULL) {
            (void)(*env)->ExceptionCheck(env); /* as in restore_thread_slow: seen, left pending */
        } else {
            if ((*env)->ExceptionCheck(env))
                (*env)->ExceptionClear(env);
            (*env)->Throw(env, pending);
            (*env)->DeleteLocalRef(env, pending);
        }
    }
    if (st & ENSURE_ATTACHED) {
        if ((*env)->ExceptionCheck(env)) {
            (*env)->ExceptionDescribe(env);
            (*env)->ExceptionClear(env);
        }
        (*jvm)->DetachCurrentThread(jvm);
        this_thread()->tid = 0; /* the Java thread is gone; a later attach is another one */
    }
}

static int check(void)
{
    JNIEnv *env = env_for_upcall();
    if (env == NULL)
        return 0;
    jboolean held = (*env)->CallStaticBooleanMethod(env, runtime_class, mid_is_held);
    return !(*env)->ExceptionCheck(env) && held;
}

static int require_gil(const char *site)
{
    int saved_errno = errno;
    JNIEnv *env = env_for_upcall();
    int r = 0;
    if (env != NULL) {
        (*env)->CallStaticVoidMethod(env, runtime_class, mid_require_gil, (jlong)(intptr_t)site);
        r = (*env)->ExceptionCheck(env) ? -1 : 0;
    } else if (jgil_env() != NULL) {
        r = -1; /* an exception is pending already */
    }
    errno = saved_errno;
    return r;
}

static void checkpoint(const char *site)
{
    int saved_errno = errno;
    JNIEnv *env = env_for_upcall();
    if (env != NULL)
        (*env)->CallStaticVoidMethod(env, runtime_class, mid_checkpoint, (jlong)(intptr_t)site);
    errno = saved_errno;
}

static const jgil_api runtime_api = {
    JGIL_ABI_VERSION,
    sizeof(jgil_api),
    &runtime_state,
    save_thread_slow,
    restore_thread_slow,
    ensure,
    ensure_end,
    check,
    jgil_cancel_poll,
    require_gil,
    jgil_cancel_begin,
    jgil_cancel_end,
    checkpoint,
    release_raced,
    this_thread,
};

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
    (void)reserved;
    jvm = vm;
    jgil_api_ptr = &runtime_api;
    return JNI_VERSION_1_8;
}

static jmethodID static_method(JNIEnv *env, jclass cls, const char *name, const char *sig)
{
    return (*env)->GetStaticMethodID(env, cls, name, sig);
}

JNIEXPORT void JNICALL Java_org_jgil_GilRuntime_init(JNIEnv *env, jclass cls)
{
    runtime_class = (*env)->NewGlobalRef(env, cls);
    if (runtime_class == NULL)
        return;
    if (!(mid_release_from_native = static_method(env, cls, "releaseFromNative", "(J)J"))
        || !(mid_acquire_from_native = static_method(env, cls, "acquireFromNative", "(JJ)V"))
        || !(mid_ensure_from_native = static_method(env, cls, "ensureFromNative", "()Z"))
        || !(mid_release_ensured = static_method(env, cls, "releaseEnsured", "()V"))
        || !(mid_is_held = static_method(env, cls, "isHeldFromNative", "()Z"))
        || !(mid_require_gil = static_method(env, cls, "requireGilFromNative", "(J)V"))
        || !(mid_checkpoint = static_method(env, cls, "checkpointFromNative", "(J)V")))
        return; /* NoSuchMethodError pending */
    jclass throwable = (*env)->FindClass(env, "java/lang/Throwable");
    if (throwable == NULL
        || !(mid_add_suppressed = (*env)->GetMethodID(env, throwable, "addSuppressed",
                                                      "(Ljava/lang/Throwable;)V")))
        return;
    (*env)->DeleteLocalRef(env, throwable);
    jgil_cancel_init(env, runtime_class);
}

/* Chooses the fast path: JGIL_MODE_RESERVE or _PLAIN need membarrier(2),
 * which this registers for; without it, JGIL_MODE_FENCED.  Returns the mode
 * in force.  Called once, with the lock idle, before any release. */
JNIEXPORT jint JNICALL Java_org_jgil_GilRuntime_selectMode(JNIEnv *env, jclass cls, jint wanted)
{
    (void)env; (void)cls;
    static int registered = -1;
    if (registered < 0)
        registered = syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
    int mode = registered ? wanted : JGIL_MODE_FENCED;
    runtime_state.reserve_countdown = BACKOFF_MIN;
    /* A spent countdown returns to what was asked for: "plain" stays plain. */
    set_mode(&runtime_state.resume_mode, mode);
    set_mode(&runtime_state.mode, mode);
    return __atomic_load_n(&runtime_state.mode, __ATOMIC_SEQ_CST);
}

JNIEXPORT void JNICALL Java_org_jgil_GilRuntime_heavyBarrier(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    if (__atomic_load_n(&runtime_state.mode, __ATOMIC_RELAXED) != JGIL_MODE_FENCED)
        (void)heavy_barrier(); /* if it fails, the mode is FENCED from now on */
}

JNIEXPORT jlong JNICALL Java_org_jgil_GilRuntime_settle(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    return settle();
}

JNIEXPORT jlong JNICALL Java_org_jgil_GilRuntime_revocations(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    return __atomic_load_n(&revocations, __ATOMIC_RELAXED);
}

JNIEXPORT jobject JNICALL Java_org_jgil_GilRuntime_stateBuffer(JNIEnv *env, jclass cls)
{
    (void)cls;
    return (*env)->NewDirectByteBuffer(env, &runtime_state, sizeof runtime_state);
}

int jgil_stats_period(void)
{
    int period = __atomic_load_n(&runtime_state.stats_period, __ATOMIC_RELAXED);
    return period > 0 ? period : 1;
}

JNIEXPORT jlong JNICALL Java_org_jgil_GilRuntime_apiAddress0(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    return (jlong)(intptr_t)&runtime_api;
}

JNIEXPORT jstring JNICALL Java_org_jgil_GilRuntime_siteName(JNIEnv *env, jclass cls, jlong site)
{
    (void)cls;
    const char *name = (const char *)(intptr_t)site;
    return name == NULL ? NULL : (*env)->NewStringUTF(env, name);
}

/* For jgil_ffm.c, whose release learns the caller's id from Java and whose
 * re-take cannot call up into Java. */
void jgil_learn_tid(jgil_tstate tid)
{
    remember_tid(tid);
}

int jgil_retake_reserved(jgil_tstate saved)
{
    return retake_reserved(saved);
}
