package org.jgil.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import org.jgil.kernels.Mode;

/**
 * The compute kernels of {@code org.jgil.kernels}, called through their C entry points
 * ({@code jgil_kernels.h}) by FFM downcalls instead of JNI: the same library, the same code, no C
 * written for the binding. Arrays are {@link MemorySegment}s of doubles (ints for Mandelbrot):
 * native memory in every mode, and in {@link Mode#HELD} also heap arrays
 * ({@link MemorySegment#ofArray}), which the short kernels pass without a copy through a critical
 * downcall.
 *
 * <p>The modes mean what they mean for the JNI kernels: {@code HELD} keeps the lock,
 * {@code RELEASED} gives it up (and the long kernels then stop within about a millisecond when the
 * calling thread is interrupted, throwing {@link CancellationException} with the interrupt status
 * kept), {@code AUTO} releases from the kernels' threshold of estimated work. {@code JAVA} has no
 * meaning here and is refused. The caller holds the lock, as for every kernel; in checked mode a
 * {@code HELD} or {@code AUTO} call without it is refused, as {@link GilLinker#held} refuses one.
 */
public final class FfmKernels {
    private static final int OK = 0;
    private static final int STOPPED = -1;
    private static final int NOMEM = -2;

    private static final MemorySegment REQUEST_STOP = Native.find("jgil_k_request_stop");

    /** A kernel with a {@code stop} flag as its last argument, held, or released and cancellable. */
    private record Long2(MethodHandle held, MethodHandle cancellable) {
        static Long2 of(String name, FunctionDescriptor fd) {
            MethodHandle plain = downcall(name, fd);
            int stopIndex = fd.argumentLayouts().size() - 1;
            return new Long2(GilLinker.held(plain), GilLinker.cancellable(plain, REQUEST_STOP, stopIndex));
        }

        MethodHandle pick(boolean release) {
            return release ? cancellable : held;
        }
    }

    /** A short kernel without a stop flag: held through a critical downcall, or released. */
    private record Short2(MethodHandle heldCritical, MethodHandle released) {
        static Short2 of(String name, FunctionDescriptor fd) {
            return new Short2(GilLinker.heldCritical(Native.LIBJGIL, name, fd),
                    GilLinker.released(downcall(name, fd)));
        }
    }

    private static final Short2 DOT = Short2.of("jgil_k_dot", FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, ADDRESS,
            JAVA_LONG));
    private static final Short2 SUM = Short2.of("jgil_k_sum", FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, JAVA_LONG));
    private static final Short2 AXPY = Short2.of("jgil_k_axpy", FunctionDescriptor.ofVoid(JAVA_DOUBLE, ADDRESS,
            ADDRESS, JAVA_LONG));
    private static final Long2 GEMM = Long2.of("jgil_k_gemm", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG,
            JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final Long2 MANDELBROT = Long2.of("jgil_k_mandelbrot", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
            JAVA_INT, JAVA_DOUBLE, JAVA_DOUBLE, JAVA_DOUBLE, JAVA_DOUBLE, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    private static final Long2 MONTECARLO = Long2.of("jgil_k_montecarlo_pi", FunctionDescriptor.of(JAVA_INT,
            JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS));
    private static final Long2 NBODY = Long2.of("jgil_k_nbody_step", FunctionDescriptor.of(JAVA_INT, ADDRESS,
            JAVA_LONG, JAVA_DOUBLE, ADDRESS));
    private static final Long2 SIEVE = Long2.of("jgil_k_sieve", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS,
            ADDRESS));
    private static final Long2 SLEEP = Long2.of("jgil_k_sleep", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
    private static final Long2 SPIN = Long2.of("jgil_k_spin", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG,
            ADDRESS, ADDRESS));
    /** A calibration that touches no managed state: callable with or without the lock, as its JNI twin is. */
    private static final MethodHandle SPIN_ITERATIONS = downcall("jgil_k_spin_iterations",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));

    private FfmKernels() {}

    /** libjgil's symbols, among them the C entry points of {@code jgil_kernels.h}, for {@link GilLinker#downcall}. */
    public static SymbolLookup library() {
        return Native.LIBJGIL;
    }

    /** Sum of {@code x[i] * y[i]} for {@code i < n}. */
    public static double dot(MemorySegment x, MemorySegment y, long n, Mode mode) {
        checkDoubles(x, n, "x");
        checkDoubles(y, n, "y");
        try {
            return (double) (releases(mode, n * 0.3) ? DOT.released : DOT.heldCritical).invokeExact(x, y, n);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sum of {@code x[i]} for {@code i < n}. */
    public static double sum(MemorySegment x, long n, Mode mode) {
        checkDoubles(x, n, "x");
        try {
            return (double) (releases(mode, n * 0.2) ? SUM.released : SUM.heldCritical).invokeExact(x, n);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code y[i] += a * x[i]} for {@code i < n}; x and y are the same memory or do not overlap. */
    public static void axpy(double a, MemorySegment x, MemorySegment y, long n, Mode mode) {
        checkDoubles(x, n, "x");
        checkDoubles(y, n, "y");
        if (!x.equals(y) && x.asOverlappingSlice(y).isPresent()) {
            throw new IllegalArgumentException("x and y overlap without being the same memory");
        }
        try {
            (releases(mode, n * 0.5) ? AXPY.released : AXPY.heldCritical).invokeExact(a, x, y, n);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code C = A * B}: A is m x k, B k x n, C m x n, row-major doubles in native memory. */
    public static void gemm(int m, int n, int k, MemorySegment a, MemorySegment b, MemorySegment c, Mode mode) {
        nonNegative(m, "m");
        nonNegative(n, "n");
        nonNegative(k, "k");
        checkDoubles(a, (long) m * k, "a");
        checkDoubles(b, (long) k * n, "b");
        checkDoubles(c, (long) m * n, "c");
        if (c.asOverlappingSlice(a).isPresent() || c.asOverlappingSlice(b).isPresent()) {
            throw new IllegalArgumentException("c must not overlap a or b");
        }
        boolean release = releases(mode, 2.0 * m * n * k * 0.05);
        Scratch s = Scratch.get(release);
        try {
            status("gemm", (int) GEMM.pick(release).invokeExact((long) m, (long) n, (long) k, a, b, c, s.stop()));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Escape counts of a {@code width x height} grid (ints, row by row) into {@code out}.
     *
     * @return the rows complete (all of them unless cancelled)
     */
    public static long mandelbrot(int width, int height, double x0, double y0, double dx, double dy, int maxIter,
            MemorySegment out, Mode mode) {
        nonNegative(width, "width");
        nonNegative(height, "height");
        nonNegative(maxIter, "maxIter");
        check(out, (long) width * height * Integer.BYTES, "out");
        boolean release = releases(mode, (double) width * height * Math.min(maxIter, 100));
        Scratch s = Scratch.get(release);
        try {
            status("mandelbrot", (int) MANDELBROT.pick(release).invokeExact(width, height, x0, y0, dx, dy, maxIter,
                    out, s.result(), s.stop()));
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return s.value();
    }

    /** How many of {@code samples} random points (from {@code seed}) fall in the quarter circle. */
    public static long montecarloHits(long samples, long seed, Mode mode) {
        nonNegative(samples, "samples");
        boolean release = releases(mode, samples * 1.0);
        Scratch s = Scratch.get(release);
        try {
            status("montecarlo-pi", (int) MONTECARLO.pick(release).invokeExact(samples, seed, s.result(), s.stop()));
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return s.value();
    }

    /** One time step of {@code n} bodies: {@code state} holds x, y, z, vx, vy, vz, m ({@code 7 * n} doubles). */
    public static void nbodyStep(MemorySegment state, int n, double dt, Mode mode) {
        nonNegative(n, "n");
        checkDoubles(state, 7L * n, "state");
        boolean release = releases(mode, (double) n * n * 2.0);
        Scratch s = Scratch.get(release);
        try {
            status("nbody", (int) NBODY.pick(release).invokeExact(state, (long) n, dt, s.stop()));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The number of primes below {@code n}. */
    public static int countPrimesBelow(int n, Mode mode) {
        nonNegative(n, "n");
        boolean release = releases(mode, n * 2.0);
        Scratch s = Scratch.get(release);
        try {
            status("sieve", (int) SIEVE.pick(release).invokeExact(n, s.result(), s.stop()));
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return s.result().get(JAVA_INT, 0);
    }

    /** Sleeps {@code micros} microseconds; AUTO releases, as for every blocking wait. */
    public static void sleep(long micros, Mode mode) {
        nonNegative(micros, "micros");
        boolean release = releases(mode, Double.POSITIVE_INFINITY);
        Scratch s = Scratch.get(release);
        try {
            status("sleep", (int) SLEEP.pick(release).invokeExact(micros, s.stop()));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Iterations of {@link #spin} that make {@code micros} microseconds of work on this CPU. */
    public static long spinIterations(long micros) {
        nonNegative(micros, "micros");
        try {
            return (long) SPIN_ITERATIONS.invokeExact(micros);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** About {@code micros} microseconds of CPU work; the same result as {@code Synthetic.spin}. */
    public static long spin(long micros, long seed, Mode mode) {
        return spin(spinIterations(micros), micros, seed, mode);
    }

    /** {@code iterations} rounds of {@link #spin}'s recurrence, expected to take {@code micros} (for AUTO). */
    static long spin(long iterations, long micros, long seed, Mode mode) {
        nonNegative(iterations, "iterations");
        boolean release = releases(mode, micros * 1000.0);
        Scratch s = Scratch.get(release);
        try {
            status("spin", (int) SPIN.pick(release).invokeExact(iterations, seed, s.result(), s.stop()));
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return s.value();
    }

    // ---- the pieces ----

    private static boolean releases(Mode mode, double estimatedNanos) {
        Objects.requireNonNull(mode, "mode");
        return switch (mode) {
            case HELD -> false;
            case RELEASED -> true;
            case AUTO -> estimatedNanos >= Mode.autoThresholdNanos();
            case JAVA -> throw new IllegalArgumentException("mode JAVA makes no native call; use the kernels of "
                    + "org.jgil.kernels for it");
        };
    }

    private static void status(String name, int status) {
        switch (status) {
            case OK -> { }
            case STOPPED -> throw new CancellationException(name + ": cancelled, the calling thread was interrupted");
            case NOMEM -> throw new OutOfMemoryError(name + ": no native memory for scratch space");
            default -> throw new IllegalArgumentException(name + ": the kernel refused its arguments (status "
                    + status + ")");
        }
    }

    /**
     * Per-thread native words for a kernel's out-parameter and stop flag: a call is synchronous, so
     * one pair per thread serves every call, at no allocation.
     */
    private record Scratch(MemorySegment result, MemorySegment flag, boolean cancellable) {
        private static final ThreadLocal<MemorySegment> WORDS = ThreadLocal.withInitial(
                () -> Arena.ofAuto().allocate(16, 8));

        static Scratch get(boolean cancellable) {
            MemorySegment words = WORDS.get();
            MemorySegment flag = words.asSlice(8, 4);
            flag.set(JAVA_INT, 0, 0);
            return new Scratch(words.asSlice(0, 8), flag, cancellable);
        }

        /** The stop flag to pass: none when held (nothing would raise it). */
        MemorySegment stop() {
            return cancellable ? flag : MemorySegment.NULL;
        }

        long value() {
            return result.get(JAVA_LONG, 0);
        }
    }

    private static void checkDoubles(MemorySegment s, long n, String name) {
        nonNegative(n, "n");
        check(s, n * Double.BYTES, name);
    }

    private static void check(MemorySegment s, long bytes, String name) {
        Objects.requireNonNull(s, name);
        if (s.byteSize() < bytes) {
            throw new IllegalArgumentException(name + " has " + s.byteSize() + " bytes, the call needs " + bytes);
        }
    }

    private static void nonNegative(long v, String name) {
        if (v < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + v);
        }
    }

    static MethodHandle downcall(String name, FunctionDescriptor fd) {
        return GilLinker.downcall(Native.LIBJGIL, name, fd);
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
