package org.jgil;

/**
 * What the lock needs to know about the JVM's shutdown, found out without depending on the order
 * in which shutdown hooks run (they run concurrently, in no specified order).
 *
 * <p>The one case that needs it: a thread that calls {@code System.exit} while holding the lock
 * never returns ({@code Shutdown.exit} runs the hooks, then halts), so a shutdown hook, or any
 * thread still running, that waits for the lock would wait forever and the JVM would never end.
 * Such an owner is treated like a dead one ({@link Scheduler#freeIfOwnerDead}): a waiter frees its
 * lock after one switch interval. And a native thread that is not attached must not attach once
 * shutdown has begun ({@code jgil_ensure} fails instead).
 */
final class JvmExit {
    private static volatile boolean began;

    private JvmExit() {}

    /** Called by jgil's own shutdown hook; the probe in {@link #began()} does not need it. */
    static void markBegan() {
        began = true;
    }

    /**
     * True once the JVM has begun to shut down (its shutdown hooks have started). Until then each
     * call registers and removes an unstarted hook, a few microseconds: callers are slow paths
     * (a waiter that waited a whole switch interval, a native thread attaching).
     */
    static boolean began() {
        if (began) {
            return true;
        }
        Thread probe = new Thread(() -> { }, "jgil-shutdown-probe");
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
        } catch (IllegalStateException shutdownInProgress) {
            began = true;
        } catch (SecurityException notAllowedToAsk) {
            return false; // a security manager that forbids hooks: treat as running, as before
        }
        return began;
    }

    /**
     * True if the thread with lock id {@code tid} is inside {@code System.exit} (or
     * {@code Runtime.exit}) after shutdown began: it runs no managed code again.
     */
    static boolean isExiting(long tid) {
        if (!began()) {
            return false;
        }
        Thread owner = DeadOwners.find(tid); // by lock identity: virtual threads included
        StackTraceElement[] stack;
        try {
            stack = owner == null ? new StackTraceElement[0] : owner.getStackTrace();
        } catch (SecurityException notAllowedToAsk) {
            return false;
        }
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().equals("java.lang.Shutdown") && frame.getMethodName().equals("exit")) {
                return true;
            }
        }
        return false;
    }
}
