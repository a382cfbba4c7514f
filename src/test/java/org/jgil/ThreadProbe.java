package org.jgil;

/**
 * Threads born in native code that call managed code ({@code native/test/jni/thread_probe.c}).
 * The calling thread holds the lock and gives it up while it waits for the native thread.
 */
final class ThreadProbe {
    static {
        TestLibrary.ensureLoaded();
    }

    private ThreadProbe() {}

    /** {@link #runOnNativeThread}: the native thread held the lock before calling {@code jgil_ensure}. */
    static final int HELD_BEFORE_ENSURE = 1;
    /** The native thread held the lock inside its {@code jgil_ensure}/{@code jgil_ensure_end} pair. */
    static final int HELD_INSIDE = 2;
    /** A nested {@code jgil_ensure} took the lock again (it must not). */
    static final int INNER_ACQUIRED = 4;
    /** The native thread still held the lock after the nested {@code jgil_ensure_end}. */
    static final int HELD_AFTER_INNER = 8;
    /** {@code jgil_ensure} failed. */
    static final int ENSURE_FAILED = 16;

    /**
     * Starts a thread in native code (pthread) that takes the lock with {@code jgil_ensure()},
     * nests a second ensure, runs {@code action}, and releases both. Whatever {@code action} throws
     * is rethrown here.
     *
     * @return the {@code HELD_*}/{@code INNER_ACQUIRED}/{@code ENSURE_FAILED} bits the native
     *     thread observed through {@code jgil_check()}
     */
    static native int runOnNativeThread(Runnable action);

    /**
     * Runs {@code action} on a new native thread that attaches itself to the JVM: with
     * {@code jgil_ensure()} if {@code useEnsure}, else with a bare {@code AttachCurrentThread}; it
     * checks {@code JGIL_REQUIRE_GIL()} before calling. What it throws is rethrown here.
     */
    static native void callFromNativeThread(boolean useEnsure, Runnable action);
}
