package org.jgil.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jgil.Gil;
import org.jgil.probe.NativeProbe;
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
 * What the lock costs per call, uncontended. Compare {@code releasedNativeCall} with
 * {@code bareNativeCall}: the difference is what {@code JGIL_BEGIN/END_ALLOW_THREADS} add (target:
 * at most 5 ns; CPython's own release and re-take, for comparison, is in docs/performance.md).
 *
 * <p>Run: {@code ./jgil overhead}, or {@code ./jgil jmh CallCost} for JMH's own output.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CallCostBenchmark {
    @State(Scope.Thread)
    public static class Plain {
        final ReentrantLock lock = new ReentrantLock();
    }

    @Benchmark
    public void bareNativeCall(HoldingGil gil) {
        NativeProbe.noop();
    }

    @Benchmark
    public void releasedNativeCall(HoldingGil gil) {
        NativeProbe.noopReleased();
    }

    @Benchmark
    public void checkpoint(HoldingGil gil) {
        Gil.checkpoint();
    }

    @Benchmark
    public void javaAcquireRelease() {
        Gil.acquire();
        Gil.release();
    }

    @Benchmark
    public void javaEnsureNested(HoldingGil gil) {
        Gil.ensure().close();
    }

    @Benchmark
    public void reentrantLockBaseline(Plain plain) {
        plain.lock.lock();
        plain.lock.unlock();
    }
}
