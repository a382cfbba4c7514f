package org.jgil.cli;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import org.jgil.kernels.Kernel;

/**
 * How the native modes reach a kernel: {@code jni} (the library's JNI entry points) or {@code ffm}
 * (FFM downcalls of the same library's C entry points, through jgil-ffm). This command line is
 * built for Java 17, so the FFM side is found at run time: JDK 22+ and ffm/target/jgil-ffm.jar,
 * which the jar's manifest puts on the class path and ../jgil builds on JDK 22+.
 */
final class Bindings {
    static final String FFM_CLASS = "org.jgil.ffm.FfmBinding";

    private Bindings() {}

    /** {@code kernel} through {@code binding}. */
    static Kernel kernel(Kernel kernel, String binding) {
        switch (binding.trim().toLowerCase(Locale.ROOT)) {
            case "jni":
                return kernel;
            case "ffm":
                return ffm(kernel);
            default:
                throw new IllegalArgumentException("--binding " + binding + " is unknown; valid: jni, ffm");
        }
    }

    private static Kernel ffm(Kernel kernel) {
        if (Runtime.version().feature() < 22) {
            throw new IllegalArgumentException("--binding ffm needs JDK 22 or later; this is " + Runtime.version());
        }
        try {
            return (Kernel) Class.forName(FFM_CLASS).getMethod("of", Kernel.class).invoke(null, kernel);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("--binding ffm needs jgil-ffm (ffm/target/jgil-ffm.jar), which "
                    + "./jgil builds when it runs on JDK 22+; build it with: mvn -f ffm/pom.xml package -DskipTests");
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(FFM_CLASS + " is not the one this command line knows", e);
        }
    }
}
