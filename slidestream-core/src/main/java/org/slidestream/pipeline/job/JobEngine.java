package org.slidestream.pipeline.job;

import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.slidestream.pipeline.ProgressListener;
import org.slidestream.pipeline.RunReport;

/**
 * Runs a job over its slides: {@code local} (in this process, {@link LocalEngine}) or another
 * registered as a service in {@code META-INF/services/org.slidestream.pipeline.job.JobEngine}, as the
 * {@code slidestream-spark} module registers {@code spark}. Engines other than the local one are
 * found only when their jars are on the class path, so the command line needs no Spark unless
 * it is asked for.
 */
public interface JobEngine {

    /** The name {@code --engine} selects. */
    String name();

    /**
     * Runs every slide of the job through its steps; writes {@code status.csv} in the output root.
     * Slides that fail are rows of the report, not exceptions.
     *
     * @throws Exception when the run as a whole cannot go ahead (unreadable inputs, output not writable)
     */
    RunReport run(Job job, ProgressListener listener) throws Exception;

    /**
     * The engine of that name on the class path.
     *
     * @throws IllegalArgumentException naming the engines found, with a hint for {@code spark}
     */
    static JobEngine find(String name) {
        if (name.equals(LocalEngine.NAME)) return new LocalEngine();
        ServiceLoader<JobEngine> engines = ServiceLoader.load(JobEngine.class, JobEngine.class.getClassLoader());
        for (JobEngine e : engines) {
            if (e.name().equals(name)) return e;
        }
        String known = engines.stream().map(p -> p.get().name()).collect(Collectors.joining(", "));
        throw new IllegalArgumentException("no engine '" + name + "' on the class path (available: local"
                + (known.isEmpty() ? "" : ", " + known) + ")"
                + (name.equals("spark") ? "; the Spark engine is the slidestream-spark jar: run through spark-submit, "
                + "or through the ./slidestream launcher, which adds it and Spark when --engine spark is given" : ""));
    }
}
