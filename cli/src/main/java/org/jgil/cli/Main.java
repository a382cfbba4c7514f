package org.jgil.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jgil} command: runs and measures jgil's kernels, the lock, and the GIL experiments. */
@Command(name = "jgil",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Measure native kernels called from Java threads under a global lock (a GIL):",
            "held across the call, released around it (JGIL_BEGIN/END_ALLOW_THREADS), or pure Java."},
        subcommands = {
            DemoCommand.class,
            BenchCommand.class,
            HarnessCommand.class,
            CrossoverCommand.class,
            CPythonCommand.class,
            OverheadCommand.class,
            KernelsCommand.class,
            LabCommand.class,
            JmhCommand.class,
            NewCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler(Main::oneLineError);
        cli.setExecutionStrategy(parsed -> {
            checkOptions(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
                return 2;
            }
            if (e instanceof IOException || e instanceof UncheckedIOException
                    || e instanceof GlobalOptions.LockCannotStart) {
                cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli;
    }

    /**
     * What the settings and every command's options must satisfy before anything runs: each
     * {@code -Djgil.*} property is one the lock takes, durations in seconds are
     * finite and positive ({@code --warmup-s} may be 0), {@code --switch-interval} is one the lock
     * takes, and every output path can be written (its folder exists or can be created).
     */
    private static void checkOptions(CommandLine.ParseResult parsed) {
        // -Djgil.* given to the JVM: checked now, or the lock would fail to start half-way.
        for (String name : org.jgil.Settings.names()) {
            String value = System.getProperty(name);
            if (value != null) {
                try {
                    org.jgil.Settings.check(name, value);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(parsed.commandSpec().commandLine(), e.getMessage());
                }
            }
        }
        for (CommandLine.ParseResult r = parsed; r != null; r = r.subcommand()) {
            for (CommandLine.Model.OptionSpec o : r.matchedOptions()) {
                String name = o.longestName();
                Object value = o.getValue();
                String problem = null;
                if (value instanceof Double && name.endsWith("-s")) {
                    double v = (Double) value;
                    boolean zeroAllowed = name.equals("--warmup-s");
                    if (!Double.isFinite(v) || v < 0 || (v == 0 && !zeroAllowed)) {
                        problem = "must be a number of seconds " + (zeroAllowed ? ">= 0" : "> 0") + ", got " + v;
                    }
                } else if (value instanceof Path) {
                    problem = unwritable((Path) value, "DIR".equals(o.paramLabel()));
                } else if (name.equals("--switch-interval") && value != null) {
                    try {
                        org.jgil.Settings.check("jgil.switchInterval", value.toString());
                    } catch (IllegalArgumentException e) {
                        problem = "'" + value + "' is not valid: a duration more than 0 and at most 1 hour, such as "
                                + "5ms, 200us or 0.01s";
                    }
                }
                if (problem != null) {
                    throw new CommandLine.ParameterException(r.commandSpec().commandLine(), name + " " + problem);
                }
            }
        }
    }

    /** Why {@code path} cannot be written (as a folder if {@code dir}), or null if it can. */
    static String unwritable(Path path, boolean dir) {
        Path p = path.toAbsolutePath().normalize();
        if (Files.exists(p)) {
            if (dir != Files.isDirectory(p)) {
                return path + (dir ? " is not a folder" : " is a folder");
            }
            return Files.isWritable(p) ? null : path + " cannot be written (no permission)";
        }
        // Missing folders are created on the way: the nearest existing one must take new entries.
        Path existing = p.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return null;
        }
        if (!Files.isDirectory(existing)) {
            return path + " cannot be created: " + existing + " is a file";
        }
        return Files.isWritable(existing) ? null : path + " cannot be created: " + existing + " is not writable";
    }

    /** Bad options and values: one line that says what was wrong and where the help is. */
    private static int oneLineError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("jgil: " + e.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        return 2;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            // The jar's manifest carries the version; classes run from a build directory have none.
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"jgil " + (version == null ? "(development build)" : version)};
        }
    }
}
