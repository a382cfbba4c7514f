package org.jgil.cli;

import java.util.List;
import org.jgil.kernels.Mode;

/**
 * One measured point: a case, a mode, a thread count, and its independent trials.
 */
record Point(Case testCase, Mode mode, int threads, List<Trial> trials) {
    Point {
        trials = List.copyOf(trials);
        if (trials.isEmpty()) {
            throw new IllegalArgumentException("a point needs at least one trial");
        }
    }

    /** Calls per second in each trial. */
    double[] rates() {
        return trials.stream().mapToDouble(Trial::callsPerSecond).toArray();
    }

    /** Calls per second, all threads together: median of the trials, with its interval. */
    Stats.Estimate rate() {
        return Stats.of(rates());
    }

    double callsPerSecond() {
        return rate().median();
    }

    /** Mean time one call took, seen from its thread (waiting for the lock included), at the median rate. */
    double microsPerCall() {
        double r = callsPerSecond();
        return r == 0 ? Double.NaN : threads / r * 1e6;
    }

    double flopsPerCall() {
        return trials.get(0).flopsPerCall();
    }

    double gflops() {
        return flopsPerCall() <= 0 ? Double.NaN : flopsPerCall() * callsPerSecond() / 1e9;
    }

    /** Managed sections seen to overlap, all trials together: 0 under a working lock. */
    long overlaps() {
        return trials.stream().mapToLong(Trial::overlaps).sum();
    }

    /** The most managed sections at once: 1, or 2 (at least) once any overlapped; 0 with no call. */
    int maxManaged() {
        if (overlaps() > 0) {
            return 2;
        }
        return trials.stream().anyMatch(t -> t.calls() > 0) ? 1 : 0;
    }

    int maxNative() {
        return trials.stream().mapToInt(Trial::maxNative).max().orElse(0);
    }

    /** The lock's count of time spent waiting for it, as a fraction of threads x window: median of the trials. */
    Stats.Estimate waitedFraction() {
        return Stats.of(trials.stream().mapToDouble(t -> t.waitedSeconds() / (threads * t.wallSeconds())).toArray());
    }

    /** The scheduler's count of {@code what} per call, all trials together. */
    double perCall(java.util.function.ToLongFunction<Trial.LockCounts> what) {
        long calls = trials.stream().mapToLong(Trial::calls).sum();
        long n = trials.stream().mapToLong(t -> what.applyAsLong(t.lock())).sum();
        return calls == 0 ? Double.NaN : (double) n / calls;
    }

    /** Microseconds a call spent waiting for the lock, on average (the lock's own count). */
    double waitMicrosPerCall() {
        long calls = trials.stream().mapToLong(Trial::calls).sum();
        double waited = trials.stream().mapToDouble(Trial::waitedSeconds).sum();
        return calls == 0 ? Double.NaN : waited * 1e6 / calls;
    }

    double warmupSeconds() {
        return trials.stream().mapToDouble(Trial::warmupSeconds).max().orElse(0);
    }

    boolean allSteady() {
        return trials.stream().allMatch(Trial::steady);
    }
}
