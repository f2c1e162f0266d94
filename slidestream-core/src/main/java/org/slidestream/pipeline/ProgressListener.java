package org.slidestream.pipeline;

/** Receives the progress of a cohort run (the CLI draws progress bars or log lines from it). */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {};

    default void runStarted(int slides) {}

    default void slideStarted(CohortSlide slide) {}

    /** Work within a slide: {@code done} of {@code total} units (total may grow as it is found). */
    default void slideWork(CohortSlide slide, long done, long total) {}

    default void slideFinished(CohortSlide slide, SlideStatus status) {}

    default void runFinished(RunReport report) {}
}
