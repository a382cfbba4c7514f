package org.jgil.probe;

import org.jgil.Gil;

/**
 * The smallest native calls ({@code native/src/probe/native_probe.c}), for the lab and the
 * benchmarks: what a JNI call, and a release plus re-take of the lock around nothing, cost; a
 * clock-driven busy loop whose start and end show whether calls overlapped; a short call under
 * each release mode; one cancellation poll. Every method that releases needs the lock.
 */
public final class NativeProbe {
    static {
        Gil.isChecked(); // loads libjgil, which holds these natives
    }

    private NativeProbe() {}

    /** An empty native call. */
    public static native void noop();

    /** An empty native call wrapped in {@code JGIL_BEGIN/END_ALLOW_THREADS}. Hold the lock to call it. */
    public static native void noopReleased();

    /**
     * Busy-waits {@code nanos} nanoseconds in native code, with the lock released around the loop
     * if {@code release} (the caller must then hold it), and stores the loop's start and end
     * ({@link System#nanoTime()} clock) in {@code interval[0..1]} if {@code interval} is not null.
     *
     * @throws IllegalArgumentException if {@code nanos < 0} or {@code interval} is shorter than 2
     */
    public static native void spin(long nanos, boolean release, long[] interval);

    /** Spins {@code nanos}; {@code mode} 0 holds the lock, 1 releases it, 2 adapts. */
    public static native void shortCall(int mode, long nanos);

    /** One {@code jgil_cancelled()} poll in a released section. */
    public static native boolean cancelledNow();
}
