package org.jgil.ext;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.annotation.processing.Processor;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The Java side of a build: the class whose {@code static native} methods the C implements, given
 * as Java source (compiled here with the JDK's compiler, running jgil's glue generator when the jar
 * has it) or as an existing class (whose bytes are defined anew).
 */
final class Declaration {
    /** The annotation processor that writes the JNI glue, used when it is on jgil's class path. */
    static final String GLUE_PROCESSOR = "org.jgil.ext.GlueProcessor";

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "\\bpublic\\s+(?:(?:final|abstract|sealed|strictfp)\\s+)*(?:class|interface|enum|record)\\s+(\\w+)");
    private static final Pattern ANY_TYPE = Pattern.compile("\\b(?:class|interface|enum|record)\\s+(\\w+)");

    private static final AtomicInteger JAVAC_RUNS = new AtomicInteger();

    final String name;
    final String source;
    private final Map<String, byte[]> classBytes;

    private Declaration(String name, String source, Map<String, byte[]> classBytes) {
        this.name = name;
        this.source = source;
        this.classBytes = classBytes;
    }

    static Declaration ofSource(String source) {
        String code = stripComments(source);
        Matcher type = PUBLIC_TYPE.matcher(code);
        if (!type.find()) {
            type = ANY_TYPE.matcher(code);
            if (!type.find()) {
                throw new IllegalArgumentException("the declaration declares no class: " + abbreviate(source));
            }
        }
        Matcher pkg = PACKAGE.matcher(code);
        String name = (pkg.find() ? pkg.group(1) + "." : "") + type.group(1);
        return new Declaration(name, source, null);
    }

    static Declaration ofClass(Class<?> type) {
        if (type.isArray() || type.isPrimitive() || type.isHidden()) {
            throw new IllegalArgumentException(type + " has no class file to define anew");
        }
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        Class<?> host = type.getNestHost();
        for (Class<?> c : host.getNestMembers()) {
            if (c != type && !c.getName().startsWith(type.getName() + "$")) {
                continue; // the enclosing class and its other members are not part of the declaration
            }
            byte[] b = classFile(c);
            if (b != null) {
                bytes.put(c.getName(), b);
            } else if (c == type) {
                throw new IllegalArgumentException("cannot read the class file of " + type.getName()
                        + " from its class loader; pass the declaration as Java source instead");
            }
        }
        return new Declaration(type.getName(), null, bytes);
    }

    private static byte[] classFile(Class<?> c) {
        String resource = c.getName().substring(c.getName().lastIndexOf('.') + 1) + ".class";
        try (InputStream in = c.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    /** How many times javac ran in this JVM: tests count cache hits by it. */
    static int javacRuns() {
        return JAVAC_RUNS.get();
    }

    String simpleName() {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** What the build's hash covers of this declaration. */
    void hashInto(Hashing h) {
        if (source != null) {
            h.add("source").add(name).add(source).add(Runtime.version().toString());
        } else {
            for (Map.Entry<String, byte[]> e : classBytes.entrySet()) {
                h.add("class").add(e.getKey()).add(e.getValue());
            }
        }
    }

    /**
     * The classes to define, by binary name: the given class's bytes, or those javac wrote into
     * {@code classes} (now or by an earlier build of the same hash).
     */
    Map<String, byte[]> classes(Path classes) throws IOException {
        if (classBytes != null) {
            return classBytes;
        }
        Map<String, byte[]> found = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) walk.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String rel = classes.relativize(p).toString();
                found.put(rel.substring(0, rel.length() - ".class".length()).replace(File.separatorChar, '.'),
                        Files.readAllBytes(p));
            }
        }
        return found;
    }

    /**
     * Compiles the source into {@code classes}, with the glue generator (if present) writing into
     * {@code glue}, as do javac's JNI headers ({@code -h}); for a class given as bytes, runs only
     * the glue generator over it. Javac's errors become a {@link NativeBuildException}.
     */
    void compile(Path classes, Path glue, Processor processor, boolean cxx) throws IOException {
        if (source == null && processor == null) {
            return;
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new NativeBuildException("this JVM has no Java compiler (java.home=" + System.getProperty("java.home")
                    + "): NativeBuild compiles the declaration with javax.tools, which a JDK has and a JRE does not."
                    + " Run on a JDK.");
        }
        List<String> options = new ArrayList<>(List.of("-d", classes.toString(), "-s", glue.toString(),
                "-h", glue.toString(), "-implicit:none", "-g", "-Xlint:none", "-classpath", classPath()));
        if (processor == null) {
            options.add("-proc:none");
        } else {
            options.add("-Ajgil.glue.lang=" + (cxx ? "cxx" : "c"));
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter out = new StringWriter();
        Path input = null;
        List<JavaFileObject> units = new ArrayList<>();
        List<String> classNames = null;
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            if (source != null) {
                units.add(new Source(name, source));
            } else {
                // Annotation processing only, over the class files: javac reads them from the class path.
                input = Files.createTempDirectory(classes.getParent(), ".in-");
                for (Map.Entry<String, byte[]> e : classBytes.entrySet()) {
                    Path f = input.resolve(e.getKey().replace('.', File.separatorChar) + ".class");
                    Files.createDirectories(f.getParent());
                    Files.write(f, e.getValue());
                }
                options.set(options.indexOf("-classpath") + 1, input + File.pathSeparator + classPath());
                options.add("-proc:only");
                classNames = List.of(name);
            }
            JavaCompiler.CompilationTask task = javac.getTask(out, files, diagnostics, options, classNames, units);
            if (processor != null) {
                task.setProcessors(List.of(processor));
            }
            JAVAC_RUNS.incrementAndGet();
            boolean ok = task.call();
            if (!ok) {
                throw javacFailure(diagnostics, out.toString());
            }
        } finally {
            if (input != null) {
                Cache.deleteTree(input);
            }
        }
    }

    private NativeBuildException javacFailure(DiagnosticCollector<JavaFileObject> diagnostics, String out) {
        StringBuilder all = new StringBuilder(out);
        Diagnostic<? extends JavaFileObject> first = null;
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            String file = d.getSource() == null ? "" : fileName(d) + ":" + d.getLineNumber() + ": ";
            all.append(file).append(d.getKind().toString().toLowerCase(Locale.ROOT)).append(": ")
                    .append(d.getMessage(Locale.ROOT)).append('\n');
            if (first == null && d.getKind() == Diagnostic.Kind.ERROR) {
                first = d;
            }
        }
        if (first == null) {
            return new NativeBuildException("javac failed on the declaration " + name + ":\n" + all,
                    all.toString(), null, -1, null);
        }
        String file = first.getSource() == null ? null : fileName(first);
        int line = (int) first.getLineNumber();
        String text = source == null || line < 1 ? null : source.lines().skip(line - 1L).findFirst().orElse(null);
        return new NativeBuildException((file == null ? "" : file + ":" + line + ": ") + "error: "
                + first.getMessage(Locale.ROOT) + (text == null ? "" : "\n    " + text.strip())
                + "\ncompiler output:\n" + all, all.toString(), file, line, null);
    }

    /** A diagnostic's file: {@code demo/Dot.java} for the source held in memory. */
    private static String fileName(Diagnostic<? extends JavaFileObject> d) {
        String file = d.getSource().getName();
        return d.getSource() instanceof Source && file.startsWith("/") ? file.substring(1) : file;
    }

    /** The JVM's class path and jgil's own location (for its annotations), whichever loader has jgil. */
    private static String classPath() {
        String cp = System.getProperty("java.class.path", "");
        CodeSource code = Declaration.class.getProtectionDomain().getCodeSource();
        if (code != null && code.getLocation() != null) {
            try {
                String jgil = Path.of(code.getLocation().toURI()).toString();
                if (!List.of(cp.split(File.pathSeparator)).contains(jgil)) {
                    cp = cp.isEmpty() ? jgil : jgil + File.pathSeparator + cp;
                }
            } catch (URISyntaxException | IllegalArgumentException e) {
                // Not a file: javac finds jgil on the class path or not at all; its error says which type.
            }
        }
        return cp;
    }

    private static String stripComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
    }

    private static String abbreviate(String s) {
        String one = s.strip().replaceAll("\\s+", " ");
        return one.length() <= 80 ? one : one.substring(0, 77) + "...";
    }

    /** A compilation unit held in memory, named as javac expects it ({@code pkg/Simple.java}). */
    private static final class Source extends SimpleJavaFileObject {
        private final String text;

        Source(String name, String text) {
            super(uri(name), Kind.SOURCE);
            this.text = text;
        }

        private static URI uri(String name) {
            return URI.create("string:///" + name.replace('.', '/') + Kind.SOURCE.extension);
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }
}
