package org.slidestream.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.pipeline.CohortSlide;
import org.slidestream.pipeline.SlideContext;
import org.slidestream.pipeline.SlideTask;

class JobFileTest {
    /** A step with one option of each type, recording what it was given. */
    record Typed(String name) implements StepFactory {
        @Override public String description() { return "test step"; }

        @Override public List<StepOption> options() {
            return List.of(StepOption.integer("size", "patch side"), StepOption.number("mpp", "resolution"),
                    StepOption.bool("overlap", "b"), StepOption.text("label", "t"), StepOption.size("cache", "s"),
                    StepOption.choice("format", "c", "png", "jpeg"));
        }

        @Override public SlideTask create(Map<String, Object> options) {
            if (options.containsKey("size") && (Long) options.get("size") < 1) throw new IllegalArgumentException("size must be >= 1");
            return new Given(name, options);
        }
    }

    record Given(String name, Map<String, Object> options) implements SlideTask {
        @Override public Done completed(CohortSlide slide, Path slideDir) { return null; }

        @Override public long process(CohortSlide slide, Path slideDir, SlideContext context) { return 0; }
    }

    private static final StepRegistry STEPS = StepRegistry.of(new Typed("tissue"), new Typed("patch"), new DescribeStep());

    private static Job parse(String yaml) {
        return JobFile.parse(yaml, "job.yaml", Path.of("/data/jobs"), STEPS);
    }

    private static void fails(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(JobFileException.class).hasMessage(message);
    }

    @Test
    void readsAFullJob() {
        Job job = parse("""
                inputs: [slides/, /abs/cohort.csv, "hdfs://nn:8020/wsi/"]
                output: out
                overwrite: true
                engine: {workers: 3, threads: 8, max-memory: 2g, natives: false}
                spark:
                  master: local[2]
                  conf: {spark.executor.memory: 4g, spark.task.maxFailures: 2}
                steps:
                  - tissue
                  - patch:
                      size: 256
                      mpp: 0.5
                      overlap: true
                      label: "x"
                      cache: 64m
                      format: PNG
                  - describe: {properties: true}
                """);
        assertThat(job.inputs()).containsExactly("/data/jobs/slides", "/abs/cohort.csv", "hdfs://nn:8020/wsi/");
        assertThat(job.output()).isEqualTo("/data/jobs/out");
        assertThat(job.overwrite()).isTrue();
        assertThat(job.engine()).isEqualTo(new Job.Engine(3, 8, 2L << 30, false));
        assertThat(job.spark().master()).isEqualTo("local[2]");
        assertThat(job.spark().conf()).containsEntry("spark.executor.memory", "4g").containsEntry("spark.task.maxFailures", "2");
        assertThat(job.steps()).extracting(Job.JobStep::name).containsExactly("tissue", "patch", "describe");
        assertThat(job.steps().get(1).options()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "size", 256L, "mpp", 0.5, "overlap", true, "label", "x", "cache", 64L << 20, "format", "png"));
        assertThat(job.steps().get(0).options()).isEmpty();
        assertThat(job.steps().get(1).line()).isEqualTo(10);
        assertThat(job.task().name()).isEqualTo("tissue+patch+describe");
        assertThat(job.task().countColumn()).isEqualTo("levels");
    }

    @Test
    void oneInputNeedsNoList() {
        assertThat(parse("inputs: a.svs\noutput: /o\nsteps: [describe]\n").inputs()).containsExactly("/data/jobs/a.svs");
    }

    @Test
    void unknownStepNamesTheLineAndTheClosestName() {
        fails("""
                inputs: [a.svs]
                output: out
                steps:
                  - tissue
                  - pach: {size: 256}
                """, "job.yaml:5:5: unknown step 'pach' (did you mean 'patch'?) (known: describe, patch, tissue)");
    }

    @Test
    void unknownOptionNamesTheStepAndItsOptions() {
        fails("""
                inputs: [a.svs]
                output: out
                steps:
                  - patch:
                      size: 256
                      mmp: 0.5
                """, "job.yaml:6:7: step 'patch' has no option 'mmp' (did you mean 'mpp'?) "
                + "(options: size, mpp, overlap, label, cache, format)");
    }

    @Test
    void wrongTypesNameTheValue() {
        fails("inputs: [a.svs]\noutput: out\nsteps:\n  - patch: {size: big}\n",
                "job.yaml:4:19: step 'patch': option 'size' expects a whole number, not 'big'");
        fails("inputs: [a.svs]\noutput: out\nsteps:\n  - patch:\n      size: 2.5\n",
                "job.yaml:5:13: step 'patch': option 'size' expects a whole number, not 2.5");
        fails("inputs: [a.svs]\noutput: out\nsteps:\n  - patch:\n      overlap: 3\n",
                "job.yaml:5:16: step 'patch': option 'overlap' expects true or false, not 3");
        fails("inputs: [a.svs]\noutput: out\nsteps:\n  - patch:\n      format: tiff\n",
                "job.yaml:5:15: step 'patch': option 'format' expects one of png, jpeg, not 'tiff'");
        fails("inputs: [a.svs]\noutput: out\nsteps:\n  - patch:\n      mpp: [1, 2]\n",
                "job.yaml:5:12: step 'patch': option 'mpp' expects one value, not a list");
        fails("inputs: [a.svs]\noutput: out\nsteps: [describe]\nengine: {workers: 0}\n",
                "job.yaml:4:19: engine: 'workers' must be between 1 and 4096, not 0");
        fails("inputs: [a.svs]\noutput: out\nsteps: [describe]\nengine: {max-memory: lots}\n",
                "job.yaml:4:22: engine: option 'max-memory' expects a memory size such as 512m or 4g, not 'lots'");
        fails("inputs: [a.svs]\noutput: 3\nsteps: [describe]\n",
                "job.yaml:2:9: output must be a path or URI, not the integer 3");
    }

    @Test
    void invalidCombinationsFromTheFactoryNameTheStep() {
        fails("inputs: [a.svs]\noutput: out\nsteps:\n  - patch: {size: 0}\n",
                "job.yaml:4:5: step 'patch': size must be >= 1");
    }

    @Test
    void structureErrors() {
        fails("inputs: [a.svs]\nsteps: [describe]\n", "job.yaml:1:1: 'output' is missing");
        fails("inputs: []\noutput: out\nsteps: [describe]\n", "job.yaml:1:9: 'inputs' is empty: give slide files, folders or manifests");
        fails("inputs: [a.svs]\noutput: out\nsteps: [describe]\nworkers: 2\n",
                "job.yaml:4:1: unknown entry 'workers' (a job has: engine, inputs, output, overwrite, spark, steps)");
        fails("inputs: [a.svs]\noutput: out\nsteps: [describe, describe]\n", "job.yaml:3:19: step 'describe' is given twice");
        fails("inputs: [a.svs]\noutput: out\noutput: again\nsteps: [describe]\n", "job.yaml:3:1: 'output' is given twice");
        fails("inputs: [a.svs]\noutput: out\nsteps:\n  - {tissue: {}, patch: {}}\n",
                "job.yaml:4:5: a step is a name, or a name with its options ('- patch: {size: 256}'); found a mapping");
        fails("- a\n- b\n", "job.yaml:1:1: a job file is a mapping with inputs, output and steps; found a list");
        assertThatThrownBy(() -> parse("inputs: [a.svs\noutput: out\n")).isInstanceOf(JobFileException.class)
                .hasMessageStartingWith("job.yaml:").hasMessageContaining("not valid YAML");
    }

    @Test
    void readsFromAFileRelativeToItsFolder(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("job.yaml");
        Files.writeString(f, "inputs: slides\noutput: out\nsteps: [describe]\n");
        Job job = JobFile.read(f);
        assertThat(job.inputs()).containsExactly(dir.resolve("slides").toString());
        assertThat(job.steps()).extracting(Job.JobStep::name).containsExactly("describe");
        assertThatThrownBy(() -> JobFile.read(dir.resolve("nope.yaml"))).hasMessageEndingWith("nope.yaml: no such file");
    }
}
