package org.jgil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's contract: JSON shapes, report files, and one-line errors. */
class CommandLineTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void benchWritesTheAgreedJsonShapeAndCsv() throws Exception {
        Path json = dir.resolve("b.json");
        Path csv = dir.resolve("b.csv");
        Path chart = dir.resolve("b.png");
        assertEquals(0, run("bench", "--kernel", "spin", "--work-us", "50", "--threads", "1,2",
                "--mode", "held,released", "--duration-s", "0.1", "--warmup-s", "0.05",
                "--json", json.toString(), "--csv", csv.toString(), "--chart", chart.toString()), err.toString());
        JsonNode doc = Json.MAPPER.readTree(json.toFile());
        assertTrue(doc.get("machine").get("cores").asInt() >= 1);
        JsonNode results = doc.get("results");
        assertEquals(4, results.size());
        for (JsonNode r : results) {
            for (String field : new String[] {"kernel", "mode", "threads", "calls", "wall_s", "speedup", "gflops", "work_us"}) {
                assertTrue(r.has(field), "missing " + field + " in " + r);
            }
            assertEquals("spin", r.get("kernel").asText());
            assertTrue(r.get("calls").asLong() > 0, r.toString());
            assertEquals(1, r.get("max_managed_at_once").asInt(), "managed sections overlapped: " + r);
            if (r.get("threads").asInt() == 1) {
                assertEquals(1.0, r.get("speedup").asDouble(), 1e-9);
            }
        }
        assertEquals(5, Files.readAllLines(csv).size()); // header + 4 points
        assertTrue(Files.size(chart) > 1000);
    }

    @Test
    void gemmReportsGflops() throws Exception {
        Path json = dir.resolve("g.json");
        assertEquals(0, run("bench", "--kernel", "gemm", "--size", "64", "--threads", "1", "--mode", "released",
                "--duration-s", "0.1", "--warmup-s", "0.02", "--json", json.toString()), err.toString());
        JsonNode r = Json.MAPPER.readTree(json.toFile()).get("results").get(0);
        assertTrue(r.get("gflops").asDouble() > 0, r.toString());
    }

    @Test
    void unknownKernelsAndModesGiveOneLineErrors() {
        assertEquals(2, run("bench", "--kernel", "nope"));
        assertTrue(err.toString().contains("unknown kernel 'nope'; valid: spin"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("bench", "--mode", "fast"));
        assertTrue(err.toString().contains("unknown mode 'fast'; valid: held, released, auto, java"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("bench", "--threads", "0"));
        assertTrue(err.toString().contains("--threads"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("frobnicate"));
    }

    /** A short error and a non-zero exit for each bad value, never a stack trace, and nothing run. */
    private void assertOneLineError(String expected, String... args) {
        err.getBuffer().setLength(0);
        int code = run(args);
        String e = err.toString();
        assertTrue(code != 0, String.join(" ", args) + " must fail, exit " + code);
        assertTrue(e.contains(expected), String.join(" ", args) + ": " + e);
        assertEquals(1, e.strip().lines().count(), e);
        assertFalse(e.contains("Exception") || e.contains("\tat "), e);
    }

    @Test
    void badDurationsAndUnwritablePathsGiveOneLineErrors() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        String[] bench = {"bench", "--kernel", "sum", "--size", "16", "--threads", "1", "--mode", "held"};
        for (String bad : new String[] {"0", "-1", "NaN", "Infinity"}) {
            assertOneLineError("--duration-s", concat(bench, "--duration-s", bad));
            assertOneLineError("--duration-s", "lab", "convoy", "--duration-s", bad);
        }
        assertOneLineError("--warmup-s", concat(bench, "--warmup-s", "-0.5"));
        for (String bad : new String[] {"0", "-1ms", "abc", "2h"}) {
            assertOneLineError("--switch-interval", concat(bench, "--switch-interval", bad));
            assertOneLineError("--switch-interval", "lab", "plus-equals", "--switch-interval", bad);
        }
        assertOneLineError("is a file", concat(bench, "--json", file.resolve("r.json").toString()));
        assertOneLineError("is a folder", concat(bench, "--csv", dir.toString()));
        assertOneLineError("is a file", "lab", "convoy", "--chart", file.resolve("sub/c.png").toString());
        assertOneLineError("is not a folder", "demo", "--quick", "-o", file.toString());
        assertOneLineError("--policy bogus is not valid; accepted: cpython", concat(bench, "--policy", "bogus"));
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void kernelsListsEveryKernel() {
        assertEquals(0, run("kernels"));
        for (String k : new String[] {"spin", "sleep", "dot", "axpy", "sum", "gemm", "mandelbrot", "montecarlo-pi",
            "nbody", "sieve"}) {
            assertTrue(out.toString().contains(k), k);
        }
    }

    @Test
    void demoQuickWritesTheReportFolder() throws Exception {
        Path report = dir.resolve("report");
        assertEquals(0, run("demo", "--quick", "--threads", "1,2", "-o", report.toString()), err.toString());
        for (String f : new String[] {"results.json", "results.csv", "index.html"}) {
            assertTrue(Files.size(report.resolve(f)) > 100, f);
        }
        try (var pngs = Files.list(report)) {
            assertTrue(pngs.filter(p -> p.toString().endsWith(".png")).count() >= 5);
        }
        assertTrue(out.toString().contains("managed sections never overlapped"), out.toString());
        String html = Files.readString(report.resolve("index.html"));
        assertTrue(html.contains("<img src=\"speedup-"), html);
    }

    @Test
    void labPlusEqualsJsonShape() throws Exception {
        Path json = dir.resolve("pe.json");
        assertEquals(0, run("lab", "plus-equals", "--iterations", "2000000", "--switch-interval", "1ms",
                "--json", json.toString()), err.toString());
        JsonNode doc = Json.MAPPER.readTree(json.toFile());
        assertEquals(8_000_000, doc.get("expected").asLong());
        assertEquals(0, doc.get("lost").get("gil_atomic_step").asLong());
        assertTrue(doc.get("lost").has("gil_checkpoint_inside"));
        assertTrue(doc.get("lost").has("no_gil"));
    }

    @Test
    void labConvoyJsonShape() throws Exception {
        Path json = dir.resolve("convoy.json");
        assertEquals(0, run("lab", "convoy", "--policy", "io-priority", "--duration-s", "0.2",
                "--json", json.toString()), err.toString());
        JsonNode doc = Json.MAPPER.readTree(json.toFile());
        assertEquals("io-priority", doc.get("policy").asText());
        for (String f : new String[] {"io_alone_us", "io_with_cpu_us", "reacquire_wait_us"}) {
            assertTrue(doc.get(f).has("p50") && doc.get(f).has("p99"), f);
        }
        assertTrue(doc.get("io_ops_per_s").asDouble() > 0);
        assertTrue(doc.has("cpu_throughput_ratio"));
        assertTrue(doc.get("socket").has("reacquire_wait_us"));
    }

    @Test
    void overheadQuickJsonShape() throws Exception {
        // JMH takes a machine-wide lock file; another JMH run on the machine must not fail this test.
        System.setProperty("jmh.ignoreLock", "true");
        Path json = dir.resolve("o.json");
        assertEquals(0, run("overhead", "--quick", "--handoffs", "200", "--json", json.toString()), err.toString());
        JsonNode doc = Json.MAPPER.readTree(json.toFile());
        for (String f : new String[] {"jni_call_ns", "release_reacquire_ns", "gil_overhead_ns",
            "java_acquire_release_ns", "handoff_us_p50", "handoff_us_p99"}) {
            assertTrue(doc.has(f), "missing " + f);
        }
        assertEquals(doc.get("release_reacquire_ns").asDouble() - doc.get("jni_call_ns").asDouble(),
                doc.get("gil_overhead_ns").asDouble(), 0.02);
        assertTrue(doc.get("handoff_us_p99").asDouble() >= doc.get("handoff_us_p50").asDouble());
    }
}
