package org.jgil.lab;

import java.util.Arrays;

/**
 * What both threads of a convoy phase did, on one clock ({@link System#nanoTime()}): for each I/O
 * operation when the I/O thread gave the lock up, when its I/O ended and when it had the lock back;
 * for the CPU-bound thread each handover (a checkpoint that gave the lock away, from the moment it
 * entered the checkpoint to the moment it had the lock again) and each stall (a unit of work,
 * normally a microsecond, that took far longer: the thread was descheduled, or the JVM stopped it
 * at a safepoint, while it held the lock).
 *
 * <p>{@link #tail} attributes every slow re-take to where its time went: to the holder, which had
 * not reached a checkpoint (stalled, or not yet asked); or to the waiter, which had been handed the
 * lock but was not running yet (parked after its spin, or descheduled).
 *
 * @param ioStart per operation: the lock given up
 * @param ioDone per operation: the I/O over, the re-take begins
 * @param ioBack per operation: the lock taken back
 * @param handoverStart per handover: the CPU thread entered the checkpoint that gave the lock away
 * @param handoverEnd per handover: it had the lock back
 * @param stallStart per stall: the unit of work began
 * @param stallEnd per stall: it ended
 */
public record ConvoyTimeline(long[] ioStart, long[] ioDone, long[] ioBack, long[] handoverStart,
                             long[] handoverEnd, long[] stallStart, long[] stallEnd) {
    /** A unit of work (about 1 us) that takes this long was stalled, not working. */
    public static final long STALL_NANOS = 20_000;
    /** A checkpoint that takes this long gave the lock away (a checkpoint that did not: well under 1 us). */
    public static final long HANDOVER_NANOS = 1_000;
    /** Events kept per thread and phase: a few seconds of the fastest I/O. */
    static final int CAPACITY = 1 << 17;

    /**
     * Where the slow re-takes' time went.
     *
     * @param thresholdMicros a re-take slower than this is in the tail
     * @param operations operations in the phase
     * @param slow operations whose re-take took longer than the threshold
     * @param holderStalled of those, the ones during which the holder stalled before handing over
     *     (the OS or the JVM stopped the thread that held the lock)
     * @param holderLate the ones where the holder handed over late without a stall: the lock's rule
     *     (the minimum hold, the wait for a drop request) or its own slow path
     * @param waiterLate the ones handed over in time whose waiter ran late: it had parked (its spin
     *     ran out) or was descheduled
     * @param unmatched slow re-takes with no handover of the CPU thread inside them
     * @param toHandoverP99Micros over the slow re-takes: p99 of the time until the holder handed over
     * @param afterHandoverP99Micros over the slow re-takes: p99 of the time from the handover to the
     *     waiter running with the lock
     */
    public record Tail(double thresholdMicros, int operations, int slow, int holderStalled, int holderLate,
                       int waiterLate, int unmatched, double toHandoverP99Micros, double afterHandoverP99Micros) {}

    /**
     * Classifies every re-take slower than {@code thresholdMicros}. The handover that served a
     * re-take is the last one that began before the waiter had the lock back; the time before it
     * is the holder's, the time after it the waiter's, whichever is the larger decides.
     */
    public Tail tail(double thresholdMicros) {
        long threshold = Math.round(thresholdMicros * 1000);
        int slow = 0;
        int stalled = 0;
        int holderLate = 0;
        int waiterLate = 0;
        int unmatched = 0;
        Samples toHandover = new Samples();
        Samples afterHandover = new Samples();
        for (int i = 0; i < ioBack.length; i++) {
            long done = ioDone[i];
            long back = ioBack[i];
            if (back - done <= threshold) {
                continue;
            }
            slow++;
            int h = lastBefore(handoverStart, back);
            if (h < 0 || handoverStart[h] - done < 0) {
                unmatched++;
                continue;
            }
            long before = handoverStart[h] - done;
            long after = back - handoverStart[h];
            toHandover.add(before);
            afterHandover.add(after);
            if (after > before) {
                waiterLate++;
            } else if (overlapsStall(done, handoverStart[h])) {
                stalled++;
            } else {
                holderLate++;
            }
        }
        return new Tail(thresholdMicros, ioBack.length, slow, stalled, holderLate, waiterLate, unmatched,
                toHandover.percentileMicros(99), afterHandover.percentileMicros(99));
    }

    private boolean overlapsStall(long from, long to) {
        for (int s = Math.max(0, lastBefore(stallStart, to)); s >= 0 && s < stallStart.length; s--) {
            if (stallEnd[s] - from < 0) {
                return false;
            }
            if (stallStart[s] - to < 0) {
                return true;
            }
        }
        return false;
    }

    /** The index of the last time in {@code sorted} before {@code t}, or -1. */
    private static int lastBefore(long[] sorted, long t) {
        int lo = 0;
        int hi = sorted.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] - t < 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Time stamps collected by one thread, bounded, in pairs or triples. */
    static final class Recorder {
        private final long[][] columns;
        private int n;

        Recorder(int columns) {
            this.columns = new long[columns][CAPACITY];
        }

        void add(long a, long b) {
            if (n < CAPACITY) {
                columns[0][n] = a;
                columns[1][n++] = b;
            }
        }

        void add(long a, long b, long c) {
            if (n < CAPACITY) {
                columns[0][n] = a;
                columns[1][n] = b;
                columns[2][n++] = c;
            }
        }

        long[] column(int i) {
            return Arrays.copyOf(columns[i], n);
        }
    }
}
