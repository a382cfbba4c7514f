/* A short kernel: one step, nothing to stop (so are sum and axpy). */
#include "capi.h"
#include "../kernels/dot.c"

double jgil_k_dot(const double *x, const double *y, int64_t n)
{
    if (n <= 0)
        return 0;
    kbuf b[2] = { { .name = "x", .ptr = (void *)x }, { .name = "y", .ptr = (void *)y } };
    struct dot_state s = { .n = n };
    dot_step(&s, b, -1);
    return s.result;
}
