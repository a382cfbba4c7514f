package org.example.app;

import java.util.ArrayList;
import java.util.List;
import org.jgil.Gil;
import org.jgil.kernels.Blas;
import org.jgil.kernels.Mode;

/**
 * Threads that run managed code one at a time and native dot products in parallel: each thread
 * holds the lock, as jgil threads do, and a {@link Mode#RELEASED} kernel gives it up for the
 * native work only. The shared tally below is a plain field, kept exact by the lock.
 */
public final class ParallelDot {
    private long calls; // guarded by the GIL: no atomic, no synchronized

    /** Runs {@code rounds} dot products of {@code x} and {@code y} on each of {@code threads} threads. */
    public double[] run(int threads, int rounds, double[] x, double[] y, Mode mode) throws InterruptedException {
        double[] results = new double[threads];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int self = t;
            workers.add(new Thread(() -> Gil.run(() -> {
                for (int r = 0; r < rounds; r++) {
                    results[self] = Blas.dot(x, y, mode); // the lock is given up inside, if RELEASED
                    calls++; // managed code: the lock is held here
                }
            }), "dot-" + t));
        }
        for (Thread w : workers) {
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        return results;
    }

    /** How many dot products all threads made. */
    public long calls() {
        return Gil.call(() -> calls);
    }

    public static void main(String[] args) throws InterruptedException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        double[] x = new double[1 << 20];
        double[] y = new double[x.length];
        java.util.Arrays.fill(x, 0.5);
        java.util.Arrays.fill(y, 2.0);
        for (Mode mode : new Mode[] {Mode.HELD, Mode.RELEASED}) {
            new ParallelDot().run(threads, 20, x, y, mode); // warm-up, untimed: JIT, first calls
        }
        for (Mode mode : new Mode[] {Mode.HELD, Mode.RELEASED}) {
            ParallelDot app = new ParallelDot();
            long start = System.nanoTime();
            app.run(threads, 200, x, y, mode);
            System.out.printf("%-8s %d threads, %d dot products of %d: %.0f ms%n", mode, threads, app.calls(),
                    x.length, (System.nanoTime() - start) / 1e6);
        }
    }
}
