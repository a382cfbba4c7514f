package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The spin before parking ({@link Spin}): its budget adapts within its bounds, it is refused where
 * spinning cannot pay, and a waiter that spins is a waiter like any other (the holder's release
 * reaches it, the statistics count it, the queue policies keep their order).
 */
@Timeout(60)
class SpinTest {
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    @AfterEach
    void restore() {
        Gil.setPolicy("cpython");
        Gil.setSwitchInterval(Duration.ofMillis(5));
    }

    @Test
    void theBudgetGrowsWhenSpinningPaysAndShrinksWhenItDoesNot() {
        Spin spin = new Spin(true);
        long start = spin.budgetNanos();
        spin.succeeded();
        assertTrue(spin.budgetNanos() > start, "a spin that got the lock lengthens the next");
        for (int i = 0; i < 100; i++) {
            spin.succeeded();
        }
        assertEquals(Spin.MAX_NANOS, spin.budgetNanos());
        spin.failed();
        assertEquals(Spin.MAX_NANOS / 2, spin.budgetNanos(), "a spin that parked anyway halves the next");
        for (int i = 0; i < 100; i++) {
            spin.failed();
        }
        assertEquals(Spin.MIN_NANOS, spin.budgetNanos(), "a floor: a probe keeps noticing a change of workload");
        assertEquals(500, spin.budget(500), "never beyond the cap the caller gives (its switch interval)");
    }

    @Test
    void nobodySpinsWhereItCannotPay() {
        assertFalse(new Spin(false).allowed(1, 0), "-Djgil.spin=off");
        assertFalse(new Spin(true).allowed(1 | LockWord.VIRTUAL, 0), "a virtual thread would hold its carrier");
        assertFalse(new Spin(true).allowed(1, CORES - 1), "as many other waiters as cores beside the holder's");
        assertEquals(CORES > 1, new Spin(true).allowed(1, 0), "a lone waiter spins where there is a core for it");
    }

    /**
     * A waiter that arrives while the lock is held spins (the statistics count it) and is served by the
     * holder's release, whether its spin was still running or it had parked.
     */
    @ParameterizedTest
    @ValueSource(strings = {"cpython", "fifo", "io-priority"})
    void aSpinningWaiterIsServedByTheRelease(String policy) throws Exception {
        assumeTrue(CORES > 1, "one core: nobody spins");
        Gil.setPolicy(policy);
        for (long holdNanos : new long[] {2_000, 2_000_000}) { // within the budget, then well past it
            Gil.resetStats();
            CountDownLatch queued = new CountDownLatch(1);
            AtomicLong got = new AtomicLong();
            Gil.acquire();
            Thread waiter = new Thread(() -> {
                queued.countDown();
                Gil.acquire();
                got.set(System.nanoTime());
                Gil.release();
            }, "spin-waiter");
            try {
                waiter.start();
                queued.await();
                while ((LockWord.get() & LockWord.WAITERS) == 0) {
                    Thread.onSpinWait(); // the waiter is registered: the release must go to the scheduler
                }
                long until = System.nanoTime() + holdNanos;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            } finally {
                Gil.release();
            }
            waiter.join();
            assertTrue(got.get() != 0, "the waiter got the lock");
            GilStats s = Gil.stats();
            assertEquals(1, s.waits(), policy + ": " + s);
            assertEquals(1, s.spins(), policy + ": the waiter spun before parking: " + s);
            assertTrue(s.spinsAcquired() <= 1 && s.spinNanos() > 0, policy + ": " + s);
        }
    }
}
