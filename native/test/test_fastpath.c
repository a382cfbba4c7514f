/*
 * test_fastpath.c -- the inline fast paths of jgil.h against a fake jgil_api
 * and jgil_state: which calls stay in the CAS, which go to the slow paths, that
 * errno survives, and that the macros give mutual exclusion when many threads
 * release and re-take at once.  No JVM, no JNI calls.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "check.h"
#include "jgil.h"

JGIL_DEFINE_API

long checks_passed;

static jgil_state state __attribute__((aligned(64)));
static long slow_saves, slow_restores;
/* The thread's slot (jgil_this_thread()); its tid is the fake thread id. */
static __thread jgil_thread slot;
#define my_tid (slot.tid)
static jgil_thread *this_slot(void) { return &slot; }
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t freed = PTHREAD_COND_INITIALIZER;
static int waiters;

/* A slow path like the Java scheduler's: waiters set the WAITERS bit and wait. */
static void take(int64_t tid)
{
    int64_t zero = 0;
    if (__atomic_compare_exchange_n(&state.owner, &zero, tid, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return;
    pthread_mutex_lock(&mutex);
    waiters++;
    __atomic_fetch_or(&state.owner, JGIL_WAITERS_BIT, __ATOMIC_SEQ_CST);
    for (;;) {
        int64_t w = __atomic_load_n(&state.owner, __ATOMIC_SEQ_CST);
        if ((w & JGIL_OWNER_MASK) == 0) {
            if (__atomic_compare_exchange_n(&state.owner, &w, tid | JGIL_WAITERS_BIT, 0, __ATOMIC_SEQ_CST,
                                            __ATOMIC_SEQ_CST))
                break;
            continue;
        }
        pthread_cond_wait(&freed, &mutex);
    }
    if (--waiters == 0) {
        int64_t w = tid | JGIL_WAITERS_BIT;
        __atomic_compare_exchange_n(&state.owner, &w, tid, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    pthread_mutex_unlock(&mutex);
}

static void give(int64_t tid)
{
    int64_t w = tid;
    if (__atomic_compare_exchange_n(&state.owner, &w, 0, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
        return;
    pthread_mutex_lock(&mutex);
    for (;;) {
        w = __atomic_load_n(&state.owner, __ATOMIC_SEQ_CST);
        if (__atomic_compare_exchange_n(&state.owner, &w, waiters > 0 ? JGIL_WAITERS_BIT : 0, 0,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            break;
    }
    pthread_cond_broadcast(&freed);
    pthread_mutex_unlock(&mutex);
}

static jgil_tstate save_slow(const char *site)
{
    (void)site;
    __atomic_fetch_add(&slow_saves, 1, __ATOMIC_SEQ_CST);
    errno = EIO; /* a slow path may clobber errno; the real one restores it */
    if (state.slow_flags & JGIL_SLOW_NOLOCK)
        return JGIL_TSTATE_NOLOCK;
    give(my_tid);
    return my_tid;
}

static void restore_slow(jgil_tstate saved, const char *site)
{
    (void)site;
    __atomic_fetch_add(&slow_restores, 1, __ATOMIC_SEQ_CST);
    if (saved == JGIL_TSTATE_NOLOCK)
        return;
    take(saved);
}

static jgil_gilstate no_ensure(void) { return JGIL_ENSURE_FAILED; }
static void no_ensure_end(jgil_gilstate s) { (void)s; }
static int check_held(void) { return (__atomic_load_n(&state.owner, __ATOMIC_SEQ_CST) & JGIL_OWNER_MASK) == my_tid; }
static int never(void) { return 0; }

static const jgil_api api = {
    .abi_version = JGIL_ABI_VERSION, .size = sizeof(jgil_api), .state = &state, .save_thread_slow = save_slow,
    .restore_thread_slow = restore_slow, .ensure = no_ensure, .ensure_end = no_ensure_end, .check = check_held,
    .cancelled = never, .this_thread = this_slot,
};

static void single_thread(void)
{
    my_tid = 7;
    state.owner = 7;
    /* Uncontended: one CAS each way, no slow path, errno untouched. */
    errno = ERANGE;
    jgil_tstate t = jgil_save_thread();
    CHECK(t == 7);
    CHECK(state.owner == 0);
    jgil_restore_thread(t);
    CHECK(state.owner == 7);
    CHECK(slow_saves == 0 && slow_restores == 0);
    CHECK(errno == ERANGE);

    /* The macros, with BLOCK/UNBLOCK inside. */
    JGIL_BEGIN_ALLOW_THREADS
    CHECK(state.owner == 0);
    JGIL_BLOCK_THREADS
    CHECK(state.owner == 7);
    JGIL_UNBLOCK_THREADS
    CHECK(state.owner == 0);
    JGIL_END_ALLOW_THREADS
    CHECK(state.owner == 7);
    CHECK(slow_saves == 0 && slow_restores == 0);

    /* WAITERS set: the release must go to the scheduler. */
    state.owner = 7 | JGIL_WAITERS_BIT;
    t = jgil_save_thread_at("waiters");
    CHECK(slow_saves == 1);
    CHECK(t == 7);
    CHECK((state.owner & JGIL_OWNER_MASK) == 0);
    /* Taken by somebody else meanwhile: the re-take must go to the scheduler. */
    state.owner = 9;
    state.owner = 0; /* (the holder left before we got there) */
    jgil_restore_thread(t);
    CHECK(state.owner == 7);

    /* Each slow flag sends both directions to the slow path. */
    int flags[] = { JGIL_SLOW_CHECKED, JGIL_SLOW_NOLOCK };
    for (int i = 0; i < 2; i++) {
        long s0 = slow_saves, r0 = slow_restores;
        state.slow_flags = flags[i];
        errno = EAGAIN;
        JGIL_BEGIN_ALLOW_THREADS
        JGIL_END_ALLOW_THREADS
        CHECK(slow_saves == s0 + 1 && slow_restores == r0 + 1);
        state.slow_flags = 0;
        CHECK((state.owner & JGIL_OWNER_MASK) == 7);
    }

    /* A nonpositive saved state (NOLOCK, or 0 after a refused BEGIN) never CASes itself in. */
    state.owner = 0;
    jgil_restore_thread(JGIL_TSTATE_NOLOCK);
    CHECK(state.owner == 0);
    state.owner = 7;

    /* Not the owner, or nobody owns it: the fast release must not CAS the word to 0. */
    state.owner = 0;
    long s0 = slow_saves;
    my_tid = 7;
    (void)jgil_save_thread();
    CHECK(slow_saves == s0 + 1);
    state.owner = 7;
}

/* ---- many threads: release around "native work", re-take, and check exclusion ---- */

enum { THREADS = 8, ROUNDS = 20000 };
static int inside;
static long counter;

static void *worker(void *arg)
{
    my_tid = (int64_t)(intptr_t)arg;
    take(my_tid);
    for (int i = 0; i < ROUNDS; i++) {
        CHECK(__atomic_add_fetch(&inside, 1, __ATOMIC_SEQ_CST) == 1);
        counter++; /* plain: the lock protects it */
        __atomic_sub_fetch(&inside, 1, __ATOMIC_SEQ_CST);
        JGIL_BEGIN_ALLOW_THREADS
        for (volatile int k = 0; k < (i & 63); k++)
            ;
        JGIL_END_ALLOW_THREADS
        CHECK(check_held());
    }
    give(my_tid);
    return NULL;
}

static void many_threads(void)
{
    state.owner = 0;
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        CHECK(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)(100 + i)) == 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    CHECK(counter == (long)THREADS * ROUNDS);
    CHECK(state.owner == 0);
    printf("many threads: %d threads x %d release/re-take rounds, %ld slow releases, %ld slow re-takes\n",
           THREADS, ROUNDS, slow_saves, slow_restores);
}

int main(void)
{
    jgil_api_ptr = &api;
    single_thread();
    many_threads();
    printf("test_fastpath: %ld checks passed\n", checks_passed);
    return 0;
}
