package org.jgil;

/**
 * A section of Java code running without the lock, from {@link Gil#allowThreads()}; closing it
 * takes the lock back. Close it once, in the thread that opened it.
 */
public final class Released implements AutoCloseable {
    private final long tid;
    /** Null until a recording has started in the process ({@link GilEvents}). */
    private final GilEvents.ReleasedSection event;
    private boolean closed;

    Released(long tid) {
        this.tid = tid;
        if (GilEvents.recorderStarted()) {
            event = new GilEvents.ReleasedSection();
            event.begin();
        } else {
            event = null;
        }
    }

    /**
     * Takes the lock back, waiting for it if another thread holds it.
     *
     * @throws IllegalStateException if closed twice or from another thread
     */
    @Override
    public void close() {
        if (Gil.currentThreadId() != tid) {
            throw new IllegalStateException("a Released section must be closed by the thread that opened it");
        }
        if (closed) {
            throw new IllegalStateException("this Released section is already closed");
        }
        closed = true;
        if (event != null) {
            event.commit();
        }
        if (!LockWord.compareAndSet(0, tid)) {
            Gil.acquireSlow(tid, true);
        }
        if (HoldStats.ON) {
            HoldStats.acquired();
        }
    }
}
