package org.jgil;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and loads libjgil, in this order: the file named by {@code -Djgil.library}; then
 * {@code java.library.path} (the Maven build's name {@code jgil-<version>}, then plain
 * {@code jgil} as CMake builds it); then the copy the jar carries ({@code META-INF/native/}), or
 * one in a JNI NAR on the class path, extracted once per build into a per-user cache
 * ({@link LibraryCache}). {@link #origin()} says which one was used, and so does the debug log.
 *
 * <p>One process, one lock. JNI binds a native library to the class loader that loaded it, and the
 * lock lives in the library: a second class loader that loads jgil's classes itself (two web
 * applications that each carry the jar, say) cannot share the lock, and a second copy of the
 * library under another name would be a second, independent lock. Both are refused with an error
 * that says so; jgil belongs in a class loader that all of them share.
 */
final class NativeLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibrary.class);

    static final int ABI_VERSION = 1; // JGIL_ABI_VERSION in jgil/jgil_detail.h
    static final String VERSION;
    static final String AOL;

    private static volatile String origin = "not loaded";

    static {
        Properties p = new Properties();
        try (InputStream in = NativeLibrary.class.getResourceAsStream("jgil.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        VERSION = p.getProperty("version", "unknown");
        AOL = p.getProperty("aol", "amd64-Linux-gpp");
    }

    private NativeLibrary() {}

    static String origin() {
        return origin;
    }

    /**
     * Where the jar carries the library for the running platform: the build puts its own there, under
     * {@code META-INF/native/<os.name>-<os.arch>/}, as Maven names the build's platform.
     */
    static String jarResource() {
        return "META-INF/native/" + platform() + "/" + System.mapLibraryName("jgil-" + VERSION);
    }

    private static String platform() {
        return System.getProperty("os.name") + "-" + System.getProperty("os.arch");
    }

    static synchronized void load() {
        String explicit = System.getProperty("jgil.library");
        if (explicit != null && !explicit.isBlank()) {
            Path file = Path.of(explicit).toAbsolutePath();
            try {
                System.load(file.toString()); // a wrong path is the user's to see, unmasked
            } catch (UnsatisfiedLinkError e) {
                throw inAnotherClassLoader(e) ? oneLockPerProcess(e.getMessage(), e) : e;
            }
            loaded("-Djgil.library=" + file);
            return;
        }
        List<String> tried = new ArrayList<>();
        for (String name : new String[] {"jgil-" + VERSION, "jgil"}) {
            try {
                System.loadLibrary(name);
            } catch (UnsatisfiedLinkError e) {
                if (inAnotherClassLoader(e)) {
                    throw oneLockPerProcess(e.getMessage(), e);
                }
                tried.add(System.mapLibraryName(name) + " on java.library.path: " + e.getMessage());
                continue;
            }
            loaded("java.library.path (" + System.mapLibraryName(name) + ")");
            return;
        }
        String nar = "lib/" + AOL + "/jni/" + System.mapLibraryName("jgil-" + VERSION);
        boolean carried = false;
        for (String resource : new String[] {jarResource(), nar}) {
            byte[] content;
            try (InputStream in = NativeLibrary.class.getResourceAsStream("/" + resource)) {
                if (in == null) {
                    tried.add(resource + " on the class path: not found");
                    continue;
                }
                content = in.readAllBytes();
            } catch (IOException e) {
                tried.add(resource + " on the class path: " + e);
                continue;
            }
            carried = true;
            Path file = LibraryCache.extractAndLoad(content, LibraryCache.fileName(VERSION, content),
                    LibraryCache.directories(), NativeLibrary::loadFile, tried);
            if (file != null) {
                loaded("the class path (" + resource + "), cached as " + file);
                return;
            }
        }
        throw new UnsatisfiedLinkError("cannot load the jgil native library. Tried:\n  - "
                + String.join("\n  - ", tried) + "\n"
                + (carried ? "Where the cache directories cannot be written or are mounted noexec, pass"
                        + " -Djgil.tmpdir=DIR; or pass -Djgil.library=FILE."
                        : "The jgil jar carries libjgil for the platform it was built on (Linux-amd64 as"
                        + " released); this is " + platform() + ". Build libjgil ('mvn -B package', or CMake:"
                        + " docs/cmake.md) and pass -Djgil.library=FILE, as in -Djgil.library=target/nar/jgil-"
                        + VERSION + "-" + AOL + "-jni/lib/" + AOL + "/jni/" + System.mapLibraryName("jgil-" + VERSION)
                        + "."));
    }

    private static void loadFile(Path file) {
        try {
            System.load(file.toString());
        } catch (UnsatisfiedLinkError e) {
            // The explanation keeps the JDK's words, by which LibraryCache knows not to look further.
            throw inAnotherClassLoader(e) ? oneLockPerProcess(e.getMessage(), e) : e;
        }
    }

    /** True if the JDK refused the library because another class loader has loaded that file. */
    static boolean inAnotherClassLoader(UnsatisfiedLinkError e) {
        String message = e.getMessage();
        return message != null && message.contains("already loaded in another classloader");
    }

    private static void loaded(String from) {
        String other;
        try {
            other = otherCopy();
        } catch (UnsatisfiedLinkError e) {
            throw new UnsatisfiedLinkError("the library loaded from " + from + " belongs to another jgil build"
                    + " than these classes (" + VERSION + "): " + e.getMessage());
        }
        if (other != null) {
            throw oneLockPerProcess("this class loader loaded libjgil from " + from
                    + ", but the process already runs another copy of it, " + other, null);
        }
        origin = from;
        LOG.debug("jgil native library loaded from {}", from);
    }

    /** The file of another copy of libjgil loaded in this process, or null (jgil_library.c). */
    private static native String otherCopy();

    private static UnsatisfiedLinkError oneLockPerProcess(String what, Throwable cause) {
        ClassLoader mine = NativeLibrary.class.getClassLoader();
        String loader = mine == null ? "the boot class loader"
                : mine.getName() == null ? "class loader " + mine
                : "class loader '" + mine.getName() + "' (" + mine + ")";
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("jgil " + VERSION + " in " + loader
                + " cannot start: " + what + ". A process has one GIL, held by the first class loader that"
                + " loaded jgil; JNI lets a native library belong to one class loader only, and a second copy"
                + " of the library would be a second, independent lock. Load jgil once per JVM, from a class"
                + " loader that every user of it shares: the JVM's class path, or the server's or cluster's"
                + " shared library directory (Tomcat's lib/, Flink's lib/), not from each application's own"
                + " jar or WEB-INF/lib.");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }
}
