/*
 * jgil/jgil_detail.h -- what the inline code of jgil.h stands on: the shared
 * lock state, the api table, the stand-in table of an extension that never
 * called jgil_import, and the fast paths.  Include jgil.h, not this header.
 * Nothing here is a promise to callers, except that jgil_state's layout is
 * org.jgil.LockWord's and that jgil_api only grows at its end.
 *
 * How the fast paths work, and why they are safe without an atomic
 * read-modify-write: the top comment of native/src/jgil_runtime.c, where the
 * other side of the protocol lives.
 */
#ifndef JGIL_DETAIL_H
#define JGIL_DETAIL_H

#ifndef JGIL_H
#error "include <jgil.h>, not jgil/jgil_detail.h"
#endif

#include <stdint.h>
#include <dlfcn.h>
#include <jni.h>

#ifdef __cplusplus
extern "C" {
#endif

#define JGIL_ABI_VERSION 1

/* Bit layout of the lock word: thread ids are positive and far below 2^60. */
#define JGIL_WAITERS_BIT   ((int64_t)1 << 62)  /* somebody waits: releases go to the scheduler */
#define JGIL_RESERVED_BIT  ((int64_t)1 << 61)  /* free, but reserved for the thread in the owner bits */
#define JGIL_REVOKING_BIT  ((int64_t)1 << 60)  /* a reservation is being revoked: wait a moment */
#define JGIL_OWNER_MASK    (JGIL_REVOKING_BIT - 1)
/* Inside the owner bits: set in a virtual thread's identity (its Java id | this bit).  A virtual
 * thread moves between carriers, and the per-thread slot below belongs to the carrier, so the
 * runtime never stores such an identity in a slot: a virtual thread always takes the slow path
 * (a JNI call pins its carrier, so a block's BEGIN and END still run on the same one). */
#define JGIL_VIRTUAL_BIT   ((int64_t)1 << 59)

/* While `waiting` is up, one CAS release in this many visits the scheduler. */
#define JGIL_QUIET_CHECK_EVERY 256

/* How the fast path gives the lock up (jgil_state.mode); chosen by the runtime. */
#define JGIL_MODE_FENCED   0  /* one CAS each way (no membarrier(2), or a zeroed state) */
#define JGIL_MODE_PLAIN    1  /* release with a plain store, re-take with a CAS */
#define JGIL_MODE_RESERVE  2  /* release by reserving, re-take with a plain store */

/* Shared state.  Java maps the same bytes (org.jgil.LockWord): keep the
 * offsets in sync with the constants there. */
typedef struct jgil_state {
    int64_t owner;                 /* offset 0: owner tid | WAITERS | RESERVED | REVOKING */
    int32_t waiting;               /* offset 8: nonzero while a thread waits; set before WAITERS */
    int32_t mode;                  /* offset 12: JGIL_MODE_*, for the next release */
    struct jgil_thread *reserver;  /* offset 16: the reservation holder's slot */
    int32_t reserve_countdown;     /* offset 24: PLAIN releases left before RESERVE again */
    int32_t stats_countdown;       /* offset 28: with JGIL_SLOW_STATS, releases until the next timed one */
    int32_t quiet_countdown;       /* offset 32: CAS releases (while `waiting`) until the next quiet check */
    int32_t resume_mode;           /* offset 36: the mode a spent reserve_countdown switches to */
    char pad0[24];
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
#define JGIL_SLOW_NOT_IMPORTED 8   /* the extension never called jgil_import (see JGIL_DEFINE_API) */

/* Tag on a saved state whose block is being timed for statistics: it makes
 * the state negative, so that its END takes the slow path that times it. */
#define JGIL_TSTATE_SAMPLED INT64_MIN

/* What jgil_save_thread returns under policy "none": nothing to re-take. */
#define JGIL_TSTATE_NOLOCK ((jgil_tstate)-1)

typedef struct jgil_api {
    uint32_t abi_version;
    uint32_t size;
    jgil_state *state;
    /* Slow paths: a failed CAS or nonzero slow_flags lands here. */
    jgil_tstate (*save_thread_slow)(const char *site);
    void (*restore_thread_slow)(jgil_tstate saved, const char *site);
    /* Foreign (native) threads: jgil_ensure, jgil_ensure_end, jgil_check
     * (PyGILState_Ensure/Release/Check). */
    jgil_gilstate (*ensure)(void);
    void (*ensure_end)(jgil_gilstate state);
    int (*check)(void);
    /* Cancellation: nonzero once Thread.interrupt() reached this released section. */
    int (*cancelled)(void);
    /* ---- Added with the extension kit; the table only grows at the end, and
     * `size` says which entries a runtime has (jgil_import checks it). ---- */
    /* Checked mode: 0 if the caller holds the lock, else -1 with an
     * IllegalStateException pending that names `site`. */
    int (*require_gil)(const char *site);
    /* Open/close a cancellable released section: records the unblocking
     * function (may be NULL) that the cancel watcher calls on Thread.interrupt(). */
    void (*cancel_begin)(void (*ubf)(void *arg), void *arg);
    void (*cancel_end)(void);
    /* Slow path of JGIL_CHECKPOINT(): a drop request is set, or checked mode. */
    void (*checkpoint)(const char *site);
    /* A fast release saw `waiting` set: make sure the waiter hears of it. */
    void (*release_raced)(jgil_tstate saved, const char *site);
    /* The calling thread's slot (jgil_this_thread()). */
    struct jgil_thread *(*this_thread)(void);
} jgil_api;

/* Bytes of jgil_api a runtime must provide for this header's inline code. */
#define JGIL_API_SIZE_NEEDED sizeof(jgil_api)

/* Per thread, from the runtime (jgil_api.this_thread); never freed, recycled
 * when a thread ends. */
typedef struct jgil_thread {
    volatile int32_t retaking;   /* 1 from the moment a re-take starts looking */
    int32_t unused;
    int64_t tid;                 /* the thread's Java id as last seen by the runtime; 0: unknown */
} jgil_thread;

/* Defined once per shared library: by libjgil itself, or by an extension with
 * JGIL_DEFINE_API.  Hidden so that two extensions never share (or clash on)
 * the symbol. */
extern const jgil_api *jgil_api_ptr __attribute__((visibility("hidden")));

/* JNI's function tables read differently from C and C++. */
#ifdef __cplusplus
#define JGIL_JNI(env) ((env)->functions)
#define JGIL_JVM(vm) ((vm)->functions)
#else
#define JGIL_JNI(env) (*(env))
#define JGIL_JVM(vm) (*(vm))
#endif

/* ---- an extension that never called jgil_import ----
 *
 * Until jgil_import succeeds, the API pointer points at this stand-in table,
 * whose state sends every fast path to its slow function (a slow_flags value
 * no fast path accepts), so the fast paths pay nothing for it.  Those
 * functions find the JVM without the runtime (libjvm is in the process; the
 * extension does not link it), throw an IllegalStateException that says what
 * to do, and refuse: a refused block skips its body. */
/* Older glibc shows these only under _GNU_SOURCE; the values are glibc's. */
#ifdef RTLD_DEFAULT
#define JGIL_RTLD_DEFAULT_ RTLD_DEFAULT
#else
#define JGIL_RTLD_DEFAULT_ ((void *)0)
#endif
#ifdef RTLD_NOLOAD
#define JGIL_RTLD_NOLOAD_ RTLD_NOLOAD
#else
#define JGIL_RTLD_NOLOAD_ 0x00004
#endif

static inline JNIEnv *jgil_not_imported_env_(void)
{
    typedef jint (*get_vms_fn)(JavaVM **, jsize, jsize *);
    get_vms_fn get_vms = (get_vms_fn)dlsym(JGIL_RTLD_DEFAULT_, "JNI_GetCreatedJavaVMs");
    if (get_vms == 0) {
        /* A launcher that loaded libjvm RTLD_LOCAL: ask for it by name, loading nothing. */
        void *jvm_lib = dlopen("libjvm.so", RTLD_LAZY | JGIL_RTLD_NOLOAD_);
        if (jvm_lib != 0)
            get_vms = (get_vms_fn)dlsym(jvm_lib, "JNI_GetCreatedJavaVMs");
    }
    JavaVM *vm = 0;
    jsize n = 0;
    JNIEnv *env = 0;
    if (get_vms == 0 || get_vms(&vm, 1, &n) != JNI_OK || n < 1
        || JGIL_JVM(vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_6) != JNI_OK)
        return 0;
    return env;
}

static inline int jgil_not_imported_(const char *site)
{
    JNIEnv *env = jgil_not_imported_env_();
    if (env == 0 || JGIL_JNI(env)->ExceptionCheck(env))
        return -1;
    jclass ise = JGIL_JNI(env)->FindClass(env, "java/lang/IllegalStateException");
    if (ise == 0)
        return -1;
    char msg[400];
    int n = 0;
    const char *p;
    for (p = site ? site : "a jgil call"; *p && n < 160; p++)
        msg[n++] = *p;
    for (p = ": this extension never imported the jgil runtime; call jgil_import(env) from its JNI_OnLoad "
             "(and fail the load if it returns -1) before any jgil macro or function runs"; *p && n < 398; p++)
        msg[n++] = *p;
    msg[n] = 0;
    JGIL_JNI(env)->ThrowNew(env, ise, msg);
    JGIL_JNI(env)->DeleteLocalRef(env, ise);
    return -1;
}

static inline jgil_tstate jgil_ni_save_(const char *site) { jgil_not_imported_(site); return 0; }
static inline void jgil_ni_restore_(jgil_tstate saved, const char *site) { (void)saved; (void)site; }
static inline jgil_gilstate jgil_ni_ensure_(void) { jgil_not_imported_("jgil_ensure()"); return JGIL_ENSURE_FAILED; }
static inline void jgil_ni_ensure_end_(jgil_gilstate st) { (void)st; }
static inline int jgil_ni_check_(void) { return 0; }
static inline int jgil_ni_cancelled_(void) { jgil_not_imported_("jgil_cancelled()"); return 0; }
static inline int jgil_ni_require_(const char *site) { return jgil_not_imported_(site); }
static inline void jgil_ni_cancel_begin_(void (*ubf)(void *), void *arg) { (void)ubf; (void)arg; }
static inline void jgil_ni_cancel_end_(void) {}
static inline void jgil_ni_checkpoint_(const char *site) { jgil_not_imported_(site); }
static inline void jgil_ni_raced_(jgil_tstate saved, const char *site) { (void)saved; (void)site; }
static jgil_thread jgil_ni_slot_ __attribute__((unused));
static inline jgil_thread *jgil_ni_this_thread_(void) { return &jgil_ni_slot_; }

static jgil_state jgil_ni_state_ __attribute__((unused, aligned(64))) = {
    0, 0, JGIL_MODE_FENCED, 0, 0, 0, 0, 0, { 0 }, 0, JGIL_SLOW_CHECKED | JGIL_SLOW_NOT_IMPORTED, 0, 0, { 0 }
};

static const jgil_api jgil_not_imported_api_ __attribute__((unused)) = {
    JGIL_ABI_VERSION, sizeof(jgil_api), &jgil_ni_state_, jgil_ni_save_, jgil_ni_restore_, jgil_ni_ensure_,
    jgil_ni_ensure_end_, jgil_ni_check_, jgil_ni_cancelled_, jgil_ni_require_, jgil_ni_cancel_begin_,
    jgil_ni_cancel_end_, jgil_ni_checkpoint_, jgil_ni_raced_, jgil_ni_this_thread_,
};

/* jgil_import: looks the runtime up through org.jgil.GilRuntime.apiAddress(). */
static inline int jgil_import_(JNIEnv *env)
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
    const jgil_api *api = (const jgil_api *)(intptr_t)addr;
    if (api->size < JGIL_API_SIZE_NEEDED) {
        /* Built against a newer jgil.h than the runtime: its inline code would
         * call entries the runtime's table does not have. */
        jclass uoe = JGIL_JNI(env)->FindClass(env, "java/lang/UnsupportedOperationException");
        if (uoe != NULL)
            JGIL_JNI(env)->ThrowNew(env, uoe, "extension built against a newer jgil.h than the "
                                    "jgil runtime loaded (api table too small); upgrade jgil");
        return -1;
    }
    jgil_api_ptr = api;
    return 0;
}

/* Each translation unit caches its thread's slot; initial-exec keeps the
 * access to one instruction (the runtime may be dlopen'ed: 8 bytes per file
 * of the static TLS surplus glibc keeps for that). */
static __thread jgil_thread *jgil_this_thread_cache
    __attribute__((tls_model("initial-exec"), unused));

static inline jgil_thread *jgil_this_thread(void)
{
    jgil_thread *t = jgil_this_thread_cache;
    if (__builtin_expect(t == 0, 0))
        t = jgil_this_thread_cache = jgil_api_ptr->this_thread();
    return t;
}

/* Keeps the compiler from moving memory accesses across it; the hardware
 * side of the ordering is the runtime's process-wide barrier. */
#define JGIL_COMPILER_BARRIER() __atomic_signal_fence(__ATOMIC_SEQ_CST)

/* The fast release proper: the caller holds the lock (`w` is its id, `me`
 * its slot). */
static inline __attribute__((always_inline)) jgil_tstate
jgil_save_thread_fast(jgil_state *s, jgil_thread *me, int64_t w, const char *site)
{
    int mode = __atomic_load_n(&s->mode, __ATOMIC_RELAXED);
    /* The common case first, as straight-line code: nobody waits, reserve. */
    int waiting = __atomic_load_n(&s->waiting, __ATOMIC_RELAXED);
    if (__builtin_expect(mode == JGIL_MODE_RESERVE && waiting == 0, 1)) {
        me->retaking = 0;
        __atomic_store_n(&s->reserver, me, __ATOMIC_RELAXED);
        __atomic_store_n(&s->owner, w | JGIL_RESERVED_BIT, __ATOMIC_RELEASE);
        JGIL_COMPILER_BARRIER();
        if (__builtin_expect(__atomic_load_n(&s->waiting, __ATOMIC_RELAXED) != 0, 0))
            jgil_api_ptr->release_raced(w, site); /* a waiter may have missed the release */
        return w;
    }
    /* While threads wait (or did a moment ago), a CAS: it cannot wipe a WAITERS bit.
     * Now and then such a release visits the scheduler, which lowers `waiting`
     * once nobody has waited for a millisecond. */
    if (mode == JGIL_MODE_FENCED || waiting != 0) {
        int visit = mode != JGIL_MODE_FENCED && --s->quiet_countdown <= 0;
        if (visit)
            s->quiet_countdown = JGIL_QUIET_CHECK_EVERY;
        if (__atomic_compare_exchange_n(&s->owner, &w, 0, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
            if (__builtin_expect(visit, 0))
                jgil_api_ptr->release_raced(w, site);
            return w;
        }
        return jgil_api_ptr->save_thread_slow(site);
    }
    /* Plain mode.  We hold the lock, so these read-modify-writes race with
     * nobody.  A spent countdown goes back to the mode the runtime chose (which
     * stays "plain" when the user asked for plain), and is not counted again. */
    if (__builtin_expect(--s->reserve_countdown <= 0, 0)) {
        s->reserve_countdown = 0x7fffffff;
        __atomic_store_n(&s->mode, s->resume_mode, __ATOMIC_RELAXED);
    }
    __atomic_store_n(&s->owner, 0, __ATOMIC_RELEASE);
    JGIL_COMPILER_BARRIER();
    if (__builtin_expect(__atomic_load_n(&s->waiting, __ATOMIC_RELAXED) != 0, 0))
        jgil_api_ptr->release_raced(w, site); /* a waiter may have missed the release */
    return w;
}

/* Release the lock held by the calling thread; returns what restore needs.
 * Uncontended: plain loads and stores, no call into Java. */
static inline __attribute__((always_inline)) jgil_tstate jgil_save_thread_at(const char *site)
{
    jgil_state *s = jgil_api_ptr->state;
    int64_t w = __atomic_load_n(&s->owner, __ATOMIC_RELAXED);
    int flags = __atomic_load_n(&s->slow_flags, __ATOMIC_RELAXED);
    /* A caller whose id is not in the word (it does not hold the lock, the
     * runtime has not seen its id yet, or it is a virtual thread) takes the
     * slow path, which says why.  Statistics time one release in stats_period;
     * only a caller that holds the lock counts down, so that races with nobody.
     * The timed one takes the slow path.  Any other flag (and the table of an
     * extension that never called jgil_import) sends every call there before
     * the slot is even looked up. */
    if (__builtin_expect(flags == 0, 1)) {
        jgil_thread *me = jgil_this_thread();
        if (__builtin_expect(w == me->tid && w > 0, 1))
            return jgil_save_thread_fast(s, me, w, site);
    } else if (flags == JGIL_SLOW_STATS) {
        jgil_thread *me = jgil_this_thread();
        if (w == me->tid && w > 0 && --s->stats_countdown > 0)
            return jgil_save_thread_fast(s, me, w, site);
    }
    return jgil_api_ptr->save_thread_slow(site);
}

/* Take the lock back.  Uncontended: plain loads and stores (one CAS when the
 * release could not reserve), no call into Java. */
static inline __attribute__((always_inline)) void
jgil_restore_thread_at(jgil_tstate saved, const char *site)
{
    jgil_state *s = jgil_api_ptr->state;
    if (__builtin_expect((__atomic_load_n(&s->slow_flags, __ATOMIC_RELAXED) & ~JGIL_SLOW_STATS) == 0
                         && saved > 0, 1)) {
        jgil_thread *me = jgil_this_thread();
        me->retaking = 1;
        JGIL_COMPILER_BARRIER();
        int64_t w = __atomic_load_n(&s->owner, __ATOMIC_ACQUIRE);
        if (__builtin_expect(w == (saved | JGIL_RESERVED_BIT), 1)) {
            __atomic_store_n(&s->owner, saved, __ATOMIC_RELAXED);
            JGIL_COMPILER_BARRIER();
            /* A waiter that set WAITERS meanwhile had it overwritten: set it again. */
            if (__builtin_expect(__atomic_load_n(&s->waiting, __ATOMIC_RELAXED) != 0, 0))
                __atomic_fetch_or(&s->owner, JGIL_WAITERS_BIT, __ATOMIC_SEQ_CST);
            return;
        }
        if (w == 0 && __atomic_compare_exchange_n(&s->owner, &w, saved, 0,
                                                  __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return;
    }
    jgil_api_ptr->restore_thread_slow(saved, site);
}

/* jgil_throw_cancelled: the message names the site, in a buffer on the stack. */
static inline int jgil_throw_cancelled_(JNIEnv *env, const char *site)
{
    jclass cls = JGIL_JNI(env)->FindClass(env, "org/jgil/NativeCancelledException");
    if (cls != NULL) {
        char msg[256];
        int n = 0;
        const char *p;
        for (p = site ? site : "native call"; *p && n < 200; p++)
            msg[n++] = *p;
        for (p = ": cancelled, the calling thread was interrupted"; *p; p++)
            msg[n++] = *p;
        msg[n] = 0;
        JGIL_JNI(env)->ThrowNew(env, cls, msg);
        JGIL_JNI(env)->DeleteLocalRef(env, cls);
    }
    return 0;
}

/* JGIL_REQUIRE_GIL(): only checked mode asks the runtime. */
static inline int jgil_require_gil_at(const char *site)
{
    if (__builtin_expect(__atomic_load_n(&jgil_api_ptr->state->slow_flags, __ATOMIC_RELAXED)
                         & JGIL_SLOW_CHECKED, 0))
        return jgil_api_ptr->require_gil(site);
    return 0;
}

/* JGIL_CHECKPOINT(): the runtime only when a waiter asked for the lock, or in
 * checked mode. */
static inline void jgil_checkpoint_at(const char *site)
{
    jgil_state *s = jgil_api_ptr->state;
    if (__builtin_expect((__atomic_load_n(&s->drop_request, __ATOMIC_RELAXED)
                          | (__atomic_load_n(&s->slow_flags, __ATOMIC_RELAXED) & JGIL_SLOW_CHECKED)) != 0, 0))
        jgil_api_ptr->checkpoint(site);
}

/* ---- JGIL_BEGIN_ALLOW_THREADS_IF and _ADAPTIVE (numpy's NPY_BEGIN_THREADS_THRESHOLDED) ---- */

/* What a "not released" block keeps in place of a saved state. */
#define JGIL_TSTATE_HELD ((jgil_tstate)-2)

/* Calls expected to run at least this long are always released by the
 * adaptive macros.  Below it a caller that nobody waits for keeps the lock:
 * a waiter that arrives meanwhile waits at most this long, 1% of the default
 * 5 ms switch interval.  Define it before including jgil.h to change it. */
#ifndef JGIL_ADAPTIVE_LONG_NS
#define JGIL_ADAPTIVE_LONG_NS 50000
#endif

/* 1 if a call expected to take `expected_ns` should give the lock up: it is
 * long, or another thread is waiting for the lock right now (the WAITERS bit
 * of the owner word, read inline), or checked mode wants every block
 * verified.  One or two loads. */
static inline int jgil_should_release(int64_t expected_ns)
{
    jgil_state *s = jgil_api_ptr->state;
    return expected_ns >= JGIL_ADAPTIVE_LONG_NS
        || (__atomic_load_n(&s->owner, __ATOMIC_RELAXED) & JGIL_WAITERS_BIT) != 0
        || (__atomic_load_n(&s->slow_flags, __ATOMIC_RELAXED) & JGIL_SLOW_CHECKED) != 0;
}

/* ---- the blocks ----
 *
 * Every block is a scope whose state (a jgil_block) carries a cleanup
 * attribute: however the scope is left -- through its END, or early with
 * return, break, continue, goto, or a C++ exception (C++, or C built with
 * -fexceptions) -- the cleanup re-takes the lock, so a thread never goes on
 * running managed code unlocked.  Only longjmp (and an exception through C
 * built without -fexceptions) skips it; checked mode reports such a block at
 * the thread's next lock operation, naming it.
 *
 * A refused BEGIN (a thread that does not hold the lock; checked mode finding
 * a misuse; an extension that never called jgil_import) leaves a Java
 * exception pending and SKIPS the block's body, so that no JNI call runs with
 * an exception pending: initialise what the body computes, and check
 * (*env)->ExceptionCheck(env) after END where it matters.
 *
 * END closes the body's braces first and then the block's, so objects a C++
 * caller declares inside the body are destroyed BEFORE the lock is re-taken
 * (a pinned-array guard released there, as it must be); objects declared
 * before BEGIN live across the whole block.
 *
 * The macros keep errno across the lock operations, as CPython's do: the fast
 * path never touches it, and the slow paths in the runtime restore it. */
typedef struct jgil_block {
    jgil_tstate saved;     /* 0: refused; JGIL_TSTATE_HELD: holding, nothing to re-take */
    const char *site;
    int cancellable;       /* a cancellable section is open: close it first */
} jgil_block;

static inline __attribute__((always_inline)) void jgil_block_end(jgil_block *b)
{
    if (__builtin_expect(b->cancellable, 0))
        jgil_api_ptr->cancel_end();
    /* A positive state is a released lock to re-take: the fast path.  The
     * other non-zero states but HELD (sampled, policy "none") go to the slow
     * path, which the inline re-take would reach anyway. */
    if (__builtin_expect(b->saved > 0, 1))
        jgil_restore_thread_at(b->saved, b->site);
    else if (b->saved != 0 && b->saved != JGIL_TSTATE_HELD)
        jgil_api_ptr->restore_thread_slow(b->saved, b->site);
}

/* A block that keeps the lock: in checked mode, 0 with an exception pending
 * (the body is skipped) if the caller does not hold it. */
static inline jgil_tstate jgil_keep_at(const char *site)
{
    return jgil_require_gil_at(site) == 0 ? JGIL_TSTATE_HELD : 0;
}

#define JGIL_BLOCK_OPEN_(site, how) \
    { \
        jgil_block _jgil_blk __attribute__((cleanup(jgil_block_end))) = { 0, (site), 0 }; \
        _jgil_blk.saved = (how); \
        if (_jgil_blk.saved != 0) {

/* The lock is re-taken by the cleanup as the scope closes. */
#define JGIL_BLOCK_CLOSE_ \
        } \
    }

/* JGIL_BLOCK_THREADS: leaving the block after it re-takes nothing. */
#define JGIL_BLOCK_RETAKE_ \
    jgil_restore_thread_at(_jgil_blk.saved, _jgil_blk.site); \
    _jgil_blk.saved = JGIL_TSTATE_HELD;
#define JGIL_BLOCK_RELEASE_ _jgil_blk.saved = jgil_save_thread_at(_jgil_blk.site);

#define JGIL_BLOCK_OPEN_RELEASED_(name) JGIL_BLOCK_OPEN_(name, jgil_save_thread_at(_jgil_blk.site))

#define JGIL_BLOCK_OPEN_IF_(name, cond) \
    JGIL_BLOCK_OPEN_(name, (cond) ? jgil_save_thread_at(_jgil_blk.site) : jgil_keep_at(_jgil_blk.site))

#define JGIL_BLOCK_RELEASED_ (_jgil_blk.saved != JGIL_TSTATE_HELD)

/* The section opens only in a body that runs; jgil_block_end closes it before
 * the re-take, however the block is left. */
#define JGIL_BLOCK_OPEN_CANCELLABLE_(name, ubf, arg) \
    JGIL_BLOCK_OPEN_RELEASED_(name) \
        jgil_api_ptr->cancel_begin((ubf), (arg)); \
        _jgil_blk.cancellable = 1;

#ifdef __cplusplus
}
#endif

#endif /* JGIL_DETAIL_H */
