package org.jgil.kernels;

import static org.jgil.kernels.KernelTesting.held;
import static org.jgil.kernels.KernelTesting.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jgil.Gil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Released kernels running in several threads at once, while another thread allocates and forces
 * garbage collections: arrays are unpinned between steps, so the collector may move them, and the
 * kernels must re-read their addresses each step. Results must stay exact and nothing may hang
 * (a GIL wait inside a critical region would deadlock against the collector).
 */
@Timeout(120)
class KernelConcurrencyTest {
    @Test
    void releasedKernelsSurviveMovingCollections() throws InterruptedException {
        // Reference results, computed alone.
        int n = 320; // 66 MFLOP gemm: two or more steps (~40 MFLOP each with AVX-512), so A and C are re-pinned
        double[] a = random(n * n, 1), b = random(n * n, 2);
        double[] c0 = new double[n * n];
        held(() -> Blas.gemm(n, a, b, c0, Mode.HELD));
        int w = 300, h = 200;
        int[] m0 = new int[w * h];
        held(() -> Mandelbrot.compute(w, h, -2.0, -1.0, 3.0 / w, 2.0 / h, 3000, m0, 0, Mode.HELD));
        long hits0 = held(() -> MonteCarlo.hits(3_000_000, 5, Mode.HELD));
        int primes0 = held(() -> Primes.countBelow(5_000_000, Mode.HELD));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            threads.add(new Thread(() -> {
                try {
                    for (int round = 0; round < 15 && failure.get() == null; round++) {
                        // Fresh arrays each round, so that they are young and movable.
                        double[] aa = a.clone(), bb = b.clone(), cc = new double[n * n];
                        int[] mm = new int[w * h];
                        Gil.run(() -> Blas.gemm(n, aa, bb, cc, Mode.RELEASED));
                        assertArrayEquals(c0, cc, "gemm under GC pressure");
                        Gil.run(() ->
                                Mandelbrot.compute(w, h, -2.0, -1.0, 3.0 / w, 2.0 / h, 3000, mm, 0, Mode.RELEASED));
                        assertArrayEquals(m0, mm, "mandelbrot under GC pressure");
                        assertEquals(hits0, (long) Gil.call(() -> MonteCarlo.hits(3_000_000, 5, Mode.RELEASED)));
                        assertEquals(primes0, (int) Gil.call(() -> Primes.countBelow(5_000_000, Mode.AUTO)));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        Thread garbage = new Thread(() -> {
            List<Object> keep = new ArrayList<>();
            while (!stop.get()) {
                // Allocating needs no GIL; some of it under the GIL too, as managed code would.
                keep.add(new double[10_000]);
                if (keep.size() > 200) {
                    keep.clear();
                    Gil.run(System::gc);
                }
            }
        });
        garbage.setDaemon(true);
        garbage.start();
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        stop.set(true);
        garbage.join();
        assertNull(failure.get(), () -> "a kernel failed under GC pressure: " + failure.get());
    }
}
