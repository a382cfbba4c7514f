package org.jgil.bench;

import org.jgil.Gil;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** JMH state: the benchmark thread holds the lock for the whole trial, as managed code would. */
@State(Scope.Thread)
public class HoldingGil {
    @Setup(Level.Trial)
    public void take() {
        Gil.acquire();
    }

    @TearDown(Level.Trial)
    public void give() {
        Gil.release();
    }
}
