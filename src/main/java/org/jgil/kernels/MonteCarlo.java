package org.jgil.kernels;

import org.jgil.Gil;

/**
 * Estimates pi by sampling points in the unit square, with a random-number state private to
 * the call and seeded from an argument: the same seed gives the same result in every mode.
 *
 * <p>The generator is 8 interleaved xoshiro256** streams seeded by splitmix64 from {@code seed}
 * (lane {@code l} takes the splitmix64 outputs {@code 4l..4l+3}); sample {@code i} takes the next
 * output {@code u} of lane {@code i % 8}, and is inside if {@code x*x + y*y < 2^62} for the 31-bit
 * integers {@code x = u >>> 33}, {@code y = (u >>> 2) & (2^31 - 1)}. Integer arithmetic, so counts
 * are exact.
 */
public final class MonteCarlo {
    static {
        KernelNative.ensureLoaded();
    }

    private static final int LANES = 8;

    private MonteCarlo() {}

    /** {@code 4 * hits / samples}, or NaN for no samples. */
    public static double pi(long samples, long seed, Mode mode) {
        long hits = hits(samples, seed, mode);
        return samples == 0 ? Double.NaN : 4.0 * hits / samples;
    }

    /**
     * How many of {@code samples} points fall inside the quarter circle.
     *
     * @throws java.util.concurrent.CancellationException if released and the thread is interrupted
     */
    public static long hits(long samples, long seed, Mode mode) {
        Checks.nonNegative(samples, "samples");
        Checks.mode(mode, "MonteCarlo.hits");
        if (mode == Mode.JAVA) {
            return hitsJava(samples, seed);
        }
        return KernelNative.montecarloPi(samples, seed, mode.releases(nanos(samples)));
    }

    static long hitsJava(long samples, long seed) {
        long[][] s = new long[4][LANES];
        long sm = seed;
        for (int l = 0; l < LANES; l++) {
            for (int w = 0; w < 4; w++) {
                sm += 0x9e3779b97f4a7c15L;
                long z = sm;
                z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
                z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
                s[w][l] = z ^ (z >>> 31);
            }
        }
        long[] s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
        long hits = 0;
        long i = 0;
        while (i < samples) {
            long end = Math.min(samples, i + 65536);
            for (; i < end; i++) {
                int l = (int) (i & (LANES - 1));
                long u = Long.rotateLeft(s1[l] * 5, 7) * 9;
                long t = s1[l] << 17;
                s2[l] ^= s0[l];
                s3[l] ^= s1[l];
                s1[l] ^= s2[l];
                s0[l] ^= s3[l];
                s2[l] ^= t;
                s3[l] = Long.rotateLeft(s3[l], 45);
                long x = u >>> 33, y = (u >>> 2) & 0x7fffffffL;
                if (x * x + y * y < (1L << 62)) {
                    hits++;
                }
            }
            Gil.checkpoint();
        }
        return hits;
    }

    static double nanos(long samples) {
        return Cost.nanos(samples, 2.7, 0.75, 0.32);
    }
}
