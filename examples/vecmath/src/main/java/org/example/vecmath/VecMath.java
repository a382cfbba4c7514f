package org.example.vecmath;

import java.util.function.IntConsumer;
import org.jgil.Extensions;
import org.jgil.Gil;

/**
 * Vector kernels in C++ ({@code src/main/cpp/vecmath.cpp}), a worked example of a jgil extension.
 * Call them holding the GIL ({@link Gil#run}, {@link Gil#call}); each releases it around its work
 * when that pays.
 */
public final class VecMath {
    static {
        // jgil's runtime first, then libvecmath: -Dvecmath.library=FILE, else java.library.path
        // (CMake's libvecmath.so or nar's libvecmath-0.1.0.so), else the jar.
        Extensions.load(VecMath.class, "vecmath");
    }

    private VecMath() {}

    /**
     * The dot product.
     *
     * @throws IllegalArgumentException if the lengths differ
     */
    public static native double dot(double[] a, double[] b);

    /**
     * {@code m} (row-major, {@code rows x cols}) times {@code x}.
     *
     * @throws org.jgil.NativeException with {@code nativeType() == "vecmath::shape_error"} if the
     *     shapes do not match
     */
    public static native double[] matvec(double[] m, int rows, int cols, double[] x);

    /**
     * {@code a[i]}, read natively.
     *
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public static native double at(double[] a, int i);

    /**
     * Fills {@code n} doubles of native scratch space and sums them.
     *
     * @throws OutOfMemoryError if the scratch space cannot be allocated
     */
    public static native double scratchSum(long n);

    /**
     * Does nothing for 0; for any other status, native code throws the status as a C++ {@code int}.
     *
     * @throws org.jgil.NativeException with {@code nativeType() == "int"} for a nonzero status
     */
    public static native void checkStatus(int code);

    /** The Euclidean norm; releases the GIL only for long arrays or when another thread waits. */
    public static native double norm(double[] a);

    /**
     * The sum of squares of {@code a}, {@code passes} times over: a long kernel.
     *
     * @throws org.jgil.NativeCancelledException if the thread is interrupted meanwhile (the
     *     interrupt status stays set)
     */
    public static native double sumOfSquares(double[] a, long passes);

    /**
     * Waits up to {@code timeoutMillis} for a signal that never comes: a blocking native wait.
     *
     * @return false on timeout
     * @throws org.jgil.NativeCancelledException if the thread is interrupted meanwhile
     */
    public static native boolean awaitSignal(int timeoutMillis);

    /**
     * Native threads fill slices of {@code out} with their index and each calls
     * {@code callback.accept(index)} holding the GIL.
     */
    public static native void parallelFill(double[] out, int threads, IntConsumer callback);

    /** Opens a released section inside another: refused with IllegalStateException. */
    public static native void nestedRelease();

    /** Runs {@code action} from inside a released section, taking the GIL back for it. */
    public static native void callbackReleased(Runnable action);
}
