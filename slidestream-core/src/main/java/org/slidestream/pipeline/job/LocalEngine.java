package org.slidestream.pipeline.job;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.pipeline.CohortInputs;
import org.slidestream.pipeline.CohortRunner;
import org.slidestream.pipeline.CohortSlide;
import org.slidestream.pipeline.ProgressListener;
import org.slidestream.pipeline.RunReport;
import org.slidestream.pipeline.SlideTask;
import org.slidestream.slide.SlideOptions;

/**
 * Runs a job in this process with {@link CohortRunner}: the worker pool, tile threads and memory
 * budget of the single commands, status.csv in the output root.
 */
public final class LocalEngine implements JobEngine {
    public static final String NAME = "local";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RunReport run(Job job, ProgressListener listener) throws IOException {
        Job.Engine e = job.engine();
        MemoryBudget budget = MemoryBudget.of(e.maxMemory());
        SlideTask task = job.task();
        SlideOptions options = SlideOptions.forBudget(budget, task.tileCacheBytes())
                .withNatives(e.natives() == null ? SlideOptions.nativesAllowedByDefault() : e.natives());
        List<CohortSlide> slides = slides(job);
        try (CohortRunner runner = new CohortRunner(workers(e), threads(e), budget, options)) {
            return runner.run(slides, task, localPath(job.output(), "output"), job.overwrite(), listener);
        }
    }

    /** The job's slides; inputs must be local paths (or {@code file:} URIs). */
    public static List<CohortSlide> slides(Job job) throws IOException {
        List<Path> inputs = new ArrayList<>();
        for (String in : job.inputs()) inputs.add(localPath(in, "input"));
        return CohortInputs.resolve(inputs);
    }

    /** Slides processed at the same time unless the job says: one, as for the single commands. */
    public static int workers(Job.Engine e) {
        return e.workers() != null ? e.workers() : 1;
    }

    /** Threads for work within slides unless the job says: one per core. */
    public static int threads(Job.Engine e) {
        return e.threads() != null ? e.threads() : Runtime.getRuntime().availableProcessors();
    }

    private static Path localPath(String location, String what) {
        if (!Job.isUri(location)) return Path.of(location);
        URI uri = URI.create(location);
        if ("file".equalsIgnoreCase(uri.getScheme())) return Path.of(uri);
        throw new IllegalArgumentException(location + ": the local engine reads and writes local files only; "
                + "run " + what + "s on " + uri.getScheme() + ":// with --engine spark");
    }
}
