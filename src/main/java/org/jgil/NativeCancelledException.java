package org.jgil;

import java.util.concurrent.CancellationException;

/**
 * A native call ended early because its thread was interrupted ({@link Thread#interrupt()}) while
 * the kernel ran in a released section. The thread's interrupt status stays set, as it was when
 * the kernel saw it. Thrown by {@code jgil_throw_cancelled()} in C and for {@code jgil::cancelled}
 * in C++; a {@link CancellationException}, so code that cancels tasks catches it as such.
 */
public class NativeCancelledException extends CancellationException {
    private static final long serialVersionUID = 1L;

    public NativeCancelledException(String message) {
        super(message);
    }
}
