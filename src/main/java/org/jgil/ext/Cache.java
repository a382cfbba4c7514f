package org.jgil.ext;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The per-user build cache: {@code -Djgil.build.cache=DIR}, else {@code $XDG_CACHE_HOME/jgil/build},
 * else {@code ~/.cache/jgil/build}. Only a directory of this user's that nobody else can write to
 * is used: whoever could replace a cached library could run code in every JVM that loads it.
 * Entries are complete directories renamed into place, so two JVMs that build the same thing at
 * once both succeed, and the second one's copy is dropped.
 */
final class Cache {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private Cache() {}

    static Path defaultRoot() {
        String explicit = System.getProperty("jgil.build.cache");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath();
        }
        Path xdg = absolute(System.getenv("XDG_CACHE_HOME"));
        if (xdg != null) {
            return xdg.resolve("jgil").resolve("build");
        }
        Path home = absolute(System.getProperty("user.home"));
        if (home == null) {
            throw new NativeBuildException("no directory for the build cache: user.home is not set; pass"
                    + " -Djgil.build.cache=DIR or NativeBuild.cacheDirectory(DIR)");
        }
        return home.resolve(".cache").resolve("jgil").resolve("build");
    }

    private static Path absolute(String path) {
        try {
            return path == null || path.isBlank() || !Path.of(path).isAbsolute() ? null : Path.of(path);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** Creates {@code root} if needed and refuses it if another user owns it or others may write to it. */
    static Path open(Path root) {
        try {
            Files.createDirectories(root, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Object owner = Files.getAttribute(root, "unix:uid");
            Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (!owner.equals(self)) {
                throw new AccessDeniedException(root.toString(), null,
                        "owned by uid " + owner + ", not by this process's uid " + self);
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(root);
            if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new AccessDeniedException(root.toString(), null,
                        "others may write to it (" + PosixFilePermissions.toString(perms) + ")");
            }
            return root;
        } catch (IOException | UnsupportedOperationException e) {
            throw new NativeBuildException("cannot use " + root + " as the build cache: " + e
                    + ". Pass -Djgil.build.cache=DIR or NativeBuild.cacheDirectory(DIR) to use another.", e);
        }
    }

    /** Renames the finished {@code temp} to {@code entry}; if another JVM got there first, drops {@code temp}. */
    static void publish(Path temp, Path entry) throws IOException {
        try {
            Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileSystemException e) {
            if (!Files.isDirectory(entry)) {
                throw e;
            }
            deleteTree(temp);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A leftover temporary directory is harmless: its name starts with a dot and nothing reads it.
        }
    }
}
