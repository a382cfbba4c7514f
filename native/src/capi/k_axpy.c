#include "capi.h"
#include "../kernels/axpy.c"

void jgil_k_axpy(double a, const double *x, double *y, int64_t n)
{
    if (n <= 0)
        return;
    kbuf b[2] = { { .name = "x", .ptr = (void *)x }, { .name = "y", .ptr = y } };
    struct axpy_state s = { .a = a, .n = n };
    axpy_step(&s, b, -1);
}
