/*
 * jni_kit_probe.c -- org.jgil.KitProbe: small native calls that exercise the
 * extension kit's C side (cancellation, thresholded and adaptive release,
 * checked-mode checks, errno) for the library's tests and benchmarks.
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "jgil.h"
#include "jgil_internal.h"
#include "org_jgil_KitProbe.h"

/* Spin until `nanos` passed or the thread is interrupted; polls
 * jgil_cancelled() every ~100 us.  Returns the nanoseconds spun. */
JNIEXPORT jlong JNICALL Java_org_jgil_KitProbe_spinCancellable(JNIEnv *env, jclass cls, jlong nanos)
{
    (void)cls;
    int64_t start = 0, now = 0; /* a refused BEGIN skips the body */
    int cancelled = 0;
    JGIL_BEGIN_ALLOW_THREADS
    start = now = jgil_nanotime();
    while (now - start < nanos) {
        int64_t slice_end = now + 100000;
        while ((now = jgil_nanotime()) < slice_end)
            ;
        if (jgil_cancelled()) {
            cancelled = 1;
            break;
        }
    }
    JGIL_END_ALLOW_THREADS
    if (cancelled)
        jgil_throw_cancelled(env, __func__);
    return now - start;
}

/* The unblocking function: wake the poll() below. */
static void wake_pipe(void *arg)
{
    int fd = *(int *)arg;
    char b = 1;
    ssize_t r = write(fd, &b, 1);
    (void)r;
}

/* Block in poll() on a pipe nobody writes to, up to `millis`, in a
 * cancellable section whose ubf writes to the pipe.  Returns 0 on timeout. */
JNIEXPORT jint JNICALL Java_org_jgil_KitProbe_blockCancellable(JNIEnv *env, jclass cls, jint millis)
{
    (void)cls;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return jgil_throw(env, "java/io/IOException", "pipe: %s", strerror(errno));
    int cancelled = 0, rc = 0;
    JGIL_BEGIN_ALLOW_THREADS_CANCELLABLE(wake_pipe, &fds[1])
    for (;;) {
        struct pollfd p = { fds[0], POLLIN, 0 };
        rc = poll(&p, 1, millis);
        if (rc < 0 && errno == EINTR)
            continue;
        /* Woken: by the ubf (confirm: a ubf may fire spuriously) or data. */
        if (rc > 0) {
            char b;
            ssize_t r = read(fds[0], &b, 1);
            (void)r;
            if (jgil_cancelled()) {
                cancelled = 1;
                break;
            }
            continue;
        }
        break;
    }
    JGIL_END_ALLOW_THREADS_CANCELLABLE
    close(fds[0]);
    close(fds[1]);
    if (cancelled)
        jgil_throw_cancelled(env, __func__);
    return rc;
}

/* Average cost of one jgil_cancelled() poll, in picoseconds, over n polls. */
JNIEXPORT jlong JNICALL Java_org_jgil_KitProbe_pollCostPicos(JNIEnv *env, jclass cls, jint n)
{
    (void)env; (void)cls;
    int64_t start = 0, end = 0;
    int hits = 0;
    JGIL_BEGIN_ALLOW_THREADS
    hits += jgil_cancelled(); /* arms the thread */
    start = jgil_nanotime();
    for (jint i = 0; i < n; i++)
        hits += jgil_cancelled();
    end = jgil_nanotime();
    JGIL_END_ALLOW_THREADS
    return hits ? -1 : (end - start) * 1000 / (n > 0 ? n : 1);
}

/* One jgil_cancelled() poll inside a released section. */
JNIEXPORT jboolean JNICALL Java_org_jgil_KitProbe_cancelledNow(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    int c = 0;
    JGIL_BEGIN_ALLOW_THREADS
    c = jgil_cancelled();
    JGIL_END_ALLOW_THREADS
    return c ? JNI_TRUE : JNI_FALSE;
}

/* Releases only if `cond`; returns whether it did. */
JNIEXPORT jboolean JNICALL Java_org_jgil_KitProbe_releasedIf(JNIEnv *env, jclass cls, jboolean cond)
{
    (void)env; (void)cls;
    jboolean released = JNI_FALSE;
    JGIL_BEGIN_ALLOW_THREADS_IF(cond)
    released = JGIL_RELEASED;
    JGIL_END_ALLOW_THREADS_IF
    return released;
}

/* Adaptive release of a call announced as `expected_ns` long; returns whether it released. */
JNIEXPORT jboolean JNICALL Java_org_jgil_KitProbe_releasedAdaptive(JNIEnv *env, jclass cls, jlong expected_ns)
{
    (void)env; (void)cls;
    jboolean released = JNI_FALSE;
    JGIL_BEGIN_ALLOW_THREADS_ADAPTIVE(expected_ns)
    released = JGIL_RELEASED;
    JGIL_END_ALLOW_THREADS_ADAPTIVE
    return released;
}

/* A short call (`nanos` of spinning) with the given release mode: 0 never,
 * 1 always, 2 adaptive (announced as `nanos` long). */
JNIEXPORT void JNICALL Java_org_jgil_KitProbe_shortCall(JNIEnv *env, jclass cls, jint mode, jlong nanos)
{
    (void)env; (void)cls;
    int64_t start;
    JGIL_BEGIN_ALLOW_THREADS_IF(mode == 1 || (mode == 2 && jgil_should_release(nanos)))
    start = jgil_nanotime();
    while (jgil_nanotime() - start < nanos)
        ;
    JGIL_END_ALLOW_THREADS_IF
}

/* Sets errno, runs an empty block of the given kind, returns errno. */
JNIEXPORT jint JNICALL Java_org_jgil_KitProbe_errnoAcross(JNIEnv *env, jclass cls, jint value, jint kind)
{
    (void)env; (void)cls;
    int after;
    errno = value;
    if (kind == 0) {
        JGIL_BEGIN_ALLOW_THREADS
        errno = value; /* the kernel's own failure */
        JGIL_END_ALLOW_THREADS
    } else if (kind == 1) {
        JGIL_BEGIN_ALLOW_THREADS_IF(1)
        JGIL_END_ALLOW_THREADS_IF
    } else {
        JGIL_BEGIN_ALLOW_THREADS_CANCELLABLE(NULL, NULL)
        (void)jgil_cancelled();
        JGIL_END_ALLOW_THREADS_CANCELLABLE
    }
    after = errno;
    return after;
}

/* ---- checked-mode mistakes ---- */

/* BEGIN inside BEGIN. */
JNIEXPORT void JNICALL Java_org_jgil_KitProbe_nestedBegin(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    JGIL_BEGIN_ALLOW_THREADS
    JGIL_BEGIN_ALLOW_THREADS_NAMED("inner_kernel")
    JGIL_END_ALLOW_THREADS
    JGIL_END_ALLOW_THREADS
}

/* JGIL_REQUIRE_GIL() inside a released section (managed-only work without the lock). */
JNIEXPORT void JNICALL Java_org_jgil_KitProbe_requireGilReleased(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    JGIL_BEGIN_ALLOW_THREADS
    JGIL_REQUIRE_GIL();
    JGIL_END_ALLOW_THREADS
}

/* JGIL_CHECKPOINT() inside a released section. */
JNIEXPORT void JNICALL Java_org_jgil_KitProbe_checkpointReleased(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    JGIL_BEGIN_ALLOW_THREADS
    JGIL_CHECKPOINT();
    JGIL_END_ALLOW_THREADS
}

/* JGIL_CHECKPOINT() holding the lock (the right use). */
JNIEXPORT void JNICALL Java_org_jgil_KitProbe_checkpointHeld(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    JGIL_CHECKPOINT();
}

/* A JNI call fails inside a released section, leaving an exception pending at END. */
JNIEXPORT void JNICALL Java_org_jgil_KitProbe_throwInsideSection(JNIEnv *env, jclass cls)
{
    (void)cls;
    JGIL_BEGIN_ALLOW_THREADS
    jgil_throw(env, "java/lang/ArithmeticException", "thrown inside a released section");
    JGIL_END_ALLOW_THREADS
}

/* A native thread that attaches itself to the JVM (AttachCurrentThread, no
 * jgil_ensure) and is about to call managed code: it checks with
 * JGIL_REQUIRE_GIL() first, as the guide asks. */
struct attach_job {
    JavaVM *vm;
    int use_ensure;
    jobject action;
    jthrowable error;
};

static void *attach_main(void *arg)
{
    struct attach_job *job = arg;
    JNIEnv *env;
    jgil_gilstate st = JGIL_ENSURE_FAILED;
    if (job->use_ensure) {
        st = jgil_ensure();
        env = jgil_env();
    } else if ((*job->vm)->AttachCurrentThread(job->vm, (void **)&env, NULL) != JNI_OK) {
        return NULL;
    }
    if (JGIL_REQUIRE_GIL() == 0) {
        jclass c = (*env)->GetObjectClass(env, job->action);
        jmethodID run = (*env)->GetMethodID(env, c, "run", "()V");
        (*env)->CallVoidMethod(env, job->action, run);
        (*env)->DeleteLocalRef(env, c);
    }
    jthrowable t = (*env)->ExceptionOccurred(env);
    if (t != NULL) {
        (*env)->ExceptionClear(env);
        job->error = (*env)->NewGlobalRef(env, t);
    }
    if (job->use_ensure)
        jgil_ensure_end(st);
    else
        (*job->vm)->DetachCurrentThread(job->vm);
    return NULL;
}

JNIEXPORT void JNICALL Java_org_jgil_KitProbe_callFromNativeThread(JNIEnv *env, jclass cls,
                                                                  jboolean use_ensure, jobject action)
{
    (void)cls;
    struct attach_job job = { NULL, use_ensure, (*env)->NewGlobalRef(env, action), NULL };
    (*env)->GetJavaVM(env, &job.vm);
    pthread_t t;
    int rc = 0; /* a refused BEGIN (its exception pending) starts nothing */
    JGIL_BEGIN_ALLOW_THREADS
    rc = pthread_create(&t, NULL, attach_main, &job);
    if (rc == 0)
        pthread_join(t, NULL);
    JGIL_END_ALLOW_THREADS
    (*env)->DeleteGlobalRef(env, job.action);
    if (rc != 0) {
        jgil_throw(env, "java/lang/IllegalStateException", "pthread_create: %s", strerror(rc));
        return;
    }
    if (job.error != NULL) {
        (*env)->Throw(env, job.error);
        (*env)->DeleteGlobalRef(env, job.error);
    }
}
