package org.slidestream.pipeline.job;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.slidestream.pipeline.CohortSlide;
import org.slidestream.pipeline.SlideContext;
import org.slidestream.pipeline.SlideTask;

/**
 * The steps of a job as one task: per slide, each step in order, each skipped when its own outputs
 * are already complete (unless {@code overwrite}), so a re-run after a failure in a late step
 * redoes only that step. A failing step fails the slide and the later steps do not run. The status
 * count is the last step's.
 */
final class JobTask implements SlideTask {
    private final List<SlideTask> steps;
    private final boolean overwrite;

    JobTask(List<SlideTask> steps, boolean overwrite) {
        if (steps.isEmpty()) throw new IllegalArgumentException("a job needs at least one step");
        this.steps = List.copyOf(steps);
        this.overwrite = overwrite;
    }

    @Override
    public String name() {
        return steps.stream().map(SlideTask::name).collect(Collectors.joining("+"));
    }

    @Override
    public String countColumn() {
        return steps.getLast().countColumn();
    }

    /** The largest need of the steps: each step's reads get the cache they make use of. */
    @Override
    public long tileCacheBytes() {
        return steps.stream().mapToLong(SlideTask::tileCacheBytes).max().orElseThrow();
    }

    @Override
    public Done completed(CohortSlide slide, Path slideDir) {
        Done last = null;
        for (SlideTask s : steps) {
            last = s.completed(slide, slideDir);
            if (last == null) return null;
        }
        return last;
    }

    @Override
    public long process(CohortSlide slide, Path slideDir, SlideContext context) throws Exception {
        long count = -1;
        for (SlideTask s : steps) {
            Done done = overwrite ? null : s.completed(slide, slideDir);
            count = done != null ? done.count() : s.process(slide, slideDir, context);
        }
        return count;
    }
}
