package org.jgil.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.jgil.Gil;

/** Helpers for the kernel tests. */
final class KernelTesting {
    /** The unit roundoff of double: 2^-53. */
    static final double U = 0x1p-53;

    static final Mode[] NATIVE_MODES = {Mode.HELD, Mode.RELEASED, Mode.AUTO};

    private KernelTesting() {}

    /** Runs {@code action} holding the GIL, as every kernel call must. */
    static <T> T held(Supplier<T> action) {
        return Gil.call(action);
    }

    static void held(Runnable action) {
        Gil.run(action);
    }

    static double[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextDouble(-1, 1);
        }
        return a;
    }

    /** A direct, native-order buffer holding {@code values} at positions [pad, pad + n), NaN around. */
    static DoubleBuffer directCopy(double[] values, int pad) {
        DoubleBuffer b = ByteBuffer.allocateDirect((values.length + 2 * pad) * 8).order(ByteOrder.nativeOrder())
                .asDoubleBuffer();
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, Double.NaN);
        }
        b.position(pad);
        b.put(values);
        b.position(pad).limit(pad + values.length);
        return b;
    }

    static DoubleBuffer directDoubles(int n) {
        return ByteBuffer.allocateDirect(n * 8).order(ByteOrder.nativeOrder()).asDoubleBuffer();
    }

    static IntBuffer directInts(int n) {
        return ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asIntBuffer();
    }

    /** Element {@code i} of the whole buffer, ignoring its limit. */
    static double at(DoubleBuffer b, int i) {
        return b.duplicate().clear().get(i);
    }

    static int at(IntBuffer b, int i) {
        return b.duplicate().clear().get(i);
    }

    /** The buffer's elements [position, limit) as an array. */
    static double[] contents(DoubleBuffer b) {
        double[] a = new double[b.remaining()];
        b.get(b.position(), a);
        return a;
    }

    /** Runs {@code body} with the kernels forced to {@code isa}, restoring the best level afterwards. */
    static void withIsa(Isa isa, Runnable body) {
        Isa.select(isa);
        try {
            body.run();
        } finally {
            Isa.select(Isa.best());
        }
    }
}
