#include "capi.h"
#include "../kernels/mandelbrot.c"

int jgil_k_mandelbrot(int32_t width, int32_t height, double x0, double y0, double dx, double dy,
                      int32_t max_iter, int32_t *out, int64_t *rows_done, const volatile int32_t *stop)
{
    if (width < 0 || height < 0 || max_iter < 0 || (out == NULL && width > 0 && height > 0))
        return JGIL_K_BADARG;
    kbuf b[1] = { { .name = "out", .ptr = out } };
    /* Named fields, initialised as the JNI entry point does: the state grows with the kernel. */
    struct mandel_state s = { .level = kisa_active(), .width = width, .height = height, .max_iter = max_iter,
                              .x0 = x0, .y0 = y0, .dx = dx, .dy = dy };
    static const int64_t per_ms[] = { 500000, 2000000, 4000000 };
    int rc = width == 0 ? JGIL_K_OK : capi_run(mandel_step, &s, b, per_ms[s.level], stop);
    if (rows_done != NULL)
        *rows_done = width == 0 ? height : s.row;
    return rc;
}
