package org.jgil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.jgil.kernels.Kernels;
import org.jgil.kernels.Mode;
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

    @Test
    void bothBindingsAreTwoCasesOfOneRunAndAMethodHasNone() {
        assertEquals(2, run("bench", "--binding", "jni,ffm,cffi"));
        assertTrue(err.toString().contains("--binding takes jni, ffm or jni,ffm"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("bench", "--method", "java.lang.Math#abs", "--args", "1", "--binding", "ffm"));
        assertTrue(err.toString().contains("has no --binding"), err.toString());
        err.getBuffer().setLength(0);
        // Here the second binding cannot run: said in one line, like --binding ffm alone.
        assertEquals(2, run("bench", "--binding", "jni,ffm", "--threads", "1", "--duration-s", "0.05"));
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
    }

    /** Two cases measured in one grid: their speed-ups side by side, and the difference. */
    @Test
    void theDifferenceOfTwoBindingsSpeedUps() throws InterruptedException {
        Case c = Case.of(Kernels.byName("sum"), 64, 0, 42);
        Case jni = new Case(c.kernel(), c.params(), c.label() + " jni", c.cpuBound());
        Case other = new Case(c.kernel(), c.params(), c.label() + " ffm", c.cpuBound());
        Results results = Grid.run(List.of(jni, other), List.of(Mode.RELEASED), List.of(1, 2),
                Grid.Plan.of(1, 0.05, 0, null), new PrintWriter(new StringWriter()));
        StringWriter text = new StringWriter();
        BenchCommand.printBindingDifference(results, jni, other, new PrintWriter(text, true));
        List<String> lines = text.toString().lines().toList();
        assertTrue(lines.get(1).contains("speed-up jni") && lines.get(1).contains("ffm - jni"), text.toString());
        assertEquals(4, lines.size(), text.toString()); // title, header, rule, the one 2-thread row
        assertTrue(lines.get(3).matches("released\\s+2\\s+.*[+-]\\d\\.\\d{3}\\s*"), text.toString());
    }
}
