package org.jgil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Locating the crossing from a sweep of gains. */
class CrossoverTest {
    private static CrossoverCommand.Step step(double micros, double gain, double lo, double hi) {
        return new CrossoverCommand.Step((int) micros, micros, new Stats.Estimate(3, gain, lo, hi, lo, hi, 0.95));
    }

    @Test
    void interpolatesOnALogScaleAndBracketsWithTheSureSides() {
        List<CrossoverCommand.Step> sweep = List.of(
                step(1, 0.25, 0.2, 0.3),   // surely loses
                step(2, 0.5, 0.45, 0.55),  // surely loses
                step(4, 2.0, 0.9, 2.2),    // either
                step(8, 1.9, 1.8, 2.0));   // surely pays
        CrossoverCommand.Crossover c = CrossoverCommand.find(sweep);
        // log gain goes from log 0.5 to log 2 between log 2 and log 4: 1 is crossed half-way, at sqrt(8).
        assertEquals(Math.sqrt(8), c.micros(), 1e-9);
        assertEquals(2, c.microsLo());
        assertEquals(8, c.microsHi());
        assertTrue(CrossoverCommand.describe(c, 2).contains("2.83 us"), CrossoverCommand.describe(c, 2));
    }

    @Test
    void saysWhenTheRangeMissedTheCrossing() {
        assertTrue(CrossoverCommand.find(List.of(step(1, 1.5, 1.4, 1.6))).note().contains("--from"));
        CrossoverCommand.Crossover never =
                CrossoverCommand.find(List.of(step(1, 0.5, 0.4, 0.6), step(2, 0.8, 0.7, 0.9)));
        assertTrue(Double.isNaN(never.micros()));
        assertTrue(never.note().contains("--to"));
    }
}
