package org.jgil.kernels;

import static org.jgil.kernels.KernelTesting.NATIVE_MODES;
import static org.jgil.kernels.KernelTesting.U;
import static org.jgil.kernels.KernelTesting.contents;
import static org.jgil.kernels.KernelTesting.directCopy;
import static org.jgil.kernels.KernelTesting.directInts;
import static org.jgil.kernels.KernelTesting.held;
import static org.jgil.kernels.KernelTesting.random;
import static org.jgil.kernels.KernelTesting.withIsa;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every kernel's native result, in HELD, RELEASED and AUTO, on every instruction set this CPU
 * has, on arrays and on direct buffers, equals the pure-Java result: exactly for integers, escape
 * counts and (on the portable path) axpy and nbody; within a rounding bound for floating-point
 * sums, where the vector code adds in another order: {@code 2 n 2^-53 sum|terms|}, twice the
 * classic bound for recursive summation since both sides round.
 */
@Timeout(120)
class KernelAgreementTest {
    // Sizes that are not multiples of any vector width or block, so tails and edges run.
    private static final int[] LENGTHS = {0, 1, 7, 8, 9, 31, 1000, 100_003};

    private static void within(double expected, double actual, double tolerance, String what) {
        assertTrue(Math.abs(expected - actual) <= tolerance, () -> what + ": expected " + expected + " got " + actual
                + " (difference " + Math.abs(expected - actual) + " > tolerance " + tolerance + ")");
    }

    @ParameterizedTest
    @EnumSource(Isa.class)
    void dotAndSum(Isa isa) {
        assumeTrue(isa.isSupported(), isa + " not supported by this CPU");
        withIsa(isa, () -> {
            for (int n : LENGTHS) {
                double[] x = random(n, n), y = random(n, n + 1);
                double javaDot = held(() -> Blas.dot(x, y, Mode.JAVA));
                double javaSum = held(() -> Blas.sum(x, Mode.JAVA));
                double absDot = 0, absSum = 0;
                for (int i = 0; i < n; i++) {
                    absDot += Math.abs(x[i] * y[i]);
                    absSum += Math.abs(x[i]);
                }
                double tolDot = 2.0 * n * U * absDot, tolSum = 2.0 * n * U * absSum;
                DoubleBuffer bx = directCopy(x, 3), by = directCopy(y, 5);
                for (Mode mode : NATIVE_MODES) {
                    String what = isa + " " + mode + " n=" + n;
                    within(javaDot, held(() -> Blas.dot(x, y, mode)), tolDot, "dot " + what);
                    within(javaDot, held(() -> Blas.dot(bx, by, mode)), tolDot, "dot buffers " + what);
                    within(javaSum, held(() -> Blas.sum(x, mode)), tolSum, "sum " + what);
                    within(javaSum, held(() -> Blas.sum(bx, mode)), tolSum, "sum buffer " + what);
                }
                assertEquals(javaDot, held(() -> Blas.dot(bx, by, Mode.JAVA)), "JAVA on buffers = JAVA on arrays");
                assertEquals(3, bx.position(), "the kernels leave positions alone");
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Isa.class)
    void axpyWritesOnlyItsRange(Isa isa) {
        assumeTrue(isa.isSupported(), isa + " not supported by this CPU");
        withIsa(isa, () -> {
            for (int n : LENGTHS) {
                double[] x = random(n + 4, 1), y0 = random(n + 6, 2);
                double a = 0.7;
                double[] expected = y0.clone();
                held(() -> Blas.axpy(a, x, 4, expected, 2, n, Mode.JAVA));
                for (Mode mode : NATIVE_MODES) {
                    String what = isa + " " + mode + " n=" + n;
                    double[] y = y0.clone();
                    held(() -> Blas.axpy(a, x, 4, y, 2, n, mode));
                    // [0, 2) and [2 + n, n + 6) must be untouched.
                    for (int i = 0; i < y.length; i++) {
                        double xi = x[Math.max(0, Math.min(x.length - 1, i + 2))];
                        double tol = isa == Isa.SCALAR ? 0 : 2 * U * (Math.abs(a * xi) + Math.abs(y0[i]));
                        if (i < 2 || i >= 2 + n) {
                            assertEquals(y0[i], y[i], "axpy wrote y[" + i + "] outside [2, 2 + n) " + what);
                        } else {
                            within(expected[i], y[i], tol, "axpy y[" + i + "] " + what);
                        }
                    }
                    // Direct buffers: the NaN padding around the range must stay NaN.
                    DoubleBuffer bx = directCopy(java.util.Arrays.copyOfRange(x, 4, 4 + n), 1);
                    DoubleBuffer by = directCopy(java.util.Arrays.copyOfRange(y0, 2, 2 + n), 3);
                    held(() -> Blas.axpy(a, bx, by, mode));
                    double[] got = contents(by);
                    for (int i = 0; i < n; i++) {
                        double tol = isa == Isa.SCALAR ? 0 : 2 * U * (Math.abs(a * x[4 + i]) + Math.abs(y0[2 + i]));
                        within(expected[2 + i], got[i], tol, "axpy buffer y[" + i + "] " + what);
                    }
                    for (int i = 0; i < by.capacity(); i++) {
                        if (i < 3 || i >= 3 + n) {
                            assertTrue(Double.isNaN(KernelTesting.at(by, i)), "axpy wrote buffer element " + i + " "
                                    + what);
                        }
                    }
                }
            }
            // The same range for x and y (y += a*y) is allowed.
            double[] y = random(100, 3), expected = y.clone();
            held(() -> Blas.axpy(2.0, expected, expected, Mode.JAVA));
            held(() -> Blas.axpy(2.0, y, y, Mode.RELEASED));
            assertArrayEquals(expected, y, "y += 2*y is y * 3 exactly, in any order");
        });
    }

    @ParameterizedTest
    @EnumSource(Isa.class)
    void gemm(Isa isa) {
        assumeTrue(isa.isSupported(), isa + " not supported by this CPU");
        withIsa(isa, () -> {
            int[][] shapes = {{1, 1, 1}, {5, 3, 7}, {13, 17, 19}, {97, 33, 257}, {130, 70, 300}, {0, 4, 4}, {4, 4, 0}};
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                double[] a = random(m * k + 3, 7), b = random(k * n + 2, 8);
                double[] absA = a.clone(), absB = b.clone();
                for (int i = 0; i < absA.length; i++) {
                    absA[i] = Math.abs(absA[i]);
                }
                for (int i = 0; i < absB.length; i++) {
                    absB[i] = Math.abs(absB[i]);
                }
                double[] expected = new double[m * n + 5], bound = new double[m * n + 5];
                held(() -> Blas.gemm(m, n, k, a, 3, b, 2, expected, 1, Mode.JAVA));
                held(() -> Blas.gemm(m, n, k, absA, 3, absB, 2, bound, 1, Mode.JAVA));
                for (Mode mode : NATIVE_MODES) {
                    String what = isa + " " + mode + " " + m + "x" + n + "x" + k;
                    double[] c = new double[m * n + 5];
                    java.util.Arrays.fill(c, Double.NaN); // also proves C is overwritten, not accumulated
                    held(() -> Blas.gemm(m, n, k, a, 3, b, 2, c, 1, mode));
                    for (int i = 0; i < c.length; i++) {
                        if (i < 1 || i >= 1 + m * n) {
                            assertTrue(Double.isNaN(c[i]), "gemm wrote c[" + i + "] outside its range " + what);
                        } else {
                            within(expected[i], c[i], 2.0 * k * U * bound[i], "gemm c[" + i + "] " + what);
                        }
                    }
                    DoubleBuffer ba = directCopy(java.util.Arrays.copyOfRange(a, 3, 3 + m * k), 2);
                    DoubleBuffer bb = directCopy(java.util.Arrays.copyOfRange(b, 2, 2 + k * n), 0);
                    DoubleBuffer bc = directCopy(new double[m * n], 4);
                    held(() -> Blas.gemm(m, n, k, ba, bb, bc, mode));
                    double[] got = contents(bc);
                    for (int i = 0; i < m * n; i++) {
                        within(expected[1 + i], got[i], 2.0 * k * U * bound[1 + i], "gemm buffer c[" + i + "] " + what);
                    }
                    for (int i = 0; i < bc.capacity(); i++) {
                        if (i < 4 || i >= 4 + m * n) {
                            assertTrue(Double.isNaN(KernelTesting.at(bc, i)), "gemm wrote buffer element " + i + " "
                                    + what);
                        }
                    }
                }
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Isa.class)
    void squareGemmAt512(Isa isa) {
        assumeTrue(isa.isSupported(), isa + " not supported by this CPU");
        withIsa(isa, () -> {
            int n = 512;
            double[] a = random(n * n, 11), b = random(n * n, 12), expected = new double[n * n], c = new double[n * n];
            held(() -> Blas.gemm(n, a, b, expected, Mode.JAVA));
            held(() -> Blas.gemm(n, a, b, c, Mode.RELEASED));
            // |a|, |b| <= 1, so (|A||B|)_ij <= n.
            for (int i = 0; i < c.length; i++) {
                within(expected[i], c[i], 2.0 * n * U * n, "gemm 512 c[" + i + "] " + isa);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Isa.class)
    void mandelbrotCountsAreExact(Isa isa) {
        assumeTrue(isa.isSupported(), isa + " not supported by this CPU");
        withIsa(isa, () -> {
            // Widths that leave vector tails; views across the set's boundary where one fused
            // multiply-add instead of a multiply and an add changes counts (the last two do, on
            // this project's development machine, if mandelbrot.c is built with contraction on).
            double[][] views = { // x0, y0, width of view, height of view, maxIter, grid w, grid h
                {-2.1, -1.2, 2.6, 2.4, 500, 1, 1}, {-2.1, -1.2, 2.6, 2.4, 500, 3, 2}, {-2.1, -1.2, 2.6, 2.4, 500, 8, 8},
                {-2.1, -1.2, 2.6, 2.4, 500, 37, 29}, {-1.25, 0.02, 0.05, 0.05, 2000, 203, 101},
                {-0.7436447860, 0.1318252536, 0.00002, 0.00002, 5000, 203, 101}};
            for (double[] v : views) {
                int w = (int) v[5], h = (int) v[6], maxIter = (int) v[4];
                double x0 = v[0], y0 = v[1], dx = v[2] / w, dy = v[3] / h;
                int[] expected = new int[w * h + 3];
                held(() -> Mandelbrot.compute(w, h, x0, y0, dx, dy, maxIter, expected, 2, Mode.JAVA));
                for (Mode mode : NATIVE_MODES) {
                    String what = w + "x" + h + " at " + x0 + "," + y0 + " " + isa + " " + mode;
                    int[] out = new int[w * h + 3];
                    java.util.Arrays.fill(out, -7);
                    held(() -> Mandelbrot.compute(w, h, x0, y0, dx, dy, maxIter, out, 2, mode));
                    int[] want = expected.clone();
                    want[0] = want[1] = want[w * h + 2] = -7;
                    assertArrayEquals(want, out, "mandelbrot " + what);
                    IntBuffer buf = directInts(w * h + 4);
                    for (int i = 0; i < buf.capacity(); i++) {
                        buf.put(i, -7);
                    }
                    buf.position(1).limit(1 + w * h);
                    held(() -> Mandelbrot.compute(w, h, x0, y0, dx, dy, maxIter, buf, mode));
                    for (int i = 0; i < buf.capacity(); i++) {
                        int wanted = i >= 1 && i < 1 + w * h ? expected[2 + i - 1] : -7;
                        assertEquals(wanted, KernelTesting.at(buf, i), "mandelbrot buffer element " + i + " " + what);
                    }
                }
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Isa.class)
    void montecarloIsExactAndSeeded(Isa isa) {
        assumeTrue(isa.isSupported(), isa + " not supported by this CPU");
        withIsa(isa, () -> {
            for (long samples : new long[] {0, 1, 7, 8, 9, 1000, 3_000_001}) {
                long expected = held(() -> MonteCarlo.hits(samples, 1234, Mode.JAVA));
                for (Mode mode : NATIVE_MODES) {
                    assertEquals(expected, (long) held(() -> MonteCarlo.hits(samples, 1234, mode)),
                            "montecarlo hits, " + samples + " samples, " + isa + " " + mode);
                }
            }
            double pi = held(() -> MonteCarlo.pi(3_000_001, 99, Mode.AUTO));
            assertEquals(Math.PI, pi, 0.01, "3M samples estimate pi to about 1e-3");
            long a = held(() -> MonteCarlo.hits(100_000, 1, Mode.HELD));
            long b = held(() -> MonteCarlo.hits(100_000, 2, Mode.HELD));
            assertTrue(a != b, "different seeds should give different counts");
        });
    }

    @ParameterizedTest
    @EnumSource(Isa.class)
    void nbody(Isa isa) {
        assumeTrue(isa.isSupported(), isa + " not supported by this CPU");
        withIsa(isa, () -> {
            for (int n : new int[] {1, 2, 7, 9, 100, 257}) {
                double dt = 1e-3;
                double[] start = NBody.randomState(n, n);
                double[] padded = new double[7 * n + 4];
                java.util.Arrays.fill(padded, Double.NaN);
                System.arraycopy(start, 0, padded, 2, 7 * n);
                double[] expected = start.clone();
                held(() -> NBody.step(expected, dt, Mode.JAVA));
                double[] force = forceBound(start, n);
                for (Mode mode : NATIVE_MODES) {
                    String what = isa + " " + mode + " n=" + n;
                    double[] s = padded.clone();
                    held(() -> NBody.step(s, 2, n, dt, mode));
                    assertTrue(Double.isNaN(s[0]) && Double.isNaN(s[1]) && Double.isNaN(s[7 * n + 2])
                            && Double.isNaN(s[7 * n + 3]), "nbody wrote outside its range " + what);
                    compare(expected, java.util.Arrays.copyOfRange(s, 2, 2 + 7 * n), force, n, dt, isa, what);
                    DoubleBuffer buf = directCopy(start, 3);
                    held(() -> NBody.step(buf, n, dt, mode));
                    compare(expected, contents(buf), force, n, dt, isa, what + " buffer");
                    assertTrue(Double.isNaN(KernelTesting.at(buf, 2)) && Double.isNaN(KernelTesting.at(buf, 3 + 7 * n)),
                            "nbody wrote outside the buffer range " + what);
                }
            }
        });
    }

    /** Per body, the sum of the force terms' magnitudes: what the rounding error scales with. */
    private static double[] forceBound(double[] s, int n) {
        double[] bound = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dx = s[j] - s[i], dy = s[n + j] - s[n + i], dz = s[2 * n + j] - s[2 * n + i];
                double r2 = dx * dx + dy * dy + dz * dz + NBody.SOFTENING2;
                bound[i] += s[6 * n + j] * Math.sqrt(dx * dx + dy * dy + dz * dz) / (r2 * Math.sqrt(r2));
            }
        }
        return bound;
    }

    private static void compare(double[] expected, double[] got, double[] force, int n, double dt, Isa isa,
            String what) {
        if (isa == Isa.SCALAR) {
            assertArrayEquals(expected, got, "the portable nbody does Java's operations in Java's order: " + what);
            return;
        }
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < n; i++) {
                int v = (3 + c) * n + i, x = c * n + i;
                // acceleration: order and FMA, (2n + 16) u per unit of force; then one rounding per update
                double tolV = dt * (2.0 * n + 16) * U * force[i] + 4 * U * Math.abs(expected[v]);
                double tolX = dt * tolV + 4 * U * Math.abs(expected[x]) + 4 * U * dt * Math.abs(expected[v]);
                within(expected[v], got[v], tolV, "velocity " + c + " of body " + i + " " + what);
                within(expected[x], got[x], tolX, "position " + c + " of body " + i + " " + what);
            }
        }
        for (int i = 6 * n; i < 7 * n; i++) {
            assertEquals(expected[i], got[i], "masses never change " + what);
        }
    }

    @ParameterizedTest
    @EnumSource(Isa.class)
    void integerKernelsAreExact(Isa isa) {
        assumeTrue(isa.isSupported(), isa + " not supported by this CPU");
        withIsa(isa, () -> {
            int[] limits = {0, 1, 2, 3, 4, 5, 10, 100, 1000, 7919, 7920, 1_000_000};
            int[] known = {0, 0, 0, 1, 2, 2, 4, 25, 168, 999, 1000, 78498};
            for (int t = 0; t < limits.length; t++) {
                int n = limits[t];
                assertEquals(known[t], (int) held(() -> Primes.countBelow(n, Mode.JAVA)), "Java sieve below " + n);
                for (Mode mode : NATIVE_MODES) {
                    assertEquals(known[t], (int) held(() -> Primes.countBelow(n, mode)), "sieve below " + n + " "
                            + mode);
                }
            }
            long iterations = Synthetic.spinIterations(200);
            assertTrue(iterations > 0, "200 us of spinning is some iterations");
            for (Mode mode : NATIVE_MODES) {
                long expected = held(() -> Synthetic.spin(200, 77, Mode.JAVA));
                assertEquals(expected, (long) held(() -> Synthetic.spin(200, 77, mode)), "spin " + mode);
                assertTrue(expected != held(() -> Synthetic.spin(200, 78, mode)), "spin depends on its seed");
            }
        });
    }

    /** The JAVA mode's buffer paths are the same maths as its array paths, bit for bit. */
    @org.junit.jupiter.api.Test
    void javaModeOnBuffersEqualsJavaModeOnArrays() {
        int n = 1001;
        double[] x = random(n, 21), y = random(n, 22);
        assertEquals((double) held(() -> Blas.sum(x, Mode.JAVA)),
                (double) held(() -> Blas.sum(directCopy(x, 1), Mode.JAVA)));
        double[] ya = y.clone();
        DoubleBuffer yb = directCopy(y, 2);
        held(() -> Blas.axpy(0.3, x, ya, Mode.JAVA));
        held(() -> Blas.axpy(0.3, directCopy(x, 0), yb, Mode.JAVA));
        assertArrayEquals(ya, contents(yb));
        int m = 23;
        double[] a = random(m * m, 23), b = random(m * m, 24), c = new double[m * m];
        held(() -> Blas.gemm(m, a, b, c, Mode.JAVA));
        DoubleBuffer cb = directCopy(new double[m * m], 1);
        held(() -> Blas.gemm(m, directCopy(a, 0), directCopy(b, 3), cb, Mode.JAVA));
        assertArrayEquals(c, contents(cb));
        int[] counts = new int[30 * 20];
        IntBuffer cbuf = directInts(30 * 20);
        held(() -> Mandelbrot.compute(30, 20, -2, -1, 0.1, 0.1, 100, counts, 0, Mode.JAVA));
        held(() -> Mandelbrot.compute(30, 20, -2, -1, 0.1, 0.1, 100, cbuf, Mode.JAVA));
        int[] got = new int[counts.length];
        cbuf.get(0, got);
        assertArrayEquals(counts, got);
        double[] st = NBody.randomState(50, 3);
        DoubleBuffer sb = directCopy(st, 2);
        held(() -> NBody.step(st, 0.01, Mode.JAVA));
        held(() -> NBody.step(sb, 50, 0.01, Mode.JAVA));
        assertArrayEquals(st, contents(sb));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void sleepReturnsInEveryMode(Mode mode) {
        long start = System.nanoTime();
        held(() -> Synthetic.sleep(2000, mode));
        // A lower bound only: sleeping at least as long as asked is the contract.
        assertTrue(System.nanoTime() - start >= 2_000_000, "slept less than 2 ms in " + mode);
    }
}
