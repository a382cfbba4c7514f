package org.jgil.ext;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a {@code static native} method whose JNI glue jgil generates: the method calls the plain C
 * function named here, with the lock handled as {@link #lock()} says. {@link GlueProcessor} writes the
 * glue ({@code <Class>_jgil.c}) and the prototypes it expects ({@code <Class>_jgil.h}).
 *
 * <pre>{@code
 * @Calls(value = "dot", args = "a, b, a.length", check = "a.length == b.length")
 * static native double dot(double[] a, double[] b);      // C: double dot(const double *a,
 *                                                        //        const double *b, size_t a_length);
 * }</pre>
 *
 * <p><b>Arguments.</b> {@link #args()} lists the C arguments, separated by commas, each one of:
 * <ul>
 *   <li>{@code a}, an array parameter: a pointer to its first element ({@code const double *}, or
 *       {@code double *} if the parameter is {@link Out});
 *   <li>{@code a[off, n]}: a pointer to element {@code off} of {@code a}, after checking
 *       {@code 0 <= off}, {@code 0 <= n} and {@code off + n <= a.length};
 *   <li>{@code x}, a primitive parameter: its value, as {@code int32_t}, {@code int64_t}, {@code double}...
 *       ({@code int} for a boolean);
 *   <li>an integer expression over integer parameters, {@code a.length} and literals with
 *       {@code + - * /} and parentheses, computed in 64 bits with every overflow an
 *       {@link IllegalArgumentException}: a {@code size_t} (checked {@code >= 0}), unless cast:
 *       {@code (int) n}, {@code (int64_t) (rows * cols)}, with the range checked.
 * </ul>
 * Without {@code args}, every parameter is passed in order, each array followed by its length as
 * {@code size_t}. {@link #check()} adds conditions ({@code "a.length == b.length"}, with
 * {@code == != < <= > >=}); a false one is an {@link IllegalArgumentException} that quotes it. Every
 * check (nulls, ranges, overflow, conditions) runs before any memory is touched.
 *
 * <p><b>Arrays</b> are pinned ({@code GetPrimitiveArrayCritical}) only inside the released section
 * and unpinned before the lock is taken back, as jgil's own kernels do; a {@link #cancellable()} call
 * or one marked {@link #copy()} works on copies instead, so that nothing stays pinned while it
 * polls or runs long.
 *
 * <p><b>Errors.</b> With {@link #status()}, the C function returns an {@code int}: 0 for success, an
 * {@code errno} value (either sign) for failure, and the method's result, if it has one, through a
 * last pointer argument. {@code EINVAL} and {@code EDOM} become {@link IllegalArgumentException},
 * {@code ERANGE} and {@code EOVERFLOW} {@link ArithmeticException}, {@code ENOMEM}
 * {@link OutOfMemoryError}, {@code ECANCELED} {@code org.jgil.NativeCancelledException}, any other
 * value {@code org.jgil.NativeException}. Compiled as C++, the glue also catches every C++ exception
 * and translates it after the lock is back ({@code jgil::translate_exception}).
 *
 * <p><b>Statistics</b> ({@code -Djgil.stats=true}) and checked-mode messages name the Java method:
 * the site is {@code <package>.<Class>.<method>}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Calls {
    /** The C function; by default, the Java method's name. */
    String value() default "";

    /** The C arguments (see the class comment); by default every parameter, arrays with their length. */
    String args() default "";

    /** Conditions checked before the call, such as {@code "a.length == b.length"}. */
    String[] check() default {};

    /** What happens to jgil's lock around the call. */
    Lock lock() default Lock.RELEASED;

    /**
     * For {@link Lock#AUTO}: the call's expected cost in nanoseconds, an integer expression like those
     * of {@link #args()}, such as {@code "a.length / 4"}.
     */
    String cost() default "";

    /**
     * {@code Thread.interrupt()} reaches the call: the glue opens a cancellable section (the C
     * function may poll {@code jgil_cancelled()} from {@code <jgil.h>} and return early), and throws
     * {@code org.jgil.NativeCancelledException} if the thread was interrupted by the time it returns.
     * Arrays are copied, not pinned.
     */
    boolean cancellable() default false;

    /** The C function returns an {@code int} status, and the result through a last pointer argument. */
    boolean status() default false;

    /** Copies arrays in and out instead of pinning them: for calls that run long. */
    boolean copy() default false;
}
