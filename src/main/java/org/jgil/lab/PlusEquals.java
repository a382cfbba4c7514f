package org.jgil.lab;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jgil.Gil;

/**
 * Why {@code counter += 1} is not atomic even under a GIL. The lock only guarantees that managed
 * code runs one thread at a time between checkpoints; it says nothing about a read-modify-write
 * that spans one. Three runs of the same increment from several threads:
 * <ol>
 *   <li>{@code gil_atomic_step}: read and write with no checkpoint in between, as when CPython's
 *       {@code +=} on a local int happens within one bytecode: nothing is lost;
 *   <li>{@code gil_checkpoint_inside}: a checkpoint between the read and the write, as when the
 *       expression calls a function ({@code counter += f()}) or the object defines {@code __iadd__}
 *       in Python: a switch there loses every update the other threads made meanwhile;
 *   <li>{@code no_gil}: policy {@code none}, no lock at all: updates race on every core.
 * </ol>
 */
public final class PlusEquals {
    /** Figures of one run; {@code lost*} are {@code expected} minus the final counter. */
    public record Result(String policy, int threads, long iterations, long expected, long lostAtomicStep,
                         long lostCheckpointInside, long lostNoGil) {}

    /**
     * The counter: a plain int, no atomicity of any kind; the lock is its only protection. It is
     * read and written through opaque accesses only so that the JIT cannot keep it in a register
     * for a whole loop, which would measure the compiler rather than the lock.
     */
    private int counter;

    private static final VarHandle COUNTER;

    static {
        try {
            COUNTER = MethodHandles.lookup().findVarHandle(PlusEquals.class, "counter", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private PlusEquals() {}

    /**
     * Runs the three variants; the first two under the current policy, the third under {@code none}
     * (switched to and back, so call it while the lock is otherwise idle).
     */
    public static Result run(int threads, long iterations) throws InterruptedException {
        if (threads < 1 || iterations < 1) {
            throw new IllegalArgumentException("threads and iterations must be >= 1");
        }
        String policy = Gil.policy();
        long expected = threads * iterations;
        long atomicStep = expected - new PlusEquals().count(threads, iterations, false);
        long checkpointInside = expected - new PlusEquals().count(threads, iterations, true);
        long noGil;
        Gil.setPolicy("none");
        try {
            noGil = expected - new PlusEquals().count(threads, iterations, false);
        } finally {
            Gil.setPolicy(policy);
        }
        return new Result(policy, threads, iterations, expected, atomicStep, checkpointInside, noGil);
    }

    private long count(int threads, long iterations, boolean checkpointInside) throws InterruptedException {
        List<Thread> workers = new ArrayList<>();
        // All start at once (before taking the lock): a thread started late on a busy machine
        // could otherwise run its whole loop alone, and "no lock" would lose nothing.
        CountDownLatch start = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            workers.add(new Thread(() -> {
                start.countDown();
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                Gil.acquire();
                try {
                    for (long i = 0; i < iterations; i++) {
                        int read = (int) COUNTER.getOpaque(this);
                        if (checkpointInside) {
                            Gil.checkpoint(); // "a call inside the expression"
                        }
                        COUNTER.setOpaque(this, read + 1);
                        Gil.checkpoint(); // the next "bytecode"
                    }
                } finally {
                    Gil.release();
                }
            }, "plus-equals-" + t));
        }
        workers.forEach(Thread::start);
        for (Thread w : workers) {
            w.join();
        }
        return Gil.call(() -> (int) COUNTER.getVolatile(this));
    }
}
