package org.example.vecmath;

import java.util.concurrent.CancellationException;
import org.jgil.Gil;

/**
 * A short tour: two threads computing dot products in parallel (the GIL is released around the
 * kernel), a translated C++ exception, and a long kernel cancelled with {@link Thread#interrupt()}.
 * Prints "vecmath demo: ok" at the end.
 */
public final class Demo {
    private Demo() {}

    public static void main(String[] args) throws Exception {
        double[] a = new double[1 << 20];
        java.util.Arrays.fill(a, 1.0);
        double[] sums = new double[2];
        Thread[] threads = new Thread[2];
        for (int i = 0; i < 2; i++) {
            int k = i;
            threads[i] = new Thread(() -> Gil.run(() -> {
                for (int r = 0; r < 50; r++) {
                    sums[k] += VecMath.dot(a, a);
                }
            }));
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("dot from 2 threads: " + sums[0] + ", " + sums[1]);
        double generated = Gil.call(() -> VecMathGen.dot(a, a));
        if (generated != a.length) {
            throw new AssertionError("generated glue: " + generated);
        }
        System.out.println("dot through the generated glue: " + generated);

        try {
            Gil.run(() -> VecMath.dot(new double[2], new double[3]));
            throw new AssertionError("no exception");
        } catch (IllegalArgumentException e) {
            System.out.println("translated: " + e);
        }

        Thread worker = new Thread(() -> Gil.run(() -> {
            try {
                VecMath.sumOfSquares(a, Long.MAX_VALUE);
            } catch (CancellationException e) {
                System.out.println("cancelled: " + e.getMessage());
            }
        }));
        worker.start();
        Thread.sleep(50);
        long t0 = System.nanoTime();
        worker.interrupt();
        worker.join(10_000);
        if (worker.isAlive()) {
            throw new AssertionError("the kernel ignored the interrupt");
        }
        System.out.printf("interrupt to return: %.2f ms%n", (System.nanoTime() - t0) / 1e6);
        System.out.println("vecmath demo: ok");
    }
}
