package org.jgil.kernels;

import org.jgil.Gil;

/** Counting primes with the sieve of Eratosthenes: integer work whose speed the caches decide. */
public final class Primes {
    static {
        KernelNative.ensureLoaded();
    }

    private Primes() {}

    /**
     * The number of primes below {@code n} (0 for {@code n <= 2}). Uses {@code n/2} bytes of
     * scratch memory (native memory in the native modes).
     *
     * @throws java.util.concurrent.CancellationException if released and the thread is interrupted
     */
    public static int countBelow(int n, Mode mode) {
        Checks.nonNegative(n, "n");
        Checks.mode(mode, "Primes.countBelow");
        if (mode == Mode.JAVA) {
            return countJava(n);
        }
        return KernelNative.sieve(n, mode.releases(nanos(n)));
    }

    /** Odd numbers only: index i stands for 2i+1, as in sieve.c. */
    static int countJava(int n) {
        if (n <= 2) {
            return 0;
        }
        int half = n / 2;
        boolean[] composite = new boolean[half];
        for (long i = 1; (2 * i + 1) * (2 * i + 1) < n; i++) {
            if (composite[(int) i]) {
                continue;
            }
            long prime = 2 * i + 1;
            for (long j = prime * prime / 2; j < half; j += prime) {
                composite[(int) j] = true;
            }
            Gil.checkpoint();
        }
        int count = 1; // the prime 2
        for (int j = 1; j < half; j++) {
            if (!composite[j]) {
                count++;
            }
        }
        return count;
    }

    static double nanos(long n) {
        return Cost.nanos(n, 0.7, 0.7, 0.7);
    }
}
