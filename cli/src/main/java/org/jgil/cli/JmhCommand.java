package org.jgil.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Hands its arguments to JMH's own command line, for runs that need JMH's full set of options. */
@Command(name = "jmh", description = "Run JMH directly with JMH's arguments, e.g. 'jgil jmh CallCost -f 1'.")
final class JmhCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ARG", description = "Arguments for JMH (try -h).")
    List<String> args = List.of();

    @Override
    public Integer call() throws Exception {
        org.openjdk.jmh.Main.main(args.toArray(new String[0]));
        return 0;
    }
}
