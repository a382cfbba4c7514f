package org.jgil.ffm.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The worked example runs, and each worker's result is what one thread alone computes. */
@Timeout(120)
class ManyThreadsTest {
    @Test
    void workersAgreeWithASingleThread() throws Throwable {
        ManyThreads.main(new String[] {"3", "40"});
        double alone = ManyThreads.work(1, 40);
        double[] again = new double[1];
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                again[0] = ManyThreads.work(1, 40);
            } catch (Throwable e) {
                throw new AssertionError(e);
            }
        });
        t.join();
        assertEquals(alone, again[0]);
    }
}
