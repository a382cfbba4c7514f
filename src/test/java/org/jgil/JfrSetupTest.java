package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A process that never records pays nothing for jgil's JFR events: its first released section
 * used to make the process's first event, which sets JFR up (about 0.1 s); a released foreign call
 * paid it holding the lock, asking whether released sections were recorded. Once a recording
 * starts, released sections are events again. Seen in a fresh JVM's class loading log.
 */
@Timeout(120)
class JfrSetupTest {
    @Test
    void noEventClassLoadsUntilARecordingStarts() throws Exception {
        ChildJvm.Result r = ChildJvm.run(Duration.ofSeconds(60), List.of("-Xlog:class+load=info"), Main.class);
        String out = r.output();
        assertEquals(0, r.exitCode(), out);
        int started = out.indexOf("recording started");
        assertTrue(started > 0, out);
        String before = out.substring(0, started);
        assertFalse(before.contains("org.jgil.GilEvents$"), "an event class loaded before any recording:\n"
                + before.lines().filter(l -> l.contains("GilEvents")).reduce("", (a, b) -> a + b + "\n"));
        assertTrue(before.contains("jfr initialized: false"), out);
        assertTrue(out.contains("released events: 1"), "a recording sees released sections:\n"
                + out.lines().filter(l -> !l.startsWith("[")).reduce("", (a, b) -> a + b + "\n"));
    }

    /** Released sections and the FFM fast path's question without a recording, then one with. */
    public static final class Main {
        public static void main(String[] args) throws Exception {
            Gil.acquire();
            try (Released nogil = Gil.allowThreads()) {
                Thread.onSpinWait();
            }
            System.out.println("fast identity: " + (ForeignCalls.fastIdentity() != 0));
            Gil.release();
            System.out.println("jfr initialized: " + jdk.jfr.FlightRecorder.isInitialized());
            Path file = Files.createTempFile("jgil-jfr-setup-", ".jfr");
            try (Recording recording = new Recording()) {
                recording.enable("org.jgil.Released").withoutThreshold();
                recording.start();
                System.out.println("recording started");
                Gil.acquire();
                try (Released nogil = Gil.allowThreads()) {
                    Thread.onSpinWait();
                }
                System.out.println("fast identity while recorded: " + (ForeignCalls.fastIdentity() != 0));
                Gil.release();
                recording.stop();
                recording.dump(file);
                long events = RecordingFile.readAllEvents(file).stream()
                        .filter(e -> e.getEventType().getName().equals("org.jgil.Released")).count();
                System.out.println("released events: " + events);
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }
}
