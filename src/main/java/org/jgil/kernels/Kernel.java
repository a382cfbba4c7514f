package org.jgil.kernels;

/**
 * A named compute kernel that the {@code jgil} CLI and the benchmarks drive uniformly. Obtain them
 * from {@link Kernels#all()} or {@link Kernels#byName(String)}.
 */
public interface Kernel {
    /** The kernel's name, e.g. {@code "gemm"}: lower case, as {@link Kernels#byName} takes it. */
    String name();

    /** What the kernel does and what it measures, in one sentence. */
    String description();

    /**
     * Allocates the inputs of one workload (call it once per thread: a workload is not
     * thread-safe). Zero in {@code params.size()} or {@code params.workMicros()} means the kernel's
     * default; parameters the kernel has no use for are ignored.
     *
     * @throws IllegalArgumentException if a parameter is negative or too large
     */
    Workload prepare(Workload.Params params);

    /**
     * The implementation the native modes use now, e.g. {@code "avx512"}, {@code "avx2"},
     * {@code "scalar"} or {@code "portable"} for kernels that have a single one.
     */
    default String variant() {
        return "portable";
    }
}
