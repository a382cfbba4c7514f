package org.jgil.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** index.html of a report folder: the summary, the charts, and every point in a table. */
final class HtmlReport {
    private HtmlReport() {}

    static void write(Path file, Results results, Map<Case, String> charts, List<String> summary) {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>jgil report</title>\n")
                .append("<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}")
                .append("table{border-collapse:collapse;font-size:13px}td,th{padding:3px 8px;border-bottom:1px solid #ddd;")
                .append("text-align:right}td:first-child,th:first-child{text-align:left}img{max-width:49%}")
                .append("pre{background:#f6f6f6;padding:1em}</style></head><body>\n")
                .append("<h1>jgil: held vs released vs Java</h1>\n");
        h.append("<p>Machine: ").append(escape(MachineInfo.describe().toString())).append("</p>\n");
        h.append("<pre>");
        for (String line : summary) {
            h.append(escape(line)).append('\n');
        }
        h.append("</pre>\n<h2>Speed-up against threads</h2>\n");
        for (Map.Entry<Case, String> e : charts.entrySet()) {
            h.append("<img src=\"").append(escape(e.getValue())).append("\" alt=\"speed-up, ")
                    .append(escape(e.getKey().label())).append("\">\n");
        }
        h.append("<h2>All points</h2>\n<p>Also as <a href=\"results.json\">JSON</a> and <a href=\"results.csv\">CSV</a>.</p>\n<table><tr>");
        for (String col : Results.CSV_COLUMNS) {
            h.append("<th>").append(escape(col)).append("</th>");
        }
        h.append("</tr>\n");
        for (Point p : results.points()) {
            Map<String, Object> row = results.row(p);
            h.append("<tr>");
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

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
