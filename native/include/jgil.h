/*
 * jgil.h -- release and re-take the jgil global lock from native code.
 *
 * A JNI extension gives the lock up around work that touches no managed
 * state, as a CPython extension does with Py_BEGIN/END_ALLOW_THREADS:
 *
 *     JNIEXPORT jdouble JNICALL Java_my_Kernels_dot(JNIEnv *env, ...)
 *     {
 *         double r = 0;              // what a refused block (body skipped) leaves
 *         JGIL_BEGIN_ALLOW_THREADS
 *         r = dot(a, b, n);          // no JNI calls, no managed state here
 *         JGIL_END_ALLOW_THREADS
 *         return r;                  // with a Java exception pending if refused
 *     }
 *
 * The extension calls jgil_import(env) from JNI_OnLoad and writes
 * JGIL_DEFINE_API in exactly one of its files; it links neither libjgil nor
 * libjvm.  While nobody waits, BEGIN and END are inline loads and stores
 * (jgil/jgil_detail.h; how and why: native/src/jgil_runtime.c).  Needs GCC or
 * Clang.  C++ guards: jgil.hpp.  The guide: docs/guide.md.
 *
 * Rules (checked when the runtime runs with -Djgil.checked=true):
 *   - hold the lock at BEGIN.  If not, BEGIN throws IllegalStateException and
 *     SKIPS the body, in every mode: initialise what the body computes;
 *   - blocks do not nest (checked mode refuses the inner BEGIN, naming both);
 *     JGIL_BLOCK_THREADS and JGIL_UNBLOCK_THREADS only inside a block;
 *   - return, break, continue, goto and C++ exceptions may leave a block (a
 *     cleanup attribute re-takes the lock, after the body's C++ objects die);
 *     longjmp, or an exception through C built without -fexceptions, must not
 *     (the thread would run on unlocked; checked mode reports it later);
 *   - never open a block inside a JNI critical region (the slow path calls
 *     Java): get the critical array after BEGIN, release it before END;
 *   - no jgil calls from thread-exit destructors (pthread keys, C++
 *     thread_local objects) that run after the runtime's: they are refused;
 *   - until jgil_import succeeds, every jgil call throws IllegalStateException
 *     saying so, and every block skips its body;
 *   - a virtual thread may use every macro; its calls take the slow path.
 * The macros keep errno, as CPython's do.
 */
#ifndef JGIL_H
#define JGIL_H

#include <stdint.h>
#include <jni.h>

/* A released lock: from jgil_save_thread, for jgil_restore_thread. */
typedef int64_t jgil_tstate;

/* From jgil_ensure, for jgil_ensure_end.  JGIL_ENSURE_FAILED: the lock could
 * not be taken (the JVM is shutting down, or the thread cannot attach). */
typedef int jgil_gilstate;
#define JGIL_ENSURE_FAILED (-1)

#include "jgil/jgil_detail.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The body runs without the lock; leaving the block in any way re-takes it.
 * A refused BEGIN leaves a Java exception pending and skips the body: check
 * (*env)->ExceptionCheck(env) after END where it matters. */
#define JGIL_BEGIN_ALLOW_THREADS JGIL_BEGIN_ALLOW_THREADS_NAMED(__func__)
#define JGIL_END_ALLOW_THREADS JGIL_BLOCK_CLOSE_

/* The same block, named `name` (a string literal) in messages and statistics
 * in place of the enclosing function. */
#define JGIL_BEGIN_ALLOW_THREADS_NAMED(name) JGIL_BLOCK_OPEN_RELEASED_(name)

/* Inside a block: take the lock for a moment (to call managed code) and give
 * it up again; leaving the block between the two is fine. */
#define JGIL_BLOCK_THREADS JGIL_BLOCK_RETAKE_
#define JGIL_UNBLOCK_THREADS JGIL_BLOCK_RELEASE_

/* Release only if `cond` holds (e.g. n > 512): tiny work is not worth the
 * release.  A block that keeps the lock is still verified in checked mode.
 * Inside, JGIL_RELEASED tells which way it went; no JGIL_BLOCK_THREADS here. */
#define JGIL_BEGIN_ALLOW_THREADS_IF(cond) JGIL_BLOCK_OPEN_IF_(__func__, cond)
#define JGIL_RELEASED JGIL_BLOCK_RELEASED_
#define JGIL_END_ALLOW_THREADS_IF JGIL_BLOCK_CLOSE_

/* Release if the call is expected to run at least JGIL_ADAPTIVE_LONG_NS (50 us
 * unless defined before this header; a waiter arriving meanwhile waits at most
 * that long), or another thread waits for the lock now, or in checked mode. */
#define JGIL_BEGIN_ALLOW_THREADS_ADAPTIVE(expected_ns) \
    JGIL_BEGIN_ALLOW_THREADS_IF(jgil_should_release(expected_ns))
#define JGIL_END_ALLOW_THREADS_ADAPTIVE JGIL_BLOCK_CLOSE_

/* A block that Thread.interrupt() can break (Ruby's rb_nogvl): the body polls
 * jgil_cancelled(); if `ubf` is not NULL the runtime calls ubf(arg) once, on
 * its own thread, soon after the interrupt, to wake a blocking wait (write to
 * an eventfd the body polls, signal a condition, shutdown(2) a socket).  ubf
 * makes no JNI call and takes no lock the body may hold while it waits; it can
 * fire spuriously, so confirm with jgil_cancelled().  After END, throw with
 * jgil_throw_cancelled(). */
#define JGIL_BEGIN_ALLOW_THREADS_CANCELLABLE(ubf, arg) JGIL_BLOCK_OPEN_CANCELLABLE_(__func__, ubf, arg)
#define JGIL_END_ALLOW_THREADS_CANCELLABLE JGIL_BLOCK_CLOSE_

/* PyEval_SaveThread / PyEval_RestoreThread, for code a block cannot shape. */
static inline jgil_tstate jgil_save_thread(void) { return jgil_save_thread_at(0); }
static inline void jgil_restore_thread(jgil_tstate saved) { jgil_restore_thread_at(saved, 0); }

/* Take the lock from any thread, attaching a native thread to the JVM (as a
 * daemon); nests.  jgil_ensure_end gives back what its jgil_ensure took.  (The
 * PyGILState_Ensure/Release/Check of CPython.) */
static inline jgil_gilstate jgil_ensure(void) { return jgil_api_ptr->ensure(); }
static inline void jgil_ensure_end(jgil_gilstate st) { jgil_api_ptr->ensure_end(st); }

/* 1 if the calling thread holds the lock. */
static inline int jgil_check(void) { return jgil_api_ptr->check(); }

/* Checked mode only: -1, with an IllegalStateException naming the function,
 * if the caller does not hold the lock; else 0. */
#define JGIL_REQUIRE_GIL() jgil_require_gil_at(__func__)

/* A safe point for native code that runs long HOLDING the lock: if a waiter
 * asked for it, give it up, let the waiter run, take it back (Gil.checkpoint()
 * for C).  Without the lock, checked mode throws, naming the function. */
#define JGIL_CHECKPOINT() jgil_checkpoint_at(__func__)

/* Nonzero once Thread.interrupt() reached the Java thread that made this call
 * (its interrupt status stays set).  After a thread's first, a poll reads a flag
 * in native memory: poll about once a millisecond, outside critical regions.
 * Outside blocks, a virtual thread's poll may answer for its carrier's last. */
static inline int jgil_cancelled(void) { return jgil_api_ptr->cancelled(); }

/* Throws org.jgil.NativeCancelledException (a CancellationException) naming
 * `site`; call it holding the lock again, after END.  Returns 0. */
static inline int jgil_throw_cancelled(JNIEnv *env, const char *site) { return jgil_throw_cancelled_(env, site); }

/* Finds the runtime (org.jgil.GilRuntime): 0, or -1 with a Java exception
 * pending, also when this header is newer than the runtime.  JNI_OnLoad. */
static inline int jgil_import(JNIEnv *env) { return jgil_import_(env); }

/* The pointer to the runtime, once per extension; a stand-in until jgil_import
 * (a forgotten import throws, never crashes). */
#define JGIL_DEFINE_API \
    const jgil_api *jgil_api_ptr __attribute__((visibility("hidden"))) = &jgil_not_imported_api_;

#ifdef __cplusplus
}
#endif

#endif /* JGIL_H */
