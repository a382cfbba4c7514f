/**
 * JNI glue from a declaration: the author writes a Java class of {@code static native} methods, each
 * annotated with {@link org.jgil.ext.Calls}, and the plain C functions they call; the annotation
 * processor {@link org.jgil.ext.GlueProcessor} (in the jgil jar, found by javac on the processor path)
 * writes the JNI wrappers, with argument checks, the lock, pinning, cancellation and error
 * translation done right by construction.
 *
 * <pre>{@code
 * public final class VecMath {
 *     static { Extensions.load(VecMath.class, "vecmath"); }
 *
 *     @Calls(value = "vm_dot", args = "a, b, a.length", check = "a.length == b.length")
 *     public static native double dot(double[] a, double[] b);
 * }
 * }</pre>
 *
 * <pre>{@code
 * #include "VecMath_jgil.h"        // generated: the prototypes the glue expects
 *
 * double vm_dot(const double *a, const double *b, size_t n)
 * {
 *     double s = 0;
 *     for (size_t i = 0; i < n; i++)
 *         s += a[i] * b[i];
 *     return s;
 * }
 * }</pre>
 *
 * <p>The build compiles {@code VecMath_jgil.c} (from the generated sources) with the C file, as C or
 * C++, with jgil's headers ({@code jgil.h}, {@code jgil_glue.h}) on the include path, into one
 * library; {@link org.jgil.Extensions#load(Class, String)} loads it after jgil's runtime.
 */
package org.jgil.ext;
