package org.jgil.kernels;

import static org.jgil.kernels.KernelTesting.directDoubles;
import static org.jgil.kernels.KernelTesting.directInts;
import static org.jgil.kernels.KernelTesting.held;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Every class of bad argument, for every kernel and every mode, gives the right exception with a
 * message naming the argument, before anything is written. The Java checks come first; the C
 * checks behind them are tested by calling the natives directly.
 */
@Timeout(60)
class KernelArgumentTest {
    private record Case(String name, Class<? extends Throwable> type, String mentions, Executable call) {}

    private static final double[] A4 = new double[4], B4 = new double[4], C4 = new double[4];

    private static DoubleBuffer bigEndian(int n) {
        return ByteBuffer.allocateDirect(n * 8).order(ByteOrder.BIG_ENDIAN).asDoubleBuffer();
    }

    /** Two direct views of overlapping memory. */
    private static DoubleBuffer[] overlapping(int n, int shift) {
        ByteBuffer bytes = ByteBuffer.allocateDirect((n + shift) * 8).order(ByteOrder.nativeOrder());
        DoubleBuffer first = bytes.duplicate().order(ByteOrder.nativeOrder()).asDoubleBuffer();
        first.limit(n);
        DoubleBuffer second = bytes.duplicate().position(shift * 8).order(ByteOrder.nativeOrder()).asDoubleBuffer();
        second.limit(n);
        return new DoubleBuffer[] {first, second};
    }

    private static List<Case> cases(Mode mode) {
        List<Case> c = new ArrayList<>();
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        Class<IndexOutOfBoundsException> ioobe = IndexOutOfBoundsException.class;
        Class<NullPointerException> npe = NullPointerException.class;
        double[] x = new double[10], y = new double[10];
        DoubleBuffer d10 = directDoubles(10), e10 = directDoubles(10);
        // dot
        c.add(new Case("dot null x", npe, "x", () -> Blas.dot(null, y, mode)));
        c.add(new Case("dot null y", npe, "y", () -> Blas.dot(x, 0, null, 0, 1, mode)));
        c.add(new Case("dot null mode", npe, "mode", () -> Blas.dot(x, y, null)));
        c.add(new Case("dot lengths", iae, "lengths", () -> Blas.dot(x, new double[9], mode)));
        c.add(new Case("dot negative n", iae, "n", () -> Blas.dot(x, 0, y, 0, -1, mode)));
        c.add(new Case("dot xOff", ioobe, "xOff", () -> Blas.dot(x, 5, y, 0, 6, mode)));
        c.add(new Case("dot negative yOff", ioobe, "yOff", () -> Blas.dot(x, 0, y, -1, 2, mode)));
        c.add(new Case("dot huge offset", ioobe, "xOff", () -> Blas.dot(x, Integer.MAX_VALUE, y, 0, 2, mode)));
        c.add(new Case("dot heap buffer", iae, "direct", () -> Blas.dot(DoubleBuffer.allocate(10), e10, mode)));
        c.add(new Case("dot byte order", iae, "byte order", () -> Blas.dot(d10, bigEndian(10), mode)));
        c.add(new Case("dot remaining", iae, "y", () -> Blas.dot(d10, directDoubles(9), mode)));
        c.add(new Case("dot null buffer", npe, "x", () -> Blas.dot((DoubleBuffer) null, e10, mode)));
        // sum
        c.add(new Case("sum null", npe, "x", () -> Blas.sum((double[]) null, mode)));
        c.add(new Case("sum negative n", iae, "n", () -> Blas.sum(x, 0, -3, mode)));
        c.add(new Case("sum off", ioobe, "off", () -> Blas.sum(x, 11, 0, mode)));
        c.add(new Case("sum heap buffer", iae, "direct", () -> Blas.sum(DoubleBuffer.wrap(x), mode)));
        c.add(new Case("sum byte order", iae, "byte order", () -> Blas.sum(bigEndian(3), mode)));
        // axpy
        c.add(new Case("axpy null x", npe, "x", () -> Blas.axpy(1, null, y, mode)));
        c.add(new Case("axpy null y", npe, "y", () -> Blas.axpy(1, x, 0, null, 0, 1, mode)));
        c.add(new Case("axpy lengths", iae, "lengths", () -> Blas.axpy(1, x, new double[11], mode)));
        c.add(new Case("axpy negative n", iae, "n", () -> Blas.axpy(1, x, 0, y, 0, -1, mode)));
        c.add(new Case("axpy yOff", ioobe, "yOff", () -> Blas.axpy(1, x, 0, y, 8, 3, mode)));
        c.add(new Case("axpy overlap", iae, "overlap", () -> Blas.axpy(1, x, 0, x, 1, 5, mode)));
        c.add(new Case("axpy read-only y", iae, "read-only", () -> Blas.axpy(1, d10, e10.asReadOnlyBuffer(), mode)));
        c.add(new Case("axpy heap y", iae, "direct", () -> Blas.axpy(1, d10, DoubleBuffer.allocate(10), mode)));
        c.add(new Case("axpy remaining", iae, "y", () -> Blas.axpy(1, d10, directDoubles(11), mode)));
        // gemm
        c.add(new Case("gemm negative n", iae, "n", () -> Blas.gemm(-1, A4, B4, C4, mode)));
        c.add(new Case("gemm n*n overflow", iae, "n * n", () -> Blas.gemm(50_000, A4, B4, C4, mode)));
        c.add(new Case("gemm m*k overflow", iae, "m * k", () ->
                Blas.gemm(70_000, 1, 70_000, A4, 0, B4, 0, C4, 0, mode)));
        c.add(new Case("gemm null a", npe, "a", () -> Blas.gemm(2, null, B4, C4, mode)));
        c.add(new Case("gemm null c", npe, "c", () -> Blas.gemm(2, 2, 2, A4, 0, B4, 0, null, 0, mode)));
        c.add(new Case("gemm length b", iae, "b", () -> Blas.gemm(2, A4, new double[5], C4, mode)));
        // Too long, not too short: the message must not read as if the array lacked room.
        c.add(new Case("gemm length a too long", iae, "needs exactly n * n = 4",
                () -> Blas.gemm(2, new double[1000], B4, C4, mode)));
        c.add(new Case("gemm negative k", iae, "k", () -> Blas.gemm(2, 2, -2, A4, 0, B4, 0, C4, 0, mode)));
        c.add(new Case("gemm aOff", ioobe, "aOff", () -> Blas.gemm(2, 2, 2, A4, 1, B4, 0, C4, 0, mode)));
        c.add(new Case("gemm cOff", ioobe, "cOff", () -> Blas.gemm(2, 2, 2, A4, 0, B4, 0, new double[6], 3, mode)));
        c.add(new Case("gemm c aliases a", iae, "c and a", () -> Blas.gemm(2, A4, B4, A4, mode)));
        c.add(new Case("gemm heap buffer", iae, "direct", () ->
                Blas.gemm(2, directDoubles(4), DoubleBuffer.allocate(4), directDoubles(4), mode)));
        c.add(new Case("gemm remaining", iae, "c", () ->
                Blas.gemm(2, directDoubles(4), directDoubles(4), directDoubles(5), mode)));
        c.add(new Case("gemm read-only c", iae, "read-only", () ->
                Blas.gemm(2, directDoubles(4), directDoubles(4), directDoubles(4).asReadOnlyBuffer(), mode)));
        // mandelbrot
        int[] out = new int[12];
        IntBuffer io = directInts(12);
        c.add(new Case("mandelbrot negative width", iae, "width", () ->
                Mandelbrot.compute(-1, 2, 0, 0, 1, 1, 9, out, 0, mode)));
        c.add(new Case("mandelbrot negative height", iae, "height", () ->
                Mandelbrot.compute(2, -2, 0, 0, 1, 1, 9, out, 0, mode)));
        c.add(new Case("mandelbrot negative maxIter", iae, "maxIter", () ->
                Mandelbrot.compute(2, 2, 0, 0, 1, 1, -9, out, 0, mode)));
        c.add(new Case("mandelbrot overflow", iae, "width * height", () ->
                Mandelbrot.compute(70_000, 70_000, 0, 0, 1, 1, 9, out, 0, mode)));
        c.add(new Case("mandelbrot null out", npe, "out", () ->
                Mandelbrot.compute(2, 2, 0, 0, 1, 1, 9, (int[]) null, 0, mode)));
        c.add(new Case("mandelbrot off", ioobe, "off", () -> Mandelbrot.compute(3, 4, 0, 0, 1, 1, 9, out, 1, mode)));
        c.add(new Case("mandelbrot heap buffer", iae, "direct", () ->
                Mandelbrot.compute(3, 4, 0, 0, 1, 1, 9, IntBuffer.allocate(12), mode)));
        c.add(new Case("mandelbrot remaining", iae, "out", () -> Mandelbrot.compute(3, 3, 0, 0, 1, 1, 9, io, mode)));
        c.add(new Case("mandelbrot read-only", iae, "read-only", () ->
                Mandelbrot.compute(3, 4, 0, 0, 1, 1, 9, io.asReadOnlyBuffer(), mode)));
        // montecarlo-pi
        c.add(new Case("montecarlo negative samples", iae, "samples", () -> MonteCarlo.pi(-1, 0, mode)));
        c.add(new Case("montecarlo null mode", npe, "mode", () -> MonteCarlo.hits(1, 0, null)));
        // nbody
        double[] st = new double[14];
        c.add(new Case("nbody negative n", iae, "n", () -> NBody.step(st, 0, -1, 0.1, mode)));
        c.add(new Case("nbody overflow", iae, "7 * n", () -> NBody.step(st, 0, 400_000_000, 0.1, mode)));
        c.add(new Case("nbody null state", npe, "state", () -> NBody.step((double[]) null, 0, 1, 0.1, mode)));
        c.add(new Case("nbody off", ioobe, "off", () -> NBody.step(st, 1, 2, 0.1, mode)));
        c.add(new Case("nbody length", iae, "multiple of 7", () -> NBody.step(new double[13], 0.1, mode)));
        c.add(new Case("nbody heap buffer", iae, "direct", () -> NBody.step(DoubleBuffer.allocate(14), 2, 0.1, mode)));
        c.add(new Case("nbody remaining", iae, "state", () -> NBody.step(directDoubles(15), 2, 0.1, mode)));
        // sieve, spin, sleep
        c.add(new Case("sieve negative n", iae, "n", () -> Primes.countBelow(-5, mode)));
        c.add(new Case("spin negative micros", iae, "micros", () -> Synthetic.spin(-1, 0, mode)));
        c.add(new Case("sleep negative micros", iae, "micros", () -> Synthetic.sleep(-1, mode)));
        c.add(new Case("sleep null mode", npe, "mode", () -> Synthetic.sleep(1, null)));
        // direct buffers viewing overlapping memory: only native code can see it (C checks)
        if (mode != Mode.JAVA) {
            DoubleBuffer[] xy = overlapping(8, 3);
            c.add(new Case("axpy overlapping buffers", iae, "overlap", () -> Blas.axpy(1, xy[0], xy[1], mode)));
            DoubleBuffer[] ac = overlapping(4, 2);
            c.add(new Case("gemm overlapping buffers", iae, "overlap", () ->
                    Blas.gemm(2, ac[0], directDoubles(4), ac[1], mode)));
        }
        return c;
    }

    @TestFactory
    Stream<DynamicTest> everyBadArgumentInEveryMode() {
        return Stream.of(Mode.values()).flatMap(mode -> cases(mode).stream().map(c ->
                DynamicTest.dynamicTest(mode + ": " + c.name(), () -> {
                    Throwable t = assertThrows(c.type(), () -> held(() -> {
                        try {
                            c.call().execute();
                        } catch (RuntimeException e) {
                            throw e;
                        } catch (Throwable e) {
                            throw new AssertionError(e);
                        }
                    }), c.name());
                    assertTrue(t.getMessage() != null && t.getMessage().contains(c.mentions()),
                            () -> c.name() + ": message '" + t.getMessage() + "' should name '" + c.mentions() + "'");
                })));
    }

    @Test
    void rejectedCallsWriteNothing() {
        double[] y = {1, 2, 3, 4, 5};
        double[] before = y.clone();
        for (Mode mode : Mode.values()) {
            assertThrows(IndexOutOfBoundsException.class, () ->
                    held(() -> Blas.axpy(2, new double[5], 0, y, 2, 4, mode)));
            assertThrows(IllegalArgumentException.class, () -> held(() -> Blas.axpy(2, y, 0, y, 1, 3, mode)));
        }
        assertArrayEquals(before, y);
    }

    /** The natives check again what is cheap; called here past the Java checks. */
    @TestFactory
    Stream<DynamicTest> nativeChecksBehindTheJavaOnes() {
        double[] x = new double[10];
        DoubleBuffer d = directDoubles(10);
        List<Case> c = List.of(
                new Case("native null", NullPointerException.class, "x", () ->
                        KernelNative.dot(null, 0, x, 0, 1, false, false)),
                new Case("native range", IndexOutOfBoundsException.class, "y", () ->
                        KernelNative.dot(x, 0, x, 8, 3, false, true)),
                new Case("native negative off", IndexOutOfBoundsException.class, "x", () ->
                        KernelNative.sum(x, -1, 2, false, false)),
                new Case("native negative n", IllegalArgumentException.class, "n", () ->
                        KernelNative.sum(x, 0, -2, false, false)),
                new Case("native heap buffer", IllegalArgumentException.class, "direct", () ->
                        KernelNative.sum(DoubleBuffer.allocate(3), 0, 1, true, false)),
                new Case("native array as buffer", IllegalArgumentException.class, "direct", () ->
                        KernelNative.sum(x, 0, 1, true, false)),
                new Case("native buffer range", IndexOutOfBoundsException.class, "y", () ->
                        KernelNative.axpy(1, d, 0, d, 5, 6, true, false)),
                new Case("native gemm range", IndexOutOfBoundsException.class, "c", () ->
                        KernelNative.gemm(3, 3, 3, x, 0, x, 0, new double[8], 0, false, false)),
                new Case("native gemm negative", IllegalArgumentException.class, "k", () ->
                        KernelNative.gemm(3, 3, -3, x, 0, x, 0, x, 0, false, false)),
                new Case("native mandelbrot range", IndexOutOfBoundsException.class, "out", () ->
                        KernelNative.mandelbrot(4, 4, 0, 0, 1, 1, 5, new int[15], 0, false, false)),
                new Case("native nbody range", IndexOutOfBoundsException.class, "state", () ->
                        KernelNative.nbodyStep(new double[13], 0, 2, 0.1, false, false)),
                new Case("native sieve", IllegalArgumentException.class, "n", () -> KernelNative.sieve(-1, false)),
                new Case("native spin", IllegalArgumentException.class, "iterations", () ->
                        KernelNative.spin(-1, 0, false)),
                new Case("native sleep", IllegalArgumentException.class, "micros", () -> KernelNative.sleep(-1, false)),
                new Case("native montecarlo", IllegalArgumentException.class, "samples", () ->
                        KernelNative.montecarloPi(-1, 0, false)),
                new Case("native isa", IllegalArgumentException.class, "isa", () -> KernelNative.setIsa(7)));
        return c.stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
            Throwable t = assertThrows(k.type(), () -> held(() -> {
                try {
                    k.call().execute();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Throwable e) {
                    throw new AssertionError(e);
                }
            }));
            assertTrue(t.getMessage() != null && t.getMessage().contains(k.mentions()),
                    () -> k.name() + ": message '" + t.getMessage() + "' should name '" + k.mentions() + "'");
        }));
    }
}
