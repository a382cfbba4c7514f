/*
 * jgil.h -- release and re-take the jgil global lock from native code.
 *
 * The lock lives in one 64-bit word of native memory that Java and C share.
 * The word holds the owner's Java thread id, or 0 when the lock is free, plus
 * a WAITERS bit that a thread sets before it blocks.  Releasing is one
 * compare-and-swap (owner -> 0), re-taking is another (0 -> owner): neither
 * calls into Java.  Only when the CAS fails -- somebody is waiting, or the lock
 * is taken -- do we go to the slow path, which calls up into the Java
 * scheduler that decides who gets the lock next (see org.jgil.Scheduler).
 * This is PyPy's "fastgil" shape with CPython's scheduling on the slow path.
 *
 * Usage mirrors CPython:
 *
 *     JNIEXPORT jdouble JNICALL Java_my_Kernels_dot(JNIEnv *env, ...)
 *     {
 *         double r;
 *         JGIL_BEGIN_ALLOW_THREADS
 *         r = dot(a, b, n);          // no JNI calls, no managed state here
 *         JGIL_END_ALLOW_THREADS
 *         return r;
 *     }
 *
 * Rules (checked when the runtime runs with -Djgil.checked=true):
 *   - the calling thread must hold the lock at JGIL_BEGIN_ALLOW_THREADS;
 *   - blocks do not nest; JGIL_BLOCK_THREADS/JGIL_UNBLOCK_THREADS only inside;
 *   - never open a block inside a JNI critical region (GetPrimitiveArrayCritical):
 *     the slow path calls into Java.  Get the critical array after BEGIN and
 *     release it before END.
 *
 * Extensions other than libjgil itself call jgil_import(env) once (JNI_OnLoad)
 * and define the API pointer in exactly one of their files with
 * JGIL_DEFINE_API.  They never link against libjgil or libjvm.
 */
#ifndef JGIL_H
#define JGIL_H

#include <stdint.h>
#include <jni.h>

#ifdef __cplusplus
extern "C" {
#endif

#define JGIL_ABI_VERSION 1

/* Bit layout of the lock word: thread ids are positive and far below 2^62. */
#define JGIL_WAITERS_BIT   ((int64_t)1 << 62)
#define JGIL_OWNER_MASK    (JGIL_WAITERS_BIT - 1)

/* Shared state.  Java maps the same bytes (org.jgil.LockWord): keep the
 * offsets in sync with the constants there. */
typedef struct jgil_state {
    int64_t owner;                 /* offset 0: owner tid | WAITERS bit */
    char pad0[56];
    int32_t drop_request;          /* offset 64: a waiter asks the holder to yield */
    int32_t slow_flags;            /* offset 68: JGIL_SLOW_*: nonzero sends every call to the slow path */
    int32_t stats_period;          /* offset 72: with JGIL_SLOW_STATS, time one call in this many (2^k) */
    int32_t reserved;
    char pad1[48];
} jgil_state;

/* Why every release/re-take must take the slow path. */
#define JGIL_SLOW_CHECKED  1       /* checked mode: verify each call, report misuse */
#define JGIL_SLOW_NOLOCK   2       /* policy "none": there is no lock to give up */
#define JGIL_SLOW_STATS    4       /* -Djgil.stats: sample per-site timings (no upcall) */

/* What jgil_save_thread returns under policy "none": nothing to re-take. */
#define JGIL_TSTATE_NOLOCK ((jgil_tstate)-1)

/* Saved by jgil_save_thread, given back to jgil_restore_thread. */
typedef int64_t jgil_tstate;

/* Result of jgil_ensure, given back to jgil_release.  Negative: the lock could
 * not be taken (the JVM is shutting down, or the thread cannot attach). */
typedef int jgil_gilstate;
#define JGIL_ENSURE_FAILED (-1)

typedef struct jgil_api {
    uint32_t abi_version;
    uint32_t size;
    jgil_state *state;
    /* Slow paths: a failed CAS or nonzero slow_flags lands here. */
    jgil_tstate (*save_thread_slow)(const char *site);
    void (*restore_thread_slow)(jgil_tstate saved, const char *site);
    /* Foreign (native) threads; PyGILState_Ensure/Release/Check. */
    jgil_gilstate (*ensure)(void);
    void (*release)(jgil_gilstate state);
    int (*check)(void);
    /* Cancellation: nonzero once Thread.interrupt() reached this released section. */
    int (*cancelled)(void);
} jgil_api;

/* Defined once per shared library: by libjgil itself, or by an extension with
 * JGIL_DEFINE_API.  Hidden so that two extensions never share (or clash on)
 * the symbol. */
extern const jgil_api *jgil_api_ptr __attribute__((visibility("hidden")));

#define JGIL_DEFINE_API \
    const jgil_api *jgil_api_ptr __attribute__((visibility("hidden"))) = 0;

/* JNI's function table reads differently from C and C++. */
#ifdef __cplusplus
#define JGIL_JNI(env) ((env)->functions)
#else
#define JGIL_JNI(env) (*(env))
#endif

/* Looks the runtime up through org.jgil.GilRuntime.apiAddress().  Returns 0,
 * or -1 with a Java exception pending.  Call it from JNI_OnLoad. */
static inline int jgil_import(JNIEnv *env)
{
    jclass cls = JGIL_JNI(env)->FindClass(env, "org/jgil/GilRuntime");
    if (cls == NULL)
        return -1;
    jmethodID mid = JGIL_JNI(env)->GetStaticMethodID(env, cls, "apiAddress", "(I)J");
    if (mid == NULL)
        return -1;
    jlong addr = JGIL_JNI(env)->CallStaticLongMethod(env, cls, mid, (jint)JGIL_ABI_VERSION);
    JGIL_JNI(env)->DeleteLocalRef(env, cls);
    if (JGIL_JNI(env)->ExceptionCheck(env))
        return -1;
    jgil_api_ptr = (const jgil_api *)(intptr_t)addr;
    return 0;
}

/* Release the lock held by the calling thread; returns what restore needs.
 * Uncontended: one CAS, no call into Java. */
static inline jgil_tstate jgil_save_thread_at(const char *site)
{
    jgil_state *s = jgil_api_ptr->state;
    int64_t w = __atomic_load_n(&s->owner, __ATOMIC_RELAXED);
    if (__builtin_expect(__atomic_load_n(&s->slow_flags, __ATOMIC_RELAXED) == 0 && w > 0 && (w & JGIL_WAITERS_BIT) == 0, 1)
        && __atomic_compare_exchange_n(&s->owner, &w, 0, 0,
                                       __ATOMIC_RELEASE, __ATOMIC_RELAXED))
        return w;
    return jgil_api_ptr->save_thread_slow(site);
}

/* Take the lock back.  Uncontended: one CAS, no call into Java. */
static inline void jgil_restore_thread_at(jgil_tstate saved, const char *site)
{
    jgil_state *s = jgil_api_ptr->state;
    int64_t expected = 0;
    if (__builtin_expect(__atomic_load_n(&s->slow_flags, __ATOMIC_RELAXED) == 0 && saved > 0, 1)
        && __atomic_compare_exchange_n(&s->owner, &expected, saved, 0,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return;
    jgil_api_ptr->restore_thread_slow(saved, site);
}

static inline jgil_tstate jgil_save_thread(void) { return jgil_save_thread_at(0); }
static inline void jgil_restore_thread(jgil_tstate saved) { jgil_restore_thread_at(saved, 0); }

/* Take the lock from any thread, attaching it to the JVM if it is a native
 * thread; nests.  Pair every call with jgil_release. */
static inline jgil_gilstate jgil_ensure(void) { return jgil_api_ptr->ensure(); }
static inline void jgil_release(jgil_gilstate st) { jgil_api_ptr->release(st); }

/* 1 if the calling thread holds the lock (PyGILState_Check). */
static inline int jgil_check(void) { return jgil_api_ptr->check(); }

/* Nonzero once the Java thread that made this call was interrupted. */
static inline int jgil_cancelled(void) { return jgil_api_ptr->cancelled(); }

/* The block macros keep errno across the lock operations, as CPython's do: the
 * fast path never touches it, and the slow paths in the runtime restore it. */
#define JGIL_BEGIN_ALLOW_THREADS_NAMED(name) \
    { \
        const char *_jgil_site = (name); \
        jgil_tstate _jgil_save = jgil_save_thread_at(_jgil_site);

#define JGIL_BEGIN_ALLOW_THREADS JGIL_BEGIN_ALLOW_THREADS_NAMED(__func__)

#define JGIL_BLOCK_THREADS   jgil_restore_thread_at(_jgil_save, _jgil_site);
#define JGIL_UNBLOCK_THREADS _jgil_save = jgil_save_thread_at(_jgil_site);

#define JGIL_END_ALLOW_THREADS \
        JGIL_BLOCK_THREADS \
    }

#ifdef __cplusplus
}
#endif

#endif /* JGIL_H */
