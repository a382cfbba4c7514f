package org.jgil.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edit, recompile and call loop of docs/guide.md, typed into JShell (run in this JVM). The
 * JShell calls live in a nested class: nar's integration-test goal loads test classes in Maven's
 * own class loader, which does not see the jdk.jshell module.
 */
class NativeBuildJShellTest {
    @TempDir
    Path temp;

    @Test
    void editRecompileAndCallInJShell() throws IOException {
        Session.run(temp);
    }

    private static final class Session {
        private static String kernel(String expression) {
            return """
                    #include <jgil.h>

                    JNIEXPORT jdouble JNICALL Java_demo_Poly_eval(JNIEnv *env, jclass cls, jdouble x)
                    {
                        double r = 0;
                        JGIL_BEGIN_ALLOW_THREADS
                        r = EXPR;
                        JGIL_END_ALLOW_THREADS
                        return r;
                    }
                    """.replace("EXPR", expression);
        }

        private static String eval(JShell shell, String code, ByteArrayOutputStream out) {
            List<SnippetEvent> events = shell.eval(code);
            SnippetEvent last = events.get(events.size() - 1);
            String diagnostics = shell.diagnostics(last.snippet()).map(d -> d.getMessage(null)).toList().toString();
            if (last.exception() != null) {
                throw new AssertionError(code + " threw " + last.exception() + "\n" + out, last.exception());
            }
            assertEquals(Snippet.Status.VALID, last.status(), code + ": " + diagnostics + "\n" + out);
            return last.value();
        }

        static void run(Path temp) throws IOException {
            Path c = temp.resolve("poly.c");
            Files.writeString(c, kernel("x * x"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
            try (JShell shell = JShell.builder().executionEngine("local").out(print).err(print).build()) {
                shell.addToClasspath(System.getProperty("java.class.path"));
                eval(shell, "import org.jgil.Gil;", out);
                eval(shell, "import org.jgil.ext.NativeBuild;", out);
                eval(shell, "import java.nio.file.Path;", out);
                eval(shell, "interface Poly { double eval(double x); }", out);
                eval(shell, "var build = NativeBuild.of(\"package demo; public class Poly {"
                        + " public static native double eval(double x); }\").source(Path.of(\"" + c + "\"))"
                        + ".cacheDirectory(Path.of(\"" + temp.resolve("cache") + "\"));", out);
                eval(shell, "Poly p = build.load(Poly.class);", out);
                assertEquals("9.0", eval(shell, "Gil.call(() -> p.eval(3))", out));

                Files.writeString(c, kernel("x * x * x"));
                long start = System.nanoTime();
                eval(shell, "Poly q = build.load(Poly.class);", out);
                assertEquals("27.0", eval(shell, "Gil.call(() -> q.eval(3))", out));
                long millis = (System.nanoTime() - start) / 1_000_000;
                System.out.println("NativeBuildJShellTest: edit -> recompile -> call in " + millis + " ms");
                assertEquals("9.0", eval(shell, "Gil.call(() -> p.eval(3))", out), "the old build still runs");
                assertTrue(millis < 60_000, "took " + millis + " ms");
            }
        }
    }
}
