package org.jgil.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.lang.model.SourceVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jgil new NAME}: writes a standalone extension project from the templates under
 * {@code org/jgil/cli/new/}: a kernel in C or C++, its Java class, a Maven and/or CMake build, a
 * checked-mode JUnit test and a README. A template holds {@code {{key}}} placeholders, and
 * sections {@code {{#flag}}} ... {@code {{/flag}}} (each on a line of its own) kept only when the
 * flag is set.
 */
@Command(name = "new", mixinStandardHelpOptions = true,
        description = {"Write a new extension project: a native kernel, its Java class, a build, a test.",
            "The project builds and passes its tests at once: cd NAME && mvn -B verify"
                + " (jgil must be in the local Maven repository)."})
final class NewCommand implements Callable<Integer> {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*");
    private static final Pattern SECTION = Pattern.compile("(?ms)^\\{\\{([#/])([a-z]+)\\}\\}\\n");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z]+)\\}\\}");

    enum Lang { c, cxx }

    enum Build { maven, cmake, both }

    enum Glue { generated, jni }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The project, artifact and library name: lower case, digits,"
            + " '-' or '_' (e.g. vecops)")
    String name;

    @Option(names = "--lang", defaultValue = "c", description = "Language of the kernel: ${COMPLETION-CANDIDATES}"
            + " (default: ${DEFAULT-VALUE})")
    Lang lang;

    @Option(names = "--build", defaultValue = "both", description = "Build files to write: ${COMPLETION-CANDIDATES}"
            + " (default: ${DEFAULT-VALUE})")
    Build build;

    @Option(names = "--glue", description = "The JNI wrappers: generated (from @Calls declarations, by jgil's"
            + " annotation processor; C only, the default for C) or jni (written out, with jgil.h's macros or"
            + " jgil.hpp's guards; the default for C++)")
    Glue glue;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to write the project (default: ./NAME);"
            + " it must not exist or be empty")
    Path dir;

    @Option(names = "--package", paramLabel = "PKG", description = "Java package (default: org.example.NAME)")
    String javaPackage;

    @Override
    public Integer call() throws IOException {
        Path target = dir != null ? dir : Path.of(name);
        List<Path> written = write(target);
        PrintWriter out = spec.commandLine().getOut();
        out.println("jgil new: wrote " + written.size() + " files to " + target + ":");
        for (Path p : written) {
            out.println("  " + target.relativize(p));
        }
        out.println(build == Build.cmake
                ? "Next: cmake -S " + target + " -B " + target.resolve("build")
                        + " -DCMAKE_PREFIX_PATH=<jgil install prefix> (see README.md)"
                : "Next: cd " + target + " && mvn -B verify   (see README.md)");
        return 0;
    }

    /** Writes the project into {@code target}; returns the files written. */
    List<Path> write(Path target) throws IOException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("NAME '" + name + "' is not valid: lower-case letters and digits,"
                    + " words joined by '-' or '_', starting with a letter (e.g. vecops, vec-ops)");
        }
        String pkg = javaPackage != null ? javaPackage : "org.example." + name.replaceAll("[-_]", "");
        if (!SourceVersion.isName(pkg)) {
            throw new IllegalArgumentException("--package '" + pkg + "' is not a Java package name");
        }
        if (Files.exists(target) && !isEmptyDirectory(target)) {
            throw new IllegalArgumentException(target + " already exists and is not empty; choose another --dir");
        }
        String cls = className(name);
        boolean cxx = lang == Lang.cxx;
        boolean generated = glue == null ? !cxx : glue == Glue.generated;
        if (generated && cxx) {
            throw new IllegalArgumentException("--glue generated is for C kernels (the glue is compiled as C, and"
                    + " C++ exceptions must not cross it): use --lang c, or --glue jni with --lang cxx");
        }
        String source = cxx ? "src/main/cpp/" + name + ".cpp" : "src/main/c/" + name + ".c";
        boolean maven = build != Build.cmake;
        boolean cmake = build != Build.maven;
        Set<String> flags = new HashSet<>();
        flags.add(generated ? "glue" : "jni");
        if (maven) {
            flags.add("maven");
        }
        if (cmake) {
            flags.add("cmake");
        }
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("name", name);
        vars.put("cname", name.replace('-', '_'));
        vars.put("Class", cls);
        vars.put("package", pkg);
        vars.put("packagePath", pkg.replace('.', '/'));
        vars.put("groupId", pkg.contains(".") ? pkg.substring(0, pkg.lastIndexOf('.')) : pkg);
        vars.put("jni", "Java_" + jniMangle(pkg + "." + cls));
        vars.put("source", source);
        vars.put("langName", cxx ? "C++" : "C");
        vars.put("jgilVersion", jgilVersion());
        vars.put("linkCpp", Boolean.toString(cxx));
        vars.put("lengthMessage", generated ? "a.length == b.length does not hold" : "dot: lengths differ: 3 and 4");
        vars.put("narCompiler", template(cxx ? "nar-cxx.xml" : "nar-c.xml", vars, flags).stripTrailing());

        Map<String, String> files = new LinkedHashMap<>();
        files.put("README.md", "README.md");
        files.put(".gitignore", "gitignore");
        files.put(source, generated ? "kernel-gen.c" : cxx ? "kernel.cpp" : "kernel.c");
        String javaDir = "src/main/java/" + vars.get("packagePath") + "/";
        files.put(javaDir + cls + ".java", generated ? "Ext-gen.java" : "Ext.java");
        files.put(javaDir + "Demo.java", "Demo.java");
        if (maven) {
            files.put("pom.xml", "pom.xml");
            files.put("src/test/java/" + vars.get("packagePath") + "/" + cls + "Test.java", "ExtTest.java");
        }
        if (cmake) {
            files.put("CMakeLists.txt", "CMakeLists.txt");
        }
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path file = target.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, template(f.getValue(), vars, flags));
            written.add(file);
        }
        return written;
    }

    private static boolean isEmptyDirectory(Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(p)) {
            return entries.findAny().isEmpty();
        }
    }

    /** {@code vec-ops} -> {@code VecOps}. */
    static String className(String name) {
        StringBuilder b = new StringBuilder();
        for (String part : name.split("[-_]")) {
            b.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
        }
        return b.toString();
    }

    /** The JNI spelling of a class name: '.' -> '_', '_' -> "_1", other non-alphanumerics escaped. */
    static String jniMangle(String className) {
        StringBuilder b = new StringBuilder();
        for (char c : className.toCharArray()) {
            if (c == '.') {
                b.append('_');
            } else if (c == '_') {
                b.append("_1");
            } else if (c < 128 && Character.isLetterOrDigit(c)) {
                b.append(c);
            } else {
                b.append(String.format("_0%04x", (int) c));
            }
        }
        return b.toString();
    }

    /** The version of the jgil library this command was built with. */
    static String jgilVersion() {
        Properties p = new Properties();
        try (InputStream in = org.jgil.Gil.class.getResourceAsStream("jgil.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String v = p.getProperty("version", "");
        return v.isEmpty() || v.contains("$") ? "0.1.0" : v;
    }

    /** Template {@code name} with its sections resolved by {@code flags} and its placeholders filled. */
    static String template(String name, Map<String, String> vars, Set<String> flags) {
        String text;
        try (InputStream in = NewCommand.class.getResourceAsStream("new/" + name + ".tmpl")) {
            if (in == null) {
                throw new IllegalStateException("template " + name + " is missing from the jgil-cli jar");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fill(sections(text, flags), vars, name);
    }

    static String sections(String text, Set<String> flags) {
        StringBuilder out = new StringBuilder();
        Matcher m = SECTION.matcher(text);
        int from = 0;
        List<String> open = new ArrayList<>();
        int skipping = 0; // how many of the open sections are off
        while (m.find()) {
            if (skipping == 0) {
                out.append(text, from, m.start());
            }
            from = m.end();
            String flag = m.group(2);
            if (m.group(1).equals("#")) {
                open.add(flag);
                if (skipping > 0 || !flags.contains(flag)) {
                    skipping++;
                }
            } else {
                if (open.isEmpty() || !open.remove(open.size() - 1).equals(flag)) {
                    throw new IllegalStateException("template: {{/" + flag + "}} closes no {{#" + flag + "}}");
                }
                if (skipping > 0) {
                    skipping--;
                }
            }
        }
        if (!open.isEmpty()) {
            throw new IllegalStateException("template: {{#" + open.get(open.size() - 1) + "}} is never closed");
        }
        out.append(text, from, text.length());
        return out.toString();
    }

    private static String fill(String text, Map<String, String> vars, String template) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = vars.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("template " + template + ": no value for {{" + m.group(1) + "}}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
