package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.jgil.probe.NativeProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Virtual threads hold, wait for, and give up the lock with a platform thread's guarantees. Needs
 * JDK 21+; on an older JDK every test is skipped, with a line saying so. The build runs the suite
 * once more on a JDK 25 where the machine has one.
 */
@Timeout(120)
class VirtualThreadTest {
    private static final Duration SLEEP = Duration.ofMillis(20);

    @BeforeAll
    static void needsVirtualThreads() {
        if (!ThreadIdentity.virtualThreadsExist()) {
            System.err.println("VirtualThreadTest: skipped, Java " + Runtime.version().feature()
                    + " has no virtual threads (JDK 21+ runs these tests)");
        }
        assumeTrue(ThreadIdentity.virtualThreadsExist(), "virtual threads need JDK 21+");
    }

    @AfterEach
    void restore() {
        Gil.setSwitchInterval(Scheduler.DEFAULT_SWITCH_INTERVAL);
        Gil.setPolicy("cpython");
    }

    /** Starts {@code action} on a new virtual thread (through reflection: the tests build for Java 17). */
    static Thread startVirtual(Runnable action) {
        try {
            return (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null, action);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs each action on a thread of its own, virtual or platform, and rethrows the first failure. */
    private static void runAll(List<Runnable> actions, boolean[] virtual) throws Exception {
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            Runnable action = actions.get(i);
            Runnable guarded = () -> {
                try {
                    action.run();
                } catch (Throwable e) {
                    failures.add(e);
                }
            };
            threads.add(virtual[i] ? startVirtual(guarded) : startPlatform(guarded));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError(failures.size() + " thread(s) failed");
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }

    private static Thread startPlatform(Runnable action) {
        Thread t = new Thread(action, "vt-test-platform");
        t.start();
        return t;
    }

    private static boolean[] all(int n, boolean virtual) {
        boolean[] kinds = new boolean[n];
        java.util.Arrays.fill(kinds, virtual);
        return kinds;
    }

    /** Managed code that sleeps: counts how many threads are inside at once. */
    private static Runnable sleeper(AtomicInteger inside, AtomicInteger maxInside, int rounds) {
        return () -> {
            for (int r = 0; r < rounds; r++) {
                Gil.run(() -> {
                    maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(SLEEP.toMillis()); // far past a switch interval: waiters judge the owner
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    } finally {
                        inside.decrementAndGet();
                    }
                });
            }
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpython", "legacy", "fifo", "io-priority"})
    void virtualThreadsSleepingInsideTheLockNeverOverlap(String policy) throws Exception {
        Gil.setPolicy(policy);
        Gil.setSwitchInterval(Duration.ofMillis(1));
        Gil.resetStats();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        // More threads than carriers: a waiter that held its carrier would starve the sleeping holder.
        int n = Math.max(8, 2 * Runtime.getRuntime().availableProcessors() + 2);
        List<Runnable> actions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            actions.add(sleeper(inside, maxInside, 3));
        }
        runAll(actions, all(n, true));
        assertEquals(1, maxInside.get(), "threads in managed code at once");
        assertEquals(0, Gil.stats().deadOwnersRecovered(), "a live virtual owner was judged dead");
        assertEquals(0, LockWord.ownerNow(), "the lock is free afterwards");
    }

    @Test
    void virtualAndPlatformThreadsMixed() throws Exception {
        Gil.setSwitchInterval(Duration.ofMillis(1));
        Gil.resetStats();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        long[] counter = new long[1]; // managed state: plain, guarded by the lock alone
        int n = 8;
        List<Runnable> actions = new ArrayList<>();
        boolean[] kinds = new boolean[n];
        for (int i = 0; i < n; i++) {
            kinds[i] = i % 2 == 0;
            Runnable sleeper = sleeper(inside, maxInside, 2);
            actions.add(() -> {
                sleeper.run();
                for (int k = 0; k < 20_000; k++) {
                    Gil.run(() -> counter[0]++);
                    if (k % 1000 == 0) {
                        Gil.run(Gil::checkpoint);
                    }
                }
            });
        }
        runAll(actions, kinds);
        assertEquals(1, maxInside.get());
        assertEquals(n * 20_000L, Gil.call(() -> counter[0]), "lost updates");
        assertEquals(0, Gil.stats().deadOwnersRecovered());
    }

    @Test
    void virtualThreadsGiveTheLockUpAroundJavaWork() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        AtomicInteger released = new AtomicInteger();
        AtomicInteger maxReleased = new AtomicInteger();
        int n = 8;
        CountDownLatch allReleased = new CountDownLatch(n);
        List<Runnable> actions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            actions.add(() -> Gil.run(() -> {
                maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                inside.decrementAndGet();
                try (Released nogil = Gil.allowThreads()) {
                    assertFalse(Gil.isHeldByCurrentThread());
                    maxReleased.accumulateAndGet(released.incrementAndGet(), Math::max);
                    allReleased.countDown();
                    allReleased.await(); // all n are in their released sections at once
                    released.decrementAndGet();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                assertTrue(Gil.isHeldByCurrentThread());
                maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                inside.decrementAndGet();
            }));
        }
        runAll(actions, all(n, true));
        assertEquals(1, maxInside.get());
        assertEquals(n, maxReleased.get(), "released sections run in parallel");
    }

    @Test
    void ensureNestsAndAcquireRefusesReentryOnVirtualThreads() throws Exception {
        runAll(List.of(() -> {
            try (Ensured outer = Gil.ensure(); Ensured inner = Gil.ensure()) {
                assertTrue(outer.acquired());
                assertFalse(inner.acquired());
                assertTrue(Gil.isHeldByCurrentThread());
                IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
                        IllegalStateException.class, Gil::acquire);
                assertTrue(e.getMessage().contains("already holds"), e.getMessage());
            }
            assertFalse(Gil.isHeldByCurrentThread());
        }), all(1, true));
    }

    @Test
    void aVirtualThreadThatEndsHoldingTheLockIsFoundDead() throws Exception {
        Gil.resetStats();
        Thread careless = startVirtual(Gil::acquire);
        careless.join();
        assertTrue(LockWord.ownerNow() != 0, "the ended thread still holds the lock");
        Gil.run(() -> assertTrue(Gil.isHeldByCurrentThread()));
        assertEquals(1, Gil.stats().deadOwnersRecovered());
    }

    @Test
    void virtualIdentitiesCarryTheirBitAndPlatformOnesDoNot() throws Exception {
        long[] ids = new long[2];
        Thread v = startVirtual(() -> ids[0] = Gil.currentThreadId());
        v.join();
        assertEquals(LockWord.VIRTUAL, ids[0] & LockWord.VIRTUAL);
        assertEquals(v.getId(), ids[0] & ~LockWord.VIRTUAL);
        assertEquals(0, Gil.currentThreadId() & LockWord.VIRTUAL);
        assertEquals(Thread.currentThread().getId(), Gil.currentThreadId());
    }

    /**
     * Released native kernels from virtual threads: the native per-thread slot belongs to the
     * carrier, so a virtual thread's sections must be judged in Java every time.
     */
    @Test
    void virtualThreadsCallReleasedNativeKernels() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        int n = 8;
        List<Runnable> actions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            actions.add(() -> {
                for (int r = 0; r < 50; r++) {
                    Gil.run(() -> {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        inside.decrementAndGet();
                        NativeProbe.spin(200_000, true, null);
                        NativeProbe.noopReleased();
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        inside.decrementAndGet();
                    });
                }
            });
        }
        boolean[] kinds = all(n, true);
        kinds[0] = false; // one platform thread among them shares the carriers' fast paths
        runAll(actions, kinds);
        assertEquals(1, maxInside.get());
        assertEquals(0, LockWord.ownerNow());
    }
}
