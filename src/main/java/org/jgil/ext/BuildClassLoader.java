package org.jgil.ext;

import java.nio.file.Path;
import java.util.Map;

/**
 * The class loader of one build: it defines the build's classes itself (before asking its parent,
 * which may know an older copy of them) and leaves every other class to its parent.
 */
final class BuildClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> classes;
    private final Path library;

    BuildClassLoader(Path library, ClassLoader parent, Map<String, byte[]> classes) {
        super("jgil-build " + library.getParent().getFileName(), parent);
        this.classes = Map.copyOf(classes);
        this.library = library;
    }

    /** The build's library, which this loader loads. */
    Path library() {
        return library;
    }

    @Override
    public String toString() {
        return getName();
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = defineClass(name, bytes, 0, bytes.length);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }
}
