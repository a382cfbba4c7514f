package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.jgil.kernels.Blas;
import org.jgil.kernels.Mandelbrot;
import org.jgil.kernels.Mode;
import org.jgil.kernels.MonteCarlo;
import org.jgil.kernels.NBody;
import org.jgil.kernels.Primes;
import org.jgil.kernels.Synthetic;
import org.jgil.probe.NativeProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stress run: 64 threads (plus native threads, an interrupter and threads that die holding
 * the lock) mix every way of using the lock for a bounded time under each locking policy, while
 * the invariants are checked throughout: never two threads in managed code at once, every lock
 * taken is given back, nothing counted under the lock is lost, the statistics add up, and every
 * thread finishes (bounded joins; a thread dump on any failure).
 *
 * <p>Seeded: {@code -Djgil.stress.seed=N} replays a run's choices (thread interleavings differ).
 * {@code -Djgil.stress.seconds=S} sets the time per policy (default 6); the soak is the same test
 * with {@code -Djgil.soak.seconds=S} (the time is then split across the policies), see
 * docs/reliability.md.
 */
@ExtendWith(ThreadDumps.class)
@Timeout(value = 30, unit = java.util.concurrent.TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StressTest {
    static final int THREADS = Integer.getInteger("jgil.stress.threads", 64);
    static final long SEED = Long.getLong("jgil.stress.seed", 0x6A61L);
    static final long SOAK_SECONDS = Long.getLong("jgil.soak.seconds", 0);
    static final long SECONDS = SOAK_SECONDS > 0 ? Math.max(1, SOAK_SECONDS / 5)
            : Long.getLong("jgil.stress.seconds", 5);
    /** Per-thread cap on operations, so that a fast machine still ends on count. */
    static final long MAX_OPS_PER_THREAD =
            Long.getLong("jgil.stress.maxOps", SOAK_SECONDS > 0 ? Long.MAX_VALUE : 200_000);
    /** How long after the end of the run every thread must have finished. */
    static final Duration JOIN_BOUND = Duration.ofSeconds(60);

    /** Operation kinds, for the summary. */
    enum Op {
        MANAGED, CHECKPOINTS, NESTED_ENSURE, PROBE_RELEASED, KERNEL, NATIVE_THREAD, THROW_IN_SECTION,
        THROW_IN_RELEASED, JAVA_RELEASED, DIE_HOLDING
    }

    /** The figures of every run, printed at the end for docs/reliability.md. */
    static final Queue<String> SUMMARY = new ConcurrentLinkedQueue<>();

    // ---- shared state checked by the invariants ----
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicLong overlaps = new AtomicLong();
    private long unguardedCounter; // incremented only in managed sections: plain ++, as bytecode would
    private final AtomicLong guardedIncrements = new AtomicLong();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLongArray opCounts = new AtomicLongArray(Op.values().length);
    private final AtomicLong cancellations = new AtomicLong();
    private final AtomicLong interruptsSent = new AtomicLong();
    private final AtomicLong diedHolding = new AtomicLong();
    private volatile boolean stop;

    private void enter() {
        int n = inside.incrementAndGet();
        if (n != 1) {
            overlaps.incrementAndGet();
            failure("managed overlap: " + n + " threads inside at once (" + Thread.currentThread().getName() + ")");
        }
        unguardedCounter++;
        guardedIncrements.incrementAndGet();
    }

    private void exit() {
        inside.decrementAndGet();
    }

    /** A managed section's body: enter, a little work that touches shared state, exit. */
    private void managed(SplittableRandom r) {
        enter();
        try {
            int spins = r.nextInt(200);
            for (int i = 0; i < spins; i++) {
                Thread.onSpinWait();
            }
            if (!Gil.isHeldByCurrentThread()) {
                failure("inside a managed section without holding the lock");
            }
        } finally {
            exit();
        }
    }

    private void failure(String what) {
        if (failures.size() < 50) {
            failures.add(what);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpython", "legacy", "fifo", "io-priority", "cpython+checked", "fifo+plain",
        "cpython+fenced"})
    void stressUnderPolicy(String run) throws Exception {
        // "+checked": checked mode, where every release and re-take goes through Java and is verified.
        // "+plain", "+fenced": the fast paths that do not reserve (the default is "reserve").
        String variant = run.contains("+") ? run.substring(run.indexOf('+') + 1) : "";
        boolean checked = variant.equals("checked");
        String policy = run.contains("+") ? run.substring(0, run.indexOf('+')) : run;
        boolean wasChecked = LockWord.checked();
        int wasMode = LockWord.mode();
        LockWord.setChecked(checked);
        if (LockWord.MODES.contains(variant)) {
            Gil.setFastPath(variant);
        }
        try {
            stress(run, policy);
        } finally {
            LockWord.setChecked(wasChecked);
            Gil.setFastPath(LockWord.MODES.get(wasMode));
        }
    }

    private void stress(String run, String policy) throws Exception {
        Gil.setPolicy(policy);
        Gil.setSwitchInterval(Duration.ofMillis(1)); // more switches, more dead-owner checks per second
        Gil.resetStats();
        long seed = SEED ^ run.hashCode();
        System.out.printf("[jgil stress] policy %s: %d threads for %d s, seed %d (replay with -Djgil.stress.seed=%d)%n",
                run, THREADS, SECONDS, seed, SEED);
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        List<Thread> workers = new ArrayList<>();
        AtomicLong iterations = new AtomicLong();
        for (int t = 0; t < THREADS; t++) {
            SplittableRandom r = new SplittableRandom(seed + t);
            Thread w = new Thread(() -> work(r, deadline, iterations), "stress-" + run + "-" + t);
            w.setDaemon(true); // a hung worker must not keep the test JVM alive after the failure
            workers.add(w);
        }
        Thread interrupter = new Thread(() -> interrupt(workers, new SplittableRandom(seed - 1)), "stress-interrupter");
        interrupter.setDaemon(true);
        long start = System.nanoTime();
        workers.forEach(Thread::start);
        interrupter.start();

        long joinBy = deadline + JOIN_BOUND.toNanos();
        for (Thread w : workers) {
            w.join(Math.max(1, (joinBy - System.nanoTime()) / 1_000_000));
        }
        stop = true;
        interrupter.join(JOIN_BOUND.toMillis());
        List<String> stuck = new ArrayList<>();
        for (Thread w : workers) {
            if (w.isAlive()) {
                stuck.add(w.getName());
            }
        }
        if (!stuck.isEmpty() || interrupter.isAlive()) {
            ThreadDumps.print("stress under " + policy + ": threads still running " + JOIN_BOUND + " after the end");
            fail("deadlock or livelock under " + policy + ": " + stuck.size() + " worker(s) did not finish: " + stuck);
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        // A thread that died holding the lock may still own it: the next waiter frees it.
        Thread.interrupted();
        Gil.run(() -> assertTrue(Gil.isHeldByCurrentThread()));
        assertFalse(Gil.isHeldByCurrentThread());
        assertEquals(0, LockWord.owner(LockWord.get()), "somebody still holds the lock after every thread ended");
        assertEquals(0, LockWord.get() & LockWord.WAITERS, "the WAITERS bit outlived every waiter");
        GilStats stats = Gil.stats();

        if (!failures.isEmpty()) {
            ThreadDumps.print("stress under " + policy + " failed");
            fail(failures.size() + " invariant violation(s) under " + policy + ", first: "
                    + String.join("\n", failures));
        }
        assertEquals(0, overlaps.get(), "managed sections overlapped");
        assertEquals(0, inside.get(), "a managed section was left without its exit");
        assertEquals(guardedIncrements.get(), unguardedCounter, "updates made under the lock were lost");

        // The statistics add up.
        long perThreadWaits = stats.threads().stream().mapToLong(GilStats.ThreadStats::waits).sum();
        long perThreadNanos = stats.threads().stream().mapToLong(GilStats.ThreadStats::waitNanosTotal).sum();
        long perThreadMax = stats.threads().stream().mapToLong(GilStats.ThreadStats::waitNanosMax).max().orElse(0);
        assertEquals(stats.waits(), perThreadWaits, "per-thread waits do not add up to the total: " + stats);
        assertEquals(stats.waitNanosTotal(), perThreadNanos, "per-thread wait times do not add up: " + stats);
        assertEquals(stats.waitNanosMax(), perThreadMax, "the longest wait is nobody's: " + stats);
        assertEquals(stats.acquisitions(), stats.threads().stream().mapToLong(GilStats.ThreadStats::acquisitions).sum(),
                "per-thread acquisitions do not add up: " + stats);
        assertEquals(stats.holdNanosTotal(), stats.threads().stream().mapToLong(GilStats.ThreadStats::holdNanos).sum(),
                "per-thread hold times do not add up: " + stats);
        assertTrue(stats.waits() > 0, "64 threads never contended: the test tested nothing");
        assertTrue(stats.waitNanosP50() <= stats.waitNanosP99() && stats.waitNanosP99() <= stats.waitNanosMax(),
                "percentiles out of order: " + stats);
        assertTrue(stats.waitNanosTotal() >= stats.waitNanosMax(), stats.toString());
        assertTrue(stats.wakeupsFoundTaken() <= stats.wakeups(), stats.toString());
        assertEquals(diedHolding.get(), stats.deadOwnersRecovered(),
                "every thread that died holding the lock must be recovered from exactly once: " + stats);

        StringBuilder ops = new StringBuilder();
        for (Op op : Op.values()) {
            ops.append(op.name().toLowerCase()).append('=').append(opCounts.get(op.ordinal())).append(' ');
        }
        String line = String.format("policy %-11s threads %d, %.1f s, %d operations (%s), %d managed increments, "
                + "%d interrupts sent, %d kernel cancellations, %d dead owners recovered, %d waits, %d handoffs, "
                + "%d drop requests, %d forced switches, seed %d", run, THREADS, seconds, iterations.get(),
                ops.toString().trim(), guardedIncrements.get(), interruptsSent.get(), cancellations.get(),
                stats.deadOwnersRecovered(), stats.waits(), stats.handoffs(), stats.dropRequests(),
                stats.forcedSwitches(), seed);
        System.out.println("[jgil stress] " + line);
        SUMMARY.add(line);
    }

    @AfterAll
    static void restoreDefaults() {
        Gil.setPolicy(System.getProperty("jgil.policy", "cpython"));
        Gil.setSwitchInterval(Scheduler.DEFAULT_SWITCH_INTERVAL);
        System.out.println("[jgil stress] summary:\n  " + String.join("\n  ", SUMMARY));
    }

    // ---------------------------------------------------------------- the workers

    private void work(SplittableRandom r, long deadline, AtomicLong iterations) {
        double[] x = new double[256], y = new double[256 + 2];
        java.util.Arrays.fill(x, 1.0);
        long ops = 0;
        try {
            while (System.nanoTime() < deadline && ops < MAX_OPS_PER_THREAD) {
                if (r.nextInt(4) == 0) {
                    Thread.interrupted(); // mostly start clean; sometimes run with a pending interrupt
                }
                Op op = pick(r);
                try {
                    run(op, r, x, y);
                } catch (CancellationException e) {
                    cancellations.incrementAndGet(); // a released kernel saw an interrupt: allowed
                } catch (Expected e) {
                    // thrown on purpose inside a section
                }
                if (Gil.isHeldByCurrentThread()) {
                    failure(op + " left the lock held by " + Thread.currentThread().getName());
                    Gil.release();
                }
                if (inside.get() < 0) {
                    failure("inside counter negative after " + op);
                }
                opCounts.incrementAndGet(op.ordinal());
                ops++;
            }
        } catch (Throwable t) {
            failure(Thread.currentThread().getName() + " died: " + t + stack(t));
        } finally {
            iterations.addAndGet(ops);
        }
    }

    private static String stack(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return "\n" + w;
    }

    private static Op pick(SplittableRandom r) {
        int p = r.nextInt(1000);
        if (p < 250) return Op.MANAGED;
        if (p < 370) return Op.CHECKPOINTS;
        if (p < 450) return Op.NESTED_ENSURE;
        if (p < 600) return Op.PROBE_RELEASED;
        if (p < 800) return Op.KERNEL;
        if (p < 850) return Op.NATIVE_THREAD;
        if (p < 900) return Op.THROW_IN_SECTION;
        if (p < 940) return Op.THROW_IN_RELEASED;
        if (p < 998) return Op.JAVA_RELEASED;
        return Op.DIE_HOLDING;
    }

    private static final class Expected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Expected() {
            super("thrown on purpose", null, false, false);
        }
    }

    private void run(Op op, SplittableRandom r, double[] x, double[] y) {
        switch (op) {
            case MANAGED:
                Gil.run(() -> managed(r));
                break;
            case CHECKPOINTS:
                Gil.acquire();
                try {
                    int n = 1 + r.nextInt(20);
                    for (int i = 0; i < n; i++) {
                        managed(r);
                        Gil.checkpoint();
                    }
                } finally {
                    Gil.release();
                }
                break;
            case NESTED_ENSURE:
                try (Ensured outer = Gil.ensure()) {
                    managed(r);
                    try (Ensured inner = Gil.ensure()) {
                        if (inner.acquired()) {
                            failure("a nested ensure() took the lock again");
                        }
                        managed(r);
                    }
                    if (!Gil.isHeldByCurrentThread()) {
                        failure("closing a nested ensure() gave the lock away");
                    }
                    managed(r);
                }
                break;
            case PROBE_RELEASED:
                Gil.run(() -> {
                    managed(r);
                    if (r.nextBoolean()) {
                        NativeProbe.noopReleased();
                    } else {
                        NativeProbe.spin(r.nextInt(50_000), true, null);
                    }
                    if (!Gil.isHeldByCurrentThread()) {
                        failure("JGIL_END_ALLOW_THREADS returned without the lock");
                    }
                    managed(r);
                });
                break;
            case KERNEL:
                Gil.run(() -> kernel(r, x, y));
                break;
            case NATIVE_THREAD:
                Gil.run(() -> {
                    int flags = ThreadProbe.runOnNativeThread(() -> {
                        managed(r);
                        Gil.checkpoint();
                        managed(r);
                    });
                    if ((flags & ThreadProbe.ENSURE_FAILED) != 0 || (flags & ThreadProbe.HELD_INSIDE) == 0
                            || (flags & ThreadProbe.INNER_ACQUIRED) != 0 || (flags & ThreadProbe.HELD_AFTER_INNER) == 0
                            || (flags & ThreadProbe.HELD_BEFORE_ENSURE) != 0) {
                        failure("native thread saw flags " + flags);
                    }
                    managed(r);
                });
                break;
            case THROW_IN_SECTION:
                Gil.run(() -> {
                    managed(r);
                    throw new Expected();
                });
                break;
            case THROW_IN_RELEASED:
                Gil.run(() -> {
                    try {
                        Gil.allowThreads(() -> {
                            throw new Expected();
                        });
                    } catch (Expected e) {
                        if (!Gil.isHeldByCurrentThread()) {
                            failure("an exception in allowThreads() left the lock given up");
                        }
                        throw e;
                    }
                });
                break;
            case JAVA_RELEASED:
                Gil.run(() -> {
                    managed(r);
                    try (Released nogil = Gil.allowThreads()) {
                        if (Gil.isHeldByCurrentThread()) {
                            failure("allowThreads() kept the lock");
                        }
                        LockSupport.parkNanos(r.nextInt(20_000));
                    }
                    managed(r);
                });
                break;
            case DIE_HOLDING:
                dieHolding(r);
                break;
            default:
                throw new AssertionError(op);
        }
    }

    private void kernel(SplittableRandom r, double[] x, double[] y) {
        Mode mode = r.nextBoolean() ? Mode.RELEASED : Mode.AUTO;
        managed(r);
        switch (r.nextInt(8)) {
            case 0: {
                int n = 1 + r.nextInt(x.length);
                double d = Blas.dot(x, 0, x, 0, n, mode);
                if (d != n) {
                    failure("dot of " + n + " ones gave " + d);
                }
                break;
            }
            case 1: {
                int n = 1 + r.nextInt(x.length);
                java.util.Arrays.fill(y, 0.0);
                y[0] = -7;
                y[n + 1] = -7;
                Blas.axpy(2.0, x, 0, y, 1, n, mode);
                for (int i = 1; i <= n; i++) {
                    if (y[i] != 2.0) {
                        failure("axpy wrote " + y[i] + " at " + i);
                        break;
                    }
                }
                if (y[0] != -7 || y[n + 1] != -7) {
                    failure("axpy wrote outside its range");
                }
                break;
            }
            case 2:
                // now and then long enough (several polls) for the interrupter to cancel it
                Synthetic.spin(r.nextInt(8) == 0 ? 3000 : 1 + r.nextInt(300), r.nextLong(), mode);
                break;
            case 3: {
                long seed = r.nextLong();
                long a = MonteCarlo.hits(20_000, seed, mode);
                long b = MonteCarlo.hits(20_000, seed, Mode.HELD);
                if (a != b) {
                    failure("montecarlo " + mode + " gave " + a + ", held gave " + b);
                }
                break;
            }
            case 4: {
                int primes = Primes.countBelow(10_000, mode);
                if (primes != 1229) {
                    failure("sieve counted " + primes + " primes below 10000");
                }
                break;
            }
            case 5: {
                int[] out = new int[16 * 16 + 2];
                out[0] = -7;
                out[out.length - 1] = -7;
                Mandelbrot.compute(16, 16, -2, -1.5, 3.0 / 16, 3.0 / 16, 64, out, 1, mode);
                if (out[0] != -7 || out[out.length - 1] != -7) {
                    failure("mandelbrot wrote outside its range");
                }
                break;
            }
            case 6: {
                if (r.nextInt(4) == 0) {
                    Synthetic.sleep(500 + r.nextInt(2000), mode); // blocking, released: cancellable
                    break;
                }
                double[] state = NBody.randomState(32, r.nextLong());
                NBody.step(state, 1e-3, mode);
                break;
            }
            default: {
                int n = 1 + r.nextInt(24);
                double[] a = new double[n * n], b = new double[n * n], c = new double[n * n];
                java.util.Arrays.fill(a, 1.0);
                java.util.Arrays.fill(b, 1.0);
                Blas.gemm(n, a, b, c, mode);
                if (c[r.nextInt(c.length)] != n) {
                    failure("gemm of ones gave a wrong element");
                }
            }
        }
        if (!Gil.isHeldByCurrentThread()) {
            failure("a " + mode + " kernel returned without the lock");
        }
        managed(r);
    }

    /** A thread that takes the lock, maybe works a little, and ends without giving it back. */
    private void dieHolding(SplittableRandom r) {
        boolean throwing = r.nextBoolean();
        Thread doomed = new Thread(() -> {
            Gil.acquire();
            managed(r);
            diedHolding.incrementAndGet();
            if (throwing) {
                throw new Expected(); // dies by an uncaught exception, still holding the lock
            }
        }, "stress-dies-holding");
        doomed.setDaemon(true);
        doomed.setUncaughtExceptionHandler((t, e) -> { });
        doomed.start();
        joinUninterruptibly(doomed, JOIN_BOUND);
        if (doomed.isAlive()) {
            failure("a thread that should die holding the lock never got it");
        }
    }

    /** Joins within {@code bound} even when interrupted (the interrupter is busy); keeps the status. */
    static void joinUninterruptibly(Thread t, Duration bound) {
        long until = System.nanoTime() + bound.toNanos();
        boolean interrupted = false;
        while (t.isAlive() && System.nanoTime() < until) {
            try {
                t.join(Math.max(1, (until - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void interrupt(List<Thread> workers, SplittableRandom r) {
        while (!stop && workers.stream().anyMatch(Thread::isAlive)) {
            Thread victim = workers.get(r.nextInt(workers.size()));
            victim.interrupt();
            interruptsSent.incrementAndGet();
            LockSupport.parkNanos(200_000 + r.nextInt(800_000));
        }
    }
}
