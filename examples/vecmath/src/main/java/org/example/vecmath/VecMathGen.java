package org.example.vecmath;

import org.jgil.Extensions;
import org.jgil.ext.Calls;
import org.jgil.ext.Out;

/**
 * Kernels with no JNI code of their own: jgil's annotation processor writes their glue
 * ({@code VecMathGen_jgil.c}, with the argument checks, the release and the pinning) from these
 * declarations, and {@code src/main/c/vecmath_gen.c} is plain C. Call them holding the GIL.
 */
public final class VecMathGen {
    // [gen-java]
    static {
        Extensions.load(VecMathGen.class, "vecmath");
    }

    /**
     * The dot product, with the lock released.
     *
     * @throws IllegalArgumentException if the lengths differ
     */
    @Calls(value = "vm_dot", args = "a, b, a.length", check = "a.length == b.length")
    public static native double dot(double[] a, double[] b);
    // [/gen-java]

    private VecMathGen() {}

    /**
     * {@code y[yoff + i] += alpha * x[xoff + i]} for {@code i < n}.
     *
     * @throws IndexOutOfBoundsException if a range does not fit its array
     */
    @Calls(value = "vm_axpy", args = "n, alpha, x[xoff, n], y[yoff, n]")
    public static native void axpy(int n, double alpha, double[] x, int xoff, @Out double[] y, int yoff);
}
