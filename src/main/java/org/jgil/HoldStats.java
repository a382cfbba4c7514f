package org.jgil;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Acquisitions and time holding the lock, per thread, as Java sees them: from taking the lock in
 * Java ({@code acquire}, {@code ensure}, the end of {@code allowThreads}) to giving it up in Java.
 * Native released sections inside are not subtracted here; {@link SiteStats} shows them. Off unless
 * {@code -Djgil.stats=true}: {@link #ON} is a constant, so the JIT removes every hook when off.
 */
final class HoldStats {
    static final boolean ON = Boolean.getBoolean("jgil.stats");

    private static final Map<Long, PerThread> THREADS = new ConcurrentHashMap<>();
    private static final ThreadLocal<PerThread> CURRENT = ThreadLocal.withInitial(() -> {
        PerThread p = new PerThread(Thread.currentThread().getName());
        THREADS.put(Thread.currentThread().getId(), p);
        return p;
    });

    static final class PerThread {
        final String name;
        volatile long acquisitions;
        volatile long holdNanos;
        long since;

        PerThread(String name) {
            this.name = name;
        }
    }

    private HoldStats() {}

    static void acquired() {
        PerThread p = CURRENT.get();
        p.acquisitions++;
        p.since = System.nanoTime();
    }

    static void released() {
        PerThread p = CURRENT.get();
        if (p.since != 0) {
            p.holdNanos += System.nanoTime() - p.since;
            p.since = 0;
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
            p.holdNanos = 0;
        }
    }
}
