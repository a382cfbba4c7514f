/*
 * critical_probe.c -- org.jgil.CriticalProbe: native state guarded by
 * jgil_critical.h, for the tests.  Two counters in native memory, each with
 * its jgil_mutex; the read-modify-writes are deliberately slow, so that
 * threads that are not serialized lose updates.
 */
#include "test_library.h"
#include "jgil_critical.h"
#include "org_jgil_CriticalProbe.h"

static jgil_mutex counter_mutex[2] = {JGIL_MUTEX_INIT, JGIL_MUTEX_INIT};
/* volatile: every read and write goes to memory, so a race is a real one. */
static volatile int64_t counters[2];

/* A read-modify-write with a gap between the read and the write. */
static void bump(int which, int64_t delta)
{
    int64_t v = counters[which];
    for (int i = 0; i < 16; i++)
        jgil_cpu_relax();
    counters[which] = v + delta;
}

JNIEXPORT void JNICALL Java_org_jgil_CriticalProbe_increment(JNIEnv *env, jclass cls, jlong times, jboolean guarded)
{
    (void)env;
    (void)cls;
    for (jlong i = 0; i < times; i++) {
        if (guarded) {
            JGIL_BEGIN_CRITICAL_SECTION(&counter_mutex[0])
            bump(0, 1);
            JGIL_END_CRITICAL_SECTION
        } else {
            bump(0, 1);
        }
    }
}

JNIEXPORT void JNICALL Java_org_jgil_CriticalProbe_transfer(JNIEnv *env, jclass cls, jlong times, jboolean forward)
{
    (void)env;
    (void)cls;
    int from = forward ? 0 : 1;
    int to = 1 - from;
    for (jlong i = 0; i < times; i++) {
        /* Name the pair in the caller's order: the macro orders the locks. */
        JGIL_BEGIN_CRITICAL_SECTION2(&counter_mutex[from], &counter_mutex[to])
        bump(from, -1);
        bump(to, 1);
        JGIL_END_CRITICAL_SECTION2
    }
}

JNIEXPORT jlong JNICALL Java_org_jgil_CriticalProbe_counter(JNIEnv *env, jclass cls, jint which)
{
    (void)cls;
    if (which < 0 || which > 1) {
        return probe_throw(env, "java/lang/IllegalArgumentException", "counter index must be 0 or 1");
    }
    return counters[which];
}

JNIEXPORT void JNICALL Java_org_jgil_CriticalProbe_reset(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    counters[0] = counters[1] = 0;
}
