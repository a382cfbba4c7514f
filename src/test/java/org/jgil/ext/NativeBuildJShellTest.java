package org.jgil.ext;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edit, recompile and call loop of docs/guide.md, typed into JShell (run in this JVM). */
class NativeBuildJShellTest {
    @TempDir
    Path temp;

    @Test
    void editRecompileAndCallInJShell() throws IOException {
        JShellSession.run(temp);
    }
}
