package org.jgil.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jgil.kernels.Mode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the measuring loop itself costs: a no-op native kernel (spin of zero work: two empty JNI
 * calls) run by the full harness and by a bare loop with no bookkeeping, alternately, in the same
 * run; the difference per call is the harness's cost, shown against a 1 us call.
 */
@Command(name = "harness", mixinStandardHelpOptions = true,
        description = {"The measuring loop's own cost per call, against a bare loop.",
            "A no-op kernel under the full harness (overlap proof, call counting, native sampling)",
            "and under a bare loop, in one run."})
final class HarnessCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(names = "--threads", paramLabel = "N,N,..", defaultValue = "1,2",
            description = "Thread counts (default: ${DEFAULT-VALUE}).")
    String threads;

    @Option(names = "--mode", paramLabel = "M,M,..", defaultValue = "held,released",
            description = "Modes (default: ${DEFAULT-VALUE}).")
    String modes;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "5",
            description = "Trials of each loop, alternating (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--duration-s", paramLabel = "S", defaultValue = "0.5",
            description = "Measured seconds per trial (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = "--warmup-s", paramLabel = "S", defaultValue = "0.3",
            description = "Warm-up per trial (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        global.apply();
        PrintWriter out = spec.commandLine().getOut();
        Grid.Plan plan = Grid.Plan.of(trials, durationSeconds, warmupSeconds, null);
        Case zero = new Case(new ZeroSpin(), org.jgil.kernels.Workload.Params.defaults(), "no-op", true);
        TextTable table = new TextTable("mode", "threads", "bare ns/call", "harness ns/call", "harness cost ns/call",
                "of a 1 us call");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Mode mode : Grid.parseModes(modes)) {
            for (int t : Grid.parseThreads(threads)) {
                double[] bare = new double[plan.trials()];
                double[] full = new double[plan.trials()];
                for (int i = 0; i < plan.trials(); i++) {
                    bare[i] = nanosPerCall(PointRunner.bare(zero, mode, t, plan.warmup(), plan.duration()), t);
                    full[i] = nanosPerCall(PointRunner.run(zero, mode, t, plan.warmup(), plan.duration(), null), t);
                }
                Stats.Estimate b = Stats.of(bare);
                Stats.Estimate h = Stats.of(full);
                Stats.Estimate cost = Stats.difference(full, bare);
                table.row(BenchCommand.lower(mode), t, b.format(1, ""), h.format(1, ""), cost.format(1, ""),
                        String.format(Locale.ROOT, "%.1f%%", cost.median() / 10));
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("mode", BenchCommand.lower(mode));
                r.put("threads", t);
                r.put("bare_ns_per_call", Results.round(b.median(), 2));
                r.put("harness_ns_per_call", Results.round(h.median(), 2));
                r.put("harness_cost_ns", Results.round(cost.median(), 2));
                r.put("harness_cost_ns_lo", Results.round(cost.lo(), 2));
                r.put("harness_cost_ns_hi", Results.round(cost.hi(), 2));
                rows.add(r);
            }
        }
        table.print(out);
        out.println("ns/call: each thread's time per call (threads x window / calls), median [interval] of the trials;"
                + " the cost is the difference with a 95% bootstrap interval. Under the harness a call pays a fenced"
                + " store and a load for the overlap proof and three plain stores to its own slot; no atomic"
                + " read-modify-write, no line shared with another thread except the one that moves with the lock.");
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("machine", MachineInfo.describe());
            doc.put("kernel", "spin of zero iterations (two JNI calls)");
            doc.put("results", rows);
            Json.write(json, doc);
            out.println("Wrote " + json);
        }
        return 0;
    }

    private static double nanosPerCall(Trial trial, int threads) {
        return trial.calls() == 0 ? Double.NaN : trial.wallSeconds() * threads / trial.calls() * 1e9;
    }

    /** The spin kernel with zero work: the cheapest native call jgil's kernels make, in every mode. */
    static final class ZeroSpin implements org.jgil.kernels.Kernel {
        @Override
        public String name() {
            return "no-op";
        }

        @Override
        public String description() {
            return "spin of zero iterations";
        }

        @Override
        public org.jgil.kernels.Workload prepare(org.jgil.kernels.Workload.Params params) {
            return new org.jgil.kernels.Workload() {
                private long seed = 1;

                @Override
                public double run(Mode mode) {
                    return org.jgil.kernels.Synthetic.spin(0, seed++, mode);
                }

                @Override
                public double flopsPerCall() {
                    return 0;
                }

                @Override
                public long bytesPerCall() {
                    return 0;
                }
            };
        }
    }
}
