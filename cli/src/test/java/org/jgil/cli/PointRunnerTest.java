package org.jgil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.jgil.Gil;
import org.jgil.kernels.Kernels;
import org.jgil.kernels.Mode;
import org.junit.jupiter.api.Test;

/** The harness's overlap proof holds under the lock and catches overlaps without it. */
class PointRunnerTest {
    private static final PointRunner.Warmup SHORT = PointRunner.Warmup.upTo(Duration.ofMillis(20));

    private static Trial held(String policy) throws Exception {
        String previous = Gil.policy();
        Gil.setPolicy(policy);
        try {
            return PointRunner.run(Case.of(Kernels.byName("spin"), 0, 100, 42), Mode.HELD, 2, SHORT,
                    Duration.ofMillis(200), null);
        } finally {
            Gil.setPolicy(previous);
        }
    }

    @Test
    void heldSectionsNeverOverlapUnderTheLock() throws Exception {
        Trial t = held("cpython");
        assertTrue(t.calls() > 0);
        assertEquals(0, t.overlaps());
    }

    @Test
    void withNoLockTheOverlapIsCaught() throws Exception {
        // Each thread is inside a section for nearly all its loop, so the other thread entering one
        // at any moment (even while the first is descheduled) must be seen.
        Trial t = held("none");
        assertTrue(t.overlaps() > 0, "two threads ran whole-call sections with no lock and no overlap was seen");
    }

    @Test
    void theBareLoopCountsOnlyItsWindow() throws Exception {
        Trial t = PointRunner.bare(new Case(new HarnessCommand.ZeroSpin(), org.jgil.kernels.Workload.Params.defaults(),
                "no-op", true), Mode.HELD, 1, SHORT, Duration.ofMillis(20));
        assertTrue(t.calls() > 0);
        assertEquals(0, t.overlaps());
    }
}
