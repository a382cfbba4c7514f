package org.jgil;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR events, so that JDK Mission Control shows the lock on its thread timeline. They are emitted
 * only on slow paths and by Java's released sections; with no recording running they cost a
 * disabled check. Record with {@code -XX:StartFlightRecording:filename=gil.jfr} and look for the
 * "jgil" category.
 *
 * <p>Until a recording has started in the process ({@link #recorderStarted()}), none of them is
 * made: the first event class a process loads sets JFR up, about 0.1 s, a stall the first waiter
 * or the first released section would pay (holding the lock, for a released foreign call).
 */
final class GilEvents {
    private GilEvents() {}

    /** True once JFR has been started in this process: a volatile read, with no JFR class set up. */
    static boolean recorderStarted() {
        return jdk.jfr.FlightRecorder.isInitialized();
    }

    /** True when a running recording takes {@code org.jgil.Released} events. */
    static boolean releasedSectionsRecorded() {
        return recorderStarted() && ReleasedProbe.EVENT.isEnabled();
    }

    /** Loaded only once a recording has started: see the class comment. */
    private static final class ReleasedProbe {
        /** Asked whether a recording wants released sections; never begun nor committed. */
        static final ReleasedSection EVENT = new ReleasedSection();
    }

    @Name("org.jgil.Wait")
    @Label("GIL Wait")
    @Category("jgil")
    @Description("A thread waited for the GIL (a contended acquire)")
    @StackTrace(false)
    static final class Wait extends Event {
        @Label("Policy")
        String policy;

        @Label("Returning From Released Section")
        boolean returning;

        @Label("Owner Thread Id At Start")
        long owner;
    }

    @Name("org.jgil.Released")
    @Label("GIL Released Section")
    @Category("jgil")
    @Description("Java code ran without the GIL (Gil.allowThreads)")
    @StackTrace(false)
    static final class ReleasedSection extends Event {}
}
