package org.jgil.cli;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.jgil.Gil;

/**
 * Measures how long the lock takes to pass from one thread to a parked waiter: the holder reads
 * the clock and releases; the waiter reads the clock as soon as its acquire returns. The two
 * threads swap roles each round, and a round starts only once the waiter is really parked, so
 * every sample is a wake-up, never a lucky spin.
 */
final class Handoff {
    private final int rounds;
    private final long[] samples;
    private volatile long releasedAt;
    private volatile int done;
    private final CountDownLatch started = new CountDownLatch(1);

    private Handoff(int rounds) {
        this.rounds = rounds;
        this.samples = new long[rounds];
    }

    /** Handoff times in nanoseconds, sorted. */
    static long[] measure(int rounds) throws InterruptedException {
        Handoff h = new Handoff(rounds);
        Thread[] threads = new Thread[2];
        for (int i = 0; i < 2; i++) {
            int self = i;
            threads[i] = new Thread(() -> h.play(self, threads[1 - self]), "handoff-" + i);
        }
        threads[0].start();
        threads[1].start();
        threads[0].join();
        threads[1].join();
        long[] sorted = h.samples.clone();
        Arrays.sort(sorted);
        return sorted;
    }

    private void play(int self, Thread other) {
        if (self == 0) { // thread 0 starts as the holder
            Gil.acquire();
            started.countDown();
        } else {
            awaitUninterruptibly(started);
        }
        for (int r = 0; r < rounds; r++) {
            if (r % 2 == self) {
                awaitParked(other);
                releasedAt = System.nanoTime();
                Gil.release();
                while (done <= r) {
                    Thread.onSpinWait();
                }
            } else {
                Gil.acquire();
                samples[r] = System.nanoTime() - releasedAt;
                done = r + 1;
            }
        }
        if (Gil.isHeldByCurrentThread()) {
            Gil.release();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (latch.getCount() > 0) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitParked(Thread t) {
        while (true) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    static double percentileMicros(long[] sorted, double p) {
        int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1));
        return sorted[i] / 1000.0;
    }
}
