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

    private Native() {}

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
