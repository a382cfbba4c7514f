package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tests that cross JNI run again in a child JVM under {@code -Xcheck:jni}, whose
 * output must hold no JNI warning ("WARNING in native method", e.g. a JNI call with an exception
 * pending, or a missing ExceptionCheck) and no fatal error. The classes run are those whose code
 * makes native calls: the lock's slow paths, native threads, the kernels, the stress run (short).
 */
@ExtendWith(ThreadDumps.class)
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JniCheckTest {
    static final List<String> CLASSES = List.of(
            "org.jgil.NativeThreadTest", "org.jgil.NativeOverlapTest", "org.jgil.EnsureTest", "org.jgil.MisuseTest",
            "org.jgil.CheckpointTest", "org.jgil.DeadOwnerTest", "org.jgil.PolicyTest",
            "org.jgil.kernels.KernelAgreementTest", "org.jgil.kernels.KernelArgumentTest",
            "org.jgil.kernels.KernelCancellationTest", "org.jgil.kernels.KernelConcurrencyTest",
            "org.jgil.CancellationTest", "org.jgil.KitTest", "org.jgil.StressTest");

    static final Pattern JNI_PROBLEM =
            Pattern.compile("(?m)^.*(WARNING in native method|WARNING: JNI|FATAL ERROR in native method).*$");

    @Test
    void jniTestsRunCleanUnderXcheckJni() throws Exception {
        ChildJvm.Result r = ChildJvm.run(Duration.ofMinutes(8),
                List.of("-Xcheck:jni", "-Xmx512m", "-Djgil.stress.seconds=1", "-Djgil.stress.threads=16"),
                JniCheckMain.class, CLASSES.toArray(String[]::new));
        String out = r.output();
        Matcher m = JNI_PROBLEM.matcher(out);
        List<String> problems = m.results().map(x -> x.group()).distinct().collect(Collectors.toList());
        if (!problems.isEmpty()) { // each warning is followed by the Java stack of the native method
            List<String> lines = out.lines().collect(Collectors.toList());
            for (int i = 0; i < lines.size(); i++) {
                if (JNI_PROBLEM.matcher(lines.get(i)).matches()) {
                    System.out.println(String.join("\n", lines.subList(i, Math.min(lines.size(), i + 12))));
                }
            }
        }
        String summary = out.lines().filter(l -> l.startsWith("jni-check summary")).findFirst().orElse("(no summary)");
        System.out.println("[jgil] -Xcheck:jni run of " + CLASSES.size() + " test classes: " + summary + " in "
                + r.elapsed().toSeconds() + " s; " + problems.size() + " JNI warning(s)");
        assertFalse(r.timedOut(), "the -Xcheck:jni run did not finish:\n" + tail(out));
        assertTrue(r.crashLogs().isEmpty(), "the JVM crashed under -Xcheck:jni: " + r.crashLogs() + "\n" + tail(out));
        assertTrue(problems.isEmpty(), "-Xcheck:jni reported:\n  " + String.join("\n  ", problems));
        assertEquals(0, r.exitCode(), "tests failed under -Xcheck:jni:\n" + tail(out));
        assertTrue(summary.contains(" 0 failed"), summary);
    }

    static String tail(String text) {
        List<String> lines = text.lines().collect(Collectors.toList());
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }
}
