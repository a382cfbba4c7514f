package org.jgil;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and loads libjgil, in this order: the file named by {@code -Djgil.library}; then
 * {@code java.library.path} (the Maven build's name {@code jgil-<version>}, then plain
 * {@code jgil} as CMake builds it); then a copy extracted from the JNI NAR on the class path.
 * {@link #origin()} says which one was used.
 */
final class NativeLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibrary.class);

    static final int ABI_VERSION = 1; // JGIL_ABI_VERSION in jgil.h
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

    static synchronized void load() {
        List<String> tried = new ArrayList<>();
        String explicit = System.getProperty("jgil.library");
        if (explicit != null && !explicit.isBlank()) {
            Path file = Path.of(explicit).toAbsolutePath();
            System.load(file.toString()); // a wrong path is the user's to see, unmasked
            loaded("-Djgil.library=" + file);
            return;
        }
        for (String name : new String[] {"jgil-" + VERSION, "jgil"}) {
            try {
                System.loadLibrary(name);
                loaded("java.library.path (" + System.mapLibraryName(name) + ")");
                return;
            } catch (UnsatisfiedLinkError e) {
                tried.add(System.mapLibraryName(name) + " on java.library.path: " + e.getMessage());
            }
        }
        String resource = "lib/" + AOL + "/jni/" + System.mapLibraryName("jgil-" + VERSION);
        try (InputStream in = NativeLibrary.class.getClassLoader().getResourceAsStream(resource)) {
            if (in != null) {
                Path copy = Files.createTempFile("libjgil-" + VERSION + "-", ".so");
                copy.toFile().deleteOnExit();
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                System.load(copy.toString());
                loaded("class path resource " + resource + ", extracted to " + copy);
                return;
            }
            tried.add("class path resource " + resource + ": not found");
        } catch (IOException e) {
            tried.add("class path resource " + resource + ": " + e);
        }
        throw new UnsatisfiedLinkError("cannot load the jgil native library. Tried:\n  - "
                + String.join("\n  - ", tried)
                + "\nBuild it with 'mvn -B package' and pass -Djgil.library=target/nar/jgil-" + VERSION
                + "-" + AOL + "-jni/lib/" + AOL + "/jni/" + System.mapLibraryName("jgil-" + VERSION)
                + ", or put the jni NAR on the class path.");
    }

    private static void loaded(String from) {
        origin = from;
        LOG.debug("jgil native library loaded from {}", from);
    }
}
