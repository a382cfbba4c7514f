/*
 * jni_probe.c -- org.jgil.NativeProbe: the smallest native calls there are,
 * for measuring what the lock costs and for proving when calls overlap.
 */
#include <pthread.h>
#include <setjmp.h>
#include <string.h>

#include "jgil.h"
#include "jgil_internal.h"
#include "org_jgil_NativeProbe.h"

JNIEXPORT void JNICALL Java_org_jgil_NativeProbe_noop(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
}

JNIEXPORT void JNICALL Java_org_jgil_NativeProbe_noopReleased(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    JGIL_BEGIN_ALLOW_THREADS
    JGIL_END_ALLOW_THREADS
}

/* Busy-wait for `nanos`, reading the clock; the clock keeps the loop honest
 * whatever the CPU's speed. */
static int64_t spin_until(int64_t start, int64_t nanos)
{
    int64_t now;
    do {
        now = jgil_nanotime();
    } while (now - start < nanos);
    return now;
}

JNIEXPORT void JNICALL Java_org_jgil_NativeProbe_spin(JNIEnv *env, jclass cls, jlong nanos,
                                                      jboolean release, jlongArray interval)
{
    (void)cls;
    if (nanos < 0) {
        jgil_throw(env, "java/lang/IllegalArgumentException", "nanos must be >= 0, got %lld",
                   (long long)nanos);
        return;
    }
    if (interval != NULL && (*env)->GetArrayLength(env, interval) < 2) {
        jgil_throw(env, "java/lang/IllegalArgumentException",
                   "interval must have room for a start and an end (length >= 2)");
        return;
    }
    jlong times[2] = { 0, 0 };
    if (release) {
        JGIL_BEGIN_ALLOW_THREADS
        times[0] = jgil_nanotime();
        times[1] = spin_until(times[0], nanos);
        JGIL_END_ALLOW_THREADS
        if ((*env)->ExceptionCheck(env))
            return; /* refused (its body skipped), or the re-take threw */
    } else {
        times[0] = jgil_nanotime();
        times[1] = spin_until(times[0], nanos);
    }
    if (interval != NULL)
        (*env)->SetLongArrayRegion(env, interval, 0, 2, times);
}

/* ---- blocks left early (CheckedModeTest) ---- */

static __thread jmp_buf leave_to;

JNIEXPORT jint JNICALL Java_org_jgil_NativeProbe_leaveBlockEarly(JNIEnv *env, jclass cls, jint how)
{
    (void)env; (void)cls;
    volatile jint way = how; /* survives the longjmp */
    if (way == 1 && setjmp(leave_to) != 0)
        return 1; /* out of the block past its cleanup, as a longjmp goes */
    JGIL_BEGIN_ALLOW_THREADS
    if (way == 0)
        return 0; /* the cleanup re-takes the lock */
    if (way == 1)
        longjmp(leave_to, 1);
    JGIL_END_ALLOW_THREADS
    return way;
}

/* ---- the reservation's race window, held open (ReservationTest) ---- */

/* A released section whose re-take stalls for `stall_ns` between reading the
 * lock word and storing its id: the instant in which a revoker must see the
 * "retaking" flag and leave the lock alone.  The section itself reserves the
 * lock even if a recent revocation switched reservations off (the caller
 * holds the lock, so it may set the mode).  Returns 1 if the re-take went the
 * fast way (the reservation was still there), 0 if through the slow path. */
JNIEXPORT jint JNICALL Java_org_jgil_NativeProbe_releasedWithStalledRetake(JNIEnv *env, jclass cls,
                                                                         jlong section_ns, jlong stall_ns)
{
    (void)env; (void)cls;
    jgil_state *s = jgil_api_ptr->state;
    if (section_ns < 0 || stall_ns < 0) {
        jgil_throw(env, "java/lang/IllegalArgumentException", "times must be >= 0");
        return 0;
    }
    if (__atomic_load_n(&s->mode, __ATOMIC_RELAXED) != JGIL_MODE_FENCED)
        __atomic_store_n(&s->mode, JGIL_MODE_RESERVE, __ATOMIC_RELAXED);
    jgil_tstate saved = jgil_save_thread_at("releasedWithStalledRetake");
    spin_until(jgil_nanotime(), section_ns);
    /* JGIL_END_ALLOW_THREADS's fast path, slowed down in its window. */
    jgil_this_thread()->retaking = 1;
    JGIL_COMPILER_BARRIER();
    int64_t w = __atomic_load_n(&s->owner, __ATOMIC_ACQUIRE);
    spin_until(jgil_nanotime(), stall_ns);
    if (w == (saved | JGIL_RESERVED_BIT)) {
        __atomic_store_n(&s->owner, saved, __ATOMIC_RELAXED);
        JGIL_COMPILER_BARRIER();
        if (__atomic_load_n(&s->waiting, __ATOMIC_RELAXED) != 0)
            __atomic_fetch_or(&s->owner, JGIL_WAITERS_BIT, __ATOMIC_SEQ_CST);
        return 1;
    }
    jgil_restore_thread_at(saved, "releasedWithStalledRetake");
    return 0;
}

/* ---- a thread born in native code calls managed code (jgil_ensure) ---- */

struct native_job {
    jobject action;      /* global ref to the Runnable */
    jthrowable error;    /* global ref to what run() threw, if anything */
    int flags;           /* PROBE_* bits observed on the native thread */
};

#define PROBE_HELD_BEFORE_ENSURE  1
#define PROBE_HELD_INSIDE         2
#define PROBE_INNER_ACQUIRED      4
#define PROBE_HELD_AFTER_INNER    8
#define PROBE_ENSURE_FAILED      16

static void *native_thread_main(void *arg)
{
    struct native_job *job = arg;
    if (jgil_check())
        job->flags |= PROBE_HELD_BEFORE_ENSURE;
    jgil_gilstate outer = jgil_ensure();
    if (outer < 0) {
        job->flags |= PROBE_ENSURE_FAILED;
        return NULL;
    }
    jgil_gilstate inner = jgil_ensure(); /* nested: must not take it again */
    if (inner & 1)
        job->flags |= PROBE_INNER_ACQUIRED;
    if (jgil_check())
        job->flags |= PROBE_HELD_INSIDE;

    JNIEnv *env = jgil_env();
    jclass runnable = (*env)->GetObjectClass(env, job->action);
    jmethodID run = (*env)->GetMethodID(env, runnable, "run", "()V");
    if (run != NULL)
        (*env)->CallVoidMethod(env, job->action, run);
    jthrowable thrown = (*env)->ExceptionOccurred(env);
    if (thrown != NULL) {
        (*env)->ExceptionClear(env);
        job->error = (*env)->NewGlobalRef(env, thrown);
        (*env)->DeleteLocalRef(env, thrown);
    }
    (*env)->DeleteLocalRef(env, runnable);

    jgil_ensure_end(inner);
    if (jgil_check())
        job->flags |= PROBE_HELD_AFTER_INNER;
    jgil_ensure_end(outer);
    return NULL;
}

JNIEXPORT jint JNICALL Java_org_jgil_NativeProbe_runOnNativeThread(JNIEnv *env, jclass cls,
                                                                   jobject action)
{
    (void)cls;
    if (action == NULL) {
        jgil_throw(env, "java/lang/NullPointerException", "action");
        return 0;
    }
    struct native_job job = { (*env)->NewGlobalRef(env, action), NULL, 0 };
    if (job.action == NULL)
        return 0;
    pthread_t thread;
    int rc = 0; /* a refused BEGIN (its exception pending) starts nothing */
    /* The new thread needs the lock that this one holds: give it up while we wait. */
    JGIL_BEGIN_ALLOW_THREADS
    rc = pthread_create(&thread, NULL, native_thread_main, &job);
    if (rc == 0)
        pthread_join(thread, NULL);
    JGIL_END_ALLOW_THREADS
    (*env)->DeleteGlobalRef(env, job.action);
    if (rc != 0) {
        jgil_throw(env, "java/lang/IllegalStateException", "pthread_create failed: %s", strerror(rc));
        return 0;
    }
    if (job.error != NULL) {
        if (!(*env)->ExceptionCheck(env))
            (*env)->Throw(env, job.error);
        (*env)->DeleteGlobalRef(env, job.error);
    }
    return job.flags;
}
