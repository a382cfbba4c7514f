package org.jgil;

/**
 * Native calls that exercise the extension kit's C side ({@code native/src/jni_kit_probe.c}):
 * cancellation, thresholded and adaptive release, checked-mode checks, errno. For tests and
 * benchmarks; every method needs the lock unless it says otherwise.
 */
public final class KitProbe {
    static {
        GilRuntime.ensureLoaded();
    }

    private KitProbe() {}

    /**
     * Spins {@code nanos} with the lock released, polling {@code jgil_cancelled()} every ~100 us.
     *
     * @return the nanoseconds spun
     * @throws NativeCancelledException if the thread was interrupted meanwhile
     */
    public static native long spinCancellable(long nanos);

    /**
     * Blocks in {@code poll(2)} up to {@code millis} in a cancellable section whose unblocking
     * function wakes the poll.
     *
     * @return 0 on timeout
     * @throws NativeCancelledException if the thread was interrupted meanwhile
     */
    public static native int blockCancellable(int millis);

    /** Average cost of a {@code jgil_cancelled()} poll over {@code n} polls, in picoseconds. */
    public static native long pollCostPicos(int n);

    /** One {@code jgil_cancelled()} poll in a released section. */
    public static native boolean cancelledNow();

    /** {@code JGIL_BEGIN_ALLOW_THREADS_IF(cond)}; returns whether it released. */
    public static native boolean releasedIf(boolean cond);

    /** {@code JGIL_BEGIN_ALLOW_THREADS_ADAPTIVE(expectedNanos)}; returns whether it released. */
    public static native boolean releasedAdaptive(long expectedNanos);

    /** Spins {@code nanos}; {@code mode} 0 holds the lock, 1 releases it, 2 adapts. */
    public static native void shortCall(int mode, long nanos);

    /** Sets errno, runs an empty block (kind 0 plain, 1 _IF, 2 _CANCELLABLE), returns errno. */
    public static native int errnoAcross(int value, int kind);

    /** Opens a released section inside a released section (a mistake). */
    public static native void nestedBegin();

    /** Calls {@code JGIL_REQUIRE_GIL()} inside a released section (a mistake in checked mode). */
    public static native void requireGilReleased();

    /** Calls {@code JGIL_CHECKPOINT()} inside a released section (a mistake in checked mode). */
    public static native void checkpointReleased();

    /** Calls {@code JGIL_CHECKPOINT()} holding the lock. */
    public static native void checkpointHeld();

    /** Throws an ArithmeticException from a JNI call inside a released section. */
    public static native void throwInsideSection();

    /**
     * Runs {@code action} on a new native thread that attaches itself to the JVM: with
     * {@code jgil_ensure()} if {@code useEnsure}, else with a bare {@code AttachCurrentThread}; it
     * checks {@code JGIL_REQUIRE_GIL()} before calling. What it throws is rethrown here.
     */
    public static native void callFromNativeThread(boolean useEnsure, Runnable action);

    /**
     * A released block in a file that plays an extension which never called {@code jgil_import}:
     * throws IllegalStateException saying so, and skips the body.
     *
     * @return {@code n} if the body ran, -1 if it was skipped
     */
    public static native int notImportedBlock(int n);

    /** {@code JGIL_CHECKPOINT()} in the same never-imported file. */
    public static native void notImportedCheckpoint();
}
