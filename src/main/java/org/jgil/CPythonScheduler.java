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
            acquireLocked(tid);
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
            acquireLocked(tid);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } finally {
            unlock();
        }
    }

    private void acquireLocked(long tid) {
        long start = System.nanoTime();
        boolean waited = false;
        waiters++;
        LockWord.setWaiters();
        boolean interrupted = false;
        long sameOwner = 0;
        long sameOwnerSince = start;
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
                long seen = switchNumber;
                long left;
                try {
                    left = lockFreed.awaitNanos(switchIntervalNanos());
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
