package org.jgil.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/** C library functions the tests use as foreign code that calls back: qsort, pthread_create/join. */
final class Libc {
    static final SymbolLookup LOOKUP = Linker.nativeLinker().defaultLookup();

    /** {@code void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))}. */
    static final FunctionDescriptor QSORT = FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
    static final FunctionDescriptor COMPARATOR = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    /** {@code int pthread_create(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *)}. */
    static final FunctionDescriptor PTHREAD_CREATE = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
            ADDRESS);
    /** {@code int pthread_join(pthread_t, void **)}; pthread_t is an unsigned long on Linux. */
    static final FunctionDescriptor PTHREAD_JOIN = FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS);
    static final FunctionDescriptor THREAD_BODY = FunctionDescriptor.of(ADDRESS, ADDRESS);

    static final MethodHandle QSORT_PLAIN = GilLinker.downcall(LOOKUP, "qsort", QSORT);
    static final MethodHandle PTHREAD_CREATE_PLAIN = GilLinker.downcall(LOOKUP, "pthread_create", PTHREAD_CREATE);
    static final MethodHandle PTHREAD_JOIN_PLAIN = GilLinker.downcall(LOOKUP, "pthread_join", PTHREAD_JOIN);

    private Libc() {}

    /** A handle of {@code owner}'s static method {@code name} of type {@code type}. */
    static MethodHandle method(Class<?> owner, String name, MethodType type) {
        try {
            return MethodHandles.lookup().findStatic(owner, name, type);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    static MethodType comparatorType() {
        return MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class);
    }

    static int compareInts(MemorySegment a, MemorySegment b) {
        return Integer.compare(a.reinterpret(4).get(JAVA_INT, 0), b.reinterpret(4).get(JAVA_INT, 0));
    }
}
