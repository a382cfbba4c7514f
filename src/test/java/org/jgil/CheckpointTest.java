package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class CheckpointTest {
    @AfterEach
    void restoreInterval() {
        Gil.setSwitchInterval(Duration.ofMillis(5));
    }

    @Test
    void aWaiterAsksForTheLockAndCheckpointHandsItOver() throws Exception {
        AtomicBoolean waiterRan = new AtomicBoolean();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            waiting.countDown();
            Gil.run(() -> waiterRan.set(true));
        });
        Gil.acquire();
        try {
            waiter.start();
            waiting.await();
            // Without a checkpoint the waiter cannot get in, however long we hold the lock...
            waitUntil(LockWord::dropRequested);
            assertFalse(waiterRan.get());
            // ...and the first checkpoint after its drop request hands the lock over.
            Gil.checkpoint();
            assertTrue(waiterRan.get(), "checkpoint() returned before the waiter had its turn");
            assertTrue(Gil.isHeldByCurrentThread());
            assertFalse(LockWord.dropRequested());
        } finally {
            Gil.release();
        }
        waiter.join();
    }

    @Test
    void checkpointWithoutWaitersKeepsTheLock() {
        Gil.run(() -> {
            for (int i = 0; i < 1000; i++) {
                Gil.checkpoint();
            }
            assertTrue(Gil.isHeldByCurrentThread());
        });
    }

    @Test
    void switchIntervalIsSettableAndValidated() {
        Gil.setSwitchInterval(Duration.ofMillis(1));
        assertEquals(Duration.ofMillis(1), Gil.switchInterval());
        assertThrows(IllegalArgumentException.class, () -> Gil.setSwitchInterval(Duration.ZERO));
        assertThrows(NullPointerException.class, () -> Gil.setSwitchInterval((Duration) null));
        Gil.setSwitchInterval("250us");
        assertEquals(Duration.ofNanos(250_000), Gil.switchInterval());
        assertThrows(IllegalArgumentException.class, () -> Gil.setSwitchInterval("fast"));
    }

    @Test
    void twoManagedLoopsTakeTurnsThroughCheckpoints() throws Exception {
        Gil.setSwitchInterval(Duration.ofMillis(1));
        long[] turns = new long[2];
        int[] lastRunner = {-1};
        AtomicBoolean stop = new AtomicBoolean();
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int id = t;
            threads[t] = new Thread(() -> Gil.run(() -> {
                while (!stop.get()) {
                    Gil.checkpoint();
                    if (lastRunner[0] != id) { // managed state: read and written under the lock
                        turns[id]++;
                        lastRunner[0] = id;
                    }
                }
            }));
            threads[t].start();
        }
        // Counted, not timed: on a loaded machine 300 ms gave each thread only a handful of
        // switch intervals. Without forced switches at checkpoints one thread keeps the lock
        // for good and this wait runs out.
        try {
            waitUntil(() -> Gil.call(() -> turns[0] > 20 && turns[1] > 20));
        } finally {
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }
        assertTrue(turns[0] > 20 && turns[1] > 20,
                "both CPU-bound threads should get many turns, got " + turns[0] + " and " + turns[1]);
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached in 20 s");
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
    }
}
