package org.jgil.kernels;

import java.nio.Buffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.util.Objects;
import org.jgil.Gil;

/** Argument checks shared by the kernels; every message names the argument. */
final class Checks {
    private Checks() {}

    static <T> T notNull(T value, String name) {
        return Objects.requireNonNull(value, name);
    }

    /**
     * The mode must be given, and in checked mode the caller must hold the GIL. A {@link Mode#RELEASED}
     * call is refused by the native side ({@code JGIL_BEGIN_ALLOW_THREADS}) in every mode; the others
     * run without giving the lock up, so without this check a call made without the lock would
     * just run, in parallel with managed code. Unchecked, they are not checked: that is one read of
     * the owner word per call, which checked mode pays and production does not.
     */
    static Mode mode(Mode mode, String kernel) {
        Objects.requireNonNull(mode, "mode");
        if (mode != Mode.RELEASED && Gil.isChecked() && !Gil.isHeldByCurrentThread()) {
            throw new IllegalStateException(kernel + "(..., " + mode + ") in thread "
                    + Thread.currentThread().getName() + ", which does not hold the GIL (checked mode); "
                    + "call kernels holding it: inside Gil.run(...), or between Gil.acquire() and Gil.release()");
        }
        return mode;
    }

    static int nonNegative(int value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
        return value;
    }

    static long nonNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
        return value;
    }

    /** {@code a * b} as an int (an array length), or an IllegalArgumentException naming what overflowed. */
    static int product(int a, int b, String what) {
        long p = (long) a * b;
        if (p > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " = " + p + " overflows an int (array sizes are ints)");
        }
        return (int) p;
    }

    /** The elements [off, off + n) must lie in an array of length {@code length}. */
    static void range(String name, String offName, int off, int n, int length) {
        if (off < 0 || n < 0 || off > length - n) {
            throw new IndexOutOfBoundsException(name + ": range [" + offName + ", " + offName + " + n) = ["
                    + off + ", " + ((long) off + n) + ") out of bounds for length " + length);
        }
    }

    /** Whole-array forms: the length must be exactly what the kernel needs. */
    static void length(String name, int length, int needed, String neededText) {
        if (length != needed) {
            throw new IllegalArgumentException(name + " has length " + length + "; this form needs exactly "
                    + neededText + " = " + needed + (length > needed ? " (pass offsets to use part of an array)" : ""));
        }
    }

    /** Two ranges of the same array must be identical or disjoint. */
    static void sameOrDisjoint(Object x, int xOff, Object y, int yOff, int n, String names) {
        if (x == y && xOff != yOff && n > 0 && xOff < yOff + n && yOff < xOff + n) {
            throw new IllegalArgumentException(names + " overlap without being the same range");
        }
    }

    /** Two ranges of the same array must not overlap at all. */
    static void disjoint(Object x, int xOff, int xn, Object y, int yOff, int yn, String names) {
        if (x == y && xn > 0 && yn > 0 && xOff < yOff + yn && yOff < xOff + xn) {
            throw new IllegalArgumentException(names + " must not overlap (the output would be read while written)");
        }
    }

    /** A buffer the kernel reads (or, if {@code writes}, also writes) through its address. */
    static <B extends Buffer> B direct(B buffer, String name, boolean writes) {
        Objects.requireNonNull(buffer, name);
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException(name + " must be a direct buffer (ByteBuffer.allocateDirect(...)"
                    + ".order(ByteOrder.nativeOrder()).as...Buffer()), got a heap buffer");
        }
        ByteOrder order = buffer instanceof DoubleBuffer ? ((DoubleBuffer) buffer).order()
                : buffer instanceof IntBuffer ? ((IntBuffer) buffer).order() : ByteOrder.nativeOrder();
        if (order != ByteOrder.nativeOrder()) {
            throw new IllegalArgumentException(name + " must be in native byte order (" + ByteOrder.nativeOrder()
                    + "), got " + order);
        }
        if (writes && buffer.isReadOnly()) {
            throw new IllegalArgumentException(name + " is read-only but the kernel writes it");
        }
        return buffer;
    }

    /** A buffer's remaining elements must be exactly what the kernel needs. */
    static void remaining(Buffer buffer, String name, long needed, String neededText) {
        if (buffer.remaining() != needed) {
            throw new IllegalArgumentException(name + " has " + buffer.remaining() + " elements remaining; it needs"
                    + " exactly " + neededText + " = " + needed);
        }
    }
}
