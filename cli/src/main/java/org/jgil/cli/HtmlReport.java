package org.jgil.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * index.html of a report folder: the summary, absolute throughput and speed-up charts with error
 * bars and the physical ceiling, the lock's timeline as inline SVG, optionally CPython's column,
 * and every point in a table. Everything is local: it opens with no network.
 */
final class HtmlReport {
    private HtmlReport() {}

    /**
     * @param charts each case's chart file stem (speedup-STEM.png, throughput-STEM.png)
     * @param timeline a traced run to draw, or null
     * @param cpython CPython's side-by-side table, already formatted, or null
     */
    static void write(Path file, Results results, Map<Case, String> charts, List<String> summary, Tracer timeline,
                      List<String> cpython) {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>jgil report</title>\n")
                .append("<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}")
                .append("table{border-collapse:collapse;font-size:12px}")
                .append("td,th{padding:3px 6px;border-bottom:1px solid #ddd;")
                .append("text-align:right}td:first-child,th:first-child{text-align:left}img{max-width:49%}")
                .append("tr.bad td{background:#fdd}pre{background:#f6f6f6;padding:1em;overflow-x:auto}")
                .append(".key span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}")
                .append("</style></head><body>\n")
                .append("<h1>jgil: held vs released vs Java</h1>\n");
        h.append("<p>Machine: ").append(escape(MachineInfo.describe().toString())).append("</p>\n");
        h.append("<pre>");
        for (String line : summary) {
            h.append(escape(line)).append('\n');
        }
        h.append("</pre>\n<p>Every point is the median of independent trials (fresh threads, warmed up until the rate "
                + "was steady); bars show the interval: for throughput, distribution-free for the median; for "
                + "speed-up, a 95% bootstrap. The dashed line is the ceiling physics allows a released CPU-bound call "
                + "(the cores); the dotted one, a held call's (1x). A speed-up whose interval clears its ceiling is "
                + "marked IMPOSSIBLE: the run was disturbed.</p>\n");
        h.append("<h2>Speed-up and throughput against threads</h2>\n");
        for (Map.Entry<Case, String> e : charts.entrySet()) {
            String label = escape(e.getKey().label());
            h.append("<h3>").append(label).append("</h3>\n<img src=\"speedup-").append(escape(e.getValue()))
                    .append(".png\" alt=\"speed-up, ").append(label).append("\">\n<img src=\"throughput-")
                    .append(escape(e.getValue())).append(".png\" alt=\"throughput, ").append(label).append("\">\n");
        }
        if (timeline != null) {
            h.append("<h2>The lock, seen per thread</h2>\n<p class=\"key\">The first ")
                    .append(Timeline.WINDOW_NANOS / 1_000_000).append(" ms of a separate traced run.")
                    .append("<span style=\"background:").append(Timeline.color("held")).append("\"></span>held")
                    .append("<span style=\"background:").append(Timeline.color("released"))
                    .append("\"></span>released (with the wait to come back)<span style=\"background:")
                    .append(Timeline.color("waiting")).append("\"></span>waiting at a checkpoint</p>\n");
            h.append(Timeline.svg(timeline));
            h.append("<table><tr><th>point</th><th>held</th><th>released</th><th>waiting</th></tr>\n");
            for (Tracer.Point p : timeline.points()) {
                Tracer.Load load = Tracer.load(p);
                h.append("<tr><td>").append(escape(p.label)).append("</td><td>").append(Tracer.percent(load.held()))
                        .append("</td><td>").append(Tracer.percent(load.released())).append("</td><td>")
                        .append(Tracer.percent(load.waiting())).append("</td></tr>\n");
            }
            h.append("</table>\n<p>The whole run is in <a href=\"trace.json\">trace.json</a> (Chrome trace format: "
                    + "Perfetto or chrome://tracing open it).</p>\n");
        }
        if (cpython != null) {
            h.append("<h2>Beside CPython's GIL</h2>\n<pre>");
            for (String line : cpython) {
                h.append(escape(line)).append('\n');
            }
            h.append("</pre>\n");
        }
        h.append("<h2>All points</h2>\n<p>Also as <a href=\"results.json\">JSON</a> (with every trial) and "
                + "<a href=\"results.csv\">CSV</a>.</p>\n<table><tr>");
        for (String col : Results.CSV_COLUMNS) {
            h.append("<th>").append(escape(col)).append("</th>");
        }
        h.append("</tr>\n");
        for (Point p : results.points()) {
            Map<String, Object> row = results.row(p);
            h.append(results.impossible(p) ? "<tr class=\"bad\">" : "<tr>");
            for (String col : Results.CSV_COLUMNS) {
                Object v = row.get(col);
                h.append("<td>").append(v == null ? "" : escape(v.toString())).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n</body></html>\n");
        try {
            Files.writeString(ReportFiles.prepare(file), h);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
