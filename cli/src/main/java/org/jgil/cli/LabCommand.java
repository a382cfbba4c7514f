package org.jgil.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
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
        description = {"The classic GIL experiments: convoy, plus-equals, serial, inversion.",
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

    private static String us(double micros) {
        if (Double.isNaN(micros)) {
            return "-";
        }
        return micros >= 1000 ? String.format(Locale.ROOT, "%.2f ms", micros / 1000)
                : String.format(Locale.ROOT, "%.0f us", micros);
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

    private static Map<String, Object> percentiles(Samples.Percentiles p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50", Math.round(p.p50() * 10) / 10.0);
        m.put("p99", Math.round(p.p99() * 10) / 10.0);
        return m;
    }

    @Command(name = "convoy", mixinStandardHelpOptions = true,
            description = {"An I/O thread beside a CPU-bound thread: the convoy effect.",
                "I/O is a 100 us blocking wait and a loopback socket echo; latencies are whole operations."})
    static final class ConvoyCommand implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<String> policies = options.policies(Gil.policies());
            java.time.Duration phase = options.duration(1.0);
            out.printf(Locale.ROOT, "Convoy: %d policies x 2 I/O kinds, %.1f s phases (about %.0f s)...%n",
                    policies.size(), phase.toMillis() / 1000.0, policies.size() * 5 * phase.toMillis() / 1000.0);
            out.flush();
            List<Map<String, Object>> json = new ArrayList<>();
            List<Convoy.Result> results = new ArrayList<>();
            TextTable table = new TextTable("policy", "I/O", "alone p50", "alone p99", "beside CPU p50",
                    "beside CPU p99", "lock back p50", "lock back p99", "I/O ops/s", "CPU kept");
            try (Progress progress = new Progress("convoy", policies.size())) {
                for (String policy : policies) {
                    progress.running(policy);
                    Convoy.Result r = underPolicy(policy,
                            () -> Convoy.run(phase, List.of(Convoy.IoKind.SLEEP, Convoy.IoKind.SOCKET)));
                    results.add(r);
                    json.add(toJson(r));
                    for (Convoy.IoResult io : r.io()) {
                        table.row(policy, io.kind().name().toLowerCase(Locale.ROOT), us(io.ioAloneMicros().p50()),
                                us(io.ioAloneMicros().p99()), us(io.ioWithCpuMicros().p50()),
                                us(io.ioWithCpuMicros().p99()), us(io.reacquireWaitMicros().p50()),
                                us(io.reacquireWaitMicros().p99()), String.format(Locale.ROOT, "%.0f", io.ioOpsPerSecond()),
                                String.format(Locale.ROOT, "%.0f%%", 100 * io.cpuThroughputRatio()));
                    }
                    progress.done();
                }
            }
            table.print(out);
            out.println("'lock back' is the wait to re-take the lock after each I/O operation; 'CPU kept' is the CPU");
            out.println("thread's throughput beside the I/O thread relative to running alone.");
            if (options.json != null) {
                Json.write(options.json, json.size() == 1 ? json.get(0) : json);
                out.println("Wrote " + options.json);
            }
            if (options.chart != null) {
                LabCharts.convoy(results, options.chart);
                out.println("Wrote " + options.chart);
            }
            return 0;
        }

        /** The sleep case at the top level under the agreed names; each other kind nested under its name. */
        static Map<String, Object> toJson(Convoy.Result r) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("policy", r.policy());
            m.put("switch_interval_us", r.switchIntervalMicros());
            for (Convoy.IoResult io : r.io()) {
                Map<String, Object> target = m;
                if (io.kind() != Convoy.IoKind.SLEEP) {
                    target = new LinkedHashMap<>();
                    m.put(io.kind().name().toLowerCase(Locale.ROOT), target);
                }
                target.put("io_alone_us", percentiles(io.ioAloneMicros()));
                target.put("io_with_cpu_us", percentiles(io.ioWithCpuMicros()));
                target.put("reacquire_wait_us", percentiles(io.reacquireWaitMicros()));
                target.put("io_ops_per_s", Math.round(io.ioOpsPerSecond()));
                target.put("cpu_throughput_ratio", Math.round(io.cpuThroughputRatio() * 1000) / 1000.0);
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
            PlusEquals.Result r = underPolicy(policies.get(0), () -> PlusEquals.run(threads, iterations));
            new TextTable("variant", "final count", "lost", "lost %")
                    .row("(a) under the GIL, read+write in one step", r.expected() - r.lostAtomicStep(),
                            r.lostAtomicStep(), pct(r.lostAtomicStep(), r.expected()))
                    .row("(b) under the GIL, checkpoint between read and write",
                            r.expected() - r.lostCheckpointInside(), r.lostCheckpointInside(),
                            pct(r.lostCheckpointInside(), r.expected()))
                    .row("(c) no lock (policy none)", r.expected() - r.lostNoGil(), r.lostNoGil(),
                            pct(r.lostNoGil(), r.expected()))
                    .print(out);
            out.printf(Locale.ROOT, "Expected %,d (%d threads x %,d). The GIL makes (a) exact only because no switch can"
                    + " happen between the read and the write; once one can (b), updates are lost as with no lock at"
                    + " all (c). Guard read-modify-writes yourself: an atomic, or a lock of your own.%n",
                    r.expected(), r.threads(), r.iterations());
            if (options.json != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("policy", r.policy());
                m.put("threads", r.threads());
                m.put("iterations", r.iterations());
                m.put("expected", r.expected());
                Map<String, Object> lost = new LinkedHashMap<>();
                lost.put("gil_atomic_step", r.lostAtomicStep());
                lost.put("gil_checkpoint_inside", r.lostCheckpointInside());
                lost.put("no_gil", r.lostNoGil());
                m.put("lost", lost);
                Json.write(options.json, m);
                out.println("Wrote " + options.json);
            }
            return 0;
        }

        private static String pct(long part, long whole) {
            return String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
        }
    }

    @Command(name = "serial", mixinStandardHelpOptions = true,
            description = {"Managed sections never overlap (but under none); released native calls do."})
    static final class SerialCommand implements Callable<Integer> {
        @Mixin
        LabOptions options;

        @Option(names = "--threads", defaultValue = "4", description = "Threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<String> policies = options.policies(Gil.policies());
            java.time.Duration duration = options.duration(1.0);
            TextTable table = new TextTable("policy", "threads", "sections", "managed at once (max)",
                    "released native at once (max)");
            List<Map<String, Object>> json = new ArrayList<>();
            for (String policy : policies) {
                Serial.Result r = underPolicy(policy, () -> Serial.run(threads, duration));
                table.row(policy, r.threads(), r.sections(), r.maxManagedAtOnce(), r.maxNativeAtOnce());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("policy", policy);
                m.put("threads", r.threads());
                m.put("sections", r.sections());
                m.put("max_managed_at_once", r.maxManagedAtOnce());
                m.put("max_native_at_once", r.maxNativeAtOnce());
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
            for (String policy : policies) {
                Inversion.Result r = underPolicy(policy, () -> Inversion.run(duration));
                table.row(policy, r.wakeups(), r.wakeupsFoundTaken(),
                        String.format(Locale.ROOT, "%.1f%%", 100 * r.foundTakenRatio()),
                        String.format(Locale.ROOT, "%.0f", r.handoffsPerSecond()), r.forcedSwitches());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("policy", policy);
                m.put("wakeups", r.wakeups());
                m.put("wakeups_found_taken", r.wakeupsFoundTaken());
                m.put("found_taken_ratio", Math.round(r.foundTakenRatio() * 10000) / 10000.0);
                m.put("handoffs", r.handoffs());
                m.put("handoffs_per_s", Math.round(r.handoffsPerSecond()));
                m.put("forced_switches", r.forcedSwitches());
                json.add(m);
            }
            table.print(out);
            out.println("Two CPU-bound threads. A wake-up is a release that woke a waiter; 'found re-taken': the lock");
            out.println("was taken again before that waiter got in. Few handoffs per second mean one thread starves.");
            if (options.json != null) {
                Json.write(options.json, json);
                out.println("Wrote " + options.json);
            }
            return 0;
        }
    }
}
