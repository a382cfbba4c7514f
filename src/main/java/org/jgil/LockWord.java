package org.jgil;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lock state that Java and native code share: the {@code jgil_state} struct of {@code jgil/jgil_detail.h},
 * seen through a direct buffer.
 *
 * <p>The owner word holds the owning thread's id (0 when free) and a {@link #WAITERS} bit that a
 * thread sets before it blocks. While the bit is clear, Java takes the lock with one
 * compare-and-swap and gives it back with a plain store; while it is set, every fast path fails,
 * so all changes go through the {@link Scheduler}, which sees every waiter.
 *
 * <p>Native code may leave the word {@link #RESERVED} for a thread inside a released section
 * ({@code jgil_runtime.c} explains why). A reserved lock is free, but only {@link #get()} (which revokes
 * the reservation) may hand it to anyone else: schedulers read the word through it. A plain
 * store can wipe a WAITERS bit set at the same moment; waiters therefore raise {@code waiting}
 * first, with a process-wide barrier, and every plain release reads it afterwards.
 */
final class LockWord {
    static final long WAITERS = 1L << 62;
    static final long RESERVED = 1L << 61;
    static final long REVOKING = 1L << 60;
    static final long OWNER_MASK = REVOKING - 1;
    /**
     * Set in the identity of a virtual thread (and of the few threads {@link ThreadIdentity} has to
     * name itself): the native side never caches such an identity per carrier thread.
     */
    static final long VIRTUAL = 1L << 59;

    // JGIL_MODE_*: how fast paths release.
    static final int MODE_FENCED = 0;
    static final int MODE_PLAIN = 1;
    static final int MODE_RESERVE = 2;
    static final List<String> MODES = List.of("fenced", "plain", "reserve");

    // Offsets into jgil_state; keep in sync with native/include/jgil/jgil_detail.h.
    private static final int OWNER = 0;
    private static final int WAITING = 8;
    private static final int MODE = 12;
    private static final int QUIET_COUNTDOWN = 32;
    private static final int QUIET_CHECK_EVERY = 256; // JGIL_QUIET_CHECK_EVERY
    private static final int DROP_REQUEST = 64;
    private static final int SLOW_FLAGS = 68;
    static final int SLOW_CHECKED = 1; // JGIL_SLOW_CHECKED
    static final int SLOW_NOLOCK = 2; // JGIL_SLOW_NOLOCK
    static final int SLOW_STATS = 4; // JGIL_SLOW_STATS
    private static final int STATS_PERIOD = 72;

    private static final VarHandle LONGS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INTS =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private static final long STICKY_WAITING_NANOS = 1_000_000;
    private static volatile long lastWaiterNanos; // written under the scheduler's mutex
    private static final AtomicLong WAITER_BARRIERS = new AtomicLong(); // beside a membarrier, an add is free
    private static final AtomicLong WAITER_BARRIER_NANOS = new AtomicLong();

    private static final ByteBuffer STATE = GilRuntime.stateBuffer().order(ByteOrder.nativeOrder());

    private LockWord() {}

    /** The owner word, with any reservation revoked first: the view schedulers decide on. */
    static long get() {
        long word = (long) LONGS.getVolatile(STATE, OWNER);
        return (word & (RESERVED | REVOKING)) == 0 ? word : GilRuntime.settle();
    }

    /** The owning thread's id as of now, 0 if free (a reserved lock is free); revokes nothing. */
    static long ownerNow() {
        long word = (long) LONGS.getVolatile(STATE, OWNER);
        return (word & (RESERVED | REVOKING)) != 0 ? 0 : word & OWNER_MASK;
    }

    static boolean compareAndSet(long expected, long update) {
        return LONGS.compareAndSet(STATE, OWNER, expected, update);
    }

    /**
     * The fast release of a lock {@code tid} holds with nobody waiting: a plain store, or a CAS in
     * {@link #MODE_FENCED}. False if it did not release, because the word was not just
     * {@code tid}. After a plain store, a waiter that arrived meanwhile is handled here.
     */
    static boolean release(long tid, Scheduler scheduler) {
        if ((long) LONGS.getOpaque(STATE, OWNER) != tid) {
            return false;
        }
        int mode = (int) INTS.getOpaque(STATE, MODE);
        if (mode == MODE_FENCED || (int) INTS.getOpaque(STATE, WAITING) != 0) {
            // A CAS cannot wipe a WAITERS bit. Now and then such a release visits the scheduler,
            // which lowers `waiting` once nobody has waited for a millisecond. The countdown is
            // touched only by the holder, so plain accesses do.
            boolean visit = false;
            if (mode != MODE_FENCED) {
                int left = (int) INTS.get(STATE, QUIET_COUNTDOWN) - 1;
                visit = left <= 0;
                INTS.set(STATE, QUIET_COUNTDOWN, visit ? QUIET_CHECK_EVERY : left);
            }
            if (!LONGS.compareAndSet(STATE, OWNER, tid, 0L)) {
                return false;
            }
            if (visit && LONGS.compareAndSet(STATE, OWNER, 0L, tid)) {
                scheduler.release(tid);
            }
            return true;
        }
        // The store must reach memory before `waiting` is read; a waiter raises `waiting`, then
        // issues a process-wide barrier (membarrier(2)), then sets WAITERS: either this read sees
        // `waiting`, or the store is visible before the waiter's bit is set (and cannot wipe it).
        // The Java memory model knows no asymmetric barrier, so it cannot order a release store
        // before a later load here: only VarHandle.fullFence() (or a CAS) would, at the cost of
        // the fenced mode (-Djgil.fastpath=fenced runs exactly that, and is the choice for a JVM
        // where the argument below does not hold). What this relies on instead, on HotSpot:
        // - the compilers keep the two accesses in program order. C2 wraps every access through
        //   Unsafe that it cannot give one alias class (any off-heap one, in any mode) in
        //   CPU-order membars (C2AccessFence, C2Access::needs_cpu_membar), so no load moves
        //   above the store; C1 and the interpreter perform them in program order;
        // - the hardware may still delay the store past the load (x86 does, from its store
        //   buffer); the waiter's membarrier(2) drains every running thread's buffer, which is
        //   what orders them for the waiter.
        LONGS.setRelease(STATE, OWNER, 0L);
        if ((int) INTS.getVolatile(STATE, WAITING) != 0) {
            racedRelease(tid, scheduler);
        }
        return true;
    }

    /**
     * After a plain release that may have raced a waiter's WAITERS bit: make sure somebody's
     * release still reaches the scheduler. Either take the free lock back and release it there,
     * or, if another thread took the lock in the meantime (its CAS on the free word did not care
     * about the wiped bit), set the bit in its word, so that its release goes there instead.
     */
    static void racedRelease(long tid, Scheduler scheduler) {
        while (true) {
            long word = get(); // revokes a reservation: the reserver's re-take must see the bit too
            if (word == 0) {
                if (LONGS.compareAndSet(STATE, OWNER, 0L, tid)) {
                    scheduler.release(tid); // a waiter may have missed the store: hand over properly
                    return;
                }
            } else if ((word & WAITERS) != 0) {
                return; // the bit is (again) there: the owner's release, or a free-lock waiter, sees it
            } else if (LONGS.compareAndSet(STATE, OWNER, word, word | WAITERS)) {
                return;
            }
        }
    }

    static long owner(long word) {
        return word & OWNER_MASK;
    }

    /**
     * Announces a waiter: raises {@code waiting} (with a process-wide barrier, so that any plain
     * release after it sees it), then sets the WAITERS bit; returns the word seen before. Under
     * the scheduler's mutex.
     */
    static long setWaiters() {
        lastWaiterNanos = System.nanoTime();
        if ((int) INTS.getVolatile(STATE, WAITING) == 0) {
            INTS.setVolatile(STATE, WAITING, 1);
            long start = System.nanoTime();
            GilRuntime.heavyBarrier();
            WAITER_BARRIER_NANOS.addAndGet(System.nanoTime() - start);
            WAITER_BARRIERS.incrementAndGet();
        }
        return (long) LONGS.getAndBitwiseOr(STATE, OWNER, WAITERS);
    }

    /** How many times a waiter raised {@code waiting} with a process-wide barrier, since the start. */
    static long waiterBarriers() {
        return WAITER_BARRIERS.get();
    }

    /** The time those barriers took, as their callers saw it. */
    static long waiterBarrierNanos() {
        return WAITER_BARRIER_NANOS.get();
    }

    /**
     * Lowers {@code waiting} if no waiter has come for a millisecond, and says whether it did. The
     * caller's scheduler has no waiters left, and holds its mutex.
     */
    static boolean clearWaitingIfQuiet() {
        if (System.nanoTime() - lastWaiterNanos < STICKY_WAITING_NANOS) {
            return false;
        }
        INTS.setVolatile(STATE, WAITING, 0);
        return true;
    }

    /** Lowers {@code waiting} now: the caller knows nobody can wait (policy {@code none}). */
    static void clearWaiting() {
        INTS.setVolatile(STATE, WAITING, 0);
    }

    /** The shared state, for failure messages. */
    static String describe() {
        return "owner word 0x" + Long.toHexString((long) LONGS.getVolatile(STATE, OWNER)) + ", waiting "
                + waiting() + " (last waiter " + (System.nanoTime() - lastWaiterNanos) / 1000 + " us ago), mode "
                + MODES.get(mode()) + ", quiet countdown " + (int) INTS.getVolatile(STATE, QUIET_COUNTDOWN);
    }

    /** True while fast releases use a CAS because threads wait or did a moment ago. */
    static boolean waiting() {
        return (int) INTS.getVolatile(STATE, WAITING) != 0;
    }

    static int mode() {
        return (int) INTS.getVolatile(STATE, MODE);
    }

    static boolean dropRequested() {
        return (int) INTS.getOpaque(STATE, DROP_REQUEST) != 0;
    }

    static void setDropRequest(boolean on) {
        INTS.setVolatile(STATE, DROP_REQUEST, on ? 1 : 0);
    }

    /**
     * What {@code Gil.checkpoint()} asks with one load: is a drop requested, or is checked mode on?
     * {@code drop_request} and {@code slow_flags} are adjacent ints (offsets 64 and 68), read here
     * as one long.
     */
    static boolean checkpointDue() {
        return ((long) LONGS.getOpaque(STATE, DROP_REQUEST) & CHECKPOINT_MASK) != 0;
    }

    private static final long CHECKPOINT_MASK = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
            ? 0xFFFF_FFFFL | (long) SLOW_CHECKED << 32
            : 0xFFFF_FFFFL << 32 | SLOW_CHECKED;

    static boolean checked() {
        return ((int) INTS.getOpaque(STATE, SLOW_FLAGS) & SLOW_CHECKED) != 0;
    }

    static void setChecked(boolean on) {
        setSlowFlag(SLOW_CHECKED, on);
    }

    static void setNoLock(boolean on) {
        setSlowFlag(SLOW_NOLOCK, on);
    }

    private static void setSlowFlag(int flag, boolean on) {
        if (on) {
            INTS.getAndBitwiseOr(STATE, SLOW_FLAGS, flag);
        } else {
            INTS.getAndBitwiseAnd(STATE, SLOW_FLAGS, ~flag);
        }
    }

    /** Native per-site statistics on or off; {@code period}: time one call in this many (a power of 2). */
    static void setSiteStats(boolean on, int period) {
        INTS.setVolatile(STATE, STATS_PERIOD, period);
        setSlowFlag(SLOW_STATS, on);
    }
}
