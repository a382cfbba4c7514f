package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jgil.kernels.Blas;
import org.jgil.kernels.Mandelbrot;
import org.jgil.kernels.Mode;
import org.jgil.kernels.Synthetic;
import org.jgil.probe.NativeProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thread.interrupt() reaches a native kernel in a released section: through the flag that
 * jgil_cancelled() polls, and through the unblocking function of a cancellable section.
 */
@Timeout(60)
class CancellationTest {
    /** Runs {@code call} on a new thread holding the lock, interrupts it after 50 ms, returns the latency. */
    private static long interruptAndMeasure(String what, Runnable call) throws Exception {
        return interruptAndMeasure(what, call, NativeCancelledException.class);
    }

    private static long interruptAndMeasure(String what, Runnable call, Class<? extends CancellationException> expected)
            throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicLong ended = new AtomicLong();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread t = new Thread(() -> Gil.run(() -> {
            started.countDown();
            try {
                call.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
            ended.set(System.nanoTime());
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        }), "cancel-" + what);
        t.start();
        assertTrue(started.await(10, TimeUnit.SECONDS), what + " did not start");
        Thread.sleep(50); // let it enter the kernel
        long interruptedAt = System.nanoTime();
        t.interrupt();
        t.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(t.isAlive(), what + " did not end");
        long latency = ended.get() - interruptedAt;
        System.out.printf("cancellation latency, %s: %.3f ms%n", what, latency / 1e6);
        assertTrue(expected.isInstance(thrown.get()),
                () -> what + " should throw " + expected.getSimpleName() + ", got " + thrown.get());
        assertTrue(thrown.get() instanceof CancellationException);
        assertTrue(thrown.get().getMessage().contains("cancelled, the calling thread was interrupted"),
                thrown.get().getMessage());
        assertEquals(Boolean.TRUE, stillInterrupted.get(), "the interrupt status must stay set");
        return latency;
    }

    @Test
    void interruptReachesAPollingKernel() throws Exception {
        long latency = interruptAndMeasure("polling spin",
                () -> CancelProbe.spinCancellable(TimeUnit.SECONDS.toNanos(30)));
        assertTrue(latency < TimeUnit.SECONDS.toNanos(2), "took " + latency / 1e6 + " ms");
    }

    @Test
    void interruptCallsTheUnblockingFunctionOfABlockedKernel() throws Exception {
        long latency = interruptAndMeasure("blocked in poll(2) with a ubf",
                () -> CancelProbe.blockCancellable(30_000));
        assertTrue(latency < TimeUnit.SECONDS.toNanos(2), "took " + latency / 1e6 + " ms");
    }

    /**
     * The library's own long kernels (org.jgil.kernels) poll jgil_cancelled() between steps of
     * about a millisecond; an interrupt that arrives while they run ends them.
     */
    @Test
    void interruptReachesTheLibrarysLongKernels() throws Exception {
        Mode m = Mode.RELEASED;
        int n = 1536;
        double[] a = new double[n * n], b = new double[n * n], c = new double[n * n];
        int[] out = new int[2000 * 2000];
        java.util.Map<String, Runnable> kernels = new java.util.LinkedHashMap<>();
        kernels.put("kernel spin", () -> Synthetic.spin(30_000_000, 1, m));
        kernels.put("kernel sleep", () -> Synthetic.sleep(30_000_000, m));
        kernels.put("kernel gemm 1536", () -> Blas.gemm(n, a, b, c, m));
        kernels.put("kernel mandelbrot", () ->
                Mandelbrot.compute(2000, 2000, -0.5, -0.01, 1e-5, 1e-5, 1_000_000, out, 0, m));
        for (Map.Entry<String, Runnable> k : kernels.entrySet()) {
            long latency = interruptAndMeasure(k.getKey(), k.getValue(), CancellationException.class);
            assertTrue(latency < TimeUnit.SECONDS.toNanos(2), k.getKey() + " took " + latency / 1e6 + " ms");
        }
    }

    @Test
    void anAlreadyInterruptedThreadIsCancelledAtOnce() {
        Gil.run(() -> {
            Thread.currentThread().interrupt();
            try {
                CancelProbe.spinCancellable(TimeUnit.SECONDS.toNanos(30));
                fail("not cancelled");
            } catch (NativeCancelledException expected) {
                assertTrue(Thread.interrupted(), "interrupt status kept");
            }
        });
    }

    @Test
    void aClearedInterruptDoesNotCancelTheNextCall() throws Exception {
        Gil.run(() -> {
            Thread.currentThread().interrupt();
            assertTrue(NativeProbe.cancelledNow());
            assertTrue(Thread.interrupted()); // clears it
            // The watcher's flag may still be set for up to a scan: the poll confirms it.
            assertFalse(NativeProbe.cancelledNow());
            assertEquals(0, CancelProbe.blockCancellable(5));
            assertTrue(CancelProbe.spinCancellable(1_000_000) >= 1_000_000);
        });
    }

    @Test
    void uninterruptedKernelsRunToTheEnd() {
        Gil.run(() -> {
            assertEquals(0, CancelProbe.blockCancellable(20));
            assertTrue(CancelProbe.spinCancellable(20_000_000) >= 20_000_000);
            assertFalse(NativeProbe.cancelledNow());
        });
    }

    @Test
    void aPollIsCheapAfterTheFirst() {
        // Not a timing assertion: -1 would mean the poll reported a cancellation.
        long picos = Gil.call(() -> CancelProbe.pollCostPicos(1_000_000));
        System.out.printf("jgil_cancelled() poll: %.2f ns%n", picos / 1000.0);
        assertTrue(picos >= 0);
        assertTrue(CancelWatcher.armedCount() >= 1, "the polling thread is registered with the watcher");
    }
}
