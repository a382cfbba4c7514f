package org.jgil.ext;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * jgil's public headers (native/include: jgil.h and what it includes), which the jar carries under
 * {@code META-INF/jgil/include/}, extracted into the build cache once per content: the directory is
 * named after the version and a hash of the headers, and is written under a temporary name and
 * renamed into place, so a JVM never compiles against a half-written tree.
 */
final class BundledHeaders {
    static final String RESOURCE = "META-INF/jgil/include/";

    private static final Map<Path, Extracted> EXTRACTED = new ConcurrentHashMap<>();
    private static volatile Map<String, byte[]> files;

    /** The directory to pass with -I, and the hash of what it holds. */
    record Extracted(Path directory, String hash) {}

    private BundledHeaders() {}

    static Extracted extract(Path cache, String version) {
        return EXTRACTED.computeIfAbsent(cache, c -> {
            Map<String, byte[]> headers = files();
            String hash = Hashing.hex(Hashing.of(headers), 8);
            Path dir = c.resolve("include").resolve(version + "-" + hash);
            if (!Files.isDirectory(dir)) {
                try {
                    Files.createDirectories(dir.getParent());
                    Path temp = Files.createTempDirectory(dir.getParent(), ".tmp-");
                    for (Map.Entry<String, byte[]> e : headers.entrySet()) {
                        Path file = temp.resolve(e.getKey());
                        Files.createDirectories(file.getParent());
                        Files.write(file, e.getValue());
                    }
                    Cache.publish(temp, dir);
                } catch (IOException e) {
                    throw new NativeBuildException("cannot extract jgil's headers into " + dir + ": " + e, e);
                }
            }
            return new Extracted(dir, hash);
        });
    }

    /** The headers by relative path, read once from the class path. */
    static Map<String, byte[]> files() {
        Map<String, byte[]> f = files;
        if (f == null) {
            try {
                f = read();
            } catch (IOException | URISyntaxException e) {
                throw new NativeBuildException("cannot read jgil's headers from the class path (" + RESOURCE + "): "
                        + e, e);
            }
            files = f;
        }
        return f;
    }

    private static Map<String, byte[]> read() throws IOException, URISyntaxException {
        URL url = BundledHeaders.class.getClassLoader().getResource(RESOURCE + "jgil.h");
        if (url == null) {
            throw new NativeBuildException("jgil's headers are not on the class path (" + RESOURCE
                    + "jgil.h): the jgil jar carries them; classes of jgil built without their resources do not");
        }
        Map<String, byte[]> headers = new TreeMap<>();
        if (url.getProtocol().equals("file")) {
            Path root = Path.of(url.toURI()).getParent();
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                    headers.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
                }
            }
            return headers;
        }
        URLConnection connection = url.openConnection();
        if (!(connection instanceof JarURLConnection)) {
            throw new NativeBuildException("cannot list jgil's headers at " + url + ": neither a directory nor a jar");
        }
        connection.setUseCaches(false);
        try (JarFile jar = ((JarURLConnection) connection).getJarFile()) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (!e.isDirectory() && e.getName().startsWith(RESOURCE)) {
                    try (InputStream in = jar.getInputStream(e)) {
                        headers.put(e.getName().substring(RESOURCE.length()), in.readAllBytes());
                    }
                }
            }
        }
        return headers;
    }
}
