package org.jgil;

/**
 * What {@link Gil#ensure()} took: close it to give that back. Handles nest; close them in the
 * reverse order of creation (try-with-resources does), in the thread that made them.
 */
public final class Ensured implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final long tid;
    private final boolean acquired;
    private final int depth;
    private boolean closed;

    private Ensured(long tid, boolean acquired, int depth) {
        this.tid = tid;
        this.acquired = acquired;
        this.depth = depth;
    }

    static Ensured open(long tid, boolean acquired) {
        int[] depth = DEPTH.get();
        return new Ensured(tid, acquired, ++depth[0]);
    }

    /** True if the {@code ensure()} call that made this handle took the lock (it was not held). */
    public boolean acquired() {
        return acquired;
    }

    /**
     * Gives back what the matching {@code ensure()} took: the lock if it took it, nothing otherwise.
     *
     * @throws IllegalStateException if closed twice, from another thread, or out of order
     */
    @Override
    public void close() {
        if (Gil.currentThreadId() != tid) {
            throw new IllegalStateException("an Ensured handle must be closed by the thread that made it");
        }
        if (closed) {
            throw new IllegalStateException("this Ensured handle is already closed");
        }
        int[] current = DEPTH.get();
        if (current[0] != depth) {
            throw new IllegalStateException("Ensured handles closed out of order: this one was opened at "
                    + "depth " + depth + " but " + current[0] + " are open; close the innermost first");
        }
        closed = true;
        current[0]--;
        if (acquired) {
            Gil.release();
        }
    }
}
