package org.jgil;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Gil#checkpoint()} from a thread that does not hold the lock: in checked mode always an
 * {@link IllegalStateException}; unchecked, only when a drop is requested (then the thread would
 * have to give up a lock it does not hold), and otherwise the one read it always was. Before,
 * checked mode said nothing unless a drop request happened to be pending.
 */
@Timeout(30)
class CheckpointOwnershipTest {
    private final boolean wasChecked = LockWord.checked();

    @AfterEach
    void restore() {
        LockWord.setChecked(wasChecked);
        LockWord.setDropRequest(false);
    }

    private static void assertRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, Gil::checkpoint);
        assertTrue(e.getMessage().contains("Gil.checkpoint()") && e.getMessage().contains("does not hold the GIL"),
                e.getMessage());
        assertFalse(Gil.isHeldByCurrentThread(), "a refused checkpoint takes nothing");
    }

    @Test
    void checkedModeRefusesACheckpointWithoutTheLock() {
        LockWord.setChecked(true);
        assertFalse(LockWord.dropRequested());
        assertRefused();
    }

    @Test
    void checkedModeRefusesACheckpointWhileAnotherThreadHoldsTheLock() throws InterruptedException {
        LockWord.setChecked(true);
        CountDownLatch holding = new CountDownLatch(1), done = new CountDownLatch(1);
        Thread holder = new Thread(() -> Gil.run(() -> {
            holding.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }), "holder");
        holder.start();
        holding.await();
        try {
            assertRefused();
        } finally {
            done.countDown();
            holder.join();
        }
    }

    @Test
    void uncheckedACheckpointWithoutTheLockIsRefusedOnlyWhenADropIsRequested() {
        LockWord.setChecked(false);
        assertDoesNotThrow(Gil::checkpoint, "unchecked, a checkpoint with no drop request is one read");
        LockWord.setDropRequest(true);
        assertRefused();
    }

    @Test
    void holdingTheLockACheckpointIsQuietInBothModes() {
        for (boolean checked : new boolean[] {false, true}) {
            LockWord.setChecked(checked);
            Gil.run(() -> assertDoesNotThrow(Gil::checkpoint));
        }
    }
}
