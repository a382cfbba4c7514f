package org.jgil.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jgil.Gil;
import org.jgil.probe.NativeProbe;

/**
 * Managed sections never overlap under a lock, while native calls that release it do. Threads
 * alternate a short managed section with a native call made with the lock released; counters
 * record the most threads seen inside each at once.
 */
public final class Serial {
    /** Figures under one policy. */
    public record Result(String policy, int threads, long sections, int maxManagedAtOnce, int maxNativeAtOnce) {}

    private final AtomicInteger managed = new AtomicInteger();
    private final AtomicInteger maxManaged = new AtomicInteger();
    private final AtomicInteger inNative = new AtomicInteger();
    private final AtomicInteger maxNative = new AtomicInteger();
    private final CpuWork work = new CpuWork();

    private Serial() {}

    public static Result run(int threads, Duration duration) throws InterruptedException {
        return new Serial().measure(threads, duration);
    }

    private Result measure(int threads, Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        long[] sections = new long[threads];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(new Thread(() -> {
                Gil.acquire();
                try {
                    while (System.nanoTime() < deadline) {
                        enter(managed, maxManaged);
                        work.unit(); // managed work, shared state and all
                        managed.decrementAndGet();
                        enter(inNative, maxNative);
                        NativeProbe.spin(20_000, true, null);
                        inNative.decrementAndGet();
                        sections[id]++;
                        Gil.checkpoint();
                    }
                } finally {
                    Gil.release();
                }
            }, "serial-" + t));
        }
        workers.forEach(Thread::start);
        for (Thread w : workers) {
            w.join();
        }
        long total = 0;
        for (long s : sections) {
            total += s;
        }
        return new Result(Gil.policy(), threads, total, maxManaged.get(), maxNative.get());
    }

    private static void enter(AtomicInteger inside, AtomicInteger max) {
        max.accumulateAndGet(inside.incrementAndGet(), Math::max);
    }
}
