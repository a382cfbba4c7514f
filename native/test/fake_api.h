/*
 * fake_api.h -- a jgil runtime made of plain C, for testing the headers
 * (jgil.h's inline fast paths, jgil.hpp's guards) without libjgil or a JVM.
 *
 * The api table's slow functions count their calls and keep the lock word
 * the way the Java scheduler does: a waiter sets the WAITERS bit and sleeps
 * on a condition variable, a releaser that finds the bit wakes it.  Each
 * thread has its own slot and id; fake_api_reset() makes the calling thread
 * thread 7 and the holder of the lock, with every counter at 0.
 */
#ifndef JGIL_TEST_FAKE_API_H
#define JGIL_TEST_FAKE_API_H

#include "jgil.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The runtime's state and what its slow functions saw. */
extern jgil_state fake_state;
extern long fake_saves, fake_restores, fake_ensures, fake_ensure_ends, fake_requires, fake_checkpoints,
    fake_cancel_begins, fake_cancel_ends;
extern const char *fake_last_site;
extern void (*fake_last_ubf)(void *);
extern void *fake_last_ubf_arg;
extern int fake_interrupted; /* what jgil_cancelled() answers */

/* Points jgil_api_ptr at the fake table, zeroes the state and the counters,
 * and gives the lock to the calling thread as thread 7. */
void fake_api_reset(void);

/* The calling thread's id (its slot's tid), and setting it. */
int64_t fake_api_tid(void);
void fake_api_set_tid(int64_t tid);

/* The scheduler's side: take the lock (waiting if need be) and give it back. */
void fake_take(int64_t tid);
void fake_give(int64_t tid);
int fake_holds(void);

#ifdef __cplusplus
}
#endif

#endif
