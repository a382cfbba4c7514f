package org.jgil.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.jgil.kernels.Mode;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Speed-up against threads, one line per mode, with the ideal line for this machine's cores. */
final class Charts {
    private Charts() {}

    static void speedupChart(Results results, Case c, Path png) {
        XYChart chart = new XYChartBuilder().width(720).height(440)
                .title("Speed-up vs threads: " + c.label())
                .xAxisTitle("threads").yAxisTitle("speed-up (vs 1 thread, same mode)").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setDecimalPattern("#0.0");
        chart.getStyler().setXAxisDecimalPattern("#");
        TreeSet<Integer> allThreads = new TreeSet<>();
        for (Mode mode : Mode.values()) {
            List<Integer> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (Point p : results.points()) {
                if (p.testCase().equals(c) && p.mode() == mode && !Double.isNaN(results.speedup(p))) {
                    xs.add(p.threads());
                    ys.add(results.speedup(p));
                    allThreads.add(p.threads());
                }
            }
            if (!xs.isEmpty()) {
                XYSeries s = chart.addSeries(mode.name().toLowerCase(Locale.ROOT), xs, ys);
                s.setMarker(SeriesMarkers.CIRCLE);
            }
        }
        if (allThreads.isEmpty()) {
            return;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        List<Integer> xs = new ArrayList<>(allThreads);
        List<Double> ideal = new ArrayList<>();
        for (int t : xs) {
            ideal.add((double) Math.min(t, cores));
        }
        XYSeries s = chart.addSeries("ideal for CPU work (" + cores + " cores)", xs, ideal);
        s.setLineStyle(SeriesLines.DASH_DASH);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(java.awt.Color.GRAY);
        save(chart, png);
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
