package org.jgil;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

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
        // Once the JVM shuts down, a native thread's jgil_ensure() that would have to attach
        // fails at once (JGIL_ENSURE_FAILED) instead of attaching to a dying VM.
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(GilRuntime::shutdownBegan, "jgil-shutdown"));
        } catch (IllegalStateException alreadyShuttingDown) {
            shutdownBegan();
        }
    }

    private GilRuntime() {}

    /** Loads the native library once; every class that needs it calls this first. */
    static void ensureLoaded() {
        // Running the static initializer is the work.
    }

    private static native void init();

    /** From the shutdown hook: jgil_ensure() on threads that are not attached fails from now on. */
    private static native void markShutdown();

    private static void shutdownBegan() {
        JvmExit.markBegan();
        markShutdown();
    }

    /**
     * jgil_ensure() has just attached a native thread: true if it must detach and fail because
     * shutdown has begun (jgil's hook, which sets the native flag, may not have run yet: hooks run
     * concurrently, in no given order).
     */
    static boolean attachRefused() {
        return JvmExit.began();
    }

    static native ByteBuffer stateBuffer();

    // ---- reservations and plain releases (the design note on top of jgil_runtime.c) ----

    /** Selects the fast path ({@code LockWord.MODE_*}); returns the one in force, which is
     *  {@code MODE_FENCED} when the kernel has no membarrier(2). The lock must be idle. */
    static native int selectMode(int wanted);

    /** Makes every thread of the process pass a full memory barrier (membarrier(2)). */
    static native void heavyBarrier();

    /** Revokes a reservation, if the lock word holds one; returns the word as it then is. */
    static native long settle();

    /** Reservations revoked from a thread that was not about to re-take the lock. */
    static native long revocations();

    private static native long apiAddress0();

    private static native String siteName(long site);

    // ---- the cancel watcher's view of the native cancel records (jgil_cancel.c) ----

    /** Arms or disarms a record; when arming, sets its flag to {@code interrupted}. */
    static native void cancelSetArmed(long rec, boolean armed, boolean interrupted);

    /** Bit 0: polled since the last scan; bit 1: inside a cancellable section. */
    static native int cancelScan(long rec);

    /** Sets or clears a record's flag; setting it inside a cancellable section fires the ubf once. */
    static native void cancelSet(long rec, boolean interrupted);

    /**
     * Checked mode: the native sections each thread has open, innermost last, so that a nested
     * BEGIN can name the block it is nested in.
     */
    private static final ThreadLocal<ArrayDeque<String>> OPEN_SECTIONS =
            ThreadLocal.withInitial(ArrayDeque::new);

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
        if (LockWord.ownerNow() != tid) {
            String outer = OPEN_SECTIONS.get().peekLast();
            if (outer != null) {
                throw new IllegalStateException(where("JGIL_BEGIN_ALLOW_THREADS", site)
                        + " nested inside the released section opened by " + outer + " in thread "
                        + Thread.currentThread().getName() + "; released sections do not nest: "
                        + "the inner block must go, or re-take the lock first (JGIL_BLOCK_THREADS, "
                        + "jgil::gil_acquire)");
            }
            throw new IllegalStateException(where("JGIL_BEGIN_ALLOW_THREADS", site)
                    + " in thread " + Thread.currentThread().getName() + ", which does not hold the GIL; "
                    + "a native call that releases the lock is made holding it, from managed code: inside "
                    + "Gil.run(...) or Gil.call(...), or between Gil.acquire() and Gil.release()");
        }
        if (!LockWord.compareAndSet(tid, 0)) {
            Gil.scheduler().release(tid);
        }
        if (LockWord.checked()) {
            OPEN_SECTIONS.get().addLast(where("JGIL_BEGIN_ALLOW_THREADS", site));
        }
        return tid;
    }

    /** JGIL_END_ALLOW_THREADS took the slow path: the lock is taken, or checked mode. */
    static void acquireFromNative(long saved, long site) {
        long tid = Gil.currentThreadId();
        if (saved == -1) {
            saved = tid; // JGIL_TSTATE_NOLOCK: the block began under policy "none", which is gone
        }
        if (saved == 0) {
            throw new IllegalStateException(where("JGIL_END_ALLOW_THREADS", site)
                    + " without a matching JGIL_BEGIN_ALLOW_THREADS");
        }
        if (saved != tid) {
            throw new IllegalStateException(where("JGIL_END_ALLOW_THREADS", site)
                    + " in a thread other than the one that began the block");
        }
        if (LockWord.ownerNow() == tid) {
            throw new IllegalStateException(where("JGIL_END_ALLOW_THREADS", site)
                    + ": this thread already holds the GIL (END twice, or BLOCK without UNBLOCK)");
        }
        if (!LockWord.compareAndSet(0, tid)) {
            Gil.waitFor(Gil.scheduler(), tid, true, LockWord.ownerNow());
        }
        OPEN_SECTIONS.get().pollLast();
    }

    /** jgil_ensure(): true if this call took the lock. */
    static boolean ensureFromNative() {
        long tid = Gil.currentThreadId();
        if (LockWord.ownerNow() == tid) {
            return false;
        }
        if (!LockWord.compareAndSet(0, tid)) {
            Gil.waitFor(Gil.scheduler(), tid, false, LockWord.ownerNow());
        }
        return true;
    }

    /** jgil_ensure_end() of an ensure that took the lock. */
    static void releaseEnsured() {
        Gil.release();
    }

    static boolean isHeldFromNative() {
        return Gil.isHeldByCurrentThread();
    }

    /** JGIL_REQUIRE_GIL() in checked mode: the caller must hold the lock. */
    static void requireGilFromNative(long site) {
        if (Gil.isHeldByCurrentThread()) {
            return;
        }
        String name = site == 0 ? null : siteName(site);
        String call = name == null ? "JGIL_REQUIRE_GIL()" : "JGIL_REQUIRE_GIL() in " + name + "()";
        throw new IllegalStateException(call + ": thread " + Thread.currentThread().getName()
                + " does not hold the GIL" + insideSection()
                + "; managed code and managed-only jgil APIs need it. A native thread takes it with "
                + "jgil_ensure() (jgil::gil_acquire in C++); a thread inside a released section re-takes "
                + "it with JGIL_BLOCK_THREADS or jgil::gil_acquire");
    }

    /** JGIL_CHECKPOINT() took its slow path: a drop request, or checked mode. */
    static void checkpointFromNative(long site) {
        if (!Gil.isHeldByCurrentThread()) {
            throw new IllegalStateException(where("JGIL_CHECKPOINT()", site) + " in thread "
                    + Thread.currentThread().getName() + ", which does not hold the GIL"
                    + insideSection() + "; JGIL_CHECKPOINT() is for native code that runs holding the "
                    + "lock (outside any released section)");
        }
        Gil.checkpoint();
    }

    /**
     * Checked mode: a lock operation found that the calling thread does not hold the lock while a
     * released section it opened is still on record. Either the thread is inside that section, or
     * it left the section without its END (longjmp, or a C++ exception through C code built
     * without {@code -fexceptions}: the only ways out that skip the block's cleanup) and has run
     * managed code without the lock since. Throws naming the block, and forgets it, so that the
     * thread can go on once the exception is handled. Does nothing if no section is open.
     *
     * @param what the lock operation, for the message
     */
    static void checkNoOpenSection(String what) {
        ArrayDeque<String> open = OPEN_SECTIONS.get();
        String block = open.peekLast();
        if (block == null) {
            return;
        }
        open.clear();
        throw new IllegalStateException(what + " in thread " + Thread.currentThread().getName()
                + ", which does not hold the GIL: the released section opened by " + block
                + " was left without its JGIL_END_ALLOW_THREADS (longjmp, or an exception through C code "
                + "built without -fexceptions), or is still open, so managed code ran without the GIL. "
                + "Leave blocks through their END; return, break, continue and C++ exceptions do that "
                + "by themselves");
    }

    private static String insideSection() {
        String outer = OPEN_SECTIONS.get().peekLast();
        return outer == null ? "" : " (it is inside the released section opened by " + outer + ")";
    }

    /** jgil_cancelled()'s first poll in a thread, or a poll that saw the flag set. */
    static boolean cancelArm(long rec) {
        return CancelWatcher.arm(rec);
    }

    private static String where(String macro, long site) {
        String name = site == 0 ? null : siteName(site);
        return name == null ? macro : macro + " in " + name + "()";
    }
}
