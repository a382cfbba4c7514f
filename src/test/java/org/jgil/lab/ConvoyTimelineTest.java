package org.jgil.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The attribution of slow re-takes, on a scripted timeline (times in microseconds, as nanoseconds). */
class ConvoyTimelineTest {
    private static long us(long micros) {
        return micros * 1000;
    }

    @Test
    void eachSlowRetakeGoesToWhereItsTimeWent() {
        // Five operations, each re-take starting at ioDone and ending at ioBack:
        // 0: fast (10 us);
        // 1: 300 us, the holder stalled 250 us before handing over at +280: holder stalled;
        // 2: 300 us, handed over at +250 with no stall: holder late (the lock's rule or path);
        // 3: 300 us, handed over at +20, the waiter ran at +300: waiter late;
        // 4: 300 us with no handover inside it: unmatched.
        long[] done = {us(1_000), us(2_000), us(3_000), us(4_000), us(5_000)};
        long[] back = {us(1_010), us(2_300), us(3_300), us(4_300), us(5_300)};
        long[] start = {us(900), us(1_900), us(2_900), us(3_900), us(4_900)};
        long[] handoverStart = {us(1_005), us(2_280), us(3_250), us(4_020), us(6_000)};
        long[] handoverEnd = {us(1_020), us(2_310), us(3_310), us(4_310), us(6_010)};
        long[] stallStart = {us(2_010)};
        long[] stallEnd = {us(2_260)};
        ConvoyTimeline t = new ConvoyTimeline(start, done, back, handoverStart, handoverEnd, stallStart, stallEnd);
        ConvoyTimeline.Tail tail = t.tail(100);
        assertEquals(5, tail.operations());
        assertEquals(4, tail.slow());
        assertEquals(1, tail.holderStalled());
        assertEquals(1, tail.holderLate());
        assertEquals(1, tail.waiterLate());
        assertEquals(1, tail.unmatched());
        assertEquals(280, tail.toHandoverP99Micros(), 1e-9);
        assertEquals(280, tail.afterHandoverP99Micros(), 1e-9);
    }
}
