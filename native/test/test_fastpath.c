/*
 * test_fastpath.c -- jgil.h's inline fast paths against the fake runtime of
 * fake_api.c: which calls stay in the CAS and which go to the slow paths,
 * that errno survives, every kind of block, and that the macros give mutual
 * exclusion when many threads release and re-take at once.  No JVM, no JNI.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "fake_api.h"

static int64_t owner_inside; /* the lock word as a block's body saw it */

static void plain_block(void)
{
    JGIL_BEGIN_ALLOW_THREADS
    owner_inside = fake_state.owner;
    JGIL_END_ALLOW_THREADS
}

static void uncontended_release_and_retake_stay_in_the_cas_and_keep_errno(void)
{
    fake_api_reset();
    errno = ERANGE;
    jgil_tstate t = jgil_save_thread();
    CHECK(t == 7 && fake_state.owner == 0);
    jgil_restore_thread(t);
    CHECK(fake_state.owner == 7);
    plain_block();
    CHECK(owner_inside == 0 && fake_state.owner == 7);
    CHECK(fake_saves == 0 && fake_restores == 0);
    CHECK(errno == ERANGE);
}

static void named_block(void)
{
    JGIL_BEGIN_ALLOW_THREADS_NAMED("my_kernel")
    JGIL_BLOCK_THREADS
    owner_inside = fake_state.owner;
    JGIL_UNBLOCK_THREADS
    JGIL_END_ALLOW_THREADS
}

static void block_threads_retakes_the_lock_inside_a_block(void)
{
    fake_api_reset();
    named_block();
    CHECK(owner_inside == 7);
    CHECK(fake_state.owner == 7 && fake_saves == 0 && fake_restores == 0);
    fake_state.slow_flags = JGIL_SLOW_CHECKED;
    named_block();
    CHECK(fake_saves == 2 && fake_restores == 2);
    CHECK(fake_last_site != NULL && strcmp(fake_last_site, "my_kernel") == 0);
}

static void a_waiter_sends_the_release_to_the_scheduler(void)
{
    fake_api_reset();
    fake_state.owner = 7 | JGIL_WAITERS_BIT;
    jgil_tstate t = jgil_save_thread_at("waiters");
    CHECK(fake_saves == 1 && t == 7);
    CHECK((fake_state.owner & JGIL_OWNER_MASK) == 0);
    jgil_restore_thread(t);
    CHECK(fake_state.owner == 7);
    fake_state.owner = 7 | JGIL_WAITERS_BIT;
    plain_block(); /* the site is the enclosing function */
    CHECK(fake_saves == 2 && fake_last_site != NULL && strcmp(fake_last_site, "plain_block") == 0);
    CHECK((fake_state.owner & JGIL_OWNER_MASK) == 7);
}

static void every_slow_flag_sends_both_directions_to_the_slow_path(void)
{
    int flags[] = { JGIL_SLOW_CHECKED, JGIL_SLOW_NOLOCK };
    for (int i = 0; i < 2; i++) {
        fake_api_reset();
        fake_state.slow_flags = flags[i];
        plain_block();
        CHECK_MSG(fake_saves == 1 && fake_restores == 1, "slow flag %d", flags[i]);
        CHECK((fake_state.owner & JGIL_OWNER_MASK) == 7);
    }
}

static void a_nonpositive_saved_state_never_takes_the_lock(void)
{
    fake_api_reset();
    fake_state.owner = 0;
    jgil_restore_thread(JGIL_TSTATE_NOLOCK);
    CHECK(fake_state.owner == 0);
    jgil_restore_thread(0); /* what a refused BEGIN leaves */
    CHECK(fake_state.owner == 0);
}

static void a_thread_without_the_lock_is_refused_by_the_slow_path(void)
{
    fake_api_reset();
    fake_state.owner = 0;
    CHECK(jgil_save_thread() == 0);
    CHECK(fake_saves == 1 && fake_state.owner == 0);
    fake_state.owner = 9;
    CHECK(jgil_save_thread() == 0);
    CHECK(fake_saves == 2 && fake_state.owner == 9);
}

static int released_if(int cond)
{
    int released = -1; /* what a refused block (body skipped) leaves */
    JGIL_BEGIN_ALLOW_THREADS_IF(cond)
    released = JGIL_RELEASED;
    owner_inside = fake_state.owner;
    JGIL_END_ALLOW_THREADS_IF
    return released;
}

static void a_thresholded_block_releases_only_when_asked(void)
{
    fake_api_reset();
    CHECK(released_if(1) == 1 && owner_inside == 0 && fake_state.owner == 7);
    CHECK(released_if(0) == 0 && owner_inside == 7 && fake_state.owner == 7);
    CHECK(fake_requires == 0); /* not checked: no check */
    fake_state.slow_flags = JGIL_SLOW_CHECKED;
    CHECK(released_if(0) == 0);
    CHECK(fake_requires == 1 && strcmp(fake_last_site, "released_if") == 0);
}

static int released_adaptive(int64_t ns)
{
    int released = -1; /* what a refused block (body skipped) leaves */
    JGIL_BEGIN_ALLOW_THREADS_ADAPTIVE(ns)
    released = JGIL_RELEASED;
    JGIL_END_ALLOW_THREADS_ADAPTIVE
    return released;
}

static void an_adaptive_block_releases_long_calls_and_for_a_waiter(void)
{
    fake_api_reset();
    CHECK(released_adaptive(1000) == 0);                  /* short, nobody waits */
    CHECK(released_adaptive(JGIL_ADAPTIVE_LONG_NS) == 1); /* long */
    fake_state.owner |= JGIL_WAITERS_BIT;
    CHECK(released_adaptive(1000) == 1);                  /* somebody waits */
    fake_api_reset();
    fake_state.slow_flags = JGIL_SLOW_CHECKED;
    CHECK(released_adaptive(1000) == 1);                  /* checked mode checks every call */
}

static void ubf(void *arg) { (void)arg; }
static int ubf_arg;

static void a_cancellable_block_registers_its_unblocking_function(void)
{
    fake_api_reset();
    fake_interrupted = 1;
    errno = 5;
    JGIL_BEGIN_ALLOW_THREADS_CANCELLABLE(ubf, &ubf_arg)
    CHECK(fake_cancel_begins == 1 && fake_cancel_ends == 0);
    CHECK(fake_state.owner == 0);
    CHECK(jgil_cancelled() == 1);
    JGIL_END_ALLOW_THREADS_CANCELLABLE
    CHECK(fake_cancel_ends == 1 && fake_state.owner == 7);
    CHECK(fake_last_ubf == ubf && fake_last_ubf_arg == &ubf_arg);
    CHECK(errno == 5);
}

static void a_checkpoint_calls_the_runtime_only_on_a_drop_request(void)
{
    fake_api_reset();
    JGIL_CHECKPOINT();
    CHECK(fake_checkpoints == 0);
    fake_state.drop_request = 1;
    JGIL_CHECKPOINT();
    CHECK(fake_checkpoints == 1);
    CHECK(strcmp(fake_last_site, "a_checkpoint_calls_the_runtime_only_on_a_drop_request") == 0);
}

static void require_gil_checks_only_in_checked_mode(void)
{
    fake_api_reset();
    CHECK(JGIL_REQUIRE_GIL() == 0 && fake_requires == 0);
    fake_state.slow_flags = JGIL_SLOW_CHECKED;
    CHECK(JGIL_REQUIRE_GIL() == 0 && fake_requires == 1);
    fake_state.owner = 0;
    CHECK(JGIL_REQUIRE_GIL() == -1 && fake_requires == 2);
}

/* ---- many threads: release around "native work", re-take, and check exclusion ---- */

enum { THREADS = 8, ROUNDS = 20000 };
static int inside;
static long counter;

static void *worker(void *arg)
{
    fake_api_set_tid((int64_t)(intptr_t)arg);
    fake_take(fake_api_tid());
    for (int i = 0; i < ROUNDS; i++) {
        CHECK(__atomic_add_fetch(&inside, 1, __ATOMIC_SEQ_CST) == 1);
        counter++; /* plain: the lock protects it */
        __atomic_sub_fetch(&inside, 1, __ATOMIC_SEQ_CST);
        JGIL_BEGIN_ALLOW_THREADS
        for (volatile int k = 0; k < (i & 63); k++)
            ;
        JGIL_END_ALLOW_THREADS
        CHECK(fake_holds());
    }
    fake_give(fake_api_tid());
    return NULL;
}

static void threads_that_release_and_retake_never_overlap(void)
{
    fake_api_reset();
    fake_state.owner = 0;
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        CHECK(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)(100 + i)) == 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    CHECK(counter == (long)THREADS * ROUNDS);
    CHECK(fake_state.owner == 0);
}

static const test_case tests[] = {
    TEST(uncontended_release_and_retake_stay_in_the_cas_and_keep_errno),
    TEST(block_threads_retakes_the_lock_inside_a_block),
    TEST(a_waiter_sends_the_release_to_the_scheduler),
    TEST(every_slow_flag_sends_both_directions_to_the_slow_path),
    TEST(a_nonpositive_saved_state_never_takes_the_lock),
    TEST(a_thread_without_the_lock_is_refused_by_the_slow_path),
    TEST(a_thresholded_block_releases_only_when_asked),
    TEST(an_adaptive_block_releases_long_calls_and_for_a_waiter),
    TEST(a_cancellable_block_registers_its_unblocking_function),
    TEST(a_checkpoint_calls_the_runtime_only_on_a_drop_request),
    TEST(require_gil_checks_only_in_checked_mode),
    TEST(threads_that_release_and_retake_never_overlap),
};

int main(int argc, char **argv)
{
    return RUN_TESTS("fastpath", tests);
}
