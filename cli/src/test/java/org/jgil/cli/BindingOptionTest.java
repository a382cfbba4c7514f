package org.jgil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** bench --binding: jni runs, ffm says in one line what it needs where it cannot run. */
class BindingOptionTest extends CommandLineHarness {
    @Test
    void jniIsTheDefaultAndRuns() {
        assertEquals(0, run("bench", "--kernel", "sum", "--size", "64", "--threads", "1", "--mode", "held",
                "--binding", "jni", "--duration-s", "0.05", "--warmup-s", "0"), err.toString());
    }

    @Test
    void unknownBindingsAndAMissingFfmPartAreOneLineErrors() {
        assertEquals(2, run("bench", "--binding", "cffi"));
        assertTrue(err.toString().contains("--binding cffi is unknown; valid: jni, ffm"), err.toString());
        err.getBuffer().setLength(0);
        // This test's class path has no jgil-ffm; on JDK 17 the JDK itself is what is missing.
        assertEquals(2, run("bench", "--binding", "ffm", "--threads", "1", "--duration-s", "0.05"));
        String expected = Runtime.version().feature() < 22 ? "needs JDK 22 or later" : "needs jgil-ffm";
        assertTrue(err.toString().contains(expected), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
    }
}
