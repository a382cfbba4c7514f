package org.jgil;

import java.util.concurrent.atomic.AtomicReference;

/** {@link StatsBoundsTest}: a release by a thread that does not hold the lock, with every hold timed. */
public final class StatsMisuseMain {
    private StatsMisuseMain() {}

    public static void main(String[] args) throws Exception {
        if (!HoldStats.ON || HoldStats.PERIOD != 1) {
            throw new AssertionError("needs -Djgil.stats=true -Djgil.stats.sample=1");
        }
        Gil.acquire(); // a timed hold: the sample is open
        HoldStats.PerThread mine = HoldStats.of(Gil.currentThreadId());
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread intruder = new Thread(() -> {
            try {
                Gil.release();
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "intruder");
        intruder.start();
        intruder.join();
        if (!(thrown.get() instanceof IllegalStateException)) {
            throw new AssertionError("the misuse release threw " + thrown.get(), thrown.get());
        }
        if (mine.timedHolds != 0) {
            throw new AssertionError("the misuse release closed the holder's sample");
        }
        Gil.release();
        if (mine.timedHolds != 1) {
            throw new AssertionError("the holder's hold was timed " + mine.timedHolds + " times");
        }
        System.out.println("misuse ok");
    }
}
