/*
 * jgil_runtime.c -- the native half of the jgil lock.
 *
 * What lives here: the shared lock state (one cache line for the owner word,
 * one for the flags), the API table that extensions import, and the slow
 * paths.  The fast paths are inline in jgil.h and never come here.
 *
 * Every slow path is an upcall into org.jgil.GilRuntime, where the scheduling
 * policy decides who runs next.  That costs about 60 ns, paid only when the
 * lock is contended, in checked mode, or for native-thread attach -- never on
 * an uncontended release/re-take.
 *
 * Threads that are not attached to the JVM cannot call into Java at all, so
 * jgil_ensure() attaches them (as daemons, so that a native thread never keeps
 * the JVM alive) and jgil_release() detaches what it attached.
 */
#include <errno.h>
#include <string.h>

#include "jgil.h"
#include "jgil_internal.h"
#include "org_jgil_GilRuntime.h"

JGIL_DEFINE_API

static jgil_state runtime_state __attribute__((aligned(64)));

static JavaVM *jvm;
static jclass runtime_class;
static jmethodID mid_release_from_native;
static jmethodID mid_acquire_from_native;
static jmethodID mid_ensure_from_native;
static jmethodID mid_release_ensured;
static jmethodID mid_is_held;
static jmethodID mid_is_interrupted;
static jmethodID mid_require_gil;
static jmethodID mid_checkpoint;
static jmethodID mid_add_suppressed;

/* JGIL_JNI_ENSURE bits: did ensure take the lock, did it attach the thread. */
#define ENSURE_ACQUIRED 1
#define ENSURE_ATTACHED 2

JNIEnv *jgil_env(void)
{
    JNIEnv *env = NULL;
    if (jvm == NULL || (*jvm)->GetEnv(jvm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
        return NULL;
    return env;
}

/* A slow path must not run with an exception already pending: JNI forbids most
 * calls then.  The caller's exception wins; we do nothing. */
static JNIEnv *env_for_upcall(void)
{
    JNIEnv *env = jgil_env();
    if (env == NULL || (*env)->ExceptionCheck(env))
        return NULL;
    return env;
}

/* The slow paths keep errno: the kernel around them may be reporting a
 * failure through it, and a JVM upcall may clobber it.  Statistics and the
 * no-lock policy divert the fast path here too, but need no Java: only a
 * failed CAS or checked mode calls up. */
static jgil_tstate save_thread_slow(const char *site)
{
    int flags = __atomic_load_n(&runtime_state.slow_flags, __ATOMIC_RELAXED);
    if (flags & JGIL_SLOW_STATS)
        jgil_stats_begin();
    if (flags & JGIL_SLOW_NOLOCK)
        return JGIL_TSTATE_NOLOCK;
    if (!(flags & JGIL_SLOW_CHECKED)) {
        /* Only statistics sent us here: the uncontended case still needs no Java. */
        int64_t w = __atomic_load_n(&runtime_state.owner, __ATOMIC_RELAXED);
        if (w > 0 && (w & JGIL_WAITERS_BIT) == 0
            && __atomic_compare_exchange_n(&runtime_state.owner, &w, 0, 0,
                                           __ATOMIC_RELEASE, __ATOMIC_RELAXED))
            return w;
    }
    int saved_errno = errno;
    jlong tid = 0;
    JNIEnv *env = env_for_upcall();
    if (env != NULL) {
        tid = (*env)->CallStaticLongMethod(env, runtime_class, mid_release_from_native,
                                           (jlong)(intptr_t)site);
        if ((*env)->ExceptionCheck(env))
            tid = 0;
    }
    errno = saved_errno;
    return tid;
}

static void restore_thread_slow(jgil_tstate saved, const char *site)
{
    int flags = __atomic_load_n(&runtime_state.slow_flags, __ATOMIC_RELAXED);
    if (saved == JGIL_TSTATE_HELD)
        return; /* a _IF/_ADAPTIVE block that kept the lock */
    if (flags & JGIL_SLOW_STATS)
        jgil_stats_work_done();
    if (saved == JGIL_TSTATE_NOLOCK && (flags & JGIL_SLOW_NOLOCK))
        return;
    int64_t expected = 0;
    if (!(flags & JGIL_SLOW_CHECKED) && saved > 0
        && __atomic_compare_exchange_n(&runtime_state.owner, &expected, saved, 0,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        if (flags & JGIL_SLOW_STATS)
            jgil_stats_end(site);
        return;
    }
    int saved_errno = errno;
    JNIEnv *env = jgil_env();
    if (env == NULL) {
        errno = saved_errno;
        return;
    }
    jthrowable pending = NULL;
    if ((*env)->ExceptionCheck(env)) {
        /* saved == 0: BEGIN itself failed (its exception is pending) and never
         * gave the lock up; nothing to take back. */
        if (saved == 0) {
            errno = saved_errno;
            return;
        }
        /* The kernel left an exception pending (a JNI call failed inside the
         * block).  The lock must still be re-taken, or the thread would return
         * to Java without it: park the exception across the upcall. */
        pending = (*env)->ExceptionOccurred(env);
        (*env)->ExceptionClear(env);
    }
    (*env)->CallStaticVoidMethod(env, runtime_class, mid_acquire_from_native,
                                 (jlong)saved, (jlong)(intptr_t)site);
    if (pending == NULL) {
        /* Whatever the upcall threw stays pending for the kernel's caller; checking marks it
         * seen, so that the kernel's next JNI call (e.g. SetLongArrayRegion after END) is not
         * "made without checking exceptions" (-Xcheck:jni warns). Slow path only. */
        (void)(*env)->ExceptionCheck(env);
    } else {
        jthrowable ours = (*env)->ExceptionOccurred(env);
        if (ours != NULL) {
            (*env)->ExceptionClear(env);
            (*env)->CallVoidMethod(env, pending, mid_add_suppressed, ours);
            (*env)->ExceptionClear(env);
            (*env)->DeleteLocalRef(env, ours);
        }
        (*env)->Throw(env, pending);
        (*env)->DeleteLocalRef(env, pending);
    }
    if (flags & JGIL_SLOW_STATS)
        jgil_stats_end(site);
    errno = saved_errno;
}

/* Set by GilRuntime's shutdown hook: the JVM is going away. */
static int shutting_down;

JNIEXPORT void JNICALL Java_org_jgil_GilRuntime_markShutdown(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    __atomic_store_n(&shutting_down, 1, __ATOMIC_RELEASE);
}

static jgil_gilstate ensure(void)
{
    JNIEnv *env = jgil_env();
    int result = 0;
    if (env == NULL) {
        /* A thread that would have to attach after shutdown began fails at once: attaching to
         * a JVM that is exiting may block forever or race its teardown, and managed code would
         * not run to the end anyway.  Attached threads (Java's own) are not affected. */
        if (jvm == NULL || __atomic_load_n(&shutting_down, __ATOMIC_ACQUIRE))
            return JGIL_ENSURE_FAILED;
        JavaVMAttachArgs args = { JNI_VERSION_1_8, "jgil-native", NULL };
        if ((*jvm)->AttachCurrentThreadAsDaemon(jvm, (void **)&env, &args) != JNI_OK)
            return JGIL_ENSURE_FAILED;
        result |= ENSURE_ATTACHED;
    }
    if ((*env)->ExceptionCheck(env))
        return JGIL_ENSURE_FAILED;
    jboolean acquired = (*env)->CallStaticBooleanMethod(env, runtime_class, mid_ensure_from_native);
    if ((*env)->ExceptionCheck(env)) {
        /* Nobody above a native thread could catch it: report and fail. */
        (*env)->ExceptionDescribe(env);
        (*env)->ExceptionClear(env);
        if (result & ENSURE_ATTACHED)
            (*jvm)->DetachCurrentThread(jvm);
        return JGIL_ENSURE_FAILED;
    }
    if (acquired)
        result |= ENSURE_ACQUIRED;
    return result;
}

static void release(jgil_gilstate st)
{
    if (st < 0)
        return;
    JNIEnv *env = jgil_env();
    if (env == NULL)
        return;
    if (st & ENSURE_ACQUIRED) {
        /* Managed code called under the ensure may have left an exception
         * for the caller: keep it across the upcall that gives the lock back. */
        jthrowable pending = (*env)->ExceptionOccurred(env);
        if (pending != NULL)
            (*env)->ExceptionClear(env);
        (*env)->CallStaticVoidMethod(env, runtime_class, mid_release_ensured);
        if (pending == NULL) {
            (void)(*env)->ExceptionCheck(env); /* as in restore_thread_slow: seen, left pending */
        } else {
            if ((*env)->ExceptionCheck(env))
                (*env)->ExceptionClear(env);
            (*env)->Throw(env, pending);
            (*env)->DeleteLocalRef(env, pending);
        }
    }
    if (st & ENSURE_ATTACHED) {
        if ((*env)->ExceptionCheck(env)) {
            (*env)->ExceptionDescribe(env);
            (*env)->ExceptionClear(env);
        }
        (*jvm)->DetachCurrentThread(jvm);
    }
}

static int check(void)
{
    JNIEnv *env = env_for_upcall();
    if (env == NULL)
        return 0;
    jboolean held = (*env)->CallStaticBooleanMethod(env, runtime_class, mid_is_held);
    return !(*env)->ExceptionCheck(env) && held;
}

static int require_gil(const char *site)
{
    int saved_errno = errno;
    JNIEnv *env = env_for_upcall();
    int r = 0;
    if (env != NULL) {
        (*env)->CallStaticVoidMethod(env, runtime_class, mid_require_gil, (jlong)(intptr_t)site);
        r = (*env)->ExceptionCheck(env) ? -1 : 0;
    } else if (jgil_env() != NULL) {
        r = -1; /* an exception is pending already */
    }
    errno = saved_errno;
    return r;
}

static void checkpoint(const char *site)
{
    int saved_errno = errno;
    JNIEnv *env = env_for_upcall();
    if (env != NULL)
        (*env)->CallStaticVoidMethod(env, runtime_class, mid_checkpoint, (jlong)(intptr_t)site);
    errno = saved_errno;
}

static const jgil_api runtime_api = {
    JGIL_ABI_VERSION,
    sizeof(jgil_api),
    &runtime_state,
    save_thread_slow,
    restore_thread_slow,
    ensure,
    release,
    check,
    jgil_cancel_poll,
    require_gil,
    jgil_cancel_begin,
    jgil_cancel_end,
    checkpoint,
};

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
    (void)reserved;
    jvm = vm;
    jgil_api_ptr = &runtime_api;
    return JNI_VERSION_1_8;
}

static jmethodID static_method(JNIEnv *env, jclass cls, const char *name, const char *sig)
{
    return (*env)->GetStaticMethodID(env, cls, name, sig);
}

JNIEXPORT void JNICALL Java_org_jgil_GilRuntime_init(JNIEnv *env, jclass cls)
{
    runtime_class = (*env)->NewGlobalRef(env, cls);
    if (runtime_class == NULL)
        return;
    if (!(mid_release_from_native = static_method(env, cls, "releaseFromNative", "(J)J"))
        || !(mid_acquire_from_native = static_method(env, cls, "acquireFromNative", "(JJ)V"))
        || !(mid_ensure_from_native = static_method(env, cls, "ensureFromNative", "()Z"))
        || !(mid_release_ensured = static_method(env, cls, "releaseEnsured", "()V"))
        || !(mid_is_held = static_method(env, cls, "isHeldFromNative", "()Z"))
        || !(mid_is_interrupted = static_method(env, cls, "isInterruptedFromNative", "()Z"))
        || !(mid_require_gil = static_method(env, cls, "requireGilFromNative", "(J)V"))
        || !(mid_checkpoint = static_method(env, cls, "checkpointFromNative", "(J)V")))
        return; /* NoSuchMethodError pending */
    jclass throwable = (*env)->FindClass(env, "java/lang/Throwable");
    if (throwable == NULL
        || !(mid_add_suppressed = (*env)->GetMethodID(env, throwable, "addSuppressed",
                                                      "(Ljava/lang/Throwable;)V")))
        return;
    (*env)->DeleteLocalRef(env, throwable);
    jgil_cancel_init(env, runtime_class);
}

JNIEXPORT jobject JNICALL Java_org_jgil_GilRuntime_stateBuffer(JNIEnv *env, jclass cls)
{
    (void)cls;
    return (*env)->NewDirectByteBuffer(env, &runtime_state, sizeof runtime_state);
}

int jgil_stats_period(void)
{
    int period = __atomic_load_n(&runtime_state.stats_period, __ATOMIC_RELAXED);
    return period > 0 ? period : 1;
}

JNIEXPORT jlong JNICALL Java_org_jgil_GilRuntime_apiAddress0(JNIEnv *env, jclass cls)
{
    (void)env; (void)cls;
    return (jlong)(intptr_t)&runtime_api;
}

JNIEXPORT jstring JNICALL Java_org_jgil_GilRuntime_siteName(JNIEnv *env, jclass cls, jlong site)
{
    (void)cls;
    const char *name = (const char *)(intptr_t)site;
    return name == NULL ? NULL : (*env)->NewStringUTF(env, name);
}
