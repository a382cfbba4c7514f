/* fake_api.c -- see fake_api.h. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fake_api.h"

JGIL_DEFINE_API

jgil_state fake_state __attribute__((aligned(64)));
long fake_saves, fake_restores, fake_ensures, fake_ensure_ends, fake_requires, fake_checkpoints, fake_cancel_begins,
    fake_cancel_ends;
const char *fake_last_site;
void (*fake_last_ubf)(void *);
void *fake_last_ubf_arg;
int fake_interrupted;

static __thread jgil_thread slot;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t freed = PTHREAD_COND_INITIALIZER;
static int waiters;

int64_t fake_api_tid(void) { return slot.tid; }
void fake_api_set_tid(int64_t tid) { slot.tid = tid; }

static int64_t owner(void)
{
    return __atomic_load_n(&fake_state.owner, __ATOMIC_SEQ_CST) & JGIL_OWNER_MASK;
}

int fake_holds(void) { return owner() == slot.tid; }

static void count(long *counter, const char *site)
{
    __atomic_fetch_add(counter, 1, __ATOMIC_SEQ_CST);
    if (site != NULL)
        __atomic_store_n(&fake_last_site, site, __ATOMIC_RELAXED);
}

void fake_take(int64_t tid)
{
    int64_t zero = 0;
    if (__atomic_compare_exchange_n(&fake_state.owner, &zero, tid, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return;
    pthread_mutex_lock(&mutex);
    waiters++;
    __atomic_fetch_or(&fake_state.owner, JGIL_WAITERS_BIT, __ATOMIC_SEQ_CST);
    for (;;) {
        int64_t w = __atomic_load_n(&fake_state.owner, __ATOMIC_SEQ_CST);
        if ((w & JGIL_OWNER_MASK) == 0) {
            if (__atomic_compare_exchange_n(&fake_state.owner, &w, tid | JGIL_WAITERS_BIT, 0, __ATOMIC_SEQ_CST,
                                            __ATOMIC_SEQ_CST))
                break;
            continue;
        }
        pthread_cond_wait(&freed, &mutex);
    }
    if (--waiters == 0) {
        int64_t w = tid | JGIL_WAITERS_BIT;
        __atomic_compare_exchange_n(&fake_state.owner, &w, tid, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    pthread_mutex_unlock(&mutex);
}

void fake_give(int64_t tid)
{
    int64_t w = tid;
    if (__atomic_compare_exchange_n(&fake_state.owner, &w, 0, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
        return;
    pthread_mutex_lock(&mutex);
    for (;;) {
        w = __atomic_load_n(&fake_state.owner, __ATOMIC_SEQ_CST);
        if (__atomic_compare_exchange_n(&fake_state.owner, &w, waiters > 0 ? JGIL_WAITERS_BIT : 0, 0,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            break;
    }
    pthread_cond_broadcast(&freed);
    pthread_mutex_unlock(&mutex);
}

/* A refused release (the caller does not hold the lock) returns 0, as the
 * runtime's does after throwing. */
static jgil_tstate save_slow(const char *site)
{
    count(&fake_saves, site);
    errno = EIO; /* a slow path may clobber errno; the real one restores it */
    if (fake_state.slow_flags & JGIL_SLOW_NOLOCK)
        return JGIL_TSTATE_NOLOCK;
    if (!fake_holds())
        return 0;
    fake_give(slot.tid);
    return slot.tid;
}

static void restore_slow(jgil_tstate saved, const char *site)
{
    count(&fake_restores, site);
    if (saved > 0)
        fake_take(saved);
}

static jgil_gilstate ensure(void)
{
    count(&fake_ensures, NULL);
    if (fake_holds())
        return 0;
    fake_take(slot.tid);
    return 1;
}

static void ensure_end(jgil_gilstate st)
{
    count(&fake_ensure_ends, NULL);
    if (st & 1)
        fake_give(slot.tid);
}

static int check(void) { return fake_holds(); }
static int cancelled(void) { return fake_interrupted; }

static int require(const char *site)
{
    count(&fake_requires, site);
    return fake_holds() ? 0 : -1;
}

static void cancel_begin(void (*ubf)(void *), void *arg)
{
    count(&fake_cancel_begins, NULL);
    fake_last_ubf = ubf;
    fake_last_ubf_arg = arg;
}

static void cancel_end(void) { count(&fake_cancel_ends, NULL); }
static void checkpoint(const char *site) { count(&fake_checkpoints, site); }

/* Only a reservation (JGIL_MODE_RESERVE) races; the zeroed state is FENCED. */
static void release_raced(jgil_tstate saved, const char *site) { (void)saved; (void)site; abort(); }

static jgil_thread *this_thread(void) { return &slot; }

static const jgil_api fake_table = {
    JGIL_ABI_VERSION, sizeof(jgil_api), &fake_state, save_slow, restore_slow, ensure, ensure_end, check,
    cancelled, require, cancel_begin, cancel_end, checkpoint, release_raced, this_thread,
};

void fake_api_reset(void)
{
    jgil_api_ptr = &fake_table;
    memset(&fake_state, 0, sizeof fake_state);
    slot.tid = 7;
    fake_state.owner = 7;
    fake_saves = fake_restores = fake_ensures = fake_ensure_ends = fake_requires = fake_checkpoints = 0;
    fake_cancel_begins = fake_cancel_ends = 0;
    fake_last_site = NULL;
    fake_last_ubf = NULL;
    fake_last_ubf_arg = NULL;
    fake_interrupted = 0;
}
