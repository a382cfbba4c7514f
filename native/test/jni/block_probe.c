/*
 * block_probe.c -- org.jgil.BlockProbe: released blocks of every kind, as an
 * extension writes them, for the tests: thresholded and adaptive release,
 * errno across a block, blocks left early, the reservation's re-take window
 * held open, and the checked-mode mistakes.
 */
#include <errno.h>
#include <setjmp.h>

#include "test_library.h"
#include "org_jgil_BlockProbe.h"

/* Releases only if `cond`; returns whether it did. */
JNIEXPORT jboolean JNICALL Java_org_jgil_BlockProbe_releasedIf(JNIEnv *env, jclass cls, jboolean cond)
{
    (void)env; (void)cls;
    jboolean released = JNI_FALSE;
    JGIL_BEGIN_ALLOW_THREADS_IF(cond)
    released = JGIL_RELEASED;
    JGIL_END_ALLOW_THREADS_IF
    return released;
}

/* Adaptive release of a call announced as `expected_ns` long; returns whether it released. */
JNIEXPORT jboolean JNICALL Java_org_jgil_BlockProbe_releasedAdaptive(JNIEnv *env, jclass cls, jlong expected_ns)
{
    (void)env; (void)cls;
    jboolean released = JNI_FALSE;
    JGIL_BEGIN_ALLOW_THREADS_ADAPTIVE(expected_ns)
    released = JGIL_RELEASED;
    JGIL_END_ALLOW_THREADS_ADAPTIVE
    return released;
}

/* Sets errno, runs an empty block of the given kind, returns errno. */
JNIEXPORT jint JNICALL Java_org_jgil_BlockProbe_errnoAcross(JNIEnv *env, jclass cls, jint value, jint kind)
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
JNIEXPORT void JNICALL Java_org_jgil_BlockProbe_nestedBegin(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    JGIL_BEGIN_ALLOW_THREADS
    JGIL_BEGIN_ALLOW_THREADS_NAMED("inner_kernel")
    JGIL_END_ALLOW_THREADS
    JGIL_END_ALLOW_THREADS
}

/* JGIL_REQUIRE_GIL() inside a released section (managed-only work without the lock). */
JNIEXPORT void JNICALL Java_org_jgil_BlockProbe_requireGilReleased(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    JGIL_BEGIN_ALLOW_THREADS
    JGIL_REQUIRE_GIL();
    JGIL_END_ALLOW_THREADS
}

/* JGIL_CHECKPOINT() inside a released section. */
JNIEXPORT void JNICALL Java_org_jgil_BlockProbe_checkpointReleased(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    JGIL_BEGIN_ALLOW_THREADS
    JGIL_CHECKPOINT();
    JGIL_END_ALLOW_THREADS
}

/* JGIL_CHECKPOINT() holding the lock (the right use). */
JNIEXPORT void JNICALL Java_org_jgil_BlockProbe_checkpointHeld(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    JGIL_CHECKPOINT();
}

/* A JNI call fails inside a released section, leaving an exception pending at END. */
JNIEXPORT void JNICALL Java_org_jgil_BlockProbe_throwInsideSection(JNIEnv *env, jclass cls)
{
    (void)cls;
    JGIL_BEGIN_ALLOW_THREADS
    probe_throw(env, "java/lang/ArithmeticException", "thrown inside a released section");
    JGIL_END_ALLOW_THREADS
}

/* ---- blocks left early (CheckedModeTest) ---- */

static __thread jmp_buf leave_to;

JNIEXPORT jint JNICALL Java_org_jgil_BlockProbe_leaveBlockEarly(JNIEnv *env, jclass cls, jint how)
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

static void spin_for(int64_t nanos)
{
    int64_t start = probe_nanotime();
    while (probe_nanotime() - start < nanos)
        ;
}

/* A released section whose re-take stalls for `stall_ns` between reading the
 * lock word and storing its id: the instant in which a revoker must see the
 * "retaking" flag and leave the lock alone.  The section itself reserves the
 * lock even if a recent revocation switched reservations off (the caller
 * holds the lock, so it may set the mode).  Returns 1 if the re-take went the
 * fast way (the reservation was still there), 0 if through the slow path. */
JNIEXPORT jint JNICALL Java_org_jgil_BlockProbe_releasedWithStalledRetake(JNIEnv *env, jclass cls,
                                                                         jlong section_ns, jlong stall_ns)
{
    (void)env; (void)cls;
    jgil_state *s = jgil_api_ptr->state;
    if (section_ns < 0 || stall_ns < 0) {
        probe_throw(env, "java/lang/IllegalArgumentException", "times must be >= 0");
        return 0;
    }
    if (__atomic_load_n(&s->mode, __ATOMIC_RELAXED) != JGIL_MODE_FENCED)
        __atomic_store_n(&s->mode, JGIL_MODE_RESERVE, __ATOMIC_RELAXED);
    jgil_tstate saved = jgil_save_thread_at("releasedWithStalledRetake");
    spin_for(section_ns);
    /* JGIL_END_ALLOW_THREADS's fast path, slowed down in its window. */
    jgil_this_thread()->retaking = 1;
    JGIL_COMPILER_BARRIER();
    int64_t w = __atomic_load_n(&s->owner, __ATOMIC_ACQUIRE);
    spin_for(stall_ns);
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
