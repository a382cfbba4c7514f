package org.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.jgil.Gil;
import org.jgil.kernels.Mode;
import org.junit.jupiter.api.Test;

class ParallelDotTest {
    static {
        // An application sets no -Djgil.library: libjgil comes out of the jgil jar. The build that
        // tests this example against a fresh jgil passes one to all the projects it builds; drop it
        // here, before jgil loads, so that this test loads libjgil as an application does.
        System.clearProperty("jgil.library");
    }

    @Test
    void everyModeGivesTheSameProductsAndAnExactTally() throws InterruptedException {
        assertNull(System.getProperty("jgil.library"));
        double[] x = new double[10_000];
        double[] y = new double[x.length];
        double expected = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 7 - 3;
            y[i] = i % 5 + 0.25;
            expected += x[i] * y[i];
        }
        for (Mode mode : new Mode[] {Mode.HELD, Mode.RELEASED, Mode.AUTO}) {
            ParallelDot app = new ParallelDot();
            double[] results = app.run(4, 500, x, y, mode);
            for (double r : results) {
                assertEquals(expected, r, 1e-6 * Math.abs(expected), mode.name());
            }
            assertEquals(4 * 500, app.calls(), mode + ": the lock kept the plain counter exact");
        }
        assertFalse(Gil.isHeldByCurrentThread());
    }
}
