package org.jgil.kernels;

import org.jgil.Gil;

/**
 * The native half of the kernels ({@code native/src/kernels/*.c}). Arguments arrive validated by
 * the public classes; the C side checks again what is cheap. Every array argument is an
 * {@code Object} that is either a Java primitive array ({@code direct == false}) or a direct buffer
 * ({@code direct == true}); {@code release} says whether to give the GIL up around the work.
 */
final class KernelNative {
    static {
        Gil.isChecked(); // loads libjgil, which holds the kernels too
        Isa.configure();
    }

    private KernelNative() {}

    /** Runs the static initializer: loads the library and applies {@code jgil.isa}. */
    static void ensureLoaded() {
        // The static initializer is the work.
    }

    // ---- instruction sets (cpu.c) ----
    static native int bestIsa();

    static native int activeIsa();

    static native int setIsa(int level);

    static native String cpuFeatures();

    static native String gemmVariant();

    // ---- kernels ----
    static native long spinIterations(long micros);

    static native long spin(long iterations, long seed, boolean release);

    static native void sleep(long micros, boolean release);

    static native double dot(Object x, int xOff, Object y, int yOff, int n, boolean direct, boolean release);

    static native double sum(Object x, int xOff, int n, boolean direct, boolean release);

    static native void axpy(double a, Object x, int xOff, Object y, int yOff, int n, boolean direct,
            boolean release);

    static native void gemm(int m, int n, int k, Object a, int aOff, Object b, int bOff, Object c, int cOff,
            boolean direct, boolean release);

    static native long mandelbrot(int width, int height, double x0, double y0, double dx, double dy,
            int maxIter, Object out, int off, boolean direct, boolean release);

    static native long montecarloPi(long samples, long seed, boolean release);

    static native void nbodyStep(Object state, int off, int n, double dt, boolean direct, boolean release);

    static native int sieve(int n, boolean release);
}
