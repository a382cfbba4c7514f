package org.jgil.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jgil.bench.FfmDowncallBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** Hands its arguments to JMH's own command line, for runs that need JMH's full set of options. */
@Command(name = "jmh", description = {"Run JMH with JMH's own arguments, e.g. 'jgil jmh CallCost -f 1 -wi 3'.",
    "Benchmarks: CallCost (per-call costs), FfmDowncall (the same for FFM, JDK 22+), Contended, StatsCost;",
    "'jgil jmh -h' lists JMH's options."})
final class JmhCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<String> jmh = new ArrayList<>(args);
        String noFfm = FfmDowncallBenchmark.unavailable();
        if (noFfm != null) { // else its every trial fails in setup, one stack trace each
            jmh.addAll(List.of("-e", FfmDowncallBenchmark.class.getSimpleName()));
            spec.commandLine().getErr().println("jgil jmh: FfmDowncall left out: " + noFfm + ".");
        }
        org.openjdk.jmh.Main.main(jmh.toArray(new String[0]));
        return 0;
    }
}
