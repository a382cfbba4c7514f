package org.jgil.kernels;

/**
 * What {@link Mode#AUTO} needs: a rough estimate of a native call's duration, from its size and
 * per-unit costs measured on the development machine for each instruction set (docs/performance.md,
 * "One thread, native vs Java"). Only the order of magnitude matters: the estimate is compared with a
 * threshold of about a microsecond (docs/kernels.md, "AUTO").
 */
final class Cost {
    private Cost() {}

    /** The level in use, mirrored here so that AUTO costs no native call to find it. */
    static volatile int level = -1;

    private static int level() {
        int l = level;
        if (l < 0) {
            KernelNative.ensureLoaded();
            l = KernelNative.activeIsa();
            level = l;
        }
        return l;
    }

    /** {@code units} of work costing {@code scalar}/{@code avx2}/{@code avx512} ns each. */
    static double nanos(double units, double scalar, double avx2, double avx512) {
        switch (level()) {
            case 2:
                return units * avx512;
            case 1:
                return units * avx2;
            default:
                return units * scalar;
        }
    }

    /** Whether a native call in {@code mode} releases the GIL, for work of {@code estimatedNanos}. */
    static boolean release(Mode mode, double estimatedNanos) {
        return mode.releases(estimatedNanos);
    }
}
