package org.slidestream.cli;

import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slidestream.tiff.writer.WriteProgress;

/** Progress of one image being written: a bar of tiles on a terminal, a log line every 10 % otherwise. */
final class TileProgress implements WriteProgress, AutoCloseable {
    private final PrintWriter err;
    private final String task;
    private final String unit;
    private final boolean bar;
    private ProgressBar progressBar;
    private int lastTenth = -1;

    TileProgress(PrintWriter err, String task) {
        this(err, task, Terminal.interactive());
    }

    TileProgress(PrintWriter err, String task, boolean bar) {
        this(err, task, "tiles", bar);
    }

    /** Progress counted in {@code unit} ("cells") instead of tiles. */
    TileProgress(PrintWriter err, String task, String unit, boolean bar) {
        this.err = err;
        this.task = task;
        this.unit = unit;
        this.bar = bar;
    }

    @Override
    public synchronized void tiles(long done, long total) {
        if (bar) {
            if (progressBar == null) {
                progressBar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" " + unit, 1)
                        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250)
                        .continuousUpdate().clearDisplayOnFinish().build();
            }
            progressBar.stepTo(done);
            return;
        }
        int tenth = (int) (done * 10 / Math.max(1, total));
        if (tenth != lastTenth) {
            lastTenth = tenth;
            err.println(String.format(Locale.ROOT, "%s: %d%% (%,d of %,d %s)", task, tenth * 10, done, total, unit));
            err.flush();
        }
    }

    @Override
    public synchronized void close() {
        if (progressBar != null) progressBar.close();
    }
}
