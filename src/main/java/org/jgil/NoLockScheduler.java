package org.jgil;

/**
 * Policy {@code none}: no lock at all, as in free-threaded CPython (PEP 703). Every thread may
 * run managed code at any time; the C macros see {@code JGIL_SLOW_NOLOCK} and do nothing. It
 * exists to show what the lock prevents: overlapping managed sections and lost updates.
 */
final class NoLockScheduler extends Scheduler {
    @Override
    String name() {
        return "none";
    }


    @Override
    void install() {
        super.install();
        LockWord.setNoLock(true);
    }

    @Override
    void uninstall() {
        LockWord.setNoLock(false);
        super.uninstall();
    }

    @Override
    boolean locks() {
        return false;
    }

    @Override
    void acquire(long tid, boolean returning) {
        // nothing to wait for
    }

    @Override
    void release(long tid) {
        // Nothing to hand over, but a fast release that visits the scheduler re-took the word first.
        LockWord.compareAndSet(tid, 0);
    }

    @Override
    void yieldToWaiter(long tid) {
        LockWord.setDropRequest(false);
    }
}
