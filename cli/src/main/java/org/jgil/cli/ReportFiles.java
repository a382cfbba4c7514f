package org.jgil.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where report files go: any folder named on the command line is created on the way. */
final class ReportFiles {
    private ReportFiles() {}

    /** Creates {@code file}'s folder if needed and returns {@code file}. */
    static Path prepare(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return file;
    }
}
