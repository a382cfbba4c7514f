package org.jgil.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.jgil.kernels.Kernel;
import org.jgil.kernels.Mode;
import org.jgil.kernels.Synthetic;
import org.jgil.kernels.Workload;

/**
 * The registry's kernels ({@code org.jgil.kernels.Kernels}) run through {@link FfmKernels} instead
 * of JNI: the same names, defaults, inputs and results, so that {@code jgil bench --binding ffm}
 * compares the two bindings of one library. Inputs live in native memory (an FFM call cannot
 * release the lock over a heap array); {@link Mode#JAVA} runs the JNI kernel's Java code, which
 * makes no native call either way.
 */
public final class FfmBinding {
    private FfmBinding() {}

    /**
     * An empty downcall ({@code jgil_k_sum} of no elements, which returns at once): {@code "bare"},
     * {@code "released"} ({@link GilLinker#released}), {@code "held"} ({@link GilLinker#held}) or
     * {@code "ensured"} ({@link GilLinker#ensured}),
     * typed {@code ()double} so that code built for Java 17 can call it: the FFM rows of
     * {@code jgil overhead}.
     */
    public static MethodHandle emptyCall(String how) {
        MethodHandle bare = FfmKernels.downcall("jgil_k_sum", FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, JAVA_LONG));
        MethodHandle call = switch (Objects.requireNonNull(how, "how")) {
            case "bare" -> bare;
            case "released" -> GilLinker.released(bare);
            case "held" -> GilLinker.held(bare);
            case "ensured" -> GilLinker.ensured(bare);
            default -> throw new IllegalArgumentException("an empty call is bare, released, held or ensured, not "
                    + how);
        };
        return MethodHandles.insertArguments(call, 0, MemorySegment.NULL, 0L);
    }

    /** {@code jni} as an FFM kernel: the same name and parameters. */
    public static Kernel of(Kernel jni) {
        Objects.requireNonNull(jni, "jni");
        return new Kernel() {
            @Override
            public String name() {
                return jni.name();
            }

            @Override
            public String description() {
                return jni.description() + " (through FFM downcalls)";
            }

            @Override
            public Workload prepare(Workload.Params params) {
                Workload java = jni.prepare(params);
                Workload ffm = workload(jni.name(), params);
                return new Workload() {
                    @Override
                    public double run(Mode mode) {
                        return Objects.requireNonNull(mode, "mode") == Mode.JAVA ? java.run(mode) : ffm.run(mode);
                    }

                    @Override
                    public double flopsPerCall() {
                        return java.flopsPerCall();
                    }

                    @Override
                    public long bytesPerCall() {
                        return java.bytesPerCall();
                    }
                };
            }

            @Override
            public String variant() {
                return jni.variant();
            }

            @Override
            public String toString() {
                return jni.name() + " (ffm)";
            }
        };
    }

    /** The FFM side of one workload, with the defaults of {@code Kernels}. */
    private static Workload workload(String name, Workload.Params p) {
        SplittableRandom r = new SplittableRandom(p.seed());
        long micros = p.workMicros() == 0 ? 100 : p.workMicros();
        return switch (name) {
            case "spin" -> {
                // The JNI kernel's calibration (its first call times the loop): the two bindings
                // then do exactly the same work per call, where two calibrations could differ by
                // their noise (on a busy machine, by much).
                long iterations = Synthetic.spinIterations(micros);
                yield of(mode -> (FfmKernels.spin(iterations, micros, p.seed(), mode) >>> 11) * 0x1.0p-53);
            }
            case "sleep" -> of(mode -> {
                FfmKernels.sleep(micros, mode);
                return micros;
            });
            case "dot" -> {
                int n = size(p, 100_000);
                MemorySegment x = random(n, r), y = random(n, r);
                yield of(mode -> FfmKernels.dot(x, y, n, mode));
            }
            case "sum" -> {
                int n = size(p, 100_000);
                MemorySegment x = random(n, r);
                yield of(mode -> FfmKernels.sum(x, n, mode));
            }
            case "axpy" -> {
                int n = size(p, 100_000);
                MemorySegment x = random(n, r), y = random(n, r);
                double[] sign = {0.5};
                yield of(mode -> {
                    sign[0] = -sign[0]; // alternate +a and -a: y stays bounded
                    FfmKernels.axpy(sign[0], x, y, n, mode);
                    return y.getAtIndex(JAVA_DOUBLE, 0) + y.getAtIndex(JAVA_DOUBLE, n / 2)
                            + y.getAtIndex(JAVA_DOUBLE, n - 1);
                });
            }
            case "gemm" -> {
                int n = size(p, 256);
                long nn = (long) n * n;
                MemorySegment a = random(Math.toIntExact(nn), r), b = random(Math.toIntExact(nn), r);
                MemorySegment c = Arena.ofAuto().allocate(JAVA_DOUBLE, nn);
                yield of(mode -> {
                    FfmKernels.gemm(n, n, n, a, b, c, mode);
                    return c.getAtIndex(JAVA_DOUBLE, 0) + c.getAtIndex(JAVA_DOUBLE, nn / 2)
                            + c.getAtIndex(JAVA_DOUBLE, nn - 1);
                });
            }
            case "mandelbrot" -> {
                int side = size(p, 256);
                MemorySegment out = Arena.ofAuto().allocate(JAVA_INT, (long) side * side);
                double step = 3.0 / Math.max(1, side);
                yield of(mode -> {
                    FfmKernels.mandelbrot(side, side, -2.25, -1.5, step, step, 256, out, mode);
                    long total = 0;
                    for (long i = 0; i < (long) side * side; i++) {
                        total += out.getAtIndex(JAVA_INT, i);
                    }
                    return total;
                });
            }
            case "montecarlo-pi" -> {
                long samples = p.size() == 0 ? 1_000_000 : p.size();
                yield of(mode -> {
                    long hits = FfmKernels.montecarloHits(samples, p.seed(), mode);
                    return samples == 0 ? Double.NaN : 4.0 * hits / samples;
                });
            }
            case "nbody" -> {
                int n = size(p, 1000);
                double[] init = org.jgil.kernels.NBody.randomState(n, p.seed());
                MemorySegment state = Arena.ofAuto().allocateFrom(JAVA_DOUBLE, init);
                yield of(mode -> {
                    FfmKernels.nbodyStep(state, n, 1e-3, mode);
                    double sum = 0;
                    for (int i = 0; i < 3 * n; i++) {
                        sum += state.getAtIndex(JAVA_DOUBLE, i);
                    }
                    return sum;
                });
            }
            case "sieve" -> {
                int n = size(p, 1_000_000);
                yield of(mode -> FfmKernels.countPrimesBelow(n, mode));
            }
            default -> throw new IllegalArgumentException("kernel '" + name + "' has no FFM binding");
        };
    }

    private static int size(Workload.Params p, int fallback) {
        return p.size() == 0 ? fallback : p.size();
    }

    private static MemorySegment random(int n, SplittableRandom r) {
        MemorySegment s = Arena.ofAuto().allocate(JAVA_DOUBLE, Math.max(1, n));
        for (int i = 0; i < n; i++) {
            s.setAtIndex(JAVA_DOUBLE, i, r.nextDouble(-1, 1));
        }
        return s;
    }

    /** Flops and bytes come from the JNI workload; this one only runs. */
    private static Workload of(ToDoubleFunction<Mode> run) {
        return new Workload() {
            @Override
            public double run(Mode mode) {
                return run.applyAsDouble(mode);
            }

            @Override
            public double flopsPerCall() {
                return 0;
            }

            @Override
            public long bytesPerCall() {
                return 0;
            }
        };
    }
}
