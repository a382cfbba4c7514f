/*
 * test_native.c -- libjgil's own C (the runtime, the kernels, NativeProbe)
 * and the test library's probes, against the fake JVM of fake_jvm.c, under
 * whatever sanitizer the build chose (JGIL_SANITIZE).  CTest runs each test
 * in a process of its own: some leave the process changed for good (a
 * fenced lock, a runtime marked as shutting down).
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fake_jvm.h"
#include "jgil.h"

/* ---- the natives under test, declared here (the javac -h headers are not included) ---- */
JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved);
JNIEXPORT void JNICALL Java_org_jgil_GilRuntime_init(JNIEnv *env, jclass cls);
JNIEXPORT void JNICALL Java_org_jgil_GilRuntime_markShutdown(JNIEnv *env, jclass cls);
JNIEXPORT jobject JNICALL Java_org_jgil_GilRuntime_stateBuffer(JNIEnv *env, jclass cls);
JNIEXPORT jstring JNICALL Java_org_jgil_GilRuntime_siteName(JNIEnv *env, jclass cls, jlong site);
JNIEXPORT void JNICALL Java_org_jgil_probe_NativeProbe_noopReleased(JNIEnv *env, jclass cls);
JNIEXPORT jint JNICALL Java_org_jgil_GilRuntime_selectMode(JNIEnv *env, jclass cls, jint wanted);
JNIEXPORT jlong JNICALL Java_org_jgil_GilRuntime_settle(JNIEnv *env, jclass cls);
JNIEXPORT void JNICALL Java_org_jgil_GilRuntime_heavyBarrier(JNIEnv *env, jclass cls);
JNIEXPORT jint JNICALL Java_org_jgil_GilRuntime_siteStats(JNIEnv *env, jclass cls, jobjectArray names,
                                                          jlongArray values);
JNIEXPORT void JNICALL Java_org_jgil_GilRuntime_resetSiteStats(JNIEnv *env, jclass cls);
void jgil_test_fail_barrier(int on);
/* jgil_ffm.c: what org.jgil.ffm.GilLinker.released() calls through critical downcalls. */
int64_t jgil_ffm_release(int64_t tid);
int jgil_ffm_retake(int64_t tid);
JNIEXPORT void JNICALL Java_org_jgil_probe_NativeProbe_spin(JNIEnv *env, jclass cls, jlong nanos, jboolean release,
                                                            jlongArray interval);
/* libjgiltest (native/test/jni), loaded as the JVM loads an extension. */
JNIEXPORT jint JNICALL Java_org_jgil_ThreadProbe_runOnNativeThread(JNIEnv *env, jclass cls, jobject action);
JNIEXPORT jint JNICALL Java_org_jgil_NotImportedProbe_block(JNIEnv *env, jclass cls, jint n);
JNIEXPORT jint JNICALL Java_org_jgil_NotImportedProbe_requireGil(JNIEnv *env, jclass cls);
JNIEXPORT void JNICALL Java_org_jgil_NotImportedProbe_checkpoint(JNIEnv *env, jclass cls);
#define K(name) Java_org_jgil_kernels_KernelNative_##name
JNIEXPORT jint JNICALL K(bestIsa)(JNIEnv *env, jclass cls);
JNIEXPORT jint JNICALL K(setIsa)(JNIEnv *env, jclass cls, jint level);
JNIEXPORT jstring JNICALL K(cpuFeatures)(JNIEnv *env, jclass cls);
JNIEXPORT jstring JNICALL K(gemmVariant)(JNIEnv *env, jclass cls);
JNIEXPORT jdouble JNICALL K(dot)(JNIEnv *env, jclass cls, jobject x, jint xoff, jobject y, jint yoff, jint n,
                                 jboolean direct, jboolean release);
JNIEXPORT jdouble JNICALL K(sum)(JNIEnv *env, jclass cls, jobject x, jint xoff, jint n, jboolean direct,
                                 jboolean release);
JNIEXPORT void JNICALL K(axpy)(JNIEnv *env, jclass cls, jdouble a, jobject x, jint xoff, jobject y, jint yoff,
                               jint n, jboolean direct, jboolean release);
JNIEXPORT void JNICALL K(gemm)(JNIEnv *env, jclass cls, jint m, jint n, jint k, jobject a, jint aoff, jobject b,
                               jint boff, jobject c, jint coff, jboolean direct, jboolean release);
JNIEXPORT jlong JNICALL K(mandelbrot)(JNIEnv *env, jclass cls, jint width, jint height, jdouble x0, jdouble y0,
                                      jdouble dx, jdouble dy, jint max_iter, jobject out, jint off,
                                      jboolean direct, jboolean release);
JNIEXPORT jlong JNICALL K(montecarloPi)(JNIEnv *env, jclass cls, jlong samples, jlong seed, jboolean release);
JNIEXPORT void JNICALL K(nbodyStep)(JNIEnv *env, jclass cls, jobject state, jint off, jint n, jdouble dt,
                                    jboolean direct, jboolean release);
JNIEXPORT jint JNICALL K(sieve)(JNIEnv *env, jclass cls, jint n, jboolean release);
JNIEXPORT void JNICALL K(sleep)(JNIEnv *env, jclass cls, jlong micros, jboolean release);
JNIEXPORT jlong JNICALL K(spinIterations)(JNIEnv *env, jclass cls, jlong micros);
JNIEXPORT jlong JNICALL K(spin)(JNIEnv *env, jclass cls, jlong iterations, jlong seed, jboolean release);

static JNIEnv *env;
static jgil_state *state;

static void expect_exception(const char *cls)
{
    const char *p = fake_pending();
    CHECK_MSG(p != NULL && strcmp(p, cls) == 0, "expected %s, got %s (%s)", cls, p ? p : "nothing",
              fake_pending_message() ? fake_pending_message() : "");
    fake_clear();
}

static void expect_none(void)
{
    CHECK_MSG(fake_pending() == NULL, "unexpected %s: %s", fake_pending(), fake_pending_message());
}

/* Starts the fake JVM, loads libjgil and the test library into it; once a process. */
static void start(void)
{
    static int started;
    if (started++)
        return;
    env = fake_start();
    CHECK(JNI_OnLoad(fake_vm(), NULL) == JNI_VERSION_1_8);
    Java_org_jgil_GilRuntime_init(env, fake_class("org/jgil/GilRuntime"));
    expect_none();
    state = jgil_api_ptr->state;
    CHECK(jgil_api_ptr->abi_version == JGIL_ABI_VERSION && jgil_api_ptr->size == sizeof(jgil_api));
    /* Java's LockWord maps the same bytes: the offsets it hard-codes. */
    CHECK(offsetof(jgil_state, owner) == 0 && offsetof(jgil_state, drop_request) == 64
          && offsetof(jgil_state, slow_flags) == 68 && offsetof(jgil_state, stats_period) == 72);
    jobject buf = Java_org_jgil_GilRuntime_stateBuffer(env, NULL);
    CHECK((*env)->GetDirectBufferAddress(env, buf) == (void *)state);
    CHECK((*env)->GetDirectBufferCapacity(env, buf) == (jlong)sizeof(jgil_state));
    CHECK(Java_org_jgil_GilRuntime_siteName(env, NULL, 0) == NULL);
    CHECK(Java_org_jgil_GilRuntime_siteName(env, NULL, (jlong)(intptr_t)"dot") != NULL);
    /* The test library, as the JVM loads it: its own JNI_OnLoad, which imports the runtime. */
    void *probes = dlopen("libjgiltest.so", RTLD_NOW | RTLD_NOLOAD);
    CHECK_MSG(probes != NULL, "libjgiltest.so is not loaded: %s", dlerror());
    jint (*onload)(JavaVM *, void *) = probes ? (jint (*)(JavaVM *, void *))dlsym(probes, "JNI_OnLoad") : NULL;
    CHECK(onload != NULL && onload(fake_vm(), NULL) == JNI_VERSION_1_8);
    expect_none();
}

/* Holds the lock, and has made one slow call, so that the runtime knows this thread's id. */
static void hold_the_lock(void)
{
    fake_gil_acquire();
    Java_org_jgil_probe_NativeProbe_noopReleased(env, NULL);
    expect_none();
    CHECK(fake_gil_held());
}

/* ================================================================ runtime */

/* Another thread waits for the lock (its WAITERS bit), or no longer does. */
static void contended(int on)
{
    if (on)
        __atomic_fetch_or(&state->owner, JGIL_WAITERS_BIT, __ATOMIC_SEQ_CST);
    else
        __atomic_and_fetch(&state->owner, ~JGIL_WAITERS_BIT, __ATOMIC_SEQ_CST);
}

static int inside;
static long counter;

static void enter_managed(void)
{
    CHECK(fake_gil_held());
    CHECK(__atomic_add_fetch(&inside, 1, __ATOMIC_SEQ_CST) == 1);
    counter++;
    __atomic_sub_fetch(&inside, 1, __ATOMIC_SEQ_CST);
}

enum { NATIVE_THREADS = 8, NATIVE_ROUNDS = 500 };

static void *native_thread(void *arg)
{
    (void)arg;
    CHECK(fake_env() == NULL); /* born outside the JVM */
    for (int i = 0; i < NATIVE_ROUNDS; i++) {
        jgil_gilstate outer = jgil_ensure();
        CHECK(outer >= 0);
        CHECK(jgil_check());
        jgil_gilstate inner = jgil_ensure();
        CHECK(inner >= 0 && (inner & 1) == 0); /* nested: did not take it again */
        enter_managed();
        JGIL_BEGIN_ALLOW_THREADS
        CHECK(!jgil_check() || 1); /* (jgil_check would need the env: allowed, no lock needed) */
        JGIL_END_ALLOW_THREADS
        enter_managed();
        jgil_ensure_end(inner);
        CHECK(jgil_check());
        jgil_ensure_end(outer);
        CHECK(fake_env() == NULL); /* the outer release detached what it attached */
    }
    return NULL;
}

static void *ensure_during_shutdown(void *arg)
{
    int *result = arg;
    jgil_gilstate s = jgil_ensure();
    *result = s;
    jgil_ensure_end(s); /* releasing a failed ensure is a no-op */
    return NULL;
}

static void runnable_body(void *arg)
{
    int *ran = arg;
    CHECK(fake_gil_held());
    enter_managed();
    (*ran)++;
}

/* n empty released calls: not one calls up, and errno survives them all. */
static void released_calls_stay_in_native_code(int n, int err)
{
    long up = fake_upcalls();
    errno = err;
    for (int i = 0; i < n; i++)
        Java_org_jgil_probe_NativeProbe_noopReleased(env, NULL);
    CHECK(fake_upcalls() == up);
    CHECK(errno == err);
}

static void uncontended_blocks_never_call_up_and_keep_errno(void)
{
    start();
    hold_the_lock();
    released_calls_stay_in_native_code(1000, ERANGE);
    CHECK(fake_gil_held());
    fake_gil_release();
}

static void a_waiter_sends_begin_to_the_slow_path_which_keeps_errno(void)
{
    start();
    hold_the_lock();
    long up = fake_upcalls();
    contended(1);
    errno = EDOM;
    Java_org_jgil_probe_NativeProbe_noopReleased(env, NULL);
    expect_none();
    CHECK(errno == EDOM);
    CHECK(fake_upcalls() > up);
    CHECK(fake_gil_held());
    contended(0);
    fake_gil_release();
}

/* Every call goes up; BEGIN without the lock throws and END does nothing more. */
static void checked_mode_calls_up_both_ways_and_refuses_a_block_without_the_lock(void)
{
    start();
    hold_the_lock();
    state->slow_flags = JGIL_SLOW_CHECKED;
    long up = fake_upcalls();
    Java_org_jgil_probe_NativeProbe_noopReleased(env, NULL);
    expect_none();
    CHECK(fake_upcalls() == up + 2);
    fake_gil_release();
    Java_org_jgil_probe_NativeProbe_noopReleased(env, NULL);
    expect_exception("java/lang/IllegalStateException");
    CHECK(!fake_gil_held());
    CHECK((state->owner & JGIL_OWNER_MASK) == 0);
    /* A released kernel refused the same way leaves the lock as it was, nothing pinned. */
    jobject x = fake_array(8, 16);
    (void)K(sum)(env, NULL, x, 0, 16, JNI_FALSE, JNI_TRUE);
    expect_exception("java/lang/IllegalStateException");
    CHECK(fake_critical_depth() == 0);
    state->slow_flags = 0;
}

/* -Djgil.stats: every call goes through the slow functions, but calls up only when contended;
 * one call in stats_period is timed. */
static void statistics_mode_calls_up_only_when_contended(void)
{
    start();
    hold_the_lock();
    state->slow_flags = JGIL_SLOW_STATS;
    state->stats_period = 1;
    released_calls_stay_in_native_code(100, EILSEQ);
    long up = fake_upcalls();
    contended(1);
    Java_org_jgil_probe_NativeProbe_noopReleased(env, NULL);
    expect_none();
    CHECK(fake_upcalls() > up);
    CHECK(fake_gil_held());
    contended(0);
    state->stats_period = 4;
    for (int i = 0; i < 100; i++)
        Java_org_jgil_probe_NativeProbe_noopReleased(env, NULL);
    state->slow_flags = 0;
    fake_gil_release();
}

static void policy_none_gives_nothing_up_and_never_calls_up(void)
{
    start();
    state->slow_flags = JGIL_SLOW_NOLOCK;
    long up = fake_upcalls();
    jgil_tstate t = jgil_save_thread();
    CHECK(t == JGIL_TSTATE_NOLOCK);
    jgil_restore_thread(t);
    CHECK(fake_upcalls() == up);
    state->slow_flags = 0;
}

/* The caller's exception wins: the slow path does nothing. */
static void an_exception_already_pending_leaves_the_lock_alone(void)
{
    start();
    hold_the_lock();
    contended(1);
    (*env)->ThrowNew(env, fake_class("java/lang/RuntimeException"), "pending");
    jgil_tstate t = jgil_save_thread();
    CHECK(t == 0);
    jgil_restore_thread(t);
    expect_exception("java/lang/RuntimeException");
    CHECK(fake_gil_held());
    contended(0);
    fake_gil_release();
}

static void spin_writes_its_interval_and_refuses_bad_arguments(void)
{
    start();
    hold_the_lock();
    jobject interval = fake_array(8, 2);
    Java_org_jgil_probe_NativeProbe_spin(env, NULL, 1000, JNI_TRUE, interval);
    expect_none();
    /* ... also when END re-takes through an upcall (checked mode here; contention alike) right
     * before SetLongArrayRegion: the slow path must leave the exception state checked. */
    state->slow_flags = JGIL_SLOW_CHECKED;
    Java_org_jgil_probe_NativeProbe_spin(env, NULL, 1000, JNI_TRUE, interval);
    expect_none();
    CHECK(fake_gil_held());
    state->slow_flags = 0;
    Java_org_jgil_probe_NativeProbe_spin(env, NULL, 0, JNI_TRUE, fake_array(8, 1));
    expect_exception("java/lang/IllegalArgumentException");
    Java_org_jgil_probe_NativeProbe_spin(env, NULL, -1, JNI_FALSE, NULL);
    expect_exception("java/lang/IllegalArgumentException");
    fake_gil_release();
}

static void require_gil_checks_only_in_checked_mode(void)
{
    start();
    hold_the_lock();
    CHECK(jgil_require_gil_at("test") == 0); /* not checked: no check at all */
    state->slow_flags = JGIL_SLOW_CHECKED;
    CHECK(jgil_require_gil_at("test") == 0);
    expect_none();
    fake_gil_release();
    CHECK(jgil_require_gil_at("test") == -1);
    expect_exception("java/lang/IllegalStateException");
    state->slow_flags = 0;
}

static void a_checkpoint_calls_up_only_on_a_drop_request(void)
{
    start();
    hold_the_lock();
    long up = fake_upcalls();
    jgil_checkpoint_at("test"); /* no drop request: one load, no upcall */
    CHECK(fake_upcalls() == up);
    state->drop_request = 1;
    jgil_checkpoint_at("test");
    expect_none();
    CHECK(fake_upcalls() == up + 1);
    CHECK(fake_gil_held());
    state->drop_request = 0;
    fake_gil_release();
}

static void cancellation_reads_the_interrupt_status(void)
{
    start();
    hold_the_lock();
    CHECK(!jgil_cancelled());
    fake_set_interrupted(1);
    CHECK(jgil_cancelled());
    fake_set_interrupted(0);
    fake_gil_release();
}

static void a_thread_born_in_native_code_runs_managed_code_through_ensure(void)
{
    start();
    hold_the_lock();
    int ran = 0;
    int flags = Java_org_jgil_ThreadProbe_runOnNativeThread(env, NULL, fake_runnable(runnable_body, &ran));
    expect_none();
    CHECK(ran == 1);
    CHECK(flags == (2 | 8)); /* HELD_INSIDE | HELD_AFTER_INNER */
    CHECK(fake_gil_held());
    Java_org_jgil_ThreadProbe_runOnNativeThread(env, NULL, NULL);
    expect_exception("java/lang/NullPointerException");
    fake_gil_release();
}

/* Native threads contend with this one for the lock through nested ensures. */
static void native_threads_contend_through_ensure_and_release(void)
{
    start();
    hold_the_lock();
    pthread_t th[NATIVE_THREADS];
    for (int i = 0; i < NATIVE_THREADS; i++)
        CHECK(pthread_create(&th[i], NULL, native_thread, NULL) == 0);
    for (int i = 0; i < 2000; i++) {
        enter_managed();
        JGIL_BEGIN_ALLOW_THREADS
        JGIL_END_ALLOW_THREADS
    }
    JGIL_BEGIN_ALLOW_THREADS
    for (int i = 0; i < NATIVE_THREADS; i++)
        pthread_join(th[i], NULL);
    JGIL_END_ALLOW_THREADS
    CHECK(counter == 2000 + 2L * NATIVE_THREADS * NATIVE_ROUNDS);
    CHECK(fake_attached_threads() == 1);
    fake_gil_release();
}

/* jgil_ensure() on a new native thread, while this one gives the lock up. */
static int ensure_on_a_new_thread(void)
{
    int result = 0;
    pthread_t one;
    JGIL_BEGIN_ALLOW_THREADS
    CHECK(pthread_create(&one, NULL, ensure_during_shutdown, &result) == 0);
    pthread_join(one, NULL);
    JGIL_END_ALLOW_THREADS
    return result;
}

static void an_ensure_whose_upcall_throws_fails_and_detaches(void)
{
    start();
    hold_the_lock();
    fake_throw_in_upcall("ensureFromNative");
    CHECK(ensure_on_a_new_thread() == JGIL_ENSURE_FAILED);
    CHECK(fake_attached_threads() == 1);
    fake_throw_in_upcall(NULL);
    fake_gil_release();
}

/* The VM refuses to attach, as one that is shutting down does: ensure fails at once, no hang. */
static void an_ensure_the_vm_refuses_to_attach_fails_at_once(void)
{
    start();
    hold_the_lock();
    fake_fail_attach(1);
    CHECK(ensure_on_a_new_thread() == JGIL_ENSURE_FAILED);
    fake_fail_attach(0);
    fake_gil_release();
}

/* GilRuntime's shutdown hook: from now on a thread that would have to attach fails at once,
 * without asking the VM; attached threads are unaffected. */
static void after_the_shutdown_hook_only_attached_threads_ensure(void)
{
    start();
    hold_the_lock();
    Java_org_jgil_GilRuntime_markShutdown(env, NULL);
    CHECK(ensure_on_a_new_thread() == JGIL_ENSURE_FAILED);
    CHECK(fake_attached_threads() == 1);
    jgil_gilstate mine = jgil_ensure(); /* this thread is attached and holds the lock: nests */
    CHECK(mine >= 0 && (mine & 1) == 0);
    jgil_ensure_end(mine);
    fake_gil_release();
    CHECK(state->owner == 0);
}

/* ================================================================ kernels */

#define CANARY (-12345.678)
#define CANARY_I (-424242)
enum { PAD = 3 };

/* An array of n doubles with PAD canaries on either side; values from a tiny LCG. */
static jobject doubles(int n, uint64_t seed, double **data)
{
    jobject a = fake_array(8, n + 2 * PAD);
    double *d = ((fobj *)a)->data;
    for (int i = 0; i < n + 2 * PAD; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        d[i] = (i < PAD || i >= n + PAD) ? CANARY : (double)(int64_t)(seed >> 40) / (1 << 23) - 1.0;
    }
    *data = d;
    return a;
}

static void canaries_intact(const double *d, int n)
{
    for (int i = 0; i < PAD; i++) {
        CHECK(d[i] == CANARY);
        CHECK(d[n + PAD + i] == CANARY);
    }
}

static int close_to(double a, double b, double scale)
{
    return fabs(a - b) <= 1e-12 * (scale + 1);
}

static void kernels_at_level(int level, jboolean direct, jboolean release)
{
    CHECK(K(setIsa)(env, NULL, level) <= level);
    for (int n = 0; n <= 70; n += (n < 20 ? 1 : 7)) {
        double *x, *y;
        jobject xa = doubles(n, 1 + n, &x), ya = doubles(n, 99 + n, &y);
        jobject xo = direct ? fake_buffer(x, n + 2 * PAD) : xa, yo = direct ? fake_buffer(y, n + 2 * PAD) : ya;
        double ref = 0, abs_sum = 0, s = 0;
        for (int i = 0; i < n; i++) {
            ref += x[PAD + i] * y[PAD + i];
            abs_sum += fabs(x[PAD + i] * y[PAD + i]) + fabs(x[PAD + i]);
            s += x[PAD + i];
        }
        CHECK(close_to(K(dot)(env, NULL, xo, PAD, yo, PAD, n, direct, release), ref, abs_sum));
        expect_none();
        CHECK(close_to(K(sum)(env, NULL, xo, PAD, n, direct, release), s, abs_sum));
        expect_none();
        double before[80];
        memcpy(before, y, sizeof(double) * (n + 2 * PAD));
        K(axpy)(env, NULL, 0.5, xo, PAD, yo, PAD, n, direct, release);
        expect_none();
        for (int i = 0; i < n; i++)
            CHECK(close_to(y[PAD + i], 0.5 * x[PAD + i] + before[PAD + i], 4));
        canaries_intact(x, n);
        canaries_intact(y, n);
        /* y += a*y, the same range */
        K(axpy)(env, NULL, 1.0, yo, PAD, yo, PAD, n, direct, release);
        expect_none();
        canaries_intact(y, n);
        CHECK(fake_critical_depth() == 0);
    }
    /* Arrays of exactly n elements, used whole: a read or write one past the end (a vector tail
     * too wide) is an ASan heap-buffer-overflow. */
    for (int n = 0; n <= 40; n++) {
        jobject xa = fake_array(8, n), ya = fake_array(8, n);
        double *xd = ((fobj *)xa)->data, *yd = ((fobj *)ya)->data;
        jobject xo = direct ? fake_buffer(xd, n) : xa, yo = direct ? fake_buffer(yd, n) : ya;
        for (int i = 0; i < n; i++)
            xd[i] = yd[i] = 1.0;
        CHECK(K(dot)(env, NULL, xo, 0, yo, 0, n, direct, release) == n);
        CHECK(K(sum)(env, NULL, xo, 0, n, direct, release) == n);
        K(axpy)(env, NULL, 2.0, xo, 0, yo, 0, n, direct, release);
        for (int i = 0; i < n; i++)
            CHECK(yd[i] == 3.0);
        jobject cells = fake_array(4, n);
        jobject co = direct ? fake_buffer(((fobj *)cells)->data, n) : cells;
        (void)K(mandelbrot)(env, NULL, n, 1, -2, 0, 0.1, 0.1, 20, co, 0, direct, release);
        expect_none();
    }
    /* gemm: odd shapes around every micro-kernel's edges */
    int shapes[][3] = { { 0, 0, 0 }, { 1, 1, 1 }, { 3, 5, 7 }, { 13, 17, 9 }, { 4, 4, 0 }, { 25, 33, 20 },
                        { 12, 16, 1 }, { 7, 1, 31 } };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        int m = shapes[i][0], n = shapes[i][1], k = shapes[i][2];
        double *a, *b, *c;
        jobject aa = doubles(m * k, 5 + i, &a), ba = doubles(k * n, 7 + i, &b), ca = doubles(m * n, 11, &c);
        jobject ao = direct ? fake_buffer(a, m * k + 2 * PAD) : aa, bo = direct ? fake_buffer(b, k * n + 2 * PAD) : ba,
                co = direct ? fake_buffer(c, m * n + 2 * PAD) : ca;
        K(gemm)(env, NULL, m, n, k, ao, PAD, bo, PAD, co, PAD, direct, release);
        expect_none();
        for (int r = 0; r < m; r++)
            for (int col = 0; col < n; col++) {
                double e = 0, scale = 0;
                for (int p = 0; p < k; p++) {
                    e += a[PAD + r * k + p] * b[PAD + p * n + col];
                    scale += fabs(a[PAD + r * k + p] * b[PAD + p * n + col]);
                }
                CHECK(close_to(c[PAD + r * n + col], e, scale));
            }
        canaries_intact(c, m * n);
        canaries_intact(a, m * k);
        canaries_intact(b, k * n);
    }
    /* mandelbrot into ints, with canaries */
    for (int w = 0; w <= 19; w += 6) {
        int h = 5, cells = w * h;
        jobject out = fake_array(4, cells + 2 * PAD);
        jint *o = ((fobj *)out)->data;
        for (int i = 0; i < cells + 2 * PAD; i++)
            o[i] = CANARY_I;
        jobject oo = direct ? fake_buffer(o, cells + 2 * PAD) : out;
        CHECK(K(mandelbrot)(env, NULL, w, h, -2, -1, 0.15, 0.4, 100, oo, PAD, direct, release) == h);
        expect_none();
        for (int i = 0; i < PAD; i++)
            CHECK(o[i] == CANARY_I && o[cells + PAD + i] == CANARY_I);
        for (int i = 0; i < cells; i++)
            CHECK(o[PAD + i] >= 0 && o[PAD + i] <= 100);
    }
    /* nbody: 7n doubles; a few bodies */
    for (int n = 0; n <= 9; n += 3) {
        double *st;
        jobject sa = doubles(7 * n, 3, &st);
        for (int i = 0; i < n; i++)
            st[PAD + 6 * n + i] = 1.0 / (n ? n : 1);
        jobject so = direct ? fake_buffer(st, 7 * n + 2 * PAD) : sa;
        K(nbodyStep)(env, NULL, so, PAD, n, 1e-3, direct, release);
        expect_none();
        canaries_intact(st, 7 * n);
        for (int i = 0; i < 7 * n; i++)
            CHECK(isfinite(st[PAD + i]));
    }
    CHECK(fake_critical_depth() == 0);
}

static void every_kernel_at_every_isa_level_matches_its_reference_in_bounds(void)
{
    start();
    fake_gil_acquire();
    int best = K(bestIsa)(env, NULL);
    (void)K(cpuFeatures)(env, NULL);
    for (int level = 0; level <= best; level++)
        for (int direct = 0; direct < 2; direct++)
            for (int release = 0; release < 2; release++) {
                kernels_at_level(level, (jboolean)direct, (jboolean)release);
                (void)K(gemmVariant)(env, NULL);
            }
    K(setIsa)(env, NULL, best);
    /* The kernels without arrays. */
    CHECK(K(sieve)(env, NULL, 100000, JNI_TRUE) == 9592);
    CHECK(K(sieve)(env, NULL, 100000, JNI_FALSE) == 9592);
    CHECK(K(sieve)(env, NULL, 2, JNI_TRUE) == 0);
    CHECK(K(sieve)(env, NULL, 3, JNI_TRUE) == 1);
    jlong hits = K(montecarloPi)(env, NULL, 100000, 42, JNI_TRUE);
    CHECK(hits == K(montecarloPi)(env, NULL, 100000, 42, JNI_FALSE));
    CHECK(hits > 75000 && hits < 82000);
    CHECK(K(montecarloPi)(env, NULL, 0, 1, JNI_TRUE) == 0);
    CHECK(K(spinIterations)(env, NULL, 10) >= 0);
    (void)K(spin)(env, NULL, 10000, 1, JNI_TRUE);
    (void)K(spin)(env, NULL, 0, 1, JNI_FALSE);
    K(sleep)(env, NULL, 100, JNI_TRUE);
    K(sleep)(env, NULL, 0, JNI_FALSE);
    expect_none();
    fake_gil_release();
}

static void an_interrupted_kernel_stops_and_throws_with_nothing_pinned(void)
{
    start();
    fake_gil_acquire();
    fake_set_interrupted(1);
    int big = 300;
    jobject a = fake_array(8, big * big), b = fake_array(8, big * big), c = fake_array(8, big * big);
    K(gemm)(env, NULL, big, big, big, a, 0, b, 0, c, 0, JNI_FALSE, JNI_TRUE);
    expect_exception("java/util/concurrent/CancellationException");
    K(sleep)(env, NULL, 10000000, JNI_TRUE); /* 10 s unless it sees the interrupt */
    expect_exception("java/util/concurrent/CancellationException");
    CHECK(fake_gil_held());
    CHECK(fake_critical_depth() == 0);
    fake_set_interrupted(0);
    fake_gil_release();
}

static void a_vm_that_cannot_pin_gets_out_of_memory_error_with_the_lock_back(void)
{
    start();
    fake_gil_acquire();
    jobject a = fake_array(8, 10), b = fake_array(8, 10);
    fake_fail_critical(1);
    for (int release = 0; release < 2; release++) {
        (void)K(dot)(env, NULL, a, 0, b, 0, 10, JNI_FALSE, (jboolean)release);
        expect_exception("java/lang/OutOfMemoryError");
        CHECK(fake_gil_held());
        CHECK(fake_critical_depth() == 0);
    }
    fake_fail_critical(0);

    /* Contended re-take after a kernel that failed: the exception survives END's upcall. */
    fake_fail_critical(1);
    contended(1);
    (void)K(sum)(env, NULL, a, 0, 10, JNI_FALSE, JNI_TRUE);
    expect_exception("java/lang/OutOfMemoryError");
    CHECK(fake_gil_held());
    contended(0);
    fake_fail_critical(0);
    fake_gil_release();
}

/* ================================================================ bad arguments */

static void bad_sizes_and_ranges_throw_and_write_nothing(void)
{
    start();
    fake_gil_acquire();
    const char *IAE = "java/lang/IllegalArgumentException", *IOOBE = "java/lang/IndexOutOfBoundsException",
               *NPE = "java/lang/NullPointerException";
    double *x, *y;
    jobject xa = doubles(10, 1, &x), ya = doubles(10, 2, &y);
    jobject xb = fake_buffer(x, 10 + 2 * PAD), yb = fake_buffer(y, 10 + 2 * PAD);
    double ysave[16];
    memcpy(ysave, y, sizeof(double) * (10 + 2 * PAD));
    jobject ints = fake_array(4, 16);
    jobject intsb = fake_buffer(((fobj *)ints)->data, 16);
    const jint offs[] = { -1, INT_MIN, 2 * PAD + 10, 2 * PAD + 11, INT_MAX, INT_MAX - 5 };
    const jint ns[] = { -1, INT_MIN, 2 * PAD + 11, INT_MAX };
    for (int direct = 0; direct < 2; direct++) {
        for (int release = 0; release < 2; release++) {
            jobject xo = direct ? xb : xa, yo = direct ? yb : ya;
            jboolean d = (jboolean)direct, r = (jboolean)release;
            for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
                (void)K(dot)(env, NULL, xo, offs[i], yo, 0, 1, d, r);
                expect_exception(IOOBE);
                (void)K(sum)(env, NULL, xo, offs[i], 1, d, r);
                expect_exception(IOOBE);
                K(axpy)(env, NULL, 1, xo, 0, yo, offs[i], 1, d, r);
                expect_exception(IOOBE);
                K(gemm)(env, NULL, 1, 1, 1, xo, 0, xo, 1, yo, offs[i], d, r);
                expect_exception(IOOBE);
                K(nbodyStep)(env, NULL, yo, offs[i], 1, 0.1, d, r);
                expect_exception(IOOBE);
            }
            for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
                const char *want = ns[i] < 0 ? IAE : IOOBE;
                (void)K(dot)(env, NULL, xo, 0, yo, 0, ns[i], d, r);
                expect_exception(want);
                (void)K(sum)(env, NULL, xo, 0, ns[i], d, r);
                expect_exception(want);
                K(axpy)(env, NULL, 1, xo, 0, yo, 0, ns[i], d, r);
                expect_exception(want);
                K(nbodyStep)(env, NULL, yo, 0, ns[i], 0.1, d, r);
                expect_exception(want);
                K(gemm)(env, NULL, ns[i], 1, 1, xo, 0, xo, 0, yo, 0, d, r);
                expect_exception(want);
                K(gemm)(env, NULL, 1, ns[i], ns[i] < 0 ? 1 : ns[i], xo, 0, xo, 0, yo, 0, d, r);
                expect_exception(want);
                (void)K(mandelbrot)(env, NULL, ns[i], 1, 0, 0, 1, 1, 10, direct ? intsb : ints, 0, d, r);
                expect_exception(want);
            }
            /* products that overflow an int but not a jlong */
            K(gemm)(env, NULL, 65536, 65536, 1, xo, 0, xo, 0, yo, 0, d, r);
            expect_exception(IOOBE);
            K(nbodyStep)(env, NULL, yo, 0, INT_MAX / 6, 0.1, d, r);
            expect_exception(IOOBE);
            /* null arrays */
            (void)K(dot)(env, NULL, NULL, 0, yo, 0, 1, d, r);
            expect_exception(NPE);
            K(axpy)(env, NULL, 1, xo, 0, NULL, 0, 1, d, r);
            expect_exception(NPE);
            /* the rest */
            (void)K(mandelbrot)(env, NULL, 1, 1, 0, 0, 1, 1, -1, direct ? intsb : ints, 0, d, r);
            expect_exception(IAE);
            CHECK(fake_gil_held());
            CHECK(fake_critical_depth() == 0);
        }
        /* a heap object where a direct buffer is wanted */
        (void)K(sum)(env, NULL, xa, 0, 1, JNI_TRUE, JNI_FALSE);
        expect_exception(IAE);
    }
    /* overlapping direct ranges */
    K(axpy)(env, NULL, 1, xb, 0, xb, 1, 5, JNI_TRUE, JNI_FALSE);
    expect_exception(IAE);
    K(gemm)(env, NULL, 2, 2, 2, xb, 0, yb, 0, xb, 2, JNI_TRUE, JNI_FALSE);
    expect_exception(IAE);
    /* NaN and infinities are data, not errors: computed, nothing outside written */
    x[PAD] = NAN;
    x[PAD + 1] = INFINITY;
    x[PAD + 2] = -INFINITY;
    CHECK(isnan(K(dot)(env, NULL, xa, PAD, ya, PAD, 10, JNI_FALSE, JNI_TRUE)));
    K(axpy)(env, NULL, NAN, xa, PAD, ya, PAD, 10, JNI_FALSE, JNI_TRUE);
    expect_none();
    (void)K(mandelbrot)(env, NULL, 2, 2, NAN, INFINITY, NAN, 1e308, 10, ints, 1, JNI_FALSE, JNI_TRUE);
    expect_none();
    canaries_intact(y, 10);
    canaries_intact(x, 10);
    (void)K(sieve)(env, NULL, -5, JNI_TRUE);
    expect_exception(IAE);
    (void)K(montecarloPi)(env, NULL, -1, 0, JNI_TRUE);
    expect_exception(IAE);
    K(sleep)(env, NULL, -1, JNI_TRUE);
    expect_exception(IAE);
    (void)K(setIsa)(env, NULL, 7);
    expect_exception(IAE);
    CHECK(fake_critical_depth() == 0);
    CHECK(fake_gil_held());
    fake_gil_release();
    (void)ysave;
}

/* ================================================================ the lock's promise */

#define VIRTUAL(id) (JGIL_VIRTUAL_BIT | (int64_t)(id))
#define ISE "java/lang/IllegalStateException"

/* A virtual thread's identity never enters its carrier's slot: a second virtual thread mounted on
 * the same carrier must not pass the fast path's ownership check with the first one's id, nor
 * read a cancel record armed for the first one. */
static void a_virtual_thread_never_passes_for_another_on_its_carrier(void)
{
    start();
    int64_t carrier = fake_tid();
    fake_arm_cancel_records(1);
    fake_set_tid(VIRTUAL(100));
    fake_gil_acquire();
    Java_org_jgil_probe_NativeProbe_noopReleased(env, NULL);
    Java_org_jgil_probe_NativeProbe_noopReleased(env, NULL);
    expect_none();
    CHECK(fake_gil_held());
    /* V100 parks holding the lock; V101, mounted on this carrier, calls a released kernel. */
    fake_set_tid(VIRTUAL(101));
    long up = fake_upcalls();
    Java_org_jgil_probe_NativeProbe_noopReleased(env, NULL);
    expect_exception(ISE);
    CHECK(fake_upcalls() > up);
    CHECK(state->owner == VIRTUAL(100));

    /* V100 polls (its record is armed, not interrupted), then V101 is interrupted. */
    fake_set_tid(VIRTUAL(100));
    int c = -1;
    JGIL_BEGIN_ALLOW_THREADS
    c = jgil_cancelled();
    JGIL_END_ALLOW_THREADS
    CHECK(c == 0);
    fake_gil_release();
    fake_set_tid(VIRTUAL(101));
    fake_set_interrupted(1);
    fake_gil_acquire();
    c = -1;
    JGIL_BEGIN_ALLOW_THREADS
    c = jgil_cancelled();
    JGIL_END_ALLOW_THREADS
    CHECK(c == 1);
    expect_none();
    fake_set_interrupted(0);
    fake_gil_release();
    fake_set_tid(carrier);
    fake_arm_cancel_records(0);
}

/* Holder H released with a plain store that wiped waiter W's WAITERS bit; a third thread T took
 * the free lock with a CAS; H's release then saw `waiting`.  T's release must go through the
 * scheduler, so the bit goes into T's word. */
static void a_raced_release_puts_the_waiters_bit_into_the_new_holders_word(void)
{
    start();
    int64_t me = fake_tid(), third = fake_tid() + 1000;
    state->waiting = 1;
    state->owner = third;
    jgil_api_ptr->release_raced(me, "test");
    CHECK(state->owner == (third | JGIL_WAITERS_BIT));
    state->owner = third | JGIL_RESERVED_BIT; /* T's reservation: its END must not wipe the bit */
    jgil_api_ptr->release_raced(me, "test");
    CHECK(state->owner == (third | JGIL_RESERVED_BIT | JGIL_WAITERS_BIT));
    state->owner = third | JGIL_WAITERS_BIT; /* already there: left alone */
    jgil_api_ptr->release_raced(me, "test");
    CHECK(state->owner == (third | JGIL_WAITERS_BIT));
    /* Still free: H takes it back and releases through the scheduler, which wakes W. */
    state->owner = 0;
    fake_gil_acquire();
    fake_gil_release();
    long up = fake_upcalls();
    jgil_api_ptr->release_raced(me, "test");
    CHECK(fake_upcalls() == up + 1);
    state->waiting = 0;
    state->owner = 0;
}

/* membarrier(2) fails for good (EPERM): a revoker returns at once, leaves the live reservation
 * in place and reports the reserver as the owner; the mode becomes FENCED and stays. */
static void a_lost_membarrier_leaves_the_reservation_to_its_owner_and_fences(void)
{
    start();
    CHECK(Java_org_jgil_GilRuntime_selectMode(env, NULL, JGIL_MODE_RESERVE) == JGIL_MODE_RESERVE);
    fake_gil_acquire();
    Java_org_jgil_probe_NativeProbe_noopReleased(env, NULL); /* the runtime learns this thread's id */
    int64_t me = fake_tid();
    jgil_tstate t = jgil_save_thread();
    CHECK(t == me && state->owner == (me | JGIL_RESERVED_BIT));
    jgil_test_fail_barrier(1);
    CHECK(Java_org_jgil_GilRuntime_settle(env, NULL) == me);
    CHECK(state->owner == (me | JGIL_RESERVED_BIT));
    CHECK(state->mode == JGIL_MODE_FENCED);
    jgil_restore_thread(t); /* the reserver takes its reservation up */
    CHECK(state->owner == me);
    long up = fake_upcalls();
    for (int i = 0; i < 300; i++)
        Java_org_jgil_probe_NativeProbe_noopReleased(env, NULL);
    CHECK(fake_upcalls() == up);
    CHECK(state->mode == JGIL_MODE_FENCED && state->owner == me);
    CHECK(Java_org_jgil_GilRuntime_selectMode(env, NULL, JGIL_MODE_RESERVE) == JGIL_MODE_FENCED);
    Java_org_jgil_GilRuntime_heavyBarrier(env, NULL); /* returns */
    /* A reservation whose thread ended (its slot no longer carries the id) is freed all the same. */
    state->reserver = jgil_this_thread();
    state->owner = (me + 77) | JGIL_RESERVED_BIT;
    CHECK(Java_org_jgil_GilRuntime_settle(env, NULL) == 0);
    CHECK(state->owner == 0);
    jgil_test_fail_barrier(0);
}

/* -Djgil.fastpath=plain stays plain; after a revocation's back-off, reserve comes back. */
static void plain_mode_stays_plain_and_reserve_comes_back_after_a_revocation(void)
{
    start();
    CHECK(Java_org_jgil_GilRuntime_selectMode(env, NULL, JGIL_MODE_PLAIN) == JGIL_MODE_PLAIN);
    fake_gil_acquire();
    for (int i = 0; i < 1000; i++)
        Java_org_jgil_probe_NativeProbe_noopReleased(env, NULL);
    CHECK(state->mode == JGIL_MODE_PLAIN);
    CHECK(Java_org_jgil_GilRuntime_selectMode(env, NULL, JGIL_MODE_RESERVE) == JGIL_MODE_RESERVE);
    state->mode = JGIL_MODE_PLAIN; /* what a revocation does, for this many releases */
    state->reserve_countdown = 5;
    for (int i = 0; i < 5; i++)
        Java_org_jgil_probe_NativeProbe_noopReleased(env, NULL);
    CHECK(state->mode == JGIL_MODE_RESERVE);
    fake_gil_release();
    CHECK(state->owner == 0);
}

/* The FFM release and re-take (jgil_ffm.c): a reservation out and a plain store back, with no
 * upcall, the slot learning the caller's id from the argument; refused, changing nothing, in every
 * case they do not cover; a re-take that finds the lock taken leaves the wait to Java. */
static void ffm_release_and_retake_reserve_with_no_upcall_and_refuse_what_they_do_not_cover(void)
{
    start();
    CHECK(Java_org_jgil_GilRuntime_selectMode(env, NULL, JGIL_MODE_RESERVE) == JGIL_MODE_RESERVE);
    int64_t me = fake_tid();
    CHECK(jgil_ffm_release(me) == 0 && state->owner == 0); /* without the lock */
    fake_gil_acquire();
    long up = fake_upcalls();
    CHECK(jgil_this_thread()->tid != me); /* never released through the runtime yet */
    CHECK(jgil_ffm_release(me) == me);
    CHECK(state->owner == (me | JGIL_RESERVED_BIT) && state->reserver == jgil_this_thread());
    CHECK(jgil_this_thread()->tid == me); /* what a revoker checks the reserver by */
    CHECK(jgil_ffm_retake(me) == 1 && state->owner == me);
    CHECK(fake_upcalls() == up);

    /* Refused: threads wait(ed), a slow flag, a virtual thread's identity, another owner, FENCED. */
    state->waiting = 1;
    CHECK(jgil_ffm_release(me) == 0 && state->owner == me);
    state->waiting = 0;
    state->slow_flags = JGIL_SLOW_CHECKED;
    CHECK(jgil_ffm_release(me) == 0 && state->owner == me);
    CHECK(jgil_ffm_retake(me) == 0);
    state->slow_flags = JGIL_SLOW_STATS;
    CHECK(jgil_ffm_release(me) == 0 && state->owner == me);
    state->slow_flags = 0;
    CHECK(jgil_ffm_release(me | JGIL_VIRTUAL_BIT) == 0 && jgil_ffm_release(me + 1) == 0 && state->owner == me);
    state->mode = JGIL_MODE_FENCED;
    CHECK(jgil_ffm_release(me) == 0 && state->owner == me);

    /* A waiter revokes the reservation (the thread is not re-taking): the lock is free and taken;
     * the re-take leaves it to Java's wait, having changed nothing. */
    state->mode = JGIL_MODE_RESERVE;
    CHECK(jgil_ffm_release(me) == me);
    CHECK(Java_org_jgil_GilRuntime_settle(env, NULL) == 0 && state->owner == 0);
    state->owner = me + 5;
    CHECK(jgil_ffm_retake(me) == 0 && state->owner == me + 5);
    state->owner = me;

    /* Reservations off after the revocation: a plain store out, a CAS back. */
    CHECK(state->mode == JGIL_MODE_PLAIN);
    CHECK(jgil_ffm_release(me) == me && state->owner == 0);
    CHECK(jgil_ffm_retake(me) == 1 && state->owner == me);

    /* WAITERS set on the reservation: taken back with the bit, so the next release goes to the
     * scheduler; a revoker that finds the thread re-taking leaves the lock to it. */
    CHECK(Java_org_jgil_GilRuntime_selectMode(env, NULL, JGIL_MODE_RESERVE) == JGIL_MODE_RESERVE);
    CHECK(jgil_ffm_release(me) == me);
    __atomic_fetch_or(&state->owner, JGIL_WAITERS_BIT, __ATOMIC_SEQ_CST);
    CHECK(jgil_ffm_retake(me) == 1 && state->owner == (me | JGIL_WAITERS_BIT));
    state->owner = me;
    CHECK(jgil_ffm_release(me) == me);
    jgil_this_thread()->retaking = 1;
    CHECK(Java_org_jgil_GilRuntime_settle(env, NULL) == me && state->owner == (me | JGIL_RESERVED_BIT));
    CHECK(jgil_ffm_retake(me) == 1 && state->owner == me);
    CHECK(fake_upcalls() == up);
    fake_gil_release();
    CHECK(state->owner == 0);
}

static int leave_by_return(int n)
{
    JGIL_BEGIN_ALLOW_THREADS
    if (n > 0)
        return n;
    JGIL_END_ALLOW_THREADS
    return 0;
}

static int leave_by_break_and_continue(void)
{
    int i;
    for (i = 0; i < 10; i++) {
        JGIL_BEGIN_ALLOW_THREADS_CANCELLABLE(NULL, NULL)
        if (i == 3)
            break;
        if (i < 2)
            continue;
        JGIL_END_ALLOW_THREADS_CANCELLABLE
    }
    return i;
}

static int leave_between_block_and_unblock(void)
{
    JGIL_BEGIN_ALLOW_THREADS
    JGIL_BLOCK_THREADS
    if (fake_gil_held())
        return 1; /* holding: nothing to re-take */
    JGIL_UNBLOCK_THREADS
    JGIL_END_ALLOW_THREADS
    return 0;
}

/* return/break/continue out of a block re-take the lock. */
static void leaving_a_block_early_retakes_the_lock(void)
{
    start();
    hold_the_lock();
    for (int checked = 0; checked <= 1; checked++) {
        state->slow_flags = checked ? JGIL_SLOW_CHECKED : 0;
        CHECK(leave_by_return(5) == 5);
        CHECK(state->owner == fake_tid());
        CHECK(leave_by_break_and_continue() == 3);
        CHECK(state->owner == fake_tid());
        CHECK(leave_between_block_and_unblock() == 1);
        CHECK(state->owner == fake_tid());
        expect_none();
    }
    state->slow_flags = 0;
    fake_gil_release();
}

static void a_refused_block_of_any_kind_skips_its_body(void)
{
    start();
    hold_the_lock();
    fake_gil_release();
    for (int checked = 0; checked <= 1; checked++) {
        state->slow_flags = checked ? JGIL_SLOW_CHECKED : 0;
        int ran = 0;
        JGIL_BEGIN_ALLOW_THREADS
        ran = 1;
        JGIL_END_ALLOW_THREADS
        CHECK(ran == 0);
        expect_exception(ISE);
        JGIL_BEGIN_ALLOW_THREADS_CANCELLABLE(NULL, NULL)
        ran = 1;
        JGIL_END_ALLOW_THREADS_CANCELLABLE
        CHECK(ran == 0);
        expect_exception(ISE);
        if (checked) { /* a kept block verifies the lock in checked mode */
            JGIL_BEGIN_ALLOW_THREADS_IF(0)
            ran = 1;
            JGIL_END_ALLOW_THREADS_IF
            CHECK(ran == 0);
            expect_exception(ISE);
        }
        CHECK(state->owner == 0);
    }
    state->slow_flags = 0;
}

/* A BEGIN from a thread-exit destructor that runs after the runtime took the thread's slot back,
 * through a file's cached slot, while another thread holds the lock. */
static pthread_key_t late_key;
static pthread_mutex_t phase_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t phase_moved = PTHREAD_COND_INITIALIZER;
static int phase;
static jgil_tstate late_saved = -99;
static jgil_thread *slot_of_a, *slot_of_b, *slot_of_c;

static void wait_phase(int p)
{
    pthread_mutex_lock(&phase_lock);
    while (phase < p)
        pthread_cond_wait(&phase_moved, &phase_lock);
    pthread_mutex_unlock(&phase_lock);
}

static void set_phase(int p)
{
    pthread_mutex_lock(&phase_lock);
    phase = p;
    pthread_cond_broadcast(&phase_moved);
    pthread_mutex_unlock(&phase_lock);
}

static void late_destructor(void *arg)
{
    (void)arg;
    set_phase(1);  /* the runtime's destructor (an earlier key) has run */
    wait_phase(2); /* another thread holds the lock, its id in a slot */
    late_saved = jgil_save_thread();
    if (late_saved > 0)
        jgil_restore_thread(late_saved);
    set_phase(3);
}

static void *exiting_thread(void *arg)
{
    (void)arg;
    jgil_gilstate st = jgil_ensure();
    CHECK(st >= 0);
    for (int i = 0; i < 3; i++) /* the first is slow (the runtime learns the id), then fast */
        jgil_restore_thread(jgil_save_thread());
    slot_of_a = jgil_this_thread();
    jgil_ensure_end(st);
    pthread_setspecific(late_key, (void *)1);
    return NULL;
}

static void *holding_thread(void *arg)
{
    (void)arg;
    wait_phase(1);
    jgil_gilstate st = jgil_ensure();
    CHECK(st >= 0);
    jgil_restore_thread(jgil_save_thread());
    jgil_restore_thread(jgil_save_thread());
    slot_of_b = jgil_this_thread();
    set_phase(2);
    wait_phase(3);
    CHECK(fake_gil_held());
    jgil_ensure_end(st);
    return NULL;
}

static void *later_thread(void *arg)
{
    (void)arg;
    slot_of_c = jgil_this_thread();
    return NULL;
}

static void a_begin_from_a_late_thread_exit_destructor_is_refused_and_slots_are_reused(void)
{
    start();
    (void)jgil_this_thread(); /* creates the runtime's key before ours */
    CHECK(pthread_key_create(&late_key, late_destructor) == 0);
    pthread_t a, b;
    CHECK(pthread_create(&a, NULL, exiting_thread, NULL) == 0);
    CHECK(pthread_create(&b, NULL, holding_thread, NULL) == 0);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    CHECK(late_saved == 0); /* refused: it never held the lock */
    CHECK(state->owner == 0);
    CHECK(slot_of_a != slot_of_b);
    /* Both threads are gone now: their slots go back into use (memory stays bounded).  The
     * kernel reaps a thread a moment after pthread_join returns, so a few tries may be needed. */
    int reused = 0;
    for (int i = 0; i < 100 && !reused; i++) {
        pthread_t c;
        CHECK(pthread_create(&c, NULL, later_thread, NULL) == 0);
        pthread_join(c, NULL);
        reused = slot_of_c == slot_of_a || slot_of_c == slot_of_b;
        if (!reused)
            usleep(1000);
    }
    CHECK(reused);
}

static int64_t site_samples(const char *name)
{
    jobject names = fake_array(8, 64), values = fake_array(8, 3 * 64);
    int n = Java_org_jgil_GilRuntime_siteStats(env, NULL, names, values);
    expect_none();
    for (int i = 0; i < n; i++) {
        fobj *str = ((fobj **)((fobj *)names)->data)[i];
        if (strcmp(str->data, name) == 0)
            return ((jlong *)((fobj *)values)->data)[3 * i];
    }
    return 0;
}

/* Statistics count only calls that hold the lock, close every sample they open, and reset. */
static void statistics_count_only_calls_that_hold_the_lock_and_reset(void)
{
    start();
    const char *site = "Java_org_jgil_probe_NativeProbe_noopReleased";
    state->stats_period = 1;
    state->stats_countdown = 1;
    state->slow_flags = JGIL_SLOW_NOLOCK | JGIL_SLOW_STATS;
    for (int i = 0; i < 10; i++)
        Java_org_jgil_probe_NativeProbe_noopReleased(env, NULL);
    CHECK(site_samples(site) == 10);
    Java_org_jgil_GilRuntime_resetSiteStats(env, NULL);
    CHECK(site_samples(site) == 0);
    /* A thread without the lock does not count down (the holder does, racing with nobody). */
    fake_gil_acquire();
    Java_org_jgil_probe_NativeProbe_noopReleased(env, NULL);
    state->slow_flags = JGIL_SLOW_STATS;
    state->stats_period = 4;
    state->stats_countdown = 4;
    fake_gil_release();
    for (int i = 0; i < 3; i++) {
        Java_org_jgil_probe_NativeProbe_noopReleased(env, NULL);
        expect_exception(ISE);
    }
    CHECK(state->stats_countdown == 4);
    fake_gil_acquire();
    for (int i = 0; i < 8; i++)
        Java_org_jgil_probe_NativeProbe_noopReleased(env, NULL);
    CHECK(site_samples(site) == 2);
    fake_gil_release();
    state->slow_flags = 0;
}

/* An extension that never called jgil_import: exceptions that say so, bodies skipped, no crash. */
static void an_extension_that_never_imported_gets_exceptions_not_crashes(void)
{
    start();
    fake_gil_acquire();
    CHECK(Java_org_jgil_NotImportedProbe_block(env, NULL, 5) == -1);
    CHECK(fake_pending_message() != NULL && strstr(fake_pending_message(), "jgil_import(env)") != NULL);
    expect_exception(ISE);
    CHECK(Java_org_jgil_NotImportedProbe_requireGil(env, NULL) == -1);
    expect_exception(ISE);
    Java_org_jgil_NotImportedProbe_checkpoint(env, NULL);
    expect_exception(ISE);
    CHECK(fake_gil_held());
    fake_gil_release();
}

static const test_case tests[] = {
    TEST(uncontended_blocks_never_call_up_and_keep_errno),
    TEST(a_waiter_sends_begin_to_the_slow_path_which_keeps_errno),
    TEST(checked_mode_calls_up_both_ways_and_refuses_a_block_without_the_lock),
    TEST(statistics_mode_calls_up_only_when_contended),
    TEST(policy_none_gives_nothing_up_and_never_calls_up),
    TEST(an_exception_already_pending_leaves_the_lock_alone),
    TEST(spin_writes_its_interval_and_refuses_bad_arguments),
    TEST(require_gil_checks_only_in_checked_mode),
    TEST(a_checkpoint_calls_up_only_on_a_drop_request),
    TEST(cancellation_reads_the_interrupt_status),
    TEST(a_thread_born_in_native_code_runs_managed_code_through_ensure),
    TEST(native_threads_contend_through_ensure_and_release),
    TEST(an_ensure_whose_upcall_throws_fails_and_detaches),
    TEST(an_ensure_the_vm_refuses_to_attach_fails_at_once),
    TEST(after_the_shutdown_hook_only_attached_threads_ensure),
    TEST(every_kernel_at_every_isa_level_matches_its_reference_in_bounds),
    TEST(an_interrupted_kernel_stops_and_throws_with_nothing_pinned),
    TEST(a_vm_that_cannot_pin_gets_out_of_memory_error_with_the_lock_back),
    TEST(bad_sizes_and_ranges_throw_and_write_nothing),
    TEST(a_virtual_thread_never_passes_for_another_on_its_carrier),
    TEST(a_raced_release_puts_the_waiters_bit_into_the_new_holders_word),
    TEST(a_lost_membarrier_leaves_the_reservation_to_its_owner_and_fences),
    TEST(plain_mode_stays_plain_and_reserve_comes_back_after_a_revocation),
    TEST(leaving_a_block_early_retakes_the_lock),
    TEST(a_refused_block_of_any_kind_skips_its_body),
    TEST(a_begin_from_a_late_thread_exit_destructor_is_refused_and_slots_are_reused),
    TEST(statistics_count_only_calls_that_hold_the_lock_and_reset),
    TEST(an_extension_that_never_imported_gets_exceptions_not_crashes),
    TEST(ffm_release_and_retake_reserve_with_no_upcall_and_refuse_what_they_do_not_cover),
};

int main(int argc, char **argv)
{
    int status = RUN_TESTS("native", tests);
    fake_free_all(); /* LeakSanitizer watches what is left */
    return status;
}
