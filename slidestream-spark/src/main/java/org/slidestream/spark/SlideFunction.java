package org.slidestream.spark;

import java.io.IOException;
import java.io.Serial;
import java.net.InetAddress;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slidestream.io.AtomicOutput;
import org.slidestream.pipeline.CohortSlide;
import org.slidestream.pipeline.Failures;
import org.slidestream.pipeline.ProgressListener;
import org.slidestream.pipeline.RunReport;
import org.slidestream.pipeline.SlideState;
import org.slidestream.pipeline.SlideStatus;
import org.slidestream.pipeline.SlideTask;
import org.slidestream.pipeline.job.Job;
import org.slidestream.pipeline.job.JobFile;
import org.slidestream.pipeline.job.StepRegistry;

/**
 * One Spark task: one slide through the job's steps on an executor. The steps run on a local copy
 * of the slide's output folder, in a scratch folder unique to the task attempt, with the executor's
 * shared budget; then the new outputs are published to the output root through the Hadoop
 * FileSystem API ({@link RemoteFolder}). A slide that fails is a failed status row; an exception
 * leaving this function (a lost file system, a killed step) makes Spark retry the task, and on the
 * last attempt it becomes a failed row too, so one slide never stops the job.
 */
final class SlideFunction implements Function<SparkSlide, StatusRow> {
    @Serial private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SlideFunction.class);
    private static final Map<String, Job> JOBS = new ConcurrentHashMap<>();

    private final String jobFile;
    private final String jobSource;
    private final String baseDir;
    private final String outputRoot;
    private final boolean overwrite;
    private final Long maxMemory;
    private final Boolean natives;
    private final HadoopConf hadoop;

    SlideFunction(Job job, HadoopConf hadoop) {
        this.jobFile = job.file();
        this.jobSource = job.source();
        this.baseDir = job.baseDir().toString();
        this.outputRoot = job.output();
        this.overwrite = job.overwrite();
        this.maxMemory = job.engine().maxMemory();
        this.natives = job.engine().natives();
        this.hadoop = hadoop;
    }

    @Override
    public StatusRow call(SparkSlide slide) throws Exception {
        TaskContext tc = TaskContext.get();
        int attemptNumber = tc == null ? 0 : tc.attemptNumber();
        String attempt = "attempt-" + (tc == null ? System.nanoTime() : tc.taskAttemptId());
        String host = InetAddress.getLocalHost().getHostName();
        long t0 = System.nanoTime();
        try {
            return StatusRow.of(run(slide, attempt), host, attemptNumber);
        } catch (Exception | Error e) {
            if (attemptNumber + 1 < ExecutorRuntime.maxAttempts(SparkEnv.get().conf())) throw e; // Spark retries
            LOG.debug("slide {} failed on its last attempt", slide.id(), e);
            return new StatusRow(slide.id(), SlideState.FAILED.name(), Failures.oneLine(e), -1,
                    (System.nanoTime() - t0) / 1e9, org.slidestream.memory.PeakMemory.peakBytes() >> 20, host, attemptNumber);
        }
    }

    private SlideStatus run(SparkSlide slide, String attempt) throws Exception {
        SlideTask task = job().task();
        ExecutorRuntime rt = ExecutorRuntime.get(maxMemory, natives, task.tileCacheBytes());
        java.nio.file.Path scratch = Files.createTempDirectory(scratchBase(), "slidestream-" + attempt + "-");
        Path out = SparkInputs.hadoopPath(outputRoot);
        FileSystem fs = RemoteFolder.fileSystem(out, hadoop.get());
        RemoteFolder folder = new RemoteFolder(fs, new Path(out, slide.id()));
        try {
            java.nio.file.Path work = scratch.resolve("out");
            java.nio.file.Path localDir = work.resolve(slide.id());
            Map<String, Long> before = overwrite ? Map.of() : folder.fetch(localDir);
            java.nio.file.Path input = stage(slide, scratch.resolve("in"));
            CohortSlide cs = new CohortSlide(slide.id(), input, slide.options());
            RunReport r = rt.runner.run(List.of(cs), task, work, overwrite, ProgressListener.NONE);
            SlideStatus st = r.slides().getFirst();
            if (st.state() != SlideState.SKIPPED) {
                // complete outputs of the steps that ran, also when a later step failed (a re-run resumes)
                folder.publish(localDir, before, attempt, overwrite);
            }
            return st;
        } finally {
            try {
                folder.deletePartials(attempt);
            } finally {
                AtomicOutput.deleteRecursively(scratch);
            }
        }
    }

    /** The job, parsed once per JVM (the tasks it makes are shared by the executor's slides, as in a local run). */
    private Job job() {
        return JOBS.computeIfAbsent(jobFile + "\n" + jobSource + "\n" + baseDir,
                k -> JobFile.parse(jobSource, jobFile, java.nio.file.Path.of(baseDir), StepRegistry.load())
                        .with(Job.Engine.DEFAULTS, overwrite));
    }

    /** A slide on a remote file system is copied to local disk; a local path is read where it is. */
    private java.nio.file.Path stage(SparkSlide slide, java.nio.file.Path dir) throws IOException {
        if (!Job.isUri(slide.location())) return java.nio.file.Path.of(slide.location());
        Path src = new Path(slide.location());
        if ("file".equalsIgnoreCase(src.toUri().getScheme())) return java.nio.file.Path.of(src.toUri());
        Files.createDirectories(dir);
        java.nio.file.Path local = dir.resolve(src.getName());
        FileSystem fs = RemoteFolder.fileSystem(src, hadoop.get());
        if (!fs.exists(src)) throw new java.nio.file.NoSuchFileException(slide.location());
        fs.copyToLocalFile(false, src, new Path(local.toUri()), true);
        return local;
    }

    /** Spark's local folders (YARN's, or spark.local.dir), else the temporary folder. */
    private static java.nio.file.Path scratchBase() throws IOException {
        for (String env : new String[] {"SPARK_LOCAL_DIRS", "LOCAL_DIRS"}) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) {
                java.nio.file.Path p = java.nio.file.Path.of(v.split(",")[0].strip());
                Files.createDirectories(p);
                return p;
            }
        }
        return java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
    }
}
