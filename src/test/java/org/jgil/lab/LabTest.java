package org.jgil.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.jgil.Gil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The qualitative results of the GIL experiments that must hold on any machine. */
@Timeout(180)
class LabTest {
    @AfterEach
    void restore() {
        Gil.setPolicy("cpython");
        Gil.setSwitchInterval(Duration.ofMillis(5));
    }

    @Test
    void plusEqualsLosesUpdatesOnlyWhenACheckpointSplitsItOrThereIsNoLock() throws Exception {
        Gil.setSwitchInterval(Duration.ofMillis(1)); // many switches in a short run
        PlusEquals.Result r = PlusEquals.run(4, 5_000_000);
        // Without a lock, updates are lost only while two threads run at once: on a busy machine
        // the OS may run them one at a time for a whole run. A few runs give the race its chance.
        for (int retry = 0; retry < 4 && r.lostNoGil() == 0; retry++) {
            r = PlusEquals.run(4, 5_000_000);
        }
        assertEquals(20_000_000, r.expected());
        assertEquals(0, r.lostAtomicStep(), "an increment with no checkpoint inside lost updates: " + r);
        assertTrue(r.lostCheckpointInside() > 0, "a checkpoint between read and write lost nothing: " + r);
        assertTrue(r.lostNoGil() > 0, "no lock at all lost nothing: " + r);
        assertEquals("cpython", Gil.policy(), "the experiment must restore the policy");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpython", "legacy", "fifo", "io-priority"})
    void managedSectionsNeverOverlapWhileReleasedNativeCallsDo(String policy) throws Exception {
        Gil.setPolicy(policy);
        Serial.Result r = Serial.run(4, Duration.ofMillis(400));
        assertTrue(r.sections() > 0);
        assertEquals(1, r.maxManagedAtOnce(), "managed sections overlapped: " + r);
        assertTrue(r.maxNativeAtOnce() >= 2, "released native calls never overlapped: " + r);
    }

    @Test
    void legacyShowsTheWokenWaiterFindingTheLockRetaken() throws Exception {
        Gil.setPolicy("legacy");
        // A race the releaser wins almost always on an idle machine, and that a busy one (fewer
        // wake-ups in a window) may not show in one second: up to five seconds of chances.
        Inversion.Result legacy = Inversion.run(Duration.ofSeconds(1));
        for (int round = 1; round < 5 && legacy.wakeupsFoundTaken() == 0; round++) {
            legacy = Inversion.run(Duration.ofSeconds(1));
        }
        assertTrue(legacy.wakeups() > 0 && legacy.wakeupsFoundTaken() > 0, "no re-takes under legacy: " + legacy);
        Gil.setPolicy("fifo");
        Inversion.Result fifo = Inversion.run(Duration.ofMillis(300));
        assertEquals(0, fifo.wakeupsFoundTaken(), "a direct handoff cannot be re-taken: " + fifo);
    }

    @Test
    void convoyMeasuresEveryIoKind() throws Exception {
        Convoy.Result r = Convoy.run(Duration.ofMillis(200), List.of(Convoy.IoKind.SLEEP, Convoy.IoKind.SOCKET));
        assertEquals(2, r.io().size());
        for (Convoy.IoResult io : r.io()) {
            assertTrue(io.opsAlone() > 0 && io.opsWithCpu() > 0, io.toString());
            assertTrue(io.ioAloneMicros().p50() >= 1, io.toString()); // a real wait happened
            assertTrue(io.cpuThroughputRatio() > 0, io.toString());
        }
    }
}
