package org.jgil.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jgil.Gil;

/**
 * The measurements behind docs/kernels.md: not a test (timing does not belong in tests on a shared
 * machine), a main() to run by hand:
 *
 * <pre>
 * mvn -B -q verify -DskipTests
 * java -cp target/classes:target/test-classes:$HOME/.m2/repository/org/slf4j/slf4j-api/2.0.13/slf4j-api-2.0.13.jar \
 *      -Djava.library.path=target/nar/jgil-0.1.0-amd64-Linux-gpp-jni/lib/amd64-Linux-gpp/jni \
 *      org.jgil.kernels.KernelMeasure [single|gemm|threshold|all]
 * </pre>
 *
 * <ul>
 *   <li>{@code single}: each kernel's default workload on one thread, every mode, every ISA.
 *   <li>{@code gemm}: 512 x 512 gemm in GFLOP/s per ISA, and Java's.
 *   <li>{@code threshold}: two threads calling the same kernel, HELD vs RELEASED, for growing work;
 *       where RELEASED starts to win is what {@link Mode#autoThresholdNanos()} is set from.
 * </ul>
 */
public final class KernelMeasure {
    private KernelMeasure() {}

    public static void main(String[] args) throws InterruptedException {
        String what = args.length > 0 ? args[0] : "all";
        System.out.println("cpu: " + Kernels.cpuFeatures() + ", gemm " + Blas.gemmVariant());
        if (what.equals("single") || what.equals("all")) {
            single();
        }
        if (what.equals("gemm") || what.equals("all")) {
            gemm();
        }
        if (what.equals("threshold") || what.equals("all")) {
            threshold();
        }
    }

    /** Median of {@code reps} timed calls after warm-up, in microseconds. */
    private static double time(Workload w, Mode mode, int reps) {
        for (int i = 0; i < Math.max(3, reps / 4); i++) {
            Gil.run(() -> w.run(mode));
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            Gil.run(() -> w.run(mode));
            t[i] = (System.nanoTime() - start) / 1e3;
        }
        java.util.Arrays.sort(t);
        return t[reps / 2];
    }

    private static void single() {
        System.out.println("\n== one thread, default workloads, median us per call ==");
        System.out.printf(Locale.ROOT, "%-14s %10s %10s %10s %10s %10s %8s%n", "kernel", "avx512", "avx2", "scalar",
                "released", "java", "java/best");
        for (Kernel k : Kernels.all()) {
            Workload w = k.prepare(Workload.Params.defaults());
            int reps = k.name().equals("gemm") || k.name().equals("mandelbrot") ? 15 : 41;
            double[] byIsa = new double[3];
            for (Isa isa : Isa.values()) {
                if (isa.isSupported()) {
                    Isa.select(isa);
                    byIsa[isa.ordinal()] = time(w, Mode.HELD, reps);
                }
            }
            Isa.select(Isa.best());
            double released = time(w, Mode.RELEASED, reps);
            double java = time(w, Mode.JAVA, k.name().equals("gemm") ? 7 : reps);
            double best = Math.min(byIsa[Isa.best().ordinal()], released);
            System.out.printf(Locale.ROOT, "%-14s %10.1f %10.1f %10.1f %10.1f %10.1f %8.1f%n", k.name(), byIsa[2],
                    byIsa[1], byIsa[0], released, java, java / best);
        }
        long iterations = Synthetic.spinIterations(1000);
        double spin = time(Kernels.byName("spin").prepare(new Workload.Params(0, 1000, 1)), Mode.HELD, 41);
        System.out.printf(Locale.ROOT, "spin calibration: %d iterations per ms; spin(1000 us) took %.1f us%n",
                iterations, spin);
    }

    private static void gemm() {
        System.out.println("\n== gemm 512 x 512, one thread ==");
        Workload w = Kernels.byName("gemm").prepare(new Workload.Params(512, 0, 1));
        for (Isa isa : Isa.values()) {
            if (isa.isSupported()) {
                Isa.select(isa);
                double best = Double.MAX_VALUE;
                for (int i = 0; i < 30; i++) {
                    long t = System.nanoTime();
                    Gil.run(() -> w.run(Mode.RELEASED));
                    best = Math.min(best, (System.nanoTime() - t) / 1e9);
                }
                System.out.printf(Locale.ROOT, "%-8s %-14s best %.3f ms  %.1f GFLOP/s%n", isa, Blas.gemmVariant(),
                        best * 1e3, w.flopsPerCall() / best / 1e9);
            }
        }
        Isa.select(Isa.best());
        double java = time(w, Mode.JAVA, 5) / 1e6;
        System.out.printf(Locale.ROOT, "java     median %.1f ms  %.2f GFLOP/s%n", java * 1e3,
                w.flopsPerCall() / java / 1e9);
    }

    /** What {@link #rate} measured: calls per second, and CPU time per call summed over the threads. */
    private record Rate(double callsPerSecond, double cpuNanosPerCall) {}

    /**
     * {@code threads} threads each looping {@code Gil.run(call)} for {@code millis}. Besides calls per
     * second (which other jobs on the machine disturb), it sums the threads' own CPU time: a
     * contended hand-off costs CPU (futex calls, context switches) whoever else is running.
     */
    private static Rate rate(int threads, long millis, Runnable call) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder calls = new LongAdder();
        LongAdder cpu = new LongAdder();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            ts.add(new Thread(() -> {
                long c0 = mx.getCurrentThreadCpuTime();
                while (!stop.get()) {
                    Gil.run(call);
                    calls.increment();
                }
                cpu.add(mx.getCurrentThreadCpuTime() - c0);
            }));
        }
        long start = System.nanoTime();
        ts.forEach(Thread::start);
        Thread.sleep(millis);
        stop.set(true);
        for (Thread t : ts) {
            t.join();
        }
        double n = calls.sum();
        return new Rate(n / ((System.nanoTime() - start) / 1e9), cpu.sum() / n);
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        java.util.Arrays.sort(c);
        return c[c.length / 2];
    }

    private static void threshold() throws InterruptedException {
        System.out.println("\n== two threads, spin(w) per call (median of 3 rounds) ==");
        System.out.println("throughput relative to one thread HELD; CPU us per call summed over both threads");
        System.out.printf(Locale.ROOT, "%8s %11s %11s %9s %11s %11s %11s%n", "work us", "2thr held", "2thr rel",
                "rel/held", "cpu 1 held", "cpu 2 held", "cpu 2 rel");
        for (long w : new long[] {0, 1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 100, 200}) {
            Runnable held = () -> Synthetic.spin(w, 1, Mode.HELD);
            Runnable rel = () -> Synthetic.spin(w, 1, Mode.RELEASED);
            rate(2, 200, rel); // warm-up
            double[] h = new double[3], r = new double[3], q = new double[3];
            double[] c1 = new double[3], ch = new double[3], cr = new double[3];
            for (int round = 0; round < 3; round++) {
                Rate one = rate(1, 400, held);
                Rate twoHeld = rate(2, 400, held);
                Rate twoRel = rate(2, 400, rel);
                h[round] = twoHeld.callsPerSecond() / one.callsPerSecond();
                r[round] = twoRel.callsPerSecond() / one.callsPerSecond();
                q[round] = twoRel.callsPerSecond() / twoHeld.callsPerSecond();
                c1[round] = one.cpuNanosPerCall() / 1e3;
                ch[round] = twoHeld.cpuNanosPerCall() / 1e3;
                cr[round] = twoRel.cpuNanosPerCall() / 1e3;
            }
            System.out.printf(Locale.ROOT, "%8d %11.2f %11.2f %9.2f %11.2f %11.2f %11.2f%n", w, median(h), median(r),
                    median(q), median(c1), median(ch), median(cr));
        }
        System.out.println("\n== uncontended: one thread, sum of 16 doubles, ns per call ==");
        double[] x = new double[16];
        for (Mode m : new Mode[] {Mode.HELD, Mode.RELEASED, Mode.AUTO, Mode.JAVA}) {
            Gil.run(() -> {
                for (int i = 0; i < 2_000_000; i++) {
                    Blas.sum(x, m);
                }
                double best = Double.MAX_VALUE;
                for (int r = 0; r < 5; r++) {
                    long t = System.nanoTime();
                    for (int i = 0; i < 2_000_000; i++) {
                        Blas.sum(x, m);
                    }
                    best = Math.min(best, (System.nanoTime() - t) / 2e6);
                }
                System.out.printf(Locale.ROOT, "%-9s %6.1f ns%n", m, best);
            });
        }
    }
}
