package org.jgil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a class of the test class path in a child JVM that finds libjgil and libjgiltest as this
 * one does ({@code java.library.path}, {@code -Djgil.library}, {@code -Djgil.test.library}), and
 * collects its output and fate: for the tests of what only a whole JVM shows (-Xcheck:jni,
 * shutdown, crashes).
 */
final class ChildJvm {
    /** How a child ended: exit code (or null if it had to be killed), its output, the hs_err files it left. */
    record Result(Integer exitCode, String output, List<Path> crashLogs, Duration elapsed) {
        boolean timedOut() {
            return exitCode == null;
        }
    }

    private ChildJvm() {}

    static Result run(Duration bound, List<String> jvmOptions, Class<?> main, String... args)
            throws IOException, InterruptedException {
        return run(bound, java.util.Map.of(), jvmOptions, main, args);
    }

    /** The same, with extra environment variables for the child. */
    static Result run(Duration bound, java.util.Map<String, String> env, List<String> jvmOptions, Class<?> main,
            String... args) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("jgil-child-");
        Path out = dir.resolve("output.txt");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // As the test JVM runs: JDK 22+ would otherwise warn on loading libjgil (JDK 17 accepts it too).
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        for (String p : new String[] {"java.library.path", "jgil.library", "jgil.test.library"}) {
            String v = System.getProperty(p);
            if (v != null && !v.isEmpty()) {
                cmd.add("-D" + p + "=" + v);
            }
        }
        cmd.add("-XX:ErrorFile=" + dir.resolve("hs_err_pid%p.log"));
        cmd.addAll(jvmOptions);
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        Integer code = null;
        if (p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            code = p.exitValue();
        } else {
            // Ask for a thread dump first, so that the failure says where it hung.
            new ProcessBuilder("kill", "-3", Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
            Thread.sleep(1000);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        List<Path> crashes = new ArrayList<>();
        try (var files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().startsWith("hs_err")).forEach(crashes::add);
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        if (crashes.isEmpty() && code != null) {
            // Nothing to look at later: leave no directory behind. A crash or a hang keeps it.
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        return new Result(code, text, crashes, elapsed);
    }
}
