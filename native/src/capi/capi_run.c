/*
 * capi_run.c -- the C ABI's counterpart of kexec() (kernels/access.c): the
 * same steps, over pointers that never move, with a caller's flag in place of
 * the cancel watcher's.
 */
#include "capi.h"
#include "../jgil_internal.h"

void jgil_k_request_stop(void *flag)
{
    /* NULL is a call that need not stop early: there is nothing to raise.  The
     * cancel watcher passes whatever the call was given. */
    if (flag != NULL)
        __atomic_store_n((int32_t *)flag, 1, __ATOMIC_RELEASE);
}

int capi_run(kstep_fn step, void *state, kbuf *bufs, int64_t budget, const volatile int32_t *stop)
{
    if (stop == NULL)
        budget = -1;
    for (;;) {
        int rc = step(state, bufs, budget);
        if (rc == KSTEP_DONE)
            return JGIL_K_OK;
        if (rc < 0)
            return JGIL_K_NOMEM;
        if (stop != NULL && __atomic_load_n((const int32_t *)stop, __ATOMIC_ACQUIRE))
            return JGIL_K_STOPPED;
    }
}

/* What JGIL_BEGIN/END_ALLOW_THREADS_CANCELLABLE do besides releasing, for
 * callers that release the lock from Java (an FFM downcall). */
void jgil_ffm_cancel_begin(void (*ubf)(void *), void *arg)
{
    jgil_cancel_begin(ubf, arg);
}

void jgil_ffm_cancel_end(void)
{
    jgil_cancel_end();
}
