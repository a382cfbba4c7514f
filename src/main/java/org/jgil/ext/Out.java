package org.jgil.ext;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an array parameter that the C function writes: it gets a pointer to non-const elements, and
 * what it writes reaches the Java array (when the call succeeds). Without it, arrays are read only
 * ({@code const} in C) and never written back.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PARAMETER)
public @interface Out {}
