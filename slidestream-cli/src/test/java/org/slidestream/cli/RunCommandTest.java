package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.pipeline.SlideState;
import org.slidestream.pipeline.SlideStatus;
import org.slidestream.patch.PatchExporter;
import org.slidestream.pipeline.StatusTable;
import org.slidestream.pipeline.job.JobFile;
import org.slidestream.pipeline.job.StepRegistry;
import org.slidestream.slide.SlideOptions;
import org.slidestream.testing.SharedData;
import org.slidestream.tissue.TissueDetector;
import picocli.CommandLine;

class RunCommandTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path job(String text) throws Exception {
        Path f = dir.resolve("job.yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void runsStepsInOrderAndSkipsWhatIsComplete() throws Exception {
        Path cmu = SharedData.slide("cmu-1-small-region.svs");
        Path broken = SharedData.slide("broken.svs");
        Path job = job("inputs: [" + cmu + ", " + broken + "]\noutput: out\n"
                + "steps:\n  - tissue: {method: otsu}\n  - patch: {method: otsu, size: 256, min-tissue: 0.3}\n  - describe\n");
        Run r = run("run", job.toString(), "--max-memory", "256m");
        assertThat(r.code()).as(r.err()).isEqualTo(Main.EXIT_FAILED);
        assertThat(r.err()).contains("cmu-1-small-region: ").contains("broken: FAILED: ")
                .containsPattern("slides: 1 done, 0 skipped, 1 failed; .*budget 256 MiB");
        Path slideDir = dir.resolve("out/cmu-1-small-region");
        assertThat(slideDir.resolve("coords.h5")).isRegularFile();
        assertThat(slideDir.resolve("mask.png")).isRegularFile();
        JsonNode d = new ObjectMapper().readTree(slideDir.resolve("describe.json").toFile());
        assertThat(d.path("width").asInt()).isEqualTo(2220);
        assertThat(d.path("height").asInt()).isEqualTo(2967);
        assertThat(d.path("format").asText()).isNotEmpty();
        Map<String, SlideStatus> st = StatusTable.read(dir.resolve("out/status.csv"));
        assertThat(st.get("cmu-1-small-region").state()).isEqualTo(SlideState.SUCCESS);
        assertThat(st.get("cmu-1-small-region").count()).isEqualTo(d.path("levels").size()); // the last step's count
        assertThat(st.get("broken").reason()).contains("broken.svs");

        long coordsTime = Files.getLastModifiedTime(slideDir.resolve("coords.h5")).toMillis();
        Files.delete(slideDir.resolve("describe.json")); // only the last step is incomplete now
        Thread.sleep(20);
        Run again = run("run", job.toString(), "--max-memory", "256m");
        assertThat(again.code()).isEqualTo(Main.EXIT_FAILED);
        assertThat(slideDir.resolve("describe.json")).isRegularFile();
        assertThat(Files.getLastModifiedTime(slideDir.resolve("coords.h5")).toMillis()).isEqualTo(coordsTime);
        assertThat(StatusTable.read(dir.resolve("out/status.csv")).get("cmu-1-small-region").state()).isEqualTo(SlideState.SUCCESS);
        Run third = run("run", job.toString());
        assertThat(third.err()).contains("1 skipped");
    }

    @Test
    void badJobFilesAreUsageErrorsWithFileAndLine() throws Exception {
        Path job = job("inputs: [a.svs]\noutput: out\nsteps:\n  - tissue\n  - patch: {size: big}\n");
        Run r = run("run", job.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err().strip()).isEqualTo("slidestream run: " + job + ":5:19: step 'patch': option 'size' expects a whole number, not 'big'");
        Files.writeString(job, "inputs: [a.svs]\noutput: out\nsteps: [tisue]\n");
        assertThat(run("run", job.toString()).err()).contains(":3:9: unknown step 'tisue' (did you mean 'tissue'?) (known: describe, features, mask, normalize, patch, quantify, tissue)");
    }

    @Test
    void theSparkEngineNeedsItsJar() throws Exception {
        Path job = job("inputs: [a.svs]\noutput: out\nsteps: [describe]\n");
        Run r = run("run", job.toString(), "--engine", "spark");
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("no engine 'spark' on the class path (available: local); the Spark engine is the slidestream-spark jar");
        assertThat(Files.exists(dir.resolve("out"))).isFalse();
    }

    @Test
    void anEmptyCohortIsAFailureNamingTheInputs() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        Path job = job("inputs: [empty/]\noutput: out\nsteps: [describe]\n");
        Run r = run("run", job.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_FAILED);
        assertThat(r.err()).contains("no slides found in").contains("empty");
    }

    @Test
    void aJobOfStepsThatReadFewTilesTwiceCapsItsTileCache() {
        Function<String, Long> cache = steps -> JobFile.parse("inputs: [a.svs]\noutput: out\nsteps: " + steps + "\n",
                "job.yaml", dir, StepRegistry.load()).task().tileCacheBytes();
        assertThat(cache.apply("[tissue, patch]")).isEqualTo(PatchExporter.TILE_CACHE_BYTES);
        assertThat(cache.apply("[tissue]")).isEqualTo(TissueDetector.TILE_CACHE_BYTES);
        // a step without a declared need keeps the default for the whole job
        assertThat(cache.apply("[patch, describe]")).isEqualTo(SlideOptions.DEFAULT_MAX_CACHE);
    }
}
