package org.example.vecmath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jgil.Gil;
import org.jgil.NativeCancelledException;
import org.jgil.NativeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class VecMathTest {
    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "'" + e.getMessage() + "' should mention '" + p + "'");
        }
    }

    @Test
    void kernelsCompute() {
        Gil.run(() -> {
            assertEquals(32.0, VecMath.dot(new double[] {1, 2, 3}, new double[] {4, 5, 6}));
            assertArrayEquals(new double[] {5, 11},
                    VecMath.matvec(new double[] {1, 2, 3, 4}, 2, 2, new double[] {1, 2}));
            assertEquals(2.0, VecMath.at(new double[] {1, 2, 3}, 1));
            assertEquals(5.0, VecMath.norm(new double[] {3, 4}));
            assertEquals(5.0 * 14, VecMath.sumOfSquares(new double[] {1, 2, 3}, 5));
            assertEquals(0.5 * (9 * 10 / 2), VecMath.scratchSum(10));
            assertTrue(Gil.isHeldByCurrentThread());
        });
    }

    /** These crashed the JVM in GetArrayLength before the example checked its references. */
    @Test
    void nullArraysAreNullPointerExceptionsNotCrashes() {
        Gil.run(() -> {
            double[] a = {1, 2};
            assertMessage(assertThrows(NullPointerException.class, () -> VecMath.dot(null, a)), "dot: a is null");
            assertMessage(assertThrows(NullPointerException.class, () -> VecMath.dot(a, null)), "dot: b is null");
            assertMessage(assertThrows(NullPointerException.class, () -> VecMath.matvec(null, 1, 2, a)), "m is null");
            assertMessage(assertThrows(NullPointerException.class, () -> VecMath.matvec(a, 1, 2, null)), "x is null");
            assertMessage(assertThrows(NullPointerException.class, () -> VecMath.at(null, 0)), "at: a is null");
            assertMessage(assertThrows(NullPointerException.class, () -> VecMath.norm(null)), "norm: a is null");
            assertMessage(assertThrows(NullPointerException.class, () -> VecMath.sumOfSquares(null, 1)),
                    "sumOfSquares: a is null");
            assertMessage(assertThrows(NullPointerException.class, () -> VecMath.parallelFill(null, 2, t -> { })),
                    "out is null");
            assertMessage(assertThrows(NullPointerException.class, () -> VecMath.parallelFill(a, 2, null)),
                    "callback is null");
            assertTrue(Gil.isHeldByCurrentThread());
        });
    }

    @Test
    void invalidArgumentBecomesIllegalArgumentException() {
        Gil.run(() -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> VecMath.dot(new double[3], new double[4]));
            assertMessage(e, "dot: lengths differ: 3 and 4", "C++ std::invalid_argument",
                    "Java_org_example_vecmath_VecMath_dot");
            assertTrue(Gil.isHeldByCurrentThread(), "the lock is back before the exception is thrown");
        });
    }

    @Test
    void outOfRangeBecomesIndexOutOfBoundsException() {
        Gil.run(() -> {
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                    () -> VecMath.at(new double[3], 7));
            assertMessage(e, "at: index 7, length 3", "std::out_of_range");
        });
    }

    @Test
    void badAllocBecomesOutOfMemoryError() {
        Gil.run(() -> {
            OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> VecMath.scratchSum(1L << 60));
            assertMessage(e, "std::bad");
            assertTrue(Gil.isHeldByCurrentThread());
        });
    }

    @Test
    void otherExceptionsBecomeNativeExceptionWithTheirType() {
        Gil.run(() -> {
            NativeException e = assertThrows(NativeException.class,
                    () -> VecMath.matvec(new double[5], 2, 2, new double[2]));
            assertEquals("vecmath::shape_error", e.nativeType());
            assertEquals("Java_org_example_vecmath_VecMath_matvec", e.site());
            assertMessage(e, "a 2x2 matrix needs 4 elements");
        });
    }

    @Test
    void aNonStandardExceptionBecomesNativeExceptionWithItsType() {
        Gil.run(() -> {
            VecMath.checkStatus(0);
            NativeException e = assertThrows(NativeException.class, () -> VecMath.checkStatus(7));
            assertEquals("int", e.nativeType());
            assertEquals("Java_org_example_vecmath_VecMath_checkStatus", e.site());
            assertTrue(Gil.isHeldByCurrentThread());
        });
    }

    /** Interrupts a thread running {@code call} after 50 ms; returns the latency until it returned. */
    private static long cancel(String what, Runnable call) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicLong ended = new AtomicLong();
        AtomicReference<Boolean> interruptKept = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread t = new Thread(() -> Gil.run(() -> {
            started.countDown();
            try {
                call.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
            ended.set(System.nanoTime());
            interruptKept.set(Thread.currentThread().isInterrupted());
        }));
        t.start();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        Thread.sleep(50);
        long at = System.nanoTime();
        t.interrupt();
        t.join(30_000);
        assertFalse(t.isAlive());
        long latency = ended.get() - at;
        System.out.printf("vecmath cancellation latency, %s: %.3f ms%n", what, latency / 1e6);
        assertTrue(thrown.get() instanceof NativeCancelledException, () -> "got " + thrown.get());
        assertEquals(Boolean.TRUE, interruptKept.get());
        assertTrue(latency < TimeUnit.SECONDS.toNanos(2), what + " took " + latency / 1e6 + " ms");
        return latency;
    }

    @Test
    void interruptCancelsALongKernel() throws Exception {
        double[] a = new double[1 << 16];
        java.util.Arrays.fill(a, 1.0);
        cancel("sumOfSquares", () -> VecMath.sumOfSquares(a, Long.MAX_VALUE));
    }

    @Test
    void interruptBreaksABlockingWait() throws Exception {
        cancel("awaitSignal", () -> VecMath.awaitSignal(30_000));
    }

    @Test
    void aWaitNobodyInterruptsTimesOut() {
        assertFalse(Gil.call(() -> VecMath.awaitSignal(20)));
    }

    @Test
    void nativeThreadsCallBackIntoJava() {
        double[] out = new double[100];
        Set<Integer> called = ConcurrentHashMap.newKeySet();
        Set<Boolean> held = ConcurrentHashMap.newKeySet();
        Gil.run(() -> VecMath.parallelFill(out, 4, t -> {
            called.add(t);
            held.add(Gil.isHeldByCurrentThread());
        }));
        assertEquals(Set.of(0, 1, 2, 3), called);
        assertEquals(Set.of(true), held, "every callback ran holding the GIL");
        assertEquals(0.0, out[0]);
        assertEquals(3.0, out[99]);
    }

    @Test
    void nestedAllowThreadsIsRefused() {
        Gil.run(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, VecMath::nestedRelease);
            assertMessage(e, "nested inside the released section opened by JGIL_BEGIN_ALLOW_THREADS in "
                    + "Java_org_example_vecmath_VecMath_nestedRelease()");
            assertTrue(Gil.isHeldByCurrentThread(), "the outer guard re-took the lock");
        });
    }

    @Test
    void gilAcquireInsideAReleasedSection() {
        AtomicReference<Boolean> held = new AtomicReference<>();
        Gil.run(() -> {
            VecMath.callbackReleased(() -> held.set(Gil.isHeldByCurrentThread()));
            assertTrue(Gil.isHeldByCurrentThread());
        });
        assertEquals(Boolean.TRUE, held.get());
    }

    @Test
    void anExceptionFromTheCallbackReachesTheCaller() {
        Gil.run(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> VecMath.callbackReleased(() -> {
                        throw new IllegalStateException("from the callback");
                    }));
            assertEquals("from the callback", e.getMessage());
            assertTrue(Gil.isHeldByCurrentThread());
        });
    }

    @Test
    void callingWithoutTheLockIsCaughtInCheckedMode() {
        assertTrue(Gil.isChecked(), "the example's tests run with -Djgil.checked=true");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> VecMath.dot(new double[1], new double[1]));
        assertMessage(e, "JGIL_BEGIN_ALLOW_THREADS in Java_org_example_vecmath_VecMath_dot()", "does not hold the GIL");
    }

    @Test
    void generatedGlueComputesAndChecks() {
        Gil.run(() -> {
            assertEquals(32.0, VecMathGen.dot(new double[] {1, 2, 3}, new double[] {4, 5, 6}));
            double[] y = {1, 1, 1, 1};
            VecMathGen.axpy(2, 10.0, new double[] {1, 2, 3}, 1, y, 2);
            assertArrayEquals(new double[] {1, 1, 21, 31}, y);
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> VecMathGen.dot(new double[2], new double[3])), "a.length == b.length");
            assertThrows(NullPointerException.class, () -> VecMathGen.dot(null, new double[3]));
            assertMessage(assertThrows(IndexOutOfBoundsException.class,
                    () -> VecMathGen.axpy(3, 1.0, new double[3], 1, y, 0)), "x[1, 3]");
            assertThrows(IndexOutOfBoundsException.class,
                    () -> VecMathGen.axpy(Integer.MAX_VALUE, 1.0, new double[3], 1, y, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> VecMathGen.axpy(-1, 1.0, new double[3], 0, y, 0));
        });
    }
}
