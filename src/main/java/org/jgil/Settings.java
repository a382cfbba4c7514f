package org.jgil;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The {@code jgil.*} system properties, all read and checked in one place when the lock starts.
 * A value that is not one of those accepted stops the start with an
 * {@link IllegalArgumentException} that names the property, the value and what is accepted;
 * nothing falls back to a default in silence.
 *
 * <table>
 * <caption>the properties</caption>
 * <tr><th>property</th><th>accepted</th><th>default</th></tr>
 * <tr><td>{@code jgil.policy}</td><td>{@code cpython}, {@code legacy}, {@code fifo},
 *     {@code io-priority}, {@code none}</td><td>{@code cpython}</td></tr>
 * <tr><td>{@code jgil.switchInterval}</td><td>a duration such as {@code 5ms}, {@code 200us},
 *     {@code 0.01s}: more than 0, at most 1 hour</td><td>{@code 5ms}</td></tr>
 * <tr><td>{@code jgil.fastpath}</td><td>{@code reserve}, {@code plain}, {@code fenced}</td>
 *     <td>{@code reserve}</td></tr>
 * <tr><td>{@code jgil.checked}, {@code jgil.stats}</td><td>{@code true}, {@code false}</td>
 *     <td>{@code false}</td></tr>
 * <tr><td>{@code jgil.stats.sample}</td><td>a power of two from 1 to 2^30</td><td>64</td></tr>
 * <tr><td>{@code jgil.warnHoldMs}</td><td>a whole number of milliseconds from 1 to
 *     9223372036854</td><td>200</td></tr>
 * <tr><td>{@code jgil.ticks}</td><td>a whole number from 1 to 2147483647 ({@code legacy})</td>
 *     <td>100</td></tr>
 * <tr><td>{@code jgil.ioMinHold}</td><td>a duration from 0 to 1 hour ({@code io-priority})</td>
 *     <td>{@code 50us}</td></tr>
 * <tr><td>{@code jgil.spin}</td><td>{@code adaptive}, {@code off}: whether a waiter spins briefly
 *     before it parks, while fewer threads wait than there are cores</td><td>{@code adaptive}</td></tr>
 * <tr><td>{@code jgil.isa}</td><td>{@code scalar}, {@code avx2}, {@code avx512}, {@code auto}</td>
 *     <td>{@code auto}</td></tr>
 * <tr><td>{@code jgil.kernels.autoThresholdMicros}</td><td>a whole number from 0 to
 *     9223372036854775</td><td>1</td></tr>
 * </table>
 *
 * <p>{@code jgil.library} (a path to libjgil) is read where the library is loaded, before the
 * lock exists. Boolean values and names are case-insensitive; surrounding blanks are ignored.
 */
public final class Settings {
    /** The policies, by the names {@code -Djgil.policy} and {@link Gil#setPolicy} take. */
    static final List<String> POLICIES = List.of("cpython", "legacy", "fifo", "io-priority", "none");
    static final List<String> FAST_PATHS = List.of("reserve", "plain", "fenced");
    static final List<String> SPINS = List.of("adaptive", "off");
    static final List<String> ISAS = List.of("scalar", "avx2", "avx512", "auto");
    /** The longest switch interval: beyond it, a waiter would in effect never ask for the lock. */
    static final Duration MAX_INTERVAL = Duration.ofHours(1);

    private static final String BOOLEANS = "true or false";

    final String policy;
    final Duration switchInterval; // null: the scheduler's default
    final String fastPath;
    final boolean checked;
    final boolean stats;
    final int statsSample;
    final long warnHoldNanos;
    final int ticks;
    final Duration ioMinHold;
    final boolean spin;
    final String isa; // null: not set (JGIL_ISA, then the best level)
    final long autoThresholdNanos;

    private static volatile Settings current;

    /** Reads every setting from {@code property} (a lookup such as {@link System#getProperty(String)}). */
    Settings(UnaryOperator<String> property) {
        policy = choice(property, "jgil.policy", "cpython", POLICIES);
        String interval = property.apply("jgil.switchInterval");
        switchInterval = interval == null ? null : switchInterval("jgil.switchInterval", interval);
        fastPath = choice(property, "jgil.fastpath", "reserve", FAST_PATHS);
        checked = bool(property, "jgil.checked");
        stats = bool(property, "jgil.stats");
        long sample = whole(property, "jgil.stats.sample", 64, 1, 1 << 30, "a power of two from 1 to 2^30");
        if (Long.bitCount(sample) != 1) {
            throw invalid("jgil.stats.sample", property.apply("jgil.stats.sample"), "a power of two from 1 to 2^30");
        }
        statsSample = (int) sample;
        long maxMillis = Long.MAX_VALUE / 1_000_000;
        warnHoldNanos = whole(property, "jgil.warnHoldMs", 200, 1, maxMillis,
                "a whole number of milliseconds from 1 to " + maxMillis) * 1_000_000;
        ticks = (int) whole(property, "jgil.ticks", LegacyScheduler.DEFAULT_TICKS, 1, Integer.MAX_VALUE,
                "a whole number from 1 to " + Integer.MAX_VALUE);
        String minHold = property.apply("jgil.ioMinHold");
        ioMinHold = minHold == null ? Duration.ofNanos(50_000) : duration("jgil.ioMinHold", minHold, true);
        spin = choice(property, "jgil.spin", "adaptive", SPINS).equals("adaptive");
        String isaName = property.apply("jgil.isa");
        isa = isaName == null || isaName.isBlank() ? null : choice(property, "jgil.isa", "auto", ISAS);
        long maxMicros = Long.MAX_VALUE / 1000;
        autoThresholdNanos = whole(property, "jgil.kernels.autoThresholdMicros", 1, 0, maxMicros,
                "a whole number of microseconds from 0 to " + maxMicros) * 1000;
    }

    /** The settings of this process, read from the system properties at the first call. */
    static Settings current() {
        Settings s = current;
        if (s == null) {
            synchronized (Settings.class) {
                s = current;
                if (s == null) {
                    s = new Settings(System::getProperty);
                    current = s;
                }
            }
        }
        return s;
    }

    /** {@code -Djgil.kernels.autoThresholdMicros} in nanoseconds: the work above which AUTO releases. */
    public static long kernelsAutoThresholdNanos() {
        return current().autoThresholdNanos;
    }

    /** {@code -Djgil.isa} in lower case, or null when it is not set (or blank). */
    public static String isa() {
        return current().isa;
    }

    /**
     * Checks one value as the property {@code name} would take it, for tools that set the
     * properties before the lock starts (the command line checks its options with it).
     *
     * @throws IllegalArgumentException naming the property, the value and what is accepted, or
     *     if {@code name} is not a property listed above
     */
    public static void check(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (!KNOWN.contains(name)) {
            throw new IllegalArgumentException("unknown setting " + name + "; known: " + String.join(", ", KNOWN));
        }
        new Settings(p -> p.equals(name) ? value : null);
    }

    /** The names of the settings {@link #check} knows, in the order of the table above. */
    public static List<String> names() {
        return KNOWN;
    }

    private static final List<String> KNOWN = List.of("jgil.policy", "jgil.switchInterval", "jgil.fastpath",
            "jgil.checked", "jgil.stats", "jgil.stats.sample", "jgil.warnHoldMs", "jgil.ticks", "jgil.ioMinHold",
            "jgil.spin", "jgil.isa", "jgil.kernels.autoThresholdMicros");

    /**
     * A duration from text such as {@code 5ms}, {@code 200us} or {@code 0.01s} (a number with no
     * unit is in seconds), from 0 to {@link #MAX_INTERVAL}.
     */
    static Duration parseDuration(String text) {
        return duration("duration", text, true);
    }

    /** A switch interval as a Duration: more than 0 and at most {@link #MAX_INTERVAL}. */
    static Duration checkSwitchInterval(Duration interval) {
        if (interval.isNegative() || interval.isZero() || interval.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException("switch interval " + interval + " is out of range: it must be "
                    + "more than 0 and at most " + MAX_INTERVAL.toMinutes() + " minutes");
        }
        return interval;
    }

    // ---------------------------------------------------------------- parsers

    private static IllegalArgumentException invalid(String name, String value, String accepted) {
        String what = name.startsWith("jgil.") ? "-D" + name + "=" + value : name + " '" + value + "'";
        return new IllegalArgumentException(what + " is not valid; accepted: " + accepted);
    }

    private static String choice(UnaryOperator<String> property, String name, String dflt, List<String> valid) {
        String raw = property.apply(name);
        if (raw == null) {
            return dflt;
        }
        String v = raw.trim().toLowerCase(Locale.ROOT);
        if (!valid.contains(v)) {
            throw invalid(name, raw, String.join(", ", valid));
        }
        return v;
    }

    private static boolean bool(UnaryOperator<String> property, String name) {
        String raw = property.apply(name);
        if (raw == null) {
            return false;
        }
        String v = raw.trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw invalid(name, raw, BOOLEANS);
        }
        return v.equals("true");
    }

    private static long whole(UnaryOperator<String> property, String name, long dflt, long min, long max,
            String accepted) {
        String raw = property.apply(name);
        if (raw == null) {
            return dflt;
        }
        long v;
        try {
            v = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw invalid(name, raw, accepted);
        }
        if (v < min || v > max) {
            throw invalid(name, raw, accepted);
        }
        return v;
    }

    private static Duration switchInterval(String name, String text) {
        Duration d = duration(name, text, false);
        if (d.compareTo(MAX_INTERVAL) > 0) {
            throw invalid(name, text, "a duration more than 0 and at most 1 hour, such as 5ms, 200us or 0.01s");
        }
        return d;
    }

    /** {@code 5ms}, {@code 200us}, {@code 0.01s} or {@code 2} (seconds); at most 1 hour. */
    private static Duration duration(String name, String text, boolean zeroAllowed) {
        String accepted = "a duration " + (zeroAllowed ? "from 0" : "more than 0")
                + " to 1 hour, such as 5ms, 200us or 0.01s";
        String t = text.trim().toLowerCase(Locale.ROOT);
        double scale = 1e9;
        if (t.endsWith("us")) {
            scale = 1e3;
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("ms")) {
            scale = 1e6;
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            t = t.substring(0, t.length() - 1);
        }
        double nanos;
        try {
            nanos = Double.parseDouble(t.trim()) * scale;
        } catch (NumberFormatException e) {
            throw invalid(name, text, accepted);
        }
        // NaN and infinities fail here too: every comparison with NaN is false.
        if (!(nanos >= 0 && nanos <= MAX_INTERVAL.toNanos()) || (!zeroAllowed && Math.round(nanos) == 0)) {
            throw invalid(name, text, accepted);
        }
        return Duration.ofNanos(Math.round(nanos));
    }
}
