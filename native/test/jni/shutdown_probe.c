/*
 * shutdown_probe.c -- org.jgil.ShutdownProbe: a detached native thread
 * that takes and gives back the lock with jgil_ensure()/jgil_ensure_end() in a
 * loop, for as long as the process lives, to test what happens to such a
 * thread when the JVM shuts down: ensure must fail, not hang or crash.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "test_library.h"
#include "org_jgil_ShutdownProbe.h"

static int64_t successes, failures;

static void *ensure_loop(void *arg)
{
    (void)arg;
    for (;;) {
        jgil_gilstate st = jgil_ensure();
        if (st < 0) {
            if (__atomic_fetch_add(&failures, 1, __ATOMIC_SEQ_CST) == 0) {
                fprintf(stderr, "ensure-loop: jgil_ensure failed after %lld successes\n",
                        (long long)__atomic_load_n(&successes, __ATOMIC_SEQ_CST));
                fflush(stderr);
            }
        } else {
            __atomic_fetch_add(&successes, 1, __ATOMIC_SEQ_CST);
            jgil_ensure_end(st);
        }
        struct timespec ts = { 0, 200000 };
        nanosleep(&ts, NULL);
    }
    return NULL;
}

JNIEXPORT void JNICALL Java_org_jgil_ShutdownProbe_startEnsureLoop(JNIEnv *env, jclass cls)
{
    (void)cls;
    pthread_attr_t attr;
    pthread_t thread;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&thread, &attr, ensure_loop, NULL);
    pthread_attr_destroy(&attr);
    if (rc != 0)
        probe_throw(env, "java/lang/IllegalStateException", "pthread_create failed: %s", strerror(rc));
}

JNIEXPORT jlong JNICALL Java_org_jgil_ShutdownProbe_ensureSuccesses(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    return __atomic_load_n(&successes, __ATOMIC_SEQ_CST);
}

JNIEXPORT jlong JNICALL Java_org_jgil_ShutdownProbe_ensureFailures(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    return __atomic_load_n(&failures, __ATOMIC_SEQ_CST);
}
