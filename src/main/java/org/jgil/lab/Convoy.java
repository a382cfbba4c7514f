package org.jgil.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.jgil.Gil;
import org.jgil.Released;

/**
 * The convoy effect (CPython bpo-7946): an I/O-bound thread beside a CPU-bound one. The I/O thread
 * gives the lock up around each operation and must get it back afterwards; the CPU thread holds
 * it and only passes checkpoints. How long the I/O thread waits to get back in is the whole story:
 * under CPython's rule it waits a switch interval (5 ms) for every operation that takes 100 us.
 *
 * <p>Each I/O kind runs alone, then beside the CPU thread; the CPU thread also runs alone once,
 * for its baseline throughput. Latencies are whole operations: from giving the lock up to having
 * it back, the I/O itself included.
 */
public final class Convoy {
    /** What the I/O thread does while the lock is released. */
    public enum IoKind {
        /** A 100 us blocking wait. */
        SLEEP,
        /** A 64-byte echo over a loopback TCP socket. */
        SOCKET
    }

    /** One I/O kind's figures; {@code timeline}: the phase beside the CPU thread, if it was recorded, else null. */
    public record IoResult(IoKind kind, Samples.Percentiles ioAloneMicros, Samples.Percentiles ioWithCpuMicros,
                           Samples.Percentiles reacquireWaitMicros, double ioOpsPerSecond, double cpuThroughputRatio,
                           int opsAlone, int opsWithCpu, ConvoyTimeline timeline) {}

    /** The experiment's figures under one policy. */
    public record Result(String policy, double switchIntervalMicros, double cpuUnitsPerSecondAlone,
                         List<IoResult> io) {}

    private static final long SLEEP_NANOS = 100_000;

    private Convoy() {}

    /** Runs every I/O kind under the current policy, each phase for {@code phase}. */
    public static Result run(Duration phase, List<IoKind> kinds) throws InterruptedException {
        return run(phase, kinds, false);
    }

    /**
     * The same; with {@code timeline}, each phase beside the CPU thread is also recorded as a
     * {@link ConvoyTimeline} (which costs the CPU thread two clock reads per unit of work).
     */
    public static Result run(Duration phase, List<IoKind> kinds, boolean timeline) throws InterruptedException {
        double cpuAlone = cpuUnitsPerSecond(phase);
        List<IoResult> results = new ArrayList<>();
        for (IoKind kind : kinds) {
            results.add(runKind(kind, phase, cpuAlone, timeline));
        }
        return new Result(Gil.policy(), Gil.switchInterval().toNanos() / 1000.0, cpuAlone, results);
    }

    private static IoResult runKind(IoKind kind, Duration phase, double cpuAlone, boolean timeline)
            throws InterruptedException {
        try (EchoServer server = kind == IoKind.SOCKET ? new EchoServer() : null;
             EchoServer.Client client = server == null ? null : new EchoServer.Client(server.port())) {
            Runnable op = client == null ? () -> LockSupport.parkNanos(SLEEP_NANOS) : () -> {
                try {
                    client.echo();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            IoLoop alone = new IoLoop(op, phase, null);
            alone.runHere();

            CpuLoop cpu = new CpuLoop(timeline);
            Thread cpuThread = cpu.start("convoy-cpu");
            IoLoop together = new IoLoop(op, phase, timeline ? new ConvoyTimeline.Recorder(3) : null);
            long start = System.nanoTime();
            together.runHere();
            double seconds = (System.nanoTime() - start) / 1e9;
            cpu.stop();
            cpuThread.join();
            double cpuWith = cpu.unitsPerSecond();
            return new IoResult(kind, alone.latency.percentiles(), together.latency.percentiles(),
                    together.reacquire.percentiles(), together.latency.size() / seconds,
                    cpuWith / cpuAlone, alone.latency.size(), together.latency.size(),
                    timeline ? together.timeline(cpu) : null);
        } catch (IOException e) {
            throw new UncheckedIOException("the loopback echo server failed: " + e.getMessage(), e);
        }
    }

    private static double cpuUnitsPerSecond(Duration phase) throws InterruptedException {
        CpuLoop cpu = new CpuLoop(false);
        Thread t = cpu.start("convoy-cpu-alone");
        Thread.sleep(phase.toMillis());
        cpu.stop();
        t.join();
        return cpu.unitsPerSecond();
    }

    /** The I/O-bound thread: managed code that releases the lock around each operation. */
    private static final class IoLoop {
        final Samples latency = new Samples();
        final Samples reacquire = new Samples();
        private final Runnable op;
        private final Duration phase;
        private final ConvoyTimeline.Recorder recorder; // null: not recorded

        IoLoop(Runnable op, Duration phase, ConvoyTimeline.Recorder recorder) {
            this.op = op;
            this.phase = phase;
            this.recorder = recorder;
        }

        ConvoyTimeline timeline(CpuLoop cpu) {
            return new ConvoyTimeline(recorder.column(0), recorder.column(1), recorder.column(2),
                    cpu.handovers.column(0), cpu.handovers.column(1), cpu.stalls.column(0), cpu.stalls.column(1));
        }

        void runHere() {
            long deadline = System.nanoTime() + phase.toNanos();
            Gil.acquire();
            try {
                while (System.nanoTime() < deadline) {
                    long start = System.nanoTime();
                    long ioDone;
                    Released nogil = Gil.allowThreads();
                    try {
                        op.run();
                    } finally {
                        ioDone = System.nanoTime();
                        nogil.close(); // back into managed code: this is where the convoy bites
                    }
                    long back = System.nanoTime();
                    latency.add(back - start);
                    reacquire.add(back - ioDone);
                    if (recorder != null) {
                        recorder.add(start, ioDone, back);
                    }
                }
            } finally {
                Gil.release();
            }
        }
    }

    /** The CPU-bound thread: holds the lock and passes a checkpoint after every unit of work. */
    static final class CpuLoop implements Runnable {
        private final CpuWork work = new CpuWork();
        final ConvoyTimeline.Recorder handovers; // null: not recorded
        final ConvoyTimeline.Recorder stalls;
        private volatile boolean stop;
        private volatile boolean running;
        private volatile Throwable failure;
        private long units;
        private long startNanos;
        private long endNanos;

        CpuLoop(boolean timeline) {
            handovers = timeline ? new ConvoyTimeline.Recorder(2) : null;
            stalls = timeline ? new ConvoyTimeline.Recorder(2) : null;
        }

        /** Starts the loop on a new thread and returns once it holds the lock and runs. */
        Thread start(String name) {
            Thread t = new Thread(this, name);
            t.setUncaughtExceptionHandler((thread, e) -> failure = e);
            t.start();
            while (!running) {
                if (!t.isAlive()) {
                    throw new IllegalStateException("the CPU-bound thread died before it started", failure);
                }
                Thread.onSpinWait();
            }
            return t;
        }

        @Override
        public void run() {
            Gil.acquire();
            try {
                startNanos = System.nanoTime();
                running = true;
                long n = 0;
                if (handovers == null) {
                    while (!stop) {
                        work.unit();
                        n++;
                        Gil.checkpoint();
                    }
                } else {
                    n = runRecorded();
                }
                units = n;
                endNanos = System.nanoTime();
            } finally {
                Gil.release();
            }
        }

        /** The same loop, noting each stall in a unit of work and each checkpoint that gave the lock away. */
        private long runRecorded() {
            long n = 0;
            long last = System.nanoTime();
            while (!stop) {
                work.unit();
                long worked = System.nanoTime();
                if (worked - last > ConvoyTimeline.STALL_NANOS) {
                    stalls.add(last, worked);
                }
                n++;
                Gil.checkpoint();
                last = System.nanoTime();
                if (last - worked > ConvoyTimeline.HANDOVER_NANOS) {
                    handovers.add(worked, last);
                }
            }
            return n;
        }

        void stop() {
            stop = true;
        }

        /** Valid after the thread ended. */
        double unitsPerSecond() {
            return units / ((endNanos - startNanos) / 1e9);
        }
    }
}
