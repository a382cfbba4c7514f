package org.jgil.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jgil.Gil;
import org.jgil.lab.Convoy;
import org.jgil.lab.Inversion;
import org.jgil.lab.PlusEquals;
import org.jgil.lab.Samples;
import org.jgil.lab.Serial;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The GIL laboratory: the classic experiments, each under the policies that make its point. */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = {"The GIL experiments: convoy, plus-equals, serial, inversion, one-big-lock.",
            "Each prints a table and can write JSON (--json) and, where it helps, a chart (--chart)."},
        subcommands = {LabCommand.ConvoyCommand.class, LabCommand.PlusEqualsCommand.class,
            LabCommand.SerialCommand.class, LabCommand.InversionCommand.class, OneBigLockCommand.class})
final class LabCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String us(double micros) {
        if (Double.isNaN(micros)) {
            return "-";
        }
        return micros >= 1000 ? String.format(Locale.ROOT, "%.2f ms", micros / 1000)
                : String.format(Locale.ROOT, "%.0f us", micros);
    }

    /** The trials each experiment takes; an option of the experiments, not of {@link LabOptions}. */
    static final class Trials {
        @Option(names = "--trials", paramLabel = "N", defaultValue = "3",
                description = "Independent trials of each measurement, reported as median [min-max] "
                        + "(default: ${DEFAULT-VALUE}).")
        int trials;

        int get() {
            if (trials < 1 || trials > 1000) {
                throw new IllegalArgumentException("--trials must be from 1 to 1000, got " + trials);
            }
            return trials;
        }
    }

    /** Runs one experiment under {@code policy}, then puts back whatever policy was in force. */
    private static <T> T underPolicy(String policy, Callable<T> experiment) throws Exception {
        String previous = Gil.policy();
        Gil.setPolicy(policy);
        try {
            return experiment.call();
        } finally {
            Gil.setPolicy(previous);
        }
    }

    /**
     * p50 and p99 over trials: the medians under the agreed names, the range of each beside them, the
     * distribution-free interval for the median with the confidence it reaches, and each trial's own
     * value in trial order. A single run's p99 moves a lot; its spread across trials is what a reader
     * needs to judge it.
     */
    static Map<String, Object> percentiles(List<Samples.Percentiles> trials) {
        double[] p50s = trials.stream().mapToDouble(Samples.Percentiles::p50).toArray();
        double[] p99s = trials.stream().mapToDouble(Samples.Percentiles::p99).toArray();
        Stats.Estimate p50 = Stats.of(p50s);
        Stats.Estimate p99 = Stats.of(p99s);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50", tenth(p50.median()));
        m.put("p99", tenth(p99.median()));
        m.put("p50_min", tenth(p50.min()));
        m.put("p50_max", tenth(p50.max()));
        m.put("p99_min", tenth(p99.min()));
        m.put("p99_max", tenth(p99.max()));
        m.put("p99_lo", tenth(p99.lo()));
        m.put("p99_hi", tenth(p99.hi()));
        m.put("p99_confidence", Math.round(p99.confidence() * 10_000) / 10_000.0);
        m.put("p50_trials", Arrays.stream(p50s).map(LabCommand::tenth).boxed().toList());
        m.put("p99_trials", Arrays.stream(p99s).map(LabCommand::tenth).boxed().toList());
        m.put("trials", trials.size());
        return m;
    }

    private static double tenth(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** {@code "428 us [380-553]"}: the median of the trials and their range. */
    private static String spread(List<Double> micros) {
        Stats.Estimate e = Stats.of(micros.stream().mapToDouble(Double::doubleValue).toArray());
        String m = us(e.median());
        return e.n() < 2 ? m : m + " [" + us(e.min()).replace(" us", "").replace(" ms", "") + "-" + us(e.max()) + "]";
    }

    /** {@code "428, 553, 491 us"}: each trial's value, in trial order, in one unit. */
    private static String trialList(List<Double> micros) {
        boolean ms = micros.stream().anyMatch(v -> v >= 1000);
        StringBuilder sb = new StringBuilder();
        for (double v : micros) {
            sb.append(sb.length() == 0 ? "" : ", ").append(ms ? String.format(Locale.ROOT, "%.2f", v / 1000)
                    : String.format(Locale.ROOT, "%.0f", v));
        }
        return sb + (ms ? " ms" : " us");
    }

    private static double median(List<Double> values) {
        return Stats.of(values.stream().mapToDouble(Double::doubleValue).toArray()).median();
    }

    @Command(name = "convoy", mixinStandardHelpOptions = true,
            description = {"An I/O thread beside a CPU-bound thread: the convoy effect.",
                "I/O is a 100 us blocking wait and a loopback socket echo; latencies are whole operations."})
    static final class ConvoyCommand implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Mixin
        Trials trialOption;

        @Option(names = "--trace", paramLabel = "FILE",
                description = "Record both threads' timelines: print where the slow re-takes (> 100 us) went and "
                        + "write each policy's last trial as Chrome trace JSON (Perfetto, chrome://tracing).")
        java.nio.file.Path trace;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<String> policies = options.policiesOrAll();
            java.time.Duration phase = options.duration(1.0);
            int trials = trialOption.get();
            out.printf(Locale.ROOT, "Convoy: %d policies x 2 I/O kinds x %d trials, %.1f s phases (about %.0f s)...%n",
                    policies.size(), trials, phase.toMillis() / 1000.0,
                    trials * policies.size() * 5 * phase.toMillis() / 1000.0);
            out.flush();
            Map<String, List<Convoy.Result>> byPolicy = new LinkedHashMap<>();
            policies.forEach(p -> byPolicy.put(p, new ArrayList<>()));
            try (Progress progress = new Progress("convoy", (long) policies.size() * trials)) {
                for (int trial = 0; trial < trials; trial++) { // round the policies, so that drift spreads over all
                    for (String policy : policies) {
                        progress.running(policy + " (trial " + (trial + 1) + ")");
                        byPolicy.get(policy).add(underPolicy(policy,
                                () -> Convoy.run(phase, List.of(Convoy.IoKind.SLEEP, Convoy.IoKind.SOCKET),
                                        trace != null)));
                        progress.done();
                    }
                }
            }
            TextTable table = new TextTable("policy", "I/O", "alone p50", "alone p99", "beside CPU p50",
                    "beside CPU p99", "lock back p50", "lock back p99", "I/O ops/s", "CPU kept");
            List<Map<String, Object>> json = new ArrayList<>();
            List<Convoy.Result> chart = new ArrayList<>();
            for (Map.Entry<String, List<Convoy.Result>> e : byPolicy.entrySet()) {
                List<Convoy.Result> runs = e.getValue();
                json.add(toJson(runs));
                chart.add(medianTrial(runs));
                for (int k = 0; k < runs.get(0).io().size(); k++) {
                    int kind = k;
                    List<Convoy.IoResult> io = runs.stream().map(r -> r.io().get(kind)).toList();
                    table.row(e.getKey(), io.get(0).kind().name().toLowerCase(Locale.ROOT),
                            spread(io.stream().map(i -> i.ioAloneMicros().p50()).toList()),
                            spread(io.stream().map(i -> i.ioAloneMicros().p99()).toList()),
                            spread(io.stream().map(i -> i.ioWithCpuMicros().p50()).toList()),
                            spread(io.stream().map(i -> i.ioWithCpuMicros().p99()).toList()),
                            spread(io.stream().map(i -> i.reacquireWaitMicros().p50()).toList()),
                            spread(io.stream().map(i -> i.reacquireWaitMicros().p99()).toList()),
                            String.format(Locale.ROOT, "%.0f", median(io.stream().map(Convoy.IoResult::ioOpsPerSecond)
                                    .toList())),
                            String.format(Locale.ROOT, "%.0f%%", 100 * median(io.stream()
                                    .map(Convoy.IoResult::cpuThroughputRatio).toList())));
                }
            }
            table.print(out);
            out.println("'lock back' is the wait to re-take the lock after each I/O operation; 'CPU kept' is the CPU");
            out.println("thread's throughput beside the I/O thread relative to running alone. Each cell: median of "
                    + trials + " trials [min-max].");
            if (trials > 1) {
                out.println();
                out.println("p99 per trial, in trial order:");
                TextTable perTrial = new TextTable("policy", "I/O", "beside CPU p99", "lock back p99");
                for (Map.Entry<String, List<Convoy.Result>> e : byPolicy.entrySet()) {
                    for (int k = 0; k < e.getValue().get(0).io().size(); k++) {
                        int kind = k;
                        List<Convoy.IoResult> io = e.getValue().stream().map(r -> r.io().get(kind)).toList();
                        perTrial.row(e.getKey(), io.get(0).kind().name().toLowerCase(Locale.ROOT),
                                trialList(io.stream().map(i -> i.ioWithCpuMicros().p99()).toList()),
                                trialList(io.stream().map(i -> i.reacquireWaitMicros().p99()).toList()));
                    }
                }
                perTrial.print(out);
            }
            if (trace != null) {
                out.println();
                out.println("Where the re-takes slower than 100 us went (all trials): the holder had not handed over "
                        + "yet (stalled: descheduled or at a safepoint while holding; late: the lock's own rule or "
                        + "path), or the waiter, handed the lock, was not running yet (parked or descheduled):");
                ConvoyTrace.tails(byPolicy).print(out);
                ConvoyTrace.write(trace, byPolicy);
                out.println("Wrote " + trace + " (open in https://ui.perfetto.dev or chrome://tracing; works offline)");
            }
            if (options.json != null) {
                Json.write(options.json, json.size() == 1 ? json.get(0) : json);
                out.println("Wrote " + options.json);
            }
            if (options.chart != null) {
                LabCharts.convoy(chart, options.chart);
                out.println("Wrote " + options.chart);
            }
            return 0;
        }

        /** The trial whose sleep-case p99 beside the CPU thread is the median one: what the chart shows. */
        static Convoy.Result medianTrial(List<Convoy.Result> runs) {
            List<Convoy.Result> sorted = new ArrayList<>(runs);
            sorted.sort(java.util.Comparator.comparingDouble(r -> r.io().get(0).ioWithCpuMicros().p99()));
            return sorted.get(sorted.size() / 2);
        }

        /** The sleep case at the top level under the agreed names; each other kind nested under its name. */
        static Map<String, Object> toJson(List<Convoy.Result> runs) {
            Convoy.Result first = runs.get(0);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("policy", first.policy());
            m.put("switch_interval_us", first.switchIntervalMicros());
            m.put("trials", runs.size());
            for (int k = 0; k < first.io().size(); k++) {
                int kind = k;
                List<Convoy.IoResult> io = runs.stream().map(r -> r.io().get(kind)).toList();
                Map<String, Object> target = m;
                if (io.get(0).kind() != Convoy.IoKind.SLEEP) {
                    target = new LinkedHashMap<>();
                    m.put(io.get(0).kind().name().toLowerCase(Locale.ROOT), target);
                }
                target.put("io_alone_us", percentiles(io.stream().map(Convoy.IoResult::ioAloneMicros).toList()));
                target.put("io_with_cpu_us", percentiles(io.stream().map(Convoy.IoResult::ioWithCpuMicros).toList()));
                target.put("reacquire_wait_us",
                        percentiles(io.stream().map(Convoy.IoResult::reacquireWaitMicros).toList()));
                target.put("io_ops_per_s",
                        Math.round(median(io.stream().map(Convoy.IoResult::ioOpsPerSecond).toList())));
                target.put("cpu_throughput_ratio", Math.round(median(io.stream()
                        .map(Convoy.IoResult::cpuThroughputRatio).toList()) * 1000) / 1000.0);
            }
            return m;
        }
    }

    @Command(name = "plus-equals", mixinStandardHelpOptions = true,
            description = {"Why counter += 1 is not atomic even under a GIL.",
                "(a) no checkpoint between read and write, (b) a checkpoint between them, (c) no lock at all."})
    static final class PlusEqualsCommand implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Mixin
        Trials trialOption;

        @Option(names = "--threads", defaultValue = "4", description = "Threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--iterations", defaultValue = "5000000",
                description = "Increments per thread (default: ${DEFAULT-VALUE}).")
        long iterations;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<String> policies = options.policies(List.of("cpython"));
            if (policies.size() != 1 || policies.get(0).equals("none")) {
                throw new IllegalArgumentException("plus-equals runs (a) and (b) under one locking policy and (c) "
                        + "under none by itself; give one --policy other than none");
            }
            List<PlusEquals.Result> runs = new ArrayList<>();
            for (int i = 0; i < trialOption.get(); i++) {
                runs.add(underPolicy(policies.get(0), () -> PlusEquals.run(threads, iterations)));
            }
            PlusEquals.Result r = runs.get(0);
            Stats.Estimate a = lost(runs, PlusEquals.Result::lostAtomicStep);
            Stats.Estimate b = lost(runs, PlusEquals.Result::lostCheckpointInside);
            Stats.Estimate c = lost(runs, PlusEquals.Result::lostNoGil);
            new TextTable("variant", "final count", "lost [min-max]", "lost %")
                    .row("(a) under the GIL, read+write in one step", count(r.expected(), a), range(a),
                            pct(a.median(), r.expected()))
                    .row("(b) under the GIL, checkpoint between read and write", count(r.expected(), b), range(b),
                            pct(b.median(), r.expected()))
                    .row("(c) no lock (policy none)", count(r.expected(), c), range(c), pct(c.median(), r.expected()))
                    .print(out);
            out.printf(Locale.ROOT, "Expected %,d (%d threads x %,d); medians of %d trials. The GIL makes (a) exact"
                    + " only because no switch can happen between the read and the write; once one can (b), updates"
                    + " are lost as with no lock at all (c). Guard read-modify-writes yourself: an atomic, or a lock"
                    + " of your own.%n", r.expected(), r.threads(), r.iterations(), runs.size());
            if (options.json != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("policy", r.policy());
                m.put("threads", r.threads());
                m.put("iterations", r.iterations());
                m.put("expected", r.expected());
                m.put("trials", runs.size());
                Map<String, Object> lost = new LinkedHashMap<>();
                lost.put("gil_atomic_step", Math.round(a.median()));
                lost.put("gil_checkpoint_inside", Math.round(b.median()));
                lost.put("no_gil", Math.round(c.median()));
                m.put("lost", lost);
                Map<String, Object> ranges = new LinkedHashMap<>();
                ranges.put("gil_atomic_step", List.of(Math.round(a.min()), Math.round(a.max())));
                ranges.put("gil_checkpoint_inside", List.of(Math.round(b.min()), Math.round(b.max())));
                ranges.put("no_gil", List.of(Math.round(c.min()), Math.round(c.max())));
                m.put("lost_min_max", ranges);
                Json.write(options.json, m);
                out.println("Wrote " + options.json);
            }
            return 0;
        }

        private static Stats.Estimate lost(List<PlusEquals.Result> runs,
                                           java.util.function.ToLongFunction<PlusEquals.Result> variant) {
            return Stats.of(runs.stream().mapToDouble(variant::applyAsLong).toArray());
        }

        private static String count(long expected, Stats.Estimate lost) {
            return String.format(Locale.ROOT, "%,d", expected - Math.round(lost.median()));
        }

        private static String range(Stats.Estimate e) {
            String m = String.format(Locale.ROOT, "%,d", Math.round(e.median()));
            return e.n() < 2 ? m
                    : String.format(Locale.ROOT, "%s [%,d-%,d]", m, Math.round(e.min()), Math.round(e.max()));
        }

        private static String pct(double part, long whole) {
            return String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
        }
    }

    @Command(name = "serial", mixinStandardHelpOptions = true,
            description = {"Managed sections never overlap (but under none); released native calls do."})
    static final class SerialCommand implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Mixin
        Trials trialOption;

        @Option(names = "--threads", defaultValue = "4", description = "Threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<String> policies = options.policiesOrAll();
            java.time.Duration duration = options.duration(1.0);
            TextTable table = new TextTable("policy", "threads", "sections", "managed at once (max)",
                    "released native at once (max)");
            List<Map<String, Object>> json = new ArrayList<>();
            for (String policy : policies) {
                long sections = 0;
                int maxManaged = 0;
                int maxNative = 0;
                // A proof: every trial adds sections, and the worst case counts.
                for (int i = 0; i < trialOption.get(); i++) {
                    Serial.Result r = underPolicy(policy, () -> Serial.run(threads, duration));
                    sections += r.sections();
                    maxManaged = Math.max(maxManaged, r.maxManagedAtOnce());
                    maxNative = Math.max(maxNative, r.maxNativeAtOnce());
                }
                table.row(policy, threads, sections, maxManaged, maxNative);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("policy", policy);
                m.put("threads", threads);
                m.put("trials", trialOption.get());
                m.put("sections", sections);
                m.put("max_managed_at_once", maxManaged);
                m.put("max_native_at_once", maxNative);
                json.add(m);
            }
            table.print(out);
            if (options.json != null) {
                Json.write(options.json, json);
                out.println("Wrote " + options.json);
            }
            return 0;
        }
    }

    @Command(name = "inversion", mixinStandardHelpOptions = true,
            description = {"The old GIL's priority inversion: does the woken waiter find the lock re-taken?"})
    static final class InversionCommand implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Mixin
        Trials trialOption;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<String> policies = options.policies(List.of("legacy", "cpython", "fifo", "io-priority"));
            java.time.Duration duration = options.duration(1.0);
            TextTable table = new TextTable("policy", "wake-ups", "found re-taken", "ratio", "handoffs/s",
                    "forced switches");
            List<Map<String, Object>> json = new ArrayList<>();
            Map<String, List<Inversion.Result>> byPolicy = new LinkedHashMap<>();
            policies.forEach(p -> byPolicy.put(p, new ArrayList<>()));
            for (int i = 0; i < trialOption.get(); i++) {
                for (String policy : policies) {
                    byPolicy.get(policy).add(underPolicy(policy, () -> Inversion.run(duration)));
                }
            }
            for (Map.Entry<String, List<Inversion.Result>> e : byPolicy.entrySet()) {
                List<Inversion.Result> runs = e.getValue();
                Stats.Estimate ratio = Stats.of(runs.stream().mapToDouble(r -> 100 * r.foundTakenRatio()).toArray());
                Stats.Estimate handoffs = Stats.of(runs.stream().mapToDouble(Inversion.Result::handoffsPerSecond)
                        .toArray());
                table.row(e.getKey(), runs.stream().mapToLong(Inversion.Result::wakeups).sum(),
                        runs.stream().mapToLong(Inversion.Result::wakeupsFoundTaken).sum(),
                        String.format(Locale.ROOT, "%.1f%% [%.1f-%.1f]", ratio.median(), ratio.min(), ratio.max()),
                        String.format(Locale.ROOT, "%.0f [%.0f-%.0f]", handoffs.median(), handoffs.min(),
                                handoffs.max()),
                        runs.stream().mapToLong(Inversion.Result::forcedSwitches).sum());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("policy", e.getKey());
                m.put("trials", runs.size());
                m.put("wakeups", runs.stream().mapToLong(Inversion.Result::wakeups).sum());
                m.put("wakeups_found_taken", runs.stream().mapToLong(Inversion.Result::wakeupsFoundTaken).sum());
                m.put("found_taken_ratio", Math.round(ratio.median() * 100) / 10000.0);
                m.put("found_taken_ratio_min_max", List.of(Math.round(ratio.min() * 100) / 10000.0,
                        Math.round(ratio.max() * 100) / 10000.0));
                m.put("handoffs", runs.stream().mapToLong(Inversion.Result::handoffs).sum());
                m.put("handoffs_per_s", Math.round(handoffs.median()));
                m.put("handoffs_per_s_min_max", List.of(Math.round(handoffs.min()), Math.round(handoffs.max())));
                m.put("forced_switches", runs.stream().mapToLong(Inversion.Result::forcedSwitches).sum());
                json.add(m);
            }
            table.print(out);
            out.println("Two CPU-bound threads. A wake-up is a release that woke a waiter; 'found re-taken': the lock");
            out.println("was taken again before that waiter got in. Few handoffs per second mean one thread starves.");
            out.println("Counts are summed over " + trialOption.get()
                    + " trials; ratio and handoffs/s: median [min-max].");
            if (options.json != null) {
                Json.write(options.json, json);
                out.println("Wrote " + options.json);
            }
            return 0;
        }
    }
}
