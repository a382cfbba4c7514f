package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jgil.probe.NativeProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast paths without atomics (the design note in {@code jgil_runtime.c}): a released section leaves
 * the lock reserved for its thread, yet any other thread can take it; each fast path keeps managed
 * sections apart and loses no count. Runs outside checked mode, which would send every release
 * through Java and never reserve.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ReservationTest {
    private boolean wasChecked;
    private String wasMode;

    @BeforeEach
    void fastPathsOn() throws InterruptedException {
        wasChecked = LockWord.checked();
        wasMode = LockWord.MODES.get(LockWord.mode());
        LockWord.setChecked(false);
        Gil.setFastPath("reserve");
        // Contention in an earlier test keeps releases on a CAS until one of them, a millisecond
        // after the last waiter, visits the scheduler (one in 256 does).
        for (int i = 0; i < 100_000 && LockWord.waiting(); i++) {
            Gil.acquire();
            Gil.release();
            if (i % 200 == 0) {
                Thread.sleep(2);
            }
        }
        assertTrue(!LockWord.waiting(), () -> "'waiting' was lowered after the contention of earlier tests: "
                + LockWord.describe() + ", policy " + Gil.policy());
    }

    @AfterEach
    void restore() {
        Gil.setFastPath(wasMode);
        LockWord.setChecked(wasChecked);
    }

    @Test
    void aThreadInsideAReleasedSectionDoesNotKeepOthersOut() throws Exception {
        String mode = Gil.setFastPath("reserve");
        long revokedBefore = GilRuntime.revocations();
        long[] section = new long[2];
        CountDownLatch holding = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                Gil.acquire();
                NativeProbe.noopReleased(); // a thread's first release tells the runtime its id
                holding.countDown();
                NativeProbe.spin(TimeUnit.MILLISECONDS.toNanos(400), true, section); // reserves, then spins
                assertTrue(Gil.isHeldByCurrentThread(), "END gives the lock back to its thread");
                Gil.release();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "reserver");
        worker.start();
        holding.await();
        while (LockWord.ownerNow() != 0) {
            Thread.onSpinWait(); // until the worker's BEGIN: a reserved lock counts as free
        }
        Gil.acquire(); // revokes the worker's reservation
        long tookIt = System.nanoTime();
        Gil.release();
        worker.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertTrue(tookIt >= section[0] && tookIt < section[1],
                "the lock was taken while the worker's released section ran");
        if (mode.equals("reserve")) {
            assertTrue(GilRuntime.revocations() > revokedBefore, "the reservation was revoked");
        }
        assertEquals(0, LockWord.ownerNow(), "the lock is free again");
    }

    @ParameterizedTest
    @ValueSource(strings = {"reserve", "plain", "fenced"})
    void everyFastPathKeepsManagedSectionsApart(String fastPath) throws Exception {
        Gil.setFastPath(fastPath);
        int threads = 4;
        int rounds = 20_000;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int[] counter = {0};
        List<Thread> workers = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        Gil.acquire();
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        counter[0]++;
                        inside.decrementAndGet();
                        if ((i + id) % 3 != 0) {
                            NativeProbe.noopReleased(); // reserve (or release) and re-take
                        }
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        counter[0]++;
                        inside.decrementAndGet();
                        Gil.release();
                        if (i % 1000 == 0) {
                            Thread.yield();
                        }
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "fastpath-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(0, overlaps.get(), "managed sections overlapped under fast path " + fastPath);
        Gil.acquire();
        try {
            assertEquals(2 * threads * rounds, counter[0], "increments lost under fast path " + fastPath);
        } finally {
            Gil.release();
        }
        if (!fastPath.equals("reserve")) { // reserve backs off to plain for a while, then comes back
            assertEquals(fastPath, LockWord.MODES.get(LockWord.mode()),
                    "the fast path selected is the fast path that stays");
        }
    }

    @Test
    void aRevokerNeverTakesTheLockFromAThreadThatIsRetakingIt() throws Exception {
        Gil.setFastPath("reserve");
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int[] fastRetakes = {0};
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int calls = 300;
        Thread reserver = new Thread(() -> {
            try {
                Gil.acquire();
                for (int i = 0; i < calls; i++) {
                    // Sections of 0-60 us, and a 100 us window between the look and the store.
                    fastRetakes[0] += BlockProbe.releasedWithStalledRetake(1_000L * (i % 4) * 20, 100_000);
                    if (inside.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    NativeProbe.spin(20_000, false, null); // managed work, holding the lock
                    inside.decrementAndGet();
                }
                Gil.release();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "stalled-reserver");
        reserver.start();
        // The revoker takes the lock the way a scheduler does (LockWord.get() revokes, then a CAS
        // from free), without queueing: a waiter would make the reserver's releases CAS instead.
        long me = Thread.currentThread().getId();
        long revoked = 0;
        while (reserver.isAlive()) {
            long word = LockWord.get();
            if (word == 0 && LockWord.compareAndSet(0, me)) {
                revoked++;
                if (inside.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                }
                NativeProbe.spin(5_000, false, null);
                inside.decrementAndGet();
                if (!LockWord.compareAndSet(me, 0)) {
                    Gil.scheduler().release(me); // the reserver queued meanwhile: hand over
                }
            }
            Thread.onSpinWait();
        }
        reserver.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(0, overlaps.get(), "a revoker took the lock from a thread that was re-taking it");
        // The revoker must have got in between the reserver's calls, or the test proved nothing.
        // (How often the reservation survived a revocation in its window varies with scheduling.)
        assertTrue(revoked > 0, "the revoker took the lock " + revoked + " times; the reserver kept its "
                + "reservation " + fastRetakes[0] + " of " + calls + " times");
    }

    @Test
    void unknownFastPathsAreRefusedWithTheValidNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gil.setFastPath("biased"));
        assertTrue(e.getMessage().contains("fenced, plain, reserve"), e.getMessage());
    }
}
