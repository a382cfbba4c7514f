package org.jgil.cli;

import org.jgil.kernels.Mode;

/**
 * One measured point: a case, a mode, a thread count.
 *
 * @param calls calls completed inside the measured window, all threads together
 * @param maxManaged the most threads seen in managed code at once (must be 1 under the lock)
 * @param maxNative the most threads seen inside a native call at once
 */
record Point(Case testCase, Mode mode, int threads, long calls, double wallSeconds, double flopsPerCall,
             int maxManaged, int maxNative) {
    double callsPerSecond() {
        return calls / wallSeconds;
    }

    /** Mean time one call took, seen from its thread (waiting for the lock included). */
    double microsPerCall() {
        return calls == 0 ? Double.NaN : wallSeconds * threads / calls * 1e6;
    }

    double gflops() {
        return flopsPerCall <= 0 ? Double.NaN : flopsPerCall * calls / wallSeconds / 1e9;
    }
}
