package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jgil.probe.NativeProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every locking policy must guarantee, and what each one is for. */
@Timeout(120)
class PolicyTest {
    @AfterEach
    void backToDefault() {
        Gil.setPolicy("cpython");
    }

    private int counter;

    /**
     * io-priority: the holder yields at a checkpoint to a thread coming back from a released
     * section, which gives the lock back at once on its fast path. The holder must get it back
     * then, not after a switch interval (set to a minute here).
     */
    @Test
    @Timeout(value = 30, unit = java.util.concurrent.TimeUnit.SECONDS)
    void aHolderThatYieldsGetsTheLockBackWhenTheNextOwnerReleasesAtOnce() throws Exception {
        Gil.setPolicy("io-priority");
        Gil.setSwitchInterval(java.time.Duration.ofMinutes(1));
        try {
            for (int round = 0; round < 100; round++) {
                CountDownLatch released = new CountDownLatch(1);
                CountDownLatch holderHasIt = new CountDownLatch(1);
                Thread returning = new Thread(() -> {
                    Gil.acquire();
                    Released nogil = Gil.allowThreads();
                    released.countDown();
                    awaitQuietly(holderHasIt);
                    nogil.close(); // back with priority: asks the holder to yield at once
                    Gil.release(); // ...and gives the lock straight back
                }, "returning-" + round);
                returning.start();
                released.await();
                Gil.acquire();
                holderHasIt.countDown();
                long until = System.nanoTime() + 20_000_000_000L;
                while (returning.isAlive() && System.nanoTime() < until) {
                    Gil.checkpoint(); // yields once the returning thread asks, then re-takes
                }
                Gil.release();
                returning.join();
            }
        } finally {
            Gil.setSwitchInterval(java.time.Duration.ofMillis(5));
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpython", "legacy", "fifo", "io-priority"})
    void everyLockingPolicySerializesManagedCode(String policy) throws Exception {
        Gil.setPolicy(policy);
        assertEquals(policy, Gil.policy());
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        counter = 0;
        int threads = 6;
        int rounds = 4000;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(new Thread(() -> {
                for (int i = 0; i < rounds; i++) {
                    Gil.run(() -> {
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        counter++;
                        inside.decrementAndGet();
                        Gil.checkpoint(); // may hand the lock over: a section boundary
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        counter++;
                        inside.decrementAndGet();
                        if (counter % 7 == 0) {
                            NativeProbe.spin(1_000, true, null);
                        }
                    });
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread w : workers) {
            w.join();
        }
        assertEquals(1, most.get(), policy + ": managed sections overlapped");
        assertEquals(2 * threads * rounds, counter, policy + ": lost updates");
        assertFalse(Gil.isHeldByCurrentThread());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpython", "legacy", "fifo", "io-priority"})
    void aPlainCounterStaysExactWithoutCheckpointsInside(String policy) throws Exception {
        Gil.setPolicy(policy);
        counter = 0;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            workers.add(new Thread(() -> {
                for (int i = 0; i < 5000; i++) {
                    Gil.run(() -> counter++);
                    Gil.run(Gil::checkpoint);
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread w : workers) {
            w.join();
        }
        assertEquals(4 * 5000, counter, policy + ": lost updates");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpython", "fifo", "io-priority"})
    void checkpointHandsTheLockToAWaiter(String policy) throws Exception {
        Gil.setPolicy(policy);
        AtomicBoolean waiterRan = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            started.countDown();
            Gil.run(() -> waiterRan.set(true));
        });
        Gil.acquire();
        try {
            waiter.start();
            started.await();
            CheckpointTest.waitUntil(LockWord::dropRequested);
            Gil.checkpoint();
            CheckpointTest.waitUntil(waiterRan::get); // handed over, then given back to us
            assertTrue(Gil.isHeldByCurrentThread());
        } finally {
            Gil.release();
        }
        waiter.join();
        assertTrue(Gil.stats().forcedSwitches() >= 1, Gil.stats().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpython", "legacy", "fifo", "io-priority"})
    void aDeadOwnerIsRecoveredUnderEveryPolicy(String policy) throws Exception {
        Gil.setPolicy(policy);
        Thread careless = new Thread(Gil::acquire);
        careless.start();
        careless.join();
        Gil.run(() -> assertTrue(Gil.isHeldByCurrentThread()));
        assertEquals(1, Gil.stats().deadOwnersRecovered());
    }

    @Test
    void noneRunsManagedCodeWithoutALock() throws Exception {
        Gil.setPolicy("none");
        CountDownLatch bothInside = new CountDownLatch(2);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            workers.add(new Thread(() -> Gil.run(() -> {
                assertTrue(Gil.isHeldByCurrentThread());
                bothInside.countDown();
                try {
                    bothInside.await(); // both in "managed" code at once: impossible under a lock
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                NativeProbe.noopReleased();
            })));
        }
        workers.forEach(Thread::start);
        for (Thread w : workers) {
            w.join();
        }
        assertEquals(0, bothInside.getCount());
    }

    @Test
    void policiesChangeOnlyWhileTheLockIsIdle() {
        Gil.acquire();
        try {
            assertThrows(IllegalStateException.class, () -> Gil.setPolicy("fifo"));
        } finally {
            Gil.release();
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gil.setPolicy("bogus"));
        assertTrue(e.getMessage().contains("valid: cpython, legacy, fifo, io-priority, none"), e.getMessage());
    }
}
