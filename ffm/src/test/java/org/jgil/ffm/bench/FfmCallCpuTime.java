package org.jgil.ffm.bench;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import org.jgil.Gil;
import org.jgil.Released;

/**
 * The calls of {@link FfmCallCostBenchmark} timed by the calling thread's CPU time instead of
 * wall time, for a machine too busy for JMH: preemption then costs the loop nothing, and the
 * minimum over rounds (each round runs every variant) drops what cache disturbance remains. A
 * cross-check of differences, not a replacement for JMH on a quiet machine.
 *
 * <p>Run: {@code JAVA_HOME=<jdk 22+> mvn -f ffm/pom.xml test-compile exec:exec@cputime
 * [-Dcputime.rounds=15]}.
 */
public final class FfmCallCpuTime {
    private static final int CALLS = 2_000_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private FfmCallCpuTime() {}

    private interface Loop {
        double run() throws Throwable;
    }

    // One loop per handle, each on a static final field: a loop over a handle passed in would
    // call through a handle the JIT cannot fold to a constant, and time that instead.

    private static double bare() throws Throwable {
        double s = 0;
        for (int i = 0; i < CALLS; i++) {
            s += (double) FfmCallCostBenchmark.BARE.invokeExact(MemorySegment.NULL, 0L);
        }
        return s;
    }

    private static double held() throws Throwable {
        double s = 0;
        for (int i = 0; i < CALLS; i++) {
            s += (double) FfmCallCostBenchmark.HELD.invokeExact(MemorySegment.NULL, 0L);
        }
        return s;
    }

    private static double ensured() throws Throwable {
        double s = 0;
        for (int i = 0; i < CALLS; i++) {
            s += (double) FfmCallCostBenchmark.ENSURED.invokeExact(MemorySegment.NULL, 0L);
        }
        return s;
    }

    private static double released() throws Throwable {
        double s = 0;
        for (int i = 0; i < CALLS; i++) {
            s += (double) FfmCallCostBenchmark.RELEASED.invokeExact(MemorySegment.NULL, 0L);
        }
        return s;
    }

    private static double releasedThroughJava() throws Throwable {
        double s = 0;
        for (int i = 0; i < CALLS; i++) {
            try (Released nogil = Gil.allowThreads()) {
                s += (double) FfmCallCostBenchmark.BARE.invokeExact(MemorySegment.NULL, 0L);
            }
        }
        return s;
    }

    /** CPU nanoseconds per call of one pass of {@code loop}. */
    private static double perCall(Loop loop) throws Throwable {
        long start = THREADS.getCurrentThreadCpuTime();
        if (loop.run() != 0) {
            throw new AssertionError("an empty sum is 0");
        }
        return (THREADS.getCurrentThreadCpuTime() - start) / (double) CALLS;
    }

    public static void main(String[] args) throws Throwable {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        String[] names = {"bare", "held", "ensured", "released", "releasedThroughJava"};
        Loop[] loops = {FfmCallCpuTime::bare, FfmCallCpuTime::held, FfmCallCpuTime::ensured,
            FfmCallCpuTime::released, FfmCallCpuTime::releasedThroughJava};
        double[] best = new double[loops.length];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        Gil.acquire(); // as managed code holds it
        try {
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < loops.length; k++) {
                    best[k] = Math.min(best[k], perCall(loops[k]));
                }
            }
        } finally {
            Gil.release();
        }
        System.out.printf(Locale.ROOT, "thread CPU time per call, minimum of %d rounds of %,d calls:%n", rounds,
                CALLS);
        for (int k = 0; k < loops.length; k++) {
            System.out.printf(Locale.ROOT, "  %-20s %6.2f ns%s%n", names[k], best[k],
                    k == 0 ? "" : String.format(Locale.ROOT, "  (%+.2f ns over bare)", best[k] - best[0]));
        }
    }
}
