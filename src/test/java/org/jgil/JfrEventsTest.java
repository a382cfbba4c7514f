package org.jgil;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A contended acquire and a Java released section show up in a flight recording. */
@Timeout(60)
class JfrEventsTest {
    @Test
    void waitsAndReleasedSectionsAreRecorded(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gil.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("org.jgil.Wait").withThreshold(java.time.Duration.ZERO);
            recording.enable("org.jgil.Released").withThreshold(java.time.Duration.ZERO);
            recording.start();

            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch waiting = new CountDownLatch(1);
            Thread holder = new Thread(() -> Gil.run(() -> {
                holding.countDown();
                try {
                    waiting.await();
                    Thread.sleep(20); // let the waiter block for a while
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            holder.start();
            holding.await();
            waiting.countDown();
            Gil.run(() -> Gil.allowThreads(() -> { }));
            holder.join();

            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertTrue(Files.size(file) > 0);
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("org.jgil.Wait")
                && e.getString("policy").equals(Gil.policy())), "no org.jgil.Wait event in " + events);
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("org.jgil.Released")),
                "no org.jgil.Released event");
    }
}
