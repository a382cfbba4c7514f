package org.jgil;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scheduler counts on its slow paths. Updated only under the scheduler's mutex, so plain
 * fields suffice; {@link #snapshot} copies them out under the same mutex. The fast paths count
 * nothing: an acquire that never waited costs a CAS and is not seen here.
 */
final class SchedulerCounters {
    private final Waits waits = new Waits();
    private final Map<Long, PerThread> threads = new HashMap<>();
    long handoffs;
    long dropRequests;
    long forcedSwitches;
    long wakeups;
    long wakeupsFoundTaken;
    long deadOwnersRecovered;

    private static final class PerThread {
        final String name;
        final Waits waits = new Waits();

        PerThread(String name) {
            this.name = name;
        }
    }

    /** A thread got the lock after waiting {@code nanos} on the slow path. */
    void waited(long tid, long nanos) {
        waits.record(nanos);
        threads.computeIfAbsent(tid, t -> new PerThread(Thread.currentThread().getName())).waits.record(nanos);
    }

    /** A waiter was woken to take a free lock; {@code taken}: somebody had re-taken it first. */
    void wokeUp(boolean taken) {
        wakeups++;
        if (taken) {
            wakeupsFoundTaken++;
        }
    }

    void clear() {
        waits.clear();
        threads.clear();
        handoffs = 0;
        dropRequests = 0;
        forcedSwitches = 0;
        wakeups = 0;
        wakeupsFoundTaken = 0;
        deadOwnersRecovered = 0;
    }

    GilStats snapshot(String policy) {
        List<GilStats.ThreadStats> perThread = new ArrayList<>();
        long acquisitions = 0;
        long holdNanos = 0;
        for (Map.Entry<Long, HoldStats.PerThread> e : HoldStats.all().entrySet()) {
            acquisitions += e.getValue().acquisitions;
            holdNanos += e.getValue().holdNanos();
        }
        java.util.Set<Long> ids = new java.util.TreeSet<>(threads.keySet());
        ids.addAll(HoldStats.all().keySet());
        for (long id : ids) {
            PerThread waited = threads.get(id);
            HoldStats.PerThread held = HoldStats.of(id);
            Waits w = waited == null ? new Waits() : waited.waits;
            String name = waited != null ? waited.name : held.name;
            perThread.add(new GilStats.ThreadStats(id, name, w.count(), w.totalNanos(), w.percentileNanos(50),
                    w.percentileNanos(99), w.maxNanos(), held == null ? 0 : held.acquisitions,
                    held == null ? 0 : held.holdNanos()));
        }
        return new GilStats(policy, waits.count(), waits.totalNanos(), waits.percentileNanos(50),
                waits.percentileNanos(99), waits.maxNanos(), handoffs, dropRequests, forcedSwitches, wakeups,
                wakeupsFoundTaken, deadOwnersRecovered, acquisitions, holdNanos, List.copyOf(perThread));
    }
}
