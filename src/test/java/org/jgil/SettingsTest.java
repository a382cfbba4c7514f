package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every {@code jgil.*} setting is checked in one place ({@link Settings}), and a wrong value stops
 * the start with a message that names the property, the value and what is accepted. Before, most
 * of them fell back to a default or were clamped in silence ({@code jgil.checked=maybe} meant off,
 * {@code jgil.stats.sample=3} meant 2, {@code jgil.kernels.autoThresholdMicros=9223372036854775807}
 * overflowed to a negative threshold).
 */
@Timeout(120)
class SettingsTest {
    private static Settings parse(String name, String value) {
        return new Settings(Map.of(name, value)::get);
    }

    @ParameterizedTest(name = "-D{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "jgil.checked|maybe|true or false",
        "jgil.checked|1|true or false",
        "jgil.stats|yes|true or false",
        "jgil.stats.sample|0|power of two",
        "jgil.stats.sample|-1|power of two",
        "jgil.stats.sample|3|power of two",
        "jgil.stats.sample|abc|power of two",
        "jgil.stats.sample|2147483648|power of two",
        "jgil.warnHoldMs|-5|milliseconds from 1",
        "jgil.warnHoldMs|abc|milliseconds from 1",
        "jgil.warnHoldMs|9223372036855|milliseconds from 1",
        "jgil.kernels.autoThresholdMicros|abc|microseconds from 0",
        "jgil.kernels.autoThresholdMicros|-1|microseconds from 0",
        "jgil.kernels.autoThresholdMicros|9223372036854775807|microseconds from 0",
        "jgil.policy|bogus|cpython, legacy, fifo, io-priority, none",
        "jgil.fastpath|bogus|reserve, plain, fenced",
        "jgil.switchInterval|abc|such as 5ms",
        "jgil.switchInterval|-1ms|such as 5ms",
        "jgil.switchInterval|0|more than 0",
        "jgil.switchInterval|0.1ns|such as 5ms",
        "jgil.switchInterval|2h|such as 5ms",
        "jgil.switchInterval|3601s|to 1 hour",
        "jgil.switchInterval|NaN|such as 5ms",
        "jgil.switchInterval|Infinity|such as 5ms",
        "jgil.ticks|0|from 1",
        "jgil.ticks|abc|from 1",
        "jgil.ioMinHold|-1us|from 0",
        "jgil.isa|sse9|scalar, avx2, avx512, auto",
        "jgil.spin|on|adaptive, off",
    })
    void aWrongValueIsRefusedWithAMessageThatSaysWhatIsAccepted(String name, String value, String accepted) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(name, value));
        String m = e.getMessage();
        assertTrue(m.contains("-D" + name + "=" + value), "names the property and the value: " + m);
        assertTrue(m.contains("accepted: ") && m.contains(accepted), "says what is accepted: " + m);
        assertThrows(IllegalArgumentException.class, () -> Settings.check(name, value), "the tools' check agrees");
    }

    @Test
    void goodValuesAreTakenAndAbsentOnesAreTheDefaults() {
        Settings d = new Settings(p -> null);
        assertEquals("cpython", d.policy);
        assertNull(d.switchInterval);
        assertEquals("reserve", d.fastPath);
        assertFalse(d.checked);
        assertFalse(d.stats);
        assertEquals(64, d.statsSample);
        assertEquals(200_000_000L, d.warnHoldNanos);
        assertEquals(LegacyScheduler.DEFAULT_TICKS, d.ticks);
        assertEquals(Duration.ofNanos(50_000), d.ioMinHold);
        assertNull(d.isa);
        assertEquals(1000, d.autoThresholdNanos);
        assertTrue(d.spin);

        assertTrue(parse("jgil.checked", " TRUE ").checked);
        assertFalse(parse("jgil.stats", "false").stats);
        assertEquals(1, parse("jgil.stats.sample", "1").statsSample);
        assertEquals(1 << 30, parse("jgil.stats.sample", "1073741824").statsSample);
        assertEquals(Duration.ofMillis(1), parse("jgil.switchInterval", "1ms").switchInterval);
        assertEquals(Duration.ofMillis(10), parse("jgil.switchInterval", "0.01s").switchInterval);
        assertEquals(Duration.ofHours(1), parse("jgil.switchInterval", "3600").switchInterval);
        assertEquals(Duration.ZERO, parse("jgil.ioMinHold", "0us").ioMinHold);
        assertEquals("io-priority", parse("jgil.policy", "IO-Priority").policy);
        assertEquals("avx2", parse("jgil.isa", "AVX2").isa);
        assertFalse(parse("jgil.spin", " OFF ").spin);
        assertTrue(parse("jgil.spin", "adaptive").spin);
        assertEquals(0, parse("jgil.kernels.autoThresholdMicros", "0").autoThresholdNanos);
        assertEquals(9223372036854775L * 1000,
                parse("jgil.kernels.autoThresholdMicros", "9223372036854775").autoThresholdNanos);
    }

    @Test
    void anUnknownSettingIsNotCheckedSilently() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.check("jgil.chekced", "true"));
        assertTrue(e.getMessage().contains("jgil.chekced") && e.getMessage().contains("jgil.checked"), e.getMessage());
    }

    @Test
    void aSwitchIntervalTooLongForNanosecondsIsAnIllegalArgument() {
        Duration before = Gil.switchInterval();
        for (Duration bad : List.of(Duration.ofSeconds(Long.MAX_VALUE), Duration.ofHours(2), Duration.ZERO,
                Duration.ofNanos(-1))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gil.setSwitchInterval(bad),
                    "setSwitchInterval(" + bad + ")");
            assertTrue(e.getMessage().contains("at most 60 minutes"), e.getMessage());
        }
        assertEquals(before, Gil.switchInterval(), "a refused interval changes nothing");
        assertThrows(IllegalArgumentException.class, () -> Gil.setSwitchInterval("1e300s"));
    }

    /** The whole way: the JVM's first use of the lock fails, naming the property. */
    @ParameterizedTest
    @CsvSource({"jgil.checked,maybe", "jgil.stats.sample,3", "jgil.kernels.autoThresholdMicros,9223372036854775807"})
    void aWrongValueStopsTheStart(String name, String value) throws Exception {
        ChildJvm.Result r = ChildJvm.run(Duration.ofSeconds(60), List.of("-D" + name + "=" + value),
                SettingsMain.class);
        assertFalse(r.timedOut(), r.output());
        assertTrue(r.exitCode() != 0, "the start must fail:\n" + r.output());
        assertFalse(r.output().contains("lock taken"), "nothing may run with a wrong setting:\n" + r.output());
        assertTrue(r.output().contains("-D" + name + "=" + value + " is not valid; accepted: "), r.output());
    }
}
