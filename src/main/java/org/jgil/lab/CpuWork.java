package org.jgil.lab;

/** A unit of managed CPU work, about a microsecond, that the JIT cannot remove. */
final class CpuWork {
    private double state = 1.0;

    void unit() {
        double x = state;
        for (int i = 0; i < 250; i++) {
            x = x * 1.000000001 + 1e-12;
        }
        state = x;
    }

    double state() {
        return state;
    }
}
