package org.jgil;

import java.util.List;

/**
 * What the lock's scheduler saw since the policy was installed or the statistics were last reset
 * ({@link Gil#stats()}, {@link Gil#resetStats()}). Only contended acquisitions are seen: an
 * acquire whose CAS succeeds at once never reaches the scheduler, costs nothing and counts
 * nothing.
 *
 * @param policy the scheduling policy in force
 * @param waits acquisitions that had to wait
 * @param waitNanosTotal time spent waiting, all threads together
 * @param waitNanosP50 median wait (bucketed, within 25%)
 * @param waitNanosP99 99th percentile wait (bucketed, within 25%)
 * @param waitNanosMax longest wait
 * @param handoffs times the lock went from a releasing thread to a waiting one
 * @param dropRequests times a waiter asked the holder to give the lock up
 * @param forcedSwitches times a holder gave the lock up at a checkpoint and waited for another
 *     thread to take it
 * @param wakeups times a waiter was woken to take a freed lock
 * @param wakeupsFoundTaken of those, times it found the lock already re-taken (the old GIL's
 *     priority inversion)
 * @param deadOwnersRecovered locks freed because their owner thread had ended
 * @param waiterBarriers process-wide barriers (membarrier(2)) paid by a first waiter to raise the
 *     {@code waiting} flag: about one per burst of contention, a few microseconds each
 * @param waiterBarrierNanos the time those barriers took, as the waiters saw it (part of their
 *     waits)
 * @param revocations reservations of a released section revoked from a thread that was not about
 *     to take the lock back (each one a process-wide barrier too), all schedulers together
 * @param mutexWaits times a thread found the scheduler's own mutex taken and waited for it
 * @param mutexWaitNanos time spent waiting for the scheduler's mutex, all threads together
 * @param spins times a waiter spun before parking ({@code -Djgil.spin})
 * @param spinsAcquired of those, times the spin got the lock, so that the waiter never parked
 * @param spinNanos time spent spinning, all threads together
 * @param acquisitions with {@code -Djgil.stats=true}: acquisitions made in Java, all threads
 * @param holdNanosTotal with {@code -Djgil.stats=true}: time held, as Java sees it, all threads
 * @param threads the same, per thread that waited or (with statistics on) held the lock, by thread id
 *     (virtual threads included). As the list grows, ended threads are folded into one row with
 *     thread id 0 and the name "(ended and further threads)", which also takes the threads past
 *     4096 live ones; the rows add up to the totals
 */
public record GilStats(String policy, long waits, long waitNanosTotal, long waitNanosP50, long waitNanosP99,
                       long waitNanosMax, long handoffs, long dropRequests, long forcedSwitches, long wakeups,
                       long wakeupsFoundTaken, long deadOwnersRecovered, long waiterBarriers, long waiterBarrierNanos,
                       long revocations, long mutexWaits, long mutexWaitNanos, long spins, long spinsAcquired,
                       long spinNanos, long acquisitions, long holdNanosTotal, List<ThreadStats> threads) {

    /** One thread's waits, and with {@code -Djgil.stats=true} its acquisitions and time holding. */
    public record ThreadStats(long threadId, String threadName, long waits, long waitNanosTotal,
                              long waitNanosP50, long waitNanosP99, long waitNanosMax, long acquisitions,
                              long holdNanos) {}
}
