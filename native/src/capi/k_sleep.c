#include "capi.h"
#include "../kernels/sleep.c"

int jgil_k_sleep(int64_t micros, const volatile int32_t *stop)
{
    if (micros < 0)
        return JGIL_K_BADARG;
    if (micros > INT64_MAX / 2000)
        micros = INT64_MAX / 2000; /* effectively forever, and no overflow */
    struct sleep_state s = { .deadline = jgil_nanotime() + micros * 1000 };
    return capi_run(sleep_step, &s, NULL, SLICE_NANOS, stop);
}
