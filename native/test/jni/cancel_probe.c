/*
 * cancel_probe.c -- org.jgil.CancelProbe: cancellable native work for the
 * tests: a polling spin, a blocking poll(2) woken by its unblocking function,
 * and the cost of a poll.
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "test_library.h"
#include "org_jgil_CancelProbe.h"

/* Spin until `nanos` passed or the thread is interrupted; polls
 * jgil_cancelled() every ~100 us.  Returns the nanoseconds spun. */
JNIEXPORT jlong JNICALL Java_org_jgil_CancelProbe_spinCancellable(JNIEnv *env, jclass cls, jlong nanos)
{
    (void)cls;
    int64_t start = 0, now = 0; /* a refused BEGIN skips the body */
    int cancelled = 0;
    JGIL_BEGIN_ALLOW_THREADS
    start = now = probe_nanotime();
    while (now - start < nanos) {
        int64_t slice_end = now + 100000;
        while ((now = probe_nanotime()) < slice_end)
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
JNIEXPORT jint JNICALL Java_org_jgil_CancelProbe_blockCancellable(JNIEnv *env, jclass cls, jint millis)
{
    (void)cls;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return probe_throw(env, "java/io/IOException", "pipe: %s", strerror(errno));
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
JNIEXPORT jlong JNICALL Java_org_jgil_CancelProbe_pollCostPicos(JNIEnv *env, jclass cls, jint n)
{
    (void)env; (void)cls;
    int64_t start = 0, end = 0;
    int hits = 0;
    JGIL_BEGIN_ALLOW_THREADS
    hits += jgil_cancelled(); /* arms the thread */
    start = probe_nanotime();
    for (jint i = 0; i < n; i++)
        hits += jgil_cancelled();
    end = probe_nanotime();
    JGIL_END_ALLOW_THREADS
    return hits ? -1 : (end - start) * 1000 / (n > 0 ? n : 1);
}
