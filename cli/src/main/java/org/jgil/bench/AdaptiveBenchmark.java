package org.jgil.bench;

import java.util.concurrent.TimeUnit;
import org.jgil.Gil;
import org.jgil.probe.NativeProbe;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The extension kit's release modes ({@code jgil.h}): never, always ({@code JGIL_BEGIN_ALLOW_THREADS}),
 * adaptive ({@code JGIL_BEGIN_ALLOW_THREADS_ADAPTIVE}: release when the call is long or the WAITERS
 * bit says somebody waits), around a short native call; and what a {@code jgil_cancelled()} poll
 * costs. {@code uncontended*}: one thread holding the lock, ns per call. {@code contended*}: two
 * threads each taking the lock, making the call and doing a little managed work; ns per operation
 * per thread.
 *
 * <p>Run: {@code ./jgil jmh Adaptive}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AdaptiveBenchmark {
    /** Length of the short native call, in ns. */
    @State(Scope.Benchmark)
    public static class Work {
        @Param({"0", "2000"})
        public long callNanos;
    }

    @Benchmark
    public void uncontendedNever(HoldingGil gil, Work w) {
        NativeProbe.shortCall(0, w.callNanos);
    }

    @Benchmark
    public void uncontendedAlways(HoldingGil gil, Work w) {
        NativeProbe.shortCall(1, w.callNanos);
    }

    @Benchmark
    public void uncontendedAdaptive(HoldingGil gil, Work w) {
        NativeProbe.shortCall(2, w.callNanos);
    }

    /** A released empty call plus one {@code jgil_cancelled()} poll: compare with uncontendedAlways at 0 ns. */
    @Benchmark
    public boolean uncontendedReleasedPoll(HoldingGil gil) {
        return NativeProbe.cancelledNow();
    }

    private static long managedWork(long seed) {
        long x = seed;
        for (int i = 0; i < 200; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }

    private static long contended(int mode, long nanos) {
        Gil.acquire();
        try {
            NativeProbe.shortCall(mode, nanos);
            return managedWork(nanos);
        } finally {
            Gil.release();
        }
    }

    @Benchmark
    @Threads(2)
    public long contendedNever(Work w) {
        return contended(0, w.callNanos);
    }

    @Benchmark
    @Threads(2)
    public long contendedAlways(Work w) {
        return contended(1, w.callNanos);
    }

    @Benchmark
    @Threads(2)
    public long contendedAdaptive(Work w) {
        return contended(2, w.callNanos);
    }
}
