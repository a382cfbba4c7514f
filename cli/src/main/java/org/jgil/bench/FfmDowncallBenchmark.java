package org.jgil.bench;

import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the lock adds to an FFM downcall, uncontended, beside {@link CallCostBenchmark}'s JNI call:
 * one empty downcall ({@code jgil_k_sum} of no elements) bare, released and re-taken
 * ({@code GilLinker.released}), held ({@code GilLinker.held}: the downcall itself outside checked
 * mode) and ensured ({@code GilLinker.ensured}: an owner check per call). This command line is built for
 * Java 17, so the downcalls come from jgil-ffm at run time ({@code FfmBinding.emptyCall}, typed
 * {@code ()double}); without JDK 22+ and jgil-ffm every benchmark here fails in its setup, saying
 * why. jgil-ffm's own FfmCallCostBenchmark times the same calls with their arguments.
 *
 * <p>Run: {@code ./jgil overhead} on JDK 22+, or {@code ./jgil jmh FfmDowncall}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FfmDowncallBenchmark {
    static final String BINDING = "org.jgil.ffm.FfmBinding";
    static final MethodHandle BARE = emptyCall("bare");
    static final MethodHandle RELEASED = emptyCall("released");
    static final MethodHandle HELD = emptyCall("held");
    static final MethodHandle ENSURED = emptyCall("ensured");

    /** Fails the trial, saying why, where the downcalls cannot be made. */
    @State(Scope.Benchmark)
    public static class Available {
        @Setup(Level.Trial)
        public void check() {
            if (BARE == null) {
                throw new IllegalStateException(unavailable());
            }
        }
    }

    /** Why FFM downcalls cannot be timed here, or null if they can. */
    public static String unavailable() {
        if (Runtime.version().feature() < 22) {
            return "FFM downcalls need JDK 22 or later, this is JDK " + Runtime.version().feature()
                    + " (put a JDK 22+ java first on the PATH to run ./jgil on it)";
        }
        try {
            Class.forName(BINDING);
            return null;
        } catch (ClassNotFoundException e) {
            return "jgil-ffm (ffm/target/jgil-ffm.jar) is missing; ./jgil builds it when it runs on JDK 22+";
        }
    }

    private static MethodHandle emptyCall(String how) {
        if (unavailable() != null) {
            return null;
        }
        try {
            return (MethodHandle) Class.forName(BINDING).getMethod("emptyCall", String.class).invoke(null, how);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(BINDING + " is not the one this command line knows", e);
        }
    }

    @Benchmark
    public double bareDowncall(HoldingGil gil, Available ffm) throws Throwable {
        return (double) BARE.invokeExact();
    }

    @Benchmark
    public double releasedDowncall(HoldingGil gil, Available ffm) throws Throwable {
        return (double) RELEASED.invokeExact();
    }

    @Benchmark
    public double heldDowncall(HoldingGil gil, Available ffm) throws Throwable {
        return (double) HELD.invokeExact();
    }

    @Benchmark
    public double ensuredDowncall(HoldingGil gil, Available ffm) throws Throwable {
        return (double) ENSURED.invokeExact();
    }
}
