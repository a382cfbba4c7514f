package org.jgil;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The identity a thread holds the lock under, as it appears in the owner word, and the way back
 * from an identity to its thread for {@link DeadOwners}.
 *
 * <p>A platform thread's identity is its thread id. It must be one that no subclass can forge:
 * {@code Thread.getId()} may be overridden up to JDK 18, so from JDK 19 on the final
 * {@code Thread.threadId()} is used (reached through a method handle: the library builds for
 * Java 17), and before that a thread whose class overrides {@code getId()} gets an identity of
 * its own making, below.
 *
 * <p>A virtual thread's identity is its thread id with {@link LockWord#VIRTUAL} set. Several
 * virtual threads take turns on one carrier, so the native side, which caches identities per
 * carrier thread, caches none with that bit and sends every released section of a virtual thread
 * to Java, which asks here. Such threads, and the ones with a made-up identity (only before JDK
 * 19, where no virtual thread exists, so the two cannot collide), are remembered with their
 * {@code Thread} object the first time they ask, in one thread-local lookup per ask; platform
 * threads ask nothing of a map and pay nothing. {@link #thread(long)} finds them again.
 */
final class ThreadIdentity {
    /** {@code Thread.threadId()} (JDK 19+), else null. */
    private static final MethodHandle THREAD_ID;
    /** {@code Thread.isVirtual()} (JDK 21+), else null. */
    private static final MethodHandle IS_VIRTUAL;

    static {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        THREAD_ID = find(lookup, "threadId", long.class);
        IS_VIRTUAL = find(lookup, "isVirtual", boolean.class);
    }

    /** Identities with {@link LockWord#VIRTUAL}, by identity; pruned of ended threads as it grows. */
    private static final Map<Long, WeakReference<Thread>> REMEMBERED = new ConcurrentHashMap<>();
    private static final AtomicLong PRUNE_AT = new AtomicLong(1024);
    /** Made-up identities, only where {@code getId()} can be overridden (before JDK 19). */
    private static final AtomicLong MADE_UP = new AtomicLong();

    /** The identity of a thread that cannot be named by its id alone, found once per thread. */
    private static final ThreadLocal<Long> SPECIAL = ThreadLocal.withInitial(ThreadIdentity::remember);

    /** Before JDK 19: whether a thread class overrides {@code getId()}. */
    private static final ClassValue<Boolean> OVERRIDES_GET_ID = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("getId").getDeclaringClass() != Thread.class;
            } catch (NoSuchMethodException e) {
                throw new AssertionError(e);
            }
        }
    };

    private ThreadIdentity() {}

    private static MethodHandle find(MethodHandles.Lookup lookup, String name, Class<?> type) {
        try {
            return lookup.findVirtual(Thread.class, name, MethodType.methodType(type));
        } catch (NoSuchMethodException e) {
            return null; // an older JDK
        } catch (IllegalAccessException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** True on a JDK with virtual threads (21+). */
    static boolean virtualThreadsExist() {
        return IS_VIRTUAL != null;
    }

    /** The calling thread's identity. */
    static long current() {
        Thread t = Thread.currentThread();
        if (needsSpecial(t)) {
            return SPECIAL.get();
        }
        return plainId(t);
    }

    /**
     * True if the calling thread is a virtual thread pinned to its carrier by a native frame: it
     * cannot unmount while it waits. Walks the stack: for slow paths only.
     */
    static boolean pinned() {
        return isVirtual(Thread.currentThread())
                && StackWalker.getInstance().walk(frames -> frames.anyMatch(StackWalker.StackFrame::isNativeMethod));
    }

    /** True if {@code t} is a virtual thread. */
    static boolean isVirtual(Thread t) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(t);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The identity of platform thread {@code t}, or 0 if it has one of the special kinds (and so
     * is never named by its id in the owner word).
     */
    static long ofPlatform(Thread t) {
        return needsSpecial(t) ? 0 : plainId(t);
    }

    private static boolean needsSpecial(Thread t) {
        if (THREAD_ID == null) {
            // JDK 17/18: no virtual threads; getId() is trusted unless the class overrides it.
            return t.getClass() != Thread.class && OVERRIDES_GET_ID.get(t.getClass());
        }
        return isVirtual(t);
    }

    private static long plainId(Thread t) {
        if (THREAD_ID == null) {
            return t.getId();
        }
        try {
            return (long) THREAD_ID.invokeExact(t);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static Long remember() {
        Thread t = Thread.currentThread();
        long id = LockWord.VIRTUAL | (THREAD_ID != null ? plainId(t) : MADE_UP.incrementAndGet());
        if (REMEMBERED.size() >= PRUNE_AT.get()) {
            prune();
        }
        REMEMBERED.put(id, new WeakReference<>(t));
        return id;
    }

    /**
     * Forgets ended threads, except one that ended holding the lock: a waiter still has to find
     * it dead. Runs when the map has doubled since the last time, so its cost per thread is O(1).
     */
    private static void prune() {
        long owner = LockWord.ownerNow();
        REMEMBERED.entrySet().removeIf(e -> {
            Thread t = e.getValue().get();
            return (t == null || !t.isAlive()) && e.getKey() != owner;
        });
        PRUNE_AT.set(Math.max(1024, 2L * REMEMBERED.size()));
    }

    /**
     * The thread behind a special identity, or null if it has ended (or the identity is not a
     * special one). A special identity is remembered before it can be written to the owner word,
     * and forgotten only once its thread has ended (and no longer holds the lock), so one that
     * cannot be found belongs to an ended thread; so does a collected Thread object.
     */
    static Thread special(long identity) {
        WeakReference<Thread> ref = (identity & LockWord.VIRTUAL) == 0 ? null : REMEMBERED.get(identity);
        Thread t = ref == null ? null : ref.get();
        return t != null && t.isAlive() ? t : null;
    }

    /** How many special identities are remembered, for tests. */
    static int rememberedCount() {
        return REMEMBERED.size();
    }
}
