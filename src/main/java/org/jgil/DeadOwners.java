package org.jgil;

/** Whether the thread with a given id is still alive; see {@link Scheduler#freeIfOwnerDead}. */
final class DeadOwners {
    private DeadOwners() {}

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
