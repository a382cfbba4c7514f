package org.jgil.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import org.jgil.Ensured;
import org.jgil.ForeignCalls;
import org.jgil.Gil;
import org.jgil.Released;

/**
 * The GIL around foreign calls: wraps downcall {@link MethodHandle}s of the Foreign Function &amp;
 * Memory API so that they give the lock up, keep it, or choose, and makes upcall stubs that take it.
 *
 * <p>A downcall made through {@link Linker#downcallHandle} knows nothing of the lock: the calling
 * thread keeps it for the whole call, and every other thread waits. The wrappers here decide:
 * <ul>
 *   <li>{@link #released(MethodHandle)}: the lock is given up around the call and taken back
 *       after it, as {@link Gil#allowThreads()} does (the same lock word, scheduler, statistics
 *       and JFR events). Uncontended, libjgil does both steps, as {@code JGIL_BEGIN_ALLOW_THREADS}
 *       and {@code END} do for JNI code, through two critical downcalls of a few nanoseconds; every
 *       other case (waiters, checked mode, statistics, a JFR recording of released sections, a
 *       virtual thread) goes through {@link Gil#allowThreads()}. For calls that take microseconds
 *       or more, or block. The foreign function must not touch Java objects or call back into Java
 *       without an upcall stub from {@link #upcallStub}.
 *   <li>{@link #held(MethodHandle)}: the call keeps the lock the caller holds, as the kernels'
 *       {@code HELD} mode does. For calls of nanoseconds, where giving the lock up costs more
 *       than the call; {@link #heldCritical} adds {@link Linker.Option#critical(boolean)} so that
 *       heap arrays pass without a copy. A critical call is never released (it holds the garbage
 *       collector off; other threads would stall on the next allocation, not run). Outside
 *       checked mode a held handle is the downcall itself, at no cost; in checked mode it refuses
 *       a caller without the lock.
 *   <li>{@link #ensured(MethodHandle)}: held, the lock taken first if the calling thread does not
 *       hold it ({@link Gil#ensure()}): for code that may be called from any thread. It reads
 *       the owner word on every call.
 *   <li>{@link #auto(MethodHandle, MethodHandle)}: released when the call's expected cost (a
 *       function of its arguments) reaches a threshold, held otherwise, like the kernels'
 *       {@code AUTO} mode.
 *   <li>{@link #cancellable(MethodHandle, MemorySegment, int)}: released, and
 *       {@link Thread#interrupt()} of the caller reaches the foreign function through its own way
 *       to stop (an unblocking function), as {@code JGIL_BEGIN_ALLOW_THREADS_CANCELLABLE} does.
 *   <li>{@link #upcallStub}: a Java callback for native code, which takes the lock before it runs
 *       ({@link Gil#ensure()}), on any thread, native threads included.
 * </ul>
 *
 * <p>Wrapped handles have the downcall's type and are best kept in {@code static final} fields,
 * where the JIT compiles the lock handling into the call site.
 */
public final class GilLinker {
    private static final Linker LINKER = Linker.nativeLinker();

    private static final MethodHandle ENTER_RELEASED;
    private static final MethodHandle EXIT_RELEASED;
    private static final MethodHandle ENSURE;
    private static final MethodHandle ENSURED_CLOSE;
    private static final MethodHandle IS_HELD;
    private static final MethodHandle REFUSE_UNHELD;
    private static final MethodHandle ENTER_CANCELLABLE;
    private static final MethodHandle EXIT_CANCELLABLE;
    private static final MethodHandle AT_LEAST;
    private static final MethodHandle REPORT;

    /** Critical downcalls made here, and what {@link #heldCritical} made of them: never to be released. */
    private static final Set<MethodHandle> CRITICAL = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    static {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        try {
            ENTER_RELEASED = lookup.findStatic(GilLinker.class, "enterReleased", MethodType.methodType(Released.class));
            EXIT_RELEASED = lookup.findStatic(GilLinker.class, "exitReleased",
                    MethodType.methodType(void.class, Released.class));
            ENSURE = lookup.findStatic(Gil.class, "ensure", MethodType.methodType(Ensured.class));
            ENSURED_CLOSE = lookup.findVirtual(Ensured.class, "close", MethodType.methodType(void.class));
            IS_HELD = lookup.findStatic(Gil.class, "isHeldByCurrentThread", MethodType.methodType(boolean.class));
            REFUSE_UNHELD = lookup.findStatic(GilLinker.class, "refuseUnheld",
                    MethodType.methodType(void.class, String.class));
            ENTER_CANCELLABLE = lookup.findStatic(GilLinker.class, "enterCancellable",
                    MethodType.methodType(Released.class, MemorySegment.class, MemorySegment.class));
            EXIT_CANCELLABLE = lookup.findStatic(GilLinker.class, "exitCancellable",
                    MethodType.methodType(void.class, Released.class));
            AT_LEAST = lookup.findStatic(GilLinker.class, "atLeast",
                    MethodType.methodType(boolean.class, long.class, long.class));
            REPORT = lookup.findStatic(GilLinker.class, "report", MethodType.methodType(void.class, Throwable.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private GilLinker() {}

    // ---- making downcalls ----

    /**
     * A downcall to {@code name} in {@code lookup}.
     *
     * @throws IllegalArgumentException if the symbol is not there
     */
    public static MethodHandle downcall(SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
        Objects.requireNonNull(descriptor, "descriptor");
        return LINKER.downcallHandle(find(lookup, name), descriptor);
    }

    /**
     * A held downcall to {@code name} linked with {@link Linker.Option#critical critical(true)}:
     * {@code MemorySegment.ofArray(...)} arguments reach the function without a copy. The call
     * must be short and must not call back into Java; it runs holding the lock, and
     * {@link #released}, {@link #auto} and {@link #cancellable} refuse it.
     */
    public static MethodHandle heldCritical(SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
        MethodHandle critical = LINKER.downcallHandle(find(lookup, name), descriptor, Linker.Option.critical(true));
        CRITICAL.add(critical);
        MethodHandle held = held(critical);
        CRITICAL.add(held);
        return held;
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        Objects.requireNonNull(lookup, "lookup");
        Objects.requireNonNull(name, "name");
        return lookup.find(name).orElseThrow(() -> new IllegalArgumentException("no symbol '" + name + "' in the "
                + "lookup given (Linker.nativeLinker().defaultLookup() finds libc's and libm's; "
                + "SymbolLookup.libraryLookup opens another library; FfmKernels.library() has jgil's kernels)"));
    }

    // ---- wrapping them ----

    /**
     * The downcall with the lock given up around it: the caller must hold the lock, and holds it
     * again when the call returns or throws.
     *
     * @throws IllegalArgumentException if {@code downcall} was linked critical here
     */
    public static MethodHandle released(MethodHandle downcall) {
        refuseCritical(downcall, "released");
        Native.link();
        return around(downcall, ENTER_RELEASED, EXIT_RELEASED);
    }

    /**
     * The downcall run keeping the lock, which the caller must hold, as the kernels' {@code HELD}
     * mode does. Outside checked mode this is {@code downcall} itself: a held call costs what a
     * bare one does, and a caller without the lock is not caught (the call then runs beside
     * managed code). In checked mode ({@code -Djgil.checked=true}, a setting of the process read
     * here) the handle throws {@link IllegalStateException} for such a caller before the call.
     * Where the caller may not hold the lock, use {@link #ensured}.
     */
    public static MethodHandle held(MethodHandle downcall) {
        Objects.requireNonNull(downcall, "downcall");
        if (!Gil.isChecked()) {
            return downcall;
        }
        MethodHandle refuse = MethodHandles.insertArguments(REFUSE_UNHELD, 0, downcall.type().toString());
        refuse = MethodHandles.dropArguments(refuse, 0, downcall.type().parameterList());
        refuse = refuse.asType(downcall.type());
        MethodHandle checked = MethodHandles.guardWithTest(IS_HELD, downcall, refuse);
        if (CRITICAL.contains(downcall)) {
            CRITICAL.add(checked);
        }
        return checked;
    }

    /**
     * The downcall run holding the lock, taken first if the calling thread does not hold it and
     * given back after ({@link Gil#ensure()}), as {@code jgil_ensure} does for C code: for a call
     * made from any thread, managed or not. It reads the owner word on every call.
     */
    public static MethodHandle ensured(MethodHandle downcall) {
        Objects.requireNonNull(downcall, "downcall");
        return MethodHandles.guardWithTest(IS_HELD, downcall, around(downcall, ENSURE, ENSURED_CLOSE));
    }

    /**
     * Released when {@code expectedNanos}, called with the same arguments, says the call takes at
     * least the kernels' AUTO threshold ({@code org.jgil.kernels.Mode.autoThresholdNanos()}, 1 us
     * unless {@code -Djgil.kernels.autoThresholdMicros} says otherwise), held otherwise.
     *
     * @param expectedNanos the downcall's parameter types, returning {@code long}: the estimate
     */
    public static MethodHandle auto(MethodHandle downcall, MethodHandle expectedNanos) {
        return auto(downcall, expectedNanos, org.jgil.kernels.Mode.autoThresholdNanos());
    }

    /** As {@link #auto(MethodHandle, MethodHandle)}, with a threshold of its own. */
    public static MethodHandle auto(MethodHandle downcall, MethodHandle expectedNanos, long thresholdNanos) {
        refuseCritical(downcall, "auto");
        Objects.requireNonNull(expectedNanos, "expectedNanos");
        MethodType want = downcall.type().changeReturnType(long.class);
        if (!expectedNanos.type().equals(want)) {
            throw new IllegalArgumentException("expectedNanos must be " + want + ", the downcall's parameters "
                    + "returning long; got " + expectedNanos.type());
        }
        if (thresholdNanos < 0) {
            throw new IllegalArgumentException("thresholdNanos must be >= 0, got " + thresholdNanos);
        }
        MethodHandle test = MethodHandles.filterReturnValue(expectedNanos,
                MethodHandles.insertArguments(AT_LEAST, 1, thresholdNanos));
        return MethodHandles.guardWithTest(test, released(downcall), held(downcall));
    }

    /**
     * Released, and cancellable through the foreign function's own way to stop: while the call runs,
     * {@link Thread#interrupt()} of the calling thread makes jgil's cancel watcher call
     * {@code unblock(arg)} once, on its own thread, within about a millisecond, where {@code arg}
     * is the call's argument number {@code argIndex} (an address: the function's context or stop
     * flag). What the call then returns is the function's own report (a status, a partial
     * result); the thread stays interrupted. {@code unblock} must not block, nor touch Java.
     *
     * <p>For the kernels of {@code jgil_kernels.h} the unblocking function is
     * {@code jgil_k_request_stop} and the argument their {@code stop} flag ({@link FfmKernels}).
     *
     * @param unblock a native function {@code void unblock(void *arg)}
     * @throws IllegalArgumentException if argument {@code argIndex} is not a {@link MemorySegment}
     */
    public static MethodHandle cancellable(MethodHandle downcall, MemorySegment unblock, int argIndex) {
        refuseCritical(downcall, "cancellable");
        Objects.requireNonNull(unblock, "unblock");
        if (unblock.equals(MemorySegment.NULL)) {
            throw new IllegalArgumentException("unblock is MemorySegment.NULL: an interrupt would have no way to "
                    + "stop the call; pass the address of the function's own way to stop, a void f(void *) (for "
                    + "jgil's kernels: FfmKernels.library().find(\"jgil_k_request_stop\")), or use released");
        }
        Native.link();
        MethodType type = downcall.type();
        if (argIndex < 0 || argIndex >= type.parameterCount()) {
            throw new IllegalArgumentException("argIndex " + argIndex + " is out of range: " + type + " has "
                    + type.parameterCount() + " arguments, counted from 0");
        }
        if (type.parameterType(argIndex) != MemorySegment.class) {
            throw new IllegalArgumentException("argument " + argIndex + " (counted from 0) of " + type
                    + " is a " + type.parameterType(argIndex).getSimpleName() + ", not a MemorySegment");
        }
        MethodHandle enter = MethodHandles.insertArguments(ENTER_CANCELLABLE, 0, unblock); // (MemorySegment)Released
        enter = MethodHandles.dropArguments(enter, 0, type.parameterList().subList(0, argIndex));
        enter = MethodHandles.dropArguments(enter, argIndex + 1,
                type.parameterList().subList(argIndex + 1, type.parameterCount()));
        return around(downcall, enter, EXIT_CANCELLABLE);
    }

    // ---- upcalls ----

    /**
     * An upcall stub for native code: {@code target} runs holding the lock, taken first if the
     * calling thread does not hold it (a released downcall calling back, a native thread) and given
     * back after. An exception {@code target} throws cannot cross into native code: it goes to the
     * thread's uncaught-exception handler and the stub returns zero.
     *
     * <p>The thread that waits for native code running such callbacks must not hold the lock while
     * it waits: join a native thread through a {@link #released} downcall.
     */
    public static MemorySegment upcallStub(MethodHandle target, FunctionDescriptor descriptor, Arena arena) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(arena, "arena");
        MethodType type = target.type();
        if (!type.equals(descriptor.toMethodType())) {
            throw new IllegalArgumentException("target must be " + descriptor.toMethodType() + ", as the descriptor "
                    + descriptor + " says; got " + type + " (adapt it with MethodHandle.asType)");
        }
        MethodHandle locked = around(target, ENSURE, ENSURED_CLOSE);
        MethodHandle fallback = MethodHandles.dropArguments(MethodHandles.zero(type.returnType()), 0, Throwable.class);
        fallback = MethodHandles.foldArguments(fallback, REPORT);
        fallback = MethodHandles.dropArguments(fallback, 1, type.parameterList());
        return LINKER.upcallStub(MethodHandles.catchException(locked, Throwable.class, fallback), descriptor, arena);
    }

    // ---- the pieces ----

    /**
     * {@code enter(args)} (its result handed to {@code exit}) before {@code target(args)}, and
     * {@code exit(result)} after it, also when it throws.
     */
    private static MethodHandle around(MethodHandle target, MethodHandle enter, MethodHandle exit) {
        Objects.requireNonNull(target, "target");
        MethodType type = target.type();
        Class<?> token = enter.type().returnType();
        Class<?> result = type.returnType();
        Class<?>[] params = type.parameterArray();
        MethodHandle cleanup;
        if (result == void.class) {
            cleanup = MethodHandles.dropArguments(exit, 0, Throwable.class); // (Throwable, token)void
            cleanup = MethodHandles.dropArguments(cleanup, 2, params);
        } else {
            MethodHandle pass = MethodHandles.dropArguments(MethodHandles.identity(result), 1, token);
            cleanup = MethodHandles.foldArguments(pass, 1, exit); // (result, token)result
            cleanup = MethodHandles.dropArguments(cleanup, 0, Throwable.class);
            cleanup = MethodHandles.dropArguments(cleanup, 3, params);
        }
        MethodHandle body = MethodHandles.tryFinally(MethodHandles.dropArguments(target, 0, token), cleanup);
        return MethodHandles.foldArguments(body, enter);
    }

    private static void refuseCritical(MethodHandle downcall, String how) {
        Objects.requireNonNull(downcall, "downcall");
        if (CRITICAL.contains(downcall)) {
            throw new IllegalArgumentException("a critical downcall cannot be " + how + ": it holds the garbage "
                    + "collector off, so releasing the lock around it would stall the other threads, not run them;"
                    + " link it without Linker.Option.critical, or keep it held");
        }
    }

    /**
     * Gives the lock up for a released call: in libjgil, as {@code JGIL_BEGIN_ALLOW_THREADS} does,
     * when nobody waits and no slow path is wanted (then null: nothing to close but the lock), else
     * through {@link Gil#allowThreads()}, which has the slow paths, checks and JFR events.
     */
    private static Released enterReleased() {
        long tid = ForeignCalls.fastIdentity();
        if (tid != 0) {
            long saved;
            try {
                saved = (long) Native.RELEASE.invokeExact(tid);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (saved != 0) {
                if (saved != tid) {
                    raced(tid);
                }
                return null;
            }
        }
        return ForeignCalls.allowThreads("a released downcall (GilLinker.released)");
    }

    /** A waiter came as libjgil released: let the scheduler hand the lock over, as a JNI release would. */
    private static void raced(long tid) {
        try {
            Native.RELEASE_RACED.invokeExact(tid);
        } catch (Throwable t) {
            retake(tid); // the caller gets the exception holding the lock, as it called
            throw rethrow(t);
        }
    }

    /** Takes the lock back after a released call. */
    private static void exitReleased(Released section) {
        if (section != null) {
            section.close();
        } else {
            retake(ForeignCalls.identity());
        }
    }

    private static void retake(long tid) {
        int retaken;
        try {
            retaken = (int) Native.RETAKE.invokeExact(tid);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (retaken == 0) {
            ForeignCalls.retake(tid); // taken or queued for meanwhile: wait in Java
        }
    }

    private static Released enterCancellable(MemorySegment unblock, MemorySegment arg) {
        Released section = ForeignCalls.allowThreads("a released downcall (GilLinker.cancellable)");
        try {
            Native.CANCEL_BEGIN.invokeExact(unblock, arg);
        } catch (Throwable t) {
            section.close();
            throw rethrow(t);
        }
        return section;
    }

    private static void exitCancellable(Released section) {
        try {
            Native.CANCEL_END.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            section.close();
        }
    }

    /** Checked mode's answer to a held call made without the lock. */
    private static void refuseUnheld(String type) {
        Thread self = Thread.currentThread();
        throw new IllegalStateException("a held downcall " + type + " in thread "
                + (self.getName().isEmpty() ? self.toString() : self.getName())
                + ", which does not hold the GIL (checked mode); call it holding the lock (inside Gil.run(...), or "
                + "between Gil.acquire() and Gil.release()), or wrap it with GilLinker.ensured, which takes it");
    }

    private static boolean atLeast(long value, long threshold) {
        return value >= threshold;
    }

    private static void report(Throwable t) {
        Thread self = Thread.currentThread();
        self.getUncaughtExceptionHandler().uncaughtException(self, t);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
