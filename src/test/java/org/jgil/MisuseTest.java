package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jgil.probe.NativeProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every misuse of the lock gives a clear IllegalStateException, never a hang or a crash. */
@Timeout(30)
class MisuseTest {
    private static void assertMessage(Throwable e, String expected) {
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage()
                + "' should mention '" + expected + "'");
    }

    @Test
    void releasingALockNotHeld() {
        IllegalStateException e = assertThrows(IllegalStateException.class, Gil::release);
        assertMessage(e, "does not hold the GIL");
        assertMessage(e, "nobody holds it");
    }

    @Test
    void releasingALockAnotherThreadHolds() throws Exception {
        Thread holder = new Thread(Gil::acquire);
        holder.start();
        holder.join();
        // The holder is gone; the lock is still marked as its own until a waiter recovers it.
        IllegalStateException e = assertThrows(IllegalStateException.class, Gil::release);
        assertMessage(e, "holds it");
        Gil.acquire(); // recovers the dead holder's lock
        Gil.release();
    }

    @Test
    void acquiringTwice() {
        Gil.acquire();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, Gil::acquire);
            assertMessage(e, "already holds the GIL");
            assertTrue(Gil.isHeldByCurrentThread(), "a refused acquire must not drop the lock");
        } finally {
            Gil.release();
        }
    }

    @Test
    void allowThreadsWithoutTheLock() {
        IllegalStateException e = assertThrows(IllegalStateException.class, Gil::allowThreads);
        assertMessage(e, "Gil.allowThreads()");
    }

    @Test
    void nestedAllowThreadsIsRefused() {
        Gil.run(() -> {
            try (Released outer = Gil.allowThreads()) {
                assertThrows(IllegalStateException.class, Gil::allowThreads);
            }
            assertTrue(Gil.isHeldByCurrentThread());
        });
    }

    @Test
    void closingAReleasedSectionTwice() {
        Gil.run(() -> {
            Released nogil = Gil.allowThreads();
            nogil.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, nogil::close);
            assertMessage(e, "already closed");
        });
    }

    @Test
    void nativeBeginWithoutTheLock() {
        IllegalStateException e = assertThrows(IllegalStateException.class, NativeProbe::noopReleased);
        assertMessage(e, "JGIL_BEGIN_ALLOW_THREADS in Java_org_jgil_probe_NativeProbe_noopReleased()");
        assertFalse(Gil.isHeldByCurrentThread());
    }

    @Test
    void anExtensionThatNeverImportedTheRuntimeGetsAnExceptionNotACrash() {
        Gil.run(() -> {
            int[] ran = {0};
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ran[0] = NotImportedProbe.block(5));
            assertMessage(e, "Java_org_jgil_NotImportedProbe_block: this extension never imported");
            assertMessage(e, "call jgil_import(env) from its JNI_OnLoad");
            assertEquals(0, ran[0]);
            e = assertThrows(IllegalStateException.class, NotImportedProbe::checkpoint);
            assertMessage(e, "call jgil_import(env)");
            e = assertThrows(IllegalStateException.class, NotImportedProbe::requireGil);
            assertMessage(e, "call jgil_import(env)");
            assertTrue(Gil.isHeldByCurrentThread());
        });
    }

    @Test
    void aRefusedBlockSkipsItsBody() {
        // The body makes JNI calls (FindClass, ThrowNew); run with BEGIN's exception pending they
        // would break JNI's rules (-Xcheck:jni warns: JniCheckTest runs this class) and replace
        // the exception that says what went wrong.
        IllegalStateException e = assertThrows(IllegalStateException.class, BlockProbe::throwInsideSection);
        assertMessage(e, "JGIL_BEGIN_ALLOW_THREADS in Java_org_jgil_BlockProbe_throwInsideSection()");
        assertMessage(e, "does not hold the GIL");
        assertFalse(Gil.isHeldByCurrentThread());
    }

    @Test
    void checkedModeCatchesBeginWithoutTheLockWhileAnotherThreadHoldsIt() throws Exception {
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Thread holder = new Thread(() -> Gil.run(() -> {
            held.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        holder.start();
        held.await();
        boolean was = LockWord.checked();
        LockWord.setChecked(true);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, NativeProbe::noopReleased);
            assertMessage(e, "does not hold the GIL");
        } finally {
            LockWord.setChecked(was);
            done.countDown();
            holder.join();
        }
    }

    @Test
    void checkpointWhileAnotherThreadWaitsButWithoutTheLock() throws Exception {
        LockWord.setDropRequest(true);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, Gil::checkpoint);
            assertMessage(e, "checkpoint");
        } finally {
            LockWord.setDropRequest(false);
        }
    }
}
