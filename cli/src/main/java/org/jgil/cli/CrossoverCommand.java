package org.jgil.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.jgil.kernels.Kernel;
import org.jgil.kernels.Kernels;
import org.jgil.kernels.Mode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Finds the work per call above which releasing the lock pays at N threads: the calibration of
 * AUTO's threshold on this machine. The kernel's size (work-us for spin and sleep, elements for the
 * others) climbs by doubling until releasing surely wins, then the bracket around the crossing is
 * halved geometrically. At each size the gain is released over held calls per second at N threads,
 * with its bootstrap interval; the work of a call is its time at one thread, held.
 */
@Command(name = "crossover", mixinStandardHelpOptions = true,
        description = {"Find the work per call above which releasing the lock pays at N threads.",
            "Prints it with its interval, and the value of -Djgil.kernels.autoThresholdMicros that follows."})
final class CrossoverCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(names = "--kernel", paramLabel = "K", defaultValue = "spin",
            description = "Kernel family (default: ${DEFAULT-VALUE}); spin and sleep are sized in us, the others "
                    + "in elements.")
    String kernel;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: the cores).")
    Integer threads;

    @Option(names = "--from", paramLabel = "X", description = "Smallest size tried (default: 1 us, or 16 elements).")
    Integer from;

    @Option(names = "--to", paramLabel = "X", description = "Largest size tried (default: 4096 us, or 2^22 elements).")
    Integer to;

    @Option(names = "--refine", paramLabel = "N", defaultValue = "3",
            description = "Halvings of the bracket around the crossing (default: ${DEFAULT-VALUE}).")
    int refine;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "3",
            description = "Independent trials per point (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--duration-s", paramLabel = "S", defaultValue = "0.2",
            description = "Measured seconds per trial (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = "--warmup-s", paramLabel = "S", defaultValue = "0.5",
            description = "Longest warm-up per trial (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the sweep and the crossover as JSON.")
    Path json;

    @Spec
    CommandSpec spec;

    /** One size of the sweep: the work of a call and the gain from releasing at N threads. */
    record Step(int size, double workMicros, Stats.Estimate gain) {
        boolean surelyPays() {
            return gain.lo() > 1;
        }

        boolean surelyLoses() {
            return gain.hi() < 1;
        }
    }

    /**
     * Where releasing starts to pay: the work at which the median gain crosses 1 (interpolated on a
     * log scale between the sizes around it), and the interval from the largest work where releasing
     * surely lost to the smallest where it surely paid.
     */
    record Crossover(double microsLo, double micros, double microsHi, String note) {}

    @Override
    public Integer call() throws Exception {
        global.apply();
        PrintWriter out = spec.commandLine().getOut();
        Kernel k = Kernels.byName(kernel);
        boolean timed = k.name().equals("spin") || k.name().equals("sleep");
        int n = threads == null ? Math.max(2, Runtime.getRuntime().availableProcessors()) : threads;
        if (n < 2) {
            throw new IllegalArgumentException("--threads must be >= 2: with one thread nobody waits for the lock");
        }
        int lo = from != null ? from : timed ? 1 : 16;
        int hi = to != null ? to : timed ? 4096 : 1 << 22;
        if (lo < 1 || hi < lo) {
            throw new IllegalArgumentException("--from and --to must satisfy 1 <= from <= to");
        }
        if (refine < 0 || refine > 10) {
            throw new IllegalArgumentException("--refine must be from 0 to 10");
        }
        Grid.Plan plan = Grid.Plan.of(trials, durationSeconds, warmupSeconds, null);
        out.printf(Locale.ROOT, "Crossover of %s at %d threads: released vs held, %d trials of %.2f s per point...%n",
                k.name(), n, trials, durationSeconds);
        out.flush();
        TreeMap<Integer, Step> steps = new TreeMap<>();
        for (int size = lo; size <= hi; size = size > hi / 2 ? hi + 1 : size * 2) {
            Step s = measure(k, timed, size, n, plan, out);
            steps.put(size, s);
            if (s.surelyPays() && steps.size() >= 2 && steps.lowerEntry(size).getValue().surelyPays()) {
                break;
            }
        }
        for (int r = 0; r < refine; r++) {
            Integer[] bracket = bracket(steps);
            if (bracket == null || bracket[1] - bracket[0] < 2) {
                break;
            }
            int mid = (int) Math.round(Math.sqrt((double) bracket[0] * bracket[1]));
            if (mid <= bracket[0] || mid >= bracket[1] || steps.containsKey(mid)) {
                break;
            }
            steps.put(mid, measure(k, timed, mid, n, plan, out));
        }
        List<Step> sweep = new ArrayList<>(steps.values());
        Crossover c = find(sweep);
        TextTable t = new TextTable(timed ? "work-us" : "size", "work per call (us)", "released/held at " + n,
                "verdict");
        for (Step s : sweep) {
            t.row(s.size(), Results.format(s.workMicros(), 2), s.gain().format(2, "x"),
                    s.surelyPays() ? "release" : s.surelyLoses() ? "hold" : "either");
        }
        t.print(out);
        out.println(describe(c, n));
        if (!Double.isNaN(c.micros())) {
            long threshold = Math.max(0, (long) Math.ceil(c.micros()));
            out.printf(Locale.ROOT, "For AUTO on this machine: -Djgil.kernels.autoThresholdMicros=%d (now %d)%n",
                    threshold, Mode.autoThresholdNanos() / 1000);
        }
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("machine", MachineInfo.describe());
            doc.put("kernel", k.name());
            doc.put("threads", n);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Step s : sweep) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put(timed ? "work_us_asked" : "size", s.size());
                r.put("work_us", Results.round(s.workMicros(), 3));
                r.put("gain", Results.round(s.gain().median(), 3));
                r.put("gain_lo", Results.round(s.gain().lo(), 3));
                r.put("gain_hi", Results.round(s.gain().hi(), 3));
                rows.add(r);
            }
            doc.put("sweep", rows);
            doc.put("crossover_us", Results.round(c.micros(), 3));
            doc.put("crossover_us_lo", Results.round(c.microsLo(), 3));
            doc.put("crossover_us_hi", Results.round(c.microsHi(), 3));
            doc.put("note", c.note());
            Json.write(json, doc);
            out.println("Wrote " + json);
        }
        out.flush();
        return 0;
    }

    private static Step measure(Kernel k, boolean timed, int size, int n, Grid.Plan plan, PrintWriter out)
            throws InterruptedException {
        Case c = Case.of(k, timed ? 0 : size, timed ? size : 0, 42);
        out.printf(Locale.ROOT, "  %s...%n", c.label());
        out.flush();
        Results r = Grid.run(List.of(c), List.of(Mode.HELD, Mode.RELEASED), List.of(1, n), plan,
                new PrintWriter(Writer.nullWriter()));
        Point held1 = null;
        Point heldN = null;
        Point releasedN = null;
        for (Point p : r.points()) {
            if (p.mode() == Mode.HELD && p.threads() == 1) {
                held1 = p;
            } else if (p.mode() == Mode.HELD) {
                heldN = p;
            } else if (p.threads() == n) {
                releasedN = p;
            }
        }
        return new Step(size, held1.microsPerCall(), Stats.ratio(releasedN.rates(), heldN.rates()));
    }

    /** The sizes either side of the first crossing of the median gain through 1, or null. */
    private static Integer[] bracket(TreeMap<Integer, Step> steps) {
        Step prev = null;
        for (Step s : steps.values()) {
            if (prev != null && prev.gain().median() < 1 && s.gain().median() >= 1) {
                return new Integer[] {prev.size(), s.size()};
            }
            prev = s;
        }
        return null;
    }

    static Crossover find(List<Step> sweep) {
        if (sweep.isEmpty()) {
            return new Crossover(Double.NaN, Double.NaN, Double.NaN, "nothing measured");
        }
        double lo = Double.NaN;
        double hi = Double.NaN;
        for (Step s : sweep) {
            if (s.surelyLoses()) {
                lo = s.workMicros();
            }
        }
        for (Step s : sweep) {
            if (s.surelyPays() && (Double.isNaN(lo) || s.workMicros() > lo)) {
                hi = s.workMicros();
                break;
            }
        }
        Step first = sweep.get(0);
        if (first.gain().median() >= 1) {
            return new Crossover(0, first.workMicros(), first.workMicros(),
                    "releasing already paid at the smallest size tried: the crossover is below it (try --from lower)");
        }
        for (int i = 1; i < sweep.size(); i++) {
            Step a = sweep.get(i - 1);
            Step b = sweep.get(i);
            if (a.gain().median() < 1 && b.gain().median() >= 1) {
                double la = Math.log(a.workMicros());
                double lb = Math.log(b.workMicros());
                double ga = Math.log(a.gain().median());
                double gb = Math.log(b.gain().median());
                double x = gb == ga ? lb : la + (0 - ga) * (lb - la) / (gb - ga);
                double at = Math.exp(x);
                return new Crossover(Double.isNaN(lo) ? 0 : Math.min(lo, at), at, Double.isNaN(hi) ? Double.NaN
                        : Math.max(hi, at), Double.isNaN(hi) ? "no size tried made releasing surely pay" : "");
            }
        }
        return new Crossover(lo, Double.NaN, Double.NaN,
                "releasing never paid up to the largest size tried (try --to higher)");
    }

    static String describe(Crossover c, int threads) {
        if (Double.isNaN(c.micros())) {
            return "No crossover: " + c.note() + ".";
        }
        return String.format(Locale.ROOT, "Releasing pays at %d threads from about %.2f us of work per call "
                + "(interval %s-%s us: surely loses below, surely pays above)%s", threads, c.micros(),
                Results.format(c.microsLo(), 2), Double.isNaN(c.microsHi()) ? "?" : Results.format(c.microsHi(), 2),
                c.note().isEmpty() ? "." : "; " + c.note() + ".");
    }
}
