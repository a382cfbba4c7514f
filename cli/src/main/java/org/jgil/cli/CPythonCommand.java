package org.jgil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jgil.Gil;
import org.jgil.kernels.Kernels;
import org.jgil.kernels.Mode;
import org.jgil.lab.Convoy;
import org.jgil.lab.PlusEquals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The same experiments under jgil and under CPython's real GIL, in one run on one machine: the spin
 * kernel called held (ctypes.PyDLL) and released (ctypes.CDLL) from 1 and N threads, {@code counter
 * += 1} from several threads, and the convoy (a 100 us sleep beside a CPU-bound thread). Where no
 * python3 is found it says so and skips.
 */
@Command(name = "cpython", mixinStandardHelpOptions = true,
        description = {"The same experiments under jgil and under CPython's GIL, side by side.",
            "Needs python3; skipped with a message when there is none."})
final class CPythonCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(names = "--python", paramLabel = "EXE", defaultValue = "python3",
            description = "The Python to run (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--work-us", paramLabel = "W,W,..", defaultValue = "1,50,1000",
            description = "Work per spin call in microseconds (default: ${DEFAULT-VALUE}).")
    String works;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for the speed-up (default: the cores).")
    Integer threads;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "3",
            description = "Independent trials per point (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--duration-s", paramLabel = "S", defaultValue = "0.3",
            description = "Measured seconds per trial (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = "--warmup-s", paramLabel = "S", defaultValue = "0.5",
            description = "Longest warm-up per trial (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "1000000",
            description = "Increments per thread in the += experiment (default: ${DEFAULT-VALUE}).")
    long iterations;

    @Option(names = "--convoy-s", paramLabel = "S", defaultValue = "1",
            description = "Seconds per convoy phase (default: ${DEFAULT-VALUE}).")
    double convoySeconds;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write both columns as JSON.")
    Path json;

    @Spec
    CommandSpec spec;

    /** What to run; the demo uses a shorter one. */
    record Settings(String python, List<Integer> works, int threads, int trials, double duration, double warmup,
                    int peThreads, long iterations, double convoySeconds) {}

    /** Both columns: the lines to print and the JSON, or why CPython was skipped. */
    record Comparison(List<String> lines, Map<String, Object> json, boolean skipped) {}

    @Override
    public Integer call() throws Exception {
        global.apply();
        PrintWriter out = spec.commandLine().getOut();
        List<Integer> w = parseWorks(works);
        int n = threads == null ? Math.max(2, Runtime.getRuntime().availableProcessors()) : threads;
        if (n < 2 || iterations < 1 || !(convoySeconds > 0)) {
            throw new IllegalArgumentException("--threads must be >= 2, --iterations >= 1 and --convoy-s > 0");
        }
        Settings s = new Settings(python, w, n, trials, durationSeconds, warmupSeconds, 4, iterations, convoySeconds);
        Comparison c = run(s, out);
        c.lines().forEach(out::println);
        if (json != null && !c.skipped()) {
            Json.write(json, c.json());
            out.println("Wrote " + json);
        }
        out.flush();
        return 0;
    }

    static List<Integer> parseWorks(String spec) {
        try {
            List<Integer> list = java.util.Arrays.stream(spec.split(",")).map(String::trim).map(Integer::valueOf)
                    .distinct().sorted().toList();
            if (list.isEmpty() || list.get(0) < 1 || list.get(list.size() - 1) > 1_000_000) {
                throw new NumberFormatException();
            }
            return list;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--work-us takes microseconds from 1 to 1000000 such as 1,50,1000, got '"
                    + spec + "'");
        }
    }

    /** The python executable if it runs, else null. */
    static String findPython(String exe) {
        try {
            Process p = new ProcessBuilder(exe, "-c", "import ctypes, sys; print(sys.implementation.name)")
                    .redirectErrorStream(true).start();
            String name = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && name.equals("cpython") ? exe : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static Comparison run(Settings s, PrintWriter log) throws Exception {
        if (findPython(s.python()) == null) {
            return new Comparison(List.of("CPython: '" + s.python() + "' not found (or not CPython with ctypes): "
                    + "skipping the side-by-side comparison."), Map.of(), true);
        }
        Grid.Plan plan = Grid.Plan.of(s.trials(), s.duration(), s.warmup(), null);
        log.printf(Locale.ROOT, "Side by side: spin %s us held/released at 1 and %d threads, += with %d threads, "
                + "the convoy; first under CPython, then under jgil...%n", s.works(), s.threads(), s.peThreads());
        log.flush();
        JsonNode py = runPython(s);
        List<Case> cases = new ArrayList<>();
        for (int w : s.works()) {
            cases.add(Case.of(Kernels.byName("spin"), 0, w, 42));
        }
        Results jgil = Grid.run(cases, List.of(Mode.HELD, Mode.RELEASED), List.of(1, s.threads()), plan,
                new PrintWriter(Writer.nullWriter()));
        String previous = Gil.policy();
        PlusEquals.Result pe;
        Convoy.Result convoy;
        Gil.setPolicy("cpython");
        try {
            pe = PlusEquals.run(s.peThreads(), s.iterations());
            convoy = Convoy.run(Grid.seconds(s.convoySeconds()), List.of(Convoy.IoKind.SLEEP));
        } finally {
            Gil.setPolicy(previous);
        }
        return compare(s, py, jgil, pe, convoy);
    }

    private static JsonNode runPython(Settings s) throws IOException, InterruptedException {
        Path script = Files.createTempFile("jgil-cpython-", ".py");
        try {
            try (InputStream in = CPythonCommand.class.getResourceAsStream("cpython_gil.py")) {
                if (in == null) {
                    throw new IllegalStateException("cpython_gil.py is missing from the jgil jar");
                }
                Files.write(script, in.readAllBytes());
            }
            List<String> cmd = new ArrayList<>(List.of(s.python(), script.toString(),
                    "--work-us", String.join(",", s.works().stream().map(String::valueOf).toList()),
                    "--threads", String.valueOf(s.threads()), "--trials", String.valueOf(s.trials()),
                    "--duration", String.valueOf(s.duration()), "--warmup", String.valueOf(s.warmup()),
                    "--pe-threads", String.valueOf(s.peThreads()), "--pe-iterations", String.valueOf(s.iterations()),
                    "--convoy-phase", String.valueOf(s.convoySeconds())));
            String lib = System.getProperty("jgil.library");
            if (lib != null) {
                cmd.add("--lib");
                cmd.add(lib);
            }
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            byte[] stdout = p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("the CPython side failed (exit " + p.exitValue() + "); see above");
            }
            return Json.MAPPER.readTree(stdout);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    static Comparison compare(Settings s, JsonNode py, Results jgil, PlusEquals.Result pe, Convoy.Result convoy) {
        List<String> lines = new ArrayList<>();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("machine", MachineInfo.describe());
        doc.put("python", py.path("python").asText());
        doc.put("cpython_kernel", py.path("kernel").asText(py.path("spin_error").asText()));
        int n = s.threads();
        TextTable t = new TextTable("spin", "mode", "jgil calls/s x1", "CPython calls/s x1",
                "jgil speed-up x" + n, "CPython speed-up x" + n);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Point p : jgil.points()) {
            if (p.threads() != n) {
                continue;
            }
            Point base = jgil.baseline(p);
            long w = p.testCase().params().workMicros();
            String mode = BenchCommand.lower(p.mode());
            double[] py1 = pythonRates(py, w, mode, 1);
            double[] pyN = pythonRates(py, w, mode, n);
            Stats.Estimate pySpeed = py1.length == 0 ? Stats.Estimate.NONE : Stats.ratio(pyN, py1);
            Stats.Estimate pyRate = Stats.of(py1);
            // CPython holds its GIL across a PyDLL call as jgil holds its lock: the same ceilings apply.
            boolean pyImpossible = Stats.impossible(pySpeed, jgil.ceiling(p));
            t.row(p.testCase().label(), mode, base == null ? "-" : base.rate().format(0, ""), pyRate.format(0, ""),
                    jgil.speedup(p).format(2, "x") + (jgil.impossible(p) ? " IMPOSSIBLE" : ""),
                    pySpeed.format(2, "x") + (pyImpossible ? " IMPOSSIBLE" : ""));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("work_us", w);
            r.put("mode", mode);
            r.put("threads", n);
            r.put("jgil_calls_per_s_1", base == null ? null : Results.round(base.callsPerSecond(), 1));
            r.put("cpython_calls_per_s_1", Results.round(pyRate.median(), 1));
            r.put("jgil_speedup", Results.round(jgil.speedup(p).median(), 3));
            r.put("jgil_speedup_lo", Results.round(jgil.speedup(p).lo(), 3));
            r.put("jgil_speedup_hi", Results.round(jgil.speedup(p).hi(), 3));
            r.put("cpython_speedup", Results.round(pySpeed.median(), 3));
            r.put("cpython_speedup_lo", Results.round(pySpeed.lo(), 3));
            r.put("cpython_speedup_hi", Results.round(pySpeed.hi(), 3));
            r.put("ceiling", Results.round(jgil.ceiling(p), 3));
            r.put("jgil_impossible", jgil.impossible(p));
            r.put("cpython_impossible", pyImpossible);
            rows.add(r);
        }
        doc.put("spin", rows);
        StringBuilderWriter table = new StringBuilderWriter();
        t.print(table.writer());
        lines.add("Native calls (spin), medians of " + s.trials() + " trials [95% bootstrap for speed-ups]; CPython: "
                + py.path("python").asText() + ", held = ctypes.PyDLL, released = ctypes.CDLL, kernel: "
                + doc.get("cpython_kernel"));
        lines.addAll(table.lines());
        JsonNode ppe = py.path("plus_equals");
        lines.add(String.format(Locale.ROOT, "counter += 1, %d threads x %,d: jgil lost %,d with the read and write in"
                + " one step, %,d with a checkpoint between them; CPython %s lost %,d of %,d (switch interval 1 us).",
                pe.threads(), pe.iterations(), pe.lostAtomicStep(), pe.lostCheckpointInside(),
                py.path("python").asText(), ppe.path("lost").asLong(), ppe.path("expected").asLong()));
        Map<String, Object> peJson = new LinkedHashMap<>();
        peJson.put("jgil_lost_atomic_step", pe.lostAtomicStep());
        peJson.put("jgil_lost_checkpoint_inside", pe.lostCheckpointInside());
        peJson.put("jgil_expected", pe.expected());
        peJson.put("cpython_lost", ppe.path("lost").asLong());
        peJson.put("cpython_expected", ppe.path("expected").asLong());
        doc.put("plus_equals", peJson);
        Convoy.IoResult io = convoy.io().get(0);
        JsonNode pc = py.path("convoy");
        lines.add(String.format(Locale.ROOT, "Convoy, a 100 us sleep beside a CPU-bound thread, p50 / p99: jgil "
                + "(cpython policy) %.0f / %.0f us (alone %.0f / %.0f); CPython %.0f / %.0f us (alone %.0f / %.0f).",
                io.ioWithCpuMicros().p50(), io.ioWithCpuMicros().p99(), io.ioAloneMicros().p50(),
                io.ioAloneMicros().p99(), pc.path("beside_cpu_p50_us").asDouble(),
                pc.path("beside_cpu_p99_us").asDouble(),
                pc.path("alone_p50_us").asDouble(), pc.path("alone_p99_us").asDouble()));
        Map<String, Object> cj = new LinkedHashMap<>();
        cj.put("jgil_beside_cpu_p50_us", Results.round(io.ioWithCpuMicros().p50(), 1));
        cj.put("jgil_beside_cpu_p99_us", Results.round(io.ioWithCpuMicros().p99(), 1));
        cj.put("cpython_beside_cpu_p50_us", Results.round(pc.path("beside_cpu_p50_us").asDouble(), 1));
        cj.put("cpython_beside_cpu_p99_us", Results.round(pc.path("beside_cpu_p99_us").asDouble(), 1));
        doc.put("convoy", cj);
        doc.put("cpython_raw", py);
        return new Comparison(lines, doc, false);
    }

    private static double[] pythonRates(JsonNode py, long work, String mode, int threads) {
        for (JsonNode p : py.path("spin")) {
            if (p.path("work_us").asLong() == work && p.path("mode").asText().equals(mode)
                    && p.path("threads").asInt() == threads) {
                double[] r = new double[p.path("trial_calls_per_s").size()];
                for (int i = 0; i < r.length; i++) {
                    r[i] = p.path("trial_calls_per_s").get(i).asDouble();
                }
                return r;
            }
        }
        return new double[0];
    }

    /** A PrintWriter into lines. */
    private static final class StringBuilderWriter {
        private final java.io.StringWriter sw = new java.io.StringWriter();

        PrintWriter writer() {
            return new PrintWriter(sw, true);
        }

        List<String> lines() {
            return sw.toString().lines().toList();
        }
    }
}
