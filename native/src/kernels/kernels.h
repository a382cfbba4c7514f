/*
 * kernels.h -- what the compute kernels (org.jgil.kernels) share.
 *
 * Design.  Every kernel is a plain C function over plain pointers, with up to
 * three variants picked at run time: AVX-512, AVX2+FMA and a portable one
 * compiled for baseline x86-64.  The vector variants are ordinary functions
 * marked __attribute__((target(...))), so the library itself is built for
 * any x86-64 (no -march=native) and only the chosen function uses the wider
 * instructions.  cpu.c decides once which level the CPU (and the OS, which
 * must save the wider registers) supports; Java may lower it, e.g. to force
 * the portable path for a test (-Djgil.isa=scalar or JGIL_ISA=scalar).
 *
 * The JNI side of every kernel has the same shape, built from the helpers
 * below and from kexec() in access.c:
 *
 *     validate (Java did it already; we check again what is cheap)
 *     if release: JGIL_BEGIN_ALLOW_THREADS
 *         repeat: pin arrays (GetPrimitiveArrayCritical), run a step of the
 *                 kernel, unpin; if released, poll jgil_cancelled() between
 *                 steps -- never inside a critical region, where no JNI call
 *                 (and so no upcall) is allowed
 *     if release: JGIL_END_ALLOW_THREADS
 *     throw what went wrong (cancelled, out of memory), holding the lock again
 *
 * A "step" is about a millisecond of work when released (so that an
 * interrupt is seen within about a millisecond and the ~100 ns upcall costs
 * 0.01%), and the whole job when the lock is held.  Because the garbage
 * collector may move an array while it is unpinned, a step re-reads its base
 * pointers from the kbuf table every time and keeps only indexes in its state.
 */
#ifndef JGIL_KERNELS_H
#define JGIL_KERNELS_H

#include <stddef.h>
#include <stdint.h>
#include <jni.h>

/* ---- instruction-set levels (cpu.c) ---- */

enum kisa {
    KISA_SCALAR = 0,   /* baseline x86-64 (SSE2), any CPU */
    KISA_AVX2 = 1,     /* AVX2 + FMA */
    KISA_AVX512 = 2,   /* AVX-512 F/DQ/VL */
};

/* The level in force: the best the CPU supports, unless Java lowered it. */
int kisa_active(void);
/* The best level this CPU and OS support. */
int kisa_best(void);
const char *kisa_name(int level);

/* ---- Java arrays and direct buffers (access.c) ---- */

/* One array argument: a Java primitive array (pinned with
 * GetPrimitiveArrayCritical) or a direct buffer (fixed address). */
typedef struct kbuf {
    const char *name;   /* the Java argument's name, for messages */
    jobject obj;        /* the array or the buffer */
    jlong off;          /* first element used */
    jlong len;          /* elements used */
    int esize;          /* bytes per element */
    int writes;         /* the kernel writes it: released with mode 0, else JNI_ABORT */
    void *base;         /* direct buffers: the buffer's address (set by kbufs_check) */
    void *ptr;          /* valid only inside a step: address of element `off` */
    int pinned;
} kbuf;

/* What a step reports. */
enum kstep { KSTEP_MORE = 0, KSTEP_DONE = 1 };

/* A kernel's resumable step: does at most `budget` units of work (the kernel
 * defines the unit; a negative budget means "all of it"), reading array
 * addresses from bufs[i].ptr, and says whether it is finished.  Returns a
 * negative KSTATUS_* on failure (e.g. no memory for scratch space). */
typedef int (*kstep_fn)(void *state, kbuf *bufs, int64_t budget);

/* Results of kexec besides KSTATUS_OK. */
enum kstatus {
    KSTATUS_OK = 0,
    KSTATUS_CANCELLED = -1,   /* jgil_cancelled() said stop */
    KSTATUS_NOMEM = -2,       /* GetPrimitiveArrayCritical or malloc returned NULL */
    KSTATUS_PENDING = -3,     /* a Java exception is already pending */
};

/* Checks the ranges against the arrays' real lengths (Java checked them
 * first; this is the cheap second line of defence) and resolves direct
 * buffers' addresses.  Throws and returns -1 on a bad argument.  Call it
 * holding the lock, before kexec. */
int kbufs_check(JNIEnv *env, kbuf *bufs, int count, jboolean direct);

/* Runs a kernel: releases the lock if `release`, then steps until done,
 * pinning arrays around each step and, when released, polling for
 * cancellation between steps (every `budget` units).  Re-takes the lock and
 * throws CancellationException / OutOfMemoryError as needed.  Returns
 * KSTATUS_OK or the failure (an exception is then pending). */
int kexec(JNIEnv *env, jboolean release, const char *site, kbuf *bufs, int count,
          kstep_fn step, void *state, int64_t budget);

/* For kernels that need nothing pinned (spin, sleep, sieve): same as kexec
 * with no buffers. */
#define kexec0(env, release, site, step, state, budget) \
    kexec((env), (release), (site), NULL, 0, (step), (state), (budget))

/* Throws IllegalArgumentException("name must be ...") and returns -1. */
int kthrow_arg(JNIEnv *env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
