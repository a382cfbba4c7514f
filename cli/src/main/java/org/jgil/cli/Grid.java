package org.jgil.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jgil.kernels.Mode;

/** Runs every case x mode x thread count, with progress, into one {@link Results}. */
final class Grid {
    private Grid() {}

    static Results run(List<Case> cases, List<Mode> modes, List<Integer> threads, Duration warmup,
                       Duration duration, PrintWriter log) throws InterruptedException {
        Results results = new Results();
        long steps = (long) cases.size() * modes.size() * threads.size();
        double seconds = steps * (warmup.toMillis() + duration.toMillis()) / 1000.0;
        log.printf(Locale.ROOT, "Running %d points (%d cases x %d modes x %d thread counts), about %.0f s...%n",
                steps, cases.size(), modes.size(), threads.size(), seconds);
        log.flush();
        try (Progress progress = new Progress("jgil", steps)) {
            for (Case c : cases) {
                for (Mode mode : modes) {
                    for (int t : threads) {
                        progress.running(c.label() + " " + mode.name().toLowerCase(Locale.ROOT) + " x" + t);
                        results.add(PointRunner.run(c, mode, t, warmup, duration));
                        progress.done();
                    }
                }
            }
        }
        return results;
    }

    static List<Integer> parseThreads(String spec) {
        try {
            List<Integer> list = java.util.Arrays.stream(spec.split(",")).map(String::trim)
                    .map(Integer::valueOf).distinct().sorted().toList();
            if (list.isEmpty() || list.get(0) < 1 || list.get(list.size() - 1) > 256) {
                throw new IllegalArgumentException("--threads must list counts from 1 to 256, got '" + spec + "'");
            }
            return list;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--threads takes a comma-separated list such as 1,2,4, got '" + spec + "'");
        }
    }

    static List<Mode> parseModes(String spec) {
        return java.util.Arrays.stream(spec.split(",")).map(String::trim).map(Mode::parse).distinct().toList();
    }

    /** 1 .. 2x the cores, the default sweep. */
    static String defaultThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        StringBuilder b = new StringBuilder();
        for (int t = 1; t <= 2 * cores; t++) {
            b.append(t == 1 ? "" : ",").append(t);
        }
        return b.toString();
    }
}
