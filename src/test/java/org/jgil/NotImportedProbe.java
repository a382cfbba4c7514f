package org.jgil;

/**
 * Native calls of a file that plays an extension which never called {@code jgil_import}
 * ({@code native/test/jni/not_imported_probe.c}): each throws IllegalStateException saying so.
 */
final class NotImportedProbe {
    static {
        TestLibrary.ensureLoaded();
    }

    private NotImportedProbe() {}

    /**
     * A released block; skips its body.
     *
     * @return {@code n} if the body ran, -1 if it was skipped
     */
    static native int block(int n);

    /** {@code JGIL_CHECKPOINT()}. */
    static native void checkpoint();

    /** {@code JGIL_REQUIRE_GIL()}; returns its result (-1, with the exception pending). */
    static native int requireGil();
}
