package org.jgil;

import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;

/**
 * Policies {@code fifo} and {@code io-priority}: waiters queue, and the lock is handed directly to
 * the one chosen (the owner word is set to its id before it even wakes), so nobody can barge in
 * between. A waiter that waits a switch interval without the lock changing hands sets the drop
 * request, as under {@code cpython}; the holder then hands the lock over at its next checkpoint
 * and joins the back of the queue.
 *
 * <p>{@code fifo} serves the queue in arrival order.
 *
 * <p>{@code io-priority} keeps a second queue for threads coming back from a released section
 * (native work or I/O: they gave the lock up themselves and want it for a short while). Such a
 * thread sets the drop request at once instead of after an interval, and it is served before the
 * CPU-bound queue, unless the oldest CPU-bound waiter has waited two switch intervals already:
 * then that one goes first, so a stream of I/O threads cannot starve computation. Nor can a fast
 * one: a holder that got the lock less than {@code -Djgil.ioMinHold} (default 50 us) ago keeps it
 * until then, because every handover costs the CPU-bound thread a few microseconds and I/O that
 * comes back every 20-30 us would otherwise take a quarter of its time. A thread that asks with
 * priority spins briefly before parking (yielding while it waits out the minimum hold), because
 * the holder's next checkpoint is usually microseconds away and a park/unpark round trip costs
 * tens of them.
 *
 * <p>A virtual thread is not handed the lock while it is parked: unmounted, it would need a
 * carrier to run, and threads pinned to every carrier at the end of native sections (which cannot
 * queue, see {@link Scheduler#acquirePinned}) would wait for it forever. It is designated instead:
 * the word is left free with the WAITERS bit, so that no fast path takes it, and the designated
 * thread takes it itself once it runs, unless a pinned thread was quicker; then it queues again in
 * front.
 */
final class QueueScheduler extends Scheduler {
    /** How long a prioritized waiter spins before it parks. */
    private static final long SPIN_NANOS = 200_000;

    /**
     * io-priority: the least time a holder that just got the lock keeps it before a returning
     * thread asks for it ({@code -Djgil.ioMinHold}). Without it, a thread returning from I/O many
     * thousand times a second takes the lock from the CPU-bound thread at every return and costs
     * it a good share of its throughput; a short minimum hold wins most of that back for a small
     * rise in the returning thread's wait (docs/lab.md has the figures and the command).
     */
    private static final long MIN_HOLD_NANOS = Settings.current().ioMinHold.toNanos();

    private static final class Waiter {
        final long tid;
        final Thread thread = Thread.currentThread();
        final long since = System.nanoTime();
        final boolean spins;
        final boolean io; // queued in ioQueue
        boolean adaptive; // spins for the adaptive budget instead (Spin); read by this thread only
        final boolean virtual = ThreadIdentity.isVirtual(thread);
        volatile boolean granted;
        volatile boolean designated; // may take the free lock itself (virtual threads)
        volatile boolean parked;
        long dropAt; // a prioritized waiter asks the holder to drop the lock at this time; 0: asked

        Waiter(long tid, boolean spins, boolean io) {
            this.tid = tid;
            this.spins = spins;
            this.io = io;
        }
    }

    private final boolean ioPriority;
    private final ArrayDeque<Waiter> cpuQueue = new ArrayDeque<>(); // guarded by mutex
    private final ArrayDeque<Waiter> ioQueue = new ArrayDeque<>(); // guarded by mutex
    private long switchNumber; // guarded by mutex
    private long lastSwitchNanos = System.nanoTime(); // guarded by mutex
    private Waiter designee; // guarded by mutex: designated and not yet come for the lock
    private long designatedAt; // guarded by mutex

    QueueScheduler(boolean ioPriority) {
        this.ioPriority = ioPriority;
    }

    @Override
    String name() {
        return ioPriority ? "io-priority" : "fifo";
    }


    @Override
    void acquire(long tid, boolean returning) {
        Waiter me;
        lock();
        try {
            if (cpuQueue.isEmpty() && ioQueue.isEmpty() && LockWord.compareAndSet(0, tid)) {
                return; // free and nobody queued: CAS failed only because the word was briefly busy
            }
            boolean priority = ioPriority && returning;
            me = new Waiter(tid, priority, priority);
            // Spinning keeps the queue's order: the waiter waits for its grant, whether it spins or parks.
            me.adaptive = !priority && spin.allowed(tid, cpuQueue.size() + ioQueue.size());
            (priority ? ioQueue : cpuQueue).addLast(me);
            LockWord.setWaiters();
            if (LockWord.owner(LockWord.get()) == 0) {
                grantNextLocked(0); // the owner released on its fast path before our bit was set
            } else if (priority) {
                long at = lastSwitchNanos + MIN_HOLD_NANOS;
                if (at - System.nanoTime() <= 0) {
                    requestDrop();
                } else {
                    me.dropAt = at; // the holder got the lock only just now: let it run a little first
                }
            }
        } finally {
            unlock();
        }
        awaitGrant(me);
    }

    @Override
    void release(long tid) {
        lock();
        try {
            grantNextLocked(tid);
        } finally {
            unlock();
        }
    }

    @Override
    void yieldToWaiter(long tid) {
        Waiter me;
        lock();
        try {
            if (cpuQueue.isEmpty() && ioQueue.isEmpty()) {
                LockWord.setDropRequest(false);
                return;
            }
            grantNextLocked(tid);
            counters.forcedSwitches++;
            // Spin if the lock went to a prioritized thread: it will give it back within microseconds.
            // (The new owner cannot release before we are queued: it takes the mutex we hold first.)
            me = new Waiter(tid, ioPriority, false);
            cpuQueue.addLast(me);
            LockWord.setWaiters();
        } finally {
            unlock();
        }
        awaitGrant(me);
    }

    /**
     * Hands the lock to the next waiter, or frees it. {@code from} is the caller's id when it holds
     * the lock, 0 when the lock is free. Under mutex.
     */
    private void grantNextLocked(long from) {
        if (designee != null && System.nanoTime() - designatedAt < 2 * switchIntervalNanos()) {
            keepFreeForDesignee(from);
            return;
        }
        designee = null; // one that has not come for two intervals loses its turn, and queues again
        Waiter next = null;
        ArrayDeque<Waiter> source = null;
        while (true) {
            long old = LockWord.get();
            long owner = LockWord.owner(old);
            if (owner != from && owner != 0) {
                // A thread took the free lock on its fast path in the instant a plain release had
                // wiped the WAITERS bit: set it again, so that its release comes here.
                if (next != null) {
                    source.addFirst(next);
                }
                next = null;
                source = null;
                LockWord.setWaiters();
                if (LockWord.ownerNow() != 0) {
                    return;
                }
                continue;
            }
            if (next == null && source == null) {
                Waiter cpuHead = cpuQueue.peekFirst();
                next = chooseLocked();
                source = next == cpuHead ? cpuQueue : ioQueue;
            }
            boolean empty = cpuQueue.isEmpty() && ioQueue.isEmpty();
            long word = next == null ? 0
                    : next.virtual ? LockWord.WAITERS : next.tid | (empty ? 0 : LockWord.WAITERS);
            if (LockWord.compareAndSet(old, word)) {
                if (empty) {
                    noWaiters();
                }
                break;
            }
        }
        if (next == null) {
            return;
        }
        switchNumber++;
        lastSwitchNanos = System.nanoTime();
        counters.handoffs++;
        boolean morePriority = !ioQueue.isEmpty();
        LockWord.setDropRequest(morePriority);
        if (next.virtual) {
            designee = next;
            designatedAt = lastSwitchNanos;
            next.designated = true;
        } else {
            next.granted = true;
        }
        if (next.parked) {
            // Only a parked waiter is unparked: a permit left on a spinning one would make its
            // next LockSupport.park (its own I/O wait, say) return at once.
            LockSupport.unpark(next.thread);
        }
    }

    /** Frees the lock (the caller's, or nobody's) for the designated thread, and wakes it. */
    private void keepFreeForDesignee(long from) {
        while (true) {
            long old = LockWord.get();
            long owner = LockWord.owner(old);
            if (owner != from && owner != 0) {
                LockWord.setWaiters(); // taken meanwhile: its release comes here
                if (LockWord.ownerNow() != 0) {
                    return;
                }
                continue;
            }
            if (LockWord.compareAndSet(old, LockWord.WAITERS)) {
                break;
            }
        }
        if (designee.parked) {
            LockSupport.unpark(designee.thread);
        }
    }

    /** A designated waiter comes for the lock: takes it if still free, else queues again in front. */
    private void takeDesignated(Waiter me) {
        lock();
        try {
            boolean mine = designee == me;
            if (mine) {
                designee = null;
            }
            me.designated = false;
            long word = LockWord.get();
            boolean empty = cpuQueue.isEmpty() && ioQueue.isEmpty();
            if (mine && LockWord.owner(word) == 0
                    && LockWord.compareAndSet(word, me.tid | (empty ? 0 : LockWord.WAITERS))) {
                if (empty) {
                    noWaiters();
                }
                me.granted = true;
                return;
            }
            (me.io ? ioQueue : cpuQueue).addFirst(me);
            LockWord.setWaiters();
            if (LockWord.owner(LockWord.get()) == 0) {
                grantNextLocked(0);
            }
        } finally {
            unlock();
        }
    }

    private Waiter chooseLocked() {
        if (!ioPriority || ioQueue.isEmpty()) {
            Waiter next = cpuQueue.pollFirst();
            return next != null ? next : ioQueue.pollFirst();
        }
        Waiter oldestCpu = cpuQueue.peekFirst();
        if (oldestCpu != null && System.nanoTime() - oldestCpu.since >= 2 * switchIntervalNanos()) {
            return cpuQueue.pollFirst();
        }
        return ioQueue.pollFirst();
    }

    private void awaitGrant(Waiter me) {
        boolean interrupted = false;
        long spinUntil = me.spins ? me.since + SPIN_NANOS
                : me.adaptive ? me.since + spin.budget(switchIntervalNanos()) : me.since;
        long now = me.since;
        while (!me.granted && !me.designated && (now = System.nanoTime()) - spinUntil < 0) {
            if (me.dropAt != 0 && now - me.dropAt >= 0) {
                askForDeferredDrop(me);
            }
            if (me.dropAt != 0) {
                Thread.yield(); // waiting out the holder's minimum hold: let others run
            } else {
                Thread.onSpinWait();
            }
        }
        long spunNanos = now - me.since;
        boolean spunIn = me.granted || me.designated;
        if (me.adaptive) {
            if (spunIn) {
                spin.succeeded();
            } else {
                spin.failed();
            }
        }
        if (me.dropAt != 0) {
            // The spin ended (or was descheduled) before the holder's minimum hold did: ask now
            // rather than wait out a switch interval.
            askForDeferredDrop(me);
        }
        // The first park ends one switch interval after the waiter queued, spin included.
        long parkNanos = Math.max(1, me.since + switchIntervalNanos() - System.nanoTime());
        while (!me.granted) {
            if (me.designated) {
                takeDesignated(me);
                continue;
            }
            long seen = switchNumberRacy();
            me.parked = true;
            if (!me.granted && !me.designated) {
                LockSupport.parkNanos(this, parkNanos);
            }
            me.parked = false;
            parkNanos = switchIntervalNanos();
            if (Thread.interrupted()) {
                interrupted = true;
            }
            if (!me.granted && !me.designated) {
                onLongWait(me, seen);
            }
        }
        lock();
        try {
            counters.wokeUp(false); // handed over directly: nobody can have re-taken it
            counters.waited(me.tid, System.nanoTime() - me.since);
            if (me.spins || me.adaptive) {
                counters.spun(spunNanos, spunIn);
            }
        } finally {
            unlock();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A prioritized waiter's drop request, held back for the holder's minimum hold, is made now. */
    private void askForDeferredDrop(Waiter me) {
        me.dropAt = 0;
        lock();
        try {
            if (!me.granted) {
                requestDrop();
            }
        } finally {
            unlock();
        }
    }

    private long switchNumberRacy() {
        lock();
        try {
            return switchNumber;
        } finally {
            unlock();
        }
    }

    /** A waiter woke without being granted: ask for a switch if none happened, free a dead owner. */
    private void onLongWait(Waiter me, long seen) {
        lock();
        try {
            if (switchNumber != seen) {
                return;
            }
            long owner = LockWord.owner(LockWord.get());
            if (owner != 0 && freeIfOwnerDead(owner)) {
                grantNextLocked(0);
            } else if (owner == 0) {
                grantNextLocked(0); // a policy switch or a fast-path release raced our enqueue
            } else {
                requestDrop();
                // The owner has held the lock at least since the last handover, or since this waiter
                // queued if that was later: handovers on the fast path (nobody waiting) do not pass here.
                noteLongHold(owner, System.nanoTime() - Math.max(lastSwitchNanos, me.since));
            }
        } finally {
            unlock();
        }
    }
}
