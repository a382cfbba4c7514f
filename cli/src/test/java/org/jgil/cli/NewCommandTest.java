package org.jgil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class NewCommandTest {
    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void everyVariantGivesACompleteProject(@TempDir Path tmp) throws IOException {
        // lang, glue (null: the default), build
        for (String[] v : List.of(new String[] {"c", null}, new String[] {"c", "jni"}, new String[] {"cxx", null})) {
            for (String build : List.of("maven", "cmake", "both")) {
                String lang = v[0];
                boolean generated = lang.equals("c") && v[1] == null;
                Path dir = tmp.resolve(lang + "-" + v[1] + "-" + build);
                List<String> args = new ArrayList<>(List.of("new", "vec-ops", "--lang", lang,
                        "--build", build, "--dir", dir.toString()));
                if (v[1] != null) {
                    args.addAll(List.of("--glue", v[1]));
                }
                StringWriter err = new StringWriter();
                assertEquals(0, run(new StringWriter(), err, args.toArray(new String[0])), err.toString());
                String ext = lang.equals("c") ? "c/vec-ops.c" : "cpp/vec-ops.cpp";
                assertTrue(Files.exists(dir.resolve("src/main/" + ext)));
                Path java = dir.resolve("src/main/java/org/example/vecops/VecOps.java");
                assertTrue(Files.exists(java));
                assertEquals(!build.equals("cmake"), Files.exists(dir.resolve("pom.xml")));
                assertEquals(!build.equals("cmake"),
                        Files.exists(dir.resolve("src/test/java/org/example/vecops/VecOpsTest.java")));
                assertEquals(!build.equals("maven"), Files.exists(dir.resolve("CMakeLists.txt")));
                for (Path f : files(dir)) {
                    String text = Files.readString(f);
                    assertFalse(text.contains("{{"), f + " keeps a template placeholder");
                }
                String kernel = Files.readString(dir.resolve("src/main/" + ext));
                assertEquals(!generated, kernel.contains("Java_org_example_vecops_VecOps_dot"), kernel);
                assertEquals(generated,
                        kernel.contains("double vec_ops_dot(const double *a, const double *b, size_t n)"), kernel);
                assertEquals(generated, Files.readString(java).contains("@Calls(value = \"vec_ops_dot\""));
                if (!build.equals("cmake")) {
                    assertEquals(generated, Files.readString(dir.resolve("pom.xml")).contains("GlueProcessor"));
                }
                String readme = Files.readString(dir.resolve("README.md"));
                assertEquals(!build.equals("maven"), readme.contains("## Build with CMake"));
                assertEquals(!build.equals("cmake"), readme.contains("## Build and test with Maven"));
            }
        }
    }

    @Test
    void generatedGlueIsForC(@TempDir Path tmp) {
        StringWriter err = new StringWriter();
        assertEquals(2, run(new StringWriter(), err, "new", "vec", "--lang", "cxx", "--glue", "generated",
                "--dir", tmp.resolve("x").toString()));
        assertTrue(err.toString().contains("--glue generated is for C kernels"), err.toString());
    }

    @Test
    void badNamesAndOccupiedFoldersAreRefused(@TempDir Path tmp) throws IOException {
        for (String name : List.of("VecOps", "1vec", "vec--ops", "vec.ops")) {
            StringWriter err = new StringWriter();
            assertEquals(2, run(new StringWriter(), err, "new", name, "--dir", tmp.resolve("x").toString()));
            assertTrue(err.toString().contains("is not valid"), err.toString());
        }
        StringWriter err = new StringWriter();
        assertEquals(2, run(new StringWriter(), err, "new", "vec", "--package", "org.example.int",
                "--dir", tmp.resolve("y").toString()));
        assertTrue(err.toString().contains("not a Java package name"), err.toString());
        Files.createDirectories(tmp.resolve("z"));
        Files.writeString(tmp.resolve("z/keep.txt"), "");
        err = new StringWriter();
        assertEquals(2, run(new StringWriter(), err, "new", "vec", "--dir", tmp.resolve("z").toString()));
        assertTrue(err.toString().contains("not empty"), err.toString());
    }

    @Test
    void namesBecomeJavaAndJniNames() {
        assertEquals("VecOps", NewCommand.className("vec-ops"));
        assertEquals("Myext2", NewCommand.className("myext2"));
        assertEquals("org_my_1ext_Foo", NewCommand.jniMangle("org.my_ext.Foo"));
    }

    @Test
    void sectionsAreKeptByTheirFlags() {
        String t = "a\n{{#maven}}\nm\n{{#cmake}}\nmc\n{{/cmake}}\n{{/maven}}\n{{#cmake}}\nc\n{{/cmake}}\nz\n";
        assertEquals("a\nm\nmc\nc\nz\n", NewCommand.sections(t, Set.of("maven", "cmake")));
        assertEquals("a\nm\nz\n", NewCommand.sections(t, Set.of("maven")));
        assertEquals("a\nc\nz\n", NewCommand.sections(t, Set.of("cmake")));
        assertThrows(IllegalStateException.class, () -> NewCommand.sections("{{#maven}}\nx\n", Set.of()));
    }

    /**
     * The written-out kernels compile without a warning, in both languages, against the headers of this
     * checkout (the generated glue's are built by NewProjectBuildTest).
     */
    @Test
    void theKernelsCompileCleanly(@TempDir Path tmp) throws Exception {
        Path include = Path.of("../native/include").toAbsolutePath().normalize();
        Path javaHome = Path.of(System.getProperty("java.home"));
        for (String lang : List.of("c", "cxx")) {
            Path dir = tmp.resolve(lang);
            assertEquals(0, run(new StringWriter(), new StringWriter(), "new", "kern", "--lang", lang,
                    "--glue", "jni", "--build", "maven", "--dir", dir.toString()));
            boolean cxx = lang.equals("cxx");
            Path src = dir.resolve(cxx ? "src/main/cpp/kern.cpp" : "src/main/c/kern.c");
            List<String> cmd = List.of(cxx ? "g++" : "gcc", cxx ? "-std=c++17" : "-std=gnu11", "-Wall", "-Wextra",
                    "-Werror", cxx ? "-Wunused-parameter" : "-Wno-unused-parameter", "-fPIC", "-O2", "-c",
                    "-I", include.toString(), "-I", javaHome.resolve("include").toString(),
                    "-I", javaHome.resolve("include/linux").toString(),
                    "-o", tmp.resolve(lang + ".o").toString(), src.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), src + " does not compile cleanly:\n" + out);
        }
    }

}
