package org.jgil;

import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A per-object critical section for managed code, in the spirit of CPython's
 * {@code Py_BEGIN_CRITICAL_SECTION(obj)}: code that reads or updates a shared object enters one on
 * that object, and runs correctly whether or not the process has a GIL.
 *
 * <pre>{@code
 * try (CriticalSection cs = CriticalSection.enter(counts)) {
 *     counts.merge(key, 1, Integer::sum);
 * }
 * CriticalSection.run(from, to, () -> to.add(from.poll()));   // two objects, no deadlock
 * }</pre>
 *
 * <h2>Under a locking policy: nothing</h2>
 * The GIL already serializes managed code between checkpoints, so a section takes no lock: entering
 * one reads which policy is in force (one load and a class check) and returns a shared handle whose
 * {@code close()} does nothing. A section must then contain no {@link Gil#checkpoint()} and no
 * released call ({@link Gil#allowThreads()}, a native kernel), since the GIL is what makes it atomic,
 * exactly as under CPython's GIL, where a critical section is a no-op.
 *
 * <h2>Under {@code none}: a lock belonging to the object</h2>
 * With no GIL, a section takes a lock chosen by the object's identity hash from a fixed table of
 * {@value #STRIPES} reentrant locks (lock striping). The trade-off against a lock the object carries
 * itself (an interface it would implement): striping works for any object, JDK collections included,
 * and costs no memory per object, which is what lets code written for the GIL run unchanged; but two
 * unrelated objects may share a stripe, so a thread may wait for a section on an object it never
 * touches (with k hot objects, about k&sup2;/(2 &middot; {@value #STRIPES}) colliding pairs). Objects
 * that need exactness can still be guarded by a lock of their own.
 *
 * <h2>Deadlock</h2>
 * A two-object section ({@link #enter(Object, Object)}) takes its two locks in stripe order, as
 * {@code Py_BEGIN_CRITICAL_SECTION2} orders by address, so two threads locking the same pair in
 * opposite argument order cannot deadlock. Nested sections follow CPython's rule: when a thread
 * already inside sections would have to wait for a new one, it first suspends (unlocks) the
 * sections it is in, waits holding nothing, and resumes the enclosing section when the inner one
 * ends. So nesting can never deadlock, even through stripe collisions; the price, as in CPython, is
 * that an enclosing section is atomic only up to a nested section that had to wait.
 *
 * <h2>Rules</h2>
 * Close sections in the reverse order of entering them, on the thread that entered them (under
 * {@code none} a violation throws {@link IllegalStateException}; under a locking policy nothing is
 * checked). A handle remembers what it took: a section entered under one policy and closed after a
 * {@link Gil#setPolicy policy change} (possible only while the GIL is idle, for instance while its
 * thread was inside {@code allowThreads}) gives back exactly what it took, and nothing else.
 */
public final class CriticalSection implements AutoCloseable {
    /** Stripes in the lock table: a power of two. */
    static final int STRIPES = 1024;

    /** The handle of every section entered under a locking policy: it holds nothing. */
    private static final CriticalSection UNDER_GIL = new CriticalSection(null, null, null, null, null);

    /** The sections each thread is in under {@code none}; looked up once per entry, never on exit. */
    private static final ThreadLocal<Chain> CHAINS = ThreadLocal.withInitial(Chain::new);

    /** One thread's sections: the innermost, linked to the rest through {@link #enclosing}. */
    private static final class Chain {
        CriticalSection innermost;
    }

    /** Locks in stripe order; {@code second} is null for one object or two on one stripe. */
    private final ReentrantLock first;
    private final ReentrantLock second;
    private final CriticalSection enclosing;
    private final Chain chain;
    private final Thread owner;
    /** Touched only by {@link #owner}. */
    private boolean suspended;

    private CriticalSection(ReentrantLock first, ReentrantLock second, CriticalSection enclosing, Chain chain,
            Thread owner) {
        this.first = first;
        this.second = second;
        this.enclosing = enclosing;
        this.chain = chain;
        this.owner = owner;
    }

    /**
     * Enters a critical section on {@code obj}: under a locking policy, nothing to take; under
     * {@code none}, the object's lock. Close the handle to leave it.
     */
    public static CriticalSection enter(Object obj) {
        Objects.requireNonNull(obj, "obj");
        if (!freeThreaded()) {
            return UNDER_GIL;
        }
        return enterSlow(Stripes.of(obj), null);
    }

    /**
     * Enters a critical section on two objects at once, for an operation that touches both (a
     * transfer between two containers). Their locks are taken in a fixed order whatever the order
     * of the arguments, so no two threads can deadlock on the pair.
     */
    public static CriticalSection enter(Object a, Object b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (!freeThreaded()) {
            return UNDER_GIL;
        }
        int i = Stripes.index(a);
        int j = Stripes.index(b);
        if (i == j) {
            return enterSlow(Stripes.at(i), null);
        }
        return enterSlow(Stripes.at(Math.min(i, j)), Stripes.at(Math.max(i, j)));
    }

    /** Runs {@code action} in a critical section on {@code obj}. */
    public static void run(Object obj, Runnable action) {
        Objects.requireNonNull(action, "action");
        try (CriticalSection cs = enter(obj)) {
            action.run();
        }
    }

    /** Runs {@code action} in a critical section on {@code a} and {@code b}. */
    public static void run(Object a, Object b, Runnable action) {
        Objects.requireNonNull(action, "action");
        try (CriticalSection cs = enter(a, b)) {
            action.run();
        }
    }

    /** Runs {@code action} in a critical section on {@code obj} and returns its result. */
    public static <T> T call(Object obj, Supplier<T> action) {
        Objects.requireNonNull(action, "action");
        try (CriticalSection cs = enter(obj)) {
            return action.get();
        }
    }

    /**
     * True when sections take locks: the policy in force is {@code none}. A class check rather than
     * {@code Scheduler.locks()}, so that the call stays inlined however many policies the process
     * has seen.
     */
    static boolean freeThreaded() {
        return Gil.scheduler() instanceof NoLockScheduler;
    }

    /** True if this handle holds (or, suspended, will hold again) a lock: it was entered under {@code none}. */
    boolean locks() {
        return first != null;
    }

    /** Leaves the section; under {@code none}, unlocks its object and resumes the enclosing section. */
    @Override
    public void close() {
        if (this != UNDER_GIL) { // a compare with a constant: not even a load on the GIL's path
            exit();
        }
    }

    private static CriticalSection enterSlow(ReentrantLock first, ReentrantLock second) {
        Chain chain = CHAINS.get();
        CriticalSection enclosing = chain.innermost;
        if (enclosing == null) {
            lock(first, second);
        } else if (!tryLock(first, second)) {
            // Waiting while holding the enclosing sections' locks is how nested sections deadlock
            // (also through two objects that merely share a stripe): suspend them, as CPython
            // suspends a thread's critical sections before it blocks, and wait holding nothing.
            // Sections below a suspended one are suspended already.
            for (CriticalSection s = enclosing; s != null && !s.suspended; s = s.enclosing) {
                s.suspended = true;
                unlock(s.first, s.second);
            }
            lock(first, second);
        }
        CriticalSection cs = new CriticalSection(first, second, enclosing, chain, Thread.currentThread());
        chain.innermost = cs;
        return cs;
    }

    private void exit() {
        Thread current = Thread.currentThread();
        if (current != owner) {
            throw new IllegalStateException("critical section closed by thread " + current.getName()
                    + ", entered by " + owner.getName() + "; close it on the thread that entered it");
        }
        if (chain.innermost != this) {
            throw new IllegalStateException("critical section closed out of order (or twice); close sections"
                    + " in the reverse order of entering them, ideally with try-with-resources");
        }
        unlock(first, second);
        chain.innermost = enclosing;
        if (enclosing != null && enclosing.suspended) {
            // Resume only the innermost enclosing section; those below it stay suspended until it
            // ends, so this waits holding nothing.
            lock(enclosing.first, enclosing.second);
            enclosing.suspended = false;
        }
    }

    private static void lock(ReentrantLock first, ReentrantLock second) {
        first.lock();
        if (second != null) {
            second.lock();
        }
    }

    private static boolean tryLock(ReentrantLock first, ReentrantLock second) {
        if (!first.tryLock()) {
            return false;
        }
        if (second != null && !second.tryLock()) {
            first.unlock();
            return false;
        }
        return true;
    }

    private static void unlock(ReentrantLock first, ReentrantLock second) {
        if (second != null) {
            second.unlock();
        }
        first.unlock();
    }

    /** The lock table, built on first use under {@code none}. */
    private static final class Stripes {
        private static final ReentrantLock[] LOCKS = new ReentrantLock[STRIPES];

        static {
            for (int i = 0; i < STRIPES; i++) {
                LOCKS[i] = new ReentrantLock();
            }
        }

        static int index(Object obj) {
            // Fibonacci hashing: the product's top bits depend on all of the identity hash's bits.
            return (System.identityHashCode(obj) * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(STRIPES));
        }

        static ReentrantLock at(int index) {
            return LOCKS[index];
        }

        static ReentrantLock of(Object obj) {
            return LOCKS[index(obj)];
        }
    }
}
