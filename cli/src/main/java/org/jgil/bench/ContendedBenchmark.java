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
 * Two threads competing for the lock: every acquire may have to wait and every release may have
 * to wake somebody, so this measures the slow path (the scheduler), not the CAS.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ContendedBenchmark {
    @Benchmark
    @Group("javaAcquireRelease")
    @GroupThreads(2)
    public void javaAcquireRelease() {
        Gil.acquire();
        Gil.release();
    }

    @Benchmark
    @Group("releasedNativeCall")
    @GroupThreads(2)
    public void releasedNativeCall() {
        Gil.acquire();
        try {
            NativeProbe.noopReleased();
        } finally {
            Gil.release();
        }
    }
}
