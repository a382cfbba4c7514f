package org.jgil;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The documented nesting rules of ensure() and run(). */
@Timeout(30)
class EnsureTest {
    @Test
    void outerEnsureTakesTheLockAndInnerOnesDoNot() {
        assertFalse(Gil.isHeldByCurrentThread());
        try (Ensured outer = Gil.ensure()) {
            assertTrue(outer.acquired());
            try (Ensured inner = Gil.ensure()) {
                assertFalse(inner.acquired());
                assertTrue(Gil.isHeldByCurrentThread());
            }
            assertTrue(Gil.isHeldByCurrentThread(), "closing the inner handle gave the lock away");
        }
        assertFalse(Gil.isHeldByCurrentThread());
    }

    @Test
    void ensureInsideAcquireLeavesTheLockWithTheAcquirer() {
        Gil.acquire();
        try {
            try (Ensured e = Gil.ensure()) {
                assertFalse(e.acquired());
            }
            assertTrue(Gil.isHeldByCurrentThread());
        } finally {
            Gil.release();
        }
    }

    @Test
    void runAndCallNest() {
        int result = Gil.call(() -> {
            Gil.run(() -> assertTrue(Gil.isHeldByCurrentThread()));
            return Gil.call(() -> 42);
        });
        assertTrue(result == 42);
        assertFalse(Gil.isHeldByCurrentThread());
    }

    @Test
    void runReleasesTheLockWhenTheActionThrows() {
        assertThrows(ArithmeticException.class, () -> Gil.run(() -> {
            throw new ArithmeticException("boom");
        }));
        assertFalse(Gil.isHeldByCurrentThread());
    }

    @Test
    void closingOutOfOrderOrTwiceIsRefused() {
        Ensured outer = Gil.ensure();
        Ensured inner = Gil.ensure();
        IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
        assertTrue(e.getMessage().contains("out of order"), e.getMessage());
        inner.close();
        outer.close();
        assertFalse(Gil.isHeldByCurrentThread());
        e = assertThrows(IllegalStateException.class, outer::close);
        assertTrue(e.getMessage().contains("already closed"), e.getMessage());
    }

    @Test
    void allowThreadsGivesTheLockUpForTheSection() throws Exception {
        Gil.run(() -> {
            try (Released nogil = Gil.allowThreads()) {
                assertFalse(Gil.isHeldByCurrentThread());
                Thread other = new Thread(() -> Gil.run(() -> { }));
                other.start();
                join(other); // would hang if the section still held the lock
            }
            assertTrue(Gil.isHeldByCurrentThread());
            assertTrue(Gil.allowThreads(() -> !Gil.isHeldByCurrentThread()));
        });
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
