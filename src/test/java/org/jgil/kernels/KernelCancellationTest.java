package org.jgil.kernels;

import static org.jgil.kernels.KernelTesting.held;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jgil.Gil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Long kernels running with the GIL released notice {@link Thread#interrupt()} and end with a
 * {@link CancellationException}, holding the GIL again. Each call would run for many seconds if the
 * interrupt were missed, so the timeout is what fails then.
 */
@Timeout(60)
class KernelCancellationTest {
    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private static void assertCancelled(String what, Executable call) {
        Thread.currentThread().interrupt();
        Gil.run(() -> {
            CancellationException e = assertThrows(CancellationException.class, call, what);
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
            assertTrue(Gil.isHeldByCurrentThread(), what + ": the GIL must be held again after a cancellation");
        });
        assertTrue(Thread.interrupted(), what + ": the interrupt status stays set");
    }

    @Test
    void everyLongKernelStopsWhenReleased() {
        for (Mode mode : new Mode[] {Mode.RELEASED, Mode.AUTO}) {
            assertCancelled("spin " + mode, () -> Synthetic.spin(60_000_000, 1, mode));
            assertCancelled("sleep " + mode, () -> Synthetic.sleep(60_000_000, mode));
            int n = 1536; // ~7 GFLOP: seconds even at full speed
            double[] a = new double[n * n], b = new double[n * n], c = new double[n * n];
            assertCancelled("gemm " + mode, () -> Blas.gemm(n, a, b, c, mode));
            int[] out = new int[2000 * 2000];
            assertCancelled("mandelbrot " + mode,
                    () -> Mandelbrot.compute(2000, 2000, -0.5, -0.01, 1e-5, 1e-5, 1_000_000, out, 0, mode));
            assertCancelled("montecarlo-pi " + mode, () -> MonteCarlo.hits(1L << 40, 3, mode));
            double[] bodies = NBody.randomState(20_000, 5);
            assertCancelled("nbody " + mode, () -> NBody.step(bodies, 1e-3, mode));
            assertCancelled("sieve " + mode, () -> Primes.countBelow(Integer.MAX_VALUE, mode));
        }
    }

    @Test
    void heldCallsRunToTheEnd() {
        long expected = held(() -> Synthetic.spin(3000, 9, Mode.JAVA));
        Thread.currentThread().interrupt();
        assertEquals(expected, (long) held(() -> Synthetic.spin(3000, 9, Mode.HELD)),
                "a held call cannot be cancelled and completes");
        assertTrue(Thread.interrupted());
    }

    @Test
    void interruptFromAnotherThreadEndsARunningCall() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                Gil.run(() -> {
                    started.countDown();
                    Synthetic.spin(60_000_000, 2, Mode.RELEASED);
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        worker.start();
        started.await();
        // The worker gave the GIL up inside the kernel, so this thread can take it meanwhile.
        Gil.run(() -> assertTrue(Gil.isHeldByCurrentThread()));
        worker.interrupt();
        worker.join();
        assertTrue(thrown.get() instanceof CancellationException, "expected a CancellationException, got "
                + thrown.get());
    }
}
