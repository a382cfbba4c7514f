package org.jgil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.jgil.Gil;
import org.jgil.kernels.Mode;
import org.jgil.kernels.Workload;
import org.junit.jupiter.api.Test;

/** The user's own method as a kernel: found, its arguments converted, run held and released. */
class MethodKernelTest extends CommandLineHarness {
    private static Workload prepare(String method, String args) {
        return MethodKernel.of(method, args, null).prepare(Workload.Params.defaults());
    }

    @Test
    void heldKeepsTheLockAndReleasedGivesItUp() {
        Workload w = prepare("org.jgil.cli.UserMethods#heldLock", null);
        Gil.run(() -> {
            assertEquals(1.0, w.run(Mode.HELD));
            assertEquals(0.0, w.run(Mode.RELEASED));
            assertTrue(Gil.isHeldByCurrentThread(), "the lock is back after a released call");
        });
        assertThrows(IllegalArgumentException.class, () -> Gil.run(() -> w.run(Mode.JAVA)));
    }

    @Test
    void argumentsAreConvertedAndTheResultIsTheChecksum() {
        Workload w = prepare("org.jgil.cli.UserMethods#mix", "7, 100");
        double expected = UserMethods.mix(7, 100);
        assertEquals(expected, Gil.call(() -> w.run(Mode.HELD)));
        assertEquals(expected, Gil.call(() -> w.run(Mode.RELEASED)));
    }

    @Test
    void aStaticNativeMethodFromTheLibrary() {
        // A real static native method on the class path: the spin kernel's JNI entry, told not to release.
        Workload w = MethodKernel.of("org.jgil.kernels.KernelNative#spin", "1000,7,false", null)
                .prepare(Workload.Params.defaults());
        double held = Gil.call(() -> w.run(Mode.HELD));
        assertEquals(held, Gil.call(() -> w.run(Mode.RELEASED)));
    }

    @Test
    void badSpecificationsSayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MethodKernel.of("Foo", null, null))
                .getMessage().contains("Class#method"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MethodKernel.of("com.acme.Nope#bar", null, null))
                .getMessage().contains("--classpath"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> MethodKernel.of("org.jgil.cli.UserMethods#mix", "7,x", null)).getMessage()
                .contains("'x' is not a int"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> MethodKernel.of("org.jgil.cli.UserMethods#notStatic", "", null)).getMessage()
                .contains("not static"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> MethodKernel.of("org.jgil.cli.UserMethods#mix", "1", null)).getMessage().contains("taking 1"));
        assertThrows(IllegalArgumentException.class,
                () -> MethodKernel.of("org.jgil.cli.UserMethods#mix", "1,2", dir.resolve("missing.jar").toString()));
        Workload fails = prepare("org.jgil.cli.UserMethods#fails", null);
        assertEquals("the user's bug", assertThrows(IllegalStateException.class,
                () -> Gil.run(() -> fails.run(Mode.RELEASED))).getMessage());
    }

    @Test
    void benchMeasuresTheMethodHeldAndReleased() throws Exception {
        Path json = dir.resolve("m.json");
        assertEquals(0, run("bench", "--method", "org.jgil.cli.UserMethods#mix", "--args", "3,2000", "--threads", "1,2",
                "--trials", "2", "--duration-s", "0.03", "--warmup-s", "0.03", "--json", json.toString()),
                err.toString());
        JsonNode results = Json.MAPPER.readTree(json.toFile()).get("results");
        assertEquals(4, results.size());
        assertEquals("held", results.get(0).get("mode").asText());
        assertEquals("released", results.get(2).get("mode").asText());
        for (JsonNode r : results) {
            assertEquals("org.jgil.cli.UserMethods#mix(3,2000)", r.get("kernel").asText());
            assertTrue(r.get("calls_per_s").asDouble() > 0, r.toString());
            assertEquals(1, r.get("max_managed_at_once").asInt());
        }
        assertEquals(2, run("bench", "--method", "org.jgil.cli.UserMethods#mix", "--args", "3,2000", "--mode", "auto"));
        assertTrue(err.toString().contains("held and released only"), err.toString());
    }
}
