package org.jgil.kernels;

import static org.jgil.kernels.KernelTesting.held;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A released call runs in steps of about a millisecond, and a step may now end inside a group of
 * pixels, a column of gemm tiles or one body's force sum; a held call is one step. Both must give
 * the same bits: the work is resumed exactly where it stopped.
 */
@Timeout(120)
class KernelStepSplitTest {
    @AfterEach
    void bestIsa() {
        Isa.select(Isa.best());
    }

    @ParameterizedTest
    @EnumSource(Isa.class)
    void heldAndReleasedAgreeBitForBit(Isa isa) {
        if (!isa.isSupported()) {
            return;
        }
        Isa.select(isa);
        // 3001 bodies: 500 000 interactions a step end inside a body's sum.
        double[] a = NBody.randomState(3001, 5), b = a.clone();
        held(() -> NBody.step(a, 1e-3, Mode.HELD));
        held(() -> NBody.step(b, 1e-3, Mode.RELEASED));
        assertArrayEquals(a, b, "nbody on " + isa);
        // Pixels inside the set, 3 million iterations each: several steps per group of pixels.
        int[] h = new int[5], r = new int[5];
        held(() -> Mandelbrot.compute(5, 1, -0.2, -0.1, 1e-3, 1e-3, 3_000_000, h, 0, Mode.HELD));
        held(() -> Mandelbrot.compute(5, 1, -0.2, -0.1, 1e-3, 1e-3, 3_000_000, r, 0, Mode.RELEASED));
        assertArrayEquals(h, r, "mandelbrot on " + isa);
        assertArrayEquals(new int[] {3_000_000, 3_000_000, 3_000_000, 3_000_000, 3_000_000}, r);
        for (int[] mnk : new int[][] {{1, 1, 300_000}, {13, 13, 40_000}, {300, 2100, 3}, {700, 700, 0}}) {
            int m = mnk[0], n = mnk[1], k = mnk[2];
            double[] x = KernelTesting.random(m * k, 1), y = KernelTesting.random(k * n, 2);
            double[] ch = new double[m * n], cr = new double[m * n];
            Arrays.fill(cr, Double.NaN);
            held(() -> Blas.gemm(m, n, k, x, 0, y, 0, ch, 0, Mode.HELD));
            held(() -> Blas.gemm(m, n, k, x, 0, y, 0, cr, 0, Mode.RELEASED));
            assertArrayEquals(ch, cr, "gemm " + Arrays.toString(mnk) + " on " + isa);
        }
    }
}
