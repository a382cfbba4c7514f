package org.jgil.cli;

import org.jgil.kernels.Kernel;
import org.jgil.kernels.Workload;

/**
 * One kernel at one problem size: a line of the report.
 *
 * @param cpuBound whether a call keeps a core busy, so that threads beyond the cores cannot add speed
 *     (false for a blocking wait, and for a user's method, whose nature jgil cannot know)
 */
record Case(Kernel kernel, Workload.Params params, String label, boolean cpuBound) {
    static Case of(Kernel kernel, int size, long workMicros, long seed) {
        StringBuilder label = new StringBuilder(kernel.name());
        if (workMicros > 0) {
            label.append(workMicros >= 1000 && workMicros % 1000 == 0
                    ? " " + workMicros / 1000 + " ms" : " " + workMicros + " us");
        }
        if (size > 0) {
            label.append(" n=").append(size);
        }
        return new Case(kernel, new Workload.Params(size, workMicros, seed), label.toString(),
                !kernel.name().equals("sleep"));
    }
}
