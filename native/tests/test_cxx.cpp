/*
 * test_cxx.cpp -- jgil.hpp without a JVM: the RAII guards against a fake
 * jgil_api table, the exception translation against a fake JNIEnv that
 * records what would be thrown in Java (and whether the lock was held then).
 */
#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "jgil.hpp"

JGIL_DEFINE_API

namespace {

int failures;
#define CHECK(cond) do { if (!(cond)) { std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

// ---- fake runtime: thread 7 is the only thread ----
jgil_state state;
int ensures, releases, refused_saves;

jgil_tstate fake_save(const char *)
{
    // Reached when the fast path failed: here, only when the lock is not held.
    refused_saves++;
    return 0; // "refused, exception pending"
}
void fake_restore(jgil_tstate saved, const char *) { state.owner = saved; }
jgil_gilstate fake_ensure()
{
    ensures++;
    if (state.owner == 7)
        return 0; // held: took nothing
    state.owner = 7;
    return 1;
}
void fake_ensure_end(jgil_gilstate s)
{
    releases++;
    if (s & 1)
        state.owner = 0;
}
int fake_check() { return state.owner == 7; }
bool interrupted;
int fake_cancelled() { return interrupted; }
int fake_require(const char *) { return state.owner == 7 ? 0 : -1; }
int cancel_begins, cancel_ends;
void fake_cancel_begin(void (*)(void *), void *) { cancel_begins++; }
void fake_cancel_end() { cancel_ends++; }
void fake_checkpoint(const char *) {}

void fake_release_raced(jgil_tstate, const char *) { std::abort(); } // FENCED (zeroed state): never

jgil_thread slot7 = { 0, 0, 7 }; // thread 7
jgil_thread *fake_this_thread() { return &slot7; }

const jgil_api fake_api = {
    JGIL_ABI_VERSION, sizeof(jgil_api), &state, fake_save, fake_restore, fake_ensure, fake_ensure_end,
    fake_check, fake_cancelled, fake_require, fake_cancel_begin, fake_cancel_end, fake_checkpoint,
    fake_release_raced, fake_this_thread,
};

// ---- fake JNIEnv: records the Java exception that would be thrown ----
struct thrown_t {
    std::string cls, message;          // ThrowNew
    std::vector<std::string> ctor_args; // NewObjectA(NativeException)
    bool held_when_thrown = false;
    int count = 0;
} thrown;
std::vector<std::string> strings; // jstring n = strings[n - 1]
std::string pending_class;

jclass JNICALL FindClass(JNIEnv *, const char *name)
{
    pending_class = name;
    return reinterpret_cast<jclass>(new std::string(name));
}
jint JNICALL ThrowNew(JNIEnv *, jclass cls, const char *msg)
{
    thrown.cls = *reinterpret_cast<std::string *>(cls);
    thrown.message = msg;
    thrown.held_when_thrown = state.owner == 7;
    thrown.count++;
    return 0;
}
jmethodID JNICALL GetMethodID(JNIEnv *, jclass, const char *, const char *) { return reinterpret_cast<jmethodID>(1); }
jstring JNICALL NewStringUTF(JNIEnv *, const char *s)
{
    strings.emplace_back(s);
    return reinterpret_cast<jstring>(strings.size());
}
jobject JNICALL NewObjectA(JNIEnv *, jclass cls, jmethodID, const jvalue *args)
{
    thrown.cls = *reinterpret_cast<std::string *>(cls);
    thrown.ctor_args.clear();
    for (int i = 0; i < 3; i++) {
        size_t n = reinterpret_cast<size_t>(args[i].l);
        thrown.ctor_args.push_back(n == 0 ? "<null>" : strings[n - 1]);
    }
    return reinterpret_cast<jobject>(2);
}
jint JNICALL Throw(JNIEnv *, jthrowable)
{
    thrown.held_when_thrown = state.owner == 7;
    thrown.count++;
    return 0;
}
void JNICALL DeleteLocalRef(JNIEnv *, jobject obj)
{
    size_t v = reinterpret_cast<size_t>(obj);
    if (v > 4096) // a class made by FindClass; strings and the exception are small numbers
        delete reinterpret_cast<std::string *>(obj);
}
jboolean JNICALL ExceptionCheck(JNIEnv *) { return JNI_FALSE; }
void JNICALL ExceptionClear(JNIEnv *) {}

JNINativeInterface_ functions;
JNIEnv fake_env;

void reset()
{
    std::memset(&state, 0, sizeof state);
    state.owner = 7;
    ensures = releases = refused_saves = cancel_begins = cancel_ends = 0;
    interrupted = false;
    thrown = thrown_t{};
}

// ---- the guards ----

void test_allow_threads_releases_and_retakes()
{
    reset();
    {
        jgil::allow_threads nogil;
        CHECK(nogil.ok());
        CHECK(state.owner == 0);
    }
    CHECK(state.owner == 7);
}

void test_allow_threads_retakes_during_unwinding()
{
    reset();
    try {
        jgil::allow_threads nogil;
        throw std::runtime_error("boom");
    } catch (const std::runtime_error &) {
        CHECK(state.owner == 7); // re-taken before the handler runs
    }
}

void test_nested_allow_threads_is_refused_and_harmless()
{
    reset();
    {
        jgil::allow_threads outer;
        {
            jgil::allow_threads inner; // the thread holds nothing: slow path refuses
            CHECK(!inner.ok());
            CHECK(refused_saves == 1);
        }
        CHECK(state.owner == 0); // the inner guard gave nothing back
    }
    CHECK(state.owner == 7);
}

void test_gil_acquire_nests()
{
    reset();
    state.owner = 0; // a native thread: holds nothing
    {
        jgil::gil_acquire outer;
        CHECK(outer.ok() && state.owner == 7);
        {
            jgil::gil_acquire inner;
            CHECK(inner.ok() && state.owner == 7);
        }
        CHECK(state.owner == 7); // the inner one gave back nothing
    }
    CHECK(state.owner == 0 && ensures == 2 && releases == 2);
}

void test_gil_acquire_inside_allow_threads()
{
    reset();
    {
        jgil::allow_threads nogil;
        {
            jgil::gil_acquire gil; // call managed code from inside a released section
            CHECK(state.owner == 7);
        }
        CHECK(state.owner == 0);
    }
    CHECK(state.owner == 7);
}

void test_errno_survives_the_guards()
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
    double r = jgil::call_released(&fake_env, [&]() -> double { throw e; }, "Java_vec_dot");
    CHECK(r == 0.0);
    CHECK(state.owner == 7);
    CHECK(thrown.count == 1);
    CHECK(thrown.held_when_thrown); // the lock was back before the Java exception was made
}

void test_translation()
{
    throws(std::bad_alloc());
    CHECK(thrown.cls == "java/lang/OutOfMemoryError");
    CHECK(thrown.message.find("(C++ std::bad_alloc in Java_vec_dot)") != std::string::npos);

    throws(std::invalid_argument("lengths differ: 3 and 4"));
    CHECK(thrown.cls == "java/lang/IllegalArgumentException");
    CHECK(thrown.message == "lengths differ: 3 and 4 (C++ std::invalid_argument in Java_vec_dot)");

    throws(std::out_of_range("index 9, length 3"));
    CHECK(thrown.cls == "java/lang/IndexOutOfBoundsException");
    CHECK(thrown.message.rfind("index 9, length 3", 0) == 0);

    throws(std::runtime_error("disk on fire"));
    CHECK(thrown.cls == "org/jgil/NativeException");
    CHECK(thrown.ctor_args.size() == 3 && thrown.ctor_args[0] == "std::runtime_error");
    CHECK(thrown.ctor_args[1] == "disk on fire" && thrown.ctor_args[2] == "Java_vec_dot");

    throws(shape_error("not a matrix"));
    CHECK(thrown.cls == "org/jgil/NativeException");
    CHECK(thrown.ctor_args[0] == "(anonymous namespace)::shape_error");

    throws(42);
    CHECK(thrown.cls == "org/jgil/NativeException");
    CHECK(thrown.ctor_args[0] == "int" && thrown.ctor_args[1] == "<null>");

    throws(jgil::cancelled());
    CHECK(thrown.cls == "org/jgil/NativeCancelledException");
    CHECK(thrown.message == "Java_vec_dot: cancelled, the calling thread was interrupted");
}

void test_no_exception_no_throw()
{
    reset();
    int r = jgil::call_released(&fake_env, [] { return 5; });
    CHECK(r == 5 && thrown.count == 0 && state.owner == 7);
    bool ran = false;
    jgil::call_released(&fake_env, [&] { ran = state.owner == 0; });
    CHECK(ran && state.owner == 7);
}

void test_refused_release_does_not_run_the_kernel()
{
    reset();
    state.owner = 0; // the caller does not hold the lock
    bool ran = false;
    jgil::call_released(&fake_env, [&] { ran = true; });
    CHECK(!ran);
}

void test_macro_form()
{
    reset();
    double r = 0;
    JNIEnv *env = &fake_env;
    CHECK(JGIL_TRY_RELEASED(env, r = 2.5));
    CHECK(r == 2.5 && state.owner == 7);
    CHECK(!JGIL_TRY_RELEASED(env, throw std::out_of_range("x")));
    CHECK(thrown.cls == "java/lang/IndexOutOfBoundsException");
}

void test_cancellation()
{
    reset();
    interrupted = true;
    jgil::call_released_cancellable(&fake_env, nullptr, nullptr, [] {
        for (;;)
            jgil::throw_if_cancelled();
    }, "Java_vec_wait");
    CHECK(cancel_begins == 1 && cancel_ends == 1);
    CHECK(thrown.cls == "org/jgil/NativeCancelledException" && thrown.held_when_thrown);
}

// ---- the C macro blocks from C++ ----

struct owner_probe {
    int64_t *seen;
    ~owner_probe() { *seen = state.owner; } // what the lock word says when the object dies
};

int leave_macro_block_by_exception()
{
    JGIL_BEGIN_ALLOW_THREADS
    throw std::runtime_error("out of a C block");
    JGIL_END_ALLOW_THREADS
    return 0;
}

void test_macro_block_scoping()
{
    reset();
    int64_t seen = -1;
    JGIL_BEGIN_ALLOW_THREADS
    owner_probe p{&seen};
    (void)p;
    JGIL_END_ALLOW_THREADS
    CHECK(seen == 0);        // destroyed while still released, before the re-take
    CHECK(state.owner == 7);
    try {
        leave_macro_block_by_exception();
    } catch (const std::runtime_error &) {
        CHECK(state.owner == 7); // the block's cleanup re-took the lock during unwinding
    }
    state.owner = 0;             // not held: BEGIN is refused, and the body skipped
    bool ran = false;
    JGIL_BEGIN_ALLOW_THREADS
    ran = true;
    JGIL_END_ALLOW_THREADS
    CHECK(!ran && refused_saves == 1);
}

void test_call_held()
{
    reset();
    int r = jgil::call_held(&fake_env, []() -> int { throw std::invalid_argument("n < 0"); });
    CHECK(r == 0 && thrown.cls == "java/lang/IllegalArgumentException");
}

} // namespace

int main()
{
    functions.FindClass = FindClass;
    functions.ThrowNew = ThrowNew;
    functions.GetMethodID = GetMethodID;
    functions.NewStringUTF = NewStringUTF;
    functions.NewObjectA = NewObjectA;
    functions.Throw = Throw;
    functions.DeleteLocalRef = DeleteLocalRef;
    functions.ExceptionCheck = ExceptionCheck;
    functions.ExceptionClear = ExceptionClear;
    fake_env.functions = &functions;
    jgil_api_ptr = &fake_api;

    test_allow_threads_releases_and_retakes();
    test_allow_threads_retakes_during_unwinding();
    test_nested_allow_threads_is_refused_and_harmless();
    test_gil_acquire_nests();
    test_gil_acquire_inside_allow_threads();
    test_errno_survives_the_guards();
    test_translation();
    test_no_exception_no_throw();
    test_refused_release_does_not_run_the_kernel();
    test_macro_form();
    test_cancellation();
    test_call_held();
    test_macro_block_scoping();
    if (failures) {
        std::fprintf(stderr, "test_cxx: %d check(s) failed\n", failures);
        return 1;
    }
    std::printf("test_cxx: all checks passed\n");
    return 0;
}
