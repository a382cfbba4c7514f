package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Statistics stay bounded in memory as threads come and go, and misuse does not disturb them. */
@Timeout(120)
class StatsBoundsTest {
    private static void onThreads(int n, Runnable action) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(action, "short-lived-" + i);
            t.start();
            t.join();
        }
    }

    @Test
    void theSchedulersPerThreadTableForgetsEndedThreads() throws Exception {
        SchedulerCounters counters = new SchedulerCounters();
        int n = 3000;
        onThreads(n, () -> counters.waited(Gil.currentThreadId(), 1000));
        assertTrue(counters.listed() < 512, counters.listed() + " threads listed of " + n + " ended ones");
        GilStats stats = counters.snapshot("test", 0, 0, 0).complete();
        assertEquals(n, stats.waits(), "ended threads' waits stay in the totals");
        assertEquals(n, stats.threads().stream().mapToLong(GilStats.ThreadStats::waits).sum(),
                "the rows add up to the total");
    }

    @Test
    void theHoldTableForgetsEndedThreadsButKeepsTheirCounts() throws Exception {
        HoldStats.reset();
        long before = HoldStats.all().values().stream().mapToLong(p -> p.acquisitions).sum();
        int n = 5000;
        onThreads(n, HoldStats::acquired);
        HoldStats.sweep();
        long listed = HoldStats.all().values().stream().mapToLong(p -> p.acquisitions).sum();
        assertTrue(HoldStats.all().size() < 100, HoldStats.all().size() + " entries after " + n + " threads ended");
        assertEquals(before + n, listed + HoldStats.retiredAcquisitions());
        HoldStats.reset();
    }

    /** With statistics on, in a JVM of its own: a misuse release leaves the holder's sample alone. */
    @Test
    void aMisuseReleaseThrowsTheDocumentedExceptionAndLeavesTheHoldersSample() throws Exception {
        ChildJvm.Result r = ChildJvm.run(Duration.ofSeconds(60),
                List.of("-Djgil.stats=true", "-Djgil.stats.sample=1"), StatsMisuseMain.class);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("misuse ok"), r.output());
    }
}
