package org.jgil.kernels;

import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;
import org.jgil.Gil;

/**
 * Work of a chosen length: a calibrated CPU loop ({@link #spin}) and a blocking wait
 * ({@link #sleep}), the two shapes every native call is a mix of.
 */
public final class Synthetic {
    static {
        KernelNative.ensureLoaded();
    }

    private static final long SPIN_MULTIPLIER = 0xbf58476d1ce4e5b9L;
    /** JAVA-mode spin calls {@link Gil#checkpoint()} every this many iterations (a few microseconds). */
    private static final long SPIN_CHUNK = 4096;

    private Synthetic() {}

    /**
     * The number of loop iterations that make {@code micros} microseconds of work on this CPU. The
     * native loop is timed once (best of several runs) at the first call.
     */
    public static long spinIterations(long micros) {
        Checks.nonNegative(micros, "micros");
        return KernelNative.spinIterations(micros);
    }

    /**
     * About {@code micros} microseconds of pure CPU work: {@link #spinIterations(long)} rounds of a
     * shift-xor-multiply recurrence that no compiler can shorten, started from {@code seed}.
     * {@link Mode#JAVA} runs the same recurrence (same result; its speed is the JIT's).
     *
     * @return the recurrence's final value (the same in every mode)
     * @throws java.util.concurrent.CancellationException if released and the thread is interrupted
     *     (checked about once a millisecond); the interrupt status stays set
     */
    public static long spin(long micros, long seed, Mode mode) {
        Checks.nonNegative(micros, "micros");
        Checks.mode(mode, "Synthetic.spin");
        long iterations = KernelNative.spinIterations(micros);
        if (mode == Mode.JAVA) {
            return spinJava(iterations, seed);
        }
        return KernelNative.spin(iterations, seed, mode.releases(micros * 1000.0));
    }

    static long spinJava(long iterations, long seed) {
        long x = seed;
        for (long done = 0; done < iterations; ) {
            long end = Math.min(iterations, done + SPIN_CHUNK);
            for (long i = done; i < end; i++) {
                x ^= x >>> 29;
                x *= SPIN_MULTIPLIER;
            }
            done = end;
            Gil.checkpoint();
        }
        return x;
    }

    /**
     * Blocks for {@code micros} microseconds (nanosleep), the stand-in for I/O. Released (and in
     * AUTO, which always releases a blocking wait) other threads run meanwhile; held, everyone
     * waits. {@link Mode#JAVA} parks the thread holding the GIL, the managed equivalent of
     * forgetting to release.
     *
     * @throws java.util.concurrent.CancellationException if the thread is interrupted while
     *     released (checked every millisecond) or in JAVA mode; the interrupt status stays set
     */
    public static void sleep(long micros, Mode mode) {
        Checks.nonNegative(micros, "micros");
        Checks.mode(mode, "Synthetic.sleep");
        if (mode == Mode.JAVA) {
            // parkNanos, not Thread.sleep(ms, ns), which JDK 17 rounds up to whole milliseconds.
            long deadline = System.nanoTime() + Math.min(micros, Long.MAX_VALUE / 2000) * 1000;
            for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("sleep: cancelled, the calling thread was interrupted");
                }
                LockSupport.parkNanos(left);
            }
            return;
        }
        // A blocking wait uses no CPU: whatever it lasts, holding the lock only stops the others.
        KernelNative.sleep(micros, mode.releases(Double.POSITIVE_INFINITY));
    }
}
