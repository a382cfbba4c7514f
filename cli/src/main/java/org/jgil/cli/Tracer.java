package org.jgil.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jgil.kernels.Mode;

/**
 * A per-thread timeline of a run: when each thread ran a native call holding the lock, released it,
 * ran Java under it, or waited for it at a checkpoint; exported as Chrome trace JSON (the "Trace
 * Event Format"), which Perfetto's UI and chrome://tracing open.
 *
 * <p>Recording costs no shared memory: each thread writes three time stamps per call into its own
 * array, and nothing is merged until the run is over. A released call's span includes the wait to
 * take the lock back, which the harness cannot see from outside the kernel; the lock's own counters
 * ({@link Trial#waitedSeconds()}) give that time in total.
 */
final class Tracer {
    /** Calls kept per thread and point; a trace is for looking at, and a few thousand calls show the pattern. */
    static final int DEFAULT_CALLS_PER_THREAD = 20_000;
    /** A checkpoint shorter than this did not wait for anyone: it is not drawn. */
    static final long WAIT_THRESHOLD_NANOS = 500;

    private final List<Point> points = new ArrayList<>();
    private final int capacity;

    Tracer(int callsPerThread) {
        if (callsPerThread < 1) {
            throw new IllegalArgumentException("calls per thread must be >= 1, got " + callsPerThread);
        }
        this.capacity = callsPerThread;
    }

    /** A new point of the timeline (one process in the viewer). */
    Point point(String label, Mode mode) {
        Point p = new Point(label, mode, capacity);
        points.add(p);
        return p;
    }

    List<Point> points() {
        return points;
    }

    /** The span name a call in {@code mode} gets. */
    static String callState(Mode mode) {
        switch (mode) {
            case HELD:
                return "held";
            case RELEASED:
                return "released";
            case AUTO:
                return "auto";
            default:
                return "java";
        }
    }

    /** The points and their threads, one recorded window each. */
    static final class Point {
        final String label;
        final Mode mode;
        private final int capacity;
        private Buffer[] buffers = new Buffer[0];

        private Point(String label, Mode mode, int capacity) {
            this.label = label;
            this.mode = mode;
            this.capacity = capacity;
        }

        /** Prepares one buffer per thread; called before the recorded window opens. */
        void start(int threads) {
            Buffer[] b = new Buffer[threads];
            for (int t = 0; t < threads; t++) {
                b[t] = new Buffer(capacity);
            }
            buffers = b;
        }

        Buffer buffer(int thread) {
            return buffers[thread];
        }

        /** Gives back the unused part of every buffer once the window is over. */
        void finish() {
            for (Buffer b : buffers) {
                b.trim();
            }
        }

        int threads() {
            return buffers.length;
        }
    }

    /** One thread's calls: start, end of the native call, end of the checkpoint after it. */
    static final class Buffer {
        private long[] times;
        private int n;

        Buffer(int capacity) {
            times = new long[3 * capacity];
        }

        /** Records one call; false once the buffer is full or the window has closed. */
        boolean call(long start, long callEnd, long checkpointEnd, boolean recording) {
            if (!recording || n == times.length) {
                return false;
            }
            times[n] = start;
            times[n + 1] = callEnd;
            times[n + 2] = checkpointEnd;
            n += 3;
            return true;
        }

        int calls() {
            return n / 3;
        }

        /** The recorded time stamps, three per call. */
        long[] times() {
            return java.util.Arrays.copyOf(times, n);
        }

        private void trim() {
            times = java.util.Arrays.copyOf(times, n);
        }
    }

    /**
     * The fraction of the recorded time each thread spent in each state, summed over threads and
     * divided by threads x the recorded span: "GIL load".
     *
     * @param held native calls holding the lock, Java under the lock, and the loop's own steps
     * @param released released native calls, with the wait to come back
     * @param waiting waits at checkpoints (the lock asked back and given to another thread)
     */
    record Load(double held, double released, double waiting) {}

    static Load load(Point p) {
        double held = 0;
        double released = 0;
        double waiting = 0;
        double span = 0;
        for (Buffer b : p.buffers) {
            if (b.n == 0) {
                continue;
            }
            span += b.times[b.n - 1] - b.times[0];
            for (int i = 0; i < b.n; i += 3) {
                long call = b.times[i + 1] - b.times[i];
                long check = b.times[i + 2] - b.times[i + 1];
                long gap = i + 3 < b.n ? b.times[i + 3] - b.times[i + 2] : 0;
                if (p.mode == Mode.RELEASED) {
                    released += call;
                } else {
                    held += call;
                }
                if (check >= WAIT_THRESHOLD_NANOS) {
                    waiting += check;
                } else {
                    held += check;
                }
                held += gap;
            }
        }
        return span <= 0 ? new Load(Double.NaN, Double.NaN, Double.NaN)
                : new Load(held / span, released / span, waiting / span);
    }

    /** The timeline in the Trace Event Format: one process per point, one thread per worker. */
    Map<String, Object> chromeTrace() {
        long origin = Long.MAX_VALUE;
        for (Point p : points) {
            for (Buffer b : p.buffers) {
                if (b.n > 0) {
                    origin = Math.min(origin, b.times[0]);
                }
            }
        }
        List<Map<String, Object>> events = new ArrayList<>();
        for (int pi = 0; pi < points.size(); pi++) {
            Point p = points.get(pi);
            int pid = pi + 1;
            events.add(meta("process_name", pid, 0, p.label));
            events.add(meta("process_sort_index", pid, 0, pid));
            String state = callState(p.mode);
            for (int t = 0; t < p.buffers.length; t++) {
                Buffer b = p.buffers[t];
                int tid = t + 1;
                events.add(meta("thread_name", pid, tid, "thread " + t));
                for (int i = 0; i < b.n; i += 3) {
                    events.add(span(state, pid, tid, b.times[i] - origin, b.times[i + 1] - b.times[i]));
                    long check = b.times[i + 2] - b.times[i + 1];
                    if (check >= WAIT_THRESHOLD_NANOS) {
                        events.add(span("waiting", pid, tid, b.times[i + 1] - origin, check));
                    }
                }
            }
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("traceEvents", events);
        doc.put("displayTimeUnit", "ns");
        Map<String, Object> about = new LinkedHashMap<>(MachineInfo.describe());
        about.put("note", "held: native call with the lock kept (or Java under it); released: native call with the"
                + " lock given up, including the wait to take it back; waiting: a checkpoint that gave the lock"
                + " to another thread and waited to get it back");
        doc.put("otherData", about);
        return doc;
    }

    void write(Path file) {
        Json.write(file, chromeTrace());
    }

    /** A Chrome-trace complete event ("X"); ConvoyTrace writes the same format. */
    static Map<String, Object> span(String name, int pid, int tid, long startNanos, long durationNanos) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", name);
        e.put("cat", "jgil");
        e.put("ph", "X");
        e.put("ts", startNanos / 1000.0); // microseconds, as the format wants
        e.put("dur", durationNanos / 1000.0);
        e.put("pid", pid);
        e.put("tid", tid);
        return e;
    }

    /** A Chrome-trace metadata event ("M"): a process or thread name, or a sort index. */
    static Map<String, Object> meta(String name, int pid, int tid, Object value) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", name);
        e.put("ph", "M");
        e.put("pid", pid);
        e.put("tid", tid);
        e.put("args", Map.of(name.equals("process_sort_index") ? "sort_index" : "name", value));
        return e;
    }

    static String percent(double fraction) {
        return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }
}
