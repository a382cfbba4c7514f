package org.jgil.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import org.jgil.Gil;

/**
 * libjgil's own C entry points, found in the library jgil already loaded: the same file serves
 * JNI and FFM.
 */
final class Native {
    /** Symbols of libjgil. */
    static final SymbolLookup LIBJGIL = lookup();

    /** {@code void jgil_ffm_cancel_begin(void (*ubf)(void *), void *arg)}. */
    static final MethodHandle CANCEL_BEGIN = Linker.nativeLinker().downcallHandle(
            find("jgil_ffm_cancel_begin"), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    /** {@code void jgil_ffm_cancel_end(void)}. */
    static final MethodHandle CANCEL_END = Linker.nativeLinker().downcallHandle(
            find("jgil_ffm_cancel_end"), FunctionDescriptor.ofVoid());

    /**
     * {@code int64_t jgil_ffm_release(int64_t tid)}: the fast release of a released call, or 0.
     * Critical: a few nanoseconds, never calls back.
     */
    static final MethodHandle RELEASE = Linker.nativeLinker().downcallHandle(find("jgil_ffm_release"),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), Linker.Option.critical(false));
    /** {@code int jgil_ffm_retake(int64_t tid)}: 1 if the lock is taken back, 0 to wait in Java. Critical. */
    static final MethodHandle RETAKE = Linker.nativeLinker().downcallHandle(find("jgil_ffm_retake"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG), Linker.Option.critical(false));
    /** {@code void jgil_ffm_release_raced(int64_t tid)}: may call up into the scheduler, so not critical. */
    static final MethodHandle RELEASE_RACED = Linker.nativeLinker().downcallHandle(find("jgil_ffm_release_raced"),
            FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG));

    private Native() {}

    /**
     * Links everything above now. Linking a downcall generates code (tens of milliseconds for the
     * first ones in a JVM): the wrappers call this when they wrap, so that the first released call
     * does not spend that time holding the lock it is about to give up.
     */
    static void link() {
        // Loading this class did it.
    }

    static {
        // The first call through a downcall handle costs a millisecond or two more than the rest:
        // spend it here, not in the first released call, which holds the lock meanwhile. Identity
        // 0 is nobody's, so this release changes nothing. (The re-take has no such harmless call.)
        long released;
        try {
            released = (long) RELEASE.invokeExact(0L);
        } catch (Throwable t) {
            throw new ExceptionInInitializerError(t);
        }
        if (released != 0) {
            throw new ExceptionInInitializerError("jgil_ffm_release(0) released something: " + released);
        }
    }

    static MemorySegment find(String name) {
        return LIBJGIL.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libjgil has no '" + name
                + "': a libjgil older than this jgil-ffm?"));
    }

    private static SymbolLookup lookup() {
        Gil.isChecked(); // loads libjgil, through this class loader
        SymbolLookup loaded = SymbolLookup.loaderLookup();
        if (loaded.find("jgil_ffm_cancel_begin").isPresent()) {
            return loaded;
        }
        // Loaded by another class loader: open the same file again (dlopen shares the one copy).
        String file = System.getProperty("jgil.library");
        if (file != null && !file.isBlank()) {
            return SymbolLookup.libraryLookup(Path.of(file), Arena.global());
        }
        throw new UnsatisfiedLinkError("libjgil is loaded by another class loader than jgil-ffm's; "
                + "give its path with -Djgil.library");
    }
}
