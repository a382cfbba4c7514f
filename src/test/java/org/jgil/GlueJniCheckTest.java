package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tests of the generated JNI glue (org.jgil.ext) run again in a child JVM under
 * {@code -Xcheck:jni}, in checked mode: no JNI warning, no fatal error. Apart from
 * {@link JniCheckTest}'s classes because they compile C in their set-up, which the ASan run of those
 * classes would do with the sanitizer preloaded into the compiler.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GlueJniCheckTest {
    static final List<String> CLASSES = List.of("org.jgil.ext.GlueProcessorTest", "org.jgil.ext.GlueCxxTest",
            "org.jgil.ext.ExtensionsTest");

    @Test
    void generatedGlueRunsCleanUnderXcheckJni() throws Exception {
        ChildJvm.Result r = ChildJvm.run(Duration.ofMinutes(8), List.of("-Xcheck:jni", "-Djgil.checked=true"),
                JniCheckMain.class, CLASSES.toArray(String[]::new));
        String out = r.output();
        List<String> problems = JniCheckTest.JNI_PROBLEM.matcher(out).results().map(x -> x.group()).distinct()
                .collect(Collectors.toList());
        String summary = out.lines().filter(l -> l.startsWith("jni-check summary")).findFirst().orElse("(no summary)");
        assertFalse(r.timedOut(), "the -Xcheck:jni run did not finish:\n" + JniCheckTest.tail(out));
        assertTrue(r.crashLogs().isEmpty(), "crashed under -Xcheck:jni: " + r.crashLogs() + "\n"
                + JniCheckTest.tail(out));
        assertTrue(problems.isEmpty(), "-Xcheck:jni reported:\n  " + String.join("\n  ", problems));
        assertEquals(0, r.exitCode(), "tests failed under -Xcheck:jni:\n" + JniCheckTest.tail(out));
        assertTrue(summary.contains(" 0 failed"), summary);
    }
}
