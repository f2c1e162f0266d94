package org.slidestream.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.MemorySize;
import org.slidestream.pipeline.CohortSlide;
import org.slidestream.pipeline.ProgressListener;
import org.slidestream.pipeline.RunReport;
import org.slidestream.pipeline.SlideState;
import org.slidestream.pipeline.SlideStatus;

/**
 * Shows a cohort run: a progress bar of slides (with the units of work done, such as patches) on a
 * terminal, one log line per slide otherwise, and the closing summary.
 */
public final class CohortProgress implements ProgressListener {
    private final PrintWriter err;
    private final String unit;
    private final boolean bar;
    private final Map<String, Long> workBySlide = new ConcurrentHashMap<>();
    private final AtomicInteger finished = new AtomicInteger();
    private volatile ProgressBar progressBar;
    private volatile int total;

    /** @param unit what the count column counts ("patches", "features") */
    public CohortProgress(PrintWriter err, String unit) {
        this(err, unit, Terminal.interactive());
    }

    CohortProgress(PrintWriter err, String unit, boolean bar) {
        this.err = err;
        this.unit = unit;
        this.bar = bar;
    }

    @Override
    public void runStarted(int slides) {
        total = slides;
        if (bar) {
            progressBar = new ProgressBarBuilder().setTaskName("slides").setInitialMax(slides)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250)
                    .continuousUpdate().clearDisplayOnFinish().build();
        } else {
            err.println("processing " + slides + " slide" + (slides == 1 ? "" : "s"));
            err.flush();
        }
    }

    @Override
    public void slideWork(CohortSlide slide, long done, long totalWork) {
        workBySlide.put(slide.id(), done);
        ProgressBar pb = progressBar;
        if (pb != null) pb.setExtraMessage(String.format(Locale.ROOT, " %,d %s", workDone(), unit));
    }

    private long workDone() {
        return workBySlide.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void slideFinished(CohortSlide slide, SlideStatus st) {
        int n = finished.incrementAndGet();
        if (st.count() > 0) workBySlide.put(slide.id(), st.count());
        ProgressBar pb = progressBar;
        if (pb != null) pb.stepTo(n);
        synchronized (err) {
            if (pb == null || st.state() == SlideState.FAILED) {
                err.println(line(n, slide, st));
                err.flush();
            }
        }
    }

    private String line(int n, CohortSlide slide, SlideStatus st) {
        String what = switch (st.state()) {
            case SUCCESS -> String.format(Locale.ROOT, "%,d %s in %.1f s", st.count(), unit, st.seconds());
            case SKIPPED -> "skipped (already complete)";
            case FAILED -> "FAILED: " + st.reason();
        };
        return "[" + n + "/" + total + "] " + slide.id() + ": " + what;
    }

    @Override
    public void runFinished(RunReport r) {
        ProgressBar pb = progressBar;
        if (pb != null) {
            pb.close();
        }
    }

    /** The closing summary: slides done/skipped/failed, work, time, peak memory. */
    public void printSummary(RunReport r, MemoryBudget budget) {
        Duration d = r.elapsed();
        err.println(String.format(Locale.ROOT, "slides: %d done, %d skipped, %d failed; %,d %s; time %.1f s; peak memory %s (budget %s)",
                r.count(SlideState.SUCCESS), r.count(SlideState.SKIPPED), r.count(SlideState.FAILED), r.totalCount(), unit,
                d.toNanos() / 1e9, MemorySize.format(r.peakBytes()), MemorySize.format(budget.total())));
        err.flush();
    }
}
