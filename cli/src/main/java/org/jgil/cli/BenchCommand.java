package org.jgil.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.jgil.kernels.Kernel;
import org.jgil.kernels.Kernels;
import org.jgil.kernels.Mode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run one kernel from several threads and modes: throughput and speed-up.",
            "Modes: held (lock kept across the call), released (JGIL_BEGIN/END_ALLOW_THREADS),",
            "auto (released only when the call is big enough), java (the same maths in Java, under the lock)."})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(names = "--kernel", paramLabel = "K", defaultValue = "spin",
            description = "Kernel to run (see 'jgil kernels'; default: ${DEFAULT-VALUE}).")
    String kernel;

    @Option(names = "--threads", paramLabel = "N,N,..", description = "Thread counts (default: 1 to 2x the cores).")
    String threads;

    @Option(names = "--mode", paramLabel = "M,M,..", defaultValue = "held,released,auto,java",
            description = "Modes (default: ${DEFAULT-VALUE}).")
    String modes;

    @Option(names = "--binding", paramLabel = "B", defaultValue = "jni",
            description = "How the native modes call the kernels: jni, or ffm (FFM downcalls of the same "
                    + "library; JDK 22+). Default: ${DEFAULT-VALUE}.")
    String binding;

    @Option(names = "--work-us", paramLabel = "N", defaultValue = "0",
            description = "Work per call in microseconds, for kernels sized by time (spin, sleep); 0: the kernel's default.")
    long workMicros;

    @Option(names = "--size", paramLabel = "N", defaultValue = "0",
            description = "Problem size (elements, matrix order, grid side...); 0: the kernel's default.")
    int size;

    @Option(names = "--duration-s", paramLabel = "S", defaultValue = "1",
            description = "Measured seconds per point (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = "--warmup-s", paramLabel = "S", defaultValue = "0.3",
            description = "Warm-up seconds before each point (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for the kernels' inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
    Path json;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the results as CSV.")
    Path csv;

    @Option(names = "--chart", paramLabel = "FILE", description = "Write a speed-up chart (PNG).")
    Path chart;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        global.apply();
        Kernel k = Bindings.kernel(Kernels.byName(kernel), binding);
        List<Mode> modeList = Grid.parseModes(modes);
        List<Integer> threadList = Grid.parseThreads(threads == null ? Grid.defaultThreads() : threads);
        if (durationSeconds <= 0 || warmupSeconds < 0) {
            throw new IllegalArgumentException("--duration-s must be > 0 and --warmup-s >= 0");
        }
        if (size < 0 || workMicros < 0) {
            throw new IllegalArgumentException("--size and --work-us must be >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        Case c = Case.of(k, size, workMicros, seed);
        Results results = Grid.run(List.of(c), modeList, threadList, seconds(warmupSeconds), seconds(durationSeconds), out);
        results.printTable(out);
        if (json != null) {
            results.writeJson(json);
            out.println("Wrote " + json);
        }
        if (csv != null) {
            results.writeCsv(csv);
            out.println("Wrote " + csv);
        }
        if (chart != null) {
            Charts.speedupChart(results, c, chart);
            out.println("Wrote " + chart);
        }
        return 0;
    }

    static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }
}
