/*
 * capi.h -- what the C ABI entry points (jgil_kernels.h) share.
 *
 * Design.  The kernels keep their code in kernels/<name>.c, where a JNI entry
 * point drives a static "step" function (see kernels/kernels.h).  The C ABI
 * wants the same steps without JNI, so each file here compiles its kernel's
 * source once more into its own translation unit (#include "../kernels/x.c")
 * and adds one exported C function that drives the step directly: the step
 * code stays in one place, and the JNI and C entry points cannot drift apart.
 * The copy's JNI functions are turned into unused static functions (the
 * JNIEXPORT below), so that they are not exported twice; the compiler drops
 * them.  The price is the kernels' machine code twice in libjgil (tens of KB).
 *
 * Include this file first: it must define JNIEXPORT before <jni.h> does.
 */
#ifndef JGIL_CAPI_H
#define JGIL_CAPI_H

#define JNIEXPORT static __attribute__((unused))
/* The JNI headers then declare every entry point static, and only some are
 * defined in a given copy. */
#pragma GCC diagnostic ignored "-Wunused-function"

#include <stddef.h>
#include <stdint.h>

#include "jgil_kernels.h"
#include "../kernels/kernels.h"

/* Runs a kernel's step function to the end over plain pointers: in one step
 * when nobody can stop it, else `budget` units at a time (about a
 * millisecond), reading *stop between steps.  Returns JGIL_K_OK,
 * JGIL_K_STOPPED, or JGIL_K_NOMEM when the step failed for want of memory. */
int capi_run(kstep_fn step, void *state, kbuf *bufs, int64_t budget, const volatile int32_t *stop)
    __attribute__((visibility("hidden")));

#endif
