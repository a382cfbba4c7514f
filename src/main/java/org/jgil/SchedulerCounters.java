package org.jgil;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a scheduler counts on its slow paths. Updated only under the scheduler's mutex, so plain
 * fields suffice; {@link #snapshot} copies them out under the same mutex. The fast paths count
 * nothing: an acquire that never waited costs a CAS and is not seen here.
 *
 * <p>Per-thread figures are bounded: each time the table has doubled since the last sweep, ended
 * threads are folded into one row, {@link #OTHERS_NAME} (thread id 0), which also takes the
 * threads beyond {@link #MAX_LISTED} live ones; so neither memory nor the time {@link #snapshot}
 * spends under the mutex grows with the number of threads a program starts, and the rows still
 * add up to the totals.
 */
final class SchedulerCounters {
    static final int MAX_LISTED = 4096;
    static final String OTHERS_NAME = "(ended and further threads)";
    private static final int MIN_SWEEP = 256;

    private final Waits waits = new Waits();
    private final Map<Long, PerThread> threads = new HashMap<>();
    private PerThread others; // ended threads swept out of the table, and those past MAX_LISTED
    private int sweepAt = MIN_SWEEP;
    long handoffs;
    long dropRequests;
    long forcedSwitches;
    long wakeups;
    long wakeupsFoundTaken;
    long deadOwnersRecovered;
    long mutexWaits;
    long mutexWaitNanos;
    long spins;
    long spinsAcquired;
    long spinNanos;
    private long barriersBefore; // the process-wide counts when the counters were cleared
    private long barrierNanosBefore;
    private long revocationsBefore;

    private static final class PerThread {
        final String name;
        final WeakReference<Thread> thread;
        final Waits waits = new Waits();

        PerThread(String name, Thread thread) {
            this.name = name;
            this.thread = new WeakReference<>(thread);
        }

        boolean ended() {
            Thread t = thread.get();
            return t == null || !t.isAlive();
        }
    }

    /** A thread got the lock after waiting {@code nanos} on the slow path; the thread is the caller. */
    void waited(long tid, long nanos) {
        waits.record(nanos);
        PerThread p = threads.get(tid);
        if (p == null) {
            if (threads.size() >= sweepAt) {
                sweep();
            }
            if (threads.size() < MAX_LISTED) {
                p = new PerThread(Gil.currentThreadName(), Thread.currentThread());
                threads.put(tid, p);
            } else {
                p = others();
            }
        }
        p.waits.record(nanos);
    }

    private PerThread others() {
        if (others == null) {
            others = new PerThread(OTHERS_NAME, null);
        }
        return others;
    }

    private void sweep() {
        threads.values().removeIf(p -> {
            if (p.ended()) {
                others().waits.add(p.waits);
                return true;
            }
            return false;
        });
        sweepAt = Math.max(MIN_SWEEP, 2 * threads.size());
    }

    /** A waiter was woken to take a free lock; {@code taken}: somebody had re-taken it first. */
    void wokeUp(boolean taken) {
        wakeups++;
        if (taken) {
            wakeupsFoundTaken++;
        }
    }

    /** A thread waited {@code nanos} for the scheduler's mutex. */
    void mutexWaited(long nanos) {
        mutexWaits++;
        mutexWaitNanos += nanos;
    }

    /** A waiter spun for {@code nanos}; {@code acquired}: and got the lock without parking. */
    void spun(long nanos, boolean acquired) {
        spins++;
        spinNanos += nanos;
        if (acquired) {
            spinsAcquired++;
        }
    }

    /**
     * Starts the process-wide counts ({@link LockWord#waiterBarriers()}, {@link LockWord#waiterBarrierNanos()},
     * {@code GilRuntime.revocations()}) from their values now: the figures report what happened since.
     */
    void startFrom(long barriers, long barrierNanos, long revocations) {
        barriersBefore = barriers;
        barrierNanosBefore = barrierNanos;
        revocationsBefore = revocations;
    }

    /** How many threads have a row of their own, for tests. */
    int listed() {
        return threads.size();
    }

    void clear() {
        waits.clear();
        threads.clear();
        others = null;
        sweepAt = MIN_SWEEP;
        handoffs = 0;
        dropRequests = 0;
        forcedSwitches = 0;
        wakeups = 0;
        wakeupsFoundTaken = 0;
        deadOwnersRecovered = 0;
        mutexWaits = 0;
        mutexWaitNanos = 0;
        spins = 0;
        spinsAcquired = 0;
        spinNanos = 0;
    }

    /**
     * The scheduler's figures, copied out under its mutex; {@link #complete} adds the per-thread
     * hold figures afterwards, outside it. {@code threads} holds one row per thread, by identity;
     * {@code barriers}, {@code barrierNanos} and {@code revocations} are the process-wide counts now.
     */
    Partial snapshot(String policy, long barriers, long barrierNanos, long revocations) {
        Map<Long, GilStats.ThreadStats> rows = new TreeMap<>();
        threads.forEach((id, p) -> rows.put(id, row(id, p.name, p.waits, 0, 0)));
        if (others != null) {
            rows.put(0L, row(0, others.name, others.waits, 0, 0));
        }
        return new Partial(policy, waits.count(), waits.totalNanos(), waits.percentileNanos(50),
                waits.percentileNanos(99), waits.maxNanos(), handoffs, dropRequests, forcedSwitches, wakeups,
                wakeupsFoundTaken, deadOwnersRecovered, barriers - barriersBefore,
                barrierNanos - barrierNanosBefore, revocations - revocationsBefore,
                mutexWaits, mutexWaitNanos, spins, spinsAcquired, spinNanos, rows);
    }

    private static GilStats.ThreadStats row(long id, String name, Waits w, long acquisitions, long holdNanos) {
        return new GilStats.ThreadStats(id & ~LockWord.VIRTUAL, name, w.count(), w.totalNanos(),
                w.percentileNanos(50), w.percentileNanos(99), w.maxNanos(), acquisitions, holdNanos);
    }

    /** The part of {@link GilStats} that needs the scheduler's mutex. */
    record Partial(String policy, long waits, long waitNanosTotal, long waitNanosP50, long waitNanosP99,
                   long waitNanosMax, long handoffs, long dropRequests, long forcedSwitches, long wakeups,
                   long wakeupsFoundTaken, long deadOwnersRecovered, long waiterBarriers, long waiterBarrierNanos,
                   long revocations, long mutexWaits, long mutexWaitNanos, long spins, long spinsAcquired,
                   long spinNanos, Map<Long, GilStats.ThreadStats> rows) {

        /** Adds what {@link HoldStats} counted; runs outside the scheduler's mutex. */
        GilStats complete() {
            long acquisitions = HoldStats.retiredAcquisitions();
            long holdNanos = HoldStats.retiredHoldNanos();
            Map<Long, GilStats.ThreadStats> all = new TreeMap<>(rows);
            if (acquisitions != 0 || holdNanos != 0) {
                GilStats.ThreadStats others = all.get(0L);
                all.put(0L, others == null ? row(0, OTHERS_NAME, new Waits(), acquisitions, holdNanos)
                        : new GilStats.ThreadStats(0, OTHERS_NAME, others.waits(), others.waitNanosTotal(),
                                others.waitNanosP50(), others.waitNanosP99(), others.waitNanosMax(), acquisitions,
                                holdNanos));
            }
            for (Map.Entry<Long, HoldStats.PerThread> e : HoldStats.all().entrySet()) {
                HoldStats.PerThread held = e.getValue();
                long n = held.acquisitions;
                long nanos = held.holdNanos();
                acquisitions += n;
                holdNanos += nanos;
                GilStats.ThreadStats waited = all.get(e.getKey());
                all.put(e.getKey(), waited == null
                        ? row(e.getKey(), held.name, new Waits(), n, nanos)
                        : new GilStats.ThreadStats(waited.threadId(), waited.threadName(), waited.waits(),
                                waited.waitNanosTotal(), waited.waitNanosP50(), waited.waitNanosP99(),
                                waited.waitNanosMax(), n, nanos));
            }
            List<GilStats.ThreadStats> perThread = new ArrayList<>(all.values());
            return new GilStats(policy, waits, waitNanosTotal, waitNanosP50, waitNanosP99, waitNanosMax, handoffs,
                    dropRequests, forcedSwitches, wakeups, wakeupsFoundTaken, deadOwnersRecovered, waiterBarriers,
                    waiterBarrierNanos, revocations, mutexWaits, mutexWaitNanos, spins, spinsAcquired, spinNanos,
                    acquisitions, holdNanos, List.copyOf(perThread));
        }
    }
}
