package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Per-object critical sections: free under the GIL, a real lock under none, never a deadlock. */
@Timeout(120)
class CriticalSectionTest {
    @AfterEach
    void restore() {
        Gil.setPolicy("cpython");
    }

    /** A counter that is not atomic at all: only its critical section protects it. */
    private static final class Box {
        long value;
    }

    @Test
    void underALockingPolicyASectionTakesNothing() {
        Box box = new Box();
        try (CriticalSection a = CriticalSection.enter(box);
                CriticalSection b = CriticalSection.enter(box, new Box())) {
            assertFalse(a.locks());
            assertSame(a, b, "sections under the GIL share one empty handle");
        }
    }

    @Test
    void nullObjectsAreRefusedUnderEveryPolicy() {
        assertThrows(NullPointerException.class, () -> CriticalSection.enter(null));
        Gil.setPolicy("none");
        assertThrows(NullPointerException.class, () -> CriticalSection.enter(null));
        assertThrows(NullPointerException.class, () -> CriticalSection.enter(new Box(), null));
    }

    @Test
    void underNoneSectionsMakeReadModifyWriteExact() throws Exception {
        Gil.setPolicy("none");
        Box box = new Box();
        int threads = 4;
        int iterations = 200_000;
        runThreads(threads, () -> {
            for (int i = 0; i < iterations; i++) {
                try (CriticalSection cs = CriticalSection.enter(box)) {
                    long v = box.value;
                    Thread.onSpinWait(); // widen the window a race would need
                    box.value = v + 1;
                }
            }
        });
        assertEquals((long) threads * iterations, box.value);
    }

    @Test
    void withoutSectionsTheSameLoopLosesUpdates() throws Exception {
        // The control for the test above: the race it guards against is real on this machine.
        Gil.setPolicy("none");
        Box box = new Box();
        int threads = 4;
        int iterations = 2_000_000;
        runThreads(threads, () -> {
            for (int i = 0; i < iterations; i++) {
                long v = box.value;
                Thread.onSpinWait();
                box.value = v + 1;
            }
        });
        assertTrue(box.value < (long) threads * iterations, "no update lost without sections: " + box.value);
    }

    @Test
    void twoObjectSectionsInOppositeOrderDoNotDeadlock() throws Exception {
        Gil.setPolicy("none");
        Box a = new Box();
        Box b = new Box();
        int iterations = 100_000;
        runThreads(2, () -> {
            boolean forward = Thread.currentThread().getName().endsWith("0");
            for (int i = 0; i < iterations; i++) {
                try (CriticalSection cs = forward ? CriticalSection.enter(a, b) : CriticalSection.enter(b, a)) {
                    a.value++;
                    b.value--;
                }
            }
        });
        assertEquals(2L * iterations, a.value);
        assertEquals(-2L * iterations, b.value);
    }

    @Test
    void nestedSectionsInOppositeOrderSuspendRatherThanDeadlock() throws Exception {
        // Thread 0 nests a inside... b; thread 1 the reverse: with plain locks this deadlocks as soon as
        // each holds its outer lock. The barrier makes sure both do before either goes inner.
        Gil.setPolicy("none");
        Box a = new Box();
        Box b = new Box();
        CyclicBarrier bothOuter = new CyclicBarrier(2);
        runThreads(2, () -> {
            boolean first = Thread.currentThread().getName().endsWith("0");
            Box outer = first ? a : b;
            Box inner = first ? b : a;
            for (int i = 0; i < 200; i++) {
                try (CriticalSection o = CriticalSection.enter(outer)) {
                    outer.value++;
                    if (i == 0) {
                        await(bothOuter);
                    }
                    try (CriticalSection n = CriticalSection.enter(inner)) {
                        inner.value++;
                    }
                    outer.value++; // the enclosing section is resumed: this is protected again
                }
            }
        });
        assertEquals(600, a.value);
        assertEquals(600, b.value);
    }

    @Test
    void aSuspendedOuterSectionIsHeldAgainAfterTheInnerOneEnds() throws Exception {
        Gil.setPolicy("none");
        Box outer = new Box();
        Box inner = new Box();
        CountDownLatch innerHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = daemon(() -> {
            try (CriticalSection cs = CriticalSection.enter(inner)) {
                innerHeld.countDown();
                await(release);
            }
        });
        holder.start();
        innerHeld.await();
        AtomicReference<Boolean> outerFreeWhileWaiting = new AtomicReference<>(false);
        AtomicReference<Boolean> lateEntered = new AtomicReference<>(false);
        AtomicReference<Boolean> outerHeldAgain = new AtomicReference<>();
        // Runs while the nester waits for `inner`: it gets in only if `outer` was suspended.
        Thread prober = daemon(() -> {
            try (CriticalSection cs = CriticalSection.enter(outer)) {
                outerFreeWhileWaiting.set(true);
            }
            release.countDown();
        });
        Thread nester = daemon(() -> {
            CriticalSection o = CriticalSection.enter(outer);
            prober.start();
            try (CriticalSection n = CriticalSection.enter(inner)) { // waits; suspends `outer` first
                inner.value++;
            }
            // Resumed: another thread entering `outer` now has to wait until it is closed.
            Thread late = daemon(() -> {
                try (CriticalSection cs = CriticalSection.enter(outer)) {
                    lateEntered.set(true);
                }
            });
            late.start();
            while (late.getState() != Thread.State.WAITING && late.isAlive()) {
                Thread.onSpinWait();
            }
            outerHeldAgain.set(!lateEntered.get());
            o.close();
            try {
                late.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        nester.start();
        join(nester); // a nester that never suspended `outer` waits for `inner` for ever
        assertTrue(outerFreeWhileWaiting.get(), "the outer section was not suspended while waiting");
        assertEquals(Boolean.TRUE, outerHeldAgain.get(), "the outer section was not re-taken after the inner one");
        assertTrue(lateEntered.get());
    }

    private static Thread daemon(Runnable body) {
        Thread t = new Thread(body);
        t.setDaemon(true); // a deadlocked thread must not keep the test JVM alive
        return t;
    }

    private static void join(Thread t) throws InterruptedException {
        t.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(t.isAlive(), "thread " + t.getName() + " is stuck: a deadlock");
    }

    @Test
    void closingOutOfOrderOrOnAnotherThreadThrows() throws Exception {
        Gil.setPolicy("none");
        Box a = new Box();
        Box b = new Box();
        CriticalSection outer = CriticalSection.enter(a);
        CriticalSection inner = CriticalSection.enter(b);
        assertThrows(IllegalStateException.class, outer::close);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                inner.close();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        other.start();
        other.join();
        assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
        inner.close();
        outer.close();
        assertThrows(IllegalStateException.class, outer::close, "closing twice");
    }

    @Test
    void aSectionEnteredUnderNoneGivesBackItsLockAfterThePolicyChanged() throws Exception {
        Gil.setPolicy("none");
        Box box = new Box();
        CriticalSection cs = CriticalSection.enter(box);
        assertTrue(cs.locks());
        Gil.setPolicy("cpython");
        cs.close(); // unlocks what it took, although sections no longer lock
        Gil.setPolicy("none");
        Thread other = new Thread(() -> CriticalSection.run(box, () -> box.value++));
        other.start();
        other.join(TimeUnit.SECONDS.toMillis(30));
        assertEquals(1, box.value, "the lock taken before the policy change was never given back");
    }

    @Test
    void runAndCallUseTheSection() {
        Gil.setPolicy("none");
        Box box = new Box();
        CriticalSection.run(box, () -> box.value = 41);
        assertEquals(42L, CriticalSection.call(box, () -> ++box.value));
        CriticalSection.run(box, new Box(), () -> box.value++);
        assertEquals(43, box.value);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void runThreads(int n, Runnable body) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(body, "cs-" + i);
            t.setDaemon(true); // a deadlocked thread must not keep the test JVM alive
            t.setUncaughtExceptionHandler((th, e) -> failure.compareAndSet(null, e));
            threads.add(t);
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(t.isAlive(), "thread " + t.getName() + " is stuck: a deadlock");
        }
        if (failure.get() != null) {
            throw new AssertionError("a thread failed", failure.get());
        }
    }
}
