package org.jgil.kernels;

import java.util.Locale;

/**
 * The instruction sets the vector kernels come in, chosen at run time for the CPU.
 *
 * <p>The native library is built for any x86-64; each vectorised kernel carries an AVX-512, an
 * AVX2+FMA and a portable (baseline SSE2) variant, and the best one the CPU and the operating
 * system support is used. The level can be lowered, never raised above what was detected: at
 * start with {@code -Djgil.isa=scalar|avx2|avx512} (or the environment variable {@code JGIL_ISA}
 * when the property is not set), or at run time with {@link #select(Isa)}.
 */
public enum Isa {
    /** Portable code for baseline x86-64: any CPU. */
    SCALAR("scalar"),
    /** AVX2 with FMA (256-bit vectors). */
    AVX2("avx2"),
    /** AVX-512 F/DQ/VL (512-bit vectors, mask registers). */
    AVX512("avx512");

    private final String label;

    Isa(String label) {
        this.label = label;
    }

    /** The lower-case name, as {@code -Djgil.isa} takes it. */
    public String label() {
        return label;
    }

    /** The best level this CPU and OS support. */
    public static Isa best() {
        KernelNative.ensureLoaded();
        return values()[KernelNative.bestIsa()];
    }

    /** The level the kernels use now. */
    public static Isa active() {
        KernelNative.ensureLoaded();
        return values()[KernelNative.activeIsa()];
    }

    /**
     * Makes the kernels use {@code isa}, or the best supported level below it. Affects every
     * thread; meant for start-up, tests and benchmarks.
     *
     * @return the level now in force
     */
    public static Isa select(Isa isa) {
        java.util.Objects.requireNonNull(isa, "isa");
        KernelNative.ensureLoaded();
        int level = KernelNative.setIsa(isa.ordinal());
        Cost.level = level;
        return values()[level];
    }

    /** Whether this CPU can run {@code this} level. */
    public boolean isSupported() {
        return ordinal() <= best().ordinal();
    }

    /**
     * The CPU features that matter to the kernels, e.g. {@code "sse2 sse4.2 avx avx2 fma avx512f
     * avx512dq avx512vl avx512bw"}, followed by the level in use: {@code "...; using avx512"}.
     */
    public static String cpuFeatures() {
        KernelNative.ensureLoaded();
        return KernelNative.cpuFeatures() + "; using " + active().label;
    }

    /**
     * Parses {@code scalar}, {@code avx2} or {@code avx512}, case-insensitively.
     *
     * @throws IllegalArgumentException naming the valid levels
     */
    public static Isa parse(String name) {
        java.util.Objects.requireNonNull(name, "name");
        for (Isa isa : values()) {
            if (isa.label.equalsIgnoreCase(name.trim())) {
                return isa;
            }
        }
        throw new IllegalArgumentException("unknown instruction set '" + name + "'; valid: scalar, avx2, avx512");
    }

    /** Applies {@code -Djgil.isa}, else {@code JGIL_ISA}; called once when the library loads. */
    static void configure() {
        String wanted = org.jgil.Settings.isa();
        String source = "-Djgil.isa";
        if (wanted == null || wanted.isBlank()) {
            wanted = System.getenv("JGIL_ISA");
            source = "JGIL_ISA";
        }
        configure(wanted, source);
    }

    /** Applies {@code wanted} (null, blank or {@code auto}: the best level), naming {@code source} in errors. */
    static void configure(String wanted, String source) {
        if (wanted == null || wanted.isBlank() || wanted.toLowerCase(Locale.ROOT).equals("auto")) {
            return;
        }
        Isa isa;
        try {
            isa = parse(wanted);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
        Cost.level = KernelNative.setIsa(isa.ordinal());
    }

    @Override
    public String toString() {
        return label;
    }
}
