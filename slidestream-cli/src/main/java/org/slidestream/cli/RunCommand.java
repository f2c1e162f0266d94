package org.slidestream.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.MemorySize;
import org.slidestream.pipeline.RunReport;
import org.slidestream.pipeline.job.Job;
import org.slidestream.pipeline.job.JobEngine;
import org.slidestream.pipeline.job.JobFile;
import org.slidestream.pipeline.job.JobFileException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code slidestream run job.yaml}: the steps of a job file over its cohort, locally or on Spark. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a job file: several steps per slide (tissue, patch, mask, normalize, describe, and the steps other modules register) "
                + "over a cohort, on this machine or on Apache Spark. Each step skips slides whose outputs are complete.",
                "Example: slidestream run job.yaml",
                "         slidestream run job.yaml --engine spark --master 'local[4]'"})
public final class RunCommand implements Callable<Integer>, SlideCommand {

    @Parameters(index = "0", paramLabel = "JOB", description = "The job file (YAML: inputs, output, steps, engine).")
    Path jobFile;

    @Option(names = "--engine", paramLabel = "NAME",
            description = "local (this machine; the default) or spark (needs the slidestream-spark jar and Spark on the "
                    + "class path: spark-submit, or the launcher adds them). Under spark-submit the default is spark.")
    String engine;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (local[N], spark://host:7077, yarn, k8s://...); "
            + "overrides the job's spark.master. Default: the one spark-submit gives, else local[*].")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting (repeatable), e.g. spark.executor.memory=8g.")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--workers", paramLabel = "N", description = "Slides processed at the same time (local engine). Default: the job's, else 1.")
    Integer workers;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for work within slides. Default: the job's, else one per core.")
    Integer threads;

    @Option(names = "--overwrite", description = "Redo slides whose outputs are complete.")
    boolean overwrite;

    @Mixin RunOptions run;

    @Spec CommandSpec spec;

    @Override public int order() { return 120; }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Summary summary = new Summary();
        Job job;
        JobEngine eng;
        try {
            job = withOverrides(JobFile.read(jobFile));
        } catch (JobFileException e) {
            return usage(err, e.getMessage());
        }
        try {
            eng = JobEngine.find(engineName());
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        CohortProgress progress = new CohortProgress(err, job.task().countColumn());
        RunReport report = eng.run(job, progress);
        if (report.slides().isEmpty()) {
            // as the single commands do: an empty cohort is a mistake in the inputs, not a success
            err.println(spec.qualifiedName() + ": " + jobFile.getFileName() + ": no slides found in " + job.inputs());
            err.flush();
            return Main.EXIT_FAILED;
        }
        MemoryBudget budget = MemoryBudget.of(job.engine().maxMemory());
        progress.printSummary(report, budget);
        err.println("outputs in " + job.output() + " (status.csv: one row per slide)");
        summary.print(err, budget);
        if (!eng.name().equals("local")) {
            err.println("engine " + eng.name() + ": peak memory and budget above are the driver's; "
                    + "each executor's budget follows its memory (see status.csv's peak_mb per slide)");
        }
        err.flush();
        return report.anyFailed() ? Main.EXIT_FAILED : Main.EXIT_OK;
    }

    private int usage(PrintWriter err, String message) {
        err.println(spec.qualifiedName() + ": " + message);
        err.flush();
        return Main.EXIT_USAGE;
    }

    private String engineName() {
        if (engine != null) return engine;
        // spark-submit sets spark.master as a system property of the driver
        return System.getProperty("spark.master") != null ? "spark" : "local";
    }

    private Job withOverrides(Job job) {
        Job.Engine e = job.engine();
        Long maxMemory = run.maxMemory != null ? (Long) MemorySize.parse(run.maxMemory) : e.maxMemory();
        Boolean natives = run.noNatives ? Boolean.FALSE : e.natives();
        Job.Engine merged = new Job.Engine(workers != null ? positive(workers, "--workers") : e.workers(),
                threads != null ? positive(threads, "--threads") : e.threads(), maxMemory, natives);
        Job out = job.with(merged, overwrite || job.overwrite());
        if (master != null || !conf.isEmpty()) {
            Map<String, String> c = new LinkedHashMap<>(job.spark().conf());
            c.putAll(conf);
            out = out.with(new Job.Spark(master != null ? master : job.spark().master(), c));
        }
        return out;
    }

    private Integer positive(int v, String name) {
        if (v < 1) throw new picocli.CommandLine.ParameterException(spec.commandLine(), name + " must be >= 1, not " + v);
        return v;
    }
}
