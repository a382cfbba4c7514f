package org.jgil;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

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
 *
 * <p>Threads are listed by their lock identity. Ended threads are forgotten each time the list has
 * doubled since the last sweep (programs on virtual threads start millions), their figures kept
 * in {@link #retiredAcquisitions()} and {@link #retiredHoldNanos()}, which {@link GilStats} shows
 * in the row of ended threads.
 */
final class HoldStats {
    static final boolean ON = Settings.current().stats;
    static final int PERIOD = Settings.current().statsSample;

    private static final int MIN_SWEEP = 1024;
    private static final Map<Long, PerThread> THREADS = new ConcurrentHashMap<>();
    private static final AtomicLong SWEEP_AT = new AtomicLong(MIN_SWEEP);
    private static final Object RETIRED_LOCK = new Object();
    private static long retiredAcquisitions; // guarded by RETIRED_LOCK
    private static long retiredHoldNanos; // guarded by RETIRED_LOCK
    private static final ThreadLocal<PerThread> CURRENT = ThreadLocal.withInitial(() -> {
        if (THREADS.size() >= SWEEP_AT.get()) {
            sweep();
        }
        PerThread p = new PerThread(Thread.currentThread());
        THREADS.put(Gil.currentThreadId(), p);
        return p;
    });

    // Touched only by the thread holding the lock.
    private static int countdown = 1;
    private static long sampleStart; // 0: the current hold is not timed
    private static PerThread sampled;

    static final class PerThread {
        final String name;
        private final WeakReference<Thread> thread;
        // Written by their own thread only (plain: no fence on the fast path); read racily by stats().
        long acquisitions;
        long timedHolds;
        long timedHoldNanos;

        PerThread(Thread thread) {
            this.name = thread.getName().isEmpty() ? thread.toString() : thread.getName();
            this.thread = new WeakReference<>(thread);
        }

        boolean ended() {
            Thread t = thread.get();
            return t == null || !t.isAlive(); // once it answers false, all its writes are visible
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
        synchronized (RETIRED_LOCK) {
            retiredAcquisitions = 0;
            retiredHoldNanos = 0;
        }
    }

    /** Acquisitions of the ended threads no longer listed. */
    static long retiredAcquisitions() {
        synchronized (RETIRED_LOCK) {
            return retiredAcquisitions;
        }
    }

    /** Estimated time holding of the ended threads no longer listed. */
    static long retiredHoldNanos() {
        synchronized (RETIRED_LOCK) {
            return retiredHoldNanos;
        }
    }

    /** Forgets ended threads, keeping their figures in the retired totals. */
    static void sweep() {
        synchronized (RETIRED_LOCK) {
            THREADS.entrySet().removeIf(e -> {
                PerThread p = e.getValue();
                if (!p.ended()) {
                    return false;
                }
                retiredAcquisitions += p.acquisitions;
                retiredHoldNanos += p.holdNanos();
                return true;
            });
            SWEEP_AT.set(Math.max(MIN_SWEEP, 2L * THREADS.size()));
        }
    }
}
