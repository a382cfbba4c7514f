package org.jgil;

/**
 * Cancellable native work ({@code native/test/jni/cancel_probe.c}). Every method needs the lock.
 */
final class CancelProbe {
    static {
        TestLibrary.ensureLoaded();
    }

    private CancelProbe() {}

    /**
     * Spins {@code nanos} with the lock released, polling {@code jgil_cancelled()} every ~100 us.
     *
     * @return the nanoseconds spun
     * @throws NativeCancelledException if the thread was interrupted meanwhile
     */
    static native long spinCancellable(long nanos);

    /**
     * Blocks in {@code poll(2)} up to {@code millis} in a cancellable section whose unblocking
     * function wakes the poll.
     *
     * @return 0 on timeout
     * @throws NativeCancelledException if the thread was interrupted meanwhile
     */
    static native int blockCancellable(int millis);

    /** Average cost of a {@code jgil_cancelled()} poll over {@code n} polls, in picoseconds. */
    static native long pollCostPicos(int n);
}
