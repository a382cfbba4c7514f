/*
 * test_macros.c -- the inline fast paths of jgil.h against a fake api table.
 *
 * No JVM: the slow paths are stubs that count their calls.  What is checked
 * is the contract of the header: no runtime call while nobody waits (the
 * fake state is zeroed, which selects the FENCED mode), the slow
 * path as soon as the WAITERS bit or a slow flag is set, thresholded and
 * adaptive release, the cancellable section's calls, errno left alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "jgil.h"

JGIL_DEFINE_API

static jgil_state state;
static int save_calls, restore_calls, require_calls, checkpoint_calls, cancel_begin_calls, cancel_end_calls;
static const char *last_site;
static void (*last_ubf)(void *);
static void *last_arg;
static int failures;

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static jgil_tstate fake_save(const char *site)
{
    save_calls++;
    last_site = site;
    jgil_tstate w = state.owner & JGIL_OWNER_MASK;
    state.owner &= JGIL_WAITERS_BIT;
    errno = 1111; /* the real runtime restores errno; the fake shows which path ran */
    return w;
}
static void fake_restore(jgil_tstate saved, const char *site)
{
    restore_calls++;
    last_site = site;
    state.owner = (state.owner & JGIL_WAITERS_BIT) | saved;
}
static jgil_gilstate fake_ensure(void) { return 0; }
static void fake_ensure_end(jgil_gilstate s) { (void)s; }
static int fake_check(void) { return (state.owner & JGIL_OWNER_MASK) == 7; }
static int fake_cancelled(void) { return 1; }
static int fake_require(const char *site) { require_calls++; last_site = site; return 0; }
static void fake_cancel_begin(void (*ubf)(void *), void *arg) { cancel_begin_calls++; last_ubf = ubf; last_arg = arg; }
static void fake_cancel_end(void) { cancel_end_calls++; }
static void fake_checkpoint(const char *site) { checkpoint_calls++; last_site = site; }

static void fake_release_raced(jgil_tstate saved, const char *site) { (void)saved; (void)site; abort(); /* FENCED: never */ }

static jgil_thread slot7 = { 0, 0, 7 }; /* thread 7 */
static jgil_thread *fake_this_thread(void) { return &slot7; }

static const jgil_api fake = {
    JGIL_ABI_VERSION, sizeof(jgil_api), &state, fake_save, fake_restore, fake_ensure, fake_ensure_end,
    fake_check, fake_cancelled, fake_require, fake_cancel_begin, fake_cancel_end, fake_checkpoint,
    fake_release_raced, fake_this_thread,
};

static void reset(void)
{
    memset(&state, 0, sizeof state);
    state.owner = 7; /* thread 7 holds the lock */
    save_calls = restore_calls = require_calls = checkpoint_calls = cancel_begin_calls = cancel_end_calls = 0;
    last_site = NULL;
}

static int64_t owner_inside;

static void plain_block(void)
{
    JGIL_BEGIN_ALLOW_THREADS
    owner_inside = state.owner;
    JGIL_END_ALLOW_THREADS
}

static void test_fast_path(void)
{
    reset();
    errno = 42;
    plain_block();
    CHECK(owner_inside == 0);
    CHECK(state.owner == 7);
    CHECK(save_calls == 0 && restore_calls == 0);
    CHECK(errno == 42);
}

static void test_waiters_take_the_slow_path(void)
{
    reset();
    state.owner = 7 | JGIL_WAITERS_BIT;
    plain_block();
    CHECK(save_calls == 1);
    CHECK(last_site != NULL && strcmp(last_site, "plain_block") == 0);
    CHECK((state.owner & JGIL_OWNER_MASK) == 7);
}

static void test_slow_flags_take_the_slow_path(void)
{
    reset();
    state.slow_flags = JGIL_SLOW_CHECKED;
    plain_block();
    CHECK(save_calls == 1 && restore_calls == 1);
}

static void named_block(void)
{
    JGIL_BEGIN_ALLOW_THREADS_NAMED("my_kernel")
    JGIL_BLOCK_THREADS
    owner_inside = state.owner;
    JGIL_UNBLOCK_THREADS
    JGIL_END_ALLOW_THREADS
}

static void test_block_unblock(void)
{
    reset();
    named_block();
    CHECK(owner_inside == 7); /* BLOCK re-took it */
    CHECK(state.owner == 7);
    reset();
    state.slow_flags = JGIL_SLOW_CHECKED;
    named_block();
    CHECK(save_calls == 2 && restore_calls == 2);
    CHECK(strcmp(last_site, "my_kernel") == 0);
}

static int released_if(int cond)
{
    int released = -1; /* what a refused block (body skipped) leaves */
    JGIL_BEGIN_ALLOW_THREADS_IF(cond)
    released = JGIL_RELEASED;
    owner_inside = state.owner;
    JGIL_END_ALLOW_THREADS_IF
    return released;
}

static void test_thresholded(void)
{
    reset();
    CHECK(released_if(1) == 1 && owner_inside == 0 && state.owner == 7);
    CHECK(released_if(0) == 0 && owner_inside == 7 && state.owner == 7);
    CHECK(require_calls == 0); /* not checked: no check */
    state.slow_flags = JGIL_SLOW_CHECKED;
    CHECK(released_if(0) == 0);
    CHECK(require_calls == 1 && strcmp(last_site, "released_if") == 0);
}

static int released_adaptive(int64_t ns)
{
    int released = -1; /* what a refused block (body skipped) leaves */
    JGIL_BEGIN_ALLOW_THREADS_ADAPTIVE(ns)
    released = JGIL_RELEASED;
    JGIL_END_ALLOW_THREADS_ADAPTIVE
    return released;
}

static void test_adaptive(void)
{
    reset();
    CHECK(released_adaptive(1000) == 0);                  /* short, nobody waits */
    CHECK(released_adaptive(JGIL_ADAPTIVE_LONG_NS) == 1); /* long */
    state.owner |= JGIL_WAITERS_BIT;
    CHECK(released_adaptive(1000) == 1);                  /* somebody waits */
    reset();
    state.slow_flags = JGIL_SLOW_CHECKED;
    CHECK(released_adaptive(1000) == 1);                  /* checked mode checks every call */
}

static void ubf(void *arg) { (void)arg; }
static int ubf_arg;

static void cancellable_block(void)
{
    JGIL_BEGIN_ALLOW_THREADS_CANCELLABLE(ubf, &ubf_arg)
    CHECK(cancel_begin_calls == 1 && cancel_end_calls == 0);
    CHECK(state.owner == 0);
    CHECK(jgil_cancelled() == 1);
    JGIL_END_ALLOW_THREADS_CANCELLABLE
}

static void test_cancellable(void)
{
    reset();
    errno = 5;
    cancellable_block();
    CHECK(cancel_end_calls == 1 && state.owner == 7);
    CHECK(last_ubf == ubf && last_arg == &ubf_arg);
    CHECK(errno == 5);
}

static void test_checkpoint_and_require(void)
{
    reset();
    JGIL_CHECKPOINT();
    CHECK(checkpoint_calls == 0);
    state.drop_request = 1;
    JGIL_CHECKPOINT();
    CHECK(checkpoint_calls == 1 && strcmp(last_site, "test_checkpoint_and_require") == 0);
    reset();
    CHECK(JGIL_REQUIRE_GIL() == 0 && require_calls == 0);
    state.slow_flags = JGIL_SLOW_CHECKED;
    CHECK(JGIL_REQUIRE_GIL() == 0 && require_calls == 1);
    JGIL_CHECKPOINT();
    CHECK(checkpoint_calls == 1);
}

int main(void)
{
    jgil_api_ptr = &fake;
    test_fast_path();
    test_waiters_take_the_slow_path();
    test_slow_flags_take_the_slow_path();
    test_block_unblock();
    test_thresholded();
    test_adaptive();
    test_cancellable();
    test_checkpoint_and_require();
    if (failures) {
        fprintf(stderr, "test_macros: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_macros: all checks passed\n");
    return 0;
}
