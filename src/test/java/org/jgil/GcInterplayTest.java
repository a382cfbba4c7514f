package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GC interplay: released kernels pin arrays (GetPrimitiveArrayCritical) on other threads
 * while a managed thread holding the GIL allocates hard in a 64 MB heap. The critical regions
 * hold the collector off; the allocating GIL holder waits for the collector. The kernels never wait
 * for the GIL inside a region, so this must neither deadlock nor end in a GCLocker
 * OutOfMemoryError. Runs in a child JVM (the heap size is its own), under two collectors.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GcInterplayTest {
    static final long SECONDS = Long.getLong("jgil.gc.seconds", 5);

    @ParameterizedTest
    @ValueSource(strings = {"-XX:+UseG1GC", "-XX:+UseSerialGC", "-XX:+UseParallelGC"})
    void allocationBesideReleasedCriticalKernelsNeitherDeadlocksNorRunsOutOfMemory(String gc) throws Exception {
        ChildJvm.Result r = ChildJvm.run(Duration.ofSeconds(SECONDS + 120), List.of("-Xmx64m", gc),
                GcInterplayMain.class, Long.toString(SECONDS), "3");
        String summary = r.output().lines().filter(l -> l.startsWith("gc-interplay:")).findFirst().orElse("(none)");
        System.out.println("[jgil] " + gc + " " + summary);
        assertFalse(r.timedOut(), "the child hung (deadlock?):\n" + JniCheckTest.tail(r.output()));
        assertTrue(r.crashLogs().isEmpty(), "the child crashed: " + r.crashLogs());
        assertFalse(r.output().contains("OutOfMemoryError"), JniCheckTest.tail(r.output()));
        assertEquals(0, r.exitCode(), JniCheckTest.tail(r.output()));
    }
}
