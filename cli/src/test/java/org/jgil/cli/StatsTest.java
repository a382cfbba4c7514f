package org.jgil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jgil.kernels.Kernels;
import org.jgil.kernels.Mode;
import org.junit.jupiter.api.Test;

/** The statistics behind every reported interval, and the flag on impossible speed-ups. */
class StatsTest {
    @Test
    void medianIntervalOfThreeTrialsIsMinToMaxAtSeventyFivePercent() {
        Stats.Estimate e = Stats.of(10, 30, 20);
        assertEquals(3, e.n());
        assertEquals(20, e.median());
        assertEquals(10, e.lo());
        assertEquals(30, e.hi());
        assertEquals(0.75, e.confidence(), 1e-12);
    }

    @Test
    void coverageFollowsTheBinomialTails() {
        assertEquals(0.9375, Stats.medianCoverage(5, 1), 1e-12); // 1 - 2/32
        assertEquals(1 - 2.0 / 64, Stats.medianCoverage(6, 1), 1e-12);
        assertEquals(1 - 2.0 * 11 / 1024, Stats.medianCoverage(10, 2), 1e-12); // P(X<=1) = 11/1024
        assertEquals(1, Stats.medianIntervalRank(5)); // cannot reach 95%: min..max
        assertEquals(2, Stats.medianIntervalRank(10)); // k=3 would give 89%
        assertEquals(8, Stats.medianIntervalRank(25)); // the textbook table: x(8)..x(18), 95.7%
    }

    @Test
    void tenTrialsUseSecondSmallestAndSecondLargest() {
        Stats.Estimate e = Stats.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertEquals(5.5, e.median());
        assertEquals(2, e.lo());
        assertEquals(9, e.hi());
        assertEquals(1, e.min());
        assertEquals(10, e.max());
        assertTrue(e.confidence() >= 0.95, "" + e.confidence());
    }

    @Test
    void oneTrialHasNoInterval() {
        Stats.Estimate e = Stats.of(7);
        assertEquals(7, e.median());
        assertEquals(0, e.confidence());
        assertEquals("7.00x", e.format(2, "x"));
        assertThrows(IllegalArgumentException.class, () -> Stats.of(1, Double.NaN));
    }

    @Test
    void ratioIntervalHoldsTheRatioOfMediansAndStaysInsideTheExtremes() {
        double[] two = {190, 200, 210, 195, 205};
        double[] one = {100, 101, 99, 100, 102};
        Stats.Estimate r = Stats.ratio(two, one);
        assertEquals(2.0, r.median(), 1e-12);
        assertTrue(r.lo() <= 2.0 && r.hi() >= 2.0, r.toString());
        assertTrue(r.lo() >= 190 / 102.0 - 1e-12 && r.hi() <= 210 / 99.0 + 1e-12, r.toString());
        assertTrue(r.lo() < r.hi(), r.toString());
        assertEquals(r, Stats.ratio(two, one), "the bootstrap is seeded: a report is reproducible");
    }

    @Test
    void identicalTrialsGiveADegenerateInterval() {
        Stats.Estimate r = Stats.ratio(new double[] {4, 4, 4}, new double[] {2, 2, 2});
        assertEquals(2, r.lo());
        assertEquals(2, r.hi());
    }

    @Test
    void aTrialWithNoCallsLeavesTheRatioUnboundedNotUndefined() {
        // A tenth of the resamples draw a zero median on both sides: 0/0.
        Stats.Estimate r = Stats.ratio(new double[] {0, 0, 10, 10, 10}, new double[] {0, 0, 5, 5, 5});
        assertEquals(2, r.median());
        assertFalse(Double.isNaN(r.hi()) || Double.isNaN(r.max()), r.toString());
        assertEquals(Double.POSITIVE_INFINITY, r.hi());
        assertTrue(r.format(2, "x").endsWith("-inf]"), r.format(2, "x"));
    }

    @Test
    void steadyNeedsTheLastWindowsWithinTolerance() {
        assertFalse(Stats.steady(new double[] {100, 150}, 3, 0.05));
        assertFalse(Stats.steady(new double[] {50, 100, 120, 100}, 3, 0.05));
        assertTrue(Stats.steady(new double[] {50, 100, 102, 99}, 3, 0.05));
        assertFalse(Stats.steady(new double[] {0, 0, 0}, 3, 0.05));
    }

    @Test
    void impossibleOnlyWhenTheWholeIntervalClearsTheCeiling() {
        Stats.Estimate above = new Stats.Estimate(3, 2.2, 2.1, 2.3, 2.1, 2.3, 0.95);
        Stats.Estimate straddles = new Stats.Estimate(3, 2.2, 1.9, 2.3, 1.9, 2.3, 0.95);
        assertTrue(Stats.impossible(above, 2));
        assertFalse(Stats.impossible(straddles, 2));
        assertFalse(Stats.impossible(Stats.Estimate.NONE, 2));
    }

    @Test
    void resultsFlagAHeldCallThatSpedUpAndCpuWorkAboveTheCores() {
        Results r = new Results(2, true);
        Case spin = Case.of(Kernels.byName("spin"), 0, 50, 42);
        Case sleep = Case.of(Kernels.byName("sleep"), 0, 200, 42);
        r.add(point(spin, Mode.HELD, 1, 100, 101, 99));
        r.add(point(spin, Mode.HELD, 2, 114, 115, 113)); // 1.14x held: what the old demo printed
        r.add(point(spin, Mode.RELEASED, 1, 100, 101, 99));
        r.add(point(spin, Mode.RELEASED, 2, 218, 220, 216)); // 2.18x on 2 cores
        r.add(point(spin, Mode.RELEASED, 4, 199, 202, 196)); // plausible
        r.add(point(sleep, Mode.RELEASED, 1, 100, 101, 99));
        r.add(point(sleep, Mode.RELEASED, 4, 390, 395, 385)); // a wait uses no core: fine at 4 threads
        r.add(point(sleep, Mode.HELD, 1, 100, 101, 99));
        r.add(point(sleep, Mode.HELD, 4, 101, 103, 96)); // within noise of 1x
        List<Point> bad = r.impossiblePoints();
        assertEquals(2, bad.size(), bad.toString());
        assertEquals(Mode.HELD, bad.get(0).mode());
        assertEquals(2, bad.get(1).threads());
        assertEquals(1.0, r.ceiling(bad.get(0)));
        assertEquals(2.0, r.ceiling(bad.get(1)));
        assertEquals(4.0, r.ceiling(r.points().get(6)));
        assertEquals(Boolean.TRUE, r.row(bad.get(0)).get("impossible"));
    }

    @Test
    void withNoLockAHeldCallMaySpeedUp() {
        Results r = new Results(2, false);
        Case spin = Case.of(Kernels.byName("spin"), 0, 50, 42);
        r.add(point(spin, Mode.HELD, 1, 100, 101, 99));
        r.add(point(spin, Mode.HELD, 2, 190, 195, 185));
        assertTrue(r.impossiblePoints().isEmpty());
    }

    static Point point(Case c, Mode mode, int threads, double... rates) {
        List<Trial> trials = new java.util.ArrayList<>();
        for (double rate : rates) {
            trials.add(new Trial(Math.round(rate * 10), 10, 0, 0, 0, 0, 0.1, true, Trial.LockCounts.NONE));
        }
        return new Point(c, mode, threads, trials);
    }
}
