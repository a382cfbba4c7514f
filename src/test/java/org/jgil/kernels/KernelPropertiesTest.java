package org.jgil.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.jgil.Gil;

/**
 * Bad input: properties over every kernel's arguments (null, empty, mismatched lengths,
 * negative and overflowing sizes, offsets at and past the ends, huge values, NaN and infinities),
 * in every mode. For each generated call a model of the documented checks says which exception
 * must come (the first failing check wins) or that the call must succeed; either way nothing
 * outside the output's range may change (canaries: the arrays are compared bit for bit outside
 * the range, and whole when the call throws), and a successful call must agree with a reference.
 * The number of cases tried is printed at the end and recorded in docs/reliability.md.
 */
class KernelPropertiesTest {
    private static final Map<String, AtomicLong> TRIES = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, AtomicLong>> OUTCOMES = new ConcurrentHashMap<>();

    private static void tried(String property, Throwable outcome) {
        TRIES.computeIfAbsent(property, p -> new AtomicLong()).incrementAndGet();
        String kind = outcome == null ? "ok" : outcome.getClass().getSimpleName();
        OUTCOMES.computeIfAbsent(property, p -> new ConcurrentHashMap<>())
                .computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    @AfterContainer
    static void report() {
        long total = TRIES.values().stream().mapToLong(AtomicLong::get).sum();
        StringBuilder b = new StringBuilder("[jgil properties] " + total + " cases tried over " + TRIES.size()
                + " properties:");
        new TreeMap<>(TRIES).forEach((p, n) -> b.append("\n  ").append(p).append(": ").append(n).append(' ')
                .append(new TreeMap<>(OUTCOMES.get(p))));
        System.out.println(b);
    }

    // ---------------------------------------------------------------- the model

    /** The first failing check decides; null means the call must succeed. */
    private static final class Expect {
        Class<? extends Throwable> type;

        Expect when(boolean bad, Class<? extends Throwable> t) {
            if (type == null && bad) {
                type = t;
            }
            return this;
        }

        Expect npe(boolean bad) {
            return when(bad, NullPointerException.class);
        }

        Expect iae(boolean bad) {
            return when(bad, IllegalArgumentException.class);
        }

        Expect ioobe(boolean bad) {
            return when(bad, IndexOutOfBoundsException.class);
        }
    }

    private static boolean badRange(int off, int n, int length) {
        return off < 0 || n < 0 || (long) off + n > length;
    }

    private static boolean overflows(int a, int b) {
        return (long) a * b > Integer.MAX_VALUE;
    }

    private static Throwable call(Runnable kernel) {
        try {
            Gil.run(kernel);
            return null;
        } catch (RuntimeException | Error e) {
            return e;
        }
    }

    private static void assertOutcome(Class<? extends Throwable> expected, Throwable actual) {
        if (expected == null) {
            if (actual != null) {
                throw new AssertionError("expected success, got " + actual, actual);
            }
        } else if (actual == null) {
            fail("expected " + expected.getSimpleName() + ", but the call succeeded");
        } else if (!expected.isInstance(actual)) {
            throw new AssertionError("expected " + expected.getSimpleName() + ", got " + actual, actual);
        }
    }

    /** Bit-for-bit equality of two arrays outside [from, to) (all of them if from == to). */
    private static void unchangedOutside(double[] before, double[] after, long from, long to, String name) {
        for (int i = 0; i < before.length; i++) {
            if ((i < from || i >= to)
                    && Double.doubleToRawLongBits(before[i]) != Double.doubleToRawLongBits(after[i])) {
                fail(name + "[" + i + "] outside the range [" + from + ", " + to + ") changed from " + before[i]
                        + " to " + after[i]);
            }
        }
    }

    private static boolean moderate(double[] a, int off, int n) {
        for (int i = off; i < off + n; i++) {
            if (!(Math.abs(a[i]) <= 1e6)) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyNaN(double[] a, int off, int n) {
        for (int i = off; i < off + n; i++) {
            if (Double.isNaN(a[i])) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- generators

    @Provide
    Arbitrary<double[]> arrays() {
        Arbitrary<Double> values = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.doubles().between(-100, 100)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, -0.0, 1e300)));
        return values.array(double[].class).ofMaxSize(40).injectNull(0.05);
    }

    @Provide
    Arbitrary<Integer> offsets() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(0, 6)),
                net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(0, 42)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(-1, -2, Integer.MIN_VALUE, Integer.MAX_VALUE,
                        Integer.MAX_VALUE - 1, 1 << 30)));
    }

    @Provide
    Arbitrary<Integer> sizes() {
        return offsets();
    }

    @Provide
    Arbitrary<Integer> dims() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(0, 7)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(-1, Integer.MIN_VALUE, 46341, 65536, Integer.MAX_VALUE)));
    }

    @Provide
    Arbitrary<Mode> modes() {
        return Arbitraries.of(Mode.values()).injectNull(0.03);
    }

    @Provide
    Arbitrary<Double> scalars() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.doubles().between(-10, 10)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                        Double.MAX_VALUE, -0.0)));
    }

    /** A buffer: null, heap, big-endian direct, read-only direct, or native direct, with a random window. */
    @Provide
    Arbitrary<DoubleBuffer> buffers() {
        Arbitrary<Integer> kinds = Arbitraries.frequency(
                net.jqwik.api.Tuple.of(1, 0), net.jqwik.api.Tuple.of(1, 1), net.jqwik.api.Tuple.of(1, 2),
                net.jqwik.api.Tuple.of(1, 3), net.jqwik.api.Tuple.of(12, 4));
        return Combinators.combine(kinds, Arbitraries.integers().between(0, 40), Arbitraries.integers().between(0, 40),
                Arbitraries.integers().between(0, 40), Arbitraries.longs()).as((kind, cap, p, l, seed) -> {
                    if (kind == 0) {
                        return null;
                    }
                    DoubleBuffer b = kind == 1 ? DoubleBuffer.allocate(cap)
                            : ByteBuffer.allocateDirect(cap * 8)
                                    .order(kind == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.nativeOrder()).asDoubleBuffer();
                    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
                    for (int i = 0; i < cap; i++) {
                        b.put(i, r.nextInt(20) == 0 ? Double.NaN : r.nextDouble(-10, 10));
                    }
                    int limit = Math.min(cap, Math.max(p, l)), position = Math.min(p, limit);
                    b.limit(limit).position(position);
                    return kind == 3 ? b.asReadOnlyBuffer() : b;
                });
    }

    /** Moves the window of {@code b} (if it has room) to hold exactly {@code n} elements: a valid call. */
    private static void fitWindow(DoubleBuffer b, int n) {
        if (b != null && n <= b.capacity()) {
            int start = Math.min(b.position(), b.capacity() - n);
            b.limit(start + n).position(start);
        }
    }

    private static double[] contents(DoubleBuffer b) {
        if (b == null) {
            return null;
        }
        DoubleBuffer all = b.duplicate();
        all.clear(); // the whole capacity, whatever the window
        double[] a = new double[all.capacity()];
        for (int i = 0; i < a.length; i++) {
            a[i] = all.get(i);
        }
        return a;
    }

    private static Expect direct(Expect e, DoubleBuffer b, boolean writes) {
        return e.npe(b == null)
                .iae(b != null
                        && (!b.isDirect() || b.order() != ByteOrder.nativeOrder() || (writes && b.isReadOnly())));
    }

    // ---------------------------------------------------------------- arrays

    @Property
    void dot(@ForAll("arrays") double[] x, @ForAll("offsets") int xOff, @ForAll("arrays") double[] y,
            @ForAll("offsets") int yOff, @ForAll("sizes") int n, @ForAll("modes") Mode mode) {
        Class<? extends Throwable> expected = new Expect().npe(x == null).npe(y == null).npe(mode == null).iae(n < 0)
                .ioobe(x != null && badRange(xOff, n, x.length)).ioobe(y != null && badRange(yOff, n, y.length)).type;
        double[] x0 = x == null ? null : x.clone(), y0 = y == null ? null : y.clone();
        double[] result = new double[1];
        Throwable t = call(() -> result[0] = Blas.dot(x, xOff, y, yOff, n, mode));
        tried("dot(double[])", t);
        assertOutcome(expected, t);
        assertArrayEquals(x0, x);
        assertArrayEquals(y0, y);
        if (expected == null) {
            if (anyNaN(x, xOff, n) || anyNaN(y, yOff, n)) {
                assertTrue(Double.isNaN(result[0]) , "NaN in, but dot gave " + result[0]);
            } else if (moderate(x, xOff, n) && moderate(y, yOff, n)) {
                double ref = 0, scale = 0;
                for (int i = 0; i < n; i++) {
                    ref += x[xOff + i] * y[yOff + i];
                    scale += Math.abs(x[xOff + i] * y[yOff + i]);
                }
                assertEquals(ref, result[0], 1e-12 * (scale + 1));
            }
        }
    }

    @Property
    void sum(@ForAll("arrays") double[] x, @ForAll("offsets") int off, @ForAll("sizes") int n,
            @ForAll("modes") Mode mode) {
        Class<? extends Throwable> expected = new Expect().npe(x == null).npe(mode == null).iae(n < 0)
                .ioobe(x != null && badRange(off, n, x.length)).type;
        double[] x0 = x == null ? null : x.clone();
        double[] result = new double[1];
        Throwable t = call(() -> result[0] = Blas.sum(x, off, n, mode));
        tried("sum(double[])", t);
        assertOutcome(expected, t);
        assertArrayEquals(x0, x);
        if (expected == null && anyNaN(x, off, n)) {
            assertTrue(Double.isNaN(result[0]));
        } else if (expected == null && moderate(x, off, n)) {
            double ref = 0, scale = 0;
            for (int i = 0; i < n; i++) {
                ref += x[off + i];
                scale += Math.abs(x[off + i]);
            }
            assertEquals(ref, result[0], 1e-12 * (scale + 1));
        }
    }

    @Property
    void axpy(@ForAll("scalars") double a, @ForAll("arrays") double[] x, @ForAll("offsets") int xOff,
            @ForAll("arrays") double[] yOwn, @ForAll("offsets") int yOff, @ForAll("sizes") int n,
            @ForAll boolean aliased, @ForAll("modes") Mode mode) {
        double[] y = aliased ? x : yOwn;
        Class<? extends Throwable> expected = new Expect().npe(x == null).npe(y == null).npe(mode == null).iae(n < 0)
                .ioobe(x != null && badRange(xOff, n, x.length)).ioobe(y != null && badRange(yOff, n, y.length))
                .iae(x == y && xOff != yOff && n > 0 && xOff < yOff + n && yOff < xOff + n).type;
        double[] x0 = x == null ? null : x.clone(), y0 = y == null ? null : y.clone();
        Throwable t = call(() -> Blas.axpy(a, x, xOff, y, yOff, n, mode));
        tried("axpy(double[])", t);
        assertOutcome(expected, t);
        if (expected != null) {
            assertArrayEquals(x0, x);
            assertArrayEquals(y0, y);
            return;
        }
        unchangedOutside(y0, y, yOff, yOff + n, "y");
        if (x != y) {
            assertArrayEquals(x0, x);
        }
        for (int i = 0; i < n; i++) {
            double want = a * x0[xOff + i] + y0[yOff + i], fma = Math.fma(a, x0[xOff + i], y0[yOff + i]);
            double got = y[yOff + i];
            boolean same = Double.compare(got, want) == 0 || Double.compare(got, fma) == 0
                    || (Double.isNaN(got) && (Double.isNaN(want) || Double.isNaN(fma)))
                    || Math.abs(got - want) <= 1e-12 * (Math.abs(a * x0[xOff + i]) + Math.abs(y0[yOff + i]));
            assertTrue(same, "y[" + (yOff + i) + "] = " + got + ", want " + want + " (or " + fma + " fused)");
        }
    }

    @Property
    void gemm(@ForAll("dims") int m, @ForAll("dims") int n, @ForAll("dims") int k, @ForAll("arrays") double[] a,
            @ForAll("offsets") int aOff, @ForAll("arrays") double[] b, @ForAll("offsets") int bOff,
            @ForAll("arrays") double[] cOwn, @ForAll("offsets") int cOff, @ForAll boolean aliased,
            @ForAll("modes") Mode mode) {
        double[] c = aliased ? a : cOwn;
        long mk = (long) m * k, kn = (long) k * n, mn = (long) m * n;
        Class<? extends Throwable> expected = new Expect().iae(m < 0 || n < 0 || k < 0)
                .iae(overflows(m, k) || overflows(k, n) || overflows(m, n))
                .npe(a == null).npe(b == null).npe(c == null).npe(mode == null)
                .ioobe(a != null && badRange(aOff, (int) mk, a.length))
                .ioobe(b != null && badRange(bOff, (int) kn, b.length))
                .ioobe(c != null && badRange(cOff, (int) mn, c.length))
                .iae(c == a && mn > 0 && mk > 0 && cOff < aOff + mk && aOff < cOff + mn)
                .iae(c == b && mn > 0 && kn > 0 && cOff < bOff + kn && bOff < cOff + mn).type;
        double[] a0 = a == null ? null : a.clone(), b0 = b == null ? null : b.clone(),
                c0 = c == null ? null : c.clone();
        Throwable t = call(() -> Blas.gemm(m, n, k, a, aOff, b, bOff, c, cOff, mode));
        tried("gemm(double[])", t);
        assertOutcome(expected, t);
        if (expected != null) {
            assertArrayEquals(a0, a);
            assertArrayEquals(b0, b);
            assertArrayEquals(c0, c);
            return;
        }
        unchangedOutside(c0, c, cOff, cOff + mn, "c");
        if (a != c) {
            assertArrayEquals(a0, a);
        }
        assertArrayEquals(b0, b);
        if (moderate(a0, aOff, (int) mk) && moderate(b0, bOff, (int) kn)) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double ref = 0, scale = 0;
                    for (int p = 0; p < k; p++) {
                        ref += a0[aOff + i * k + p] * b0[bOff + p * n + j];
                        scale += Math.abs(a0[aOff + i * k + p] * b0[bOff + p * n + j]);
                    }
                    assertEquals(ref, c[cOff + i * n + j], 1e-12 * (scale + 1), "c[" + i + "][" + j + "]");
                }
            }
        }
    }

    @Property
    void nbody(@ForAll("arrays") double[] state, @ForAll("offsets") int off, @ForAll("dims") int n,
            @ForAll("scalars") double dt, @ForAll("modes") Mode mode) {
        Class<? extends Throwable> expected = new Expect().iae(n < 0).iae(overflows(7, n)).npe(state == null)
                .npe(mode == null).ioobe(state != null && badRange(off, 7 * n, state.length)).type;
        double[] s0 = state == null ? null : state.clone();
        Throwable t = call(() -> NBody.step(state, off, n, dt, mode));
        tried("nbody(double[])", t);
        assertOutcome(expected, t);
        if (expected != null) {
            assertArrayEquals(s0, state);
        } else {
            unchangedOutside(s0, state, off, off + 7L * n, "state");
        }
    }

    @Property
    void mandelbrot(@ForAll("dims") int width, @ForAll("dims") int height, @ForAll("scalars") double x0,
            @ForAll("scalars") double y0, @ForAll("scalars") double dx, @ForAll("scalars") double dy,
            @ForAll("dims") int maxIterRaw, @ForAll("offsets") int off, @ForAll("sizes") int outLength,
            @ForAll boolean nullOut, @ForAll("modes") Mode mode) {
        int maxIter = maxIterRaw > 100 ? 100 : maxIterRaw; // a huge maxIter is valid, but slow inside the set
        int[] out = nullOut && Math.floorMod(outLength, 8) == 0 ? null : new int[Math.floorMod(outLength, 60)];
        if (out != null) {
            Arrays.fill(out, -7);
        }
        long cells = (long) width * height;
        Class<? extends Throwable> expected = new Expect().iae(width < 0 || height < 0 || maxIter < 0)
                .iae(overflows(width, height)).npe(out == null).npe(mode == null)
                .ioobe(out != null && badRange(off, (int) cells, out.length)).type;
        Throwable t = call(() -> Mandelbrot.compute(width, height, x0, y0, dx, dy, maxIter, out, off, mode));
        tried("mandelbrot(int[])", t);
        assertOutcome(expected, t);
        if (out == null) {
            return;
        }
        int[] javaOut = new int[out.length];
        Arrays.fill(javaOut, -7);
        if (expected == null) {
            Gil.run(() -> Mandelbrot.compute(width, height, x0, y0, dx, dy, maxIter, javaOut, off, Mode.JAVA));
        }
        for (int i = 0; i < out.length; i++) {
            boolean inRange = expected == null && i >= off && i < off + cells;
            if (!inRange) {
                assertEquals(-7, out[i], "out[" + i + "] outside the range was written");
            } else {
                assertTrue(out[i] >= 0 && out[i] <= maxIter, "escape count " + out[i]);
                assertEquals(javaOut[i], out[i], "native and Java escape counts differ at " + i);
            }
        }
    }

    @Property
    void scalarKernels(@ForAll("offsets") int n, @ForAll long seed, @ForAll("modes") Mode mode) {
        int size = n > 20_000 ? 20_000 : n;
        Class<? extends Throwable> expected = new Expect().iae(size < 0).npe(mode == null).type;
        int[] primes = new int[1];
        Throwable t = call(() -> primes[0] = Primes.countBelow(size, mode));
        tried("sieve", t);
        assertOutcome(expected, t);
        if (t == null) {
            assertEquals((int) Gil.call(() -> Primes.countJava(size)), primes[0]);
        }
        long[] hits = new long[1];
        t = call(() -> hits[0] = MonteCarlo.hits(size, seed, mode));
        tried("montecarlo", t);
        assertOutcome(expected, t);
        if (t == null) {
            assertEquals((long) Gil.call(() -> MonteCarlo.hitsJava(size, seed)), hits[0]);
        }
        long micros = size > 30 ? size % 30 : size;
        Class<? extends Throwable> expectedTimed = new Expect().iae(micros < 0).npe(mode == null).type;
        long[] spun = new long[1];
        t = call(() -> spun[0] = Synthetic.spin(micros, seed, mode));
        tried("spin", t);
        assertOutcome(expectedTimed, t);
        t = call(() -> Synthetic.sleep(micros, mode));
        tried("sleep", t);
        assertOutcome(expectedTimed, t);
    }

    // ---------------------------------------------------------------- direct buffers

    @Property
    void dotBuffers(@ForAll("buffers") DoubleBuffer x, @ForAll("buffers") DoubleBuffer y, @ForAll boolean fit,
            @ForAll("modes") Mode mode) {
        if (fit && x != null && y != null) {
            fitWindow(y, x.remaining());
        }
        Expect e = direct(new Expect(), x, false);
        direct(e, y, false).npe(mode == null).iae(x != null && y != null && x.remaining() != y.remaining());
        double[] x0 = contents(x), y0 = contents(y);
        int xp = x == null ? 0 : x.position(), yp = y == null ? 0 : y.position();
        Throwable t = call(() -> Blas.dot(x, y, mode));
        tried("dot(DoubleBuffer)", t);
        assertOutcome(e.type, t);
        assertArrayEquals(x0, contents(x));
        assertArrayEquals(y0, contents(y));
        if (x != null) {
            assertEquals(xp, x.position(), "x's position moved");
        }
        if (y != null) {
            assertEquals(yp, y.position(), "y's position moved");
        }
    }

    @Property
    void sumBuffer(@ForAll("buffers") DoubleBuffer x, @ForAll("modes") Mode mode) {
        Expect e = direct(new Expect(), x, false).npe(mode == null);
        double[] x0 = contents(x);
        double[] result = new double[1];
        Throwable t = call(() -> result[0] = Blas.sum(x, mode));
        tried("sum(DoubleBuffer)", t);
        assertOutcome(e.type, t);
        assertArrayEquals(x0, contents(x));
        if (t == null) {
            double ref = 0;
            boolean nan = false;
            for (int i = x.position(); i < x.limit(); i++) {
                ref += x0[i];
                nan |= Double.isNaN(x0[i]);
            }
            assertEquals(nan ? Double.NaN : ref, result[0], nan ? 0 : 1e-9);
        }
    }

    @Property
    void axpyBuffers(@ForAll("scalars") double a, @ForAll("buffers") DoubleBuffer x, @ForAll("buffers") DoubleBuffer y,
            @ForAll boolean fit, @ForAll("modes") Mode mode) {
        if (fit && x != null && y != null) {
            fitWindow(y, x.remaining());
        }
        Expect e = direct(new Expect(), x, false);
        direct(e, y, true).npe(mode == null).iae(x != null && y != null && x.remaining() != y.remaining());
        double[] x0 = contents(x), y0 = contents(y);
        Throwable t = call(() -> Blas.axpy(a, x, y, mode));
        tried("axpy(DoubleBuffer)", t);
        assertOutcome(e.type, t);
        assertArrayEquals(x0, contents(x));
        if (t != null) {
            assertArrayEquals(y0, contents(y));
        } else {
            unchangedOutside(y0, contents(y), y.position(), y.limit(), "y");
        }
    }

    @Property
    void gemmBuffers(@ForAll("dims") int m, @ForAll("dims") int n, @ForAll("dims") int k,
            @ForAll("buffers") DoubleBuffer a, @ForAll("buffers") DoubleBuffer b, @ForAll("buffers") DoubleBuffer c,
            @ForAll boolean fit, @ForAll("modes") Mode mode) {
        if (fit && m >= 0 && n >= 0 && k >= 0 && !overflows(m, k) && !overflows(k, n) && !overflows(m, n)) {
            fitWindow(a, m * k);
            fitWindow(b, k * n);
            fitWindow(c, m * n);
        }
        Expect e = new Expect().iae(m < 0 || n < 0 || k < 0).iae(overflows(m, k) || overflows(k, n) || overflows(m, n));
        direct(e, a, false);
        direct(e, b, false);
        direct(e, c, true).npe(mode == null)
                .iae(a != null && a.remaining() != (long) m * k).iae(b != null && b.remaining() != (long) k * n)
                .iae(c != null && c.remaining() != (long) m * n);
        double[] a0 = contents(a), b0 = contents(b), c0 = contents(c);
        Throwable t = call(() -> Blas.gemm(m, n, k, a, b, c, mode));
        tried("gemm(DoubleBuffer)", t);
        assertOutcome(e.type, t);
        assertArrayEquals(a0, contents(a));
        assertArrayEquals(b0, contents(b));
        if (t != null) {
            assertArrayEquals(c0, contents(c));
        } else {
            unchangedOutside(c0, contents(c), c.position(), c.limit(), "c");
        }
    }

    @Property
    void nbodyBuffer(@ForAll("buffers") DoubleBuffer state, @ForAll("dims") int n, @ForAll("scalars") double dt,
            @ForAll boolean fit, @ForAll("modes") Mode mode) {
        if (fit && n >= 0 && !overflows(7, n)) {
            fitWindow(state, 7 * n);
        }
        Expect e = new Expect().iae(n < 0).iae(overflows(7, n));
        direct(e, state, true).npe(mode == null).iae(state != null && state.remaining() != 7L * n);
        double[] s0 = contents(state);
        Throwable t = call(() -> NBody.step(state, n, dt, mode));
        tried("nbody(DoubleBuffer)", t);
        assertOutcome(e.type, t);
        if (t != null) {
            assertArrayEquals(s0, contents(state));
        } else {
            unchangedOutside(s0, contents(state), state.position(), state.limit(), "state");
        }
    }
}
