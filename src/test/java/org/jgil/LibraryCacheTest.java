package org.jgil;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The extraction cache on its own, with stand-in bytes and a stand-in loader (no library is loaded). */
class LibraryCacheTest {
    private static final byte[] CONTENT = "not really an ELF file".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;

    private static Object inode(Path file) throws IOException {
        return Files.getAttribute(file, "unix:ino");
    }

    @Test
    void aBuildGetsAFileNamedAfterItsVersionAndContent() {
        String name = LibraryCache.fileName("1.2.3", CONTENT);
        assertTrue(name.matches("libjgil-1\\.2\\.3-[0-9a-f]{16}\\.so"), name);
        assertEquals(name, LibraryCache.fileName("1.2.3", CONTENT.clone()));
        assertNotEquals(name, LibraryCache.fileName("1.2.3", "another build".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aSecondExtractionReusesTheFile() throws IOException {
        Path dir = tmp.resolve("cache");
        Path first = LibraryCache.extract(CONTENT, dir, "libjgil-x.so");
        assertArrayEquals(CONTENT, Files.readAllBytes(first));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        Object inode = inode(first);
        Path second = LibraryCache.extract(CONTENT, dir, "libjgil-x.so");
        assertEquals(first, second);
        assertEquals(inode, inode(second), "the file was written again");
    }

    @Test
    void aCorruptedOrTruncatedCopyIsReplaced() throws IOException {
        Path dir = tmp.resolve("cache");
        Path file = LibraryCache.extract(CONTENT, dir, "libjgil-x.so");
        byte[] corrupted = CONTENT.clone();
        corrupted[3] ^= 1;
        Files.write(file, corrupted);
        LibraryCache.extract(CONTENT, dir, "libjgil-x.so");
        assertArrayEquals(CONTENT, Files.readAllBytes(file));

        Files.write(file, new byte[] {CONTENT[0]});
        LibraryCache.extract(CONTENT, dir, "libjgil-x.so");
        assertArrayEquals(CONTENT, Files.readAllBytes(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void aLinkInPlaceOfTheFileIsReplacedNotFollowed() throws IOException {
        Path dir = tmp.resolve("cache");
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path elsewhere = Files.write(tmp.resolve("elsewhere.so"), CONTENT);
        Path file = Files.createSymbolicLink(dir.resolve("libjgil-x.so"), elsewhere);
        LibraryCache.extract(CONTENT, dir, "libjgil-x.so");
        assertFalse(Files.isSymbolicLink(file));
        assertArrayEquals(CONTENT, Files.readAllBytes(file));
    }

    @Test
    void aDirectoryOthersMayWriteToIsRefused() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        AccessDeniedException e = assertThrows(AccessDeniedException.class,
                () -> LibraryCache.extract(CONTENT, dir, "libjgil-x.so"));
        assertTrue(e.getMessage().contains("others may write to it"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("libjgil-x.so")));
    }

    @Test
    void whenTheLibraryCannotBeMappedFromOneDirectoryTheNextIsTried() {
        Path noexec = tmp.resolve("noexec");
        Path good = tmp.resolve("good");
        List<Path> attempts = new ArrayList<>();
        List<String> tried = new ArrayList<>();
        Path loaded = LibraryCache.extractAndLoad(CONTENT, "libjgil-x.so", List.of(noexec, good), file -> {
            attempts.add(file);
            if (file.startsWith(noexec)) {
                // what glibc says when mmap(PROT_EXEC) meets a noexec mount
                throw new UnsatisfiedLinkError(file + ": failed to map segment from shared object");
            }
        }, tried);
        assertEquals(good.resolve("libjgil-x.so"), loaded);
        assertEquals(List.of(noexec.resolve("libjgil-x.so"), good.resolve("libjgil-x.so")), attempts);
        assertTrue(tried.isEmpty(), "a library that loaded reports no failure: " + tried);
    }

    @Test
    void whenNoDirectoryWorksEveryReasonIsReported() throws IOException {
        Path unwritable = Files.createFile(tmp.resolve("a-file-not-a-directory"));
        Path noexec = tmp.resolve("noexec");
        List<String> tried = new ArrayList<>();
        Path loaded = LibraryCache.extractAndLoad(CONTENT, "libjgil-x.so", List.of(unwritable, noexec), file -> {
            throw new UnsatisfiedLinkError(file + ": failed to map segment from shared object");
        }, tried);
        assertNull(loaded);
        assertEquals(2, tried.size(), tried.toString());
        assertTrue(tried.get(0).startsWith("extracting to " + unwritable), tried.get(0));
        assertTrue(tried.get(1).contains("noexec") && tried.get(1).contains("-Djgil.tmpdir"), tried.get(1));
    }

    @Test
    void aLibraryOwnedByAnotherClassLoaderStopsTheSearch() {
        Path first = tmp.resolve("first");
        Path second = tmp.resolve("second");
        List<Path> attempts = new ArrayList<>();
        UnsatisfiedLinkError refusal = new UnsatisfiedLinkError(
                "Native Library " + first + "/libjgil-x.so already loaded in another classloader");
        UnsatisfiedLinkError thrown = assertThrows(UnsatisfiedLinkError.class,
                () -> LibraryCache.extractAndLoad(CONTENT, "libjgil-x.so", List.of(first, second), file -> {
                    attempts.add(file);
                    throw refusal;
                }, new ArrayList<>()));
        assertSame(refusal, thrown);
        assertEquals(List.of(first.resolve("libjgil-x.so")), attempts, "a second copy elsewhere is a second lock");
    }

    @Test
    void theCacheDirectoryFollowsTheUsersSettings() {
        String old = System.getProperty("jgil.tmpdir");
        try {
            System.setProperty("jgil.tmpdir", tmp.toString());
            assertEquals(List.of(tmp), LibraryCache.directories());
            System.clearProperty("jgil.tmpdir");
            List<Path> dirs = LibraryCache.directories();
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path cache = xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                    : Path.of(System.getProperty("user.home"), ".cache");
            assertEquals(cache.resolve("jgil"), dirs.get(0));
            assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "jgil-" + System.getProperty("user.name")),
                    dirs.get(1));
        } finally {
            if (old == null) {
                System.clearProperty("jgil.tmpdir");
            } else {
                System.setProperty("jgil.tmpdir", old);
            }
        }
    }
}
