package org.jgil;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees the lock of a thread that ended while holding it, so that one careless thread cannot
 * wedge the process. Schedulers call this from their slow path after a waiter has waited a
 * whole switch interval without the lock changing hands: the check walks the live threads, far
 * too slow for a fast path and cheap next to a 5 ms wait.
 */
final class DeadOwners {
    private static final Logger LOG = LoggerFactory.getLogger(DeadOwners.class);

    private DeadOwners() {}

    /** Frees the lock if {@code owner} still holds it and is no longer alive; true if it did. */
    static boolean recoverIfDead(long owner) {
        if (isAlive(owner)) {
            return false;
        }
        long word = LockWord.get();
        if (LockWord.owner(word) != owner || !LockWord.compareAndSet(word, word & LockWord.WAITERS)) {
            return false;
        }
        LOG.warn("Thread id {} ended while holding the GIL; the lock has been freed. "
                + "Release it in a finally block, or use Gil.run()/Gil.call().", owner);
        return true;
    }

    static boolean isAlive(long tid) {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int n;
        while ((n = root.enumerate(threads, true)) == threads.length) {
            threads = new Thread[threads.length * 2];
        }
        for (int i = 0; i < n; i++) {
            if (threads[i].getId() == tid) {
                return true;
            }
        }
        return false;
    }
}
