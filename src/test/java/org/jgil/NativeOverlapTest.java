package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jgil.probe.NativeProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Native calls overlap in time exactly when they release the lock. */
@Timeout(60)
class NativeOverlapTest {
    private static final long CALL_NANOS = 1_000_000;
    private static final int CALLS = 40;

    private static List<long[]> runTwoThreads(boolean release) throws InterruptedException {
        List<long[]> intervals = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < CALLS; i++) {
                    long[] interval = new long[2];
                    Gil.run(() -> NativeProbe.spin(CALL_NANOS, release, interval));
                    intervals.add(interval);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        return intervals;
    }

    private static int overlappingPairs(List<long[]> intervals) {
        int pairs = 0;
        for (int i = 0; i < intervals.size(); i++) {
            for (int j = i + 1; j < intervals.size(); j++) {
                long[] a = intervals.get(i);
                long[] b = intervals.get(j);
                if (a[0] < b[1] && b[0] < a[1]) {
                    pairs++;
                }
            }
        }
        return pairs;
    }

    @Test
    void releasedCallsOverlap() throws InterruptedException {
        List<long[]> intervals = runTwoThreads(true);
        assertEquals(2 * CALLS, intervals.size());
        assertTrue(overlappingPairs(intervals) > 0, "released native calls never ran at the same time");
    }

    @Test
    void heldCallsNeverOverlap() throws InterruptedException {
        List<long[]> intervals = runTwoThreads(false);
        assertEquals(2 * CALLS, intervals.size());
        assertEquals(0, overlappingPairs(intervals), "native calls made holding the GIL overlapped");
    }
}
