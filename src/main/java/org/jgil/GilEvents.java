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
 */
final class GilEvents {
    private GilEvents() {}

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
