package org.jgil.bench;

import java.util.concurrent.TimeUnit;
import org.jgil.Gil;
import org.jgil.probe.NativeProbe;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What statistics cost: each call measured in a fork without and a fork with {@code -Djgil.stats=true}
 * (the flag is fixed per JVM). Targets: at most 2 ns more on the uncontended release+reacquire, at
 * most 10% more on a contended acquire. Run: {@code ./jgil jmh StatsCost}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StatsCostBenchmark {
    private static final String STATS = "-Djgil.stats=true";

    @Benchmark
    public void releasedNativeCall(HoldingGil gil) {
        NativeProbe.noopReleased();
    }

    @Benchmark
    @Fork(jvmArgsAppend = STATS)
    public void releasedNativeCallStats(HoldingGil gil) {
        NativeProbe.noopReleased();
    }

    @Benchmark
    public void javaAcquireRelease() {
        Gil.acquire();
        Gil.release();
    }

    @Benchmark
    @Fork(jvmArgsAppend = STATS)
    public void javaAcquireReleaseStats() {
        Gil.acquire();
        Gil.release();
    }

    @Benchmark
    @Group("contended")
    @GroupThreads(2)
    public void contendedAcquireRelease() {
        Gil.acquire();
        Gil.release();
    }

    @Benchmark
    @Group("contendedStats")
    @GroupThreads(2)
    @Fork(jvmArgsAppend = STATS)
    public void contendedAcquireReleaseStats() {
        Gil.acquire();
        Gil.release();
    }
}
