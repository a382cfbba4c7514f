package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Shutdown: a JVM that exits while threads wait for the lock, sit in released kernels, or
 * loop on {@code jgil_ensure} from native threads neither hangs nor crashes; and a native thread
 * that calls {@code jgil_ensure} after shutdown began gets {@code JGIL_ENSURE_FAILED}, not a hang; and a
 * shutdown hook can take the GIL that the thread calling {@code System.exit} held.
 * Each case is a child JVM ({@link ShutdownMain}) that must end within the bound, with its own
 * exit code and no hs_err file.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShutdownTest {
    private static final Map<String, Integer> EXIT_CODES = Map.of("exit-held", 3, "exit-free", 4, "return", 0,
            "exit-held-hook", 5);

    @ParameterizedTest
    @ValueSource(strings = {"exit-held", "exit-free", "return", "exit-held-hook"})
    void theJvmEndsPromptlyWhateverTheThreadsAreDoing(String how) throws Exception {
        ChildJvm.Result r = ChildJvm.run(Duration.ofSeconds(60), List.of("-Xmx128m"), ShutdownMain.class, how);
        String out = r.output();
        System.out.println("[jgil] shutdown " + how + ": exit " + r.exitCode() + " after " + r.elapsed().toMillis()
                + " ms; " + out.lines().filter(l -> l.startsWith("shutdown:") || l.startsWith("running:")
                        || l.startsWith("ensure-loop:")).reduce((a, b) -> a + "; " + b).orElse("(no report)"));
        assertFalse(r.timedOut(), "the JVM did not exit within 60 s (hang at shutdown):\n" + JniCheckTest.tail(out));
        assertTrue(r.crashLogs().isEmpty(), "the JVM crashed at shutdown: " + r.crashLogs() + "\n"
                + JniCheckTest.tail(out));
        assertTrue(out.contains("running: ensure loop"), "the child never got going:\n" + JniCheckTest.tail(out));
        assertEquals(EXIT_CODES.get(how), r.exitCode(), JniCheckTest.tail(out));
        assertTrue(out.contains("ensure-loop: jgil_ensure failed"),
                "no native thread saw jgil_ensure fail once shutdown began:\n" + JniCheckTest.tail(out));
        if (how.equals("exit-held-hook")) {
            assertTrue(out.contains("hook: took the GIL"), "the shutdown hook never got the GIL that the thread "
                    + "calling System.exit held:\n" + JniCheckTest.tail(out));
        }
    }
}
