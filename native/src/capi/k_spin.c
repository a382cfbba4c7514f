/* This copy calibrates on its own first call, as the JNI one does: the two rates
 * may differ by the noise of a calibration, not by more. */
#include "capi.h"
#include "../kernels/spin.c"

int64_t jgil_k_spin_iterations(int64_t micros)
{
    if (micros < 0)
        return 0;
    double n = (double)micros * rate();
    return n >= 9.0e18 ? INT64_MAX : (int64_t)(n + 0.5);
}

int jgil_k_spin(int64_t iterations, int64_t seed, int64_t *result, const volatile int32_t *stop)
{
    if (iterations < 0 || result == NULL)
        return JGIL_K_BADARG;
    struct spin_state s = { .x = (uint64_t)seed, .left = iterations };
    int64_t per_ms = stop == NULL ? 0 : (int64_t)(rate() * 1000.0); /* about a millisecond */
    int rc = capi_run(spin_step, &s, NULL, per_ms > 0 ? per_ms : 1, stop);
    *result = (int64_t)s.x;
    return rc;
}
