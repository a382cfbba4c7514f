package org.jgil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-user directory that libjgil is extracted to from the jar, once per build: the file is
 * named after the version and a hash of its content, so that every JVM that runs the same jar
 * loads the same file (and a second class loader meets the JDK's one-loader rule instead of a
 * second copy of the lock), while another build gets a file of its own.
 *
 * <p>A file is written to a temporary name and renamed into place, so that no JVM ever maps a
 * half-written library and a JVM that has the old file mapped keeps it. Before loading, the
 * cached file is compared with the jar's bytes; one that differs (truncated, corrupted) is
 * replaced. Only a directory that belongs to this user and that nobody else can write to is used:
 * anyone who could swap the file could run code in this process.
 *
 * <p>The directories, in order: {@code -Djgil.tmpdir} if given (then only it); else
 * {@code $XDG_CACHE_HOME/jgil} or {@code ~/.cache/jgil}, then {@code java.io.tmpdir/jgil-<user>}.
 * The next one is tried when a directory cannot be written or the library cannot be mapped from
 * it, which is what a file system mounted {@code noexec} does.
 */
final class LibraryCache {
    private static final Logger LOG = LoggerFactory.getLogger(LibraryCache.class);

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> LIBRARY = PosixFilePermissions.fromString("rwxr-xr-x");

    private LibraryCache() {}

    /** The directories to extract to, best first. */
    static List<Path> directories() {
        String explicit = System.getProperty("jgil.tmpdir");
        if (explicit != null && !explicit.isBlank()) {
            return List.of(Path.of(explicit).toAbsolutePath());
        }
        List<Path> dirs = new ArrayList<>();
        Path xdg = absolute(System.getenv("XDG_CACHE_HOME"));
        Path home = absolute(System.getProperty("user.home"));
        if (xdg != null) {
            dirs.add(xdg.resolve("jgil"));
        } else if (home != null) {
            dirs.add(home.resolve(".cache").resolve("jgil"));
        }
        Path tmp = absolute(System.getProperty("java.io.tmpdir"));
        if (tmp != null) {
            dirs.add(tmp.resolve("jgil-" + System.getProperty("user.name", "user")));
        }
        return dirs;
    }

    private static Path absolute(String path) {
        try {
            return path == null || path.isBlank() || !Path.of(path).isAbsolute() ? null : Path.of(path);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** The name a build's library gets in the cache: the version and the first 16 hex digits of its SHA-256. */
    static String fileName(String version, byte[] content) {
        return fileName("libjgil", version, content);
    }

    /** The same for another library: {@code <base>-<version>-<hash>.so}. */
    static String fileName(String base, String version, byte[] content) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(content);
            return base + "-" + version + "-" + HexFormat.of().formatHex(sha, 0, 8) + ".so";
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    /**
     * Extracts {@code content} into the first of {@code dirs} from which {@code loader} loads it,
     * and returns the file loaded; null if none did, with the reasons added to {@code tried}. A
     * loader's error that says the library belongs to another class loader is not a reason to try
     * elsewhere (another directory would make a second copy): it is thrown.
     */
    static Path extractAndLoad(byte[] content, String name, List<Path> dirs, Consumer<Path> loader,
            List<String> tried) {
        List<String> skipped = new ArrayList<>();
        for (Path dir : dirs) {
            Path file;
            try {
                file = extract(content, dir, name);
            } catch (IOException | SecurityException | UnsupportedOperationException e) {
                skipped.add("extracting to " + dir + ": " + e);
                continue;
            }
            try {
                loader.accept(file);
                if (!skipped.isEmpty()) {
                    LOG.info("jgil: loaded {}; skipped: {}", file, String.join("; ", skipped));
                }
                return file;
            } catch (UnsatisfiedLinkError e) {
                if (NativeLibrary.inAnotherClassLoader(e)) {
                    throw e;
                }
                String why = e.getMessage();
                if (why != null && why.contains("failed to map segment")) {
                    why += " (mounted noexec? -Djgil.tmpdir=DIR names a directory that is not)";
                }
                skipped.add("loading from " + dir + ": " + why);
            }
        }
        tried.addAll(skipped);
        return null;
    }

    /**
     * Puts {@code content} into {@code dir/name} unless the file there holds it already, and
     * returns the file.
     *
     * @throws IOException if the directory cannot be made or written, or is not this user's alone
     */
    static Path extract(byte[] content, Path dir, String name) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        checkPrivate(dir);
        Path file = dir.resolve(name);
        if (holds(file, content)) {
            LOG.debug("jgil: {} is up to date", file);
            return file;
        }
        Path temp = Files.createTempFile(dir, ".libjgil-", ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            Files.setPosixFilePermissions(temp, LIBRARY);
            // rename(2): a JVM that maps the old file keeps its copy; the next one opens the new.
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        if (!holds(file, content)) {
            throw new IOException(file + " does not hold what was just written to it");
        }
        LOG.info("jgil: extracted {}", file);
        return file;
    }

    /** True if {@code file} is a regular file (not a link) whose bytes are {@code content}. */
    static boolean holds(Path file, byte[] content) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != content.length) {
            return false;
        }
        return Arrays.equals(Files.readAllBytes(file), content);
    }

    /** Refuses a directory that another user owns or that others may write to. */
    private static void checkPrivate(Path dir) throws IOException {
        Object owner = Files.getAttribute(dir, "unix:uid");
        Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (!owner.equals(self)) {
            throw new AccessDeniedException(dir.toString(), null,
                    "owned by uid " + owner + ", not by this process's uid " + self);
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new AccessDeniedException(dir.toString(), null,
                    "others may write to it (" + PosixFilePermissions.toString(perms) + ")");
        }
    }
}
