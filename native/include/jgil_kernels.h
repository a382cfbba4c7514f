/*
 * jgil_kernels.h -- the compute kernels as plain C functions (C ABI).
 *
 * libjgil exports these beside its JNI entry points, so that one library
 * serves both: Java code written against org.jgil.kernels goes through JNI,
 * and anything that can call C -- a Java FFM downcall (java.lang.foreign),
 * Python's ctypes, another C program -- calls these.  They know nothing of
 * Java or of the lock: the caller decides whether to give the lock up around
 * them (org.jgil.ffm.GilLinker does it for FFM callers).
 *
 * Arrays are plain pointers to row-major doubles (int32 for mandelbrot's
 * output); the caller keeps them alive and unmoved for the call.  Sizes are
 * not checked against the arrays, which C cannot do: the caller must.
 *
 * Stopping.  The long kernels take `stop`, a pointer to an int32 flag (NULL
 * if the call need not stop early).  They read it about once a millisecond of
 * work and, when it is nonzero, return JGIL_K_STOPPED leaving their output
 * partly written.  jgil_k_request_stop() sets such a flag; it has the shape of
 * an unblocking function (void f(void *)), so that jgil's cancel watcher can
 * call it when the calling Java thread is interrupted.
 */
#ifndef JGIL_KERNELS_H_PUBLIC
#define JGIL_KERNELS_H_PUBLIC

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define JGIL_K_API __attribute__((visibility("default")))
#else
#define JGIL_K_API
#endif

/* Status codes of the kernels that return one. */
#define JGIL_K_OK        0
#define JGIL_K_STOPPED (-1)   /* *stop became nonzero: the output is incomplete */
#define JGIL_K_NOMEM   (-2)   /* no memory for scratch space */
#define JGIL_K_BADARG  (-3)   /* a negative size, or a NULL pointer that must not be */

/* Sets *(int32_t *)flag to 1: an unblocking function for a `stop` flag.
 * Does nothing when flag is NULL (a call that need not stop early). */
JGIL_K_API void jgil_k_request_stop(void *flag);

/* Sum of x[i] * y[i], i < n (0 when n <= 0). */
JGIL_K_API double jgil_k_dot(const double *x, const double *y, int64_t n);

/* Sum of x[i], i < n (0 when n <= 0). */
JGIL_K_API double jgil_k_sum(const double *x, int64_t n);

/* y[i] += a * x[i], i < n.  x and y are the same array or do not overlap. */
JGIL_K_API void jgil_k_axpy(double a, const double *x, double *y, int64_t n);

/* C = A * B, A m x k, B k x n, C m x n; C overlaps neither A nor B. */
JGIL_K_API int jgil_k_gemm(int64_t m, int64_t n, int64_t k, const double *a, const double *b, double *c,
                           const volatile int32_t *stop);

/* Escape counts of the width x height grid from (x0, y0) in steps (dx, dy),
 * at most max_iter each, row by row into out; *rows_done (if not NULL) says
 * how many rows are complete, also when stopped. */
JGIL_K_API int jgil_k_mandelbrot(int32_t width, int32_t height, double x0, double y0, double dx, double dy,
                                 int32_t max_iter, int32_t *out, int64_t *rows_done,
                                 const volatile int32_t *stop);

/* Of `samples` random points of the unit square (xoshiro256++ from `seed`),
 * how many fall in the quarter circle: *hits. */
JGIL_K_API int jgil_k_montecarlo_pi(int64_t samples, int64_t seed, int64_t *hits, const volatile int32_t *stop);

/* One time step of n bodies; state holds x, y, z, vx, vy, vz, m: 7 * n doubles. */
JGIL_K_API int jgil_k_nbody_step(double *state, int64_t n, double dt, const volatile int32_t *stop);

/* The number of primes below n: *count. */
JGIL_K_API int jgil_k_sieve(int32_t n, int32_t *count, const volatile int32_t *stop);

/* Sleeps `micros` microseconds (a blocking call that uses no CPU). */
JGIL_K_API int jgil_k_sleep(int64_t micros, const volatile int32_t *stop);

/* `iterations` steps of spin's recurrence from `seed`: *result. */
JGIL_K_API int jgil_k_spin(int64_t iterations, int64_t seed, int64_t *result, const volatile int32_t *stop);

/* Iterations of jgil_k_spin for about `micros` microseconds on this CPU. */
JGIL_K_API int64_t jgil_k_spin_iterations(int64_t micros);

/* ---- for callers that give the lock up themselves (org.jgil.ffm) ---- */

/* Opens/closes a cancellable section on the calling thread, which must be a
 * Java thread: until the close, Thread.interrupt() of that thread makes jgil's
 * cancel watcher call ubf(arg) once, on the watcher's thread (see
 * JGIL_BEGIN_ALLOW_THREADS_CANCELLABLE in jgil.h for what a ubf may do). */
JGIL_K_API void jgil_ffm_cancel_begin(void (*ubf)(void *arg), void *arg);
JGIL_K_API void jgil_ffm_cancel_end(void);

#ifdef __cplusplus
}
#endif

#endif
