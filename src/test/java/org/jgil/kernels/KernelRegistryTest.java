package org.jgil.kernels;

import static org.jgil.kernels.KernelTesting.held;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The uniform interface the CLI drives: names, parsing, workloads in every mode. */
@Timeout(60)
class KernelRegistryTest {
    @Test
    void theTenKernelsInOrder() {
        assertEquals(
                List.of("spin", "sleep", "dot", "axpy", "sum", "gemm", "mandelbrot", "montecarlo-pi", "nbody", "sieve"),
                Kernels.all().stream().map(Kernel::name).collect(Collectors.toList()));
        for (Kernel k : Kernels.all()) {
            assertEquals(k, Kernels.byName(k.name().toUpperCase(java.util.Locale.ROOT)));
            assertFalse(k.description().isBlank(), k.name());
            assertFalse(k.variant().isBlank(), k.name());
        }
    }

    @Test
    void unknownNamesListTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.byName("fft"));
        assertTrue(e.getMessage().startsWith("unknown kernel 'fft'; valid: spin, sleep, dot"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Mode.parse("fast"));
        assertEquals("unknown mode 'fast'; valid: held, released, auto, java", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Isa.parse("sse9"));
        assertTrue(e.getMessage().contains("valid: scalar, avx2, avx512"), e.getMessage());
        assertThrows(NullPointerException.class, () -> Kernels.byName(null));
        assertEquals(Mode.RELEASED, Mode.parse(" Released "));
        assertEquals(Isa.AVX2, Isa.parse("AVX2"));
    }

    @Test
    void paramsRejectNegatives() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Workload.Params(-1, 0, 0))
                .getMessage().contains("size"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Workload.Params(0, -5, 0))
                .getMessage().contains("workMicros"));
        assertThrows(NullPointerException.class, () -> Kernels.byName("dot").prepare(null));
    }

    /** Every workload, small, in every mode: native checksums agree with JAVA's. */
    @Test
    void everyWorkloadRunsInEveryMode() {
        for (Kernel k : Kernels.all()) {
            // Small sizes; fresh workloads per mode so that in-place kernels start from the same state.
            Workload.Params p = new Workload.Params(k.name().equals("sieve") ? 100_000 : 64, 50, 7);
            double expected = held(() -> k.prepare(p).run(Mode.JAVA));
            for (Mode mode : Mode.values()) {
                Workload w = k.prepare(p);
                double got = held(() -> w.run(mode));
                assertEquals(expected, got, 1e-9 * Math.max(1, Math.abs(expected)), k.name() + " " + mode);
                assertTrue(w.flopsPerCall() >= 0 && w.bytesPerCall() >= 0, k.name());
            }
        }
    }

    @Test
    void cpuFeaturesNameTheLevelInUse() {
        String f = Kernels.cpuFeatures();
        assertTrue(f.contains("sse2") && f.endsWith("; using " + Isa.active().label()), f);
        assertTrue(Isa.active().ordinal() <= Isa.best().ordinal());
        try {
            assertEquals(Isa.SCALAR, Isa.select(Isa.SCALAR));
            assertEquals(Isa.SCALAR, Isa.active());
            assertTrue(Blas.gemmVariant().startsWith("scalar"), Blas.gemmVariant());
            assertEquals("scalar", Kernels.byName("dot").variant());
            assertTrue(Kernels.cpuFeatures().endsWith("; using scalar"));
        } finally {
            Isa.select(Isa.best());
        }
        assertEquals(Isa.best(), Isa.active());
    }

    @Test
    void theIsaPropertyForcesALevel() {
        try {
            Isa.configure("SCALAR", "-Djgil.isa"); // what the library's loading does with -Djgil.isa
            assertEquals(Isa.SCALAR, Isa.active());
            assertEquals("scalar", Kernels.byName("nbody").variant());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Isa.configure("avx3", "-Djgil.isa"));
            assertTrue(e.getMessage().startsWith("-Djgil.isa: unknown instruction set 'avx3'"), e.getMessage());
        } finally {
            Isa.select(Isa.best());
        }
    }

    @Test
    void autoReleasesOnlyLargeWork() {
        long t = Mode.autoThresholdNanos();
        assertTrue(t > 0);
        assertFalse(Mode.AUTO.releases(t - 1.0));
        assertTrue(Mode.AUTO.releases(t));
        assertFalse(Mode.HELD.releases(1e12));
        assertTrue(Mode.RELEASED.releases(0));
        // The cost models put a tiny call under the threshold and a big one over it, on every level.
        try {
            for (Isa isa : Isa.values()) {
                Isa.select(isa);
                assertFalse(Mode.AUTO.releases(Blas.dotNanos(100)), "dot of 100 " + isa);
                assertTrue(Mode.AUTO.releases(Blas.gemmNanos(512, 512, 512)), "gemm 512 " + isa);
                assertFalse(Mode.AUTO.releases(Blas.gemmNanos(8, 8, 8)), "gemm 8 " + isa);
            }
        } finally {
            Isa.select(Isa.best());
        }
    }
}
