package org.jgil.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jgil.bench.CallCostBenchmark;
import org.jgil.bench.FfmDowncallBenchmark;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Per-call costs of the lock, measured with JMH, and the handoff time between two threads. */
@Command(name = "overhead", mixinStandardHelpOptions = true,
        description = {"Per-call costs of the lock (JMH) and the handoff time between threads.",
            "A bare native call, the same call with the lock released and re-taken, a Java",
            "acquire+release, and the time to hand the lock to a parked thread (median, p99).",
            "On JDK 22+ also an FFM downcall: bare, released and re-taken, held."})
final class OverheadCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
    Path json;

    @Option(names = "--quick", description = "Short JMH runs (1 warm-up, 2 measured iterations of 200 ms): "
            + "a smoke test, not a measurement.")
    boolean quick;

    @Option(names = "--handoffs", paramLabel = "N", defaultValue = "20000",
            description = "Handoffs to time (default: ${DEFAULT-VALUE}).")
    int handoffs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        global.apply();
        PrintWriter out = spec.commandLine().getOut();
        String noFfm = FfmDowncallBenchmark.unavailable();
        out.println("Measuring per-call costs with JMH (" + (quick ? "one fork; about " + (noFfm == null ? 17 : 10)
                : "three forks; about " + (noFfm == null ? 175 : 110)) + " s)...");
        out.flush();
        Map<String, Double> ns = runJmh(noFfm == null);
        long[] handoff = Handoff.measure(handoffs);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("jni_call_ns", round(ns.get("bareNativeCall")));
        result.put("release_reacquire_ns", round(ns.get("releasedNativeCall")));
        result.put("gil_overhead_ns", round(ns.get("releasedNativeCall") - ns.get("bareNativeCall")));
        result.put("java_acquire_release_ns", round(ns.get("javaAcquireRelease")));
        result.put("checkpoint_ns", round(ns.get("checkpoint")));
        result.put("reentrant_lock_ns", round(ns.get("reentrantLockBaseline")));
        result.put("handoff_us_p50", round(Handoff.percentileMicros(handoff, 50)));
        result.put("handoff_us_p99", round(Handoff.percentileMicros(handoff, 99)));
        result.put("handoffs", handoffs);
        if (noFfm == null) {
            result.put("ffm_call_ns", round(ns.get("bareDowncall")));
            result.put("ffm_released_ns", round(ns.get("releasedDowncall")));
            result.put("ffm_gil_overhead_ns", round(ns.get("releasedDowncall") - ns.get("bareDowncall")));
            result.put("ffm_held_ns", round(ns.get("heldDowncall")));
            result.put("ffm_held_overhead_ns", round(ns.get("heldDowncall") - ns.get("bareDowncall")));
            result.put("ffm_ensured_ns", round(ns.get("ensuredDowncall")));
            result.put("ffm_ensured_overhead_ns", round(ns.get("ensuredDowncall") - ns.get("bareDowncall")));
        }
        result.put("machine", MachineInfo.describe());

        TextTable table = new TextTable("what", "cost", "target")
                .row("bare native call (JNI)", ns(result, "jni_call_ns"), "")
                .row("same call in JGIL_BEGIN/END_ALLOW_THREADS", ns(result, "release_reacquire_ns"), "")
                .row("  lock overhead (difference)", ns(result, "gil_overhead_ns"),
                        atMost(result, "gil_overhead_ns", 5));
        if (noFfm == null) {
            table.row("bare FFM downcall", ns(result, "ffm_call_ns"), "")
                    .row("same downcall, GilLinker.released", ns(result, "ffm_released_ns"), "")
                    .row("  lock overhead (difference)", ns(result, "ffm_gil_overhead_ns"),
                            atMost(result, "ffm_gil_overhead_ns", 10))
                    .row("same downcall, GilLinker.held", ns(result, "ffm_held_ns"), "")
                    .row("  lock overhead (difference)", ns(result, "ffm_held_overhead_ns"), "~0 ns")
                    .row("same downcall, GilLinker.ensured", ns(result, "ffm_ensured_ns"), "")
                    .row("  owner check (difference)", ns(result, "ffm_ensured_overhead_ns"), "");
        }
        table
                .row("Java Gil.acquire()+release()", ns(result, "java_acquire_release_ns"),
                        atMost(result, "java_acquire_release_ns", 10))
                .row("Gil.checkpoint(), nobody waiting", ns(result, "checkpoint_ns"), "")
                .row("ReentrantLock lock+unlock (reference)", ns(result, "reentrant_lock_ns"), "")
                .row("handoff to a parked thread, median", result.get("handoff_us_p50") + " us", "")
                .row("handoff to a parked thread, p99", result.get("handoff_us_p99") + " us", "")
                .print(out);
        out.println("Differences of a nanosecond or so, either way, are noise between JVMs; a target missed on a "
                + "busy machine says little: compare on a quiet one (load average below the cores).");
        if (noFfm != null) {
            out.println("No FFM rows: " + noFfm + ".");
        }
        if (json != null) {
            Json.write(json, result);
            out.println("Wrote " + json);
        }
        return 0;
    }

    private static String ns(Map<String, Object> r, String key) {
        return r.get(key) + " ns";
    }

    /** The target, and whether this run met it. */
    private static String atMost(Map<String, Object> r, String key, double limit) {
        double v = ((Number) r.get(key)).doubleValue();
        return "<= " + (long) limit + " ns" + (v <= limit ? "" : ": not met");
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private Map<String, Double> runJmh(boolean ffm) throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(CallCostBenchmark.class.getName() + "\\.")
                // Three forks: the difference of two ~10 ns figures moves by a nanosecond or two
                // between JVMs (code layout, JIT choices) on this machine; one fork is not enough.
                .forks(quick ? 1 : 3)
                .warmupIterations(2)
                .measurementIterations(3)
                .jvmArgsAppend("-Djgil.policy=" + global.policy, "-Djgil.switchInterval=" + global.switchInterval)
                .verbosity(VerboseMode.SILENT);
        if (ffm) {
            options.include(FfmDowncallBenchmark.class.getName() + "\\.");
        }
        if (quick) {
            options.warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
                    .measurementIterations(2).measurementTime(TimeValue.milliseconds(200));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, Double> ns = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            ns.put(name.substring(name.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
        }
        return ns;
    }
}
