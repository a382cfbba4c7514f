/*
 * jgil_cancel.c -- Thread.interrupt() reaches a released native section.
 *
 * Java has no hook on Thread.interrupt() for an arbitrary thread, so we poll
 * for it, and make the poll cheap on the kernel's side:
 *
 *   - every OS thread that asks jgil_cancelled() gets a record in native
 *     memory (thread-local pointer).  Its first poll is an upcall
 *     (GilRuntime.cancelArm) that registers (record, Thread) with the Java
 *     cancel watcher and "arms" the record;
 *   - while a record is armed, a poll reads its `flag` (a call through the
 *     api table, a TLS load, two relaxed loads);
 *   - the watcher (org.jgil.CancelWatcher, a daemon thread) scans the armed
 *     records about once a millisecond: it sets `flag` when the thread is
 *     interrupted, clears it when not, and calls the section's unblocking
 *     function (ubf) once;
 *   - a record nobody polled for about 100 ms and that is not inside a
 *     cancellable section is disarmed (its next poll is an upcall again), so
 *     the watcher sleeps when no kernel runs;
 *   - a set flag is confirmed with an upcall (Thread.isInterrupted()), so a
 *     thread whose interrupt was cleared a moment ago is never told it is
 *     cancelled.
 *
 * Records are recycled through a free list when their OS thread ends (a
 * pthread key destructor); the Java side maps a record to whichever Thread
 * armed it last.
 *
 * A record belongs to an OS thread, and a virtual thread's sections run on
 * whichever carrier it is mounted on: a record armed by one virtual thread
 * would answer for the next one on that carrier (a flag that tracks the wrong
 * thread's interrupt).  So each record remembers the identity it serves, and
 * the save slow path -- which a virtual thread's BEGIN always takes -- rebinds
 * it (jgil_cancel_bind): a record armed for another identity is disarmed, and
 * its next poll registers it for the thread that runs now.  A poll is
 * therefore exact inside a released section; outside one (holding the lock),
 * a virtual thread's poll may answer for the thread that last released here.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "jgil.h"
#include "jgil_internal.h"
#include "org_jgil_GilRuntime.h"

typedef struct cancel_rec {
    int32_t armed;        /* the watcher scans this record */
    int32_t flag;         /* the watcher saw the thread interrupted */
    int32_t polled;       /* set by polls, cleared by each scan */
    int32_t in_section;   /* a cancellable section is open */
    pthread_mutex_t mu;   /* guards ubf, arg, fired against the watcher */
    void (*ubf)(void *);
    void *arg;
    int fired;
    int64_t identity;     /* the lock identity this record serves (jgil_cancel_bind) */
    struct cancel_rec *next_free;
} cancel_rec;

static __thread cancel_rec *tls_rec;
static pthread_key_t rec_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t free_mu = PTHREAD_MUTEX_INITIALIZER;
static cancel_rec *free_list;

static jclass runtime_class;
static jmethodID mid_cancel_arm;

static void rec_recycle(void *p)
{
    cancel_rec *r = p;
    pthread_mutex_lock(&r->mu);
    r->ubf = NULL;
    r->arg = NULL;
    pthread_mutex_unlock(&r->mu);
    __atomic_store_n(&r->in_section, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&r->armed, 0, __ATOMIC_RELEASE);
    pthread_mutex_lock(&free_mu);
    r->next_free = free_list;
    free_list = r;
    pthread_mutex_unlock(&free_mu);
}

static void make_key(void)
{
    pthread_key_create(&rec_key, rec_recycle);
}

static cancel_rec *rec_get(void)
{
    cancel_rec *r = tls_rec;
    if (r != NULL)
        return r;
    pthread_once(&key_once, make_key);
    pthread_mutex_lock(&free_mu);
    r = free_list;
    if (r != NULL)
        free_list = r->next_free;
    pthread_mutex_unlock(&free_mu);
    if (r == NULL) {
        r = calloc(1, sizeof *r);
        if (r == NULL)
            return NULL;
        pthread_mutex_init(&r->mu, NULL);
    }
    r->next_free = NULL;
    r->fired = 0;
    r->identity = 0;
    __atomic_store_n(&r->flag, 0, __ATOMIC_RELAXED);
    pthread_setspecific(rec_key, r);
    tls_rec = r;
    return r;
}

int jgil_cancel_init(JNIEnv *env, jclass cls)
{
    runtime_class = cls; /* a global ref owned by jgil_runtime.c */
    mid_cancel_arm = (*env)->GetStaticMethodID(env, cls, "cancelArm", "(J)Z");
    return mid_cancel_arm == NULL ? -1 : 0;
}

/* Registers the record with the watcher (which arms it) and returns
 * Thread.isInterrupted().  0 when no upcall is possible. */
static int arm(cancel_rec *r)
{
    JNIEnv *env = jgil_env();
    if (env == NULL || mid_cancel_arm == NULL || (*env)->ExceptionCheck(env))
        return 0;
    int saved_errno = errno;
    jboolean interrupted = (*env)->CallStaticBooleanMethod(env, runtime_class, mid_cancel_arm,
                                                           (jlong)(intptr_t)r);
    if ((*env)->ExceptionCheck(env)) {
        /* Nothing useful to report from a poll: treat as not cancelled. */
        (*env)->ExceptionClear(env);
        interrupted = JNI_FALSE;
    }
    errno = saved_errno;
    return interrupted != JNI_FALSE;
}

int jgil_cancel_poll(void)
{
    cancel_rec *r = tls_rec;
    if (__builtin_expect(r != NULL && __atomic_load_n(&r->armed, __ATOMIC_ACQUIRE), 1)) {
        if (!__atomic_load_n(&r->polled, __ATOMIC_RELAXED))
            __atomic_store_n(&r->polled, 1, __ATOMIC_RELAXED);
        if (__builtin_expect(!__atomic_load_n(&r->flag, __ATOMIC_RELAXED), 1))
            return 0;
    }
    if (r == NULL && (r = rec_get()) == NULL)
        return 0;
    return arm(r);
}

void jgil_cancel_bind(int64_t identity)
{
    cancel_rec *r = tls_rec;
    if (r == NULL || r->identity == identity)
        return;
    r->identity = identity;
    /* A watcher scan still working for the previous thread may set the flag
     * again: a set flag is confirmed by an upcall, so that is only spurious. */
    __atomic_store_n(&r->armed, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&r->flag, 0, __ATOMIC_RELAXED);
}

void jgil_cancel_begin(void (*ubf)(void *), void *arg)
{
    cancel_rec *r = rec_get();
    if (r == NULL)
        return;
    pthread_mutex_lock(&r->mu);
    r->ubf = ubf;
    r->arg = arg;
    r->fired = 0;
    pthread_mutex_unlock(&r->mu);
    __atomic_store_n(&r->in_section, 1, __ATOMIC_RELEASE);
    if (!__atomic_load_n(&r->armed, __ATOMIC_ACQUIRE))
        arm(r);
}

void jgil_cancel_end(void)
{
    cancel_rec *r = tls_rec;
    if (r == NULL)
        return;
    /* Once we hold mu with ubf cleared, the watcher cannot call into a ubf
     * whose argument the kernel is about to free. */
    pthread_mutex_lock(&r->mu);
    r->ubf = NULL;
    r->arg = NULL;
    pthread_mutex_unlock(&r->mu);
    __atomic_store_n(&r->in_section, 0, __ATOMIC_RELEASE);
}

/* ---- the watcher's side (org.jgil.GilRuntime natives, called by CancelWatcher) ---- */

JNIEXPORT void JNICALL Java_org_jgil_GilRuntime_cancelSetArmed(JNIEnv *env, jclass cls, jlong rec,
                                                               jboolean armed, jboolean interrupted)
{
    (void)env; (void)cls;
    cancel_rec *r = (cancel_rec *)(intptr_t)rec;
    if (armed) {
        __atomic_store_n(&r->flag, interrupted ? 1 : 0, __ATOMIC_RELAXED);
        __atomic_store_n(&r->polled, 1, __ATOMIC_RELAXED);
    }
    __atomic_store_n(&r->armed, armed ? 1 : 0, __ATOMIC_RELEASE);
}

/* Bit 0: polled since the last scan (cleared now); bit 1: inside a
 * cancellable section; bit 2: the ubf fired already in this section. */
JNIEXPORT jint JNICALL Java_org_jgil_GilRuntime_cancelScan(JNIEnv *env, jclass cls, jlong rec)
{
    (void)env; (void)cls;
    cancel_rec *r = (cancel_rec *)(intptr_t)rec;
    int bits = __atomic_exchange_n(&r->polled, 0, __ATOMIC_RELAXED) ? 1 : 0;
    if (__atomic_load_n(&r->in_section, __ATOMIC_ACQUIRE))
        bits |= 2;
    return bits;
}

/* Sets or clears the flag; when set inside a cancellable section, calls the
 * section's unblocking function once. */
JNIEXPORT void JNICALL Java_org_jgil_GilRuntime_cancelSet(JNIEnv *env, jclass cls, jlong rec,
                                                          jboolean interrupted)
{
    (void)env; (void)cls;
    cancel_rec *r = (cancel_rec *)(intptr_t)rec;
    __atomic_store_n(&r->flag, interrupted ? 1 : 0, __ATOMIC_RELEASE);
    if (!interrupted)
        return;
    pthread_mutex_lock(&r->mu);
    if (r->ubf != NULL && !r->fired) {
        r->fired = 1;
        r->ubf(r->arg);
    }
    pthread_mutex_unlock(&r->mu);
}
