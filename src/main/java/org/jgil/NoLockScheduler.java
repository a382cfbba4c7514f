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


    /**
     * Nobody waits under this policy, so {@code waiting} is lowered here for good: left up from the
     * previous policy, it would send releases on through the scheduler's visits, and nothing
     * under {@code none} would ever lower it.
     */
    @Override
    void install() {
        super.install();
        LockWord.setNoLock(true);
        LockWord.clearWaiting();
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

    /**
     * Threads still take the word on their fast path (they cannot know the policy); a release that
     * came here must leave it free, or the next policy would find it held by a thread that
     * believes it gave it back.
     */
    @Override
    void release(long tid) {
        while (true) {
            long word = LockWord.get();
            if (LockWord.owner(word) != tid || LockWord.compareAndSet(word, 0)) {
                return;
            }
        }
    }

    @Override
    void yieldToWaiter(long tid) {
        LockWord.setDropRequest(false);
    }
}
