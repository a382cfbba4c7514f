package org.jgil.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jgil.lab.Convoy;
import org.jgil.lab.ConvoyTimeline;

/**
 * The convoy's timelines: where the slow re-takes of the lock went (the holder had not handed over
 * yet, stalled or not; or the waiter, handed the lock, was not running yet), as a table, and the
 * phases themselves as Chrome trace JSON, one process per policy and I/O kind (the last trial).
 */
final class ConvoyTrace {
    /** The re-take the targets are about: anything slower is in the tail. */
    static final double TAIL_MICROS = 100;

    private ConvoyTrace() {}

    /** One row per policy and I/O kind, every trial's slow re-takes together. */
    static TextTable tails(Map<String, List<Convoy.Result>> byPolicy) {
        TextTable t = new TextTable("policy", "I/O", "re-takes", "> 100 us", "holder stalled", "holder late",
                "waiter late", "unmatched", "to handover p99", "after handover p99");
        for (Map.Entry<String, List<Convoy.Result>> e : byPolicy.entrySet()) {
            List<Convoy.Result> runs = e.getValue();
            for (int k = 0; k < runs.get(0).io().size(); k++) {
                int ops = 0;
                int slow = 0;
                int stalled = 0;
                int late = 0;
                int waiter = 0;
                int unmatched = 0;
                double to = Double.NaN;
                double after = Double.NaN;
                for (Convoy.Result r : runs) {
                    ConvoyTimeline timeline = r.io().get(k).timeline();
                    if (timeline == null) {
                        continue;
                    }
                    ConvoyTimeline.Tail tail = timeline.tail(TAIL_MICROS);
                    ops += tail.operations();
                    slow += tail.slow();
                    stalled += tail.holderStalled();
                    late += tail.holderLate();
                    waiter += tail.waiterLate();
                    unmatched += tail.unmatched();
                    to = max(to, tail.toHandoverP99Micros());
                    after = max(after, tail.afterHandoverP99Micros());
                }
                t.row(e.getKey(), runs.get(0).io().get(k).kind().name().toLowerCase(Locale.ROOT), ops, slow,
                        stalled, late, waiter, unmatched, LabCommand.us(to), LabCommand.us(after));
            }
        }
        return t;
    }

    private static double max(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }

    /** Writes the last trial of each policy, each I/O kind as one process with two threads. */
    static void write(Path file, Map<String, List<Convoy.Result>> byPolicy) {
        List<Map<String, Object>> events = new ArrayList<>();
        int pid = 0;
        for (Map.Entry<String, List<Convoy.Result>> e : byPolicy.entrySet()) {
            Convoy.Result last = e.getValue().get(e.getValue().size() - 1);
            for (Convoy.IoResult io : last.io()) {
                ConvoyTimeline tl = io.timeline();
                if (tl == null || tl.ioStart().length == 0) {
                    continue;
                }
                pid++;
                long origin = tl.ioStart()[0];
                String process = e.getKey() + " " + io.kind().name().toLowerCase(Locale.ROOT);
                events.add(Tracer.meta("process_name", pid, 0, process));
                events.add(Tracer.meta("process_sort_index", pid, 0, pid));
                events.add(Tracer.meta("thread_name", pid, 1, "I/O thread"));
                events.add(Tracer.meta("thread_name", pid, 2, "CPU thread"));
                for (int i = 0; i < tl.ioStart().length; i++) {
                    events.add(Tracer.span("I/O (released)", pid, 1, tl.ioStart()[i] - origin,
                            tl.ioDone()[i] - tl.ioStart()[i]));
                    events.add(Tracer.span("taking the lock back", pid, 1, tl.ioDone()[i] - origin,
                            tl.ioBack()[i] - tl.ioDone()[i]));
                }
                for (int i = 0; i < tl.handoverStart().length; i++) {
                    events.add(Tracer.span("handed over, waiting", pid, 2, tl.handoverStart()[i] - origin,
                            tl.handoverEnd()[i] - tl.handoverStart()[i]));
                }
                for (int i = 0; i < tl.stallStart().length; i++) {
                    events.add(Tracer.span("stalled holding the lock", pid, 2, tl.stallStart()[i] - origin,
                            tl.stallEnd()[i] - tl.stallStart()[i]));
                }
            }
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("traceEvents", events);
        doc.put("displayTimeUnit", "ns");
        Map<String, Object> about = new LinkedHashMap<>(MachineInfo.describe());
        about.put("note", "the convoy's phase beside the CPU thread, last trial of each policy: the I/O thread's "
                + "operations (released) and re-takes; the CPU thread's checkpoints that handed the lock over, and "
                + "its units of work that stalled (descheduled or stopped at a safepoint) while it held the lock");
        doc.put("otherData", about);
        Json.write(file, doc);
    }
}
