package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JNI test classes of {@link JniCheckTest} run again in a real JVM whose libjgil and libjgiltest
 * are built with AddressSanitizer and UBSan (the CMake build {@code -DJGIL_SANITIZE=address,undefined}
 * in {@code target/native-test/address}, made by native/test/run-native-tests.sh before the Java
 * tests), libasan preloaded. Any ASan or UBSan report fails it. Skipped, with a message, where that
 * build is missing (no cmake).
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AsanJvmTest {
    @Test
    void jniTestsRunCleanWithAnAsanBuildOfTheLibrary() throws Exception {
        Path build = Path.of("target", "native-test", "address").toAbsolutePath();
        Path lib = build.resolve("libjgil.so");
        Path testLib = build.resolve(Path.of("native", "test", "libjgiltest.so"));
        Path preload = build.resolve("asan-preload.txt");
        Assumptions.assumeTrue(
                Files.isRegularFile(lib) && Files.isRegularFile(testLib) && Files.isRegularFile(preload),
                "no ASan build of libjgil at " + lib + " (native/test/run-native-tests.sh makes it; needs cmake)");
        String libasan = Files.readString(preload).trim();
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(libasan)), "the ASan runtime " + libasan + " is missing");
        ChildJvm.Result r = ChildJvm.run(Duration.ofMinutes(8),
                Map.of("LD_PRELOAD", libasan,
                        // The JVM uses SIGSEGV itself and never frees much: leave both to it.
                        "ASAN_OPTIONS", "handle_segv=0:allow_user_segv_handler=1:detect_leaks=0:halt_on_error=1",
                        "UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1"),
                List.of("-Djgil.library=" + lib, "-Djgil.test.library=" + testLib, "-Xmx512m",
                        "-Djgil.stress.seconds=1", "-Djgil.stress.threads=16"),
                JniCheckMain.class, JniCheckTest.CLASSES.toArray(String[]::new));
        String out = r.output();
        String summary = out.lines().filter(l -> l.startsWith("jni-check summary")).findFirst().orElse("(no summary)");
        System.out.println("[jgil] ASan/UBSan build of libjgil in a JVM, " + JniCheckTest.CLASSES.size()
                + " test classes: " + summary + " in " + r.elapsed().toSeconds() + " s");
        assertFalse(r.timedOut(), JniCheckTest.tail(out));
        assertFalse(out.contains("ERROR: AddressSanitizer") || out.contains("runtime error:"),
                "ASan/UBSan reported:\n" + JniCheckTest.tail(out));
        assertTrue(r.crashLogs().isEmpty(), "crashed: " + r.crashLogs() + "\n" + JniCheckTest.tail(out));
        assertTrue(summary.contains(" 0 failed"), summary);
        assertEquals(0, r.exitCode(), JniCheckTest.tail(out));
    }
}
