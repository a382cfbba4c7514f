package org.jgil.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jgil.Gil;
import org.jgil.lab.OneBigLock;
import org.jgil.lab.OneBigLock.Mixed;
import org.jgil.lab.OneBigLock.Point;
import org.jgil.lab.OneBigLock.Regime;
import org.jgil.lab.OneBigLock.Sharing;
import org.jgil.lab.OneBigLock.Spread;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jgil lab one-big-lock}: the GIL against per-object locks against no lock. */
@Command(name = "one-big-lock", mixinStandardHelpOptions = true,
        description = {"One big lock against fine-grained locks: a managed workload on shared objects under the GIL,",
            "free-threaded with per-object critical sections, and with no lock at all (lost updates);",
            "then the same workload beside released native kernels."})
final class OneBigLockCommand implements Callable<Integer> {
    @Mixin
    LabOptions options;

    @Option(names = "--threads", paramLabel = "N[,N..]", split = ",",
            description = "Thread counts of the scaling runs (default: 1, 2, 4, .. up to the cores, at least 2).")
    List<Integer> threads;

    @Option(names = "--trials", defaultValue = "3",
            description = "Repetitions of every measurement (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--native-us", paramLabel = "US[,US..]", split = ",",
            description = "Lengths of the released kernel call beside the managed work (default: 1,10,100).")
    List<Long> nativeMicros;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the results as CSV.")
    Path csv;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<String> policies = options.policies(List.of("cpython"));
        if (policies.size() != 1 || policies.get(0).equals("none")) {
            throw new IllegalArgumentException("one-big-lock runs its GIL regime under one locking policy and the other"
                    + " two under none by itself; give one --policy other than none");
        }
        OneBigLock.Config defaults = OneBigLock.Config.defaults();
        OneBigLock.Config config = new OneBigLock.Config(threads == null ? defaults.threads() : threads,
                options.duration(defaults.phase().toMillis() / 1000.0), trials,
                nativeMicros == null ? defaults.nativeMicros() : nativeMicros, policies.get(0));
        out.printf(Locale.ROOT, "One big lock: 3 regimes x %s threads x disjoint/shared objects, %d trials of %.2f s "
                + "phases (about %.0f s)...%n", config.threads(), config.trials(), seconds(config.phase()),
                seconds(OneBigLock.estimate(config)));
        out.flush();
        OneBigLock.Result r;
        try (Progress progress = new Progress("one-big-lock", OneBigLock.phases(config))) {
            r = OneBigLock.run(config, step -> {
                progress.running(step);
                progress.done();
            });
        }
        print(r, out);
        if (options.json != null) {
            Json.write(options.json, toJson(r));
            out.println("Wrote " + options.json);
        }
        if (csv != null) {
            writeCsv(r, csv);
            out.println("Wrote " + csv);
        }
        if (options.chart != null) {
            chart(r, options.chart);
            out.println("Wrote " + options.chart);
        }
        return 0;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static String num(double v, String format) {
        return String.format(Locale.ROOT, format, v);
    }

    /** "12.3M" for a rate: tables stay narrow. */
    private static String rate(double perSecond) {
        if (perSecond >= 1e6) {
            return num(perSecond / 1e6, "%.2fM");
        }
        return perSecond >= 1e3 ? num(perSecond / 1e3, "%.1fk") : num(perSecond, "%.0f");
    }

    private static String spread(Spread s) {
        return num(100 * s.relative(), "%.0f%%");
    }

    static void print(OneBigLock.Result r, PrintWriter out) {
        Spread gil = r.singleThread(Regime.GIL);
        TextTable single = new TextTable("regime", "ns/op (median)", "min", "max", "vs gil");
        for (Regime regime : Regime.values()) {
            Spread s = r.singleThread(regime);
            single.row(regime.label(), num(s.median(), "%.1f"), num(s.min(), "%.1f"), num(s.max(), "%.1f"),
                    num(s.median() / gil.median(), "%.2fx"));
        }
        out.printf(Locale.ROOT, "%nOne thread (GIL regime under %s; %d cores):%n", r.config().lockingPolicy(),
                r.cores());
        single.print(out);

        TextTable scaling = new TextTable("regime", "objects", "threads", "ops/s (median)", "spread", "vs 1 thread",
                "lost updates", "errors");
        for (Point p : r.scaling()) {
            Spread one = r.scaling().stream().filter(q -> q.regime() == p.regime() && q.sharing() == p.sharing()
                    && q.threads() == r.config().threads().get(0)).findFirst().orElseThrow().spread();
            scaling.row(p.regime().label(), p.sharing().label(), p.threads(), rate(p.spread().median()),
                    spread(p.spread()), num(p.spread().median() / one.median(), "%.2fx"), p.lostUpdates(), p.errors());
        }
        out.println();
        out.println("Throughput by threads ('spread': (max - min) / median over the trials; lost updates and errors");
        out.println("summed over the trials):");
        scaling.print(out);

        if (!r.mixed().isEmpty()) {
            TextTable mixed = new TextTable("regime", "threads", "native call", "rounds/s (median)", "spread", "vs gil",
                    "lost updates");
            for (Mixed m : r.mixed()) {
                Spread g = r.mixed().stream()
                        .filter(q -> q.regime() == Regime.GIL && q.nativeMicros() == m.nativeMicros())
                        .findFirst().orElseThrow().spread();
                mixed.row(m.regime().label(), m.threads(), m.nativeMicros() + " us", rate(m.spread().median()),
                        spread(m.spread()), num(m.spread().median() / g.median(), "%.2fx"), m.lostUpdates());
            }
            out.println();
            out.printf(Locale.ROOT, "Beside native work: rounds of %d managed operations on shared objects, each"
                    + " followed by a spin kernel called with the lock released:%n", OneBigLock.MIXED_MANAGED_OPS);
            mixed.print(out);
        }
        out.println();
        out.println("gil: one lock, sections free; fine_grained: no GIL, a per-object lock per operation;");
        out.println("none: no lock, so shared objects lose updates and racing collections throw ('errors').");
        out.println("Disjoint: each thread its own objects; shared: every thread on the same two stores.");
        out.flush();
    }

    static Map<String, Object> toJson(OneBigLock.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("experiment", "one-big-lock");
        m.put("gil_policy", r.config().lockingPolicy());
        m.put("switch_interval_us", Gil.switchInterval().toNanos() / 1000);
        m.put("cores", r.cores());
        m.put("trials", r.config().trials());
        m.put("phase_s", seconds(r.config().phase()));
        Map<String, Object> single = new LinkedHashMap<>();
        Map<String, Object> singleTrials = new LinkedHashMap<>();
        for (Regime regime : Regime.values()) {
            single.put(regime.label(), round(r.singleThread(regime).median(), 100));
            singleTrials.put(regime.label(),
                    r.singleThreadNsPerOp().get(regime).stream().map(v -> round(v, 100)).toList());
        }
        m.put("single_thread_ns_per_op", single);
        m.put("single_thread_ns_per_op_trials", singleTrials);
        List<Map<String, Object>> scaling = new ArrayList<>();
        for (Point p : r.scaling()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("regime", p.regime().label());
            row.put("objects", p.sharing().label());
            row.put("threads", p.threads());
            row.put("ops_per_s", Math.round(p.spread().median()));
            row.put("ops_per_s_min", Math.round(p.spread().min()));
            row.put("ops_per_s_max", Math.round(p.spread().max()));
            row.put("ops_per_s_trials", p.opsPerSecond().stream().map(Math::round).toList());
            row.put("lost_updates", p.lostUpdates());
            row.put("errors", p.errors());
            scaling.add(row);
        }
        m.put("scaling", scaling);
        List<Map<String, Object>> mixed = new ArrayList<>();
        for (Mixed x : r.mixed()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("regime", x.regime().label());
            row.put("threads", x.threads());
            row.put("native_us", x.nativeMicros());
            row.put("managed_ops_per_round", x.managedOps());
            row.put("rounds_per_s", Math.round(x.spread().median()));
            row.put("rounds_per_s_min", Math.round(x.spread().min()));
            row.put("rounds_per_s_max", Math.round(x.spread().max()));
            row.put("rounds_per_s_trials", x.roundsPerSecond().stream().map(Math::round).toList());
            row.put("lost_updates", x.lostUpdates());
            mixed.add(row);
        }
        m.put("mixed_with_native", mixed);
        return m;
    }

    private static double round(double v, int scale) {
        return Math.round(v * scale) / (double) scale;
    }

    /** One row per measurement: the single-thread costs, the scaling points and the mixed rows. */
    static void writeCsv(OneBigLock.Result r, Path file) {
        List<String> lines = new ArrayList<>();
        lines.add("measurement,regime,objects,threads,native_us,value,unit,min,max,lost_updates,errors");
        for (Regime regime : Regime.values()) {
            Spread s = r.singleThread(regime);
            lines.add(String.join(",", "single_thread", regime.label(), "disjoint", "1", "", csvNum(s.median()),
                    "ns_per_op", csvNum(s.min()), csvNum(s.max()), "", ""));
        }
        for (Point p : r.scaling()) {
            Spread s = p.spread();
            lines.add(String.join(",", "scaling", p.regime().label(), p.sharing().label(), String.valueOf(p.threads()),
                    "", csvNum(s.median()), "ops_per_s", csvNum(s.min()), csvNum(s.max()),
                    String.valueOf(p.lostUpdates()), String.valueOf(p.errors())));
        }
        for (Mixed m : r.mixed()) {
            Spread s = m.spread();
            lines.add(String.join(",", "mixed_with_native", m.regime().label(), "shared", String.valueOf(m.threads()),
                    String.valueOf(m.nativeMicros()), csvNum(s.median()), "rounds_per_s", csvNum(s.min()),
                    csvNum(s.max()), String.valueOf(m.lostUpdates()), "0"));
        }
        try {
            Files.write(ReportFiles.prepare(file), lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String csvNum(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Throughput against threads: one line per regime and sharing, medians with the trials' range as error bars. */
    static void chart(OneBigLock.Result r, Path png) {
        XYChart chart = new XYChartBuilder().width(800).height(480)
                .title("One big lock vs per-object locks (" + r.cores() + " cores)")
                .xAxisTitle("threads").yAxisTitle("operations per second (millions)").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setXAxisDecimalPattern("#");
        for (Regime regime : Regime.values()) {
            for (Sharing sharing : Sharing.values()) {
                List<Integer> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                List<Double> errors = new ArrayList<>();
                for (Point p : r.scaling()) {
                    if (p.regime() == regime && p.sharing() == sharing) {
                        xs.add(p.threads());
                        ys.add(p.spread().median() / 1e6);
                        errors.add((p.spread().max() - p.spread().min()) / 2e6);
                    }
                }
                XYSeries s = chart.addSeries(regime.label() + ", " + sharing.label(), xs, ys, errors);
                s.setMarker(SeriesMarkers.CIRCLE);
                if (sharing == Sharing.SHARED) {
                    s.setLineStyle(SeriesLines.DASH_DASH);
                }
            }
        }
        Charts.save(chart, png);
    }
}
