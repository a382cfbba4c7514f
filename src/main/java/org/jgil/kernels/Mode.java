package org.jgil.kernels;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a kernel runs with respect to the GIL. The caller holds the GIL in every mode.
 */
public enum Mode {
    /** Native code, the GIL held throughout: other threads wait, as with a careless extension. */
    HELD,
    /**
     * Native code with the GIL given up around the work ({@code JGIL_BEGIN/END_ALLOW_THREADS}):
     * other threads run meanwhile. Long kernels notice {@link Thread#interrupt()} here.
     */
    RELEASED,
    /**
     * Native code that gives the GIL up only when the estimated work is large enough to pay for the
     * release, as numpy's {@code NPY_BEGIN_THREADS_THRESHOLDED} does; see {@link #autoThresholdNanos()}.
     */
    AUTO,
    /**
     * The same maths in pure Java, holding the GIL and calling {@link org.jgil.Gil#checkpoint()}
     * every chunk of work, as bytecode does under CPython's GIL: the managed baseline.
     */
    JAVA;

    private static final long AUTO_THRESHOLD_NANOS = org.jgil.Settings.kernelsAutoThresholdNanos();

    /**
     * The work above which {@link #AUTO} releases the GIL, in estimated nanoseconds of native work.
     *
     * <p>While nobody waits, a release and its re-take are a few plain loads and stores in native
     * code, nothing against a call of microseconds. Under contention a release hands the lock over:
     * the waiter is woken (a futex wake and a context switch) and the releaser queues to get it
     * back, microseconds of latency. So releasing a short call loses to holding, and a long one
     * gains: AUTO releases from 1 us of estimated work, where two threads calling the same kernel
     * stop losing to releasing (the crossover runs and their figures: docs/performance.md and
     * docs/kernels.md; it moves up on a machine where other processes keep a core busy). Set with
     * {@code -Djgil.kernels.autoThresholdMicros}. Each kernel estimates its work from its size and
     * per-unit costs measured for each instruction set.
     */
    public static long autoThresholdNanos() {
        return AUTO_THRESHOLD_NANOS;
    }

    /**
     * Whether a native call in this mode gives up the GIL, for work estimated at
     * {@code estimatedNanos}.
     *
     * @throws IllegalStateException for {@link #JAVA}, which makes no native call
     */
    boolean releases(double estimatedNanos) {
        switch (this) {
            case HELD:
                return false;
            case RELEASED:
                return true;
            case AUTO:
                return estimatedNanos >= AUTO_THRESHOLD_NANOS;
            default:
                throw new IllegalStateException("JAVA mode makes no native call");
        }
    }

    /**
     * Parses a mode name case-insensitively: {@code held}, {@code released}, {@code auto},
     * {@code java}.
     *
     * @throws IllegalArgumentException naming the valid modes
     */
    public static Mode parse(String name) {
        java.util.Objects.requireNonNull(name, "name");
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown mode '" + name + "'; valid: "
                    + Arrays.stream(values()).map(m -> m.name().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(", ")));
        }
    }
}
