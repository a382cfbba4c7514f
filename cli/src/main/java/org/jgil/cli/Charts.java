package org.jgil.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Function;
import org.jgil.kernels.Mode;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Charts of a run, one line per mode, each point the median of its trials with its interval drawn as
 * an error bar: speed-up against threads (with the physical ceiling), and absolute throughput.
 */
final class Charts {
    private static final Color[] MODE_COLORS = {
        new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x9467bd)};

    private Charts() {}

    static Color color(Mode mode) {
        return MODE_COLORS[mode.ordinal() % MODE_COLORS.length];
    }

    static void speedupChart(Results results, Case c, Path png) {
        XYChart chart = chart("Speed-up vs threads: " + c.label(), "speed-up (vs 1 thread, same mode)");
        chart.getStyler().setDecimalPattern("#0.0");
        TreeSet<Integer> allThreads = lines(chart, results, c, results::speedup);
        if (allThreads.isEmpty()) {
            return;
        }
        int cores = results.cores();
        List<Integer> xs = new ArrayList<>(allThreads);
        List<Double> ideal = new ArrayList<>();
        for (int t : xs) {
            ideal.add(c.cpuBound() ? Math.min(t, cores) : (double) t);
        }
        XYSeries s = chart.addSeries(c.cpuBound() ? "ceiling for released CPU work (" + cores + " cores)"
                : "ceiling for released calls (threads)", xs, ideal);
        s.setLineStyle(SeriesLines.DASH_DASH);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(Color.GRAY);
        List<Double> one = new ArrayList<>();
        xs.forEach(t -> one.add(1.0));
        XYSeries held = chart.addSeries("ceiling for held calls (1x)", xs, one);
        held.setLineStyle(SeriesLines.DOT_DOT);
        held.setMarker(SeriesMarkers.NONE);
        held.setLineColor(Color.LIGHT_GRAY);
        save(chart, png);
    }

    /** Calls per second, all threads together: what the speed-up is a ratio of. */
    static void throughputChart(Results results, Case c, Path png) {
        XYChart chart = chart("Throughput vs threads: " + c.label(), "calls per second, all threads");
        chart.getStyler().setDecimalPattern("#,##0");
        if (!lines(chart, results, c, Point::rate).isEmpty()) {
            save(chart, png);
        }
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart chart = new XYChartBuilder().width(720).height(440).title(title)
                .xAxisTitle("threads").yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setXAxisDecimalPattern("#.#");
        return chart;
    }

    /** One line per mode through the medians, and each point's interval as a vertical bar. */
    private static TreeSet<Integer> lines(XYChart chart, Results results, Case c,
                                          Function<Point, Stats.Estimate> value) {
        TreeSet<Integer> allThreads = new TreeSet<>();
        for (Mode mode : Mode.values()) {
            // Each mode a little to the side of the thread count, so that the error bars do not overlap.
            double dodge = (mode.ordinal() - (Mode.values().length - 1) / 2.0) * 0.04;
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            List<double[]> bars = new ArrayList<>();
            for (Point p : results.points()) {
                Stats.Estimate e = value.apply(p);
                if (p.testCase().equals(c) && p.mode() == mode && Double.isFinite(e.median())) {
                    xs.add(p.threads() + dodge);
                    ys.add(e.median());
                    allThreads.add(p.threads());
                    // An unbounded interval (a trial with no call at all) cannot be drawn: the table says so.
                    if (e.n() > 1 && e.hi() > e.lo() && Double.isFinite(e.lo()) && Double.isFinite(e.hi())) {
                        bars.add(new double[] {p.threads() + dodge, e.lo(), e.hi()});
                    }
                }
            }
            if (xs.isEmpty()) {
                continue;
            }
            String name = mode.name().toLowerCase(Locale.ROOT);
            XYSeries s = chart.addSeries(name, xs, ys);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineColor(color(mode));
            s.setMarkerColor(color(mode));
            for (int i = 0; i < bars.size(); i++) {
                double[] b = bars.get(i);
                XYSeries bar = chart.addSeries(name + " interval " + i, new double[] {b[0], b[0]},
                        new double[] {b[1], b[2]});
                bar.setMarker(SeriesMarkers.NONE);
                bar.setLineColor(color(mode));
                bar.setLineStyle(new BasicStroke(1.5f));
                bar.setShowInLegend(false);
            }
        }
        return allThreads;
    }

    /** Writes any XChart chart as PNG, creating the folder. */
    static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path png) {
        try {
            BitmapEncoder.saveBitmap(chart, ReportFiles.prepare(png).toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + png + ": " + e.getMessage(), e);
        }
    }
}
