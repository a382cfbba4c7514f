package org.jgil.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jgil.Gil;
import org.jgil.kernels.Mode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Libraries nobody wrote for jgil, bound and locked with no C: libm's cos, and a BLAS's cblas_dgemm if installed. */
@Timeout(120)
class SystemLibrariesTest {
    private static final FunctionDescriptor COS = FunctionDescriptor.of(JAVA_DOUBLE, JAVA_DOUBLE);

    @Test
    void cosFromManyThreadsInEveryMode() throws Exception {
        MethodHandle plain = GilLinker.downcall(Linker.nativeLinker().defaultLookup(), "cos", COS);
        List<MethodHandle> bindings = List.of(GilLinker.held(plain), GilLinker.released(plain),
                GilLinker.auto(plain, MethodHandles.dropArguments(MethodHandles.constant(long.class, 20L), 0,
                        double.class)));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                MethodHandle cos = bindings.get(t % bindings.size());
                int seed = t;
                done.add(pool.submit(() -> Gil.run(() -> {
                    Random r = new Random(seed);
                    for (int i = 0; i < 10_000; i++) {
                        double x = (r.nextDouble() - 0.5) * 100;
                        double expected = StrictMath.cos(x);
                        try {
                            assertEquals(expected, (double) cos.invokeExact(x), 2 * Math.ulp(expected));
                        } catch (Throwable e) {
                            throw new AssertionError(e);
                        }
                    }
                })));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** A BLAS with the CBLAS interface, if the machine has one: OpenBLAS, or the reference BLAS. */
    static SymbolLookup blas(Arena arena) {
        for (String name : new String[] {"libopenblas.so.0", "libopenblas.so", "libcblas.so.3", "libblas.so.3"}) {
            try {
                SymbolLookup lib = SymbolLookup.libraryLookup(name, arena);
                if (lib.find("cblas_dgemm").isPresent()) {
                    return lib;
                }
            } catch (IllegalArgumentException notInstalled) {
                // try the next
            }
        }
        return null;
    }

    @Test
    void cblasDgemmReleasedAgreesWithTheKernel() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup blas = blas(arena);
            if (blas == null) {
                String why = "no BLAS with cblas_dgemm installed (libopenblas.so.0, libcblas.so.3, libblas.so.3):"
                        + " the cblas_dgemm binding is not tried";
                System.out.println("SystemLibrariesTest: " + why);
                Assumptions.abort(why);
            }
            // void cblas_dgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)
            MethodHandle dgemm = GilLinker.released(GilLinker.downcall(blas, "cblas_dgemm",
                    FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                            JAVA_DOUBLE, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_DOUBLE, ADDRESS, JAVA_INT)));
            int n = 64;
            Random r = new Random(9);
            double[] a = new double[n * n], b = new double[n * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextDouble();
                b[i] = r.nextDouble();
            }
            MemorySegment as = arena.allocateFrom(JAVA_DOUBLE, a), bs = arena.allocateFrom(JAVA_DOUBLE, b);
            MemorySegment c1 = arena.allocate(JAVA_DOUBLE, (long) n * n);
            MemorySegment c2 = arena.allocate(JAVA_DOUBLE, (long) n * n);
            Gil.acquire();
            try {
                dgemm.invokeExact(101, 111, 111, n, n, n, 1.0, as, n, bs, n, 0.0, c1, n); // row-major, no transposes
                FfmKernels.gemm(n, n, n, as, bs, c2, Mode.HELD);
            } finally {
                Gil.release();
            }
            assertArrayEquals(c2.toArray(JAVA_DOUBLE), c1.toArray(JAVA_DOUBLE), 1e-9);
        }
    }
}
