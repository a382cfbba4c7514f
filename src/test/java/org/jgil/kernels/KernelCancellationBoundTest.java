package org.jgil.kernels;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import org.jgil.Gil;

/**
 * Every cancellable kernel, released, stops soon after {@link Thread#interrupt()} whatever the
 * shape of its input, on every instruction set: the degenerate shapes are the point (one pixel
 * with {@code maxIter = Integer.MAX_VALUE}, gemm with m = n = 1 and a long k, a single n-body sum
 * longer than a step), because a kernel that budgets its polls in units such shapes barely
 * produce (pixels, useful flops) runs on for seconds, or never polls at all.
 *
 * <p>Each try runs the kernel in a loop in a worker thread (so that a call that ends before the
 * interrupt is followed by one that must notice it) and interrupts the worker after a short
 * delay. The assertion is generous, 2 s, so that a loaded machine cannot make it flaky; the
 * latencies are recorded and their p99 printed, which is the figure to compare with the 10 ms the
 * kernels promise (on an idle machine).
 */
class KernelCancellationBoundTest {
    private static final long BOUND_MILLIS = 2000;
    private static final Mode R = Mode.RELEASED;
    private static final Map<String, Long> LATENCIES = Collections.synchronizedMap(new java.util.HashMap<>());
    private static final Map<Shape, Runnable> CALLS = new EnumMap<>(Shape.class);

    /** A kernel and an input shape; each call runs far longer than the delay before the interrupt. */
    enum Shape {
        SPIN_60_S(() -> () -> Synthetic.spin(60_000_000, 1, R)),
        SLEEP_60_S(() -> () -> Synthetic.sleep(60_000_000, R)),
        GEMM_1536_SQUARE(() -> gemm(1536, 1536, 1536)),
        GEMM_1X1_LONG_K(() -> gemm(1, 1, 1 << 22)),
        GEMM_TALL_M_1X1(() -> gemm(1 << 22, 1, 1)),
        GEMM_WIDE_N_1X1(() -> gemm(1, 1 << 22, 1)),
        GEMM_13X13_LONG_K(() -> gemm(13, 13, 1 << 18)),
        GEMM_EMPTY_K(() -> gemm(3000, 3000, 0)),
        MANDELBROT_ONE_PIXEL_MAX_ITER(() -> mandelbrot(1, 1, Integer.MAX_VALUE)),
        MANDELBROT_THREE_PIXELS_MAX_ITER(() -> mandelbrot(3, 1, Integer.MAX_VALUE)),
        MANDELBROT_ROW_64_1E8(() -> mandelbrot(64, 1, 100_000_000)),
        MANDELBROT_COLUMN_64_1E8(() -> mandelbrot(1, 64, 100_000_000)),
        MANDELBROT_2000_SQUARE_MAX_ITER_1(() -> mandelbrot(2000, 2000, 1)),
        MONTECARLO_LONG_MAX(() -> () -> MonteCarlo.hits(Long.MAX_VALUE, 3, R)),
        NBODY_ONE_MILLION(() -> nbody(1 << 20)),
        NBODY_2000(() -> nbody(2000)),
        SIEVE_INT_MAX(() -> () -> Primes.countBelow(Integer.MAX_VALUE, R)),
        SIEVE_100_MILLION(() -> () -> Primes.countBelow(100_000_000, R));

        final Supplier<Runnable> prepare;

        Shape(Supplier<Runnable> prepare) {
            this.prepare = prepare;
        }
    }

    private static Runnable gemm(int m, int n, int k) {
        double[] a = new double[m * k], b = new double[k * n], c = new double[m * n];
        java.util.Arrays.fill(a, 0.5);
        java.util.Arrays.fill(b, 0.25);
        return () -> Blas.gemm(m, n, k, a, 0, b, 0, c, 0, R);
    }

    /** Pixels from (-0.2, -0.1) with small steps: inside the main cardioid, so none ever escapes. */
    private static Runnable mandelbrot(int width, int height, int maxIter) {
        int[] out = new int[width * height];
        double step = maxIter > 1 ? 1e-3 : 1e-4;
        return () -> Mandelbrot.compute(width, height, -0.2, -0.1, step, step, maxIter, out, 0, R);
    }

    private static Runnable nbody(int n) {
        double[] state = NBody.randomState(n, 11);
        return () -> NBody.step(state, 1e-9, R);
    }

    @Property(tries = 200, generation = GenerationMode.EXHAUSTIVE)
    void everyCancellableKernelStopsSoonAfterAnInterrupt(@ForAll Shape shape, @ForAll Isa isa,
            @ForAll @IntRange(min = 0, max = 1) int lateInterrupt) throws InterruptedException {
        if (!isa.isSupported()) {
            return;
        }
        Isa.select(isa);
        Runnable call = CALLS.computeIfAbsent(shape, s -> s.prepare.get());
        CountDownLatch started = new CountDownLatch(1);
        long[] interruptedAt = new long[1];
        long[] stoppedAt = new long[1];
        Throwable[] failure = new Throwable[1];
        Thread worker = new Thread(() -> {
            try {
                Gil.run(() -> {
                    started.countDown();
                    while (true) {
                        call.run(); // returns only if it ended before it noticed the interrupt
                    }
                });
            } catch (CancellationException e) {
                stoppedAt[0] = System.nanoTime();
                if (!Thread.currentThread().isInterrupted()) {
                    failure[0] = new AssertionError("the interrupt status must stay set", e);
                }
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "cancel-" + shape);
        worker.setDaemon(true); // should it never stop, it must not keep the test JVM alive
        worker.start();
        started.await();
        // Interrupt either at once (the first step must see it) or once the work is under way.
        Thread.sleep(lateInterrupt * 15L);
        interruptedAt[0] = System.nanoTime();
        worker.interrupt();
        worker.join(BOUND_MILLIS);
        if (worker.isAlive()) {
            fail(shape + " on " + isa + " did not stop within " + BOUND_MILLIS + " ms of Thread.interrupt()");
        }
        assertNull(failure[0], () -> shape + " on " + isa + ": " + failure[0]);
        assertTrue(stoppedAt[0] != 0, shape + " on " + isa + " ended without a CancellationException");
        LATENCIES.put(shape + " " + isa + (lateInterrupt == 1 ? " late" : " at once"),
                stoppedAt[0] - interruptedAt[0]);
    }

    @AfterTry
    void leaveNoInterrupt() {
        Thread.interrupted();
        Isa.select(Isa.best());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @AfterContainer
    static void reportLatencies() {
        CALLS.clear();
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(LATENCIES.entrySet());
        if (sorted.isEmpty()) {
            return;
        }
        sorted.sort(Map.Entry.comparingByValue());
        System.out.println(String.format(Locale.ROOT,
                "[jgil] cancellation latency over %d cases (kernel x shape x isa x delay): p50 %.2f ms, "
                        + "p99 %.2f ms, max %.2f ms (promised: 10 ms, on an idle machine); slowest: %s",
                sorted.size(), percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100),
                sorted.subList(Math.max(0, sorted.size() - 3), sorted.size())));
    }

    private static double percentile(List<Map.Entry<String, Long>> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, i)).getValue() / (double) TimeUnit.MILLISECONDS.toNanos(1);
    }
}
