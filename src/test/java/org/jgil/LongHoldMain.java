package org.jgil;

import java.util.concurrent.CountDownLatch;

/**
 * The child of {@link LongHoldWarningTest}: one thread holds the lock for 400 ms without a
 * checkpoint while another, started as soon as the hold began, waits for it: the process's first
 * contended acquire.
 */
public final class LongHoldMain {
    private LongHoldMain() {}

    public static void main(String[] args) throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        Thread holder = new Thread(() -> Gil.run(() -> {
            holding.countDown();
            try {
                Thread.sleep(400);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }), "holder");
        holder.start();
        holding.await();
        Thread waiter = new Thread(() -> Gil.run(() -> System.out.println("waiter: took the GIL")), "waiter");
        waiter.start();
        waiter.join();
        holder.join();
        System.out.println("jfr initialized: " + jdk.jfr.FlightRecorder.isInitialized());
    }
}
