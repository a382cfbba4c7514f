package org.jgil.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * An explicit-state model of jgil's lock protocol, explored over every interleaving.
 *
 * <p>Three threads run bounded programs against one shared lock state:
 *
 * <ul>
 *   <li><b>O</b> (tid 1) holds the lock at the start, runs {@code nativeRounds} released native blocks
 *       ({@code JGIL_BEGIN_ALLOW_THREADS} / {@code JGIL_END_ALLOW_THREADS}: {@code jgil_save_thread_at} and
 *       {@code jgil_restore_thread_at} in {@code jgil/jgil_detail.h}, with their slow paths in
 *       {@code jgil_runtime.c} and {@code GilRuntime}), then gives the lock back with {@code Gil.release()}
 *       ({@code LockWord.release}).
 *   <li><b>W</b> (tid 2) and <b>T</b> (tid 3) each take the lock with {@code Gil.acquire()} (a CAS, else
 *       {@code CPythonScheduler.acquire}), optionally run one released native block ({@code othersNative}), and
 *       give the lock back with {@code Gil.release()}. Either one can be the waiter or the third thread that takes
 *       a free lock with its CAS; since they run the same program, a state and its mirror image (W and T
 *       exchanged) are explored once ({@link State#canonical()}).
 * </ul>
 *
 * <p>The search is breadth-first over all interleavings, with a visited set of states; a violation comes with a
 * shortest trace that leads to it, one line per step. The invariants are in {@link Invariant}.
 *
 * <p>Each step of a thread is one access to shared memory (load, store, CAS, fetch-or), one fence, one half of a
 * membarrier(2), or one operation on the scheduler's mutex or condition; purely local computation is folded into
 * the step before it. Every step names the function it comes from (see {@link Pc}).
 *
 * <p><b>Memory model: x86-TSO.</b> Each thread has a FIFO store buffer. A plain store (C {@code __atomic_store_n}
 * of any order, Java {@code set}/{@code setRelease}/{@code setOpaque}) goes into the buffer; a load reads the
 * thread's own newest buffered store to that location, else memory (store forwarding); a separate, always enabled
 * step writes a thread's oldest buffered store to memory. A locked instruction (CAS, fetch-or, Java's
 * {@code compareAndSet}/{@code getAndBitwiseOr}, the lock and unlock of a {@code ReentrantLock}, which are CASes
 * and volatile stores) and a fence (the trailing {@code lock addl} of a Java {@code setVolatile}) can run only
 * when the thread's buffer is empty, so they wait for it to drain, as on x86. TSO's only reordering is a store
 * followed by a load of another location; this is exactly what the protocol's Dekker handshakes must survive.
 * HotSpot compiles {@code setRelease} and {@code getVolatile}/{@code getOpaque} to plain {@code mov}s on x86 and
 * keeps them in program order, which is what the model assumes for the Java side (the Java memory model alone
 * promises less). A {@code membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)} is two steps of its caller: the start
 * records the other threads as not yet past the barrier; a thread passes it at a moment when its store buffer is
 * empty (the kernel's IPI runs a full fence on its CPU; a thread not on a CPU went through a context switch, which
 * drains it too); the end step is enabled only when every thread has passed. Stores a thread buffered before the
 * barrier are thus in memory before the caller's next load, and nothing else is promised, which is what the
 * kernel documents.
 *
 * <p>What is abstracted: the policy is {@code cpython}; its timed wait may be modelled as a wake-up at any time
 * ({@code timeouts}), but the drop request, switch counting and dead-owner recovery it drives are not modelled;
 * {@code JGIL_QUIET_CHECK_EVERY} and the reservation back-off counters are nondeterministic choices (any release
 * may be the one whose countdown reaches zero); the "quiet for a millisecond" test of {@code clearWaitingIfQuiet}
 * is a nondeterministic choice too; checked mode, statistics and policy {@code none} (the {@code slow_flags}) are
 * off; thread ids are never recycled; blocks are left only through their END; each thread runs its bounded
 * program once.
 */
public final class LockProtocolModel {

    /** How the fast paths release (JGIL_MODE_*): the {@code -Djgil.fastpath} the model starts with. */
    public enum Mode { FENCED, PLAIN, RESERVE }

    /**
     * A defence of the protocol taken out, to show that the check notices: each one, removed, must give a
     * counterexample, or the model (or the defence) is not doing what we think.
     */
    public enum Weakening {
        NONE("nothing"),
        NO_WAITER_BARRIER("LockWord.setWaiters without GilRuntime.heavyBarrier()"),
        NO_REVOKER_BARRIER("settle_locked without heavy_barrier()"),
        NO_RETAKING_FLAG("jgil_restore_thread_at without me->retaking = 1"),
        NO_RELEASE_RECHECK("the plain releases (jgil_save_thread_at, LockWord.release) without their second look at "
                + "waiting"),
        NO_RETAKE_RECHECK("jgil_restore_thread_at without its look at waiting after the plain re-take");

        final String what;

        Weakening(String what) {
            this.what = what;
        }
    }

    /**
     * One model to explore.
     *
     * @param mode the fast path selected at start. {@code RESERVE} also explores revocation switching it to
     *     {@code PLAIN} and a later plain release switching it back; {@code PLAIN} stays {@code PLAIN}.
     * @param fixedNativeRepair {@code release_raced} as repaired: when a third thread owns the word, it sets
     *     WAITERS in that owner's word (CAS {@code w -> w|WAITERS} while it still owns it) instead of returning
     * @param fixedJavaRepair the same repair in {@code LockWord.release} after its plain store
     * @param nativeRounds how many released native blocks O runs before its Java release (1 or 2)
     * @param timeouts a parked waiter may wake up at any time (its {@code awaitNanos} timing out)
     * @param initiallyWaiting {@code waiting} is up at the start (a burst of contention a moment ago)
     * @param lostBitCheck check the "no lost WAITERS bit" invariant; off, a lost bit shows up later, as a waiter
     *     asleep while the lock is free
     * @param weakening a defence removed (see {@link Weakening})
     * @param othersNative W and T also run one released native block once they hold the lock, before their Java
     *     release: then a reservation can be any thread's, and O can be the revoker
     * @param spin a waiter about to park may instead spin ({@code CPythonScheduler.spinUnlocked}): leave the mutex
     *     still counted as a waiter, poll the word, take the mutex back and look again. The real waiter spins at
     *     most once per acquire; the model lets it spin before any park, which only adds interleavings
     */
    public record Config(Mode mode, boolean fixedNativeRepair, boolean fixedJavaRepair, int nativeRounds,
                         boolean timeouts, boolean initiallyWaiting, boolean lostBitCheck, Weakening weakening,
                         boolean othersNative, boolean spin) {
        public Config {
            if (nativeRounds < 1 || nativeRounds > 2) {
                throw new IllegalArgumentException("nativeRounds must be 1 or 2, got " + nativeRounds);
            }
        }

        /** The protocol as repaired: one native round, no timeouts, {@code waiting} down, every check on. */
        public static Config fixed(Mode mode) {
            return new Config(mode, true, true, 1, false, false, true, Weakening.NONE, false, false);
        }

        public Config nativeRepair(boolean fixed) {
            return new Config(mode, fixed, fixedJavaRepair, nativeRounds, timeouts, initiallyWaiting, lostBitCheck,
                    weakening, othersNative, spin);
        }

        public Config javaRepair(boolean fixed) {
            return new Config(mode, fixedNativeRepair, fixed, nativeRounds, timeouts, initiallyWaiting, lostBitCheck,
                    weakening, othersNative, spin);
        }

        public Config nativeRounds(int rounds) {
            return new Config(mode, fixedNativeRepair, fixedJavaRepair, rounds, timeouts, initiallyWaiting,
                    lostBitCheck, weakening, othersNative, spin);
        }

        public Config timeouts(boolean on) {
            return new Config(mode, fixedNativeRepair, fixedJavaRepair, nativeRounds, on, initiallyWaiting,
                    lostBitCheck, weakening, othersNative, spin);
        }

        public Config initiallyWaiting(boolean on) {
            return new Config(mode, fixedNativeRepair, fixedJavaRepair, nativeRounds, timeouts, on, lostBitCheck,
                    weakening, othersNative, spin);
        }

        public Config lostBitCheck(boolean on) {
            return new Config(mode, fixedNativeRepair, fixedJavaRepair, nativeRounds, timeouts, initiallyWaiting, on,
                    weakening, othersNative, spin);
        }

        public Config othersNative(boolean on) {
            return new Config(mode, fixedNativeRepair, fixedJavaRepair, nativeRounds, timeouts, initiallyWaiting,
                    lostBitCheck, weakening, on, spin);
        }

        public Config weakening(Weakening w) {
            return new Config(mode, fixedNativeRepair, fixedJavaRepair, nativeRounds, timeouts, initiallyWaiting,
                    lostBitCheck, w, othersNative, spin);
        }

        public Config spin(boolean on) {
            return new Config(mode, fixedNativeRepair, fixedJavaRepair, nativeRounds, timeouts, initiallyWaiting,
                    lostBitCheck, weakening, othersNative, on);
        }

        @Override
        public String toString() {
            return "mode " + mode + ", release_raced " + (fixedNativeRepair ? "fixed" : "buggy")
                    + ", LockWord.release " + (fixedJavaRepair ? "fixed" : "buggy") + ", " + nativeRounds
                    + " native round" + (nativeRounds > 1 ? "s" : "") + (timeouts ? ", timeouts" : "")
                    + (othersNative ? ", W and T run a native block too" : "") + (spin ? ", waiters may spin" : "")
                    + (initiallyWaiting ? ", waiting up at start" : "") + (lostBitCheck ? "" : ", no lost-bit check")
                    + (weakening == Weakening.NONE ? "" : ", WEAKENED: " + weakening.what);
        }
    }

    /** The invariants. */
    public enum Invariant {
        /** At most one thread in managed code (or about to give the lock up). */
        ONE_OWNER,
        /**
         * No thread parked in the scheduler while nobody holds the lock and every other thread may stay where it
         * is for as long as it likes (done, not come yet, in a long native kernel, parked too): it would sleep
         * until its timed wait ends.
         */
        NO_LOST_WAKEUP,
        /**
         * No thread runs managed code (where it may stay long) with the WAITERS bit clear while a thread is
         * registered as a waiter and no release is still repairing the word: its release would not go through the
         * scheduler.
         */
        NO_LOST_BIT,
        /** No misuse exception from a path the protocol takes on its own. */
        NO_MISUSE,
        /** Some thread can always move until all are done (a parked waiter aside). */
        NO_DEADLOCK,
        /** When all are done, nobody owns the word. */
        FREE_AT_END
    }

    /** What an exploration found. */
    public record Result(Config config, long states, long transitions, int depth, Invariant broken,
                         String violation, List<String> trace, Set<String> stepsReached) {
        public boolean ok() {
            return broken == null;
        }

        /** The counterexample, one numbered step per line. */
        public String traceText() {
            return String.join("\n", trace);
        }
    }

    // ---- the lock word: owner tid in bits 0-1, then the flag bits, as in jgil/jgil_detail.h ----
    static final int TID = 3;
    static final int WAITERS = 4;   // JGIL_WAITERS_BIT
    static final int RESERVED = 8;  // JGIL_RESERVED_BIT
    static final int REVOKING = 16; // JGIL_REVOKING_BIT

    // ---- shared memory locations ----
    static final int OWNER = 0;     // jgil_state.owner
    static final int WAITING = 1;   // jgil_state.waiting
    static final int MODE = 2;      // jgil_state.mode
    static final int RESERVER = 3;  // jgil_state.reserver: 0 = NULL, else the reserver's tid (its slot)
    static final int RETAKING = 4;  // jgil_thread.retaking of thread i at RETAKING + i
    static final int LOCATIONS = 7;
    static final String[] LOCATION_NAMES = {"owner", "waiting", "mode", "reserver", "O.retaking", "W.retaking",
        "T.retaking"};

    static final int THREADS = 3;
    static final String[] NAMES = {"O", "W", "T"};
    static final int BUFFER = 12; // store buffer entries per thread: more than any program here fills

    static final int M_FENCED = 0;
    static final int M_PLAIN = 1;
    static final int M_RESERVE = 2;

    /**
     * Program counters. Each names the step the thread runs next and where it is in the real code. The flags say
     * whether a thread there owns the lock (is in managed code, or about to give the lock up), and whether it may
     * stay there arbitrarily long (a long native kernel, a thread that has not come yet or is done, a parked
     * waiter, or managed code).
     */
    enum Pc {
        // O's managed code before its native call
        O_HOLD("managed code (holds the lock), about to call a native kernel", Pc.OWNS | Pc.STABLE),

        // jgil_save_thread_at (jgil/jgil_detail.h): JGIL_BEGIN_ALLOW_THREADS
        SV_LOAD_W("jgil_save_thread_at: w = load owner", Pc.OWNS),
        SV_LOAD_MODE("jgil_save_thread_at: mode = load mode", Pc.OWNS),
        SV_WAITING_P("jgil_save_thread_at: load waiting (mode PLAIN)", Pc.OWNS),
        SV_WAITING_R("jgil_save_thread_at: load waiting (mode RESERVE)", Pc.OWNS),
        SV_CAS("jgil_save_thread_at: CAS owner w -> 0", Pc.OWNS),
        SV_CAS_VISIT("jgil_save_thread_at: CAS owner w -> 0 (quiet_countdown hit 0: visit)", Pc.OWNS),
        SV_PLAIN("jgil_save_thread_at: --reserve_countdown, store owner 0 (PLAIN)", Pc.OWNS),
        SV_PLAIN_STORE("jgil_save_thread_at: store owner 0 (PLAIN, after storing mode RESERVE)", Pc.OWNS),
        SV_RES_RETAKING("jgil_save_thread_at: me->retaking = 0 (RESERVE)", Pc.OWNS),
        SV_RES_RESERVER("jgil_save_thread_at: store reserver = me (RESERVE)", Pc.OWNS),
        SV_RES_STORE("jgil_save_thread_at: store owner w|RESERVED (RESERVE)", Pc.OWNS),
        SV_RECHECK("jgil_save_thread_at: after the store, load waiting", Pc.REPAIR),

        // save_thread_slow (jgil_runtime.c), checked mode off
        SS_LOAD("save_thread_slow: w = load owner", Pc.OWNS),
        SS_CAS("save_thread_slow: CAS owner w -> 0", Pc.OWNS),

        // GilRuntime.releaseFromNative (the slow path's upcall)
        UR_CHECK("GilRuntime.releaseFromNative: LockWord.ownerNow() == tid?", Pc.OWNS),
        UR_CAS("GilRuntime.releaseFromNative: CAS owner tid -> 0, else scheduler.release", Pc.OWNS),

        // release_raced (jgil_runtime.c)
        RR_LOAD("release_raced: w = load owner", Pc.REPAIR),
        RR_CAS("release_raced: CAS owner w -> saved|WAITERS", Pc.REPAIR),
        RR_MARK("release_raced (fixed): CAS owner w -> w|WAITERS in the new owner's word", Pc.REPAIR),

        // the native kernel, run without the lock
        KERNEL("native kernel, lock released", Pc.STABLE),

        // jgil_restore_thread_at (jgil/jgil_detail.h): JGIL_END_ALLOW_THREADS
        E_RETAKING("jgil_restore_thread_at: me->retaking = 1", 0),
        E_LOAD("jgil_restore_thread_at: w = load owner", 0),
        E_STORE("jgil_restore_thread_at: store owner saved (reservation still there)", 0),
        E_WAITING("jgil_restore_thread_at: load waiting", Pc.OWNS),
        E_OR("jgil_restore_thread_at: fetch_or owner WAITERS", Pc.OWNS),
        E_CAS("jgil_restore_thread_at: CAS owner 0 -> saved", 0),

        // restore_thread_slow -> retake_reserved (jgil_runtime.c)
        RS_LOAD("retake_reserved: w = load owner", 0),
        RS_CAS("retake_reserved: CAS owner w -> saved|(w&WAITERS)", 0),
        RS_CAS0("restore_thread_slow: CAS owner 0 -> saved", 0),

        // GilRuntime.acquireFromNative (the slow path's upcall)
        UA_CHECK("GilRuntime.acquireFromNative: LockWord.ownerNow() != tid?", 0),
        UA_CAS("GilRuntime.acquireFromNative: CAS owner 0 -> tid, else Gil.waitFor", 0),

        // W and T: Gil.acquire()
        START("Gil.acquire: CAS owner 0 -> tid, else Gil.acquireSlow", Pc.STABLE),

        // managed code after taking the lock
        MANAGED("managed code (holds the lock)", Pc.OWNS | Pc.STABLE),

        // Gil.release() -> LockWord.release
        J_LOAD("LockWord.release: getOpaque(owner) == tid?", Pc.OWNS),
        J_MODE("LockWord.release: mode = getOpaque(mode)", Pc.OWNS),
        J_WAITING("LockWord.release: getOpaque(waiting)", Pc.OWNS),
        J_CAS("LockWord.release: compareAndSet(owner, tid, 0)", Pc.OWNS),
        J_CAS_VISIT("LockWord.release: compareAndSet(owner, tid, 0) (quiet countdown hit 0: visit)", Pc.OWNS),
        J_VISIT("LockWord.release: visit: compareAndSet(owner, 0, tid), then scheduler.release", 0),
        J_STORE("LockWord.release: setRelease(owner, 0)", Pc.OWNS),
        J_RECHECK("LockWord.release: getVolatile(waiting)", Pc.REPAIR),
        J_REPAIR("LockWord.release: compareAndSet(owner, 0, tid), then scheduler.release", Pc.REPAIR),
        JF_LOAD("LockWord.release (fixed): w = getVolatile(owner)", Pc.REPAIR),
        JF_MARK("LockWord.release (fixed): compareAndSet(owner, w, w|WAITERS) in the new owner's word", Pc.REPAIR),
        JS_CHECK("Gil.releaseSlow: LockWord.ownerNow() == tid?, then scheduler.release", Pc.OWNS),

        // CPythonScheduler.release -> releaseLocked
        R_LOCK("CPythonScheduler.release: mutex.lock()", Pc.OWNS),
        R_GET("CPythonScheduler.releaseLocked: word = LockWord.get()", Pc.OWNS),
        R_CAS("CPythonScheduler.releaseLocked: compareAndSet(word, waiters > 0 ? WAITERS : 0)", Pc.OWNS),
        R_QUIET("CPythonScheduler.releaseLocked: noWaiters() -> LockWord.clearWaitingIfQuiet()", 0),
        R_QUIET_FENCE("LockWord.clearWaitingIfQuiet: setVolatile(waiting, 0) (its fence)", 0),
        R_SIGNAL("CPythonScheduler.releaseLocked: lockFreed.signal()", 0),
        R_UNLOCK("CPythonScheduler.release: mutex.unlock()", 0),

        // CPythonScheduler.acquire -> acquireLocked
        A_LOCK("CPythonScheduler.acquire: mutex.lock()", 0),
        A_REG("CPythonScheduler.acquireLocked: waiters++; LockWord.setWaiters: getVolatile(waiting)", 0),
        A_RAISE("LockWord.setWaiters: setVolatile(waiting, 1) (its store)", 0),
        A_RAISE_FENCE("LockWord.setWaiters: setVolatile(waiting, 1) (its fence)", 0),
        A_BAR_MODE("GilRuntime.heavyBarrier: load mode (no barrier when FENCED)", 0),
        A_BAR_START("heavy_barrier: membarrier(2) starts", 0),
        A_BAR_END("heavy_barrier: membarrier(2) returns", 0),
        A_OR("LockWord.setWaiters: getAndBitwiseOr(owner, WAITERS)", 0),
        A_GET("CPythonScheduler.acquireLocked: word = LockWord.get()", Pc.REGISTERED),
        A_DECIDE("CPythonScheduler.acquireLocked: owner == 0?", Pc.REGISTERED),
        A_CAS("CPythonScheduler.acquireLocked: compareAndSet(word, tid|WAITERS)", Pc.REGISTERED),
        A_AWAIT("CPythonScheduler.acquireLocked: lockFreed.awaitNanos (releases the mutex)", Pc.REGISTERED),
        PARKED("parked in lockFreed.awaitNanos", Pc.REGISTERED | Pc.STABLE),
        A_SPIN_UNLOCK("CPythonScheduler.spinUnlocked: unlock() (still counted in waiters)", Pc.REGISTERED),
        A_SPIN("CPythonScheduler.spinUnlocked: LockWord.ownerNow() != 0 (polling)?", Pc.REGISTERED),
        A_SPIN_LOCK("CPythonScheduler.spinUnlocked: lock()", Pc.REGISTERED),
        SIGNALLED("woken in lockFreed.awaitNanos: re-acquiring the mutex", Pc.REGISTERED),
        A_CLEAR("CPythonScheduler.acquireLocked: waiters == 0: compareAndSet(tid|WAITERS, tid)", Pc.OWNS),
        A_QUIET("CPythonScheduler.acquireLocked: noWaiters() -> LockWord.clearWaitingIfQuiet()", Pc.OWNS),
        A_QUIET_FENCE("LockWord.clearWaitingIfQuiet: setVolatile(waiting, 0) (its fence)", Pc.OWNS),
        A_UNLOCK("CPythonScheduler.acquire: mutex.unlock()", Pc.OWNS),

        // settle / settle_locked (jgil_runtime.c), reached from LockWord.get()
        ST_LOAD("settle: w = load owner", Pc.SETTLE),
        ST_LOCK("settle: pthread_mutex_lock(&revokers)", Pc.SETTLE),
        SL_LOAD("settle_locked: w = load owner", Pc.SETTLE),
        SL_CAS("settle_locked: CAS owner w -> w|REVOKING", Pc.SETTLE),
        SL_RESERVER("settle_locked: reserver = load reserver", Pc.SETTLE),
        SL_BAR_START("settle_locked: heavy_barrier: membarrier(2) starts", Pc.SETTLE),
        SL_BAR_END("settle_locked: heavy_barrier: membarrier(2) returns", Pc.SETTLE),
        SL_RETAKING("settle_locked: retaking = load reserver->retaking", Pc.SETTLE),
        SL_OFF("settle_locked: reservations_off: store mode PLAIN", Pc.SETTLE),
        SL_KEEP("settle_locked: CAS owner cur -> cur & ~REVOKING (reserver retaking: keep it)", Pc.SETTLE),
        SL_FREE("settle_locked: CAS owner cur -> cur & WAITERS (revoked: free)", Pc.SETTLE),
        SL_UNLOCK("settle: pthread_mutex_unlock(&revokers)", Pc.SETTLE),

        DONE("done", Pc.STABLE),
        ERR_RELEASE("GilRuntime.releaseFromNative threw: BEGIN in a thread that does not hold the lock", 0),
        ERR_END("GilRuntime.acquireFromNative threw: END in a thread that already holds the lock", 0),
        ERR_JAVA_RELEASE("Gil.releaseSlow threw: Gil.release() in a thread that does not hold the lock", 0);

        static final int OWNS = 1;
        static final int STABLE = 2;
        static final int REPAIR = 4;
        static final int REGISTERED = 8;
        static final int SETTLE = 16;
        static final Pc[] ALL = values();

        final String where;
        final int flags;

        Pc(String where, int flags) {
            this.where = where;
            this.flags = flags;
        }

        boolean is(int flag) {
            return (flags & flag) != 0;
        }
    }

    /** One global state. Mutable while a step builds it; frozen once encoded. */
    static final class State {
        final int[] mem = new int[LOCATIONS];
        final int[] pc = new int[THREADS];
        final int[] ret = new int[THREADS];   // where the scheduler call returns to
        final int[] sret = new int[THREADS];  // where settle (LockWord.get) returns to
        final int[] w = new int[THREADS];     // local: a word read
        final int[] cur = new int[THREADS];   // local: settle_locked's cur
        final int[] res = new int[THREADS];   // local: settle_locked's reserver
        final int[] round = new int[THREADS]; // native blocks begun
        final int[][] buf = new int[THREADS][BUFFER]; // (location << 5) | value, oldest first
        final int[] blen = new int[THREADS];
        final int[] barrier = new int[THREADS]; // threads not yet past the membarrier this thread runs
        int mutex;    // the scheduler's ReentrantLock: 0 or the holder's tid
        int revokers; // jgil_runtime.c's revokers mutex: 0 or the holder's tid
        int waiters;  // CPythonScheduler.waiters

        State copy() {
            State s = new State();
            System.arraycopy(mem, 0, s.mem, 0, LOCATIONS);
            System.arraycopy(pc, 0, s.pc, 0, THREADS);
            System.arraycopy(ret, 0, s.ret, 0, THREADS);
            System.arraycopy(sret, 0, s.sret, 0, THREADS);
            System.arraycopy(w, 0, s.w, 0, THREADS);
            System.arraycopy(cur, 0, s.cur, 0, THREADS);
            System.arraycopy(res, 0, s.res, 0, THREADS);
            System.arraycopy(round, 0, s.round, 0, THREADS);
            for (int t = 0; t < THREADS; t++) {
                System.arraycopy(buf[t], 0, s.buf[t], 0, BUFFER);
            }
            System.arraycopy(blen, 0, s.blen, 0, THREADS);
            System.arraycopy(barrier, 0, s.barrier, 0, THREADS);
            s.mutex = mutex;
            s.revokers = revokers;
            s.waiters = waiters;
            return s;
        }

        static final int SIZE = LOCATIONS + THREADS * (9 + BUFFER) + 3;

        byte[] encode() {
            byte[] b = new byte[SIZE];
            int i = 0;
            for (int v : mem) {
                b[i++] = (byte) v;
            }
            for (int t = 0; t < THREADS; t++) {
                b[i++] = (byte) pc[t];
                b[i++] = (byte) ret[t];
                b[i++] = (byte) sret[t];
                b[i++] = (byte) w[t];
                b[i++] = (byte) cur[t];
                b[i++] = (byte) res[t];
                b[i++] = (byte) round[t];
                b[i++] = (byte) blen[t];
                b[i++] = (byte) barrier[t];
                for (int k = 0; k < BUFFER; k++) {
                    b[i++] = (byte) buf[t][k];
                }
            }
            b[i++] = (byte) mutex;
            b[i++] = (byte) revokers;
            b[i] = (byte) waiters;
            return b;
        }

        /**
         * The key of the state's class under the symmetry of W and T: they run the same program, so a state and the
         * one with their roles (ids, program counters, locals, buffers) exchanged behave alike. The smaller of the
         * two encodings stands for both, which halves the states to visit.
         */
        byte[] canonical() {
            byte[] a = encode();
            byte[] b = encodeSwapped();
            return Arrays.compare(a, b) <= 0 ? a : b;
        }

        /** The encoding of this state with W (tid 2) and T (tid 3) exchanged. */
        byte[] encodeSwapped() {
            byte[] b = new byte[SIZE];
            int i = 0;
            for (int loc = 0; loc < LOCATIONS; loc++) {
                b[swapLocation(loc)] = (byte) swapValue(loc, mem[loc]);
            }
            i = LOCATIONS;
            for (int u = 0; u < THREADS; u++) {
                int t = swapThread(u);
                b[i++] = (byte) pc[t];
                b[i++] = (byte) ret[t];
                b[i++] = (byte) sret[t];
                b[i++] = (byte) swapWord(w[t]);
                b[i++] = (byte) swapWord(cur[t]);
                b[i++] = (byte) swapTid(res[t]);
                b[i++] = (byte) round[t];
                b[i++] = (byte) blen[t];
                int mask = 0;
                for (int x = 0; x < THREADS; x++) {
                    if ((barrier[t] & 1 << x) != 0) {
                        mask |= 1 << swapThread(x);
                    }
                }
                b[i++] = (byte) mask;
                for (int k = 0; k < BUFFER; k++) {
                    int loc = buf[t][k] >> 5;
                    b[i++] = (byte) (k < blen[t] ? swapLocation(loc) << 5 | swapValue(loc, buf[t][k] & 31) : 0);
                }
            }
            b[i++] = (byte) swapTid(mutex);
            b[i++] = (byte) swapTid(revokers);
            b[i] = (byte) waiters;
            return b;
        }

        private static int swapThread(int t) {
            return t == 0 ? 0 : 3 - t;
        }

        private static int swapTid(int tid) {
            return tid < 2 ? tid : 5 - tid;
        }

        private static int swapWord(int word) {
            return word & ~TID | swapTid(word & TID);
        }

        private static int swapLocation(int loc) {
            return loc > RETAKING ? RETAKING + swapThread(loc - RETAKING) : loc;
        }

        private static int swapValue(int loc, int v) {
            return loc == OWNER ? swapWord(v) : loc == RESERVER ? swapTid(v) : v;
        }

        static State decode(byte[] b, int from) {
            State s = new State();
            int i = from;
            for (int k = 0; k < LOCATIONS; k++) {
                s.mem[k] = b[i++];
            }
            for (int t = 0; t < THREADS; t++) {
                s.pc[t] = b[i++];
                s.ret[t] = b[i++];
                s.sret[t] = b[i++];
                s.w[t] = b[i++];
                s.cur[t] = b[i++];
                s.res[t] = b[i++];
                s.round[t] = b[i++];
                s.blen[t] = b[i++];
                s.barrier[t] = b[i++];
                for (int k = 0; k < BUFFER; k++) {
                    s.buf[t][k] = b[i++] & 0xff;
                }
            }
            s.mutex = b[i++];
            s.revokers = b[i++];
            s.waiters = b[i];
            return s;
        }

        Pc pc(int t) {
            return Pc.ALL[pc[t]];
        }

        /** A load by thread t: its own newest buffered store to the location, else memory. */
        int load(int t, int loc) {
            for (int k = blen[t] - 1; k >= 0; k--) {
                if (buf[t][k] >> 5 == loc) {
                    return buf[t][k] & 31;
                }
            }
            return mem[loc];
        }

        /** A plain store by thread t: into its store buffer, which never fills up in these programs. */
        void store(int t, int loc, int value) {
            if (blen[t] == BUFFER) {
                throw new IllegalStateException("the store buffer of " + NAMES[t] + " is full; raise BUFFER");
            }
            buf[t][blen[t]++] = loc << 5 | value;
        }

        /** The oldest buffered store of thread t reaches memory. */
        void flush(int t) {
            int e = buf[t][0];
            mem[e >> 5] = e & 31;
            System.arraycopy(buf[t], 1, buf[t], 0, BUFFER - 1);
            buf[t][--blen[t]] = 0;
        }

        /** Moves thread t to pc p, its locals dead. */
        State go(int t, Pc p) {
            pc[t] = p.ordinal();
            w[t] = 0;
            cur[t] = 0;
            res[t] = 0;
            return this;
        }

        /** Moves thread t to pc p, keeping the word it read. */
        State go(int t, Pc p, int word) {
            go(t, p);
            w[t] = word;
            return this;
        }

        /** A thread passes a membarrier at a moment its store buffer is empty. */
        void passBarriers() {
            for (int i = 0; i < THREADS; i++) {
                if (barrier[i] != 0) {
                    for (int t = 0; t < THREADS; t++) {
                        if ((barrier[i] & 1 << t) != 0 && blen[t] == 0) {
                            barrier[i] &= ~(1 << t);
                        }
                    }
                }
            }
        }

        boolean buffersEmpty() {
            return blen[0] == 0 && blen[1] == 0 && blen[2] == 0;
        }

        boolean owns(int t) {
            Pc p = pc(t);
            return p.is(Pc.OWNS) || p.is(Pc.SETTLE) && Pc.ALL[sret[t]].is(Pc.OWNS);
        }

        boolean registered(int t) {
            Pc p = pc(t);
            return p.is(Pc.REGISTERED) || p.is(Pc.SETTLE) && Pc.ALL[sret[t]].is(Pc.REGISTERED);
        }
    }

    static String word(int v) {
        if (v == 0) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        sb.append((v & TID) == 0 ? "0" : NAMES[(v & TID) - 1]);
        if ((v & WAITERS) != 0) {
            sb.append("|WAITERS");
        }
        if ((v & RESERVED) != 0) {
            sb.append("|RESERVED");
        }
        if ((v & REVOKING) != 0) {
            sb.append("|REVOKING");
        }
        return sb.toString();
    }

    static String value(int loc, int v) {
        if (loc == OWNER) {
            return word(v);
        }
        if (loc == MODE) {
            return Mode.values()[v].name();
        }
        if (loc == RESERVER) {
            return v == 0 ? "NULL" : NAMES[v - 1];
        }
        return Integer.toString(v);
    }

    /** Collects the successors of one state; descriptions only when printing a trace. */
    static final class Out {
        final boolean describing;
        final List<State> states = new ArrayList<>();
        final List<String> notes = new ArrayList<>();

        Out(boolean describing) {
            this.describing = describing;
        }

        void add(State s, Supplier<String> note) {
            s.passBarriers();
            states.add(s);
            if (describing) {
                notes.add(note.get());
            }
        }

        void clear() {
            states.clear();
            notes.clear();
        }
    }

    private final Config config;

    public LockProtocolModel(Config config) {
        this.config = config;
    }

    State initial() {
        State s = new State();
        s.mem[OWNER] = 1; // O holds the lock
        s.mem[WAITING] = config.initiallyWaiting() ? 1 : 0;
        s.mem[MODE] = config.mode().ordinal();
        s.pc[0] = Pc.O_HOLD.ordinal();
        s.pc[1] = Pc.START.ordinal();
        s.pc[2] = Pc.START.ordinal();
        return s;
    }

    /** Every successor of s: a program step of each thread, and each buffer's oldest store reaching memory. */
    void successors(State s, Out out) {
        for (int t = 0; t < THREADS; t++) {
            step(s, t, out);
        }
        for (int t = 0; t < THREADS; t++) {
            if (s.blen[t] > 0) {
                State n = s.copy();
                int e = s.buf[t][0];
                n.flush(t);
                int thread = t;
                out.add(n, () -> NAMES[thread] + "  (memory) its buffered store " + LOCATION_NAMES[e >> 5] + " = "
                        + value(e >> 5, e & 31) + " reaches memory");
            }
        }
    }

    /** A CAS by thread t on the owner word: the successor if it is enabled (empty store buffer). */
    private static boolean locked(State s, int t) {
        return s.blen[t] == 0;
    }

    private void step(State s, int t, Out out) {
        final int tid = t + 1;
        final String me = NAMES[t];
        final Pc p = s.pc(t);
        final String at = me + "  " + p.where + ": ";
        State n;
        int v;
        switch (p) {
            case O_HOLD -> {
                n = s.copy();
                n.round[t] = 1;
                out.add(n.go(t, Pc.SV_LOAD_W), () -> at + "calls the kernel");
            }

            // ---------------- jgil_save_thread_at ----------------
            case SV_LOAD_W -> {
                int word = s.load(t, OWNER);
                n = s.copy();
                if (word == tid) {
                    n.go(t, Pc.SV_LOAD_MODE, word);
                } else {
                    n.go(t, Pc.SS_LOAD);
                }
                out.add(n, () -> at + word(word) + (word == tid ? "" : ": slow path"));
            }
            case SV_LOAD_MODE -> {
                int m = s.load(t, MODE);
                n = s.copy();
                n.go(t, m == M_FENCED ? Pc.SV_CAS : m == M_PLAIN ? Pc.SV_WAITING_P : Pc.SV_WAITING_R, s.w[t]);
                out.add(n, () -> at + Mode.values()[m]);
            }
            case SV_WAITING_P, SV_WAITING_R -> {
                int waiting = s.load(t, WAITING);
                if (waiting != 0) {
                    out.add(s.copy().go(t, Pc.SV_CAS, s.w[t]), () -> at + "1: release with a CAS");
                    out.add(s.copy().go(t, Pc.SV_CAS_VISIT, s.w[t]), () -> at + "1: release with a CAS, "
                            + "and this one visits the scheduler");
                } else if (p == Pc.SV_WAITING_P) {
                    out.add(s.copy().go(t, Pc.SV_PLAIN, s.w[t]), () -> at + "0: plain release");
                } else {
                    out.add(s.copy().go(t, Pc.SV_RES_RETAKING, s.w[t]), () -> at + "0: reserve");
                }
            }
            case SV_CAS, SV_CAS_VISIT -> {
                if (!locked(s, t)) {
                    return;
                }
                int word = s.mem[OWNER];
                n = s.copy();
                if (word == s.w[t]) {
                    n.mem[OWNER] = 0;
                    n.go(t, p == Pc.SV_CAS ? Pc.KERNEL : Pc.RR_LOAD);
                } else {
                    n.go(t, Pc.SS_LOAD);
                }
                out.add(n, () -> at + (word == s.w[t] ? "ok" : "failed (" + word(word) + "): slow path"));
            }
            case SV_PLAIN -> {
                if (config.mode() == Mode.RESERVE) {
                    // reserve_countdown reached 0: mode RESERVE again for the next release
                    n = s.copy();
                    n.store(t, MODE, M_RESERVE);
                    out.add(n.go(t, Pc.SV_PLAIN_STORE), () -> at + "countdown hit 0: store mode RESERVE");
                }
                n = s.copy();
                n.store(t, OWNER, 0);
                out.add(n.go(t, Pc.SV_RECHECK), () -> at + "store owner 0");
            }
            case SV_PLAIN_STORE -> {
                n = s.copy();
                n.store(t, OWNER, 0);
                out.add(n.go(t, Pc.SV_RECHECK), () -> at + "store owner 0");
            }
            case SV_RES_RETAKING -> {
                n = s.copy();
                n.store(t, RETAKING + t, 0);
                out.add(n.go(t, Pc.SV_RES_RESERVER, s.w[t]), () -> at + "stored");
            }
            case SV_RES_RESERVER -> {
                n = s.copy();
                n.store(t, RESERVER, tid);
                out.add(n.go(t, Pc.SV_RES_STORE, s.w[t]), () -> at + "stored");
            }
            case SV_RES_STORE -> {
                n = s.copy();
                n.store(t, OWNER, s.w[t] | RESERVED);
                out.add(n.go(t, Pc.SV_RECHECK), () -> at + "store owner " + word(s.w[t] | RESERVED));
            }
            case SV_RECHECK -> {
                int waiting = config.weakening() == Weakening.NO_RELEASE_RECHECK ? 0 : s.load(t, WAITING);
                out.add(s.copy().go(t, waiting != 0 ? Pc.RR_LOAD : Pc.KERNEL),
                        () -> at + waiting + (waiting != 0 ? ": release_raced" : ": run the kernel"));
            }

            // ---------------- save_thread_slow, GilRuntime.releaseFromNative ----------------
            case SS_LOAD -> {
                int word = s.load(t, OWNER);
                out.add(s.copy().go(t, word == tid ? Pc.SS_CAS : Pc.UR_CHECK, word == tid ? word : 0),
                        () -> at + word(word));
            }
            case SS_CAS -> {
                if (!locked(s, t)) {
                    return;
                }
                int word = s.mem[OWNER];
                n = s.copy();
                if (word == s.w[t]) {
                    n.mem[OWNER] = 0;
                    n.go(t, Pc.KERNEL);
                } else {
                    n.go(t, Pc.UR_CHECK);
                }
                out.add(n, () -> at + (word == s.w[t] ? "ok" : "failed (" + word(word) + "): upcall"));
            }
            case UR_CHECK -> {
                int word = s.load(t, OWNER);
                int owner = (word & (RESERVED | REVOKING)) != 0 ? 0 : word & TID;
                out.add(s.copy().go(t, owner == tid ? Pc.UR_CAS : Pc.ERR_RELEASE), () -> at + word(word));
            }
            case UR_CAS -> {
                if (!locked(s, t)) {
                    return;
                }
                int word = s.mem[OWNER];
                n = s.copy();
                if (word == tid) {
                    n.mem[OWNER] = 0;
                    n.go(t, Pc.KERNEL);
                } else {
                    n.go(t, Pc.R_LOCK);
                    n.ret[t] = Pc.KERNEL.ordinal();
                }
                out.add(n, () -> at + (word == tid ? "ok" : "failed (" + word(word) + "): scheduler.release"));
            }

            // ---------------- release_raced ----------------
            case RR_LOAD -> {
                int word = s.load(t, OWNER);
                int mine = word & ~WAITERS;
                n = s.copy();
                String what;
                if (mine == (tid | RESERVED) || mine == 0) {
                    n.go(t, Pc.RR_CAS, word);
                    what = "still ours or free: take it back";
                } else if ((word & REVOKING) != 0) {
                    n.go(t, Pc.RR_LOAD);
                    what = "being revoked: sched_yield, look again";
                } else if (!config.fixedNativeRepair()) {
                    n.go(t, Pc.KERNEL);
                    what = "another thread owns it: return (\"that thread's release will see `waiting`\")";
                } else if ((word & WAITERS) != 0) {
                    n.go(t, Pc.KERNEL);
                    what = "another thread owns it, WAITERS set: return";
                } else {
                    n.go(t, Pc.RR_MARK, word);
                    what = "another thread owns it: set WAITERS in its word";
                }
                out.add(n, () -> at + word(word) + ": " + what);
            }
            case RR_CAS -> {
                if (!locked(s, t)) {
                    return;
                }
                int word = s.mem[OWNER];
                n = s.copy();
                if (word == s.w[t]) {
                    n.mem[OWNER] = tid | WAITERS;
                    n.go(t, Pc.UR_CHECK);
                } else {
                    n.go(t, Pc.RR_LOAD);
                }
                out.add(n, () -> at + (word == s.w[t] ? "ok, owner " + word(tid | WAITERS) + ": upcall"
                        : "failed (" + word(word) + "): look again"));
            }
            case RR_MARK -> {
                if (!locked(s, t)) {
                    return;
                }
                int word = s.mem[OWNER];
                n = s.copy();
                if (word == s.w[t]) {
                    n.mem[OWNER] = word | WAITERS;
                    n.go(t, Pc.KERNEL);
                } else {
                    n.go(t, Pc.RR_LOAD);
                }
                out.add(n, () -> at + (word == s.w[t] ? "ok, owner " + word(word | WAITERS)
                        : "failed (" + word(word) + "): look again"));
            }

            case KERNEL -> out.add(s.copy().go(t, Pc.E_RETAKING), () -> at + "the kernel returns");

            // ---------------- jgil_restore_thread_at ----------------
            case E_RETAKING -> {
                n = s.copy();
                if (config.weakening() != Weakening.NO_RETAKING_FLAG) {
                    n.store(t, RETAKING + t, 1);
                }
                out.add(n.go(t, Pc.E_LOAD), () -> at + "stored");
            }
            case E_LOAD -> {
                int word = s.load(t, OWNER);
                Pc next = word == (tid | RESERVED) ? Pc.E_STORE : word == 0 ? Pc.E_CAS : Pc.RS_LOAD;
                out.add(s.copy().go(t, next), () -> at + word(word) + (next == Pc.RS_LOAD ? ": slow path" : ""));
            }
            case E_STORE -> {
                n = s.copy();
                n.store(t, OWNER, tid);
                out.add(n.go(t, Pc.E_WAITING), () -> at + "store owner " + word(tid));
            }
            case E_WAITING -> {
                int waiting = config.weakening() == Weakening.NO_RETAKE_RECHECK ? 0 : s.load(t, WAITING);
                out.add(s.copy().go(t, waiting != 0 ? Pc.E_OR : Pc.MANAGED), () -> at + waiting);
            }
            case E_OR -> {
                if (!locked(s, t)) {
                    return;
                }
                int after = s.mem[OWNER] | WAITERS;
                n = s.copy();
                n.mem[OWNER] = after;
                out.add(n.go(t, Pc.MANAGED), () -> at + "owner " + word(after));
            }
            case E_CAS -> {
                if (!locked(s, t)) {
                    return;
                }
                int word = s.mem[OWNER];
                n = s.copy();
                if (word == 0) {
                    n.mem[OWNER] = tid;
                    n.go(t, Pc.MANAGED);
                } else {
                    n.go(t, Pc.RS_LOAD);
                }
                out.add(n, () -> at + (word == 0 ? "ok" : "failed (" + word(word) + "): slow path"));
            }

            // ---------------- restore_thread_slow, retake_reserved, acquireFromNative ----------------
            case RS_LOAD -> {
                int word = s.load(t, OWNER);
                int bits = word & (RESERVED | REVOKING);
                n = s.copy();
                String what;
                if ((word & TID) != tid || bits == 0) {
                    n.go(t, Pc.RS_CAS0);
                    what = "not our reservation";
                } else if ((bits & REVOKING) != 0) {
                    n.go(t, Pc.RS_LOAD);
                    what = "being revoked: sched_yield, look again";
                } else {
                    n.go(t, Pc.RS_CAS, word);
                    what = "our reservation";
                }
                out.add(n, () -> at + word(word) + ": " + what);
            }
            case RS_CAS -> {
                if (!locked(s, t)) {
                    return;
                }
                int word = s.mem[OWNER];
                n = s.copy();
                if (word == s.w[t]) {
                    n.mem[OWNER] = tid | word & WAITERS;
                    n.go(t, Pc.MANAGED);
                } else {
                    n.go(t, Pc.RS_LOAD);
                }
                out.add(n, () -> at + (word == s.w[t] ? "ok" : "failed (" + word(word) + ")"));
            }
            case RS_CAS0 -> {
                if (!locked(s, t)) {
                    return;
                }
                int word = s.mem[OWNER];
                n = s.copy();
                if (word == 0) {
                    n.mem[OWNER] = tid;
                    n.go(t, Pc.MANAGED);
                } else {
                    n.go(t, Pc.UA_CHECK);
                }
                out.add(n, () -> at + (word == 0 ? "ok" : "failed (" + word(word) + "): upcall"));
            }
            case UA_CHECK -> {
                int word = s.load(t, OWNER);
                int owner = (word & (RESERVED | REVOKING)) != 0 ? 0 : word & TID;
                out.add(s.copy().go(t, owner == tid ? Pc.ERR_END : Pc.UA_CAS), () -> at + word(word));
            }
            case UA_CAS, START -> {
                if (!locked(s, t)) {
                    return;
                }
                int word = s.mem[OWNER];
                n = s.copy();
                if (word == 0) {
                    n.mem[OWNER] = tid;
                    n.go(t, Pc.MANAGED);
                } else {
                    n.go(t, Pc.A_LOCK);
                    n.ret[t] = Pc.MANAGED.ordinal();
                }
                out.add(n, () -> at + (word == 0 ? "ok, owner " + me : "failed (" + word(word)
                        + "): CPythonScheduler.acquire"));
            }

            case MANAGED -> {
                n = s.copy();
                int rounds = t == 0 ? config.nativeRounds() : config.othersNative() ? 1 : 0;
                if (s.round[t] < rounds) {
                    n.round[t]++;
                    out.add(n.go(t, Pc.SV_LOAD_W), () -> at + "calls a native kernel");
                } else {
                    out.add(n.go(t, Pc.J_LOAD), () -> at + "Gil.release()");
                }
            }

            // ---------------- LockWord.release, Gil.releaseSlow ----------------
            case J_LOAD -> {
                int word = s.load(t, OWNER);
                out.add(s.copy().go(t, word == tid ? Pc.J_MODE : Pc.JS_CHECK), () -> at + word(word)
                        + (word == tid ? "" : ": Gil.releaseSlow"));
            }
            case J_MODE -> {
                int m = s.load(t, MODE);
                out.add(s.copy().go(t, m == M_FENCED ? Pc.J_CAS : Pc.J_WAITING), () -> at + Mode.values()[m]);
            }
            case J_WAITING -> {
                int waiting = s.load(t, WAITING);
                if (waiting != 0) {
                    out.add(s.copy().go(t, Pc.J_CAS), () -> at + "1: release with a CAS");
                    out.add(s.copy().go(t, Pc.J_CAS_VISIT), () -> at + "1: release with a CAS, and this one "
                            + "visits the scheduler");
                } else {
                    out.add(s.copy().go(t, Pc.J_STORE), () -> at + "0: plain release");
                }
            }
            case J_CAS, J_CAS_VISIT -> {
                if (!locked(s, t)) {
                    return;
                }
                int word = s.mem[OWNER];
                n = s.copy();
                if (word == tid) {
                    n.mem[OWNER] = 0;
                    n.go(t, p == Pc.J_CAS ? Pc.DONE : Pc.J_VISIT);
                } else {
                    n.go(t, Pc.JS_CHECK);
                }
                out.add(n, () -> at + (word == tid ? "ok" : "failed (" + word(word) + "): Gil.releaseSlow"));
            }
            case J_VISIT -> {
                if (!locked(s, t)) {
                    return;
                }
                int word = s.mem[OWNER];
                n = s.copy();
                if (word == 0) {
                    n.mem[OWNER] = tid;
                    n.go(t, Pc.R_LOCK);
                    n.ret[t] = Pc.DONE.ordinal();
                } else {
                    n.go(t, Pc.DONE);
                }
                out.add(n, () -> at + (word == 0 ? "ok: scheduler.release" : "failed (" + word(word) + ")"));
            }
            case J_STORE -> {
                n = s.copy();
                n.store(t, OWNER, 0);
                out.add(n.go(t, Pc.J_RECHECK), () -> at + "stored");
            }
            case J_RECHECK -> {
                int waiting = config.weakening() == Weakening.NO_RELEASE_RECHECK ? 0 : s.load(t, WAITING);
                out.add(s.copy().go(t, waiting != 0 ? Pc.J_REPAIR : Pc.DONE), () -> at + waiting);
            }
            case J_REPAIR -> {
                if (!locked(s, t)) {
                    return;
                }
                int word = s.mem[OWNER];
                n = s.copy();
                String what;
                if (word == 0) {
                    n.mem[OWNER] = tid;
                    n.go(t, Pc.R_LOCK);
                    n.ret[t] = Pc.DONE.ordinal();
                    what = "ok: scheduler.release";
                } else if (!config.fixedJavaRepair()) {
                    n.go(t, Pc.DONE);
                    what = "failed (" + word(word) + "): return";
                } else {
                    n.go(t, Pc.JF_LOAD);
                    what = "failed (" + word(word) + "): make sure the new owner's release sees the waiter";
                }
                out.add(n, () -> at + what);
            }
            case JF_LOAD -> {
                int word = s.load(t, OWNER);
                n = s.copy();
                String what;
                if (word == 0) {
                    n.go(t, Pc.J_REPAIR);
                    what = "free again: take it back";
                } else if ((word & REVOKING) != 0) {
                    n.go(t, Pc.JF_LOAD);
                    what = "being revoked: look again";
                } else if ((word & WAITERS) != 0) {
                    n.go(t, Pc.DONE);
                    what = "WAITERS set: done";
                } else {
                    n.go(t, Pc.JF_MARK, word);
                    what = "set WAITERS in it";
                }
                out.add(n, () -> at + word(word) + ": " + what);
            }
            case JF_MARK -> {
                if (!locked(s, t)) {
                    return;
                }
                int word = s.mem[OWNER];
                n = s.copy();
                if (word == s.w[t]) {
                    n.mem[OWNER] = word | WAITERS;
                    n.go(t, Pc.DONE);
                } else {
                    n.go(t, Pc.JF_LOAD);
                }
                out.add(n, () -> at + (word == s.w[t] ? "ok, owner " + word(word | WAITERS)
                        : "failed (" + word(word) + "): look again"));
            }
            case JS_CHECK -> {
                int word = s.load(t, OWNER);
                int owner = (word & (RESERVED | REVOKING)) != 0 ? 0 : word & TID;
                n = s.copy();
                if (owner == tid) {
                    n.go(t, Pc.R_LOCK);
                    n.ret[t] = Pc.DONE.ordinal();
                } else {
                    n.go(t, Pc.ERR_JAVA_RELEASE);
                }
                out.add(n, () -> at + word(word));
            }

            // ---------------- CPythonScheduler.release / releaseLocked ----------------
            case R_LOCK, A_LOCK -> {
                if (s.mutex != 0 || !locked(s, t)) {
                    return;
                }
                n = s.copy();
                n.mutex = tid;
                out.add(n.go(t, p == Pc.R_LOCK ? Pc.R_GET : Pc.A_REG), () -> at + "locked");
            }
            case R_GET, A_GET -> {
                int word = s.load(t, OWNER);
                n = s.copy();
                Pc after = p == Pc.R_GET ? Pc.R_CAS : Pc.A_DECIDE;
                if ((word & (RESERVED | REVOKING)) != 0) {
                    n.go(t, Pc.ST_LOAD);
                    n.sret[t] = after.ordinal();
                } else if (p == Pc.R_GET) {
                    n.go(t, Pc.R_CAS, word);
                } else {
                    n.go(t, (word & TID) == 0 ? Pc.A_CAS : Pc.A_AWAIT, word);
                    if ((word & TID) != 0 && config.spin()) {
                        out.add(s.copy().go(t, Pc.A_SPIN_UNLOCK), () -> at + word(word) + ": spin first");
                    }
                }
                out.add(n, () -> at + word(word) + ((word & (RESERVED | REVOKING)) != 0 ? ": settle()" : ""));
            }
            case R_CAS -> {
                if (!locked(s, t)) {
                    return;
                }
                int word = s.mem[OWNER];
                int want = s.waiters > 0 ? WAITERS : 0;
                n = s.copy();
                if (word == s.w[t]) {
                    n.mem[OWNER] = want;
                    n.go(t, s.waiters == 0 ? Pc.R_QUIET : Pc.R_SIGNAL);
                } else {
                    n.go(t, Pc.R_GET);
                }
                out.add(n, () -> at + (word == s.w[t] ? "ok, owner " + word(want) : "failed (" + word(word) + ")"));
            }
            case R_QUIET, A_QUIET -> {
                Pc next = p == Pc.R_QUIET ? Pc.R_SIGNAL : Pc.A_UNLOCK;
                out.add(s.copy().go(t, next), () -> at + "a waiter came less than 1 ms ago: keep waiting up");
                n = s.copy();
                n.store(t, WAITING, 0);
                out.add(n.go(t, p == Pc.R_QUIET ? Pc.R_QUIET_FENCE : Pc.A_QUIET_FENCE),
                        () -> at + "quiet for 1 ms: store waiting 0");
            }
            case R_QUIET_FENCE, A_QUIET_FENCE -> {
                if (!locked(s, t)) {
                    return;
                }
                out.add(s.copy().go(t, p == Pc.R_QUIET_FENCE ? Pc.R_SIGNAL : Pc.A_UNLOCK), () -> at + "fenced");
            }
            case R_SIGNAL -> {
                boolean any = false;
                for (int x = 0; x < THREADS; x++) {
                    if (s.pc(x) == Pc.PARKED) {
                        any = true;
                        n = s.copy();
                        n.go(x, Pc.SIGNALLED);
                        int woken = x;
                        out.add(n.go(t, Pc.R_UNLOCK), () -> at + "wakes " + NAMES[woken]);
                    }
                }
                if (!any) {
                    out.add(s.copy().go(t, Pc.R_UNLOCK), () -> at + "nobody parked");
                }
            }
            case R_UNLOCK, A_UNLOCK -> {
                if (!locked(s, t)) {
                    return;
                }
                n = s.copy();
                n.mutex = 0;
                n.go(t, Pc.ALL[s.ret[t]]);
                n.ret[t] = 0;
                out.add(n, () -> at + "unlocked");
            }

            // ---------------- CPythonScheduler.acquire / acquireLocked, LockWord.setWaiters ----------------
            case A_REG -> {
                int waiting = s.load(t, WAITING);
                n = s.copy();
                n.waiters++;
                out.add(n.go(t, waiting == 0 ? Pc.A_RAISE : Pc.A_OR), () -> at + waiting);
            }
            case A_RAISE -> {
                n = s.copy();
                n.store(t, WAITING, 1);
                out.add(n.go(t, Pc.A_RAISE_FENCE), () -> at + "stored");
            }
            case A_RAISE_FENCE -> {
                if (!locked(s, t)) {
                    return;
                }
                out.add(s.copy().go(t, Pc.A_BAR_MODE), () -> at + "fenced");
            }
            case A_BAR_MODE -> {
                int m = s.load(t, MODE);
                boolean skip = m == M_FENCED || config.weakening() == Weakening.NO_WAITER_BARRIER;
                out.add(s.copy().go(t, skip ? Pc.A_OR : Pc.A_BAR_START), () -> at + Mode.values()[m]);
            }
            case A_BAR_START, SL_BAR_START -> {
                if (!locked(s, t)) {
                    return;
                }
                n = s.copy();
                n.barrier[t] = 7 & ~(1 << t);
                n.go(t, p == Pc.A_BAR_START ? Pc.A_BAR_END : Pc.SL_BAR_END);
                n.w[t] = s.w[t];
                n.res[t] = s.res[t];
                out.add(n, () -> at + "every other thread must pass a full barrier");
            }
            case A_BAR_END, SL_BAR_END -> {
                if (s.barrier[t] != 0) {
                    return;
                }
                n = s.copy();
                n.go(t, p == Pc.A_BAR_END ? Pc.A_OR : Pc.SL_RETAKING);
                n.w[t] = s.w[t];
                n.res[t] = s.res[t];
                out.add(n, () -> at + "returned");
            }
            case A_OR -> {
                if (!locked(s, t)) {
                    return;
                }
                int after = s.mem[OWNER] | WAITERS;
                n = s.copy();
                n.mem[OWNER] = after;
                out.add(n.go(t, Pc.A_GET), () -> at + "owner " + word(after));
            }
            case A_DECIDE -> {
                out.add(s.copy().go(t, (s.w[t] & TID) == 0 ? Pc.A_CAS : Pc.A_AWAIT, s.w[t]),
                        () -> at + "owner " + word(s.w[t]));
                if ((s.w[t] & TID) != 0 && config.spin()) {
                    out.add(s.copy().go(t, Pc.A_SPIN_UNLOCK), () -> at + "owner " + word(s.w[t]) + ": spin first");
                }
            }
            case A_SPIN_UNLOCK -> {
                if (!locked(s, t)) {
                    return;
                }
                n = s.copy();
                n.mutex = 0;
                out.add(n.go(t, Pc.A_SPIN), () -> at + "unlocked");
            }
            case A_SPIN -> {
                // The budget may run out at any poll; a free word ends the spin at once. Either way the waiter
                // takes the mutex back and looks again.
                int word = s.load(t, OWNER);
                boolean free = (word & (RESERVED | REVOKING)) != 0 || (word & TID) == 0;
                out.add(s.copy().go(t, Pc.A_SPIN_LOCK), () -> at + word(word) + (free ? ": looks free"
                        : ": held; the budget runs out"));
            }
            case A_SPIN_LOCK -> {
                if (s.mutex != 0 || !locked(s, t)) {
                    return;
                }
                n = s.copy();
                n.mutex = tid;
                out.add(n.go(t, Pc.A_GET), () -> at + "locked");
            }
            case A_CAS -> {
                if (!locked(s, t)) {
                    return;
                }
                int word = s.mem[OWNER];
                n = s.copy();
                if (word == s.w[t]) {
                    n.mem[OWNER] = tid | WAITERS;
                    n.waiters--;
                    n.go(t, n.waiters == 0 ? Pc.A_CLEAR : Pc.A_UNLOCK);
                } else {
                    n.go(t, Pc.A_GET);
                }
                int left = n.waiters;
                out.add(n, () -> at + (word == s.w[t] ? "ok, owner " + word(tid | WAITERS) + "; waiters-- -> "
                        + left : "failed (" + word(word) + ")"));
            }
            case A_AWAIT -> {
                if (!locked(s, t)) {
                    return;
                }
                n = s.copy();
                n.mutex = 0;
                out.add(n.go(t, Pc.PARKED), () -> at + "parks");
            }
            case PARKED -> {
                if (config.timeouts()) {
                    out.add(s.copy().go(t, Pc.SIGNALLED), () -> at + "the timed wait ends");
                }
            }
            case SIGNALLED -> {
                if (s.mutex != 0 || !locked(s, t)) {
                    return;
                }
                n = s.copy();
                n.mutex = tid;
                out.add(n.go(t, Pc.A_GET), () -> at + "has the mutex again");
            }
            case A_CLEAR -> {
                if (!locked(s, t)) {
                    return;
                }
                int word = s.mem[OWNER];
                n = s.copy();
                if (word == (tid | WAITERS)) {
                    n.mem[OWNER] = tid;
                }
                out.add(n.go(t, Pc.A_QUIET), () -> at + (word == (tid | WAITERS) ? "ok" : "failed (" + word(word)
                        + ")"));
            }

            // ---------------- settle / settle_locked ----------------
            case ST_LOAD -> {
                int word = s.load(t, OWNER);
                n = s.copy();
                if ((word & (RESERVED | REVOKING)) == 0) {
                    settleReturn(s, n, t, word);
                } else {
                    n.go(t, Pc.ST_LOCK);
                }
                out.add(n, () -> at + word(word));
            }
            case ST_LOCK -> {
                if (s.revokers != 0 || !locked(s, t)) {
                    return;
                }
                n = s.copy();
                n.revokers = tid;
                out.add(n.go(t, Pc.SL_LOAD), () -> at + "locked");
            }
            case SL_LOAD -> {
                int word = s.load(t, OWNER);
                n = s.copy();
                String what;
                if ((word & (RESERVED | REVOKING)) == 0) {
                    n.go(t, Pc.SL_UNLOCK, word);
                    what = "nothing to revoke";
                } else if ((word & REVOKING) != 0) {
                    n.go(t, Pc.SL_LOAD);
                    what = "another revoker: sched_yield, look again";
                } else {
                    n.go(t, Pc.SL_CAS, word);
                    what = "revoke";
                }
                out.add(n, () -> at + word(word) + ": " + what);
            }
            case SL_CAS -> {
                if (!locked(s, t)) {
                    return;
                }
                int word = s.mem[OWNER];
                n = s.copy();
                if (word == s.w[t]) {
                    n.mem[OWNER] = word | REVOKING;
                    n.go(t, Pc.SL_RESERVER, word);
                } else {
                    n.go(t, Pc.SL_LOAD);
                }
                out.add(n, () -> at + (word == s.w[t] ? "ok" : "failed (" + word(word) + ")"));
            }
            case SL_RESERVER -> {
                int r = s.load(t, RESERVER);
                boolean skip = config.weakening() == Weakening.NO_REVOKER_BARRIER;
                n = s.copy().go(t, skip ? Pc.SL_RETAKING : Pc.SL_BAR_START, s.w[t]);
                n.res[t] = r;
                out.add(n, () -> at + value(RESERVER, r));
            }
            case SL_RETAKING -> {
                int r = s.res[t];
                boolean own = r != 0 && r == (s.w[t] & TID);
                boolean retaking = own && s.load(t, RETAKING + r - 1) != 0;
                n = s.copy().go(t, retaking ? Pc.SL_KEEP : Pc.SL_OFF, s.w[t]);
                n.cur[t] = s.w[t] | REVOKING;
                out.add(n, () -> at + (own ? (retaking ? "1: leave the reservation" : "0: revoke")
                        : "not the owner's slot: revoke"));
            }
            case SL_OFF -> {
                n = s.copy();
                n.store(t, MODE, M_PLAIN);
                n.go(t, Pc.SL_FREE, s.w[t]);
                n.cur[t] = s.cur[t];
                out.add(n, () -> at + "stored");
            }
            case SL_KEEP, SL_FREE -> {
                if (!locked(s, t)) {
                    return;
                }
                int word = s.mem[OWNER];
                int c = s.cur[t];
                boolean keep = p == Pc.SL_KEEP;
                int want = keep ? c & ~REVOKING : c & WAITERS;
                n = s.copy();
                boolean ok = word == c;
                if (ok) {
                    n.mem[OWNER] = want;
                }
                int seen = ok ? c : word;
                if (!ok && (seen & REVOKING) != 0) {
                    n.go(t, p, s.w[t]); // try again with the new cur
                    n.cur[t] = seen;
                } else if (keep) {
                    n.go(t, Pc.SL_UNLOCK, (s.w[t] & TID) | (seen & WAITERS));
                } else {
                    n.go(t, Pc.SL_LOAD);
                }
                out.add(n, () -> at + (ok ? "ok, owner " + word(want) : "failed (" + word(word) + ")"));
            }
            case SL_UNLOCK -> {
                if (!locked(s, t)) {
                    return;
                }
                n = s.copy();
                n.revokers = 0;
                settleReturn(s, n, t, s.w[t]);
                out.add(n, () -> at + "unlocked, settle() returns " + word(s.w[t]));
            }

            case DONE, ERR_RELEASE, ERR_END, ERR_JAVA_RELEASE -> { }
            default -> throw new AssertionError(p);
        }
    }

    /** LockWord.get() returns the settled word to its caller. */
    private static void settleReturn(State s, State n, int t, int word) {
        n.go(t, Pc.ALL[s.sret[t]], word);
        n.sret[t] = 0;
    }

    /** A broken invariant and what broke it. */
    record Broken(Invariant invariant, String what) {}

    /** The invariants; null if s keeps them all. */
    Broken violation(State s, boolean terminal) {
        int owners = 0;
        for (int t = 0; t < THREADS; t++) {
            if (s.owns(t)) {
                owners++;
            }
            Pc p = s.pc(t);
            if (p.name().startsWith("ERR_")) {
                return new Broken(Invariant.NO_MISUSE, "misuse reported where there is none: " + NAMES[t] + ": "
                        + p.where);
            }
        }
        if (owners > 1) {
            return new Broken(Invariant.ONE_OWNER, "two threads in managed code at once");
        }
        if (terminal && !allDone(s) && !anyParked(s)) {
            return new Broken(Invariant.NO_DEADLOCK, "no thread can move, yet not all are done");
        }
        if (!s.buffersEmpty()) {
            return null; // the checks below hold once the buffers have drained; the drained states are explored
        }
        for (int x = 0; x < THREADS; x++) {
            if (s.pc(x) != Pc.PARKED) {
                continue;
            }
            boolean othersStable = true;
            for (int t = 0; t < THREADS; t++) {
                if (t != x && (!s.pc(t).is(Pc.STABLE) || s.owns(t))) {
                    othersStable = false;
                }
            }
            if (othersStable) {
                return new Broken(Invariant.NO_LOST_WAKEUP, NAMES[x] + " is parked, nobody holds the lock and no "
                        + "wake-up is coming: it sleeps until its timed wait ends");
            }
        }
        boolean repairing = false;
        int holder = -1;
        boolean waiter = false;
        for (int t = 0; t < THREADS; t++) {
            Pc p = s.pc(t);
            repairing |= p.is(Pc.REPAIR);
            if (p == Pc.MANAGED || p == Pc.O_HOLD) {
                holder = t;
            }
            waiter |= s.registered(t);
        }
        if (config.lostBitCheck() && holder >= 0 && waiter && !repairing && (s.mem[OWNER] & WAITERS) == 0) {
            return new Broken(Invariant.NO_LOST_BIT, NAMES[holder] + " runs managed code with the WAITERS bit gone "
                    + "while a waiter waits: its release will not go through the scheduler");
        }
        if (allDone(s) && (s.mem[OWNER] & ~WAITERS) != 0) {
            return new Broken(Invariant.FREE_AT_END, "everybody is done but the lock word is "
                    + word(s.mem[OWNER]));
        }
        return null;
    }

    private static boolean allDone(State s) {
        for (int t = 0; t < THREADS; t++) {
            if (s.pc(t) != Pc.DONE) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyParked(State s) {
        for (int t = 0; t < THREADS; t++) {
            if (s.pc(t) == Pc.PARKED) {
                return true;
            }
        }
        return false;
    }

    /**
     * Breadth-first search over every reachable state; stops at the first violation, so that its trace is a
     * shortest one. Ids are handed out in breadth-first order, so the visited set is the queue too.
     */
    public Result explore() {
        StateSet seen = new StateSet(State.SIZE);
        seen.add(initial().canonical(), -1);
        Out out = new Out(false);
        long transitions = 0;
        EnumSet<Pc> reached = EnumSet.noneOf(Pc.class);
        for (int id = 0; id < seen.size(); id++) {
            State s = seen.state(id);
            for (int t = 0; t < THREADS; t++) {
                reached.add(s.pc(t));
            }
            out.clear();
            successors(s, out);
            transitions += out.states.size();
            Broken bad = violation(s, out.states.isEmpty());
            if (bad != null) {
                List<String> trace = new ArrayList<>();
                bad = trace(seen, id, trace);
                return new Result(config, seen.size(), transitions, seen.depth(id), bad.invariant(), bad.what(),
                        trace, names(reached));
            }
            for (State n : out.states) {
                seen.add(n.canonical(), id);
            }
        }
        return new Result(config, seen.size(), transitions, seen.depth(seen.size() - 1), null, null, List.of(),
                names(reached));
    }

    private static Set<String> names(Set<Pc> pcs) {
        Set<String> names = new TreeSet<>();
        pcs.forEach(p -> names.add(p.name()));
        return names;
    }

    /** The names of every step of the model, for checking that an exploration reached them all. */
    public static Set<String> allSteps() {
        return names(EnumSet.allOf(Pc.class));
    }

    /**
     * Adds to {@code lines} the steps from the initial state to state id, each with the state's key variables after
     * it, and returns what that run breaks.
     */
    private Broken trace(StateSet seen, int id, List<String> lines) {
        List<byte[]> path = new ArrayList<>();
        for (int i = id; i >= 0; i = seen.parent(i)) {
            path.add(seen.key(i));
        }
        java.util.Collections.reverse(path);
        lines.add("Counterexample (" + config + "):");
        State s = initial();
        lines.add(String.format("%3d  %-100s %s", 0, "start: O holds the lock; W and T have not come yet", show(s)));
        Out out = new Out(true);
        for (int k = 1; k < path.size(); k++) {
            out.clear();
            successors(s, out);
            int found = -1;
            for (int j = 0; j < out.states.size(); j++) {
                if (Arrays.equals(out.states.get(j).canonical(), path.get(k))) {
                    found = j;
                    break;
                }
            }
            if (found < 0) {
                throw new IllegalStateException("trace reconstruction lost its way at step " + k);
            }
            s = out.states.get(found);
            lines.add(String.format("%3d  %-100s %s", k, out.notes.get(found), show(s)));
        }
        // The search stored each state in its canonical form (W and T maybe exchanged); the trace follows one
        // concrete run, so the names in the verdict come from its last state.
        out.clear();
        successors(s, out);
        Broken violation = violation(s, out.states.isEmpty());
        lines.add("Broken: " + violation.invariant() + ": " + violation.what());
        return violation;
    }

    /** The variables a reader of a trace needs: the word, `waiting`, the mutex and each buffer. */
    static String show(State s) {
        StringBuilder sb = new StringBuilder();
        sb.append("owner=").append(word(s.mem[OWNER])).append(" waiting=").append(s.mem[WAITING]);
        if (s.mem[MODE] != M_FENCED) {
            sb.append(" mode=").append(Mode.values()[s.mem[MODE]]);
        }
        sb.append(" waiters=").append(s.waiters);
        if (s.mutex != 0) {
            sb.append(" mutex=").append(NAMES[s.mutex - 1]);
        }
        for (int t = 0; t < THREADS; t++) {
            if (s.blen[t] > 0) {
                sb.append(' ').append(NAMES[t]).append(".buffer=[");
                for (int k = 0; k < s.blen[t]; k++) {
                    int e = s.buf[t][k];
                    sb.append(k > 0 ? ", " : "").append(LOCATION_NAMES[e >> 5]).append('=').append(value(e >> 5,
                            e & 31));
                }
                sb.append(']');
            }
        }
        return sb.toString();
    }

    /**
     * The visited set: fixed-size keys in one growing byte array, open addressing, with each state's hash (compared
     * before its key, and reused when the table grows), parent and depth.
     */
    static final class StateSet {
        private final int width;
        private byte[] keys;
        private int[] hashes;
        private int[] parents;
        private int[] depths;
        private int[] table;
        private int size;

        StateSet(int width) {
            this.width = width;
            keys = new byte[width * 1024];
            hashes = new int[1024];
            parents = new int[1024];
            depths = new int[1024];
            table = new int[4096];
            Arrays.fill(table, -1);
        }

        int size() {
            return size;
        }

        int parent(int id) {
            return parents[id];
        }

        int depth(int id) {
            return depths[id];
        }

        State state(int id) {
            return State.decode(keys, id * width);
        }

        byte[] key(int id) {
            return Arrays.copyOfRange(keys, id * width, (id + 1) * width);
        }

        /** Adds a key; returns its new id, or -1 if it was there already. */
        int add(byte[] key, int parent) {
            int hash = hash(key);
            int mask = table.length - 1;
            int h = hash & mask;
            for (int id; (id = table[h]) >= 0; h = (h + 1) & mask) {
                if (hashes[id] == hash && Arrays.equals(keys, id * width, (id + 1) * width, key, 0, width)) {
                    return -1;
                }
            }
            int id = size++;
            if (size > parents.length) {
                keys = Arrays.copyOf(keys, keys.length * 2);
                hashes = Arrays.copyOf(hashes, hashes.length * 2);
                parents = Arrays.copyOf(parents, parents.length * 2);
                depths = Arrays.copyOf(depths, depths.length * 2);
            }
            System.arraycopy(key, 0, keys, id * width, width);
            hashes[id] = hash;
            parents[id] = parent;
            depths[id] = parent < 0 ? 0 : depths[parent] + 1;
            table[h] = id;
            if (size * 2 > table.length) {
                rehash();
            }
            return id;
        }

        private void rehash() {
            int[] bigger = new int[table.length * 2];
            Arrays.fill(bigger, -1);
            int mask = bigger.length - 1;
            for (int id = 0; id < size; id++) {
                int h = hashes[id] & mask;
                while (bigger[h] >= 0) {
                    h = (h + 1) & mask;
                }
                bigger[h] = id;
            }
            table = bigger;
        }

        private int hash(byte[] b) {
            int h = 0x9E3779B9;
            for (int i = 0; i < width; i++) {
                h = (h ^ b[i]) * 0x01000193;
            }
            return h ^ h >>> 15;
        }
    }
}
