package org.jgil.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jgil.Extensions;
import org.jgil.Gil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Extensions#load(Class, String)} finds an extension where CMake, nar and a jar put it, binds
 * it to the owner's class loader (each test loads the owner in a class loader of its own, with a copy
 * of the library: JNI lets a file belong to one class loader), and explains a failure.
 */
class ExtensionsTest {
    static final String ONE = """
            package org.jgil.gentest;

            public final class One {
                private One() {}

                @org.jgil.ext.Calls("one_value")
                static native int value();
            }
            """;

    static final String ONE_C = """
            #include "One_jgil.h"

            int32_t one_value(void) { return 1; }
            """;

    @TempDir
    static Path dir;

    static Path classes;
    static Path library;

    @BeforeAll
    static void build() throws Exception {
        GlueFixture.Compiled c = GlueFixture.javac(dir, Map.of("org.jgil.gentest.One", ONE));
        assertTrue(c.ok(), c.diagnostics());
        classes = c.classes();
        Path gen = c.generated().resolve("org/jgil/gentest");
        library = GlueFixture.compile(dir.resolve("libone.so"), false,
                List.of(gen.resolve("One_jgil.c"), Files.writeString(dir.resolve("one.c"), ONE_C)), "-I" + gen);
    }

    private static Class<?> owner(URL... extra) throws Exception {
        URL[] urls = new URL[extra.length + 1];
        urls[0] = classes.toUri().toURL();
        System.arraycopy(extra, 0, urls, 1, extra.length);
        ClassLoader loader = new URLClassLoader(urls, ExtensionsTest.class.getClassLoader());
        return Class.forName("org.jgil.gentest.One", true, loader);
    }

    private static int value(Class<?> owner) throws Throwable {
        Gil.acquire();
        try {
            return (int) GlueFixture.invoke(owner, "value");
        } finally {
            Gil.release();
        }
    }

    private static Path copy(String name) throws Exception {
        Path d = Files.createTempDirectory(dir, "lib");
        return Files.copy(library, d.resolve(name));
    }

    private static String swap(String property, String value) {
        String old = System.getProperty(property);
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
        return old;
    }

    @Test
    void fromTheLibraryPathUnderNarsVersionedName() throws Throwable {
        Path file = copy("libone-0.1.0.so");
        Class<?> owner = owner();
        String old = swap("java.library.path", "/nonexistent:" + file.getParent());
        try {
            assertEquals(file, Extensions.load(owner, "one"));
        } finally {
            swap("java.library.path", old);
        }
        assertEquals(1, value(owner));
    }

    @Test
    void fromTheLibraryPathUnderCmakesPlainName() throws Throwable {
        Path file = copy("libone.so");
        Files.copy(library, file.getParent().resolve("libone-0.0.9.so")); // the plain name wins
        Class<?> owner = owner();
        String old = swap("java.library.path", file.getParent().toString());
        try {
            assertEquals(file, Extensions.load(owner, "one"));
        } finally {
            swap("java.library.path", old);
        }
        assertEquals(1, value(owner));
    }

    @Test
    void fromTheOwnersJarThroughTheCache() throws Throwable {
        Path res = Files.createTempDirectory(dir, "jar");
        Path inJar = res.resolve("META-INF/native/" + System.getProperty("os.name") + "-"
                + System.getProperty("os.arch") + "/libone.so");
        Files.createDirectories(inJar.getParent());
        Files.copy(library, inJar);
        Class<?> owner = owner(res.toUri().toURL());
        Path cache = Files.createTempDirectory(dir, "cache");
        String old = swap("jgil.tmpdir", cache.toString());
        String oldPath = swap("java.library.path", "");
        Path loaded;
        try {
            loaded = Extensions.load(owner, "one");
        } finally {
            swap("jgil.tmpdir", old);
            swap("java.library.path", oldPath);
        }
        assertEquals(cache, loaded.getParent(), "extracted into the cache");
        assertTrue(loaded.getFileName().toString().startsWith("libone-ext-"), loaded.toString());
        assertEquals(1, value(owner));
    }

    @Test
    void aMissingLibraryListsWhatWasTriedAndWhatToDo() throws Exception {
        Class<?> owner = owner();
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, () -> Extensions.load(owner, "nosuch"));
        String m = e.getMessage();
        assertTrue(m.startsWith("cannot load the jgil extension 'nosuch' for org.jgil.gentest.One. Tried:"), m);
        assertTrue(m.contains("-Dnosuch.library: not set"), m);
        assertTrue(m.contains("libnosuch.so or libnosuch-<version>.so in java.library.path"), m);
        assertTrue(m.contains("META-INF/native/"), m);
        assertTrue(m.contains("Pass -Dnosuch.library=FILE"), m);
    }

    @Test
    void aWrongExplicitPathIsAnErrorNotAReasonToLookFurther() throws Exception {
        Class<?> owner = owner();
        String old = swap("one.library", dir.resolve("missing.so").toString());
        try {
            UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, () -> Extensions.load(owner, "one"));
            assertTrue(e.getMessage().contains("missing.so"), e.getMessage());
        } finally {
            swap("one.library", old);
        }
        assertThrows(UnsatisfiedLinkError.class, () -> Extensions.load(dir.resolve("missing.so")));
        assertThrows(IllegalArgumentException.class, () -> Extensions.load(owner, "lib/one.so"));
    }

    @Test
    void loadByPathBindsToTheCaller() throws Exception {
        Path file = copy("libone.so");
        assertEquals(file, Extensions.load(file));
        // The library belongs to this test's class loader now: a second loader cannot have the file.
        Class<?> owner = owner();
        String old = swap("one.library", file.toString());
        try {
            UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, () -> Extensions.load(owner, "one"));
            assertTrue(e.getMessage().contains("another classloader"), e.getMessage());
        } finally {
            swap("one.library", old);
        }
    }
}
