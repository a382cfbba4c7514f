package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Thresholded and adaptive release, errno, and a pending exception at END. */
@Timeout(30)
class KitTest {
    private static <T> T unchecked(java.util.function.Supplier<T> s) {
        boolean was = LockWord.checked();
        LockWord.setChecked(false);
        try {
            return s.get();
        } finally {
            LockWord.setChecked(was);
        }
    }

    @Test
    void releasedIfFollowsTheCondition() {
        Gil.run(() -> {
            assertTrue(BlockProbe.releasedIf(true));
            assertTrue(Gil.isHeldByCurrentThread());
            assertFalse(BlockProbe.releasedIf(false));
            assertTrue(Gil.isHeldByCurrentThread());
        });
    }

    @Test
    void releasedIfFalseWithoutTheLockIsCaughtInCheckedMode() {
        boolean was = LockWord.checked();
        LockWord.setChecked(true);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> BlockProbe.releasedIf(false));
            assertTrue(e.getMessage().contains("JGIL_REQUIRE_GIL() in Java_org_jgil_BlockProbe_releasedIf()"),
                    e.getMessage());
        } finally {
            LockWord.setChecked(was);
        }
    }

    @Test
    void adaptiveReleasesLongCallsAlways() {
        Gil.run(() -> assertTrue(BlockProbe.releasedAdaptive(1_000_000)));
    }

    @Test
    void adaptiveKeepsTheLockForShortCallsNobodyWaitsFor() {
        Gil.run(() -> assertFalse(unchecked(() -> BlockProbe.releasedAdaptive(1_000))));
    }

    @Test
    void adaptiveReleasesShortCallsWhenSomebodyWaits() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        AtomicBoolean released = new AtomicBoolean();
        AtomicBoolean keptWhenAlone = new AtomicBoolean();
        Thread holder = new Thread(() -> Gil.run(() -> {
            keptWhenAlone.set(!unchecked(() -> BlockProbe.releasedAdaptive(1_000)));
            held.countDown();
            // Wait until the other thread is queued: the WAITERS bit is set.
            while ((LockWord.get() & LockWord.WAITERS) == 0) {
                Thread.onSpinWait();
            }
            released.set(unchecked(() -> BlockProbe.releasedAdaptive(1_000)));
        }));
        holder.start();
        held.await();
        Gil.run(() -> { });
        holder.join();
        assertTrue(keptWhenAlone.get(), "kept the lock while nobody waited");
        assertTrue(released.get(), "released with a waiter");
    }

    @Test
    void adaptiveAlwaysReleasesInCheckedMode() {
        boolean was = LockWord.checked();
        LockWord.setChecked(true);
        try {
            Gil.run(() -> assertTrue(BlockProbe.releasedAdaptive(1_000)));
        } finally {
            LockWord.setChecked(was);
        }
    }

    @Test
    void errnoSurvivesEveryKindOfBlock() {
        for (boolean checked : new boolean[] {false, true}) {
            boolean was = LockWord.checked();
            LockWord.setChecked(checked);
            try {
                for (int kind = 0; kind < 3; kind++) {
                    int k = kind;
                    assertEquals(42, Gil.call(() -> BlockProbe.errnoAcross(42, k)),
                            "errno after block kind " + kind + ", checked " + checked);
                }
            } finally {
                LockWord.setChecked(was);
            }
        }
    }

    @Test
    void aJniExceptionInsideASectionStillRetakesTheLock() {
        Gil.run(() -> {
            ArithmeticException e = assertThrows(ArithmeticException.class, BlockProbe::throwInsideSection);
            assertEquals("thrown inside a released section", e.getMessage());
            assertTrue(Gil.isHeldByCurrentThread(), "END must re-take the lock with an exception pending");
        });
    }

    @Test
    void nativeCheckpointHoldingTheLockIsFine() {
        Gil.run(() -> {
            BlockProbe.checkpointHeld();
            assertTrue(Gil.isHeldByCurrentThread());
        });
    }
}
