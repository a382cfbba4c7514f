package org.jgil.cli;

/** Methods a user could name with --method. */
public final class UserMethods {
    private UserMethods() {}

    /** A little CPU work: {@code rounds} steps of a mixing recurrence. */
    public static long mix(long seed, int rounds) {
        long x = seed;
        for (int i = 0; i < rounds; i++) {
            x ^= x >>> 29;
            x *= 0xbf58476d1ce4e5b9L;
        }
        return x;
    }

    public static boolean heldLock() {
        return org.jgil.Gil.isHeldByCurrentThread();
    }

    public long notStatic() {
        return 1;
    }

    public static void fails() {
        throw new IllegalStateException("the user's bug");
    }
}
