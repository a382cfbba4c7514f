package org.jgil.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.jgil.Gil;
import org.jgil.lab.OneBigLock.Phase;
import org.jgil.lab.OneBigLock.Regime;
import org.jgil.lab.OneBigLock.Sharing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The one-big-lock experiment's regimes are correct or visibly not; timings are not checked. */
@Timeout(180)
class OneBigLockTest {
    @AfterEach
    void restore() {
        Gil.setPolicy("cpython");
        Gil.setSwitchInterval(Duration.ofMillis(5));
    }

    @ParameterizedTest
    @EnumSource(Sharing.class)
    void theGilLosesNoUpdateUnderStress(Sharing sharing) throws Exception {
        Gil.setSwitchInterval(Duration.ofMillis(1)); // many switches: every checkpoint is a chance to lose one
        for (String policy : List.of("cpython", "fifo")) {
            Phase p = OneBigLock.measure(Regime.GIL, sharing, 4, Duration.ofMillis(400), policy);
            assertTrue(p.ops() > 0, p.toString());
            assertEquals(0, p.lostUpdates(), policy + " lost updates: " + p);
            assertEquals(0, p.errors(), policy + ": collections failed: " + p);
        }
    }

    @ParameterizedTest
    @EnumSource(Sharing.class)
    void criticalSectionsLoseNoUpdateWithoutTheGil(Sharing sharing) throws Exception {
        Phase p = OneBigLock.measure(Regime.FINE_GRAINED, sharing, 4, Duration.ofMillis(500), "cpython");
        assertEquals("none", Gil.policy(), "fine-grained runs without the GIL");
        assertTrue(p.ops() > 0, p.toString());
        assertEquals(0, p.lostUpdates(), "lost updates: " + p);
        assertEquals(0, p.errors(), "collections failed: " + p);
    }

    @Test
    void withNoLockAtAllSharedObjectsLoseUpdates() throws Exception {
        // The control: without it the two tests above could pass with a workload that never races.
        Phase p = OneBigLock.measure(Regime.NONE, Sharing.SHARED, 4, Duration.ofMillis(500), "cpython");
        assertTrue(p.lostUpdates() + p.errors() > 0, "no update lost and nothing failed with no lock: " + p);
    }

    @Test
    void disjointObjectsNeedNoLock() throws Exception {
        Phase p = OneBigLock.measure(Regime.NONE, Sharing.DISJOINT, 4, Duration.ofMillis(300), "cpython");
        assertEquals(0, p.lostUpdates() + p.errors(), "threads on their own objects raced: " + p);
    }

    @ParameterizedTest
    @EnumSource(value = Regime.class, names = {"GIL", "FINE_GRAINED"})
    void managedWorkBesideReleasedKernelsLosesNothing(Regime regime) throws Exception {
        Phase p = OneBigLock.mixed(regime, 3, 20, Duration.ofMillis(300), "cpython");
        assertTrue(p.ops() > 0, "no round completed: " + p);
        assertEquals(0, p.lostUpdates() + p.errors(), p.toString());
    }

    @Test
    void aRunReportsEveryRegimeAndRestoresThePolicy() throws Exception {
        Gil.setPolicy("fifo");
        OneBigLock.Config config =
                new OneBigLock.Config(List.of(1, 2), Duration.ofMillis(40), 2, List.of(5L), "io-priority");
        OneBigLock.Result r = OneBigLock.run(config);
        assertEquals("fifo", Gil.policy(), "the experiment must restore the policy");
        for (Regime regime : Regime.values()) {
            assertEquals(2, r.singleThreadNsPerOp().get(regime).size());
            assertTrue(r.singleThread(regime).median() > 0);
        }
        assertEquals(Regime.values().length * Sharing.values().length * 2, r.scaling().size());
        for (OneBigLock.Point p : r.scaling()) {
            assertEquals(2, p.opsPerSecond().size(), p.toString());
            if (p.regime() != Regime.NONE) {
                assertEquals(0, p.lostUpdates() + p.errors(), p.toString());
            }
        }
        assertEquals(2, r.mixed().size());
        r.mixed().forEach(m -> assertEquals(0, m.lostUpdates(), m.toString()));
    }

    @Test
    void badConfigurationsAreRefused() {
        Duration d = Duration.ofMillis(10);
        List<Long> none = List.of();
        assertThrows(IllegalArgumentException.class, () -> new OneBigLock.Config(List.of(0), d, 1, none, "cpython"));
        assertThrows(IllegalArgumentException.class, () -> new OneBigLock.Config(List.of(), d, 1, none, "cpython"));
        assertThrows(IllegalArgumentException.class, () -> new OneBigLock.Config(List.of(1), d, 0, none, "cpython"));
        assertThrows(IllegalArgumentException.class,
                () -> new OneBigLock.Config(List.of(1), d, 1, List.of(0L), "cpython"));
        assertThrows(IllegalArgumentException.class, () -> new OneBigLock.Config(List.of(1), d, 1, none, "none"));
        assertThrows(IllegalArgumentException.class, () -> new OneBigLock.Config(List.of(1), d, 1, none, "nope"));
        assertThrows(IllegalArgumentException.class,
                () -> new OneBigLock.Config(List.of(1), Duration.ZERO, 1, none, "cpython"));
    }
}
