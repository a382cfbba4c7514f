/*
 * access.c -- reaching Java arrays and direct buffers from the kernels, and
 * the one place that releases the lock around them (kexec).
 *
 * Why one place: the order of operations is what keeps a released kernel
 * from deadlocking the JVM.  GetPrimitiveArrayCritical may hold off the
 * garbage collector; a thread that then waited for the GIL while the GIL's
 * holder waited for the collector would never wake.  So the lock is given up
 * first, arrays are pinned only around pure computation, and every JNI call
 * (the cancellation upcall included) happens with nothing pinned.
 */
#include <stdarg.h>
#include <stdio.h>

#include "jgil.h"
#include "jgil_internal.h"
#include "kernels.h"

int kthrow_arg(JNIEnv *env, const char *fmt, ...)
{
    char message[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    jgil_throw(env, "java/lang/IllegalArgumentException", "%s", message);
    return -1;
}

int kbufs_check(JNIEnv *env, kbuf *bufs, int count, jboolean direct)
{
    for (int i = 0; i < count; i++) {
        kbuf *b = &bufs[i];
        jlong capacity;
        b->pinned = 0;
        b->ptr = NULL;
        if (b->obj == NULL) {
            jgil_throw(env, "java/lang/NullPointerException", "%s", b->name);
            return -1;
        }
        if (direct) {
            b->base = (*env)->GetDirectBufferAddress(env, b->obj);
            if (b->base == NULL)
                return kthrow_arg(env, "%s must be a direct buffer", b->name);
            capacity = (*env)->GetDirectBufferCapacity(env, b->obj);
        } else {
            b->base = NULL;
            capacity = (*env)->GetArrayLength(env, (jarray)b->obj);
        }
        if (b->off < 0 || b->len < 0 || b->off > capacity - b->len) {
            jgil_throw(env, "java/lang/IndexOutOfBoundsException",
                       "%s: range [%lld, %lld + %lld) out of bounds for length %lld", b->name,
                       (long long)b->off, (long long)b->off, (long long)b->len, (long long)capacity);
            return -1;
        }
    }
    return 0;
}

static void unpin(JNIEnv *env, kbuf *bufs, int count)
{
    /* Reverse order: critical regions nest. */
    for (int i = count - 1; i >= 0; i--) {
        kbuf *b = &bufs[i];
        if (b->pinned) {
            void *start = (char *)b->ptr - (size_t)b->off * (size_t)b->esize;
            (*env)->ReleasePrimitiveArrayCritical(env, (jarray)b->obj, start,
                                                  b->writes ? 0 : JNI_ABORT);
            b->pinned = 0;
        }
        b->ptr = NULL;
    }
}

/* Returns 0, or -1 when the VM could not pin an array (nothing stays pinned). */
static int pin(JNIEnv *env, kbuf *bufs, int count)
{
    for (int i = 0; i < count; i++) {
        kbuf *b = &bufs[i];
        char *start;
        if (b->base != NULL) {
            start = b->base;
        } else {
            start = (*env)->GetPrimitiveArrayCritical(env, (jarray)b->obj, NULL);
            if (start == NULL) {
                unpin(env, bufs, i);
                return -1;
            }
            b->pinned = 1;
        }
        b->ptr = start + (size_t)b->off * (size_t)b->esize;
    }
    return 0;
}

static int run_steps(JNIEnv *env, kbuf *bufs, int count, kstep_fn step, void *state,
                     int64_t budget, int poll)
{
    for (;;) {
        if (pin(env, bufs, count) < 0)
            return KSTATUS_NOMEM;
        int r = step(state, bufs, budget);
        unpin(env, bufs, count);
        if (r == KSTEP_DONE)
            return KSTATUS_OK;
        if (r < 0)
            return r;
        /* Nothing is pinned here: the upcall is allowed.  Should the upcall
         * itself fail (it returns 0 then), stop: no further JNI call, not
         * even GetPrimitiveArrayCritical, is allowed with an exception pending. */
        if (poll) {
            if (jgil_cancelled())
                return KSTATUS_CANCELLED;
            if ((*env)->ExceptionCheck(env))
                return KSTATUS_PENDING;
        }
    }
}

int kexec(JNIEnv *env, jboolean release, const char *site, kbuf *bufs, int count,
          kstep_fn step, void *state, int64_t budget)
{
    int status = KSTATUS_PENDING; /* what a refused BEGIN (its body skipped) leaves */
    jthrowable pending = NULL;
    if (!release) {
        status = run_steps(env, bufs, count, step, state, -1, 0);
    } else {
        JGIL_BEGIN_ALLOW_THREADS_NAMED(site)
        if ((*env)->ExceptionCheck(env)) {
            /* BEGIN refused (checked mode: the caller does not hold the lock).
             * The lock was not given up; END will see the exception and do nothing. */
            status = KSTATUS_PENDING;
        } else {
            status = run_steps(env, bufs, count, step, state, budget, 1);
            /* END's slow path (a contended re-take) makes an upcall, which JNI
             * forbids with an exception pending: park it until we hold the lock.
             * Only a failed run can have left one (each JNI call costs a VM
             * transition, ~10 ns: none on the path of a successful call). */
            if (status != KSTATUS_OK && (*env)->ExceptionCheck(env)) {
                pending = (*env)->ExceptionOccurred(env);
                (*env)->ExceptionClear(env);
            }
        }
        JGIL_END_ALLOW_THREADS
    }
    if (pending != NULL) {
        if (!(*env)->ExceptionCheck(env))
            (*env)->Throw(env, pending);
        (*env)->DeleteLocalRef(env, pending);
        return status == KSTATUS_OK ? KSTATUS_PENDING : status;
    }
    if (status == KSTATUS_OK)
        return KSTATUS_OK; /* an exception END's slow path raised, if any, is the caller's to see */
    if ((*env)->ExceptionCheck(env))
        return status;
    switch (status) {
    case KSTATUS_CANCELLED:
        jgil_throw(env, "java/util/concurrent/CancellationException",
                   "%s: cancelled, the calling thread was interrupted", site);
        break;
    case KSTATUS_NOMEM:
        jgil_throw(env, "java/lang/OutOfMemoryError", "%s: no memory to pin an array or for scratch space",
                   site);
        break;
    default:
        break;
    }
    return status;
}
