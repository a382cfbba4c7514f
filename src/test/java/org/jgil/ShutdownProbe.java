package org.jgil;

/**
 * A test hook for JVM shutdown (native/test/jni/shutdown_probe.c): a thread born in native
 * code, detached and never joined, that calls {@code jgil_ensure()}/{@code jgil_ensure_end()} in a
 * loop for the life of the process, as a native library's callback thread would. Once the JVM
 * begins to shut down its ensure must fail ({@code JGIL_ENSURE_FAILED}) instead of attaching to a
 * dying VM or hanging.
 */
final class ShutdownProbe {
    static {
        TestLibrary.ensureLoaded();
    }

    private ShutdownProbe() {}

    /** Starts the looping native thread; each call starts one more. */
    static native void startEnsureLoop();

    /** Ensures that succeeded so far, all loops together. */
    static native long ensureSuccesses();

    /** Ensures that failed so far, all loops together. */
    static native long ensureFailures();
}
