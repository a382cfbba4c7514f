package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A thread created in native code takes the lock with jgil_ensure() and runs managed code. */
@Timeout(30)
class NativeThreadTest {
    @Test
    void nativeThreadEnsuresTheLockAndCallsManagedCode() {
        AtomicReference<Boolean> heldInJava = new AtomicReference<>();
        AtomicLong javaThread = new AtomicLong();
        int flags = Gil.call(() -> ThreadProbe.runOnNativeThread(() -> {
            heldInJava.set(Gil.isHeldByCurrentThread());
            javaThread.set(Thread.currentThread().getId());
        }));
        assertEquals(0, flags & ThreadProbe.ENSURE_FAILED, "jgil_ensure failed");
        assertEquals(0, flags & ThreadProbe.HELD_BEFORE_ENSURE);
        assertTrue((flags & ThreadProbe.HELD_INSIDE) != 0, "jgil_check() false after jgil_ensure()");
        assertEquals(0, flags & ThreadProbe.INNER_ACQUIRED, "a nested jgil_ensure() took the lock again");
        assertTrue((flags & ThreadProbe.HELD_AFTER_INNER) != 0, "the nested jgil_ensure_end() gave the lock away");
        assertEquals(Boolean.TRUE, heldInJava.get());
        assertTrue(javaThread.get() != Thread.currentThread().getId());
        assertFalse(Gil.isHeldByCurrentThread());
    }

    @Test
    void anExceptionThrownOnTheNativeThreadReachesTheCaller() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gil.run(() -> ThreadProbe.runOnNativeThread(() -> {
                    throw new IllegalArgumentException("from the native thread");
                })));
        assertEquals("from the native thread", e.getMessage());
        // and the native thread gave the lock back, so we can take it
        Gil.run(() -> assertTrue(Gil.isHeldByCurrentThread()));
    }
}
