package org.jgil;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The lock state that Java and native code share: the {@code jgil_state} struct of {@code jgil.h},
 * seen through a direct buffer.
 *
 * <p>The owner word holds the owning thread's id (0 when free) and a {@link #WAITERS} bit that a
 * thread sets before it blocks. While the bit is clear, taking and giving back the lock is one
 * compare-and-swap on either side of JNI; while it is set, every CAS on the fast path fails, so
 * all changes go through the {@link Scheduler}, which sees every waiter.
 */
final class LockWord {
    static final long WAITERS = 1L << 62;
    static final long OWNER_MASK = WAITERS - 1;

    // Offsets into jgil_state; keep in sync with native/include/jgil.h.
    private static final int OWNER = 0;
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

    private static final ByteBuffer STATE = GilRuntime.stateBuffer().order(ByteOrder.nativeOrder());

    private LockWord() {}

    static long get() {
        return (long) LONGS.getVolatile(STATE, OWNER);
    }

    static boolean compareAndSet(long expected, long update) {
        return LONGS.compareAndSet(STATE, OWNER, expected, update);
    }

    static long owner(long word) {
        return word & OWNER_MASK;
    }

    /** Sets the WAITERS bit, whatever the owner; returns the word it saw before. */
    static long setWaiters() {
        return (long) LONGS.getAndBitwiseOr(STATE, OWNER, WAITERS);
    }

    static boolean dropRequested() {
        return (int) INTS.getOpaque(STATE, DROP_REQUEST) != 0;
    }

    static void setDropRequest(boolean on) {
        INTS.setVolatile(STATE, DROP_REQUEST, on ? 1 : 0);
    }

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
