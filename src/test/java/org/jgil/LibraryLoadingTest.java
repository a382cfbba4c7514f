package org.jgil;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libjgil as a Maven or Gradle user gets it: from the plain jar, with no {@code java.library.path}
 * and no {@code -Djgil.library}, in child JVMs; and through class loaders, as servers and executors
 * load user code. The jar is made here from target/classes, which is what the jar plugin packs
 * (the build copies the library into it at process-classes).
 */
class LibraryLoadingTest {
    @TempDir
    static Path tmp;

    private static Path jar;
    private static Path slf4j;
    private static byte[] library;

    @BeforeAll
    static void packTheJar() throws IOException, URISyntaxException {
        Path classes = location(NativeLibrary.class);
        slf4j = location(org.slf4j.Logger.class);
        Path carried = classes.resolve(NativeLibrary.jarResource());
        assertTrue(Files.isRegularFile(carried), carried + " is missing: the build must copy libjgil into the jar");
        library = Files.readAllBytes(carried);
        jar = tmp.resolve("jgil.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString()));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    private static Path location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** A directory with just these classes of the test class path, for a child's class path. */
    private static Path only(String name, Class<?>... classes) throws IOException, URISyntaxException {
        Path dir = tmp.resolve(name);
        for (Class<?> c : classes) {
            String file = c.getName().replace('.', '/') + ".class";
            Path to = dir.resolve(file);
            Files.createDirectories(to.getParent());
            try (InputStream in = c.getClassLoader().getResourceAsStream(file)) {
                Files.copy(in, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    private record Child(int exitCode, String output) {}

    /** Runs {@code main} in a JVM with this class path and none of the parent's library settings. */
    private static Child run(Path cache, List<Path> classPath, String main, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(":", classPath.stream().map(Path::toString).toList()), main));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "child-", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) { // a hang guard, not a timing assertion
            p.destroyForcibly();
            throw new AssertionError("child JVM hung: " + Files.readString(out));
        }
        return new Child(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    private static Child runJarLoadingMain(Path cache) throws Exception {
        Child c = run(cache, List.of(jar, only("main", JarLoadingMain.class), slf4j), JarLoadingMain.class.getName());
        assertEquals(0, c.exitCode(), c.output());
        assertTrue(c.output().contains("held: true"), c.output());
        return c;
    }

    private static Path cached(Path cache) {
        return cache.resolve("jgil").resolve(LibraryCache.fileName(NativeLibrary.VERSION, library));
    }

    @Test
    void thePlainJarLoadsTheLibraryItCarries() throws Exception {
        Path cache = tmp.resolve("cache-plain");
        Child c = runJarLoadingMain(cache);
        Path file = cached(cache);
        assertTrue(c.output().contains("origin: the class path (" + NativeLibrary.jarResource() + "), cached as "
                + file), c.output());
        assertArrayEquals(library, Files.readAllBytes(file));
    }

    @Test
    void aSecondStartReusesTheCachedLibraryAndACorruptedOneIsReplaced() throws Exception {
        Path cache = tmp.resolve("cache-reuse");
        runJarLoadingMain(cache);
        Path file = cached(cache);
        Object inode = Files.getAttribute(file, "unix:ino");

        runJarLoadingMain(cache);
        assertEquals(inode, Files.getAttribute(file, "unix:ino"), "the second start wrote the library again");

        byte[] corrupted = library.clone();
        corrupted[corrupted.length / 2] ^= 0x55;
        Files.write(file, corrupted);
        runJarLoadingMain(cache);
        assertArrayEquals(library, Files.readAllBytes(file));
        assertNotEquals(inode, Files.getAttribute(file, "unix:ino"), "replaced by a rename, not rewritten in place");
    }

    @Test
    void classLoadersThatShareJgilShareOneLockAndASecondCopyIsRefusedWithAnExplanation() throws Exception {
        Path cache = tmp.resolve("cache-loaders");
        Path applications = only("applications", ClassLoadersMain.Application.class);
        Path lib = tmp.resolve("libjgil-copy.so");
        Files.write(lib, library);
        Child c = run(cache, List.of(only("loaders-main", ClassLoadersMain.class)), ClassLoadersMain.class.getName(),
                jar.toString(), slf4j.toString(), applications.toString(), lib.toString());
        assertEquals(0, c.exitCode(), c.output());
        String out = c.output();
        assertTrue(out.contains("shared: one lock"), out);
        assertTrue(out.contains("shared: still works"), out);

        String sibling = line(out, "sibling: ");
        assertTrue(sibling.contains("in class loader 'sibling'"), sibling);
        assertTrue(sibling.contains("already loaded in another classloader"), sibling);
        assertTrue(sibling.contains("A process has one GIL"), sibling);
        assertTrue(sibling.contains("Load jgil once per JVM"), sibling);

        String copy = line(out, "copy: ");
        assertTrue(copy.contains("in class loader 'third'"), copy);
        assertTrue(copy.contains("already runs another copy of it, " + cached(cache)), copy);
        assertTrue(copy.contains("a second copy of the library would be a second, independent lock"), copy);
    }

    private static String line(String output, String prefix) {
        String found = output.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
        assertNotNull(found, "no line '" + prefix + "' in:\n" + output);
        return found;
    }

    @Test
    void anExplicitLibraryAndJavaLibraryPathStillComeBeforeTheJar() {
        // The build runs the tests with java.library.path set; a run may add -Djgil.library.
        Gil.isChecked();
        String explicit = System.getProperty("jgil.library");
        String expected = explicit != null ? "-Djgil.library=" + Path.of(explicit).toAbsolutePath()
                : "java.library.path (" + System.mapLibraryName("jgil-" + NativeLibrary.VERSION) + ")";
        assertEquals(expected, NativeLibrary.origin());
    }
}
