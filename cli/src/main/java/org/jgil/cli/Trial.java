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
 * @param lock what the lock's scheduler counted in the window
 * @param warmupSeconds how long the warm-up took
 * @param steady whether the warm-up ended because the rate was steady (else it hit its limit)
 */
record Trial(long calls, double wallSeconds, double flopsPerCall, long overlaps, int maxNative,
             double waitedSeconds, double warmupSeconds, boolean steady, LockCounts lock) {
    /**
     * The scheduler's counters over one window: where a contended call's time goes. Times in
     * nanoseconds, all threads together; the barrier and spin times are part of the waits, the
     * mutex waits are not.
     */
    record LockCounts(long waits, long handoffs, long wakeups, long wakeupsFoundTaken, long dropRequests,
                      long forcedSwitches, long waiterBarriers, long waiterBarrierNanos, long revocations,
                      long mutexWaits, long mutexWaitNanos, long spins, long spinsAcquired, long spinNanos) {
        static final LockCounts NONE = new LockCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        static LockCounts between(org.jgil.GilStats a, org.jgil.GilStats b) {
            return new LockCounts(b.waits() - a.waits(), b.handoffs() - a.handoffs(), b.wakeups() - a.wakeups(),
                    b.wakeupsFoundTaken() - a.wakeupsFoundTaken(), b.dropRequests() - a.dropRequests(),
                    b.forcedSwitches() - a.forcedSwitches(), b.waiterBarriers() - a.waiterBarriers(),
                    b.waiterBarrierNanos() - a.waiterBarrierNanos(), b.revocations() - a.revocations(),
                    b.mutexWaits() - a.mutexWaits(), b.mutexWaitNanos() - a.mutexWaitNanos(),
                    b.spins() - a.spins(), b.spinsAcquired() - a.spinsAcquired(), b.spinNanos() - a.spinNanos());
        }
    }

    double callsPerSecond() {
        return calls / wallSeconds;
    }
}
