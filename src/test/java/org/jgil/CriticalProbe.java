package org.jgil;

/**
 * Native state guarded by {@code jgil_critical.h} ({@code native/test/jni/critical_probe.c}), for the
 * tests: two counters in native memory, each with its {@code jgil_mutex}, updated by deliberately
 * slow read-modify-writes. Call every method holding the lock (under {@code none}, any time).
 */
final class CriticalProbe {
    static {
        TestLibrary.ensureLoaded();
    }

    private CriticalProbe() {}

    /**
     * Adds 1 to counter 0, {@code times} times, each time inside {@code JGIL_BEGIN_CRITICAL_SECTION}
     * if {@code guarded}, else bare. The lock stays held throughout.
     */
    static native void increment(long times, boolean guarded);

    /**
     * Moves 1 from one counter to the other {@code times} times, each inside
     * {@code JGIL_BEGIN_CRITICAL_SECTION2} naming the pair in the order given: 0 then 1 if
     * {@code forward}, else 1 then 0.
     */
    static native void transfer(long times, boolean forward);

    /**
     * Counter 0 or 1.
     *
     * @throws IllegalArgumentException for any other index
     */
    static native long counter(int which);

    /** Sets both counters to 0. */
    static native void reset();
}
