package org.jgil;

/**
 * Run by {@link LibraryLoadingTest} in a child JVM whose class path is the jgil jar, slf4j-api and
 * this class: takes and gives back the lock, and says where the library came from.
 */
public final class JarLoadingMain {
    private JarLoadingMain() {}

    public static void main(String[] args) {
        Gil.acquire();
        boolean held = Gil.isHeldByCurrentThread();
        Gil.release();
        System.out.println("held: " + held);
        System.out.println("origin: " + NativeLibrary.origin());
    }
}
