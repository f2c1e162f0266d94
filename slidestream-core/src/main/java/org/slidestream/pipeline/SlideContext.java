package org.slidestream.pipeline;

import java.util.concurrent.ExecutorService;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.slide.SlideOptions;

/**
 * What a {@link SlideTask} shares with the other slides of the run: one memory budget (and the tile
 * cache in the slide options), a pool for parallel work within a slide, and where to report
 * progress. The tile pool's threads never wait on slide workers, so tasks may block on it.
 */
public record SlideContext(MemoryBudget budget, SlideOptions slideOptions, ExecutorService tilePool, int tileThreads,
                           ProgressListener progress, CohortSlide slide) {

    SlideContext forSlide(CohortSlide s) {
        return new SlideContext(budget, slideOptions, tilePool, tileThreads, progress, s);
    }

    /** Reports progress within this slide (for example patches written of patches planned). */
    public void work(long done, long total) {
        progress.slideWork(slide, done, total);
    }
}
