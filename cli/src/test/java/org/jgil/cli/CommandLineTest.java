package org.jgil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The command line's contract: JSON shapes, report files, and one-line errors. */
class CommandLineTest extends CommandLineHarness {
    @Test
    void benchWritesTheAgreedJsonShapeAndCsv() throws Exception {
        Path json = dir.resolve("b.json");
        Path csv = dir.resolve("b.csv");
        Path chart = dir.resolve("b.png");
        assertEquals(0, run("bench", "--kernel", "spin", "--work-us", "50", "--threads", "1,2",
                "--mode", "held,released", "--trials", "3", "--duration-s", "0.05", "--warmup-s", "0.05",
                "--json", json.toString(), "--csv", csv.toString(), "--chart", chart.toString()), err.toString());
        JsonNode doc = Json.MAPPER.readTree(json.toFile());
        assertTrue(doc.get("machine").get("cores").asInt() >= 1);
        JsonNode results = doc.get("results");
        assertEquals(4, results.size());
        for (JsonNode r : results) {
            for (String field : new String[] {"kernel", "mode", "threads", "calls", "wall_s", "speedup", "gflops",
                "work_us", "speedup_lo", "speedup_hi", "calls_per_s_lo", "calls_per_s_hi", "ceiling", "impossible"}) {
                assertTrue(r.has(field), "missing " + field + " in " + r);
            }
            assertEquals("spin", r.get("kernel").asText());
            assertTrue(r.get("calls").asLong() > 0, r.toString());
            assertEquals(1, r.get("max_managed_at_once").asInt(), "managed sections overlapped: " + r);
            assertEquals(3, r.get("trial_calls_per_s").size(), r.toString());
            assertTrue(r.get("calls_per_s_lo").asDouble() <= r.get("calls_per_s").asDouble()
                    && r.get("calls_per_s").asDouble() <= r.get("calls_per_s_hi").asDouble(), r.toString());
            if (r.get("threads").asInt() == 1) {
                assertEquals(1.0, r.get("speedup").asDouble(), 1e-9);
            }
        }
        assertEquals(5, Files.readAllLines(csv).size()); // header + 4 points
        assertTrue(Files.size(chart) > 1000);
        assertTrue(Files.size(dir.resolve("b-throughput.png")) > 1000);
    }

    @Test
    void gemmReportsGflops() throws Exception {
        Path json = dir.resolve("g.json");
        assertEquals(0, run("bench", "--kernel", "gemm", "--size", "64", "--threads", "1", "--mode", "released",
                "--trials", "1", "--duration-s", "0.05", "--warmup-s", "0.02", "--json", json.toString()),
                err.toString());
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
        for (String f : new String[] {"results.json", "results.csv", "index.html", "trace.json"}) {
            assertTrue(Files.size(report.resolve(f)) > 100, f);
        }
        try (var pngs = Files.list(report)) {
            assertTrue(pngs.filter(p -> p.toString().endsWith(".png")).count() >= 12);
        }
        assertTrue(out.toString().contains("managed sections never overlapped"), out.toString());
        String html = Files.readString(report.resolve("index.html"));
        assertTrue(html.contains("<img src=\"speedup-"), html);
        assertTrue(html.contains("<img src=\"throughput-") && html.contains("<svg"), html);
        assertTrue(!html.contains("<script") && !html.contains("src=\"http"), "the report must open with no network");
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
        Path trace = dir.resolve("convoy-trace.json");
        assertEquals(0, run("lab", "convoy", "--policy", "io-priority", "--duration-s", "0.1", "--trials", "2",
                "--json", json.toString(), "--trace", trace.toString()), err.toString());
        JsonNode doc = Json.MAPPER.readTree(json.toFile());
        assertEquals("io-priority", doc.get("policy").asText());
        assertEquals(2, doc.get("trials").asInt());
        for (String f : new String[] {"io_alone_us", "io_with_cpu_us", "reacquire_wait_us"}) {
            JsonNode p = doc.get(f);
            assertTrue(p.has("p50") && p.has("p99"), f);
            assertTrue(p.get("p99_min").asDouble() <= p.get("p99").asDouble()
                    && p.get("p99").asDouble() <= p.get("p99_max").asDouble(), p.toString());
            assertEquals(2, p.get("p99_trials").size(), p.toString());
            assertTrue(p.get("p99_lo").asDouble() <= p.get("p99").asDouble()
                    && p.get("p99").asDouble() <= p.get("p99_hi").asDouble(), p.toString());
        }
        assertTrue(out.toString().contains("p99 per trial"), out.toString());
        assertTrue(out.toString().contains("Where the re-takes slower than 100 us went"), out.toString());
        java.util.Set<String> spans = new java.util.TreeSet<>();
        for (JsonNode e : Json.MAPPER.readTree(trace.toFile()).get("traceEvents")) {
            if (e.get("ph").asText().equals("X")) {
                spans.add(e.get("tid").asInt() + "/" + e.get("name").asText());
            }
        }
        assertTrue(spans.containsAll(java.util.List.of("1/I/O (released)", "1/taking the lock back",
                "2/handed over, waiting")), spans.toString());
        assertTrue(doc.get("io_ops_per_s").asDouble() > 0);
        assertTrue(doc.has("cpu_throughput_ratio"));
        assertTrue(doc.get("socket").has("reacquire_wait_us"));
    }

    @Test
    void benchTracesEachThreadAndBreaksTheCallDown() throws Exception {
        Path trace = dir.resolve("t.json");
        assertEquals(0, run("bench", "--kernel", "spin", "--work-us", "20", "--threads", "1,2",
                "--mode", "held,released", "--trials", "1", "--duration-s", "0.2", "--warmup-s", "0.02",
                "--trace", trace.toString(),
                "--breakdown"), err.toString());
        JsonNode doc = Json.MAPPER.readTree(trace.toFile());
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (JsonNode e : doc.get("traceEvents")) {
            if (e.get("ph").asText().equals("X")) {
                seen.add(e.get("pid").asInt() + "/" + e.get("tid").asInt() + "/" + e.get("name").asText());
            }
        }
        // Points in order: held x1, held x2, released x1, released x2.
        assertTrue(seen.containsAll(java.util.List.of("1/1/held", "2/1/held", "2/2/held", "3/1/released",
                "4/1/released", "4/2/released")), seen.toString());
        assertTrue(out.toString().contains("GIL load"), out.toString());
        assertTrue(out.toString().contains("Breakdown of a contended call"), out.toString());
    }

    @Test
    void harnessShowsItsOwnCost() throws Exception {
        Path json = dir.resolve("h.json");
        assertEquals(0, run("harness", "--threads", "1", "--mode", "held", "--trials", "2", "--duration-s", "0.02",
                "--warmup-s", "0.02", "--json", json.toString()), err.toString());
        JsonNode r = Json.MAPPER.readTree(json.toFile()).get("results").get(0);
        assertTrue(r.get("bare_ns_per_call").asDouble() > 0 && r.get("harness_ns_per_call").asDouble() > 0,
                r.toString());
        assertTrue(r.has("harness_cost_ns_lo") && r.has("harness_cost_ns_hi"), r.toString());
    }

    @Test
    void crossoverSweepsAndSaysWhatItFound() throws Exception {
        Path json = dir.resolve("c.json");
        assertEquals(0, run("crossover", "--kernel", "spin", "--threads", "2", "--from", "1", "--to", "2",
                "--refine", "0", "--trials", "1", "--duration-s", "0.02", "--warmup-s", "0.02",
                "--json", json.toString()), err.toString());
        JsonNode doc = Json.MAPPER.readTree(json.toFile());
        assertEquals(2, doc.get("sweep").size());
        assertTrue(doc.get("sweep").get(0).get("work_us").asDouble() > 0);
        assertTrue(doc.has("crossover_us") && doc.has("note"));
        assertEquals(2, run("crossover", "--threads", "1"));
    }

    @Test
    void cpythonSaysSoAndSkipsWithoutPython() {
        assertEquals(0, run("cpython", "--python", dir.resolve("no-python").toString()));
        assertTrue(out.toString().contains("skipping"), out.toString());
    }

    @Test
    void cpythonRunsBothColumns() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(CPythonCommand.findPython("python3") != null, "no python3 here");
        Path json = dir.resolve("py.json");
        assertEquals(0, run("cpython", "--work-us", "5", "--threads", "2", "--trials", "2", "--duration-s", "0.02",
                "--warmup-s", "0.02", "--iterations", "1000", "--convoy-s", "0.05", "--json", json.toString()),
                err.toString());
        JsonNode doc = Json.MAPPER.readTree(json.toFile());
        assertEquals(2, doc.get("spin").size()); // held and released at 2 threads
        for (JsonNode r : doc.get("spin")) {
            assertTrue(r.get("jgil_speedup").asDouble() > 0 && r.get("cpython_speedup").asDouble() > 0, r.toString());
        }
        assertEquals(4000, doc.get("plus_equals").get("cpython_expected").asLong());
        assertTrue(doc.get("convoy").get("cpython_beside_cpu_p50_us").asDouble() > 0);
        assertTrue(out.toString().contains("CPython"), out.toString());
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
        // The FFM rows need JDK 22+ and jgil-ffm, which this test's class path lacks: one line says so.
        assertFalse(doc.has("ffm_call_ns"));
        assertEquals(1, out.toString().lines().filter(l -> l.startsWith("No FFM rows: ")).count(), out.toString());
    }
}
