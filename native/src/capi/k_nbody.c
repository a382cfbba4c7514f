#include <stdlib.h>

#include "capi.h"
#include "../kernels/nbody.c"

int jgil_k_nbody_step(double *state, int64_t n, double dt, const volatile int32_t *stop)
{
    if (n < 0 || (state == NULL && n > 0))
        return JGIL_K_BADARG;
    if (n == 0)
        return JGIL_K_OK;
    kbuf b[1] = { { .name = "state", .ptr = state } };
    struct nbody_state s = { .n = n, .dt = dt, .level = kisa_active(),
                             .acc = malloc((size_t)n * 3 * sizeof(double)) };
    if (s.acc == NULL)
        return JGIL_K_NOMEM;
    int rc = capi_run(nbody_step, &s, b, 500000, stop);
    free(s.acc);
    return rc;
}
