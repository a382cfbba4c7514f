package org.jgil.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jgil.kernels.Mode;

/**
 * Runs every case x mode x thread count, each in several independent trials, into one {@link Results}.
 * Trials go round the whole grid rather than repeating a point back to back, so that a slow drift of
 * the machine (another process, the CPU's clock) spreads over every point instead of biasing one.
 */
final class Grid {
    private Grid() {}

    /**
     * How each point is measured.
     *
     * @param trials independent trials per point (fresh threads, own warm-up)
     * @param duration the measured window of one trial
     * @param warmup how a trial's warm-up ends
     * @param tracer records the last trial of every point, or null
     */
    record Plan(int trials, Duration duration, PointRunner.Warmup warmup, Tracer tracer) {
        Plan {
            if (trials < 1 || trials > 1000) {
                throw new IllegalArgumentException("--trials must be from 1 to 1000, got " + trials);
            }
            if (duration.isZero() || duration.isNegative()) {
                throw new IllegalArgumentException("--duration-s must be > 0");
            }
        }

        /** From the options' seconds, as every command takes them. */
        static Plan of(int trials, double durationSeconds, double warmupSeconds, Tracer tracer) {
            if (!(durationSeconds > 0) || !(warmupSeconds >= 0)) {
                throw new IllegalArgumentException("--duration-s must be > 0 and --warmup-s >= 0");
            }
            return new Plan(trials, seconds(durationSeconds), PointRunner.Warmup.upTo(seconds(warmupSeconds)), tracer);
        }

        /** A rough length for one trial: its window and a short warm-up. */
        double secondsPerTrial() {
            double window = warmup.window().toNanos() / 1e9;
            double warm = Math.min(warmup.max().toNanos() / 1e9, window * (warmup.windows() + 1));
            return duration.toNanos() / 1e9 + warm;
        }
    }

    static Results run(List<Case> cases, List<Mode> modes, List<Integer> threads, Plan plan, PrintWriter log)
            throws InterruptedException {
        List<Case> pc = new ArrayList<>();
        List<Mode> pm = new ArrayList<>();
        List<Integer> pt = new ArrayList<>();
        for (Case c : cases) {
            for (Mode mode : modes) {
                for (int t : threads) {
                    pc.add(c);
                    pm.add(mode);
                    pt.add(t);
                }
            }
        }
        int points = pc.size();
        long steps = (long) points * plan.trials();
        log.printf(Locale.ROOT,
                "Running %d points (%d cases x %d modes x %d thread counts) x %d trials, about %.0f s...%n",
                points, cases.size(), modes.size(), threads.size(), plan.trials(), steps * plan.secondsPerTrial());
        log.flush();
        List<List<Trial>> trials = new ArrayList<>();
        for (int i = 0; i < points; i++) {
            trials.add(new ArrayList<>());
        }
        try (Progress progress = new Progress("jgil", steps)) {
            for (int trial = 0; trial < plan.trials(); trial++) {
                boolean last = trial == plan.trials() - 1;
                for (int i = 0; i < points; i++) {
                    String what = pc.get(i).label() + " " + BenchCommand.lower(pm.get(i)) + " x" + pt.get(i);
                    progress.running(what + " (trial " + (trial + 1) + ")");
                    Tracer.Point trace = last && plan.tracer() != null ? plan.tracer().point(what, pm.get(i)) : null;
                    trials.get(i).add(PointRunner.run(pc.get(i), pm.get(i), pt.get(i), plan.warmup(), plan.duration(),
                            trace));
                    if (trace != null) {
                        trace.finish();
                    }
                    progress.done();
                }
            }
        }
        Results results = new Results();
        for (int i = 0; i < points; i++) {
            results.add(new Point(pc.get(i), pm.get(i), pt.get(i), trials.get(i)));
        }
        return results;
    }

    static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
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
            throw new IllegalArgumentException(
                    "--threads takes a comma-separated list such as 1,2,4, got '" + spec + "'");
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
