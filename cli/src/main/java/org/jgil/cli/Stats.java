package org.jgil.cli;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The statistics of a report: independent trials summarised as a median with an interval, ratios of
 * such summaries, the steadiness test that ends a warm-up, and the check that flags a result no
 * machine can give.
 *
 * <p>A point is measured in a handful of trials (three by default), too few to assume anything about
 * their distribution, so the interval of one quantity is the distribution-free one for the median:
 * between the k-th smallest and the k-th largest trial, where the chance that the true median lies
 * outside is two binomial tails. Three trials give min..max at 75%, five at 93.75%, six or more reach
 * 95%; the confidence actually reached is reported beside the interval. A ratio of two such
 * quantities (a speed-up) gets a percentile bootstrap of the ratio of medians, resampling each side's
 * trials independently, with a fixed seed so that a report is reproducible from its trials.
 */
final class Stats {
    /** The confidence an interval aims at; fewer trials than six cannot reach it. */
    static final double TARGET_CONFIDENCE = 0.95;
    private static final int BOOTSTRAP_RESAMPLES = 2000;

    private Stats() {}

    /**
     * A quantity measured in {@code n} independent trials.
     *
     * @param lo the lower end of the interval for the median
     * @param hi the upper end
     * @param confidence the probability that the interval holds the true median (for a ratio: the
     *     bootstrap's nominal level)
     */
    record Estimate(int n, double median, double min, double max, double lo, double hi, double confidence) {
        static final Estimate NONE = new Estimate(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);

        /** {@code "1.93 [1.90-1.97]"}: the median and its interval. */
        String format(int decimals, String unit) {
            if (Double.isNaN(median)) {
                return "-";
            }
            String m = bound(median, decimals) + unit;
            return n < 2 ? m : m + " [" + bound(lo, decimals) + "-" + bound(hi, decimals) + "]";
        }

        private static String bound(double v, int decimals) {
            return Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : Results.format(v, decimals);
        }

        /** Half the interval's width relative to the median: the precision of this estimate. */
        double relativeHalfWidth() {
            return n < 2 || median == 0 ? Double.NaN : (hi - lo) / 2 / Math.abs(median);
        }
    }

    /**
     * The median of {@code trials} with its distribution-free interval.
     *
     * @throws IllegalArgumentException if a trial is NaN
     */
    static Estimate of(double... trials) {
        if (trials.length == 0) {
            return Estimate.NONE;
        }
        double[] x = trials.clone();
        for (double v : x) {
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("a trial is NaN: " + Arrays.toString(trials));
            }
        }
        Arrays.sort(x);
        int n = x.length;
        int k = medianIntervalRank(n);
        return new Estimate(n, median(x), x[0], x[n - 1], x[k - 1], x[n - k], medianCoverage(n, k));
    }

    /**
     * The rank k (1-based) of the widest-but-needed order statistics [x(k), x(n-k+1)]: the largest k
     * whose coverage still reaches {@link #TARGET_CONFIDENCE}, else 1 (min..max, the best there is).
     */
    static int medianIntervalRank(int n) {
        int best = 1;
        for (int k = 1; 2 * k <= n; k++) {
            if (medianCoverage(n, k) >= TARGET_CONFIDENCE) {
                best = k;
            }
        }
        return best;
    }

    /** P(x(k) <= true median <= x(n-k+1)) = 1 - 2 P(Binomial(n, 1/2) <= k-1), for any continuous distribution. */
    static double medianCoverage(int n, int k) {
        if (n < 2) {
            return 0;
        }
        double tail = 0;
        double choose = 1; // C(n, 0)
        for (int i = 0; i < k; i++) {
            tail += choose;
            choose = choose * (n - i) / (i + 1);
        }
        return Math.max(0, 1 - 2 * tail / Math.pow(2, n));
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * The ratio {@code numerator / denominator} of two independently measured quantities: the ratio of
     * their medians, with a 95% percentile-bootstrap interval (each side resampled from its trials).
     * Min and max are the extreme ratios the trials allow.
     */
    static Estimate ratio(double[] numerator, double[] denominator) {
        return bootstrap(numerator, denominator, (x, y) -> x / y);
    }

    /**
     * The difference {@code a - b} of two independently measured quantities: the difference of their
     * medians with a 95% percentile-bootstrap interval, as {@link #ratio}.
     */
    static Estimate difference(double[] a, double[] b) {
        return bootstrap(a, b, (x, y) -> x - y);
    }

    private static Estimate bootstrap(double[] first, double[] second, java.util.function.DoubleBinaryOperator f) {
        if (first.length == 0 || second.length == 0) {
            return Estimate.NONE;
        }
        double[] a = sorted(first);
        double[] b = sorted(second);
        double point = f.applyAsDouble(median(a), median(b));
        double[] corners = {f.applyAsDouble(a[0], b[0]), f.applyAsDouble(a[0], b[b.length - 1]),
            f.applyAsDouble(a[a.length - 1], b[0]), f.applyAsDouble(a[a.length - 1], b[b.length - 1])};
        for (int i = 0; i < corners.length; i++) {
            corners[i] = Double.isNaN(corners[i]) ? Double.POSITIVE_INFINITY : corners[i];
        }
        Arrays.sort(corners);
        double min = corners[0];
        double max = corners[3];
        int n = Math.min(a.length, b.length);
        if (a.length < 2 || b.length < 2) {
            return new Estimate(n, point, min, max, min, max, 0);
        }
        SplittableRandom random = new SplittableRandom(0x5eed);
        double[] values = new double[BOOTSTRAP_RESAMPLES];
        double[] ra = new double[a.length];
        double[] rb = new double[b.length];
        for (int i = 0; i < values.length; i++) {
            resample(a, ra, random);
            resample(b, rb, random);
            double v = f.applyAsDouble(median(ra), median(rb));
            values[i] = Double.isNaN(v) ? Double.POSITIVE_INFINITY : v; // 0/0: no bound at all
        }
        Arrays.sort(values);
        double alpha = (1 - TARGET_CONFIDENCE) / 2;
        double lo = values[(int) Math.floor(alpha * (values.length - 1))];
        double hi = values[(int) Math.ceil((1 - alpha) * (values.length - 1))];
        return new Estimate(n, point, min, max, Math.min(lo, point), Math.max(hi, point), TARGET_CONFIDENCE);
    }

    private static void resample(double[] from, double[] into, SplittableRandom random) {
        for (int i = 0; i < into.length; i++) {
            into[i] = from[random.nextInt(from.length)];
        }
        Arrays.sort(into);
    }

    private static double[] sorted(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s;
    }

    /**
     * Whether a rate has settled: the last {@code windows} rates each lie within {@code tolerance}
     * (a fraction) of their mean. Warm-up ends when this holds.
     */
    static boolean steady(double[] rates, int windows, double tolerance) {
        if (rates.length < windows || windows < 2) {
            return false;
        }
        double sum = 0;
        for (int i = rates.length - windows; i < rates.length; i++) {
            sum += rates[i];
        }
        double mean = sum / windows;
        if (mean <= 0) {
            return false;
        }
        for (int i = rates.length - windows; i < rates.length; i++) {
            if (Math.abs(rates[i] - mean) > tolerance * mean) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a speed-up is physically impossible: its interval lies wholly above the ceiling (the
     * most the machine and the lock allow), so noise cannot explain it.
     */
    static boolean impossible(Estimate speedup, double ceiling) {
        return speedup.n() > 0 && !Double.isNaN(speedup.lo()) && !Double.isNaN(ceiling) && speedup.lo() > ceiling;
    }
}
