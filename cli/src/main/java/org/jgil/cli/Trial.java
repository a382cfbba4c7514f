package org.jgil.cli;

/**
 * One independent trial of a point: fresh threads, warmed up until their rate was steady, then one
 * measured window.
 *
 * @param calls calls completed inside the measured window, all threads together
 * @param wallSeconds the measured window
 * @param overlaps managed sections seen to overlap another thread's (0 under a working lock)
 * @param maxNative the most threads seen inside a native call at once (sampled: a lower bound)
 * @param waitedSeconds time the lock's scheduler counted threads waiting for it in the window, all
 *     threads together
 * @param warmupSeconds how long the warm-up took
 * @param steady whether the warm-up ended because the rate was steady (else it hit its limit)
 */
record Trial(long calls, double wallSeconds, double flopsPerCall, long overlaps, int maxNative,
             double waitedSeconds, double warmupSeconds, boolean steady) {
    double callsPerSecond() {
        return calls / wallSeconds;
    }
}
