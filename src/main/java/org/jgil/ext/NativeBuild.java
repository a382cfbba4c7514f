package org.jgil.ext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.annotation.processing.Processor;
import org.jgil.Gil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles C or C++ with the system's compiler from a running JVM (or JShell), and loads it behind a
 * Java class whose {@code static native} methods it implements: cffi's API mode, or pyximport, for
 * jgil extensions.
 *
 * <pre>{@code
 * NativeBuild build = NativeBuild.of("""
 *         package demo;
 *         public class Dot { public static native double dot(double[] a, double[] b); }
 *         """).source(Path.of("dot.c"));
 * Class<?> dot = build.load();       // compiles, caches, loads
 * // edit dot.c, then:
 * Class<?> dot2 = build.load();      // a new build in a new class loader; dot still runs the old one
 * }</pre>
 *
 * <p>{@link #load()} hashes everything the library depends on (the sources, the declaration, jgil's
 * headers, the flags, the compiler's version) and looks the hash up in a per-user cache
 * ({@code $XDG_CACHE_HOME/jgil/build}, else {@code ~/.cache/jgil/build}; {@code -Djgil.build.cache=DIR}
 * or {@link #cacheDirectory}). On a miss it compiles the declaration with the JDK's compiler
 * (running jgil's glue generator, {@code org.jgil.ext.GlueProcessor}, when the jar has it; its
 * output and javac's JNI headers ({@code -h}) go to the build's include path), compiles and links
 * the sources into a shared library ({@code -shared -fPIC -O2 -Wall -Wl,-z,now}, then {@link #flags}) and
 * renames the finished build into the cache, so two JVMs never see half of one. Each build's class
 * is then defined anew in a class loader of its own, which loads the build's library: its native
 * methods bind to that build, and classes from earlier builds keep running theirs. The same build
 * loaded twice in one JVM is the same class: a build, once loaded, stays loaded until the JVM exits.
 *
 * <p>The sources need not import the runtime: the build adds a file with what they lack of
 * {@code JGIL_DEFINE_API} (the API pointer) and a {@code JNI_OnLoad} that imports the jgil runtime.
 * The library is loaded with {@link org.jgil.Extensions#load(Path)}, which loads jgil itself first.
 *
 * <p>A compiler error (or javac's, on the declaration) is a {@link NativeBuildException} whose
 * message starts with the first error and the source line it names. Instances are not safe for
 * use by several threads at once; builds themselves are serialised per JVM.
 */
public final class NativeBuild {
    private static final Logger LOG = LoggerFactory.getLogger(NativeBuild.class);

    private static final String VERSION = version();
    private static final Object LOCK = new Object();
    /** Every build loaded in this JVM, by library file: the JDK loads a file into one class loader only. */
    private static final Map<Path, Class<?>> LOADED = new HashMap<>();
    private static volatile byte[] binder;
    private static volatile String generator;

    private enum Kind { C, CXX, HEADER }

    private record Spec(String name, Path file, String text) {}

    private record Unit(String name, Path file, byte[] content, Kind kind) {}

    private final Declaration declaration;
    private final List<Spec> sources = new ArrayList<>();
    private final List<String> flags = new ArrayList<>();
    private String compiler;
    private Path cacheDirectory;
    private ClassLoader parent = NativeBuild.class.getClassLoader();

    private NativeBuild(Declaration declaration) {
        this.declaration = declaration;
    }

    /**
     * A build whose Java side is {@code javaSource}: one compilation unit (its package and public
     * class as usual) that declares the {@code static native} methods the sources implement. It may
     * use the JDK, jgil and what the JVM's class path holds.
     */
    public static NativeBuild of(String javaSource) {
        return new NativeBuild(Declaration.ofSource(Objects.requireNonNull(javaSource, "javaSource")));
    }

    /**
     * A build whose Java side is the existing class {@code declaration} (with its nested classes),
     * read from its class loader and defined anew for each build.
     */
    public static NativeBuild of(Class<?> declaration) {
        return new NativeBuild(Declaration.ofClass(Objects.requireNonNull(declaration, "declaration")));
    }

    /**
     * Adds a C ({@code .c}) or C++ ({@code .cc}, {@code .cpp}, {@code .cxx}) source file, read
     * again at every {@link #load()}; a header ({@code .h}, {@code .hpp}) only counts towards the
     * hash and puts its directory on the include path.
     */
    public NativeBuild source(Path file) {
        Objects.requireNonNull(file, "file");
        kind(file.getFileName().toString());
        sources.add(new Spec(file.getFileName().toString(), file, null));
        return this;
    }

    /** Adds a source given as text, under the file name {@code name} (which gives its language). */
    public NativeBuild source(String name, String code) {
        Objects.requireNonNull(code, "code");
        if (name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("a source's name is a plain file name, such as dot.c: " + name);
        }
        kind(name);
        for (Spec s : sources) {
            if (s.file() == null && s.name().equals(name)) {
                throw new IllegalArgumentException("two sources named " + name);
            }
        }
        sources.add(new Spec(name, null, code));
        return this;
    }

    /** Adds options for the compiler and linker, after the defaults: {@code -O3}, {@code -DN=4}, {@code -lm}. */
    public NativeBuild flags(String... options) {
        for (String o : options) {
            flags.add(Objects.requireNonNull(o, "flag"));
        }
        return this;
    }

    /**
     * The compiler driver to run, a name on {@code PATH} or a file. By default {@code -Djgil.cc}
     * ({@code -Djgil.cxx} when a source is C++), else {@code $CC} ({@code $CXX}), else {@code cc}
     * ({@code c++}).
     */
    public NativeBuild compiler(String command) {
        this.compiler = Objects.requireNonNull(command, "command");
        return this;
    }

    /** The cache directory; by default {@link #defaultCacheDirectory()}. */
    public NativeBuild cacheDirectory(Path dir) {
        this.cacheDirectory = Objects.requireNonNull(dir, "dir").toAbsolutePath();
        return this;
    }

    /**
     * The parent of each build's class loader, which resolves every class the declaration uses
     * other than its own; by default jgil's loader. It must see jgil's classes as jgil's loader does.
     */
    public NativeBuild parent(ClassLoader loader) {
        this.parent = Objects.requireNonNull(loader, "loader");
        return this;
    }

    /** {@code -Djgil.build.cache}, else {@code $XDG_CACHE_HOME/jgil/build}, else {@code ~/.cache/jgil/build}. */
    public static Path defaultCacheDirectory() {
        return Cache.defaultRoot();
    }

    /**
     * Builds (or finds in the cache) the library of the sources as they are now, and returns the
     * declared class, defined in the build's own class loader and bound to the build's library.
     *
     * @throws NativeBuildException if a compiler rejects a source, none is found, or the library
     *         does not load
     */
    public Class<?> load() {
        synchronized (LOCK) {
            return build();
        }
    }

    /**
     * As {@link #load()}, and returns an implementation of the interface {@code type} whose methods
     * call the declared class's static methods of the same names and parameter types: a typed call
     * site where the declared class itself is not visible (JShell, another class loader).
     *
     * @throws IllegalArgumentException if {@code type} is not an interface, or the class lacks one
     *         of its methods
     */
    public <T> T load(Class<T> type) {
        if (!type.isInterface()) {
            throw new IllegalArgumentException(type.getName() + " is not an interface");
        }
        Class<?> impl = load();
        Map<Method, MethodHandle> calls = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (!Modifier.isAbstract(m.getModifiers())) {
                continue;
            }
            Method target = staticMethod(impl, m);
            if (target == null) {
                missing.add(m.toGenericString());
                continue;
            }
            try {
                target.setAccessible(true);
                calls.put(m, MethodHandles.lookup().unreflect(target));
            } catch (IllegalAccessException | RuntimeException e) {
                throw new IllegalArgumentException("cannot call " + target + ": " + e.getMessage(), e);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(impl.getName() + " has no static method matching "
                    + String.join(", ", missing) + " of " + type.getName());
        }
        String label = type.getSimpleName() + " -> " + impl.getName() + " in "
                + ((BuildClassLoader) impl.getClassLoader()).library();
        InvocationHandler handler = (proxy, method, args) -> {
            MethodHandle call = calls.get(method);
            if (call != null) {
                return call.invokeWithArguments(args == null ? new Object[0] : args);
            }
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            switch (method.getName()) {
                case "toString":
                    return label;
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    throw new UnsupportedOperationException(method.toString());
            }
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Method staticMethod(Class<?> impl, Method wanted) {
        for (Method m : impl.getDeclaredMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && m.getName().equals(wanted.getName())
                    && Arrays.equals(m.getParameterTypes(), wanted.getParameterTypes())
                    && wanted.getReturnType().isAssignableFrom(m.getReturnType())) {
                return m;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (Spec s : sources) {
            names.add(s.file() != null ? s.file().toString() : s.name());
        }
        return "NativeBuild[" + declaration.name + ", sources=" + names + ", flags=" + flags + "]";
    }

    // ---- the build ----

    private Class<?> build() {
        long start = System.nanoTime();
        runtime();
        List<Unit> units = read();
        boolean cxx = units.stream().anyMatch(u -> u.kind() == Kind.CXX);
        Path cc = Toolchain.find(compiler, cxx);
        Path root = Cache.open(cacheDirectory != null ? cacheDirectory : Cache.defaultRoot());
        BundledHeaders.Extracted headers = BundledHeaders.extract(root, VERSION);
        Processor processor = glueProcessor();

        // The Java side (javac, the glue generator) depends on the declaration only: an edit of the C
        // reuses it, and skips javac.
        Hashing jh = new Hashing().add("jgil NativeBuild java 1").add(VERSION).add(Runtime.version().toString())
                .add(processor == null ? "no glue" : processor.getClass().getName() + " " + processorHash())
                .add(cxx ? "c++" : "c");
        declaration.hashInto(jh);
        String javaKey = Hashing.hex(jh.digest(), 16);
        Path java = root.resolve(declaration.simpleName() + "-java-" + javaKey);

        Hashing h = new Hashing().add("jgil NativeBuild 1").add(javaKey).add(headers.hash())
                .add(cc.toString()).add(Toolchain.identity(cc)).add(String.join("\u0000", flags));
        for (Unit u : units) {
            h.add(u.name()).add(u.kind().name()).add(u.content());
        }
        String key = declaration.simpleName() + "-" + Hashing.hex(h.digest(), 16);
        Path entry = root.resolve(key);
        boolean built = false;
        try {
            if (!Files.isDirectory(java)) {
                compileJava(root, java, processor, cxx);
            }
            if (!Files.isDirectory(entry)) {
                compile(root, entry, units, cxx, cc, headers.directory(), java.resolve("glue"));
                built = true;
            }
        } catch (IOException e) {
            throw new NativeBuildException("cannot build " + declaration.name + " in " + root + ": " + e, e);
        }
        Class<?> type = bind(entry, java.resolve("classes"));
        LOG.debug("jgil: {} {} in {} ms ({})", built ? "built" : "reused", entry,
                (System.nanoTime() - start) / 1_000_000,
                type.getClassLoader());
        return type;
    }

    /** jgil first, as Gil loads it, so that its own failure explains itself instead of failing JNI_OnLoad. */
    private static void runtime() {
        Gil.isChecked();
    }

    private List<Unit> read() {
        List<Unit> units = new ArrayList<>();
        for (Spec s : sources) {
            Kind kind = kind(s.name());
            if (s.file() == null) {
                units.add(new Unit(s.name(), null, s.text().getBytes(StandardCharsets.UTF_8), kind));
                continue;
            }
            Path file = s.file().toAbsolutePath();
            try {
                units.add(new Unit(s.name(), file, Files.readAllBytes(file), kind));
            } catch (IOException e) {
                throw new NativeBuildException("cannot read the source " + file + ": " + e, e);
            }
        }
        if (units.stream().noneMatch(u -> u.kind() != Kind.HEADER)) {
            throw new IllegalArgumentException("no C or C++ source to build: add one with source(...)");
        }
        return units;
    }

    private static Kind kind(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (name.endsWith(".c")) {
            return Kind.C;
        }
        for (String ext : new String[] {".cc", ".cpp", ".cxx", ".c++", ".C"}) {
            if (name.endsWith(ext)) {
                return Kind.CXX;
            }
        }
        for (String ext : new String[] {".h", ".hh", ".hpp", ".hxx", ".inc"}) {
            if (lower.endsWith(ext)) {
                return Kind.HEADER;
            }
        }
        throw new IllegalArgumentException("not a C or C++ source or header (.c, .cc, .cpp, .cxx, .h, .hpp): " + name);
    }

    /** Compiles the declaration (and runs the glue generator) into the cache entry {@code java}. */
    private void compileJava(Path root, Path java, Processor processor, boolean cxx) throws IOException {
        Path temp = Files.createTempDirectory(root, ".tmp-");
        try {
            Path classes = Files.createDirectory(temp.resolve("classes"));
            Path glue = Files.createDirectory(temp.resolve("glue"));
            long start = System.nanoTime();
            declaration.compile(classes, glue, processor, cxx);
            LOG.debug("jgil: compiled {} in {} ms", declaration.name, (System.nanoTime() - start) / 1_000_000);
            Cache.publish(temp, java);
        } finally {
            Cache.deleteTree(temp);
        }
    }

    /** Compiles and links the sources with the glue into the cache entry {@code entry}. */
    private void compile(Path root, Path entry, List<Unit> units, boolean cxx, Path cc, Path headers, Path glue)
            throws IOException {
        Path temp = Files.createTempDirectory(root, ".tmp-");
        try {
            Path src = Files.createDirectory(temp.resolve("src"));
            Map<String, String> names = new HashMap<>();
            Map<Path, Kind> compiled = new LinkedHashMap<>();
            Set<Path> includes = new LinkedHashSet<>();
            StringBuilder text = new StringBuilder();
            for (Unit u : units) {
                Path file = u.file();
                if (file == null) {
                    file = src.resolve(u.name());
                    Files.write(file, u.content());
                    names.put(file.toString(), u.name());
                }
                if (u.kind() == Kind.HEADER) {
                    includes.add(file.getParent());
                } else {
                    compiled.put(file, u.kind());
                    text.append(new String(u.content(), StandardCharsets.UTF_8));
                }
            }
            includes.add(glue);
            try (Stream<Path> walk = Files.walk(glue)) {
                for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                    String n = p.getFileName().toString();
                    if (n.endsWith(".c") || n.endsWith(".cc") || n.endsWith(".cpp")) {
                        // The glue is C that also compiles as C++; in a C++ build it is C++, for exceptions.
                        compiled.put(p, cxx || !n.endsWith(".c") ? Kind.CXX : Kind.C);
                        text.append(Files.readString(p));
                    } else if (n.endsWith(".h") || n.endsWith(".hpp")) {
                        includes.add(p.getParent());
                    }
                }
            }
            Path onLoad = onLoadFile(src, text);
            if (onLoad != null) {
                compiled.put(onLoad, Kind.C);
                names.put(onLoad.toString(), "[generated] " + onLoad.getFileName());
            }

            Path library = temp.resolve(System.mapLibraryName(declaration.simpleName()));
            // -z now: a function the sources call but nothing defines fails the load, with a message,
            // instead of killing the JVM at the first call (a lazy binding's "symbol lookup error").
            List<String> command = new ArrayList<>(List.of(cc.toString(), "-shared", "-fPIC", "-O2", "-Wall",
                    "-Wl,-z,now"));
            command.add("-I" + headers);
            for (Path jni : jniIncludes()) {
                command.add("-I" + jni);
            }
            for (Path dir : includes) {
                command.add("-I" + dir);
            }
            for (Map.Entry<Path, Kind> e : compiled.entrySet()) {
                if (cxx) {
                    command.add("-x");
                    command.add(e.getValue() == Kind.CXX ? "c++" : "c");
                }
                command.add(e.getKey().toString());
            }
            if (cxx) {
                command.add("-x");
                command.add("none");
            }
            command.addAll(flags);
            command.add("-o");
            command.add(library.toString());
            long start = System.nanoTime();
            Toolchain.Run run = Toolchain.compile(command, temp);
            if (run.exitCode() != 0) {
                throw Toolchain.failure(run, names);
            }
            Files.writeString(temp.resolve("build.log"), String.join(" ", command) + "\n" + run.output());
            if (!run.output().isBlank()) {
                LOG.warn("jgil: the compiler's warnings building {}:\n{}", declaration.name, run.output());
            }
            LOG.debug("jgil: compiled {} in {} ms", library.getFileName(), (System.nanoTime() - start) / 1_000_000);
            Cache.publish(temp, entry);
        } finally {
            Cache.deleteTree(temp);
        }
    }

    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);
    private static final Pattern DEFINES_API = Pattern.compile("\\bJGIL_DEFINE_API\\b");
    private static final Pattern DEFINES_ON_LOAD = Pattern.compile("\\bJNI_OnLoad\\s*\\(");

    /** The file that defines the API pointer and imports the runtime, or null if the sources do both. */
    private static Path onLoadFile(Path dir, CharSequence sources) throws IOException {
        // Comments do not count: "no JNI_OnLoad here, the build adds it" must not stop the build
        // from adding it.
        String code = COMMENT.matcher(sources).replaceAll(" ");
        boolean api = !DEFINES_API.matcher(code).find();
        boolean onLoad = !DEFINES_ON_LOAD.matcher(code).find();
        if (!api && !onLoad) {
            return null;
        }
        StringBuilder c = new StringBuilder()
                .append("/* Written by org.jgil.ext.NativeBuild: imports the jgil runtime when the library loads. */\n")
                .append("#include <jgil.h>\n\n");
        if (api) {
            c.append("JGIL_DEFINE_API\n\n");
        }
        if (onLoad) {
            c.append("JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)\n{\n")
                    .append("    JNIEnv *env;\n    (void)reserved;\n")
                    .append("    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)\n")
                    .append("        return JNI_ERR;\n")
                    .append("    return jgil_import(env) == 0 ? JNI_VERSION_1_8 : JNI_ERR;\n}\n");
        }
        Path file = dir.resolve("jgil_onload.c");
        Files.writeString(file, c);
        return file;
    }

    /** The JDK's jni.h and jni_md.h directories. */
    private static List<Path> jniIncludes() {
        Path include = Path.of(System.getProperty("java.home"), "include");
        if (!Files.isRegularFile(include.resolve("jni.h"))) {
            throw new NativeBuildException("no jni.h in " + include + ": this JVM is a runtime without the JDK's"
                    + " headers. Run on a JDK (java.home is " + System.getProperty("java.home") + ").");
        }
        List<Path> dirs = new ArrayList<>(List.of(include));
        try (Stream<Path> list = Files.list(include)) {
            list.filter(d -> Files.isRegularFile(d.resolve("jni_md.h"))).sorted().findFirst().ifPresent(dirs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dirs;
    }

    private static Processor glueProcessor() {
        Class<?> type;
        try {
            type = Class.forName(Declaration.GLUE_PROCESSOR, false, NativeBuild.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
        try {
            return (Processor) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new NativeBuildException("cannot start jgil's glue generator " + type.getName() + ": " + e, e);
        }
    }

    /**
     * A hash of the glue generator's class files, so that another generator rebuilds even where the
     * version string stays the same (a development build).
     */
    private static String processorHash() {
        String hash = generator;
        if (hash == null) {
            Hashing h = new Hashing();
            for (String name : List.of(Declaration.GLUE_PROCESSOR, "org.jgil.ext.Glue", "org.jgil.ext.Calls")) {
                Class<?> type;
                try {
                    type = Class.forName(name, false, NativeBuild.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    continue;
                }
                for (Class<?> c : type.getNestMembers()) {
                    byte[] bytes = resource(c.getName().substring(c.getPackageName().length() + 1) + ".class");
                    h.add(c.getName()).add(bytes == null ? new byte[0] : bytes);
                }
            }
            hash = generator = Hashing.hex(h.digest(), 8);
        }
        return hash;
    }

    private Class<?> bind(Path entry, Path classDir) {
        Path library = entry.resolve(System.mapLibraryName(declaration.simpleName()));
        synchronized (LOADED) {
            Class<?> type = LOADED.get(library);
            if (type != null) {
                return type;
            }
            Map<String, byte[]> classes;
            try {
                classes = new HashMap<>(declaration.classes(classDir));
            } catch (IOException e) {
                throw new NativeBuildException("cannot read the classes in " + classDir + ": " + e, e);
            }
            if (!classes.containsKey(declaration.name)) {
                throw new NativeBuildException(classDir + " holds no class " + declaration.name + " (found "
                        + classes.keySet() + "); delete it to build again");
            }
            classes.put(LibraryBinder.class.getName(), binderBytes());
            BuildClassLoader loader = new BuildClassLoader(library, parent, classes);
            try {
                Method load = loader.loadClass(LibraryBinder.class.getName()).getMethod("load", String.class);
                load.setAccessible(true);
                load.invoke(null, library.toString());
                type = Class.forName(declaration.name, false, loader);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof UnsatisfiedLinkError) {
                    throw new NativeBuildException("the build " + library + " does not load: " + cause.getMessage()
                            + loadHint(cause.getMessage()), cause);
                }
                if (cause instanceof RuntimeException) {
                    throw (RuntimeException) cause; // thrown by JNI_OnLoad: jgil_import's ABI check, say
                }
                if (cause instanceof Error) {
                    throw (Error) cause;
                }
                throw new NativeBuildException("loading " + library + " failed: " + cause, cause);
            } catch (ReflectiveOperationException e) {
                throw new NativeBuildException("cannot load " + library + ": " + e, e);
            }
            LOADED.put(library, type);
            return type;
        }
    }

    private static String loadHint(String message) {
        if (message == null) {
            return "";
        }
        if (message.contains("undefined symbol")) {
            return ". For a build: a misspelt function name, or a library missing from flags(\"-lname\")";
        }
        if (message.contains("static TLS")) {
            return ". Each build loaded into a JVM takes a few bytes of glibc's reserve of static"
                    + " thread-local storage, which is now spent: restart the JVM, or start it with a larger"
                    + " reserve (GLIBC_TUNABLES=glibc.rtld.optional_static_tls=65536)";
        }
        return "";
    }

    private static byte[] binderBytes() {
        byte[] b = binder;
        if (b == null) {
            b = resource("LibraryBinder.class");
            if (b == null) {
                throw new NativeBuildException("jgil's class LibraryBinder is not readable from its class loader");
            }
            binder = b;
        }
        return b;
    }

    private static byte[] resource(String name) {
        try (InputStream in = NativeBuild.class.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    private static String version() {
        Properties p = new Properties();
        try (InputStream in = NativeBuild.class.getResourceAsStream("/org/jgil/jgil.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "unknown");
    }
}
