package org.slidestream.pipeline;

import java.nio.file.Path;
import org.slidestream.slide.SlideOptions;

/**
 * The work a cohort run does per slide (tissue, patch, features, ...). Implementations write their
 * outputs into the slide's folder through {@link org.slidestream.io.AtomicOutput}, so that a
 * killed run leaves either complete outputs or none, and decide from those outputs whether a
 * slide is already done.
 */
public interface SlideTask {

    /** Short name of the step, for logs. */
    String name();

    /** Name of the count column in status.csv ({@code patches}, {@code features}). */
    default String countColumn() {
        return "count";
    }

    /**
     * True when this step's outputs for the slide are complete, so a re-run skips it.
     *
     * @return the count to report for the skipped slide wrapped in a {@link Done}, or null
     */
    Done completed(CohortSlide slide, Path slideDir);

    /**
     * Processes one slide. {@code slideDir} exists. Throws to fail the slide: the exception's
     * one-line description becomes the status reason; other slides go on.
     *
     * @return what was produced, for the status count
     */
    long process(CohortSlide slide, Path slideDir, SlideContext context) throws Exception;

    /**
     * The most tile cache this step's reads make use of: a run of only steps that read each tile
     * once or a few patches apart caps its cache at the largest of their needs instead of a quarter
     * of the budget (tiles kept beyond that are never read again, and only add to memory).
     */
    default long tileCacheBytes() {
        return SlideOptions.DEFAULT_MAX_CACHE;
    }

    /** A completed slide found on disk, with its count (-1 when unknown). */
    record Done(long count) {}
}
