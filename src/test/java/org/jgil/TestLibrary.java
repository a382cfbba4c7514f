package org.jgil;

import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * Loads libjgiltest, the native half of the tests' probes ({@code native/test/jni}, built by Maven
 * for the tests into {@code target/test-native}): an extension like any other, which imports the
 * runtime from its {@code JNI_OnLoad}, so libjgil goes first. {@code -Djgil.test.library} names
 * another build of it (an ASan one, for {@link AsanJvmTest}).
 */
final class TestLibrary {
    static {
        GilRuntime.ensureLoaded();
        System.load(path().toString());
    }

    private TestLibrary() {}

    /** Runs the static initializer: every probe calls this first. */
    static void ensureLoaded() {
        // The static initializer is the work.
    }

    /** Where the library is: the property, else beside the test classes (child JVMs find it too). */
    static Path path() {
        String named = System.getProperty("jgil.test.library");
        if (named != null && !named.isEmpty()) {
            return Path.of(named).toAbsolutePath();
        }
        try {
            Path classes = Path.of(TestLibrary.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return classes.resolveSibling("test-native").resolve("libjgiltest.so");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
