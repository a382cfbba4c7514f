package org.jgil.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** Hands its arguments to JMH's own command line, for runs that need JMH's full set of options. */
@Command(name = "jmh", description = {"Run JMH with JMH's own arguments, e.g. 'jgil jmh CallCost -f 1 -wi 3'.",
    "Benchmarks: CallCost (per-call costs), FfmDowncall (the same for FFM, JDK 22+), Contended, StatsCost;",
    "'jgil jmh -h' lists JMH's options."})
final class JmhCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        org.openjdk.jmh.Main.main(args.toArray(new String[0]));
        return 0;
    }
}
