package org.jgil.kernels;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The registry of kernels the CLI and benchmarks drive. Defaults when {@link Workload.Params} says 0:
 *
 * <table>
 * <caption>kernels and their parameters</caption>
 * <tr><th>kernel</th><th>size means (default)</th><th>workMicros means (default)</th></tr>
 * <tr><td>spin</td><td>-</td><td>CPU work per call (100)</td></tr>
 * <tr><td>sleep</td><td>-</td><td>blocking wait per call (100)</td></tr>
 * <tr><td>dot, sum, axpy</td><td>vector length (100000)</td><td>-</td></tr>
 * <tr><td>gemm</td><td>matrix order n, n x n (256)</td><td>-</td></tr>
 * <tr><td>mandelbrot</td><td>grid side, maxIter 256 (256)</td><td>-</td></tr>
 * <tr><td>montecarlo-pi</td><td>samples (1000000)</td><td>-</td></tr>
 * <tr><td>nbody</td><td>bodies (1000)</td><td>-</td></tr>
 * <tr><td>sieve</td><td>count primes below (1000000)</td><td>-</td></tr>
 * </table>
 */
public final class Kernels {
    private static final List<Kernel> ALL = List.of(
            kernel("spin", "calibrated pure-CPU loop of workMicros us (no memory traffic): the ideal case for "
                    + "releasing the GIL", "portable", Kernels::spin),
            kernel("sleep", "blocking wait of workMicros us (nanosleep), the stand-in for I/O: no CPU used, "
                    + "so holding the GIL only blocks others", "portable", Kernels::sleep),
            kernel("dot", "double dot product of two size-element vectors: memory-bound, short", null, Kernels::dot),
            kernel("axpy", "y += a*x on size doubles, in place: memory-bound, writes", null, Kernels::axpy),
            kernel("sum", "sum of size doubles: memory-bound, the smallest useful call", null, Kernels::sum),
            kernel("gemm", "C = A*B for size x size doubles, blocked and vectorised: compute-bound, "
                    + "the FPU at full speed", null, Kernels::gemm),
            kernel("mandelbrot", "escape counts over a size x size grid (maxIter 256): floating point on "
                    + "registers, exact results", null, Kernels::mandelbrot),
            kernel("montecarlo-pi", "pi from size random points, per-call xoshiro256** state: integer "
                    + "arithmetic, no memory", null, Kernels::montecarlo),
            kernel("nbody", "one all-pairs gravity step of size bodies: O(n^2) flops on O(n) data, "
                    + "sqrt and division", null, Kernels::nbody),
            kernel("sieve", "count primes below size (Eratosthenes, odd only): integer stores with "
                    + "growing strides, cache-bound", "portable", Kernels::sieve));

    private Kernels() {}

    /** Every kernel, in a fixed order: spin, sleep, dot, axpy, sum, gemm, mandelbrot, montecarlo-pi, nbody, sieve. */
    public static List<Kernel> all() {
        return ALL;
    }

    /**
     * The kernel called {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException listing the valid names if there is none
     */
    public static Kernel byName(String name) {
        java.util.Objects.requireNonNull(name, "name");
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (Kernel k : ALL) {
            if (k.name().equals(wanted)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown kernel '" + name + "'; valid: "
                + ALL.stream().map(Kernel::name).collect(Collectors.joining(", ")));
    }

    /** The CPU's relevant features and the instruction set in use; see {@link Isa#cpuFeatures()}. */
    public static String cpuFeatures() {
        return Isa.cpuFeatures();
    }

    // ---------------------------------------------------------------- the workloads

    private static Kernel kernel(String name, String description, String fixedVariant,
            Function<Workload.Params, Workload> factory) {
        return new Kernel() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public Workload prepare(Workload.Params params) {
                return factory.apply(java.util.Objects.requireNonNull(params, "params"));
            }

            @Override
            public String variant() {
                if (fixedVariant != null) {
                    return fixedVariant;
                }
                return name.equals("gemm") ? Blas.gemmVariant() : Isa.active().label();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** A workload from its three parts. */
    private static Workload workload(java.util.function.ToDoubleFunction<Mode> run, double flops, long bytes) {
        return new Workload() {
            @Override
            public double run(Mode mode) {
                return run.applyAsDouble(java.util.Objects.requireNonNull(mode, "mode"));
            }

            @Override
            public double flopsPerCall() {
                return flops;
            }

            @Override
            public long bytesPerCall() {
                return bytes;
            }
        };
    }

    private static double[] random(int n, SplittableRandom r) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextDouble(-1, 1);
        }
        return a;
    }

    private static Workload spin(Workload.Params p) {
        long micros = p.workMicrosOr(100);
        long seed = p.seed();
        Synthetic.spinIterations(micros); // calibrates now (a few ms), not in the first timed call
        // The state's top 53 bits as a fraction: an exact function of the result.
        return workload(mode -> (Synthetic.spin(micros, seed, mode) >>> 11) * 0x1.0p-53, 0, 0);
    }

    private static Workload sleep(Workload.Params p) {
        long micros = p.workMicrosOr(100);
        return workload(mode -> {
            Synthetic.sleep(micros, mode);
            return micros;
        }, 0, 0);
    }

    private static Workload dot(Workload.Params p) {
        int n = p.sizeOr(100_000);
        SplittableRandom r = new SplittableRandom(p.seed());
        double[] x = random(n, r), y = random(n, r);
        return workload(mode -> Blas.dot(x, y, mode), 2.0 * n, 16L * n);
    }

    private static Workload axpy(Workload.Params p) {
        int n = p.sizeOr(100_000);
        SplittableRandom r = new SplittableRandom(p.seed());
        double[] x = random(n, r), y = random(n, r);
        double[] sign = {0.5};
        return workload(mode -> {
            // Alternate +a and -a so that y stays bounded however often it runs.
            sign[0] = -sign[0];
            Blas.axpy(sign[0], x, y, mode);
            return y[0] + y[n / 2] + y[n - 1];
        }, 2.0 * n, 24L * n);
    }

    private static Workload sum(Workload.Params p) {
        int n = p.sizeOr(100_000);
        double[] x = random(n, new SplittableRandom(p.seed()));
        return workload(mode -> Blas.sum(x, mode), n, 8L * n);
    }

    private static Workload gemm(Workload.Params p) {
        int n = p.sizeOr(256);
        int nn = Checks.product(n, n, "size * size");
        SplittableRandom r = new SplittableRandom(p.seed());
        double[] a = random(nn, r), b = random(nn, r), c = new double[nn];
        return workload(mode -> {
            Blas.gemm(n, a, b, c, mode);
            return c[0] + c[nn / 2] + c[nn - 1];
        }, 2.0 * n * n * n, 24L * nn);
    }

    private static Workload mandelbrot(Workload.Params p) {
        int side = p.sizeOr(256);
        int cells = Checks.product(side, side, "size * size");
        int[] out = new int[cells];
        double step = 3.0 / Math.max(1, side);
        return workload(mode -> {
            Mandelbrot.compute(side, side, -2.25, -1.5, step, step, 256, out, 0, mode);
            long total = 0;
            for (int v : out) {
                total += v;
            }
            return total;
        }, 0, 4L * cells);
    }

    private static Workload montecarlo(Workload.Params p) {
        int samples = p.sizeOr(1_000_000);
        long seed = p.seed();
        return workload(mode -> MonteCarlo.pi(samples, seed, mode), 0, 0);
    }

    private static Workload nbody(Workload.Params p) {
        int n = p.sizeOr(1000);
        double[] state = NBody.randomState(n, p.seed());
        return workload(mode -> {
            NBody.step(state, 1e-3, mode);
            double s = 0;
            for (int i = 0; i < 3 * n; i++) {
                s += state[i];
            }
            return s;
        }, 20.0 * n * n, 56L * n);
    }

    private static Workload sieve(Workload.Params p) {
        int n = p.sizeOr(1_000_000);
        return workload(mode -> Primes.countBelow(n, mode), 0, n / 2);
    }
}
