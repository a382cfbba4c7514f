package org.jgil.cli;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jgil.Gil;
import org.jgil.kernels.Mode;
import org.jgil.kernels.Workload;

/**
 * Runs one trial of one point: {@code threads} threads calling one kernel in one mode, the way
 * managed code calls native code under a GIL. Each thread holds the lock while it runs its loop,
 * calls the kernel, and passes a {@link Gil#checkpoint()} after every call, as CPython's eval loop
 * does between bytecodes.
 *
 * <p>The harness must not be part of what it measures, so a call costs it no atomic instruction and
 * no cache line that another thread touches:
 * <ul>
 * <li>Each thread counts its calls in its own 128-byte slot with a plain store; the coordinating
 *     thread reads the slots at the window's start and end (and, during warm-up, every window to see
 *     whether the rate has settled). A call counts in the window it ends in.
 * <li>The overlap proof: on entering a managed section a thread writes its number to one shared word
 *     (a volatile store, whose fence makes it visible before the section runs) and reads it back on
 *     leaving. Two overlapping sections cannot both read their own number: the later writer's store
 *     is visible before the earlier one leaves. As with the counter it replaces, every overlap is
 *     caught; but the word's cache line moves between cores only when the lock itself does.
 * <li>Native calls in progress are sampled, not counted: each thread flips a sequence number in its
 *     slot around the call (odd inside); the coordinator reads all slots twice, and the threads whose
 *     odd number did not change were all inside at once between the two reads. It yields a lower
 *     bound on the concurrency of native calls, at no cost to the calls.
 * </ul>
 * With tracing on ({@link Tracer}), each thread also time-stamps its calls into its own buffer.
 */
final class PointRunner {
    /** How a warm-up ends: the rate of consecutive windows agrees within a tolerance. */
    record Warmup(Duration window, int windows, double tolerance, Duration max) {
        static Warmup upTo(Duration max) {
            long w = Math.max(10_000_000L, Math.min(100_000_000L, max.toNanos() / 10));
            return new Warmup(Duration.ofNanos(w), 3, 0.05, max);
        }
    }

    private static final int STRIDE = 16; // longs per thread slot: 128 bytes, two cache lines apart
    private static final int CALLS = 0;
    private static final int NATIVE_SEQ = 1;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle OWNER;

    static {
        try {
            OWNER = MethodHandles.lookup().findVarHandle(PointRunner.class, "owner", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through OWNER
    private volatile int owner;
    private final long[] slots;
    private final long[] overlaps;
    private volatile boolean stop;
    private volatile boolean recording;
    private volatile double sink; // keeps checksums alive
    private volatile Throwable failure;
    private final Tracer.Point trace;
    private final boolean bare;

    private PointRunner(int threads, Tracer.Point trace, boolean bare) {
        this.slots = new long[(threads + 2) * STRIDE];
        this.overlaps = new long[(threads + 2) * STRIDE];
        this.trace = trace;
        this.bare = bare;
    }

    static Trial run(Case c, Mode mode, int threads, Warmup warmup, Duration duration, Tracer.Point trace)
            throws InterruptedException {
        return new PointRunner(threads, trace, false).measure(c, mode, threads, warmup, duration);
    }

    /**
     * The same trial with none of the harness's bookkeeping: each thread only calls, passes its
     * checkpoint, and counts in a local variable while a flag says the window is open. The warm-up
     * is its full limit (nothing is counted to see when the rate settles) and nothing is checked:
     * this is the reference that shows what the harness itself costs.
     */
    static Trial bare(Case c, Mode mode, int threads, Warmup warmup, Duration duration) throws InterruptedException {
        return new PointRunner(threads, null, true).measure(c, mode, threads, warmup, duration);
    }

    private static int base(int thread) {
        return (thread + 1) * STRIDE; // slot 0 stays empty: no thread shares a line with the array header
    }

    private Trial measure(Case c, Mode mode, int threads, Warmup warmup, Duration duration)
            throws InterruptedException {
        CyclicBarrier ready = new CyclicBarrier(threads + 1);
        double[] flops = new double[1];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread worker = new Thread(() -> {
                try {
                    Workload w = Gil.call(() -> c.kernel().prepare(c.params()));
                    flops[0] = w.flopsPerCall();
                    ready.await();
                    if (bare) {
                        bareLoop(w, mode, id);
                    } else {
                        loop(w, mode, id);
                    }
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
            try {
                ready.await();
            } catch (BrokenBarrierException e) {
                throw failed(c);
            }
            if (bare) {
                return measureBare(c, threads, warmup, duration, workers);
            }
            long warmStart = System.nanoTime();
            boolean steady = warmUp(threads, warmup);
            double warmupSeconds = (System.nanoTime() - warmStart) / 1e9;
            org.jgil.GilStats statsBefore = Gil.stats();
            if (trace != null) {
                trace.start(threads);
                recording = true;
            }
            long before = totalCalls(threads);
            long start = System.nanoTime();
            int maxNative = sampleNative(threads, start + duration.toNanos(), mode != Mode.JAVA);
            long after = totalCalls(threads);
            long end = System.nanoTime();
            recording = false;
            org.jgil.GilStats statsAfter = Gil.stats();
            long waited = statsAfter.waitNanosTotal() - statsBefore.waitNanosTotal();
            stop = true;
            for (Thread w : workers) {
                w.join();
            }
            if (failure != null) {
                throw failed(c);
            }
            long overlapped = 0;
            for (int t = 0; t < threads; t++) {
                overlapped += overlaps[base(t)];
            }
            return new Trial(after - before, (end - start) / 1e9, flops[0], overlapped, maxNative, waited / 1e9,
                    warmupSeconds, steady, Trial.LockCounts.between(statsBefore, statsAfter));
        } finally {
            stop = true;
        }
    }

    private Trial measureBare(Case c, int threads, Warmup warmup, Duration duration, List<Thread> workers)
            throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(warmup.max().toNanos());
        long start = System.nanoTime();
        recording = true;
        TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        recording = false;
        long end = System.nanoTime();
        stop = true;
        for (Thread w : workers) {
            w.join();
        }
        if (failure != null) {
            throw failed(c);
        }
        return new Trial(totalCalls(threads), (end - start) / 1e9, 0, 0, 0, 0, warmup.max().toNanos() / 1e9, false,
                Trial.LockCounts.NONE);
    }

    private void bareLoop(Workload w, Mode mode, int id) {
        long counted = 0;
        double checksum = 0;
        Gil.acquire();
        try {
            while (!stop) {
                checksum += w.run(mode);
                if (recording) {
                    counted++;
                }
                Gil.checkpoint();
            }
        } finally {
            Gil.release();
        }
        SLOT.setOpaque(slots, base(id) + CALLS, counted);
        sink = checksum;
    }

    /** Runs windows until the rate is steady or the warm-up's limit is reached; true if steady. */
    private boolean warmUp(int threads, Warmup warmup) throws InterruptedException {
        long limit = System.nanoTime() + warmup.max().toNanos();
        List<Double> rates = new ArrayList<>();
        long last = totalCalls(threads);
        long lastTime = System.nanoTime();
        while (true) {
            if (failure != null) {
                return false;
            }
            long now = System.nanoTime();
            if (now >= limit) {
                return false;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(warmup.window().toNanos(), limit - now));
            long calls = totalCalls(threads);
            long time = System.nanoTime();
            rates.add((calls - last) * 1e9 / (time - lastTime));
            last = calls;
            lastTime = time;
            double[] r = rates.stream().mapToDouble(Double::doubleValue).toArray();
            if (Stats.steady(r, warmup.windows(), warmup.tolerance())) {
                return true;
            }
        }
    }

    /** Sleeps until {@code end}, sampling how many threads are inside a native call at once. */
    private int sampleNative(int threads, long end, boolean nativeCalls) {
        int max = 0;
        long[] first = new long[threads];
        for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
            if (nativeCalls) {
                for (int t = 0; t < threads; t++) {
                    first[t] = (long) SLOT.getOpaque(slots, base(t) + NATIVE_SEQ);
                }
                int inside = 0;
                for (int t = 0; t < threads; t++) {
                    long again = (long) SLOT.getOpaque(slots, base(t) + NATIVE_SEQ);
                    if (again == first[t] && (again & 1) == 1) {
                        inside++;
                    }
                }
                max = Math.max(max, inside);
            }
            LockSupport.parkNanos(Math.min(1_000_000L, end - now));
        }
        return max;
    }

    private long totalCalls(int threads) {
        long total = 0;
        for (int t = 0; t < threads; t++) {
            total += (long) SLOT.getOpaque(slots, base(t) + CALLS);
        }
        return total;
    }

    private IllegalStateException failed(Case c) {
        return new IllegalStateException("kernel " + c.label() + " failed: " + failure, failure);
    }

    private void loop(Workload w, Mode mode, int id) {
        // A held native call keeps the lock throughout: all of it is a managed section. Java
        // kernels pass checkpoints inside (section boundaries), and released calls leave managed
        // code: for them only the loop's own bookkeeping is a managed section.
        boolean wholeCallManaged = mode == Mode.HELD;
        boolean nativeCall = mode != Mode.JAVA;
        int me = id + 1; // 0: nobody yet
        int slot = base(id);
        long calls = 0;
        long nativeSeq = 0;
        long overlapped = 0;
        double checksum = 0;
        Tracer.Buffer buffer = null;
        Gil.acquire();
        try {
            while (!stop) {
                if (trace != null && buffer == null && recording) {
                    buffer = trace.buffer(id);
                }
                long t0 = buffer == null ? 0 : System.nanoTime();
                if (wholeCallManaged) {
                    OWNER.setVolatile(this, me);
                }
                if (nativeCall) {
                    SLOT.setOpaque(slots, slot + NATIVE_SEQ, ++nativeSeq);
                }
                checksum += w.run(mode);
                if (nativeCall) {
                    SLOT.setOpaque(slots, slot + NATIVE_SEQ, ++nativeSeq);
                }
                if (!wholeCallManaged) {
                    OWNER.setVolatile(this, me);
                }
                if ((int) OWNER.getVolatile(this) != me) {
                    overlapped++;
                }
                SLOT.setOpaque(slots, slot + CALLS, ++calls);
                if (buffer == null) {
                    Gil.checkpoint();
                } else {
                    long t1 = System.nanoTime();
                    Gil.checkpoint();
                    long t2 = System.nanoTime();
                    if (!buffer.call(t0, t1, t2, recording)) {
                        buffer = null; // full, or the window is over
                    }
                }
            }
        } finally {
            Gil.release();
        }
        overlaps[slot] = overlapped;
        sink = checksum;
    }
}
