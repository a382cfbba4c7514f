package org.jgil.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jgil.kernels.Kernel;
import org.jgil.kernels.Kernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "kernels", mixinStandardHelpOptions = true, description = "List the kernels and what each measures.")
final class KernelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        TextTable table = new TextTable("kernel", "measures");
        for (Kernel k : Kernels.all()) {
            table.row(k.name(), k.description());
        }
        table.print(out);
        return 0;
    }
}
