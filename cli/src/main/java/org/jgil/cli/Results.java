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
 * one thread, and the table, JSON and CSV forms of the report.
 */
final class Results {
    static final String[] CSV_COLUMNS = {"kernel", "label", "mode", "threads", "calls", "wall_s", "calls_per_s",
        "speedup", "gflops", "work_us", "us_per_call", "max_managed_at_once", "max_native_at_once"};

    private final List<Point> points = new ArrayList<>();

    void add(Point p) {
        points.add(p);
    }

    List<Point> points() {
        return points;
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

    double speedup(Point p) {
        Point base = baseline(p);
        return base == null || base.calls() == 0 ? Double.NaN : p.callsPerSecond() / base.callsPerSecond();
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
        return points.stream().filter(p -> p.mode() != null).mapToInt(Point::maxManaged).max().orElse(0);
    }

    Map<String, Object> row(Point p) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kernel", p.testCase().kernel().name());
        r.put("label", p.testCase().label());
        r.put("mode", p.mode().name().toLowerCase(Locale.ROOT));
        r.put("threads", p.threads());
        r.put("calls", p.calls());
        r.put("wall_s", round(p.wallSeconds(), 4));
        r.put("calls_per_s", round(p.callsPerSecond(), 1));
        r.put("speedup", round(speedup(p), 3));
        r.put("gflops", round(p.gflops(), 3));
        r.put("work_us", round(workMicros(p), 2));
        r.put("us_per_call", round(p.microsPerCall(), 2));
        r.put("size", p.testCase().params().size());
        r.put("max_managed_at_once", p.maxManaged());
        r.put("max_native_at_once", p.maxNative());
        return r;
    }

    Map<String, Object> toJson() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("machine", MachineInfo.describe());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Point p : points) {
            rows.add(row(p));
        }
        doc.put("results", rows);
        doc.put("max_managed_sections_at_once", maxManagedAtOnce());
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
        TextTable t = new TextTable("case", "mode", "threads", "calls/s", "speed-up", "GFLOP/s", "us/call",
                "managed at once", "native at once");
        for (Point p : points) {
            t.row(p.testCase().label(), p.mode().name().toLowerCase(Locale.ROOT), p.threads(),
                    format(p.callsPerSecond(), 0), format(speedup(p), 2) + "x", format(p.gflops(), 2),
                    format(p.microsPerCall(), 1), p.maxManaged(), p.mode() == Mode.JAVA ? "-" : p.maxNative());
        }
        t.print(out);
    }

    static String format(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    private static Object round(double v, int decimals) {
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
