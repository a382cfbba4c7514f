package org.jgil;

import java.time.Duration;
import java.util.Locale;

/**
 * The scheduling rule of the lock: who gets it next, and when the holder must give it up.
 *
 * <p>The fast paths ({@link Gil#acquire()}, the C macros) only ever CAS the {@link LockWord}; a
 * scheduler is consulted once a CAS fails, that is, when the lock is contended. So a policy sees
 * every waiter but costs nothing while nobody waits. Implementations keep the WAITERS bit set
 * for as long as any thread is waiting, so that the holder's release reaches them too.
 */
abstract class Scheduler {
    static final Duration DEFAULT_SWITCH_INTERVAL = Duration.ofMillis(5);

    private volatile long switchIntervalNanos = DEFAULT_SWITCH_INTERVAL.toNanos();

    /** The policy named by {@code -Djgil.policy}, {@code cpython} when unset. */
    static Scheduler fromSystemProperties() {
        String name = System.getProperty("jgil.policy", "cpython").trim().toLowerCase(Locale.ROOT);
        Scheduler scheduler;
        switch (name) {
            case "cpython":
                scheduler = new CPythonScheduler();
                break;
            default:
                throw new IllegalArgumentException("unknown jgil.policy '" + name + "'; valid: cpython");
        }
        String interval = System.getProperty("jgil.switchInterval");
        if (interval != null) {
            scheduler.setSwitchInterval(parseInterval(interval));
        }
        return scheduler;
    }

    private static Duration parseInterval(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("us")) {
                return Duration.ofNanos(Math.round(Double.parseDouble(t.substring(0, t.length() - 2)) * 1e3));
            }
            if (t.endsWith("ms")) {
                return Duration.ofNanos(Math.round(Double.parseDouble(t.substring(0, t.length() - 2)) * 1e6));
            }
            return Duration.ofNanos(Math.round(Double.parseDouble(t.endsWith("s") ? t.substring(0, t.length() - 1) : t) * 1e9));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("jgil.switchInterval '" + text + "' is not a duration such as 5ms, 200us or 0.01s", e);
        }
    }

    abstract String name();

    /**
     * Blocks until the calling thread owns the lock. Called after the fast CAS failed, by a
     * thread that does not hold the lock; waiting is not interruptible, but the interrupt status
     * is kept.
     *
     * @param returning true when the thread comes back from a released section (native work or
     *     I/O) rather than entering managed code afresh
     */
    abstract void acquire(long tid, boolean returning);

    /** Gives the lock up. Called by the owner after its fast CAS failed: somebody is waiting. */
    abstract void release(long tid);

    /** Called by the owner at a checkpoint when a drop request is set. */
    abstract void yieldToWaiter(long tid);

    final long switchIntervalNanos() {
        return switchIntervalNanos;
    }

    final void setSwitchInterval(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("switch interval must be positive, got " + interval);
        }
        switchIntervalNanos = interval.toNanos();
    }
}
