package org.jgil.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.jgil.Gil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What each wrapper does with the lock, seen from inside the foreign call: a raw upcall (no
 * wrapper of its own) made by qsort reports whether the thread holds the lock there. Where a
 * broken wrapper would leave a thread waiting forever (the lock's wait is not interruptible), a
 * {@link Timeout} on a separate thread turns the hang into a failure; nothing here asserts on time.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GilLinkerTest {
    /** What the raw comparator saw: whether its thread held the lock, at each comparison. */
    private static final List<Boolean> SEEN = new java.util.concurrent.CopyOnWriteArrayList<>();

    static int observingComparator(MemorySegment a, MemorySegment b) {
        SEEN.add(Gil.isHeldByCurrentThread());
        return Libc.compareInts(a, b);
    }

    /** Sorts {3, 1, 2} through {@code qsort}, whose comparator records the lock's state. */
    private static boolean[] lockSeenInsideQsort(MethodHandle qsort) throws Throwable {
        SEEN.clear();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cmp = Linker.nativeLinker().upcallStub(
                    Libc.method(GilLinkerTest.class, "observingComparator", Libc.comparatorType()),
                    Libc.COMPARATOR, arena);
            MemorySegment ints = arena.allocateFrom(JAVA_INT, 3, 1, 2);
            qsort.invokeExact(ints, 3L, 4L, cmp);
            assertEquals(List.of(1, 2, 3), List.of(ints.getAtIndex(JAVA_INT, 0), ints.getAtIndex(JAVA_INT, 1),
                    ints.getAtIndex(JAVA_INT, 2)));
        }
        assertFalse(SEEN.isEmpty(), "qsort called no comparator");
        boolean[] seen = new boolean[SEEN.size()];
        for (int i = 0; i < seen.length; i++) {
            seen[i] = SEEN.get(i);
        }
        return seen;
    }

    /** {@link #lockSeenInsideQsort} from a thread holding the lock, which must hold it again after. */
    private static boolean[] lockSeenInsideQsortHolding(MethodHandle qsort) throws Throwable {
        Gil.acquire();
        try {
            boolean[] seen = lockSeenInsideQsort(qsort);
            assertTrue(Gil.isHeldByCurrentThread(), "the lock must be held again after the call");
            return seen;
        } finally {
            Gil.release();
        }
    }

    private static void assertAll(boolean expected, boolean[] seen, String what) {
        for (boolean s : seen) {
            assertEquals(expected, s, what);
        }
    }

    @Test
    void releasedGivesTheLockUpForTheCallAndTakesItBack() throws Throwable {
        assertAll(false, lockSeenInsideQsortHolding(GilLinker.released(Libc.QSORT_PLAIN)),
                "inside a released call the thread must not hold the lock");
    }

    @Test
    void releasedNeedsTheLock() {
        MethodHandle qsort = GilLinker.released(Libc.QSORT_PLAIN);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lockSeenInsideQsort(qsort));
        assertTrue(e.getMessage().startsWith("a released downcall (GilLinker.released) in thread"),
                "the refusal names what the caller called: " + e.getMessage());
    }

    @Test
    void heldKeepsTheLockThroughTheCall() throws Throwable {
        assertAll(true, lockSeenInsideQsortHolding(GilLinker.held(Libc.QSORT_PLAIN)),
                "inside a held call the thread must hold the lock");
    }

    @Test
    void heldIsTheDowncallItselfOutsideCheckedMode() {
        assumeFalse(Gil.isChecked(), "checked mode wraps a held call in an owner check");
        assertSame(Libc.QSORT_PLAIN, GilLinker.held(Libc.QSORT_PLAIN), "a held call costs what a bare one does");
    }

    @Test
    void heldRefusesACallerWithoutTheLockInCheckedMode() {
        assumeTrue(Gil.isChecked(), "unchecked, a held call is not checked");
        MethodHandle qsort = GilLinker.held(Libc.QSORT_PLAIN);
        SEEN.clear();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lockSeenInsideQsort(qsort));
        assertTrue(SEEN.isEmpty(), "refused before the call");
        assertTrue(e.getMessage().contains("GilLinker.ensured"), "the message says what to do: " + e.getMessage());
        assertFalse(Gil.isHeldByCurrentThread());
    }

    @Test
    void ensuredTakesTheLockForACallerWithout() throws Throwable {
        MethodHandle qsort = GilLinker.ensured(Libc.QSORT_PLAIN);
        assertAll(true, lockSeenInsideQsort(qsort), "an ensured call runs holding the lock");
        assertFalse(Gil.isHeldByCurrentThread(), "and gives back what it took");
    }

    @Test
    void ensuredKeepsTheLockOfACallerWithIt() throws Throwable {
        assertAll(true, lockSeenInsideQsortHolding(GilLinker.ensured(Libc.QSORT_PLAIN)),
                "inside an ensured call the thread holds the lock");
    }

    @Test
    void autoReleasesFromTheThreshold() throws Throwable {
        // Expected cost: n microseconds, n being qsort's element count.
        MethodHandle cost = MethodHandles.dropArguments(
                MethodHandles.dropArguments(MethodHandles.identity(long.class), 1, long.class, MemorySegment.class),
                0, MemorySegment.class);
        cost = MethodHandles.filterReturnValue(cost, MethodHandles.insertArguments(
                Libc.method(Math.class, "multiplyExact", MethodType.methodType(long.class, long.class, long.class)),
                1, 1000L));
        MethodHandle cheap = GilLinker.auto(Libc.QSORT_PLAIN, cost, 4_000); // 3 us < 4 us: held
        MethodHandle dear = GilLinker.auto(Libc.QSORT_PLAIN, cost, 3_000); // 3 us >= 3 us: released
        Gil.acquire();
        try {
            assertAll(true, lockSeenInsideQsort(cheap), "below the threshold auto keeps the lock");
            assertAll(false, lockSeenInsideQsort(dear), "from the threshold auto gives it up");
        } finally {
            Gil.release();
        }
        assertThrows(IllegalArgumentException.class, () -> GilLinker.auto(Libc.QSORT_PLAIN,
                MethodHandles.constant(long.class, 1L)));
    }

    /**
     * Thread A, holding the lock, sleeps in a released call that can end only when its stop flag
     * is raised. This thread can take the lock only because A gave it up, and raises A's flag from
     * inside a released call of its own: the two calls are open at the same time. Had either
     * wrapper kept the lock, this would wait forever.
     */
    @Test
    void releasedCallsOfTwoThreadsOverlap() throws Throwable {
        MethodHandle sleep = GilLinker.released(FfmKernels.downcall("jgil_k_sleep",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS)));
        MethodHandle requestStop = GilLinker.released(FfmKernels.downcall("jgil_k_request_stop",
                FunctionDescriptor.ofVoid(ADDRESS)));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment stop = arena.allocate(JAVA_INT);
            CountDownLatch holding = new CountDownLatch(1);
            AtomicInteger status = new AtomicInteger(42);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread a = new Thread(() -> {
                Gil.acquire();
                try {
                    holding.countDown();
                    status.set((int) sleep.invokeExact(3_600_000_000L, stop));
                } catch (Throwable t) {
                    failure.set(t);
                } finally {
                    Gil.release();
                }
            }, "sleeper");
            a.start();
            holding.await();
            Gil.acquire(); // A gave the lock up: it is in its released call
            try {
                requestStop.invokeExact(stop);
            } finally {
                Gil.release();
            }
            a.join();
            if (failure.get() != null) {
                throw failure.get();
            }
            assertEquals(-1, status.get(), "the sleep must have been stopped, not finished");
        }
    }

    /** The kernel jgil_k_sleep, cancellable through its stop flag (argument 1). */
    private static MethodHandle cancellableSleep() {
        return GilLinker.cancellable(FfmKernels.downcall("jgil_k_sleep",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS)), Native.find("jgil_k_request_stop"), 1);
    }

    /** What a released {@code sleep(micros, stop)} returned when interrupted, and whether its thread stayed so. */
    private record Interrupted(int status, boolean stillInterrupted) {}

    private static Interrupted interruptDuring(MethodHandle sleep, long micros, MemorySegment stop)
            throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        AtomicInteger status = new AtomicInteger(42);
        AtomicReference<Boolean> interrupted = new AtomicReference<>();
        Thread a = new Thread(() -> {
            Gil.acquire();
            try {
                holding.countDown();
                status.set((int) sleep.invokeExact(micros, stop));
                interrupted.set(Thread.currentThread().isInterrupted());
            } catch (Throwable t) {
                throw new AssertionError(t);
            } finally {
                Gil.release();
            }
        }, "cancellable sleeper");
        a.start();
        holding.await();
        Gil.acquire(); // A is inside its call
        Gil.release();
        a.interrupt();
        a.join();
        return new Interrupted(status.get(), Boolean.TRUE.equals(interrupted.get()));
    }

    /**
     * A kernel's stop flag may be NULL (the call need not stop early); the watcher still calls
     * the unblocking function with it on an interrupt, and jgil_k_request_stop(NULL) used to
     * crash the JVM (SIGSEGV in the cancel watcher).
     */
    @Test
    void anInterruptWithoutAStopFlagLetsTheCallFinish() throws Throwable {
        assertEquals(0, interruptDuring(cancellableSleep(), 300_000L, MemorySegment.NULL).status(),
                "nothing could stop it: it ran to the end");
    }

    @Test
    void cancellableStopsOnInterrupt() throws Throwable {
        try (Arena arena = Arena.ofShared()) {
            Interrupted r = interruptDuring(cancellableSleep(), 3_600_000_000L, arena.allocate(JAVA_INT));
            assertEquals(-1, r.status(), "the interrupt must have stopped the call through its flag");
            assertTrue(r.stillInterrupted(), "the thread stays interrupted");
        }
        assertThrows(IllegalArgumentException.class, () -> GilLinker.cancellable(Libc.QSORT_PLAIN,
                Native.find("jgil_k_request_stop"), 1), "argument 1 of qsort is a size, not an address");
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> GilLinker.cancellable(Libc.QSORT_PLAIN, MemorySegment.NULL, 0));
        assertTrue(none.getMessage().contains("jgil_k_request_stop"), "an interrupt could not stop it: "
                + none.getMessage());
    }

    @Test
    void upcallStubsCheckTheirTargetAgainstTheDescriptor() {
        MethodHandle wrongType = Libc.method(GilLinkerTest.class, "countIfHeld",
                MethodType.methodType(void.class, AtomicInteger.class));
        try (Arena arena = Arena.ofConfined()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GilLinker.upcallStub(wrongType, Libc.COMPARATOR, arena));
            assertTrue(e.getMessage().contains("(MemorySegment,MemorySegment)int"), e.getMessage());
            MethodHandle cmp = Libc.method(Libc.class, "compareInts", Libc.comparatorType());
            assertThrows(NullPointerException.class, () -> GilLinker.upcallStub(cmp, Libc.COMPARATOR, null));
            assertThrows(NullPointerException.class, () -> GilLinker.upcallStub(cmp, null, arena));
        }
    }

    @Test
    void criticalCallsAreNeverReleased() {
        MethodHandle critical = GilLinker.heldCritical(Native.LIBJGIL, "jgil_k_sum",
                FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_DOUBLE, ADDRESS, JAVA_LONG));
        assertThrows(IllegalArgumentException.class, () -> GilLinker.released(critical));
        assertThrows(IllegalArgumentException.class, () -> GilLinker.released(GilLinker.held(critical)),
                "held again (checked mode wraps it once more) it is still critical");
        assertThrows(IllegalArgumentException.class, () -> GilLinker.auto(critical,
                MethodHandles.dropArguments(MethodHandles.constant(long.class, 1L), 0, MemorySegment.class,
                        long.class)));
        assertThrows(IllegalArgumentException.class, () -> GilLinker.cancellable(critical,
                Native.find("jgil_k_request_stop"), 0));
    }

    @Test
    void heldCriticalPassesHeapArrays() throws Throwable {
        MethodHandle sum = GilLinker.heldCritical(Native.LIBJGIL, "jgil_k_sum",
                FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_DOUBLE, ADDRESS, JAVA_LONG));
        double[] x = {1, 2, 3, 4.5};
        Gil.acquire();
        try {
            assertEquals(10.5, (double) sum.invokeExact(MemorySegment.ofArray(x), 4L));
        } finally {
            Gil.release();
        }
    }

    // ---- upcalls ----

    private static final AtomicInteger UPCALLS = new AtomicInteger();
    private static final List<Boolean> UPCALL_HELD = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final List<Thread> UPCALL_THREADS = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static int unguarded;

    /** A native thread's body: counts with a plain read-modify-write that only the lock makes safe. */
    static MemorySegment threadBody(MemorySegment arg) {
        UPCALL_HELD.add(Gil.isHeldByCurrentThread());
        UPCALL_THREADS.add(Thread.currentThread());
        for (int i = 0; i < 20_000; i++) {
            unguarded++;
            if ((i & 1023) == 0) {
                Gil.checkpoint(); // let the other native threads in, as managed code would
            }
        }
        UPCALLS.incrementAndGet();
        return MemorySegment.NULL;
    }

    @Test
    void upcallsFromNativeThreadsHoldTheLock() throws Throwable {
        MethodHandle create = GilLinker.held(Libc.PTHREAD_CREATE_PLAIN);
        // Waiting for them must not hold the lock they need.
        MethodHandle join = GilLinker.released(Libc.PTHREAD_JOIN_PLAIN);
        UPCALLS.set(0);
        UPCALL_HELD.clear();
        UPCALL_THREADS.clear();
        unguarded = 0;
        int threads = 4;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment body = GilLinker.upcallStub(Libc.method(GilLinkerTest.class, "threadBody",
                    MethodType.methodType(MemorySegment.class, MemorySegment.class)), Libc.THREAD_BODY, arena);
            MemorySegment ids = arena.allocate(JAVA_LONG, threads);
            Gil.acquire();
            try {
                for (int i = 0; i < threads; i++) {
                    assertEquals(0, (int) create.invokeExact(ids.asSlice(8L * i, 8), MemorySegment.NULL, body,
                            MemorySegment.NULL));
                }
                for (int i = 0; i < threads; i++) {
                    assertEquals(0, (int) join.invokeExact(ids.getAtIndex(JAVA_LONG, i), MemorySegment.NULL));
                }
                assertTrue(Gil.isHeldByCurrentThread());
            } finally {
                Gil.release();
            }
        }
        assertEquals(threads, UPCALLS.get());
        assertEquals(List.of(true, true, true, true), UPCALL_HELD, "every upcall runs holding the lock");
        for (Thread t : UPCALL_THREADS) {
            assertNotSame(Thread.currentThread(), t, "the callbacks ran on the native threads");
        }
        assertEquals(threads * 20_000, unguarded, "the lock serialized the callbacks' managed code");
    }

    @Test
    void upcallFromAReleasedCallTakesTheLockAndGivesItBack() throws Throwable {
        MethodHandle qsort = GilLinker.released(Libc.QSORT_PLAIN);
        AtomicInteger heldInside = new AtomicInteger();
        MethodHandle cmp = MethodHandles.foldArguments(
                Libc.method(Libc.class, "compareInts", Libc.comparatorType()),
                MethodHandles.dropArguments(MethodHandles.insertArguments(Libc.method(GilLinkerTest.class,
                        "countIfHeld", MethodType.methodType(void.class, AtomicInteger.class)), 0, heldInside),
                        0, MemorySegment.class, MemorySegment.class));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stub = GilLinker.upcallStub(cmp, Libc.COMPARATOR, arena);
            MemorySegment ints = arena.allocateFrom(JAVA_INT, 5, 4, 3, 2, 1);
            Gil.acquire();
            try {
                qsort.invokeExact(ints, 5L, 4L, stub);
                assertTrue(Gil.isHeldByCurrentThread());
            } finally {
                Gil.release();
            }
            assertEquals(1, ints.getAtIndex(JAVA_INT, 0));
        }
        assertTrue(heldInside.get() > 0, "every comparison ran holding the lock");
    }

    static void countIfHeld(AtomicInteger counter) {
        if (!Gil.isHeldByCurrentThread()) {
            throw new AssertionError("an upcall stub ran without the lock");
        }
        counter.incrementAndGet();
    }

    static int throwingComparator(MemorySegment a, MemorySegment b) {
        throw new IllegalStateException("thrown by a comparator");
    }

    @Test
    void anUpcallsExceptionGoesToTheUncaughtHandlerNotIntoNativeCode() throws Throwable {
        AtomicReference<Throwable> caught = new AtomicReference<>();
        Thread self = Thread.currentThread();
        Thread.UncaughtExceptionHandler previous = self.getUncaughtExceptionHandler();
        self.setUncaughtExceptionHandler((t, e) -> caught.compareAndSet(null, e));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stub = GilLinker.upcallStub(Libc.method(GilLinkerTest.class, "throwingComparator",
                    Libc.comparatorType()), Libc.COMPARATOR, arena);
            MemorySegment ints = arena.allocateFrom(JAVA_INT, 2, 1);
            Libc.QSORT_PLAIN.invokeExact(ints, 2L, 4L, stub); // made without the lock: the upcall takes it
        } finally {
            self.setUncaughtExceptionHandler(previous);
        }
        assertTrue(caught.get() instanceof IllegalStateException, "got " + caught.get());
        assertFalse(Gil.isHeldByCurrentThread(), "the lock the upcall took is given back");
    }

    @Test
    void releasedCallsAreJfrReleasedSections() throws Throwable {
        MethodHandle qsort = GilLinker.released(Libc.QSORT_PLAIN);
        Path file = Files.createTempFile("jgil-ffm-", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("org.jgil.Released").withoutThreshold();
            recording.start();
            Gil.acquire();
            try {
                lockSeenInsideQsort(qsort);
            } finally {
                Gil.release();
            }
            recording.stop();
            recording.dump(file);
            List<RecordedEvent> events = RecordingFile.readAllEvents(file);
            long mine = events.stream().filter(e -> e.getEventType().getName().equals("org.jgil.Released"))
                    .filter(e -> e.getThread() != null
                            && e.getThread().getJavaThreadId() == Thread.currentThread().threadId())
                    .count();
            assertEquals(1L, mine, "one released section for one released call");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
