package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.jgil.probe.NativeProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Checked mode ({@code -Djgil.checked=true}): each mistake the guide forbids gives an
 * IllegalStateException that names the mistake and the native function, never a crash or a hang.
 */
@Timeout(30)
class CheckedModeTest {
    private boolean was;

    @BeforeEach
    void on() {
        was = LockWord.checked();
        LockWord.setChecked(true);
    }

    @AfterEach
    void restore() {
        LockWord.setChecked(was);
    }

    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "message '" + e.getMessage() + "' should mention '" + p + "'");
        }
    }

    @Test
    void theSuiteRunsInCheckedMode() {
        assertTrue(Boolean.getBoolean("jgil.checked"), "surefire's argLine sets -Djgil.checked=true");
        assertTrue(Gil.isChecked());
    }

    @Test
    void nestedReleasedSections() {
        Gil.run(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, BlockProbe::nestedBegin);
            assertMessage(e, "JGIL_BEGIN_ALLOW_THREADS in inner_kernel()",
                    "nested inside the released section opened by JGIL_BEGIN_ALLOW_THREADS in "
                            + "Java_org_jgil_BlockProbe_nestedBegin()", "do not nest");
            assertTrue(Gil.isHeldByCurrentThread(), "the outer END re-took the lock");
        });
    }

    @Test
    void returningFromInsideABlockRetakesTheLock() {
        Gil.run(() -> {
            assertEquals(0, BlockProbe.leaveBlockEarly(0));
            assertTrue(Gil.isHeldByCurrentThread(), "the block's cleanup re-took the lock");
        });
    }

    @Test
    void aBlockLeftPastItsCleanupIsReportedByName() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Gil.run(() -> assertEquals(1, BlockProbe.leaveBlockEarly(1))));
        assertMessage(e, "Gil.release()",
                "JGIL_BEGIN_ALLOW_THREADS in Java_org_jgil_BlockProbe_leaveBlockEarly()",
                "without its JGIL_END_ALLOW_THREADS", "longjmp");
        assertTrue(!Gil.isHeldByCurrentThread(), "the lock was given up at BEGIN and never re-taken");
        // Reported once: the thread goes on normally.
        Gil.run(() -> assertTrue(Gil.isHeldByCurrentThread()));
        Gil.run(NativeProbe::noopReleased);
    }

    @Test
    void managedOnlyWorkInsideAReleasedSection() {
        Gil.run(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, BlockProbe::requireGilReleased);
            assertMessage(e, "JGIL_REQUIRE_GIL() in Java_org_jgil_BlockProbe_requireGilReleased()",
                    "does not hold the GIL", "inside the released section opened by");
            assertTrue(Gil.isHeldByCurrentThread());
        });
    }

    @Test
    void nativeCheckpointWithoutTheLock() {
        Gil.run(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, BlockProbe::checkpointReleased);
            assertMessage(e, "JGIL_CHECKPOINT() in Java_org_jgil_BlockProbe_checkpointReleased()",
                    "does not hold the GIL");
            assertTrue(Gil.isHeldByCurrentThread());
        });
    }

    @Test
    void nativeThreadCallingManagedCodeWithoutEnsure() {
        AtomicInteger ran = new AtomicInteger();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Gil.run(() -> ThreadProbe.callFromNativeThread(false, ran::incrementAndGet)));
        assertMessage(e, "JGIL_REQUIRE_GIL() in attaching_thread()", "does not hold the GIL", "jgil_ensure()");
        assertEquals(0, ran.get(), "the managed callback must not run");
    }

    @Test
    void nativeThreadCallingManagedCodeWithEnsure() {
        AtomicInteger ran = new AtomicInteger();
        Gil.run(() -> ThreadProbe.callFromNativeThread(true, () -> {
            assertTrue(Gil.isHeldByCurrentThread());
            ran.incrementAndGet();
        }));
        assertEquals(1, ran.get());
    }

    @Test
    void beginWithoutTheLock() {
        IllegalStateException e = assertThrows(IllegalStateException.class, BlockProbe::nestedBegin);
        assertMessage(e, "JGIL_BEGIN_ALLOW_THREADS in Java_org_jgil_BlockProbe_nestedBegin()",
                "does not hold the GIL");
    }

    @Test
    void outsideCheckedModeTheChecksCostNothingAndCheckNothing() {
        LockWord.setChecked(false);
        AtomicInteger ran = new AtomicInteger();
        Gil.run(() -> ThreadProbe.callFromNativeThread(false, ran::incrementAndGet));
        assertEquals(1, ran.get(), "unchecked: JGIL_REQUIRE_GIL() does not check");
    }
}
