/*
 * test_library.h -- what the probes of the test library (libjgiltest) share.
 *
 * libjgiltest holds the native half of the tests' probes (src/test/java,
 * org.jgil.*Probe): code that exists only to be tested, kept out of libjgil.
 * It is built and loaded as any extension is: jgil.h only, jgil_import(env)
 * in JNI_OnLoad (test_library.c), no link against libjgil.
 */
#ifndef JGIL_TEST_LIBRARY_H
#define JGIL_TEST_LIBRARY_H

#include <stdint.h>
#include <time.h>

#include "jgil.h"

/* The calling thread's JNIEnv, or NULL if it is not attached. */
JNIEnv *probe_env(void);

/* The JavaVM the library was loaded into. */
JavaVM *probe_vm(void);

/* Throws a new exception of class `cls` with a printf-style message; returns 0. */
int probe_throw(JNIEnv *env, const char *cls, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* System.nanoTime()'s clock. */
static inline int64_t probe_nanotime(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif
