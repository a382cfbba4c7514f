/*
 * vecmath_gen.c -- plain C kernels for org.example.vecmath.VecMathGen.  No JNI
 * and no lock here: the glue (VecMathGen_jgil.c) is generated from the @Calls
 * declarations, and VecMathGen_jgil.h has the prototypes it expects.
 */
#include "VecMathGen_jgil.h"

// [gen-c]
double vm_dot(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}
// [/gen-c]

void vm_axpy(int32_t n, double alpha, const double *x, double *y)
{
    for (int32_t i = 0; i < n; i++)
        y[i] += alpha * x[i];
}
