package org.jgil;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process-wide global lock that serializes managed code, as CPython's GIL serializes bytecode.
 *
 * <p>A thread runs managed code only while it holds the lock. Native kernels give it up around
 * their work with {@code JGIL_BEGIN_ALLOW_THREADS}/{@code JGIL_END_ALLOW_THREADS} (see
 * {@code jgil.h}), Java code with {@link #allowThreads()}; both re-take it afterwards. Managed
 * code that runs long calls {@link #checkpoint()} at safe points so that waiting threads get their
 * turn.
 *
 * <h2>Three ways to hold the lock</h2>
 * <ul>
 *   <li>{@link #acquire()}/{@link #release()}: the plain pair. Not reentrant: acquiring a lock the
 *       thread already holds, or releasing one it does not hold, throws
 *       {@link IllegalStateException}.
 *   <li>{@link #ensure()}: for code that may or may not hold the lock already, like
 *       {@code PyGILState_Ensure}. It takes the lock only if the thread does not hold it, and the
 *       returned handle's {@code close()} gives back only what that call took. Handles nest and
 *       must be closed in reverse order of creation, by the thread that made them.
 *   <li>{@link #run(Runnable)}/{@link #call(Supplier)}: {@code ensure()} around a lambda.
 * </ul>
 *
 * <h2>Cost</h2>
 * While nobody waits, Java takes the lock with one compare-and-swap and gives it back with a plain
 * store, on a word of native memory both sides share; C's released sections use no atomic
 * instruction at all ({@code jgil.h}). Only a failed fast path reaches the {@link Scheduler}, which
 * parks, wakes and decides who goes next. {@code -Djgil.fastpath=reserve|plain|fenced} selects the
 * fast path (default {@code reserve}; {@code fenced}, one CAS each way, is what runs where the
 * kernel lacks membarrier(2)).
 */
public final class Gil {
    private static final Logger LOG = LoggerFactory.getLogger(Gil.class);

    /** Consulted only on slow paths; replaced only while the lock is idle ({@link #setPolicy}). */
    private static volatile Scheduler scheduler;

    static {
        Settings settings = Settings.current(); // every jgil.* property, checked before anything starts
        GilRuntime.ensureLoaded();
        String fastPath = settings.fastPath;
        int mode = LockWord.MODES.indexOf(fastPath);
        if (mode < 0) {
            throw new IllegalArgumentException("-Djgil.fastpath=" + fastPath + " is unknown; valid: "
                    + String.join(", ", LockWord.MODES));
        }
        GilRuntime.selectMode(mode);
        Scheduler initial = Scheduler.fromSystemProperties();
        initial.install();
        scheduler = initial;
        LockWord.setChecked(settings.checked);
        if (HoldStats.ON) {
            LockWord.setSiteStats(true, HoldStats.PERIOD);
        }
        LOG.debug("jgil: policy {}, switch interval {} us, checked mode {}, fast path {}, library from {}",
                initial.name(), initial.switchIntervalNanos() / 1000, LockWord.checked(),
                LockWord.MODES.get(LockWord.mode()), NativeLibrary.origin());
    }

    static Scheduler scheduler() {
        return scheduler;
    }

    private Gil() {}

    /**
     * Takes the lock, waiting as long as it takes. The wait cannot be interrupted; the thread's
     * interrupt status is kept.
     *
     * @throws IllegalStateException if the calling thread already holds the lock
     */
    public static void acquire() {
        long tid = currentThreadId();
        if (!LockWord.compareAndSet(0, tid)) {
            acquireSlow(tid, false);
        }
        if (HoldStats.ON) {
            HoldStats.acquired();
        }
    }

    /**
     * Gives the lock back.
     *
     * @throws IllegalStateException if the calling thread does not hold the lock
     */
    public static void release() {
        long tid = currentThreadId();
        if (HoldStats.ON && LockWord.ownerNow() == tid) {
            HoldStats.released(); // only the holder's: a misuse release must not end its sample
        }
        if (!LockWord.release(tid, scheduler)) {
            releaseSlow(tid, "Gil.release()");
        }
    }

    /** True if the calling thread holds the lock; always true under policy {@code none}. */
    public static boolean isHeldByCurrentThread() {
        return LockWord.ownerNow() == currentThreadId() || !scheduler.locks();
    }

    /**
     * Takes the lock unless the calling thread already holds it. Close the handle (ideally with
     * try-with-resources) to give back what this call took:
     *
     * <pre>{@code
     * try (Ensured gil = Gil.ensure()) {
     *     counter++;            // managed state
     * }
     * }</pre>
     */
    public static Ensured ensure() {
        long tid = currentThreadId();
        boolean acquired = LockWord.ownerNow() != tid;
        if (acquired && !LockWord.compareAndSet(0, tid)) {
            waitFor(scheduler, tid, false, LockWord.ownerNow());
        }
        if (HoldStats.ON && acquired) {
            HoldStats.acquired();
        }
        return Ensured.open(tid, acquired);
    }

    /** Runs {@code action} holding the lock; reentrant, like {@link #ensure()}. */
    public static void run(Runnable action) {
        Objects.requireNonNull(action, "action");
        try (Ensured gil = ensure()) {
            action.run();
        }
    }

    /** Runs {@code action} holding the lock and returns its result; reentrant, like {@link #ensure()}. */
    public static <T> T call(Supplier<T> action) {
        Objects.requireNonNull(action, "action");
        try (Ensured gil = ensure()) {
            return action.get();
        }
    }

    /**
     * Gives the lock up until the returned handle is closed: Java's {@code with nogil:}. The code
     * inside must not touch managed state. Sections do not nest.
     *
     * <pre>{@code
     * try (Released nogil = Gil.allowThreads()) {
     *     checksum = crc32(bytes);   // pure computation, runs in parallel
     * }
     * }</pre>
     *
     * @throws IllegalStateException if the calling thread does not hold the lock
     */
    public static Released allowThreads() {
        return allowThreads("Gil.allowThreads()");
    }

    /** {@link #allowThreads()}, naming {@code what} the caller called in its refusal. */
    static Released allowThreads(String what) {
        long tid = currentThreadId();
        if (HoldStats.ON && LockWord.ownerNow() == tid) {
            HoldStats.released();
        }
        if (!LockWord.release(tid, scheduler)) {
            releaseSlow(tid, what);
        }
        return new Released(tid);
    }

    /** Runs {@code action} with the lock given up, then takes it back. */
    public static void allowThreads(Runnable action) {
        Objects.requireNonNull(action, "action");
        try (Released nogil = allowThreads()) {
            action.run();
        }
    }

    /** Runs {@code action} with the lock given up, takes it back, and returns the result. */
    public static <T> T allowThreads(Supplier<T> action) {
        Objects.requireNonNull(action, "action");
        try (Released nogil = allowThreads()) {
            return action.get();
        }
    }

    /**
     * A safe point in managed code. If another thread has asked for the lock and waited one switch
     * interval, the caller gives the lock up, waits until another thread has taken it, and queues
     * for it again. Otherwise this is two reads of one cache line.
     *
     * @throws IllegalStateException if the calling thread does not hold the lock: in checked mode
     *     always; unchecked, when the lock is requested (a checkpoint without the lock is then
     *     seen only under contention, when it would have to give up a lock it does not hold)
     */
    public static void checkpoint() {
        if (LockWord.checkpointDue()) {
            checkpointSlow();
        }
    }

    private static void checkpointSlow() {
        if (LockWord.dropRequested()) {
            yieldSlow();
        } else {
            checkHeld(); // checked mode
        }
    }

    /** How long a waiter waits before it asks the holder to give the lock up. */
    public static Duration switchInterval() {
        return Duration.ofNanos(scheduler.switchIntervalNanos());
    }

    /**
     * Sets the switch interval, like {@code sys.setswitchinterval}. Also settable at start with
     * {@code -Djgil.switchInterval=5ms}.
     */
    public static void setSwitchInterval(Duration interval) {
        scheduler.setSwitchInterval(Objects.requireNonNull(interval, "interval"));
    }

    /**
     * Sets the switch interval from text such as {@code 5ms}, {@code 200us} or {@code 0.01s}, the
     * form {@code -Djgil.switchInterval} takes.
     *
     * @throws IllegalArgumentException if the text is not such a duration, or not positive
     */
    public static void setSwitchInterval(String interval) {
        setSwitchInterval(Scheduler.parseInterval(Objects.requireNonNull(interval, "interval")));
    }

    /** The scheduling policy in force, as named by {@code -Djgil.policy}. */
    public static String policy() {
        return scheduler.name();
    }

    /** The policies {@link #setPolicy} and {@code -Djgil.policy} accept. */
    public static List<String> policies() {
        return Scheduler.POLICIES;
    }

    /**
     * Replaces the scheduling policy: {@code cpython} (the default), {@code legacy}, {@code fifo},
     * {@code io-priority} or {@code none}. Meant for experiments and tests: call it while no thread
     * holds or waits for the lock. The switch interval carries over; statistics start afresh.
     *
     * @throws IllegalStateException if the lock is held or waited for
     * @throws IllegalArgumentException if the policy is unknown
     */
    public static synchronized void setPolicy(String policy) {
        Scheduler next = Scheduler.create(Objects.requireNonNull(policy, "policy"));
        Scheduler previous = scheduler;
        holdingIdleLock("the GIL policy", () -> {
            next.setSwitchInterval(Duration.ofNanos(previous.switchIntervalNanos()));
            previous.uninstall();
            next.install();
            scheduler = next;
        });
        LOG.debug("jgil: policy {} replaces {}", next.name(), previous.name());
    }

    /**
     * Selects the fast path, as {@code -Djgil.fastpath} does at start: {@code reserve}, {@code plain}
     * or {@code fenced}. For tests and measurements; call it while the lock is idle. Where the kernel
     * lacks membarrier(2), every choice runs as {@code fenced}.
     *
     * @return the fast path in force
     */
    static synchronized String setFastPath(String name) {
        int mode = LockWord.MODES.indexOf(name);
        if (mode < 0) {
            throw new IllegalArgumentException("fast path '" + name + "' is unknown; valid: "
                    + String.join(", ", LockWord.MODES));
        }
        int[] selected = new int[1];
        holdingIdleLock("the fast path", () -> selected[0] = GilRuntime.selectMode(mode));
        return LockWord.MODES.get(selected[0]);
    }

    /**
     * Runs {@code change} holding the lock, which must be idle (free, or only reserved): changes
     * of policy and fast path are made with no thread holding or waiting for it.
     */
    private static void holdingIdleLock(String what, Runnable change) {
        long tid = currentThreadId();
        // A reserved lock is free: LockWord.get() revokes the reservation.
        if (!LockWord.compareAndSet(0, tid) && !(LockWord.get() == 0 && LockWord.compareAndSet(0, tid))
                && !takeFromDeadOwner(tid)) {
            throw new IllegalStateException("cannot change " + what + " while the lock is held or waited for"
                    + " (owner word " + Long.toHexString(LockWord.get()) + "); change it between experiments");
        }
        try {
            change.run();
        } finally {
            if (!LockWord.compareAndSet(tid, 0)) {
                scheduler.release(tid); // somebody queued meanwhile
            }
        }
    }

    /**
     * Takes the lock from a thread that ended holding it, with nobody waiting: no waiter is there
     * to notice, so without this the lock would stay taken for good.
     */
    private static boolean takeFromDeadOwner(long tid) {
        long word = LockWord.get();
        long owner = LockWord.owner(word);
        if (owner == 0 || owner == tid || (word & LockWord.WAITERS) != 0 || DeadOwners.isAlive(owner)
                || !LockWord.compareAndSet(word, tid)) {
            return false;
        }
        LOG.warn("{} ended while holding the GIL; the lock has been freed. Release it in a finally block, "
                + "or use Gil.run()/Gil.call().", describe(owner));
        return true;
    }

    /** What the scheduler counted since the policy was installed or {@link #resetStats()}. */
    public static GilStats stats() {
        return scheduler.stats();
    }

    /** Clears the scheduler's counters, and with {@code -Djgil.stats=true} the per-thread and per-site figures. */
    public static void resetStats() {
        scheduler.resetStats();
        if (HoldStats.ON) {
            HoldStats.reset();
            GilRuntime.resetSiteStats();
        }
    }

    /**
     * Per native call site: calls, time released, time waiting to come back. Empty unless the
     * process runs with {@code -Djgil.stats=true}.
     */
    public static List<SiteStats> siteStats() {
        if (!HoldStats.ON) {
            return List.of();
        }
        String[] names = new String[1024];
        long[] values = new long[3 * names.length];
        int n = GilRuntime.siteStats(names, values);
        int period = HoldStats.PERIOD;
        List<SiteStats> sites = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            long samples = values[3 * i];
            double released = samples == 0 ? 0 : (double) values[3 * i + 1] / samples;
            double back = samples == 0 ? 0 : (double) values[3 * i + 2] / samples;
            sites.add(new SiteStats(names[i], samples, samples * period, released, back, period));
        }
        sites.sort((a, b) -> Long.compare(b.sampledCalls(), a.sampledCalls()));
        return List.copyOf(sites);
    }

    /** True when the process collects per-thread and per-site statistics ({@code -Djgil.stats=true}). */
    public static boolean isCollectingStats() {
        return HoldStats.ON;
    }

    /** True when the process runs in checked mode ({@code -Djgil.checked=true}). */
    public static boolean isChecked() {
        return LockWord.checked();
    }

    /** The calling thread's identity in the owner word: see {@link ThreadIdentity}. */
    static long currentThreadId() {
        return ThreadIdentity.current();
    }

    /** An owner identity for messages: "Thread id 12", "Virtual thread id 40". */
    static String describe(long identity) {
        if ((identity & LockWord.VIRTUAL) == 0) {
            return "Thread id " + identity;
        }
        long id = identity & ~LockWord.VIRTUAL;
        return ThreadIdentity.virtualThreadsExist() ? "Virtual thread id " + id
                : "A thread whose class overrides getId() (identity " + id + ")";
    }

    /** The calling thread for messages: its name, or what it is if it has none (virtual threads). */
    static String currentThreadName() {
        Thread t = Thread.currentThread();
        return t.getName().isEmpty() ? t.toString() : t.getName();
    }

    static void acquireSlow(long tid, boolean returning) {
        Scheduler scheduler = Gil.scheduler;
        long owner = LockWord.ownerNow();
        if (owner == tid && scheduler.locks()) {
            throw new IllegalStateException("the current thread (" + currentThreadName()
                    + ") already holds the GIL; use Gil.ensure() or Gil.run() where code may run "
                    + "with or without it");
        }
        waitFor(scheduler, tid, returning, owner);
    }

    /** A contended acquire through the scheduler, seen by JFR. */
    static void waitFor(Scheduler scheduler, long tid, boolean returning, long owner) {
        if (!GilEvents.recorderStarted()) {
            // No recording was ever started. The process's first JFR event would load and set up
            // JFR, a stall the first waiter paid before it even queued, which hid the hold it
            // waited for from its long-hold clock.
            waitUnrecorded(scheduler, tid, returning);
            return;
        }
        GilEvents.Wait event = new GilEvents.Wait();
        event.begin();
        waitUnrecorded(scheduler, tid, returning);
        if (event.shouldCommit()) {
            event.policy = scheduler.name();
            event.returning = returning;
            event.owner = owner;
            event.commit();
        }
    }

    /**
     * A virtual thread pinned to its carrier (at the end of a native section) must not queue in the
     * scheduler: see {@link Scheduler#acquirePinned}. This holds with or without JFR.
     */
    private static void waitUnrecorded(Scheduler scheduler, long tid, boolean returning) {
        if ((tid & LockWord.VIRTUAL) != 0 && ThreadIdentity.pinned()) {
            scheduler.acquirePinned(tid);
        } else {
            scheduler.acquire(tid, returning);
        }
    }

    static void releaseSlow(long tid, String what) {
        Scheduler scheduler = Gil.scheduler;
        if (!scheduler.locks()) {
            return;
        }
        long owner = LockWord.ownerNow();
        if (owner != tid) {
            GilRuntime.checkNoOpenSection(what); // checked mode: a C block left without its END
            throw new IllegalStateException(what + " in thread " + currentThreadName()
                    + ", which does not hold the GIL (" + (owner == 0 ? "nobody holds it"
                    : describe(owner).toLowerCase(java.util.Locale.ROOT) + " holds it")
                    + "); take it first with Gil.acquire(), Gil.ensure() or Gil.run()");
        }
        scheduler.release(tid);
    }

    private static void yieldSlow() {
        long tid = currentThreadId();
        Scheduler scheduler = Gil.scheduler;
        if (LockWord.ownerNow() != tid && scheduler.locks()) {
            throw new IllegalStateException("Gil.checkpoint() in thread " + currentThreadName()
                    + ", which does not hold the GIL; checkpoints belong in managed code");
        }
        if ((tid & LockWord.VIRTUAL) != 0 && ThreadIdentity.pinned()) {
            scheduler.yieldPinned(tid);
        } else {
            scheduler.yieldToWaiter(tid);
        }
    }

    /** Checked mode's checkpoint while no drop is requested: the same message as {@link #yieldSlow()}. */
    private static void checkHeld() {
        if (!isHeldByCurrentThread()) {
            throw new IllegalStateException("Gil.checkpoint() in thread " + Thread.currentThread().getName()
                    + ", which does not hold the GIL; checkpoints belong in managed code");
        }
    }
}
