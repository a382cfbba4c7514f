package org.jgil.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jgil.lab.Convoy;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** Charts of the laboratory's experiments. */
final class LabCharts {
    private LabCharts() {}

    /** A log axis cannot show 0 or NaN: clamp to 1 us, below anything an I/O operation takes. */
    private static double positive(double micros) {
        return Double.isNaN(micros) || micros < 1 ? 1 : micros;
    }

    /** I/O latency beside a CPU-bound thread, per policy, on a log scale: the convoy at a glance. */
    static void convoy(List<Convoy.Result> results, Path png) {
        CategoryChart chart = new CategoryChartBuilder().width(800).height(450)
                .title("Convoy: 100 us I/O beside a CPU-bound thread")
                .xAxisTitle("policy").yAxisTitle("I/O operation latency, us (log)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(1.0); // bars start at 1 us: a log axis has no zero
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        List<String> policies = new ArrayList<>();
        List<Double> alone = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        for (Convoy.Result r : results) {
            Convoy.IoResult sleep = r.io().get(0);
            policies.add(r.policy());
            alone.add(positive(sleep.ioAloneMicros().p50()));
            p50.add(positive(sleep.ioWithCpuMicros().p50()));
            p99.add(positive(sleep.ioWithCpuMicros().p99()));
        }
        chart.addSeries("alone, median", policies, alone);
        chart.addSeries("beside CPU, median", policies, p50);
        chart.addSeries("beside CPU, p99", policies, p99);
        Charts.save(chart, png);
    }
}
