package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.List;
import org.jgil.kernels.Mode;
import org.jgil.kernels.Synthetic;
import org.junit.jupiter.api.Test;

/**
 * A JVM that loads libjgil, takes the lock and runs a released kernel prints nothing of its own:
 * on JDK 22+ no restricted-method warning (native access is enabled as documented), on JDK 24+
 * no sun.misc.Unsafe warning. Run on JDK 25 by the build's second test run.
 */
class QuietStartTest {
    /** The child: everything a first use of jgil does, then a marker. */
    public static final class Main {
        public static void main(String[] args) {
            Gil.run(() -> Synthetic.spin(10, 1, Mode.RELEASED));
            System.out.println("quiet-start: done");
        }
    }

    @Test
    void aFirstUsePrintsNoWarning() throws Exception {
        ChildJvm.Result r = ChildJvm.run(Duration.ofSeconds(120), List.of(), Main.class);
        assertEquals(0, r.exitCode(), r.output());
        assertEquals("quiet-start: done", r.output().strip(), "the child printed more than its marker");
        assertFalse(r.output().contains("WARNING"), r.output());
    }
}
