package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A thread's identity in the lock word is its own: no subclass can borrow another's. */
@Timeout(60)
class ThreadIdentityTest {
    /** Claims another thread's id, as any subclass could before JDK 19 made threadId() final. */
    private static final class Forger extends Thread {
        private final long victim;

        Forger(long victim, Runnable action) {
            super(action, "forger");
            this.victim = victim;
        }

        @SuppressWarnings("deprecation")
        @Override
        public long getId() {
            return victim;
        }
    }

    private static void runForger(long victim, Runnable action) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Forger f = new Forger(victim, () -> {
            try {
                action.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        f.start();
        f.join();
        if (failure.get() != null) {
            throw new AssertionError("in the forger", failure.get());
        }
    }

    @Test
    @SuppressWarnings("deprecation")
    void aThreadClaimingAnotherThreadsIdDoesNotShareItsLock() throws Exception {
        long mine = Thread.currentThread().getId();
        Gil.acquire();
        try {
            runForger(mine, () -> {
                assertEquals(mine, Thread.currentThread().getId());
                assertNotEquals(mine, Gil.currentThreadId());
                assertFalse(Gil.isHeldByCurrentThread(), "the forger believes it holds this thread's lock");
                assertThrows(IllegalStateException.class, Gil::release);
            });
        } finally {
            assertTrue(Gil.isHeldByCurrentThread(), "the forger released this thread's lock");
            Gil.release();
        }
    }

    @Test
    void aForgingThreadHoldsAndReleasesTheLockOfItsOwn() throws Exception {
        runForger(Thread.currentThread().getId(), () -> {
            Gil.run(() -> assertTrue(Gil.isHeldByCurrentThread()));
            assertFalse(Gil.isHeldByCurrentThread());
        });
        assertEquals(0, LockWord.ownerNow());
    }

    @Test
    void aForgingThreadThatEndsHoldingTheLockIsFoundDead() throws Exception {
        runForger(Thread.currentThread().getId(), Gil::acquire);
        assertNotEquals(0, LockWord.ownerNow());
        Gil.run(() -> assertTrue(Gil.isHeldByCurrentThread()));
    }
}
