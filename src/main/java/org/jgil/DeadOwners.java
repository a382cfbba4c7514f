package org.jgil;

/**
 * Whether the thread behind an owner identity ({@link ThreadIdentity}) is still alive; see
 * {@link Scheduler#freeIfOwnerDead}.
 *
 * <p>A virtual thread (or, before JDK 19, a thread whose class overrides {@code getId()}) is
 * judged by {@code isAlive()} of its own {@code Thread} object, which {@link ThreadIdentity}
 * remembered when the thread first used the lock: thread groups do not list virtual threads.
 * A platform thread is looked up among the live platform threads, which thread groups do list,
 * from {@code start()} (or a native thread's attach) until the thread has ended; a platform
 * identity found nowhere there therefore belongs to a thread that ended, and the one found is
 * asked {@code isAlive()} too.
 */
final class DeadOwners {
    private DeadOwners() {}

    static boolean isAlive(long identity) {
        return find(identity) != null;
    }

    /** The live thread behind an owner identity, or null if that thread has ended. */
    static Thread find(long identity) {
        if ((identity & LockWord.VIRTUAL) != 0) {
            return ThreadIdentity.special(identity);
        }
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
            if (ThreadIdentity.ofPlatform(threads[i]) == identity) {
                return threads[i].isAlive() ? threads[i] : null;
            }
        }
        return null;
    }
}
