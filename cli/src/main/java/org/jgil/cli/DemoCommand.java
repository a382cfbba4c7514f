package org.jgil.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jgil.Gil;
import org.jgil.kernels.Kernels;
import org.jgil.kernels.Mode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The main job: a few kernels, from one thread to twice the cores, held vs released vs auto vs
 * Java, with a live check that managed code never overlapped; a table on screen and a report
 * folder (JSON, CSV, charts, index.html).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The main job: held vs released vs auto vs Java, with a report folder.",
            "Runs a few kernels from 1 to 2x the cores threads, prints a table, and writes",
            "JSON, CSV, speed-up charts and an index.html (default folder jgil-report/)."})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "jgil-report",
            description = "Report folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "3",
            description = "Independent trials per point (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--duration-s", paramLabel = "S", defaultValue = "0.15",
            description = "Measured seconds per trial (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = "--warmup-s", paramLabel = "S", defaultValue = "0.3",
            description = "Longest warm-up per trial; it ends as soon as the rate is steady "
                    + "(default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--threads", paramLabel = "N,N,..", description = "Thread counts (default: 1 to 2x the cores).")
    String threads;

    @Option(names = "--quick", description = "A short run (2 trials of 0.05 s per point) to see that everything works.")
    boolean quick;

    @Option(names = "--cpython", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also run spin 50 us held/released, += and the convoy under CPython's GIL for the report's"
                    + " side-by-side column, where python3 exists (default: on; --no-cpython to skip; off with"
                    + " --quick).")
    boolean cpython;

    @Spec
    CommandSpec spec;

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(Case.of(Kernels.byName("spin"), 0, 1000, 42));
        cases.add(Case.of(Kernels.byName("spin"), 0, 50, 42));
        cases.add(Case.of(Kernels.byName("gemm"), 256, 0, 42));
        cases.add(Case.of(Kernels.byName("mandelbrot"), 0, 0, 42));
        cases.add(Case.of(Kernels.byName("dot"), 1000, 0, 42));
        cases.add(Case.of(Kernels.byName("sleep"), 0, 200, 42));
        return cases;
    }

    @Override
    public Integer call() throws Exception {
        global.apply();
        PrintWriter log = spec.commandLine().getOut();
        double duration = quick ? 0.05 : durationSeconds;
        double warmup = quick ? 0.05 : warmupSeconds;
        List<Case> cases = cases();
        List<Integer> threadList = Grid.parseThreads(threads == null ? Grid.defaultThreads() : threads);
        Results results = Grid.run(cases, List.of(Mode.values()), threadList,
                Grid.Plan.of(quick ? 2 : trials, duration, warmup, null), log);

        results.printTable(log);
        log.println();
        List<String> summary = summary(results, threadList);
        summary.forEach(log::println);

        results.writeJson(out.resolve("results.json"));
        results.writeCsv(out.resolve("results.csv"));
        Map<Case, String> charts = new LinkedHashMap<>();
        for (Case c : cases) {
            String stem = c.label().replaceAll("[^A-Za-z0-9]+", "-");
            Charts.speedupChart(results, c, out.resolve("speedup-" + stem + ".png"));
            Charts.throughputChart(results, c, out.resolve("throughput-" + stem + ".png"));
            charts.put(c, stem);
        }
        // The timeline is recorded in a run of its own: time-stamping every call would disturb the figures.
        Tracer timeline = Timeline.record(Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())),
                quick ? 0.02 : 0.1);
        timeline.write(out.resolve("trace.json"));
        List<String> side = null;
        boolean wroteCpython = false;
        if (cpython && !quick) {
            int n = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
            CPythonCommand.Comparison c = CPythonCommand.run(new CPythonCommand.Settings("python3", List.of(50), n,
                    trials, duration, warmup, 4, 500_000, 0.5), log);
            side = c.lines();
            log.println();
            side.forEach(log::println);
            if (!c.skipped()) {
                Json.write(out.resolve("cpython.json"), c.json());
                wroteCpython = true;
            }
        }
        HtmlReport.write(out.resolve("index.html"), results, charts, summary, timeline, side);
        log.println();
        log.println("Report: " + out.resolve("index.html").toAbsolutePath()
                + " (also results.json, results.csv, speedup-*.png, throughput-*.png, trace.json"
                + (wroteCpython ? ", cpython.json)" : ")"));
        log.flush();
        boolean lockHeld = !"none".equals(Gil.policy());
        return lockHeld && results.maxManagedAtOnce() > 1 ? 1 : 0;
    }

    /** The sentences a reader wants: what released buys, what holding costs, and the lock check. */
    static List<String> summary(Results results, List<Integer> threads) {
        List<String> lines = new ArrayList<>();
        int cores = Runtime.getRuntime().availableProcessors();
        int at = threads.contains(cores) ? cores : threads.get(threads.size() - 1);
        Map<Case, Map<Mode, Point>> byCase = new LinkedHashMap<>();
        for (Point p : results.points()) {
            if (p.threads() == at) {
                byCase.computeIfAbsent(p.testCase(), c -> new LinkedHashMap<>()).put(p.mode(), p);
            }
        }
        lines.add("At " + at + " threads (speed-up over 1 thread in the same mode, median [95% interval]; ceiling "
                + Math.min(at, cores) + "x for released CPU work, 1x held):");
        for (Map.Entry<Case, Map<Mode, Point>> e : byCase.entrySet()) {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  %-18s", e.getKey().label()));
            for (Mode m : Mode.values()) {
                Point p = e.getValue().get(m);
                if (p != null) {
                    b.append(String.format(Locale.ROOT, "  %s %s%s", m.name().toLowerCase(Locale.ROOT),
                            results.speedup(p).format(2, "x"), results.impossible(p) ? " IMPOSSIBLE" : ""));
                }
            }
            lines.add(b.toString());
        }
        int maxManaged = results.maxManagedAtOnce();
        int maxReleased = results.points().stream().filter(p -> p.mode() == Mode.RELEASED)
                .mapToInt(Point::maxNative).max().orElse(0);
        int maxHeld = results.points().stream().filter(p -> p.mode() == Mode.HELD)
                .mapToInt(Point::maxNative).max().orElse(0);
        lines.add(String.format(Locale.ROOT,
                "Lock check (%s policy): managed sections %s (at most %d at once); released native calls ran up to %d "
                        + "at once; held native calls at most %d.",
                Gil.policy(), maxManaged <= 1 ? "never overlapped" : "OVERLAPPED", maxManaged, maxReleased, maxHeld));
        int impossible = results.impossiblePoints().size();
        if (impossible > 0) {
            lines.add(impossible + " point(s) marked IMPOSSIBLE sped up beyond the ceiling by more than their interval:"
                    + " the machine was disturbed; re-run them with more --trials on a quiet machine.");
        }
        return lines;
    }
}
