package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code jgil_critical.h}: native state stays exact with the GIL and with critical sections. */
@Timeout(120)
class NativeCriticalSectionTest {
    private static final int THREADS = 4;

    @AfterEach
    void restore() {
        Gil.setPolicy("cpython");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpython", "none"})
    void guardedNativeUpdatesAreExact(String policy) throws Exception {
        Gil.setPolicy(policy);
        Gil.run(CriticalProbe::reset);
        int times = 100_000;
        runThreads(() -> Gil.run(() -> {
            for (int i = 0; i < 10; i++) {
                CriticalProbe.increment(times / 10, true);
                Gil.checkpoint(); // let the other threads in between calls under the GIL
            }
        }));
        assertEquals((long) THREADS * times, Gil.call(() -> CriticalProbe.counter(0)), policy);
    }

    @Test
    void withoutTheSectionNoneLosesNativeUpdates() throws Exception {
        // The control: the probe's updates do race when nothing serializes them.
        Gil.setPolicy("none");
        CriticalProbe.reset();
        int times = 1_000_000;
        runThreads(() -> CriticalProbe.increment(times, false));
        assertTrue(CriticalProbe.counter(0) < (long) THREADS * times, "no update lost: " + CriticalProbe.counter(0));
    }

    @Test
    void twoMutexSectionsInOppositeOrderNeitherDeadlockNorLose() throws Exception {
        Gil.setPolicy("none");
        CriticalProbe.reset();
        int times = 200_000;
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < THREADS; t++) {
            boolean forward = t % 2 == 0;
            Thread thread = new Thread(() -> CriticalProbe.transfer(times, forward), "transfer-" + t);
            thread.setDaemon(true); // a deadlocked thread must not keep the test JVM alive
            thread.setUncaughtExceptionHandler((th, e) -> failure.compareAndSet(null, e));
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(t.isAlive(), t.getName() + " is stuck: a deadlock");
        }
        assertEquals(null, failure.get());
        // Two threads move 0 -> 1 and two move 1 -> 0, equally often: both end where they began.
        assertEquals(0, CriticalProbe.counter(0));
        assertEquals(0, CriticalProbe.counter(1));
    }

    @Test
    void aBadCounterIndexIsAJavaException() {
        assertThrows(IllegalArgumentException.class, () -> Gil.call(() -> CriticalProbe.counter(2)));
    }

    private static void runThreads(Runnable body) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < THREADS; i++) {
            Thread t = new Thread(body, "native-cs-" + i);
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((th, e) -> failure.compareAndSet(null, e));
            threads.add(t);
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(t.isAlive(), t.getName() + " is stuck");
        }
        if (failure.get() != null) {
            throw new AssertionError("a thread failed", failure.get());
        }
    }
}
