package org.jgil.kernels;

import java.nio.DoubleBuffer;
import org.jgil.Gil;

/**
 * Dense linear algebra on doubles: {@code dot}, {@code sum}, {@code axpy} and {@code gemm}, each
 * on Java arrays (whole, or a range given by offsets) and on direct buffers.
 *
 * <p>Every method runs as its {@link Mode} says; the caller must hold the GIL (for example inside
 * {@link Gil#run(Runnable)}). Buffers must be direct and in native byte order; a buffer's elements
 * are those from its position to its limit, and its position is not changed. Arguments are checked
 * before any native code runs: {@code null} gives a {@link NullPointerException}, a negative size,
 * mismatched lengths or a size overflowing an {@code int} an {@link IllegalArgumentException}, a
 * range outside an array an {@link IndexOutOfBoundsException}; each message names the argument.
 * Nothing outside the output's range is ever written.
 *
 * <p>Results of the native modes equal those of {@link Mode#JAVA} up to floating-point rounding:
 * the vector code adds in a different order and uses fused multiply-adds (see docs/kernels.md).
 */
public final class Blas {
    static {
        KernelNative.ensureLoaded();
    }

    /** Java loops call {@link Gil#checkpoint()} every this many elements. */
    private static final int CHUNK = 4096;

    private Blas() {}

    // ---------------------------------------------------------------- dot

    /** The dot product of two arrays of equal length. */
    public static double dot(double[] x, double[] y, Mode mode) {
        Checks.notNull(x, "x");
        Checks.notNull(y, "y");
        if (x.length != y.length) {
            throw new IllegalArgumentException("x and y have different lengths: " + x.length + " and " + y.length);
        }
        return dot(x, 0, y, 0, x.length, mode);
    }

    /** {@code sum(x[xOff + i] * y[yOff + i])} for {@code i} in {@code [0, n)}. */
    public static double dot(double[] x, int xOff, double[] y, int yOff, int n, Mode mode) {
        Checks.notNull(x, "x");
        Checks.notNull(y, "y");
        Checks.mode(mode, "Blas.dot");
        Checks.nonNegative(n, "n");
        Checks.range("x", "xOff", xOff, n, x.length);
        Checks.range("y", "yOff", yOff, n, y.length);
        if (mode == Mode.JAVA) {
            double s = 0;
            for (int i = 0; i < n; i += CHUNK) {
                int end = Math.min(n, i + CHUNK);
                for (int j = i; j < end; j++) {
                    s += x[xOff + j] * y[yOff + j];
                }
                Gil.checkpoint();
            }
            return s;
        }
        return KernelNative.dot(x, xOff, y, yOff, n, false, mode.releases(dotNanos(n)));
    }

    /** The dot product of the remaining elements of two direct buffers; their counts must match. */
    public static double dot(DoubleBuffer x, DoubleBuffer y, Mode mode) {
        Checks.direct(x, "x", false);
        Checks.direct(y, "y", false);
        Checks.mode(mode, "Blas.dot");
        int n = x.remaining();
        Checks.remaining(y, "y", n, "x.remaining()");
        int xp = x.position(), yp = y.position();
        if (mode == Mode.JAVA) {
            double s = 0;
            for (int i = 0; i < n; i += CHUNK) {
                int end = Math.min(n, i + CHUNK);
                for (int j = i; j < end; j++) {
                    s += x.get(xp + j) * y.get(yp + j);
                }
                Gil.checkpoint();
            }
            return s;
        }
        return KernelNative.dot(x, xp, y, yp, n, true, mode.releases(dotNanos(n)));
    }

    static double dotNanos(long n) {
        return Cost.nanos(n, 0.21, 0.18, 0.19);
    }

    // ---------------------------------------------------------------- sum

    /** The sum of an array's elements. */
    public static double sum(double[] x, Mode mode) {
        Checks.notNull(x, "x");
        return sum(x, 0, x.length, mode);
    }

    /** {@code sum(x[off + i])} for {@code i} in {@code [0, n)}. */
    public static double sum(double[] x, int off, int n, Mode mode) {
        Checks.notNull(x, "x");
        Checks.mode(mode, "Blas.sum");
        Checks.nonNegative(n, "n");
        Checks.range("x", "off", off, n, x.length);
        if (mode == Mode.JAVA) {
            double s = 0;
            for (int i = 0; i < n; i += CHUNK) {
                int end = Math.min(n, i + CHUNK);
                for (int j = i; j < end; j++) {
                    s += x[off + j];
                }
                Gil.checkpoint();
            }
            return s;
        }
        return KernelNative.sum(x, off, n, false, mode.releases(sumNanos(n)));
    }

    /** The sum of a direct buffer's remaining elements. */
    public static double sum(DoubleBuffer x, Mode mode) {
        Checks.direct(x, "x", false);
        Checks.mode(mode, "Blas.sum");
        int n = x.remaining(), p = x.position();
        if (mode == Mode.JAVA) {
            double s = 0;
            for (int i = 0; i < n; i += CHUNK) {
                int end = Math.min(n, i + CHUNK);
                for (int j = i; j < end; j++) {
                    s += x.get(p + j);
                }
                Gil.checkpoint();
            }
            return s;
        }
        return KernelNative.sum(x, p, n, true, mode.releases(sumNanos(n)));
    }

    static double sumNanos(long n) {
        return Cost.nanos(n, 0.18, 0.095, 0.09);
    }

    // ---------------------------------------------------------------- axpy

    /** {@code y += a * x} for two arrays of equal length; {@code x} and {@code y} may be the same array. */
    public static void axpy(double a, double[] x, double[] y, Mode mode) {
        Checks.notNull(x, "x");
        Checks.notNull(y, "y");
        if (x.length != y.length) {
            throw new IllegalArgumentException("x and y have different lengths: " + x.length + " and " + y.length);
        }
        axpy(a, x, 0, y, 0, x.length, mode);
    }

    /**
     * {@code y[yOff + i] += a * x[xOff + i]} for {@code i} in {@code [0, n)}; writes only that range
     * of {@code y}. If {@code x} and {@code y} are the same array the two ranges must be the same or
     * disjoint.
     */
    public static void axpy(double a, double[] x, int xOff, double[] y, int yOff, int n, Mode mode) {
        Checks.notNull(x, "x");
        Checks.notNull(y, "y");
        Checks.mode(mode, "Blas.axpy");
        Checks.nonNegative(n, "n");
        Checks.range("x", "xOff", xOff, n, x.length);
        Checks.range("y", "yOff", yOff, n, y.length);
        Checks.sameOrDisjoint(x, xOff, y, yOff, n, "x and y");
        if (mode == Mode.JAVA) {
            for (int i = 0; i < n; i += CHUNK) {
                int end = Math.min(n, i + CHUNK);
                for (int j = i; j < end; j++) {
                    y[yOff + j] = a * x[xOff + j] + y[yOff + j];
                }
                Gil.checkpoint();
            }
            return;
        }
        KernelNative.axpy(a, x, xOff, y, yOff, n, false, mode.releases(axpyNanos(n)));
    }

    /** {@code y += a * x} over the remaining elements of two direct buffers; their counts must match. */
    public static void axpy(double a, DoubleBuffer x, DoubleBuffer y, Mode mode) {
        Checks.direct(x, "x", false);
        Checks.direct(y, "y", true);
        Checks.mode(mode, "Blas.axpy");
        int n = x.remaining();
        Checks.remaining(y, "y", n, "x.remaining()");
        int xp = x.position(), yp = y.position();
        if (mode == Mode.JAVA) {
            for (int i = 0; i < n; i += CHUNK) {
                int end = Math.min(n, i + CHUNK);
                for (int j = i; j < end; j++) {
                    y.put(yp + j, a * x.get(xp + j) + y.get(yp + j));
                }
                Gil.checkpoint();
            }
            return;
        }
        KernelNative.axpy(a, x, xp, y, yp, n, true, mode.releases(axpyNanos(n)));
    }

    static double axpyNanos(long n) {
        return Cost.nanos(n, 0.85, 0.24, 0.22);
    }

    // ---------------------------------------------------------------- gemm

    /** {@code C = A * B} for square {@code n x n} row-major matrices; each array must have length n*n. */
    public static void gemm(int n, double[] a, double[] b, double[] c, Mode mode) {
        Checks.nonNegative(n, "n");
        int nn = Checks.product(n, n, "n * n");
        Checks.notNull(a, "a");
        Checks.notNull(b, "b");
        Checks.notNull(c, "c");
        Checks.length("a", a.length, nn, "n * n");
        Checks.length("b", b.length, nn, "n * n");
        Checks.length("c", c.length, nn, "n * n");
        gemm(n, n, n, a, 0, b, 0, c, 0, mode);
    }

    /**
     * {@code C = A * B} for row-major matrices: {@code A} is {@code m x k} at {@code a[aOff...]},
     * {@code B} is {@code k x n} at {@code b[bOff...]}, {@code C} is {@code m x n} at
     * {@code c[cOff...]} and is overwritten (only its {@code m * n} elements are written). {@code C}
     * must not overlap {@code A} or {@code B}.
     *
     * <p>Released, the call notices {@link Thread#interrupt()} about once a millisecond and then
     * throws {@link java.util.concurrent.CancellationException}, leaving {@code C} partly written.
     */
    public static void gemm(int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c,
            int cOff, Mode mode) {
        Checks.nonNegative(m, "m");
        Checks.nonNegative(n, "n");
        Checks.nonNegative(k, "k");
        int mk = Checks.product(m, k, "m * k");
        int kn = Checks.product(k, n, "k * n");
        int mn = Checks.product(m, n, "m * n");
        Checks.notNull(a, "a");
        Checks.notNull(b, "b");
        Checks.notNull(c, "c");
        Checks.mode(mode, "Blas.gemm");
        Checks.range("a", "aOff", aOff, mk, a.length);
        Checks.range("b", "bOff", bOff, kn, b.length);
        Checks.range("c", "cOff", cOff, mn, c.length);
        Checks.disjoint(c, cOff, mn, a, aOff, mk, "c and a");
        Checks.disjoint(c, cOff, mn, b, bOff, kn, "c and b");
        if (mode == Mode.JAVA) {
            gemmJava(m, n, k, a, aOff, b, bOff, c, cOff);
            return;
        }
        KernelNative.gemm(m, n, k, a, aOff, b, bOff, c, cOff, false, mode.releases(gemmNanos(m, n, k)));
    }

    /** {@code C = A * B} for square {@code n x n} matrices in direct buffers, each with n*n remaining. */
    public static void gemm(int n, DoubleBuffer a, DoubleBuffer b, DoubleBuffer c, Mode mode) {
        gemm(n, n, n, a, b, c, mode);
    }

    /**
     * {@code C = A * B} over direct buffers ({@code A} {@code m x k}, {@code B} {@code k x n},
     * {@code C} {@code m x n}, row-major, starting at each buffer's position; each must have exactly
     * that many elements remaining).
     */
    public static void gemm(int m, int n, int k, DoubleBuffer a, DoubleBuffer b, DoubleBuffer c, Mode mode) {
        Checks.nonNegative(m, "m");
        Checks.nonNegative(n, "n");
        Checks.nonNegative(k, "k");
        int mk = Checks.product(m, k, "m * k");
        int kn = Checks.product(k, n, "k * n");
        int mn = Checks.product(m, n, "m * n");
        Checks.direct(a, "a", false);
        Checks.direct(b, "b", false);
        Checks.direct(c, "c", true);
        Checks.mode(mode, "Blas.gemm");
        Checks.remaining(a, "a", mk, "m * k");
        Checks.remaining(b, "b", kn, "k * n");
        Checks.remaining(c, "c", mn, "m * n");
        int ap = a.position(), bp = b.position(), cp = c.position();
        if (mode == Mode.JAVA) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c.put(cp + i * n + j, 0.0);
                }
                for (int p = 0; p < k; p++) {
                    double aip = a.get(ap + i * k + p);
                    for (int j = 0; j < n; j++) {
                        c.put(cp + i * n + j, c.get(cp + i * n + j) + aip * b.get(bp + p * n + j));
                    }
                }
                Gil.checkpoint();
            }
            return;
        }
        KernelNative.gemm(m, n, k, a, ap, b, bp, c, cp, true, mode.releases(gemmNanos(m, n, k)));
    }

    /** The native micro-kernel in use, e.g. {@code "avx512 12x16"}. */
    public static String gemmVariant() {
        return KernelNative.gemmVariant();
    }

    /** Row by row, {@code c[i][:] += a[i][p] * b[p][:]}: sequential access, and C2 vectorises the inner loop. */
    private static void gemmJava(int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c,
            int cOff) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * n;
            java.util.Arrays.fill(c, ci, ci + n, 0.0);
            for (int p = 0; p < k; p++) {
                double aip = a[aOff + i * k + p];
                int bp = bOff + p * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += aip * b[bp + j];
                }
            }
            Gil.checkpoint();
        }
    }

    static double gemmNanos(long m, long n, long k) {
        return Cost.nanos(2.0 * m * n * k, 0.17, 0.026, 0.013);
    }
}
