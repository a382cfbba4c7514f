package org.jgil;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jgil.kernels.Blas;
import org.jgil.kernels.Mode;
import org.jgil.kernels.NBody;

/**
 * The child of {@link GcInterplayTest}: in a small heap, one managed thread allocates as fast as it
 * can holding the GIL (with checkpoints), while kernel threads run released kernels that pin
 * {@code double[]} arrays with GetPrimitiveArrayCritical, over and over. Prints what happened and
 * exits 0 only if every thread finished, nothing threw (no GCLocker OutOfMemoryError) and the
 * collector ran many times meanwhile. Arguments: seconds, kernel threads.
 */
public final class GcInterplayMain {
    private GcInterplayMain() {}

    static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    public static void main(String[] args) throws InterruptedException {
        long seconds = Long.parseLong(args[0]);
        int kernelThreads = Integer.parseInt(args[1]);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong allocatedMb = new AtomicLong(), kernelCalls = new AtomicLong();
        long gcBefore = gcCount();
        List<Thread> threads = new ArrayList<>();

        threads.add(new Thread(() -> {
            SplittableRandom r = new SplittableRandom(1);
            Object[] keep = new Object[64]; // some survive a while: old-generation work too
            long bytes = 0;
            try {
                while (System.nanoTime() < deadline) {
                    Gil.run(() -> {
                        for (int i = 0; i < 64; i++) {
                            keep[r.nextInt(keep.length)] = new long[1 + r.nextInt(32 * 1024)];
                            Gil.checkpoint();
                        }
                    });
                    bytes += 64 * 16 * 8 * 1024;
                    allocatedMb.set(bytes >> 20);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "allocator"));

        for (int t = 0; t < kernelThreads; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                SplittableRandom r = new SplittableRandom(100 + id);
                double[] x = new double[1 << 16], y = new double[1 << 16];
                int n = 96;
                double[] a = new double[n * n], b = new double[n * n], c = new double[n * n];
                double[] bodies = NBody.randomState(256, id);
                try {
                    while (System.nanoTime() < deadline) {
                        switch (r.nextInt(4)) {
                            case 0: Gil.run(() -> Blas.dot(x, y, Mode.RELEASED)); break;
                            case 1: Gil.run(() -> Blas.axpy(1e-9, x, y, Mode.RELEASED)); break;
                            case 2: Gil.run(() -> Blas.gemm(n, a, b, c, Mode.RELEASED)); break;
                            default: Gil.run(() -> NBody.step(bodies, 1e-6, Mode.RELEASED)); break;
                        }
                        kernelCalls.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "kernel-" + t));
        }
        threads.forEach(t -> {
            t.setDaemon(true);
            t.start();
        });
        boolean stuck = false;
        for (Thread t : threads) {
            t.join(seconds * 1000 + 60_000);
            stuck |= t.isAlive();
        }
        long gcs = gcCount() - gcBefore;
        System.out.printf("gc-interplay: %d s, %d kernel threads, %d MB allocated holding the GIL, %d released "
                + "kernel calls, %d collections, failure: %s, stuck: %s%n", seconds, kernelThreads, allocatedMb.get(),
                kernelCalls.get(), gcs, failure.get(), stuck);
        if (failure.get() != null) {
            failure.get().printStackTrace();
        }
        if (stuck) {
            System.out.println(ThreadDumps.all());
        }
        System.out.flush();
        System.exit(failure.get() == null && !stuck && gcs >= 20 && kernelCalls.get() > 0 ? 0 : 1);
    }
}
