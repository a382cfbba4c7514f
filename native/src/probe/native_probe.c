/*
 * native_probe.c -- org.jgil.probe.NativeProbe: the smallest native calls
 * there are, for the lab and the benchmarks: what the lock costs, and when
 * calls overlap.  The tests' own native calls live in a library of their own
 * (native/test/jni), which libjgil does not ship.
 */
#include "jgil.h"
#include "jgil_internal.h"
#include "org_jgil_probe_NativeProbe.h"

JNIEXPORT void JNICALL Java_org_jgil_probe_NativeProbe_noop(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
}

JNIEXPORT void JNICALL Java_org_jgil_probe_NativeProbe_noopReleased(JNIEnv *env, jclass cls)
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

JNIEXPORT void JNICALL Java_org_jgil_probe_NativeProbe_spin(JNIEnv *env, jclass cls, jlong nanos,
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

/* A short call (`nanos` of spinning) with the given release mode: 0 never,
 * 1 always, 2 adaptive (announced as `nanos` long). */
JNIEXPORT void JNICALL Java_org_jgil_probe_NativeProbe_shortCall(JNIEnv *env, jclass cls, jint mode, jlong nanos)
{
    (void)env; (void)cls;
    JGIL_BEGIN_ALLOW_THREADS_IF(mode == 1 || (mode == 2 && jgil_should_release(nanos)))
    spin_until(jgil_nanotime(), nanos);
    JGIL_END_ALLOW_THREADS_IF
}

/* One jgil_cancelled() poll inside a released section. */
JNIEXPORT jboolean JNICALL Java_org_jgil_probe_NativeProbe_cancelledNow(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    int c = 0;
    JGIL_BEGIN_ALLOW_THREADS
    c = jgil_cancelled();
    JGIL_END_ALLOW_THREADS
    return c ? JNI_TRUE : JNI_FALSE;
}
