package org.jgil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code jgil new} end to end: the project it writes builds and passes its tests with no edit. Run at
 * integration-test (pom.xml), once this build has resolved every plugin the new project needs too.
 */
class NewProjectBuildTest {
    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /**
     * A new project passes its own tests at once, offline, with no edit: {@code mvn -B -o verify} against
     * the local repository this build uses (the one that holds the jgil just built).
     */
    @Test
    void aNewProjectBuildsAndPassesItsTestsOffline() throws Exception {
        Path dir = Path.of("target/new-project/vecops").toAbsolutePath();
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        StringWriter err = new StringWriter();
        assertEquals(0, run(new StringWriter(), err, "new", "vecops", "--dir", dir.toString()), err.toString());

        String mavenHome = System.getProperty("jgil.test.mavenHome", "");
        String mvn = mavenHome.isBlank() ? "mvn" : Path.of(mavenHome, "bin", "mvn").toString();
        // Offline, against the local repository this build uses. Under maven-invoker-plugin that one
        // was filled from a repository of another id, which an offline build would not trust for
        // what it fetched: another tracking file name makes every artifact there count as present.
        List<String> cmd = new ArrayList<>(List.of(mvn, "-B", "-o", "verify",
                "-Daether.enhancedLocalRepository.trackingFilename=_jgil_offline.repositories"));
        String repo = System.getProperty("jgil.test.localRepository", "");
        if (!repo.isBlank()) {
            cmd.add("-Dmaven.repo.local=" + repo);
        }
        Path log = dir.resolveSibling("vecops-build.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MAVEN_OPTS");
        long start = System.nanoTime();
        Process p = pb.start();
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        String out = Files.readString(log);
        assertTrue(done, "the new project's build did not finish in 5 minutes; see " + log);
        assertEquals(0, p.exitValue(), "the new project's build failed (" + String.join(" ", cmd) + " in " + dir
                + ", log " + log + "):\n" + tail(out));
        assertTrue(out.contains("Tests run: 7, Failures: 0, Errors: 0, Skipped: 0"), tail(out));
        System.out.println("jgil new: the new project built and passed its tests in " + seconds + " s");
    }

    private static String tail(String text) {
        String[] lines = text.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 60), lines.length));
    }
}
