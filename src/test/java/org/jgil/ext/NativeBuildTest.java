package org.jgil.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jgil.Gil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiling C and C++ from the running JVM with the system's compiler, as an extension author does. */
class NativeBuildTest {
    private static final String SCALE = """
            package jit;

            public class Scale {
                public static native int times(int x);
            }
            """;

    /** A released section around the work, as any jgil kernel has. */
    private static String scaleC(int factor) {
        return """
                #include <jgil.h>

                JNIEXPORT jint JNICALL Java_jit_Scale_times(JNIEnv *env, jclass cls, jint x)
                {
                    jint r = 0;
                    JGIL_BEGIN_ALLOW_THREADS
                    r = x * FACTOR;
                    JGIL_END_ALLOW_THREADS
                    return r;
                }
                """.replace("FACTOR", Integer.toString(factor));
    }

    @TempDir
    Path temp;

    private NativeBuild scale(String c) {
        return NativeBuild.of(SCALE).source("scale.c", c).cacheDirectory(temp.resolve("cache"));
    }

    private static Object call(Class<?> type, String name, Object... args) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name)) {
                return Gil.call(() -> {
                    try {
                        return m.invoke(null, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause()
                                : new IllegalStateException(e.getCause());
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
        }
        throw new AssertionError(type + " has no method " + name);
    }

    @Test
    void compilesLoadsAndCalls() {
        Class<?> type = scale(scaleC(2)).load();
        assertEquals("jit.Scale", type.getName());
        assertTrue(type.getClassLoader() instanceof BuildClassLoader, String.valueOf(type.getClassLoader()));
        assertEquals(42, call(type, "times", 21));
    }

    /** A comment naming what the build adds kept it from adding it: the link failed, or calls did. */
    @Test
    void aCommentNamingJniOnLoadDoesNotStopTheBuildAddingIt() {
        String c = "/* no JNI_OnLoad, no JGIL_DEFINE_API: the build adds them */\n"
                + "// JNI_OnLoad(vm, reserved) is not ours\n" + scaleC(4);
        assertEquals(12, call(scale(c).load(), "times", 3));
    }

    @Test
    void anEditLoadsANewBuildBesideTheOld() throws IOException {
        Path c = temp.resolve("scale.c");
        Files.writeString(c, scaleC(2));
        NativeBuild build = NativeBuild.of(SCALE).source(c).cacheDirectory(temp.resolve("cache"));
        Class<?> first = build.load();
        assertEquals(10, call(first, "times", 5));

        Files.writeString(c, scaleC(3));
        int javac = Declaration.javacRuns();
        Class<?> second = build.load();
        assertEquals(javac, Declaration.javacRuns(), "the declaration did not change: javac does not run again");
        assertNotSame(first, second);
        assertNotSame(first.getClassLoader(), second.getClassLoader());
        assertEquals(15, call(second, "times", 5));
        assertEquals(10, call(first, "times", 5), "the old class keeps its own build");
    }

    @Test
    void aCachedBuildRunsNoCompiler() throws IOException {
        String c = scaleC(5) + "/* cache test */\n";
        int cc = Toolchain.runs();
        int javac = Declaration.javacRuns();
        Class<?> first = scale(c).load();
        assertEquals(cc + 1, Toolchain.runs());
        assertEquals(javac + 1, Declaration.javacRuns());
        assertSame(first, scale(c).load(), "the same build, loaded again in this JVM");

        // Another cache directory with the same entries: what a second JVM finds.
        Path copy = temp.resolve("copy");
        copyTree(temp.resolve("cache"), copy);
        Class<?> again = NativeBuild.of(SCALE).source("scale.c", c).cacheDirectory(copy).load();
        assertNotSame(first, again);
        assertEquals(35, call(again, "times", 7));
        assertEquals(cc + 1, Toolchain.runs(), "no C compiler ran for a cached build");
        assertEquals(javac + 1, Declaration.javacRuns(), "nor javac");
    }

    @Test
    void aBuildAnotherJvmFinishedFirstIsKept() throws IOException {
        Path root = Cache.open(temp.resolve("race"));
        Path entry = Files.createDirectory(root.resolve("Scale-0123"));
        Files.writeString(entry.resolve("libScale.so"), "first");
        Path late = Files.createTempDirectory(root, ".tmp-");
        Files.writeString(late.resolve("libScale.so"), "second");
        Cache.publish(late, entry);
        assertEquals("first", Files.readString(entry.resolve("libScale.so")));
        assertFalse(Files.exists(late));
    }

    @Test
    void aCacheOthersMayWriteToIsRefused() throws IOException {
        Path open = Files.createDirectory(temp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        NativeBuildException e = assertThrows(NativeBuildException.class,
                () -> NativeBuild.of(SCALE).source("scale.c", scaleC(2)).cacheDirectory(open).load());
        assertTrue(e.getMessage().contains("others may write to it"), e.getMessage());
        assertTrue(e.getMessage().contains("-Djgil.build.cache"), e.getMessage());
    }

    @Test
    void aCompilerErrorNamesItsFileAndLine() {
        String broken = "#include <jgil.h>\n\nint broken(void) { return undeclared_name; }\n";
        NativeBuildException e = assertThrows(NativeBuildException.class,
                () -> scale(broken).load());
        assertEquals("scale.c", e.file());
        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith("scale.c:3: error: "), e.getMessage());
        assertTrue(e.getMessage().contains("undeclared_name"), e.getMessage());
        assertTrue(e.getMessage().contains("int broken(void) { return undeclared_name; }"), e.getMessage());
        assertTrue(e.compilerOutput().contains("error"), e.compilerOutput());
    }

    @Test
    void aJavacErrorNamesItsLine() {
        String broken = "package jit;\n\npublic class Scale {\n    public static native int times(int x)\n}\n";
        NativeBuildException e = assertThrows(NativeBuildException.class,
                () -> NativeBuild.of(broken).source("scale.c", scaleC(2)).cacheDirectory(temp.resolve("c")).load());
        assertEquals("jit/Scale.java", e.file());
        assertEquals(4, e.line());
        assertTrue(e.getMessage().contains("public static native int times(int x)"), e.getMessage());
    }

    @Test
    void aLibraryThatDoesNotLoadSaysWhy() {
        String c = "int defined_nowhere(int);\nint f(int x) { return defined_nowhere(x); }\n";
        NativeBuildException e = assertThrows(NativeBuildException.class, () -> scale(c).load());
        assertTrue(e.getMessage().contains("undefined symbol: defined_nowhere"), e.getMessage());
        assertTrue(e.getMessage().contains("misspelt"), e.getMessage());
    }

    @Test
    void aMissingCompilerSaysWhatToDo() {
        NativeBuildException e = assertThrows(NativeBuildException.class,
                () -> scale(scaleC(2)).compiler("no-such-compiler-for-jgil").load());
        assertTrue(e.getMessage().contains("'no-such-compiler-for-jgil'"), e.getMessage());
        assertTrue(e.getMessage().contains("is not on PATH"), e.getMessage());
        assertTrue(e.getMessage().contains("install gcc or clang"), e.getMessage());
        assertNull(Toolchain.onPath("cc", ""));
        assertNull(Toolchain.onPath("cc", null));
    }

    /** What JShell does with a build: a typed call site through an interface the declaration does not know. */
    public interface Times {
        int times(int x);
    }

    @Test
    void anInterfaceGivesATypedCallSite() {
        Times t = scale(scaleC(4)).load(Times.class);
        assertEquals(8, (int) Gil.call(() -> t.times(2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> scale(scaleC(4)).load(Runnable.class));
        assertTrue(e.getMessage().contains("run()"), e.getMessage());
    }

    @Test
    void cxxSourcesUseTheCxxHeader() {
        String cpp = """
                #include <jgil.hpp>
                #include <stdexcept>

                extern "C" JNIEXPORT jint JNICALL Java_jit_Scale_times(JNIEnv *env, jclass, jint x)
                {
                    return jgil::call_released(env, [&] {
                        if (x < 0)
                            throw std::invalid_argument("negative");
                        return x * 6;
                    });
                }
                """;
        Class<?> type = NativeBuild.of(SCALE).source("scale.cpp", cpp).cacheDirectory(temp.resolve("cache")).load();
        assertEquals(42, call(type, "times", 7));
        assertThrows(IllegalArgumentException.class, () -> call(type, "times", -1));
    }

    @Test
    void aCallsDeclarationNeedsOnlyThePlainFunction() {
        String declaration = """
                package jit;

                import org.jgil.ext.Calls;

                public class Vec {
                    @Calls(value = "vec_dot", args = "a, b, a.length", check = "a.length == b.length")
                    public static native double dot(double[] a, double[] b);
                }
                """;
        String c = """
                #include "Vec_jgil.h"

                double vec_dot(const double *a, const double *b, size_t n)
                {
                    double s = 0;
                    for (size_t i = 0; i < n; i++)
                        s += a[i] * b[i];
                    return s;
                }
                """;
        Class<?> type = NativeBuild.of(declaration).source("vec.c", c).cacheDirectory(temp.resolve("cache")).load();
        assertEquals(32.0, call(type, "dot", new double[] {1, 2, 3}, new double[] {4, 5, 6}));
        assertThrows(IllegalArgumentException.class, () -> call(type, "dot", new double[] {1}, new double[] {1, 2}));
        assertThrows(NullPointerException.class, () -> call(type, "dot", null, new double[] {1}));
    }

    /** A declaration given as a class: its bytes are defined anew for the build. */
    static final class Twice {
        static native int twice(int x);
    }

    @Test
    void anExistingClassIsDefinedAnew() {
        String c = """
                #include <jni.h>

                JNIEXPORT jint JNICALL Java_org_jgil_ext_NativeBuildTest_00024Twice_twice(JNIEnv *env, jclass c,
                                                                                         jint x)
                {
                    return 2 * x;
                }
                """;
        Class<?> type = NativeBuild.of(Twice.class).source("twice.c", c).cacheDirectory(temp.resolve("cache")).load();
        assertNotSame(Twice.class, type);
        assertEquals(Twice.class.getName(), type.getName());
        Object r = Gil.call(() -> {
            try {
                Method m = type.getDeclaredMethod("twice", int.class);
                m.setAccessible(true);
                return m.invoke(null, 21);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(42, r);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.naturalOrder())::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
