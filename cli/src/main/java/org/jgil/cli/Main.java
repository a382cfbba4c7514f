package org.jgil.cli;

import java.io.PrintWriter;
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
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("jgil " + cmd.getCommandName() + ": " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
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
            Package p = Main.class.getPackage();
            return new String[] {"jgil " + (p.getImplementationVersion() == null ? "0.1.0" : p.getImplementationVersion())};
        }
    }
}
