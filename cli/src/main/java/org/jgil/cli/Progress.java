package org.jgil.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on a terminal; nothing at all when output goes to a file or a pipe. */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    Progress(String task, long steps) {
        this.bar = System.console() == null ? null
                : new ProgressBarBuilder().setTaskName(task).setInitialMax(steps)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate().build();
    }

    /** Shows what runs now. */
    void running(String what) {
        if (bar != null) {
            bar.setExtraMessage(" " + what);
        }
    }

    void done() {
        if (bar != null) {
            bar.step();
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
