/*
 * jgil.hpp -- C++ for jgil extensions: RAII guards and exception translation.
 *
 * Header-only on top of jgil.h; the extension still calls jgil_import(env)
 * in JNI_OnLoad and writes JGIL_DEFINE_API once.
 *
 *   jgil::allow_threads    releases the lock in its constructor and re-takes
 *                          it in its destructor, also during stack unwinding
 *                          (pybind11's gil_scoped_release).
 *   jgil::gil_acquire      takes the lock from any thread -- a native thread
 *                          is attached to the JVM -- and gives back what it
 *                          took (jgil_ensure/jgil_ensure_end; pybind11's
 *                          gil_scoped_acquire).
 *   jgil::call_released    runs a callable with the lock released, catches
 *                          every C++ exception, re-takes the lock, THEN throws
 *                          the matching Java exception (OpenCV's ERRWRAP2).
 *   JGIL_TRY_RELEASED      the same as a macro around statements.
 *
 * Reentrancy:
 *   - gil_acquire nests, on any thread: an inner one finds the lock held and
 *     takes and gives back nothing.  Inside an allow_threads scope it takes
 *     the lock back for its own scope (to call managed code), and gives it up
 *     again when it ends.
 *   - allow_threads does not nest: the thread does not hold the lock any more.
 *     A nested one throws IllegalStateException ("... nested inside the
 *     released section opened by ...") from the slow path; the inner guard
 *     then holds nothing and its destructor does nothing, the outer one
 *     re-takes the lock, and call_released does not run its callable.  The
 *     exception reaches Java when the native method returns.  Check ok() if
 *     you must know.  The same holds without checked mode: the fast path
 *     compares the owner word with the caller's own id, so it never frees
 *     another thread's lock.  Test in checked mode all the same: it names
 *     both sections.
 *   - Guards must be destroyed on the thread that made them, in reverse
 *     order (scopes do that).
 *
 * No C++ exception ever crosses into the JVM through call_released; code that
 * throws outside it must catch before returning from the JNI function
 * (jgil::translate_exception does the translation from a catch (...) block).
 */
#ifndef JGIL_HPP
#define JGIL_HPP

#include <cxxabi.h>

#include <cstring>
#include <exception>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <typeinfo>

#include "jgil.h"
#include "jgil/jgil_detail.hpp"

namespace jgil {

/* Thrown by a kernel that saw jgil_cancelled(); becomes a NativeCancelledException. */
class cancelled : public std::exception {
public:
    const char *what() const noexcept override { return "cancelled, the calling thread was interrupted"; }
};

/* Throws jgil::cancelled if the calling thread was interrupted; as cheap to poll as jgil_cancelled(). */
inline void throw_if_cancelled()
{
    if (jgil_cancelled())
        throw cancelled();
}

/* Releases the lock for the guard's scope.  Unlike a C macro block, whose
 * body's objects die before its re-take, this guard's destructor re-takes the
 * lock when the guard dies, so an object declared after the guard in the same
 * scope dies first: declare a pinned-array guard AFTER the allow_threads,
 * never before it (or use call_released, which scopes both for you).  A C
 * macro block (JGIL_BEGIN/END_ALLOW_THREADS) works in C++ too: return, break
 * and exceptions out of it re-take the lock (its cleanup attribute), and a
 * refused block skips its body. */
class allow_threads {
public:
    explicit allow_threads(const char *site = __builtin_FUNCTION()) noexcept
        : site_(site), saved_(jgil_save_thread_at(site)) {}
    ~allow_threads() { reacquire(); }
    allow_threads(const allow_threads &) = delete;
    allow_threads &operator=(const allow_threads &) = delete;

    /* False if the release was refused (a Java exception is pending: the
     * caller does not hold the lock, or this guard is nested). */
    bool ok() const noexcept { return saved_ != 0; }

    /* Takes the lock back early (like JGIL_BLOCK_THREADS); idempotent. */
    void reacquire() noexcept
    {
        if (saved_ != 0) {
            jgil_restore_thread_at(saved_, site_);
            saved_ = 0;
        }
    }

private:
    const char *site_;
    jgil_tstate saved_;
};

/* A cancellable released scope: allow_threads plus an unblocking function
 * that the cancel watcher calls once on Thread.interrupt() (see jgil.h). */
class allow_threads_cancellable {
public:
    allow_threads_cancellable(void (*ubf)(void *), void *arg,
                              const char *site = __builtin_FUNCTION()) noexcept
        : nogil_(site)
    {
        if (nogil_.ok())
            jgil_api_ptr->cancel_begin(ubf, arg);
    }
    ~allow_threads_cancellable()
    {
        if (nogil_.ok())
            jgil_api_ptr->cancel_end();
    }
    allow_threads_cancellable(const allow_threads_cancellable &) = delete;
    allow_threads_cancellable &operator=(const allow_threads_cancellable &) = delete;
    bool ok() const noexcept { return nogil_.ok(); }

private:
    allow_threads nogil_;
};

/* Holds the lock for the guard's scope, from any thread (jgil_ensure). */
class gil_acquire {
public:
    gil_acquire() noexcept : state_(jgil_ensure()) {}
    ~gil_acquire()
    {
        if (state_ >= 0)
            jgil_ensure_end(state_);
    }
    gil_acquire(const gil_acquire &) = delete;
    gil_acquire &operator=(const gil_acquire &) = delete;

    /* False if the lock could not be taken (JVM shutting down, attach failed):
     * then do not call managed code. */
    bool ok() const noexcept { return state_ >= 0; }
    explicit operator bool() const noexcept { return ok(); }

private:
    jgil_gilstate state_;
};

/* In checked mode: false, with an IllegalStateException pending that names
 * `site`, if the caller does not hold the lock (say, before calling managed
 * code).  Outside checked mode: true, one load. */
inline bool require_gil(const char *site = __builtin_FUNCTION()) noexcept
{
    return jgil_require_gil_at(site) == 0;
}

/*
 * Throws the Java exception that matches the C++ exception `error`; call it
 * holding the lock (after the released section ended).  Never throws.
 *
 *   jgil::cancelled                 -> org.jgil.NativeCancelledException
 *   std::bad_alloc (and subclasses) -> java.lang.OutOfMemoryError
 *   std::invalid_argument           -> java.lang.IllegalArgumentException
 *   std::out_of_range               -> java.lang.IndexOutOfBoundsException
 *   any other std::exception        -> org.jgil.NativeException(type, what, site)
 *   anything else                   -> org.jgil.NativeException(type or "unknown", null, site)
 *
 * A Java exception already pending (a JNI call failed inside the kernel)
 * wins: the C++ one is then dropped.
 */
inline void translate_exception(JNIEnv *env, std::exception_ptr error, const char *site = nullptr) noexcept
{
    if (!error || env->ExceptionCheck())
        return;
    char type[256];
    try {
        std::rethrow_exception(error);
    } catch (const cancelled &) {
        jgil_throw_cancelled(env, site);
    } catch (const std::bad_alloc &e) {
        detail::demangle(typeid(e).name(), type, sizeof type);
        detail::throw_new(env, "java/lang/OutOfMemoryError", type, e.what(), site);
    } catch (const std::invalid_argument &e) {
        detail::demangle(typeid(e).name(), type, sizeof type);
        detail::throw_new(env, "java/lang/IllegalArgumentException", type, e.what(), site);
    } catch (const std::out_of_range &e) {
        detail::demangle(typeid(e).name(), type, sizeof type);
        detail::throw_new(env, "java/lang/IndexOutOfBoundsException", type, e.what(), site);
    } catch (const std::exception &e) {
        detail::demangle(typeid(e).name(), type, sizeof type);
        detail::throw_native(env, type, e.what(), site);
    } catch (...) {
        std::type_info *t = abi::__cxa_current_exception_type();
        if (t != nullptr)
            detail::demangle(t->name(), type, sizeof type);
        else
            std::strcpy(type, "unknown");
        detail::throw_native(env, type, nullptr, site);
    }
}

/*
 * Runs fn() with the lock released; returns its result, or a value-initialized
 * R with a Java exception pending if it threw (see translate_exception).  The
 * lock is re-taken before any JNI call.  If the release itself is refused
 * (checked mode: the caller does not hold the lock), fn does not run.
 *
 *     jdouble r = jgil::call_released(env, [&] { return dot(a, b, n); });
 */
template <class F>
auto call_released(JNIEnv *env, F &&fn, const char *site = __builtin_FUNCTION())
    -> std::invoke_result_t<F &>
{
    return detail::run_released<allow_threads>(env, site, fn);
}

/* call_released with an unblocking function for Thread.interrupt(). */
template <class F>
auto call_released_cancellable(JNIEnv *env, void (*ubf)(void *), void *arg, F &&fn,
                               const char *site = __builtin_FUNCTION()) -> std::invoke_result_t<F &>
{
    return detail::run_released<allow_threads_cancellable>(env, site, fn, ubf, arg);
}

/* Runs fn() holding the lock (it is already held) and translates what it
 * throws: for the parts of a JNI function that must not be released. */
template <class F>
auto call_held(JNIEnv *env, F &&fn, const char *site = __builtin_FUNCTION()) noexcept
    -> std::invoke_result_t<F &>
{
    using R = std::invoke_result_t<F &>;
    try {
        return fn();
    } catch (...) {
        translate_exception(env, std::current_exception(), site);
    }
    if constexpr (!std::is_void_v<R>)
        return R{};
}

} // namespace jgil

/* OpenCV's ERRWRAP2 for jgil: runs the statements with the lock released and
 * turns a C++ exception into a Java one once the lock is back.  Evaluates to
 * true if they completed.
 *
 *     double r;
 *     if (!JGIL_TRY_RELEASED(env, r = dot(a, b, n)))
 *         return 0;   // a Java exception is pending
 */
#define JGIL_TRY_RELEASED(env, ...) \
    ::jgil::call_released((env), [&]() -> bool { __VA_ARGS__; return true; }, __func__)

#endif /* JGIL_HPP */
