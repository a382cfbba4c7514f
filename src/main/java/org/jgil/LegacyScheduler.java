package org.jgil;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Policy {@code legacy}, Python 2's GIL: every {@code ticks} checkpoints the holder releases the
 * lock and immediately asks for it again, with no handoff and no drop request. The release wakes
 * a waiter, but on a multicore machine the releaser is still running on its core while the waiter
 * is only being scheduled, so the releaser usually takes the lock back first: the woken waiter
 * finds it re-taken and sleeps again (priority inversion; David Beazley, "Understanding the
 * GIL"). Here {@link GilStats#wakeups()} counts the releases that woke a waiter and
 * {@link GilStats#wakeupsFoundTaken()} those after which the releaser had the lock back before any
 * waiter got in.
 */
final class LegacyScheduler extends Scheduler {
    static final int DEFAULT_TICKS = 100;
    /** Only a safety net for threads that raced a policy switch; wake-ups come from signals. */
    private static final long SAFETY_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final int ticksPerSwitch;
    private final ArrayDeque<Thread> parked = new ArrayDeque<>(); // guarded by mutex
    private int waiters; // guarded by mutex
    private long switchNumber; // guarded by mutex: lock taken by a thread that had to wait
    private int ticks; // touched only by the holder, at checkpoints

    LegacyScheduler(int ticksPerSwitch) {
        if (ticksPerSwitch < 1) {
            throw new IllegalArgumentException("jgil.ticks must be >= 1, got " + ticksPerSwitch);
        }
        this.ticksPerSwitch = ticksPerSwitch;
    }

    @Override
    String name() {
        return "legacy";
    }


    @Override
    void install() {
        // Every checkpoint must reach yieldToWaiter() to count its tick.
        LockWord.setDropRequest(true);
    }

    /**
     * Waits like a thread on Python 2's lock (a semaphore): parked in the kernel until a release
     * wakes it, then it must be scheduled before it can try again. No spinning, no handoff.
     */
    @Override
    void acquire(long tid, boolean returning) {
        long start = System.nanoTime();
        boolean waited = false;
        boolean interrupted = false;
        Thread self = Thread.currentThread();
        lock();
        try {
            waiters++;
            LockWord.setWaiters();
            while (true) {
                long word = LockWord.get();
                long owner = LockWord.owner(word);
                if (owner == 0) {
                    if (LockWord.compareAndSet(word, tid | LockWord.WAITERS)) {
                        break;
                    }
                    continue;
                }
                waited = true;
                parked.addLast(self);
                unlock();
                try {
                    LockSupport.parkNanos(this, SAFETY_WAIT_NANOS);
                    if (Thread.interrupted()) {
                        interrupted = true;
                    }
                } finally {
                    lock();
                    parked.remove(self);
                }
                if (LockWord.owner(LockWord.get()) == owner) {
                    freeIfOwnerDead(owner);
                }
            }
            waiters--;
            if (waiters == 0) {
                LockWord.compareAndSet(tid | LockWord.WAITERS, tid);
                noWaiters();
            }
            if (waited) {
                switchNumber++;
                counters.handoffs++;
                counters.waited(tid, System.nanoTime() - start);
            }
        } finally {
            unlock();
            if (interrupted) {
                self.interrupt();
            }
        }
    }

    /** Frees the lock and wakes one parked waiter, after leaving the mutex, as sem_post would. */
    @Override
    void release(long tid) {
        Thread wake;
        lock();
        try {
            while (true) {
                long word = LockWord.get();
                if (LockWord.compareAndSet(word, waiters > 0 ? LockWord.WAITERS : 0)) {
                    break;
                }
            }
            if (waiters == 0) {
                noWaiters();
            }
            wake = parked.peekFirst();
        } finally {
            unlock();
        }
        if (wake != null) {
            LockSupport.unpark(wake);
        }
    }

    @Override
    void dropRequestServed() {
        // The request stays set: every checkpoint counts a tick.
    }

    @Override
    void yieldPinned(long tid) {
        if (++ticks >= ticksPerSwitch) {
            ticks = 0;
            super.yieldPinned(tid);
        }
    }

    @Override
    void yieldToWaiter(long tid) {
        if (++ticks < ticksPerSwitch) {
            return;
        }
        ticks = 0;
        if ((LockWord.get() & LockWord.WAITERS) == 0) {
            return; // nobody to let in: Python 2 still released, but it changes nothing here
        }
        long seen = switchNumber();
        release(tid);
        acquire(tid, false); // straight back in the queue: no handoff, no waiting for a switch
        lock();
        try {
            counters.wokeUp(switchNumber == seen);
        } finally {
            unlock();
        }
    }

    private long switchNumber() {
        lock();
        try {
            return switchNumber;
        } finally {
            unlock();
        }
    }
}
