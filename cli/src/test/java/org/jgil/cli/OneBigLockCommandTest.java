package org.jgil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jgil.Gil;
import org.junit.jupiter.api.Test;

/** {@code jgil lab one-big-lock}: the agreed JSON fields, the CSV, the chart, and its refusals. */
class OneBigLockCommandTest extends CommandLineHarness {
    @Test
    void writesTheAgreedJsonCsvAndChart() throws Exception {
        Path json = dir.resolve("obl.json");
        Path csv = dir.resolve("obl.csv");
        Path chart = dir.resolve("obl.png");
        assertEquals(0, run("lab", "one-big-lock", "--threads", "1,2", "--trials", "2", "--duration-s", "0.05",
                "--native-us", "5", "--json", json.toString(), "--csv", csv.toString(), "--chart", chart.toString()),
                err.toString());
        assertEquals("cpython", Gil.policy(), "the command must restore the policy");
        JsonNode doc = Json.MAPPER.readTree(json.toFile());
        for (String regime : List.of("gil", "fine_grained", "none")) {
            assertTrue(doc.get("single_thread_ns_per_op").get(regime).asDouble() > 0, regime);
            assertEquals(2, doc.get("single_thread_ns_per_op_trials").get(regime).size(), regime);
        }
        JsonNode scaling = doc.get("scaling");
        assertEquals(3 * 2 * 2, scaling.size()); // regimes x sharing x thread counts
        for (JsonNode row : scaling) {
            for (String f : List.of("regime", "objects", "threads", "ops_per_s", "ops_per_s_min", "ops_per_s_max",
                    "ops_per_s_trials", "lost_updates", "errors")) {
                assertTrue(row.has(f), "missing " + f + " in " + row);
            }
            assertTrue(row.get("ops_per_s").asLong() > 0, row.toString());
            if (!row.get("regime").asText().equals("none")) {
                assertEquals(0, row.get("lost_updates").asLong() + row.get("errors").asLong(), row.toString());
            }
        }
        assertEquals(2, doc.get("mixed_with_native").size());
        assertEquals(1 + 3 + 12 + 2, Files.readAllLines(csv).size()); // header, single, scaling, mixed
        assertTrue(Files.size(chart) > 1000);
        assertTrue(out.toString().contains("fine_grained"), out.toString());
    }

    @Test
    void refusesNoneAsTheGilPolicy() {
        assertEquals(2, run("lab", "one-big-lock", "--policy", "none"));
        assertTrue(err.toString().contains("locking policy"), err.toString());
    }
}
