package org.jgil;

import java.nio.ByteBuffer;

/**
 * The bridge between the lock's two halves: natives that expose the shared state, and the
 * methods native slow paths call up into (see {@code native/src/jgil_runtime.c}). Only
 * contention, checked mode and native-thread attach come here; the uncontended release and
 * re-take never do.
 */
final class GilRuntime {
    static {
        NativeLibrary.load();
        init();
    }

    private GilRuntime() {}

    /** Loads the native library once; every class that needs it calls this first. */
    static void ensureLoaded() {
        // Running the static initializer is the work.
    }

    private static native void init();

    static native ByteBuffer stateBuffer();

    private static native long apiAddress0();

    private static native String siteName(long site);

    /** Fills {@code names[i]} and {@code values[3i..3i+2]} (samples, released ns, re-acquire ns). */
    static native int siteStats(String[] names, long[] values);

    static native void resetSiteStats();

    /**
     * The address of the {@code jgil_api} table, for {@code jgil_import()} in extensions.
     *
     * @throws UnsupportedOperationException if the extension was built against another ABI
     */
    static long apiAddress(int abiVersion) {
        if (abiVersion != NativeLibrary.ABI_VERSION) {
            throw new UnsupportedOperationException("extension built against jgil ABI " + abiVersion
                    + " but the runtime provides ABI " + NativeLibrary.ABI_VERSION
                    + "; rebuild the extension against this jgil's jgil.h");
        }
        Gil.isChecked(); // initializes the lock before any extension can use it
        return apiAddress0();
    }

    // ---- upcalls from jgil_runtime.c; names and signatures are looked up there ----

    /** JGIL_BEGIN_ALLOW_THREADS took the slow path: waiters to wake, or checked mode. */
    static long releaseFromNative(long site) {
        long tid = Gil.currentThreadId();
        if (LockWord.owner(LockWord.get()) != tid) {
            throw new IllegalStateException(where("JGIL_BEGIN_ALLOW_THREADS", site)
                    + " in thread " + Thread.currentThread().getName() + ", which does not hold the GIL; "
                    + "call the kernel from managed code (holding the GIL), and do not nest "
                    + "BEGIN/END blocks");
        }
        if (!LockWord.compareAndSet(tid, 0)) {
            Gil.scheduler().release(tid);
        }
        return tid;
    }

    /** JGIL_END_ALLOW_THREADS took the slow path: the lock is taken, or checked mode. */
    static void acquireFromNative(long saved, long site) {
        long tid = Gil.currentThreadId();
        if (saved == 0) {
            throw new IllegalStateException(where("JGIL_END_ALLOW_THREADS", site)
                    + " without a matching JGIL_BEGIN_ALLOW_THREADS");
        }
        if (saved != tid) {
            throw new IllegalStateException(where("JGIL_END_ALLOW_THREADS", site)
                    + " in a thread other than the one that began the block");
        }
        if (LockWord.owner(LockWord.get()) == tid) {
            throw new IllegalStateException(where("JGIL_END_ALLOW_THREADS", site)
                    + ": this thread already holds the GIL (END twice, or BLOCK without UNBLOCK)");
        }
        if (!LockWord.compareAndSet(0, tid)) {
            Gil.waitFor(Gil.scheduler(), tid, true, LockWord.owner(LockWord.get()));
        }
    }

    /** jgil_ensure(): true if this call took the lock. */
    static boolean ensureFromNative() {
        long tid = Gil.currentThreadId();
        if (LockWord.owner(LockWord.get()) == tid) {
            return false;
        }
        if (!LockWord.compareAndSet(0, tid)) {
            Gil.waitFor(Gil.scheduler(), tid, false, LockWord.owner(LockWord.get()));
        }
        return true;
    }

    /** jgil_release() of an ensure that took the lock. */
    static void releaseEnsured() {
        Gil.release();
    }

    static boolean isHeldFromNative() {
        return Gil.isHeldByCurrentThread();
    }

    static boolean isInterruptedFromNative() {
        return Thread.currentThread().isInterrupted();
    }

    private static String where(String macro, long site) {
        String name = site == 0 ? null : siteName(site);
        return name == null ? macro : macro + " in " + name + "()";
    }
}
