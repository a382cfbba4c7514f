package org.jgil;

import java.util.Arrays;

/**
 * A histogram of waits for the lock, cheap enough to update on every slow-path acquire:
 * power-of-two buckets of nanoseconds with four linear sub-buckets each (a relative error under
 * 25%), plus the exact maximum. Not thread-safe: schedulers update it under their mutex.
 */
final class Waits {
    private static final int SUB = 4;
    private final long[] buckets = new long[64 * SUB];
    private long count;
    private long totalNanos;
    private long maxNanos;

    void record(long nanos) {
        long n = Math.max(0, nanos);
        count++;
        totalNanos += n;
        maxNanos = Math.max(maxNanos, n);
        buckets[index(n)]++;
    }

    private static int index(long n) {
        if (n < SUB) {
            return (int) n;
        }
        int log = 63 - Long.numberOfLeadingZeros(n); // >= 2
        int sub = (int) ((n >>> (log - 2)) & (SUB - 1));
        return log * SUB + sub;
    }

    private static long upperBound(int index) {
        if (index < SUB) {
            return index;
        }
        int log = index / SUB;
        int sub = index % SUB;
        return ((long) (SUB + sub + 1) << (log - 2)) - 1;
    }

    long count() {
        return count;
    }

    long totalNanos() {
        return totalNanos;
    }

    long maxNanos() {
        return maxNanos;
    }

    /** The smallest bucket bound below which {@code p} percent of the waits fall. */
    long percentileNanos(double p) {
        if (count == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(p / 100.0 * count);
        long seen = 0;
        for (int i = 0; i < buckets.length; i++) {
            seen += buckets[i];
            if (seen >= rank) {
                return Math.min(upperBound(i), maxNanos);
            }
        }
        return maxNanos;
    }

    void add(Waits other) {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] += other.buckets[i];
        }
        count += other.count;
        totalNanos += other.totalNanos;
        maxNanos = Math.max(maxNanos, other.maxNanos);
    }

    void clear() {
        Arrays.fill(buckets, 0);
        count = 0;
        totalNanos = 0;
        maxNanos = 0;
    }
}
