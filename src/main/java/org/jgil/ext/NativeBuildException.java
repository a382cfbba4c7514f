package org.jgil.ext;

/**
 * A build that {@link NativeBuild} could not finish: the C or C++ compiler or javac rejected a
 * source, no compiler was found, or the built library did not load. For a compiler error the
 * message starts with the first error as {@code file:line: error: ...} followed by that source
 * line, and {@link #compilerOutput()} holds everything the compiler printed.
 */
public class NativeBuildException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String compilerOutput;
    private final String file;
    private final int line;

    NativeBuildException(String message, String compilerOutput, String file, int line, Throwable cause) {
        super(message, cause);
        this.compilerOutput = compilerOutput == null ? "" : compilerOutput;
        this.file = file;
        this.line = line;
    }

    NativeBuildException(String message) {
        this(message, null, null, -1, null);
    }

    NativeBuildException(String message, Throwable cause) {
        this(message, null, null, -1, cause);
    }

    /** What the compiler (or javac) printed, in full; empty if no compiler ran. */
    public String compilerOutput() {
        return compilerOutput;
    }

    /** The file of the first error as the compiler named it, or null if none was named. */
    public String file() {
        return file;
    }

    /** The line of the first error (1-based), or -1 if none was named. */
    public int line() {
        return line;
    }
}
