package org.jgil;

/**
 * What one native call site's released sections cost, from {@code JGIL_BEGIN_ALLOW_THREADS_NAMED}
 * (or the enclosing C function's name for the plain macro). Collected with {@code -Djgil.stats=true}:
 * one release in {@code samplePeriod} is timed ({@code -Djgil.stats.sample}, default 64), which keeps
 * the cost of statistics to about a nanosecond a call.
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
