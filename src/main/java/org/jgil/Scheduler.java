package org.jgil;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduling rule of the lock: who gets it next, and when the holder must give it up.
 *
 * <p>The fast paths ({@link Gil#acquire()}, the C macros) only ever CAS the {@link LockWord}; a
 * scheduler is consulted once a CAS fails, that is, when the lock is contended. So a policy sees
 * every waiter but costs nothing while nobody waits. Implementations keep the WAITERS bit set
 * for as long as any thread is waiting, so that the holder's release reaches them too, and they
 * guard their state with {@link #mutex}.
 */
abstract class Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    static final Duration DEFAULT_SWITCH_INTERVAL = Duration.ofMillis(5);

    /** The policies, by the names {@code -Djgil.policy} and {@code --policy} take. */
    static final List<String> POLICIES = Settings.POLICIES;

    /** A waiter that saw one owner keep the lock this long logs a warning ({@code -Djgil.warnHoldMs}). */
    private static final long WARN_HOLD_NANOS = Settings.current().warnHoldNanos;
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;
    private static final AtomicLong LAST_WARNING = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    final ReentrantLock mutex = new ReentrantLock();
    final SchedulerCounters counters = new SchedulerCounters(); // guarded by mutex
    private volatile long switchIntervalNanos = DEFAULT_SWITCH_INTERVAL.toNanos();

    /** The policy named by {@code -Djgil.policy} (default {@code cpython}), with its settings. */
    static Scheduler fromSystemProperties() {
        Scheduler scheduler = create(Settings.current().policy);
        if (Settings.current().switchInterval != null) {
            scheduler.setSwitchInterval(Settings.current().switchInterval);
        }
        return scheduler;
    }

    static Scheduler create(String policy) {
        String name = policy.trim().toLowerCase(Locale.ROOT);
        switch (name) {
            case "cpython":
                return new CPythonScheduler();
            case "legacy":
                return new LegacyScheduler(Settings.current().ticks);
            case "fifo":
                return new QueueScheduler(false);
            case "io-priority":
                return new QueueScheduler(true);
            case "none":
                return new NoLockScheduler();
            default:
                throw new IllegalArgumentException("unknown policy '" + policy + "'; valid: " + String.join(", ", POLICIES));
        }
    }

    /** Text such as {@code 5ms}, {@code 200us} or {@code 0.01s}; see {@link Settings#parseDuration}. */
    static Duration parseInterval(String text) {
        return Settings.parseDuration(text);
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

    /** This policy becomes the active one; the lock is idle. */
    void install() {
        LockWord.setDropRequest(false);
    }

    /** Another policy replaces this one; the lock is idle. */
    void uninstall() {
        LockWord.setDropRequest(false);
    }

    /** False only for {@code none}, which runs without a lock. */
    boolean locks() {
        return true;
    }

    final long switchIntervalNanos() {
        return switchIntervalNanos;
    }

    final void setSwitchInterval(Duration interval) {
        switchIntervalNanos = Settings.checkSwitchInterval(interval).toNanos();
    }

    final GilStats stats() {
        mutex.lock();
        try {
            return counters.snapshot(name());
        } finally {
            mutex.unlock();
        }
    }

    final void resetStats() {
        mutex.lock();
        try {
            counters.clear();
        } finally {
            mutex.unlock();
        }
    }

    /**
     * The last waiter has left (under {@link #mutex}): lower the {@code waiting} flag that sends
     * fast releases to a CAS, but only once no waiter has come for a millisecond. A waiter that
     * raises the flag pays a process-wide barrier (membarrier(2)): a few microseconds, much more
     * on a busy virtual machine, and a slower wake-up after it (handoff median 5 us -> 14 us when
     * every waiter paid it). Keeping the flag up through a burst of contention pays it once per
     * burst; after the burst, one CAS release in {@code JGIL_QUIET_CHECK_EVERY} comes here to
     * lower it, so that quiet releases go back to plain stores.
     */
    final void noWaiters() {
        LockWord.clearWaitingIfQuiet();
    }

    /** Sets the drop request, counting it once per request. */
    final void requestDrop() {
        if (!LockWord.dropRequested()) {
            LockWord.setDropRequest(true);
            counters.dropRequests++;
        }
    }

    /**
     * Called by a waiter that has seen {@code owner} keep the lock for {@code nanos}: warns once
     * the hold passes the threshold, at most once every ten seconds for the whole process.
     */
    static void noteLongHold(long owner, long nanos) {
        if (nanos < WARN_HOLD_NANOS || !LOG.isWarnEnabled()) {
            return;
        }
        long now = System.nanoTime();
        long last = LAST_WARNING.get();
        if (now - last >= WARN_EVERY_NANOS && LAST_WARNING.compareAndSet(last, now)) {
            LOG.warn("Thread id {} has held the GIL for {} ms while other threads waited. Call Gil.checkpoint() "
                    + "in long managed loops and release the lock around long native work "
                    + "(JGIL_BEGIN_ALLOW_THREADS). (At most one such warning every 10 s.)", owner, nanos / 1_000_000);
        }
    }

    /**
     * Frees the lock if {@code owner} still holds it but is no longer alive, so that one careless
     * thread cannot wedge the process; called under {@link #mutex} after a waiter waited a switch
     * interval without the lock changing hands. Walking the live threads is far too slow for a
     * fast path and cheap next to such a wait.
     */
    final boolean freeIfOwnerDead(long owner) {
        boolean exiting = false;
        if (owner == 0 || DeadOwners.isAlive(owner) && !(exiting = JvmExit.isExiting(owner))) {
            return false;
        }
        long word = LockWord.get();
        if (LockWord.owner(word) != owner || !LockWord.compareAndSet(word, word & LockWord.WAITERS)) {
            return false;
        }
        counters.deadOwnersRecovered++;
        LOG.warn("Thread id {} {} while holding the GIL; the lock has been freed. "
                + "Release it in a finally block, or use Gil.run()/Gil.call().", owner,
                exiting ? "called System.exit" : "ended");
        return true;
    }
}
