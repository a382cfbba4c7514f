// The edit, recompile and call loop of docs/guide.md section 13, timed. From the repository:
//   mvn -B -q package -DskipTests -Dinvoker.skip=true
//   jshell --class-path target/jgil-0.1.0.jar:$HOME/.m2/repository/org/slf4j/slf4j-api/2.0.13/slf4j-api-2.0.13.jar \
//       docs/jshell/edit-loop.jsh
// Each edit is new C (a nonce per run), so every load below compiles: no cache hit is timed.
import java.nio.file.*;
import org.jgil.Gil;
import org.jgil.ext.NativeBuild;

interface Poly { double eval(double x); }

String kernel(String expr) {
    return """
        #include <jgil.h>
        /* NONCE */
        JNIEXPORT jdouble JNICALL Java_demo_Poly_eval(JNIEnv *env, jclass cls, jdouble x)
        {
            double r = 0;
            JGIL_BEGIN_ALLOW_THREADS
            r = EXPR;
            JGIL_END_ALLOW_THREADS
            return r;
        }
        """.replace("EXPR", expr).replace("NONCE", Long.toString(System.nanoTime()));
}

Path c = Files.createTempDirectory("jgil-jshell").resolve("poly.c");
Files.writeString(c, kernel("x * x"));
var build = NativeBuild.of("package demo; public class Poly { public static native double eval(double x); }").source(c);

long t0 = System.nanoTime();
Poly p = build.load(Poly.class);
System.out.printf("first build: %d ms, eval(3) = %s%n", (System.nanoTime() - t0) / 1_000_000, Gil.call(() -> p.eval(3)));

for (int i = 3; i <= 7; i++) {
    Files.writeString(c, kernel("x" + " * x".repeat(i - 1)));
    long t = System.nanoTime();
    Poly q = build.load(Poly.class);
    double v = Gil.call(() -> q.eval(3));
    System.out.printf("edit %d -> recompile -> call: %d ms, eval(3) = %s%n", i - 2, (System.nanoTime() - t) / 1_000_000, v);
}
System.out.printf("the first build still runs: eval(3) = %s%n", Gil.call(() -> p.eval(3)));
/exit
