package org.jgil.lab;

import java.util.Arrays;

/** Latency samples in nanoseconds, with exact percentiles. */
public final class Samples {
    private long[] values = new long[1024];
    private int size;

    /** Adds one sample. */
    public void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    public int size() {
        return size;
    }

    /** The {@code p}-th percentile (nearest rank) in microseconds; NaN when empty. */
    public double percentileMicros(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return sorted[Math.max(0, Math.min(size - 1, rank - 1))] / 1000.0;
    }

    /** Median and 99th percentile in microseconds. */
    public Percentiles percentiles() {
        return new Percentiles(percentileMicros(50), percentileMicros(99));
    }

    /** A median and a 99th percentile, in microseconds. */
    public record Percentiles(double p50, double p99) {}
}
