package org.jgil.ffm.example;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import org.jgil.Gil;
import org.jgil.ffm.FfmKernels;
import org.jgil.ffm.GilLinker;

/**
 * The worked example of docs/ffm.md: bind C functions nobody wrote for jgil, choose how each holds
 * the lock, and call them from many threads. Run it with
 * {@code java --enable-native-access=ALL-UNNAMED -Djgil.library=... org.jgil.ffm.example.ManyThreads}.
 */
public final class ManyThreads {
    // [bind]
    // 1. Bind. libm's cos takes nanoseconds: keep the lock (releasing would cost more than the call).
    static final MethodHandle COS = GilLinker.held(
            GilLinker.downcall(Linker.nativeLinker().defaultLookup(), "cos",
                    FunctionDescriptor.of(JAVA_DOUBLE, JAVA_DOUBLE)));

    // A matrix product takes microseconds to seconds: give the lock up, so other threads run meanwhile.
    // int jgil_k_gemm(int64_t m, int64_t n, int64_t k, const double *a, const double *b, double *c,
    //                 const volatile int32_t *stop)
    static final MethodHandle GEMM_PLAIN = GilLinker.downcall(FfmKernels.library(), "jgil_k_gemm",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle GEMM = GilLinker.released(GEMM_PLAIN);

    // Or let the size decide: released from the kernels' threshold (1 us) of expected work, held below.
    static final MethodHandle GEMM_AUTO = GilLinker.auto(GEMM_PLAIN, expectedNanos());
    // [/bind]

    /** About 0.05 ns per flop (20 GFLOP/s): only the order of magnitude matters. */
    static long gemmNanos(long m, long n, long k) {
        return 2 * m * n * k / 20;
    }

    private static MethodHandle expectedNanos() {
        try {
            MethodHandle cost = MethodHandles.lookup().findStatic(ManyThreads.class, "gemmNanos",
                    MethodType.methodType(long.class, long.class, long.class, long.class));
            return MethodHandles.dropArguments(cost, 3, MemorySegment.class, MemorySegment.class,
                    MemorySegment.class, MemorySegment.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ManyThreads() {}

    /** One worker: managed code holding the lock, foreign calls as bound above. */
    static double work(int seed, int n) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(JAVA_DOUBLE, (long) n * n);
            MemorySegment b = arena.allocate(JAVA_DOUBLE, (long) n * n);
            MemorySegment c = arena.allocate(JAVA_DOUBLE, (long) n * n);
            double checksum = 0;
            // [call]
            Gil.acquire(); // 2. A thread runs managed code holding the lock ...
            try {
                for (int i = 0; i < n * n; i++) {
                    a.setAtIndex(JAVA_DOUBLE, i, (double) COS.invokeExact((double) (i + seed))); // held: nanoseconds
                    b.setAtIndex(JAVA_DOUBLE, i, (double) COS.invokeExact((double) (i - seed)));
                }
                // 3. ... and gives it up for the long call: the other workers' products run in parallel.
                int status = (int) GEMM.invokeExact((long) n, (long) n, (long) n, a, b, c, MemorySegment.NULL);
                if (status != 0) {
                    throw new IllegalStateException("jgil_k_gemm failed: " + status);
                }
                // The same call, sized: a 4x4 product is held, this one released.
                status = (int) GEMM_AUTO.invokeExact(4L, 4L, 4L, a, b, c, MemorySegment.NULL);
                status |= (int) GEMM_AUTO.invokeExact((long) n, (long) n, (long) n, a, b, c, MemorySegment.NULL);
                if (status != 0) {
                    throw new IllegalStateException("jgil_k_gemm failed: " + status);
                }
                for (int i = 0; i < n * n; i++) {
                    checksum += c.getAtIndex(JAVA_DOUBLE, i);
                }
            } finally {
                Gil.release();
            }
            // [/call]
            return checksum;
        }
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        List<Thread> workers = new ArrayList<>();
        double[] sums = new double[threads];
        Throwable[] failures = new Throwable[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(Thread.ofPlatform().name("worker-" + t).start(() -> {
                try {
                    sums[id] = work(id, n);
                } catch (Throwable e) {
                    failures[id] = e;
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        for (int t = 0; t < threads; t++) {
            if (failures[t] != null) {
                throw new IllegalStateException("worker " + t + " failed", failures[t]);
            }
            System.out.printf("worker %d: checksum %.6f%n", t, sums[t]);
        }
        System.out.println("lock statistics: " + Gil.stats());
    }
}
