package org.jgil.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.Recording;
import org.jgil.Ensured;
import org.jgil.ForeignCalls;
import org.jgil.Gil;
import org.jgil.Released;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link GilLinker#released}'s release and re-take in libjgil ({@code jgil_ffm.c}): taken when
 * nobody waits, refused (so that Java's {@link Gil#allowThreads()} runs) for virtual threads and
 * JFR recordings, and, mixed with every other way in and out of the lock from many threads, never
 * letting two managed sections overlap.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReleasedFastPathTest {
    private static final String UNCHECKED = "checked mode sends every release to Java; the unchecked run (surefire "
            + "execution 'unchecked') tests the native path";
    private static final FunctionDescriptor SUM = FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, JAVA_LONG);
    private static final MethodHandle EMPTY_RELEASED = GilLinker.released(FfmKernels.downcall("jgil_k_sum", SUM));
    private static final MethodHandle EMPTY_HELD = GilLinker.held(FfmKernels.downcall("jgil_k_sum", SUM));
    private static final MethodHandle SPIN_RELEASED = GilLinker.released(FfmKernels.downcall("jgil_k_spin",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS)));

    @Test
    void anUncontendedReleaseAndRetakeRunInLibjgil() throws Throwable {
        assumeFalse(Gil.isChecked(), UNCHECKED);
        Gil.acquire();
        try {
            long tid = ForeignCalls.fastIdentity();
            assertNotEquals(0L, tid, "a platform thread with no JFR recording may release natively");
            assertEquals(tid, fastRelease(tid), "nobody waits: libjgil gives the lock up (membarrier(2) missing? "
                    + "then every release is a CAS, and this fast path stays off)");
            assertFalse(Gil.isHeldByCurrentThread(), "released");
            assertEquals(1, (int) Native.RETAKE.invokeExact(tid), "nobody took it: libjgil takes it back");
            assertTrue(Gil.isHeldByCurrentThread(), "taken back");
        } finally {
            Gil.release();
        }
    }

    /**
     * {@code jgil_ffm_release(tid)} once it applies. After contention (an earlier test's) releases
     * use a CAS, through Java here, until one of them finds nobody waited for a millisecond.
     */
    private static long fastRelease(long tid) throws Throwable {
        for (int i = 1; i <= 20_000; i++) {
            long saved = (long) Native.RELEASE.invokeExact(tid);
            if (saved != 0) {
                return saved;
            }
            double sum = (double) EMPTY_RELEASED.invokeExact(MemorySegment.NULL, 0L);
            if (i % 256 == 0) {
                Thread.sleep(2);
            }
        }
        return 0;
    }

    @Test
    void aThreadWithoutTheLockIsRefusedAndChangesNothing() throws Throwable {
        long tid = ForeignCalls.fastIdentity();
        assertEquals(0L, (long) Native.RELEASE.invokeExact(tid));
        assertFalse(Gil.isHeldByCurrentThread());
        Gil.acquire(); // and the lock is not left taken
        Gil.release();
    }

    @Test
    void aLockTakenMeanwhileIsWaitedForInJava() throws Throwable {
        assumeFalse(Gil.isChecked(), UNCHECKED);
        Gil.acquire();
        try {
            long tid = ForeignCalls.fastIdentity();
            assertEquals(tid, fastRelease(tid));
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch holding = new CountDownLatch(1);
            Thread other = new Thread(() -> {
                try {
                    Gil.acquire(); // revokes the reservation
                    holding.countDown();
                    Thread.sleep(50);
                    Gil.release();
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            other.start();
            holding.await();
            assertEquals(0, (int) Native.RETAKE.invokeExact(tid), "the other thread holds the lock");
            ForeignCalls.retake(tid); // waits for it
            assertTrue(Gil.isHeldByCurrentThread());
            other.join();
            assertNull(failure.get());
        } finally {
            Gil.release();
        }
    }

    @Test
    void checkedModeSendsEveryReleaseToJava() throws Throwable {
        assumeTrue(Gil.isChecked(), "the checked run tests this");
        Gil.acquire();
        try {
            assertEquals(0L, (long) Native.RELEASE.invokeExact(ForeignCalls.fastIdentity()));
            assertTrue(Gil.isHeldByCurrentThread(), "refused: nothing changed");
        } finally {
            Gil.release();
        }
    }

    @Test
    void virtualThreadsAndJfrRecordingsGoThroughJava() throws Throwable {
        AtomicReference<Long> virtual = new AtomicReference<>();
        Thread.ofVirtual().start(() -> virtual.set(ForeignCalls.fastIdentity())).join();
        assertEquals(0L, virtual.get(), "a virtual thread has no identity the native side may keep");
        try (Recording recording = new Recording()) {
            recording.enable("org.jgil.Released").withoutThreshold();
            recording.start();
            assertEquals(0L, ForeignCalls.fastIdentity(), "only Java emits org.jgil.Released events");
        }
        assertNotEquals(0L, ForeignCalls.fastIdentity(), "once the recording is gone, natively again");
    }

    // ---- many threads ----

    private static final int THREADS = 6;
    private static final int VIRTUAL_THREADS = 2;
    private static final int ROUNDS = 2_000;
    private static final int SECTIONS_PER_ROUND = 9; // kinds 0..4 below make 1 + 3 + 2 + 2 + 1 sections

    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger mostInside = new AtomicInteger();
    private int counter; // plain field: only the lock keeps it exact

    private void managedSection() {
        int now = inside.incrementAndGet();
        mostInside.accumulateAndGet(now, Math::max);
        int read = counter;
        Thread.onSpinWait(); // widen the window between read and write
        counter = read + 1;
        inside.decrementAndGet();
    }

    /** Every way into managed code mixed with released and held FFM calls: one to three sections each. */
    private void sectionsOfKind(int kind, MemorySegment result) throws Throwable {
        switch (kind) {
            case 0 -> Gil.run(this::managedSection);
            case 1 -> {
                Gil.acquire();
                try {
                    managedSection();
                    double sum = (double) EMPTY_RELEASED.invokeExact(MemorySegment.NULL, 0L);
                    managedSection();
                    Gil.checkpoint();
                    int status = (int) SPIN_RELEASED.invokeExact(200L, 7L, result, MemorySegment.NULL);
                    assertEquals(0.0, sum + status);
                    managedSection();
                } finally {
                    Gil.release();
                }
            }
            case 2 -> Gil.run(() -> {
                managedSection();
                try (Released nogil = Gil.allowThreads()) {
                    Thread.onSpinWait();
                }
                managedSection();
            });
            case 3 -> {
                try (Ensured gil = Gil.ensure()) {
                    managedSection();
                    double sum = (double) EMPTY_HELD.invokeExact(MemorySegment.NULL, 0L);
                    sum += (double) EMPTY_RELEASED.invokeExact(MemorySegment.NULL, 0L);
                    assertEquals(0.0, sum);
                    managedSection();
                }
            }
            default -> {
                Gil.acquire();
                try {
                    double sum = (double) EMPTY_RELEASED.invokeExact(MemorySegment.NULL, 0L);
                    managedSection();
                    assertEquals(0.0, sum);
                } finally {
                    Gil.release();
                }
            }
        }
    }

    @Test
    void releasedCallsFromManyThreadsNeverLetManagedSectionsOverlap() throws Throwable {
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < THREADS + VIRTUAL_THREADS; t++) {
            int id = t;
            Runnable body = () -> {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment result = arena.allocate(JAVA_LONG);
                    for (int i = 0; i < ROUNDS; i++) {
                        for (int kind = 0; kind < 5; kind++) {
                            sectionsOfKind((kind + id) % 5, result);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            };
            threads.add(t < THREADS ? new Thread(body, "ffm-" + t)
                    : Thread.ofVirtual().name("ffm-v" + t).unstarted(body));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        assertEquals(1, mostInside.get(), "managed sections overlapped");
        assertEquals((THREADS + VIRTUAL_THREADS) * ROUNDS * SECTIONS_PER_ROUND, counter,
                "a plain counter lost updates under the lock");
        assertFalse(Gil.isHeldByCurrentThread());
    }
}
