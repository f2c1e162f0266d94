package org.slidestream.pipeline.job;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slidestream.pipeline.SlideTask;

/**
 * A parsed, validated job file (see {@link JobFile}).
 *
 * @param file     the job file as named to the reader (for messages)
 * @param source   its text, so that remote workers can parse the same job
 * @param baseDir  the folder relative paths in the job are resolved against
 * @param inputs   slide files, folders and manifests: absolute local paths, or URIs
 *                 ({@code hdfs://...}, {@code s3a://...}) kept as written
 * @param output   the output root: an absolute local path or a URI
 * @param steps    what runs per slide, in order
 * @param engine   worker and memory settings (each null when the job leaves it to the defaults)
 * @param overwrite redo slides whose outputs are complete
 * @param spark    settings read only by the Spark engine: {@code master} and {@code conf}
 */
public record Job(String file, String source, Path baseDir, List<String> inputs, String output, List<JobStep> steps,
                  Engine engine, boolean overwrite, Spark spark) {
    public Job {
        inputs = List.copyOf(inputs);
        steps = List.copyOf(steps);
    }

    /** One step of the job, its options as converted, and the task made from them. */
    public record JobStep(String name, Map<String, Object> options, SlideTask task, int line) {
        public JobStep {
            options = Map.copyOf(options);
        }
    }

    /**
     * @param workers   slides processed at the same time (local engine)
     * @param threads   threads for work within slides, shared by all slides
     * @param maxMemory the memory budget in bytes (on Spark: per executor)
     * @param natives   use native codecs where installed
     */
    public record Engine(Integer workers, Integer threads, Long maxMemory, Boolean natives) {
        public static final Engine DEFAULTS = new Engine(null, null, null, null);
    }

    /** @param master Spark master URL (null: the one {@code spark-submit} gives); @param conf extra Spark settings */
    public record Spark(String master, Map<String, String> conf) {
        public static final Spark DEFAULTS = new Spark(null, Map.of());

        public Spark {
            conf = Map.copyOf(conf);
        }
    }

    /** The steps as one task that runs them in order per slide (see {@link JobTask}). */
    public SlideTask task() {
        return new JobTask(steps.stream().map(JobStep::task).toList(), overwrite);
    }

    /** The same job with the command line's overrides. */
    public Job with(Engine e, boolean overwrite) {
        return new Job(file, source, baseDir, inputs, output, steps, e, overwrite, spark);
    }

    /** The same job with other Spark settings. */
    public Job with(Spark s) {
        return new Job(file, source, baseDir, inputs, output, steps, engine, overwrite, s);
    }

    /** True when a location is a URI with a scheme ({@code hdfs://}, {@code s3a://}, {@code file:/}) rather than a local path. */
    public static boolean isUri(String location) {
        return location.matches("^[A-Za-z][A-Za-z0-9+.-]+:/.*");
    }
}
