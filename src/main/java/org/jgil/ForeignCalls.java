package org.jgil;

/**
 * The lock's side of a released foreign call whose release and re-take run in native code: the
 * support jgil-ffm's {@code GilLinker.released} builds on, not an API for applications (use
 * {@link Gil#allowThreads()}).
 *
 * <p>Such a call asks {@link #fastIdentity()} first. A nonzero answer lets it give the lock up
 * through libjgil's {@code jgil_ffm_release}, which does what {@code JGIL_BEGIN_ALLOW_THREADS}
 * does uncontended, or nothing; after the call {@code jgil_ffm_retake} takes the lock back, or
 * leaves that to {@link #retake(long)}. Every other case goes through {@link Gil#allowThreads()}.
 */
public final class ForeignCalls {
    static {
        Gil.isChecked(); // the lock, and libjgil, before any native release
    }

    private ForeignCalls() {}

    /**
     * The calling thread's identity in the owner word if native code may open its released
     * section, else 0: for a virtual thread (the native side keeps no identity of one), and while
     * a JFR recording takes {@code org.jgil.Released} events, which only Java emits.
     */
    public static long fastIdentity() {
        long tid = ThreadIdentity.current();
        return (tid & LockWord.VIRTUAL) != 0 || GilEvents.releasedSectionsRecorded() ? 0 : tid;
    }

    /**
     * {@link Gil#allowThreads()} for a released foreign call: a refusal names {@code what}, the
     * wrapper the caller used, rather than a method it never called.
     */
    public static Released allowThreads(String what) {
        return Gil.allowThreads(what);
    }

    /** The calling thread's identity in the owner word. */
    public static long identity() {
        return ThreadIdentity.current();
    }

    /**
     * Takes the lock back for a released section that native code opened and could not close: the
     * lock was taken meanwhile, or threads wait for it. What {@link Released#close()} does.
     *
     * @throws IllegalStateException if {@code tid} is not the calling thread's identity, or if the
     *     thread holds the lock already
     */
    public static void retake(long tid) {
        if (tid != ThreadIdentity.current()) {
            throw new IllegalStateException("a released section must be closed by the thread that opened it");
        }
        if (!LockWord.compareAndSet(0, tid)) {
            Gil.acquireSlow(tid, true);
        }
    }
}
