package org.jgil.kernels;

import java.nio.DoubleBuffer;
import java.util.SplittableRandom;
import org.jgil.Gil;

/**
 * One time step of {@code n} bodies under gravity ({@code G = 1}), all pairs: O(n^2) work on
 * O(n) data.
 *
 * <p>The state is {@code 7n} doubles laid out as {@code x[n] y[n] z[n] vx[n] vy[n] vz[n] mass[n]}.
 * A step computes each body's acceleration from the old positions,
 * {@code a_i = sum_j m_j (r_j - r_i) / (|r_j - r_i|^2 + eps^2)^(3/2)} with
 * {@code eps^2 = } {@value #SOFTENING2}, then {@code v += a dt}, then {@code r += v dt}. The
 * portable native variant equals Java bit for bit; the vector variants differ by summation order
 * and fused multiply-adds only.
 */
public final class NBody {
    static {
        KernelNative.ensureLoaded();
    }

    /** The softening {@code eps^2}: it keeps close encounters finite and makes the {@code j = i} term zero. */
    public static final double SOFTENING2 = 1e-6;

    private NBody() {}

    /** A state for {@code n} bodies at random positions in the unit cube, small velocities, masses 1/n. */
    public static double[] randomState(int n, long seed) {
        Checks.nonNegative(n, "n");
        double[] s = new double[Checks.product(7, n, "7 * n")];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 3 * n; i++) {
            s[i] = r.nextDouble(-1, 1);
            s[3 * n + i] = r.nextDouble(-0.01, 0.01);
        }
        for (int i = 0; i < n; i++) {
            s[6 * n + i] = 1.0 / n;
        }
        return s;
    }

    /** Advances {@code state[off, off + 7n)} by {@code dt}; nothing outside that range is written. */
    public static void step(double[] state, int off, int n, double dt, Mode mode) {
        Checks.nonNegative(n, "n");
        int len = Checks.product(7, n, "7 * n");
        Checks.notNull(state, "state");
        Checks.mode(mode, "NBody.step");
        Checks.range("state", "off", off, len, state.length);
        if (mode == Mode.JAVA) {
            stepJava(state, off, n, dt);
            return;
        }
        KernelNative.nbodyStep(state, off, n, dt, false, mode.releases(nanos(n)));
    }

    /** Advances a whole-array state of {@code 7n} doubles. */
    public static void step(double[] state, double dt, Mode mode) {
        Checks.notNull(state, "state");
        if (state.length % 7 != 0) {
            throw new IllegalArgumentException("state has length " + state.length + ", not a multiple of 7");
        }
        step(state, 0, state.length / 7, dt, mode);
    }

    /** Advances a state in a direct buffer with exactly {@code 7n} elements remaining. */
    public static void step(DoubleBuffer state, int n, double dt, Mode mode) {
        Checks.nonNegative(n, "n");
        int len = Checks.product(7, n, "7 * n");
        Checks.direct(state, "state", true);
        Checks.mode(mode, "NBody.step");
        Checks.remaining(state, "state", len, "7 * n");
        if (mode == Mode.JAVA) {
            int p = state.position();
            double[] copy = new double[len];
            state.get(p, copy);
            stepJava(copy, 0, n, dt);
            state.put(p, copy);
            return;
        }
        KernelNative.nbodyStep(state, state.position(), n, dt, true, mode.releases(nanos(n)));
    }

    static void stepJava(double[] s, int off, int n, double dt) {
        int x = off, y = off + n, z = off + 2 * n, vx = off + 3 * n, vy = off + 4 * n, vz = off + 5 * n,
                m = off + 6 * n;
        double[] acc = new double[3 * n];
        for (int i = 0; i < n; i++) {
            double ax = 0, ay = 0, az = 0;
            double xi = s[x + i], yi = s[y + i], zi = s[z + i];
            for (int j = 0; j < n; j++) {
                double dx = s[x + j] - xi, dy = s[y + j] - yi, dz = s[z + j] - zi;
                double r2 = dx * dx + dy * dy + dz * dz + SOFTENING2;
                double f = s[m + j] / (r2 * Math.sqrt(r2));
                ax += dx * f;
                ay += dy * f;
                az += dz * f;
            }
            acc[3 * i] = ax;
            acc[3 * i + 1] = ay;
            acc[3 * i + 2] = az;
            if ((i & 15) == 15) {
                Gil.checkpoint();
            }
        }
        for (int i = 0; i < n; i++) {
            s[vx + i] += acc[3 * i] * dt;
            s[vy + i] += acc[3 * i + 1] * dt;
            s[vz + i] += acc[3 * i + 2] * dt;
        }
        for (int i = 0; i < n; i++) {
            s[x + i] += s[vx + i] * dt;
            s[y + i] += s[vy + i] * dt;
            s[z + i] += s[vz + i] * dt;
        }
    }

    static double nanos(long n) {
        return Cost.nanos((double) n * n, 4.1, 0.98, 0.52);
    }
}
