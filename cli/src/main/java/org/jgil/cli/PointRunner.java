package org.jgil.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jgil.Gil;
import org.jgil.kernels.Mode;
import org.jgil.kernels.Workload;

/**
 * Runs one point: {@code threads} threads calling one kernel in one mode for a fixed time, the
 * way managed code calls native code under a GIL. Each thread holds the lock while it runs its
 * loop, calls the kernel, and passes a {@link Gil#checkpoint()} after every call, as CPython's
 * eval loop does between bytecodes. A warm-up runs first; only calls that end inside the measured
 * window count.
 *
 * <p>It also checks the lock live: it counts the threads inside managed code, and inside native
 * calls, at every moment, and reports the most seen at once.
 */
final class PointRunner {
    private final AtomicInteger managed = new AtomicInteger();
    private final AtomicInteger maxManaged = new AtomicInteger();
    private final AtomicInteger inNative = new AtomicInteger();
    private final AtomicInteger maxNative = new AtomicInteger();
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private volatile boolean stop;
    private volatile double sink; // keeps checksums alive
    private volatile Throwable failure;

    static Point run(Case c, Mode mode, int threads, Duration warmup, Duration duration) throws InterruptedException {
        return new PointRunner().measure(c, mode, threads, warmup, duration);
    }

    private Point measure(Case c, Mode mode, int threads, Duration warmup, Duration duration) throws InterruptedException {
        CyclicBarrier ready = new CyclicBarrier(threads + 1);
        long[] calls = new long[threads];
        double[] flops = new double[1];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread worker = new Thread(() -> {
                try {
                    Workload w = Gil.call(() -> c.kernel().prepare(c.params()));
                    flops[0] = w.flopsPerCall();
                    ready.await();
                    calls[id] = loop(w, mode);
                } catch (Throwable e) {
                    failure = e;
                    ready.reset();
                }
            }, "bench-" + c.kernel().name() + "-" + t);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        try {
            ready.await();
        } catch (java.util.concurrent.BrokenBarrierException e) {
            throw failed(c);
        }
        TimeUnit.NANOSECONDS.sleep(warmup.toNanos());
        long start = System.nanoTime();
        windowStart = start;
        TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        long end = System.nanoTime();
        windowEnd = end;
        stop = true;
        for (Thread w : workers) {
            w.join();
        }
        if (failure != null) {
            throw failed(c);
        }
        long total = 0;
        for (long n : calls) {
            total += n;
        }
        return new Point(c, mode, threads, total, (end - start) / 1e9, flops[0], maxManaged.get(), maxNative.get());
    }

    private IllegalStateException failed(Case c) {
        return new IllegalStateException("kernel " + c.label() + " failed: " + failure, failure);
    }

    private long loop(Workload w, Mode mode) {
        // A held native call keeps the lock throughout: all of it is a managed section. Java
        // kernels pass checkpoints inside (section boundaries), and released calls leave managed
        // code: for them only the loop's own bookkeeping is a managed section.
        boolean wholeCallManaged = mode == Mode.HELD;
        boolean nativeCall = mode != Mode.JAVA;
        long counted = 0;
        double checksum = 0;
        Gil.acquire();
        try {
            while (!stop) {
                if (wholeCallManaged) {
                    enter(managed, maxManaged);
                }
                if (nativeCall) {
                    enter(inNative, maxNative);
                }
                checksum += w.run(mode);
                if (nativeCall) {
                    inNative.decrementAndGet();
                }
                if (!wholeCallManaged) {
                    enter(managed, maxManaged);
                }
                long now = System.nanoTime();
                if (now >= windowStart && now <= windowEnd) {
                    counted++;
                }
                managed.decrementAndGet();
                Gil.checkpoint();
            }
        } finally {
            Gil.release();
        }
        sink = checksum;
        return counted;
    }

    private static void enter(AtomicInteger inside, AtomicInteger max) {
        int now = inside.incrementAndGet();
        if (now > max.get()) {
            max.accumulateAndGet(now, Math::max);
        }
    }
}
