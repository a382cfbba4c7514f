package org.jgil.kernels;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.jgil.Gil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Checked mode ({@code -Djgil.checked=true}, surefire's default here) refuses every kernel call
 * made without the GIL: in every mode, from a thread that holds nothing and while another thread
 * holds the lock. Before, only {@link Mode#RELEASED} was refused (by {@code JGIL_BEGIN_ALLOW_THREADS});
 * {@link Mode#HELD}, {@link Mode#AUTO} below its threshold and {@link Mode#JAVA} ran, in parallel
 * with the lock's holder. Every call here is tiny, so AUTO stays below its threshold.
 */
@Timeout(60)
class KernelLockMisuseTest {
    private static List<Map.Entry<String, Consumer<Mode>>> calls() {
        double[] x = {1, 2, 3, 4}, y = {4, 3, 2, 1};
        DoubleBuffer bx = direct(x), by = direct(y);
        IntBuffer counts = ByteBuffer.allocateDirect(4 * 4).order(ByteOrder.nativeOrder()).asIntBuffer();
        List<Map.Entry<String, Consumer<Mode>>> calls = new ArrayList<>();
        calls.add(Map.entry("Blas.dot", m -> Blas.dot(x, y, m)));
        calls.add(Map.entry("Blas.dot", m -> Blas.dot(bx, by, m)));
        calls.add(Map.entry("Blas.sum", m -> Blas.sum(x, m)));
        calls.add(Map.entry("Blas.sum", m -> Blas.sum(bx, m)));
        calls.add(Map.entry("Blas.axpy", m -> Blas.axpy(2, x, y.clone(), m)));
        calls.add(Map.entry("Blas.axpy", m -> Blas.axpy(2, bx, direct(y), m)));
        calls.add(Map.entry("Blas.gemm", m -> Blas.gemm(2, x, y, new double[4], m)));
        calls.add(Map.entry("Blas.gemm", m -> Blas.gemm(2, bx, by, direct(new double[4]), m)));
        calls.add(Map.entry("Mandelbrot.compute",
                m -> Mandelbrot.compute(2, 2, -1, -1, 0.5, 0.5, 4, new int[4], 0, m)));
        calls.add(Map.entry("Mandelbrot.compute", m -> Mandelbrot.compute(2, 2, -1, -1, 0.5, 0.5, 4, counts, m)));
        calls.add(Map.entry("MonteCarlo.hits", m -> MonteCarlo.hits(8, 1, m)));
        calls.add(Map.entry("NBody.step", m -> NBody.step(NBody.randomState(2, 1), 1e-3, m)));
        calls.add(Map.entry("Primes.countBelow", m -> Primes.countBelow(30, m)));
        calls.add(Map.entry("Synthetic.spin", m -> Synthetic.spin(0, 1, m)));
        calls.add(Map.entry("Synthetic.sleep", m -> Synthetic.sleep(0, m)));
        return calls;
    }

    private static DoubleBuffer direct(double[] values) {
        DoubleBuffer b = ByteBuffer.allocateDirect(values.length * 8).order(ByteOrder.nativeOrder()).asDoubleBuffer();
        b.put(values).flip();
        return b;
    }

    private static void assertRefusedEverywhere(String whoHolds) {
        assertTrue(Gil.isChecked(), "surefire runs this suite with -Djgil.checked=true");
        assertFalse(Gil.isHeldByCurrentThread());
        for (Map.Entry<String, Consumer<Mode>> call : calls()) {
            for (Mode mode : Mode.values()) {
                String what = call.getKey() + " in " + mode + " while " + whoHolds;
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> call.getValue().accept(mode), what + " must be refused");
                String expected = mode == Mode.RELEASED ? "does not hold the GIL" : call.getKey();
                assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("does not hold the GIL"),
                        what + ": " + e.getMessage());
                assertFalse(Gil.isHeldByCurrentThread(), what + ": a refused call takes nothing");
            }
        }
    }

    @Test
    void aCallWithoutTheLockIsRefusedInEveryMode() {
        assertRefusedEverywhere("nobody holds the lock");
    }

    @Test
    void aCallWhileAnotherThreadHoldsTheLockIsRefusedInEveryMode() throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1), done = new CountDownLatch(1);
        Thread holder = new Thread(() -> Gil.run(() -> {
            holding.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }), "holder");
        holder.start();
        holding.await();
        try {
            assertRefusedEverywhere("another thread holds the lock");
        } finally {
            done.countDown();
            holder.join();
        }
    }

    @Test
    void theSameCallsRunHoldingTheLock() {
        for (Map.Entry<String, Consumer<Mode>> call : calls()) {
            for (Mode mode : Mode.values()) {
                Gil.run(() -> call.getValue().accept(mode));
            }
        }
    }
}
