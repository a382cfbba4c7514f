package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.jgil.probe.NativeProbe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Statistics as collected with {@code -Djgil.stats=true}: the build runs this class once more in a
 * JVM of its own with that flag (surefire execution "stats"); elsewhere it is skipped.
 */
@Timeout(60)
class StatsTest {
    @BeforeEach
    void onlyWithStatistics() {
        assumeTrue(Gil.isCollectingStats(), "needs -Djgil.stats=true");
        Gil.resetStats();
    }

    @Test
    void perThreadAcquisitionsHoldTimeAndWaitsAddUp() throws Exception {
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(3);
        for (int t = 0; t < 3; t++) {
            threads.add(new Thread(() -> {
                try {
                    start.await(); // all three compete from the first call
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                for (int i = 0; i < 100; i++) {
                    Gil.run(() -> NativeProbe.spin(100_000, false, null)); // held: others must wait
                }
            }, "stats-" + t));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        GilStats s = Gil.stats();
        long acquisitions = 0;
        long waits = 0;
        long waitNanos = 0;
        for (GilStats.ThreadStats t : s.threads()) {
            acquisitions += t.acquisitions();
            waits += t.waits();
            waitNanos += t.waitNanosTotal();
        }
        assertEquals(s.acquisitions(), acquisitions);
        assertTrue(s.acquisitions() >= 300, s.toString());
        assertTrue(s.holdNanosTotal() >= 300 * 100_000L, "held at least the spins: " + s);
        assertEquals(s.waits(), waits);
        assertEquals(s.waitNanosTotal(), waitNanos);
        assertTrue(s.waits() > 0 && s.waitNanosP50() > 0 && s.waitNanosMax() >= s.waitNanosP99(), s.toString());
    }

    @Test
    void perSiteStatisticsSampleReleasedSections() {
        Gil.run(() -> {
            for (int i = 0; i < 3200; i++) {
                NativeProbe.noopReleased();
            }
            for (int i = 0; i < 256; i++) { // 4 samples at one in 64
                NativeProbe.spin(50_000, true, null);
            }
        });
        SiteStats noop = site("Java_org_jgil_probe_NativeProbe_noopReleased");
        assertEquals(64, noop.samplePeriod());
        assertEquals(3200 / 64, noop.sampledCalls(), 1);
        SiteStats spin = site("Java_org_jgil_probe_NativeProbe_spin");
        assertTrue(spin.sampledCalls() >= 3, spin.toString());
        assertTrue(spin.meanReleasedNanos() >= 50_000, "released time covers the 50 us spin: " + spin);
        assertTrue(spin.meanReacquireNanos() >= 0, spin.toString());
    }

    private static SiteStats site(String name) {
        return Gil.siteStats().stream().filter(s -> s.site().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no site " + name + " in " + Gil.siteStats()));
    }
}
