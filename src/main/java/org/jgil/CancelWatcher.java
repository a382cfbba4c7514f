package org.jgil;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Brings {@link Thread#interrupt()} to native kernels, which cannot see it: a daemon thread that,
 * about once a millisecond, looks at every thread with a kernel that polls {@code jgil_cancelled()}
 * and copies the thread's interrupt status into a flag in native memory that the poll reads; for
 * a cancellable section ({@code JGIL_BEGIN_ALLOW_THREADS_CANCELLABLE}) it also calls the kernel's
 * unblocking function once. The native side is {@code native/src/jgil_cancel.c}.
 *
 * <p>It costs nothing while no kernel polls: a record nobody polled for {@link #IDLE_SCANS}
 * scans, outside a cancellable section, is disarmed (its next poll registers it again through an
 * upcall), and with no armed record the watcher parks until one is armed.
 */
final class CancelWatcher {
    static final long SCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    static final int IDLE_SCANS = 100;

    private static final class Entry {
        final Thread thread;
        int idle;
        boolean flagged;

        Entry(Thread thread) {
            this.thread = thread;
        }
    }

    /** Native record address to the thread that armed it last; changes under {@code CancelWatcher.class}. */
    private static final Map<Long, Entry> ARMED = new ConcurrentHashMap<>();
    private static volatile Thread watcher;

    private CancelWatcher() {}

    /** Called by the thread that owns {@code rec}: registers and arms it, returns its interrupt status. */
    static boolean arm(long rec) {
        Thread self = Thread.currentThread();
        boolean interrupted = self.isInterrupted();
        synchronized (CancelWatcher.class) {
            Entry e = ARMED.get(rec);
            if (e == null || e.thread != self) {
                e = new Entry(self);
                ARMED.put(rec, e);
            }
            e.idle = 0;
            e.flagged = interrupted;
            GilRuntime.cancelSetArmed(rec, true, interrupted);
            if (watcher == null) {
                Thread t = new Thread(CancelWatcher::run, "jgil-cancel-watcher");
                t.setDaemon(true);
                watcher = t;
                t.start();
                return interrupted;
            }
        }
        LockSupport.unpark(watcher);
        return interrupted;
    }

    /** Number of records the watcher currently scans; for tests. */
    static int armedCount() {
        return ARMED.size();
    }

    private static void run() {
        while (true) {
            if (ARMED.isEmpty()) {
                LockSupport.park(CancelWatcher.class);
                continue;
            }
            scan();
            LockSupport.parkNanos(CancelWatcher.class, SCAN_NANOS);
        }
    }

    private static void scan() {
        for (Iterator<Map.Entry<Long, Entry>> it = ARMED.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Entry> me = it.next();
            long rec = me.getKey();
            Entry e = me.getValue();
            if (!e.thread.isAlive()) {
                retire(rec, e);
                continue;
            }
            int bits = GilRuntime.cancelScan(rec);
            boolean interrupted = e.thread.isInterrupted();
            if (interrupted != e.flagged || (interrupted && (bits & 2) != 0)) {
                // Setting it again inside a section fires a ubf registered since; cancelSet fires once per section.
                e.flagged = interrupted;
                GilRuntime.cancelSet(rec, interrupted);
            }
            if ((bits & 3) != 0) {
                e.idle = 0;
            } else if (++e.idle >= IDLE_SCANS) {
                retire(rec, e);
            }
        }
    }

    private static void retire(long rec, Entry e) {
        synchronized (CancelWatcher.class) {
            if (ARMED.get(rec) != e) {
                return; // re-armed by its (possibly new) owner meanwhile
            }
            if (e.thread.isAlive() && (GilRuntime.cancelScan(rec) & 3) != 0) {
                e.idle = 0; // polled again at the last moment
                return;
            }
            ARMED.remove(rec);
            GilRuntime.cancelSetArmed(rec, false, false);
        }
    }
}
