package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jgil.probe.NativeProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Virtual and platform threads mixed, under every locking policy and fast path, with faults:
 * interrupts, exceptions inside held and released sections, and threads of both kinds that end
 * holding the lock. Checked: never two threads in managed code, no lost update, every thread
 * finishes (no waiter left asleep), the lock is free at the end, and every thread that ended
 * holding it was recovered from exactly once while no live one was. JDK 21+ only.
 *
 * <p>{@code -Djgil.vstress.seconds=S} sets the time per configuration (default 2).
 */
@ExtendWith(ThreadDumps.class)
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VirtualStressTest {
    private static final long SECONDS = Long.getLong("jgil.vstress.seconds", 2);
    private static final int VIRTUAL = Integer.getInteger("jgil.vstress.virtual", 24);
    private static final int PLATFORM = Integer.getInteger("jgil.vstress.platform", 4);
    private static final String OPS = System.getProperty("jgil.vstress.ops", "01234567");
    private static final Duration JOIN_BOUND = Duration.ofSeconds(Long.getLong("jgil.vstress.joinSeconds", 60));

    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicLong overlaps = new AtomicLong();
    private long counter; // plain ++ in managed sections only
    private final AtomicLong tally = new AtomicLong();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong interrupts = new AtomicLong();
    private final AtomicLong diedHolding = new AtomicLong();
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private volatile boolean stop;

    @BeforeAll
    static void needsVirtualThreads() {
        if (!ThreadIdentity.virtualThreadsExist()) {
            System.err.println("VirtualStressTest: skipped, Java " + Runtime.version().feature()
                    + " has no virtual threads (JDK 21+ runs it)");
        }
        assumeTrue(ThreadIdentity.virtualThreadsExist(), "virtual threads need JDK 21+");
    }

    @AfterEach
    void restore() {
        Gil.setSwitchInterval(Scheduler.DEFAULT_SWITCH_INTERVAL);
        Gil.setFastPath("reserve");
        Gil.setPolicy("cpython");
    }

    /** Every thread's stack, virtual ones included (jcmd Thread.dump_to_file), for a failure message. */
    private static String virtualThreadDump() {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("jgil-vthreads-", ".txt");
            java.nio.file.Files.delete(file);
            Process p = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd")
                    .toString(), Long.toString(ProcessHandle.current().pid()), "Thread.dump_to_file", file.toString())
                    .redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            p.waitFor();
            return java.nio.file.Files.readString(file);
        } catch (Exception e) {
            return "(no dump of virtual threads: " + e + ")";
        }
    }

    private void enter() {
        if (inside.incrementAndGet() != 1) {
            overlaps.incrementAndGet();
        }
    }

    private void managed(Runnable body) {
        Gil.run(() -> {
            enter();
            try {
                counter++;
                tally.incrementAndGet();
                body.run();
            } finally {
                inside.decrementAndGet();
            }
        });
    }

    private void operation(SplittableRandom random) {
        switch (OPS.charAt(random.nextInt(OPS.length())) - '0') {
            case 0 -> managed(() -> { });
            case 1 -> managed(() -> { // a virtual holder unmounts here, holding the lock
                try {
                    Thread.sleep(random.nextInt(3));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            case 2 -> managed(() -> {
                for (int i = 0; i < 50; i++) {
                    inside.decrementAndGet(); // a checkpoint may let another thread in meanwhile
                    try {
                        Gil.checkpoint();
                    } finally {
                        enter();
                    }
                }
            });
            case 3 -> managed(() -> {
                inside.decrementAndGet(); // leaves managed code until the lock is back
                try (Released nogil = Gil.allowThreads()) {
                    Thread.yield();
                } finally {
                    enter();
                }
            });
            case 4 -> managed(() -> {
                inside.decrementAndGet(); // the kernel releases the lock around its loop
                try {
                    NativeProbe.spin(20_000, true, null);
                } finally {
                    enter();
                }
            });
            case 5 -> {
                try {
                    managed(() -> {
                        throw new IllegalStateException("thrown inside a held section (expected by the test)");
                    });
                } catch (IllegalStateException expected) {
                    // the lock was given back by Gil.run
                }
            }
            case 6 -> managed(() -> {
                inside.decrementAndGet();
                try {
                    Gil.allowThreads((Runnable) () -> {
                        throw new IllegalArgumentException("thrown inside a released section (expected)");
                    });
                } catch (IllegalArgumentException expected) {
                    // the lock was taken back by the section's close
                } finally {
                    enter();
                }
            });
            default -> dieHolding(random.nextBoolean());
        }
        operations.incrementAndGet();
    }

    private void dieHolding(boolean virtual) {
        Runnable careless = () -> {
            Gil.acquire();
            diedHolding.incrementAndGet();
        };
        Thread t = virtual ? VirtualThreadTest.startVirtual(careless) : new Thread(careless, "dies-holding");
        if (!virtual) {
            t.start();
        }
        boolean interrupted = false;
        while (true) { // it must have ended before the run's figures are read
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private Runnable worker(long seed) {
        return () -> {
            SplittableRandom random = new SplittableRandom(seed);
            try {
                while (!stop) {
                    operation(random);
                    Thread.interrupted(); // the interrupter's mark, seen or not
                }
            } catch (Throwable e) {
                failures.add(e);
            }
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"cpython, reserve", "legacy, reserve", "fifo, reserve", "io-priority, reserve", "cpython, plain",
            "fifo, fenced"})
    void mixedThreadsKeepTheLocksPromise(String policy, String fastPath) throws Exception {
        Gil.setPolicy(policy);
        Gil.setFastPath(fastPath);
        Gil.setSwitchInterval(Duration.ofMillis(1));
        Gil.resetStats();
        List<Thread> threads = new ArrayList<>();
        SplittableRandom seeds = new SplittableRandom(0x76746872L);
        for (int i = 0; i < VIRTUAL; i++) {
            threads.add(VirtualThreadTest.startVirtual(worker(seeds.nextLong())));
        }
        for (int i = 0; i < PLATFORM; i++) {
            Thread t = new Thread(worker(seeds.nextLong()), "vstress-platform-" + i);
            t.start();
            threads.add(t);
        }
        Thread interrupter = new Thread(() -> {
            SplittableRandom random = new SplittableRandom(7);
            while (!stop) {
                threads.get(random.nextInt(threads.size())).interrupt();
                interrupts.incrementAndGet();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "vstress-interrupter");
        interrupter.start();
        Thread.sleep(SECONDS * 1000);
        stop = true;
        interrupter.join();
        long deadline = System.nanoTime() + JOIN_BOUND.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (t.isAlive()) {
                fail("a thread did not finish (a waiter left asleep?): " + t + "; " + LockWord.describe()
                        + "\n" + virtualThreadDump());
            }
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError(failures.size() + " worker(s) failed");
            failures.forEach(error::addSuppressed);
            throw error;
        }
        // The last thread may have died holding the lock with nobody left to notice: take it as a waiter would.
        Gil.run(() -> { });
        GilStats stats = Gil.stats();
        assertEquals(0, overlaps.get(), "threads in managed code at once");
        assertEquals(tally.get(), Gil.call(() -> counter), "lost updates");
        assertEquals(diedHolding.get(), stats.deadOwnersRecovered(), "recoveries: one per thread that ended holding");
        assertEquals(0, LockWord.ownerNow(), "nobody holds the lock at the end");
        assertEquals(0, LockWord.get() & LockWord.WAITERS, "no waiter left");
        System.out.println("[jgil stress] virtual " + policy + "/" + fastPath + ": " + VIRTUAL + " virtual + "
                + PLATFORM + " platform threads, " + SECONDS + " s, " + operations.get() + " operations, "
                + diedHolding.get() + " died holding (each recovered once), " + interrupts.get()
                + " interrupts, " + stats.waits() + " waits, 0 overlaps, 0 lost updates, 0 stuck");
    }
}
