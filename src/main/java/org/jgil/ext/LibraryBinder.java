package org.jgil.ext;

/**
 * Loads a built library on behalf of the class loader that defines this class. The JDK binds a
 * library to the loader of the class that calls {@code System.load}, so {@link NativeBuild}
 * defines a copy of this class in each build's own loader and calls it there: the build's native
 * methods then resolve against that build's library, and an older build keeps its own.
 */
final class LibraryBinder {
    private LibraryBinder() {}

    public static void load(String file) {
        System.load(file);
    }
}
