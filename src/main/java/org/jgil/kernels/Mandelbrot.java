package org.jgil.kernels;

import java.nio.IntBuffer;
import org.jgil.Gil;

/**
 * Escape counts of the Mandelbrot iteration over a grid: pure floating-point work on registers.
 *
 * <p>Pixel {@code (col, row)} is {@code c = (x0 + col*dx) + i(y0 + row*dy)}; its count is the
 * number of iterations of {@code z = z*z + c} from {@code z = 0} before {@code |z|^2 > 4}, at most
 * {@code maxIter}; it is stored at {@code out[off + row*width + col]}. Every mode computes the
 * same counts, exactly: the native code does Java's operations in Java's order, without fused
 * multiply-adds.
 */
public final class Mandelbrot {
    static {
        KernelNative.ensureLoaded();
    }

    private Mandelbrot() {}

    /**
     * Fills {@code out[off, off + width*height)} with escape counts; nothing else is written.
     *
     * @throws java.util.concurrent.CancellationException if released and the thread is interrupted
     *     (checked about once a millisecond); {@code out} is then partly written
     */
    public static void compute(int width, int height, double x0, double y0, double dx, double dy, int maxIter,
            int[] out, int off, Mode mode) {
        int cells = checkGrid(width, height, maxIter);
        Checks.notNull(out, "out");
        Checks.mode(mode, "Mandelbrot.compute");
        Checks.range("out", "off", off, cells, out.length);
        if (mode == Mode.JAVA) {
            for (int row = 0; row < height; row++) {
                double cy = y0 + (double) row * dy;
                int base = off + row * width;
                for (int col = 0; col < width; col++) {
                    out[base + col] = escape(x0 + (double) col * dx, cy, maxIter);
                }
                Gil.checkpoint();
            }
            return;
        }
        KernelNative.mandelbrot(width, height, x0, y0, dx, dy, maxIter, out, off, false,
                mode.releases(nanos(cells, maxIter)));
    }

    /** The same into a direct {@link IntBuffer} with exactly {@code width*height} elements remaining. */
    public static void compute(int width, int height, double x0, double y0, double dx, double dy, int maxIter,
            IntBuffer out, Mode mode) {
        int cells = checkGrid(width, height, maxIter);
        Checks.direct(out, "out", true);
        Checks.mode(mode, "Mandelbrot.compute");
        Checks.remaining(out, "out", cells, "width * height");
        int p = out.position();
        if (mode == Mode.JAVA) {
            for (int row = 0; row < height; row++) {
                double cy = y0 + (double) row * dy;
                for (int col = 0; col < width; col++) {
                    out.put(p + row * width + col, escape(x0 + (double) col * dx, cy, maxIter));
                }
                Gil.checkpoint();
            }
            return;
        }
        KernelNative.mandelbrot(width, height, x0, y0, dx, dy, maxIter, out, p, true,
                mode.releases(nanos(cells, maxIter)));
    }

    private static int checkGrid(int width, int height, int maxIter) {
        Checks.nonNegative(width, "width");
        Checks.nonNegative(height, "height");
        Checks.nonNegative(maxIter, "maxIter");
        return Checks.product(width, height, "width * height");
    }

    static int escape(double cx, double cy, int maxIter) {
        double x = 0.0, y = 0.0;
        int it = 0;
        while (it < maxIter) {
            double x2 = x * x, y2 = y * y;
            if (x2 + y2 > 4.0) {
                break;
            }
            y = 2.0 * x * y + cy;
            x = x2 - y2 + cx;
            it++;
        }
        return it;
    }

    /** Pessimistic: as if a quarter of the pixels ran to maxIter (the set's share of a typical view). */
    static double nanos(long cells, int maxIter) {
        return Cost.nanos(cells * (1 + maxIter / 4.0), 2.2, 0.65, 0.32);
    }
}
