package org.jgil.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jgil.Gil;
import org.jgil.GilStats;

/**
 * The old GIL's priority inversion on multicore (David Beazley, "Understanding the GIL"): two
 * CPU-bound threads; when the holder releases to let the other in, how often does the woken
 * waiter find the lock already taken again by the releaser? Under {@code legacy} almost always;
 * under {@code cpython} (forced switching) and {@code fifo} (direct handoff) never.
 */
public final class Inversion {
    /** Figures under one policy. */
    public record Result(String policy, long wakeups, long wakeupsFoundTaken, double foundTakenRatio,
                         long handoffs, double handoffsPerSecond, long forcedSwitches) {}

    private Inversion() {}

    public static Result run(Duration duration) throws InterruptedException {
        Gil.resetStats();
        long deadline = System.nanoTime() + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            workers.add(new Thread(() -> {
                CpuWork work = new CpuWork();
                Gil.acquire();
                try {
                    while (System.nanoTime() < deadline) {
                        work.unit();
                        Gil.checkpoint();
                    }
                } finally {
                    Gil.release();
                }
            }, "inversion-" + t));
        }
        long start = System.nanoTime();
        workers.forEach(Thread::start);
        for (Thread w : workers) {
            w.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        GilStats s = Gil.stats();
        double ratio = s.wakeups() == 0 ? 0 : (double) s.wakeupsFoundTaken() / s.wakeups();
        return new Result(s.policy(), s.wakeups(), s.wakeupsFoundTaken(), ratio, s.handoffs(),
                s.handoffs() / seconds, s.forcedSwitches());
    }
}
