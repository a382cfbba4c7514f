package org.jgil.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.jgil.Gil;
import picocli.CommandLine.Option;

/** Options every experiment takes. */
final class LabOptions {
    @Option(names = "--policy", paramLabel = "P[,P..]",
            description = "Policies to run under: cpython, legacy, fifo, io-priority, none, or all "
                    + "(default: the experiment's own list).")
    String policies;

    @Option(names = "--switch-interval", paramLabel = "T", defaultValue = "5ms",
            description = "Switch interval, e.g. 5ms or 500us (default: ${DEFAULT-VALUE}).")
    String switchInterval;

    @Option(names = "--duration-s", paramLabel = "S",
            description = "Seconds per measured phase (default: per experiment).")
    Double durationSeconds;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Option(names = "--chart", paramLabel = "FILE",
            description = "Also write a chart (PNG), where the experiment has one.")
    Path chart;

    /** As {@link #policies(List)}, with every policy as the default. */
    List<String> policiesOrAll() {
        GlobalOptions.startLock();
        return policies(Gil.policies());
    }

    /** Starts the lock, applies the switch interval and returns the policies to run, in order. */
    List<String> policies(List<String> defaults) {
        GlobalOptions.startLock();
        Gil.setSwitchInterval(switchInterval);
        if (policies == null) {
            return defaults;
        }
        if (policies.trim().equalsIgnoreCase("all")) {
            return Gil.policies();
        }
        List<String> list = Arrays.stream(policies.split(",")).map(String::trim).distinct().toList();
        for (String p : list) {
            if (!Gil.policies().contains(p)) {
                throw new IllegalArgumentException("unknown policy '" + p + "'; valid: "
                        + String.join(", ", Gil.policies()) + ", all");
            }
        }
        return list;
    }

    Duration duration(double defaultSeconds) {
        double s = durationSeconds == null ? defaultSeconds : durationSeconds;
        if (!(s > 0) || !Double.isFinite(s)) {
            throw new IllegalArgumentException("--duration-s must be a number of seconds > 0, got " + s);
        }
        return Duration.ofNanos(Math.round(s * 1e9));
    }
}
