package org.jgil.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jgil.NativeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The glue compiled as C++ with C++ functions: an exception thrown with arrays pinned and the lock
 * released reaches Java as the matching exception, after the arrays are unpinned and the lock is back.
 */
class GlueCxxTest {
    static final String CXX = """
            package org.jgil.gentest;

            public final class Cxx {
                private Cxx() {}

                @org.jgil.ext.Calls(value = "x_sum", args = "a, a.length")
                static native double sum(double[] a);

                @org.jgil.ext.Calls(value = "x_sum", args = "a, a.length", lock = org.jgil.ext.Lock.HELD)
                static native double sumHeld(double[] a);
            }
            """;

    static final String CXX_SRC = """
            #include <stdexcept>
            #include <string>

            #include "Cxx_jgil.h"

            double x_sum(const double *a, size_t n)
            {
                double s = 0;
                for (size_t i = 0; i < n; i++) {
                    if (a[i] < 0)
                        throw std::invalid_argument("negative element at " + std::to_string(i));
                    if (a[i] > 1e300)
                        throw std::runtime_error("too large");
                    if (a[i] == 42)
                        throw 42;
                    s += a[i];
                }
                return s;
            }
            """;

    @TempDir
    static Path dir;

    static Class<?> cxx;

    @BeforeAll
    static void build() throws Exception {
        GlueFixture.Compiled c = GlueFixture.javac(dir, Map.of("org.jgil.gentest.Cxx", CXX), "-Ajgil.glue.lang=cxx");
        assertTrue(c.ok(), c.diagnostics());
        Path gen = c.generated().resolve("org/jgil/gentest");
        Path so = GlueFixture.compile(dir.resolve("libcxx.so"), true,
                List.of(gen.resolve("Cxx_jgil.c"), Files.writeString(dir.resolve("cxx.cpp"), CXX_SRC)), "-I" + gen);
        cxx = GlueFixture.load(c.classes(), "org.jgil.gentest.Cxx", "cxx", so);
    }

    static Object call(String method, Object... args) throws Throwable {
        return GlueFixture.invokeHolding(cxx, method, args);
    }

    @Test
    void cxxExceptionsBecomeJavaExceptions() throws Throwable {
        for (String m : new String[] {"sum", "sumHeld"}) {
            assertEquals(6.0, (double) call(m, (Object) new double[] {1, 2, 3}));
            Throwable e = assertThrows(IllegalArgumentException.class, () -> call(m, (Object) new double[] {1, -1}));
            assertTrue(e.getMessage().contains("negative element at 1"), e.getMessage());
            NativeException n = assertThrows(NativeException.class, () -> call(m, (Object) new double[] {1e301}));
            assertEquals("std::runtime_error", n.nativeType());
            assertEquals("org.jgil.gentest.Cxx." + m, n.site());
            n = assertThrows(NativeException.class, () -> call(m, (Object) new double[] {42}));
            assertEquals("int", n.nativeType());
            // The arrays were unpinned and the lock taken back: the next call works.
            assertEquals(1.0, (double) call(m, (Object) new double[] {1}));
        }
    }
}
