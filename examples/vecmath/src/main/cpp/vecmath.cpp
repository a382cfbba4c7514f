// vecmath.cpp -- a small third-party jgil extension: vector kernels in C++.
//
// Shows, in order: importing the jgil runtime (JNI_OnLoad), the error
// translation (jgil::call_released), thresholded and adaptive release, a
// long kernel that Thread.interrupt() cancels, a blocking wait with an
// unblocking function, native threads calling back into Java
// (jgil::gil_acquire), and what nesting does.  The guide (docs/guide.md in
// jgil) quotes this file; keep the two in sync.
#include <sys/eventfd.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <jgil.hpp>

JGIL_DEFINE_API

namespace vecmath {

// A kernel's own error type: reaches Java as org.jgil.NativeException whose
// nativeType() is "vecmath::shape_error".
struct shape_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// [pin]
// A Java array pinned for the scope: GetPrimitiveArrayCritical in the
// constructor, Release in the destructor (also when the kernel throws).
// Between the two: no JNI calls, no jgil_cancelled(), no waiting for the lock.
class pinned {
public:
    pinned(JNIEnv *env, jdoubleArray array, jint mode = JNI_ABORT)
        : env_(env), array_(array), mode_(mode),
          data_(static_cast<double *>(env->GetPrimitiveArrayCritical(array, nullptr)))
    {
        if (data_ == nullptr)
            throw std::bad_alloc();
    }
    ~pinned() { env_->ReleasePrimitiveArrayCritical(array_, data_, mode_); }
    pinned(const pinned &) = delete;
    pinned &operator=(const pinned &) = delete;
    double *get() const { return data_; }

private:
    JNIEnv *env_;
    jdoubleArray array_;
    jint mode_;
    double *data_;
};
// [/pin]

double dot(const double *a, const double *b, jsize n)
{
    double s = 0;
    for (jsize i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

} // namespace vecmath

// [null]
// A Java array or object arrives as a reference that may be null, and JNI's
// array functions crash the JVM on null: every entry point checks its
// references first, holding the lock, and returns with NullPointerException
// pending.
namespace vecmath {
bool present(JNIEnv *env, jobject ref, const char *what)
{
    if (ref != nullptr)
        return true;
    jclass npe = env->FindClass("java/lang/NullPointerException");
    if (npe != nullptr)
        env->ThrowNew(npe, what);
    return false;
}
} // namespace vecmath
// [/null]

// [onload]
extern "C" JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *)
{
    JNIEnv *env;
    if (vm->GetEnv(reinterpret_cast<void **>(&env), JNI_VERSION_1_8) != JNI_OK)
        return JNI_ERR;
    if (jgil_import(env) != 0)
        return JNI_ERR; // the Java exception (e.g. an ABI mismatch) is reported by System.load
    return JNI_VERSION_1_8;
}
// [/onload]

// [dot]
// dot(a, b): the error translation.  Validation throws std::invalid_argument
// inside the released section; call_released re-takes the lock, then throws
// IllegalArgumentException.  The arrays are pinned inside the section (after
// the release, before the re-take): never wait for the lock while pinned.
extern "C" JNIEXPORT jdouble JNICALL Java_org_example_vecmath_VecMath_dot(JNIEnv *env, jclass,
                                                                         jdoubleArray a, jdoubleArray b)
{
    if (!vecmath::present(env, a, "dot: a is null") || !vecmath::present(env, b, "dot: b is null"))
        return 0;
    jsize n = env->GetArrayLength(a), m = env->GetArrayLength(b);
    return jgil::call_released(env, [&] {
        if (n != m)
            throw std::invalid_argument("dot: lengths differ: " + std::to_string(n) + " and "
                                        + std::to_string(m));
        vecmath::pinned pa(env, a), pb(env, b);
        return vecmath::dot(pa.get(), pb.get(), n);
    });
}
// [/dot]

// [matvec]
// matvec(m, rows, cols, x): a kernel-specific exception (vecmath::shape_error)
// becomes org.jgil.NativeException carrying the C++ type name.
extern "C" JNIEXPORT jdoubleArray JNICALL Java_org_example_vecmath_VecMath_matvec(
    JNIEnv *env, jclass, jdoubleArray m, jint rows, jint cols, jdoubleArray x)
{
    if (!vecmath::present(env, m, "matvec: m is null") || !vecmath::present(env, x, "matvec: x is null"))
        return nullptr;
    jsize mlen = env->GetArrayLength(m), xlen = env->GetArrayLength(x);
    jdoubleArray y = env->NewDoubleArray(rows < 0 ? 0 : rows); // JNI allocation: holding the lock
    if (y == nullptr)
        return nullptr;
    jgil::call_released(env, [&] {
        if (rows < 0 || cols < 0 || static_cast<jlong>(rows) * cols != mlen || cols != xlen)
            throw vecmath::shape_error("matvec: a " + std::to_string(rows) + "x" + std::to_string(cols)
                                       + " matrix needs " + std::to_string(static_cast<jlong>(rows) * cols)
                                       + " elements and x of length " + std::to_string(cols) + "; got "
                                       + std::to_string(mlen) + " and " + std::to_string(xlen));
        vecmath::pinned pm(env, m), px(env, x), py(env, y, 0);
        for (jint r = 0; r < rows; r++)
            py.get()[r] = vecmath::dot(pm.get() + static_cast<jlong>(r) * cols, px.get(), cols);
    });
    return y;
}
// [/matvec]

// [at]
// at(a, i): std::out_of_range -> IndexOutOfBoundsException.  Tiny work: the
// lock is kept (call_held translates without releasing).
extern "C" JNIEXPORT jdouble JNICALL Java_org_example_vecmath_VecMath_at(JNIEnv *env, jclass,
                                                                        jdoubleArray a, jint i)
{
    if (!vecmath::present(env, a, "at: a is null"))
        return 0;
    return jgil::call_held(env, [&] {
        jsize n = env->GetArrayLength(a);
        if (i < 0 || i >= n)
            throw std::out_of_range("at: index " + std::to_string(i) + ", length " + std::to_string(n));
        jdouble v;
        env->GetDoubleArrayRegion(a, i, 1, &v);
        return v;
    });
}
// [/at]

// scratchSum(n): allocates n doubles of scratch space; too many gives
// std::bad_alloc -> OutOfMemoryError.
extern "C" JNIEXPORT jdouble JNICALL Java_org_example_vecmath_VecMath_scratchSum(JNIEnv *env, jclass,
                                                                                jlong n)
{
    return jgil::call_released(env, [&] {
        if (n < 0)
            throw std::invalid_argument("scratchSum: n < 0");
        std::unique_ptr<double[]> scratch(new double[static_cast<size_t>(n)]);
        double s = 0;
        for (jlong i = 0; i < n; i++)
            s += (scratch[i] = 0.5 * static_cast<double>(i));
        return s;
    });
}

// [legacy]
// checkStatus(code): code that throws something that is not a std::exception
// (an old library that throws its status as an int).  call_held's catch (...)
// turns it into org.jgil.NativeException with nativeType() "int".
extern "C" JNIEXPORT void JNICALL Java_org_example_vecmath_VecMath_checkStatus(JNIEnv *env, jclass, jint code)
{
    jgil::call_held(env, [&] {
        if (code != 0)
            throw static_cast<int>(code);
    });
}
// [/legacy]

// [norm]
// norm(a): release only when it pays.  Below JGIL_ADAPTIVE_LONG_NS of
// expected work the lock is kept unless another thread is waiting for it
// (the WAITERS bit, read inline): a C macro, usable from C++ too.
extern "C" JNIEXPORT jdouble JNICALL Java_org_example_vecmath_VecMath_norm(JNIEnv *env, jclass,
                                                                          jdoubleArray a)
{
    if (!vecmath::present(env, a, "norm: a is null"))
        return 0;
    jsize n = env->GetArrayLength(a);
    double s = 0;
    JGIL_BEGIN_ALLOW_THREADS_ADAPTIVE(static_cast<int64_t>(n) / 4) // ~0.25 ns per element
    double *p = static_cast<double *>(env->GetPrimitiveArrayCritical(a, nullptr));
    if (p != nullptr) {
        s = vecmath::dot(p, p, n);
        env->ReleasePrimitiveArrayCritical(a, p, JNI_ABORT);
    }
    JGIL_END_ALLOW_THREADS_ADAPTIVE
    return std::sqrt(s);
}
// [/norm]

// [sumsq]
// sumOfSquares(a, passes): a long kernel.  It copies the array out first
// (GetDoubleArrayRegion) so that nothing is pinned while it polls, and
// checks for Thread.interrupt() about every 64k elements (well under a
// millisecond): jgil::throw_if_cancelled() costs a few ns.
extern "C" JNIEXPORT jdouble JNICALL Java_org_example_vecmath_VecMath_sumOfSquares(JNIEnv *env, jclass,
                                                                                  jdoubleArray a,
                                                                                  jlong passes)
{
    if (!vecmath::present(env, a, "sumOfSquares: a is null"))
        return 0;
    std::vector<double> v(static_cast<size_t>(env->GetArrayLength(a)));
    env->GetDoubleArrayRegion(a, 0, static_cast<jsize>(v.size()), v.data());
    return jgil::call_released(env, [&] {
        double s = 0;
        size_t since_poll = 0;
        for (jlong p = 0; p < passes; p++) {
            for (double x : v) {
                s += x * x;
                if (++since_poll == 65536) {
                    since_poll = 0;
                    jgil::throw_if_cancelled(); // -> NativeCancelledException
                }
            }
            if (v.empty())
                jgil::throw_if_cancelled();
        }
        return s;
    });
}
// [/sumsq]

// [wait]
// awaitSignal(timeoutMillis): a blocking wait that Thread.interrupt() breaks.
// The unblocking function writes to the eventfd the kernel polls; the kernel
// confirms with jgil_cancelled() (an unblocking function may fire spuriously).
namespace vecmath {
void wake(void *arg)
{
    uint64_t one = 1;
    ssize_t r = write(*static_cast<int *>(arg), &one, sizeof one);
    (void)r;
}
} // namespace vecmath

extern "C" JNIEXPORT jboolean JNICALL Java_org_example_vecmath_VecMath_awaitSignal(JNIEnv *env, jclass,
                                                                                  jint timeout_millis)
{
    int fd = eventfd(0, EFD_CLOEXEC);
    if (fd < 0) {
        jclass io = env->FindClass("java/io/IOException");
        if (io != nullptr)
            env->ThrowNew(io, "eventfd failed");
        return JNI_FALSE;
    }
    bool signalled = jgil::call_released_cancellable(env, vecmath::wake, &fd, [&] {
        pollfd p = { fd, POLLIN, 0 };
        for (;;) {
            int rc = poll(&p, 1, timeout_millis);
            if (rc < 0 && errno == EINTR)
                continue;
            if (rc <= 0)
                return false; // timed out
            uint64_t count;
            ssize_t r = read(fd, &count, sizeof count);
            (void)r;
            jgil::throw_if_cancelled(); // woken by the unblocking function
        }
    });
    close(fd);
    return signalled ? JNI_TRUE : JNI_FALSE;
}
// [/wait]

// [threads]
// parallelFill(out, threads, callback): native threads each fill a slice of
// `out` and report it to Java with callback.accept(thread).  A native thread
// must hold the lock to call managed code: jgil::gil_acquire attaches it to
// the JVM and takes the lock (and nests: the inner guard takes nothing).
// The calling thread gives the lock up while it waits for them.
namespace vecmath {
struct fill_job {
    JavaVM *vm;
    jobject callback; // global ref
    jmethodID accept;
    std::vector<double> *out;
    int threads;
};

void fill_worker(fill_job *job, int t)
{
    size_t n = job->out->size(), lo = n * t / job->threads, hi = n * (t + 1) / job->threads;
    for (size_t i = lo; i < hi; i++)
        (*job->out)[i] = static_cast<double>(t);
    jgil::gil_acquire gil; // attach + take the lock
    if (!gil)
        return;             // the JVM is shutting down
    jgil::gil_acquire again; // nests: takes nothing
    JNIEnv *env;
    job->vm->GetEnv(reinterpret_cast<void **>(&env), JNI_VERSION_1_8);
    if (jgil::require_gil()) // checked mode verifies the claim; otherwise free
        env->CallVoidMethod(job->callback, job->accept, static_cast<jint>(t));
    if (env->ExceptionCheck()) {
        env->ExceptionDescribe(); // nobody above a native thread catches it
        env->ExceptionClear();
    }
}
} // namespace vecmath

extern "C" JNIEXPORT void JNICALL Java_org_example_vecmath_VecMath_parallelFill(JNIEnv *env, jclass,
                                                                               jdoubleArray out,
                                                                               jint threads,
                                                                               jobject callback)
{
    if (!vecmath::present(env, out, "parallelFill: out is null")
        || !vecmath::present(env, callback, "parallelFill: callback is null"))
        return;
    std::vector<double> buffer(static_cast<size_t>(env->GetArrayLength(out)));
    jclass cls = env->GetObjectClass(callback);
    vecmath::fill_job job = { nullptr, env->NewGlobalRef(callback),
                              env->GetMethodID(cls, "accept", "(I)V"), &buffer, threads };
    env->GetJavaVM(&job.vm);
    jgil::call_released(env, [&] {
        if (threads < 1)
            throw std::invalid_argument("parallelFill: threads < 1");
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; t++)
            pool.emplace_back(vecmath::fill_worker, &job, t);
        for (auto &th : pool)
            th.join();
    });
    env->DeleteGlobalRef(job.callback);
    if (!env->ExceptionCheck())
        env->SetDoubleArrayRegion(out, 0, static_cast<jsize>(buffer.size()), buffer.data());
}
// [/threads]

// [nesting]
// nestedRelease(): what nesting does.  allow_threads does not nest: the inner
// guard's release is refused (IllegalStateException, in checked mode naming
// both sections); the inner guard then gives nothing back and the outer one
// re-takes the lock as usual.  gil_acquire inside allow_threads is the way to
// run managed code from a released section.
extern "C" JNIEXPORT void JNICALL Java_org_example_vecmath_VecMath_nestedRelease(JNIEnv *, jclass)
{
    jgil::allow_threads outer;
    jgil::allow_threads inner; // refused: this thread no longer holds the lock
}

extern "C" JNIEXPORT void JNICALL Java_org_example_vecmath_VecMath_callbackReleased(JNIEnv *env, jclass,
                                                                                   jobject action)
{
    jclass cls = env->GetObjectClass(action);
    jmethodID run = env->GetMethodID(cls, "run", "()V");
    jgil::allow_threads nogil;
    // ... native work without the lock ...
    {
        jgil::gil_acquire gil; // take it back to call managed code
        env->CallVoidMethod(action, run);
    } // and give it up again
    // ... more native work; the destructor of `nogil` re-takes the lock
}
// [/nesting]
