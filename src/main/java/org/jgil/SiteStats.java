package org.jgil;

/**
 * What one native call site's released sections cost, from {@code JGIL_BEGIN_ALLOW_THREADS_NAMED}
 * (or the enclosing C function's name for the plain macro). Collected with {@code -Djgil.stats=true}:
 * one call in {@code samplePeriod} per thread is timed ({@code -Djgil.stats.sample}, default 16),
 * which keeps the cost of statistics near that of the lock itself.
 *
 * @param site the name given to the macro
 * @param sampledCalls calls that were timed
 * @param estimatedCalls {@code sampledCalls * samplePeriod}
 * @param meanReleasedNanos mean time from BEGIN to END: the work done without the lock
 * @param meanReacquireNanos mean time from END to holding the lock again: waiting to come back
 * @param samplePeriod one call in this many is timed
 */
public record SiteStats(String site, long sampledCalls, long estimatedCalls, double meanReleasedNanos,
                        double meanReacquireNanos, int samplePeriod) {}
