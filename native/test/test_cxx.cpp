/*
 * test_cxx.cpp -- jgil.hpp without a JVM: the RAII guards against the fake
 * runtime of fake_api.c, the exception translation against the fake JNIEnv
 * of fake_jvm.c, which records what would be thrown in Java (and whether the
 * lock was held then).
 */
#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

#include "jgil.hpp"
#include "check.h"
#include "fake_api.h"
#include "fake_jvm.h"

namespace {

JNIEnv *env;

void reset()
{
    fake_api_reset();
    if (env == nullptr) {
        env = fake_start();
        fake_set_tid(7); // the fake JVM's thread is fake_api.c's thread 7
    }
    fake_clear();
}

std::string pending() { return fake_pending() ? fake_pending() : ""; }
std::string message() { return fake_pending_message() ? fake_pending_message() : ""; }
std::string arg(int i) { return fake_pending_arg(i) ? fake_pending_arg(i) : "<null>"; }

// ---- the guards ----

void allow_threads_releases_and_retakes()
{
    reset();
    {
        jgil::allow_threads nogil;
        CHECK(nogil.ok());
        CHECK(fake_state.owner == 0);
    }
    CHECK(fake_state.owner == 7);
}

void allow_threads_retakes_during_unwinding()
{
    reset();
    try {
        jgil::allow_threads nogil;
        throw std::runtime_error("boom");
    } catch (const std::runtime_error &) {
        CHECK(fake_state.owner == 7); // re-taken before the handler runs
    }
}

void a_nested_allow_threads_is_refused_and_harmless()
{
    reset();
    {
        jgil::allow_threads outer;
        {
            jgil::allow_threads inner; // the thread holds nothing: slow path refuses
            CHECK(!inner.ok());
            CHECK(fake_saves == 1);
        }
        CHECK(fake_state.owner == 0); // the inner guard gave nothing back
    }
    CHECK(fake_state.owner == 7);
}

void gil_acquire_nests()
{
    reset();
    fake_state.owner = 0; // a native thread: holds nothing
    {
        jgil::gil_acquire outer;
        CHECK(outer.ok() && fake_state.owner == 7);
        {
            jgil::gil_acquire inner;
            CHECK(inner.ok() && fake_state.owner == 7);
        }
        CHECK(fake_state.owner == 7); // the inner one gave back nothing
    }
    CHECK(fake_state.owner == 0 && fake_ensures == 2 && fake_ensure_ends == 2);
}

void gil_acquire_inside_allow_threads_takes_the_lock_back()
{
    reset();
    {
        jgil::allow_threads nogil;
        {
            jgil::gil_acquire gil; // call managed code from inside a released section
            CHECK(fake_state.owner == 7);
        }
        CHECK(fake_state.owner == 0);
    }
    CHECK(fake_state.owner == 7);
}

void errno_survives_the_guards()
{
    reset();
    errno = 0;
    {
        jgil::allow_threads nogil;
        errno = ERANGE;
    }
    CHECK(errno == ERANGE);
}

// ---- exception translation ----

struct shape_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

template <class E>
void throws(E e)
{
    reset();
    long before = fake_throws();
    double r = jgil::call_released(env, [&]() -> double { throw e; }, "Java_vec_dot");
    CHECK(r == 0.0);
    CHECK(fake_state.owner == 7);
    CHECK(fake_throws() == before + 1);
    CHECK(fake_pending_held()); // the lock was back before the Java exception was made
}

void standard_exceptions_become_their_java_counterparts()
{
    throws(std::bad_alloc());
    CHECK(pending() == "java/lang/OutOfMemoryError");
    CHECK(message().find("(C++ std::bad_alloc in Java_vec_dot)") != std::string::npos);

    throws(std::invalid_argument("lengths differ: 3 and 4"));
    CHECK(pending() == "java/lang/IllegalArgumentException");
    CHECK(message() == "lengths differ: 3 and 4 (C++ std::invalid_argument in Java_vec_dot)");

    throws(std::out_of_range("index 9, length 3"));
    CHECK(pending() == "java/lang/IndexOutOfBoundsException");
    CHECK(message().rfind("index 9, length 3", 0) == 0);
}

void other_exceptions_become_a_native_exception_with_type_what_and_site()
{
    throws(std::runtime_error("disk on fire"));
    CHECK(pending() == "org/jgil/NativeException");
    CHECK(arg(0) == "std::runtime_error" && arg(1) == "disk on fire" && arg(2) == "Java_vec_dot");

    throws(shape_error("not a matrix"));
    CHECK(pending() == "org/jgil/NativeException");
    CHECK(arg(0) == "(anonymous namespace)::shape_error");

    throws(42);
    CHECK(pending() == "org/jgil/NativeException");
    CHECK(arg(0) == "int" && arg(1) == "<null>");
}

void jgil_cancelled_becomes_a_native_cancelled_exception()
{
    throws(jgil::cancelled());
    CHECK(pending() == "org/jgil/NativeCancelledException");
    CHECK(message() == "Java_vec_dot: cancelled, the calling thread was interrupted");
}

void no_exception_throws_nothing()
{
    reset();
    long before = fake_throws();
    int r = jgil::call_released(env, [] { return 5; });
    CHECK(r == 5 && fake_throws() == before && fake_state.owner == 7);
    bool ran = false;
    jgil::call_released(env, [&] { ran = fake_state.owner == 0; });
    CHECK(ran && fake_state.owner == 7);
}

void a_refused_release_does_not_run_the_kernel()
{
    reset();
    fake_state.owner = 0; // the caller does not hold the lock
    bool ran = false;
    jgil::call_released(env, [&] { ran = true; });
    CHECK(!ran);
}

void the_macro_form_reports_success_and_translates()
{
    reset();
    double r = 0;
    CHECK(JGIL_TRY_RELEASED(env, r = 2.5));
    CHECK(r == 2.5 && fake_state.owner == 7);
    CHECK(!JGIL_TRY_RELEASED(env, throw std::out_of_range("x")));
    CHECK(pending() == "java/lang/IndexOutOfBoundsException");
}

void a_cancelled_kernel_throws_with_the_lock_held()
{
    reset();
    fake_interrupted = 1;
    jgil::call_released_cancellable(env, nullptr, nullptr, [] {
        for (;;)
            jgil::throw_if_cancelled();
    }, "Java_vec_wait");
    CHECK(fake_cancel_begins == 1 && fake_cancel_ends == 1);
    CHECK(pending() == "org/jgil/NativeCancelledException" && fake_pending_held());
}

// ---- the C macro blocks from C++ ----

struct owner_probe {
    int64_t *seen;
    ~owner_probe() { *seen = fake_state.owner; } // what the lock word says when the object dies
};

int leave_macro_block_by_exception()
{
    JGIL_BEGIN_ALLOW_THREADS
    throw std::runtime_error("out of a C block");
    JGIL_END_ALLOW_THREADS
    return 0;
}

void the_c_blocks_scope_and_unwind_in_cxx()
{
    reset();
    int64_t seen = -1;
    JGIL_BEGIN_ALLOW_THREADS
    owner_probe p{&seen};
    (void)p;
    JGIL_END_ALLOW_THREADS
    CHECK(seen == 0);        // destroyed while still released, before the re-take
    CHECK(fake_state.owner == 7);
    try {
        leave_macro_block_by_exception();
    } catch (const std::runtime_error &) {
        CHECK(fake_state.owner == 7); // the block's cleanup re-took the lock during unwinding
    }
    fake_state.owner = 0;             // not held: BEGIN is refused, and the body skipped
    bool ran = false;
    JGIL_BEGIN_ALLOW_THREADS
    ran = true;
    JGIL_END_ALLOW_THREADS
    CHECK(!ran && fake_saves == 1);
}

void call_held_translates_without_releasing()
{
    reset();
    int r = jgil::call_held(env, []() -> int { throw std::invalid_argument("n < 0"); });
    CHECK(r == 0 && pending() == "java/lang/IllegalArgumentException");
}

const test_case tests[] = {
    TEST(allow_threads_releases_and_retakes),
    TEST(allow_threads_retakes_during_unwinding),
    TEST(a_nested_allow_threads_is_refused_and_harmless),
    TEST(gil_acquire_nests),
    TEST(gil_acquire_inside_allow_threads_takes_the_lock_back),
    TEST(errno_survives_the_guards),
    TEST(standard_exceptions_become_their_java_counterparts),
    TEST(other_exceptions_become_a_native_exception_with_type_what_and_site),
    TEST(jgil_cancelled_becomes_a_native_cancelled_exception),
    TEST(no_exception_throws_nothing),
    TEST(a_refused_release_does_not_run_the_kernel),
    TEST(the_macro_form_reports_success_and_translates),
    TEST(a_cancelled_kernel_throws_with_the_lock_held),
    TEST(call_held_translates_without_releasing),
    TEST(the_c_blocks_scope_and_unwind_in_cxx),
};

} // namespace

int main(int argc, char **argv)
{
    return RUN_TESTS("cxx", tests);
}
