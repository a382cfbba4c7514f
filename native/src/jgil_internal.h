/*
 * jgil_internal.h -- helpers shared by libjgil's own sources; not installed.
 */
#ifndef JGIL_INTERNAL_H
#define JGIL_INTERNAL_H

#include <stdint.h>
#include <time.h>
#include <jni.h>

/* The JNIEnv of the calling thread, or NULL if it is not attached. */
JNIEnv *jgil_env(void);

/* Throw a Java exception of the named class with a printf-style message.
 * Always returns 0 so that callers can write `return jgil_throw(...)`. */
int jgil_throw(JNIEnv *env, const char *class_name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Cancellation (jgil_cancel.c): the api table's cancelled/cancel_begin/cancel_end. */
int jgil_cancel_init(JNIEnv *env, jclass runtime_class);
int jgil_cancel_poll(void);
void jgil_cancel_begin(void (*ubf)(void *), void *arg);
void jgil_cancel_end(void);
/* The save slow path learnt who runs on this OS thread now (a virtual thread
 * may follow another on the same carrier): a record armed for another thread
 * is disarmed, so that the next poll registers it for this one. */
void jgil_cancel_bind(int64_t identity);

/* The runtime's own steps, for the FFM release and re-take (jgil_ffm.c),
 * which run in critical downcalls and so never call up into Java: the slot
 * learns a platform thread's id; a re-take of a reservation that WAITERS or
 * a revoker touched (1 if the caller holds the lock again). */
void jgil_learn_tid(int64_t tid);
int jgil_retake_reserved(int64_t saved);

/* Per-call-site statistics (jgil_stats.c), on the slow path under JGIL_SLOW_STATS. */
void jgil_stats_begin(void);
void jgil_stats_work_done(void);
void jgil_stats_end(const char *site);
void jgil_stats_abandon(void);
int jgil_stats_period(void);

/* Tests only: make every membarrier(2) call fail with EPERM from now on
 * (the fake-JVM tests of native/test: lock_barrier_*). */
void jgil_test_fail_barrier(int on);

/* Same clock as System.nanoTime() on Linux. */
static inline int64_t jgil_nanotime(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif
