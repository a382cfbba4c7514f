package org.jgil.ext;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The system's C and C++ compiler as {@link NativeBuild} uses it: found on {@code PATH} (or named),
 * identified by what {@code --version} prints (part of a build's hash, so that a new compiler
 * rebuilds), run, and its first error turned into a {@link NativeBuildException}.
 */
final class Toolchain {
    /** gcc's and clang's "file:line[:column]: [fatal ]error: message". */
    private static final Pattern ERROR = Pattern.compile(
            "^(?<file>[^:\\n]+):(?<line>\\d+):(?:\\d+:)? (?:fatal )?error: (?<message>.*)$", Pattern.MULTILINE);

    private static final Map<Path, String> IDENTITIES = new ConcurrentHashMap<>();
    private static final AtomicInteger RUNS = new AtomicInteger();

    private Toolchain() {}

    /** Output and exit status of one compiler run. */
    record Run(int exitCode, String output) {}

    /** How many times a compiler ran in this JVM (identity probes excluded): tests count cache hits by it. */
    static int runs() {
        return RUNS.get();
    }

    /**
     * The compiler to use: {@code explicit} if given, else the system property, else the environment
     * variable ({@code CC} or {@code CXX}), else {@code cc} or {@code c++} on {@code PATH}.
     */
    static Path find(String explicit, boolean cxx) {
        String property = cxx ? "jgil.cxx" : "jgil.cc";
        String variable = cxx ? "CXX" : "CC";
        String name;
        String from;
        if (explicit != null && !explicit.isBlank()) {
            name = explicit;
            from = "named by NativeBuild.compiler()";
        } else if (!System.getProperty(property, "").isBlank()) {
            name = System.getProperty(property);
            from = "named by -D" + property;
        } else if (System.getenv(variable) != null && !System.getenv(variable).isBlank()) {
            name = System.getenv(variable);
            from = "named by $" + variable;
        } else {
            name = cxx ? "c++" : "cc";
            from = "the default " + (cxx ? "C++" : "C") + " compiler";
        }
        String path = System.getenv("PATH");
        Path found = onPath(name.strip(), path);
        if (found == null) {
            throw new NativeBuildException("no " + (cxx ? "C++" : "C") + " compiler: '" + name + "' (" + from
                    + ") " + (name.contains(File.separator) ? "is not an executable file"
                            : "is not on PATH (" + (path == null ? "PATH is not set" : path) + ")")
                    + ". NativeBuild compiles with the system's compiler: install gcc or clang (Debian, Ubuntu:"
                    + " apt-get install " + (cxx ? "g++" : "gcc") + "), or name one with"
                    + " NativeBuild.compiler(\"/path/to/gcc\"), -D" + property + "=PATH or $" + variable + ".");
        }
        return found;
    }

    /** {@code name} itself if it names a file (it has a separator), else its first match on {@code path}. */
    static Path onPath(String name, String path) {
        if (name.isEmpty()) {
            return null;
        }
        if (name.contains(File.separator)) {
            Path file = Path.of(name).toAbsolutePath();
            return Files.isRegularFile(file) && Files.isExecutable(file) ? file : null;
        }
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path file = Path.of(dir, name);
            if (Files.isRegularFile(file) && Files.isExecutable(file)) {
                return file.toAbsolutePath();
            }
        }
        return null;
    }

    /** What {@code compiler --version} prints, asked once per JVM. */
    static String identity(Path compiler) {
        return IDENTITIES.computeIfAbsent(compiler, c -> {
            try {
                Run run = exec(List.of(c.toString(), "--version"), null);
                return run.output();
            } catch (IOException e) {
                throw new NativeBuildException("cannot run the compiler " + c + ": " + e, e);
            }
        });
    }

    /** Runs a compiler command and counts it. */
    static Run compile(List<String> command, Path dir) throws IOException {
        RUNS.incrementAndGet();
        return exec(command, dir);
    }

    private static Run exec(List<String> command, Path dir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        p.getOutputStream().close();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            return new Run(p.waitFor(), output);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the compiler ran", e);
        }
    }

    /**
     * The exception for a failed compiler run: the first error ({@code file:line: error: ...}) and
     * the line of source it names, then the whole output. {@code names} maps the files the compiler
     * saw to the names the user gave them (sources given as strings are written under a build directory).
     */
    static NativeBuildException failure(Run run, Map<String, String> names) {
        String output = run.output();
        for (Map.Entry<String, String> e : names.entrySet()) {
            output = output.replace(e.getKey(), e.getValue());
        }
        Matcher m = ERROR.matcher(output);
        if (!m.find()) {
            return new NativeBuildException("the compiler failed (exit status " + run.exitCode() + "):\n" + output,
                    output, null, -1, null);
        }
        String shown = m.group("file");
        int line = Integer.parseInt(m.group("line"));
        String seen = shown;
        for (Map.Entry<String, String> e : names.entrySet()) {
            if (e.getValue().equals(shown)) {
                seen = e.getKey();
            }
        }
        StringBuilder message = new StringBuilder()
                .append(shown).append(':').append(line).append(": error: ").append(m.group("message"));
        String text = sourceLine(Path.of(seen), line);
        if (text != null) {
            message.append("\n    ").append(text.strip());
        }
        message.append("\ncompiler output:\n").append(output);
        return new NativeBuildException(message.toString(), output, shown, line, null);
    }

    private static String sourceLine(Path file, int line) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return line >= 1 && line <= lines.size() ? lines.get(line - 1) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
