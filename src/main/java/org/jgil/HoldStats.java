package org.jgil;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Acquisitions and time holding the lock, per thread, as Java sees them: from taking the lock in
 * Java ({@code acquire}, {@code ensure}, the end of {@code allowThreads}) to giving it up in Java.
 * Native released sections inside are not subtracted here; {@link SiteStats} shows them. Off unless
 * {@code -Djgil.stats=true}: {@link #ON} is a constant, so the JIT removes every hook when off.
 *
 * <p>Acquisitions are counted exactly. Reading the clock twice per hold would cost more than the
 * lock itself, so one hold in {@link #PERIOD} ({@code -Djgil.stats.sample}, default 64) is timed,
 * as the native side times its call sites, and a thread's hold time is estimated as its mean timed
 * hold times its acquisitions. The countdown and the open sample are plain static fields: only the
 * thread holding the lock touches them, and the lock orders those accesses (under policy
 * {@code none}, which has no lock, the estimate is rougher).
 */
final class HoldStats {
    static final boolean ON = Settings.current().stats;
    static final int PERIOD = Settings.current().statsSample;

    private static final Map<Long, PerThread> THREADS = new ConcurrentHashMap<>();
    private static final ThreadLocal<PerThread> CURRENT = ThreadLocal.withInitial(() -> {
        PerThread p = new PerThread(Thread.currentThread().getName());
        THREADS.put(Thread.currentThread().getId(), p);
        return p;
    });

    // Touched only by the thread holding the lock.
    private static int countdown = 1;
    private static long sampleStart; // 0: the current hold is not timed
    private static PerThread sampled;

    static final class PerThread {
        final String name;
        // Written by their own thread only (plain: no fence on the fast path); read racily by stats().
        long acquisitions;
        long timedHolds;
        long timedHoldNanos;

        PerThread(String name) {
            this.name = name;
        }

        /** Estimated time holding: the mean timed hold times the acquisitions. */
        long holdNanos() {
            long timed = timedHolds;
            return timed == 0 ? 0 : (long) ((double) timedHoldNanos / timed * acquisitions);
        }
    }

    private HoldStats() {}

    static void acquired() {
        PerThread p = CURRENT.get();
        p.acquisitions++;
        if (--countdown <= 0) {
            countdown = PERIOD;
            sampled = p;
            sampleStart = System.nanoTime();
        }
    }

    static void released() {
        if (sampleStart != 0) {
            PerThread p = sampled;
            p.timedHoldNanos += System.nanoTime() - sampleStart;
            p.timedHolds++;
            sampleStart = 0;
        }
    }

    static PerThread of(long tid) {
        return THREADS.get(tid);
    }

    static Map<Long, PerThread> all() {
        return THREADS;
    }

    static void reset() {
        for (PerThread p : THREADS.values()) {
            p.acquisitions = 0;
            p.timedHolds = 0;
            p.timedHoldNanos = 0;
        }
    }
}
