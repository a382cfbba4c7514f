#include <stdlib.h>

#include "capi.h"
#include "../kernels/gemm.c"

int jgil_k_gemm(int64_t m, int64_t n, int64_t k, const double *a, const double *b, double *c,
                const volatile int32_t *stop)
{
    if (m < 0 || n < 0 || k < 0)
        return JGIL_K_BADARG;
    if (m == 0 || n == 0)
        return JGIL_K_OK;
    if (c == NULL || (k > 0 && (a == NULL || b == NULL)))
        return JGIL_K_BADARG;
    kbuf bufs[3] = { { .name = "a", .ptr = (void *)a }, { .name = "b", .ptr = (void *)b },
                     { .name = "c", .ptr = c } };
    const int level = kisa_active();
    struct gemm_state s = { .impl = &impls[level], .level = level, .m = m, .n = n, .k = k };
    int64_t kc = k < KC ? k : KC, nc = n < NC ? n : NC, mc = m < MC ? m : MC;
    if (k > 0) {
        /* As the JNI entry point sizes them (kernels/gemm.c). */
        s.ap = aligned_alloc(64, (size_t)round_up(round_up(mc, MR_MAX) * kc * 8, 64));
        s.bp = aligned_alloc(64, (size_t)round_up(round_up(nc, NR_MAX) * kc * 8, 64));
        if (s.ap == NULL || s.bp == NULL) {
            free(s.ap);
            free(s.bp);
            return JGIL_K_NOMEM;
        }
    }
    /* About a millisecond of work between reads of *stop (kernels/gemm.c's budget). */
    int rc = capi_run(gemm_step, &s, bufs, flops_per_ms[level], stop);
    free(s.ap);
    free(s.bp);
    return rc;
}
