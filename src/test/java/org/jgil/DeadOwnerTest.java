package org.jgil;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DeadOwnerTest {
    @Test
    void aThreadThatDiesHoldingTheLockDoesNotWedgeTheProcess() throws Exception {
        Thread careless = new Thread(() -> {
            Gil.acquire();
            throw new IllegalStateException("dies holding the GIL (expected by the test)");
        }, "careless");
        careless.setUncaughtExceptionHandler((t, e) -> { });
        careless.start();
        careless.join();
        assertFalse(Gil.isHeldByCurrentThread());

        AtomicBoolean ran = new AtomicBoolean();
        Thread next = new Thread(() -> Gil.run(() -> ran.set(true)));
        next.start();
        next.join();
        assertTrue(ran.get());
        Gil.run(() -> assertTrue(Gil.isHeldByCurrentThread()));
    }
}
