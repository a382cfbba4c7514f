package org.jgil.cli;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jgil.kernels.Kernels;
import org.jgil.kernels.Mode;

/**
 * The report's picture of the lock: a short traced run of a 50 us CPU-bound call, held and then
 * released, and its rendering as an SVG timeline (one lane per thread) that needs no script and no
 * network to display.
 */
final class Timeline {
    /** The first stretch of each traced point that the picture shows. */
    static final long WINDOW_NANOS = 3_000_000;

    private Timeline() {}

    static Tracer record(int threads, double seconds) throws InterruptedException {
        Tracer tracer = new Tracer(5_000);
        Case c = Case.of(Kernels.byName("spin"), 0, 50, 42);
        for (Mode mode : List.of(Mode.HELD, Mode.RELEASED)) {
            Tracer.Point p = tracer.point(c.label() + " " + BenchCommand.lower(mode) + " x" + threads, mode);
            PointRunner.run(c, mode, threads, PointRunner.Warmup.upTo(Duration.ofMillis(200)),
                    Grid.seconds(seconds), p);
            p.finish();
        }
        return tracer;
    }

    static String color(String state) {
        switch (state) {
            case "held":
            case "java":
                return "#d62728";
            case "released":
                return "#1f77b4";
            case "auto":
                return "#2ca02c";
            default:
                return "#bbbbbb";
        }
    }

    /** An SVG of the first {@link #WINDOW_NANOS} of each point: held red, released blue, waiting grey. */
    static String svg(Tracer tracer) {
        int lane = 16;
        int width = 900;
        int left = 210;
        StringBuilder s = new StringBuilder();
        int lanes = 0;
        for (Tracer.Point p : tracer.points()) {
            lanes += p.threads() + 1;
        }
        int height = lanes * lane + 30;
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n", width, height));
        int y = 0;
        double scale = (width - left - 10) / (double) WINDOW_NANOS;
        for (Tracer.Point p : tracer.points()) {
            s.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\" font-weight=\"bold\">%s</text>%n",
                    y + lane - 4, HtmlReport.escape(p.label)));
            y += lane;
            // From the moment every thread has made its first call, so that no lane starts empty.
            long origin = Long.MIN_VALUE;
            for (int t = 0; t < p.threads(); t++) {
                long[] times = p.buffer(t).times();
                if (times.length > 0) {
                    origin = Math.max(origin, times[0]);
                }
            }
            String state = Tracer.callState(p.mode);
            for (int t = 0; t < p.threads(); t++) {
                s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">thread %d</text>%n", y + lane - 4, t));
                long[] times = p.buffer(t).times();
                for (int i = 0; i + 2 < times.length; i += 3) {
                    rect(s, left, y, scale, times[i] - origin, times[i + 1] - origin, color(state), lane);
                    if (times[i + 2] - times[i + 1] >= Tracer.WAIT_THRESHOLD_NANOS) {
                        rect(s, left, y, scale, times[i + 1] - origin, times[i + 2] - origin, color("waiting"), lane);
                    }
                }
                y += lane;
            }
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">0</text><text x=\"%d\" y=\"%d\" "
                + "text-anchor=\"end\">%.1f ms</text>%n", left, y + 14, width - 10, y + 14, WINDOW_NANOS / 1e6));
        return s.append("</svg>\n").toString();
    }

    private static void rect(StringBuilder s, int left, int y, double scale, long from, long to, String color,
                             int lane) {
        if (from >= WINDOW_NANOS || to <= 0) {
            return;
        }
        double x0 = left + Math.max(0, from) * scale;
        double x1 = left + Math.min(WINDOW_NANOS, to) * scale;
        s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\"/>%n",
                x0, y + 2, Math.max(0.5, x1 - x0), lane - 4, color));
    }
}
