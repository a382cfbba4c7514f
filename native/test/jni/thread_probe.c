/*
 * thread_probe.c -- org.jgil.ThreadProbe: threads born in native code that
 * call managed code, for the tests: one that takes the lock with
 * jgil_ensure() (nested once), one that attaches itself and checks with
 * JGIL_REQUIRE_GIL() first, as the guide asks.
 */
#include <pthread.h>
#include <string.h>

#include "test_library.h"
#include "org_jgil_ThreadProbe.h"

struct native_job {
    jobject action;      /* global ref to the Runnable */
    jthrowable error;    /* global ref to what run() threw, if anything */
    int flags;           /* PROBE_* bits observed on the native thread */
    int use_ensure;      /* callFromNativeThread: jgil_ensure(), else AttachCurrentThread */
};

#define PROBE_HELD_BEFORE_ENSURE  1
#define PROBE_HELD_INSIDE         2
#define PROBE_INNER_ACQUIRED      4
#define PROBE_HELD_AFTER_INNER    8
#define PROBE_ENSURE_FAILED      16

/* Keeps the pending exception, if any, in job->error and clears it. */
static void keep_thrown(JNIEnv *env, struct native_job *job)
{
    jthrowable thrown = (*env)->ExceptionOccurred(env);
    if (thrown != NULL) {
        (*env)->ExceptionClear(env);
        job->error = (*env)->NewGlobalRef(env, thrown);
        (*env)->DeleteLocalRef(env, thrown);
    }
}

/* Runs job->action on this (attached) thread; keeps what it threw. */
static void run_action(JNIEnv *env, struct native_job *job)
{
    jclass runnable = (*env)->GetObjectClass(env, job->action);
    jmethodID run = (*env)->GetMethodID(env, runnable, "run", "()V");
    if (run != NULL)
        (*env)->CallVoidMethod(env, job->action, run);
    keep_thrown(env, job);
    (*env)->DeleteLocalRef(env, runnable);
}

/* Runs `body` on a new native thread and waits for it, giving the lock up
 * meanwhile (the new thread needs it); rethrows what the action threw. */
static void on_native_thread(JNIEnv *env, jobject action, void *(*body)(void *), struct native_job *job)
{
    if (action == NULL) {
        probe_throw(env, "java/lang/NullPointerException", "action");
        return;
    }
    job->action = (*env)->NewGlobalRef(env, action);
    if (job->action == NULL)
        return;
    pthread_t thread;
    int rc = 0; /* a refused BEGIN (its exception pending) starts nothing */
    JGIL_BEGIN_ALLOW_THREADS
    rc = pthread_create(&thread, NULL, body, job);
    if (rc == 0)
        pthread_join(thread, NULL);
    JGIL_END_ALLOW_THREADS
    (*env)->DeleteGlobalRef(env, job->action);
    if (rc != 0) {
        probe_throw(env, "java/lang/IllegalStateException", "pthread_create failed: %s", strerror(rc));
        return;
    }
    if (job->error != NULL) {
        if (!(*env)->ExceptionCheck(env))
            (*env)->Throw(env, job->error);
        (*env)->DeleteGlobalRef(env, job->error);
    }
}

static void *ensuring_thread(void *arg)
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
    run_action(probe_env(), job);
    jgil_ensure_end(inner);
    if (jgil_check())
        job->flags |= PROBE_HELD_AFTER_INNER;
    jgil_ensure_end(outer);
    return NULL;
}

JNIEXPORT jint JNICALL Java_org_jgil_ThreadProbe_runOnNativeThread(JNIEnv *env, jclass cls, jobject action)
{
    (void)cls;
    struct native_job job = { NULL, NULL, 0, 1 };
    on_native_thread(env, action, ensuring_thread, &job);
    return (*env)->ExceptionCheck(env) ? 0 : job.flags;
}

/* Attached by jgil_ensure() or by a bare AttachCurrentThread; either way it
 * checks JGIL_REQUIRE_GIL() before it calls managed code. */
static void *attaching_thread(void *arg)
{
    struct native_job *job = arg;
    JavaVM *vm = probe_vm();
    JNIEnv *env;
    jgil_gilstate st = JGIL_ENSURE_FAILED;
    if (job->use_ensure) {
        st = jgil_ensure();
        env = probe_env();
    } else if ((*vm)->AttachCurrentThread(vm, (void **)&env, NULL) != JNI_OK) {
        return NULL;
    }
    if (env == NULL)
        return NULL;
    if (JGIL_REQUIRE_GIL() == 0)
        run_action(env, job);
    else
        keep_thrown(env, job);
    if (job->use_ensure)
        jgil_ensure_end(st);
    else
        (*vm)->DetachCurrentThread(vm);
    return NULL;
}

JNIEXPORT void JNICALL Java_org_jgil_ThreadProbe_callFromNativeThread(JNIEnv *env, jclass cls,
                                                                     jboolean use_ensure, jobject action)
{
    (void)cls;
    struct native_job job = { NULL, NULL, 0, use_ensure };
    on_native_thread(env, action, attaching_thread, &job);
}
