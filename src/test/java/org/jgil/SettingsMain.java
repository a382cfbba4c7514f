package org.jgil;

import org.jgil.kernels.Mode;

/** The child of {@link SettingsTest}: uses the lock and a kernel mode, as any program would first. */
public final class SettingsMain {
    private SettingsMain() {}

    public static void main(String[] args) {
        Mode.autoThresholdNanos();
        Gil.run(() -> System.out.println("lock taken"));
    }
}
