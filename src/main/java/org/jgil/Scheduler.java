package org.jgil;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
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
    /** How long {@link #lock()} polls a taken mutex before it queues for it. */
    private static final long MUTEX_SPIN_NANOS = 5_000;
    private static final AtomicLong LAST_WARNING = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    final ReentrantLock mutex = new ReentrantLock();
    /** Warnings decided under {@link #mutex}, logged once it is released: see {@link #unlock()}. */
    private final Queue<Runnable> warnings = new ConcurrentLinkedQueue<>();
    final SchedulerCounters counters = new SchedulerCounters(); // guarded by mutex
    /** The spin before parking, for the policies that spin ({@code -Djgil.spin}). */
    final Spin spin = Spin.fromSettings();
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
                throw new IllegalArgumentException("unknown policy '" + policy + "'; valid: "
                        + String.join(", ", POLICIES));
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

    Scheduler() {
        counters.startFrom(LockWord.waiterBarriers(), LockWord.waiterBarrierNanos(), GilRuntime.revocations());
    }

    final GilStats stats() {
        SchedulerCounters.Partial partial;
        lock();
        try {
            partial = counters.snapshot(name(), LockWord.waiterBarriers(), LockWord.waiterBarrierNanos(),
                    GilRuntime.revocations());
        } finally {
            unlock();
        }
        return partial.complete(); // the per-thread hold figures need no mutex: keep waiters' way clear
    }

    final void resetStats() {
        lock();
        try {
            counters.clear();
            counters.startFrom(LockWord.waiterBarriers(), LockWord.waiterBarrierNanos(), GilRuntime.revocations());
        } finally {
            unlock();
        }
    }

    /**
     * The last waiter has left (under {@link #mutex}): lower the {@code waiting} flag that sends
     * fast releases to a CAS, but only once no waiter has come for a millisecond. A waiter that
     * raises the flag pays a process-wide barrier (membarrier(2)): microseconds, many more on a
     * busy virtual machine, and a slower wake-up after it (the handoff median about tripled when
     * every waiter paid it). Keeping the flag up through a burst of contention pays it once per
     * burst; after the burst, one CAS release in {@code JGIL_QUIET_CHECK_EVERY} comes here to
     * lower it, so that quiet releases go back to plain stores.
     */
    final void noWaiters() {
        LockWord.clearWaitingIfQuiet();
    }

    /**
     * Takes {@link #mutex}, never waiting for it without a bound. A thread queued for a lock is woken
     * only once the thread ahead of it has run, and with virtual threads that one may be unmounted,
     * waiting for a carrier, while every carrier is held by a virtual thread pinned at the end of a
     * native section (waiting, see {@link #acquirePinned}, for the holder of the GIL, who may be
     * the very thread queued behind). So every waiter for the mutex looks again at least every
     * millisecond and takes it if it is free; a pinned virtual thread does not queue at all.
     */
    final void lock() {
        if (mutex.tryLock()) {
            return;
        }
        long start = System.nanoTime();
        // The mutex is held for a microsecond or less: poll it that long before queueing, where a
        // wait means a park and an unpark. A waiter handed the lock takes the mutex at once to count
        // its wait, while the thread that handed it over still holds it: parking there put a futex
        // wake-up on every handover.
        while (System.nanoTime() - start < MUTEX_SPIN_NANOS) {
            Thread.onSpinWait();
            if (!mutex.isLocked() && mutex.tryLock()) {
                counters.mutexWaited(System.nanoTime() - start);
                return;
            }
        }
        boolean pinned = ThreadIdentity.pinned();
        boolean interrupted = false;
        for (int spins = 0; ; spins++) {
            if (pinned) {
                if (spins < 100) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 10_000); // parks the carrier with it, but only for a moment
                }
                if (mutex.tryLock()) {
                    break;
                }
            } else {
                try {
                    if (mutex.tryLock(1, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // kept for the caller, as every wait for the lock keeps it
                }
            }
        }
        counters.mutexWaited(System.nanoTime() - start);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for the lock without the scheduler's queue or conditions, for a virtual thread pinned
     * to its carrier (see {@link #lock()}): it takes the lock whenever it finds it free, barging
     * like a thread on the fast path, and looks again after a pause that doubles up to a
     * millisecond. Such a waiter cannot unmount, so it must not wait for anything that needs a
     * carrier to happen: only for the holder, which took the lock while it had a carrier (a thread
     * takes the lock mounted, and the queue policies never hand it to an unmounted virtual thread),
     * when at most all but one of the carriers were pinned in released sections; so one carrier
     * stays free for the holder.
     */
    final void acquirePinned(long tid) {
        long start = System.nanoTime();
        long pause = 1_000;
        long seenOwner = 0;
        long sameOwnerSince = start;
        boolean waited = false;
        boolean interrupted = false;
        while (true) {
            long word = LockWord.get();
            long owner = LockWord.owner(word);
            if (owner == 0) {
                // Keep a WAITERS bit: the scheduler's own waiters are still there.
                if (LockWord.compareAndSet(word, tid | (word & LockWord.WAITERS))) {
                    break;
                }
                continue;
            }
            waited = true;
            long now = System.nanoTime();
            if (owner != seenOwner) {
                seenOwner = owner;
                sameOwnerSince = now;
            } else if (now - sameOwnerSince >= switchIntervalNanos() && mutex.tryLock()) {
                try {
                    if (LockWord.owner(LockWord.get()) == owner && !freeIfOwnerDead(owner)) {
                        requestDrop();
                        noteLongHold(owner, now - sameOwnerSince);
                    }
                } finally {
                    unlock();
                }
                sameOwnerSince = now;
            }
            LockSupport.parkNanos(this, pause);
            if (Thread.interrupted()) {
                interrupted = true; // kept, as every wait for the lock keeps it
            }
            pause = Math.min(2 * pause, Math.min(1_000_000, switchIntervalNanos()));
        }
        if (waited && mutex.tryLock()) { // the statistics are not worth waiting for
            try {
                counters.waited(tid, System.nanoTime() - start);
            } finally {
                unlock();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A checkpoint's drop request, in a virtual thread pinned to its carrier: gives the lock up and
     * takes it back as {@link #acquirePinned} does, if anybody waits.
     */
    void yieldPinned(long tid) {
        if ((LockWord.get() & LockWord.WAITERS) == 0) {
            dropRequestServed();
            return;
        }
        release(tid);
        acquirePinned(tid);
    }

    /** A drop request found nobody waiting. */
    void dropRequestServed() {
        LockWord.setDropRequest(false);
    }

    /**
     * Releases {@link #mutex}, then logs the warnings decided under it. Nothing that can block may
     * run under the mutex: a virtual thread that blocks there (a logger's stream lock, say) leaves
     * its carrier, and the threads that wait for the mutex at the end of a native section are
     * pinned to theirs; once they fill every carrier, the holder of the mutex never runs again.
     */
    final void unlock() {
        mutex.unlock();
        if (!mutex.isHeldByCurrentThread()) {
            for (Runnable warning; (warning = warnings.poll()) != null; ) {
                warning.run();
            }
        }
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
    final void noteLongHold(long owner, long nanos) {
        if (nanos < WARN_HOLD_NANOS || !LOG.isWarnEnabled()) {
            return;
        }
        long now = System.nanoTime();
        long last = LAST_WARNING.get();
        if (now - last >= WARN_EVERY_NANOS && LAST_WARNING.compareAndSet(last, now)) {
            warnings.add(() -> LOG.warn("{} has held the GIL for {} ms while other threads waited. Call "
                    + "Gil.checkpoint() in long managed loops and release the lock around long native work "
                    + "(JGIL_BEGIN_ALLOW_THREADS in C, GilLinker.released for an FFM downcall, Gil.allowThreads() "
                    + "in Java). (At most one such warning every 10 s.)", Gil.describe(owner),
                    nanos / 1_000_000));
        }
    }

    /**
     * Frees the lock if {@code owner} still holds it but is no longer alive, so that one careless
     * thread cannot wedge the process; called under {@link #mutex} after a waiter waited a switch
     * interval without the lock changing hands. Walking the live threads is far too slow for a
     * fast path and cheap next to such a wait.
     */
    final boolean freeIfOwnerDead(long owner) {
        if (owner == 0) {
            return false;
        }
        boolean exiting = DeadOwners.isAlive(owner) && JvmExit.isExiting(owner);
        if (!exiting && DeadOwners.isAlive(owner)) {
            return false;
        }
        long word = LockWord.get();
        if (LockWord.owner(word) != owner || !LockWord.compareAndSet(word, word & LockWord.WAITERS)) {
            return false;
        }
        counters.deadOwnersRecovered++;
        warnings.add(() -> LOG.warn("{} {} while holding the GIL; the lock has been freed. "
                + "Release it in a finally block, or use Gil.run()/Gil.call().", Gil.describe(owner),
                exiting ? "called System.exit" : "ended"));
        return true;
    }
}
