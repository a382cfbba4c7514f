package org.jgil.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jgil.kernels.Kernels;
import org.jgil.kernels.Mode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run one kernel from several threads and modes: throughput and speed-up.",
            "Each point is the median of independent trials, with its interval.",
            "Modes: held (lock kept across the call), released (JGIL_BEGIN/END_ALLOW_THREADS),",
            "auto (released only when the call is big enough), java (the same maths in Java, under the lock).",
            "--method measures your own static method instead, held and released."})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(names = "--kernel", paramLabel = "K", defaultValue = "spin",
            description = "Kernel to run (see 'jgil kernels'; default: ${DEFAULT-VALUE}).")
    String kernel;

    @Option(names = "--method", paramLabel = "CLASS#METHOD",
            description = "Your own static method instead of a kernel, e.g. com.acme.Foo#bar (held and released).")
    String method;

    @Option(names = "--args", paramLabel = "A,A,..",
            description = "Arguments for --method (primitives and strings, comma-separated).")
    String methodArgs;

    @Option(names = "--classpath", paramLabel = "PATH",
            description = "Where --method's class is: jars and folders, separated as in a Java class path.")
    String classpath;

    @Option(names = "--threads", paramLabel = "N,N,..", description = "Thread counts (default: 1 to 2x the cores).")
    String threads;

    @Option(names = "--mode", paramLabel = "M,M,..",
            description = "Modes (default: held,released,auto,java; with --method: held,released).")
    String modes;

    @Option(names = "--binding", paramLabel = "B", defaultValue = "jni",
            description = "How the native modes call the kernels: jni, or ffm (FFM downcalls of the same "
                    + "library; JDK 22+), or jni,ffm: both in one run, their trials interleaved, and the "
                    + "difference of their speed-ups. Default: ${DEFAULT-VALUE}.")
    String binding;

    @Option(names = "--work-us", paramLabel = "N", defaultValue = "0",
            description = "Work per call in microseconds, for kernels sized by time (spin, sleep); "
                    + "0: the kernel's default.")
    long workMicros;

    @Option(names = "--size", paramLabel = "N", defaultValue = "0",
            description = "Problem size (elements, matrix order, grid side...); 0: the kernel's default.")
    int size;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "5",
            description = "Independent trials per point (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--duration-s", paramLabel = "S", defaultValue = "0.5",
            description = "Measured seconds per trial (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = "--warmup-s", paramLabel = "S", defaultValue = "2",
            description = "Longest warm-up per trial; it ends as soon as the rate is steady "
                    + "(default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed for the kernels' inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
    Path json;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the results as CSV.")
    Path csv;

    @Option(names = "--chart", paramLabel = "FILE",
            description = "Write a speed-up chart (PNG), and the throughput chart beside it (FILE-throughput.png).")
    Path chart;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "Write a per-thread timeline of each point's last trial (Chrome trace JSON; open it in "
                    + "Perfetto or chrome://tracing), and print the GIL load.")
    Path trace;

    @Option(names = "--breakdown",
            description = "Also print where a contended call's time goes: waiting (the lock's count) and the rest, "
                    + "with the scheduler's events per call.")
    boolean breakdown;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        global.apply();
        List<Case> cases = testCases();
        Case c = cases.get(0);
        List<Mode> modeList = Grid.parseModes(modes != null ? modes
                : method != null ? "held,released" : "held,released,auto,java");
        if (method != null && modeList.stream().anyMatch(m -> m == Mode.AUTO || m == Mode.JAVA)) {
            throw new IllegalArgumentException("--method runs held and released only");
        }
        if (durationSeconds <= 0 || warmupSeconds < 0) {
            throw new IllegalArgumentException("--duration-s must be > 0 and --warmup-s >= 0");
        }
        List<Integer> threadList = Grid.parseThreads(threads == null ? Grid.defaultThreads() : threads);
        if (size < 0 || workMicros < 0) {
            throw new IllegalArgumentException("--size and --work-us must be >= 0");
        }
        Tracer tracer = trace == null ? null : new Tracer(Tracer.DEFAULT_CALLS_PER_THREAD);
        Grid.Plan plan = Grid.Plan.of(trials, durationSeconds, warmupSeconds, tracer);
        PrintWriter out = spec.commandLine().getOut();
        Results results = Grid.run(cases, modeList, threadList, plan, out);
        results.printTable(out);
        if (cases.size() == 2) {
            printBindingDifference(results, cases.get(0), cases.get(1), out);
        }
        if (breakdown) {
            results.printBreakdown(out);
        }
        if (tracer != null) {
            printLoad(tracer, out);
            tracer.write(trace);
            out.println("Wrote " + trace + " (open in https://ui.perfetto.dev or chrome://tracing; works offline)");
        }
        List<org.jgil.SiteStats> sites = org.jgil.Gil.siteStats();
        if (!sites.isEmpty()) {
            printSites(sites, out);
        }
        if (json != null) {
            Map<String, Object> doc = results.toJson();
            if (!sites.isEmpty()) {
                doc.put("native_sites", sites);
            }
            Json.write(json, doc);
            out.println("Wrote " + json);
        }
        if (csv != null) {
            results.writeCsv(csv);
            out.println("Wrote " + csv);
        }
        if (chart != null) {
            Charts.speedupChart(results, c, chart);
            Path throughput = sibling(chart, "-throughput");
            Charts.throughputChart(results, c, throughput);
            out.println("Wrote " + chart + " and " + throughput);
        }
        out.flush();
        return 0;
    }

    /** One case per binding; two (labelled with theirs) for {@code --binding jni,ffm}. */
    private List<Case> testCases() {
        List<String> bindings = java.util.Arrays.stream(binding.split(",")).map(String::trim)
                .map(b -> b.toLowerCase(Locale.ROOT)).distinct().toList();
        if (method == null) {
            if (methodArgs != null || classpath != null) {
                throw new IllegalArgumentException("--args and --classpath go with --method");
            }
            if (bindings.size() == 1) {
                return List.of(Case.of(Bindings.kernel(Kernels.byName(kernel), bindings.get(0)), size, workMicros,
                        seed));
            }
            if (bindings.size() > 2) {
                throw new IllegalArgumentException("--binding takes jni, ffm or jni,ffm; got " + binding);
            }
            List<Case> cases = new java.util.ArrayList<>();
            for (String b : bindings) {
                Case c = Case.of(Bindings.kernel(Kernels.byName(kernel), b), size, workMicros, seed);
                cases.add(new Case(c.kernel(), c.params(), c.label() + " " + b, c.cpuBound()));
            }
            return cases;
        }
        if (!bindings.equals(List.of("jni"))) {
            throw new IllegalArgumentException("--method measures a Java method, which has no --binding");
        }
        return List.of(MethodKernel.of(method, methodArgs, classpath).asCase());
    }

    /**
     * The two bindings' speed-ups side by side and their difference, point by point: measured in one
     * run, with the same trials, windows and warm-ups, each trial going round both bindings' points.
     */
    static void printBindingDifference(Results results, Case first, Case second, PrintWriter out) {
        String a = first.label().substring(first.label().lastIndexOf(' ') + 1);
        String b = second.label().substring(second.label().lastIndexOf(' ') + 1);
        TextTable t = new TextTable("mode", "threads", "speed-up " + a, "speed-up " + b, b + " - " + a);
        for (Point p : results.points()) {
            if (p.testCase() != first || p.threads() == 1) {
                continue;
            }
            for (Point q : results.points()) {
                if (q.testCase() == second && q.mode() == p.mode() && q.threads() == p.threads()) {
                    Stats.Estimate sa = results.speedup(p);
                    Stats.Estimate sb = results.speedup(q);
                    t.row(lower(p.mode()), p.threads(), sa.format(2, "x"), sb.format(2, "x"),
                            String.format(Locale.ROOT, "%+.3f", sb.median() - sa.median()));
                }
            }
        }
        out.println("Speed-up by binding, measured in this run with the same trials and warm-ups (medians; the "
                + "difference is of the medians):");
        t.print(out);
    }

    /** The GIL load of each traced point: where the threads' time went. */
    static void printLoad(Tracer tracer, PrintWriter out) {
        TextTable t = new TextTable("point (last trial)", "calls traced", "held", "released", "waiting");
        for (Tracer.Point p : tracer.points()) {
            Tracer.Load load = Tracer.load(p);
            int calls = 0;
            for (int i = 0; i < p.threads(); i++) {
                calls += p.buffer(i).calls();
            }
            t.row(p.label, calls, Tracer.percent(load.held()), Tracer.percent(load.released()),
                    Tracer.percent(load.waiting()));
        }
        out.println("GIL load: the share of each thread's time spent holding the lock, released, and waiting for it "
                + "at a checkpoint (a released call's wait to come back counts as released; 'waited' above is the "
                + "lock's own count of all waits).");
        t.print(out);
    }

    /**
     * Per native call site (with {@code -Djgil.stats=true}): how long its released sections ran and
     * how long it waited to take the lock back. A native method missing here never released the lock.
     */
    static void printSites(List<org.jgil.SiteStats> sites, PrintWriter out) {
        TextTable t = new TextTable("native call site", "calls (est.)", "released us/call", "waiting back us/call",
                "waiting share");
        for (org.jgil.SiteStats s : sites) {
            double total = s.meanReleasedNanos() + s.meanReacquireNanos();
            t.row(s.site(), s.estimatedCalls(), Results.format(s.meanReleasedNanos() / 1000, 2),
                    Results.format(s.meanReacquireNanos() / 1000, 2),
                    Tracer.percent(total <= 0 ? Double.NaN : s.meanReacquireNanos() / total));
        }
        out.println("Native call sites that released the lock during the run (sampled, -Djgil.stats=true); a native"
                + " method that is not listed held the lock throughout:");
        t.print(out);
    }

    static Path sibling(Path file, String suffix) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String sib = dot > 0 ? name.substring(0, dot) + suffix + name.substring(dot) : name + suffix;
        return file.resolveSibling(sib);
    }

    static String lower(Mode m) {
        return m.name().toLowerCase(Locale.ROOT);
    }
}
