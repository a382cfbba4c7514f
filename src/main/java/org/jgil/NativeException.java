package org.jgil;

/**
 * A C++ exception that a native kernel threw, translated by {@code jgil::call_released} (or
 * {@code JGIL_TRY_RELEASED}) after the lock was taken back. The C++ exceptions with a Java
 * counterpart become that instead: {@code std::bad_alloc} an {@link OutOfMemoryError},
 * {@code std::invalid_argument} an {@link IllegalArgumentException}, {@code std::out_of_range} an
 * {@link IndexOutOfBoundsException}, {@code jgil::cancelled} a {@link NativeCancelledException}.
 * Every other {@code std::exception} and anything else thrown ({@code catch (...)}) becomes this.
 */
public class NativeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String nativeType;
    private final String site;

    /**
     * @param nativeType the demangled C++ type of what was thrown, e.g. {@code std::runtime_error}
     *     ({@code "unknown"} when not even the type is known)
     * @param nativeMessage its {@code what()}, or null when it was not a {@code std::exception}
     * @param site the native function that made the call, or null
     */
    public NativeException(String nativeType, String nativeMessage, String site) {
        super(nativeType + (nativeMessage == null ? "" : ": " + nativeMessage)
                + (site == null ? "" : " (in " + site + ")"));
        this.nativeType = nativeType;
        this.site = site;
    }

    /** The demangled C++ type of the exception, e.g. {@code std::runtime_error}. */
    public String nativeType() {
        return nativeType;
    }

    /** The native function that made the call, or null if unknown. */
    public String site() {
        return site;
    }
}
