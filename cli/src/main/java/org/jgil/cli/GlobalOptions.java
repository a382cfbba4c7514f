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

    @Option(names = "--checked", description = "Checked mode: lock misuse in native code becomes a Java exception.")
    boolean checked;

    void apply() {
        System.setProperty("jgil.policy", policy);
        System.setProperty("jgil.switchInterval", switchInterval);
        if (checked) {
            System.setProperty("jgil.checked", "true");
        }
    }
}
