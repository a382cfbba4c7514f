package org.jgil;

/**
 * Released blocks of every kind, as an extension writes them ({@code native/test/jni/block_probe.c}):
 * thresholded and adaptive release, errno, blocks left early, the reservation's re-take window held
 * open, and the mistakes checked mode reports. Every method needs the lock unless it says otherwise.
 */
final class BlockProbe {
    static {
        TestLibrary.ensureLoaded();
    }

    private BlockProbe() {}

    /** {@code JGIL_BEGIN_ALLOW_THREADS_IF(cond)}; returns whether it released. */
    static native boolean releasedIf(boolean cond);

    /** {@code JGIL_BEGIN_ALLOW_THREADS_ADAPTIVE(expectedNanos)}; returns whether it released. */
    static native boolean releasedAdaptive(long expectedNanos);

    /** Sets errno, runs an empty block (kind 0 plain, 1 _IF, 2 _CANCELLABLE), returns errno. */
    static native int errnoAcross(int value, int kind);

    /** Opens a released section inside a released section (a mistake). */
    static native void nestedBegin();

    /** Calls {@code JGIL_REQUIRE_GIL()} inside a released section (a mistake in checked mode). */
    static native void requireGilReleased();

    /** Calls {@code JGIL_CHECKPOINT()} inside a released section (a mistake in checked mode). */
    static native void checkpointReleased();

    /** Calls {@code JGIL_CHECKPOINT()} holding the lock. */
    static native void checkpointHeld();

    /** Throws an ArithmeticException from a JNI call inside a released section. */
    static native void throwInsideSection();

    /**
     * Opens a released block and leaves it early: {@code how} 0 returns from inside it (the block's
     * cleanup re-takes the lock), 1 longjmps out of it (no cleanup runs: the thread goes on without
     * the lock, which checked mode reports at its next lock operation).
     *
     * @return {@code how}
     */
    static native int leaveBlockEarly(int how);

    /**
     * A released section that reserves the lock, spins {@code sectionNanos}, then re-takes it with
     * a stall of {@code stallNanos} between reading the lock word and storing its id: the race
     * window of the reservation, held open. Returns 1 if the re-take went the fast way.
     */
    static native int releasedWithStalledRetake(long sectionNanos, long stallNanos);
}
