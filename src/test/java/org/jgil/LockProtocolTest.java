package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Interleavings of the lock protocol driven step by step, and the idle-lock changes of policy. */
@Timeout(60)
class LockProtocolTest {
    @AfterEach
    void restore() {
        Gil.setSwitchInterval(Scheduler.DEFAULT_SWITCH_INTERVAL);
        Gil.setPolicy("cpython");
    }

    private static void awaitState(Thread t, Thread.State state) throws InterruptedException {
        while (t.getState() != state) {
            Thread.sleep(1);
        }
    }

    /**
     * Holder H (this thread) reads {@code waiting == 0}; waiter W raises it and sets WAITERS; H's
     * plain store wipes the bit; T takes the free lock with a CAS; H sees {@code waiting}, and its
     * attempt to take the lock back fails. T's release must still reach the scheduler, else W
     * sleeps on while the lock is free.
     */
    @Test
    void aWaitersBitWipedByAPlainReleaseReachesTheThreadThatTookTheLock() throws Exception {
        Gil.setPolicy("cpython");
        Gil.setSwitchInterval(Duration.ofSeconds(30)); // W must not find the lock by timing out
        long h = Gil.currentThreadId();
        Gil.acquire();
        AtomicLong wGot = new AtomicLong();
        Thread w = new Thread(() -> {
            Gil.acquire();
            wGot.set(System.nanoTime());
            Gil.release();
        }, "W");
        w.start();
        awaitState(w, Thread.State.TIMED_WAITING); // queued in the scheduler, bit set, asleep
        assertEquals(h | LockWord.WAITERS, LockWord.get());
        assertTrue(LockWord.waiting());

        assertTrue(LockWord.compareAndSet(h | LockWord.WAITERS, 0), "H's plain store, wiping the bit");

        CountDownLatch tHolds = new CountDownLatch(1);
        CountDownLatch tMayRelease = new CountDownLatch(1);
        long[] tWord = new long[1];
        Thread t = new Thread(() -> {
            Gil.acquire(); // the fast CAS on the free word
            tHolds.countDown();
            try {
                tMayRelease.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            tWord[0] = LockWord.get();
            Gil.release();
        }, "T");
        t.start();
        tHolds.await();

        LockWord.racedRelease(h, Gil.scheduler()); // H: saw `waiting`, the lock is no longer free

        tMayRelease.countDown();
        t.join();
        assertNotEquals(0, tWord[0] & LockWord.WAITERS, "T's word lost the waiter's bit: 0x"
                + Long.toHexString(tWord[0]));
        w.join(); // T's release went through the scheduler and woke W
        assertNotEquals(0, wGot.get());
    }

    /** Under {@code none}, a release that visits the scheduler must not leave the word taken. */
    @Test
    void policyNoneLeavesTheWordFreeAndCanBeLeftAfterItsThreadsEnd() throws Exception {
        raiseWaiting();
        Gil.setPolicy("none");
        Thread t = new Thread(() -> {
            long me = Gil.currentThreadId();
            for (int i = 0; i < 1000; i++) { // well past one release in JGIL_QUIET_CHECK_EVERY
                Gil.acquire();
                Gil.release();
                if (LockWord.ownerNow() == me) {
                    break; // a release left the word taken: end the thread now, as a program might
                }
            }
        }, "none-user");
        t.start();
        t.join();
        assertEquals(0, LockWord.ownerNow(), "the word after the releases under none");
        Gil.setPolicy("cpython");
        assertEquals("cpython", Gil.policy());
    }

    @Test
    void theSchedulerOfNoneFreesTheWordItIsHandedBack() {
        Gil.setPolicy("none");
        long me = Gil.currentThreadId();
        assertTrue(LockWord.compareAndSet(0, me));
        Gil.scheduler().release(me);
        assertEquals(0, LockWord.get());
    }

    /** A thread that ended holding the lock, with nobody waiting, does not block a change of policy. */
    @Test
    void aPolicyChangeTakesTheLockFromAThreadThatEndedHoldingIt() throws Exception {
        Thread careless = new Thread(Gil::acquire, "careless");
        careless.start();
        careless.join();
        assertNotEquals(0, LockWord.ownerNow());
        Gil.setPolicy("fifo");
        assertEquals("fifo", Gil.policy());
        assertEquals(0, LockWord.ownerNow());
    }

    /** What a burst of contention leaves behind: {@code waiting} up (it stays up a while), no waiter. */
    private static void raiseWaiting() {
        Gil.setPolicy("cpython");
        Gil.scheduler().mutex.lock();
        try {
            LockWord.setWaiters(); // on the idle lock: raises `waiting`, sets the bit on the free word
            assertTrue(LockWord.compareAndSet(LockWord.WAITERS, 0), "the waiter leaves");
        } finally {
            Gil.scheduler().mutex.unlock();
        }
        assertTrue(LockWord.waiting(), "waiting after contention");
    }
}
