package org.jgil.ext;

import java.nio.file.Path;
import org.jgil.Extensions;

/**
 * Loads a built library on behalf of the class loader that defines this class. The JDK binds a
 * library to the loader of the class that loads it, and {@link Extensions#load(Path)} binds it to
 * its caller's, so {@link NativeBuild} defines a copy of this class in each build's own loader and
 * calls it there: the build's native methods then resolve against that build's library, and an
 * older build keeps its own.
 */
final class LibraryBinder {
    private LibraryBinder() {}

    public static void load(String file) {
        Extensions.load(Path.of(file));
    }
}
