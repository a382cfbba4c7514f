package org.jgil.ffm;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.jgil.Gil;
import org.jgil.kernels.Blas;
import org.jgil.kernels.Mandelbrot;
import org.jgil.kernels.Mode;
import org.jgil.kernels.MonteCarlo;
import org.jgil.kernels.NBody;
import org.jgil.kernels.Primes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The C entry points through FFM against the same kernels through JNI: one library, the same code,
 * so the same bits in every mode.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FfmKernelsTest {
    /** A test body: runs holding the lock (kernels are called holding it, whatever the mode). */
    interface Body {
        void run(Arena arena);
    }

    private static void holding(Body body) {
        try (Arena arena = Arena.ofConfined()) {
            Gil.run(() -> body.run(arena));
        }
    }

    private static MemorySegment copy(Arena arena, double[] values) {
        return arena.allocateFrom(JAVA_DOUBLE, values);
    }

    private static double[] random(int n, long seed) {
        Random r = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextDouble() - 0.5;
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"HELD", "RELEASED", "AUTO"})
    void blasLevelOneAgreesWithJni(Mode mode) {
        holding(arena -> {
            double[] x = random(1001, 1), y = random(1001, 2);
            assertEquals(Blas.dot(x, y, Mode.HELD), FfmKernels.dot(copy(arena, x), copy(arena, y), x.length, mode));
            assertEquals(Blas.sum(x, Mode.HELD), FfmKernels.sum(copy(arena, x), x.length, mode));
            double[] jni = y.clone();
            Blas.axpy(0.75, x, jni, Mode.HELD);
            MemorySegment ffm = copy(arena, y);
            FfmKernels.axpy(0.75, copy(arena, x), ffm, x.length, mode);
            assertArrayEquals(jni, ffm.toArray(JAVA_DOUBLE));
        });
    }

    @Test
    void heldTakesHeapArraysWithoutACopy() {
        holding(arena -> {
            double[] x = random(64, 3), y = random(64, 4);
            assertEquals(Blas.dot(x, y, Mode.HELD),
                    FfmKernels.dot(MemorySegment.ofArray(x), MemorySegment.ofArray(y), 64, Mode.HELD));
            FfmKernels.axpy(2, MemorySegment.ofArray(x), MemorySegment.ofArray(y), 64, Mode.HELD);
            double[] expected = random(64, 4);
            Blas.axpy(2, x, expected, Mode.HELD);
            assertArrayEquals(expected, y);
        });
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"HELD", "RELEASED", "AUTO"})
    void longKernelsAgreeWithJni(Mode mode) {
        holding(arena -> {
            int m = 37, n = 29, k = 41;
            double[] a = random(m * k, 5), b = random(k * n, 6), c = new double[m * n];
            Blas.gemm(m, n, k, a, 0, b, 0, c, 0, Mode.HELD);
            MemorySegment cs = arena.allocate(JAVA_DOUBLE, (long) m * n);
            FfmKernels.gemm(m, n, k, copy(arena, a), copy(arena, b), cs, mode);
            assertArrayEquals(c, cs.toArray(JAVA_DOUBLE));

            int[] grid = new int[64 * 48];
            Mandelbrot.compute(64, 48, -2, -1.2, 3.0 / 64, 2.4 / 48, 200, grid, 0, Mode.HELD);
            MemorySegment out = arena.allocate(JAVA_INT, grid.length);
            assertEquals(48, FfmKernels.mandelbrot(64, 48, -2, -1.2, 3.0 / 64, 2.4 / 48, 200, out, mode));
            assertArrayEquals(grid, out.toArray(JAVA_INT));

            assertEquals(MonteCarlo.hits(100_003, 7, Mode.HELD), FfmKernels.montecarloHits(100_003, 7, mode));
            assertEquals(Primes.countBelow(1_000_000, Mode.HELD), FfmKernels.countPrimesBelow(1_000_000, mode));
            assertEquals(78_498, FfmKernels.countPrimesBelow(1_000_000, mode));

            double[] bodies = NBody.randomState(50, 8);
            MemorySegment state = copy(arena, bodies);
            NBody.step(bodies, 0.01, Mode.HELD);
            FfmKernels.nbodyStep(state, 50, 0.01, mode);
            assertArrayEquals(bodies, state.toArray(JAVA_DOUBLE));

            FfmKernels.sleep(100, mode);
        });
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"HELD", "RELEASED", "AUTO"})
    void spinRunsTheSameRecurrenceAsJava(Mode mode) {
        holding(arena -> {
            long iterations = FfmKernels.spinIterations(20);
            assertTrue(iterations > 0);
            long x = 12345;
            for (long i = 0; i < iterations; i++) {
                x ^= x >>> 29;
                x *= 0xbf58476d1ce4e5b9L;
            }
            assertEquals(x, FfmKernels.spin(20, 12345, mode));
        });
    }

    @Test
    void badArgumentsAreJavaExceptions() {
        holding(arena -> {
            MemorySegment small = arena.allocate(JAVA_DOUBLE, 3);
            assertThrows(IllegalArgumentException.class, () -> FfmKernels.dot(small, small, 4, Mode.HELD));
            assertThrows(IllegalArgumentException.class, () -> FfmKernels.sum(small, -1, Mode.RELEASED));
            assertThrows(IllegalArgumentException.class, () -> FfmKernels.axpy(1, small, small.asSlice(8), 2,
                    Mode.HELD));
            assertThrows(IllegalArgumentException.class,
                    () -> FfmKernels.gemm(2, 2, 2, small, small, small, Mode.HELD));
            assertThrows(IllegalArgumentException.class, () -> FfmKernels.countPrimesBelow(-1, Mode.HELD));
            assertThrows(IllegalArgumentException.class, () -> FfmKernels.spin(1, 1, Mode.JAVA));
            assertThrows(NullPointerException.class, () -> FfmKernels.sum(null, 0, Mode.HELD));
        });
    }

    @Test
    void releasedLongKernelsStopOnInterrupt() throws InterruptedException {
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        AtomicReference<Boolean> interrupted = new AtomicReference<>();
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        Thread t = new Thread(() -> {
            Gil.acquire();
            try {
                holding.countDown();
                FfmKernels.sleep(3_600_000_000L, Mode.RELEASED);
            } catch (Throwable e) {
                outcome.set(e);
            } finally {
                interrupted.set(Thread.currentThread().isInterrupted());
                Gil.release();
            }
        });
        t.start();
        holding.await();
        Gil.acquire(); // the sleeper gave the lock up: it is in its call
        Gil.release();
        t.interrupt();
        t.join();
        assertTrue(outcome.get() instanceof CancellationException, "got " + outcome.get());
        assertTrue(interrupted.get());
    }
}
