package org.jgil.ffm.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.jgil.Gil;
import org.jgil.Released;
import org.jgil.ffm.FfmKernels;
import org.jgil.ffm.GilLinker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the lock adds to an FFM downcall, uncontended: the same empty call ({@code jgil_k_sum} of
 * no elements, which returns at once) bare, held, critical-held, and released and re-taken (by
 * libjgil, and through Java's pair for comparison). The difference
 * {@code releasedDowncall - bareDowncall} is the lock's cost (target: at most 10 ns);
 * {@code heldDowncall - bareDowncall} should be nothing measurable (outside checked mode a held
 * handle is the downcall itself); {@code ensuredDowncall} pays the owner check that
 * {@code GilLinker.ensured} makes on every call. The JNI counterparts are in
 * the command line's CallCostBenchmark ({@code ./jgil overhead}).
 *
 * <p>Run: {@code JAVA_HOME=<jdk 22+> mvn -f ffm/pom.xml test-compile exec:exec@bench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FfmCallCostBenchmark {
    private static final FunctionDescriptor SUM = FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, JAVA_LONG);
    static final MethodHandle BARE = GilLinker.downcall(FfmKernels.library(), "jgil_k_sum", SUM);
    static final MethodHandle HELD = GilLinker.held(BARE);
    static final MethodHandle ENSURED = GilLinker.ensured(BARE);
    static final MethodHandle CRITICAL = GilLinker.heldCritical(FfmKernels.library(), "jgil_k_sum", SUM);
    static final MethodHandle RELEASED = GilLinker.released(BARE);

    /** The benchmark thread holds the lock for the whole trial, as managed code would. */
    @State(Scope.Thread)
    public static class HoldingGil {
        @Setup(Level.Trial)
        public void take() {
            Gil.acquire();
        }

        @TearDown(Level.Trial)
        public void give() {
            Gil.release();
        }
    }

    @Benchmark
    public double bareDowncall(HoldingGil gil) throws Throwable {
        return (double) BARE.invokeExact(MemorySegment.NULL, 0L);
    }

    @Benchmark
    public double heldDowncall(HoldingGil gil) throws Throwable {
        return (double) HELD.invokeExact(MemorySegment.NULL, 0L);
    }

    @Benchmark
    public double ensuredDowncall(HoldingGil gil) throws Throwable {
        return (double) ENSURED.invokeExact(MemorySegment.NULL, 0L);
    }

    @Benchmark
    public double criticalHeldDowncall(HoldingGil gil) throws Throwable {
        return (double) CRITICAL.invokeExact(MemorySegment.NULL, 0L);
    }

    @Benchmark
    public double releasedDowncall(HoldingGil gil) throws Throwable {
        return (double) RELEASED.invokeExact(MemorySegment.NULL, 0L);
    }

    /**
     * The same call released through Java's pair, {@code Gil.allowThreads()} and its close(): what
     * {@code released} does where libjgil's release does not apply (waiters, checked mode,
     * statistics, a JFR recording, a virtual thread), and did always before it.
     */
    @Benchmark
    public double releasedThroughJava(HoldingGil gil) throws Throwable {
        try (Released nogil = Gil.allowThreads()) {
            return (double) BARE.invokeExact(MemorySegment.NULL, 0L);
        }
    }

    /** The Java pair alone, for reference: Gil.allowThreads() and its close(). */
    @Benchmark
    public void allowThreadsPair(HoldingGil gil) {
        Gil.allowThreads().close();
    }
}
