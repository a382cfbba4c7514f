#include <stdlib.h>

#include "capi.h"
#include "../kernels/sieve.c"

int jgil_k_sieve(int32_t n, int32_t *count, const volatile int32_t *stop)
{
    if (n < 0 || count == NULL)
        return JGIL_K_BADARG;
    *count = 0;
    if (n <= 2)
        return JGIL_K_OK;
    struct sieve_state s = { .n = n, .half = n / 2, .composite = calloc((size_t)(n / 2), 1), .i = 1 };
    if (s.composite == NULL)
        return JGIL_K_NOMEM;
    int rc = capi_run(sieve_step, &s, NULL, 2000000, stop);
    free(s.composite);
    if (rc == JGIL_K_OK)
        *count = (int32_t)s.count;
    return rc;
}
