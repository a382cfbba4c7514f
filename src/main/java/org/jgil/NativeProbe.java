package org.jgil;

/**
 * The smallest native calls: what a JNI call, and a release plus re-take of the lock around
 * nothing, cost; and a clock-driven busy loop whose start and end show whether calls overlapped.
 */
public final class NativeProbe {
    static {
        GilRuntime.ensureLoaded();
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

    /**
     * A released section that reserves the lock, spins {@code sectionNanos}, then re-takes it with
     * a stall of {@code stallNanos} between reading the lock word and storing its id: the race
     * window of the reservation, held open. Hold the lock to call it; returns 1 if the re-take went
     * the fast way.
     */
    public static native int releasedWithStalledRetake(long sectionNanos, long stallNanos);

    /** {@link #runOnNativeThread}: the native thread held the lock before calling {@code jgil_ensure}. */
    public static final int HELD_BEFORE_ENSURE = 1;
    /** The native thread held the lock inside its {@code jgil_ensure}/{@code jgil_ensure_end} pair. */
    public static final int HELD_INSIDE = 2;
    /** A nested {@code jgil_ensure} took the lock again (it must not). */
    public static final int INNER_ACQUIRED = 4;
    /** The native thread still held the lock after the nested {@code jgil_ensure_end}. */
    public static final int HELD_AFTER_INNER = 8;
    /** {@code jgil_ensure} failed. */
    public static final int ENSURE_FAILED = 16;

    /**
     * Starts a thread in native code (pthread) that takes the lock with {@code jgil_ensure()},
     * nests a second ensure, runs {@code action}, and releases both; the calling thread gives the
     * lock up while it waits for that thread. Whatever {@code action} throws is rethrown here.
     *
     * @return the {@code HELD_*}/{@code INNER_ACQUIRED}/{@code ENSURE_FAILED} bits the native
     *     thread observed through {@code jgil_check()}
     */
    public static native int runOnNativeThread(Runnable action);

    /**
     * Opens a released block and leaves it early: {@code how} 0 returns from inside it (the block's
     * cleanup re-takes the lock), 1 longjmps out of it (no cleanup runs: the thread goes on without
     * the lock, which checked mode reports at its next lock operation).
     *
     * @return {@code how}
     */
    public static native int leaveBlockEarly(int how);
}
