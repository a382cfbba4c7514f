package org.jgil.ext;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jgil.NativeCancelledException;
import org.jgil.NativeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated glue, end to end: declarations through javac and {@link GlueProcessor}, the glue and
 * plain C functions through gcc with every warning an error, the library loaded and called (the test
 * JVM runs in checked mode, so every lock misuse would be an exception). Correct results, and the
 * bad-input properties of jgil's own kernels: nulls, lengths, offsets and overflow give clear Java
 * exceptions, never a crash.
 */
class GlueProcessorTest {
    static final String KERN = """
            package org.jgil.gentest;

            import org.jgil.ext.Calls;
            import org.jgil.ext.Lock;
            import org.jgil.ext.Out;

            public final class Kern {
                private Kern() {}

                @Calls(value = "k_dot", args = "a, b, a.length", check = "a.length == b.length")
                static native double dot(double[] a, double[] b);

                @Calls(value = "k_dot", args = "x[xoff, n], y[yoff, n], (size_t) n")
                static native double dotRange(double[] x, int xoff, double[] y, int yoff, int n);

                @Calls(value = "k_axpy", args = "alpha, x, y, x.length", check = "x.length == y.length")
                static native void axpy(double alpha, double[] x, @Out double[] y);

                @Calls(value = "k_matvec", args = "m[0, rows * cols], (int) rows, (int) cols, x[0, cols], y[0, rows]")
                static native void matvec(double[] m, int rows, int cols, double[] x, @Out double[] y);

                @Calls(value = "k_sum", lock = Lock.HELD)
                static native long sumHeld(int[] v);

                @Calls(value = "k_sum", lock = Lock.AUTO, cost = "v.length / 4")
                static native long sumAuto(int[] v);

                @Calls(value = "k_status", status = true)
                static native int status(int code, int value);

                @Calls("k_rendezvous")
                static native boolean rendezvous(int parties, int timeoutMillis);

                @Calls(value = "k_spin", cancellable = true, check = "millis >= 0")
                static native long spin(long millis);

                @Calls(value = "k_fill", args = "v, (int) v.length, value", copy = true)
                static native void fill(@Out byte[] v, byte value);

                @Calls(value = "k_scale", args = "v[off, len], (int64_t) len, factor")
                static native void scale(@Out float[] v, int off, int len, float factor);

                @Calls(value = "k_ident", args = "(int64_t) (n * m + 1)")
                static native long product(long n, long m);

                @Calls(value = "k_narrow", args = "(int) v", lock = Lock.HELD)
                static native int narrow(long v);
            }
            """;

    static final String KERN_C = """
            #include <errno.h>
            #include <stdatomic.h>
            #include <time.h>

            #include <jgil.h>
            #include "Kern_jgil.h"

            double k_dot(const double *a, const double *b, size_t n)
            {
                double s = 0;
                for (size_t i = 0; i < n; i++)
                    s += a[i] * b[i];
                return s;
            }

            void k_axpy(double alpha, const double *x, double *y, size_t n)
            {
                for (size_t i = 0; i < n; i++)
                    y[i] += alpha * x[i];
            }

            void k_matvec(const double *m, int rows, int cols, const double *x, double *y)
            {
                for (int r = 0; r < rows; r++)
                    y[r] = k_dot(m + (size_t)r * (size_t)cols, x, (size_t)cols);
            }

            int64_t k_sum(const int32_t *v, size_t n)
            {
                int64_t s = 0;
                for (size_t i = 0; i < n; i++)
                    s += v[i];
                return s;
            }

            int k_status(int32_t code, int32_t value, int32_t *result)
            {
                if (code != 0)
                    return code;
                *result = 2 * value;
                return 0;
            }

            static int64_t now_ms(void)
            {
                struct timespec t;
                clock_gettime(CLOCK_MONOTONIC, &t);
                return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
            }

            /* 1 if `parties` callers were inside at once: only released calls can be. */
            int k_rendezvous(int32_t parties, int32_t timeout_ms)
            {
                static atomic_int arrived;
                int me = atomic_fetch_add(&arrived, 1) + 1;
                int goal = ((me - 1) / parties + 1) * parties;
                int64_t end = now_ms() + timeout_ms;
                while (atomic_load(&arrived) < goal)
                    if (now_ms() > end)
                        return 0;
                return 1;
            }

            int64_t k_spin(int64_t millis)
            {
                int64_t end = now_ms() + millis, n = 0;
                while (now_ms() < end && !jgil_cancelled())
                    n++;
                return n;
            }

            void k_fill(int8_t *v, int n, int8_t value)
            {
                for (int i = 0; i < n; i++)
                    v[i] = value;
            }

            void k_scale(float *v, int64_t n, float factor)
            {
                for (int64_t i = 0; i < n; i++)
                    v[i] *= factor;
            }

            int64_t k_ident(int64_t v) { return v; }

            int k_narrow(int v) { return v; }
            """;

    @TempDir
    static Path dir;

    static GlueFixture.Compiled compiled;
    static Class<?> kern;
    static Path library;

    @BeforeAll
    static void build() throws Exception {
        compiled = GlueFixture.javac(dir, Map.of("org.jgil.gentest.Kern", KERN));
        assertTrue(compiled.ok(), compiled.diagnostics());
        Path gen = compiled.generated().resolve("org/jgil/gentest");
        Path user = Files.writeString(dir.resolve("kern.c"), KERN_C);
        library = GlueFixture.compile(dir.resolve("libkern.so"), false, List.of(gen.resolve("Kern_jgil.c"), user),
                "-I" + gen);
        kern = GlueFixture.load(compiled.classes(), "org.jgil.gentest.Kern", "kern", library);
    }

    /** Calls a Kern method holding the lock, as managed code does. */
    static Object call(String method, Object... args) throws Throwable {
        return GlueFixture.invokeHolding(kern, method, args);
    }

    @Test
    void writesTheGlueAndThePrototypes() throws Exception {
        Path gen = compiled.generated().resolve("org/jgil/gentest");
        String header = Files.readString(gen.resolve("Kern_jgil.h"));
        assertTrue(header.contains("double k_dot(const double *a, const double *b, size_t a_length);"), header);
        assertTrue(header.contains("void k_axpy(double alpha, const double *x, double *y, size_t x_length);"), header);
        assertTrue(header.contains("int k_status(int32_t code, int32_t value, int32_t *result);"), header);
        assertTrue(header.contains("int64_t k_sum(const int32_t *v, size_t v_length);"), header);
        String glue = Files.readString(gen.resolve("Kern_jgil.c"));
        assertTrue(glue.contains("Java_org_jgil_gentest_Kern_dot(JNIEnv *env, jclass cls, jdoubleArray a,"), glue);
        assertTrue(glue.contains("\"org.jgil.gentest.Kern.dot\""), "the site names the Java method");
    }

    @Test
    void theGlueCompilesAsCxxWithoutWarnings() throws Exception {
        Path gen = compiled.generated().resolve("org/jgil/gentest");
        GlueFixture.compile(dir.resolve("libkern-cxx.so"), true, List.of(gen.resolve("Kern_jgil.c")), "-I" + gen);
    }

    @Test
    void results() throws Throwable {
        Random r = new Random(1);
        for (int n : new int[] {0, 1, 7, 1000}) {
            double[] a = r.doubles(n).toArray();
            double[] b = r.doubles(n).toArray();
            double expect = 0;
            for (int i = 0; i < n; i++) {
                expect += a[i] * b[i];
            }
            assertEquals(expect, (double) call("dot", a, b), 1e-9);
        }
        double[] x = {1, 2, 3, 4, 5};
        double[] y = {10, 20, 30, 40, 50};
        assertEquals(2 * 30 + 3 * 40, (double) call("dotRange", x, 1, y, 2, 2), 0);
        call("axpy", 2.0, x, y);
        assertArrayEquals(new double[] {12, 24, 36, 48, 60}, y, 0);
        double[] out = new double[2];
        call("matvec", new double[] {1, 2, 3, 4, 5, 6}, 2, 3, new double[] {1, 1, 1}, out);
        assertArrayEquals(new double[] {6, 15}, out, 0);
        int[] v = r.ints(5000, -1000, 1000).toArray();
        long sum = java.util.Arrays.stream(v).asLongStream().sum();
        assertEquals(sum, (long) call("sumHeld", v));
        assertEquals(sum, (long) call("sumAuto", v));
        assertEquals(42, (int) call("status", 0, 21));
        byte[] bytes = new byte[9];
        call("fill", bytes, (byte) 7);
        assertArrayEquals(new byte[] {7, 7, 7, 7, 7, 7, 7, 7, 7}, bytes);
        float[] f = {1, 1, 1, 1};
        call("scale", f, 1, 2, 3f);
        assertArrayEquals(new float[] {1, 3, 3, 1}, f, 0);
        assertEquals(7, (long) call("product", 2L, 3L));
        assertEquals(-5, (int) call("narrow", -5L));
    }

    @Test
    void nullsAreNullPointerExceptionsNamingTheParameter() {
        Throwable e = assertThrows(NullPointerException.class, () -> call("dot", null, new double[1]));
        assertEquals("org.jgil.gentest.Kern.dot: a is null", e.getMessage());
        e = assertThrows(NullPointerException.class, () -> call("axpy", 1.0, new double[1], null));
        assertTrue(e.getMessage().contains("y is null"), e.getMessage());
    }

    @Test
    void aFailedCheckQuotesIt() {
        Throwable e = assertThrows(IllegalArgumentException.class, () -> call("dot", new double[3], new double[4]));
        assertEquals("org.jgil.gentest.Kern.dot: a.length == b.length does not hold (a.length = 3, b.length = 4)",
                e.getMessage());
    }

    /** A literal operand was echoed as "0 = 0". */
    @Test
    void aFailedCheckShowsOnlyTheValuesALiteralDoesNotSay() {
        Throwable e = assertThrows(IllegalArgumentException.class, () -> call("spin", -1L));
        assertEquals("org.jgil.gentest.Kern.spin: millis >= 0 does not hold (millis = -1)", e.getMessage());
    }

    @Test
    void everyRangeIsCheckedBeforeAnythingIsTouched() throws Throwable {
        // The kernels' property: any (off, n), however wild, is a result or IndexOutOfBoundsException.
        Random r = new Random(2);
        int[] wild = {Integer.MIN_VALUE, -1, 0, 1, 2, 3, 4, 5, 6, Integer.MAX_VALUE - 1, Integer.MAX_VALUE};
        double[] x = {1, 2, 3, 4, 5};
        double[] y = {1, 1, 1, 1, 1};
        for (int i = 0; i < 2000; i++) {
            int xoff = i < 500 ? wild[r.nextInt(wild.length)] : r.nextInt(12) - 3;
            int yoff = i < 500 ? wild[r.nextInt(wild.length)] : r.nextInt(12) - 3;
            int n = i < 500 ? wild[r.nextInt(wild.length)] : r.nextInt(12) - 3;
            boolean valid = xoff >= 0 && yoff >= 0 && n >= 0 && (long) xoff + n <= 5 && (long) yoff + n <= 5;
            if (valid) {
                double expect = 0;
                for (int k = 0; k < n; k++) {
                    expect += x[xoff + k];
                }
                assertEquals(expect, (double) call("dotRange", x, xoff, y, yoff, n), 0);
            } else {
                Throwable e = assertThrows(IndexOutOfBoundsException.class,
                        () -> call("dotRange", x, xoff, y, yoff, n));
                assertTrue(e.getMessage().startsWith("org.jgil.gentest.Kern.dotRange: "), e.getMessage());
            }
        }
    }

    @Test
    void overflowIsAnIllegalArgumentException() {
        // rows * cols overflows nothing in 64 bits, but must fit the array: out of bounds.
        assertThrows(IndexOutOfBoundsException.class,
                () -> call("matvec", new double[4], 65536, 65536, new double[65536], new double[65536]));
        Throwable e = assertThrows(IllegalArgumentException.class, () -> call("product", 1L << 40, 1L << 40));
        assertTrue(e.getMessage().contains("n * m overflows"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> call("product", Long.MAX_VALUE, 1L));
        assertTrue(e.getMessage().contains("overflows"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> call("narrow", 1L << 31));
        assertTrue(e.getMessage().contains("does not fit the C parameter's type int"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> call("matvec", new double[6], -2, -3, new double[3],
                new double[2]));
    }

    @Test
    void statusCodesBecomeExceptions() {
        assertThrows(IllegalArgumentException.class, () -> call("status", -22, 1)); // -EINVAL
        assertThrows(IllegalArgumentException.class, () -> call("status", 22, 1)); // EINVAL
        assertThrows(OutOfMemoryError.class, () -> call("status", -12, 1)); // -ENOMEM
        assertThrows(ArithmeticException.class, () -> call("status", -34, 1)); // -ERANGE
        assertThrows(NativeCancelledException.class, () -> call("status", -125, 1)); // -ECANCELED
        NativeException e = assertThrows(NativeException.class, () -> call("status", -5, 1)); // -EIO
        assertEquals("status -5", e.nativeType());
        assertEquals("org.jgil.gentest.Kern.status", e.site());
    }

    @Test
    void aReleasingCallWithoutTheLockNamesTheJavaMethod() {
        // Checked mode (the test JVM's): a release by a thread that does not hold the lock is refused.
        Throwable e = assertThrows(IllegalStateException.class,
                () -> GlueFixture.invoke(kern, "dot", new double[1], new double[1]));
        assertTrue(e.getMessage().contains("org.jgil.gentest.Kern.dot"), e.getMessage());
    }

    @Test
    void releasedCallsOverlap() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Object>> both = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                both.add(pool.submit(() -> {
                    try {
                        return call("rendezvous", 2, 10_000);
                    } catch (Throwable e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            for (Future<Object> f : both) {
                assertEquals(Boolean.TRUE, f.get(30, TimeUnit.SECONDS), "the two released calls never met");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCancellableCallEndsOnInterrupt() throws Throwable {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                call("spin", 60_000L);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        Thread.sleep(200);
        long start = System.nanoTime();
        t.interrupt();
        t.join(10_000);
        assertFalse(t.isAlive(), "the spin did not end");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        assertTrue(thrown.get() instanceof NativeCancelledException, String.valueOf(thrown.get()));
        assertTrue(thrown.get().getMessage().contains("org.jgil.gentest.Kern.spin"), thrown.get().getMessage());
        assertTrue((long) call("spin", 5L) > 0, "an uninterrupted spin returns normally");
    }

    @Test
    void badDeclarationsAreCompileErrorsThatSayWhy() throws Exception {
        String bad = """
                package org.jgil.gentest;

                import org.jgil.ext.Calls;
                import org.jgil.ext.Lock;

                final class Bad {
                    @Calls("f") native double notStatic(double[] a);
                    @Calls(value = "g", args = "a[0, n") static native double unbalanced(double[] a, int n);
                    @Calls(value = "h", args = "q") static native double unknown(double[] a);
                    @Calls(value = "k", lock = Lock.AUTO) static native void noCost(double[] a);
                    @Calls("s") static native String object(int x);
                    @Calls(value = "d", args = "a, x") static native double floatMath(double[] a, double x);
                    @Calls(value = "d", args = "a, (int) a.length") static native double conflict(double[] a);
                    @Calls(value = "c", check = "n >= 0 && m >= 0") static native double both(int n, int m);
                }
                """;
        GlueFixture.Compiled c = GlueFixture.javac(Files.createTempDirectory(dir, "bad"),
                Map.of("org.jgil.gentest.Bad", bad));
        assertFalse(c.ok());
        String d = c.diagnostics();
        for (String expected : new String[] {"@Calls goes on a 'static native' method; notStatic is not",
                "argument 'a[0, n': expected ']' (at the end)", "q is not a parameter of unknown",
                "lock = AUTO needs cost",
                "@Calls methods return a primitive or void, not java.lang.String",
                "one C function has one prototype",
                "a condition is one comparison; give several as several strings, check = {\"a >= 0\", \"b >= 0\"}"}) {
            assertTrue(d.contains(expected), expected + " in:\n" + d);
        }
    }

    @Test
    void statisticsNameTheJavaMethod() throws Exception {
        // Statistics are fixed per process: a child JVM with -Djgil.stats=true, and its own copy of the
        // library (this JVM's class loader has the file).
        Path copy = Files.copy(library, Files.createTempDirectory(dir, "stats").resolve("libkern.so"));
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Djgil.stats=true",
                "-Djava.library.path=" + System.getProperty("java.library.path"),
                "-cp", System.getProperty("java.class.path"), GlueStatsMain.class.getName(),
                compiled.classes().toString(), copy.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("site org.jgil.gentest.Kern.dot ")), out);
    }
}
