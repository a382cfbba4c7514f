package org.jgil;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a native extension: a library of JNI methods that uses jgil's lock ({@code jgil.h}).
 *
 * <pre>{@code
 * public final class VecMath {
 *     static { Extensions.load(VecMath.class, "vecmath"); }
 *     public static native double dot(double[] a, double[] b);
 * }
 * }</pre>
 *
 * <p>jgil's own runtime is loaded first, so that the extension's {@code JNI_OnLoad} finds it when it
 * calls {@code jgil_import}. Then the extension, from the first of these that has it:
 * <ol>
 *   <li>the file named by {@code -D<name>.library} (a wrong path is an error, not a reason to look
 *       further);
 *   <li>{@code java.library.path}: {@code lib<name>.so} as CMake names it, else
 *       {@code lib<name>-<version>.so} as nar-maven-plugin names it (whatever the version, as long as
 *       only one is there);
 *   <li>the owner's class path (its jar): {@code META-INF/native/<os.name>-<os.arch>/lib<name>.so},
 *       or a nar JNI layout {@code lib/<aol>/jni/lib<name>[-<version>].so}, extracted once per
 *       content into the per-user cache that jgil's own library uses (see {@code -Djgil.tmpdir}).
 * </ol>
 * The library is bound to the owner's class loader, as if the owner had called {@code System.load}
 * itself: JNI finds a class's native methods only in libraries that its own class loader loaded. A
 * failure lists what was tried and what to do.
 */
public final class Extensions {
    private static final Logger LOG = LoggerFactory.getLogger(Extensions.class);

    /** The simple name of the class, defined in an owner's package, that calls System.load for it. */
    private static final String LOADER = "JgilExtensionLoader";

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private Extensions() {}

    /**
     * Loads jgil, then the extension library {@code name} for {@code owner}, from the places the class
     * comment lists.
     *
     * @param owner the class whose native methods the library implements (its class loader gets the
     *     library)
     * @param name the library's base name, without {@code lib} and {@code .so}: {@code "vecmath"}
     * @return the file loaded
     * @throws UnsatisfiedLinkError if jgil or the library cannot be loaded; the message lists what was
     *     tried
     */
    public static Path load(Class<?> owner, String name) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.contains("/") || name.contains(System.getProperty("file.separator"))) {
            throw new IllegalArgumentException("an extension's name is a base name such as \"vecmath\" (no lib"
                    + " prefix, no directory, no suffix), got \"" + name + "\"; to load a file, use load(Path)");
        }
        runtime(name);
        MethodHandle load = loaderFor(owner, name);
        List<String> tried = new ArrayList<>();
        String property = name + ".library";
        String explicit = System.getProperty(property);
        if (explicit != null && !explicit.isBlank()) {
            Path file = absolute(explicit, property);
            loadFile(load, file, name);
            return loaded(name, owner, file, "-D" + property);
        }
        tried.add("-D" + property + ": not set");
        Path found = onLibraryPath(name, tried);
        if (found != null) {
            loadFile(load, found, name);
            return loaded(name, owner, found, "java.library.path");
        }
        Path extracted = fromClassPath(owner, name, load, tried);
        if (extracted != null) {
            return extracted;
        }
        throw new UnsatisfiedLinkError("cannot load the jgil extension '" + name + "' for " + owner.getName()
                + ". Tried:\n  - " + String.join("\n  - ", tried) + "\n"
                + "Pass -D" + property + "=FILE (the library your build made: CMake's build/"
                + System.mapLibraryName(name) + ", nar's target/nar/" + name + "-VERSION-AOL-jni/lib/AOL/jni/"
                + System.mapLibraryName(name + "-VERSION") + "), or add its directory to"
                + " -Djava.library.path, or put it in the jar under META-INF/native/" + platform() + "/.");
    }

    /**
     * Loads jgil, then the library {@code file}, bound to the class loader of the class that calls
     * this method.
     *
     * @return {@code file} as an absolute path
     * @throws UnsatisfiedLinkError if jgil or the file cannot be loaded
     */
    public static Path load(Path file) {
        Objects.requireNonNull(file, "file");
        Class<?> caller = WALKER.getCallerClass();
        String name = String.valueOf(file.getFileName());
        runtime(name);
        Path absolute = file.toAbsolutePath();
        if (!Files.isRegularFile(absolute)) {
            throw new UnsatisfiedLinkError("cannot load the jgil extension " + absolute + ": no such file");
        }
        loadFile(loaderFor(caller, name), absolute, name);
        return loaded(name, caller, absolute, "an explicit path");
    }

    /** Runs jgil's own loader first; its failure, which already explains itself, names the extension too. */
    private static void runtime(String name) {
        try {
            GilRuntime.ensureLoaded();
        } catch (UnsatisfiedLinkError e) {
            UnsatisfiedLinkError wrapped = new UnsatisfiedLinkError("cannot load the jgil extension '" + name
                    + "': jgil's own native library, which it needs first, did not load: " + e.getMessage());
            wrapped.initCause(e);
            throw wrapped;
        } catch (ExceptionInInitializerError | NoClassDefFoundError e) {
            UnsatisfiedLinkError wrapped = new UnsatisfiedLinkError("cannot load the jgil extension '" + name
                    + "': jgil's own runtime did not start (" + e + "); the first error, logged or thrown"
                    + " earlier in this JVM, says why");
            wrapped.initCause(e);
            throw wrapped;
        }
    }

    /**
     * {@code System.load} as seen from {@code owner}: the JDK binds a library to the class loader of
     * the class that calls {@code System.load}, so the call is made from a small class defined in
     * {@code owner}'s package and class loader (a method handle cannot carry the caller: the JDK
     * refuses caller-sensitive methods through a lookup that was not made by the class itself).
     */
    private static MethodHandle loaderFor(Class<?> owner, String name) {
        MethodType type = MethodType.methodType(void.class, String.class);
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(owner, MethodHandles.lookup());
            String pkg = owner.getPackageName();
            String binary = (pkg.isEmpty() ? "" : pkg + ".") + LOADER;
            Class<?> loader;
            try {
                loader = lookup.findClass(binary);
            } catch (ClassNotFoundException absent) {
                try {
                    loader = lookup.defineClass(loaderClass(binary.replace('.', '/')));
                } catch (LinkageError raced) {
                    loader = lookup.findClass(binary);
                }
            }
            return lookup.findStatic(loader, "load", type);
        } catch (IllegalAccessException | NoSuchMethodException | ClassNotFoundException | SecurityException e) {
            throw new UnsatisfiedLinkError("cannot load the jgil extension '" + name + "' for " + owner.getName()
                    + ": jgil cannot load a library on behalf of that class (" + e.getMessage() + "). Open its"
                    + " package to jgil (module-info: 'opens " + owner.getPackageName() + " to org.jgil;'), or"
                    + " call System.load from the class itself after touching org.jgil.Gil.");
        }
    }

    /**
     * The class file of {@code public final class <internalName> { public static void load(String f) {
     * System.load(f); } }}, version 52 (straight-line code needs no stack map).
     */
    static byte[] loaderClass(String internalName) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0xCAFEBABE);
            out.writeShort(0);
            out.writeShort(52);
            out.writeShort(12); // constant pool entries + 1
            utf8(out, internalName); //           #1
            classRef(out, 1); //                  #2 this class
            utf8(out, "java/lang/Object"); //     #3
            classRef(out, 3); //                  #4 super
            utf8(out, "java/lang/System"); //     #5
            classRef(out, 5); //                  #6
            utf8(out, "load"); //                 #7
            utf8(out, "(Ljava/lang/String;)V"); // #8
            out.writeByte(12); //                 #9 NameAndType load:(String)V
            out.writeShort(7);
            out.writeShort(8);
            out.writeByte(10); //                 #10 Methodref System.load
            out.writeShort(6);
            out.writeShort(9);
            utf8(out, "Code"); //                 #11
            out.writeShort(0x0001 | 0x0010 | 0x1000); // public final synthetic
            out.writeShort(2);
            out.writeShort(4);
            out.writeShort(0); // interfaces
            out.writeShort(0); // fields
            out.writeShort(1); // methods
            out.writeShort(0x0001 | 0x0008); // public static
            out.writeShort(7);
            out.writeShort(8);
            out.writeShort(1); // attributes: Code
            out.writeShort(11);
            byte[] code = {0x2a, (byte) 0xb8, 0, 10, (byte) 0xb1}; // aload_0; invokestatic #10; return
            out.writeInt(2 + 2 + 4 + code.length + 2 + 2);
            out.writeShort(1); // max_stack
            out.writeShort(1); // max_locals
            out.writeInt(code.length);
            out.write(code);
            out.writeShort(0); // exception table
            out.writeShort(0); // attributes
            out.writeShort(0); // class attributes
        } catch (IOException e) {
            throw new AssertionError("writing to memory", e);
        }
        return bytes.toByteArray();
    }

    private static void utf8(DataOutputStream out, String s) throws IOException {
        out.writeByte(1);
        out.writeUTF(s);
    }

    private static void classRef(DataOutputStream out, int name) throws IOException {
        out.writeByte(7);
        out.writeShort(name);
    }

    private static void loadFile(MethodHandle load, Path file, String name) {
        try {
            load.invokeExact(file.toString());
        } catch (UnsatisfiedLinkError e) {
            UnsatisfiedLinkError wrapped = new UnsatisfiedLinkError("cannot load the jgil extension '" + name
                    + "' from " + file + ": " + e.getMessage() + hint(e));
            wrapped.initCause(e);
            throw wrapped;
        } catch (RuntimeException | Error e) {
            throw e; // what JNI_OnLoad threw (jgil_import's ABI check, say) reaches the caller as it is
        } catch (Throwable e) {
            throw new UndeclaredThrowableException(e);
        }
    }

    private static String hint(UnsatisfiedLinkError e) {
        String message = String.valueOf(e.getMessage());
        if (NativeLibrary.inAnotherClassLoader(e)) {
            return ". Each class loader needs its own copy of an extension's file; load the class that owns"
                    + " it from one class loader only";
        }
        if (message.contains("undefined symbol")) {
            return ". The library refers to a symbol nothing in the process defines: link it against what"
                    + " it uses (an extension never links libjgil or libjvm: it calls jgil_import)";
        }
        if (message.contains("wrong ELF class") || message.contains("cannot open shared object")) {
            return ". Build the library for this platform (" + platform() + ")";
        }
        return "";
    }

    /** {@code lib<name>.so}, then exactly one {@code lib<name>-<version>.so}, in java.library.path. */
    private static Path onLibraryPath(String name, List<String> tried) {
        String path = System.getProperty("java.library.path", "");
        String plain = System.mapLibraryName(name);
        String prefix = plain.substring(0, plain.indexOf(name) + name.length()) + "-";
        String suffix = plain.substring(plain.indexOf(name) + name.length());
        List<Path> versioned = new ArrayList<>();
        List<String> dirs = new ArrayList<>();
        for (String entry : path.split(java.io.File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path dir;
            try {
                dir = Path.of(entry).toAbsolutePath();
            } catch (InvalidPathException e) {
                continue;
            }
            dirs.add(dir.toString());
            if (Files.isRegularFile(dir.resolve(plain))) {
                return dir.resolve(plain);
            }
            versioned.addAll(versionedIn(dir, prefix, suffix));
        }
        if (versioned.size() == 1) {
            return versioned.get(0);
        }
        String where = dirs.isEmpty() ? "java.library.path (empty)" : "java.library.path " + dirs;
        if (versioned.isEmpty()) {
            tried.add(plain + " or " + prefix + "<version>" + suffix + " in " + where + ": not found");
        } else {
            tried.add(plain + " in " + where + ": not found; several versions instead, " + versioned
                    + " (load one by name: -D" + name + ".library=FILE)");
        }
        return null;
    }

    private static List<Path> versionedIn(Path dir, String prefix, String suffix) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "[0-9]*" + suffix)) {
            for (Path f : files) {
                if (Files.isRegularFile(f)) {
                    found.add(f);
                }
            }
        } catch (IOException | SecurityException e) {
            LOG.debug("jgil: cannot list {}: {}", dir, e.toString());
        }
        return found;
    }

    private static Path fromClassPath(Class<?> owner, String name, MethodHandle load, List<String> tried) {
        List<String> resources = new ArrayList<>();
        resources.add("META-INF/native/" + platform() + "/" + System.mapLibraryName(name));
        resources.add("lib/" + NativeLibrary.AOL + "/jni/" + System.mapLibraryName(name));
        String version = owner.getPackage() == null ? null : owner.getPackage().getImplementationVersion();
        if (version != null) {
            resources.add("lib/" + NativeLibrary.AOL + "/jni/" + System.mapLibraryName(name + "-" + version));
        }
        ClassLoader loader = owner.getClassLoader();
        for (String resource : resources) {
            byte[] content;
            try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                    : loader.getResourceAsStream(resource)) {
                if (in == null) {
                    tried.add(resource + " on " + owner.getName() + "'s class path: not found");
                    continue;
                }
                content = in.readAllBytes();
            } catch (IOException e) {
                tried.add(resource + " on " + owner.getName() + "'s class path: " + e);
                continue;
            }
            String file = LibraryCache.fileName("lib" + name, "ext", content);
            Path loaded = LibraryCache.extractAndLoad(content, file, LibraryCache.directories(),
                    f -> loadFile(load, f, name), tried);
            if (loaded != null) {
                return loaded(name, owner, loaded, "the class path (" + resource + ")");
            }
        }
        return null;
    }

    private static Path absolute(String path, String property) {
        try {
            return Path.of(path).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new UnsatisfiedLinkError("-D" + property + "=" + path + " is not a path: " + e.getMessage());
        }
    }

    private static Path loaded(String name, Class<?> owner, Path file, String from) {
        LOG.debug("jgil: extension {} for {} loaded from {} ({})", name, owner.getName(), file, from);
        return file;
    }

    private static String platform() {
        return System.getProperty("os.name") + "-" + System.getProperty("os.arch");
    }
}
