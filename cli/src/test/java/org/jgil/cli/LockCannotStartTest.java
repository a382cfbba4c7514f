package org.jgil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A libjgil that cannot load is one line that says what to do, and exit status 1, for every
 * command that runs the lock. Each case runs in a JVM of its own: this one has the lock started.
 * Before, {@code overhead} waited forever for a handoff thread that had died, and the others
 * printed a stack trace from a worker thread.
 */
class LockCannotStartTest {
    @ParameterizedTest
    @ValueSource(strings = {"overhead --quick --handoffs 10", "bench --kernel spin --work-us 10 --threads 1",
        "lab serial --duration-s 0.1", "lab one-big-lock --duration-s 0.1"})
    void oneLineSaysWhatToDo(String command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djgil.library=/nonexistent/libjgil.so", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(command.split(" ")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.descendants().forEach(ProcessHandle::destroyForcibly); // JMH's forks hold the output open
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(exited, "jgil " + command + " did not end:\n" + out);
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("the lock cannot start: ") && out.contains("-Djgil.library=/nonexistent/libjgil.so"
                + " must name libjgil itself"), out);
        assertFalse(out.contains("\tat "), "no stack trace:\n" + out);
    }
}
