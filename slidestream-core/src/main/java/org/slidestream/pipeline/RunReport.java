package org.slidestream.pipeline;

import java.time.Duration;
import java.util.List;

/** The outcome of a cohort run: one status per slide of this run, in input order. */
public record RunReport(List<SlideStatus> slides, Duration elapsed, long peakBytes) {
    public RunReport {
        slides = List.copyOf(slides);
    }

    public long count(SlideState state) {
        return slides.stream().filter(s -> s.state() == state).count();
    }

    /** Sum of the counts of slides done now or before (skipped). */
    public long totalCount() {
        return slides.stream().filter(s -> s.state() != SlideState.FAILED && s.count() > 0).mapToLong(SlideStatus::count).sum();
    }

    public boolean anyFailed() {
        return count(SlideState.FAILED) > 0;
    }
}
