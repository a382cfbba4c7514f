package org.jgil;

import java.util.concurrent.locks.Condition;

/**
 * Policy {@code cpython}, CPython 3.2+'s rule ({@code Python/ceval_gil.c}): a waiter waits one
 * switch interval; if the lock changed hands in the meantime it waits again, otherwise it sets
 * the drop request. The holder sees the request at its next {@link Gil#checkpoint()}, gives the
 * lock up and, with forced switching, waits until another thread really took it before it queues
 * again. Without that last step the releasing thread, still on its core, usually wins the lock
 * back at once (see {@link LegacyScheduler}).
 */
final class CPythonScheduler extends Scheduler {
    private final Condition lockFreed = mutex.newCondition();
    private final Condition switched = mutex.newCondition();
    private int waiters; // guarded by mutex
    private long switchNumber; // guarded by mutex; counts changes of owner through this path

    @Override
    String name() {
        return "cpython";
    }


    @Override
    void acquire(long tid, boolean returning) {
        lock();
        try {
            acquireLocked(tid, true);
        } finally {
            unlock();
        }
    }

    @Override
    void release(long tid) {
        lock();
        try {
            releaseLocked();
        } finally {
            unlock();
        }
    }

    @Override
    void yieldToWaiter(long tid) {
        lock();
        try {
            if (waiters == 0) {
                LockWord.setDropRequest(false);
                return;
            }
            long seen = switchNumber;
            releaseLocked();
            counters.forcedSwitches++;
            boolean interrupted = false;
            while (switchNumber == seen && waiters > 0) {
                try {
                    switched.awaitNanos(switchIntervalNanos()); // timed: a waiter that left by an Error never signals
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            acquireLocked(tid, false); // it just gave the lock away: nothing to gain by spinning for it
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } finally {
            unlock();
        }
    }

    /**
     * Waits for the lock under {@link #mutex} (which the waits release). With {@code maySpin}, the
     * first wait may be a spin outside the mutex ({@link Spin}); the waiter stays counted in
     * {@link #waiters} meanwhile, so releases leave the word free with the WAITERS bit set, which
     * no fast path takes, and the spinner takes it under the mutex as a woken waiter would. The
     * time spun counts towards the switch interval after which the waiter asks for a drop.
     */
    private void acquireLocked(long tid, boolean maySpin) {
        long start = System.nanoTime();
        boolean waited = false;
        waiters++;
        LockWord.setWaiters();
        boolean interrupted = false;
        long sameOwner = 0;
        long sameOwnerSince = start;
        boolean spinFirst = maySpin;
        long spunSince = 0; // != 0: spun, not parked yet
        long spunSeen = 0;
        try {
            while (true) {
                long word = LockWord.get();
                long owner = LockWord.owner(word);
                if (owner != sameOwner) {
                    sameOwner = owner;
                    sameOwnerSince = System.nanoTime();
                }
                if (owner == 0) {
                    // Keep the WAITERS bit while we still count ourselves; cleared below if we were last.
                    if (LockWord.compareAndSet(word, tid | LockWord.WAITERS)) {
                        break;
                    }
                    continue;
                }
                waited = true;
                if (spinFirst) {
                    spinFirst = false;
                    if (spin.allowed(tid, waiters - 1)) {
                        spunSeen = switchNumber;
                        spunSince = System.nanoTime();
                        spinUnlocked(spunSince + spin.budget(switchIntervalNanos()));
                        continue;
                    }
                }
                long seen = switchNumber;
                long wait = switchIntervalNanos();
                if (spunSince != 0) {
                    seen = spunSeen;
                    wait = Math.max(1, wait - (System.nanoTime() - spunSince));
                    spun(spunSince, false);
                    spunSince = 0;
                }
                long left;
                try {
                    left = lockFreed.awaitNanos(wait);
                } catch (InterruptedException e) {
                    interrupted = true;
                    continue;
                }
                if (left > 0) {
                    counters.wokeUp(LockWord.owner(LockWord.get()) != 0);
                } else if (switchNumber == seen && LockWord.owner(LockWord.get()) == owner
                        && !freeIfOwnerDead(owner)) {
                    requestDrop();
                    noteLongHold(owner, System.nanoTime() - sameOwnerSince);
                }
            }
        } finally {
            waiters--;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (spunSince != 0) {
            spun(spunSince, true);
        }
        if (waiters == 0) {
            LockWord.compareAndSet(tid | LockWord.WAITERS, tid);
            noWaiters();
        }
        switchNumber++;
        if (waited) {
            counters.handoffs++;
            counters.waited(tid, System.nanoTime() - start);
        }
        LockWord.setDropRequest(false);
        switched.signalAll();
    }

    /**
     * Polls the word outside the mutex until the lock looks free or {@code deadline} passes, then
     * takes the mutex back. Only the owner matters here: a reserved word looks free, and the
     * caller's {@link LockWord#get()} under the mutex revokes the reservation.
     */
    private void spinUnlocked(long deadline) {
        unlock();
        try {
            // Also wait for the mutex to be free: the releaser holds it a moment longer, and a
            // spinner that queued for it would park there instead.
            while ((LockWord.ownerNow() != 0 || mutex.isLocked()) && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
        } finally {
            lock();
        }
    }

    /** Counts a spin that began at {@code since}; {@code acquired}: the waiter got the lock without parking. */
    private void spun(long since, boolean acquired) {
        long nanos = System.nanoTime() - since;
        counters.spun(nanos, acquired);
        if (acquired) {
            spin.succeeded();
        } else {
            spin.failed();
        }
    }

    private void releaseLocked() {
        while (true) {
            long word = LockWord.get();
            if (LockWord.compareAndSet(word, waiters > 0 ? LockWord.WAITERS : 0)) {
                break;
            }
        }
        if (waiters == 0) {
            noWaiters();
        }
        lockFreed.signal();
    }
}
