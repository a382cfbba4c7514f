package org.jgil.bench;

import java.util.concurrent.TimeUnit;
import org.jgil.CriticalSection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a {@link CriticalSection} costs around a one-field update, uncontended. Under a locking policy
 * (the default fork) compare {@code section} and {@code twoObjectSection} with {@code bare}: the
 * difference is what code written for both worlds pays under the GIL (target: at most 1 ns). The
 * {@code *None} benchmarks run in a fork with {@code -Djgil.policy=none}, where a section takes a
 * striped lock: the per-object locking a free-threaded runtime pays on every operation.
 *
 * <p>Run: {@code ./jgil jmh CriticalSection}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CriticalSectionBenchmark {
    private static final String NONE = "-Djgil.policy=none";

    /** The shared objects: a counter each, nothing atomic. */
    @State(Scope.Thread)
    public static class Target {
        long counter;
        final Other other = new Other();
    }

    /** The second object of a two-object section. */
    static final class Other {
        long counter;
    }

    @Benchmark
    public long bare(HoldingGil gil, Target t) {
        return ++t.counter;
    }

    @Benchmark
    public long section(HoldingGil gil, Target t) {
        try (CriticalSection cs = CriticalSection.enter(t)) {
            return ++t.counter;
        }
    }

    @Benchmark
    public long twoObjectSection(HoldingGil gil, Target t) {
        try (CriticalSection cs = CriticalSection.enter(t, t.other)) {
            t.other.counter--;
            return ++t.counter;
        }
    }

    @Benchmark
    @Fork(jvmArgsAppend = NONE)
    public long bareNone(HoldingGil gil, Target t) {
        return ++t.counter;
    }

    @Benchmark
    @Fork(jvmArgsAppend = NONE)
    public long sectionNone(HoldingGil gil, Target t) {
        try (CriticalSection cs = CriticalSection.enter(t)) {
            return ++t.counter;
        }
    }

    @Benchmark
    @Fork(jvmArgsAppend = NONE)
    public long twoObjectSectionNone(HoldingGil gil, Target t) {
        try (CriticalSection cs = CriticalSection.enter(t, t.other)) {
            t.other.counter--;
            return ++t.counter;
        }
    }
}
