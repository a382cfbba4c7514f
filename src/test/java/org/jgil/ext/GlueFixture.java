package org.jgil.ext;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.jgil.Extensions;
import org.jgil.Gil;

/**
 * Runs {@link GlueProcessor} over declarations the way a build does: javac in-process on Java sources
 * written to a directory, the generated glue compiled with the system's gcc (or g++) against
 * {@code native/include} into a library, the classes loaded in a class loader of their own and the
 * library bound to it with {@link Extensions}.
 */
final class GlueFixture {
    /** jgil's headers, found from target/test-classes, so that a child JVM in another directory finds them. */
    static final Path INCLUDE = include();

    /** What javac left: its diagnostics, and where the classes and the generated sources went. */
    record Compiled(boolean ok, String diagnostics, Path classes, Path generated) {}

    private GlueFixture() {}

    private static Path include() {
        try {
            Path classes = Path.of(GlueFixture.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path include = classes.getParent().getParent().resolve("native").resolve("include");
            if (Files.isRegularFile(include.resolve("jgil_glue.h"))) {
                return include;
            }
        } catch (java.net.URISyntaxException | SecurityException e) {
            // fall back to the working directory, which is the project's when Maven runs the tests
        }
        return Path.of("native", "include").toAbsolutePath();
    }

    /** Compiles {@code sources} (class name to text) with the processor; {@code options} go to javac. */
    static Compiled javac(Path dir, Map<String, String> sources, String... options) throws IOException {
        Path src = dir.resolve("src");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path generated = Files.createDirectories(dir.resolve("generated"));
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, String> s : sources.entrySet()) {
            Path f = src.resolve(s.getKey().replace('.', '/') + ".java");
            Files.createDirectories(f.getParent());
            Files.writeString(f, s.getValue());
            files.add(f);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-s", generated.toString(),
                "-cp", System.getProperty("java.class.path"), "-processor", GlueProcessor.class.getName(),
                "-Xlint:all,-processing"));
        args.addAll(List.of(options));
        StringWriter out = new StringWriter();
        boolean ok;
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            ok = javac.getTask(out, fm, diagnostics, args, null, fm.getJavaFileObjectsFromPaths(files)).call();
        }
        StringBuilder text = new StringBuilder(out.toString());
        diagnostics.getDiagnostics().forEach(d -> text.append(d.getKind()).append(": ")
                .append(d.getMessage(null)).append('\n'));
        return new Compiled(ok, text.toString(), classes, generated);
    }

    /**
     * Compiles C (or, with {@code cxx}, everything as C++) into the shared library {@code out}, with
     * every warning an error; throws with the compiler's output if it fails.
     */
    static Path compile(Path out, boolean cxx, List<Path> sources, String... extra)
            throws IOException, InterruptedException {
        Path jdk = Path.of(System.getProperty("java.home"), "include");
        List<String> cmd = new ArrayList<>(List.of(cxx ? "g++" : "gcc", "-shared", "-fPIC", "-O1", "-g",
                "-fvisibility=hidden", "-Wall", "-Wextra", "-Werror", cxx ? "-std=c++17" : "-std=gnu11",
                "-I" + INCLUDE, "-I" + jdk, "-I" + jdk.resolve("linux")));
        cmd.addAll(List.of(extra));
        if (cxx) {
            cmd.addAll(List.of("-x", "c++"));
        }
        for (Path s : sources) {
            cmd.add(s.toString());
        }
        cmd.addAll(List.of("-o", out.toString(), "-lpthread"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + "\n" + output);
        }
        return out;
    }

    /**
     * Loads {@code className} from {@code classes} in a new class loader (whose parent sees jgil), and
     * binds the library {@code file} to it through {@code -D<name>.library}.
     */
    static Class<?> load(Path classes, String className, String name, Path file) throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                GlueFixture.class.getClassLoader());
        Class<?> owner = Class.forName(className, true, loader);
        String property = name + ".library";
        String old = System.getProperty(property);
        System.setProperty(property, file.toString());
        try {
            Extensions.load(owner, name);
        } finally {
            if (old == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, old);
            }
        }
        return owner;
    }

    /** Calls the static method {@code name} (the only one by that name), unwrapping what it throws. */
    static Object invoke(Class<?> owner, String name, Object... args) throws Throwable {
        for (Method m : owner.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                m.setAccessible(true);
                try {
                    return m.invoke(null, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
        throw new NoSuchMethodException(owner.getName() + "." + name);
    }

    /** {@link #invoke} holding the lock, as managed code calls a native method. */
    static Object invokeHolding(Class<?> owner, String name, Object... args) throws Throwable {
        Gil.acquire();
        try {
            return invoke(owner, name, args);
        } finally {
            Gil.release();
        }
    }
}
