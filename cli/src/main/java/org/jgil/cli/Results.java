package org.jgil.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jgil.kernels.Mode;

/**
 * The points of one run and what is derived from them: speed-up against the same case and mode at
 * one thread with its interval, the physical ceiling each speed-up must stay under, and the table,
 * JSON and CSV forms of the report.
 */
final class Results {
    static final String[] CSV_COLUMNS = {"kernel", "label", "mode", "threads", "trials", "calls_per_s",
        "calls_per_s_lo", "calls_per_s_hi", "calls_per_s_min", "calls_per_s_max", "confidence", "speedup",
        "speedup_lo", "speedup_hi", "ceiling", "impossible", "gflops", "work_us", "us_per_call", "waited_fraction",
        "warmup_s", "steady", "max_managed_at_once", "max_native_at_once"};

    private final List<Point> points = new ArrayList<>();
    private final int cores;
    private final boolean locking;

    Results() {
        this(Runtime.getRuntime().availableProcessors(), !"none".equals(org.jgil.Gil.policy()));
    }

    /** For a machine of {@code cores} cores, under a lock ({@code locking}) or with none. */
    Results(int cores, boolean locking) {
        this.cores = cores;
        this.locking = locking;
    }

    void add(Point p) {
        points.add(p);
    }

    List<Point> points() {
        return points;
    }

    int cores() {
        return cores;
    }

    /** The single-thread point of the same case and mode, if it was measured. */
    Point baseline(Point p) {
        for (Point q : points) {
            if (q.threads() == 1 && q.mode() == p.mode() && q.testCase().equals(p.testCase())) {
                return q;
            }
        }
        return null;
    }

    /** Calls per second over those of one thread in the same mode, with its interval. */
    Stats.Estimate speedup(Point p) {
        Point base = baseline(p);
        if (base == null || base.callsPerSecond() == 0) {
            return Stats.Estimate.NONE;
        }
        return p == base ? Stats.of(1.0) : Stats.ratio(p.rates(), base.rates());
    }

    /**
     * The most speed-up physics allows: a call that keeps the lock (held, or Java under the lock)
     * runs one at a time whatever the thread count; CPU work cannot use more cores than there are.
     */
    double ceiling(Point p) {
        boolean serial = locking && (p.mode() == Mode.HELD || p.mode() == Mode.JAVA);
        if (serial) {
            return 1;
        }
        return p.testCase().cpuBound() ? Math.min(p.threads(), cores) : p.threads();
    }

    /** A speed-up whose whole interval lies above its ceiling: the measurement, not the code, is wrong. */
    boolean impossible(Point p) {
        return Stats.impossible(speedup(p), ceiling(p));
    }

    List<Point> impossiblePoints() {
        return points.stream().filter(this::impossible).toList();
    }

    /** The size of one call's work: its time at one thread, else the work asked for. */
    double workMicros(Point p) {
        Point base = baseline(p);
        if (base != null) {
            return base.microsPerCall();
        }
        long asked = p.testCase().params().workMicros();
        return asked > 0 ? asked : Double.NaN;
    }

    int maxManagedAtOnce() {
        return points.stream().mapToInt(Point::maxManaged).max().orElse(0);
    }

    Map<String, Object> row(Point p) {
        Stats.Estimate rate = p.rate();
        Stats.Estimate s = speedup(p);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kernel", p.testCase().kernel().name());
        r.put("label", p.testCase().label());
        r.put("mode", p.mode().name().toLowerCase(Locale.ROOT));
        r.put("threads", p.threads());
        r.put("trials", p.trials().size());
        r.put("calls_per_s", round(rate.median(), 1));
        r.put("calls_per_s_lo", round(rate.lo(), 1));
        r.put("calls_per_s_hi", round(rate.hi(), 1));
        r.put("calls_per_s_min", round(rate.min(), 1));
        r.put("calls_per_s_max", round(rate.max(), 1));
        r.put("confidence", round(rate.confidence(), 4));
        r.put("speedup", round(s.median(), 3));
        r.put("speedup_lo", round(s.lo(), 3));
        r.put("speedup_hi", round(s.hi(), 3));
        r.put("ceiling", round(ceiling(p), 3));
        r.put("impossible", impossible(p));
        r.put("gflops", round(p.gflops(), 3));
        r.put("work_us", round(workMicros(p), 2));
        r.put("us_per_call", round(p.microsPerCall(), 2));
        r.put("waited_fraction", round(p.waitedFraction().median(), 4));
        r.put("warmup_s", round(p.warmupSeconds(), 3));
        r.put("wait_us_per_call", round(p.waitMicrosPerCall(), 3));
        r.put("waits_per_call", round(p.perCall(Trial.LockCounts::waits), 4));
        r.put("handoffs_per_call", round(p.perCall(Trial.LockCounts::handoffs), 4));
        r.put("wakeups_per_call", round(p.perCall(Trial.LockCounts::wakeups), 4));
        r.put("wakeups_found_taken_per_call", round(p.perCall(Trial.LockCounts::wakeupsFoundTaken), 4));
        r.put("drop_requests_per_call", round(p.perCall(Trial.LockCounts::dropRequests), 4));
        r.put("forced_switches_per_call", round(p.perCall(Trial.LockCounts::forcedSwitches), 4));
        r.put("spins_per_call", round(p.perCall(Trial.LockCounts::spins), 4));
        r.put("spins_acquired_per_call", round(p.perCall(Trial.LockCounts::spinsAcquired), 4));
        r.put("spin_us_per_call", round(p.perCall(Trial.LockCounts::spinNanos) / 1000, 4));
        r.put("mutex_waits_per_call", round(p.perCall(Trial.LockCounts::mutexWaits), 4));
        r.put("mutex_wait_us_per_call", round(p.perCall(Trial.LockCounts::mutexWaitNanos) / 1000, 4));
        r.put("waiter_barriers_per_call", round(p.perCall(Trial.LockCounts::waiterBarriers), 6));
        r.put("waiter_barrier_us_per_call", round(p.perCall(Trial.LockCounts::waiterBarrierNanos) / 1000, 4));
        r.put("revocations_per_call", round(p.perCall(Trial.LockCounts::revocations), 6));
        r.put("steady", p.allSteady());
        r.put("size", p.testCase().params().size());
        r.put("max_managed_at_once", p.maxManaged());
        r.put("max_native_at_once", p.maxNative());
        List<Double> trials = new ArrayList<>();
        for (double v : p.rates()) {
            trials.add((Double) round(v, 1));
        }
        r.put("trial_calls_per_s", trials);
        r.put("calls", p.trials().stream().mapToLong(Trial::calls).sum());
        r.put("wall_s", round(p.trials().stream().mapToDouble(Trial::wallSeconds).sum(), 4));
        return r;
    }

    Map<String, Object> toJson() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("machine", MachineInfo.describe());
        doc.put("statistics", "calls_per_s is the median of independent trials; [lo, hi] is the distribution-free "
                + "interval for the median at 'confidence'; speedup is the ratio of medians with a 95% percentile "
                + "bootstrap interval; 'impossible' marks a speed-up whose interval lies above 'ceiling'");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Point p : points) {
            rows.add(row(p));
        }
        doc.put("results", rows);
        doc.put("max_managed_sections_at_once", maxManagedAtOnce());
        doc.put("impossible_points", impossiblePoints().size());
        return doc;
    }

    void writeJson(Path file) {
        Json.write(file, toJson());
    }

    void writeCsv(Path file) {
        StringBuilder b = new StringBuilder(String.join(",", CSV_COLUMNS)).append('\n');
        for (Point p : points) {
            Map<String, Object> r = row(p);
            for (int i = 0; i < CSV_COLUMNS.length; i++) {
                Object v = r.get(CSV_COLUMNS[i]);
                b.append(i == 0 ? "" : ",").append(csvCell(v));
            }
            b.append('\n');
        }
        try {
            Files.writeString(ReportFiles.prepare(file), b);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    void printTable(PrintWriter out) {
        TextTable t = new TextTable("case", "mode", "threads", "calls/s [interval]", "speed-up [95%]", "ceiling",
                "GFLOP/s", "us/call", "waited", "managed at once", "native at once");
        for (Point p : points) {
            Stats.Estimate s = speedup(p);
            String speed = s.format(2, "x") + (impossible(p) ? " IMPOSSIBLE" : "");
            t.row(p.testCase().label(), p.mode().name().toLowerCase(Locale.ROOT), p.threads(),
                    p.rate().format(0, ""), speed, format(ceiling(p), 0) + "x", format(p.gflops(), 2),
                    format(p.microsPerCall(), 1), Tracer.percent(p.waitedFraction().median()), p.maxManaged(),
                    p.mode() == Mode.JAVA ? "-" : p.maxNative());
        }
        t.print(out);
        if (!points.isEmpty()) {
            Stats.Estimate r = points.get(0).rate();
            if (r.n() < 2) {
                out.println("One trial per point: no interval (give --trials 3 or more).");
            } else {
                out.printf(Locale.ROOT, "Medians of %d trials; calls/s interval: %.1f%% distribution-free for the"
                        + " median; speed-up: 95%% bootstrap.%n", r.n(), 100 * r.confidence());
            }
        }
        List<Point> bad = impossiblePoints();
        if (!bad.isEmpty()) {
            out.printf(Locale.ROOT, "IMPOSSIBLE: %d point(s) sped up beyond what the machine or the lock allows (a held"
                    + " call runs one at a time; CPU work cannot use more than %d cores), by more than their interval."
                    + " Something else disturbed the run: other load, frequency scaling, or a too-short window"
                    + " (--duration-s, --trials).%n", bad.size(), cores);
        }
        List<Point> unsteady = points.stream().filter(p -> !p.allSteady()).toList();
        if (!unsteady.isEmpty()) {
            out.printf(Locale.ROOT, "Note: %d point(s) never reached a steady rate in their warm-up (--warmup-s).%n",
                    unsteady.size());
        }
        out.flush();
    }

    /**
     * Where a contended call's time goes: each point beyond one thread against the same mode at one
     * thread. The extra time per call splits into the time the lock's scheduler counted it waiting
     * (its spin before parking and the first waiter's membarrier included), the time it waited for
     * the scheduler's own mutex, and the rest (the lock word's and the data's cache lines moving
     * between cores, the membarrier's interruption of the other threads, revocations on a release
     * path, the harness's own cost, which 'jgil harness' measures), with the scheduler's events per
     * call beside it.
     */
    void printBreakdown(PrintWriter out) {
        TextTable t = new TextTable("case", "mode", "threads", "us/call", "at 1 thread", "extra", "waiting",
                "of which spin", "mutex", "rest", "waits/call", "handoffs/call", "wake-ups/call", "found taken",
                "forced/call", "spins/call", "spin got it", "barriers/call", "revocations/call");
        for (Point p : points) {
            Point base = baseline(p);
            if (p.threads() == 1 || base == null) {
                continue;
            }
            double extra = p.microsPerCall() - base.microsPerCall();
            double wait = p.waitMicrosPerCall();
            double mutex = p.perCall(Trial.LockCounts::mutexWaitNanos) / 1000;
            double spins = p.perCall(Trial.LockCounts::spins);
            double won = p.perCall(Trial.LockCounts::spinsAcquired);
            t.row(p.testCase().label(), p.mode().name().toLowerCase(Locale.ROOT), p.threads(),
                    format(p.microsPerCall(), 2), format(base.microsPerCall(), 2), format(extra, 2), format(wait, 2),
                    format(p.perCall(Trial.LockCounts::spinNanos) / 1000, 2), format(mutex, 2),
                    format(extra - wait - mutex, 2), format(p.perCall(Trial.LockCounts::waits), 3),
                    format(p.perCall(Trial.LockCounts::handoffs), 3), format(p.perCall(Trial.LockCounts::wakeups), 3),
                    format(p.perCall(Trial.LockCounts::wakeupsFoundTaken), 3),
                    format(p.perCall(Trial.LockCounts::forcedSwitches), 4), format(spins, 3),
                    spins > 0 ? String.format(Locale.ROOT, "%.0f%%", 100 * won / spins) : "-",
                    format(p.perCall(Trial.LockCounts::waiterBarriers), 5),
                    format(p.perCall(Trial.LockCounts::revocations), 5));
        }
        out.println("Breakdown of a contended call (us per call, each thread's view; counts from the lock's "
                + "scheduler; 'waiting' includes the spin before parking and the first waiter's membarrier, "
                + "'mutex' is the wait for the scheduler's own mutex, 'rest' what neither explains):");
        t.print(out);
    }

    static String format(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    static Object round(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return null;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }

    private static String csvCell(Object v) {
        if (v == null) {
            return "";
        }
        String s = v.toString();
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
