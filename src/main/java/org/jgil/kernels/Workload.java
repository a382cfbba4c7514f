package org.jgil.kernels;

/**
 * A kernel with its inputs allocated, ready to be run again and again. Owned by one thread.
 */
public interface Workload {
    /**
     * Runs the kernel once. The calling thread must hold the GIL.
     *
     * @return a checksum of the result, so that the work cannot be optimised away and modes can
     *     be compared (the same for every mode up to floating-point rounding; kernels that update
     *     their state in place, such as axpy and nbody, return the state's new checksum)
     */
    double run(Mode mode);

    /** Floating-point operations one call performs, or 0 when that is not a meaningful measure. */
    double flopsPerCall();

    /** Bytes of input and output one call touches (an estimate of its memory traffic). */
    long bytesPerCall();

    /**
     * What a workload is made from. Each kernel uses what applies to it and documents its defaults
     * ({@link Kernels}); 0 in {@code size} or {@code workMicros} means the default.
     *
     * @param size the problem size (elements, matrix order, grid side, bodies, samples, limit)
     * @param workMicros the length of synthetic work (spin, sleep) in microseconds
     * @param seed seeds the inputs' random numbers
     */
    record Params(int size, long workMicros, long seed) {
        /** Checks that neither size is negative. */
        public Params {
            if (size < 0) {
                throw new IllegalArgumentException("size must be >= 0, got " + size);
            }
            if (workMicros < 0) {
                throw new IllegalArgumentException("workMicros must be >= 0, got " + workMicros);
            }
        }

        /** Every parameter at its default, seed 42. */
        public static Params defaults() {
            return new Params(0, 0, 42);
        }

        int sizeOr(int fallback) {
            return size == 0 ? fallback : size;
        }

        long workMicrosOr(long fallback) {
            return workMicros == 0 ? fallback : workMicros;
        }
    }
}
