package org.jgil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jgil.kernels.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The timeline: a scripted run comes out of the Chrome trace export with the right threads and states. */
class TracerTest {
    @TempDir
    Path dir;

    /**
     * Two threads calling held, 10 us a call from t = 1 ms: thread 0 calls, then waits 10 us at its
     * checkpoint while thread 1 calls, and the other way round; a 100 ns checkpoint is not a wait.
     */
    private static Tracer scripted() {
        Tracer tracer = new Tracer(10);
        Tracer.Point held = tracer.point("spin held x2", Mode.HELD);
        held.start(2);
        long t = 1_000_000;
        assertTrue(held.buffer(0).call(t, t + 10_000, t + 20_000, true));
        assertTrue(held.buffer(1).call(t + 10_000, t + 20_000, t + 20_100, true));
        Tracer.Point released = tracer.point("spin released x1", Mode.RELEASED);
        released.start(1);
        assertTrue(released.buffer(0).call(t + 30_000, t + 40_000, t + 40_050, true));
        assertFalse(released.buffer(0).call(t + 50_000, t + 60_000, t + 60_050, false), "window closed");
        return tracer;
    }

    @Test
    void exportParsesWithOneProcessPerPointAndTheRightSpans() throws Exception {
        Path file = dir.resolve("trace.json");
        scripted().write(file);
        JsonNode doc = Json.MAPPER.readTree(file.toFile());
        List<String> spans = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (JsonNode e : doc.get("traceEvents")) {
            String ph = e.get("ph").asText();
            if (ph.equals("X")) {
                spans.add(e.get("pid").asInt() + "/" + e.get("tid").asInt() + " " + e.get("name").asText() + " "
                        + e.get("ts").asDouble() + "+" + e.get("dur").asDouble());
            } else if (ph.equals("M") && e.get("name").asText().endsWith("_name")) {
                names.add(e.get("pid").asInt() + "/" + e.get("tid").asInt() + " " + e.get("args").get("name").asText());
            } else {
                assertEquals("M", ph);
            }
        }
        assertEquals(List.of(
                "1/1 held 0.0+10.0", "1/1 waiting 10.0+10.0",
                "1/2 held 10.0+10.0",
                "2/1 released 30.0+10.0"), spans);
        assertEquals(List.of("1/0 spin held x2", "1/1 thread 0", "1/2 thread 1", "2/0 spin released x1",
                "2/1 thread 0"), names);
        assertEquals("ns", doc.get("displayTimeUnit").asText());
    }

    @Test
    void gilLoadSplitsEachThreadsTime() {
        Tracer tracer = scripted();
        Tracer.Load held = Tracer.load(tracer.points().get(0));
        // Thread 0: 10 us held, 10 us waiting over 20 us; thread 1: 10.1 us held over 10.1 us.
        assertEquals(20.1 / 30.1, held.held(), 1e-9);
        assertEquals(0, held.released());
        assertEquals(10 / 30.1, held.waiting(), 1e-9);
        Tracer.Load released = Tracer.load(tracer.points().get(1));
        assertEquals(10 / 10.05, released.released(), 1e-9);
    }

    @Test
    void aFullBufferStopsRecording() {
        Tracer tracer = new Tracer(1);
        Tracer.Point p = tracer.point("x", Mode.HELD);
        p.start(1);
        assertTrue(p.buffer(0).call(1, 2, 3, true));
        assertFalse(p.buffer(0).call(4, 5, 6, true));
        p.finish();
        assertEquals(1, p.buffer(0).calls());
    }

    @Test
    void aRealRunRecordsEveryThread() throws Exception {
        Tracer tracer = new Tracer(1000);
        Tracer.Point p = tracer.point("spin 20 us released x2", Mode.RELEASED);
        Case c = Case.of(org.jgil.kernels.Kernels.byName("spin"), 0, 20, 42);
        Trial trial = PointRunner.run(c, Mode.RELEASED, 2, PointRunner.Warmup.upTo(java.time.Duration.ofMillis(20)),
                java.time.Duration.ofMillis(30), p);
        p.finish();
        assertEquals(0, trial.overlaps());
        assertEquals(2, p.threads());
        for (int t = 0; t < 2; t++) {
            long[] times = p.buffer(t).times();
            assertTrue(times.length >= 3, "thread " + t + " recorded nothing");
            for (int i = 0; i + 2 < times.length; i += 3) {
                assertTrue(times[i] <= times[i + 1] && times[i + 1] <= times[i + 2]);
            }
        }
        String svg = Timeline.svg(tracer);
        assertTrue(svg.startsWith("<svg") && svg.contains("thread 1") && svg.contains("#1f77b4"), svg);
    }
}
