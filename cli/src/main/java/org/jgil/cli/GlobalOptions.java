package org.jgil.cli;

import picocli.CommandLine.Option;

/**
 * Options every command takes. They become the {@code jgil.*} system properties, which the lock
 * reads once when it starts, so they are applied before anything touches {@code org.jgil.Gil}.
 */
final class GlobalOptions {
    @Option(names = "--policy", paramLabel = "P",
            description = "Scheduling policy of the lock (default: ${DEFAULT-VALUE}).", defaultValue = "cpython")
    String policy;

    @Option(names = "--switch-interval", paramLabel = "T",
            description = "How long a waiter waits before asking the holder to drop the lock, e.g. 5ms, 200us "
                    + "(default: ${DEFAULT-VALUE}).", defaultValue = "5ms")
    String switchInterval;

    @Option(names = "--spin", paramLabel = "S",
            description = "Whether a waiter spins before it parks: adaptive or off (default: adaptive).")
    String spin;

    @Option(names = "--checked", description = "Checked mode: lock misuse in native code becomes a Java exception.")
    boolean checked;

    /**
     * Sets the properties, each checked first as the lock will read it, so that a wrong value is a
     * one-line error here rather than a failure to start the lock later.
     */
    void apply() {
        check("--policy", "jgil.policy", policy);
        check("--switch-interval", "jgil.switchInterval", switchInterval);
        System.setProperty("jgil.policy", policy);
        System.setProperty("jgil.switchInterval", switchInterval);
        if (spin != null) {
            check("--spin", "jgil.spin", spin);
            System.setProperty("jgil.spin", spin);
        }
        if (checked) {
            System.setProperty("jgil.checked", "true");
        }
        startLock();
    }

    /**
     * Starts the lock in this JVM now, on the command's own thread: a library that cannot load is
     * then one error that says what to do, not a stack trace on a worker thread while the others
     * wait for it forever.
     */
    static void startLock() {
        try {
            org.jgil.Gil.isChecked();
        } catch (LinkageError e) {
            Throwable cause = e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
            String given = System.getProperty("jgil.library");
            throw new LockCannotStart("the lock cannot start: " + cause.getMessage() + ". "
                    + (given != null && !given.isBlank()
                            ? "-Djgil.library=" + given + " must name libjgil itself (after 'mvn install': "
                                    + "target/nar/jgil-*-jni/lib/*/jni/libjgil-*.so); without it the jar's own "
                                    + "library is used"
                            : "Run ./jgil from the project, which builds libjgil, or pass -Djgil.library=<path to "
                                    + "libjgil-*.so>"), e);
        }
    }

    /** libjgil did not load or the lock did not start: a one-line error, exit status 1. */
    static final class LockCannotStart extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        LockCannotStart(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static void check(String option, String property, String value) {
        try {
            org.jgil.Settings.check(property, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("-D" + property + "=" + value,
                    option + " " + value), e);
        }
    }
}
