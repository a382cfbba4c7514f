package org.jgil.ext;

/** What a generated native method does with jgil's lock around the C call ({@link Calls#lock()}). */
public enum Lock {
    /** Keeps the lock: for calls of a microsecond or less, where a release costs more than it frees. */
    HELD,
    /** Gives the lock up around the call ({@code JGIL_BEGIN_ALLOW_THREADS}): other threads run meanwhile. */
    RELEASED,
    /**
     * Releases only when it pays: when the expected cost ({@link Calls#cost()}, in nanoseconds) is at
     * least {@code JGIL_ADAPTIVE_LONG_NS}, or another thread waits for the lock right now
     * ({@code JGIL_BEGIN_ALLOW_THREADS_ADAPTIVE}).
     */
    AUTO
}
