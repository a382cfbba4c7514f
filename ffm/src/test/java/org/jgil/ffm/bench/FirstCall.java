package org.jgil.ffm.bench;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import org.jgil.Gil;
import org.jgil.Released;
import org.jgil.ffm.GilLinker;

/**
 * What a fresh JVM pays once: linking a downcall, wrapping it released, the first released call
 * (which holds the lock for whatever it sets up before giving it up), the second, and the first
 * {@code Gil.allowThreads()} pair. One JVM gives one sample: run it a few times.
 *
 * <p>Run: {@code JAVA_HOME=<jdk 22+> mvn -f ffm/pom.xml test-compile exec:exec@firstcall}.
 */
public final class FirstCall {
    private FirstCall() {}

    public static void main(String[] args) throws Throwable {
        long t0 = System.nanoTime();
        MethodHandle cos = GilLinker.downcall(Linker.nativeLinker().defaultLookup(), "cos",
                FunctionDescriptor.of(JAVA_DOUBLE, JAVA_DOUBLE));
        long t1 = System.nanoTime();
        MethodHandle released = GilLinker.released(cos);
        long t2 = System.nanoTime();
        Gil.acquire();
        long t3 = System.nanoTime();
        double x = (double) released.invokeExact(0.1);
        long t4 = System.nanoTime();
        x += (double) released.invokeExact(0.2);
        long t5 = System.nanoTime();
        try (Released nogil = Gil.allowThreads()) {
            x += 1;
        }
        long t6 = System.nanoTime();
        Gil.release();
        System.out.printf(Locale.ROOT, "link %.1f ms, wrap released %.1f ms, first released call %.2f ms, "
                + "second %.3f ms, first Gil.allowThreads() pair %.3f ms (%s)%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6,
                (t4 - t3) / 1e6, (t5 - t4) / 1e6, (t6 - t5) / 1e6, x > 0 ? "ok" : "?");
    }
}
