package org.jgil;

/**
 * A bounded, adaptive spin before parking ({@code -Djgil.spin=adaptive}, the default; {@code off}
 * parks at once). A waiter whose lock is held by a thread running on another core usually gets it
 * within a microsecond or two, while parking and being unparked costs a futex wake, a context
 * switch and, on a virtual machine, often tens of microseconds. So a waiter first polls the lock
 * word for up to a budget, then parks as before.
 *
 * <p>The budget adapts, as in glibc's adaptive mutex and HotSpot's spin-then-park: it grows when
 * spinning got the lock and shrinks when the spinner parked anyway, between {@link #MIN_NANOS}
 * (a probe that costs next to nothing, so that a change of workload is noticed) and
 * {@link #MAX_NANOS} (about the cost of a parked handoff on a busy machine). Updates race, which
 * is harmless: the budget is a hint.
 *
 * <p>A waiter never spins while as many threads wait as there are cores besides the holder's:
 * spinners would then take the cores the holder and the others need to run. Nor do virtual threads
 * (a spin holds a carrier that another virtual thread, perhaps the holder, may need), nor, under
 * {@code cpython}, a holder that has just given the lock up at a checkpoint and waits to take it
 * back: it waits for the switch instead, which is that policy's rule.
 *
 * <p>A spinning waiter is a registered waiter throughout: it is counted and queued by its policy,
 * and the WAITERS bit stays set, so every release goes through the scheduler exactly as if it were
 * parked; spinning only replaces the park by polling.
 */
final class Spin {
    static final long MIN_NANOS = 1_000;
    static final long MAX_NANOS = 50_000;
    private static final long START_NANOS = 10_000;
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final boolean on;
    private volatile long budgetNanos = START_NANOS;

    Spin(boolean on) {
        this.on = on;
    }

    /** The spin of {@code -Djgil.spin}. */
    static Spin fromSettings() {
        return new Spin(Settings.current().spin);
    }

    /**
     * Whether thread {@code tid} may spin while {@code otherWaiters} other threads wait: on, a
     * platform thread, and fewer other waiters than the cores left beside the holder's.
     */
    boolean allowed(long tid, int otherWaiters) {
        return on && (tid & LockWord.VIRTUAL) == 0 && otherWaiters < CORES - 1;
    }

    /** The time to spin now, at most {@code cap}. */
    long budget(long cap) {
        return Math.min(budgetNanos, cap);
    }

    /** The spin got the lock: spin longer next time. */
    void succeeded() {
        long b = budgetNanos;
        budgetNanos = Math.min(MAX_NANOS, b + b / 2 + MIN_NANOS);
    }

    /** The spinner parked anyway: spin less next time. */
    void failed() {
        budgetNanos = Math.max(MIN_NANOS, budgetNanos / 2);
    }

    long budgetNanos() {
        return budgetNanos;
    }
}
