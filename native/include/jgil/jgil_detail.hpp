/*
 * jgil/jgil_detail.hpp -- what the guards and the exception translation of
 * jgil.hpp stand on: demangling, building Java exceptions, the body of
 * call_released.  Include jgil.hpp, not this header.
 */
#ifndef JGIL_DETAIL_HPP
#define JGIL_DETAIL_HPP

#ifndef JGIL_HPP
#error "include <jgil.hpp>, not jgil/jgil_detail.hpp"
#endif

#include <cxxabi.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <type_traits>

namespace jgil {

/* Defined in jgil.hpp (with its default site). */
inline void translate_exception(JNIEnv *env, std::exception_ptr error, const char *site) noexcept;

namespace detail {

/* "N3foo5errorE" -> "foo::error"; the mangled name if demangling fails. */
inline void demangle(const char *mangled, char *out, size_t size) noexcept
{
    int status = 0;
    char *name = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
    const char *src = status == 0 && name != nullptr ? name : mangled;
    std::strncpy(out, src, size - 1);
    out[size - 1] = 0;
    std::free(name);
}

inline void throw_new(JNIEnv *env, const char *cls_name, const char *type, const char *what,
                      const char *site) noexcept
{
    char msg[1024];
    std::snprintf(msg, sizeof msg, "%s%s(C++ %s%s%s)", what ? what : "", what ? " " : "", type,
                  site ? " in " : "", site ? site : "");
    jclass cls = env->FindClass(cls_name);
    if (cls != nullptr) {
        env->ThrowNew(cls, msg);
        env->DeleteLocalRef(cls);
    }
}

inline void throw_native(JNIEnv *env, const char *type, const char *what, const char *site) noexcept
{
    jclass cls = env->FindClass("org/jgil/NativeException");
    if (cls == nullptr) {
        /* An old runtime: fall back to a RuntimeException with the same text. */
        env->ExceptionClear();
        throw_new(env, "java/lang/RuntimeException", type, what, site);
        return;
    }
    jmethodID ctor = env->GetMethodID(cls, "<init>",
                                      "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)V");
    if (ctor != nullptr) {
        jvalue args[3];
        args[0].l = env->NewStringUTF(type);
        args[1].l = what ? env->NewStringUTF(what) : nullptr;
        args[2].l = site ? env->NewStringUTF(site) : nullptr;
        if (!env->ExceptionCheck()) {
            jobject ex = env->NewObjectA(cls, ctor, args);
            if (ex != nullptr) {
                env->Throw(static_cast<jthrowable>(ex));
                env->DeleteLocalRef(ex);
            }
        }
        for (jvalue &a : args)
            if (a.l != nullptr)
                env->DeleteLocalRef(a.l);
    }
    env->DeleteLocalRef(cls);
}

/* The body of call_released and call_released_cancellable: run fn() inside a
 * Guard built from guard_args and the site, catch everything, and translate it
 * once the guard's destructor has re-taken the lock. */
template <class Guard, class F, class... GuardArgs>
auto run_released(JNIEnv *env, const char *site, F &fn, GuardArgs... guard_args)
    -> std::invoke_result_t<F &>
{
    using R = std::invoke_result_t<F &>;
    std::exception_ptr error;
    if constexpr (std::is_void_v<R>) {
        {
            Guard nogil(guard_args..., site);
            if (!nogil.ok())
                return;
            try {
                fn();
            } catch (...) {
                error = std::current_exception();
            }
        } // the lock is back here
        translate_exception(env, error, site);
    } else {
        R result{};
        {
            Guard nogil(guard_args..., site);
            if (!nogil.ok())
                return result;
            try {
                result = fn();
            } catch (...) {
                error = std::current_exception();
            }
        } // the lock is back here
        translate_exception(env, error, site);
        return result;
    }
}

} // namespace detail
} // namespace jgil

#endif /* JGIL_DETAIL_HPP */
